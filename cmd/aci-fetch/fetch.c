/* The one gate: an image enters the store only after its signature is
 * verified for the name in its own manifest, unless the user said
 * --insecure-options=image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aci.h"
#include "fetch.h"
#include "sigverify.h"
#include "xalloc.h"

void fetched_clear(struct fetched *f)
{
	if (f->image_fd >= 0)
		close(f->image_fd);
	f->image_fd = -1;
	free(f->what);
	free(f->name);
	free(f->sig);
	free(f->sig_what);
	free(f->stored_id);
	free(f->cache_url);
	free(f->cache_etag);
	free(f->manifest);
	f->manifest = NULL;
	f->imported = false;
	f->what = f->name = f->sig = f->sig_what = NULL;
	f->stored_id = f->cache_url = f->cache_etag = NULL;
}

/* Read the image only as far as its manifest. */
static int image_name(struct fetched *f, char **name, struct err *e)
{
	struct aci_reader *r;
	struct aci_entry *ent;
	const char *m = NULL;
	size_t mlen = 0;
	int rc;
	if (lseek(f->image_fd, 0, SEEK_SET) < 0)
		return err_sys(e, "%s", f->what);
	if (aci_open_fd(f->image_fd, 0, -1, &r, e) < 0)
		return err_wrap(e, "%s", f->what);
	while ((rc = aci_next(r, &ent, e)) == 1 && !(m = aci_manifest(r, &mlen)))
		;
	if (rc < 0) {
		aci_close(r);
		return err_wrap(e, "%s: not a readable ACI", f->what);
	}
	rc = m ? manifest_name(m, mlen, name, e) : err_set(e, "no manifest in the image");
	aci_close(r);
	return rc < 0 ? err_wrap(e, "%s", f->what) : 0;
}

static int verify(const struct fetch_opts *o, struct fetched *f, const char *name, struct err *e)
{
	struct sigverify_signer who;
	bool refused;
	if (!f->sig) {
		err_set(e,
			"%s: no signature: %s not found (give it with --signature=FILE; "
			"--insecure-options=image skips the check)",
			f->what, f->sig_what ? f->sig_what : "?");
		return EXIT_UNVERIFIED;
	}
	if (sigverify_image(&o->ks, name, f->image_fd, f->sig, f->siglen, &who, &refused, e) < 0) {
		err_wrap(e, "%s: signature %s not verified for \"%s\"", f->what, f->sig_what, name);
		return refused ? EXIT_UNVERIFIED : EXIT_FAIL;
	}
	fetch_report_signer(f->what, &who);
	sigverify_signer_free(&who);
	return 0;
}

void fetch_report_signer(const char *what, const struct sigverify_signer *who)
{
	fprintf(stderr, "%s: %s: signature verified:\n", prog_name(), what);
	for (size_t i = 0; i < who->nuids; i++)
		fprintf(stderr, "  %s\n", who->uids[i]);
	if (!who->nuids)
		fprintf(stderr, "  key %s\n", who->fpr);
}

int fetch_verify_import(const struct fetch_opts *o, struct fetched *f, char **id, struct err *e)
{
	_cleanup_free_ char *name = NULL;
	if (image_name(f, &name, e) < 0)
		return EXIT_FAIL;
	/* spec/aci.md: an image found by discovery carries the name it was
	 * found under; else a signed image of one name could pose as another. */
	if (f->name && strcmp(name, f->name) != 0) {
		err_set(e, "%s: the image is named \"%s\", not \"%s\" as asked", f->what, name,
			f->name);
		return EXIT_UNVERIFIED;
	}
	if (o->insecure & INSECURE_IMAGE) {
		warnx_("warning: %s (%s): signature not checked (--insecure-options=image)",
		       f->what, name);
	} else {
		int code = verify(o, f, name, e);
		if (code)
			return code;
	}
	if (lseek(f->image_fd, 0, SEEK_SET) < 0) {
		err_sys(e, "%s", f->what);
		return EXIT_FAIL;
	}
	return store_import(o->paths.dir, f->image_fd, f->what, id, e) < 0 ? EXIT_FAIL : 0;
}
