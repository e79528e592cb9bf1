/* The cas/remote/ cache (URL -> ETag, max-age, image ID), store look-ups,
 * and what happens after an import: remember the URL, fetch dependencies. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aci.h"
#include "cas.h"
#include "digest.h"
#include "file.h"
#include "manifest.h"
#include "net.h"
#include "xalloc.h"

#define MAX_DEPTH 16

static char *remote_path(const struct fetch_opts *o, const char *url)
{
	unsigned char d[SHA512_LEN];
	char hex[SHA512_HEX_LEN + 1];
	sha512_buf(url, strlen(url), d);
	hex_encode(d, sizeof d, hex);
	return xasprintf("%s/cas/remote/%s", o->paths.dir, hex);
}

void remote_free(struct remote *r)
{
	free(r->url);
	free(r->etag);
	free(r->id);
	memset(r, 0, sizeof *r);
}

int remote_load(const struct fetch_opts *o, const char *url, struct remote *r)
{
	_cleanup_free_ char *path = remote_path(o, url), *text = NULL;
	struct err e;
	memset(r, 0, sizeof *r);
	r->max_age = -1;
	if (file_read(path, 64 * 1024, &text, NULL, &e) < 0)
		return 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		if (!strcmp(line, "url"))
			r->url = xstrdup(eq);
		else if (!strcmp(line, "etag"))
			r->etag = xstrdup(eq);
		else if (!strcmp(line, "id"))
			r->id = xstrdup(eq);
		else if (!strcmp(line, "max-age"))
			r->max_age = atoll(eq);
		else if (!strcmp(line, "fetched"))
			r->fetched = atoll(eq);
	}
	/* a hash collision or a torn file is simply no cache entry */
	if (!r->url || strcmp(r->url, url) || !r->id) {
		remote_free(r);
		r->max_age = -1;
		return 0;
	}
	return 1;
}

int remote_save(const struct fetch_opts *o, const struct remote *r, struct err *e)
{
	if (strchr(r->url, '\n') || (r->etag && strchr(r->etag, '\n')))
		return 0; /* not representable: just do not cache */
	_cleanup_free_ char *dir = xasprintf("%s/cas/remote", o->paths.dir);
	_cleanup_free_ char *path = remote_path(o, r->url);
	if (mkdir_p(dir, 0755, e) < 0)
		return -1;
	struct buf b = {0};
	buf_printf(&b, "url=%s\nid=%s\nmax-age=%lld\nfetched=%lld\n", r->url, r->id, r->max_age,
		   r->fetched);
	if (r->etag)
		buf_printf(&b, "etag=%s\n", r->etag);
	int rc = file_write_atomic(path, b.data, b.len, 0644, e);
	buf_free(&b);
	return rc;
}

bool store_has(const struct fetch_opts *o, const char *id)
{
	struct cas c;
	struct cas_image img;
	struct err e;
	if (!cas_id_valid(id) || cas_open(&c, o->paths.dir, CAS_SHARED, &e) < 0)
		return false;
	bool yes = cas_image_get(&c, id, &img, &e) == 0;
	if (yes)
		cas_image_clear(&img);
	cas_close(&c);
	return yes;
}

int store_resolve(const struct fetch_opts *o, const char *name, const struct kvlist *labels,
		  char **id, struct err *e)
{
	struct cas c;
	char buf[CAS_ID_LEN + 1];
	struct err ne;
	if (cas_open(&c, o->paths.dir, CAS_SHARED, e) < 0)
		return -1;
	/* absence is an error for cas_resolve; here it only means "fetch it" */
	int found = cas_resolve(&c, name, labels->v, labels->n, buf, &ne) == 0;
	cas_close(&c);
	if (found)
		*id = xstrdup(buf);
	return found;
}

int image_fd_manifest(int fd, const char *what, struct image_manifest **m, struct err *e)
{
	struct aci_reader *r;
	struct aci_entry *ent;
	const char *text = NULL;
	size_t len = 0;
	int rc;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return err_sys(e, "%s", what);
	if (aci_open_fd(fd, 0, -1, &r, e) < 0)
		return err_wrap(e, "%s", what);
	while ((rc = aci_next(r, &ent, e)) == 1 && !(text = aci_manifest(r, &len)))
		;
	if (rc < 0 || !text) {
		aci_close(r);
		return rc < 0 ? err_wrap(e, "%s: not a readable ACI", what)
			      : err_set(e, "%s: no manifest in the image", what);
	}
	struct errlist errs = {0};
	rc = image_manifest_parse(text, len, m, &errs);
	if (rc < 0)
		err_set(e, "%s: invalid manifest: %s", what, errs.n ? errs.items[0] : "?");
	errlist_free(&errs);
	aci_close(r);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return err_sys(e, "%s", what);
	return rc;
}

/* Each dependency is in the store (by ID, or by name and labels) or is
 * fetched by name through discovery, as rkt did. */
static int fetch_deps(const struct fetch_opts *o, const struct image_manifest *m, struct err *e)
{
	for (size_t i = 0; i < m->n_dependencies; i++) {
		const struct dependency *d = &m->dependencies[i];
		_cleanup_free_ char *have = NULL;
		if (d->image_id && store_has(o, d->image_id))
			continue;
		int r = store_resolve(o, d->image_name, &d->labels, &have, e);
		if (r < 0)
			return -1;
		if (r == 1 && (!d->image_id || !strcmp(have, d->image_id)))
			continue;
		if (o->store_only)
			return err_set(e, "dependency %s of %s is not in the store (--store-only)",
				       d->image_name, m->name);
		if (o->depth >= MAX_DEPTH)
			return err_set(e, "dependency %s of %s: dependencies nested deeper than %d",
				       d->image_name, m->name, MAX_DEPTH);
		struct buf ref = {0};
		buf_adds(&ref, d->image_name);
		for (size_t k = 0; k < d->labels.n; k++)
			buf_printf(&ref, ",%s=%s", d->labels.v[k].name, d->labels.v[k].value);
		struct fetch_opts sub = *o;
		sub.depth = o->depth + 1;
		_cleanup_free_ char *id = NULL;
		int code = fetch_ref(&sub, &fetch_source_name, ref.data, NULL, &id, e);
		buf_free(&ref);
		if (code)
			return err_wrap(e, "dependency %s of %s", d->image_name, m->name);
		if (d->image_id && strcmp(id, d->image_id))
			return err_set(e, "dependency %s of %s: fetched %s, but the manifest wants %s",
				       d->image_name, m->name, id, d->image_id);
		warnx_("dependency %s: %s", d->image_name, id);
	}
	return 0;
}

int fetch_after_import(const struct fetch_opts *o, struct fetched *f, const char *id,
		       struct err *e)
{
	if (f->cache_url) {
		struct remote r = {.url = f->cache_url, .etag = f->cache_etag, .id = (char *)id,
				   .max_age = f->cache_max_age, .fetched = time(NULL)};
		struct err ce = {0};
		if (remote_save(o, &r, &ce) < 0) /* a cache is a hint: warn only */
			warnx_("warning: %s", ce.msg);
	}
	struct image_manifest *m;
	if (f->manifest) {
		struct errlist errs = {0};
		int rc = image_manifest_parse(f->manifest, f->manifest_len, &m, &errs);
		if (rc < 0)
			err_set(e, "%s: invalid manifest: %s", f->what, errs.n ? errs.items[0] : "?");
		errlist_free(&errs);
		if (rc < 0)
			return -1;
	} else if (f->image_fd < 0) {
		return 0;
	} else if (image_fd_manifest(f->image_fd, f->what, &m, e) < 0) {
		return -1;
	}
	int rc = fetch_deps(o, m, e);
	image_manifest_free(m);
	return rc;
}
