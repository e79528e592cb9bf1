/* An https/http image streamed into the store in one pass: as the bytes
 * arrive they go to gpg (the signature check, started on the signature
 * fetched first) and, through a pipe, to a thread running the store's
 * import (decompress, hash, check the layout, stage the blob). The staged
 * blob is linked into place only when the whole download succeeded and
 * the signature is verified for the name in the manifest; otherwise it is
 * removed, and nothing is stored. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cas.h"
#include "file.h"
#include "net.h"
#include "outq.h"
#include "sigverify.h"
#include "xalloc.h"

struct stream {
	const struct fetch_opts *o;
	struct fetched *f;
	struct cas c;
	int scan_r;	  /* the import thread's input */
	struct outq scan; /* its other end */
	struct outq gpg;  /* gpg's stdin; fd -1 when not verifying (or gpg quit) */
	/* gpg is made ready (keys imported) while the download starts */
	pthread_t gpg_th;
	bool gpg_pending; /* gpg_th runs, or was not joined yet */
	int gpg_ready;	  /* set by gpg_th when it is done */
	int gpg_fd;	  /* what it made: gpg's stdin, or -1 */
	struct sigverify_run *sv;
	int sig_code; /* a refusal known before the download (an empty signature) */
	struct err sig_err;
	bool scan_broken; /* the import stopped reading: its error is the one */
	int download_ok;  /* set before the import pipe is closed */
	/* the import thread's results */
	int rc, code;
	char id[CAS_ID_LEN + 1];
	struct err e;
};

static void gpg_join(struct stream *s)
{
	if (!s->gpg_pending)
		return;
	pthread_join(s->gpg_th, NULL);
	s->gpg_pending = false;
	if (s->gpg_fd >= 0)
		outq_attach(&s->gpg, s->gpg_fd);
	else
		outq_close(&s->gpg);
}

static int sink(void *ctx, const void *p, size_t n)
{
	struct stream *s = ctx;
	if (s->gpg_pending &&
	    (__atomic_load_n(&s->gpg_ready, __ATOMIC_ACQUIRE) || outq_queued(&s->gpg) > OUTQ_MAX))
		gpg_join(s);
	/* gpg stopped reading (a malformed signature): its finish says why */
	if (s->gpg.fd != -1 && outq_put(&s->gpg, p, n) < 0)
		outq_close(&s->gpg);
	if (outq_put(&s->scan, p, n) < 0) {
		s->scan_broken = true;
		return -1;
	}
	return 0;
}

static int verify(struct stream *s, const char *name, struct err *e)
{
	struct sigverify_signer who;
	bool refused;
	struct fetched *f = s->f;
	if (s->o->insecure & INSECURE_IMAGE) {
		warnx_("warning: %s (%s): signature not checked (--insecure-options=image)",
		       f->what, name);
		return 0;
	}
	if (s->sig_code) {
		s->code = s->sig_code;
		*e = s->sig_err;
		return err_wrap(e, "%s: signature %s not verified for \"%s\"", f->what, f->sig_what,
				name);
	}
	if (!s->sv) {
		s->code = EXIT_UNVERIFIED;
		return err_set(e,
			       "%s: no signature: %s not found (give it with --signature=FILE; "
			       "--insecure-options=image skips the check)",
			       f->what, f->sig_what ? f->sig_what : "?");
	}
	struct sigverify_run *sv = s->sv;
	s->sv = NULL;
	if (sigverify_finish(sv, name, &who, &refused, e) < 0) {
		s->code = refused ? EXIT_UNVERIFIED : EXIT_FAIL;
		return err_wrap(e, "%s: signature %s not verified for \"%s\"", f->what, f->sig_what,
				name);
	}
	fetch_report_signer(f->what, &who);
	sigverify_signer_free(&who);
	return 0;
}

/* The store's last word, in the import thread: the image is whole and
 * valid; is it the one we wanted, and signed? */
static int check(void *arg, const char *id, const char *manifest, size_t len, struct err *e)
{
	struct stream *s = arg;
	struct fetched *f = s->f;
	char junk[65536];
	(void)id;
	/* Read to the end (bytes after the archive, if any), so that the
	 * download is over and its result known. */
	while (read(s->scan_r, junk, sizeof junk) > 0)
		;
	if (!__atomic_load_n(&s->download_ok, __ATOMIC_ACQUIRE))
		return err_set(e, "%s: download failed", f->what);
	_cleanup_free_ char *name = NULL;
	if (manifest_name(manifest, len, &name, e) < 0)
		return err_wrap(e, "%s", f->what);
	if (f->name && strcmp(name, f->name) != 0) {
		s->code = EXIT_UNVERIFIED;
		return err_set(e, "%s: the image is named \"%s\", not \"%s\" as asked", f->what,
			       name, f->name);
	}
	if (verify(s, name, e) < 0)
		return -1;
	f->manifest = xmalloc(len + 1);
	memcpy(f->manifest, manifest, len + 1);
	f->manifest_len = len;
	return 0;
}

static void *import_thread(void *arg)
{
	struct stream *s = arg;
	s->rc = cas_import_fd_check(&s->c, s->scan_r, s->f->what, check, s, s->id, NULL, &s->e);
	/* a refusal sets its code; any other failure is 1 */
	if (s->rc < 0 && !s->code)
		s->code = EXIT_FAIL;
	/* a writer still sending gets EPIPE instead of waiting forever */
	close(s->scan_r);
	s->scan_r = -1;
	return NULL;
}

/* gpg_th: gpg started on a new pipe, whose write end goes to s->gpg_fd. */
static void *gpg_thread(void *arg)
{
	struct stream *s = arg;
	int p[2];
	bool refused;
	if (pipe2(p, O_CLOEXEC) < 0) {
		err_sys(&s->sig_err, "pipe");
		s->sig_code = EXIT_FAIL;
		__atomic_store_n(&s->gpg_ready, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	if (sigverify_start(&s->o->ks, s->f->sig, s->f->siglen, p[0], &s->sv, &refused,
			    &s->sig_err) < 0) {
		s->sig_code = refused ? EXIT_UNVERIFIED : EXIT_FAIL;
		close(p[1]);
	} else {
		s->gpg_fd = p[1];
	}
	close(p[0]);
	__atomic_store_n(&s->gpg_ready, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* gpg on a pipe we feed, when there is a signature to check; what arrives
 * before it is ready waits in s->gpg. */
static void start_gpg(struct stream *s)
{
	if ((s->o->insecure & INSECURE_IMAGE) || !s->f->sig)
		return;
	outq_init(&s->gpg, OUTQ_PENDING);
	s->gpg_pending = true;
	if (pthread_create(&s->gpg_th, NULL, gpg_thread, s) == 0)
		return;
	gpg_thread(s); /* no thread: do it now */
	s->gpg_pending = false;
	if (s->gpg_fd >= 0)
		outq_attach(&s->gpg, s->gpg_fd);
	else
		outq_close(&s->gpg);
}

/* Download url through s into the store: 0 imported (s->id), 1 not
 * modified (304), or -1 with s->code and e set. */
static int run(struct stream *s, const char *url, struct http_opts *h, struct http_resp *resp,
	       struct err *e)
{
	pthread_t th;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(e, "pipe");
	s->scan_r = p[0];
	outq_init(&s->scan, p[1]);
	start_gpg(s);
	int terr = pthread_create(&th, NULL, import_thread, s);
	if (terr) {
		close(p[0]);
		gpg_join(s);
		outq_close(&s->scan);
		outq_close(&s->gpg);
		sigverify_cancel(s->sv);
		s->code = EXIT_FAIL;
		errno = terr;
		return err_sys(e, "thread");
	}
	struct err de = {0};
	int rc = http_get_sink(url, sink, s, h, resp, &de);
	bool ok = rc == 0 && resp->status != 304;
	gpg_join(s);
	/* the rest to gpg first: the import thread waits for gpg once the
	 * image is read, so gpg must not wait for us */
	if (ok && s->gpg.fd >= 0 && outq_finish(&s->gpg) < 0)
		outq_close(&s->gpg);
	__atomic_store_n(&s->download_ok, ok, __ATOMIC_RELEASE);
	if (ok && outq_finish(&s->scan) < 0) {
		s->scan_broken = true;
		rc = err_sys(&de, "%s", url);
	}
	outq_close(&s->gpg);
	outq_close(&s->scan);
	pthread_join(th, NULL);
	sigverify_cancel(s->sv); /* not reached by the check: gpg is not needed */
	s->sv = NULL;
	if (rc == 0 && resp->status == 304)
		return 1;
	if (rc < 0 && !s->scan_broken) {
		*e = de;
		s->code = EXIT_FAIL;
		return -1;
	}
	if (s->rc < 0) {
		*e = s->e;
		return -1;
	}
	return 0;
}

int net_stream_image(const struct fetch_opts *o, const char *url, struct remote *r,
		     struct fetched *f, struct err *e)
{
	struct stream s = {.o = o, .f = f, .scan_r = -1, .gpg.fd = -1, .scan.fd = -1, .gpg_fd = -1};
	struct http_opts h;
	struct http_resp resp;
	char label[64];
	net_image_opts(o, url, r ? r->etag : NULL, label, &h);
	if (cas_open(&s.c, o->paths.dir, CAS_SHARED, e) < 0)
		return EXIT_FAIL;
	int rc = run(&s, url, &h, &resp, e);
	cas_close(&s.c);
	if (rc == 1) { /* not modified: the stored image stands */
		net_not_modified(o, url, r, &resp, f);
	} else if (rc == 0) {
		f->stored_id = xstrdup(s.id);
		f->imported = true;
		f->cache_url = xstrdup(url);
		f->cache_etag = resp.etag ? xstrdup(resp.etag) : NULL;
		f->cache_max_age = resp.max_age;
	}
	http_resp_free(&resp);
	return rc < 0 ? s.code : 0;
}
