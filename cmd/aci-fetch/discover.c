/* Images by app name: NAME[,label=value...] found by appc meta discovery
 * (or read from aci-discover's output with --from-discovery), taken from
 * the store when it has them. A discovered image must carry the name and
 * every label asked for (spec/discovery.md, Validation). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discovery.h"
#include "file.h"
#include "manifest.h"
#include "net.h"
#include "xalloc.h"

/* The labels the image must carry (a defaulted version=latest is not one). */
static void required_labels(const struct disc_app *app, struct kvlist *l)
{
	for (size_t i = 0; i < app->n_labels; i++)
		if (!(app->version_defaulted && !strcmp(app->labels[i].name, "version")))
			kvlist_add(l, app->labels[i].name, app->labels[i].value);
}

static int check_manifest(const struct disc_app *app, struct fetched *f, struct err *e)
{
	struct image_manifest *m;
	if (image_fd_manifest(f->image_fd, f->what, &m, e) < 0)
		return -1;
	int rc = 0;
	if (strcmp(m->name, app->name))
		rc = err_set(e, "%s: the image is named \"%s\", not \"%s\"", f->what, m->name,
			     app->name);
	struct kvlist want = {0};
	required_labels(app, &want);
	for (size_t i = 0; rc == 0 && i < want.n; i++) {
		const char *have = image_manifest_label(m, want.v[i].name);
		if (!have)
			rc = err_set(e, "%s: label %s=%s asked for, but the image has no %s label",
				     f->what, want.v[i].name, want.v[i].value, want.v[i].name);
		else if (strcmp(have, want.v[i].value))
			rc = err_set(e, "%s: label %s=%s asked for, but the image has %s=%s",
				     f->what, want.v[i].name, want.v[i].value, want.v[i].name, have);
	}
	kvlist_free(&want);
	image_manifest_free(m);
	return rc;
}

/* Try each endpoint in order; the first that downloads wins. */
static int fetch_endpoints(const struct fetch_opts *o, const struct disc_app *app,
			   const struct disc_endpoint *eps, size_t n, const char *sig_path,
			   struct fetched *out, struct err *e)
{
	if (!n)
		return err_set(e, "%s: no image URL discovered", app->name);
	size_t i;
	for (i = 0; i < n; i++) {
		free(out->what);
		out->what = xstrdup(eps[i].aci);
		if (net_fetch_image(o, eps[i].aci, out, e) == 0)
			break;
		if (i + 1 < n)
			warnx_("%s; trying the next URL", e->msg);
	}
	if (i == n)
		return -1;
	if (out->stored_id)
		return 0;
	free(out->name);
	out->name = xstrdup(app->name); /* fetch.c checks it too */
	if (check_manifest(app, out, e) < 0)
		return -1;
	if (o->insecure & INSECURE_IMAGE)
		return 0;
	return net_fetch_sig(o, sig_path ? sig_path : eps[i].sig, out, e);
}

/* Names: the store first (unless --no-store), then discovery. */
static int name_fetch(const struct fetch_opts *o, const char *arg, const char *sig_path,
		      struct fetched *out, struct err *e)
{
	struct disc_app app;
	memset(out, 0, sizeof *out);
	out->image_fd = -1;
	out->what = xstrdup(arg);
	if (disc_app_parse(arg, &app, e) < 0)
		return -1;
	int rc = -1;
	if (!o->no_store) {
		struct kvlist want = {0};
		required_labels(&app, &want);
		int found = store_resolve(o, app.name, &want, &out->stored_id, e);
		kvlist_free(&want);
		if (found < 0)
			goto out;
		if (found) {
			rc = 0;
			goto out;
		}
	}
	if (o->store_only) {
		err_set(e, "%s: not in the store (--store-only)", arg);
		goto out;
	}
	struct http_opts h;
	struct disc_result res;
	net_http_opts(o, &h);
	h.progress = false;
	if (disc_discover(&app, DISC_WANT_ACI, &h, &res, e) < 0) {
		for (size_t i = 0; i < res.n_tried; i++)
			warnx_("tried %s", res.tried[i]);
	} else {
		rc = fetch_endpoints(o, &app, res.eps, res.n_eps, sig_path, out, e);
	}
	disc_result_free(&res);
out:
	disc_app_free(&app);
	return rc;
}

/* A name, not a path (as rkt guessed): no "://", not absolute or ./ ../,
 * not ending in .aci, no such file, and a valid AC identifier. */
static bool name_match(const char *arg)
{
	struct stat st;
	struct disc_app app;
	struct err e;
	size_t n = strlen(arg);
	if (strstr(arg, "://") || arg[0] == '/' || arg[0] == '.' || stat(arg, &st) == 0 ||
	    (n >= 4 && !strcmp(arg + n - 4, ".aci")))
		return false;
	if (disc_app_parse(arg, &app, &e) < 0)
		return false;
	disc_app_free(&app);
	return true;
}

const struct fetch_source fetch_source_name = {
    .name = "name",
    .match = name_match,
    .fetch = name_fetch,
};

/* --from-discovery FILE|-: aci-discover's text output ("name N", "label
 * K=V", "aci URL", "sig URL", "pubkeys URL" lines). */
static int discovered_fetch(const struct fetch_opts *o, const char *arg, const char *sig_path,
			    struct fetched *out, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	struct disc_app app = {0};
	struct disc_endpoint *eps = NULL;
	size_t n = 0;
	int rc = -1, lineno = 0;
	memset(out, 0, sizeof *out);
	out->image_fd = -1;
	out->what = xstrdup(arg);
	if (file_read(arg, 1 << 20, &text, NULL, e) < 0)
		return -1;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lineno++;
		char *sp = strchr(l, ' ');
		if (!sp) {
			err_set(e, "%s: line %d: not \"KEY VALUE\"", arg, lineno);
			goto out;
		}
		*sp++ = '\0';
		if (!strcmp(l, "name") && !app.name) {
			app.name = xstrdup(sp);
		} else if (!strcmp(l, "label")) {
			char *eq = strchr(sp, '=');
			if (!eq || eq == sp) {
				err_set(e, "%s: line %d: label not NAME=VALUE", arg, lineno);
				goto out;
			}
			app.labels = xreallocarray(app.labels, app.n_labels + 1, sizeof *app.labels);
			app.labels[app.n_labels].name = xstrndup(sp, (size_t)(eq - sp));
			app.labels[app.n_labels++].value = xstrdup(eq + 1);
		} else if (!strcmp(l, "aci")) {
			eps = xreallocarray(eps, n + 1, sizeof *eps);
			eps[n].aci = xstrdup(sp);
			eps[n++].sig = xasprintf("%s.asc", sp);
		} else if (!strcmp(l, "sig") && n) {
			free(eps[n - 1].sig);
			eps[n - 1].sig = xstrdup(sp);
		} else if (strcmp(l, "pubkeys")) {
			err_set(e, "%s: line %d: unknown key \"%s\"", arg, lineno, l);
			goto out;
		}
	}
	if (!app.name) {
		err_set(e, "%s: no \"name\" line (aci-discover's output is expected)", arg);
		goto out;
	}
	if (o->store_only) {
		err_set(e, "%s: --store-only and --from-discovery exclude each other", app.name);
		goto out;
	}
	rc = fetch_endpoints(o, &app, eps, n, sig_path, out, e);
out:
	for (size_t i = 0; i < n; i++) {
		free(eps[i].aci);
		free(eps[i].sig);
	}
	free(eps);
	disc_app_free(&app);
	return rc;
}

static bool never(const char *arg)
{
	(void)arg;
	return false;
}

const struct fetch_source fetch_source_discovered = {
    .name = "discovered",
    .match = never,
    .fetch = discovered_fetch,
};
