#include "httpd.h"
#include "hex.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct listener {
	int fd;
	bool is_unix;
};

struct conn {
	int fd;
	bool is_unix;
	uid_t peer_uid;
	char peer_ip[INET6_ADDRSTRLEN];
	struct buf in;     /* bytes read, not yet consumed */
	struct buf out;    /* response bytes */
	size_t out_off;    /* written so far */
	bool close_after;  /* close once out is flushed */
	long long deadline; /* monotonic ms */
};

struct httpd {
	struct listener ls[HTTPD_MAX_LISTENERS];
	size_t nls;
	struct conn **conns;
	size_t nconns;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct httpd *httpd_new(void)
{
	return xcalloc(1, sizeof(struct httpd));
}

static void conn_free(struct conn *c)
{
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

void httpd_free(struct httpd *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nls; i++)
		close(h->ls[i].fd);
	for (size_t i = 0; i < h->nconns; i++)
		conn_free(h->conns[i]);
	free(h->conns);
	free(h);
}

static int add_listener(struct httpd *h, int fd, bool is_unix, struct err *e)
{
	if (h->nls == HTTPD_MAX_LISTENERS) {
		close(fd);
		return err_set(e, "too many listening addresses (at most %d)", HTTPD_MAX_LISTENERS);
	}
	h->ls[h->nls].fd = fd;
	h->ls[h->nls++].is_unix = is_unix;
	return 0;
}

int httpd_listen_tcp(struct httpd *h, const char *addrport, struct err *e)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	_cleanup_free_ char *host = NULL;
	const char *colon = strrchr(addrport, ':');
	if (!colon)
		return err_set(e, "%s: not ADDR:PORT", addrport);
	if (addrport[0] == '[') {
		if (colon == addrport || colon[-1] != ']')
			return err_set(e, "%s: not [ADDR]:PORT", addrport);
		host = xstrndup(addrport + 1, (size_t)(colon - 1 - (addrport + 1)));
	} else {
		host = xstrndup(addrport, (size_t)(colon - addrport));
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return err_set(e, "%s: bad port", addrport);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (!*host || inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof *s4;
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof *s6;
	} else {
		return err_set(e, "%s: not an IP address", host);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, "socket");
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 128) < 0) {
		err_sys(e, "listen on %s", addrport);
		close(fd);
		return -1;
	}
	return add_listener(h, fd, false, e);
}

int httpd_listen_unix(struct httpd *h, const char *path, mode_t mode, struct err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path)
		return err_set(e, "%s: socket path too long", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, "socket");
	struct stat st;
	/* A socket file left by a dead server: replace it. Anything else stays. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	mode_t old = umask(0777 & ~mode);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (r < 0 || chmod(path, mode) < 0 || listen(fd, 64) < 0) {
		err_sys(e, "listen on %s", path);
		close(fd);
		return -1;
	}
	return add_listener(h, fd, true, e);
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

int http_urldecode(char *s, size_t *len)
{
	size_t o = 0, n = *len;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			s[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= n)
				return -1;
			int a = hex_val((unsigned char)s[i + 1]);
			int b = hex_val((unsigned char)s[i + 2]);
			if (a < 0 || b < 0)
				return -1;
			s[o++] = (char)(a * 16 + b);
			i += 2;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	*len = o;
	return 0;
}

char *http_form_get(const char *body, size_t len, const char *key, size_t *out_len)
{
	size_t klen = strlen(key);
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fend = amp ? amp : end;
		if ((size_t)(fend - p) > klen && !memcmp(p, key, klen) && p[klen] == '=') {
			size_t n = (size_t)(fend - p - klen - 1);
			char *v = xstrndup(p + klen + 1, n);
			if (http_urldecode(v, &n) < 0) {
				free(v);
				return NULL;
			}
			if (out_len)
				*out_len = n;
			return v;
		}
		p = fend + 1;
	}
	return NULL;
}

/* Queue a whole response on the connection. */
static void conn_respond(struct conn *c, struct http_resp *r, bool head_only)
{
	buf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
		   r->status, http_reason(r->status),
		   r->ctype ? r->ctype : "text/plain; charset=us-ascii", r->body.len,
		   c->close_after ? "Connection: close\r\n" : "");
	if (!head_only)
		buf_add(&c->out, r->body.data ? r->body.data : "", r->body.len);
}

static void conn_error(struct conn *c, int status)
{
	struct http_resp r = {.status = status};
	buf_printf(&r.body, "%s\n", http_reason(status));
	c->close_after = true;
	conn_respond(c, &r, false);
	buf_free(&r.body);
}

/* Case-insensitive header lookup inside the NUL-separated head; value
 * trimmed of leading blanks. */
static const char *find_header(char *head, const char *name)
{
	size_t nl = strlen(name);
	for (char *l = head; *l; l += strlen(l) + 1) {
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			char *v = l + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
	}
	return NULL;
}

/* Parse one complete request off c->in if there is one. Returns 1 if a
 * request was handled, 0 if more bytes are needed, -1 if the connection
 * got an error response queued. */
static int conn_parse(struct conn *c, http_handler fn, void *ctx)
{
	char *data = c->in.data;
	char *eoh = c->in.len ? memmem(data, c->in.len, "\r\n\r\n", 4) : NULL;
	if (!eoh) {
		if (c->in.len > HTTPD_MAX_HEAD) {
			conn_error(c, 431);
			return -1;
		}
		return 0;
	}
	size_t head_len = (size_t)(eoh - data) + 4;
	if (head_len > HTTPD_MAX_HEAD) {
		conn_error(c, 431);
		return -1;
	}
	/* A private copy of the head with each line NUL-terminated and an empty
	 * line (a second NUL) at the end. */
	_cleanup_free_ char *head = xmalloc(head_len + 2);
	size_t o = 0;
	for (size_t i = 0; i < head_len - 4; i++) {
		if (data[i] == '\r' && data[i + 1] == '\n') {
			head[o++] = '\0';
			i++;
		} else if (data[i] == '\0') {
			conn_error(c, 400);
			return -1;
		} else {
			head[o++] = data[i];
		}
	}
	head[o++] = '\0';
	head[o] = '\0';

	char *reqline = head;
	char *headers = head + strlen(head) + 1;
	char *sp1 = strchr(reqline, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ')) {
		conn_error(c, 400);
		return -1;
	}
	*sp1 = *sp2 = '\0';
	const char *method = reqline, *target = sp1 + 1, *version = sp2 + 1;
	if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0")) {
		conn_error(c, 505);
		return -1;
	}
	bool keep = !strcmp(version, "HTTP/1.1");
	const char *conn_hdr = find_header(headers, "Connection");
	if (conn_hdr && !strcasecmp(conn_hdr, "close"))
		keep = false;
	else if (conn_hdr && !strcasecmp(conn_hdr, "keep-alive"))
		keep = true;
	if (find_header(headers, "Transfer-Encoding")) {
		conn_error(c, 501);
		return -1;
	}
	size_t body_len = 0;
	const char *cl = find_header(headers, "Content-Length");
	if (cl) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(cl, &end, 10);
		if (errno || end == cl || *end || *cl == '-') {
			conn_error(c, 400);
			return -1;
		}
		if (v > HTTPD_MAX_BODY) {
			conn_error(c, 413);
			return -1;
		}
		body_len = (size_t)v;
	} else if (!strcmp(method, "POST") || !strcmp(method, "PUT")) {
		conn_error(c, 411);
		return -1;
	}
	if (c->in.len < head_len + body_len)
		return 0;

	_cleanup_free_ char *path = xstrdup(target);
	char *q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	_cleanup_free_ char *body = xstrndup(data + head_len, body_len);
	const char *ct = find_header(headers, "Content-Type");
	struct http_req req = {
		.method = method,
		.path = path,
		.query = q ? q : "",
		.content_type = ct ? ct : "",
		.body = body,
		.body_len = body_len,
		.is_unix = c->is_unix,
		.peer_uid = c->peer_uid,
		.peer_ip = c->peer_ip,
	};
	struct http_resp resp = {.status = 200};
	fn(ctx, &req, &resp);
	c->close_after = !keep;
	conn_respond(c, &resp, !strcmp(method, "HEAD"));
	buf_free(&resp.body);

	/* Consume the request; pipelined bytes stay for the next round. */
	size_t used = head_len + body_len;
	memmove(c->in.data, c->in.data + used, c->in.len - used);
	c->in.len -= used;
	c->in.data[c->in.len] = '\0';
	return 1;
}

static void accept_one(struct httpd *h, struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (h->nconns >= HTTPD_MAX_CONNS) {
		/* Shed load rather than queue without bound. */
		close(fd);
		return;
	}
	struct conn *c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->is_unix = l->is_unix;
	c->peer_uid = (uid_t)-1;
	c->deadline = now_ms() + HTTPD_IDLE_TIMEOUT_MS;
	if (l->is_unix) {
		struct ucred cr;
		socklen_t cl = sizeof cr;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0)
			c->peer_uid = cr.uid;
	} else if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->peer_ip,
			  sizeof c->peer_ip);
	} else if (ss.ss_family == AF_INET6) {
		struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, &a->s6_addr[12], c->peer_ip, sizeof c->peer_ip);
		else
			inet_ntop(AF_INET6, a, c->peer_ip, sizeof c->peer_ip);
	}
	h->conns = xreallocarray(h->conns, h->nconns + 1, sizeof *h->conns);
	h->conns[h->nconns++] = c;
}

/* Returns false when the connection is done and should be freed. */
static bool conn_io(struct conn *c, short revents, http_handler fn, void *ctx)
{
	if (revents & POLLOUT && c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n > 0)
			c->out_off += (size_t)n;
		if (c->out_off == c->out.len) {
			if (c->close_after)
				return false;
			c->out.len = c->out_off = 0;
			c->deadline = now_ms() + HTTPD_IDLE_TIMEOUT_MS;
		}
	}
	if (revents & (POLLIN | POLLHUP | POLLERR) && !c->close_after) {
		char tmp[4096];
		ssize_t n = recv(c->fd, tmp, sizeof tmp, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return c->out_off < c->out.len; /* flush what is queued, then go */
		if (n > 0) {
			if (c->in.len == 0)
				c->deadline = now_ms() + HTTPD_REQ_TIMEOUT_MS;
			buf_add(&c->in, tmp, (size_t)n);
		}
	}
	/* Handle complete requests only once the previous response is out, so
	 * a pipelining client cannot make the output grow without bound. */
	while (!c->close_after && c->out.len == 0) {
		int r = conn_parse(c, fn, ctx);
		if (r <= 0)
			break;
		c->deadline = now_ms() + (c->in.len ? HTTPD_REQ_TIMEOUT_MS : HTTPD_IDLE_TIMEOUT_MS);
	}
	return true;
}

int httpd_run(struct httpd *h, http_handler fn, void *ctx, void (*tick)(void *ctx),
	      volatile sig_atomic_t *stop, struct err *e)
{
	struct pollfd *pfd = NULL;
	long long next_tick = now_ms() + 1000;
	while (!*stop) {
		size_t n = h->nls + h->nconns;
		pfd = xreallocarray(pfd, n ? n : 1, sizeof *pfd);
		for (size_t i = 0; i < h->nls; i++)
			pfd[i] = (struct pollfd){.fd = h->ls[i].fd, .events = POLLIN};
		long long now = now_ms(), wait = next_tick - now;
		for (size_t i = 0; i < h->nconns; i++) {
			struct conn *c = h->conns[i];
			short ev = c->out_off < c->out.len ? POLLOUT : POLLIN;
			pfd[h->nls + i] = (struct pollfd){.fd = c->fd, .events = ev};
			if (c->deadline - now < wait)
				wait = c->deadline - now;
		}
		if (wait < 0)
			wait = 0;
		int r = poll(pfd, n, (int)wait);
		if (r < 0 && errno != EINTR) {
			free(pfd);
			return err_sys(e, "poll");
		}
		now = now_ms();
		size_t nconns = h->nconns; /* accepts below append; handle those next round */
		for (size_t i = 0, j = 0; i < nconns; i++) {
			struct conn *c = h->conns[i];
			short rev = r > 0 ? pfd[h->nls + i].revents : 0;
			bool keep = true;
			if (rev)
				keep = conn_io(c, rev, fn, ctx);
			if (keep && now_ms() >= c->deadline) {
				if (c->in.len && c->out.len == 0) {
					/* A slow request: say so, then close. */
					conn_error(c, 408);
					c->deadline = now_ms() + 1000;
				} else {
					keep = false;
				}
			}
			if (keep)
				h->conns[j++] = c;
			else
				conn_free(c);
			if (i == nconns - 1) {
				/* move the newly accepted (none yet) and shrink */
				h->nconns = j;
			}
		}
		if (nconns == 0)
			h->nconns = 0;
		if (r > 0)
			for (size_t i = 0; i < h->nls; i++)
				if (pfd[i].revents & POLLIN)
					accept_one(h, &h->ls[i]);
		if (tick && now >= next_tick) {
			tick(ctx);
			next_tick = now + 1000;
		}
	}
	free(pfd);
	return 0;
}
