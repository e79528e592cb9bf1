/* Image signature verification: a detached OpenPGP signature (armored, as
 * the spec asks, or binary) over the bytes of an ACI file as fetched, checked
 * against the keys the keystore trusts for the image's name. The keyring is
 * built in a private temp GNUPGHOME holding only those keys. */
#ifndef RKT_SIGVERIFY_H
#define RKT_SIGVERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keystore.h"

struct sigverify_signer {
	char *fpr;   /* primary key fingerprint, lowercase hex */
	char **uids; /* its user IDs */
	size_t nuids;
};
void sigverify_signer_free(struct sigverify_signer *s);

/* Verify sig (siglen bytes) over everything in image_fd (read from offset 0)
 * for image name. 0: every signature in sig is good and made by a key trusted
 * for name; *out describes the signer. -1 otherwise, with the reason in e and
 * *refused set when the signature was examined and not accepted (unknown or
 * untrusted key, expired or revoked key, expired, bad or malformed signature),
 * clear for an operational failure (unreadable keystore, gpg not working). */
int sigverify_image(const struct keystore *ks, const char *name, int image_fd, const void *sig,
		    size_t siglen, struct sigverify_signer *out, bool *refused, struct err *e);

#endif
