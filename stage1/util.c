/* Small helpers of stage1: string vectors, debug output, atomic files that
 * need no /dev/urandom (after the pivot there is none). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"
#include "xalloc.h"

bool s1_debug;

/* Debug lines carry the milliseconds since stage1 started. */
void s1_dbg(const char *fmt, ...)
{
	static struct timespec t0;
	struct timespec now;
	if (!s1_debug)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!t0.tv_sec)
		t0 = now;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "stage1: [%.3f] ",
		(double)(now.tv_sec - t0.tv_sec) * 1e3 + (double)(now.tv_nsec - t0.tv_nsec) / 1e6);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

size_t strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **strv_dup(char *const *v)
{
	if (!v)
		return NULL;
	size_t n = strv_len(v);
	char **r = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int s1_write_bytes(int dirfd, const char *name, const void *data, size_t len, bool sync,
		   struct err *e)
{
	/* The temp name is unique per process: only stage1 writes here. */
	_cleanup_free_ char *tmp = xasprintf("%s.tmp-%d", name, (int)getpid());
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_sys(e, "create %s", name);
	if (writeall(fd, data, len) < 0 || (sync && fsync(fd) < 0)) {
		err_sys(e, "write %s", name);
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	close(fd);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		err_sys(e, "rename to %s", name);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (sync) {
		_cleanup_free_ char *dir = xstrdup(name);
		char *slash = strrchr(dir, '/');
		int dfd = openat(dirfd, slash ? (*slash = '\0', dir) : ".",
				 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

int s1_write_file(int dirfd, const char *name, const char *text, bool sync, struct err *e)
{
	return s1_write_bytes(dirfd, name, text, strlen(text), sync, e);
}
