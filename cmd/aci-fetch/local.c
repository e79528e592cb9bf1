/* Local images: a path or a file:// URL, with PATH.asc (or --signature) beside it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "file.h"
#include "xalloc.h"

/* A detached signature is small; a bigger file is not one. */
#define SIG_MAX (1 << 20)

static bool file_match(const char *arg)
{
	return !strncmp(arg, "file://", 7) || !strstr(arg, "://");
}

/* A private copy of fd, unlinked, for an image someone else could rewrite
 * between verification and import. */
static int private_copy(int fd, const char *what, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/var/tmp";
	int out = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (out < 0)
		return err_sys(e, "%s: temporary copy in %s", what, tmp);
	for (;;) {
		ssize_t n = copy_file_range(fd, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			break;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		/* not supported across these files: copy by hand */
		char buf[65536];
		ssize_t r;
		while ((r = read(fd, buf, sizeof buf)) > 0)
			if (writeall(out, buf, (size_t)r) < 0)
				break;
		if (r != 0) {
			err_sys(e, "%s: temporary copy", what);
			close(out);
			return -1;
		}
		break;
	}
	return out;
}

static int file_fetch(const struct fetch_opts *o, const char *arg, const char *sig_path,
		      struct fetched *out, struct err *e)
{
	const char *path = strncmp(arg, "file://", 7) ? arg : arg + 7;
	struct stat st;
	memset(out, 0, sizeof *out);
	out->image_fd = -1;
	out->what = xstrdup(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, "%s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s: not a regular file", path);
	}
	/* Verification and import read the same open file. If another user
	 * could write to it, they could swap its contents in between: copy. */
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		int copy = private_copy(fd, path, e);
		close(fd);
		if (copy < 0)
			return -1;
		fd = copy;
	}
	out->image_fd = fd;
	if (o->insecure & INSECURE_IMAGE)
		return 0;
	out->sig_what = sig_path ? xstrdup(sig_path) : xasprintf("%s.asc", path);
	if (file_read(out->sig_what, SIG_MAX, &out->sig, &out->siglen, e) < 0) {
		if (e->errnum == ENOENT) { /* refused later, as not verified */
			out->sig = NULL;
			return 0;
		}
		return -1;
	}
	return 0;
}

const struct fetch_source fetch_source_file = {
    .name = "file",
    .match = file_match,
    .fetch = file_fetch,
};
