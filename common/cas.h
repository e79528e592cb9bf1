/* The content-addressed image store and the tree store, under --dir:
 *
 *   cas/lock                                 flock: shared by every user of the store,
 *                                            exclusive by the sweeps (rm, gc)
 *   cas/blob/sha512/<2 hex>/sha512-<128 hex> the uncompressed image tar, mode 0444
 *   cas/manifest/sha512-<hex>                its image manifest, as in the tar
 *   cas/info/sha512-<hex>                    key=value lines: imported=, size=, name=,
 *                                            label=NAME=VALUE; written last at import, so an
 *                                            image exists iff its info file does. The file's
 *                                            mtime is the image's last-used time.
 *   cas/tree/<key>/{rootfs,manifest,deps,checksum}
 *                                            a rendered image; key = the image ID without
 *                                            dependencies, else "deps-sha512-<hex>" of the
 *                                            rendered IDs; deps lists them, checksum is the
 *                                            xxhash of rootfs (see tree.h)
 *   cas/tree/.lock-<key>                     flock held while <key> is rendered
 *   cas/quarantine/                          corrupt blobs and trees moved aside by verify
 *
 * Every write is a ".tmp-*" file or directory beside its final name, renamed
 * into place (RENAME_NOREPLACE where two writers may race): a kill -9 leaves
 * only temp entries, which list ignores and gc sweeps. */
#ifndef RKT_CAS_H
#define RKT_CAS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "types.h"

#define CAS_HEX_LEN 128
#define CAS_ID_LEN (7 + CAS_HEX_LEN) /* "sha512-" + hex */

enum cas_mode {
	CAS_SHARED,    /* import, render, read: any number at once */
	CAS_EXCLUSIVE, /* rm, gc: alone */
};

struct cas {
	int dirfd;  /* --dir */
	int casfd;  /* --dir/cas */
	int lockfd; /* cas/lock, held for the handle's life */
	char *dir;  /* --dir as given (absolute for printed paths) */
};

/* One stored image, as list and resolve see it. */
struct cas_image {
	char id[CAS_ID_LEN + 1];
	char *name;
	struct kv *labels;
	size_t nlabels;
	long long size; /* bytes of the uncompressed tar */
	struct timespec imported, last_used;
};

/* Open (creating the layout if missing) and lock the store at dir. The
 * lock is held until cas_close: a caller that must keep a rendered tree
 * from gc until it records the tree in a pod keeps the handle open. */
int cas_open(struct cas *c, const char *dir, enum cas_mode mode, struct err *e);
void cas_close(struct cas *c);

/* Is id well formed ("sha512-" + 128 lowercase hex)? */
bool cas_id_valid(const char *id);

/* Import an ACI (gzip, bzip2, xz or plain) read from fd in one pass. Fills
 * id; *existed (may be NULL) tells whether the image was already stored, in
 * which case nothing changed. */
int cas_import_fd(struct cas *c, int fd, const char *what, char id[CAS_ID_LEN + 1], bool *existed,
		  struct err *e);

/* The same, with a last word before anything enters the store: check is
 * called with the image's ID and manifest once the whole image is read and
 * found valid (staged, not yet stored); when it returns -1 (e set) nothing is
 * stored. aci-fetch checks the signature there. */
typedef int cas_import_check_fn(void *arg, const char *id, const char *manifest, size_t len,
				struct err *e);
int cas_import_fd_check(struct cas *c, int fd, const char *what, cas_import_check_fn *check,
			void *arg, char id[CAS_ID_LEN + 1], bool *existed, struct err *e);

/* All stored images, in no particular order. Images being imported or
 * removed concurrently are either listed whole or not at all. */
int cas_list(struct cas *c, struct cas_image **out, size_t *n, struct err *e);
/* One image by full ID; -1 with "image not found" when absent. */
int cas_image_get(struct cas *c, const char *id, struct cas_image *img, struct err *e);
void cas_image_clear(struct cas_image *img);
void cas_images_free(struct cas_image *imgs, size_t n);
/* The value of label name, or NULL. */
const char *cas_image_label(const struct cas_image *img, const char *name);

/* Resolve a reference: full ID, unambiguous ID prefix ("sha512-abc"), or
 * name[:version] matched with labels (os and arch default to the host's;
 * the newest import wins). Ambiguity and absence are errors naming the
 * candidates. */
int cas_resolve(struct cas *c, const char *ref, const struct kv *labels, size_t nlabels,
		char id[CAS_ID_LEN + 1], struct err *e);

/* The stored manifest bytes of id (NUL-terminated, malloc'd). */
int cas_read_manifest(struct cas *c, const char *id, char **data, size_t *len, struct err *e);
/* Open the stored tar of id for reading (O_CLOEXEC). */
int cas_open_blob(struct cas *c, const char *id, struct err *e);
/* Mark id used now (its last-used time). Errors are ignored: it is a hint. */
void cas_touch(struct cas *c, const char *id);

/* Remove an image (the store must be open CAS_EXCLUSIVE). Its rendered
 * trees stay until gc, since a pod may use them. */
int cas_rm(struct cas *c, const char *id, struct err *e);

/* Write the stored image as a gzip ACI to fd. */
int cas_export_fd(struct cas *c, const char *id, int fd, struct err *e);
/* Extract the stored image into dirfd (manifest + rootfs/, or only the
 * rootfs contents). The directory must be empty unless overwrite. */
int cas_extract_at(struct cas *c, const char *id, int dirfd, bool rootfs_only, bool overwrite,
		   struct err *e);

/* Render id with its dependencies into the tree store, once (a later call
 * is a lookup). key and rootfs (malloc'd, may be NULL) get the tree key and
 * the absolute rootfs path. verify re-checks the stored tree checksum. */
int cas_render(struct cas *c, const char *id, bool verify, char **key, char **rootfs,
	       struct err *e);

/* Render id with its dependencies straight into rootfd (an empty
 * directory), as cas_render builds a tree but without the tree store: the
 * copy a pod gets without overlayfs. key gets the tree key it would have. */
int cas_render_at(struct cas *c, const char *id, int rootfd, char **key, struct err *e);

/* Maintenance (cas-maint.c). */
struct cas_gc_opts {
	long long grace_ms; /* images unused this long are removed; < 0: keep all */
	bool dry_run;
	void (*report)(const char *what, const char *name, void *arg); /* each removal */
	void *arg;
};
int cas_gc(struct cas *c, const struct cas_gc_opts *o, struct err *e);

/* Re-hash every blob and tree; each corrupt one is reported and moved into
 * cas/quarantine/. Returns the number of corrupt entries, -1 on error. */
int cas_verify(struct cas *c,
	       void (*report)(const char *what, const char *name, const char *why, void *arg),
	       void *arg, struct err *e);

/* Internal helpers shared by cas*.c and tree.c. */
char *cas_blob_relpath(const char *id); /* "blob/sha512/ab/sha512-ab..." */
int cas_info_write(struct cas *c, const char *id, const char *name, const struct kv *labels,
		   size_t nlabels, long long size, struct err *e);
/* Write dir/name (relative to dirfd) through a temp file, fsync, and a
 * rename that never replaces: 0 written, 1 already there, -1 error. */
int cas_write_noreplace(int dirfd, const char *dir, const char *name, const void *data, size_t n,
			mode_t mode, struct err *e);

#endif
