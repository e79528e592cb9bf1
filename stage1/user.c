/* The app's user and groups, from the app's own /etc/passwd and /etc/group
 * (never the host's NSS), or numbers, or a file's owner (spec/aci.md). The
 * parsers work on text so they can be unit tested. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"
#include "xalloc.h"

#define ETC_MAX (4u << 20)

int parse_id(const char *s, unsigned *out)
{
	unsigned long long v = 0;
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 0xfffffffeULL) /* (uid_t)-1 is not an id */
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Split one line into up to max ':'-separated fields (in place). */
static int split_fields(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

/* Call fn on each non-comment line of text with its fields; stop when fn
 * returns non-zero and return that. */
static int each_line(const char *text, int nf, int (*fn)(char **f, int n, void *arg), void *arg)
{
	const char *p = text;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		char *f[8];
		int r = 0;
		if (len && line[0] != '#') {
			int n = split_fields(line, f, nf);
			r = fn(f, n, arg);
		}
		free(line);
		if (r)
			return r;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

struct pw_q {
	const char *name;
	unsigned uid;
	bool by_uid;
	struct pw_ent *out;
};

static int pw_match(char **f, int n, void *arg)
{
	struct pw_q *q = arg;
	unsigned uid, gid;
	if (n < 4 || parse_id(f[2], &uid) || parse_id(f[3], &gid))
		return 0;
	if (q->by_uid ? uid != q->uid : strcmp(f[0], q->name) != 0)
		return 0;
	q->out->name = xstrdup(f[0]);
	q->out->uid = uid;
	q->out->gid = gid;
	q->out->home = xstrdup(n >= 6 && f[5][0] ? f[5] : "/");
	q->out->shell = xstrdup(n >= 7 && f[6][0] ? f[6] : "/bin/sh");
	return 1;
}

int passwd_lookup_name(const char *text, const char *name, struct pw_ent *out)
{
	struct pw_q q = {.name = name, .out = out};
	return each_line(text, 7, pw_match, &q);
}

int passwd_lookup_uid(const char *text, uid_t uid, struct pw_ent *out)
{
	struct pw_q q = {.uid = uid, .by_uid = true, .out = out};
	return each_line(text, 7, pw_match, &q);
}

void pw_ent_free(struct pw_ent *p)
{
	free(p->name);
	free(p->home);
	free(p->shell);
	p->name = p->home = p->shell = NULL;
}

struct gr_q {
	const char *name;
	gid_t *gid;
};

static int gr_match(char **f, int n, void *arg)
{
	struct gr_q *q = arg;
	unsigned gid;
	if (n < 3 || parse_id(f[2], &gid) || strcmp(f[0], q->name) != 0)
		return 0;
	*q->gid = gid;
	return 1;
}

int group_lookup_name(const char *text, const char *name, gid_t *gid)
{
	struct gr_q q = {.name = name, .gid = gid};
	return each_line(text, 4, gr_match, &q);
}

struct gm_q {
	const char *user;
	gid_t **gids;
	size_t *n;
};

static int gm_match(char **f, int n, void *arg)
{
	struct gm_q *q = arg;
	unsigned gid;
	if (n < 4 || parse_id(f[2], &gid))
		return 0;
	for (char *m = f[3], *end; m && *m; m = end ? end + 1 : NULL) {
		end = strchr(m, ',');
		size_t len = end ? (size_t)(end - m) : strlen(m);
		if (len == strlen(q->user) && !strncmp(m, q->user, len)) {
			*q->gids = xreallocarray(*q->gids, *q->n + 1, sizeof(gid_t));
			(*q->gids)[(*q->n)++] = gid;
			break;
		}
	}
	return 0;
}

void group_member_of(const char *text, const char *user, gid_t **gids, size_t *n)
{
	struct gm_q q = {.user = user, .gids = gids, .n = n};
	each_line(text, 4, gm_match, &q);
}

/* An /etc file of the app, "" when it does not exist. */
static int read_etc(int rootfd, const char *path, char **out, struct err *e)
{
	int fd = root_open(rootfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
	size_t len;
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*out = xstrdup("");
			return 0;
		}
		return err_sys(e, "%s", path);
	}
	int r = file_read_fd(fd, ETC_MAX, out, &len, e);
	close(fd);
	return r < 0 ? err_wrap(e, "%s", path) : 0;
}

/* The owner of a file inside the app root (user or group "/path"). */
static int path_owner(int rootfd, const char *path, struct stat *st, struct err *e)
{
	int fd = root_open(rootfd, path, O_PATH | O_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(e, "%s", path);
	int r = fstat(fd, st);
	close(fd);
	return r < 0 ? err_sys(e, "%s", path) : 0;
}

int s1_resolve_user(struct s1_app *app, int rootfd, struct err *e)
{
	_cleanup_free_ char *passwd = NULL;
	_cleanup_free_ char *group = NULL;
	struct pw_ent pw = {0};
	unsigned id;
	struct stat st;

	if (read_etc(rootfd, "/etc/passwd", &passwd, e) < 0 ||
	    read_etc(rootfd, "/etc/group", &group, e) < 0)
		return err_wrap(e, "app %s", app->name);

	const char *user = app->user && *app->user ? app->user : "0";
	const char *grp = app->group && *app->group ? app->group : "0";
	if (user[0] == '/') {
		if (path_owner(rootfd, user, &st, e) < 0)
			return err_wrap(e, "app %s: user", app->name);
		app->uid = st.st_uid;
	} else if (passwd_lookup_name(passwd, user, &pw)) {
		app->uid = pw.uid;
		pw_ent_free(&pw);
	} else if (parse_id(user, &id) == 0) {
		app->uid = id;
	} else {
		return err_set(e, "app %s: user \"%s\": not found in the image's /etc/passwd",
			       app->name, user);
	}

	if (grp[0] == '/') {
		if (path_owner(rootfd, grp, &st, e) < 0)
			return err_wrap(e, "app %s: group", app->name);
		app->gid = st.st_gid;
	} else if (group_lookup_name(group, grp, &app->gid)) {
		/* found */
	} else if (parse_id(grp, &id) == 0) {
		app->gid = id;
	} else {
		return err_set(e, "app %s: group \"%s\": not found in the image's /etc/group",
			       app->name, grp);
	}

	/* USER, HOME, SHELL and the groups listing the user come from the
	 * passwd entry of the resolved uid (rkt does the same). */
	app->groups = NULL;
	app->ngroups = 0;
	for (size_t i = 0; i < app->nsupp; i++) {
		app->groups = xreallocarray(app->groups, app->ngroups + 1, sizeof(gid_t));
		app->groups[app->ngroups++] = app->supp_gids[i];
	}
	if (passwd_lookup_uid(passwd, app->uid, &pw)) {
		group_member_of(group, pw.name, &app->groups, &app->ngroups);
		app->login = pw.name;
		app->home = pw.home;
		app->shell = pw.shell;
	}
	return 0;
}
