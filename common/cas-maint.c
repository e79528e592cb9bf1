/* Store maintenance: gc (sweeps, under the exclusive store lock) and verify
 * (re-hash everything, quarantine what is corrupt). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cas.h"
#include "digest.h"
#include "file.h"
#include "pod.h"
#include "tree.h"
#include "xalloc.h"

#define TMP_AGE_S 60 /* a temp file older than this belongs to a dead writer */

typedef int (*entry_fn)(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
			struct err *e);

/* Call fn for each entry of casfd/dir but "." and "..". */
static int each_entry(struct cas *c, const char *dir, entry_fn fn, void *arg, struct err *e)
{
	int fd = openat(c->casfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : err_sys(e, "%s/cas/%s", c->dir, dir);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_sys(e, "%s/cas/%s", c->dir, dir);
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d)) && r == 0) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = fn(c, dirfd(d), dir, de->d_name, arg, e);
	}
	closedir(d);
	return r;
}

static bool is_tmp(const char *name)
{
	return !strncmp(name, ".tmp-", 5);
}

static bool old_enough(int dfd, const char *name)
{
	struct stat st;
	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       time(NULL) - st.st_mtime >= TMP_AGE_S;
}

static bool image_exists(struct cas *c, const char *id)
{
	char path[16 + CAS_ID_LEN];
	snprintf(path, sizeof path, "info/%s", id);
	return faccessat(c->casfd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* ---- gc --------------------------------------------------------------- */

struct gc {
	const struct cas_gc_opts *o;
	char **keep; /* tree keys referenced by pods */
	size_t nkeep;
};

static void gc_report(struct gc *g, const char *what, const char *dir, const char *name)
{
	if (g->o->report) {
		char *full = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
		g->o->report(what, full, g->o->arg);
		free(full);
	}
}

static int gc_unlink(struct gc *g, int dfd, const char *what, const char *dir, const char *name,
		     struct err *e)
{
	gc_report(g, what, dir, name);
	if (g->o->dry_run)
		return 0;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return err_sys(e, "remove %s/%s", dir, name);
	return 0;
}

/* Leftover temp files, and files of images that are not (or no longer) there. */
static int gc_file(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
		   struct err *e)
{
	struct gc *g = arg;
	if (is_tmp(name))
		return old_enough(dfd, name) ? gc_unlink(g, dfd, "temp file", dir, name, e) : 0;
	if (cas_id_valid(name) && !image_exists(c, name))
		return gc_unlink(g, dfd,
				 strncmp(dir, "blob", 4) ? "orphan manifest" : "orphan blob", dir,
				 name, e);
	return 0;
}

static int gc_blob_dir(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
		       struct err *e)
{
	(void)dfd;
	if (is_tmp(name))
		return gc_file(c, dfd, dir, name, arg, e);
	char *sub = xasprintf("%s/%s", dir, name);
	int r = each_entry(c, sub, gc_file, arg, e);
	free(sub);
	return r;
}

/* The directory dfd/name; NULL with errno on failure. */
static DIR *opendir_at(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d && fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return d;
}

/* Read what a pod can reference: 0, or -1 when some of it could not be read
 * (then no tree is removed: one of them may be in use). */
static int gc_app_refs(struct gc *g, int podfd)
{
	DIR *apps = opendir_at(podfd, "apps");
	if (!apps)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	int r = 0;
	struct dirent *app;
	while ((app = readdir(apps))) {
		if (app->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/treeStoreID", app->d_name), *key;
		struct err e;
		if (file_read_at(dirfd(apps), p, 4096, &key, NULL, &e) == 0) {
			key[strcspn(key, "\n")] = '\0';
			g->keep = xreallocarray(g->keep, g->nkeep + 1, sizeof *g->keep);
			g->keep[g->nkeep++] = key;
		} else if (e.errnum != ENOENT) {
			r = -1;
		}
		free(p);
	}
	closedir(apps);
	return r;
}

/* Tree keys named by pods/<state>/<uuid>/apps/<app>/treeStoreID. A pod
 * moves between state dirs while we read (pod-run: prepared -> run), always
 * forward, so the states are read in that order: a pod that left a state
 * before we read it is in a later one, read later. (In readdir order, a
 * tmpfs lists run before prepared and a moving pod's trees were lost.) */
static int gc_pod_refs(struct cas *c, struct gc *g)
{
	int podsfd = openat(c->dirfd, "pods", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (podsfd < 0)
		return errno == ENOENT ? 0 : -1;
	int r = 0;
	struct dirent *pod;
	for (int s = 0; s < POD_NSTATES; s++) {
		DIR *pods = opendir_at(podsfd, pod_state_dir(s));
		if (!pods) {
			if (errno != ENOENT)
				r = -1;
			continue;
		}
		while ((pod = readdir(pods))) {
			if (pod->d_name[0] == '.')
				continue;
			int pfd = openat(dirfd(pods), pod->d_name,
					 O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (pfd < 0) {
				if (errno != ENOENT && errno != ENOTDIR)
					r = -1;
				continue;
			}
			if (gc_app_refs(g, pfd) < 0)
				r = -1;
			close(pfd);
		}
		closedir(pods);
	}
	close(podsfd);
	return r;
}

static int gc_tree(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
		   struct err *e)
{
	(void)c;
	struct gc *g = arg;
	if (!strncmp(name, ".lock-", 6)) /* no renderer runs: we hold the store alone */
		return g->o->dry_run ? 0 : (unlinkat(dfd, name, 0), 0);
	const char *what = "tree";
	if (is_tmp(name)) {
		if (!old_enough(dfd, name))
			return 0;
		what = "temp tree";
	} else {
		for (size_t i = 0; i < g->nkeep; i++)
			if (!strcmp(g->keep[i], name))
				return 0;
	}
	gc_report(g, what, dir, name);
	if (g->o->dry_run)
		return 0;
	if (rm_tree_at(dfd, name, e) < 0)
		return err_wrap(e, "remove %s/%s", dir, name);
	return 0;
}

int cas_gc(struct cas *c, const struct cas_gc_opts *o, struct err *e)
{
	struct gc g = {.o = o};
	int r = 0;
	if (o->grace_ms >= 0) {
		struct cas_image *imgs;
		size_t n;
		if (cas_list(c, &imgs, &n, e) < 0)
			return -1;
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		for (size_t i = 0; i < n && r == 0; i++) {
			long long idle = (now.tv_sec - imgs[i].last_used.tv_sec) * 1000LL +
					 (now.tv_nsec - imgs[i].last_used.tv_nsec) / 1000000;
			if (idle < o->grace_ms)
				continue;
			if (o->report)
				o->report("image", imgs[i].id, o->arg);
			if (!o->dry_run)
				r = cas_rm(c, imgs[i].id, e);
		}
		cas_images_free(imgs, n);
	}
	bool refs_known = gc_pod_refs(c, &g) == 0;
	if (r == 0)
		r = each_entry(c, "info", gc_file, &g, e);
	if (r == 0)
		r = each_entry(c, "manifest", gc_file, &g, e);
	if (r == 0)
		r = each_entry(c, "blob/sha512", gc_blob_dir, &g, e);
	if (r == 0 && refs_known)
		r = each_entry(c, "tree", gc_tree, &g, e);
	else if (r == 0)
		r = err_set(e, "%s/pods: cannot read every pod's treeStoreID; no tree removed",
			    c->dir);
	for (size_t i = 0; i < g.nkeep; i++)
		free(g.keep[i]);
	free(g.keep);
	return r;
}

/* ---- verify ----------------------------------------------------------- */

struct verify {
	void (*report)(const char *what, const char *name, const char *why, void *arg);
	void *arg;
	int bad;
};

/* Move casfd/rel into quarantine/<qname> (replacing an older one there). */
static int quarantine(struct cas *c, const char *rel, const char *qname, struct err *e)
{
	char *q = xasprintf("quarantine/%s", qname);
	int r = 0;
	if (renameat2(c->casfd, rel, c->casfd, q, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST && rm_tree_at(c->casfd, q, e) == 0 &&
		    renameat(c->casfd, rel, c->casfd, q) == 0)
			r = 0;
		else if (errno == ENOENT)
			r = 0; /* gone meanwhile */
		else
			r = err_sys(e, "quarantine %s/cas/%s", c->dir, rel);
	}
	free(q);
	return r;
}

static int verify_blob(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
		       struct err *e)
{
	struct verify *v = arg;
	if (!cas_id_valid(name))
		return 0;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : err_sys(e, "%s/cas/%s/%s", c->dir, dir, name);
	unsigned char d[SHA512_LEN];
	char got[IMAGE_ID_SIZE], why[IMAGE_ID_SIZE + 64];
	int r = sha512_fd(fd, d, e);
	close(fd);
	if (r < 0)
		return err_wrap(e, "%s/cas/%s/%s", c->dir, dir, name);
	image_id_format(d, got);
	if (!strcmp(got, name))
		return 0;
	v->bad++;
	snprintf(why, sizeof why, "contents hash to %.*s...", 7 + 32, got);
	v->report("blob", name, why, v->arg);
	/* the image is gone: info first, as rm does, then keep the evidence */
	char *rel = xasprintf("info/%s", name);
	unlinkat(c->casfd, rel, 0);
	free(rel);
	rel = xasprintf("%s/%s", dir, name);
	char *qm = xasprintf("%s.manifest", name), *man = xasprintf("manifest/%s", name);
	r = quarantine(c, rel, name, e);
	if (r == 0)
		r = quarantine(c, man, qm, e);
	free(rel);
	free(qm);
	free(man);
	return r;
}

static int verify_blob_dir(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
			   struct err *e)
{
	(void)dfd;
	if (is_tmp(name))
		return 0;
	char *sub = xasprintf("%s/%s", dir, name);
	int r = each_entry(c, sub, verify_blob, arg, e);
	free(sub);
	return r;
}

/* An image whose info exists must have its blob and manifest. */
static int verify_info(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
		       struct err *e)
{
	(void)dfd, (void)dir;
	struct verify *v = arg;
	if (!cas_id_valid(name))
		return 0;
	char *blob = cas_blob_relpath(name), *man = xasprintf("manifest/%s", name);
	const char *missing = faccessat(c->casfd, blob, F_OK, AT_SYMLINK_NOFOLLOW)  ? "blob"
			      : faccessat(c->casfd, man, F_OK, AT_SYMLINK_NOFOLLOW) ? "manifest"
										    : NULL;
	int r = 0;
	if (missing && image_exists(c, name)) {
		char why[64], *rel = xasprintf("info/%s", name), *q = xasprintf("%s.info", name);
		snprintf(why, sizeof why, "its %s is missing", missing);
		v->bad++;
		v->report("image", name, why, v->arg);
		r = quarantine(c, rel, q, e);
		free(rel);
		free(q);
	}
	free(blob);
	free(man);
	return r;
}

static int verify_tree(struct cas *c, int dfd, const char *dir, const char *name, void *arg,
		       struct err *e)
{
	(void)dir;
	struct verify *v = arg;
	char why[1200];
	if (name[0] == '.') /* temp trees and locks */
		return 0;
	int r = tree_check(dfd, name, why, sizeof why, e);
	if (r < 0 && e->errnum == ENOENT) /* quarantined by a concurrent verify */
		return 0;
	if (r <= 0)
		return r;
	v->bad++;
	v->report("tree", name, why, v->arg);
	char *rel = xasprintf("tree/%s", name), *q = xasprintf("tree-%s", name);
	r = quarantine(c, rel, q, e);
	free(rel);
	free(q);
	return r;
}

int cas_verify(struct cas *c,
	       void (*report)(const char *what, const char *name, const char *why, void *arg),
	       void *arg, struct err *e)
{
	struct verify v = {.report = report, .arg = arg};
	if (each_entry(c, "blob/sha512", verify_blob_dir, &v, e) < 0 ||
	    each_entry(c, "info", verify_info, &v, e) < 0 ||
	    each_entry(c, "tree", verify_tree, &v, e) < 0)
		return -1;
	return v.bad;
}
