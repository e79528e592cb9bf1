/* Mounts: safe paths inside an app root, the app's rootfs (overlay or the
 * copy), the API filesystems, and the pivot into stage1's rootfs.
 * Every target inside an app root is resolved with openat2(RESOLVE_IN_ROOT)
 * and mounted through its fd, so a symlink in an image never points a mount
 * at the host. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"
#include "xalloc.h"

int root_open(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (uint64_t)flags | O_CLOEXEC,
	    .mode = (flags & O_CREAT) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	int fd;
	do
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

/* Walk path component by component, creating missing directories. */
int root_mkdir_p(int rootfd, const char *path, struct err *e)
{
	_cleanup_free_ char *p = xstrdup(path);
	int fd = root_open(rootfd, "/", O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return err_sys(e, "open root");
	for (char *c = p, *next; c && *c; c = next) {
		while (*c == '/')
			c++;
		if (!*c)
			break;
		next = strchr(c, '/');
		if (next)
			*next++ = '\0';
		if (!strcmp(c, "..") || !strcmp(c, ".")) {
			close(fd);
			return err_set(e, "%s: \".\" or \"..\" in path", path);
		}
		/* Resolve from the root each time so a symlinked component stays
		 * inside it. */
		/* p has NULs where the walked slashes were: copy bytes, then
		 * put the slashes back. */
		size_t plen = (size_t)(c - p) + strlen(c);
		char *prefix = xmalloc(plen + 1);
		memcpy(prefix, p, plen);
		prefix[plen] = '\0';
		for (char *q = prefix; q < prefix + (c - p); q++)
			if (!*q)
				*q = '/';
		int nfd = root_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
		if (nfd < 0 && errno == ENOENT) {
			/* A dangling symlink (its target is not in the root) is
			 * replaced by a directory, as ace.md says of files. */
			struct stat st;
			if (fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				unlinkat(fd, c, 0);
			if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
				free(prefix);
				close(fd);
				return err_sys(e, "mkdir %s", path);
			}
			nfd = root_open(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
		}
		if (nfd < 0) {
			err_sys(e, "%s", prefix);
			free(prefix);
			close(fd);
			return -1;
		}
		free(prefix);
		close(fd);
		fd = nfd;
	}
	return fd;
}

int root_mktarget(int rootfd, const char *path, bool dir, struct err *e)
{
	if (dir)
		return root_mkdir_p(rootfd, path, e);
	_cleanup_free_ char *parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	const char *base = slash ? slash + 1 : parent;
	if (!*base || !strcmp(base, "..") || !strcmp(base, "."))
		return err_set(e, "%s: not a file path", path);
	if (slash)
		*slash = '\0';
	int pfd = root_mkdir_p(rootfd, *parent ? parent : "/", e);
	if (pfd < 0)
		return -1;
	/* O_PATH of the parent is enough for *at calls. */
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		if (unlinkat(pfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0) {
			close(pfd);
			return err_sys(e, "%s: cannot replace with a file", path);
		}
	}
	int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd >= 0)
		close(fd);
	if (fd < 0 && errno != EISDIR) {
		close(pfd);
		return err_sys(e, "create %s", path);
	}
	fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	close(pfd);
	if (fd < 0)
		return err_sys(e, "%s", path);
	return fd;
}

int mount_fd(const char *src, int tfd, const char *type, unsigned long flags, const char *data)
{
	char t[64];
	snprintf(t, sizeof(t), "/proc/self/fd/%d", tfd);
	return mount(src, t, type, flags, data);
}

int remount_ro_fd(int tfd, bool rec, struct err *e)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (mount_setattr(tfd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr)) <
	    0)
		return err_sys(e, "remount read-only");
	return 0;
}

/* A bind mount made detached (open_tree), made read-only there, then
 * attached onto tfd: it is never visible writable. */
int bind_fd(int sfd, const char *src, int tfd, bool rec, bool ro, struct err *e)
{
	int tree = open_tree(sfd, sfd == AT_FDCWD ? src : "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0) |
				 (sfd == AT_FDCWD ? 0 : AT_EMPTY_PATH));
	if (tree < 0)
		return err_sys(e, "bind %s", src);
	/* nodev everywhere an app can write: CAP_MKNOD must not open disks */
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_NODEV | (ro ? MOUNT_ATTR_RDONLY : 0)};
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr)) <
	    0) {
		close(tree);
		return err_sys(e, "bind %s", src);
	}
	int r = move_mount(tree, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	close(tree);
	return r < 0 ? err_sys(e, "bind %s", src) : 0;
}

/* The kernel knobs under /proc are not namespaced: read-only for apps
 * (root in a pod could otherwise set core_pattern, sysrq ...). */
static int harden_proc(int rootfd, struct err *e)
{
	static const char *const ro[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
					 "/proc/bus"};
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		int fd = root_open(rootfd, ro[i], O_PATH | O_NOFOLLOW, 0);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return err_sys(e, "%s", ro[i]);
		int r = bind_fd(fd, ro[i], fd, true, true, e);
		close(fd);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* Overlay options are comma- and colon-separated: refuse paths that would
 * change their meaning. */
static int overlay_path_ok(const char *p)
{
	return !strpbrk(p, ",:\\");
}

int s1_setup_app_root(struct s1_pod *pod, struct s1_app *app, struct err *e)
{
	_cleanup_free_ char *target = xasprintf("stage1/rootfs/opt/stage2/%s/rootfs", app->name);
	int tfd = openat(AT_FDCWD, target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tfd < 0)
		return err_sys(e, "app %s: %s", app->name, target);
	if (app->lowerdir) {
		_cleanup_free_ char *upper = xasprintf("%s/apps/%s/upper", pod->path, app->name);
		_cleanup_free_ char *work = xasprintf("%s/apps/%s/work", pod->path, app->name);
		if (!overlay_path_ok(app->lowerdir) || !overlay_path_ok(upper)) {
			close(tfd);
			return err_set(e, "app %s: overlay paths must not contain ',' ':' or '\\'",
				       app->name);
		}
		/* volatile: no sync of the upper layer when the pod's mount
		 * namespace goes (an fsync of the whole host filesystem, tens of ms
		 * on every pod's exit), and fsync inside the rootfs is a no-op.
		 * The layer lives as long as the pod; what must last goes in a
		 * volume. Kernels before 5.10 lack it: mount without. */
		_cleanup_free_ char *opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,volatile",
						      app->lowerdir, upper, work);
		int r = mount_fd("overlay", tfd, "overlay", MS_NODEV, opts);
		if (r < 0 && errno == EINVAL) {
			*strrchr(opts, ',') = '\0';
			r = mount_fd("overlay", tfd, "overlay", MS_NODEV, opts);
		}
		if (r < 0) {
			err_sys(e, "app %s: overlay mount of %s", app->name, app->lowerdir);
			close(tfd);
			return -1;
		}
	} else if (mount_fd(target, tfd, NULL, MS_BIND, NULL) < 0) {
		/* Copy mode: bind the tree onto itself so it is a mount of its own
		 * (readOnlyRootFS remounts it). */
		err_sys(e, "app %s: bind %s", app->name, target);
		close(tfd);
		return -1;
	}
	close(tfd);

	/* From here on work on the new mount. */
	int rootfd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_sys(e, "app %s: %s", app->name, target);
	int r = -1, fd, devfd = -1;
	/* Device nodes in the image (or made by the app, which has CAP_MKNOD)
	 * never open: only /dev, read-only, holds usable ones. */
	struct mount_attr nodev = {.attr_set = MOUNT_ATTR_NODEV};
	if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &nodev, sizeof(nodev)) < 0) {
		err_sys(e, "nodev on the root");
		goto wrap;
	}

	if (s1_setup_etc(pod, app, rootfd, e) < 0)
		goto out;
	if ((fd = root_mkdir_p(rootfd, "/proc", e)) < 0)
		goto wrap;
	if (mount_fd("proc", fd, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		err_sys(e, "mount /proc");
		close(fd);
		goto wrap;
	}
	close(fd);
	if (harden_proc(rootfd, e) < 0)
		goto wrap;
	if ((fd = root_mkdir_p(rootfd, "/sys", e)) < 0)
		goto wrap;
	if (mount_fd("sysfs", fd, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) <
	    0) {
		/* sysfs can only be mounted afresh in a net namespace we own;
		 * with the host's network, bind the host's read-only. */
		if (bind_fd(AT_FDCWD, "/sys", fd, true, true, e) < 0) {
			close(fd);
			goto wrap;
		}
	}
	close(fd);
	if ((devfd = s1_setup_dev(pod, rootfd, e)) < 0)
		goto wrap;
	if (s1_setup_volumes(pod, app, rootfd, e) < 0)
		goto out;
	if (remount_ro_fd(devfd, false, e) < 0)
		goto wrap;
	if (app->readonly_rootfs && remount_ro_fd(rootfd, false, e) < 0)
		goto wrap;
	r = 0;
	goto out;
wrap:
	err_wrap(e, "app %s", app->name);
out:
	if (devfd >= 0)
		close(devfd);
	close(rootfd);
	return r;
}

/* Make stage1/rootfs the pod's root: it must be a mount point for
 * pivot_root, which was done (by binding it onto itself) before the app
 * roots were mounted under it. */
int s1_pivot(struct s1_pod *pod, struct err *e)
{
	(void)pod;
	if (chdir("stage1/rootfs") < 0)
		return err_sys(e, "chdir stage1/rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return err_sys(e, "pivot_root");
	/* The old root is now stacked on top of "/": detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		return err_sys(e, "detach the old root");
	if (chdir("/") < 0)
		return err_sys(e, "chdir /");
	return 0;
}
