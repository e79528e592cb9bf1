#include "podinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cni.h"
#include "file.h"
#include "json.h"
#include "jsonw.h"
#include "podmanifest.h"

static int64_t ts_ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

int64_t podinfo_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return ts_ns(&t);
}

static int64_t mtime_at(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return ts_ns(&st.st_mtim);
}

/* runtime.json's "created" (RFC3339, written by pod-prepare), else the pod
 * directory's own change time. */
static int64_t created_ns(const struct pod *p)
{
	char *data = NULL;
	size_t len;
	struct err e;
	int64_t ns = 0;
	if (pod_read_runtime(p, &data, &len, &e) == 0) {
		struct json_doc d;
		if (json_parse(&d, data, len, &e) == 0) {
			char *s = json_str(&d, json_get(&d, 0, "created"));
			struct tm tm = {0};
			char *rest = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
			if (rest) {
				long frac = 0, scale = 1000000000;
				if (*rest == '.')
					for (rest++; *rest >= '0' && *rest <= '9'; rest++)
						if (scale > 1)
							frac = frac * 10 + (*rest - '0'), scale /= 10;
				ns = (int64_t)timegm(&tm) * 1000000000 + frac * scale;
			}
			free(s);
			json_free(&d);
		}
		free(data);
	}
	if (!ns) {
		struct stat st;
		if (fstat(p->fd, &st) == 0)
			ns = ts_ns(&st.st_ctim);
	}
	return ns;
}

static void read_apps(const struct pod *p, struct podinfo *info)
{
	char *data = NULL;
	size_t len;
	struct err e;
	struct errlist errs = {0};
	struct pod_manifest *m = NULL;
	if (pod_read_manifest(p, &data, &len, &e) < 0)
		return;
	if (pod_manifest_parse(data, len, &m, &errs) == 0) {
		info->apps = xcalloc(m->n_apps, sizeof *info->apps);
		for (size_t i = 0; i < m->n_apps; i++) {
			struct podinfo_app *a = &info->apps[info->n_apps++];
			a->name = xstrdup(m->apps[i].name);
			a->image_id = xstrdup(m->apps[i].image.id);
			a->image_name = m->apps[i].image.name ? xstrdup(m->apps[i].image.name) : NULL;
			if (pod_read_app_status(p, a->name, &a->exit_code, &e) == 1) {
				char *f = xasprintf("status/%s", a->name);
				a->exited = 1;
				a->finished_ns = mtime_at(p->fd, f);
				free(f);
				if (a->finished_ns > info->finished_ns)
					info->finished_ns = a->finished_ns;
			}
		}
		pod_manifest_free(m);
	}
	errlist_free(&errs);
	free(data);
}

/* The networks stage1 joined, as common/cni recorded them in the pod dir. */
static void read_nets(const struct pod *p, struct podinfo *info)
{
	struct cni_netinfo *ni;
	size_t n;
	struct err e;
	char *path = pod_path(p);
	if (cni_netinfo_read(path, &ni, &n, &e) == 0) {
		info->nets = xcalloc(n, sizeof *info->nets);
		for (size_t i = 0; i < n; i++) {
			struct podinfo_net *net = &info->nets[info->n_nets++];
			net->name = xstrdup(ni[i].name);
			net->ifname = ni[i].ifname ? xstrdup(ni[i].ifname) : NULL;
			net->ip = ni[i].ips && ni[i].ips[0] ? xstrndup(ni[i].ips[0], strcspn(ni[i].ips[0], "/")) : NULL;
		}
		cni_netinfo_free(ni, n);
	}
	free(path);
}

int podinfo_read(const struct pod *p, struct podinfo *info, struct err *e)
{
	memset(info, 0, sizeof *info);
	memcpy(info->uuid, p->uuid, sizeof info->uuid);
	int locked = pod_is_locked((struct pod *)p, e);
	if (locked < 0)
		return -1;
	info->status = pod_status_of(p->state, locked);
	if (pod_read_pid(p, &info->pid, e) < 0)
		return -1;
	info->created_ns = created_ns(p);
	info->started_ns = info->pid ? mtime_at(p->fd, "pid") : 0;
	read_apps(p, info);
	read_nets(p, info);
	return 0;
}

void podinfo_free(struct podinfo *info)
{
	for (size_t i = 0; i < info->n_apps; i++) {
		free(info->apps[i].name);
		free(info->apps[i].image_name);
		free(info->apps[i].image_id);
	}
	free(info->apps);
	for (size_t i = 0; i < info->n_nets; i++) {
		free(info->nets[i].name);
		free(info->nets[i].ifname);
		free(info->nets[i].ip);
	}
	free(info->nets);
	memset(info, 0, sizeof *info);
}

void podinfo_time(int64_t ns, char *out, size_t n)
{
	if (!ns) {
		snprintf(out, n, "%s", "");
		return;
	}
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	char date[64];
	localtime_r(&s, &tm);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
	char zone[16];
	strftime(zone, sizeof zone, "%z %Z", &tm);
	snprintf(out, n, "%s.%03d %s", date, (int)(ns / 1000000 % 1000), zone);
}

void podinfo_ago(int64_t ns, int64_t now_ns, char *out, size_t n)
{
	if (!ns) {
		snprintf(out, n, "%s", "");
		return;
	}
	int64_t s = (now_ns - ns) / 1000000000;
	if (s < 0)
		s = 0;
	static const struct { int64_t secs; const char *unit; } units[] = {
		{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (s >= units[i].secs || units[i].secs == 1) {
			int64_t v = s / units[i].secs;
			snprintf(out, n, "%lld %s%s ago", (long long)v, units[i].unit, v == 1 ? "" : "s");
			return;
		}
	}
}

void podinfo_networks(const struct podinfo *info, struct buf *b)
{
	for (size_t i = 0; i < info->n_nets; i++)
		buf_printf(b, "%s%s:ip4=%s", i ? "," : "", info->nets[i].name,
			   info->nets[i].ip ? info->nets[i].ip : "");
}

static void json_apps(struct jsonw *w, const struct podinfo *info)
{
	jsonw_key(w, "apps");
	jsonw_arr_begin(w);
	for (size_t i = 0; i < info->n_apps; i++) {
		const struct podinfo_app *a = &info->apps[i];
		jsonw_obj_begin(w);
		jsonw_kstr(w, "name", a->name);
		jsonw_kstr(w, "state", a->exited ? "exited" : info->status == POD_S_RUNNING ? "running" : "unknown");
		if (a->image_name)
			jsonw_kstr(w, "image_name", a->image_name);
		jsonw_kstr(w, "image_id", a->image_id);
		if (a->exited) {
			jsonw_kint(w, "exit_code", a->exit_code);
			jsonw_kint(w, "finished_at", a->finished_ns);
		}
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

void podinfo_json(const struct podinfo *info, struct buf *b, int pretty)
{
	struct jsonw w;
	jsonw_init(&w, b, pretty);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "name", info->uuid);
	jsonw_kstr(&w, "state", pod_status_name(info->status));
	jsonw_key(&w, "networks");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < info->n_nets; i++) {
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "netName", info->nets[i].name);
		if (info->nets[i].ifname)
			jsonw_kstr(&w, "ifName", info->nets[i].ifname);
		if (info->nets[i].ip)
			jsonw_kstr(&w, "ip", info->nets[i].ip);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_key(&w, "app_names");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < info->n_apps; i++)
		jsonw_str(&w, info->apps[i].name);
	jsonw_arr_end(&w);
	if (info->pid)
		jsonw_kint(&w, "pid", info->pid);
	if (info->created_ns)
		jsonw_kint(&w, "created_at", info->created_ns);
	if (info->started_ns)
		jsonw_kint(&w, "started_at", info->started_ns);
	json_apps(&w, info);
	jsonw_obj_end(&w);
}
