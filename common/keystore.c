#include "keystore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "pgp.h"
#include "types.h"
#include "xalloc.h"

/* Deep enough for any sensible prefix; stops a runaway walk. */
#define PREFIX_MAX_DEPTH 32

bool keystore_prefix_covers(const char *prefix, const char *name)
{
	size_t n = strlen(prefix);
	return strncmp(prefix, name, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

static void entry_free(struct keystore_entry *en)
{
	free(en->prefix);
	free(en->fpr);
	free(en->path);
}

void keystore_list_free(struct keystore_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		entry_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* One raw file found while scanning a config: an empty one is a mask. */
struct raw {
	struct keystore_entry en;
	bool empty;
};
struct rawlist {
	struct raw *v;
	size_t n;
};

static void raw_add(struct rawlist *l, const char *prefix, const char *fpr, const char *path,
		    bool vendor, bool empty)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	struct raw *r = &l->v[l->n++];
	r->en.prefix = prefix ? xstrdup(prefix) : NULL;
	r->en.fpr = xstrdup(fpr);
	r->en.path = xstrdup(path);
	r->en.vendor = vendor;
	r->empty = empty;
}

/* Scan the key files of directory dfd (consumed). prefix NULL: root.d, whose
 * subdirectories mean nothing; else recurse, each subdirectory one more
 * component of the prefix. */
static int scan_dir(int dfd, const char *dpath, const char *prefix, bool vendor, int depth,
		    struct rawlist *out, struct err *e)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return err_sys(e, "%s", dpath);
	}
	struct dirent *de;
	int rc = 0;
	errno = 0;
	while (rc == 0 && (de = readdir(d))) {
		const char *nm = de->d_name;
		struct stat st;
		if (nm[0] == '.')
			continue; /* ., .., and temp files of an interrupted write */
		_cleanup_free_ char *p = path_join(dpath, nm);
		if (fstatat(dirfd(d), nm, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = err_sys(e, "%s", p);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!prefix || depth >= PREFIX_MAX_DEPTH)
				continue;
			_cleanup_free_ char *sub =
			    *prefix ? xasprintf("%s/%s", prefix, nm) : xstrdup(nm);
			if (!ac_identifier_valid(sub))
				continue; /* not a prefix: nothing there is trusted */
			int sfd =
			    openat(dirfd(d), nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd < 0) {
				rc = err_sys(e, "%s", p);
				break;
			}
			rc = scan_dir(sfd, p, sub, vendor, depth + 1, out, e);
			continue;
		}
		/* A key file may be a symlink to one (as an admin may set it up). */
		if (S_ISLNK(st.st_mode) && fstatat(dirfd(d), nm, &st, 0) < 0)
			continue;
		if (!S_ISREG(st.st_mode) || !pgp_fpr_valid(nm))
			continue;
		if (prefix && !*prefix)
			continue; /* a file directly in prefix.d has no prefix */
		raw_add(out, prefix, nm, p, vendor, st.st_size == 0);
	}
	if (rc == 0 && errno)
		rc = err_sys(e, "%s", dpath);
	closedir(d);
	return rc;
}

static int scan_config(const char *config, bool vendor, struct rawlist *out, struct err *e)
{
	static const char *const subs[] = {"trustedkeys/root.d", "trustedkeys/prefix.d"};
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *p = path_join(config, subs[i]);
		int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
			continue;
		if (fd < 0)
			return err_sys(e, "%s", p);
		if (scan_dir(fd, p, i == 0 ? NULL : "", vendor, 0, out, e) < 0)
			return -1;
	}
	return 0;
}

static bool same_key(const struct keystore_entry *a, const struct keystore_entry *b)
{
	if (!a->prefix != !b->prefix)
		return false;
	return strcmp(a->fpr, b->fpr) == 0 && (!a->prefix || strcmp(a->prefix, b->prefix) == 0);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct keystore_entry *a = pa, *b = pb;
	if (!a->prefix != !b->prefix)
		return a->prefix ? 1 : -1;
	int c = a->prefix ? strcmp(a->prefix, b->prefix) : 0;
	return c ? c : strcmp(a->fpr, b->fpr);
}

int keystore_list_all(const struct keystore *ks, struct keystore_list *out, struct err *e)
{
	struct rawlist raw = {0};
	out->v = NULL;
	out->n = 0;
	int rc = scan_config(ks->system_config, true, &raw, e);
	if (rc == 0)
		rc = scan_config(ks->local_config, false, &raw, e);
	for (size_t i = 0; i < raw.n; i++) {
		struct raw *r = &raw.v[i];
		bool keep = rc == 0 && !r->empty;
		/* A local file (key or mask) shadows the vendor file of the same name. */
		for (size_t j = 0; keep && r->en.vendor && j < raw.n; j++)
			if (!raw.v[j].en.vendor && same_key(&r->en, &raw.v[j].en))
				keep = false;
		if (!keep) {
			entry_free(&r->en);
			continue;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n++] = r->en;
	}
	free(raw.v);
	if (rc < 0) {
		keystore_list_free(out);
		return -1;
	}
	if (out->n)
		xqsort(out->v, out->n, sizeof *out->v, entry_cmp);
	return 0;
}

int keystore_list_for_name(const struct keystore *ks, const char *name, struct keystore_list *out,
			   struct err *e)
{
	struct keystore_list all;
	if (keystore_list_all(ks, &all, e) < 0)
		return -1;
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < all.n; i++) {
		struct keystore_entry *en = &all.v[i];
		if (en->prefix && !keystore_prefix_covers(en->prefix, name)) {
			entry_free(en);
			continue;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n++] = *en;
	}
	free(all.v);
	return 0;
}

static char *key_dir(const char *config, const char *prefix)
{
	return prefix ? xasprintf("%s/trustedkeys/prefix.d/%s", config, prefix)
		      : xasprintf("%s/trustedkeys/root.d", config);
}

static int check_names(const char *prefix, const char *fpr, struct err *e)
{
	if (prefix && !ac_identifier_valid(prefix))
		return err_set(e, "invalid prefix \"%s\": not an AC identifier", prefix);
	if (!pgp_fpr_valid(fpr))
		return err_set(e, "invalid fingerprint \"%s\": want 40 or 64 lowercase hex digits",
			       fpr);
	return 0;
}

int keystore_store(const struct keystore *ks, const char *prefix, const char *fpr, const void *data,
		   size_t n, char **path_out, struct err *e)
{
	if (check_names(prefix, fpr, e) < 0)
		return -1;
	if (n == 0)
		return err_set(e, "refusing to store an empty key"); /* it would be a mask */
	_cleanup_free_ char *dir = key_dir(ks->local_config, prefix);
	if (mkdir_p(dir, 0755, e) < 0)
		return -1;
	char *p = path_join(dir, fpr);
	if (file_write_atomic(p, data, n, 0644, e) < 0) {
		free(p);
		return -1;
	}
	*path_out = p;
	return 0;
}

enum { KEY_ABSENT, KEY_MASK, KEY_PRESENT };

/* KEY_PRESENT for a non-empty file, KEY_MASK for an empty one, -1 on error. */
static int key_state(const char *path, struct err *e)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? KEY_ABSENT : err_sys(e, "%s", path);
	if (!S_ISREG(st.st_mode))
		return KEY_ABSENT;
	return st.st_size > 0 ? KEY_PRESENT : KEY_MASK;
}

int keystore_remove(const struct keystore *ks, const char *prefix, const char *fpr, char **path_out,
		    struct err *e)
{
	if (check_names(prefix, fpr, e) < 0)
		return -1;
	_cleanup_free_ char *ldir = key_dir(ks->local_config, prefix);
	_cleanup_free_ char *vdir = key_dir(ks->system_config, prefix);
	_cleanup_free_ char *lpath = path_join(ldir, fpr);
	_cleanup_free_ char *vpath = path_join(vdir, fpr);
	int local = key_state(lpath, e), vendor;
	if (local < 0 || (vendor = key_state(vpath, e)) < 0)
		return -1;
	bool vendor_trusted = vendor == KEY_PRESENT && local == KEY_ABSENT;
	if (local != KEY_PRESENT && !vendor_trusted) {
		if (prefix)
			return err_set(e, "key %s is not trusted for prefix \"%s\"", fpr, prefix);
		return err_set(e, "key %s is not a trusted root key", fpr);
	}
	if (vendor == KEY_PRESENT) {
		/* The vendor config is not ours to edit: mask its key instead
		 * (this also replaces a local override of it). */
		if (mkdir_p(ldir, 0755, e) < 0 || file_write_atomic(lpath, "", 0, 0644, e) < 0)
			return -1;
	} else if (unlink(lpath) < 0) {
		return err_sys(e, "remove %s", lpath);
	}
	*path_out = xstrdup(lpath);
	return 0;
}
