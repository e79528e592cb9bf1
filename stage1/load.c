/* Reading the pod: the reified pod manifest `pod` (the source of truth, with
 * every app's effective app object) and runtime.json, from the pod
 * directory (stage1's cwd), into stage1's model. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "manifest.h"
#include "podmanifest.h"
#include "stage1.h"
#include "xalloc.h"

static char **strv_from_list(const struct strlist *l)
{
	char **v = xcalloc(l->n + 1, sizeof(char *));
	for (size_t i = 0; i < l->n; i++)
		v[i] = xstrdup(l->v[i]);
	return v;
}

static void iso_init(struct s1_isolators *iso)
{
	memset(iso, 0, sizeof(*iso));
	iso->mem_limit = iso->mem_request = iso->cpu_limit = iso->cpu_request = -1;
}

/* Map isolators; those stage1 does not enforce are reported (ace.md: the
 * user must learn which isolators were ignored). */
static void iso_load(struct s1_isolators *iso, const struct isolator *v, size_t n, const char *who)
{
	for (size_t i = 0; i < n; i++) {
		const struct isolator *s = &v[i];
		switch (s->kind) {
		case ISO_MEMORY:
			iso->mem_limit = s->has_limit ? s->limit : -1;
			iso->mem_request = s->has_request ? s->request : -1;
			break;
		case ISO_CPU:
			iso->cpu_limit = s->has_limit ? s->limit : -1;
			iso->cpu_request = s->has_request ? s->request : -1;
			break;
		case ISO_CAPS_RETAIN:
		case ISO_CAPS_REMOVE:
			iso->caps_mode = s->kind == ISO_CAPS_RETAIN ? 1 : 2;
			strv_free(iso->caps);
			iso->caps = strv_from_list(&s->set);
			break;
		case ISO_NO_NEW_PRIVILEGES:
			iso->nnp = s->no_new_privileges;
			break;
		case ISO_SECCOMP_RETAIN:
		case ISO_SECCOMP_REMOVE:
			iso->seccomp_mode =
			    s->kind == ISO_SECCOMP_RETAIN ? S1_SECCOMP_RETAIN : S1_SECCOMP_REMOVE;
			strv_free(iso->seccomp_set);
			iso->seccomp_set = strv_from_list(&s->set);
			free(iso->seccomp_errno);
			iso->seccomp_errno = s->errno_name ? xstrdup(s->errno_name) : NULL;
			break;
		default:
			fprintf(stderr, "stage1: warning: %s: isolator %s is not enforced\n", who,
				s->name);
		}
	}
}

static void volume_load(struct s1_volume *d, const struct volume *s)
{
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(s->name);
	d->kind = s->kind == VOLUME_HOST ? S1_VOL_HOST : S1_VOL_EMPTY;
	d->source = s->source ? xstrdup(s->source) : NULL;
	d->readonly = s->read_only;
	d->recursive = s->recursive != TRI_FALSE;
	d->mode = s->mode ? (mode_t)strtoul(s->mode, NULL, 8) & 07777 : 0755;
	d->uid = s->has_uid ? s->uid : 0;
	d->gid = s->has_gid ? s->gid : 0;
}

/* Trimmed content of a small pod file, NULL when absent. */
static char *read_small(int podfd, const char *name)
{
	char *data;
	size_t len;
	struct err e;
	if (file_read_at(podfd, name, 1 << 16, &data, &len, &e) < 0)
		return NULL;
	while (len && (data[len - 1] == '\n' || data[len - 1] == ' '))
		data[--len] = '\0';
	return data;
}

static int app_load(struct s1_pod *pod, struct s1_app *d, const struct pod_app *pa, struct err *e)
{
	struct image_manifest *im = NULL;
	const struct app *a = pa->app;
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(pa->name);
	d->cg_fd[0] = d->cg_fd[1] = -1;
	if (!a) {
		/* pod-prepare writes the effective app; accept a pod that left it
		 * to the image, as the spec allows. */
		_cleanup_free_ char *path = xasprintf("apps/%s/manifest", pa->name);
		_cleanup_free_ char *txt = NULL;
		size_t len;
		struct errlist errs = {0};
		if (file_read_at(pod->podfd, path, 1 << 24, &txt, &len, e) < 0)
			return err_wrap(e, "app %s: no app object in the pod manifest", pa->name);
		if (image_manifest_parse(txt, len, &im, &errs) < 0 || !im->app) {
			err_set(e, "%s: %s", path, errs.n ? errs.items[0] : "no app object");
			errlist_free(&errs);
			return -1;
		}
		a = im->app;
	}
	if (!a->exec.n) {
		image_manifest_free(im);
		return err_set(e, "app %s: app.exec: empty", pa->name);
	}
	d->exec = strv_from_list(&a->exec);
	d->user = xstrdup(a->user ? a->user : "0");
	d->group = xstrdup(a->group ? a->group : "0");
	d->nsupp = a->n_supplementary_gids;
	d->supp_gids = xcalloc(d->nsupp + 1, sizeof(gid_t));
	for (size_t i = 0; i < d->nsupp; i++)
		d->supp_gids[i] = a->supplementary_gids[i];
	d->env = xcalloc(a->environment.n + 1, sizeof(char *));
	for (size_t i = 0; i < a->environment.n; i++)
		d->env[i] = xasprintf("%s=%s", a->environment.v[i].name, a->environment.v[i].value);
	d->workdir = a->working_directory ? xstrdup(a->working_directory) : NULL;
	d->readonly_rootfs = pa->read_only_rootfs;
	const struct event_handler *h = app_event_handler(a, "pre-start");
	d->pre_start = h && h->exec.n ? strv_from_list(&h->exec) : NULL;
	h = app_event_handler(a, "post-stop");
	d->post_stop = h && h->exec.n ? strv_from_list(&h->exec) : NULL;
	_cleanup_free_ char *who = xasprintf("app %s", pa->name);
	iso_init(&d->iso);
	iso_load(&d->iso, a->isolators, a->n_isolators, who);

	/* The pod's mounts, then every mount point no mount covers, served by
	 * the volume of the mount point's name (rkt's rule). */
	size_t cap = pa->n_mounts + a->n_mount_points;
	d->mounts = xcalloc(cap + 1, sizeof(struct s1_mount));
	for (size_t i = 0; i < pa->n_mounts; i++) {
		struct s1_mount *m = &d->mounts[d->nmounts++];
		m->volume = xstrdup(pa->mounts[i].volume);
		m->path = xstrdup(pa->mounts[i].path);
		if (pa->mounts[i].app_volume) {
			m->appvol = xcalloc(1, sizeof(*m->appvol));
			volume_load(m->appvol, pa->mounts[i].app_volume);
		}
		for (size_t j = 0; j < a->n_mount_points; j++)
			if (!strcmp(a->mount_points[j].path, m->path) ||
			    !strcmp(a->mount_points[j].name, m->volume))
				m->readonly |= a->mount_points[j].read_only;
	}
	for (size_t j = 0; j < a->n_mount_points; j++) {
		bool covered = false;
		for (size_t i = 0; i < pa->n_mounts; i++)
			covered |= !strcmp(pa->mounts[i].path, a->mount_points[j].path);
		if (covered)
			continue;
		struct s1_mount *m = &d->mounts[d->nmounts++];
		m->volume = xstrdup(a->mount_points[j].name);
		m->path = xstrdup(a->mount_points[j].path);
		m->readonly = a->mount_points[j].read_only;
	}
	_cleanup_free_ char *ld = xasprintf("apps/%s/lowerdir", pa->name);
	d->lowerdir = read_small(pod->podfd, ld);
	image_manifest_free(im);
	return 0;
}

static char **json_strv(const struct json_doc *d, int arr)
{
	char **v = xcalloc((size_t)json_size(d, arr) + 1, sizeof(char *));
	size_t n = 0;
	json_for_each(d, arr, it)
	{
		char *s = json_str(d, it);
		if (s)
			v[n++] = s;
	}
	return v;
}

static int runtime_load(struct s1_pod *pod, struct err *e)
{
	struct s1_runtime *rt = &pod->rt;
	_cleanup_free_ char *txt = NULL;
	size_t len;
	struct json_doc d = {0};
	if (file_read_at(pod->podfd, "runtime.json", 1 << 20, &txt, &len, e) < 0) {
		if (errno != ENOENT)
			return -1;
		err_clear(e);
		return 0; /* defaults */
	}
	if (json_parse(&d, txt, len, e) < 0)
		return err_wrap(e, "runtime.json");
	int root = 0;
	if (json_type(&d, root) != JSON_OBJECT) {
		json_free(&d);
		return err_set(e, "runtime.json: not an object");
	}
	char *h = json_str(&d, json_get(&d, root, "hostname"));
	if (h && *h)
		rt->hostname = h;
	else
		free(h);
	rt->dns = json_strv(&d, json_get(&d, root, "dns"));
	rt->dns_search = json_strv(&d, json_get(&d, root, "dnsSearch"));
	rt->dns_options = json_strv(&d, json_get(&d, root, "dnsOptions"));
	int he = json_get(&d, root, "hostsEntries");
	rt->hosts = xcalloc((size_t)json_size(&d, he) + 1, sizeof(*rt->hosts));
	json_for_each(&d, he, it)
	{
		char *ip = json_str(&d, json_get(&d, it, "ip"));
		if (!ip) {
			json_free(&d);
			return err_set(e, "runtime.json: hostsEntries[%zu].ip: required",
				       rt->nhosts);
		}
		rt->hosts[rt->nhosts].ip = ip;
		rt->hosts[rt->nhosts++].names = json_strv(&d, json_get(&d, it, "names"));
	}
	json_bool(&d, json_get(&d, root, "overlay"), &rt->overlay);
	json_free(&d);
	return 0;
}

int s1_load(struct s1_pod *pod, struct err *e)
{
	_cleanup_free_ char *txt = NULL;
	size_t len;
	struct pod_manifest *pm = NULL;
	struct errlist errs = {0};

	if (file_read_at(pod->podfd, "pod", 1 << 24, &txt, &len, e) < 0)
		return err_wrap(e, "pod manifest");
	if (pod_manifest_parse(txt, len, &pm, &errs) < 0) {
		struct buf b = {0};
		for (size_t i = 0; i < errs.n; i++)
			buf_printf(&b, "%s%s", i ? "; " : "", errs.items[i]);
		err_set(e, "pod: %s", b.data ? b.data : "invalid");
		buf_free(&b);
		errlist_free(&errs);
		return -1;
	}
	if (pm->n_apps == 0) {
		pod_manifest_free(pm);
		return err_set(e, "pod: apps: the pod has no app");
	}
	pod->volumes = xcalloc(pm->n_volumes + 1, sizeof(struct s1_volume));
	for (size_t i = 0; i < pm->n_volumes; i++)
		volume_load(&pod->volumes[pod->nvolumes++], &pm->volumes[i]);
	iso_init(&pod->iso);
	iso_load(&pod->iso, pm->isolators, pm->n_isolators, "pod");
	pod->apps = xcalloc(pm->n_apps, sizeof(struct s1_app));
	for (size_t i = 0; i < pm->n_apps; i++) {
		if (app_load(pod, &pod->apps[i], &pm->apps[i], e) < 0) {
			pod_manifest_free(pm);
			return -1;
		}
		pod->napps++;
	}
	pod_manifest_free(pm);
	if (runtime_load(pod, e) < 0)
		return -1;
	pod->hostname =
	    pod->rt.hostname ? xstrdup(pod->rt.hostname) : xasprintf("rkt-%s", pod->uuid);
	return 0;
}

static void iso_free(struct s1_isolators *iso)
{
	strv_free(iso->caps);
	strv_free(iso->seccomp_set);
	free(iso->seccomp_errno);
}

static void volume_free_s1(struct s1_volume *v)
{
	free(v->name);
	free(v->source);
}

void s1_pod_free(struct s1_pod *pod)
{
	for (size_t i = 0; i < pod->napps; i++) {
		struct s1_app *a = &pod->apps[i];
		free(a->name);
		strv_free(a->exec);
		free(a->user);
		free(a->group);
		free(a->supp_gids);
		strv_free(a->env);
		free(a->workdir);
		for (size_t m = 0; m < a->nmounts; m++) {
			free(a->mounts[m].volume);
			free(a->mounts[m].path);
			if (a->mounts[m].appvol)
				volume_free_s1(a->mounts[m].appvol);
			free(a->mounts[m].appvol);
		}
		free(a->mounts);
		strv_free(a->pre_start);
		strv_free(a->post_stop);
		iso_free(&a->iso);
		free(a->lowerdir);
		free(a->groups);
		free(a->login);
		free(a->home);
		free(a->shell);
		strv_free(a->envp);
	}
	free(pod->apps);
	for (size_t i = 0; i < pod->nvolumes; i++)
		volume_free_s1(&pod->volumes[i]);
	free(pod->volumes);
	iso_free(&pod->iso);
	free(pod->rt.hostname);
	strv_free(pod->rt.dns);
	strv_free(pod->rt.dns_search);
	strv_free(pod->rt.dns_options);
	for (size_t i = 0; i < pod->rt.nhosts; i++) {
		free(pod->rt.hosts[i].ip);
		strv_free(pod->rt.hosts[i].names);
	}
	free(pod->rt.hosts);
	free(pod->hostname);
	free(pod->uuid);
	free(pod->path);
	free(pod->cg_paths[0]);
	free(pod->cg_paths[1]);
}
