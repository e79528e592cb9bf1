#include "pod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "lock.h"
#include "xalloc.h"

static const char *const state_dirs[POD_NSTATES] = {
    "embryo", "prepare", "prepared", "run", "exited-garbage", "garbage",
};

static const char *const status_names[] = {
    "embryo",  "preparing", "aborted prepare", "prepared",
    "running", "exited",    "exited garbage",  "garbage",
};

const char *pod_state_dir(enum pod_state s)
{
	return (unsigned)s < POD_NSTATES ? state_dirs[s] : NULL;
}

const char *pod_status_name(enum pod_status s)
{
	return (unsigned)s < sizeof status_names / sizeof *status_names ? status_names[s] : NULL;
}

enum pod_status pod_status_of(enum pod_state s, bool locked)
{
	switch (s) {
	case POD_EMBRYO:
		return POD_S_EMBRYO;
	case POD_PREPARE:
		return locked ? POD_S_PREPARING : POD_S_ABORTED_PREPARE;
	case POD_PREPARED:
		return POD_S_PREPARED;
	case POD_RUN:
		return locked ? POD_S_RUNNING : POD_S_EXITED;
	case POD_EXITED_GARBAGE:
		return POD_S_EXITED_GARBAGE;
	default:
		return POD_S_GARBAGE;
	}
}

int pod_uuid_new(char out[POD_UUID_LEN + 1], struct err *e)
{
	unsigned char b[16];
	size_t got = 0;
	while (got < sizeof b) {
		ssize_t r = getrandom(b + got, sizeof b - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, "getrandom");
		}
		got += (size_t)r;
	}
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
	return 0;
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool pod_uuid_valid(const char *s)
{
	if (!s || strlen(s) != POD_UUID_LEN)
		return false;
	for (int i = 0; i < POD_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !is_hex((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* A prefix may be typed with or without dashes' positions respected: it is
 * compared as given, lowercased, against the UUID's start. */
static bool prefix_ok(const char *s)
{
	if (!*s || strlen(s) > POD_UUID_LEN)
		return false;
	for (; *s; s++)
		if (*s != '-' && !is_hex((unsigned char)*s))
			return false;
	return true;
}

int pod_dir_open(struct pod_dir *d, const char *datadir, bool create, struct err *e)
{
	memset(d, 0, sizeof *d);
	d->podsfd = -1;
	for (int i = 0; i < POD_NSTATES; i++)
		d->statefd[i] = -1;
	d->dir = xstrdup(datadir);
	d->pods = path_join(datadir, "pods");
	if (create && mkdir_p(d->pods, 0750, e) < 0)
		goto fail;
	d->podsfd = open(d->pods, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->podsfd < 0) {
		if (errno == ENOENT && !create)
			return 0;
		err_sys(e, "%s", d->pods);
		goto fail;
	}
	for (int i = 0; i < POD_NSTATES; i++) {
		if (create && mkdirat(d->podsfd, state_dirs[i], 0750) < 0 && errno != EEXIST) {
			err_sys(e, "%s/%s", d->pods, state_dirs[i]);
			goto fail;
		}
		d->statefd[i] =
		    openat(d->podsfd, state_dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d->statefd[i] < 0 && (create || errno != ENOENT)) {
			err_sys(e, "%s/%s", d->pods, state_dirs[i]);
			goto fail;
		}
	}
	return 0;
fail:
	pod_dir_close(d);
	return -1;
}

void pod_dir_close(struct pod_dir *d)
{
	for (int i = 0; i < POD_NSTATES; i++)
		if (d->statefd[i] >= 0) {
			close(d->statefd[i]);
			d->statefd[i] = -1;
		}
	if (d->podsfd >= 0)
		close(d->podsfd);
	d->podsfd = -1;
	free(d->dir);
	free(d->pods);
	d->dir = d->pods = NULL;
}

static void pod_init(struct pod *p, struct pod_dir *d)
{
	memset(p, 0, sizeof *p);
	p->d = d;
	p->fd = -1;
}

/* Whether p->fd is still the directory at embryo/<uuid>. */
static bool still_embryo(struct pod *p)
{
	struct stat a, b;
	return fstat(p->fd, &a) == 0 &&
	       fstatat(p->d->statefd[POD_EMBRYO], p->uuid, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int pod_create_embryo(struct pod_dir *d, struct pod *p, struct err *e)
{
	pod_init(p, d);
	if (d->statefd[POD_EMBRYO] < 0)
		return err_set(e, "%s/embryo: pods directory not created", d->pods);
	/* Between mkdir and flock the embryo is unlocked, so a concurrent
	 * pod-gc may take it for an orphan and move it to garbage: then start
	 * again under a new UUID (the moved one is swept as garbage). A UUID
	 * collision (EEXIST) is retried the same way. */
	for (int tries = 0;; tries++) {
		if (tries > 8)
			return err_set(e, "%s/embryo: could not create a pod directory", d->pods);
		if (pod_uuid_new(p->uuid, e) < 0)
			return -1;
		if (mkdirat(d->statefd[POD_EMBRYO], p->uuid, 0750) < 0) {
			if (errno == EEXIST)
				continue;
			return err_sys(e, "%s/embryo/%s", d->pods, p->uuid);
		}
		p->state = POD_EMBRYO;
		p->fd = openat(d->statefd[POD_EMBRYO], p->uuid,
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (p->fd < 0) {
			if (errno == ENOENT)
				continue;
			err_sys(e, "%s/embryo/%s", d->pods, p->uuid);
			unlinkat(d->statefd[POD_EMBRYO], p->uuid, AT_REMOVEDIR);
			return -1;
		}
		if (pod_lock(p, false, e) < 0) {
			unlinkat(d->statefd[POD_EMBRYO], p->uuid, AT_REMOVEDIR);
			pod_close(p);
			return -1;
		}
		if (still_embryo(p))
			return 0;
		pod_close(p);
	}
}

/* Collect the UUIDs in state s that start with prefix into *found. */
static int scan_state(struct pod_dir *d, enum pod_state s, const char *prefix, size_t plen,
		      char (*found)[POD_UUID_LEN + 1], enum pod_state *fstate, size_t *nfound,
		      struct err *e)
{
	if (d->statefd[s] < 0)
		return 0;
	int fd = openat(d->statefd[s], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "%s/%s", d->pods, state_dirs[s]);
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return err_sys(e, "%s/%s", d->pods, state_dirs[s]);
	}
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (!pod_uuid_valid(de->d_name) || strncasecmp(de->d_name, prefix, plen))
			continue;
		bool dup = false;
		for (size_t i = 0; i < *nfound && i < 2; i++)
			dup |= !strcmp(found[i], de->d_name);
		if (dup)
			continue; /* seen in an earlier state while it moved */
		if (*nfound < 2) {
			memcpy(found[*nfound], de->d_name, POD_UUID_LEN + 1);
			fstate[*nfound] = s;
		}
		(*nfound)++;
	}
	closedir(dir);
	return 0;
}

/* Open uuid in state s or later: states only move forward, so looking in
 * order chases a pod that moves while we look. */
static int open_from(struct pod *p, enum pod_state s)
{
	for (; s < POD_NSTATES; s++) {
		if (p->d->statefd[s] < 0)
			continue;
		int fd = openat(p->d->statefd[s], p->uuid,
				O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			p->fd = fd;
			p->state = s;
			return 0;
		}
		if (errno != ENOENT)
			return -1;
	}
	errno = ENOENT;
	return -1;
}

int pod_open(struct pod_dir *d, const char *arg, struct pod *p, struct err *e)
{
	pod_init(p, d);
	if (!prefix_ok(arg)) {
		errno = EINVAL;
		return err_set(e, "%s: not a pod UUID", arg);
	}
	char found[2][POD_UUID_LEN + 1];
	enum pod_state fstate[2];
	size_t nfound = 0, plen = strlen(arg);
	if (pod_uuid_valid(arg)) {
		/* A full UUID needs no directory scan. */
		for (size_t i = 0; i <= POD_UUID_LEN; i++)
			p->uuid[i] = (char)(arg[i] >= 'A' && arg[i] <= 'F' ? arg[i] + 32 : arg[i]);
		if (open_from(p, POD_EMBRYO) < 0) {
			if (errno == ENOENT)
				return err_set(e, "no pod with UUID %s", p->uuid);
			return err_sys(e, "%s", p->uuid);
		}
		return 0;
	}
	for (int s = 0; s < POD_NSTATES; s++)
		if (scan_state(d, s, arg, plen, found, fstate, &nfound, e) < 0)
			return -1;
	if (nfound == 0) {
		errno = ENOENT;
		return err_set(e, "no pod with UUID %s", arg);
	}
	if (nfound > 1) {
		errno = EEXIST;
		return err_set(e, "UUID prefix %s is ambiguous (%s, %s%s)", arg, found[0], found[1],
			       nfound > 2 ? ", ..." : "");
	}
	memcpy(p->uuid, found[0], sizeof p->uuid);
	if (open_from(p, fstate[0]) < 0) {
		int saved = errno;
		err_sys(e, "pod %s", p->uuid);
		if (saved == ENOENT)
			err_set(e, "pod %s disappeared", p->uuid);
		errno = saved;
		return -1;
	}
	return 0;
}

int pod_refresh_state(struct pod *p, struct err *e)
{
	struct stat me, st;
	if (fstat(p->fd, &me) < 0)
		return err_sys(e, "pod %s", p->uuid);
	/* Forward from where it was; then from the start in case it was
	 * looked up before an abort-and-retry. */
	for (int pass = 0; pass < 2; pass++) {
		for (int s = pass ? 0 : (int)p->state; s < POD_NSTATES; s++) {
			if (p->d->statefd[s] < 0)
				continue;
			if (fstatat(p->d->statefd[s], p->uuid, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    st.st_ino == me.st_ino && st.st_dev == me.st_dev) {
				p->state = s;
				return 0;
			}
		}
	}
	errno = ENOENT;
	return err_set(e, "pod %s was removed", p->uuid);
}

int pod_lock(struct pod *p, bool nonblock, struct err *e)
{
	if (p->locked)
		return 0;
	if (lock_fd(p->fd, LOCK_EXCL, nonblock, e) < 0) {
		if (errno == EWOULDBLOCK)
			return err_set(e, "pod %s is locked by another process", p->uuid);
		return err_wrap(e, "pod %s", p->uuid);
	}
	p->locked = true;
	return 0;
}

int pod_unlock(struct pod *p, struct err *e)
{
	if (!p->locked)
		return 0;
	if (flock(p->fd, LOCK_UN) < 0)
		return err_sys(e, "unlock pod %s", p->uuid);
	p->locked = false;
	return 0;
}

int pod_is_locked(struct pod *p, struct err *e)
{
	if (p->locked)
		return 1;
	/* A new open file description: flock sees our own fd's lock too. */
	int fd = openat(p->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "pod %s", p->uuid);
	int r = 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		r = errno == EWOULDBLOCK ? 1 : err_sys(e, "pod %s: lock", p->uuid);
	close(fd);
	return r;
}

int pod_transition(struct pod *p, enum pod_state to, struct err *e)
{
	if ((unsigned)to >= POD_NSTATES || p->d->statefd[to] < 0)
		return err_set(e, "pod %s: no state directory %s", p->uuid,
			       pod_state_dir(to) ? pod_state_dir(to) : "?");
	if (renameat(p->d->statefd[p->state], p->uuid, p->d->statefd[to], p->uuid) < 0) {
		int saved = errno;
		err_sys(e, "pod %s: move %s -> %s", p->uuid, state_dirs[p->state], state_dirs[to]);
		if (saved == ENOENT)
			err_set(e, "pod %s is no longer %s", p->uuid, state_dirs[p->state]);
		errno = saved;
		return -1;
	}
	/* No fsync: rename(2) is atomic for every process (a kill -9 leaves the
	 * old state or the new); only a power loss could undo the move, and a
	 * pod does not outlive one anyway. It keeps milliseconds off each start. */
	p->state = to;
	return 0;
}

int pod_destroy(struct pod *p, struct err *e)
{
	int r = 0;
	if (p->fd >= 0 && p->d->statefd[p->state] >= 0)
		r = rm_tree_at(p->d->statefd[p->state], p->uuid, e);
	pod_close(p);
	return r;
}

void pod_close(struct pod *p)
{
	if (p->fd >= 0)
		close(p->fd); /* drops the lock too */
	p->fd = -1;
	p->locked = false;
}

char *pod_path(const struct pod *p)
{
	return xasprintf("%s/%s/%s", p->d->pods, state_dirs[p->state], p->uuid);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct pod_entry *x = a, *y = b;
	if (x->state != y->state)
		return (int)x->state - (int)y->state;
	return strcmp(x->uuid, y->uuid);
}

int pod_list(struct pod_dir *d, unsigned mask, struct pod_entry **out, size_t *n, struct err *e)
{
	struct pod_entry *v = NULL;
	size_t nv = 0, cap = 0;
	if (!mask)
		mask = (1u << POD_NSTATES) - 1;
	for (int s = 0; s < POD_NSTATES; s++) {
		if (!(mask & (1u << s)) || d->statefd[s] < 0)
			continue;
		int fd = openat(d->statefd[s], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *dir = fd < 0 ? NULL : fdopendir(fd);
		if (!dir) {
			if (fd >= 0)
				close(fd);
			free(v);
			return err_sys(e, "%s/%s", d->pods, state_dirs[s]);
		}
		struct dirent *de;
		while ((de = readdir(dir))) {
			if (!pod_uuid_valid(de->d_name))
				continue;
			int r = lock_is_held_at(d->statefd[s], de->d_name, e);
			if (r < 0) {
				/* moved on while we looked; or a symlink, no pod (and
				 * never followed) */
				if (errno == ENOENT || errno == ELOOP)
					continue;
				closedir(dir);
				free(v);
				return -1;
			}
			if (nv == cap)
				v = xreallocarray(v, cap = cap ? cap * 2 : 16, sizeof *v);
			memcpy(v[nv].uuid, de->d_name, POD_UUID_LEN + 1);
			v[nv].state = s;
			v[nv].locked = r == 1;
			v[nv].status = pod_status_of(s, r == 1);
			nv++;
		}
		closedir(dir);
	}
	if (nv)
		xqsort(v, nv, sizeof *v, entry_cmp);
	*out = v;
	*n = nv;
	return 0;
}

int pod_read_file(const struct pod *p, const char *name, char **data, size_t *len, struct err *e)
{
	size_t l;
	if (file_read_at(p->fd, name, 16 << 20, data, len ? len : &l, e) < 0)
		return err_wrap(e, "pod %s", p->uuid);
	return 0;
}

int pod_read_manifest(const struct pod *p, char **data, size_t *len, struct err *e)
{
	return pod_read_file(p, "pod", data, len, e);
}

int pod_read_runtime(const struct pod *p, char **data, size_t *len, struct err *e)
{
	return pod_read_file(p, "runtime.json", data, len, e);
}

/* A decimal int followed by optional whitespace; -1 if anything else. */
static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || errno || v < min || v > max)
		return -1;
	while (*end == '\n' || *end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int pod_read_pid(const struct pod *p, pid_t *pid, struct err *e)
{
	_cleanup_free_ char *data = NULL;
	*pid = 0;
	if (file_read_at(p->fd, "pid", 64, &data, NULL, e) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_wrap(e, "pod %s", p->uuid);
	}
	long v;
	if (parse_int(data, 1, INT_MAX, &v) < 0)
		return err_set(e, "pod %s: pid: not a process ID", p->uuid);
	*pid = (pid_t)v;
	return 0;
}

int pod_read_app_status(const struct pod *p, const char *app, int *status, struct err *e)
{
	_cleanup_free_ char *name = xasprintf("status/%s", app);
	_cleanup_free_ char *data = NULL;
	if (file_read_at(p->fd, name, 64, &data, NULL, e) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_wrap(e, "pod %s", p->uuid);
	}
	long v;
	if (parse_int(data, 0, 255 + 128, &v) < 0)
		return err_set(e, "pod %s: %s: not an exit status", p->uuid, name);
	*status = (int)v;
	return 1;
}

int pod_write_app_status_at(int podfd, const char *app, int status, struct err *e)
{
	if (mkdirat(podfd, "status", 0750) < 0 && errno != EEXIST)
		return err_sys(e, "status");
	int sfd = openat(podfd, "status", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sfd < 0)
		return err_sys(e, "status");
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", status);
	int r = file_write_atomic_at(sfd, app, buf, (size_t)n, 0640, e);
	close(sfd);
	return r;
}
