#include "mountutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "xalloc.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static int deeper_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
	return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_under(const char *mp, const char *root, size_t rl)
{
	return !strncmp(mp, root, rl) && (mp[rl] == '\0' || mp[rl] == '/' || (rl == 1 && *root == '/'));
}

int mounts_under(const char *path, char ***out, size_t *n, struct err *e)
{
	char root[PATH_MAX];
	if (!realpath(path, root))
		return err_sys(e, "%s", path);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return err_sys(e, "/proc/self/mountinfo");
	size_t rl = strlen(root), cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	*out = NULL;
	*n = 0;
	while (getline(&line, &linecap, f) > 0) {
		/* id parent major:minor root mountpoint ... */
		char mp[PATH_MAX];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		char *m = unescape(mp);
		if (!is_under(m, root, rl)) {
			free(m);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[(*n)++] = m;
	}
	free(line);
	fclose(f);
	xqsort(*out, *n, sizeof **out, deeper_first);
	return 0;
}

void mounts_free(char **m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i]);
	free(m);
}

int umount_under(const char *path, struct err *e)
{
	char **m;
	size_t n;
	int r = 0;
	if (mounts_under(path, &m, &n, e) < 0)
		return errno == ENOENT ? 0 : -1;
	for (size_t i = 0; i < n; i++)
		/* stacked mounts at one point: detach until it is gone */
		while (umount2(m[i], MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
	mounts_free(m, n);
	if (mounts_under(path, &m, &n, e) < 0)
		return errno == ENOENT ? 0 : -1;
	if (n)
		r = err_set(e, "%s: still mounted", m[0]);
	mounts_free(m, n);
	return r;
}
