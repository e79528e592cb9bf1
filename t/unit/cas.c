/* cas: layout, info files, list, no-replace writes, rm, touch. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas.h"
#include "file.h"
#include "tap.h"
#include "xalloc.h"

static char base[] = "/tmp/cas-unit-XXXXXX";

static void fake_id(char id[CAS_ID_LEN + 1], char c)
{
	memcpy(id, "sha512-", 7);
	memset(id + 7, c, CAS_HEX_LEN);
	id[CAS_ID_LEN] = '\0';
}

int main(void)
{
	struct err e = {0};
	struct cas c;
	char id[CAS_ID_LEN + 1], id2[CAS_ID_LEN + 1];
	if (!mkdtemp(base))
		return 1;
	char *dir = path_join(base, "store");

	ok(cas_open(&c, dir, CAS_SHARED, &e) == 0, "open creates the store");
	const char *dirs[] = {"cas/blob/sha512", "cas/manifest",   "cas/info",
			      "cas/tree",	 "cas/quarantine", "cas/lock"};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		char *p = path_join(dir, dirs[i]);
		ok(access(p, F_OK) == 0, "%s exists", dirs[i]);
		free(p);
	}

	fake_id(id, 'a');
	ok(cas_id_valid(id), "valid ID");
	ok(!cas_id_valid("sha512-abc"), "short ID");
	id[9] = 'A';
	ok(!cas_id_valid(id), "upper-case hex refused");
	fake_id(id, 'a');
	fake_id(id2, 'b');

	struct kv labels[] = {{"version", "1.0"}, {"weird", "a\nb%c=d"}};
	ok(cas_info_write(&c, id, "example.com/x", labels, 2, 1234, &e) == 0, "info written");
	struct cas_image img;
	ok(cas_image_get(&c, id, &img, &e) == 0, "info read");
	is_str(img.name, "example.com/x", "name");
	is_int(img.size, 1234, "size");
	is_int(img.nlabels, 2, "labels");
	is_str(cas_image_label(&img, "weird"), "a\nb%c=d", "escaped value round-trips");
	is_str(cas_image_label(&img, "version"), "1.0", "version label");
	ok(img.imported.tv_sec > 0, "import time");
	cas_image_clear(&img);

	ok(cas_write_noreplace(c.casfd, "manifest", id, "{}", 2, 0444, &e) == 0, "written");
	is_int(cas_write_noreplace(c.casfd, "manifest", id, "[]", 2, 0444, &e), 1,
	       "a second write does not replace");
	char *m;
	size_t len;
	ok(cas_read_manifest(&c, id, &m, &len, &e) == 0 && !strcmp(m, "{}"), "first one kept");
	free(m);

	/* a leftover temp file in info/ is not an image */
	char *tmp = path_join(dir, "cas/info/.tmp-w-0123");
	close(open(tmp, O_CREAT | O_WRONLY, 0644));
	ok(cas_info_write(&c, id2, "example.com/y", NULL, 0, 1, &e) == 0, "second image");
	struct cas_image *imgs;
	size_t n;
	ok(cas_list(&c, &imgs, &n, &e) == 0, "list");
	is_int(n, 2, "two images, temp file ignored");
	cas_images_free(imgs, n);

	/* touch moves last-used forward */
	char *info = path_join(dir, "cas/info");
	char *ip = path_join(info, id);
	struct timespec old[2] = {{1000, 0}, {1000, 0}};
	utimensat(AT_FDCWD, ip, old, 0);
	cas_image_get(&c, id, &img, &e);
	is_int(img.last_used.tv_sec, 1000, "last used read from the mtime");
	cas_image_clear(&img);
	cas_touch(&c, id);
	cas_image_get(&c, id, &img, &e);
	ok(img.last_used.tv_sec > 1000, "touch marks it used");
	cas_image_clear(&img);

	char got[CAS_ID_LEN + 1];
	ok(cas_resolve(&c, id, NULL, 0, got, &e) == 0 && !strcmp(got, id), "resolve full ID");
	ok(cas_resolve(&c, "example.com/y", NULL, 0, got, &e) == 0 && !strcmp(got, id2),
	   "resolve by name");

	cas_close(&c);
	ok(cas_open(&c, dir, CAS_EXCLUSIVE, &e) == 0, "exclusive open");
	ok(cas_rm(&c, id, &e) == 0, "rm");
	ok(cas_rm(&c, id, &e) < 0 && strstr(e.msg, "not found"), "rm again: %s", e.msg);
	ok(cas_image_get(&c, id, &img, &e) < 0, "gone");
	cas_close(&c);

	rm_tree(base, &e);
	free(dir), free(tmp), free(info), free(ip);
	return done_testing();
}
