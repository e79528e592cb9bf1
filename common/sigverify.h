/* Image signature verification: a detached OpenPGP signature (armored, as
 * the spec asks, or binary) over the bytes of an ACI file as fetched, checked
 * against the keys the keystore trusts for the image's name. The keyring is
 * built in a private temp GNUPGHOME holding only keystore keys; gpg reads the
 * image itself (no copy through gpgme), and a signer is accepted only when
 * its key is trusted for the name. */
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

/* The same in two steps, so that gpg reads the image while it arrives:
 * sigverify_start runs gpg on sig over whatever data_fd yields until its
 * end (a pipe, or a file read from its current offset), with every key the
 * keystore trusts; sigverify_finish waits for it and judges the result for
 * name, the image's name, known by then. Both free run; sigverify_cancel
 * kills gpg and frees run when the image is given up. */
struct sigverify_run;
int sigverify_start(const struct keystore *ks, const void *sig, size_t siglen, int data_fd,
		    struct sigverify_run **run, bool *refused, struct err *e);
int sigverify_finish(struct sigverify_run *run, const char *name, struct sigverify_signer *out,
		     bool *refused, struct err *e);
void sigverify_cancel(struct sigverify_run *run);

#endif
