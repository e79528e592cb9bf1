/* Reifying the pod manifest: each app's effective `app` is its image's app
 * with the command-line overrides applied (rkt's order: --exec replaces the
 * whole exec, "-- ARGS" append to it, then user, group, env, isolators);
 * mounts name declared volumes; a mount point left without a mount is bound
 * to the volume of the same name, else to an implicit empty volume (as rkt
 * does), so every mountPoint is satisfied (spec/pods.md). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "podprep-int.h"
#include "xalloc.h"

/* rkt's default app name: the image name's last path element, made an AC
 * Name (lowercase, other characters turned into '-'). */
char *prep_default_app_name(const char *image_name)
{
	const char *base = strrchr(image_name, '/');
	base = base ? base + 1 : image_name;
	struct buf b = {0};
	for (const char *s = base; *s; s++) {
		int c = tolower((unsigned char)*s);
		if (!isalnum(c))
			c = '-';
		if (c == '-' && (b.len == 0 || b.data[b.len - 1] == '-'))
			continue;
		buf_addc(&b, (char)c);
	}
	while (b.len && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	if (!b.len)
		buf_adds(&b, "app");
	return buf_steal(&b);
}

static int set_isolator(struct app *a, const char *name, const char *json, struct err *e)
{
	struct isolator iso;
	struct errlist errs = {0};
	memset(&iso, 0, sizeof iso);
	if (isolator_make(name, json, &iso, &errs) < 0) {
		err_set(e, "isolator %s: %s", name, errs.n ? errs.items[0] : "invalid");
		errlist_free(&errs);
		isolator_free(&iso);
		return -1;
	}
	errlist_free(&errs);
	for (size_t i = 0; i < a->n_isolators; i++)
		if (!strcmp(a->isolators[i].name, name)) {
			isolator_free(&a->isolators[i]);
			a->isolators[i] = iso;
			return 0;
		}
	a->isolators = xreallocarray(a->isolators, a->n_isolators + 1, sizeof *a->isolators);
	a->isolators[a->n_isolators++] = iso;
	return 0;
}

/* "A,B,C" -> ["A","B","C"] as JSON into b; skips "mode=" and "errno=" items
 * (seccomp's rkt syntax), returning them. */
static void list_json(struct buf *b, const char *list, char **mode, char **errno_name)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;
	bool first = true;
	buf_addc(b, '[');
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (mode && !strncmp(t, "mode=", 5)) {
			free(*mode);
			*mode = xstrdup(t + 5);
			continue;
		}
		if (errno_name && !strncmp(t, "errno=", 6)) {
			free(*errno_name);
			*errno_name = xstrdup(t + 6);
			continue;
		}
		if (!first)
			buf_addc(b, ',');
		first = false;
		json_quote(b, t, strlen(t));
	}
	buf_addc(b, ']');
}

static int apply_isolator_flags(struct app *a, const struct prep_app *pa, struct err *e)
{
	struct buf b = {0};
	int r = 0;
	if (pa->memory) {
		buf_adds(&b, "{\"limit\":");
		json_quote(&b, pa->memory, strlen(pa->memory));
		buf_addc(&b, '}');
		r = set_isolator(a, ISO_NAME_MEMORY, b.data, e);
		b.len = 0;
	}
	if (!r && pa->cpu) {
		buf_adds(&b, "{\"limit\":");
		json_quote(&b, pa->cpu, strlen(pa->cpu));
		buf_addc(&b, '}');
		r = set_isolator(a, ISO_NAME_CPU, b.data, e);
		b.len = 0;
	}
	const char *caps[2] = {pa->cap_retain, pa->cap_remove};
	const char *capn[2] = {ISO_NAME_CAPS_RETAIN, ISO_NAME_CAPS_REMOVE};
	for (int i = 0; i < 2 && !r; i++) {
		if (!caps[i])
			continue;
		buf_adds(&b, "{\"set\":");
		list_json(&b, caps[i], NULL, NULL);
		buf_addc(&b, '}');
		r = set_isolator(a, capn[i], b.data, e);
		b.len = 0;
	}
	if (!r && pa->seccomp) {
		/* rkt: --seccomp mode=retain|remove[,errno=ENAME],SYSCALL,... */
		_cleanup_free_ char *mode = NULL, *eno = NULL;
		buf_adds(&b, "{\"set\":");
		list_json(&b, pa->seccomp, &mode, &eno);
		if (eno) {
			buf_adds(&b, ",\"errno\":");
			json_quote(&b, eno, strlen(eno));
		}
		buf_addc(&b, '}');
		if (!mode || (strcmp(mode, "retain") && strcmp(mode, "remove")))
			r = err_set(e, "--seccomp %s: want mode=retain or mode=remove first",
				    pa->seccomp);
		else
			r = set_isolator(a,
					 !strcmp(mode, "retain") ? ISO_NAME_SECCOMP_RETAIN
								 : ISO_NAME_SECCOMP_REMOVE,
					 b.data, e);
	}
	buf_free(&b);
	return r;
}

static int parse_gids(struct app *a, const char *list, struct err *e)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;
	free(a->supplementary_gids);
	a->supplementary_gids = NULL;
	a->n_supplementary_gids = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(t, &end, 10);
		if (!*t || *end || errno || v > 0xfffffffeUL || *t == '-')
			return err_set(e, "--supplementary-gids %s: %s is not a group ID", list, t);
		a->supplementary_gids = xreallocarray(
		    a->supplementary_gids, a->n_supplementary_gids + 1, sizeof(uint32_t));
		a->supplementary_gids[a->n_supplementary_gids++] = (uint32_t)v;
	}
	return 0;
}

extern char **environ;

/* The effective app: the image's app (copied) with the flags applied. */
struct app *prep_effective_app(const struct image_manifest *im, const struct prep_opts *o,
			       const struct prep_app *pa, struct err *e)
{
	struct app *a;
	if (im->app) {
		a = app_copy(im->app);
	} else if (pa && pa->exec) {
		a = xcalloc(1, sizeof *a);
		a->user = xstrdup("0");
		a->group = xstrdup("0");
	} else {
		err_set(e, "image %s has no app section and no --exec was given", im->name);
		return NULL;
	}
	if (o->inherit_env)
		for (char **v = environ; *v; v++) {
			char *eq = strchr(*v, '=');
			if (!eq)
				continue;
			_cleanup_free_ char *n = xstrndup(*v, (size_t)(eq - *v));
			kvlist_set(&a->environment, n, eq + 1);
		}
	for (size_t i = 0; i < o->nenv; i++)
		kvlist_set(&a->environment, o->env[i].name, o->env[i].value);
	if (!pa)
		return a;
	if (pa->exec) {
		strlist_free(&a->exec);
		strlist_add(&a->exec, pa->exec);
	}
	for (size_t i = 0; i < pa->nargs; i++)
		strlist_add(&a->exec, pa->args[i]);
	if (pa->user)
		free(a->user), a->user = xstrdup(pa->user);
	if (pa->group)
		free(a->group), a->group = xstrdup(pa->group);
	if (pa->workdir)
		free(a->working_directory), a->working_directory = xstrdup(pa->workdir);
	for (size_t i = 0; i < pa->nenv; i++)
		kvlist_set(&a->environment, pa->env[i].name, pa->env[i].value);
	if ((pa->supp_gids && parse_gids(a, pa->supp_gids, e) < 0) ||
	    apply_isolator_flags(a, pa, e) < 0) {
		app_free(a);
		return NULL;
	}
	return a;
}

static const struct mount_point *find_mount_point(const struct app *a, const char *name)
{
	for (size_t i = 0; a && i < a->n_mount_points; i++)
		if (!strcmp(a->mount_points[i].name, name))
			return &a->mount_points[i];
	return NULL;
}

static bool has_mount_at(const struct pod_app *pa, const char *path)
{
	for (size_t i = 0; i < pa->n_mounts; i++)
		if (!strcmp(pa->mounts[i].path, path))
			return true;
	return false;
}

/* One --mount: the volume must be declared; target is an absolute path or
 * the name of a mount point the image declares. */
int prep_add_mount(struct pod_manifest *pm, struct pod_app *app, const struct prep_mount *m,
		   struct err *e)
{
	if (!pod_manifest_volume(pm, m->volume))
		return err_set(e,
			       "app %s: --mount volume=%s: no such volume (declare it with "
			       "--volume %s,kind=...)",
			       app->name, m->volume, m->volume);
	const char *path = m->target;
	if (m->target[0] != '/') {
		const struct mount_point *mp = find_mount_point(app->app, m->target);
		if (!mp)
			return err_set(e,
				       "app %s: --mount target=%s: the image declares no mount "
				       "point %s",
				       app->name, m->target, m->target);
		path = mp->path;
	}
	if (has_mount_at(app, path))
		return err_set(e, "app %s: two mounts at %s", app->name, path);
	pod_app_add_mount(app, m->volume, path, NULL);
	return 0;
}

/* Satisfy every mount point of every app (spec/pods.md: a reified pod
 * manifest has all mountPoints satisfied by volumes). */
int prep_satisfy_mount_points(struct pod_manifest *pm, struct err *e)
{
	for (size_t i = 0; i < pm->n_apps; i++) {
		struct pod_app *pa = &pm->apps[i];
		for (size_t j = 0; pa->app && j < pa->app->n_mount_points; j++) {
			const struct mount_point *mp = &pa->app->mount_points[j];
			if (has_mount_at(pa, mp->path))
				continue;
			if (!pod_manifest_volume(pm, mp->name)) {
				struct volume *v =
				    pod_manifest_add_volume(pm, mp->name, VOLUME_EMPTY, NULL);
				v->read_only = mp->read_only;
				v->mode = xstrdup("0755");
				v->has_uid = v->has_gid = true;
				v->uid = v->gid = 0;
			}
			pod_app_add_mount(pa, mp->name, mp->path, NULL);
		}
	}
	(void)e;
	return 0;
}

/* --port NAME:HOSTPORT must name a port some app declares. */
int prep_add_ports(struct pod_manifest *pm, const struct prep_opts *o, struct err *e)
{
	for (size_t i = 0; i < o->nports; i++) {
		const struct prep_port *p = &o->ports[i];
		bool found = false;
		for (size_t a = 0; a < pm->n_apps && !found; a++) {
			const struct app *ap = pm->apps[a].app;
			for (size_t k = 0; ap && k < ap->n_ports && !found; k++)
				found = !strcmp(ap->ports[k].name, p->name);
		}
		if (!found)
			return err_set(e, "--port %s:%d: no app declares a port named %s", p->name,
				       p->host_port, p->name);
		pod_manifest_add_port(pm, p->name, (unsigned)p->host_port, p->host_ip);
	}
	return 0;
}

/* --volume flags into the manifest. */
int prep_add_volumes(struct pod_manifest *pm, const struct prep_opts *o, struct err *e)
{
	for (size_t i = 0; i < o->nvolumes; i++) {
		const struct prep_volume *pv = &o->volumes[i];
		if (pod_manifest_volume(pm, pv->name))
			return err_set(e, "--volume %s: declared twice", pv->name);
		bool host = !strcmp(pv->kind, "host");
		struct volume *v = pod_manifest_add_volume(
		    pm, pv->name, host ? VOLUME_HOST : VOLUME_EMPTY, host ? pv->source : NULL);
		v->read_only = pv->readonly == 1;
		if (pv->recursive >= 0)
			v->recursive = pv->recursive ? TRI_TRUE : TRI_FALSE;
		if (!host) {
			v->mode = xstrdup(pv->mode ? pv->mode : "0755");
			v->has_uid = v->has_gid = true;
			v->uid = pv->uid >= 0 ? (uint32_t)pv->uid : 0;
			v->gid = pv->gid >= 0 ? (uint32_t)pv->gid : 0;
		}
	}
	return 0;
}
