#include "pgp.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

/* No agent, no key servers. gpg's web of trust is not consulted either:
 * which keys are trusted is the keystore's decision, made by choosing what is
 * imported into this home. (Not "trust-model always": with it, gpg 2.2 leaves
 * expired keys out of a key listing, and aci-trust must show them.) */
static const char gpg_conf[] = "no-autostart\n"
			       "no-auto-key-retrieve\n"
			       "no-auto-key-locate\n"
			       "no-greeting\n"
			       "no-permission-warning\n";

static int gpgme_ready(struct err *e)
{
	static int done;
	if (done)
		return 0;
	if (!gpgme_check_version(NULL))
		return err_set(e, "gpgme: library initialisation failed");
	gpgme_error_t r = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (r)
		return err_set(e, "gpgme: no usable gpg engine: %s", gpgme_strerror(r));
	done = 1;
	return 0;
}

int pgp_home_new(struct pgp_home *h, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	h->ctx = NULL;
	h->dir = xasprintf("%s/rkt-gpg-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (gpgme_ready(e) < 0) {
		free(h->dir);
		h->dir = NULL;
		return -1;
	}
	if (!mkdtemp(h->dir)) { /* mkdtemp makes it 0700 */
		err_sys(e, "create a temporary GNUPGHOME in %s", tmp && *tmp ? tmp : "/tmp");
		free(h->dir);
		h->dir = NULL;
		return -1;
	}
	_cleanup_free_ char *conf = path_join(h->dir, "gpg.conf");
	int fd = open(conf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || writeall(fd, gpg_conf, sizeof gpg_conf - 1) < 0) {
		err_sys(e, "%s", conf);
		if (fd >= 0)
			close(fd);
		pgp_home_free(h);
		return -1;
	}
	close(fd);
	gpgme_error_t r = gpgme_new(&h->ctx);
	if (!r)
		r = gpgme_ctx_set_engine_info(h->ctx, GPGME_PROTOCOL_OpenPGP, NULL, h->dir);
	if (r) {
		err_set(e, "gpgme: %s", gpgme_strerror(r));
		pgp_home_free(h);
		return -1;
	}
	gpgme_set_offline(h->ctx, 1);
	return 0;
}

void pgp_home_free(struct pgp_home *h)
{
	if (h->ctx)
		gpgme_release(h->ctx);
	h->ctx = NULL;
	if (h->dir) {
		struct err e;
		rm_tree(h->dir, &e); /* best effort: it only ever holds public keys */
		free(h->dir);
		h->dir = NULL;
	}
}

void pgp_key_free(struct pgp_key *k)
{
	free(k->fpr);
	for (size_t i = 0; i < k->nuids; i++)
		free(k->uids[i]);
	free(k->uids);
	for (size_t i = 0; i < k->nsubs; i++)
		free(k->subfprs[i]);
	free(k->subfprs);
	memset(k, 0, sizeof *k);
}

void pgp_keylist_free(struct pgp_keylist *l)
{
	for (size_t i = 0; i < l->n; i++)
		pgp_key_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *lower_dup(const char *s)
{
	char *r = xstrdup(s ? s : "");
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* User IDs come from whoever made the key and are shown on terminals:
 * control characters (an escape sequence could redraw the fingerprint
 * review) become '?'. */
static char *printable_dup(const char *s)
{
	char *r = xstrdup(s);
	for (unsigned char *p = (unsigned char *)r; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return r;
}

static void key_from_gpgme(gpgme_key_t k, struct pgp_key *out)
{
	memset(out, 0, sizeof *out);
	out->fpr = lower_dup(k->fpr ? k->fpr : (k->subkeys ? k->subkeys->fpr : ""));
	out->secret = k->secret;
	out->revoked = k->revoked;
	out->expired = k->expired;
	out->can_sign = k->can_sign;
	for (gpgme_user_id_t u = k->uids; u; u = u->next) {
		if (u->revoked || u->invalid || !u->uid)
			continue;
		out->uids = xreallocarray(out->uids, out->nuids + 1, sizeof *out->uids);
		out->uids[out->nuids++] = printable_dup(u->uid);
	}
	for (gpgme_subkey_t s = k->subkeys; s; s = s->next) {
		if (!s->fpr)
			continue;
		out->subfprs = xreallocarray(out->subfprs, out->nsubs + 1, sizeof *out->subfprs);
		out->subfprs[out->nsubs++] = lower_dup(s->fpr);
	}
}

static void keylist_push(struct pgp_keylist *l, gpgme_key_t k)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	key_from_gpgme(k, &l->v[l->n++]);
}

int pgp_keys_parse(struct pgp_home *h, const void *data, size_t n, struct pgp_keylist *out,
		   struct err *e)
{
	gpgme_data_t d;
	gpgme_key_t k;
	gpgme_error_t r = gpgme_data_new_from_mem(&d, data, n, 0);
	if (r)
		return err_set(e, "gpgme: %s", gpgme_strerror(r));
	out->v = NULL;
	out->n = 0;
	r = gpgme_op_keylist_from_data_start(h->ctx, d, 0);
	while (!r && !(r = gpgme_op_keylist_next(h->ctx, &k))) {
		keylist_push(out, k);
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(h->ctx);
	gpgme_data_release(d);
	if (gpg_err_code(r) != GPG_ERR_EOF) {
		pgp_keylist_free(out);
		return err_set(e, "reading OpenPGP keys: %s", gpgme_strerror(r));
	}
	return 0;
}

int pgp_import(struct pgp_home *h, const void *data, size_t n, struct pgp_keylist *fprs,
	       struct err *e)
{
	gpgme_data_t d;
	gpgme_error_t r = gpgme_data_new_from_mem(&d, data, n, 0);
	if (r)
		return err_set(e, "gpgme: %s", gpgme_strerror(r));
	r = gpgme_op_import(h->ctx, d);
	gpgme_data_release(d);
	if (r)
		return err_set(e, "importing OpenPGP keys: %s", gpgme_strerror(r));
	gpgme_import_result_t res = gpgme_op_import_result(h->ctx);
	if (!res || res->considered == 0)
		return err_set(e, "no OpenPGP key found");
	if (res->secret_read > 0)
		return err_set(e, "holds a secret key (give the public key: gpg --armor --export)");
	if (res->not_imported > 0)
		return err_set(e, "%d of %d keys could not be imported", res->not_imported,
			       res->considered);
	for (gpgme_import_status_t s = res->imports; fprs && s; s = s->next) {
		if (s->result || !s->fpr)
			return err_set(e, "importing key %s: %s", s->fpr ? s->fpr : "?",
				       gpgme_strerror(s->result));
		fprs->v = xreallocarray(fprs->v, fprs->n + 1, sizeof *fprs->v);
		memset(&fprs->v[fprs->n], 0, sizeof *fprs->v);
		fprs->v[fprs->n++].fpr = lower_dup(s->fpr);
	}
	return 0;
}

int pgp_export_armored(struct pgp_home *h, const char *fpr, char **out, size_t *len, struct err *e)
{
	gpgme_data_t d;
	gpgme_error_t r = gpgme_data_new(&d);
	if (r)
		return err_set(e, "gpgme: %s", gpgme_strerror(r));
	gpgme_set_armor(h->ctx, 1);
	r = gpgme_op_export(h->ctx, fpr, 0, d);
	gpgme_set_armor(h->ctx, 0);
	if (r) {
		gpgme_data_release(d);
		return err_set(e, "exporting key %s: %s", fpr, gpgme_strerror(r));
	}
	size_t n = 0;
	char *p = gpgme_data_release_and_get_mem(d, &n);
	if (!p || n == 0) {
		gpgme_free(p);
		return err_set(e, "exporting key %s: nothing exported", fpr);
	}
	*out = xstrndup(p, n);
	*len = n;
	gpgme_free(p);
	return 0;
}

int pgp_key_get(struct pgp_home *h, const char *id, struct pgp_key *out, struct err *e)
{
	gpgme_key_t k;
	gpgme_error_t r = gpgme_get_key(h->ctx, id, &k, 0);
	if (gpg_err_code(r) == GPG_ERR_EOF)
		return 1;
	if (r)
		return err_set(e, "looking up key %s: %s", id, gpgme_strerror(r));
	key_from_gpgme(k, out);
	gpgme_key_unref(k);
	return 0;
}

char *pgp_fpr_pretty(const char *fpr)
{
	struct buf b = {0};
	for (size_t i = 0; fpr[i]; i++) {
		if (i && i % 4 == 0)
			buf_addc(&b, ' ');
		if (i && i % 20 == 0 && strlen(fpr) == 40)
			buf_addc(&b, ' '); /* as gpg prints it: two halves */
		buf_addc(&b, (char)toupper((unsigned char)fpr[i]));
	}
	return buf_steal(&b);
}

bool pgp_fpr_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != 40 && n != 64)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	return true;
}
