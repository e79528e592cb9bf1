/* https:// and http:// images: the ACI at the URL, its signature at
 * <url>.asc (or --signature), through the cas/remote/ ETag and max-age
 * cache. Plain http only with --insecure-options=http. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "net.h"
#include "xalloc.h"

#define SIG_MAX (1 << 20)

void net_http_opts(const struct fetch_opts *o, struct http_opts *h)
{
	memset(h, 0, sizeof *h);
	h->allow_http = o->insecure & INSECURE_HTTP;
	h->insecure_tls = o->insecure & INSECURE_TLS;
	h->auth = o->auth;
	h->debug = o->debug;
	h->progress = true;
}

/* A private, unlinked file for a download: gone by itself if we die. */
static int tmp_download(struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/var/tmp";
	int fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(e, "temporary file in %s", tmp);
	return fd;
}

static const char *url_base(const char *url)
{
	const char *q = strpbrk(url, "?#");
	size_t n = q ? (size_t)(q - url) : strlen(url);
	const char *s = url + n;
	while (s > url && s[-1] != '/')
		s--;
	return *s ? s : url;
}

void net_image_opts(const struct fetch_opts *o, const char *url, const char *etag,
		    char label[64], struct http_opts *h)
{
	snprintf(label, 64, "%.40s", url_base(url));
	net_http_opts(o, h);
	h->progress_label = label;
	h->etag = etag;
}

void net_not_modified(const struct fetch_opts *o, const char *url, struct remote *r,
		      const struct http_resp *resp, struct fetched *f)
{
	if (o->debug)
		warnx_("%s: not modified, using %s", url, r->id);
	r->fetched = time(NULL);
	if (resp->max_age >= 0)
		r->max_age = resp->max_age;
	struct err ce = {0};
	if (remote_save(o, r, &ce) < 0)
		warnx_("warning: %s", ce.msg);
	f->stored_id = xstrdup(r->id);
}

int net_cache_lookup(const struct fetch_opts *o, const char *url, struct remote *r,
		     struct fetched *f, struct err *e)
{
	bool have = !o->no_store && remote_load(o, url, r) && store_has(o, r->id);
	long long now = time(NULL);
	if (!have)
		remote_free(r);
	if (have && (o->store_only || (r->max_age > 0 && now < r->fetched + r->max_age))) {
		f->stored_id = xstrdup(r->id); /* fresh: no request at all */
		remote_free(r);
		return 1;
	}
	if (o->store_only)
		return err_set(e, "%s: not in the store (--store-only)", url);
	return 0;
}

int net_fetch_image(const struct fetch_opts *o, const char *url, struct fetched *f,
		    struct err *e)
{
	struct remote r = {.max_age = -1};
	int c = net_cache_lookup(o, url, &r, f, e);
	if (c != 0)
		return c < 0 ? -1 : 0;
	int fd = tmp_download(e);
	if (fd < 0) {
		remote_free(&r);
		return -1;
	}
	struct http_opts h;
	struct http_resp resp;
	char label[64];
	net_image_opts(o, url, r.etag, label, &h);
	if (http_get_fd(url, fd, &h, &resp, e) < 0) {
		http_resp_free(&resp);
		remote_free(&r);
		close(fd);
		return -1;
	}
	if (resp.status == 304) { /* not modified: the stored image stands */
		net_not_modified(o, url, &r, &resp, f);
		close(fd);
	} else {
		f->image_fd = fd;
		f->cache_url = xstrdup(url);
		f->cache_etag = resp.etag ? xstrdup(resp.etag) : NULL;
		f->cache_max_age = resp.max_age;
	}
	http_resp_free(&resp);
	remote_free(&r);
	return 0;
}

int net_fetch_sig(const struct fetch_opts *o, const char *url, struct fetched *f, struct err *e)
{
	free(f->sig_what);
	f->sig_what = xstrdup(url);
	f->sig = NULL;
	if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
		/* --signature=FILE for a remote image */
		const char *path = strncmp(url, "file://", 7) ? url : url + 7;
		if (file_read(path, SIG_MAX, &f->sig, &f->siglen, e) < 0) {
			f->sig = NULL;
			return e->errnum == ENOENT ? 0 : -1;
		}
		return 0;
	}
	struct http_opts h;
	struct http_resp resp;
	struct buf b = {0};
	net_http_opts(o, &h);
	h.progress = false;
	int rc = http_get_buf_any(url, SIG_MAX, &b, &h, &resp, e);
	if (rc == 0 && resp.status >= 200 && resp.status < 300) {
		f->siglen = b.len;
		f->sig = buf_steal(&b);
	} else if (rc == 0 && resp.status != 404 && resp.status != 410) {
		rc = err_set(e, "%s: HTTP status %ld", url, resp.status);
	}
	buf_free(&b);
	http_resp_free(&resp);
	return rc;
}

static bool http_match(const char *arg)
{
	return !strncmp(arg, "https://", 8) || !strncmp(arg, "http://", 7);
}

static int http_fetch(const struct fetch_opts *o, const char *arg, const char *sig_path,
		      struct fetched *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->image_fd = -1;
	out->what = xstrdup(arg);
	if (!strncmp(arg, "http://", 7) && !(o->insecure & INSECURE_HTTP))
		return err_set(e, "%s: plain http refused (--insecure-options=http allows it)",
			       arg);
	struct remote r = {.max_age = -1};
	int c = net_cache_lookup(o, arg, &r, out, e);
	if (c != 0)
		return c < 0 ? -1 : 0;
	/* the signature first, so that gpg checks the image as it arrives */
	if (!(o->insecure & INSECURE_IMAGE)) {
		_cleanup_free_ char *sig =
		    sig_path ? xstrdup(sig_path) : xasprintf("%s.asc", arg);
		if (net_fetch_sig(o, sig, out, e) < 0) {
			remote_free(&r);
			return -1;
		}
	}
	int code = net_stream_image(o, arg, r.id ? &r : NULL, out, e);
	remote_free(&r);
	return code;
}

const struct fetch_source fetch_source_http = {
    .name = "http",
    .match = http_match,
    .fetch = http_fetch,
};
