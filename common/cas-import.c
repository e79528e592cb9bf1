/* Moving images in and out of the store: import (one streaming pass),
 * export (gzip ACI) and extract. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aci.h"
#include "cas.h"
#include "extract.h"
#include "file.h"
#include "manifest.h"
#include "xalloc.h"

/* "what: reason: item; item; ..." for a list of problems. */
static int err_list(struct err *e, const char *what, const char *reason, const struct errlist *l)
{
	struct buf b = {0};
	for (size_t i = 0; i < l->n; i++)
		buf_printf(&b, "%s%s", i ? "; " : "", l->items[i]);
	err_set(e, "%s: %s: %s", what, reason, b.data ? b.data : "");
	buf_free(&b);
	return -1;
}

/* Check the manifest and pick what list and resolve need from it. */
static int manifest_summary(const char *what, const char *json, size_t len, char **name,
			    struct kv **labels, size_t *n, struct err *e)
{
	struct image_manifest *m;
	struct errlist errs = {0};
	if (image_manifest_parse(json, len, &m, &errs) < 0) {
		err_list(e, what, "invalid image manifest", &errs);
		errlist_free(&errs);
		return -1;
	}
	*name = xstrdup(m->name);
	*n = m->labels.n;
	*labels = xcalloc(m->labels.n + 1, sizeof **labels);
	for (size_t i = 0; i < m->labels.n; i++) {
		(*labels)[i].name = xstrdup(m->labels.v[i].name);
		(*labels)[i].value = xstrdup(m->labels.v[i].value);
	}
	image_manifest_free(m);
	return 0;
}

static void labels_free(struct kv *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].value);
	}
	free(l);
}

/* The blob being imported: an unnamed file in blob/sha512 (O_TMPFILE), so
 * that an import killed at any point leaves nothing behind; a named
 * ".tmp-import-*" one where the file system has no O_TMPFILE (tmp set). */
static int blob_tmp_open(int bfd, char *tmp, size_t n, struct err *e)
{
	int fd = openat(bfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	tmp[0] = '\0';
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd >= 0 ? fd : err_sys(e, "temporary blob");
	return file_tmp_open_at(bfd, "import", tmp, n, 0600, e);
}

/* Give dst the temp blob's data: rename the named one, link the unnamed. */
static int blob_link(int bfd, int tmpfd, const char *tmp, const char *dst)
{
	if (tmp[0])
		return renameat2(bfd, tmp, bfd, dst, RENAME_NOREPLACE);
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", tmpfd);
	return linkat(AT_FDCWD, proc, bfd, dst, AT_SYMLINK_FOLLOW);
}

/* Move the finished temp blob to blob/sha512/<2 hex>/<id>. */
static int blob_commit(struct cas *c, int bfd, int tmpfd, const char *tmp, const char *id,
		       struct err *e)
{
	char sub[3] = {id[7], id[8], '\0'};
	if (fchmod(tmpfd, 0444) < 0 || fsync(tmpfd) < 0)
		return err_sys(e, "%s/cas/blob/sha512/%s", c->dir, tmp[0] ? tmp : "(new blob)");
	if (mkdirat(bfd, sub, 0755) < 0 && errno != EEXIST)
		return err_sys(e, "mkdir %s/cas/blob/sha512/%s", c->dir, sub);
	char *dst = xasprintf("%s/%s", sub, id);
	int r = 0;
	if (blob_link(bfd, tmpfd, tmp, dst) < 0) {
		if (errno != EEXIST)
			r = err_sys(e, "move the new blob to %s/cas/blob/sha512/%s", c->dir, dst);
		else if (tmp[0]) /* a concurrent import of the same image won */
			unlinkat(bfd, tmp, 0);
	} else {
		int sfd = openat(bfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sfd >= 0) {
			fsync(sfd);
			close(sfd);
		}
	}
	free(dst);
	return r;
}

int cas_import_fd(struct cas *c, int fd, const char *what, char id[CAS_ID_LEN + 1], bool *existed,
		  struct err *e)
{
	return cas_import_fd_check(c, fd, what, NULL, NULL, id, existed, e);
}

int cas_import_fd_check(struct cas *c, int fd, const char *what, cas_import_check_fn *check,
			void *arg, char id[CAS_ID_LEN + 1], bool *existed, struct err *e)
{
	char tmp[128];
	struct aci_info info;
	char *name = NULL;
	struct kv *labels = NULL;
	size_t nlabels = 0;
	int r = -1;
	if (existed)
		*existed = false;
	int bfd = openat(c->casfd, "blob/sha512", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (bfd < 0)
		return err_sys(e, "%s/cas/blob/sha512", c->dir);
	int tfd = blob_tmp_open(bfd, tmp, sizeof tmp, e);
	if (tfd < 0) {
		close(bfd);
		return -1;
	}
	if (aci_scan_fd(fd, ACI_HASH, tfd, &info, e) < 0) {
		err_wrap(e, "%s", what);
		goto out;
	}
	if (info.errors.n) {
		err_list(e, what, "invalid image", &info.errors);
		goto out_info;
	}
	if (!info.manifest) {
		err_set(e, "%s: invalid image: no manifest", what);
		goto out_info;
	}
	if (manifest_summary(what, info.manifest, info.manifest_len, &name, &labels, &nlabels, e) <
	    0)
		goto out_info;
	memcpy(id, info.id, CAS_ID_LEN + 1);
	if (check && check(arg, id, info.manifest, info.manifest_len, e) < 0)
		goto out_info;
	struct cas_image img;
	if (cas_image_get(c, id, &img, NULL) == 0) { /* already stored: change nothing */
		cas_image_clear(&img);
		if (existed)
			*existed = true;
		r = 0;
		goto out_info;
	}
	/* blob, then manifest, then info: the image exists once info does */
	if (blob_commit(c, bfd, tfd, tmp, id, e) < 0)
		goto out_info;
	tmp[0] = '\0'; /* renamed (or dropped): nothing to clean */
	if (cas_write_noreplace(c->casfd, "manifest", id, info.manifest, info.manifest_len, 0444,
				e) < 0 ||
	    cas_info_write(c, id, name, labels, nlabels, (long long)info.tar_size, e) < 0)
		goto out_info;
	r = 0;
out_info:
	aci_info_free(&info);
out:
	if (tmp[0])
		unlinkat(bfd, tmp, 0);
	close(tfd);
	close(bfd);
	free(name);
	labels_free(labels, nlabels);
	return r;
}

/* ---- export ----------------------------------------------------------- */

int cas_export_fd(struct cas *c, const char *id, int fd, struct err *e)
{
	int bfd = cas_open_blob(c, id, e);
	if (bfd < 0)
		return -1;
	struct stat st;
	if (fstat(bfd, &st) < 0) {
		close(bfd);
		return err_sys(e, "%s", id);
	}
	/* gzip of the stored tar through libarchive's raw writer; no name or
	 * time in the gzip header, so the same image gives the same bytes */
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	char *io = xmalloc(1 << 20);
	int r = -1;
	archive_entry_set_pathname(ae, "image.tar");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, st.st_size);
	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK ||
	    archive_write_set_format_raw(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK ||
	    archive_write_header(a, ae) != ARCHIVE_OK) {
		err_set(e, "export %s: %s", id, archive_error_string(a));
		goto out;
	}
	for (;;) {
		ssize_t n = read(bfd, io, 1 << 20);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(e, "read %s", id);
			goto out;
		}
		if (n == 0)
			break;
		if (archive_write_data(a, io, (size_t)n) != n) {
			err_set(e, "export %s: %s", id, archive_error_string(a));
			goto out;
		}
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		err_set(e, "export %s: %s", id, archive_error_string(a));
		goto out;
	}
	cas_touch(c, id);
	r = 0;
out:
	archive_entry_free(ae);
	archive_write_free(a);
	free(io);
	close(bfd);
	return r;
}

/* ---- extract ---------------------------------------------------------- */

static int dir_is_empty(int dirfd, struct err *e)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_sys(e, "opendir");
	}
	struct dirent *de;
	int empty = 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int cas_extract_at(struct cas *c, const char *id, int dirfd, bool rootfs_only, bool overwrite,
		   struct err *e)
{
	if (!overwrite) {
		int empty = dir_is_empty(dirfd, e);
		if (empty < 0)
			return -1;
		if (!empty)
			return err_set(e, "directory not empty (use --overwrite)");
	}
	int bfd = cas_open_blob(c, id, e);
	if (bfd < 0)
		return -1;
	struct aci_reader *r;
	if (aci_open_fd(bfd, ACI_TAR, -1, &r, e) < 0) {
		close(bfd);
		return -1;
	}
	struct extract_opts o = {.flags = rootfs_only ? 0 : EXTRACT_WHOLE};
	if (geteuid() == 0)
		o.flags |= EXTRACT_OWNER | EXTRACT_DEVICES;
	int rc = extract_aci(r, dirfd, &o, e);
	aci_close(r);
	close(bfd);
	if (rc == 0)
		cas_touch(c, id);
	return rc;
}
