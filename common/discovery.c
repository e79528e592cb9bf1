#include "discovery.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "types.h"
#include "xalloc.h"

#define DISC_MAX_PAGE (1024 * 1024)

const char *disc_app_label(const struct disc_app *app, const char *name)
{
	for (size_t i = 0; i < app->n_labels; i++)
		if (!strcmp(app->labels[i].name, name))
			return app->labels[i].value;
	return NULL;
}

static void add_label(struct disc_app *app, const char *n, size_t nl, const char *v)
{
	app->labels = xreallocarray(app->labels, app->n_labels + 1, sizeof *app->labels);
	app->labels[app->n_labels].name = xstrndup(n, nl);
	app->labels[app->n_labels].value = xstrdup(v);
	app->n_labels++;
}

int disc_app_parse(const char *s, struct disc_app *app, struct err *e)
{
	memset(app, 0, sizeof *app);
	const char *comma = strchr(s, ',');
	char *name = xstrndup(s, comma ? (size_t)(comma - s) : strlen(s));
	/* NAME:VERSION is short for NAME,version=VERSION, as in rkt */
	char *colon = strrchr(name, ':');
	if (colon) {
		*colon = '\0';
		if (!colon[1]) {
			free(name);
			return err_set(e, "%s: empty version after ':'", s);
		}
		add_label(app, "version", 7, colon + 1);
	}
	app->name = name;
	if (!ac_identifier_valid(name)) {
		err_set(e, "%s: name \"%s\" is not a valid AC identifier (lowercase letters, digits, "
			   "-._~/)", s, name);
		goto bad;
	}
	while (comma) {
		const char *item = comma + 1;
		comma = strchr(item, ',');
		size_t il = comma ? (size_t)(comma - item) : strlen(item);
		const char *eq = memchr(item, '=', il);
		if (!eq) {
			err_set(e, "%s: label \"%.*s\" is not name=value", s, (int)il, item);
			goto bad;
		}
		char *ln = xstrndup(item, (size_t)(eq - item));
		char *lv = xstrndup(eq + 1, il - (size_t)(eq - item) - 1);
		int bad = 0;
		if (!ac_identifier_valid(ln))
			bad = err_set(e, "%s: label name \"%s\" is not a valid AC identifier", s, ln);
		else if (!strcmp(ln, "name") || !strcmp(ln, "ext"))
			bad = err_set(e, "%s: \"%s\" cannot be a label", s, ln);
		else if (disc_app_label(app, ln))
			bad = err_set(e, "%s: label \"%s\" given twice", s, ln);
		else if (!*lv)
			bad = err_set(e, "%s: label \"%s\" has an empty value", s, ln);
		if (!bad)
			add_label(app, ln, strlen(ln), lv);
		free(ln);
		free(lv);
		if (bad)
			goto bad;
	}
	if (!disc_app_label(app, "version")) {
		add_label(app, "version", 7, "latest");
		app->version_defaulted = true;
	}
	const char *hos = "linux", *harch = "amd64";
	if (host_os_arch(&hos, &harch) < 0 && !disc_app_label(app, "arch")) {
		err_set(e, "%s: the host's architecture has no appc name; give arch=", s);
		goto bad;
	}
	if (!disc_app_label(app, "os"))
		add_label(app, "os", 2, hos);
	if (!disc_app_label(app, "arch"))
		add_label(app, "arch", 4, harch);
	return 0;
bad:
	disc_app_free(app);
	return -1;
}

void disc_app_free(struct disc_app *app)
{
	for (size_t i = 0; i < app->n_labels; i++) {
		free(app->labels[i].name);
		free(app->labels[i].value);
	}
	free(app->labels);
	free(app->name);
	memset(app, 0, sizeof *app);
}

/* ---- the HTML scanner ---- */

static bool starts_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && !strncasecmp(p, lit, n);
}

/* Find lit (case-insensitive) in [p, end); end if absent. */
static const char *find_ci(const char *p, const char *end, const char *lit)
{
	for (; p < end; p++)
		if (starts_ci(p, end, lit))
			return p;
	return end;
}

/* Decode character references (&amp; &lt; &gt; &quot; &apos; &#N; &#xH;);
 * anything else is kept as written. */
static char *decode_entities(const char *p, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
	struct buf b = {0};
	const char *end = p + n;
	buf_grow(&b, n);
	buf_add(&b, "", 0);
	while (p < end) {
		if (*p != '&') {
			buf_addc(&b, *p++);
			continue;
		}
		bool done = false;
		for (size_t i = 0; i < sizeof named / sizeof *named && !done; i++)
			if (starts_ci(p + 1, end, named[i].name)) {
				buf_addc(&b, named[i].c);
				p += 1 + strlen(named[i].name);
				done = true;
			}
		if (!done && p + 2 < end && p[1] == '#') {
			const char *q = p + 2;
			int base = 10;
			if (*q == 'x' || *q == 'X') {
				base = 16;
				q++;
			}
			unsigned long cp = 0;
			const char *digits = q;
			while (q < end && q - digits < 8 && isxdigit((unsigned char)*q) &&
			       (base == 16 || isdigit((unsigned char)*q))) {
				cp = cp * (unsigned)base +
				     (unsigned)(isdigit((unsigned char)*q) ? *q - '0'
									    : (tolower(*q) - 'a' + 10));
				q++;
			}
			if (q > digits && q < end && *q == ';' && cp > 0 && cp < 0x110000 &&
			    !(cp >= 0xd800 && cp < 0xe000)) {
				unsigned c = (unsigned)cp;
				if (c < 0x80)
					buf_addc(&b, (char)c);
				else if (c < 0x800) {
					buf_addc(&b, (char)(0xc0 | (c >> 6)));
					buf_addc(&b, (char)(0x80 | (c & 0x3f)));
				} else if (c < 0x10000) {
					buf_addc(&b, (char)(0xe0 | (c >> 12)));
					buf_addc(&b, (char)(0x80 | ((c >> 6) & 0x3f)));
					buf_addc(&b, (char)(0x80 | (c & 0x3f)));
				} else {
					buf_addc(&b, (char)(0xf0 | (c >> 18)));
					buf_addc(&b, (char)(0x80 | ((c >> 12) & 0x3f)));
					buf_addc(&b, (char)(0x80 | ((c >> 6) & 0x3f)));
					buf_addc(&b, (char)(0x80 | (c & 0x3f)));
				}
				p = q + 1;
				done = true;
			}
		}
		if (!done)
			buf_addc(&b, *p++);
	}
	return buf_steal(&b);
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* Record a meta tag's name and content if it is one of ours. */
static void keep_meta(struct disc_meta **out, size_t *n, char *name, char *content)
{
	if (!name || !content || *n >= DISC_MAX_META)
		return;
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (strcmp(name, "ac-discovery") && strcmp(name, "ac-discovery-pubkeys"))
		return;
	char *p = content;
	while (is_space(*p))
		p++;
	char *pe = p;
	while (*pe && !is_space(*pe))
		pe++;
	char *u = pe;
	while (is_space(*u))
		u++;
	char *ue = u + strlen(u);
	while (ue > u && is_space(ue[-1]))
		ue--;
	if (pe == p || ue == u)
		return;
	*out = xreallocarray(*out, *n + 1, sizeof **out);
	(*out)[*n] = (struct disc_meta){xstrdup(name), xstrndup(p, (size_t)(pe - p)),
					xstrndup(u, (size_t)(ue - u))};
	(*n)++;
}

/* Parse the attributes of a tag starting at p; returns the position after
 * '>' (or end if the tag never closes, in which case *complete is false). */
static const char *scan_attrs(const char *p, const char *end, bool want, char **name,
			      char **content, bool *complete)
{
	*complete = false;
	while (p < end) {
		while (p < end && (is_space(*p) || *p == '/'))
			p++;
		if (p >= end)
			break;
		if (*p == '>') {
			*complete = true;
			return p + 1;
		}
		const char *an = p;
		while (p < end && !is_space(*p) && *p != '=' && *p != '>' && *p != '/')
			p++;
		size_t anl = (size_t)(p - an);
		while (p < end && is_space(*p))
			p++;
		const char *v = NULL;
		size_t vl = 0;
		if (p < end && *p == '=') {
			p++;
			while (p < end && is_space(*p))
				p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				char q = *p++;
				v = p;
				while (p < end && *p != q)
					p++;
				if (p >= end)
					return end; /* unterminated quote: the tag is cut off */
				vl = (size_t)(p - v);
				p++;
			} else {
				v = p;
				while (p < end && !is_space(*p) && *p != '>')
					p++;
				vl = (size_t)(p - v);
			}
		}
		if (!want || !anl)
			continue;
		/* the first of duplicate attributes counts, as in HTML */
		if (anl == 4 && !strncasecmp(an, "name", 4) && !*name)
			*name = decode_entities(v ? v : "", vl);
		else if (anl == 7 && !strncasecmp(an, "content", 7) && !*content)
			*content = decode_entities(v ? v : "", vl);
	}
	return end;
}

size_t disc_scan_html(const char *html, size_t len, struct disc_meta **out)
{
	const char *p = html, *end = html + len;
	size_t n = 0;
	*out = NULL;
	while (p < end && n < DISC_MAX_META) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt)
			break;
		p = lt + 1;
		if (starts_ci(p, end, "!--")) {
			/* "<!-->" and "<!--->" are whole (empty) comments in HTML */
			if (starts_ci(p + 3, end, ">") || starts_ci(p + 3, end, "->")) {
				p = memchr(p + 3, '>', (size_t)(end - p - 3)) + 1;
				continue;
			}
			const char *c = find_ci(p + 3, end, "-->");
			p = c < end ? c + 3 : end;
			continue;
		}
		if (p < end && (*p == '!' || *p == '?' || *p == '/')) {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			p = gt ? gt + 1 : end;
			continue;
		}
		const char *tn = p;
		while (p < end && isalnum((unsigned char)*p))
			p++;
		size_t tl = (size_t)(p - tn);
		if (!tl)
			continue; /* a lone '<' in text */
		if (p < end && !is_space(*p) && *p != '>' && *p != '/')
			continue; /* not a tag name after all */
		bool meta = tl == 4 && !strncasecmp(tn, "meta", 4);
		char *name = NULL, *content = NULL;
		bool complete;
		p = scan_attrs(p, end, meta, &name, &content, &complete);
		if (meta && complete)
			keep_meta(out, &n, name, content);
		free(name);
		free(content);
		/* raw text elements: their bodies are not markup */
		static const char *raw[] = {"script", "style", "textarea", "title", "xmp"};
		for (size_t i = 0; i < sizeof raw / sizeof *raw; i++)
			if (tl == strlen(raw[i]) && !strncasecmp(tn, raw[i], tl)) {
				char close[16];
				snprintf(close, sizeof close, "</%s", raw[i]);
				p = find_ci(p, end, close);
			}
	}
	return n;
}

void disc_meta_free(struct disc_meta *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].prefix);
		free(m[i].url);
	}
	free(m);
}

/* ---- templates ---- */

/* Label values go into URLs as they are (as rkt does) except for bytes that
 * would change the URL's structure or are not URL characters: those are
 * percent-encoded. */
static void add_value(struct buf *b, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (isalnum(*p) || strchr("-._~+:@!$&'()*,;=/", *p))
			buf_addc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

char *disc_render(const char *tpl, const struct disc_app *app, const char *ext)
{
	struct buf b = {0};
	const char *p = tpl;
	buf_adds(&b, "");
	while (*p) {
		const char *close;
		if (*p != '{' || !(close = strchr(p + 1, '}'))) {
			buf_addc(&b, *p++);
			continue;
		}
		size_t kl = (size_t)(close - p - 1);
		char *key = xstrndup(p + 1, kl);
		const char *v = NULL;
		if (!strcmp(key, "name"))
			v = app->name;
		else if (!strcmp(key, "ext"))
			v = ext;
		else
			v = disc_app_label(app, key);
		free(key);
		if (!v) { /* an unfilled placeholder: this template does not fit */
			buf_free(&b);
			return NULL;
		}
		add_value(&b, v);
		p = close + 1;
	}
	return buf_steal(&b);
}

static bool has_str(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static bool usable_url(const char *u, bool allow_http)
{
	return !strncasecmp(u, "https://", 8) || (allow_http && !strncasecmp(u, "http://", 7));
}

static void apply(const struct disc_app *app, const struct disc_meta *m, size_t n,
		  struct disc_result *res, bool allow_http)
{
	for (size_t i = 0; i < n; i++) {
		if (strncmp(app->name, m[i].prefix, strlen(m[i].prefix)))
			continue; /* the prefix-match must match the name */
		if (!strcmp(m[i].name, "ac-discovery-pubkeys")) {
			if (usable_url(m[i].url, allow_http) &&
			    !has_str(res->keys, res->n_keys, m[i].url)) {
				res->keys = xreallocarray(res->keys, res->n_keys + 1, sizeof *res->keys);
				res->keys[res->n_keys++] = xstrdup(m[i].url);
			}
			continue;
		}
		char *aci = disc_render(m[i].url, app, "aci");
		char *sig = disc_render(m[i].url, app, "aci.asc");
		bool dup = false;
		for (size_t k = 0; aci && k < res->n_eps; k++)
			dup |= !strcmp(res->eps[k].aci, aci);
		if (aci && sig && !dup && usable_url(aci, allow_http) && usable_url(sig, allow_http)) {
			res->eps = xreallocarray(res->eps, res->n_eps + 1, sizeof *res->eps);
			res->eps[res->n_eps++] = (struct disc_endpoint){aci, sig};
		} else {
			free(aci);
			free(sig);
		}
	}
}

void disc_apply_meta(const struct disc_app *app, const struct disc_meta *m, size_t n,
		     struct disc_result *res)
{
	apply(app, m, n, res, true);
}

static void tried(struct disc_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tried(struct disc_result *res, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	res->tried = xreallocarray(res->tried, res->n_tried + 1, sizeof *res->tried);
	res->tried[res->n_tried++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Fetch one discovery page (https, then http when allowed); 0 with the
 * page in *page, or -1 after recording why in res->tried. */
static int fetch_page(const char *pre, const struct http_opts *o, struct buf *page,
		      char **got_url, struct disc_result *res)
{
	static const char *schemes[] = {"https", "http"};
	for (int s = 0; s < (o->allow_http ? 2 : 1); s++) {
		char *url = xasprintf("%s://%s?ac-discovery=1", schemes[s], pre);
		struct http_resp r;
		struct err e = {0};
		page->len = 0;
		if (http_get_buf_any(url, DISC_MAX_PAGE, page, o, &r, &e) < 0)
			tried(res, "%s", e.msg);
		else if (r.status < 200 || r.status > 299)
			tried(res, "%s: HTTP status %ld", url, r.status);
		else {
			http_resp_free(&r);
			*got_url = url;
			return 0;
		}
		http_resp_free(&r);
		free(url);
	}
	return -1;
}

int disc_discover(const struct disc_app *app, enum disc_want want, const struct http_opts *o,
		  struct disc_result *res, struct err *e)
{
	static const struct http_opts none = {0};
	if (!o)
		o = &none;
	memset(res, 0, sizeof *res);
	char *pre = xstrdup(app->name);
	for (;;) {
		struct buf page = {0};
		char *url = NULL;
		if (fetch_page(pre, o, &page, &url, res) == 0) {
			struct disc_meta *m;
			size_t n = disc_scan_html(page.data ? page.data : "", page.len, &m);
			const char *tag = want == DISC_WANT_ACI ? "ac-discovery" : "ac-discovery-pubkeys";
			size_t matched = 0;
			for (size_t i = 0; i < n; i++)
				matched += !strcmp(m[i].name, tag) &&
					   !strncmp(app->name, m[i].prefix, strlen(m[i].prefix));
			apply(app, m, n, res, o->allow_http);
			disc_meta_free(m, n);
			if ((want == DISC_WANT_ACI && res->n_eps) ||
			    (want == DISC_WANT_KEYS && res->n_keys)) {
				buf_free(&page);
				free(url);
				free(pre);
				return 0;
			}
			if (!matched)
				tried(res, "%s: no %s meta tag matching %s", url, tag, app->name);
			else
				tried(res,
				      "%s: no usable %s meta tag for %s (placeholders left unfilled, "
				      "or not https)",
				      url, tag, app->name);
		}
		free(url);
		buf_free(&page);
		char *slash = strrchr(pre, '/');
		if (!slash)
			break;
		*slash = '\0'; /* walk up: example.com/a/b -> example.com/a */
	}
	free(pre);
	return err_set(e, "%s: no %s found by discovery", app->name,
		       want == DISC_WANT_ACI ? "image" : "public keys");
}

void disc_result_free(struct disc_result *res)
{
	for (size_t i = 0; i < res->n_eps; i++) {
		free(res->eps[i].aci);
		free(res->eps[i].sig);
	}
	for (size_t i = 0; i < res->n_keys; i++)
		free(res->keys[i]);
	for (size_t i = 0; i < res->n_tried; i++)
		free(res->tried[i]);
	free(res->eps);
	free(res->keys);
	free(res->tried);
	memset(res, 0, sizeof *res);
}
