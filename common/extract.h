/* Safe extraction of an ACI (or of an uncompressed image tar from the store)
 * into a directory: the one extraction path of cas-store render/extract and
 * pod-prepare.
 *
 * Nothing is ever written outside the root: every parent directory is opened
 * with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV), so
 * symlinks met on the way resolve inside the root as they would in the
 * container, and the last component is created with *at() calls that never
 * follow it. Existing paths are replaced as spec/ace.md "Filesystem Setup"
 * asks: an existing file, link or directory of another type is removed (a
 * symlink to a directory is removed, not followed); an existing directory
 * meeting a directory entry is kept and its metadata updated. */
#ifndef RKT_EXTRACT_H
#define RKT_EXTRACT_H

#include <stddef.h>

#include "aci.h"
#include "err.h"

enum {
	EXTRACT_DEVICES = 1 << 0,   /* create device nodes; without it they are skipped */
	EXTRACT_OWNER = 1 << 1,	    /* chown to the archive's uid/gid (needs root) */
	EXTRACT_WHOLE = 1 << 2,	    /* the whole image (manifest + rootfs/), not just the rootfs */
	EXTRACT_NO_XATTRS = 1 << 3, /* do not restore extended attributes */
};

/* Called for every entry before it is extracted, with its path relative to
 * the root ("" is the root itself). Returns 0 to extract it as usual, 1 when
 * it handled (or wants to skip) the entry, -1 on error. The docker conversion
 * handles whiteouts here with extract_remove_at. */
typedef int (*extract_hook_fn)(void *ctx, int rootfd, const char *path, const struct aci_entry *ent,
			       struct err *e);

struct extract_opts {
	unsigned flags;
	/* pathWhitelist of spec/aci.md: absolute paths ("/bin/sh"); when
	 * n_whitelist > 0, only entries whose "/"-rooted path is listed are
	 * extracted (missing parent directories are created 0755). */
	const char *const *whitelist;
	size_t n_whitelist;
	extract_hook_fn hook;
	void *hook_ctx;
};

/* Extract every remaining entry of r into rootfd. Layout errors of the
 * archive stop the extraction; errors name the entry ("ENTRY: reason"). */
int extract_aci(struct aci_reader *r, int rootfd, const struct extract_opts *o, struct err *e);

/* Open the directory at path (relative, resolved inside rootfd) with
 * O_DIRECTORY; with create, missing directories are made 0755. "" is rootfd. */
int extract_open_dir(int rootfd, const char *path, int create, struct err *e);
/* Remove path (file, link or whole tree) inside rootfd without following a
 * final symlink; parents resolve inside the root. Missing is success. */
int extract_remove_at(int rootfd, const char *path, struct err *e);

#endif
