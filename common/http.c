#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "authd.h"
#include "file.h"

/* Defaults, each overridable by the environment variable named beside it
 * (documented in aci-fetch(1)), then by the caller's http_opts. */
#define DEF_CONNECT_MS 30000L    /* RKT_HTTP_CONNECT_TIMEOUT (seconds) */
#define DEF_TOTAL_FD_MS 3600000L /* RKT_HTTP_TIMEOUT (seconds): image downloads */
#define DEF_TOTAL_BUF_MS 120000L /* pages, signatures, manifests */
#define DEF_LOW_BYTES 100L       /* RKT_HTTP_LOW_SPEED_LIMIT (bytes/s) */
#define DEF_LOW_SECS 30L         /* RKT_HTTP_LOW_SPEED_TIME (seconds) */
#define DEF_RETRIES 2            /* RKT_HTTP_RETRIES */
#define DEF_REDIRECTS 10
#define MAX_HEADER_BYTES (64 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	return (*end || n < 0) ? def : n;
}

long long http_parse_max_age(const char *cc)
{
	long long age = -1;
	if (!cc)
		return -1;
	const char *p = cc;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *tok = p;
		while (*p && *p != ',')
			p++;
		size_t n = (size_t)(p - tok);
		while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
			n--;
		if ((n == 8 && !strncasecmp(tok, "no-store", 8)) ||
		    (n == 8 && !strncasecmp(tok, "no-cache", 8)))
			return -1;
		if (n > 8 && !strncasecmp(tok, "max-age=", 8)) {
			const char *v = tok + 8;
			size_t vl = n - 8;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			long long x = 0;
			size_t i;
			for (i = 0; i < vl && isdigit((unsigned char)v[i]); i++)
				if (x < 1000000000000LL)
					x = x * 10 + (v[i] - '0');
			if (i == vl && vl > 0)
				age = x;
		}
	}
	return age;
}

int http_url_parts(const char *url, char **scheme, char **host, int *port, struct err *e)
{
	pthread_once(&curl_once, curl_init);
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL;
	int r = -1;
	if (!u)
		return err_set(e, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		err_set(e, "%s: not a valid URL", url);
		goto out;
	}
	if (strcasecmp(s, "https") && strcasecmp(s, "http")) {
		err_set(e, "%s: scheme %s not supported (only https and http)", url, s);
		goto out;
	}
	if (scheme) {
		*scheme = xstrdup(s);
		for (char *c = *scheme; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	if (host) {
		*host = xstrdup(h);
		for (char *c = *host; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	if (port)
		*port = atoi(p);
	r = 0;
out:
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return r;
}

void http_format_progress(char *out, size_t n, const char *label, long long done, long long total,
			  double rate, int width)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	char d[32], t[32], r[32], bar[128];
	struct {
		double v;
		char *s;
	} f[3] = {{(double)done, d}, {(double)total, t}, {rate, r}};
	for (int i = 0; i < 3; i++) {
		int u = 0;
		while (f[i].v >= 1024 && u < 4) {
			f[i].v /= 1024;
			u++;
		}
		snprintf(f[i].s, 32, u ? "%.1f %s" : "%.0f %s", f[i].v, units[u]);
	}
	if (width > (int)sizeof bar - 1)
		width = (int)sizeof bar - 1;
	if (total > 0) {
		int pct = (int)(done * 100 / total);
		if (pct > 100)
			pct = 100;
		int fill = pct * width / 100;
		for (int i = 0; i < width; i++)
			bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
		bar[width] = '\0';
		snprintf(out, n, "%s %s / %s [%s] %3d%% %s/s", label ? label : "", d, t, bar, pct,
			 r);
	} else {
		snprintf(out, n, "%s %s %s/s", label ? label : "", d, r);
	}
}

struct xfer {
	const struct http_opts *o;
	CURL *c;
	/* body sink: an fd, a buffer or a function */
	int fd;
	http_sink_fn *sink;
	void *sink_ctx;
	long long delivered; /* bytes given to sink, over every attempt */
	struct buf *out;
	size_t max;
	bool keep_any_status;
	bool too_big;
	int write_errno;
	long long got;
	struct buf hdr;
	/* progress */
	struct timespec start, last_draw;
	bool drew;
	bool tty;
};

static long cur_status(CURL *c)
{
	long s = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &s);
	return s;
}

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm;
	long st = cur_status(x->c);
	bool keep = (st >= 200 && st < 300) || (x->keep_any_status && (st < 300 || st >= 400));
	if (!keep)
		return n; /* a redirect's or an error's body: not the resource */
	if (x->sink) {
		/* a retry starts over: what the sink has already had is skipped */
		long long skip = x->delivered - x->got;
		x->got += (long long)n;
		if (skip >= (long long)n)
			return n;
		size_t from = skip > 0 ? (size_t)skip : 0;
		if (x->sink(x->sink_ctx, p + from, n - from) < 0) {
			x->write_errno = errno ? errno : EIO;
			return 0;
		}
		x->delivered += (long long)(n - from);
		return n;
	}
	if (x->fd >= 0) {
		if (writeall(x->fd, p, n) < 0) {
			x->write_errno = errno;
			return 0;
		}
	} else {
		if (x->max && x->out->len + n > x->max) {
			x->too_big = true;
			return 0;
		}
		buf_add(x->out, p, n);
	}
	x->got += (long long)n;
	return n;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *ud)
{
	struct xfer *x = ud;
	size_t n = sz * nm;
	if (n >= 5 && !strncmp(p, "HTTP/", 5)) {
		x->hdr.len = 0; /* a new response (after 100 Continue): start over */
		if (x->hdr.data)
			x->hdr.data[0] = '\0';
	}
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (x->hdr.len + n + 1 > MAX_HEADER_BYTES)
		return 0;
	buf_add(&x->hdr, p, n);
	buf_addc(&x->hdr, '\n');
	return sz * nm;
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = ud;
	(void)ultotal;
	(void)ulnow;
	long st = cur_status(x->c);
	if (st < 200 || st >= 300)
		return 0;
	if (x->o->progress_fn) {
		x->o->progress_fn(x->o->progress_ctx, dlnow, dltotal > 0 ? dltotal : -1);
		return 0;
	}
	if (!x->tty)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (x->drew && elapsed(&x->last_draw, &now) < 0.2 && dlnow != dltotal)
		return 0;
	x->last_draw = now;
	double secs = elapsed(&x->start, &now);
	char line[256];
	http_format_progress(line, sizeof line, x->o->progress_label, dlnow,
			     dltotal > 0 ? dltotal : -1, secs > 0 ? (double)dlnow / secs : 0, 30);
	fprintf(stderr, "\r%s\033[K", line);
	x->drew = true;
	return 0;
}

/* --debug: headers as sent and received, with credentials cut out. */
static int on_debug(CURL *c, curl_infotype t, char *data, size_t n, void *ud)
{
	(void)c;
	(void)ud;
	const char *mark = t == CURLINFO_HEADER_OUT ? "> " : t == CURLINFO_HEADER_IN ? "< " :
			   t == CURLINFO_TEXT	    ? "* " : NULL;
	if (!mark)
		return 0;
	const char *p = data, *end = data + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t ll = l;
		while (ll && p[ll - 1] == '\r')
			ll--;
		if (ll) {
			static const char *secret[] = {"authorization:", "proxy-authorization:",
						       "cookie:", "set-cookie:"};
			bool hide = false;
			for (size_t i = 0; i < 4; i++)
				if (ll >= strlen(secret[i]) &&
				    !strncasecmp(p, secret[i], strlen(secret[i])))
					hide = true;
			if (hide)
				fprintf(stderr, "%s%.*s <redacted>\n", mark,
					(int)(strchr(p, ':') - p + 1), p);
			else
				fprintf(stderr, "%s%.*s\n", mark, (int)ll, p);
		}
		p += l + (nl ? 1 : 0);
	}
	return 0;
}

/* The request headers for one URL: the caller's, then credentials for this
 * host only. The list holds secrets: freed with wipe_slist. */
static struct curl_slist *request_headers(const struct http_opts *o, const char *host, int port,
					  int dport, struct err *e, int *fail)
{
	struct curl_slist *l = NULL, *n;
	*fail = 0;
	for (const char *const *h = o->headers; h && *h; h++) {
		if (!strncasecmp(*h, "authorization:", 14)) {
			err_set(e, "credentials must not be passed as plain headers");
			*fail = 1;
			break;
		}
		if (!(n = curl_slist_append(l, *h)))
			goto oom;
		l = n;
	}
	char hp[300];
	snprintf(hp, sizeof hp, port == dport ? "%s" : "%s:%d", host, port);
	const char *auth = NULL;
	char *own = NULL;
	if (o->host_header && o->host_header_host && !strcasecmp(o->host_header_host, hp))
		auth = o->host_header;
	else if (o->auth) {
		const struct authd_entry *en = authd_find(o->auth, host, port, dport);
		if (en)
			auth = own = authd_header(en);
	}
	if (auth) {
		n = curl_slist_append(l, auth);
		authd_free_secret(own);
		if (!n)
			goto oom;
		l = n;
	}
	if (o->etag) {
		char *h = xasprintf("If-None-Match: %s", o->etag);
		n = curl_slist_append(l, h);
		free(h);
		if (!n)
			goto oom;
		l = n;
	}
	return l;
oom:
	*fail = 1;
	err_set(e, "out of memory");
	return l;
}

static void wipe_slist(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		if (p->data)
			explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static bool transient(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_COULDNT_RESOLVE_HOST:
		return true;
	case CURLE_OK:
		return status == 500 || status == 502 || status == 503 || status == 504 ||
		       status == 429;
	default:
		return false;
	}
}

static void setup(CURL *c, const struct http_opts *o, struct xfer *x, const char *url,
		  bool https_only, struct curl_slist *hdrs)
{
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, https_only ? "https" : "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, https_only ? "https" : "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* by hand: credentials per host */
	curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "rkt-tools/" "1");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* gzip pages; bodies of images stay as sent */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	if (x->fd >= 0 || x->sink) /* images: fewer, larger writes */
		curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	long ct = o->connect_timeout_ms ? o->connect_timeout_ms
					: env_long("RKT_HTTP_CONNECT_TIMEOUT", DEF_CONNECT_MS / 1000) * 1000;
	long tt = o->total_timeout_ms
			  ? o->total_timeout_ms
			  : env_long("RKT_HTTP_TIMEOUT",
				     (x->fd >= 0 || x->sink ? DEF_TOTAL_FD_MS : DEF_TOTAL_BUF_MS) / 1000) *
				    1000;
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ct);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tt);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT,
			 o->low_speed_bytes ? o->low_speed_bytes
					    : env_long("RKT_HTTP_LOW_SPEED_LIMIT", DEF_LOW_BYTES));
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
			 o->low_speed_secs ? o->low_speed_secs
					   : env_long("RKT_HTTP_LOW_SPEED_TIME", DEF_LOW_SECS));
	const char *ca = getenv("CURL_CA_BUNDLE");
	if (!ca || !*ca)
		ca = getenv("SSL_CERT_FILE");
	if (ca && *ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	const char *capath = getenv("SSL_CERT_DIR");
	if (capath && *capath)
		curl_easy_setopt(c, CURLOPT_CAPATH, capath);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure_tls ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure_tls ? 0L : 2L);
	if (o->debug) {
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	}
}

char *http_resp_header(const struct http_resp *r, const char *name)
{
	size_t nl = strlen(name);
	const char *p = r->headers.data;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		if (l > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
			const char *v = p + nl + 1;
			const char *end = p + l;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			return xstrndup(v, (size_t)(end - v));
		}
		p = eol ? eol + 1 : p + l;
	}
	return NULL;
}

void http_resp_free(struct http_resp *r)
{
	free(r->url);
	free(r->etag);
	free(r->content_type);
	free(r->www_authenticate);
	buf_free(&r->headers);
	memset(r, 0, sizeof *r);
	r->max_age = -1;
}

/* One request (with retries) to one URL, no redirects followed. */
static int attempt(CURL *c, const char *url, const struct http_opts *o, struct xfer *x,
		   bool https_only, off_t start, struct http_resp *resp, struct err *e)
{
	char *scheme = NULL, *host = NULL;
	int port, fail, r = -1;
	if (http_url_parts(url, &scheme, &host, &port, e) < 0)
		return -1;
	int dport = strcmp(scheme, "https") ? 80 : 443;
	struct curl_slist *hdrs = request_headers(o, host, port, dport, e, &fail);
	if (fail)
		goto out;
	int tries = o->retries ? o->retries : (int)env_long("RKT_HTTP_RETRIES", DEF_RETRIES);
	for (int i = 0;; i++) {
		size_t out_len0 = x->out ? x->out->len : 0;
		x->got = 0;
		x->hdr.len = 0;
		setup(c, o, x, url, https_only, hdrs);
		char ebuf[CURL_ERROR_SIZE] = "";
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
		clock_gettime(CLOCK_MONOTONIC, &x->start);
		CURLcode rc = curl_easy_perform(c);
		long st = cur_status(c);
		if (x->drew) {
			fputc('\n', stderr);
			x->drew = false;
		}
		if (rc == CURLE_OK && !transient(rc, st)) {
			resp->status = st;
			r = 0;
			break;
		}
		if (x->too_big) {
			err_set(e, "%s: response larger than %zu bytes", url, x->max);
			break;
		}
		if (x->write_errno) {
			errno = x->write_errno;
			err_sys(e, "%s: write", url);
			break;
		}
		if (rc == CURLE_OK)
			err_set(e, "%s: server error %ld", url, st);
		else
			err_set(e, "%s: %s", url, *ebuf ? ebuf : curl_easy_strerror(rc));
		if (i >= tries || !transient(rc, st))
			break;
		/* start the body over: truncate what this attempt wrote */
		if (x->fd >= 0 && (ftruncate(x->fd, start) < 0 || lseek(x->fd, start, SEEK_SET) < 0)) {
			err_sys(e, "%s: rewind download", url);
			break;
		}
		if (x->out)
			x->out->len = out_len0;
		usleep(300000 * (useconds_t)(i + 1));
	}
out:
	wipe_slist(hdrs);
	free(scheme);
	free(host);
	return r;
}

/* x holds the body sink (fd, out, max, keep_any_status, sink). */
static int get(const char *url, struct xfer x, const struct http_opts *o, struct http_resp *resp,
	       struct err *e)
{
	static const struct http_opts none = {0};
	pthread_once(&curl_once, curl_init);
	if (!o)
		o = &none;
	memset(resp, 0, sizeof *resp);
	resp->max_age = -1;
	int fd = x.fd;
	bool any = x.keep_any_status;
	x.o = o;
	x.tty = o->progress && isatty(2);
	off_t start = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : 0;
	if (fd >= 0 && start < 0)
		return err_sys(e, "%s: download file", url);
	CURL *c = curl_easy_init();
	if (!c)
		return err_set(e, "cannot start libcurl");
	x.c = c;
	char *cur = xstrdup(url);
	int maxr = o->max_redirects ? o->max_redirects : DEF_REDIRECTS;
	int r = -1;
	for (int hop = 0;; hop++) {
		char *scheme = NULL;
		if (http_url_parts(cur, &scheme, NULL, NULL, e) < 0)
			break;
		bool https_only = !o->allow_http;
		if (https_only && strcmp(scheme, "https")) {
			free(scheme);
			err_set(e, "%s: plain http refused (https only)", cur);
			if (hop)
				err_wrap(e, "redirected from %s", url);
			break;
		}
		free(scheme);
		if (attempt(c, cur, o, &x, https_only, start, resp, e) < 0)
			break;
		char *loc = NULL;
		if (resp->status >= 300 && resp->status < 400 && resp->status != 304 &&
		    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc) {
			if (hop >= maxr) {
				err_set(e, "%s: more than %d redirects", url, maxr);
				break;
			}
			if (o->debug)
				fprintf(stderr, "* redirect to %s\n", loc);
			char *next = xstrdup(loc);
			free(cur);
			cur = next;
			continue;
		}
		/* final answer */
		resp->url = cur;
		cur = NULL;
		resp->headers = x.hdr;
		memset(&x.hdr, 0, sizeof x.hdr);
		resp->etag = http_resp_header(resp, "ETag");
		resp->content_type = http_resp_header(resp, "Content-Type");
		resp->www_authenticate = http_resp_header(resp, "WWW-Authenticate");
		char *cc = http_resp_header(resp, "Cache-Control");
		resp->max_age = http_parse_max_age(cc);
		free(cc);
		resp->length = x.sink ? x.delivered : x.got;
		bool okst = (resp->status >= 200 && resp->status < 300) ||
			    (resp->status == 304 && o->etag);
		if (!okst && !any) {
			err_set(e, "%s: HTTP status %ld", resp->url, resp->status);
			if (resp->status == 401)
				err_wrap(e, "authentication needed (auth.d)");
			break;
		}
		r = 0;
		break;
	}
	free(cur);
	buf_free(&x.hdr);
	curl_easy_cleanup(c);
	return r;
}

int http_get_fd(const char *url, int fd, const struct http_opts *o, struct http_resp *resp,
		struct err *e)
{
	return get(url, (struct xfer){.fd = fd}, o, resp, e);
}

int http_get_buf(const char *url, size_t max, struct buf *out, const struct http_opts *o,
		 struct http_resp *resp, struct err *e)
{
	return get(url, (struct xfer){.fd = -1, .out = out, .max = max}, o, resp, e);
}

int http_get_buf_any(const char *url, size_t max, struct buf *out, const struct http_opts *o,
		     struct http_resp *resp, struct err *e)
{
	return get(url, (struct xfer){.fd = -1, .out = out, .max = max, .keep_any_status = true}, o,
		   resp, e);
}

int http_get_sink(const char *url, http_sink_fn *sink, void *ctx, const struct http_opts *o,
		  struct http_resp *resp, struct err *e)
{
	return get(url, (struct xfer){.fd = -1, .sink = sink, .sink_ctx = ctx}, o, resp, e);
}
