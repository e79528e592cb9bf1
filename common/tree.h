/* The tree store: images rendered with their dependencies (spec/ace.md,
 * "Filesystem Setup") under cas/tree/<key>/, and their checksums.
 *
 * cas/tree/<key>/
 *   rootfs/    the rendered filesystem
 *   manifest   the image's manifest
 *   deps       the image IDs that went in, one a line, in render order
 *              (the image first, then its dependencies depth-first)
 *   checksum   "xxh3-128:<32 hex>\n", see tree_checksum_at
 * A tree is built in cas/tree/.tmp-tree-* and renamed to <key> whole, so a
 * visible tree is always complete. */
#ifndef RKT_TREE_H
#define RKT_TREE_H

#include <stddef.h>

#include "err.h"

#define TREE_SUM_SIZE (9 + 32 + 1) /* "xxh3-128:" + hex + NUL */

/* XXH3-128 over the tree at dirfd/name, visited in sorted order (byte-wise
 * by name, depth first): for each entry its relative path, type and mode,
 * owner, and its symlink target, device number or file contents. Times are
 * left out: they are not part of an image. Never follows symlinks. */
int tree_checksum_at(int dirfd, const char *name, char out[TREE_SUM_SIZE], struct err *e);

/* Check the stored tree cas/tree/<key> (treefd is cas/tree): 0 intact,
 * 1 corrupt with the reason in why, -1 on error. */
int tree_check(int treefd, const char *key, char *why, size_t whysz, struct err *e);

#endif
