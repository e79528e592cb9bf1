/* The image store: layout, locking, the per-image info file, list, rm. */
#include "cas.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "lock.h"
#include "xalloc.h"

static const char *const cas_dirs[] = {"cas",	   "cas/blob", "cas/blob/sha512", "cas/manifest",
				       "cas/info", "cas/tree", "cas/quarantine"};

int cas_open(struct cas *c, const char *dir, enum cas_mode mode, struct err *e)
{
	memset(c, 0, sizeof *c);
	c->dirfd = c->casfd = c->lockfd = -1;
	if (mkdir_p(dir, 0755, e) < 0)
		return err_wrap(e, "store %s", dir);
	char *abs = realpath(dir, NULL);
	if (!abs)
		return err_sys(e, "store %s", dir);
	c->dir = abs;
	c->dirfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		err_sys(e, "store %s", abs);
		goto fail;
	}
	for (size_t i = 0; i < sizeof cas_dirs / sizeof *cas_dirs; i++)
		if (mkdirat(c->dirfd, cas_dirs[i], 0755) < 0 && errno != EEXIST) {
			err_sys(e, "mkdir %s/%s", abs, cas_dirs[i]);
			goto fail;
		}
	c->casfd = openat(c->dirfd, "cas", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (c->casfd < 0) {
		err_sys(e, "%s/cas", abs);
		goto fail;
	}
	c->lockfd =
	    lock_path_at(c->casfd, "lock", mode == CAS_EXCLUSIVE ? LOCK_EXCL : LOCK_SHARED, 0, e);
	if (c->lockfd < 0) {
		err_wrap(e, "lock store %s", abs);
		goto fail;
	}
	return 0;
fail:
	cas_close(c);
	return -1;
}

void cas_close(struct cas *c)
{
	if (c->lockfd >= 0)
		close(c->lockfd);
	if (c->casfd >= 0)
		close(c->casfd);
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->dir);
	c->dir = NULL;
	c->dirfd = c->casfd = c->lockfd = -1;
}

bool cas_id_valid(const char *id)
{
	if (strncmp(id, "sha512-", 7) != 0 || strlen(id) != CAS_ID_LEN)
		return false;
	for (const char *p = id + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

char *cas_blob_relpath(const char *id)
{
	return xasprintf("blob/sha512/%.2s/%s", id + 7, id);
}

/* Info file values are one line each: '%' and newlines are escaped. */
static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '%' || *s == '\n' || *s == '\r')
			buf_printf(b, "%%%02X", (unsigned char)*s);
		else
			buf_addc(b, *s);
	}
}

static char *unescape(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (s[i] == '%' && i + 2 < n && sscanf(s + i + 1, "%2X", &v) == 1) {
			*o++ = (char)v;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

int cas_info_write(struct cas *c, const char *id, const char *name, const struct kv *labels,
		   size_t nlabels, long long size, struct err *e)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct buf b = {0};
	buf_printf(&b, "imported=%lld.%09ld\nsize=%lld\nname=", (long long)now.tv_sec, now.tv_nsec,
		   size);
	add_escaped(&b, name);
	buf_addc(&b, '\n');
	for (size_t i = 0; i < nlabels; i++) {
		buf_adds(&b, "label=");
		add_escaped(&b, labels[i].name);
		buf_addc(&b, '=');
		add_escaped(&b, labels[i].value);
		buf_addc(&b, '\n');
	}
	int r = cas_write_noreplace(c->casfd, "info", id, b.data, b.len, 0644, e);
	buf_free(&b);
	return r < 0 ? -1 : 0;
}

int cas_write_noreplace(int dirfd, const char *dir, const char *name, const void *data, size_t n,
			mode_t mode, struct err *e)
{
	char tmp[NAME_MAX + 1];
	int dfd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return err_sys(e, "%s", dir);
	int fd = file_tmp_open_at(dfd, "w", tmp, sizeof tmp, mode, e);
	if (fd < 0) {
		close(dfd);
		return -1;
	}
	int r = -1;
	if (fchmod(fd, mode) < 0 || writeall(fd, data, n) < 0 || fsync(fd) < 0) {
		err_sys(e, "write %s/%s", dir, name);
	} else if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) == 0) {
		r = 0;
		fsync(dfd);
	} else if (errno == EEXIST) {
		r = 1;
	} else {
		err_sys(e, "rename to %s/%s", dir, name);
	}
	if (r != 0)
		unlinkat(dfd, tmp, 0);
	close(fd);
	close(dfd);
	return r;
}

static void labels_add(struct cas_image *img, char *name, char *value)
{
	img->labels = xreallocarray(img->labels, img->nlabels + 1, sizeof *img->labels);
	img->labels[img->nlabels].name = name;
	img->labels[img->nlabels].value = value;
	img->nlabels++;
}

static void parse_time(const char *s, struct timespec *ts)
{
	char *end;
	ts->tv_sec = strtoll(s, &end, 10);
	ts->tv_nsec = 0;
	if (*end == '.')
		ts->tv_nsec = strtol(end + 1, NULL, 10);
}

/* Fill img from cas/info/<id>; 1 if absent, -1 on error. */
static int info_read(struct cas *c, const char *id, struct cas_image *img, struct err *e)
{
	char path[16 + CAS_ID_LEN];
	snprintf(path, sizeof path, "info/%s", id);
	int fd = openat(c->casfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 1 : err_sys(e, "%s/cas/%s", c->dir, path);
	/* info files never change once renamed in: fstat gives the size and
	 * one read the contents (list reads a thousand of them) */
	struct stat st;
	char *data = NULL;
	ssize_t got = -1;
	if (fstat(fd, &st) == 0 && st.st_size < (1 << 20)) {
		data = xmalloc((size_t)st.st_size + 1);
		while ((got = read(fd, data, (size_t)st.st_size)) < 0 && errno == EINTR)
			;
	} else if (fstat(fd, &st) == 0) {
		errno = EFBIG;
	}
	if (got < 0) {
		err_sys(e, "%s/cas/%s", c->dir, path);
		free(data);
		close(fd);
		return -1;
	}
	close(fd);
	data[got] = '\0';
	memset(img, 0, sizeof *img);
	memcpy(img->id, id, CAS_ID_LEN + 1);
	img->last_used = st.st_mtim;
	for (char *line = data, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		size_t n = (size_t)(nl - line) + (*nl != '\n');
		if (!strncmp(line, "imported=", 9)) {
			parse_time(line + 9, &img->imported);
		} else if (!strncmp(line, "size=", 5)) {
			img->size = strtoll(line + 5, NULL, 10);
		} else if (!strncmp(line, "name=", 5)) {
			free(img->name);
			img->name = unescape(line + 5, n - 5);
		} else if (!strncmp(line, "label=", 6)) {
			const char *eq = memchr(line + 6, '=', n - 6);
			if (eq)
				labels_add(img, unescape(line + 6, (size_t)(eq - line - 6)),
					   unescape(eq + 1, (size_t)(line + n - eq - 1)));
		}
		if (!*nl)
			break;
	}
	free(data);
	if (!img->name)
		img->name = xstrdup("");
	return 0;
}

void cas_image_clear(struct cas_image *img)
{
	free(img->name);
	for (size_t i = 0; i < img->nlabels; i++) {
		free(img->labels[i].name);
		free(img->labels[i].value);
	}
	free(img->labels);
	memset(img, 0, sizeof *img);
}

void cas_images_free(struct cas_image *imgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cas_image_clear(&imgs[i]);
	free(imgs);
}

const char *cas_image_label(const struct cas_image *img, const char *name)
{
	for (size_t i = 0; i < img->nlabels; i++)
		if (!strcmp(img->labels[i].name, name))
			return img->labels[i].value;
	return NULL;
}

int cas_image_get(struct cas *c, const char *id, struct cas_image *img, struct err *e)
{
	if (!cas_id_valid(id))
		return err_set(e, "%s: not an image ID", id);
	int r = info_read(c, id, img, e);
	if (r > 0)
		return err_set(e, "%s: image not found", id);
	return r;
}

int cas_list(struct cas *c, struct cas_image **out, size_t *n, struct err *e)
{
	int fd = openat(c->casfd, "info", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_sys(e, "%s/cas/info", c->dir);
	}
	struct cas_image *imgs = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		if (!cas_id_valid(de->d_name)) /* ".", "..", ".tmp-*" */
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			imgs = xreallocarray(imgs, cap, sizeof *imgs);
		}
		int got = info_read(c, de->d_name, &imgs[cnt], e);
		if (got < 0) {
			r = -1;
			break;
		}
		if (got == 0) /* removed meanwhile: not listed */
			cnt++;
	}
	closedir(d);
	if (r < 0) {
		cas_images_free(imgs, cnt);
		return -1;
	}
	*out = imgs;
	*n = cnt;
	return 0;
}

int cas_read_manifest(struct cas *c, const char *id, char **data, size_t *len, struct err *e)
{
	char path[16 + CAS_ID_LEN];
	if (!cas_id_valid(id))
		return err_set(e, "%s: not an image ID", id);
	snprintf(path, sizeof path, "manifest/%s", id);
	if (file_read_at(c->casfd, path, 16 << 20, data, len, e) < 0)
		return err_wrap(e, "%s/cas", c->dir);
	return 0;
}

int cas_open_blob(struct cas *c, const char *id, struct err *e)
{
	if (!cas_id_valid(id))
		return err_set(e, "%s: not an image ID", id);
	_cleanup_free_ char *rel = cas_blob_relpath(id);
	int fd = openat(c->casfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_sys(e, "%s/cas/%s", c->dir, rel);
	return fd;
}

void cas_touch(struct cas *c, const char *id)
{
	char path[16 + CAS_ID_LEN];
	if (!cas_id_valid(id))
		return;
	snprintf(path, sizeof path, "info/%s", id);
	utimensat(c->casfd, path, NULL, AT_SYMLINK_NOFOLLOW);
}

int cas_rm(struct cas *c, const char *id, struct err *e)
{
	char path[16 + CAS_ID_LEN];
	if (!cas_id_valid(id))
		return err_set(e, "%s: not an image ID", id);
	/* info first: from then on the image does not exist for anyone */
	snprintf(path, sizeof path, "info/%s", id);
	if (unlinkat(c->casfd, path, 0) < 0) {
		if (errno == ENOENT)
			return err_set(e, "%s: image not found", id);
		return err_sys(e, "remove %s/cas/%s", c->dir, path);
	}
	snprintf(path, sizeof path, "manifest/%s", id);
	if (unlinkat(c->casfd, path, 0) < 0 && errno != ENOENT)
		return err_sys(e, "remove %s/cas/%s", c->dir, path);
	_cleanup_free_ char *rel = cas_blob_relpath(id);
	if (unlinkat(c->casfd, rel, 0) < 0 && errno != ENOENT)
		return err_sys(e, "remove %s/cas/%s", c->dir, rel);
	return 0;
}
