#include "sigverify.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

/* Where the signer's key is trusted, for the message that refuses it:
 * another prefix (the mistake people make), or nowhere. */
static int explain_untrusted(const struct keystore_list *all, const char *name, const char *fpr,
			     struct err *e)
{
	_cleanup_free_ char *want = xasprintf("aci-trust --prefix=%s", name);
	struct buf where = {0};
	for (size_t i = 0; i < all->n; i++)
		if (!strcmp(all->v[i].fpr, fpr) && all->v[i].prefix)
			buf_printf(&where, "%s\"%s\"", where.len ? ", " : "", all->v[i].prefix);
	if (where.len)
		err_set(e, "signed by key %s, which is trusted only for prefix %s, not for \"%s\"",
			fpr, where.data, name);
	else
		err_set(e,
			"signed by unknown key %s: no trusted key for \"%s\" (trust one with %s)",
			fpr, name, want);
	buf_free(&where);
	return -1;
}

static char *lower(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* One signature as gpg's --status-fd reports it. */
struct sigstat {
	char *keyword; /* GOODSIG, BADSIG, ERRSIG, EXPSIG, EXPKEYSIG, REVKEYSIG */
	char *keyid;   /* the key ID or fingerprint gpg names it by */
	char *fpr;     /* VALIDSIG's primary key fingerprint (or ERRSIG's issuer), lowercase */
	int rc;	       /* ERRSIG's reason (9: no public key) */
};

struct sigverify_run {
	const struct keystore *ks;
	struct pgp_home h;
	struct keystore_list all; /* every trusted key, as imported into h */
	char **bad;		  /* per key of all: why it did not import, or NULL */
	pid_t pid;
	int status_fd;
};

static void sigstats_free(struct sigstat *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].keyword);
		free(v[i].keyid);
		free(v[i].fpr);
	}
	free(v);
}

/* "[GNUPG:] KEYWORD ARGS" lines -> one sigstat per signature; *nodata when
 * gpg found no signature in the data at all. */
static size_t parse_status(char *text, struct sigstat **out, bool *nodata)
{
	struct sigstat *v = NULL;
	size_t n = 0;
	bool open = false; /* a NEWSIG without its result yet */
	*nodata = false;
	for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[12] = {0}, *fs;
		size_t nf = 0;
		if (strncmp(l, "[GNUPG:] ", 9))
			continue;
		for (char *w = strtok_r(l + 9, " ", &fs); w && nf < 12;
		     w = strtok_r(NULL, " ", &fs))
			f[nf++] = w;
		if (!nf)
			continue;
		if (!strcmp(f[0], "NODATA") || !strcmp(f[0], "BADARMOR")) {
			*nodata = true;
		} else if (!strcmp(f[0], "NEWSIG")) {
			open = true;
		} else if (nf >= 2 && (!strcmp(f[0], "GOODSIG") || !strcmp(f[0], "BADSIG") ||
				       !strcmp(f[0], "ERRSIG") || !strcmp(f[0], "EXPSIG") ||
				       !strcmp(f[0], "EXPKEYSIG") || !strcmp(f[0], "REVKEYSIG"))) {
			if (!open || !n) {
				v = xreallocarray(v, n + 1, sizeof *v);
				memset(&v[n++], 0, sizeof *v);
			}
			open = false;
			struct sigstat *s = &v[n - 1];
			free(s->keyword);
			free(s->keyid);
			s->keyword = xstrdup(f[0]);
			s->keyid = xstrdup(f[1]);
			if (!strcmp(f[0], "ERRSIG")) {
				s->rc = f[6] ? atoi(f[6]) : 0;
				if (f[7] && strlen(f[7]) >= 40 && !s->fpr)
					s->fpr = lower(f[7]);
			}
		} else if (!strcmp(f[0], "VALIDSIG") && n && nf >= 2) {
			free(v[n - 1].fpr);
			v[n - 1].fpr = lower(f[nf >= 11 ? 10 : 1]);
		}
	}
	*out = v;
	return n;
}

/* The primary fingerprint of the key that made s, when it is in h. */
static char *signer_fpr(struct pgp_home *h, const struct sigstat *s)
{
	struct pgp_key k;
	struct err ignore;
	if (s->fpr && strcmp(s->keyword, "ERRSIG"))
		return xstrdup(s->fpr);
	if (pgp_key_get(h, s->fpr ? s->fpr : s->keyid, &k, &ignore) == 0) {
		char *f = k.fpr;
		k.fpr = NULL;
		pgp_key_free(&k);
		return f;
	}
	return NULL;
}

/* Why a signature is not good for name, or 0 when it is. */
static int judge(struct sigverify_run *r, const struct keystore_list *keys, const char *name,
		 const struct sigstat *s, struct err *e)
{
	_cleanup_free_ char *fpr = signer_fpr(&r->h, s);
	if (!fpr || (!strcmp(s->keyword, "ERRSIG") && s->rc == 9)) {
		_cleanup_free_ char *id = lower(s->fpr ? s->fpr : s->keyid);
		return explain_untrusted(&r->all, name, fpr ? fpr : id, e);
	}
	bool trusted = false;
	for (size_t i = 0; i < keys->n; i++)
		trusted = trusted || !strcmp(keys->v[i].fpr, fpr);
	if (!trusted)
		return explain_untrusted(&r->all, name, fpr, e);
	if (!strcmp(s->keyword, "BADSIG"))
		return err_set(e, "bad signature by key %s: the image or its signature was altered",
			       fpr);
	if (!strcmp(s->keyword, "REVKEYSIG"))
		return err_set(e, "signing key %s has been revoked", fpr);
	if (!strcmp(s->keyword, "EXPKEYSIG"))
		return err_set(e, "signing key %s has expired", fpr);
	if (!strcmp(s->keyword, "EXPSIG"))
		return err_set(e, "signature by key %s has expired", fpr);
	if (!strcmp(s->keyword, "ERRSIG"))
		return err_set(e, "signature by key %s not valid (gpg error %d)", fpr, s->rc);
	if (strcmp(s->keyword, "GOODSIG") || !s->fpr)
		return err_set(e, "signature by key %s not valid", fpr);
	return 0;
}

static void run_free(struct sigverify_run *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (r->status_fd >= 0)
		close(r->status_fd);
	pgp_home_free(&r->h);
	for (size_t i = 0; r->bad && i < r->all.n; i++)
		free(r->bad[i]);
	free(r->bad);
	keystore_list_free(&r->all);
	free(r);
}

void sigverify_cancel(struct sigverify_run *r)
{
	if (r)
		run_free(r);
}

/* gpg --verify SIG - with data_fd as its stdin and its status into a file. */
static int spawn_gpg(struct sigverify_run *r, const void *sig, size_t siglen, int data_fd,
		     struct err *e)
{
	_cleanup_free_ char *sigpath = path_join(r->h.dir, "image.sig");
	_cleanup_free_ char *stpath = path_join(r->h.dir, "status");
	if (file_write_atomic(sigpath, sig, siglen, 0600, e) < 0)
		return -1;
	r->status_fd = open(stpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (r->status_fd < 0 || null < 0) {
		if (null >= 0)
			close(null);
		return err_sys(e, "%s", stpath);
	}
	gpgme_engine_info_t eng = gpgme_ctx_get_engine_info(r->h.ctx);
	while (eng && eng->protocol != GPGME_PROTOCOL_OpenPGP)
		eng = eng->next;
	const char *gpg = eng && eng->file_name ? eng->file_name : "gpg";
	char *argv[] = {(char *)gpg, "--homedir", r->h.dir, "--batch", "--no-tty", "--status-fd",
			"3",	     "--verify",  "--",	    sigpath,   "-",	   NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, data_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, null, 1);
	posix_spawn_file_actions_adddup2(&fa, null, 2);
	posix_spawn_file_actions_adddup2(&fa, r->status_fd, 3);
	extern char **environ;
	int rc = posix_spawn(&r->pid, gpg, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(null);
	if (rc) {
		r->pid = 0;
		errno = rc;
		return err_sys(e, "run %s", gpg);
	}
	return 0;
}

int sigverify_start(const struct keystore *ks, const void *sig, size_t siglen, int data_fd,
		    struct sigverify_run **out, bool *refused, struct err *e)
{
	struct sigverify_run *r = xcalloc(1, sizeof *r);
	struct err ignore;
	*refused = false;
	*out = NULL;
	r->status_fd = -1;
	r->ks = ks;
	if (siglen == 0) {
		*refused = true;
		free(r);
		return err_set(e, "malformed signature: the signature file is empty");
	}
	if (keystore_list_all(ks, &r->all, e) < 0) {
		free(r);
		return -1;
	}
	if (pgp_home_new(&r->h, e) < 0) {
		keystore_list_free(&r->all);
		free(r);
		return -1;
	}
	/* Every trusted key, whatever its prefix: the image's name is not
	 * known before its manifest is read, which is while gpg runs. Which
	 * of them may sign the image is decided by sigverify_finish. */
	r->bad = xcalloc(r->all.n + 1, sizeof *r->bad);
	for (size_t i = 0; i < r->all.n; i++)
		if (import_key_file(&r->h, &r->all.v[i], &ignore) < 0)
			r->bad[i] = xstrdup(ignore.msg);
	if (spawn_gpg(r, sig, siglen, data_fd, e) < 0) {
		run_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* The keys trusted for name must each import cleanly: a key file that
 * holds another key than it is named for is an error, as it always was. */
static int check_name_keys(struct sigverify_run *r, const struct keystore_list *keys, struct err *e)
{
	for (size_t i = 0; i < keys->n; i++)
		for (size_t k = 0; k < r->all.n; k++)
			if (r->bad[k] && !strcmp(r->all.v[k].path, keys->v[i].path))
				return err_set(e, "%s", r->bad[k]);
	return 0;
}

static int wait_gpg(struct sigverify_run *r, int *status, struct err *e)
{
	pid_t pid = r->pid;
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return err_sys(e, "wait for gpg");
	r->pid = 0;
	if (WIFSIGNALED(*status))
		return err_set(e, "gpg killed by signal %d", WTERMSIG(*status));
	if (WEXITSTATUS(*status) == 127)
		return err_set(e, "gpg could not be run");
	return 0;
}

static int signer_out(struct sigverify_run *r, const char *fpr, struct sigverify_signer *out,
		      struct err *e)
{
	struct pgp_key k;
	int found = pgp_key_get(&r->h, fpr, &k, e);
	if (found != 0)
		return found < 0 ? -1 : err_set(e, "signer %s vanished", fpr);
	out->fpr = k.fpr;
	out->uids = k.uids;
	out->nuids = k.nuids;
	k.fpr = NULL;
	k.uids = NULL;
	k.nuids = 0;
	pgp_key_free(&k);
	return 0;
}

static int finish(struct sigverify_run *r, const char *name, struct sigverify_signer *out,
		  bool *refused, struct err *e)
{
	struct keystore_list keys;
	struct sigstat *sigs = NULL;
	bool nodata;
	int status;
	if (!ac_identifier_valid(name))
		return err_set(e, "image name \"%s\" is not an AC identifier", name);
	if (wait_gpg(r, &status, e) < 0)
		return -1;
	_cleanup_free_ char *text = NULL;
	if (lseek(r->status_fd, 0, SEEK_SET) < 0 ||
	    file_read_fd(r->status_fd, 1 << 20, &text, NULL, e) < 0)
		return err_wrap(e, "gpg status");
	if (keystore_list_for_name(r->ks, name, &keys, e) < 0)
		return -1;
	int rc = check_name_keys(r, &keys, e);
	size_t n = rc < 0 ? 0 : parse_status(text, &sigs, &nodata);
	if (rc == 0 && !n) {
		*refused = true;
		rc = err_set(e, "malformed signature: %s",
			     nodata ? "not a detached OpenPGP signature"
				    : "no signature found in it");
	}
	/* Every signature must be good: a bad one beside a good one is tampering. */
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (judge(r, &keys, name, &sigs[i], e) < 0) {
			*refused = true;
			rc = -1;
		}
	if (rc == 0)
		rc = signer_out(r, sigs[0].fpr, out, e);
	sigstats_free(sigs, n);
	keystore_list_free(&keys);
	return rc;
}

int sigverify_finish(struct sigverify_run *r, const char *name, struct sigverify_signer *out,
		     bool *refused, struct err *e)
{
	*refused = false;
	memset(out, 0, sizeof *out);
	int rc = finish(r, name, out, refused, e);
	run_free(r);
	return rc;
}

int sigverify_image(const struct keystore *ks, const char *name, int image_fd, const void *sig,
		    size_t siglen, struct sigverify_signer *out, bool *refused, struct err *e)
{
	struct sigverify_run *r;
	memset(out, 0, sizeof *out);
	if (lseek(image_fd, 0, SEEK_SET) < 0)
		return err_sys(e, "rewind image");
	if (sigverify_start(ks, sig, siglen, image_fd, &r, refused, e) < 0)
		return -1;
	return sigverify_finish(r, name, out, refused, e);
}
