/* The tree store: checksums of rendered trees, and rendering (cas_render). */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <archive_entry.h>
#include <xxhash.h>

#include "aci.h"
#include "cas.h"
#include "digest.h"
#include "extract.h"
#include "file.h"
#include "imgref.h"
#include "lock.h"
#include "manifest.h"
#include "xalloc.h"

struct sum {
	XXH3_state_t *st;
	struct buf path; /* relative path of the entry being hashed */
	char *io;	 /* read buffer */
	struct err *e;
};

#define SUM_IO (1 << 20)

static void sum_u64(struct sum *s, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	XXH3_128bits_update(s->st, b, sizeof b);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the directory dfd (left open). */
static int dir_names(int dfd, char ***out, size_t *n, struct err *e)
{
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_sys(e, "opendir");
	}
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[cnt++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (cnt)
		xqsort(v, cnt, sizeof *v, cmp_names);
	*out = v;
	*n = cnt;
	return 0;
}

static int sum_entry(struct sum *s, int dirfd, const char *name);

static int sum_dir(struct sum *s, int dfd)
{
	char **names = NULL;
	size_t n = 0;
	if (dir_names(dfd, &names, &n, s->e) < 0) {
		close(dfd);
		return -1;
	}
	int r = 0;
	size_t base = s->path.len;
	for (size_t i = 0; i < n; i++) {
		if (r == 0) {
			s->path.len = base;
			if (base)
				buf_addc(&s->path, '/');
			buf_adds(&s->path, names[i]);
			r = sum_entry(s, dfd, names[i]);
		}
		free(names[i]);
	}
	s->path.len = base;
	s->path.data[base] = '\0';
	free(names);
	close(dfd);
	return r;
}

static int sum_file(struct sum *s, int fd)
{
	for (;;) {
		ssize_t n = read(fd, s->io, SUM_IO);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(s->e, "read %s", s->path.data);
		if (n == 0)
			return 0;
		XXH3_128bits_update(s->st, s->io, (size_t)n);
	}
}

/* Out of line so its 4 KiB buffer is not on every frame of the recursion
 * through sum_dir: a 2000-deep directory chain overflowed the stack. */
static __attribute__((noinline)) int sum_link(struct sum *s, int dirfd, const char *name)
{
	char target[4097];
	ssize_t n = readlinkat(dirfd, name, target, sizeof target);
	if (n < 0 || n == (ssize_t)sizeof target)
		return err_sys(s->e, "readlink %s", s->path.data);
	sum_u64(s, (uint64_t)n);
	XXH3_128bits_update(s->st, target, (size_t)n);
	return 0;
}

/* dirfd/name is the entry at s->path; its parent directory is dirfd. */
static int sum_entry(struct sum *s, int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(s->e, "stat %s", s->path.data);
	XXH3_128bits_update(s->st, s->path.data, s->path.len + 1); /* with its NUL */
	sum_u64(s, st.st_mode);
	sum_u64(s, st.st_uid);
	sum_u64(s, st.st_gid);
	if (S_ISLNK(st.st_mode)) {
		return sum_link(s, dirfd, name);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		sum_u64(s, major(st.st_rdev));
		sum_u64(s, minor(st.st_rdev));
	} else if (S_ISREG(st.st_mode)) {
		int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return err_sys(s->e, "open %s", s->path.data);
		sum_u64(s, (uint64_t)st.st_size);
		int r = sum_file(s, fd);
		close(fd);
		return r;
	} else if (S_ISDIR(st.st_mode)) {
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return err_sys(s->e, "open %s", s->path.data);
		return sum_dir(s, fd);
	}
	return 0;
}

int tree_checksum_at(int dirfd, const char *name, char out[TREE_SUM_SIZE], struct err *e)
{
	struct sum s = {.st = XXH3_createState(), .io = xmalloc(SUM_IO), .e = e};
	if (!s.st) {
		free(s.io);
		return err_set(e, "xxhash: out of memory");
	}
	XXH3_128bits_reset(s.st);
	buf_adds(&s.path, "");
	int r = sum_entry(&s, dirfd, name);
	if (r == 0) {
		XXH128_canonical_t c;
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s.st));
		memcpy(out, "xxh3-128:", 9);
		for (int i = 0; i < 16; i++)
			snprintf(out + 9 + 2 * i, 3, "%02x", c.digest[i]);
	}
	XXH3_freeState(s.st);
	buf_free(&s.path);
	free(s.io);
	return r;
}

int tree_check(int treefd, const char *key, char *why, size_t whysz, struct err *e)
{
	int kfd = openat(treefd, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (kfd < 0)
		return err_sys(e, "tree %s", key);
	char *stored = NULL, sum[TREE_SUM_SIZE];
	struct err ignore;
	int r;
	if (file_read_at(kfd, "checksum", 4096, &stored, NULL, &ignore) < 0) {
		snprintf(why, whysz, "no checksum file");
		r = 1;
	} else if (tree_checksum_at(kfd, "rootfs", sum, &ignore) < 0) {
		snprintf(why, whysz, "%s", ignore.msg);
		r = 1;
	} else if (strncmp(stored, sum, TREE_SUM_SIZE - 1) != 0 ||
		   (stored[TREE_SUM_SIZE - 1] != '\n' && stored[TREE_SUM_SIZE - 1] != '\0')) {
		snprintf(why, whysz, "checksum mismatch: stored %.*s, computed %s",
			 TREE_SUM_SIZE - 1, stored, sum);
		r = 1;
	} else {
		r = 0;
	}
	free(stored);
	close(kfd);
	return r;
}

/* ---- rendering -------------------------------------------------------- */

#define RENDER_MAX_LAYERS 256 /* a DAG may repeat images; bound the expansion */

struct layer {
	char id[CAS_ID_LEN + 1];
	struct image_manifest *m;
	int parent; /* index of the image depending on this one, -1 for the top */
};

struct render {
	struct cas *c;
	struct layer *v;
	size_t n;
	struct cas_image *all; /* the store's images, listed on first need */
	size_t nall;
	bool listed;
};

static int load_manifest(struct cas *c, const char *id, struct image_manifest **m, struct err *e)
{
	char *data;
	size_t len;
	struct errlist errs = {0};
	if (cas_read_manifest(c, id, &data, &len, e) < 0)
		return -1;
	int r = image_manifest_parse(data, len, m, &errs);
	free(data);
	if (r < 0) {
		err_set(e, "%s: stored manifest invalid: %s", id, errs.n ? errs.items[0] : "?");
		errlist_free(&errs);
	}
	return r;
}

static void dep_desc(struct buf *b, const struct dependency *d)
{
	buf_adds(b, d->image_name);
	for (size_t i = 0; i < d->labels.n; i++)
		buf_printf(b, "%s%s=%s", i ? "," : " (", d->labels.v[i].name, d->labels.v[i].value);
	if (d->labels.n)
		buf_addc(b, ')');
	if (d->image_id)
		buf_printf(b, " [%s]", d->image_id);
}

/* The image ID a dependency of `of` names: by imageID (which must be stored
 * and carry the name), else the newest image matching name and labels. */
static int resolve_dep(struct render *rd, const struct layer *of, const struct dependency *d,
		       char id[CAS_ID_LEN + 1], struct err *e)
{
	struct buf desc = {0};
	int r = 0;
	dep_desc(&desc, d);
	if (d->image_id) {
		struct cas_image img;
		if (cas_image_get(rd->c, d->image_id, &img, NULL) < 0) {
			r = err_set(e, "%s: dependency %s not found in the store", of->m->name,
				    desc.data);
			buf_free(&desc);
			return r;
		}
		if (strcmp(img.name, d->image_name) != 0)
			r = err_set(e, "%s: dependency %s: image %.*s... is named %s", of->m->name,
				    desc.data, 7 + 32, img.id, img.name);
		else
			memcpy(id, img.id, CAS_ID_LEN + 1);
		cas_image_clear(&img);
		buf_free(&desc);
		return r;
	}
	if (!rd->listed) {
		if (cas_list(rd->c, &rd->all, &rd->nall, e) < 0) {
			buf_free(&desc);
			return -1;
		}
		rd->listed = true;
	}
	struct kv *want = xcalloc(d->labels.n + 1, sizeof *want);
	for (size_t i = 0; i < d->labels.n; i++)
		want[i] = (struct kv){d->labels.v[i].name, d->labels.v[i].value};
	long best = -1;
	for (size_t i = 0; i < rd->nall; i++) {
		const struct cas_image *im = &rd->all[i];
		if (!imgref_match(im, d->image_name, want, d->labels.n))
			continue;
		if (best < 0 || im->imported.tv_sec > rd->all[best].imported.tv_sec ||
		    (im->imported.tv_sec == rd->all[best].imported.tv_sec &&
		     im->imported.tv_nsec > rd->all[best].imported.tv_nsec))
			best = (long)i;
	}
	free(want);
	if (best < 0)
		r = err_set(e, "%s: dependency %s not found in the store", of->m->name, desc.data);
	else
		memcpy(id, rd->all[best].id, CAS_ID_LEN + 1);
	buf_free(&desc);
	return r;
}

/* Append id and, depth first, its dependencies, last dependency first: the
 * list read backwards is the order of spec/ace.md (B, D, C, A for
 * A -> [B, C], C -> [D]). */
static int collect(struct render *rd, const char *id, int parent, struct err *e)
{
	for (int p = parent; p >= 0; p = rd->v[p].parent)
		if (!strcmp(rd->v[p].id, id)) {
			struct buf chain = {0};
			buf_printf(&chain, "%s", rd->v[p].m->name);
			for (int q = parent; q != p && q >= 0; q = rd->v[q].parent)
				buf_printf(&chain, " <- %s", rd->v[q].m->name);
			err_set(e, "dependency cycle: %s depends on itself (%s)", rd->v[p].m->name,
				chain.data);
			buf_free(&chain);
			return -1;
		}
	if (rd->n == RENDER_MAX_LAYERS)
		return err_set(e, "more than %d layers of dependencies", RENDER_MAX_LAYERS);
	struct image_manifest *m;
	if (load_manifest(rd->c, id, &m, e) < 0)
		return -1;
	rd->v = xreallocarray(rd->v, rd->n + 1, sizeof *rd->v);
	int self = (int)rd->n++;
	memcpy(rd->v[self].id, id, CAS_ID_LEN + 1);
	rd->v[self].m = m;
	rd->v[self].parent = parent;
	for (size_t i = m->n_dependencies; i-- > 0;) {
		char dep[CAS_ID_LEN + 1];
		if (resolve_dep(rd, &rd->v[self], &m->dependencies[i], dep, e) < 0 ||
		    collect(rd, dep, self, e) < 0)
			return -1;
	}
	return 0;
}

static void render_free(struct render *rd)
{
	for (size_t i = 0; i < rd->n; i++)
		image_manifest_free(rd->v[i].m);
	free(rd->v);
	if (rd->listed)
		cas_images_free(rd->all, rd->nall);
}

/* Tree key: the image ID alone, else a hash of every ID rendered. */
static char *tree_key(const struct render *rd, char **deps_text)
{
	struct buf b = {0};
	for (size_t i = 0; i < rd->n; i++)
		buf_printf(&b, "%s\n", rd->v[i].id);
	*deps_text = buf_steal(&b);
	if (rd->n == 1)
		return xstrdup(rd->v[0].id);
	unsigned char d[SHA512_LEN];
	char hex[SHA512_HEX_LEN + 1];
	sha512_buf(*deps_text, strlen(*deps_text), d);
	hex_encode(d, SHA512_LEN, hex);
	return xasprintf("deps-sha512-%s", hex);
}

/* Whether path (relative, "" = root) survives one pathWhitelist: listed,
 * or a directory on the way to a listed path. */
static bool wl_allows(const struct strlist *wl, const char *path, bool is_dir)
{
	size_t plen = strlen(path);
	for (size_t i = 0; i < wl->n; i++) {
		const char *w = wl->v[i];
		while (*w == '/')
			w++;
		size_t wlen = strlen(w);
		while (wlen && w[wlen - 1] == '/')
			wlen--;
		if (wlen == plen && !strncmp(w, path, plen))
			return true;
		if (is_dir && wlen > plen && !strncmp(w, path, plen) && w[plen] == '/')
			return true;
	}
	return false;
}

struct layer_ctx {
	const struct render *rd;
	int idx;
};

/* Each entry of a layer passes the pathWhitelist of its image and of every
 * image depending on it (spec/ace.md, "Filesystem Setup" 3). */
static int layer_hook(void *arg, int rootfd, const char *path, const struct aci_entry *ent,
		      struct err *e)
{
	(void)rootfd, (void)e;
	const struct layer_ctx *lc = arg;
	if (!*path)
		return 0;
	bool is_dir = archive_entry_filetype(ent->ae) == AE_IFDIR;
	for (int i = lc->idx; i >= 0; i = lc->rd->v[i].parent) {
		const struct strlist *wl = &lc->rd->v[i].m->path_whitelist;
		if (wl->n && !wl_allows(wl, path, is_dir))
			return 1;
	}
	return 0;
}

static int render_layers(const struct render *rd, int rootfd, struct err *e)
{
	struct extract_opts o = {.hook = layer_hook};
	if (geteuid() == 0)
		o.flags |= EXTRACT_OWNER | EXTRACT_DEVICES;
	for (size_t i = rd->n; i-- > 0;) {
		struct layer_ctx lc = {rd, (int)i};
		o.hook_ctx = &lc;
		int bfd = cas_open_blob(rd->c, rd->v[i].id, e);
		if (bfd < 0)
			return -1;
		struct aci_reader *r;
		int rc = aci_open_fd(bfd, ACI_TAR, -1, &r, e);
		if (rc == 0) {
			rc = extract_aci(r, rootfd, &o, e);
			aci_close(r);
		}
		close(bfd);
		if (rc < 0)
			return err_wrap(e, "render %s (%s)", rd->v[i].m->name, rd->v[i].id);
	}
	return 0;
}

/* Build the tree in a temp dir beside its final name, then rename it. */
static int render_build(const struct render *rd, int treefd, const char *key, const char *deps,
			struct err *e)
{
	char *tmpl = xasprintf("%s/cas/tree/.tmp-tree-XXXXXX", rd->c->dir);
	if (!mkdtemp(tmpl)) {
		err_sys(e, "%s", tmpl);
		free(tmpl);
		return -1;
	}
	const char *tmp = strrchr(tmpl, '/') + 1;
	int r = -1, tfd = -1, rootfd = -1;
	char *man = NULL, sum[TREE_SUM_SIZE + 1];
	size_t mlen;
	if ((tfd = openat(treefd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    mkdirat(tfd, "rootfs", 0755) < 0 ||
	    (rootfd = openat(tfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		err_sys(e, "%s", tmpl);
		goto out;
	}
	if (render_layers(rd, rootfd, e) < 0 ||
	    cas_read_manifest(rd->c, rd->v[0].id, &man, &mlen, e) < 0 ||
	    file_write_atomic_at(tfd, "manifest", man, mlen, 0644, e) < 0 ||
	    file_write_atomic_at(tfd, "deps", deps, strlen(deps), 0644, e) < 0 ||
	    tree_checksum_at(tfd, "rootfs", sum, e) < 0)
		goto out;
	strcat(sum, "\n");
	if (file_write_atomic_at(tfd, "checksum", sum, strlen(sum), 0644, e) < 0)
		goto out;
	if (renameat2(treefd, tmp, treefd, key, RENAME_NOREPLACE) < 0) {
		err_sys(e, "rename %s to %s", tmpl, key);
		goto out;
	}
	fsync(treefd);
	r = 0;
out:
	if (rootfd >= 0)
		close(rootfd);
	if (tfd >= 0)
		close(tfd);
	if (r < 0) {
		struct err ignore;
		rm_tree_at(treefd, tmp, &ignore);
	}
	free(man);
	free(tmpl);
	return r;
}

int cas_render_at(struct cas *c, const char *id, int rootfd, char **keyp, struct err *e)
{
	struct render rd = {.c = c};
	char *deps = NULL;
	int r = -1;
	if (collect(&rd, id, -1, e) == 0 && render_layers(&rd, rootfd, e) == 0) {
		*keyp = tree_key(&rd, &deps);
		for (size_t i = 0; i < rd.n; i++)
			cas_touch(c, rd.v[i].id);
		r = 0;
	}
	free(deps);
	render_free(&rd);
	return r;
}

static bool tree_present(int treefd, const char *key)
{
	char *p = xasprintf("%s/checksum", key);
	bool ok = faccessat(treefd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	free(p);
	return ok;
}

int cas_render(struct cas *c, const char *id, bool verify, char **keyp, char **rootfs,
	       struct err *e)
{
	struct render rd = {.c = c};
	char *deps = NULL, *key = NULL;
	int r = -1, lockfd = -1;
	int treefd = openat(c->casfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (treefd < 0)
		return err_sys(e, "%s/cas/tree", c->dir);
	if (collect(&rd, id, -1, e) < 0)
		goto out;
	key = tree_key(&rd, &deps);
	if (!tree_present(treefd, key)) {
		/* one renderer per key; the others wait and find it done */
		char *lk = xasprintf(".lock-%s", key);
		lockfd = lock_path_at(treefd, lk, LOCK_EXCL, 0, e);
		free(lk);
		if (lockfd < 0)
			goto out;
		if (!tree_present(treefd, key) && render_build(&rd, treefd, key, deps, e) < 0)
			goto out;
	} else if (verify) {
		char why[1200];
		int bad = tree_check(treefd, key, why, sizeof why, e);
		if (bad < 0)
			goto out;
		if (bad) {
			err_set(e, "tree %s is corrupt: %s (run cas-store verify)", key, why);
			goto out;
		}
	}
	for (size_t i = 0; i < rd.n; i++)
		cas_touch(c, rd.v[i].id);
	if (rootfs)
		*rootfs = xasprintf("%s/cas/tree/%s/rootfs", c->dir, key);
	if (keyp) {
		*keyp = key;
		key = NULL;
	}
	r = 0;
out:
	if (lockfd >= 0)
		close(lockfd);
	close(treefd);
	free(key);
	free(deps);
	render_free(&rd);
	return r;
}
