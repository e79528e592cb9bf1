/* Deterministic tar writing (pax/ustar that tar(1) reads), compressed with
 * gzip, bzip2, xz or not at all: the same tree gives the same bytes.
 *
 * Entries are written in a fixed order (a directory's entries sorted by
 * name, bytes compared), times are whole seconds or pinned, xattrs sorted by
 * name, hard links found by inode become tar hard links to the first path in
 * that order, and the gzip header carries no time or name. */
#ifndef RKT_TARWRITE_H
#define RKT_TARWRITE_H

#include <stdbool.h>

#include "err.h"

enum tarw_compression { TARW_NONE, TARW_GZIP, TARW_BZIP2, TARW_XZ };

struct tarw_opts {
	enum tarw_compression compression;
	int level;	/* compression level; 0 = the default (gzip 6) */
	bool pin_mtime; /* every entry gets mtime instead of its own */
	long long mtime;
	bool owner_root; /* uid/gid 0 and no user/group names */
};

/* "gzip" "bzip2" "xz" "none" -> the enum; -1 if unknown. */
int tarw_compression_parse(const char *s);

struct tarw;

/* Start an archive written to outfd (not closed). */
struct tarw *tarw_open(int outfd, const struct tarw_opts *o, struct err *e);
/* Add dirfd/name as arcname: the entry itself, and for a directory its
 * whole tree in sorted order. Never follows symlinks. */
int tarw_add_tree(struct tarw *w, int dirfd, const char *name, const char *arcname, struct err *e);
/* Finish the archive (end blocks, compressor trailer) and free w. */
int tarw_close(struct tarw *w, struct err *e);
/* Give up: free w without finishing. */
void tarw_abort(struct tarw *w);

#endif
