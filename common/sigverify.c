#include "sigverify.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "pgp.h"
#include "types.h"
#include "xalloc.h"

/* An armored public key is a few kB; anything this big is not one. */
#define KEY_FILE_MAX (1 << 20)

void sigverify_signer_free(struct sigverify_signer *s)
{
	free(s->fpr);
	for (size_t i = 0; i < s->nuids; i++)
		free(s->uids[i]);
	free(s->uids);
	memset(s, 0, sizeof *s);
}

/* Import one keystore file, which must hold exactly the key it is named for:
 * a file that smuggled in a second key would extend trust silently. */
static int import_key_file(struct pgp_home *h, const struct keystore_entry *en, struct err *e)
{
	_cleanup_free_ char *data = NULL;
	size_t n;
	struct pgp_keylist got = {0};
	if (file_read(en->path, KEY_FILE_MAX, &data, &n, e) < 0)
		return -1;
	if (pgp_import(h, data, n, &got, e) < 0)
		return err_wrap(e, "trusted key %s", en->path);
	int rc = 0;
	if (got.n != 1)
		rc = err_set(e, "trusted key %s: holds %zu keys, want one", en->path, got.n);
	else if (strcmp(got.v[0].fpr, en->fpr) != 0)
		rc = err_set(e, "trusted key %s: holds key %s, not the one it is named for",
			     en->path, got.v[0].fpr);
	pgp_keylist_free(&got);
	return rc;
}

/* The signer is not among the keys trusted for name: say whether some other
 * prefix trusts it, which is the mistake people make, or nobody does. */
static int explain_unknown(const struct keystore *ks, const char *name, const char *sigfpr,
			   struct err *e)
{
	struct keystore_list all;
	struct pgp_home h;
	struct pgp_key k;
	struct err ignore;
	_cleanup_free_ char *want = xasprintf("aci-trust --prefix=%s", name);
	if (keystore_list_all(ks, &all, &ignore) < 0 || pgp_home_new(&h, &ignore) < 0) {
		if (all.v)
			keystore_list_free(&all);
		return err_set(e, "signed by unknown key %s (trust it with %s)", sigfpr, want);
	}
	for (size_t i = 0; i < all.n; i++)
		import_key_file(&h, &all.v[i], &ignore); /* best effort: a diagnosis */
	int found = pgp_key_get(&h, sigfpr, &k, &ignore);
	pgp_home_free(&h);
	if (found == 0) {
		struct buf where = {0};
		for (size_t i = 0; i < all.n; i++)
			if (!strcmp(all.v[i].fpr, k.fpr) && all.v[i].prefix)
				buf_printf(&where, "%s\"%s\"", where.len ? ", " : "",
					   all.v[i].prefix);
		err_set(e, "signed by key %s, which is trusted only for prefix %s, not for \"%s\"",
			k.fpr, where.len ? where.data : "(none)", name);
		buf_free(&where);
		pgp_key_free(&k);
	} else {
		err_set(e,
			"signed by unknown key %s: no trusted key for \"%s\" (trust one with %s)",
			sigfpr, name, want);
	}
	keystore_list_free(&all);
	return -1;
}

static char *lower(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* Why a signature is not good, or 0 when it is. */
static int judge(struct pgp_home *h, const struct keystore *ks, const char *name,
		 gpgme_signature_t s, struct err *e)
{
	/* gpg names the key of a bad signature by key ID only: show the
	 * fingerprint the keystore uses when the key is here. */
	struct pgp_key k;
	struct err ignore;
	_cleanup_free_ char *fpr = NULL;
	if (s->fpr && pgp_key_get(h, s->fpr, &k, &ignore) == 0) {
		fpr = k.fpr;
		k.fpr = NULL;
		pgp_key_free(&k);
	} else {
		fpr = lower(s->fpr ? s->fpr : "?");
	}
	gpgme_sigsum_t sum = s->summary;
	gpg_err_code_t code = gpg_err_code(s->status);
	if (code == GPG_ERR_NO_PUBKEY || (sum & GPGME_SIGSUM_KEY_MISSING))
		return explain_unknown(ks, name, fpr, e);
	if (code == GPG_ERR_BAD_SIGNATURE || (sum & GPGME_SIGSUM_RED))
		return err_set(e, "bad signature by key %s: the image or its signature was altered",
			       fpr);
	if (code == GPG_ERR_CERT_REVOKED || (sum & GPGME_SIGSUM_KEY_REVOKED))
		return err_set(e, "signing key %s has been revoked", fpr);
	if (code == GPG_ERR_KEY_EXPIRED || (sum & GPGME_SIGSUM_KEY_EXPIRED))
		return err_set(e, "signing key %s has expired", fpr);
	if (code == GPG_ERR_SIG_EXPIRED || (sum & GPGME_SIGSUM_SIG_EXPIRED))
		return err_set(e, "signature by key %s has expired", fpr);
	if (s->wrong_key_usage)
		return err_set(e, "key %s is not meant for signing", fpr);
	/* gpg's own validity (the web of trust) is not asked for, so summary
	 * has no VALID bit: the keyring itself is the trust. */
	if (code != GPG_ERR_NO_ERROR || (sum & ~(GPGME_SIGSUM_VALID | GPGME_SIGSUM_GREEN)))
		return err_set(e, "signature by key %s not valid: %s (summary %#x)", fpr,
			       gpgme_strerror(s->status), (unsigned)sum);
	return 0;
}

/* gpg failing to run is our failure; anything else gpg says about the data
 * (junk, a key, a truncated packet, "General error") means the signature is
 * not one, and is refused as such. */
static bool is_operational_error(gpg_err_code_t c)
{
	return c == GPG_ERR_INV_ENGINE || c == GPG_ERR_ENOMEM || c == GPG_ERR_NOT_SUPPORTED;
}

static int verify_in(struct pgp_home *h, const struct keystore *ks, const char *name,
		     const struct keystore_list *keys, int image_fd, const void *sig, size_t siglen,
		     struct sigverify_signer *out, bool *refused, struct err *e)
{
	gpgme_data_t sd = NULL, id = NULL;
	gpgme_error_t r;
	for (size_t i = 0; i < keys->n; i++)
		if (import_key_file(h, &keys->v[i], e) < 0)
			return -1;
	if (lseek(image_fd, 0, SEEK_SET) < 0)
		return err_sys(e, "rewind image");
	if ((r = gpgme_data_new_from_mem(&sd, sig, siglen, 0)) ||
	    (r = gpgme_data_new_from_fd(&id, image_fd))) {
		gpgme_data_release(sd);
		return err_set(e, "gpgme: %s", gpgme_strerror(r));
	}
	r = gpgme_op_verify(h->ctx, sd, id, NULL);
	gpgme_data_release(sd);
	gpgme_data_release(id);
	if (r) {
		*refused = !is_operational_error(gpg_err_code(r));
		if (*refused)
			return err_set(e,
				       "malformed signature: not a detached OpenPGP signature "
				       "(gpg: %s)",
				       gpgme_strerror(r));
		return err_set(e, "verifying: %s", gpgme_strerror(r));
	}
	gpgme_verify_result_t res = gpgme_op_verify_result(h->ctx);
	if (!res || !res->signatures) {
		*refused = true;
		return err_set(e, "malformed signature: no signature found in it");
	}
	/* Every signature must be good: a bad one beside a good one is tampering. */
	for (gpgme_signature_t s = res->signatures; s; s = s->next)
		if (judge(h, ks, name, s, e) < 0) {
			*refused = true;
			return -1;
		}
	struct pgp_key k;
	int found = pgp_key_get(h, res->signatures->fpr, &k, e);
	if (found != 0)
		return found < 0 ? -1 : err_set(e, "signer %s vanished", res->signatures->fpr);
	bool trusted = false;
	for (size_t i = 0; i < keys->n; i++)
		trusted = trusted || !strcmp(keys->v[i].fpr, k.fpr);
	if (!trusted) { /* cannot happen: only trusted keys were imported */
		pgp_key_free(&k);
		*refused = true;
		return err_set(e, "signer %s is not a trusted key", res->signatures->fpr);
	}
	out->fpr = k.fpr;
	out->uids = k.uids;
	out->nuids = k.nuids;
	k.fpr = NULL;
	k.uids = NULL;
	k.nuids = 0;
	pgp_key_free(&k);
	return 0;
}

int sigverify_image(const struct keystore *ks, const char *name, int image_fd, const void *sig,
		    size_t siglen, struct sigverify_signer *out, bool *refused, struct err *e)
{
	struct keystore_list keys;
	struct pgp_home h;
	*refused = false;
	memset(out, 0, sizeof *out);
	if (!ac_identifier_valid(name))
		return err_set(e, "image name \"%s\" is not an AC identifier", name);
	if (siglen == 0) {
		*refused = true;
		return err_set(e, "malformed signature: the signature file is empty");
	}
	if (keystore_list_for_name(ks, name, &keys, e) < 0)
		return -1;
	if (pgp_home_new(&h, e) < 0) {
		keystore_list_free(&keys);
		return -1;
	}
	int rc = verify_in(&h, ks, name, &keys, image_fd, sig, siglen, out, refused, e);
	pgp_home_free(&h);
	keystore_list_free(&keys);
	return rc;
}
