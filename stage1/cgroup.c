/* Resource isolators (ace.md resource/memory, resource/cpu) on cgroups: the
 * unified hierarchy (v2) when the host has it at /sys/fs/cgroup, else the
 * v1 memory and cpu hierarchies. The pod gets <current cgroup>/rkt-<uuid>
 * with pod-level limits, each app <pod>/<app> with its own. Cgroups are made
 * only for a controller some isolator uses, by the outer process (which
 * removes them when the pod is gone). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"
#include "xalloc.h"

#define CG_ROOT "/sys/fs/cgroup"

int64_t cpu_quota_us(int64_t millicores, int64_t period_us)
{
	int64_t q = millicores * period_us / 1000;
	return q < 1000 ? 1000 : q; /* the kernel's minimum is 1 ms */
}

uint64_t cpu_shares(int64_t millicores)
{
	uint64_t s = (uint64_t)millicores * 1024 / 1000;
	return s < 2 ? 2 : s > 262144 ? 262144 : s;
}

uint64_t cpu_weight_from_shares(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

enum { CG_MEM, CG_CPU };
static bool cg_v2;

/* This process's cgroup in the hierarchy holding controller (v1), or the
 * unified one (v2). */
static char *current_cgroup(const char *controller)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct err e;
	if (file_read("/proc/self/cgroup", 1 << 20, &text, &len, &e) < 0)
		return NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0'; /* line: the hierarchy ID */
		const char *ctrls = c1 + 1;
		if (cg_v2) {
			if (!strcmp(line, "0") && !*ctrls)
				return xstrdup(c2 + 1);
			continue;
		}
		for (char *t = strtok_r((char *)ctrls, ",", &c1); t; t = strtok_r(NULL, ",", &c1))
			if (!strcmp(t, controller))
				return xstrdup(c2 + 1);
	}
	return NULL;
}

static int cg_write(int dfd, const char *file, const char *val, struct err *e)
{
	int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "cgroup %s", file);
	ssize_t n = write(fd, val, strlen(val));
	close(fd);
	if (n < 0)
		return err_sys(e, "cgroup %s: write \"%s\"", file, val);
	return 0;
}

static int cg_mkdir(const char *path, struct err *e)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return err_sys(e, "cgroup %s", path);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? err_sys(e, "cgroup %s", path) : fd;
}

static int apply_limits(int fd, int which, const struct s1_isolators *iso, struct err *e)
{
	char v[64];
	if (which == CG_MEM && iso->mem_limit >= 0) {
		snprintf(v, sizeof(v), "%lld", (long long)iso->mem_limit);
		if (cg_write(fd, cg_v2 ? "memory.max" : "memory.limit_in_bytes", v, e) < 0)
			return -1;
		/* No swap beyond the limit: the limit is what the app can use. */
		if (cg_v2 && faccessat(fd, "memory.swap.max", F_OK, 0) == 0 &&
		    cg_write(fd, "memory.swap.max", "0", e) < 0)
			return -1;
		if (!cg_v2 && faccessat(fd, "memory.memsw.limit_in_bytes", F_OK, 0) == 0 &&
		    cg_write(fd, "memory.memsw.limit_in_bytes", v, e) < 0)
			return -1;
	}
	/* The request is what the kernel protects from reclaim under pressure. */
	if (which == CG_MEM && iso->mem_request >= 0 &&
	    (iso->mem_limit < 0 || iso->mem_request < iso->mem_limit)) {
		snprintf(v, sizeof(v), "%lld", (long long)iso->mem_request);
		if (cg_write(fd, cg_v2 ? "memory.low" : "memory.soft_limit_in_bytes", v, e) < 0)
			return -1;
	}
	if (which == CG_CPU && iso->cpu_limit >= 0) {
		int64_t q = cpu_quota_us(iso->cpu_limit, 100000);
		if (cg_v2) {
			snprintf(v, sizeof(v), "%lld 100000", (long long)q);
			if (cg_write(fd, "cpu.max", v, e) < 0)
				return -1;
		} else {
			snprintf(v, sizeof(v), "%lld", (long long)q);
			if (cg_write(fd, "cpu.cfs_period_us", "100000", e) < 0 ||
			    cg_write(fd, "cpu.cfs_quota_us", v, e) < 0)
				return -1;
		}
	}
	if (which == CG_CPU && iso->cpu_request >= 0) {
		uint64_t sh = cpu_shares(iso->cpu_request);
		snprintf(v, sizeof(v), "%llu",
			 (unsigned long long)(cg_v2 ? cpu_weight_from_shares(sh) : sh));
		if (cg_write(fd, cg_v2 ? "cpu.weight" : "cpu.shares", v, e) < 0)
			return -1;
	}
	return 0;
}

static bool needs(struct s1_pod *pod, int which)
{
	const struct s1_isolators *iso = &pod->iso;
	for (size_t i = 0;; i++) {
		if (which == CG_MEM && iso->mem_limit >= 0)
			return true;
		if (which == CG_CPU && (iso->cpu_limit >= 0 || iso->cpu_request >= 0))
			return true;
		if (i >= pod->napps)
			return false;
		iso = &pod->apps[i].iso;
	}
}

/* cgroup v2 lets a cgroup hand controllers to its children only while it
 * holds no process itself (the root excepted). Our own cgroup holds us (and
 * under systemd our whole session), so when it cannot delegate the pod goes
 * where rkt put pods, machine.slice, else under the root. */
static int v2_delegate(char **base, const char *ctrls, struct err *e)
{
	const char *cands[] = {*base, CG_ROOT "/machine.slice", CG_ROOT};
	for (size_t i = 0; i < 3; i++) {
		int bfd = open(cands[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (bfd < 0)
			continue;
		int r = cg_write(bfd, "cgroup.subtree_control", ctrls, e);
		close(bfd);
		if (r == 0) {
			if (i) {
				free(*base);
				*base = xstrdup(cands[i]);
			}
			return 0;
		}
	}
	return err_wrap(e, "no cgroup can delegate the controllers (%s)", ctrls);
}

int s1_cgroups_setup(struct s1_pod *pod, struct err *e)
{
	struct stat st;
	cg_v2 = stat(CG_ROOT "/cgroup.controllers", &st) == 0;
	for (size_t a = 0; a < pod->napps; a++)
		pod->apps[a].cg_fd[0] = pod->apps[a].cg_fd[1] = -1;
	pod->cg_pod_fd[0] = pod->cg_pod_fd[1] = -1;

	for (int which = CG_MEM; which <= CG_CPU; which++) {
		if (!needs(pod, which))
			continue;
		const char *ctrl = which == CG_MEM ? "memory" : "cpu";
		int slot = cg_v2 ? 0 : which;
		if (cg_v2 && pod->cg_pod_fd[0] >= 0) {
			/* one hierarchy: enable the controller in the pod's subtree */
			_cleanup_free_ char *en = xasprintf("+%s", ctrl);
			if (cg_write(pod->cg_pod_fd[0], "cgroup.subtree_control", en, e) < 0)
				return err_wrap(e, "resource/%s", ctrl);
		} else {
			_cleanup_free_ char *cur = current_cgroup(ctrl);
			if (!cur)
				return err_set(e, "resource/%s: no %s cgroup on this host", ctrl,
					       ctrl);
			_cleanup_free_ char *base =
			    cg_v2 ? xasprintf(CG_ROOT "%s", strcmp(cur, "/") ? cur : "")
				  : xasprintf(CG_ROOT "/%s%s", ctrl, strcmp(cur, "/") ? cur : "");
			/* only the controllers some isolator uses: a host may lack one */
			const char *ctrls = !needs(pod, CG_CPU)   ? "+memory"
					    : !needs(pod, CG_MEM) ? "+cpu"
								  : "+memory +cpu";
			if (cg_v2 && v2_delegate(&base, ctrls, e) < 0)
				return err_wrap(e, "resource/%s", ctrl);
			pod->cg_paths[slot] = xasprintf("%s/rkt-%s", base, pod->uuid);
			pod->cg_pod_fd[slot] = cg_mkdir(pod->cg_paths[slot], e);
			if (pod->cg_pod_fd[slot] < 0)
				return err_wrap(e, "resource/%s", ctrl);
			/* if this process is killed -9 it cannot remove them: pod-gc
			 * removes what the pod's `cgroups` file lists */
			const char *other = pod->cg_paths[!slot];
			_cleanup_free_ char *list =
			    xasprintf("%s\n%s%s", pod->cg_paths[slot], other ? other : "",
				      other ? "\n" : "");
			if (s1_write_file(pod->podfd, "cgroups", list, false, e) < 0)
				return err_wrap(e, "resource/%s", ctrl);
			if (cg_v2) {
				_cleanup_free_ char *en = xasprintf("+%s", ctrl);
				if (cg_write(pod->cg_pod_fd[0], "cgroup.subtree_control", en, e) <
				    0)
					return err_wrap(e, "resource/%s", ctrl);
			}
		}
		if (apply_limits(pod->cg_pod_fd[slot], which, &pod->iso, e) < 0)
			return err_wrap(e, "pod isolator resource/%s", ctrl);
		for (size_t a = 0; a < pod->napps; a++) {
			struct s1_app *app = &pod->apps[a];
			if (app->cg_fd[slot] < 0) {
				_cleanup_free_ char *p =
				    xasprintf("%s/%s", pod->cg_paths[slot], app->name);
				app->cg_fd[slot] = cg_mkdir(p, e);
				if (app->cg_fd[slot] < 0)
					return err_wrap(e, "app %s", app->name);
			}
			if (apply_limits(app->cg_fd[slot], which, &app->iso, e) < 0)
				return err_wrap(e, "app %s: isolator resource/%s", app->name, ctrl);
		}
	}
	return 0;
}

int s1_cgroup_join(struct s1_app *app, struct err *e)
{
	for (int i = 0; i < 2; i++)
		if (app->cg_fd[i] >= 0 && cg_write(app->cg_fd[i], "cgroup.procs", "0", e) < 0)
			return err_wrap(e, "app %s: join its cgroup", app->name);
	return 0;
}

/* rmdir waits for the last task of the cgroup to be gone: retry a while. */
static void cg_rmdir(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			return;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

void s1_cgroups_cleanup(struct s1_pod *pod)
{
	for (int slot = 0; slot < 2; slot++) {
		if (!pod->cg_paths[slot])
			continue;
		for (size_t a = 0; a < pod->napps; a++) {
			_cleanup_free_ char *p =
			    xasprintf("%s/%s", pod->cg_paths[slot], pod->apps[a].name);
			cg_rmdir(p);
		}
		cg_rmdir(pod->cg_paths[slot]);
	}
}
