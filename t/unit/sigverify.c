/* sigverify: real keys made by gpg in a scratch GNUPGHOME, checked through the
 * keystore layout. The expired, revoked and expired-signature cases are in
 * t/t3xxx (they need gpg's faked time and revocation certificates). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "keystore.h"
#include "pgp.h"
#include "sigverify.h"
#include "tap.h"
#include "xalloc.h"

static const char *tmp;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	_cleanup_free_ char *full =
	    xasprintf("cd %s && G='gpg --homedir %s/gnupg --batch --no-tty "
		      "--quiet --pinentry-mode loopback --passphrase=' && %s",
		      tmp, tmp, cmd);
	return system(full);
}

static char *slurp(const char *name, size_t *n)
{
	char *d = NULL;
	struct err e;
	_cleanup_free_ char *p = path_join(tmp, name);
	if (file_read(p, 0, &d, n, &e) < 0)
		printf("# %s\n", e.msg);
	return d;
}

static char *first_line(const char *name)
{
	size_t n;
	char *d = slurp(name, &n);
	if (d)
		d[strcspn(d, "\n")] = '\0';
	return d;
}

/* Verify image file img with signature file sig for name. */
static int check(struct keystore *ks, const char *name, const char *img, const char *sig,
		 bool *refused, struct sigverify_signer *who, struct err *e)
{
	size_t n;
	_cleanup_free_ char *s = slurp(sig, &n);
	_cleanup_free_ char *p = path_join(tmp, img);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	int rc = sigverify_image(ks, name, fd, s, s ? n : 0, who, refused, e);
	close(fd);
	return rc;
}

int main(void)
{
	char tmpl[] = "/tmp/rkt-unit-sigverify.XXXXXX";
	struct err e = {0};
	bool refused;
	struct sigverify_signer who;
	if (!mkdtemp(tmpl))
		return 1;
	tmp = tmpl;
	_cleanup_free_ char *sys = path_join(tmp, "usr"), *loc = path_join(tmp, "etc");
	struct keystore ks = {sys, loc};

	int r =
	    sh("mkdir -m 700 gnupg && "
	       "$G --quick-gen-key 'Alice <alice@example.com>' ed25519 sign never && "
	       "$G --quick-gen-key 'Mallory <mallory@example.com>' ed25519 sign never && "
	       "$G --with-colons -k alice@example.com | awk -F: '/^fpr/{print tolower($10);exit}'"
	       " >alice.fpr && "
	       "$G --with-colons -k mallory@example.com | awk -F: '/^fpr/{print tolower($10);exit}'"
	       " >mallory.fpr && "
	       "$G --armor --export alice@example.com >alice.pub && "
	       "$G --armor --export mallory@example.com >mallory.pub && "
	       "head -c 100000 /dev/urandom >img.aci && "
	       "$G -u alice@example.com --armor --detach-sign -o img.aci.asc img.aci && "
	       "$G -u alice@example.com --detach-sign -o img.aci.sig img.aci && "
	       "$G -u mallory@example.com --armor --detach-sign -o img.aci.mal img.aci && "
	       "cp img.aci bad.aci && printf x | dd of=bad.aci bs=1 seek=500 conv=notrunc "
	       "2>/dev/null && "
	       "echo 'not a signature' >junk.asc && : >empty.asc; "
	       "gpgconf --homedir gnupg --kill gpg-agent");
	is_int(r, 0, "gpg made the keys and signatures");
	_cleanup_free_ char *alice = first_line("alice.fpr"), *mallory = first_line("mallory.fpr");
	size_t n;
	_cleanup_free_ char *apub = slurp("alice.pub", &n);
	char *path;

	is_int(check(&ks, "example.com/app", "img.aci", "img.aci.asc", &refused, &who, &e), -1,
	       "empty keystore: refused");
	ok(refused && strstr(e.msg, "unknown key"), "as an unknown key: %s", e.msg);

	is_int(keystore_store(&ks, "example.org", alice, apub, n, &path, &e), 0, "trust for .org");
	free(path);
	is_int(check(&ks, "example.com/app", "img.aci", "img.aci.asc", &refused, &who, &e), -1,
	       "key of another prefix: refused");
	ok(refused && strstr(e.msg, "trusted only for prefix \"example.org\""), "saying so: %s",
	   e.msg);

	is_int(keystore_store(&ks, "example.com", alice, apub, n, &path, &e), 0, "trust for .com");
	free(path);
	is_int(check(&ks, "example.com/app", "img.aci", "img.aci.asc", &refused, &who, &e), 0,
	       "key of a parent prefix: verified: %s", e.msg);
	is_str(who.fpr, alice, "signer fingerprint");
	ok(who.nuids == 1 && !strcmp(who.uids[0], "Alice <alice@example.com>"), "signer uid");
	sigverify_signer_free(&who);
	is_int(check(&ks, "example.com/app", "img.aci", "img.aci.sig", &refused, &who, &e), 0,
	       "binary signature verified too");
	sigverify_signer_free(&who);

	is_int(check(&ks, "example.com/app", "bad.aci", "img.aci.asc", &refused, &who, &e), -1,
	       "tampered image refused");
	ok(refused && strstr(e.msg, "bad signature"), "as a bad signature: %s", e.msg);
	is_int(check(&ks, "example.com/app", "img.aci", "img.aci.mal", &refused, &who, &e), -1,
	       "untrusted signer refused");
	ok(refused && strstr(e.msg, mallory), "naming the key: %s", e.msg);
	is_int(check(&ks, "example.com/app", "img.aci", "junk.asc", &refused, &who, &e), -1,
	       "junk signature refused");
	ok(refused && strstr(e.msg, "malformed signature"), "as malformed: %s", e.msg);
	is_int(check(&ks, "example.com/app", "img.aci", "empty.asc", &refused, &who, &e), -1,
	       "empty signature refused");
	ok(refused, "refused, not failed");
	is_int(check(&ks, "Not/An/Id", "img.aci", "img.aci.asc", &refused, &who, &e), -1,
	       "invalid name");
	ok(!refused, "is an error, not a refusal");

	/* a key file holding another key than its name says is not trusted */
	_cleanup_free_ char *mpub = slurp("mallory.pub", &n);
	_cleanup_free_ char *liar = xasprintf("%s/trustedkeys/root.d/%s", loc, alice);
	struct err e2;
	_cleanup_free_ char *ldir = xasprintf("%s/trustedkeys/root.d", loc);
	mkdir_p(ldir, 0755, &e2);
	file_write_atomic(liar, mpub, n, 0644, &e2);
	is_int(check(&ks, "example.com/app", "img.aci", "img.aci.mal", &refused, &who, &e), -1,
	       "key file named for another key");
	ok(strstr(e.msg, "not the one it is named for") != NULL, "is reported: %s", e.msg);

	_cleanup_free_ char *pretty = pgp_fpr_pretty("0123456789abcdef0123456789abcdef01234567");
	is_str(pretty, "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567",
	       "fingerprint for people");
	ok(pgp_fpr_valid(alice), "a fingerprint is a keystore name");
	ok(!pgp_fpr_valid("0123456789ABCDEF0123456789ABCDEF01234567"), "upper case is not");
	ok(!pgp_fpr_valid("0123"), "a short key ID is not");
	ok(!pgp_fpr_valid(".tmp-f-0123456789abcdef0123456789abcd"), "a temp file is not");

	rm_tree(tmpl, &e);
	return done_testing();
}
