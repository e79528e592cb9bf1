#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int file_open_read(const char *path, struct err *e)
{
	int fd;
	struct stat st;
	if (strcmp(path, "-") == 0)
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, "%s", path);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(e, "%s: is a directory", path);
	}
	return fd;
}

int file_read_fd(int fd, size_t max, char **out, size_t *len, struct err *e)
{
	struct buf b = {0};
	char chunk[65536];
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			buf_free(&b);
			return err_sys(e, "read");
		}
		if (r == 0)
			break;
		if (max && b.len + (size_t)r > max) {
			buf_free(&b);
			return err_set(e, "larger than %zu bytes", max);
		}
		buf_add(&b, chunk, (size_t)r);
	}
	if (len)
		*len = b.len;
	*out = buf_steal(&b);
	return 0;
}

int file_read_at(int dirfd, const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	int fd = strcmp(path, "-") == 0 ? fcntl(0, F_DUPFD_CLOEXEC, 3)
					: openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, "%s", path);
	int r = file_read_fd(fd, max, out, len, e);
	close(fd);
	if (r < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

int file_read(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	return file_read_at(AT_FDCWD, path, max, out, len, e);
}

int writeall(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int file_tmp_open_at(int dirfd, const char *prefix, char *name_out, size_t name_sz, mode_t mode,
		     struct err *e)
{
	unsigned char rnd[8];
	for (int tries = 0; tries < 100; tries++) {
		int ufd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (ufd < 0 || read(ufd, rnd, sizeof rnd) != (ssize_t)sizeof rnd) {
			if (ufd >= 0)
				close(ufd);
			return err_sys(e, "/dev/urandom");
		}
		close(ufd);
		snprintf(name_out, name_sz, ".tmp-%s-%02x%02x%02x%02x%02x%02x%02x%02x",
			 prefix ? prefix : "f", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
			 rnd[6], rnd[7]);
		int fd = openat(dirfd, name_out, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return err_sys(e, "create %s", name_out);
	}
	return err_set(e, "cannot make a temporary file");
}

static int fsync_dir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

int file_tmp_commit_at(int dirfd, int fd, const char *tmpname, const char *finalname, struct err *e)
{
	if (fsync(fd) < 0) {
		err_sys(e, "fsync %s", finalname);
		unlinkat(dirfd, tmpname, 0);
		return -1;
	}
	if (renameat(dirfd, tmpname, dirfd, finalname) < 0) {
		err_sys(e, "rename to %s", finalname);
		unlinkat(dirfd, tmpname, 0);
		return -1;
	}
	if (fsync_dir(dirfd) < 0)
		return err_sys(e, "fsync directory of %s", finalname);
	return 0;
}

int file_write_atomic_at(int dirfd, const char *name, const void *data, size_t n, mode_t mode,
			 struct err *e)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(name, '/');
	int subfd = dirfd;
	const char *base = name;
	if (slash) { /* rename must stay in one directory: open the parent */
		char *dir = xstrndup(name, (size_t)(slash - name));
		subfd = openat(dirfd, *dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (subfd < 0)
			return err_sys(e, "%s", name);
		base = slash + 1;
	}
	int fd = file_tmp_open_at(subfd, base, tmp, sizeof tmp, mode, e);
	int r = -1;
	if (fd >= 0) {
		if (fchmod(fd, mode) < 0 || writeall(fd, data, n) < 0) {
			err_sys(e, "write %s", name);
			unlinkat(subfd, tmp, 0);
		} else {
			r = file_tmp_commit_at(subfd, fd, tmp, base, e);
		}
		close(fd);
	}
	if (subfd != dirfd)
		close(subfd);
	return r;
}

int file_write_atomic(const char *path, const void *data, size_t n, mode_t mode, struct err *e)
{
	return file_write_atomic_at(AT_FDCWD, path, data, n, mode, e);
}

int mkdir_p(const char *path, mode_t mode, struct err *e)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			err_sys(e, "mkdir %s", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = 0;
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		r = err_sys(e, "mkdir %s", p);
	free(p);
	return r;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)la, a, b);
}
