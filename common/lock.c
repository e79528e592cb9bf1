#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int lock_fd(int fd, enum lock_mode mode, int nonblock, struct err *e)
{
	int op = (mode == LOCK_EXCL ? LOCK_EX : LOCK_SH) | (nonblock ? LOCK_NB : 0);
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		return err_sys(e, "lock");
	}
	return 0;
}

int lock_path_at(int dirfd, const char *path, enum lock_mode mode, int nonblock, struct err *e)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		fd = openat(dirfd, path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return err_sys(e, "%s", path);
	if (lock_fd(fd, mode, nonblock, e) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return err_wrap(e, "%s", path);
	}
	return fd;
}

int lock_path(const char *path, enum lock_mode mode, int nonblock, struct err *e)
{
	return lock_path_at(AT_FDCWD, path, mode, nonblock, e);
}

int lock_is_held_at(int dirfd, const char *path, struct err *e)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_sys(e, "%s", path);
	int r = 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			r = 1;
		else
			r = err_sys(e, "lock %s", path);
	}
	close(fd);
	return r;
}
