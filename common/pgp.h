/* OpenPGP through gpgme, always in a private throw-away GNUPGHOME: the user's
 * ~/.gnupg is never read or written, and no gpg-agent or dirmngr is started
 * (only public keys are handled here). */
#ifndef RKT_PGP_H
#define RKT_PGP_H

#include <stdbool.h>
#include <stddef.h>

#include <gpgme.h>

#include "err.h"

/* A temp GNUPGHOME (mkdtemp, 0700) with a gpgme context bound to it. */
struct pgp_home {
	char *dir;
	gpgme_ctx_t ctx;
};
int pgp_home_new(struct pgp_home *h, struct err *e);
/* Release the context and remove the directory. */
void pgp_home_free(struct pgp_home *h);

struct pgp_key {
	char *fpr;   /* primary key fingerprint, lowercase hex (the keystore's file name) */
	char **uids; /* user IDs that are neither revoked nor invalid */
	size_t nuids;
	char **subfprs; /* every subkey fingerprint, lowercase, primary included */
	size_t nsubs;
	bool secret, revoked, expired, can_sign;
};
struct pgp_keylist {
	struct pgp_key *v;
	size_t n;
};
void pgp_keylist_free(struct pgp_keylist *l);
void pgp_key_free(struct pgp_key *k);

/* The keys in data (armored or binary), without importing them. */
int pgp_keys_parse(struct pgp_home *h, const void *data, size_t n, struct pgp_keylist *out,
		   struct err *e);
/* Import public keys; the fingerprints of the primary keys imported (lowercase)
 * are appended to fprs when it is not NULL. Secret key material is refused. */
int pgp_import(struct pgp_home *h, const void *data, size_t n, struct pgp_keylist *fprs,
	       struct err *e);
/* One imported key, by fingerprint, as an armored public key block. */
int pgp_export_armored(struct pgp_home *h, const char *fpr, char **out, size_t *len, struct err *e);
/* A key of the home's keyring by (sub)key fingerprint or key ID; 0 found, 1 not found. */
int pgp_key_get(struct pgp_home *h, const char *id, struct pgp_key *out, struct err *e);

/* "0123ABCD..." -> "0123 ABCD ... " in groups of four, for people to compare. */
char *pgp_fpr_pretty(const char *fpr);
/* Is s a fingerprint as the keystore names files (40 or 64 lowercase hex)? */
bool pgp_fpr_valid(const char *s);

#endif
