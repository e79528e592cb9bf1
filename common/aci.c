#include "aci.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "file.h"
#include "xalloc.h"

/* Set of the cleaned paths seen so far, with their file type, for duplicate
 * and hard-link checks. Open addressing, power-of-two size. */
struct seen {
	char **keys;
	unsigned *types;
	size_t n, cap;
};

static size_t seen_slot(const struct seen *s, const char *k)
{
	size_t i = (size_t)XXH3_64bits(k, strlen(k)) & (s->cap - 1);
	while (s->keys[i] && strcmp(s->keys[i], k))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void seen_grow(struct seen *s)
{
	struct seen o = *s;
	s->cap = o.cap ? o.cap * 2 : 1024;
	s->keys = xcalloc(s->cap, sizeof *s->keys);
	s->types = xcalloc(s->cap, sizeof *s->types);
	for (size_t i = 0; i < o.cap; i++)
		if (o.keys[i]) {
			size_t j = seen_slot(s, o.keys[i]);
			s->keys[j] = o.keys[i];
			s->types[j] = o.types[i];
		}
	free(o.keys);
	free(o.types);
}

/* Returns the type stored for k, or 0 if absent. */
static unsigned seen_get(const struct seen *s, const char *k)
{
	if (!s->cap)
		return 0;
	size_t i = seen_slot(s, k);
	return s->keys[i] ? s->types[i] : 0;
}

/* Adds k; returns 1 if it was already there. */
static int seen_add(struct seen *s, const char *k, unsigned type)
{
	if (2 * (s->n + 1) > s->cap)
		seen_grow(s);
	size_t i = seen_slot(s, k);
	if (s->keys[i])
		return 1;
	s->keys[i] = xstrdup(k);
	s->types[i] = type ? type : 1;
	s->n++;
	return 0;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->types);
}

struct aci_reader {
	struct archive *raw; /* decompression only */
	struct archive *tar; /* reads what raw yields */
	int fd, tee_fd;
	unsigned flags;
	char *inbuf; /* what we read from fd */
	char *head;  /* bytes the caller already read from fd, served first */
	size_t head_len;
	struct sha512 *hash;
	uint64_t total;
	int raw_eof, tee_errno, done;
	char raw_error[512];
	const char *compression;

	struct aci_entry ent;
	char *path, *link, *label, *link_label;
	int own_fd;
	struct seen seen;
	int have_manifest, have_rootfs;
	struct errlist errors;
	struct buf manifest;
	char id[IMAGE_ID_SIZE];
};

void aci_path_clean(char *p)
{
	int abs = p[0] == '/', had = p[0] != '\0';
	char *r = p, *w = p + abs;
	while (*r) {
		while (*r == '/')
			r++;
		if (!*r)
			break;
		char *end = strchrnul(r, '/');
		size_t n = (size_t)(end - r);
		if (!(n == 1 && r[0] == '.')) {
			if (w > p + abs)
				*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r = end;
	}
	*w = '\0';
	if (had && !*p)
		strcpy(p, "."); /* "./" and friends */
}

int aci_path_has_dotdot(const char *p)
{
	for (const char *c = p; *c;) {
		const char *end = strchrnul(c, '/');
		if (end - c == 2 && c[0] == '.' && c[1] == '.')
			return 1;
		c = *end ? end + 1 : end;
	}
	return 0;
}

char *aci_label(const char *raw)
{
	struct buf b = {0};
	size_t n = 0;
	if (!raw)
		return xstrdup("(unreadable name)");
	if (!*raw)
		return xstrdup("(empty name)");
	for (const unsigned char *c = (const unsigned char *)raw; *c; c++, n++) {
		if (n == 200) {
			buf_adds(&b, "...");
			break;
		}
		if (*c < 0x20 || *c == 0x7f || *c == '\\')
			buf_printf(&b, "\\x%02x", *c);
		else
			buf_addc(&b, (char)*c);
	}
	return buf_steal(&b);
}

static la_ssize_t tar_read_cb(struct archive *a, void *ud, const void **out)
{
	struct aci_reader *r = ud;
	const void *blk;
	size_t n;
	la_int64_t off;
	(void)a;
	if (r->raw_eof)
		return 0;
	int rc = archive_read_data_block(r->raw, &blk, &n, &off);
	if (rc == ARCHIVE_EOF) {
		r->raw_eof = 1;
		return 0;
	}
	if (rc < ARCHIVE_WARN) {
		snprintf(r->raw_error, sizeof r->raw_error, "%s",
			 archive_error_string(r->raw) ? archive_error_string(r->raw)
						      : "read error");
		return -1;
	}
	if (r->hash)
		sha512_update(r->hash, blk, n);
	if (r->tee_fd >= 0 && n && writeall(r->tee_fd, blk, n) < 0) {
		r->tee_errno = errno;
		return -1;
	}
	r->total += n;
	*out = blk;
	return (la_ssize_t)n;
}

/* The reason a read stopped, in our words. */
static int reader_error(struct aci_reader *r, struct archive *a, struct err *e)
{
	if (r->tee_errno) {
		errno = r->tee_errno;
		return err_sys(e, "write");
	}
	if (r->raw_error[0])
		return err_set(e, "%s", r->raw_error);
	const char *s = archive_error_string(a);
	if (s &&
	    (!strncmp(s, "Truncated input file", 20) || !strncmp(s, "Truncated tar archive", 21)))
		return err_set(e, "truncated tar archive");
	if (s && !strcmp(s, "Unrecognized archive format"))
		return err_set(e, "not a tar archive, compressed or not");
	return err_set(e, "%s", s ? s : "read error");
}

enum { INBUF = 1 << 20 };

static la_ssize_t raw_read_cb(struct archive *a, void *ud, const void **out)
{
	struct aci_reader *r = ud;
	if (r->head_len) {
		*out = r->head;
		la_ssize_t n = (la_ssize_t)r->head_len;
		r->head_len = 0;
		return n;
	}
	ssize_t n;
	do
		n = read(r->fd, r->inbuf, INBUF);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read: %s", strerror(errno));
		return -1;
	}
	*out = r->inbuf;
	return n;
}

int aci_open_fd(int fd, unsigned flags, int tee_fd, struct aci_reader **out, struct err *e)
{
	return aci_open_fd_head(fd, NULL, 0, flags, tee_fd, out, e);
}

int aci_open_fd_head(int fd, const void *head, size_t head_len, unsigned flags, int tee_fd,
		     struct aci_reader **out, struct err *e)
{
	struct aci_reader *r = xcalloc(1, sizeof *r);
	r->inbuf = xmalloc(INBUF);
	if (head_len) {
		r->head = xmalloc(head_len);
		memcpy(r->head, head, head_len);
		r->head_len = head_len;
	}
	r->fd = fd;
	r->tee_fd = tee_fd;
	r->flags = flags;
	if (flags & ACI_HASH)
		r->hash = sha512_new();
	r->raw = archive_read_new();
	r->tar = archive_read_new();
	if (!r->raw || !r->tar)
		die("libarchive: out of memory");
	if (!(flags & ACI_TAR)) {
		archive_read_support_filter_gzip(r->raw);
		archive_read_support_filter_bzip2(r->raw);
		archive_read_support_filter_xz(r->raw);
	}
	archive_read_support_format_raw(r->raw);
	archive_read_support_format_tar(r->tar);
	struct archive_entry *ae;
	if (archive_read_open(r->raw, r, NULL, raw_read_cb, NULL) != ARCHIVE_OK) {
		reader_error(r, r->raw, e);
		aci_close(r);
		return -1;
	}
	int rc = archive_read_next_header(r->raw, &ae);
	if (rc == ARCHIVE_EOF)
		r->raw_eof = 1; /* empty input: the tar reader says so */
	else if (rc < ARCHIVE_WARN) {
		reader_error(r, r->raw, e);
		aci_close(r);
		return -1;
	}
	const char *fname =
	    archive_filter_count(r->raw) > 1 ? archive_filter_name(r->raw, 0) : NULL;
	r->compression = !fname			   ? "none"
			 : !strcmp(fname, "gzip")  ? "gzip"
			 : !strcmp(fname, "bzip2") ? "bzip2"
			 : !strcmp(fname, "xz")	   ? "xz"
						   : fname;
	if (archive_read_open(r->tar, r, NULL, tar_read_cb, NULL) != ARCHIVE_OK) {
		reader_error(r, r->tar, e);
		aci_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

int aci_open(const char *path, unsigned flags, struct aci_reader **out, struct err *e)
{
	int fd = file_open_read(path, e);
	if (fd < 0)
		return -1;
	if (aci_open_fd(fd, flags, -1, out, e) < 0) {
		close(fd);
		return -1;
	}
	(*out)->fd = fd;
	(*out)->own_fd = 1;
	return 0;
}

static void bad(struct aci_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct aci_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *reason = xvasprintf(fmt, ap);
	va_end(ap);
	errlist_add(&r->errors, "%s: %s", r->label, reason);
	free(reason);
	r->ent.bad = 1;
}

static int under_rootfs(const char *p)
{
	return !strncmp(p, "rootfs/", 7) && p[7];
}

static int read_manifest(struct aci_reader *r, struct err *e)
{
	char chunk[65536];
	r->manifest.len = 0;
	for (;;) {
		la_ssize_t n = archive_read_data(r->tar, chunk, sizeof chunk);
		if (n < 0)
			return reader_error(r, r->tar, e);
		if (n == 0)
			break;
		if (r->manifest.len + (size_t)n > ACI_MANIFEST_MAX) {
			bad(r, "larger than %d bytes", ACI_MANIFEST_MAX);
			buf_free(&r->manifest);
			return 0;
		}
		buf_add(&r->manifest, chunk, (size_t)n);
	}
	buf_add(&r->manifest, "", 0); /* NUL-terminate even when empty */
	r->have_manifest = 2;
	return 0;
}

/* Is a component of path longer than a file name may be (NAME_MAX)? Every
 * extraction would fail on it, so the archive is refused when read. */
static bool long_component(struct aci_reader *r, const char *path)
{
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n > NAME_MAX) {
			bad(r, "a name component is longer than %d bytes (%zu)", NAME_MAX, n);
			return true;
		}
		c += n + (c[n] == '/');
	}
	return false;
}

/* Does path (cleaned) go through a symlink entry earlier in the archive?
 * Extraction resolves such paths inside the root, so they never escape, but
 * where they land depends on what the link points at in the root being
 * built: refused, as no archiver writes an entry below a symlink it wrote. */
static bool through_symlink(struct aci_reader *r, char *path)
{
	for (char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		bool link = seen_get(&r->seen, path) == AE_IFLNK;
		if (link) {
			char *l = aci_label(path);
			bad(r, "goes through the symlink %s earlier in the archive", l);
			free(l);
		}
		*s = '/';
		if (link)
			return true;
	}
	return false;
}

/* Layout checks of one entry; they only add to the error list. */
static void check_entry(struct aci_reader *r, const char *raw)
{
	struct aci_entry *ent = &r->ent;
	unsigned type = archive_entry_filetype(ent->ae);
	if (ent->hardlink && !type)
		type = AE_IFREG; /* tar's hard links carry no type of their own */
	if (!raw || !*raw) {
		bad(r, "empty name");
		return;
	}
	size_t len = strlen(raw);
	if (len > ACI_NAME_MAX) {
		bad(r, "name too long (%zu bytes)", len);
		return;
	}
	if (long_component(r, r->path))
		return;
	if (raw[0] == '/') {
		bad(r, "absolute path");
		return;
	}
	if (aci_path_has_dotdot(r->path)) {
		bad(r, "path has a .. component");
		return;
	}
	switch (type) {
	case AE_IFREG:
	case AE_IFDIR:
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		break;
	default:
		bad(r, "unsupported entry type (mode %06o)", (unsigned)archive_entry_mode(ent->ae));
		return;
	}
	const char *sl = type == AE_IFLNK ? archive_entry_symlink(ent->ae) : NULL;
	if (sl && strlen(sl) > ACI_NAME_MAX) {
		bad(r, "symlink target too long (%zu bytes)", strlen(sl));
		return;
	}
	const char *p = r->path;
	if (r->flags & ACI_LAYER) {
		ent->rootfs_path = strcmp(p, ".") ? p : "";
		if (ent->hardlink) {
			const char *raw_link = archive_entry_hardlink(ent->ae);
			if (raw_link[0] == '/' || aci_path_has_dotdot(ent->hardlink))
				bad(r, "hard link to %s outside the layer's root", r->link_label);
			else
				ent->hardlink_rootfs = ent->hardlink;
		}
		return;
	}
	if (!strcmp(p, ".")) {
		if (type != AE_IFDIR)
			bad(r, "not a directory");
		return; /* the archive's own root, as `tar -C dir .` writes it */
	}
	if (through_symlink(r, r->path))
		return;
	/* a hard link to a symlink is one too: later entries may not go through it */
	unsigned ttype = ent->hardlink ? seen_get(&r->seen, ent->hardlink) : 0;
	if (seen_add(&r->seen, p, ttype == AE_IFLNK ? AE_IFLNK : type)) {
		bad(r, "duplicate entry");
		return;
	}
	if (!strcmp(p, "manifest")) {
		if (type != AE_IFREG || archive_entry_hardlink(ent->ae))
			bad(r, "not a regular file");
		else
			r->have_manifest = 1;
	} else if (!strcmp(p, "rootfs")) {
		if (type != AE_IFDIR)
			bad(r, "not a directory");
		else
			r->have_rootfs = 1;
	} else if (!under_rootfs(p)) {
		bad(r, "outside rootfs/");
		return;
	} else
		ent->rootfs_path = p + 7;
	if (!strcmp(p, "rootfs") && !ent->bad)
		ent->rootfs_path = "";

	if (ent->hardlink) {
		const char *raw_link = archive_entry_hardlink(ent->ae);
		if (raw_link[0] == '/' || aci_path_has_dotdot(ent->hardlink) ||
		    !under_rootfs(ent->hardlink))
			bad(r, "hard link to %s outside rootfs/", r->link_label);
		else if (!ttype || !strcmp(ent->hardlink, p))
			bad(r, "hard link to %s not earlier in the archive", r->link_label);
		else if (ttype == AE_IFDIR)
			bad(r, "hard link to directory %s", r->link_label);
		else
			ent->hardlink_rootfs = ent->hardlink + 7;
	}
}

static int finish(struct aci_reader *r, struct err *e)
{
	/* Hash whatever follows the end-of-archive blocks too: the ID is the
	 * digest of the whole uncompressed stream. */
	const void *blk;
	while (!r->raw_eof) {
		la_ssize_t n = tar_read_cb(r->tar, r, &blk);
		if (n < 0)
			return reader_error(r, r->tar, e);
	}
	if (r->hash) {
		unsigned char d[SHA512_LEN];
		sha512_final(r->hash, d);
		image_id_format(d, r->id);
	}
	if (r->flags & ACI_LAYER) {
		r->done = 1;
		return 0;
	}
	if (!r->have_manifest && !seen_get(&r->seen, "manifest"))
		errlist_add(&r->errors, "manifest: missing");
	if (!r->have_rootfs && !seen_get(&r->seen, "rootfs"))
		errlist_add(&r->errors, "rootfs: missing");
	r->done = 1;
	return 0;
}

int aci_next(struct aci_reader *r, struct aci_entry **ent, struct err *e)
{
	struct archive_entry *ae;
	if (r->done)
		return 0;
	int rc = archive_read_next_header(r->tar, &ae);
	if (rc == ARCHIVE_EOF)
		return finish(r, e);
	if (rc < ARCHIVE_WARN)
		return reader_error(r, r->tar, e);
	free(r->path);
	free(r->link);
	free(r->label);
	free(r->link_label);
	r->link = r->link_label = NULL;
	memset(&r->ent, 0, sizeof r->ent);
	r->ent.ae = ae;
	const char *raw = archive_entry_pathname(ae);
	r->label = aci_label(raw);
	r->path = xstrdup(raw ? raw : "");
	aci_path_clean(r->path);
	r->ent.path = r->path;
	r->ent.label = r->label;
	const char *hl = archive_entry_hardlink(ae);
	if (hl) {
		r->link_label = aci_label(hl);
		r->link = xstrdup(hl);
		aci_path_clean(r->link);
		r->ent.hardlink = r->link;
	}
	check_entry(r, raw);
	if (!r->ent.bad && !strcmp(r->path, "manifest") && read_manifest(r, e) < 0)
		return -1;
	*ent = &r->ent;
	return 1;
}

int aci_data_block(struct aci_reader *r, const void **buf, size_t *len, int64_t *off, struct err *e)
{
	la_int64_t o;
	int rc = archive_read_data_block(r->tar, buf, len, &o);
	if (rc == ARCHIVE_EOF)
		return 0;
	if (rc < ARCHIVE_WARN)
		return reader_error(r, r->tar, e);
	*off = o;
	return 1;
}

const struct errlist *aci_errors(const struct aci_reader *r)
{
	return &r->errors;
}

const char *aci_manifest(const struct aci_reader *r, size_t *len)
{
	if (r->have_manifest != 2)
		return NULL;
	if (len)
		*len = r->manifest.len;
	return r->manifest.data;
}

const char *aci_id(const struct aci_reader *r)
{
	return r->done && r->hash ? r->id : NULL;
}

uint64_t aci_tar_size(const struct aci_reader *r)
{
	return r->total;
}

const char *aci_compression(const struct aci_reader *r)
{
	return r->compression;
}

void aci_close(struct aci_reader *r)
{
	if (!r)
		return;
	if (r->tar)
		archive_read_free(r->tar);
	if (r->raw)
		archive_read_free(r->raw);
	if (r->own_fd)
		close(r->fd);
	sha512_free(r->hash);
	free(r->inbuf);
	free(r->head);
	free(r->path);
	free(r->link);
	free(r->label);
	free(r->link_label);
	seen_free(&r->seen);
	errlist_free(&r->errors);
	buf_free(&r->manifest);
	free(r);
}

int aci_scan_fd(int fd, unsigned flags, int tee_fd, struct aci_info *info, struct err *e)
{
	struct aci_reader *r;
	struct aci_entry *ent;
	int rc;
	memset(info, 0, sizeof *info);
	if (aci_open_fd(fd, flags, tee_fd, &r, e) < 0)
		return -1;
	while ((rc = aci_next(r, &ent, e)) > 0)
		info->entries++;
	if (rc < 0) {
		aci_close(r);
		return -1;
	}
	if (aci_id(r))
		memcpy(info->id, aci_id(r), IMAGE_ID_SIZE);
	size_t mlen;
	const char *m = aci_manifest(r, &mlen);
	if (m) {
		info->manifest = xmalloc(mlen + 1);
		memcpy(info->manifest, m, mlen + 1);
		info->manifest_len = mlen;
	}
	info->tar_size = r->total;
	info->errors = r->errors; /* hand the list over */
	memset(&r->errors, 0, sizeof r->errors);
	aci_close(r);
	return 0;
}

void aci_info_free(struct aci_info *info)
{
	free(info->manifest);
	errlist_free(&info->errors);
	memset(info, 0, sizeof *info);
}
