/* keystore: prefixes, layout, vendor/local layering, masks, removal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "keystore.h"
#include "types.h"
#include "tap.h"
#include "xalloc.h"

#define FA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define FC "cccccccccccccccccccccccccccccccccccccccc"

static void test_prefix(void)
{
	ok(ac_identifier_valid("example.com"), "simple prefix");
	ok(ac_identifier_valid("example.com/app-1_x~y"), "prefix with path and marks");
	ok(!ac_identifier_valid(""), "empty prefix refused");
	ok(!ac_identifier_valid("Example.com"), "upper case refused");
	ok(!ac_identifier_valid("example.com/"), "trailing slash refused");
	ok(!ac_identifier_valid("/example.com"), "leading slash refused");
	ok(!ac_identifier_valid("example.com//a"), "empty component refused");
	ok(!ac_identifier_valid("example.com/../etc"), "dot-dot refused");
	ok(!ac_identifier_valid("a/./b"), "dot component refused");
	ok(keystore_prefix_covers("example.com", "example.com/a/b"), "domain covers its paths");
	ok(keystore_prefix_covers("example.com/a", "example.com/a"), "prefix covers itself");
	ok(!keystore_prefix_covers("example.com/a", "example.com/ab"), "not a path component");
	ok(!keystore_prefix_covers("example.com/a/b", "example.com/a"), "longer prefix");
}

static int find(const struct keystore_list *l, const char *prefix, const char *fpr)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].fpr, fpr) &&
		    (prefix ? l->v[i].prefix && !strcmp(l->v[i].prefix, prefix) : !l->v[i].prefix))
			return (int)i;
	return -1;
}

static void put(const char *path, const char *data)
{
	struct err e;
	_cleanup_free_ char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0755, &e) < 0 || file_write_atomic(path, data, strlen(data), 0644, &e) < 0)
		printf("# put %s: %s\n", path, e.msg);
}

static void test_store(const char *tmp)
{
	struct err e = {0};
	_cleanup_free_ char *sys = path_join(tmp, "usr"), *loc = path_join(tmp, "etc");
	struct keystore ks = {sys, loc};
	struct keystore_list l;
	char *p = NULL;

	is_int(keystore_list_all(&ks, &l, &e), 0, "empty keystore lists");
	is_int(l.n, 0, "no keys");
	keystore_list_free(&l);

	is_int(keystore_store(&ks, "example.com/app", FA, "KEY-A", 5, &p, &e), 0, "store prefix");
	_cleanup_free_ char *want = xasprintf("%s/trustedkeys/prefix.d/example.com/app/" FA, loc);
	is_str(p, want, "prefix key stored as nested dirs under local config");
	free(p);
	is_int(keystore_store(&ks, NULL, FB, "KEY-B", 5, &p, &e), 0, "store root");
	free(want);
	want = xasprintf("%s/trustedkeys/root.d/" FB, loc);
	is_str(p, want, "root key path");
	free(p);
	is_int(keystore_store(&ks, "Bad/Prefix", FA, "x", 1, &p, &e), -1, "bad prefix refused");
	is_int(keystore_store(&ks, "example.com", "ABCD", "x", 1, &p, &e), -1, "bad fpr refused");

	/* vendor keys: one overridden locally, one masked, one plain */
	_cleanup_free_ char *v1 = xasprintf("%s/trustedkeys/prefix.d/example.com/app/" FA, sys);
	_cleanup_free_ char *v2 = xasprintf("%s/trustedkeys/prefix.d/example.org/" FC, sys);
	_cleanup_free_ char *v3 = xasprintf("%s/trustedkeys/root.d/" FC, sys);
	_cleanup_free_ char *m3 = xasprintf("%s/trustedkeys/root.d/" FC, loc);
	_cleanup_free_ char *junk = xasprintf("%s/trustedkeys/root.d/README", loc);
	put(v1, "VENDOR-A");
	put(v2, "VENDOR-C");
	put(v3, "VENDOR-ROOT-C");
	put(m3, "");
	put(junk, "not a key");

	is_int(keystore_list_all(&ks, &l, &e), 0, "layered keystore lists");
	is_int(l.n, 3, "three effective keys (override, mask, junk ignored)");
	int i = find(&l, "example.com/app", FA);
	ok(i >= 0 && !l.v[i].vendor, "local key overrides the vendor key of the same name");
	i = find(&l, "example.org", FC);
	ok(i >= 0 && l.v[i].vendor, "vendor prefix key read");
	ok(find(&l, NULL, FC) < 0, "an empty local file masks a vendor root key");
	ok(find(&l, NULL, FB) == 0, "root keys sort first");
	keystore_list_free(&l);

	is_int(keystore_list_for_name(&ks, "example.com/app/sub", &l, &e), 0, "keys for a name");
	ok(l.n == 2 && find(&l, NULL, FB) >= 0 && find(&l, "example.com/app", FA) >= 0,
	   "root key and covering prefix key, not example.org");
	keystore_list_free(&l);
	is_int(keystore_list_for_name(&ks, "example.com/application", &l, &e), 0, "other name");
	ok(l.n == 1 && find(&l, NULL, FB) >= 0,
	   "prefix example.com/app does not cover /application");
	keystore_list_free(&l);

	/* removal: local file goes, vendor key is masked, absent key is an error */
	is_int(keystore_remove(&ks, NULL, FB, &p, &e), 0, "remove local root key");
	ok(access(p, F_OK) != 0, "local file removed");
	free(p);
	is_int(keystore_remove(&ks, NULL, FB, &p, &e), -1, "removing it again fails");
	ok(strstr(e.msg, "not a trusted root key") != NULL, "with a clear message: %s", e.msg);
	is_int(keystore_remove(&ks, "example.org", FC, &p, &e), 0, "remove vendor prefix key");
	struct stat st;
	ok(stat(p, &st) == 0 && st.st_size == 0, "by an empty local mask file");
	ok(access(v2, F_OK) == 0, "vendor file untouched");
	free(p);
	is_int(keystore_remove(&ks, "example.org", FC, &p, &e), -1, "masked key is not trusted");
	is_int(keystore_remove(&ks, "example.com/app", FA, &p, &e), 0, "remove overriding key");
	free(p);
	is_int(keystore_list_all(&ks, &l, &e), 0, "list after removals");
	is_int(l.n, 0, "the overridden vendor key is masked too");
	keystore_list_free(&l);
}

int main(void)
{
	char tmpl[] = "/tmp/rkt-unit-keystore.XXXXXX";
	struct err e;
	test_prefix();
	if (!mkdtemp(tmpl))
		return 1;
	test_store(tmpl);
	rm_tree(tmpl, &e);
	return done_testing();
}
