/* authd: rkt's auth.d format, overrides, per-host lookup; http header helpers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authd.h"
#include "file.h"
#include "http.h"
#include "tap.h"
#include "xalloc.h"

static int parse(struct authd *a, const char *json, struct err *e)
{
	memset(a, 0, sizeof *a);
	return authd_parse(a, "f.json", json, strlen(json), e);
}

static void test_parse(void)
{
	struct authd a;
	struct err e = {0};
	is_int(parse(&a,
		     "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"Coreos.com\", "
		     "\"h.io:8443\"], \"type\": \"basic\", \"credentials\": {\"user\": \"foo\", "
		     "\"password\": \"bar\"}}",
		     &e),
	       0, "basic auth parses");
	is_int(a.n_auth, 2, "one entry per domain");
	is_str(a.auth[0].domain, "coreos.com", "domains lowercased");
	char *h = authd_header(&a.auth[0]);
	is_str(h, "Authorization: Basic Zm9vOmJhcg==", "basic header is base64 of user:password");
	authd_free_secret(h);
	ok(authd_find(&a, "coreos.com", 443, 443) == &a.auth[0], "host on the default port");
	ok(authd_find(&a, "coreos.com", 8443, 443) == NULL, "host on another port: no credentials");
	ok(authd_find(&a, "h.io", 8443, 443) == &a.auth[1], "host:port entry");
	ok(authd_find(&a, "h.io", 443, 443) == NULL, "host:port entry, default port: none");
	ok(authd_find(&a, "evil-coreos.com", 443, 443) == NULL, "no suffix matching");
	ok(authd_find(&a, "coreos.com.evil", 443, 443) == NULL, "no prefix matching");
	authd_free(&a);

	is_int(parse(&a,
		     "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a\"], \"type\": "
		     "\"oauth\", \"credentials\": {\"token\": \"t\\u00e9\"}}",
		     &e),
	       0, "oauth parses");
	h = authd_header(&a.auth[0]);
	is_str(h, "Authorization: Bearer t\xc3\xa9", "bearer header, JSON escapes decoded");
	authd_free_secret(h);
	authd_free(&a);

	is_int(parse(&a,
		     "{\"rktKind\": \"dockerAuth\", \"rktVersion\": \"v1\", \"registries\": "
		     "[\"quay.io\"], \"credentials\": {\"user\": \"u\", \"password\": \"p\"}}",
		     &e),
	       0, "dockerAuth parses");
	ok(a.n_docker == 1 && authd_find_docker(&a, "QUAY.io") == &a.docker[0], "registry lookup");
	ok(authd_find(&a, "quay.io", 443, 443) == NULL, "docker credentials are not http auth");
	authd_free(&a);

	const char *bad[] = {
		"", "{", "{\"rktKind\": \"auth\",}", "[1]", "{\"rktKind\": 1, \"rktVersion\": \"v1\"}",
		"{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": \"a\", \"type\": "
		"\"oauth\", \"credentials\": {\"token\": \"t\"}}",
		"{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a\"], \"type\": "
		"\"oauth\", \"credentials\": {\"token\": \"\"}}",
		"{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a\"], \"type\": "
		"\"basic\", \"credentials\": [\"u\", \"p\"]}",
		"{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a/b\"], \"type\": "
		"\"oauth\", \"credentials\": {\"token\": \"t\"}}",
		"{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a\"], \"type\": "
		"\"oauth\", \"credentials\": {\"token\": \"t\\u0000x\"}}",
		"{} {}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		is_int(parse(&a, bad[i], &e), -1, "refused: %s", bad[i]);
		ok(!strncmp(e.msg, "f.json: ", 8), "message names the file: %s", e.msg);
		authd_free(&a);
	}
}

static void write_file(const char *dir, const char *name, const char *text)
{
	struct err e;
	char *p = path_join(dir, name);
	file_write_atomic(p, text, strlen(text), 0600, &e);
	free(p);
}

static void test_load(const char *tmp)
{
	char *sys = path_join(tmp, "sys"), *loc = path_join(tmp, "loc");
	char *sysd = path_join(sys, "auth.d"), *locd = path_join(loc, "auth.d");
	struct err e = {0};
	mkdir_p(sysd, 0755, &e);
	mkdir_p(locd, 0755, &e);
	write_file(sysd, "coreos.json",
		   "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"coreos.com\", "
		   "\"tectonic.com\", \"kubernetes.io\"], \"type\": \"oauth\", \"credentials\": "
		   "{\"token\": \"common-token\"}}");
	write_file(locd, "specific-coreos.json",
		   "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"coreos.com\"], "
		   "\"type\": \"basic\", \"credentials\": {\"user\": \"foo\", \"password\": \"bar\"}}");
	write_file(locd, "specific-tectonic.json",
		   "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"tectonic.com\"], "
		   "\"type\": \"oauth\", \"credentials\": {\"token\": \"tectonic-token\"}}");
	write_file(locd, "notes.txt", "not json");
	struct authd a;
	is_int(authd_load(&a, sys, loc, &e), 0, "load vendor and local");
	const struct authd_entry *en;
	char *h;
	en = authd_find(&a, "kubernetes.io", 443, 443);
	h = en ? authd_header(en) : NULL;
	is_str(h, "Authorization: Bearer common-token", "vendor entry kept");
	authd_free_secret(h);
	en = authd_find(&a, "coreos.com", 443, 443);
	h = en ? authd_header(en) : NULL;
	is_str(h, "Authorization: Basic Zm9vOmJhcg==", "local overrides type and credentials");
	authd_free_secret(h);
	en = authd_find(&a, "tectonic.com", 443, 443);
	h = en ? authd_header(en) : NULL;
	is_str(h, "Authorization: Bearer tectonic-token", "local overrides the token");
	authd_free_secret(h);
	authd_free(&a);

	/* missing dirs are fine */
	char *none = path_join(tmp, "none");
	is_int(authd_load(&a, none, NULL, &e), 0, "missing config dirs are empty");
	is_int(a.n_auth + a.n_docker, 0, "nothing loaded");
	authd_free(&a);

	/* lexical order decides which file the duplicate is reported in */
	write_file(locd, "a-dup.json",
		   "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"tectonic.com\"], "
		   "\"type\": \"oauth\", \"credentials\": {\"token\": \"x\"}}");
	is_int(authd_load(&a, sys, loc, &e), -1, "duplicate domain in one dir");
	ok(strstr(e.msg, "specific-tectonic.json: domains: \"tectonic.com\" already given in") &&
		   strstr(e.msg, "a-dup.json"),
	   "the later file is named: %s", e.msg);
	free(sys);
	free(loc);
	free(sysd);
	free(locd);
	free(none);
}

static void test_http_helpers(void)
{
	is_int(http_parse_max_age("max-age=60"), 60, "max-age");
	is_int(http_parse_max_age("public, max-age=3600, must-revalidate"), 3600, "in a list");
	is_int(http_parse_max_age("Max-Age=\"5\""), 5, "quoted, any case");
	is_int(http_parse_max_age("no-cache, max-age=60"), -1, "no-cache wins");
	is_int(http_parse_max_age("no-store"), -1, "no-store");
	is_int(http_parse_max_age("max-age=x"), -1, "junk");
	is_int(http_parse_max_age("max-age="), -1, "empty");
	is_int(http_parse_max_age("s-maxage=9"), -1, "other directives ignored");
	is_int(http_parse_max_age(NULL), -1, "none");

	char *s = NULL, *h = NULL;
	int port;
	struct err e;
	is_int(http_url_parts("https://Example.COM/x?y", &s, &h, &port, &e), 0, "url parts");
	is_str(h, "example.com", "host lowercased");
	is_int(port, 443, "default https port");
	free(s);
	free(h);
	is_int(http_url_parts("http://h:8080/", &s, &h, &port, &e), 0, "explicit port");
	is_int(port, 8080, "port");
	is_str(s, "http", "scheme");
	free(s);
	free(h);
	is_int(http_url_parts("ftp://h/", NULL, NULL, NULL, &e), -1, "ftp refused");
	is_int(http_url_parts("not a url", NULL, NULL, NULL, &e), -1, "junk refused");

	char line[256];
	http_format_progress(line, sizeof line, "img", 512 * 1024, 1024 * 1024, 2048, 10);
	is_str(line, "img 512.0 KiB / 1.0 MiB [=====>    ]  50% 2.0 KiB/s", "progress bar");
	http_format_progress(line, sizeof line, "img", 100, -1, 0, 10);
	is_str(line, "img 100 B 0 B/s", "unknown total");
}

int main(void)
{
	char tmp[] = "/tmp/unit-authd.XXXXXX";
	if (!mkdtemp(tmp))
		return 1;
	test_parse();
	test_load(tmp);
	test_http_helpers();
	struct err e;
	rm_tree(tmp, &e);
	return done_testing();
}
