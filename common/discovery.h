/* appc meta discovery (spec/discovery.md): an app name and labels -> ACI,
 * signature and public-key URLs, from <meta name="ac-discovery"> and
 * <meta name="ac-discovery-pubkeys"> tags on https://<name>?ac-discovery=1,
 * walking up the name's path until a page answers. */
#ifndef RKT_DISCOVERY_H
#define RKT_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "http.h"

struct disc_label {
	char *name, *value;
};

/* An app to discover: its name and labels in the order given, with
 * version (default "latest"), os and arch (default: the host's) added. */
struct disc_app {
	char *name;
	struct disc_label *labels;
	size_t n_labels;
	/* version=latest was added, not asked for: it fills templates but is
	 * not required of the manifest (as rkt) */
	bool version_defaulted;
};

/* Parse "NAME[,label=value...]"; labels may not repeat; os/arch/version
 * defaults are filled in. */
int disc_app_parse(const char *s, struct disc_app *app, struct err *e);
const char *disc_app_label(const struct disc_app *app, const char *name);
void disc_app_free(struct disc_app *app);

/* One meta tag of a discovery page. */
struct disc_meta {
	char *name;   /* "ac-discovery" or "ac-discovery-pubkeys" */
	char *prefix; /* the prefix-match */
	char *url;    /* the template (or pubkeys URL) */
};

/* Scan HTML for ac-* meta tags: tag and attribute names in any case and
 * order, values double-, single- or un-quoted, character references
 * decoded; comments, <script> and <style> bodies skipped. Bounded: at most
 * DISC_MAX_META tags are kept and nothing is read past len. */
#define DISC_MAX_META 256
size_t disc_scan_html(const char *html, size_t len, struct disc_meta **out);
void disc_meta_free(struct disc_meta *m, size_t n);

/* Fill a template: {name}, {ext}, and {<label>} for each label. Returns
 * NULL when a {...} placeholder is left unfilled (the template is skipped). */
char *disc_render(const char *tpl, const struct disc_app *app, const char *ext);

struct disc_endpoint {
	char *aci, *sig;
};

struct disc_result {
	struct disc_endpoint *eps;
	size_t n_eps;
	char **keys;
	size_t n_keys;
	char **tried; /* "URL: why it gave nothing", in order */
	size_t n_tried;
};

enum disc_want { DISC_WANT_ACI, DISC_WANT_KEYS };

/* Walk up app->name until a page gives what is wanted (ACI endpoints, or
 * public keys). https first; plain http only when o->allow_http. Every URL
 * tried is recorded in res->tried. Returns 0 when something was found, -1
 * (with e saying so) when nothing was. */
int disc_discover(const struct disc_app *app, enum disc_want want, const struct http_opts *o,
		  struct disc_result *res, struct err *e);
/* The meta tags of one page applied to app (exposed for tests). */
void disc_apply_meta(const struct disc_app *app, const struct disc_meta *m, size_t n,
		     struct disc_result *res);
void disc_result_free(struct disc_result *res);

#endif
