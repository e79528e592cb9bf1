/* --list: what the keystore trusts, as the verifier sees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "trust.h"
#include "xalloc.h"

/* The user IDs of one key file, ", "-joined; "?" when it cannot be read. */
static char *key_uids(struct pgp_home *h, const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t n;
	struct pgp_keylist keys = {0};
	struct err e;
	if (file_read(path, 1 << 20, &data, &n, &e) < 0 ||
	    pgp_keys_parse(h, data, n, &keys, &e) < 0)
		return xstrdup("?");
	struct buf b = {0};
	for (size_t i = 0; i < keys.n; i++)
		for (size_t j = 0; j < keys.v[i].nuids; j++)
			buf_printf(&b, "%s%s", b.len ? ", " : "", keys.v[i].uids[j]);
	pgp_keylist_free(&keys);
	return buf_steal(&b);
}

int trust_list(const struct keystore *ks, bool legend, struct err *e)
{
	struct keystore_list l;
	struct pgp_home h;
	if (keystore_list_all(ks, &l, e) < 0)
		return -1;
	if (pgp_home_new(&h, e) < 0) {
		keystore_list_free(&l);
		return -1;
	}
	int w = (int)strlen("PREFIX");
	for (size_t i = 0; i < l.n; i++) {
		int pl = l.v[i].prefix ? (int)strlen(l.v[i].prefix) : (int)strlen("(root)");
		w = pl > w ? pl : w;
	}
	if (legend)
		printf("%-*s  %-40s  %-6s  %s\n", w, "PREFIX", "FINGERPRINT", "CONFIG", "USER IDS");
	for (size_t i = 0; i < l.n; i++) {
		const struct keystore_entry *en = &l.v[i];
		_cleanup_free_ char *uids = key_uids(&h, en->path);
		printf("%-*s  %-40s  %-6s  %s\n", w, en->prefix ? en->prefix : "(root)", en->fpr,
		       en->vendor ? "vendor" : "local", uids);
	}
	pgp_home_free(&h);
	keystore_list_free(&l);
	return 0;
}
