/* A small HTTP/1.1 server: one poll(2) loop, bounded request sizes, per
 * connection deadlines, keep-alive, Content-Length bodies only. Enough for
 * the metadata service, whose clients are curl-like programs in pods. */
#ifndef POD_METADATA_HTTPD_H
#define POD_METADATA_HTTPD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "xalloc.h"

#define HTTPD_MAX_HEAD 8192         /* request line + headers */
#define HTTPD_MAX_BODY (64 * 1024)  /* a form to sign is small */
#define HTTPD_MAX_CONNS 1000
#define HTTPD_REQ_TIMEOUT_MS 10000  /* a request must arrive whole in this time */
#define HTTPD_IDLE_TIMEOUT_MS 30000 /* keep-alive connections idle this long close */
#define HTTPD_MAX_LISTENERS 16

struct http_req {
	const char *method;
	const char *path;  /* raw path, query removed */
	const char *query; /* after '?', or "" */
	const char *content_type;
	const char *body;
	size_t body_len;
	bool is_unix;        /* came in on the unix (registration) socket */
	uid_t peer_uid;      /* unix socket: SO_PEERCRED uid */
	const char *peer_ip; /* TCP: the source address, canonical text */
};

struct http_resp {
	int status;
	const char *ctype; /* NULL: text/plain; charset=us-ascii */
	struct buf body;
};

typedef void (*http_handler)(void *ctx, const struct http_req *req, struct http_resp *resp);

struct httpd;
struct httpd *httpd_new(void);
void httpd_free(struct httpd *h);
/* "ADDR:PORT", "[V6]:PORT" or ":PORT" (all IPv4 addresses). */
int httpd_listen_tcp(struct httpd *h, const char *addrport, struct err *e);
/* A unix stream socket, replacing a stale socket file; mode applied. */
int httpd_listen_unix(struct httpd *h, const char *path, mode_t mode, struct err *e);
/* Serve until *stop becomes true (set by a signal handler). tick, if set, is
 * called about once a second (for housekeeping). */
int httpd_run(struct httpd *h, http_handler fn, void *ctx, void (*tick)(void *ctx),
	      volatile sig_atomic_t *stop, struct err *e);

const char *http_reason(int status);
/* Percent-decode a form or query value in place ('+' is a space); -1 if bad. */
int http_urldecode(char *s, size_t *len);
/* Find key in an x-www-form-urlencoded body; malloc'd decoded value, or NULL. */
char *http_form_get(const char *body, size_t len, const char *key, size_t *out_len);

#endif
