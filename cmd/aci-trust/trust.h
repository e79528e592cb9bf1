/* aci-trust's parts: adding keys, reviewing them on the terminal, listing. */
#ifndef ACI_TRUST_H
#define ACI_TRUST_H

#include <stdbool.h>

#include "err.h"
#include "keystore.h"
#include "pgp.h"

struct trust_opts {
	struct keystore ks;
	const char *prefix; /* NULL: a root key */
	bool skip_review;
	bool allow_http;
};

/* Trust every public key in src (a file, file:// URL or "-"): review each,
 * store the accepted ones and print their paths. *declined counts the keys
 * the user said no to. */
int trust_add(const struct trust_opts *o, const char *src, int *declined, struct err *e);

/* An https (or, when allowed, http) key URL's bytes (fetchkey.c). */
int trust_fetch_url(const struct trust_opts *o, const char *url, char **data, size_t *n,
		    struct err *e);
/* --prefix with no key: discover the prefix's public keys and trust_add each. */
int trust_discover(const struct trust_opts *o, int *declined, struct err *e);

/* Ask on /dev/tty whether to trust k: 1 yes, 0 no, -1 no terminal. */
int trust_review(const struct pgp_key *k, const char *prefix, const char *src, struct err *e);

/* The effective keys, one a line: prefix, fingerprint, config, user IDs. */
int trust_list(const struct keystore *ks, bool legend, struct err *e);

#endif
