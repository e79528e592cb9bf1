/* pod-gc: exited pods -> exited-garbage, swept after the grace period; stale
 * prepared, aborted and orphaned embryo pods -> garbage, swept at once.
 * Every step holds the pod's lock (taken without waiting, so a running pod
 * or another gc is simply skipped), and deletion never crosses a mount. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cni.h"
#include "err.h"
#include "mountutil.h"
#include "opt.h"
#include "pod.h"
#include "xalloc.h"

#define USAGE                                                                          \
	"pod-gc [--dir=DIR] [--grace-period=DURATION] [--expire-prepared=DURATION]\n" \
	"              [--mark-only] [-v|--verbose]\n"                                  \
	"       pod-gc [--dir=DIR] [-v|--verbose] UUID...\n"

struct gc {
	struct pod_dir d;
	long long grace_ms, expire_ms;
	bool mark_only, verbose;
	int failed;
};

static long long age_ms(const struct pod *p)
{
	struct stat st;
	struct timespec now;
	if (fstat(p->fd, &st) < 0)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	long long age = (now.tv_sec - st.st_mtim.tv_sec) * 1000LL +
			(now.tv_nsec - st.st_mtim.tv_nsec) / 1000000;
	if (age < 0) {
		/* an mtime in the future (clock skew): never sweep early, but count
		 * from now on, or the pod would wait for the clock to get there */
		futimens(p->fd, NULL);
		return 0;
	}
	return age;
}

/* Open and lock a pod still in state `s`; 0 = skip it (gone, locked, moved). */
static int take(struct gc *g, const struct pod_entry *ent, enum pod_state s, struct pod *p)
{
	struct err e = {0};
	if (pod_open(&g->d, ent->uuid, p, &e) < 0)
		return 0;
	if (pod_lock(p, true, &e) < 0 || pod_refresh_state(p, &e) < 0 || p->state != s) {
		pod_close(p);
		return 0;
	}
	return 1;
}

static void move(struct gc *g, struct pod *p, enum pod_state to)
{
	struct err e = {0};
	if (pod_transition(p, to, &e) < 0) {
		warnx_("%s", e.msg);
		g->failed = 1;
		return;
	}
	/* the mtime says since when it is garbage: the grace period counts from here */
	futimens(p->fd, NULL);
	if (g->verbose)
		fprintf(stderr, "%s: pod %s marked as %s\n", prog_name(), p->uuid, pod_state_dir(to));
}

static void mark(struct gc *g, const struct pod_entry *ent)
{
	struct pod p;
	enum pod_state to;
	switch (ent->status) {
	case POD_S_EXITED: to = POD_EXITED_GARBAGE; break;
	case POD_S_ABORTED_PREPARE: to = POD_GARBAGE; break;
	case POD_S_EMBRYO: to = POD_GARBAGE; break; /* unlocked: its creator died */
	case POD_S_PREPARED: to = POD_GARBAGE; break;
	default: return;
	}
	if (ent->locked || !take(g, ent, ent->state, &p))
		return;
	if (ent->status != POD_S_PREPARED || age_ms(&p) >= g->expire_ms)
		move(g, &p, to);
	pod_close(&p);
}

/* rmdir a cgroup once its last task is gone (the kernel lags a little). */
static void cg_rmdir_at(int dirfd, const char *name)
{
	for (int i = 0; i < 100; i++) {
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno != EBUSY)
			return;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* The cgroups stage1 made for the pod (its `cgroups` file) when stage1 was
 * killed before it could remove them: <pod cgroup>/<app> then the pod's.
 * Only /sys/fs/cgroup/.../rkt-<uuid> paths are trusted. */
static void remove_cgroups(struct pod *p)
{
	struct err e = {0};
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (pod_read_file(p, "cgroups", &data, &len, &e) < 0)
		return;
	_cleanup_free_ char *tail = xasprintf("/rkt-%s", p->uuid);
	char *save = NULL;
	for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(l), tn = strlen(tail);
		if (strncmp(l, "/sys/fs/cgroup/", 15) || strstr(l, "/..") || n <= tn ||
		    strcmp(l + n - tn, tail))
			continue;
		int fd = open(l, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		DIR *dir = fdopendir(dup(fd));
		for (struct dirent *de; dir && (de = readdir(dir));)
			if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
			    strcmp(de->d_name, ".."))
				cg_rmdir_at(fd, de->d_name);
		if (dir)
			closedir(dir);
		close(fd);
		cg_rmdir_at(AT_FDCWD, l);
	}
}

/* now: ignore the grace period (pods named on the command line). */
static void sweep(struct gc *g, const struct pod_entry *ent, bool now)
{
	struct pod p;
	struct err e = {0};
	if (!take(g, ent, ent->state, &p))
		return;
	if (!now && ent->state == POD_EXITED_GARBAGE && age_ms(&p) < g->grace_ms) {
		pod_close(&p);
		return;
	}
	char *path = pod_path(&p);
	/* Networks first (every ADD gets its DEL, again if stage1 already did:
	 * it is idempotent); a failed DEL keeps the pod so a later gc retries.
	 * Then stage1's mounts: they die with its namespace, anything left on
	 * the host goes, and deletion refuses to enter a mount that remains. */
	remove_cgroups(&p);
	struct cni_ctx cni = {.pod_dir = path, .uuid = ent->uuid};
	if (cni_del(&cni, &e) < 0 || umount_under(path, &e) < 0 || pod_destroy(&p, &e) < 0) {
		warnx_("pod %s: %s", ent->uuid, e.msg);
		g->failed = 1;
		pod_close(&p);
	} else if (g->verbose) {
		printf("%s\n", ent->uuid);
	}
	free(path);
}

static void run(struct gc *g)
{
	struct pod_entry *ents;
	size_t n;
	struct err e = {0};
	if (pod_list(&g->d, 0, &ents, &n, &e) < 0)
		die_err(&e);
	for (size_t i = 0; i < n; i++)
		mark(g, &ents[i]);
	free(ents);
	if (g->mark_only)
		return;
	unsigned mask = 1u << POD_EXITED_GARBAGE | 1u << POD_GARBAGE;
	if (pod_list(&g->d, mask, &ents, &n, &e) < 0)
		die_err(&e);
	for (size_t i = 0; i < n; i++)
		sweep(g, &ents[i], false);
	free(ents);
}

/* pod-gc UUID...: remove these pods now (rkt rm): prepared, exited, aborted
 * or garbage ones; a running or locked pod is refused. */
static void remove_pods(struct gc *g, char **refs, int n)
{
	for (int i = 0; i < n; i++) {
		struct pod p;
		struct err e = {0};
		if (pod_open(&g->d, refs[i], &p, &e) < 0) {
			warnx_("%s", e.msg);
			g->failed = 1;
			continue;
		}
		if (pod_lock(&p, true, &e) < 0 || pod_refresh_state(&p, &e) < 0) {
			warnx_("pod %s is %s: not removed", p.uuid,
			       errno == EWOULDBLOCK ? "running or busy" : e.msg);
			g->failed = 1;
			pod_close(&p);
			continue;
		}
		struct pod_entry ent = {.state = p.state};
		memcpy(ent.uuid, p.uuid, sizeof ent.uuid);
		enum pod_state to = p.state == POD_RUN ? POD_EXITED_GARBAGE : POD_GARBAGE;
		if (p.state != POD_EXITED_GARBAGE && p.state != POD_GARBAGE)
			move(g, &p, to);
		ent.state = p.state;
		pod_close(&p);
		/* swept like any garbage: unmount, then delete without crossing */
		sweep(g, &ent, true);
	}
}

static long long duration(const char *opt, const char *arg)
{
	long long ms = opt_duration_ms(arg);
	if (ms < 0) {
		warnx_("%s: not a duration: %s", opt, arg);
		die_usage(USAGE);
	}
	return ms;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"grace-period", required_argument, NULL, 'g'},
		{"expire-prepared", required_argument, NULL, 'x'},
		{"mark-only", optional_argument, NULL, 'm'},
		{"verbose", optional_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rkt_paths paths;
	struct gc g = {.grace_ms = 30 * 60 * 1000LL, .expire_ms = 24 * 3600 * 1000LL};
	const char *dir;
	int c;
	prog_init(argv[0]);
	rkt_paths_default(&paths);
	dir = paths.dir;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'g': g.grace_ms = duration("--grace-period", optarg); break;
		case 'x': g.expire_ms = duration("--expire-prepared", optarg); break;
		case 'm':
			if (opt_bool(optarg, &g.mark_only) < 0)
				die_usage(USAGE);
			break;
		case 'v':
			if (opt_bool(optarg, &g.verbose) < 0)
				die_usage(USAGE);
			break;
		case 'h': opt_help("usage: " USAGE);
		default: die_usage(USAGE);
		}
	}
	struct err e = {0};
	if (pod_dir_open(&g.d, dir, false, &e) < 0)
		die_err(&e);
	if (optind < argc)
		remove_pods(&g, argv + optind, argc - optind);
	else
		run(&g);
	pod_dir_close(&g.d);
	return g.failed ? EXIT_FAIL : EXIT_OK;
}
