/* Whole-file I/O and crash-safe writes. */
#ifndef RKT_FILE_H
#define RKT_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Open for reading; "-" is stdin (dup'd, so closing is safe). Refuses
 * directories. O_CLOEXEC always. */
int file_open_read(const char *path, struct err *e);
/* Read all of fd (up to max bytes, 0 = no limit) into a NUL-terminated
 * malloc'd buffer. */
int file_read_fd(int fd, size_t max, char **out, size_t *len, struct err *e);
int file_read(const char *path, size_t max, char **out, size_t *len, struct err *e);
int file_read_at(int dirfd, const char *path, size_t max, char **out, size_t *len, struct err *e);
/* Write all bytes, looping on short writes and EINTR. */
int writeall(int fd, const void *p, size_t n);

/* Atomically replace dirfd/name with data: temp file in the same directory,
 * fsync, rename, fsync the directory. A crash leaves the old or the new. */
int file_write_atomic_at(int dirfd, const char *name, const void *data, size_t n, mode_t mode,
			 struct err *e);
int file_write_atomic(const char *path, const void *data, size_t n, mode_t mode, struct err *e);

/* A temp file beside the final name: open O_RDWR|O_CREAT|O_EXCL; the caller
 * writes, then file_tmp_commit (fsync + rename + dir fsync) or unlinks.
 * Temp names start with ".tmp-" so gc can sweep leftovers. */
int file_tmp_open_at(int dirfd, const char *prefix, char *name_out, size_t name_sz, mode_t mode,
		     struct err *e);
int file_tmp_commit_at(int dirfd, int fd, const char *tmpname, const char *finalname, struct err *e);

/* mkdir -p, absolute or relative to cwd; mode for created dirs. */
int mkdir_p(const char *path, mode_t mode, struct err *e);
/* Join two path parts with one slash (malloc'd). */
char *path_join(const char *a, const char *b);

/* Remove a tree under dirfd/name without following symlinks and without
 * crossing into another mount (such entries are reported, not touched).
 * ENOENT is success. */
int rm_tree_at(int dirfd, const char *name, struct err *e);
int rm_tree(const char *path, struct err *e);

#endif
