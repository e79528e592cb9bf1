/* Adding keys: parse the source, refuse what is not a public key, review,
 * then store each key on its own, re-exported armored, under its fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "trust.h"
#include "xalloc.h"

#define KEY_SOURCE_MAX (1 << 20)

/* The local path a source names, or NULL with e set for what cannot be read yet. */
static const char *source_path(const struct trust_opts *o, const char *src, struct err *e)
{
	if (!strncmp(src, "file://", 7))
		return src + 7;
	if (!strncmp(src, "https://", 8) || !strncmp(src, "http://", 7)) {
		if (!strncmp(src, "http://", 7) && !o->allow_http) {
			err_set(e, "%s: refusing a key over plain http (--insecure-allow-http)",
				src);
			return NULL;
		}
		return NULL; /* not a path: trust_add fetches it */
	}
	if (strstr(src, "://")) {
		err_set(e, "%s: unsupported URL scheme", src);
		return NULL;
	}
	return src;
}

static int store_one(const struct trust_opts *o, struct pgp_home *h, const struct pgp_key *k,
		     struct err *e)
{
	_cleanup_free_ char *armored = NULL, *path = NULL;
	size_t n;
	if (pgp_export_armored(h, k->fpr, &armored, &n, e) < 0 ||
	    keystore_store(&o->ks, o->prefix, k->fpr, armored, n, &path, e) < 0)
		return -1;
	if (o->prefix)
		warnx_("added key %s for prefix \"%s\"", k->fpr, o->prefix);
	else
		warnx_("added root key %s", k->fpr);
	printf("%s\n", path);
	fflush(stdout);
	return 0;
}

static int add_keys(const struct trust_opts *o, struct pgp_home *h, const char *src,
		    const char *data, size_t n, int *declined, struct err *e)
{
	struct pgp_keylist keys = {0};
	if (pgp_keys_parse(h, data, n, &keys, e) < 0)
		return err_wrap(e, "%s", src);
	int rc = 0;
	if (keys.n == 0)
		rc = err_set(e, "%s: no OpenPGP public key in it", src);
	for (size_t i = 0; rc == 0 && i < keys.n; i++)
		if (keys.v[i].secret)
			rc = err_set(e,
				     "%s: holds the secret key %s; give the public key "
				     "(gpg --armor --export)",
				     src, keys.v[i].fpr);
	if (rc == 0 && pgp_import(h, data, n, NULL, e) < 0)
		rc = err_wrap(e, "%s", src);
	for (size_t i = 0; rc == 0 && i < keys.n; i++) {
		const struct pgp_key *k = &keys.v[i];
		/* Stored all the same: updating a key with its revocation is how
		 * the keystore learns of it. Verification refuses such keys. */
		if (k->revoked)
			warnx_("warning: %s: key %s has been revoked", src, k->fpr);
		else if (k->expired)
			warnx_("warning: %s: key %s has expired", src, k->fpr);
		if (!o->skip_review) {
			int yes = trust_review(k, o->prefix, src, e);
			if (yes < 0) {
				char why[sizeof e->msg];
				snprintf(why, sizeof why, "%s", e->msg);
				rc = err_set(e,
					     "%s: cannot review key %s without a terminal (%s); "
					     "check its fingerprint, then use "
					     "--skip-fingerprint-review",
					     src, k->fpr, why);
				break;
			}
			if (!yes) {
				warnx_("%s: key %s not trusted", src, k->fpr);
				(*declined)++;
				continue;
			}
		}
		rc = store_one(o, h, k, e);
	}
	pgp_keylist_free(&keys);
	return rc;
}

int trust_add(const struct trust_opts *o, const char *src, int *declined, struct err *e)
{
	const char *path = source_path(o, src, e);
	_cleanup_free_ char *data = NULL;
	size_t n;
	struct pgp_home h;
	if (!path && (strncmp(src, "https://", 8) && strncmp(src, "http://", 7)))
		return -1;
	if (!path && trust_fetch_url(o, src, &data, &n, e) < 0)
		return -1;
	if (path && file_read(path, KEY_SOURCE_MAX, &data, &n, e) < 0)
		return -1;
	if (n == 0)
		return err_set(e, "%s: empty file, no key in it", src);
	if (pgp_home_new(&h, e) < 0)
		return -1;
	int rc = add_keys(o, &h, src, data, n, declined, e);
	pgp_home_free(&h);
	return rc;
}
