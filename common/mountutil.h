/* Mount table helpers for cleaning up after pods. */
#ifndef RKT_MOUNTUTIL_H
#define RKT_MOUNTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Mount points at or under path (canonical), from /proc/self/mountinfo,
 * deepest first (so they can be unmounted in order). */
int mounts_under(const char *path, char ***out, size_t *n, struct err *e);
void mounts_free(char **m, size_t n);

/* Detach every mount at or under path, deepest first. Returns -1 if any
 * remains mounted (the error names it). */
int umount_under(const char *path, struct err *e);

#endif
