/* The manifest fixture runner shared by the image and pod manifest unit tests.
 * Include it after defining, for the manifest type under test:
 *   FIXTURE_ROUNDTRIP(text, name)  a good fixture must parse and round-trip
 *   char *errors_of(const char *json, ...)  the parse errors, one a line
 */
#ifndef RKT_UNIT_FIXTURES_H
#define RKT_UNIT_FIXTURES_H

#include <dirent.h>
#include <unistd.h>

/* ---- fixtures: t/data/manifests/DIR/{good,bad}-*.json ------------------------
 * good-* must parse and round-trip; bad-* must give exactly the lines of the
 * sibling .err file. Found from the cwd (make check runs at the top) or from
 * the test binary's place in the build tree. */
static char *fixture_dir(const char *sub)
{
	char *d = xasprintf("t/data/manifests/%s", sub);
	if (access(d, F_OK) == 0)
		return d;
	free(d);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return xstrdup(".");
	exe[n] = 0;
	/* BUILD/t/unit/x.t -> BUILD/../t/data/manifests */
	for (int i = 0; i < 4; i++) {
		char *s = strrchr(exe, '/');
		if (s)
			*s = 0;
	}
	return xasprintf("%s/t/data/manifests/%s", exe, sub);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_fixtures(const char *sub)
{
	char *dir = fixture_dir(sub);
	DIR *dh = opendir(dir);
	ok(dh != NULL, "fixture directory %s", dir);
	if (!dh) {
		free(dir);
		return;
	}
	struct strlist names = {0};
	for (struct dirent *de; (de = readdir(dh));) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
			strlist_add(&names, de->d_name);
	}
	closedir(dh);
	qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	int good = 0, bad = 0;
	for (size_t i = 0; i < names.n; i++) {
		char *path = xasprintf("%s/%s", dir, names.v[i]);
		char *text = NULL, *want = NULL;
		size_t len, wlen;
		struct err e;
		if (file_read(path, 0, &text, &len, &e) < 0) {
			ok(0, "read %s", path);
			free(path);
			continue;
		}
		if (!strncmp(names.v[i], "good-", 5)) {
			good++;
			FIXTURE_ROUNDTRIP(text, names.v[i]);
		} else {
			bad++;
			char *errpath = xasprintf("%.*s.err", (int)(strlen(path) - 5), path);
			if (file_read(errpath, 0, &want, &wlen, &e) < 0)
				want = xstrdup("(no .err file)");
			else if (wlen && want[wlen - 1] == '\n')
				want[wlen - 1] = 0;
			char *got = errors_of(text, NULL);
			is_str(got, want, "fixture %s: errors as expected", names.v[i]);
			free(got);
			free(errpath);
		}
		free(want);
		free(text);
		free(path);
	}
	ok(good >= 3 && bad >= 20, "%s fixtures: %d good, %d bad", sub, good, bad);
	strlist_free(&names);
	free(dir);
}

#endif
