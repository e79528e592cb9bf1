#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aci.h"
#include "file.h"
#include "json.h"
#include "manifest.h"
#include "podmanifest.h"
#include "xalloc.h"

struct ctx {
	const char *file;
	bool verbose;
	int nerr;
};

static void report(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", c->file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	c->nerr++;
}

static void verdict(struct ctx *c, const char *what)
{
	if (!c->verbose)
		return;
	if (c->nerr)
		printf("%s: %s: invalid (%d error%s)\n", c->file, what, c->nerr,
		       c->nerr == 1 ? "" : "s");
	else
		printf("%s: %s: valid\n", c->file, what);
}

/* prefix: "" for a bare manifest file, "manifest: " inside an ACI. */
static void check_image_manifest(struct ctx *c, const char *json, size_t len, const char *prefix)
{
	struct errlist errs = {0};
	struct image_manifest *m = NULL;
	if (image_manifest_parse(json, len, &m, &errs) < 0)
		for (size_t i = 0; i < errs.n; i++)
			report(c, "%s%s", prefix, errs.items[i]);
	else if (c->verbose)
		printf("%s: %simage manifest of %s checked\n", c->file, prefix, m->name);
	errlist_free(&errs);
	image_manifest_free(m);
}

static void check_pod_manifest(struct ctx *c, const char *json, size_t len)
{
	struct errlist errs = {0};
	struct pod_manifest *p = NULL;
	if (pod_manifest_parse(json, len, &p, &errs) < 0)
		for (size_t i = 0; i < errs.n; i++)
			report(c, "%s", errs.items[i]);
	else if (c->verbose)
		printf("%s: pod manifest with %zu app%s checked\n", c->file, p->n_apps,
		       p->n_apps == 1 ? "" : "s");
	errlist_free(&errs);
	pod_manifest_free(p);
}

static void check_aci(struct ctx *c, int fd, const char *head, size_t hlen)
{
	struct err e = {0};
	struct aci_reader *r;
	struct aci_entry *ent;
	if (aci_open_fd_head(fd, head, hlen, c->verbose ? ACI_HASH : 0, -1, &r, &e) < 0) {
		report(c, "%s", e.msg);
		return;
	}
	unsigned long long n = 0;
	int rc;
	while ((rc = aci_next(r, &ent, &e)) > 0)
		n++;
	const struct errlist *l = aci_errors(r);
	for (size_t i = 0; i < l->n; i++)
		report(c, "%s", l->items[i]);
	if (rc < 0)
		report(c, "%s", e.msg);
	else if (c->verbose)
		printf("%s: ACI (%s), %llu entries, %s: layout checked\n", c->file,
		       aci_compression(r), n, aci_id(r));
	size_t mlen;
	const char *m = aci_manifest(r, &mlen);
	if (m)
		check_image_manifest(c, m, mlen, "manifest: ");
	verdict(c, "ACI");
	aci_close(r);
}

static void check_layout(struct ctx *c, const char *dir)
{
	_cleanup_free_ char *d = xstrdup(dir);
	for (size_t n = strlen(d); n > 1 && d[n - 1] == '/'; n--)
		d[n - 1] = '\0';
	int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		report(c, "%s", strerror(errno));
		return;
	}
	struct ctx mc = {.file = NULL, .verbose = c->verbose};
	_cleanup_free_ char *mfile = xasprintf("%s/manifest", d);
	mc.file = mfile;
	struct stat st;
	if (fstatat(dfd, "manifest", &st, AT_SYMLINK_NOFOLLOW) < 0)
		report(&mc, "missing");
	else if (!S_ISREG(st.st_mode))
		report(&mc, "not a regular file");
	else {
		struct err e = {0};
		char *json;
		size_t len;
		if (file_read_at(dfd, "manifest", ACI_MANIFEST_MAX, &json, &len, &e) < 0)
			report(c, "%s", e.msg);
		else {
			check_image_manifest(&mc, json, len, "");
			free(json);
		}
	}
	if (fstatat(dfd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) < 0)
		report(c, "rootfs: missing");
	else if (!S_ISDIR(st.st_mode))
		report(c, "rootfs: not a directory");
	DIR *dh = fdopendir(dfd);
	struct dirent *de;
	while (dh && (de = readdir(dh)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "manifest") && strcmp(de->d_name, "rootfs"))
			report(c, "%s: not manifest or rootfs", de->d_name);
	if (dh)
		closedir(dh);
	else
		close(dfd);
	c->nerr += mc.nerr;
	verdict(c, "image layout");
}

/* What the first bytes say. */
static enum vtype guess(const unsigned char *h, size_t n)
{
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return VT_ACI;
	if (n >= 3 && !memcmp(h, "BZh", 3))
		return VT_ACI;
	if (n >= 6 && !memcmp(h,
			      "\xfd"
			      "7zXZ\0",
			      6))
		return VT_ACI;
	if (n >= 262 && !memcmp(h + 257, "ustar", 5))
		return VT_ACI;
	size_t i = 0;
	if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && strchr(" \t\r\n", h[i]))
		i++;
	if (i < n && h[i] == '{')
		return VT_IMAGE; /* a manifest; acKind decides which */
	return VT_GUESS;
}

/* A JSON manifest: read it all, then acKind decides (unless t says). */
static void check_json(struct ctx *c, int fd, const char *head, size_t hlen, enum vtype t)
{
	struct err e = {0};
	char *rest;
	size_t rlen;
	if (file_read_fd(fd, JSON_MAX_SIZE, &rest, &rlen, &e) < 0) {
		report(c, "%s", e.msg);
		return;
	}
	struct buf b = {0};
	buf_add(&b, head, hlen);
	buf_add(&b, rest, rlen);
	free(rest);
	if (t == VT_GUESS) {
		struct json_doc d;
		if (json_parse(&d, b.data, b.len, &e) < 0) {
			report(c, "%s", e.msg); /* "invalid JSON: line L, column C: ..." */
			buf_free(&b);
			verdict(c, "JSON");
			return;
		}
		int k = json_get(&d, 0, "acKind");
		if (json_str_eq(&d, k, AC_KIND_IMAGE))
			t = VT_IMAGE;
		else if (json_str_eq(&d, k, AC_KIND_POD))
			t = VT_POD;
		else if (k < 0)
			report(c, "acKind: required (cannot tell the manifest type)");
		else
			report(c, "acKind: must be \"%s\" or \"%s\"", AC_KIND_IMAGE, AC_KIND_POD);
		json_free(&d);
	}
	if (t == VT_IMAGE)
		check_image_manifest(c, b.data, b.len, "");
	else if (t == VT_POD)
		check_pod_manifest(c, b.data, b.len);
	verdict(c, t == VT_POD ? "pod manifest" : t == VT_IMAGE ? "image manifest" : "JSON");
	buf_free(&b);
}

int check_file(const char *file, enum vtype t, bool verbose)
{
	struct ctx c = {.file = file, .verbose = verbose};
	struct stat st;
	int is_stdin = !strcmp(file, "-");
	if (!is_stdin && stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (t != VT_GUESS && t != VT_LAYOUT)
			report(&c, "is a directory");
		else
			check_layout(&c, file);
		return c.nerr ? 1 : 0;
	}
	if (t == VT_LAYOUT) {
		report(&c, "not a directory");
		return 1;
	}
	int fd =
	    is_stdin ? fcntl(0, F_DUPFD_CLOEXEC, 3) : open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		report(&c, "%s", strerror(errno));
		return 1;
	}
	unsigned char head[512];
	size_t hlen = 0;
	while (hlen < sizeof head) {
		ssize_t n = read(fd, head + hlen, sizeof head - hlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				report(&c, "read: %s", strerror(errno));
			break;
		}
		hlen += (size_t)n;
	}
	if (!c.nerr) {
		enum vtype g = t == VT_GUESS ? guess(head, hlen) : t;
		if (g == VT_ACI)
			check_aci(&c, fd, (const char *)head, hlen);
		else if (g == VT_IMAGE || g == VT_POD)
			check_json(&c, fd, (const char *)head, hlen, t);
		else if (hlen == 0)
			report(&c, "empty file");
		else
			report(&c, "not an ACI, an image or pod manifest, or an image layout");
	}
	close(fd);
	return c.nerr ? 1 : 0;
}
