/* Deleting untrusted trees (pods, renders): an fd-relative walk that never
 * follows a symlink and never enters another mount (compared by mount ID, so
 * a bind mount of the same filesystem counts too). A host directory bound
 * into a pod is never touched even if unmounting it failed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

static int mnt_id_at(int dirfd, const char *name, int flags, unsigned long long *id, mode_t *mode)
{
	struct statx stx;
	if (statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MNT_ID, &stx) < 0)
		return -1;
	*id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	*mode = stx.stx_mode;
	return 0;
}

static int rm_at(int dirfd, const char *name, unsigned long long mnt, struct err *e);

static int rm_dir_contents(int dfd, unsigned long long mnt, struct err *e)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return err_sys(e, "opendir");
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rm_at(dirfd(d), de->d_name, mnt, e) < 0)
			r = -1; /* keep going: remove what can be removed */
	}
	closedir(d);
	return r;
}

static int rm_at(int dirfd, const char *name, unsigned long long mnt, struct err *e)
{
	unsigned long long id;
	mode_t mode;
	if (mnt_id_at(dirfd, name, 0, &id, &mode) < 0)
		return errno == ENOENT ? 0 : err_sys(e, "stat %s", name);
	if (id != mnt)
		return err_set(e, "%s: is a mount point, not removed", name);
	if (!S_ISDIR(mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return err_sys(e, "unlink %s", name);
		return 0;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "open %s", name);
	/* re-check on the fd: the entry may have been swapped for a mount */
	if (mnt_id_at(fd, "", AT_EMPTY_PATH, &id, &mode) < 0 || id != mnt) {
		close(fd);
		return err_set(e, "%s: is a mount point, not removed", name);
	}
	if (rm_dir_contents(fd, mnt, e) < 0)
		return err_wrap(e, "%s", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return err_sys(e, "rmdir %s", name);
	return 0;
}

int rm_tree_at(int dirfd, const char *name, struct err *e)
{
	unsigned long long id;
	mode_t mode;
	if (mnt_id_at(dirfd, name, 0, &id, &mode) < 0)
		return errno == ENOENT ? 0 : err_sys(e, "stat %s", name);
	return rm_at(dirfd, name, id, e);
}

int rm_tree(const char *path, struct err *e)
{
	return rm_tree_at(AT_FDCWD, path, e);
}
