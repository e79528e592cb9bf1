#include "extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd;
	do
		fd = syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
	while (fd < 0 && errno == EAGAIN); /* a rename raced the lookup */
	return (int)fd;
}

int extract_open_dir(int rootfd, const char *path, int create, struct err *e)
{
	int fd = openat2_in_root(rootfd, path, O_RDONLY | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT || !create) {
		if (fd < 0)
			err_sys(e, "open directory %s", *path ? path : ".");
		return fd;
	}
	/* Make the missing ones, each created in its parent as found inside
	 * the root (so a symlink on the way still resolves inside it). */
	_cleanup_free_ char *p = xstrdup(path);
	int pfd = openat2_in_root(rootfd, "", O_RDONLY | O_DIRECTORY);
	if (pfd < 0)
		return err_sys(e, "open root");
	for (char *c = p;;) {
		char *slash = strchr(c, '/');
		if (slash)
			*slash = '\0';
		int next = openat2_in_root(rootfd, p, O_RDONLY | O_DIRECTORY);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(pfd, c, 0755) < 0 && errno != EEXIST) {
				err_sys(e, "mkdir %s", p);
				close(pfd);
				return -1;
			}
			next = openat2_in_root(rootfd, p, O_RDONLY | O_DIRECTORY);
		}
		if (next < 0) {
			err_sys(e, "open directory %s", p);
			close(pfd);
			return -1;
		}
		close(pfd);
		pfd = next;
		if (!slash)
			return pfd;
		*slash = '/';
		c = slash + 1;
	}
}

/* Remove name in dirfd, whatever it is, never following it. */
static int remove_in(int dirfd, const char *name, struct err *e)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno == EISDIR || errno == EPERM)
		return rm_tree_at(dirfd, name, e);
	return err_sys(e, "remove %s", name);
}

static void split(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	*dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
	*base = slash ? slash + 1 : path;
}

int extract_remove_at(int rootfd, const char *path, struct err *e)
{
	char *dir;
	const char *base;
	split(path, &dir, &base);
	int pfd = openat2_in_root(rootfd, dir, O_RDONLY | O_DIRECTORY);
	int r = 0;
	if (pfd < 0)
		r = errno == ENOENT ? 0 : err_sys(e, "open directory %s", dir);
	else {
		r = remove_in(pfd, base, e);
		close(pfd);
	}
	free(dir);
	return r;
}

struct dirtime {
	char *path;
	struct timespec ts[2];
};

struct ex {
	struct aci_reader *r;
	int rootfd;
	const struct extract_opts *o;
	char **wl; /* sorted whitelist */
	size_t nwl;
	char *cache_dir; /* the parent directory last opened, and its fd */
	int cache_fd;
	struct dirtime *dirs;
	size_t ndirs, capdirs;
};

static void cache_drop(struct ex *x)
{
	if (x->cache_fd >= 0)
		close(x->cache_fd);
	x->cache_fd = -1;
	free(x->cache_dir);
	x->cache_dir = NULL;
}

/* Is p the cached directory or one of its ancestors? */
static int covers_cache(const struct ex *x, const char *p)
{
	if (!x->cache_dir)
		return 0;
	size_t n = strlen(p);
	return n == 0 || (!strncmp(x->cache_dir, p, n) &&
			  (x->cache_dir[n] == '\0' || x->cache_dir[n] == '/'));
}

static int parent_fd(struct ex *x, const char *dir, struct err *e)
{
	if (x->cache_dir && !strcmp(x->cache_dir, dir))
		return x->cache_fd;
	cache_drop(x);
	int fd = extract_open_dir(x->rootfd, dir, 1, e);
	if (fd < 0)
		return -1;
	x->cache_fd = fd;
	x->cache_dir = xstrdup(dir);
	return fd;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int whitelisted(const struct ex *x, const char *path)
{
	if (!x->nwl)
		return 1;
	char *key = xasprintf("/%s", path);
	int found = bsearch(&key, x->wl, x->nwl, sizeof *x->wl, cmpstr) != NULL;
	free(key);
	return found;
}

static void entry_times(struct archive_entry *ae, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(ae);
	ts[1].tv_nsec = archive_entry_mtime_nsec(ae);
	if (archive_entry_atime_is_set(ae)) {
		ts[0].tv_sec = archive_entry_atime(ae);
		ts[0].tv_nsec = archive_entry_atime_nsec(ae);
	} else
		ts[0] = ts[1];
}

static int set_xattrs(const struct ex *x, int fd, struct archive_entry *ae, struct err *e)
{
	const char *name;
	const void *val;
	size_t size;
	if (x->o->flags & EXTRACT_NO_XATTRS || archive_entry_xattr_reset(ae) == 0)
		return 0;
	while (archive_entry_xattr_next(ae, &name, &val, &size) == ARCHIVE_OK)
		if (fsetxattr(fd, name, val, size, 0) < 0 && errno != ENOTSUP)
			return err_sys(e, "set xattr %s", name);
	return 0;
}

/* Owner, mode (after chown, which clears set-id bits), xattrs on an fd. */
static int set_meta_fd(const struct ex *x, int fd, struct archive_entry *ae, struct err *e)
{
	if (x->o->flags & EXTRACT_OWNER &&
	    fchown(fd, (uid_t)archive_entry_uid(ae), (gid_t)archive_entry_gid(ae)) < 0)
		return err_sys(e, "chown");
	if (fchmod(fd, archive_entry_perm(ae)) < 0)
		return err_sys(e, "chmod");
	return set_xattrs(x, fd, ae, e);
}

static int write_data(struct ex *x, int fd, struct archive_entry *ae, struct err *e)
{
	const void *buf;
	size_t len;
	int64_t off, pos = 0;
	int rc;
	while ((rc = aci_data_block(x->r, &buf, &len, &off, e)) > 0) {
		if (off != pos && lseek(fd, off, SEEK_SET) < 0)
			return err_sys(e, "seek");
		if (writeall(fd, buf, len) < 0)
			return err_sys(e, "write");
		pos = off + (int64_t)len;
	}
	if (rc < 0)
		return -1;
	int64_t size = archive_entry_size(ae);
	if (size > pos && ftruncate(fd, size) < 0) /* a sparse file's final hole */
		return err_sys(e, "truncate");
	return 0;
}

static int do_file(struct ex *x, int pfd, const char *base, struct archive_entry *ae,
		   const char *data, size_t dlen, struct err *e)
{
	int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		if (remove_in(pfd, base, e) < 0)
			return -1;
		fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return err_sys(e, "create");
	int r = data ? (writeall(fd, data, dlen) < 0 ? err_sys(e, "write") : 0)
		     : write_data(x, fd, ae, e);
	struct timespec ts[2];
	entry_times(ae, ts);
	if (r == 0)
		r = set_meta_fd(x, fd, ae, e);
	if (r == 0 && futimens(fd, ts) < 0)
		r = err_sys(e, "set times");
	if (close(fd) < 0 && r == 0)
		r = err_sys(e, "close");
	return r;
}

static int do_dir(struct ex *x, int pfd, const char *path, const char *base,
		  struct archive_entry *ae, struct err *e)
{
	int fd;
	if (!*path)
		fd = openat(x->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else {
		if (mkdirat(pfd, base, 0700) < 0) {
			struct stat st;
			if (errno != EEXIST)
				return err_sys(e, "mkdir");
			if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
				return err_sys(e, "stat");
			if (!S_ISDIR(st.st_mode)) { /* a file, or a symlink (even to a dir) */
				if (covers_cache(x, path))
					cache_drop(x);
				if (remove_in(pfd, base, e) < 0)
					return -1;
				if (mkdirat(pfd, base, 0700) < 0)
					return err_sys(e, "mkdir");
			}
		}
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return err_sys(e, "open");
	int r = set_meta_fd(x, fd, ae, e);
	close(fd);
	if (r < 0)
		return -1;
	/* Times last: files created inside would change them again. */
	if (x->ndirs == x->capdirs) {
		x->capdirs = x->capdirs ? 2 * x->capdirs : 64;
		x->dirs = xreallocarray(x->dirs, x->capdirs, sizeof *x->dirs);
	}
	x->dirs[x->ndirs].path = xstrdup(path);
	entry_times(ae, x->dirs[x->ndirs].ts);
	x->ndirs++;
	return 0;
}

/* Create a non-regular, non-directory node, replacing what is there. */
static int make_node(int pfd, const char *base, const char *symlink, mode_t mode, dev_t dev,
		     struct err *e)
{
	for (int tries = 0;; tries++) {
		int r = symlink ? symlinkat(symlink, pfd, base) : mknodat(pfd, base, mode, dev);
		if (r == 0)
			return 0;
		if (errno != EEXIST || tries)
			return err_sys(e, symlink ? "symlink" : "mknod");
		if (remove_in(pfd, base, e) < 0)
			return -1;
	}
}

static int do_link(struct ex *x, int pfd, const char *base, const char *target, struct err *e)
{
	char *tdir;
	const char *tbase;
	split(target, &tdir, &tbase);
	int tfd = openat2_in_root(x->rootfd, tdir, O_RDONLY | O_DIRECTORY);
	free(tdir);
	if (tfd < 0)
		return err_sys(e, "hard link to %s", target);
	int r = 0;
	for (int tries = 0;; tries++) {
		if (linkat(tfd, tbase, pfd, base, 0) == 0)
			break;
		if (errno != EEXIST || tries) {
			r = err_sys(e, "hard link to %s", target);
			break;
		}
		if ((r = remove_in(pfd, base, e)) < 0)
			break;
	}
	close(tfd);
	return r;
}

static int do_other(struct ex *x, int pfd, const char *base, struct archive_entry *ae,
		    struct err *e)
{
	unsigned type = archive_entry_filetype(ae);
	const char *sl = type == AE_IFLNK ? archive_entry_symlink(ae) : NULL;
	if (type == AE_IFLNK && !sl)
		return err_set(e, "symlink without a target");
	if (make_node(pfd, base, sl, (mode_t)(type | archive_entry_perm(ae)),
		      archive_entry_rdev(ae), e) < 0)
		return -1;
	if (x->o->flags & EXTRACT_OWNER &&
	    fchownat(pfd, base, (uid_t)archive_entry_uid(ae), (gid_t)archive_entry_gid(ae),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(e, "chown");
	/* we just made it, so it is no symlink: the mode lands on the node */
	if (type != AE_IFLNK && fchmodat(pfd, base, archive_entry_perm(ae), 0) < 0)
		return err_sys(e, "chmod");
	struct timespec ts[2];
	entry_times(ae, ts);
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(e, "set times");
	return 0;
}

static int one_entry(struct ex *x, const struct aci_entry *ent, struct err *e)
{
	struct archive_entry *ae = ent->ae;
	int whole = x->o->flags & EXTRACT_WHOLE;
	const char *path = whole ? ent->path : ent->rootfs_path;
	const char *link = whole ? ent->hardlink : ent->hardlink_rootfs;
	unsigned type = archive_entry_filetype(ae);
	if (!path || !strcmp(path, "."))
		return 0; /* the manifest when extracting the rootfs, or "./" */
	if (x->o->hook) {
		int h = x->o->hook(x->o->hook_ctx, x->rootfd, path, ent, e);
		if (h != 0) {
			cache_drop(x); /* the hook may have changed the tree */
			return h < 0 ? -1 : 0;
		}
	}
	if (!whitelisted(x, path))
		return 0;
	if ((type == AE_IFCHR || type == AE_IFBLK) && !(x->o->flags & EXTRACT_DEVICES))
		return 0;
	if (type != AE_IFDIR && covers_cache(x, path))
		cache_drop(x);
	char *dir;
	const char *base;
	split(path, &dir, &base);
	int pfd = *path ? parent_fd(x, dir, e) : x->rootfd;
	free(dir);
	if (pfd < 0)
		return -1;
	size_t mlen;
	const char *m = whole && !strcmp(path, "manifest") ? aci_manifest(x->r, &mlen) : NULL;
	if (link)
		return do_link(x, pfd, base, link, e);
	switch (type) {
	case AE_IFREG:
		return do_file(x, pfd, base, ae, m, m ? mlen : 0, e);
	case AE_IFDIR:
		return do_dir(x, pfd, path, base, ae, e);
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return do_other(x, pfd, base, ae, e);
	}
	return err_set(e, "unsupported entry type");
}

static int fix_dir_times(struct ex *x, struct err *e)
{
	int r = 0;
	for (size_t i = x->ndirs; i-- > 0;) {
		struct dirtime *d = &x->dirs[i];
		int fd = openat2_in_root(x->rootfd, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (fd >= 0) { /* a later entry may have replaced it: then it is gone */
			if (futimens(fd, d->ts) < 0 && r == 0)
				r = err_sys(e, "%s: set times", *d->path ? d->path : ".");
			close(fd);
		}
	}
	return r;
}

int extract_aci(struct aci_reader *r, int rootfd, const struct extract_opts *o, struct err *e)
{
	struct extract_opts none = {0};
	struct ex x = {.r = r, .rootfd = rootfd, .o = o ? o : &none, .cache_fd = -1};
	if (x.o->n_whitelist) {
		x.wl = xcalloc(x.o->n_whitelist, sizeof *x.wl);
		for (size_t i = 0; i < x.o->n_whitelist; i++) {
			char *p = xstrdup(x.o->whitelist[i]);
			aci_path_clean(p);
			x.wl[x.nwl++] = p;
		}
		xqsort(x.wl, x.nwl, sizeof *x.wl, cmpstr);
	}
	struct aci_entry *ent;
	int rc;
	while ((rc = aci_next(r, &ent, e)) > 0) {
		if (ent->bad) {
			const struct errlist *l = aci_errors(r);
			rc = err_set(e, "%s", l->n ? l->items[l->n - 1] : "invalid entry");
			break;
		}
		if (one_entry(&x, ent, e) < 0) {
			err_wrap(e, "%s", ent->label);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && aci_errors(r)->n) /* missing manifest or rootfs */
		rc = err_set(e, "%s", aci_errors(r)->items[0]);
	if (rc == 0)
		rc = fix_dir_times(&x, e);
	cache_drop(&x);
	for (size_t i = 0; i < x.ndirs; i++)
		free(x.dirs[i].path);
	free(x.dirs);
	for (size_t i = 0; i < x.nwl; i++)
		free(x.wl[i]);
	free(x.wl);
	return rc < 0 ? -1 : 0;
}
