/* Client side of the metadata service's registration socket. */
#include "mds.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

#define MDS_CLIENT_TIMEOUT_MS 5000

const char *mds_socket_default(void)
{
	const char *s = getenv("RKT_METADATA_SOCKET");
	return s && *s ? s : MDS_DEFAULT_SOCKET;
}

char *mds_url(const char *host_ip)
{
	if (strchr(host_ip, ':'))
		return xasprintf("http://[%s]:%d", host_ip, MDS_PORT);
	return xasprintf("http://%s:%d", host_ip, MDS_PORT);
}

static void form_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/,:", c))
			buf_addc(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/* One request, one response; returns the HTTP status (or -1) and the
 * response body's first line in reason. */
static int request(const char *sock, const char *method, const char *path, const char *body,
		   char *reason, size_t rsz, struct err *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof sa.sun_path)
		return err_set(e, "%s: socket path too long", sock);
	strcpy(sa.sun_path, sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err_sys(e, "metadata service at %s", sock);
		close(fd);
		return -1;
	}
	struct buf req = {0};
	buf_printf(&req,
		   "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
		   "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
		   method, path, body ? strlen(body) : 0, body ? body : "");
	int w = writeall(fd, req.data, req.len);
	buf_free(&req);
	if (w < 0) {
		err_sys(e, "metadata service at %s: write", sock);
		close(fd);
		return -1;
	}
	struct buf resp = {0};
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int r = poll(&p, 1, MDS_CLIENT_TIMEOUT_MS);
		if (r == 0) {
			close(fd);
			buf_free(&resp);
			return err_set(e, "metadata service at %s: no answer", sock);
		}
		char tmp[1024];
		ssize_t n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (resp.len < 65536)
			buf_add(&resp, tmp, (size_t)n);
	}
	close(fd);
	int status = 0;
	if (!resp.data || sscanf(resp.data, "HTTP/1.%*d %d", &status) != 1) {
		buf_free(&resp);
		return err_set(e, "metadata service at %s: bad response", sock);
	}
	reason[0] = '\0';
	char *bodyp = strstr(resp.data, "\r\n\r\n");
	if (bodyp) {
		bodyp += 4;
		size_t l = strcspn(bodyp, "\r\n");
		snprintf(reason, rsz, "%.*s", (int)l, bodyp);
	}
	buf_free(&resp);
	return status;
}

int mds_register(const char *sock, const char *uuid, const char *dir, char *const *ips,
		 size_t nips, struct err *e)
{
	struct buf body = {0};
	buf_adds(&body, "dir=");
	form_escape(&body, dir);
	buf_adds(&body, "&ips=");
	for (size_t i = 0; i < nips; i++) {
		if (i)
			buf_addc(&body, ',');
		form_escape(&body, ips[i]);
	}
	_cleanup_free_ char *path = xasprintf("/pods/%s", uuid);
	char reason[256];
	int st = request(sock, "PUT", path, body.data, reason, sizeof reason, e);
	buf_free(&body);
	if (st < 0)
		return -1;
	if (st != 201)
		return err_set(e, "metadata service refused pod %s: %d %s", uuid, st, reason);
	return 0;
}

int mds_unregister(const char *sock, const char *uuid, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("/pods/%s", uuid);
	char reason[256];
	int st = request(sock, "DELETE", path, NULL, reason, sizeof reason, e);
	if (st < 0)
		return -1;
	if (st != 204 && st != 404)
		return err_set(e, "metadata service: unregister %s: %d %s", uuid, st, reason);
	return 0;
}
