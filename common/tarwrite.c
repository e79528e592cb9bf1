/* Two stages, like `tar -c | gzip`: this thread reads the tree and formats
 * the tar (libarchive, pax_restricted, no filter); a second thread
 * compresses it (libarchive's "raw" format with the chosen filter) and
 * writes the output. On two cores the file reading hides behind deflate. */
#include "tarwrite.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "file.h"
#include "xalloc.h"

enum { CHUNK = 1 << 20, QLEN = 8, READBUF = 1 << 20 };

struct chunk {
	char *data;
	size_t len;
};

struct inode {
	dev_t dev;
	ino_t ino;
	char *arcname;
};

struct idname {
	unsigned id;
	char *name; /* NULL: no such user/group */
};

struct tarw {
	struct tarw_opts o;
	int outfd;
	struct archive *tar; /* formats the tar */
	struct archive *cmp; /* compresses it (thread), NULL for none */
	pthread_t thread;
	int thread_started;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk q[QLEN];
	size_t qhead, qcount;
	int qdone, qfailed;
	char qerr[512];
	struct chunk cur;

	int werrno; /* write error of the uncompressed path */
	char *readbuf;
	struct inode *inodes;
	size_t ninodes, capinodes;
	struct idname *users, *groups;
	size_t nusers, ngroups;
};

int tarw_compression_parse(const char *s)
{
	static const char *names[] = {"none", "gzip", "bzip2", "xz"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* libarchive's message, with the errno's text when it has one ("Write
 * error" alone does not say the disk is full). */
static void aerr(struct archive *a, char *buf, size_t n)
{
	const char *m = archive_error_string(a);
	int en = archive_errno(a);
	if (!m)
		m = "archive error";
	if (en > 0 && !strstr(m, strerror(en)))
		snprintf(buf, n, "%s: %s", m, strerror(en));
	else
		snprintf(buf, n, "%s", m);
}

static int q_push(struct tarw *w, struct chunk c)
{
	pthread_mutex_lock(&w->mu);
	while (w->qcount == QLEN && !w->qfailed)
		pthread_cond_wait(&w->cv, &w->mu);
	int failed = w->qfailed;
	if (!failed) {
		w->q[(w->qhead + w->qcount) % QLEN] = c;
		w->qcount++;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (failed)
		free(c.data);
	return failed ? -1 : 0;
}

static void *compress_main(void *arg)
{
	struct tarw *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->qcount && !w->qdone)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->qcount) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		struct chunk c = w->q[w->qhead];
		w->qhead = (w->qhead + 1) % QLEN;
		w->qcount--;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		la_ssize_t n = archive_write_data(w->cmp, c.data, c.len);
		free(c.data);
		if (n < 0 || (size_t)n != c.len) {
			pthread_mutex_lock(&w->mu);
			aerr(w->cmp, w->qerr, sizeof w->qerr);
			w->qfailed = 1;
			/* drop what is queued so the producer never waits */
			for (; w->qcount; w->qcount--, w->qhead = (w->qhead + 1) % QLEN)
				free(w->q[w->qhead].data);
			pthread_cond_broadcast(&w->cv);
			pthread_mutex_unlock(&w->mu);
			break;
		}
	}
	return NULL;
}

static la_ssize_t tar_write_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
	struct tarw *w = ud;
	(void)a;
	if (!w->cmp) {
		if (writeall(w->outfd, buf, n) < 0) {
			w->werrno = errno;
			archive_set_error(a, errno, "write: %s", strerror(errno));
			return -1;
		}
		return (la_ssize_t)n;
	}
	const char *p = buf;
	size_t left = n;
	while (left) {
		if (!w->cur.data)
			w->cur.data = xmalloc(CHUNK);
		size_t take = CHUNK - w->cur.len < left ? CHUNK - w->cur.len : left;
		memcpy(w->cur.data + w->cur.len, p, take);
		w->cur.len += take;
		p += take;
		left -= take;
		if (w->cur.len == CHUNK) {
			struct chunk c = w->cur;
			w->cur.data = NULL;
			w->cur.len = 0;
			if (q_push(w, c) < 0) {
				archive_set_error(a, EIO, "%s", w->qerr);
				return -1;
			}
		}
	}
	return (la_ssize_t)n;
}

static int setup_compressor(struct tarw *w, struct err *e)
{
	static const int filters[] = {ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP,
				      ARCHIVE_FILTER_BZIP2, ARCHIVE_FILTER_XZ};
	static const char *names[] = {"none", "gzip", "bzip2", "xz"};
	const char *fname = names[w->o.compression];
	char level[16];
	struct archive *c = w->cmp = archive_write_new();
	archive_write_set_format_raw(c);
	archive_write_add_filter(c, filters[w->o.compression]);
	int lvl = w->o.level ? w->o.level : w->o.compression == TARW_GZIP ? 6 : 0;
	if (lvl) {
		snprintf(level, sizeof level, "%d", lvl);
		if (archive_write_set_filter_option(c, fname, "compression-level", level) !=
		    ARCHIVE_OK)
			return err_set(e, "%s: bad compression level %d", fname, lvl);
	}
	/* no time in the gzip header: same input, same bytes */
	if (w->o.compression == TARW_GZIP &&
	    archive_write_set_filter_option(c, "gzip", "timestamp", NULL) != ARCHIVE_OK)
		return err_set(e, "libarchive cannot leave the gzip timestamp out");
	archive_write_set_bytes_per_block(c, 0);
	if (archive_write_open_fd(c, w->outfd) != ARCHIVE_OK)
		return err_set(e, "%s", archive_error_string(c));
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, "tar");
	archive_entry_set_filetype(ae, AE_IFREG);
	int r = archive_write_header(c, ae);
	archive_entry_free(ae);
	if (r != ARCHIVE_OK)
		return err_set(e, "%s", archive_error_string(c));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, compress_main, w) != 0)
		return err_set(e, "cannot start the compressor thread");
	w->thread_started = 1;
	return 0;
}

struct tarw *tarw_open(int outfd, const struct tarw_opts *o, struct err *e)
{
	struct tarw *w = xcalloc(1, sizeof *w);
	w->o = *o;
	w->outfd = outfd;
	w->readbuf = xmalloc(READBUF);
	if (w->o.compression != TARW_NONE && setup_compressor(w, e) < 0) {
		tarw_abort(w);
		return NULL;
	}
	w->tar = archive_write_new();
	archive_write_set_format_pax_restricted(w->tar);
	/* xattrs as SCHILY.xattr only, the form GNU tar reads without warnings */
	archive_write_set_format_option(w->tar, "pax", "xattrheader", "SCHILY");
	archive_write_add_filter_none(w->tar);
	archive_write_set_bytes_per_block(w->tar, 10240); /* tar(1)'s records */
	if (archive_write_open(w->tar, w, NULL, tar_write_cb, NULL) != ARCHIVE_OK) {
		err_set(e, "%s", archive_error_string(w->tar));
		tarw_abort(w);
		return NULL;
	}
	return w;
}

static const char *id_name(struct idname **tab, size_t *n, unsigned id, int group)
{
	for (size_t i = 0; i < *n; i++)
		if ((*tab)[i].id == id)
			return (*tab)[i].name;
	const char *name = NULL;
	if (group) {
		struct group *g = getgrgid(id);
		name = g ? g->gr_name : NULL;
	} else {
		struct passwd *p = getpwuid(id);
		name = p ? p->pw_name : NULL;
	}
	*tab = xreallocarray(*tab, *n + 1, sizeof **tab);
	(*tab)[*n].id = id;
	(*tab)[*n].name = name ? xstrdup(name) : NULL;
	return (*tab)[(*n)++].name;
}

/* The first path written for this inode, or NULL (and it is recorded). */
static const char *hardlink_of(struct tarw *w, const struct stat *st, const char *arcname)
{
	for (size_t i = 0; i < w->ninodes; i++)
		if (w->inodes[i].ino == st->st_ino && w->inodes[i].dev == st->st_dev)
			return w->inodes[i].arcname;
	if (w->ninodes == w->capinodes) {
		w->capinodes = w->capinodes ? 2 * w->capinodes : 64;
		w->inodes = xreallocarray(w->inodes, w->capinodes, sizeof *w->inodes);
	}
	w->inodes[w->ninodes++] = (struct inode){st->st_dev, st->st_ino, xstrdup(arcname)};
	return NULL;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every xattr of dirfd/name, sorted by name, without following a symlink. */
static int add_xattrs(struct archive_entry *ae, int dirfd, const char *name, struct err *e)
{
	char path[64 + 4096];
	snprintf(path, sizeof path, "/proc/self/fd/%d/%s", dirfd, name);
	ssize_t len = llistxattr(path, NULL, 0);
	if (len < 0)
		return errno == ENOTSUP ? 0 : err_sys(e, "%s: list xattrs", name);
	if (len == 0)
		return 0;
	_cleanup_free_ char *list = xmalloc((size_t)len);
	len = llistxattr(path, list, (size_t)len);
	if (len < 0)
		return err_sys(e, "%s: list xattrs", name);
	size_t n = 0;
	_cleanup_free_ char **names = xcalloc((size_t)len, sizeof *names);
	for (char *p = list; p < list + len; p += strlen(p) + 1)
		names[n++] = p;
	xqsort(names, n, sizeof *names, cmpstr);
	for (size_t i = 0; i < n; i++) {
		ssize_t vlen = lgetxattr(path, names[i], NULL, 0);
		if (vlen < 0)
			return err_sys(e, "%s: xattr %s", name, names[i]);
		_cleanup_free_ char *val = xmalloc((size_t)vlen + 1);
		vlen = lgetxattr(path, names[i], val, (size_t)vlen);
		if (vlen < 0)
			return err_sys(e, "%s: xattr %s", name, names[i]);
		archive_entry_xattr_add_entry(ae, names[i], val, (size_t)vlen);
	}
	return 0;
}

static int write_header(struct tarw *w, struct archive_entry *ae, const char *arcname,
			struct err *e)
{
	/* ARCHIVE_WARN: written, e.g. a name that is not UTF-8 stored as bytes */
	int r = archive_write_header(w->tar, ae);
	if (r < ARCHIVE_WARN)
		return err_set(e, "%s: %s", arcname, archive_error_string(w->tar));
	return 0;
}

static int write_contents(struct tarw *w, int dirfd, const char *name, const char *arcname,
			  off_t size, struct err *e)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, "%s: open", arcname);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	off_t left = size;
	int r = 0;
	while (left > 0) {
		size_t want = left < READBUF ? (size_t)left : READBUF;
		ssize_t n = read(fd, w->readbuf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = err_sys(e, "%s: read", arcname);
			break;
		}
		if (n == 0) {
			r = err_set(e, "%s: file shrank while it was read", arcname);
			break;
		}
		if (archive_write_data(w->tar, w->readbuf, (size_t)n) != n) {
			r = err_set(e, "%s: %s", arcname, archive_error_string(w->tar));
			break;
		}
		left -= n;
	}
	close(fd);
	return r;
}

static int add_one(struct tarw *w, int dirfd, const char *name, const char *arcname,
		   const struct stat *st, struct err *e)
{
	struct archive_entry *ae = archive_entry_new();
	int r = 0;
	archive_entry_set_pathname(ae, arcname);
	archive_entry_set_mode(ae, st->st_mode);
	archive_entry_set_mtime(ae, w->o.pin_mtime ? w->o.mtime : st->st_mtim.tv_sec, 0);
	if (w->o.owner_root) {
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
	} else {
		archive_entry_set_uid(ae, st->st_uid);
		archive_entry_set_gid(ae, st->st_gid);
		const char *u = id_name(&w->users, &w->nusers, st->st_uid, 0);
		const char *g = id_name(&w->groups, &w->ngroups, st->st_gid, 1);
		if (u)
			archive_entry_set_uname(ae, u);
		if (g)
			archive_entry_set_gname(ae, g);
	}
	const char *link = NULL;
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1)
		link = hardlink_of(w, st, arcname);
	if (link) {
		archive_entry_set_hardlink(ae, link);
		archive_entry_set_size(ae, 0);
	} else if (S_ISREG(st->st_mode))
		archive_entry_set_size(ae, st->st_size);
	else if (S_ISLNK(st->st_mode)) {
		char target[4097];
		ssize_t n = readlinkat(dirfd, name, target, sizeof target - 1);
		if (n < 0)
			r = err_sys(e, "%s: readlink", arcname);
		else {
			target[n] = '\0';
			archive_entry_set_symlink(ae, target);
		}
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		archive_entry_set_rdev(ae, st->st_rdev);
	else if (S_ISSOCK(st->st_mode))
		r = err_set(e, "%s: sockets cannot be archived", arcname);
	if (r == 0 && !link)
		r = add_xattrs(ae, dirfd, name, e);
	if (r == 0)
		r = write_header(w, ae, arcname, e);
	if (r == 0 && !link && S_ISREG(st->st_mode) && st->st_size > 0)
		r = write_contents(w, dirfd, name, arcname, st->st_size, e);
	archive_entry_free(ae);
	return r;
}

static int add_at(struct tarw *w, int dfd, const char *name, struct buf *arc, struct err *e)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(e, "%s", arc->data);
	if (add_one(w, dfd, name, arc->data, &st, e) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return 0;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "%s", arc->data);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_sys(e, "%s", arc->data);
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	int r = errno ? err_sys(e, "%s: readdir", arc->data) : 0;
	xqsort(names, n, sizeof *names, cmpstr);
	size_t base = arc->len;
	for (size_t i = 0; i < n; i++) {
		if (r == 0) {
			buf_addc(arc, '/');
			buf_adds(arc, names[i]);
			r = add_at(w, dirfd(d), names[i], arc, e);
			arc->len = base;
			arc->data[base] = '\0';
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
	return r;
}

int tarw_add_tree(struct tarw *w, int dirfd, const char *name, const char *arcname, struct err *e)
{
	struct buf arc = {0};
	buf_adds(&arc, arcname);
	int r = add_at(w, dirfd, name, &arc, e);
	buf_free(&arc);
	return r;
}

static void tarw_free(struct tarw *w)
{
	if (w->tar)
		archive_write_free(w->tar);
	if (w->cmp)
		archive_write_free(w->cmp);
	free(w->cur.data);
	free(w->readbuf);
	for (size_t i = 0; i < w->ninodes; i++)
		free(w->inodes[i].arcname);
	free(w->inodes);
	for (size_t i = 0; i < w->nusers; i++)
		free(w->users[i].name);
	for (size_t i = 0; i < w->ngroups; i++)
		free(w->groups[i].name);
	free(w->users);
	free(w->groups);
	free(w);
}

/* Stop the compressor thread: after the queue drains (done) or at once. */
static void stop_thread(struct tarw *w, int abort)
{
	if (!w->thread_started)
		return;
	pthread_mutex_lock(&w->mu);
	if (abort) {
		w->qfailed = 1;
		for (; w->qcount; w->qcount--, w->qhead = (w->qhead + 1) % QLEN)
			free(w->q[w->qhead].data);
	}
	w->qdone = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->thread_started = 0;
}

int tarw_close(struct tarw *w, struct err *e)
{
	int r = 0;
	if (archive_write_close(w->tar) != ARCHIVE_OK) {
		aerr(w->tar, w->qerr, sizeof w->qerr);
		r = err_set(e, "%s", w->qerr);
	}
	if (r == 0 && w->cur.len) {
		struct chunk c = w->cur;
		w->cur.data = NULL;
		w->cur.len = 0;
		if (q_push(w, c) < 0)
			r = err_set(e, "%s", w->qerr);
	}
	stop_thread(w, r < 0);
	if (r == 0 && w->qfailed)
		r = err_set(e, "%s", w->qerr);
	if (r == 0 && w->cmp && archive_write_close(w->cmp) != ARCHIVE_OK) {
		aerr(w->cmp, w->qerr, sizeof w->qerr);
		r = err_set(e, "%s", w->qerr);
	}
	tarw_free(w);
	return r;
}

void tarw_abort(struct tarw *w)
{
	if (!w)
		return;
	stop_thread(w, 1);
	tarw_free(w);
}
