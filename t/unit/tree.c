/* tree_checksum_at: what the tree checksum covers and what it leaves out. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "tap.h"
#include "tree.h"
#include "xalloc.h"

static char base[] = "/tmp/tree-unit-XXXXXX";

static void put(const char *rel, const char *data)
{
	char *p = path_join(base, rel);
	FILE *f = fopen(p, "w");
	fputs(data, f);
	fclose(f);
	free(p);
}

static void sum(const char *name, char out[TREE_SUM_SIZE])
{
	struct err e = {0};
	int fd = open(base, O_RDONLY | O_DIRECTORY);
	if (tree_checksum_at(fd, name, out, &e) < 0)
		printf("# checksum %s: %s\n", name, e.msg);
	close(fd);
}

/* two trees, same content, made in different orders */
static void make(const char *root, int reverse)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", base, root);
	mkdir(p, 0755);
	const char *files[] = {"a", "b", "c", "zz"};
	snprintf(p, sizeof p, "%s/d", root);
	char *dp = path_join(base, p);
	mkdir(dp, 0750);
	free(dp);
	for (int i = 0; i < 4; i++) {
		int k = reverse ? 3 - i : i;
		snprintf(p, sizeof p, "%s/d/%s", root, files[k]);
		put(p, files[k]);
	}
	snprintf(p, sizeof p, "%s/%s/link", base, root);
	symlink("d/a", p);
}

int main(void)
{
	char s1[TREE_SUM_SIZE], s2[TREE_SUM_SIZE], s3[TREE_SUM_SIZE];
	if (!mkdtemp(base))
		return 1;
	make("one", 0);
	make("two", 1);
	sum("one", s1);
	sum("two", s2);
	ok(!strncmp(s1, "xxh3-128:", 9) && strlen(s1) == TREE_SUM_SIZE - 1, "format %s", s1);
	is_str(s1, s2, "creation order does not matter");

	char *p = path_join(base, "two/d/a");
	struct timespec old[2] = {{1000, 0}, {1000, 0}};
	utimensat(AT_FDCWD, p, old, 0);
	sum("two", s2);
	is_str(s1, s2, "times are left out");

	chmod(p, 0600);
	sum("two", s2);
	ok(strcmp(s1, s2) != 0, "a mode change is seen");
	chmod(p, 0644);
	sum("two", s2);
	is_str(s1, s2, "and undone");

	/* the suite runs as root */
	ok(chown(p, 1000, 1000) == 0, "chown");
	sum("two", s2);
	ok(strcmp(s1, s2) != 0, "an owner change is seen");
	ok(chown(p, 0, 0) == 0, "chown back");
	sum("two", s2);
	is_str(s1, s2, "and undone");

	put("two/d/a", "A");
	sum("two", s2);
	ok(strcmp(s1, s2) != 0, "a content change is seen");
	put("two/d/a", "a");

	char *l = path_join(base, "two/link");
	unlink(l);
	symlink("d/b", l);
	sum("two", s2);
	ok(strcmp(s1, s2) != 0, "a symlink target change is seen");
	unlink(l);
	symlink("d/a", l);
	sum("two", s3);
	is_str(s1, s3, "and undone");

	put("two/d/new", "");
	sum("two", s2);
	ok(strcmp(s1, s2) != 0, "an added empty file is seen");
	char *n = path_join(base, "two/d/new");
	unlink(n);

	/* content moved between files: same bytes overall, other tree */
	put("two/d/a", "ab");
	put("two/d/b", "");
	sum("two", s2);
	ok(strcmp(s1, s2) != 0, "content moved between files is seen");

	struct err e = {0};
	int fd = open(base, O_RDONLY | O_DIRECTORY);
	ok(tree_checksum_at(fd, "missing", s2, &e) < 0, "a missing tree is an error");
	close(fd);

	rm_tree(base, &e);
	free(p), free(l), free(n);
	return done_testing();
}
