/* aci-fetch's network parts: the cas/remote/ cache of fetched URLs, store
 * look-ups, and the checks a discovered image must pass. */
#ifndef ACI_FETCH_NET_H
#define ACI_FETCH_NET_H

#include <stdbool.h>

#include "err.h"
#include "fetch.h"
#include "http.h"
#include "types.h"

/* cas/remote/<sha512 of the URL>: what we know of a URL fetched before. */
struct remote {
	char *url, *etag, *id;
	long long max_age; /* seconds; -1 none */
	long long fetched; /* unix time of the last download or 304 */
};
/* 1 and r filled when the URL is known, 0 when not. */
int remote_load(const struct fetch_opts *o, const char *url, struct remote *r);
int remote_save(const struct fetch_opts *o, const struct remote *r, struct err *e);
void remote_free(struct remote *r);

/* Is the image id in the store? */
bool store_has(const struct fetch_opts *o, const char *id);
/* The newest stored image called name with these labels (os/arch default to
 * the host's): 1 with *id set, 0 when none. */
int store_resolve(const struct fetch_opts *o, const char *name, const struct kvlist *labels,
		  char **id, struct err *e);

/* The http_opts every network source uses (auth.d, debug, progress, http
 * and tls as --insecure-options say). */
void net_http_opts(const struct fetch_opts *o, struct http_opts *h);

/* Download url (https; http if allowed) into a private unlinked temp file,
 * using and refreshing the cas/remote/ cache unless --no-store. Fills f's
 * image_fd, or stored_id on a cache hit, and its cache_* fields. */
int net_fetch_image(const struct fetch_opts *o, const char *url, struct fetched *f,
		    struct err *e);
/* The cache of url: 1 when it answers alone (f->stored_id: fresh within
 * max-age, or --store-only), 0 when a request is due (r filled when the
 * store has the image: its ETag makes the request conditional), -1 error. */
int net_cache_lookup(const struct fetch_opts *o, const char *url, struct remote *r,
		     struct fetched *f, struct err *e);
/* Download url, verifying and importing as it arrives (stream.c); r is the
 * cache entry from net_cache_lookup or NULL. Sets f->stored_id (and
 * f->imported unless the server said 304). Returns 0 or an exit code. */
int net_stream_image(const struct fetch_opts *o, const char *url, struct remote *r,
		     struct fetched *f, struct err *e);
/* The http_opts of an image download: a progress bar labelled with the
 * URL's last component (label: 64 bytes), conditional on etag if not NULL. */
void net_image_opts(const struct fetch_opts *o, const char *url, const char *etag,
		    char label[64], struct http_opts *h);
/* The server said 304: the stored image r->id stands (f->stored_id), and
 * r is saved as fetched now. */
void net_not_modified(const struct fetch_opts *o, const char *url, struct remote *r,
		      const struct http_resp *resp, struct fetched *f);

/* The detached signature at url (a URL or a local file): f->sig, or NULL
 * when the server says 404 (refused later as not verified). */
int net_fetch_sig(const struct fetch_opts *o, const char *url, struct fetched *f, struct err *e);

/* Read the manifest of the image on fd (from offset 0; rewinds). */
struct image_manifest;
int image_fd_manifest(int fd, const char *what, struct image_manifest **m, struct err *e);

#endif
