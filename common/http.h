/* HTTP(S) GET over libcurl, with the policy every fetch needs in one place:
 * TLS verified (system CA store, SSL_CERT_FILE / CURL_CA_BUNDLE / SSL_CERT_DIR
 * as curl honours them), plain http only when the caller allows it, bounded
 * timeouts and retries, redirects followed by hand so that credentials are
 * computed per host and never follow a redirect to another host, ETag and
 * Cache-Control max-age, response headers kept, credentials never printed. */
#ifndef RKT_HTTP_H
#define RKT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "xalloc.h"

struct authd;

/* Called as bytes arrive: done so far, total (-1 unknown). */
typedef void (*http_progress_fn)(void *ctx, long long done, long long total);

struct http_opts {
	bool allow_http;         /* plain http:// permitted (--insecure-options=http) */
	bool insecure_tls;       /* skip certificate checks (--insecure-options=tls) */
	const struct authd *auth; /* auth.d credentials, chosen per host; may be NULL */
	/* One more credential header for one host (docker registry bearer
	 * tokens): "Authorization: Bearer ..." sent only when the request goes to
	 * host_header_host (host or host:port). */
	const char *host_header_host;
	const char *host_header;
	const char *const *headers; /* extra request headers (no credentials), NULL-ended */
	const char *etag;           /* If-None-Match */
	bool progress;              /* draw a bar on stderr when it is a terminal */
	const char *progress_label; /* shown before the bar */
	http_progress_fn progress_fn; /* or call this instead */
	void *progress_ctx;
	bool debug; /* request/response headers on stderr, credentials redacted */
	/* Bounds; 0 means the default (see http.c, or RKT_HTTP_* in the environment). */
	long connect_timeout_ms, total_timeout_ms;
	long low_speed_bytes, low_speed_secs; /* abort below bytes/s for secs */
	int retries;                          /* extra attempts on transient failure */
	int max_redirects;
};

struct http_resp {
	long status;          /* final status (304 when the ETag matched) */
	char *url;            /* the URL finally answered, after redirects */
	char *etag;           /* ETag header, or NULL */
	long long max_age;    /* Cache-Control max-age in seconds, -1 if none or no-store/no-cache */
	char *content_type;   /* or NULL */
	char *www_authenticate; /* or NULL */
	long long length;     /* bytes of body received */
	struct buf headers;   /* raw headers of the final response, "Name: value\n" */
};

/* GET url into fd (written from its current offset; on a retry the fd is
 * truncated back to that offset, so it must be a regular file) or into a
 * buffer (at most max bytes). A status other than 2xx/304 is an error
 * naming it, unless accept_status is true, in which case the caller looks
 * at resp->status (e.g. for 401 and 404). Returns 0 or -1. */
int http_get_fd(const char *url, int fd, const struct http_opts *o, struct http_resp *resp,
		struct err *e);
int http_get_buf(const char *url, size_t max, struct buf *out, const struct http_opts *o,
		 struct http_resp *resp, struct err *e);
/* GET url, handing the body to sink as it arrives (sink returns -1 with
 * errno set to stop the transfer). A retry after part of the body is not
 * sent again: sink sees every byte once, in order. */
typedef int http_sink_fn(void *ctx, const void *data, size_t n);
int http_get_sink(const char *url, http_sink_fn *sink, void *ctx, const struct http_opts *o,
		  struct http_resp *resp, struct err *e);
/* As above, with non-2xx statuses returned as success (resp->status set);
 * transport errors are still errors. */
int http_get_buf_any(const char *url, size_t max, struct buf *out, const struct http_opts *o,
		     struct http_resp *resp, struct err *e);
void http_resp_free(struct http_resp *r);

/* A response header's value (first match, case-insensitive), malloc'd, or NULL. */
char *http_resp_header(const struct http_resp *r, const char *name);

/* Cache-Control value -> max-age seconds, -1 for none/no-cache/no-store. */
long long http_parse_max_age(const char *cache_control);

/* Split an http(s) URL: scheme, lowercase host, port (explicit or the
 * scheme's default). Returns -1 for anything else. */
int http_url_parts(const char *url, char **scheme, char **host, int *port, struct err *e);

/* The progress bar used when o->progress is set: "label  12.3 MiB / 40.0 MiB
 * [=====>    ]  30%  5.1 MiB/s" redrawn on stderr. Exposed for tests. */
void http_format_progress(char *out, size_t n, const char *label, long long done, long long total,
			  double rate, int width);

#endif
