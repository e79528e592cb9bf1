/* flock(2) locks: they die with the process, so a kill -9 never leaves a
 * store or pod locked. */
#ifndef RKT_LOCK_H
#define RKT_LOCK_H

#include "err.h"

enum lock_mode { LOCK_SHARED, LOCK_EXCL };

/* Open path (a file, created if missing, or a directory) and lock it.
 * nonblock: fail with errno EWOULDBLOCK instead of waiting. Returns the fd
 * holding the lock (O_CLOEXEC unless keep_on_exec), -1 on error. */
int lock_path(const char *path, enum lock_mode mode, int nonblock, struct err *e);
int lock_path_at(int dirfd, const char *path, enum lock_mode mode, int nonblock, struct err *e);
/* Lock an open fd. */
int lock_fd(int fd, enum lock_mode mode, int nonblock, struct err *e);
/* Is someone holding a lock on path? 1 yes, 0 no, -1 error. */
int lock_is_held_at(int dirfd, const char *path, struct err *e);

#endif
