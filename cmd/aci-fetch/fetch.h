/* aci-fetch's parts. Each source kind (a local file now; http(s), discovery
 * and docker:// later, one file each) turns an argument into a struct
 * fetched; fetch_verify_import() is the one place where a fetched image is
 * checked and enters the store. */
#ifndef ACI_FETCH_H
#define ACI_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keystore.h"
#include "opt.h"

/* --insecure-options, as rkt spells them. */
enum {
	INSECURE_IMAGE = 1 << 0, /* no signature verification */
	INSECURE_TLS = 1 << 1,
	INSECURE_ONDISK = 1 << 2,
	INSECURE_HTTP = 1 << 3,
	INSECURE_PUBKEY = 1 << 4,
	INSECURE_CAPABILITIES = 1 << 5,
	INSECURE_PATHS = 1 << 6,
	INSECURE_SECCOMP = 1 << 7,
};

/* Exit code when an image's signature is not verified (see aci-fetch(1)). */
#define EXIT_UNVERIFIED 3

struct authd;

struct fetch_opts {
	struct rkt_paths paths;
	struct keystore ks;
	unsigned insecure;
	/* network sources (http.c, discover.c, docker.c) */
	bool no_store;   /* --no-store: download even when the store has it */
	bool store_only; /* --store-only: never touch the network */
	bool debug;      /* --debug: HTTP exchanges on stderr, credentials redacted */
	struct authd *auth; /* auth.d, loaded once by main */
	int depth;          /* dependency recursion depth */
};

/* An image ready for verification: the bytes as fetched, and the detached
 * signature if one was found. */
struct fetched {
	int image_fd; /* seekable, read from offset 0; nobody else can write it */
	char *what;   /* the image's path or URL, for messages */
	char *name;   /* the name it was asked for (discovery), or NULL: the
		       * manifest must then carry that name */
	char *sig;    /* signature bytes, NULL when none was found */
	size_t siglen;
	char *sig_what; /* where the signature was (or was looked for) */
	/* Network sources: an image already in the store (an ETag/max-age cache
	 * hit, --store-only): no verification or import, this ID is the result. */
	char *stored_id;
	bool imported; /* stored_id was imported just now (streamed): after-import work is due */
	char *manifest; /* its manifest, when already read (streamed) */
	size_t manifest_len;
	/* What to remember in cas/remote/ once the image is imported. */
	char *cache_url, *cache_etag;
	long long cache_max_age;
};
void fetched_clear(struct fetched *f);

struct fetch_source {
	const char *name;
	/* Does this source handle arg? Asked in order; the first match wins. */
	bool (*match)(const char *arg);
	/* Get the image (and, unless INSECURE_IMAGE, its signature: sig_path
	 * when not NULL, else where the source finds it). A missing signature
	 * is not an error here; verification refuses it. Returns 0, -1, or an
	 * exit code (a source that verifies and imports as it downloads). */
	int (*fetch)(const struct fetch_opts *o, const char *arg, const char *sig_path,
		     struct fetched *out, struct err *e);
};

extern const struct fetch_source fetch_source_file;
extern const struct fetch_source fetch_source_http;       /* http.c */
extern const struct fetch_source fetch_source_docker;     /* docker.c */
extern const struct fetch_source fetch_source_name;       /* discover.c */
extern const struct fetch_source fetch_source_discovered; /* discover.c: --from-discovery */

/* Fetch, verify and import one image (aci-fetch.c); *id gets its ID.
 * Returns 0 or an exit code with e set. */
int fetch_ref(const struct fetch_opts *o, const struct fetch_source *src, const char *arg,
	      const char *sig, char **id, struct err *e);

/* After an image is in the store (remote.c): remember its URL in
 * cas/remote/, then fetch its dependencies. */
int fetch_after_import(const struct fetch_opts *o, struct fetched *f, const char *id,
		       struct err *e);

/* Verify f's signature for the name in its manifest (unless INSECURE_IMAGE),
 * then import it and fill id. Returns 0, or the exit code (1, or
 * EXIT_UNVERIFIED when the signature was not verified) with e set. */
int fetch_verify_import(const struct fetch_opts *o, struct fetched *f, char **id, struct err *e);

/* "what: signature verified:" and the signer's user IDs, on stderr. */
struct sigverify_signer;
void fetch_report_signer(const char *what, const struct sigverify_signer *who);

/* The "name" of an image manifest (malloc'd). */
int manifest_name(const char *json, size_t len, char **name, struct err *e);

/* Import the image on fd into the store at dir; *id is its image ID. */
int store_import(const char *dir, int fd, const char *what, char **id, struct err *e);

#endif
