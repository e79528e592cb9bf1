/* extract: safe extraction into a temp root: escapes through symlinks and
 * hard links, overwrite rules, devices, whitelist, metadata, hooks. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "aci.h"
#include "extract.h"
#include "file.h"
#include "tap.h"
#include "xalloc.h"

struct ent {
	const char *name;
	char type; /* f d l h c p */
	const char *data_or_link;
	unsigned mode; /* 0: default */
};

static char top[64]; /* the scratch dir: root/ and outside/ live in it */

static int make_tar(const struct ent *ents)
{
	char path[] = "/tmp/extract-tar-XXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_fd(a, fd);
	for (const struct ent *x = ents; x->name; x++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, x->name);
		archive_entry_set_mtime(ae, 1234567890, 0);
		archive_entry_set_uid(ae, 1000);
		archive_entry_set_gid(ae, 50);
		const char *d = x->data_or_link;
		switch (x->type) {
		case 'f':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, x->mode ? x->mode : 0644);
			archive_entry_set_size(ae, d ? (la_int64_t)strlen(d) : 0);
			if (x->mode & 04000) {
				archive_entry_xattr_add_entry(ae, "user.rkt", "v", 1);
				static const unsigned char cap[20] = {0, 0, 0,
								      2, 0, 4}; /* v2, bind */
				archive_entry_xattr_add_entry(ae, "security.capability", cap,
							      sizeof cap);
			}
			break;
		case 'd':
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, x->mode ? x->mode : 0755);
			break;
		case 'l':
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_perm(ae, 0777);
			archive_entry_set_symlink(ae, d);
			break;
		case 'h':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_hardlink(ae, d);
			break;
		case 'c':
			archive_entry_set_filetype(ae, AE_IFCHR);
			archive_entry_set_perm(ae, 0666);
			archive_entry_set_rdev(ae, makedev(1, 3));
			break;
		case 'p':
			archive_entry_set_filetype(ae, AE_IFIFO);
			archive_entry_set_perm(ae, 0600);
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

static int rootfd = -1;
static char errmsg[1024];

static int run(const struct extract_opts *o, const struct ent *ents)
{
	struct err e = {0};
	struct aci_reader *r;
	int fd = make_tar(ents);
	int rc = aci_open_fd(fd, 0, -1, &r, &e);
	if (rc == 0) {
		rc = extract_aci(r, rootfd, o, &e);
		aci_close(r);
	}
	close(fd);
	snprintf(errmsg, sizeof errmsg, "%s", rc < 0 ? e.msg : "");
	return rc;
}

#define RUN(opts, ...)                                                                             \
	({                                                                                         \
		const struct ent ents_[] = {                                                       \
		    {"manifest", 'f', "{}", 0}, {"rootfs", 'd', 0, 0}, __VA_ARGS__, {0}};          \
		run(opts, ents_);                                                                  \
	})

static char *at(const char *rel)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", top, rel);
	return buf[i];
}

static void fresh_root(void)
{
	struct err e;
	if (rootfd >= 0)
		close(rootfd);
	rm_tree(at("root"), &e);
	mkdir(at("root"), 0755);
	rootfd = open(at("root"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void test_basic(void)
{
	struct stat st;
	struct extract_opts o = {.flags = EXTRACT_OWNER};
	fresh_root();
	is_int(RUN(&o, {"rootfs/bin", 'd', 0, 0750}, {"rootfs/bin/su", 'f', "suid", 04755},
		   {"rootfs/bin/ln", 'h', "rootfs/bin/su", 0}, {"rootfs/sh", 'l', "/bin/su", 0},
		   {"rootfs/fifo", 'p', 0, 0}, {"rootfs/null", 'c', 0, 0},
		   {"rootfs/deep/er/file", 'f', "x", 0}),
	       0, "extract a tree %s", errmsg);
	ok(lstat(at("root/bin/su"), &st) == 0 && (st.st_mode & 07777) == 04755 &&
	       st.st_uid == 1000 && st.st_gid == 50 && st.st_mtime == 1234567890,
	   "setuid file: mode, owner and mtime kept");
	struct stat st2;
	ok(lstat(at("root/bin/ln"), &st2) == 0 && st2.st_ino == st.st_ino && st.st_nlink == 2,
	   "hard link is the same inode");
	ok(lstat(at("root/bin"), &st) == 0 && (st.st_mode & 07777) == 0750 &&
	       st.st_mtime == 1234567890,
	   "directory mode and mtime (set after its contents)");
	char buf[64] = {0};
	ok(readlink(at("root/sh"), buf, sizeof buf - 1) > 0 && !strcmp(buf, "/bin/su"),
	   "symlink target as given");
	ok(lstat(at("root/fifo"), &st) == 0 && S_ISFIFO(st.st_mode), "fifo made");
	ok(lstat(at("root/null"), &st) < 0, "device node skipped without EXTRACT_DEVICES");
	ok(lstat(at("root/deep/er/file"), &st) == 0, "missing parents made");
	ok(getxattr(at("root/bin/su"), "user.rkt", buf, sizeof buf) == 1 && buf[0] == 'v',
	   "user xattr restored");
	ok(getxattr(at("root/bin/su"), "security.capability", buf, sizeof buf) == 20,
	   "security.capability restored");
	ok(lstat(at("root/manifest"), &st) < 0, "manifest not in the rootfs");

	o.flags |= EXTRACT_DEVICES;
	fresh_root();
	is_int(RUN(&o, {"rootfs/null", 'c', 0, 0}), 0, "devices allowed");
	ok(lstat(at("root/null"), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
	   "device node made with EXTRACT_DEVICES");

	o.flags = EXTRACT_WHOLE;
	fresh_root();
	is_int(RUN(&o, {"rootfs/a", 'f', "a", 0}, {"rootfs/b", 'h', "rootfs/a", 0}), 0, "whole");
	char *m = NULL;
	struct err e;
	ok(file_read(at("root/manifest"), 0, &m, NULL, &e) == 0 && !strcmp(m, "{}"),
	   "EXTRACT_WHOLE writes the manifest");
	free(m);
	ok(lstat(at("root/rootfs/b"), &st) == 0 && st.st_nlink == 2, "and links inside rootfs/");
}

static void test_escapes(void)
{
	struct stat st;
	struct extract_opts o = {0};
	char outside[600];
	snprintf(outside, sizeof outside, "%s", at("outside"));
	mkdir(outside, 0755);
	fresh_root();
	ok(RUN(&o, {"rootfs/evil", 'l', outside, 0}, {"rootfs/evil/pwn", 'f', "x", 0}) < 0,
	   "file through an absolute symlink fails: %s", errmsg);
	ok(lstat(at("outside/pwn"), &st) < 0, "nothing written outside");
	ok(strncmp(errmsg, "rootfs/evil/pwn: ", 17) == 0, "error names the entry");

	/* within one archive an entry below a symlink is refused when read (aci.c);
	 * below a symlink of a lower layer (a dependency) it resolves in the root */
	fresh_root();
	ok(RUN(&o, {"rootfs/up", 'l', "../../../../../../..", 0}, {"rootfs/up/x", 'd', 0, 0}) < 0 &&
	       strstr(errmsg, "goes through the symlink rootfs/up"),
	   "an entry below a symlink of the same archive is refused: %s", errmsg);
	fresh_root();
	ok(RUN(&o, {"rootfs/up", 'l', "../../../../../../..", 0}) == 0, "layer 1: a .. symlink");
	ok(RUN(&o, {"rootfs/up/x", 'd', 0, 0}, {"rootfs/up/x/f", 'f', "y", 0}) == 0,
	   "layer 2: through it, resolved inside the root: %s", errmsg);
	ok(lstat(at("root/x/f"), &st) == 0, "written at the root's own /x");

	fresh_root();
	char rel[700];
	snprintf(rel, sizeof rel, "../outside");
	ok(RUN(&o, {"rootfs/s", 'l', rel, 0}, {"rootfs/s/secret", 'f', "z", 0},
	       {"rootfs/h", 'h', "rootfs/s/secret", 0}) < 0,
	   "relative escape through a symlink fails: %s", errmsg);
	ok(lstat(at("outside/secret"), &st) < 0, "outside untouched");

	/* symlink to a real dir inside: hard link through it stays inside */
	fresh_root();
	ok(RUN(&o, {"rootfs/real", 'd', 0, 0}, {"rootfs/s", 'l', "/real", 0}) == 0, "layer 1");
	ok(RUN(&o, {"rootfs/s/x", 'f', "x", 0}, {"rootfs/h", 'h', "rootfs/s/x", 0}) == 0,
	   "layer 2: hard link through an inside symlink: %s", errmsg);
	struct stat a, b;
	ok(lstat(at("root/real/x"), &a) == 0 && lstat(at("root/h"), &b) == 0 &&
	       a.st_ino == b.st_ino,
	   "linked to the file inside");

	/* outside file exists: a hard link naming it via .. is refused */
	int fd = open(at("outside/target"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	close(fd);
	fresh_root();
	ok(RUN(&o, {"rootfs/h", 'h', "rootfs/../../outside/target", 0}) < 0 &&
	       strstr(errmsg, "outside rootfs/"),
	   "hard link escaping rootfs refused: %s", errmsg);
	ok(lstat(at("root/h"), &st) < 0, "no link made");

	/* replacing a symlink with a file writes the file, not through the link */
	fresh_root();
	char abs[700];
	snprintf(abs, sizeof abs, "%s", at("outside/target"));
	ok(RUN(&o, {"rootfs/l", 'l', abs, 0}) == 0, "layer 1: symlink to an outside file");
	ok(RUN(&o, {"rootfs/l", 'f', "new", 0}) == 0, "layer 2: a file on the same path");
	ok(lstat(at("root/l"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 3,
	   "the link was replaced by the file");
	ok(lstat(at("outside/target"), &st) == 0 && st.st_size == 0, "its target untouched");

	/* a symlink to a directory is removed, not followed, by a directory */
	fresh_root();
	ok(RUN(&o, {"rootfs/realdir", 'd', 0, 0}, {"rootfs/d", 'l', "realdir", 0}) == 0, "layer 1");
	ok(RUN(&o, {"rootfs/d", 'd', 0, 0}, {"rootfs/d/new", 'f', "n", 0}) == 0, "layer 2");
	ok(lstat(at("root/d"), &st) == 0 && S_ISDIR(st.st_mode), "d is now a real directory");
	ok(lstat(at("root/realdir/new"), &st) < 0 && lstat(at("root/d/new"), &st) == 0,
	   "the old link target got nothing");

	/* a directory replaced by a file, a file by a directory */
	fresh_root();
	ok(RUN(&o, {"rootfs/x", 'd', 0, 0}, {"rootfs/x/y", 'f', "y", 0},
	       {"rootfs/z", 'f', "z", 0}) == 0,
	   "layer 1");
	ok(RUN(&o, {"rootfs/x", 'f', "now a file", 0}, {"rootfs/z", 'd', 0, 0}) == 0, "layer 2");
	ok(lstat(at("root/x"), &st) == 0 && S_ISREG(st.st_mode), "directory replaced by a file");
	ok(lstat(at("root/z"), &st) == 0 && S_ISDIR(st.st_mode), "file replaced by a directory");
	ok(RUN(&o, {"rootfs/z", 'l', "/nowhere", 0}) == 0, "layer 3");
	ok(lstat(at("root/z"), &st) == 0 && S_ISLNK(st.st_mode), "directory replaced by a link");

	/* a layout error stops extraction and names the entry */
	fresh_root();
	ok(RUN(&o, {"rootfs/ok", 'f', "1", 0}, {"bad", 'f', "2", 0}) < 0 &&
	       !strcmp(errmsg, "bad: outside rootfs/"),
	   "layout error stops: %s", errmsg);
}

static int whiteout_hook(void *ctx, int root, const char *path, const struct aci_entry *ent,
			 struct err *e)
{
	(void)ent;
	int *calls = ctx;
	(*calls)++;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strncmp(base, ".wh.", 4))
		return 0;
	char *victim = xasprintf("%.*s%s", (int)(base - path), path, base + 4);
	int r = extract_remove_at(root, victim, e);
	free(victim);
	return r < 0 ? -1 : 1;
}

static void test_filters(void)
{
	struct stat st;
	const char *wl[] = {"/bin/keep", "/etc/passwd"};
	struct extract_opts o = {.whitelist = wl, .n_whitelist = 2};
	fresh_root();
	ok(RUN(&o, {"rootfs/bin", 'd', 0, 0}, {"rootfs/bin/keep", 'f', "k", 0},
	       {"rootfs/bin/drop", 'f', "d", 0}, {"rootfs/etc/passwd", 'f', "p", 0}) == 0,
	   "whitelist extract");
	ok(lstat(at("root/bin/keep"), &st) == 0 && lstat(at("root/etc/passwd"), &st) == 0,
	   "listed paths extracted");
	ok(lstat(at("root/bin/drop"), &st) < 0, "others left out");

	int calls = 0;
	struct extract_opts h = {.hook = whiteout_hook, .hook_ctx = &calls};
	fresh_root();
	ok(RUN(&h, {"rootfs/a", 'd', 0, 0}, {"rootfs/a/gone", 'f', "g", 0},
	       {"rootfs/a/stay", 'f', "s", 0}) == 0,
	   "layer 1");
	ok(RUN(&h, {"rootfs/a/.wh.gone", 'f', "", 0}) == 0, "layer 2 with a whiteout");
	ok(lstat(at("root/a/gone"), &st) < 0 && lstat(at("root/a/stay"), &st) == 0,
	   "hook removed the whited-out file");
	ok(lstat(at("root/a/.wh.gone"), &st) < 0, "the whiteout itself is not extracted");
	is_int(calls, 6, "hook saw every entry of both layers, rootfs too");
}

int main(void)
{
	snprintf(top, sizeof top, "/tmp/extract-unit-XXXXXX");
	if (!mkdtemp(top))
		return 1;
	test_basic();
	test_escapes();
	test_filters();
	struct err e;
	close(rootfd);
	rm_tree(top, &e);
	return done_testing();
}
