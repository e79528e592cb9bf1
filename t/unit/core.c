/* err, xalloc buf, file, lock, opt */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "lock.h"
#include "opt.h"
#include "tap.h"
#include "xalloc.h"

static void test_err(void)
{
	struct err e = {0};
	is_int(err_set(&e, "bad %s", "x"), -1, "err_set returns -1");
	is_str(e.msg, "bad x", "err_set formats");
	errno = ENOENT;
	err_sys(&e, "open %s", "f");
	is_str(e.msg, "open f: No such file or directory", "err_sys appends strerror");
	is_int(e.errnum, ENOENT, "err_sys keeps errno");
	err_wrap(&e, "ctx");
	is_str(e.msg, "ctx: open f: No such file or directory", "err_wrap prepends");

	struct errlist l = {0};
	for (int i = 0; i < 20; i++)
		errlist_add(&l, "f%d: r", i);
	is_int(l.n, 20, "errlist grows");
	is_str(l.items[19], "f19: r", "errlist keeps order");
	errlist_free(&l);
}

static void test_buf(void)
{
	struct buf b = {0};
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'a');
	buf_printf(&b, "%d", 42);
	is_int(b.len, 1002, "buf length");
	char *s = buf_steal(&b);
	is_str(s + 1000, "42", "buf content");
	ok(b.data == NULL && b.len == 0, "buf_steal resets");
	free(s);
}

static void test_file(const char *dir)
{
	struct err e = {0};
	char *p = path_join(dir, "a/b/c");
	is_int(mkdir_p(p, 0755, &e), 0, "mkdir_p nested");
	char *f = path_join(p, "x");
	is_int(file_write_atomic(f, "hello", 5, 0600, &e), 0, "atomic write");
	char *data;
	size_t len;
	is_int(file_read(f, 0, &data, &len, &e), 0, "read back");
	is_str(data, "hello", "same content");
	free(data);
	struct stat st;
	stat(f, &st);
	is_int(st.st_mode & 0777, 0600, "mode kept");
	is_int(file_read(f, 3, &data, &len, &e), -1, "read with max refuses larger file");
	is_int(file_write_atomic(f, "new", 3, 0644, &e), 0, "atomic replace");
	file_read(f, 0, &data, &len, &e);
	is_str(data, "new", "replaced content");
	free(data);
	is_int(file_read(p, 0, &data, &len, &e), -1, "reading a directory fails");
	char *j = path_join("/a//", "/b");
	is_str(j, "/a/b", "path_join folds slashes");
	free(j);

	/* rm_tree does not follow symlinks out of the tree */
	char *outside = path_join(dir, "outside");
	mkdir(outside, 0755);
	char *keep = path_join(outside, "keep");
	file_write_atomic(keep, "k", 1, 0644, &e);
	char *lnk = path_join(p, "link");
	symlink(outside, lnk);
	char *top = path_join(dir, "a");
	is_int(rm_tree(top, &e), 0, "rm_tree removes tree");
	ok(access(top, F_OK) < 0, "tree gone");
	ok(access(keep, F_OK) == 0, "symlink target outside survives");
	is_int(rm_tree(top, &e), 0, "rm_tree of missing path is fine");
	free(outside), free(keep), free(lnk), free(top), free(p), free(f);
}

/* rm_tree never enters a mount: not a tmpfs, not a bind mount of the same
 * filesystem (same st_dev), whatever is inside survives. */
static void test_rm_tree_mounts(const char *dir)
{
	struct err e = {0};
	char *top = path_join(dir, "m"), *sub = path_join(dir, "m/a/mnt");
	char *src = path_join(dir, "hostdir"), *keep = path_join(dir, "hostdir/keep");
	char *sub2 = path_join(dir, "m/b");
	mkdir_p(sub, 0755, &e);
	mkdir_p(sub2, 0755, &e);
	mkdir(src, 0755);
	file_write_atomic(keep, "k", 1, 0644, &e);
	ok(mount(src, sub, NULL, MS_BIND, NULL) == 0, "bind mount a dir of the same fs");
	ok(mount("tmpfs", sub2, "tmpfs", 0, NULL) == 0, "mount a tmpfs");
	char *t = path_join(sub2, "inside");
	file_write_atomic(t, "t", 1, 0644, &e);
	is_int(rm_tree(top, &e), -1, "rm_tree reports the mounts it would cross");
	ok(strstr(e.msg, "is a mount point") != NULL, "error says why: %s", e.msg);
	ok(access(keep, F_OK) == 0, "bound host dir's file survives");
	ok(access(t, F_OK) == 0, "tmpfs content survives");
	umount2(sub, MNT_DETACH);
	umount2(sub2, MNT_DETACH);
	is_int(rm_tree(top, &e), 0, "after unmounting, the tree goes");
	free(top), free(sub), free(src), free(keep), free(sub2), free(t);
}

static void test_lock(const char *dir)
{
	struct err e = {0};
	char *p = path_join(dir, "lock");
	int fd = lock_path(p, LOCK_EXCL, 1, &e);
	ok(fd >= 0, "take exclusive lock");
	pid_t pid = fork();
	if (pid == 0) {
		struct err e2;
		int r = lock_path(p, LOCK_EXCL, 1, &e2);
		_exit(r < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "second locker gets EWOULDBLOCK");
	is_int(lock_is_held_at(AT_FDCWD, p, &e), 1, "lock_is_held sees it");
	close(fd);
	is_int(lock_is_held_at(AT_FDCWD, p, &e), 0, "released on close");
	free(p);
}

static void test_opt(void)
{
	bool b = false;
	ok(opt_bool(NULL, &b) == 0 && b, "bare flag is true");
	ok(opt_bool("false", &b) == 0 && !b, "false");
	ok(opt_bool("maybe", &b) < 0, "junk refused");
	is_int(opt_duration_ms("30m"), 1800000, "30m");
	is_int(opt_duration_ms("1h30m"), 5400000, "1h30m");
	is_int(opt_duration_ms("500ms"), 500, "500ms");
	is_int(opt_duration_ms("10"), -1, "unitless refused");
	is_int(opt_duration_ms("x"), -1, "junk duration refused");
}

int main(void)
{
	char tmpl[] = "/tmp/rkt-unit-XXXXXX";
	const char *dir = mkdtemp(tmpl);
	if (!dir)
		return 1;
	test_err();
	test_buf();
	test_file(dir);
	test_rm_tree_mounts(dir);
	test_lock(dir);
	test_opt();
	struct err e;
	rm_tree(dir, &e);
	return done_testing();
}
