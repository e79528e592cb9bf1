/* aci: the one-pass reader: image ID over every compression, tee, layout
 * checks listing every problem, manifest reading, path cleaning. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "aci.h"
#include "digest.h"
#include "tap.h"
#include "xalloc.h"

struct ent {
	const char *name;
	char type; /* f d l h c p s */
	const char *data_or_link;
};

static const char *MANIFEST = "{\"acKind\":\"ImageManifest\"}";

/* Writes the entries as a tar, with the given libarchive filter, to a temp
 * file; returns its fd at offset 0. */
static int make_tar(const struct ent *ents, int filter)
{
	char path[] = "/tmp/aci-unit-XXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (filter)
		archive_write_add_filter(a, filter);
	archive_write_open_fd(a, fd);
	for (const struct ent *x = ents; x->name; x++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, x->name);
		archive_entry_set_mtime(ae, 1000, 0);
		const char *d = x->data_or_link;
		switch (x->type) {
		case 'f':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, d ? (la_int64_t)strlen(d) : 0);
			break;
		case 'd':
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
			break;
		case 'l':
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, d);
			break;
		case 'h':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, d);
			break;
		case 'c':
			archive_entry_set_filetype(ae, AE_IFCHR);
			archive_entry_set_rdev(ae, makedev(1, 3));
			break;
		case 'p':
			archive_entry_set_filetype(ae, AE_IFIFO);
			break;
		}
		archive_write_header(a, ae);
		if (x->type == 'f' && d)
			archive_write_data(a, d, strlen(d));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Scans and returns the error list joined with '|' (malloc'd), or the read
 * error prefixed by "ERR ". */
static char *scan(const struct ent *ents, struct aci_info *info)
{
	struct err e = {0};
	int fd = make_tar(ents, 0);
	struct aci_info tmp;
	if (!info)
		info = &tmp;
	int rc = aci_scan_fd(fd, ACI_HASH, -1, info, &e);
	close(fd);
	if (rc < 0)
		return xasprintf("ERR %s", e.msg);
	struct buf b = {0};
	for (size_t i = 0; i < info->errors.n; i++) {
		if (i)
			buf_addc(&b, '|');
		buf_adds(&b, info->errors.items[i]);
	}
	if (info == &tmp)
		aci_info_free(info);
	return buf_steal(&b);
}

#define CHECK(want, ...)                                                                           \
	do {                                                                                       \
		const struct ent ents_[] = {__VA_ARGS__, {0}};                                     \
		char *got_ = scan(ents_, NULL);                                                    \
		is_str(got_, want, "layout: %s", want[0] ? want : "valid");                        \
		free(got_);                                                                        \
	} while (0)

static void test_ids(void)
{
	const struct ent ents[] = {{"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0},
				   {"rootfs/a", 'f', "hello"},	{"rootfs/b", 'h', "rootfs/a"},
				   {"rootfs/l", 'l', "/a"},	{0}};
	int fd = make_tar(ents, 0);
	unsigned char d[SHA512_LEN];
	char want[IMAGE_ID_SIZE];
	struct err e = {0};
	sha512_fd(fd, d, &e);
	image_id_format(d, want);
	close(fd);
	int filters[] = {ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_BZIP2,
			 ARCHIVE_FILTER_XZ};
	const char *names[] = {"none", "gzip", "bzip2", "xz"};
	for (int i = 0; i < 4; i++) {
		struct aci_info info;
		fd = make_tar(ents, filters[i]);
		is_int(aci_scan_fd(fd, ACI_HASH, -1, &info, &e), 0, "%s: scan", names[i]);
		close(fd);
		is_str(info.id, want, "%s: ID is the digest of the uncompressed tar", names[i]);
		is_int(info.errors.n, 0, "%s: valid layout", names[i]);
		is_str(info.manifest, MANIFEST, "%s: manifest read", names[i]);
		is_int(info.entries, 5, "%s: five entries", names[i]);
		aci_info_free(&info);
	}

	/* the tee gets the uncompressed tar, byte for byte */
	char tpath[] = "/tmp/aci-tee-XXXXXX";
	int tfd = mkstemp(tpath);
	unlink(tpath);
	fd = make_tar(ents, ARCHIVE_FILTER_GZIP);
	struct aci_info info;
	is_int(aci_scan_fd(fd, ACI_HASH, tfd, &info, &e), 0, "scan with tee");
	close(fd);
	lseek(tfd, 0, SEEK_SET);
	sha512_fd(tfd, d, &e);
	char got[IMAGE_ID_SIZE];
	image_id_format(d, got);
	is_str(got, want, "tee holds the uncompressed tar");
	is_int(lseek(tfd, 0, SEEK_END), info.tar_size, "tee size is the tar size");
	close(tfd);
	aci_info_free(&info);

	/* a tee that cannot be written is a read error naming write */
	fd = make_tar(ents, 0);
	int bad = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ok(aci_scan_fd(fd, ACI_HASH, bad, &info, &e) < 0 && !strncmp(e.msg, "write: ", 7),
	   "tee write error reported: %s", e.msg);
	close(bad);
	close(fd);

	/* iterator: rootfs paths, hard link targets, block data */
	fd = make_tar(ents, ARCHIVE_FILTER_XZ);
	struct aci_reader *r;
	struct aci_entry *ent;
	is_int(aci_open_fd(fd, ACI_HASH, -1, &r, &e), 0, "open reader");
	is_str(aci_compression(r), "xz", "compression detected");
	int n = 0;
	while (aci_next(r, &ent, &e) > 0) {
		n++;
		if (!strcmp(ent->path, "rootfs"))
			is_str(ent->rootfs_path, "", "rootfs itself is \"\"");
		if (!strcmp(ent->path, "manifest"))
			ok(ent->rootfs_path == NULL && aci_manifest(r, NULL), "manifest at once");
		if (!strcmp(ent->path, "rootfs/a")) {
			const void *buf;
			size_t len;
			int64_t off;
			ok(aci_data_block(r, &buf, &len, &off, &e) == 1 && len == 5 &&
			       !memcmp(buf, "hello", 5) && off == 0,
			   "data of rootfs/a");
		}
		if (!strcmp(ent->path, "rootfs/b"))
			is_str(ent->hardlink_rootfs, "a", "hard link target below rootfs");
	}
	is_int(n, 5, "iterated five entries");
	is_str(aci_id(r), want, "iterator ID");
	aci_close(r);
	close(fd);
}

static void test_layout(void)
{
	CHECK("", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0});
	CHECK("", {"./", 'd', 0}, {"./manifest", 'f', MANIFEST}, {"./rootfs/", 'd', 0},
	      {"./rootfs//x", 'f', "x"});
	CHECK("rootfs: missing", {"manifest", 'f', MANIFEST});
	CHECK("manifest: missing", {"rootfs", 'd', 0}, {"rootfs/x", 'f', "x"});
	CHECK("manifest: missing|rootfs: missing", {"rootfs/x", 'f', "x"});
	CHECK("etc/passwd: outside rootfs/", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0},
	      {"etc/passwd", 'f', "x"});
	CHECK("rootfs/../x: path has a .. component", {"manifest", 'f', MANIFEST},
	      {"rootfs", 'd', 0}, {"rootfs/../x", 'f', "x"});
	CHECK("/rootfs/x: absolute path", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0},
	      {"/rootfs/x", 'f', "x"});
	CHECK("rootfs/x: duplicate entry", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0},
	      {"rootfs/x", 'f', "x"}, {"rootfs/x", 'f', "y"});
	CHECK("rootfs/x/: duplicate entry", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0},
	      {"rootfs/x", 'd', 0}, {"rootfs/x/", 'd', 0});
	CHECK("manifest/: not a regular file", {"manifest", 'd', 0}, {"rootfs", 'd', 0});
	CHECK("rootfs: not a directory", {"manifest", 'f', MANIFEST}, {"rootfs", 'f', "x"});
	CHECK("rootfs/h: hard link to etc/x outside rootfs/", {"manifest", 'f', MANIFEST},
	      {"rootfs", 'd', 0}, {"rootfs/h", 'h', "etc/x"});
	CHECK("rootfs/h: hard link to rootfs/../manifest outside rootfs/",
	      {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0},
	      {"rootfs/h", 'h', "rootfs/../manifest"});
	CHECK("rootfs/h: hard link to manifest outside rootfs/", {"manifest", 'f', MANIFEST},
	      {"rootfs", 'd', 0}, {"rootfs/h", 'h', "manifest"});
	CHECK("rootfs/h: hard link to rootfs/nope not earlier in the archive",
	      {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/h", 'h', "rootfs/nope"});
	CHECK("rootfs/h: hard link to directory rootfs/d", {"manifest", 'f', MANIFEST},
	      {"rootfs", 'd', 0}, {"rootfs/d", 'd', 0}, {"rootfs/h", 'h', "rootfs/d"});
	CHECK("", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/dev", 'd', 0},
	      {"rootfs/dev/null", 'c', 0}, {"rootfs/p", 'p', 0}, {"rootfs/l", 'l', "../../../etc"});
	/* every problem listed, in archive order, then the end-of-archive ones */
	CHECK("x: outside rootfs/|/y: absolute path|rootfs/../z: path has a .. component|"
	      "manifest: missing",
	      {"rootfs", 'd', 0}, {"x", 'f', 0}, {"/y", 'f', 0}, {"rootfs/../z", 'f', 0});
	char *huge = xmalloc(5000);
	memset(huge, 'a', 4999);
	memcpy(huge, "rootfs/", 7);
	huge[4999] = 0;
	struct ent big[] = {{"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {huge, 'f', 0}, {0}};
	char *got = scan(big, NULL);
	ok(strstr(got, ": name too long (4999 bytes)") && strstr(got, "...") && strlen(got) < 300,
	   "a huge name is refused and shortened in the message");
	free(got);
	free(huge);
	const struct ent ctl[] = {
	    {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"a\nb", 'f', 0}, {0}};
	got = scan(ctl, NULL);
	is_str(got, "a\\x0ab: outside rootfs/", "control characters escaped in labels");
	free(got);
}

/* Refused when read, since every extraction would fail on them: a name
 * component over NAME_MAX, a name or symlink target over PATH_MAX - 1, an
 * entry below a symlink (or a hard link to one) of the same archive. */
static void test_limits(void)
{
	char c255[256], c256[257], *p;
	memset(c255, 'a', 255), c255[255] = 0;
	memset(c256, 'b', 256), c256[256] = 0;
	char *n255 = xasprintf("rootfs/d/%s", c255), *n256 = xasprintf("rootfs/d/%s/x", c256);
	CHECK("", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/d", 'd', 0},
	      {n255, 'f', 0});
	const struct ent longc[] = {
	    {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {n256, 'f', 0}, {0}};
	p = scan(longc, NULL);
	ok(strstr(p, "...: a name component is longer than 255 bytes (256)") != NULL,
	   "a 256-byte component is refused: %.60s", p);
	free(p);
	char *path = xmalloc(4200), *target = xmalloc(4200);
	size_t n = (size_t)sprintf(path, "rootfs");
	while (n + 101 < 4095) { /* components of 100 bytes */
		path[n++] = '/';
		memset(path + n, 'p', 100);
		n += 100;
	}
	path[n++] = '/';
	memset(path + n, 'q', 4095 - n);
	path[4095] = 0;
	const struct ent maxp[] = {
	    {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {path, 'f', 0}, {0}};
	p = scan(maxp, NULL);
	is_str(p, "", "a 4095-byte name is accepted");
	free(p);
	path[4095] = 'q', path[4096] = 0;
	p = scan(maxp, NULL);
	ok(strstr(p, ": name too long (4096 bytes)") != NULL, "a 4096-byte name is refused");
	free(p);
	memset(target, 't', 4096), target[0] = '/', target[4096] = 0;
	const struct ent lt[] = {
	    {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/l", 'l', target}, {0}};
	p = scan(lt, NULL);
	is_str(p, "rootfs/l: symlink target too long (4096 bytes)",
	       "a 4096-byte target is refused");
	free(p);
	CHECK("rootfs/l/x: goes through the symlink rootfs/l earlier in the archive",
	      {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/l", 'l', "/etc"},
	      {"rootfs/l/x", 'f', 0});
	CHECK("rootfs/d/l/a/b/: goes through the symlink rootfs/d/l earlier in the archive",
	      {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/d", 'd', 0},
	      {"rootfs/d/l", 'l', "../.."}, {"rootfs/d/l/a/b", 'd', 0});
	CHECK("rootfs/h/x: goes through the symlink rootfs/h earlier in the archive",
	      {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/l", 'l', "/tmp"},
	      {"rootfs/h", 'h', "rootfs/l"}, {"rootfs/h/x", 'f', 0});
	CHECK("", {"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {"rootfs/l", 'l', "d"},
	      {"rootfs/d", 'd', 0}, {"rootfs/d/x", 'f', 0}, {"rootfs/lx", 'f', 0});
	free(n255);
	free(n256);
	free(path);
	free(target);
}

static void test_errors(void)
{
	struct err e = {0};
	struct aci_info info;
	char path[] = "/tmp/aci-garbage-XXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	ok(write(fd, "this is not a tar archive at all, just some words\n", 50) == 50, "garbage");
	lseek(fd, 0, SEEK_SET);
	ok(aci_scan_fd(fd, ACI_HASH, -1, &info, &e) < 0, "garbage refused: %s", e.msg);
	close(fd);

	/* truncated gzip */
	const struct ent ents[] = {{"manifest", 'f', MANIFEST}, {"rootfs", 'd', 0}, {0}};
	fd = make_tar(ents, ARCHIVE_FILTER_GZIP);
	off_t size = lseek(fd, 0, SEEK_END);
	ok(ftruncate(fd, size / 2) == 0, "truncate");
	lseek(fd, 0, SEEK_SET);
	ok(aci_scan_fd(fd, ACI_HASH, -1, &info, &e) < 0, "truncated gzip refused: %s", e.msg);
	close(fd);
}

static void test_clean(void)
{
	const char *cases[][2] = {
	    {"./a/b/", "a/b"},	{"a//b", "a/b"},      {"./", "."},    {".", "."},      {"", ""},
	    {"/a/./b", "/a/b"}, {"a/../b", "a/../b"}, {"././x", "x"}, {"//x//", "/x"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *p = xstrdup(cases[i][0]);
		aci_path_clean(p);
		is_str(p, cases[i][1], "clean '%s'", cases[i][0]);
		free(p);
	}
	ok(aci_path_has_dotdot("a/../b") && aci_path_has_dotdot("..") &&
	       !aci_path_has_dotdot("a/..b") && !aci_path_has_dotdot("..a/b"),
	   "dotdot components");
}

int main(void)
{
	test_clean();
	test_ids();
	test_layout();
	test_limits();
	test_errors();
	return done_testing();
}
