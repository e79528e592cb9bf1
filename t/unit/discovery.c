/* discovery: the HTML meta scanner (hostile input), templates, app names */
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "tap.h"
#include "types.h"
#include "xalloc.h"

static size_t scan(const char *html, struct disc_meta **m) { return disc_scan_html(html, strlen(html), m); }

static void test_scan_basic(void)
{
	struct disc_meta *m;
	size_t n = scan("<html><head>"
			"<meta name=\"ac-discovery\" content=\"example.com https://e.com/{name}.{ext}\">"
			"<meta name=\"ac-discovery-pubkeys\" content=\"example.com https://e.com/k\">"
			"<meta name=\"description\" content=\"x y\">"
			"</head></html>",
			&m);
	is_int(n, 2, "two ac meta tags, others ignored");
	is_str(m[0].name, "ac-discovery", "name");
	is_str(m[0].prefix, "example.com", "prefix");
	is_str(m[0].url, "https://e.com/{name}.{ext}", "template");
	is_str(m[1].name, "ac-discovery-pubkeys", "pubkeys name");
	disc_meta_free(m, n);
}

static void test_scan_hostile(void)
{
	struct disc_meta *m;
	size_t n;
	/* attribute order, quotes, case, entities */
	n = scan("<META CONTENT='p  https://x/?a=1&amp;b=&#50;&#x33;&lt;' NaMe=AC-DISCOVERY />", &m);
	is_int(n, 1, "upper case, single quotes, attributes reversed, self-closing");
	if (n)
		is_str(m[0].url, "https://x/?a=1&b=23<", "entities decoded, spaces collapsed");
	disc_meta_free(m, n);
	n = scan("<meta name=ac-discovery content=p&#x20;u>", &m);
	is_int(n, 1, "unquoted values, &#x20; splits prefix and url");
	if (n) {
		is_str(m[0].prefix, "p", "unquoted prefix");
		is_str(m[0].url, "u", "unquoted url");
	}
	disc_meta_free(m, n);
	/* not markup */
	const char *nots[] = {
		"<!-- <meta name=\"ac-discovery\" content=\"p u\"> -->",
		"<script>x='<meta name=\"ac-discovery\" content=\"p u\">'</script>",
		"<SCRIPT type=x>x='<meta name=\"ac-discovery\" content=\"p u\">'</sCrIpT>",
		"<style>/* <meta name=\"ac-discovery\" content=\"p u\"> */</style>",
		"<title><meta name=\"ac-discovery\" content=\"p u\"></title>",
		"<textarea><meta name=\"ac-discovery\" content=\"p u\"></textarea>",
		"<metadata name=\"ac-discovery\" content=\"p u\">",
		"<meta name=\"ac-discovery\" content=\"p u", /* cut off in the value */
		"<meta name=\"ac-discovery\" content=\"p u\"", /* cut off before > */
		"<meta name=\"ac-discovery\" content=\"onlyprefix\">",
		"<meta name=\"ac-discovery\" content=\"   \">",
		"<meta name=\"ac-discovery\">",
		"<meta content=\"p u\">",
		"<meta name=\"ac-discoveryX\" content=\"p u\">",
		"<!-- unterminated comment <meta name=\"ac-discovery\" content=\"p u\">",
		"<script><meta name=\"ac-discovery\" content=\"p u\">",
		"",
		"<",
		"<<<<>>>>",
		"< meta name=\"ac-discovery\" content=\"p u\">",
	};
	for (size_t i = 0; i < sizeof nots / sizeof *nots; i++) {
		n = scan(nots[i], &m);
		is_int(n, 0, "no tag in: %s", nots[i]);
		disc_meta_free(m, n);
	}
	/* a '>' inside a quoted value does not end the tag */
	n = scan("<meta data-x=\"a>b\" name=\"ac-discovery\" content=\"p https://x/>\">", &m);
	is_int(n, 1, "> inside quotes");
	if (n)
		is_str(m[0].url, "https://x/>", "value with >");
	disc_meta_free(m, n);
	/* the first of duplicate attributes counts */
	n = scan("<meta name=\"ac-discovery\" name=\"other\" content=\"p u\" content=\"q v\">", &m);
	is_int(n, 1, "duplicate attributes");
	if (n)
		is_str(m[0].prefix, "p", "first content wins");
	disc_meta_free(m, n);
	/* after a comment, scanning goes on */
	n = scan("<!-- c --><meta name=\"ac-discovery\" content=\"p u\"><!-->"
		 "<meta name=\"ac-discovery\" content=\"q v\">",
		 &m);
	is_int(n, 2, "tags after comments");
	disc_meta_free(m, n);
	/* NUL bytes and high bytes inside the page */
	const char bin[] = "\x01\xff<meta\x00 name=\"ac-discovery\" content=\"p u\">"
			   "<meta name=\"ac-discovery\" content=\"p \xc3\xa9\">";
	n = disc_scan_html(bin, sizeof bin - 1, &m);
	is_int(n, 1, "NUL after the tag name ends that tag; the next one counts");
	if (n)
		is_str(m[0].url, "\xc3\xa9", "UTF-8 kept");
	disc_meta_free(m, n);
	/* bad character references are kept as written, never decoded to NUL */
	n = scan("<meta name=\"ac-discovery\" content=\"p u&#0;&#xd800;&#99999999;&bogus;&\">", &m);
	is_int(n, 1, "bad references");
	if (n)
		is_str(m[0].url, "u&#0;&#xd800;&#99999999;&bogus;&", "kept as written");
	disc_meta_free(m, n);
}

static void test_scan_bounds(void)
{
	struct buf b = {0};
	for (int i = 0; i < DISC_MAX_META + 50; i++)
		buf_adds(&b, "<meta name=\"ac-discovery\" content=\"p u\">");
	struct disc_meta *m;
	size_t n = disc_scan_html(b.data, b.len, &m);
	is_int(n, DISC_MAX_META, "at most DISC_MAX_META tags kept");
	disc_meta_free(m, n);
	/* a scan that stops exactly at len never reads beyond it */
	char *cut = xmalloc(20);
	memcpy(cut, "<meta name=\"ac-disc", 19);
	n = disc_scan_html(cut, 19, &m);
	is_int(n, 0, "truncated buffer, no terminator");
	disc_meta_free(m, n);
	free(cut);
	/* a megabyte of '<' is linear and finds nothing */
	b.len = 0;
	for (int i = 0; i < 1 << 20; i++)
		buf_addc(&b, i % 2 ? '<' : '!');
	n = disc_scan_html(b.data, b.len, &m);
	is_int(n, 0, "a megabyte of junk");
	disc_meta_free(m, n);
	buf_free(&b);
}

static void test_app(void)
{
	struct disc_app app;
	struct err e = {0};
	is_int(disc_app_parse("example.com/app,version=1.0,channel=beta", &app, &e), 0, "parse app");
	is_str(app.name, "example.com/app", "app name");
	is_str(disc_app_label(&app, "version"), "1.0", "version label");
	is_str(disc_app_label(&app, "channel"), "beta", "other label");
	is_str(disc_app_label(&app, "os"), "linux", "os defaults to linux");
	const char *hos, *harch;
	host_os_arch(&hos, &harch);
	is_str(disc_app_label(&app, "arch"), harch, "arch defaults to the host's");
	disc_app_free(&app);
	is_int(disc_app_parse("example.com/app:2.1", &app, &e), 0, "name:version");
	is_str(disc_app_label(&app, "version"), "2.1", "version from :");
	disc_app_free(&app);
	is_int(disc_app_parse("example.com/app", &app, &e), 0, "bare name");
	is_str(disc_app_label(&app, "version"), "latest", "version defaults to latest");
	disc_app_free(&app);
	const char *bad[] = {"", "Example.com", "a.com/x,", "a.com/x,k", "a.com/x,K=v", "a.com/x,k-=v", "a.com/x,k=",
			     "a.com/x,k=1,k=2", "a.com/x,ext=x", "a.com/x,name=x", "a.com/x:",
			     "a.com/x/", "/a.com", "a.com/x?y", "a.com/{name}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		is_int(disc_app_parse(bad[i], &app, &e), -1, "refused: '%s'", bad[i]);
		ok(e.msg[0] != '\0', "with a message: %s", e.msg);
	}
}

static void test_render(void)
{
	struct disc_app app;
	struct err e = {0};
	disc_app_parse("example.com/app,version=1.0,os=linux,arch=amd64,channel=s t{x}", &app, &e);
	char *s = disc_render("https://h/{os}/{arch}/{name}-{version}.{ext}", &app, "aci");
	is_str(s, "https://h/linux/amd64/example.com/app-1.0.aci", "all placeholders filled");
	free(s);
	s = disc_render("https://h/{name}.{ext}", &app, "aci.asc");
	is_str(s, "https://h/example.com/app.aci.asc", "signature ext");
	free(s);
	s = disc_render("https://h/{name}-{missing}.{ext}", &app, "aci");
	ok(s == NULL, "an unfilled placeholder skips the template");
	free(s);
	s = disc_render("https://h/{channel}/{name}", &app, "aci");
	is_str(s, "https://h/s%20t%7Bx%7D/example.com/app", "values are not rescanned, odd bytes escaped");
	free(s);
	s = disc_render("https://h/{name/x", &app, "aci");
	is_str(s, "https://h/{name/x", "an unclosed brace is text");
	free(s);
	s = disc_render("https://h/{}", &app, "aci");
	ok(s == NULL, "an empty placeholder is unfilled");
	free(s);

	struct disc_meta m[] = {
		{"ac-discovery", "example.com/app", "https://a/{name}-{version}.{ext}"},
		{"ac-discovery", "example.com/other", "https://b/{name}.{ext}"},
		{"ac-discovery", "example.org", "https://c/{name}.{ext}"},
		{"ac-discovery", "example.com", "https://d/{name}-{nolabel}.{ext}"},
		{"ac-discovery", "example.com", "https://a/{name}-{version}.{ext}"},
		{"ac-discovery-pubkeys", "example.com", "https://k/keys"},
		{"ac-discovery-pubkeys", "example.com/app", "https://k/keys"},
		{"ac-discovery-pubkeys", "other.com", "https://k/other"},
	};
	struct disc_result res = {0};
	disc_apply_meta(&app, m, sizeof m / sizeof *m, &res);
	is_int(res.n_eps, 1, "prefix mismatch, unfilled and duplicate templates dropped");
	if (res.n_eps) {
		is_str(res.eps[0].aci, "https://a/example.com/app-1.0.aci", "aci URL");
		is_str(res.eps[0].sig, "https://a/example.com/app-1.0.aci.asc", "sig URL");
	}
	is_int(res.n_keys, 1, "pubkeys deduplicated, mismatched prefix dropped");
	disc_result_free(&res);
	disc_app_free(&app);
}

int main(void)
{
	test_scan_basic();
	test_scan_hostile();
	test_scan_bounds();
	test_app();
	test_render();
	return done_testing();
}
