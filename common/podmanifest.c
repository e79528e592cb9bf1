/* Pod manifest (spec/pods.md): parse + validate, write, compare, build. */
#include "podmanifest.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonw.h"
#include "schema.h"
#include "xalloc.h"

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}
static bool eq0(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

#define QUOTED(var, s) _cleanup_free_ char *var = sch_quote(s)

const char *volume_kind_name(enum volume_kind k)
{
	return k == VOLUME_HOST ? "host" : k == VOLUME_EMPTY ? "empty" : "";
}

/* An octal permission string: 1-4 octal digits, optionally after one more
 * leading 0 ("755", "0755", "01777"). */
static bool mode_valid(const char *s)
{
	size_t n = strspn(s, "01234567");
	if (s[n] || n == 0)
		return false;
	return n <= 4 || (n == 5 && s[0] == '0');
}

/* ---- rules on structs ---------------------------------------------------- */

static void volume_rules(const struct volume *v, const char *path, struct errlist *errs)
{
	if (v->name && !ac_name_valid(v->name)) {
		QUOTED(q, v->name);
		errlist_add(errs, "%s.name: %s is not an AC name", path, q);
	}
	if (v->kind == VOLUME_HOST) {
		if (!v->source)
			errlist_add(errs, "%s.source: required for a host volume", path);
		else if (!abs_path_valid(v->source)) {
			QUOTED(q, v->source);
			errlist_add(errs, "%s.source: %s is not an absolute path", path, q);
		}
	}
	if (v->mode && !mode_valid(v->mode)) {
		QUOTED(q, v->mode);
		errlist_add(errs, "%s.mode: %s is not an octal mode such as \"0755\"", path, q);
	}
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void pod_rules(const struct pod_manifest *p, struct errlist *errs)
{
	if (p->ac_kind && strcmp(p->ac_kind, AC_KIND_POD)) {
		QUOTED(q, p->ac_kind);
		errlist_add(errs, "acKind: %s is not \"" AC_KIND_POD "\"", q);
	}
	if (p->ac_version && !semver_valid(p->ac_version)) {
		QUOTED(q, p->ac_version);
		errlist_add(errs, "acVersion: %s is not a semantic version", q);
	}
	_cleanup_free_ bool *vdup = SCH_DUPS(p->volumes, p->n_volumes, name);
	for (size_t i = 0; i < p->n_volumes; i++) {
		_cleanup_free_ char *vp = sch_index("volumes", i);
		volume_rules(&p->volumes[i], vp, errs);
		if (vdup[i]) {
			QUOTED(q, p->volumes[i].name);
			errlist_add(errs, "%s.name: duplicate volume %s", vp, q);
		}
	}
	/* volume names, sorted, for the mounts' lookups */
	_cleanup_free_ const char **vnames = xcalloc(p->n_volumes, sizeof(*vnames));
	size_t nv = 0;
	for (size_t i = 0; i < p->n_volumes; i++)
		if (p->volumes[i].name)
			vnames[nv++] = p->volumes[i].name;
	xqsort(vnames, nv, sizeof(*vnames), strp_cmp);
	_cleanup_free_ bool *adup = SCH_DUPS(p->apps, p->n_apps, name);
	for (size_t i = 0; i < p->n_apps; i++) {
		const struct pod_app *a = &p->apps[i];
		_cleanup_free_ char *ap = sch_index("apps", i);
		if (a->name && !ac_name_valid(a->name)) {
			QUOTED(q, a->name);
			errlist_add(errs, "%s.name: %s is not an AC name", ap, q);
		}
		if (adup[i]) {
			QUOTED(q, a->name);
			errlist_add(errs, "%s.name: duplicate app %s", ap, q);
		}
		if (a->image.id && !image_id_valid(a->image.id)) {
			QUOTED(q, a->image.id);
			errlist_add(errs,
				    "%s.image.id: %s is not an image ID (sha512- and 128 "
				    "lowercase hex digits)",
				    ap, q);
		}
		if (a->image.name && !ac_identifier_valid(a->image.name)) {
			QUOTED(q, a->image.name);
			errlist_add(errs, "%s.image.name: %s is not an AC identifier", ap, q);
		}
		_cleanup_free_ char *lp = xasprintf("%s.image.labels", ap);
		labels_validate(&a->image.labels, lp, errs);
		for (size_t k = 0; k < a->n_mounts; k++) {
			const struct mount *m = &a->mounts[k];
			_cleanup_free_ char *mp = xasprintf("%s.mounts[%zu]", ap, k);
			if (m->volume && !ac_name_valid(m->volume)) {
				QUOTED(q, m->volume);
				errlist_add(errs, "%s.volume: %s is not an AC name", mp, q);
			} else if (m->volume && !m->app_volume &&
				   !bsearch(&m->volume, vnames, nv, sizeof(*vnames), strp_cmp)) {
				QUOTED(q, m->volume);
				errlist_add(errs, "%s.volume: no volume named %s", mp, q);
			}
			if (m->app_volume) {
				_cleanup_free_ char *avp = sch_field(mp, "appVolume");
				volume_rules(m->app_volume, avp, errs);
			}
		}
		_cleanup_free_ char *anp = sch_field(ap, "annotations");
		annotations_validate(&a->annotations, anp, errs);
	}
	isolators_validate(p->isolators, p->n_isolators, "isolators", errs);
	annotations_validate(&p->annotations, "annotations", errs);
	_cleanup_free_ bool *pdup = SCH_DUPS(p->ports, p->n_ports, name);
	for (size_t i = 0; i < p->n_ports; i++) {
		const struct pod_port *pp = &p->ports[i];
		if (pp->name && !ac_name_valid(pp->name)) {
			QUOTED(q, pp->name);
			errlist_add(errs, "ports[%zu].name: %s is not an AC name", i, q);
		}
		if (pdup[i]) {
			QUOTED(q, pp->name);
			errlist_add(errs, "ports[%zu].name: duplicate port %s", i, q);
		}
		if (pp->host_ip && !ipv4_valid(pp->host_ip)) {
			QUOTED(q, pp->host_ip);
			errlist_add(errs, "ports[%zu].hostIP: %s is not a dotted-quad IPv4 address",
				    i, q);
		}
	}
}

/* ---- parsing ---------------------------------------------------------------- */

static void volume_parse(const struct json_doc *d, int v, const char *path, struct volume *o,
			 struct errlist *errs)
{
	memset(o, 0, sizeof(*o));
	if (!sch_want_object(d, v, path, errs))
		return;
	o->name = sch_str(d, v, path, "name", true, errs);
	char *kind = sch_str(d, v, path, "kind", true, errs);
	if (kind) {
		if (!strcmp(kind, "host"))
			o->kind = VOLUME_HOST;
		else if (!strcmp(kind, "empty"))
			o->kind = VOLUME_EMPTY;
		else {
			QUOTED(q, kind);
			errlist_add(errs, "%s.kind: %s is not \"host\" or \"empty\"", path, q);
		}
		free(kind);
	}
	o->source = sch_str(d, v, path, "source", false, errs);
	if (o->source && !*o->source) {
		free(o->source);
		o->source = NULL;
	}
	sch_bool(d, v, path, "readOnly", &o->read_only, errs);
	bool rec;
	if (sch_bool(d, v, path, "recursive", &rec, errs) > 0)
		o->recursive = rec ? TRI_TRUE : TRI_FALSE;
	o->mode = sch_str(d, v, path, "mode", false, errs);
	int64_t id;
	if (sch_int(d, v, path, "uid", 0, UINT32_MAX - 1, false, &id, errs) > 0)
		o->has_uid = true, o->uid = (uint32_t)id;
	if (sch_int(d, v, path, "gid", 0, UINT32_MAX - 1, false, &id, errs) > 0)
		o->has_gid = true, o->gid = (uint32_t)id;
}

static void mount_elem(const struct json_doc *d, int it, const char *ip, void *elem, void *ctx,
		       struct errlist *errs)
{
	struct mount *m = elem;
	(void)ctx;
	m->volume = sch_str(d, it, ip, "volume", true, errs);
	m->path = sch_str(d, it, ip, "path", true, errs);
	if (m->path && !*m->path)
		errlist_add(errs, "%s.path: must not be empty", ip);
	int av = sch_get(d, it, "appVolume");
	if (av >= 0) {
		_cleanup_free_ char *avp = sch_field(ip, "appVolume");
		m->app_volume = xcalloc(1, sizeof(*m->app_volume));
		volume_parse(d, av, avp, m->app_volume, errs);
	}
}

static void app_elem(const struct json_doc *d, int it, const char *ap, void *elem, void *ctx,
		     struct errlist *errs)
{
	struct pod_app *a = elem;
	(void)ctx;
	a->name = sch_str(d, it, ap, "name", true, errs);
	int img = sch_object(d, it, ap, "image", true, errs);
	if (img >= 0) {
		_cleanup_free_ char *ip = sch_field(ap, "image");
		a->image.id = sch_str(d, img, ip, "id", true, errs);
		a->image.name = sch_str(d, img, ip, "name", false, errs);
		sch_kvlist(d, img, ip, "labels", &a->image.labels, errs);
	}
	int app = sch_get(d, it, "app");
	if (app >= 0) {
		_cleanup_free_ char *pp = sch_field(ap, "app");
		a->app = app_parse(d, app, pp, errs);
	}
	sch_bool(d, it, ap, "readOnlyRootFS", &a->read_only_rootfs, errs);
	sch_objects(d, it, ap, "mounts", false, sizeof(*a->mounts), &a->mounts, &a->n_mounts,
		    mount_elem, NULL, errs);
	sch_kvlist(d, it, ap, "annotations", &a->annotations, errs);
}

static void pod_port_elem(const struct json_doc *d, int it, const char *ip, void *elem, void *ctx,
			  struct errlist *errs)
{
	struct pod_port *pp = elem;
	(void)ctx;
	pp->name = sch_str(d, it, ip, "name", true, errs);
	int64_t hp = 0;
	sch_int(d, it, ip, "hostPort", 1, 65535, true, &hp, errs);
	pp->host_port = (unsigned)hp;
	pp->host_ip = sch_str(d, it, ip, "hostIP", false, errs);
	if (pp->host_ip && !*pp->host_ip) {
		free(pp->host_ip);
		pp->host_ip = NULL;
	}
	int podport = sch_get(d, it, "podPort");
	if (podport >= 0) {
		_cleanup_free_ char *pport = sch_field(ip, "podPort");
		pp->pod_port = xcalloc(1, sizeof(*pp->pod_port));
		port_parse(d, podport, pport, pp->pod_port, errs);
	}
}

static void volume_elem(const struct json_doc *d, int it, const char *ip, void *elem, void *ctx,
			struct errlist *errs)
{
	(void)ctx;
	volume_parse(d, it, ip, elem, errs);
}

int pod_manifest_parse(const char *json, size_t len, struct pod_manifest **out,
		       struct errlist *errs)
{
	struct json_doc d;
	size_t before = errs->n;
	*out = NULL;
	if (sch_parse_object(&d, json, len, errs) < 0)
		return -1;
	struct pod_manifest *p = xcalloc(1, sizeof(*p));
	p->ac_kind = sch_str(&d, 0, "", "acKind", true, errs);
	p->ac_version = sch_str(&d, 0, "", "acVersion", true, errs);
	sch_objects(&d, 0, "", "apps", true, sizeof(*p->apps), &p->apps, &p->n_apps, app_elem, NULL,
		    errs);
	sch_objects(&d, 0, "", "volumes", false, sizeof(*p->volumes), &p->volumes, &p->n_volumes,
		    volume_elem, NULL, errs);
	isolators_parse(&d, 0, "", &p->isolators, &p->n_isolators, errs);
	sch_kvlist(&d, 0, "", "annotations", &p->annotations, errs);
	sch_objects(&d, 0, "", "ports", false, sizeof(*p->ports), &p->ports, &p->n_ports,
		    pod_port_elem, NULL, errs);
	sch_strmap(&d, 0, "", "userAnnotations", &p->user_annotations, errs);
	sch_strmap(&d, 0, "", "userLabels", &p->user_labels, errs);
	pod_rules(p, errs);
	json_free(&d);
	if (errs->n > before) {
		pod_manifest_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int pod_manifest_validate(const struct pod_manifest *p, struct errlist *errs)
{
	size_t before = errs->n;
	if (!p->ac_kind)
		errlist_add(errs, "acKind: required");
	if (!p->ac_version)
		errlist_add(errs, "acVersion: required");
	for (size_t i = 0; i < p->n_apps; i++) {
		const struct pod_app *a = &p->apps[i];
		if (!a->name)
			errlist_add(errs, "apps[%zu].name: required", i);
		if (!a->image.id)
			errlist_add(errs, "apps[%zu].image.id: required", i);
		for (size_t k = 0; k < a->n_mounts; k++) {
			if (!a->mounts[k].volume)
				errlist_add(errs, "apps[%zu].mounts[%zu].volume: required", i, k);
			if (!a->mounts[k].path || !*a->mounts[k].path)
				errlist_add(errs, "apps[%zu].mounts[%zu].path: required", i, k);
		}
		if (a->app) {
			_cleanup_free_ char *ap = xasprintf("apps[%zu].app", i);
			app_validate(a->app, ap, errs);
		}
	}
	for (size_t i = 0; i < p->n_volumes; i++) {
		if (!p->volumes[i].name)
			errlist_add(errs, "volumes[%zu].name: required", i);
		if (p->volumes[i].kind != VOLUME_HOST && p->volumes[i].kind != VOLUME_EMPTY)
			errlist_add(errs, "volumes[%zu].kind: required (host or empty)", i);
	}
	for (size_t i = 0; i < p->n_ports; i++) {
		if (!p->ports[i].name)
			errlist_add(errs, "ports[%zu].name: required", i);
		if (p->ports[i].host_port < 1 || p->ports[i].host_port > 65535)
			errlist_add(errs, "ports[%zu].hostPort: %u is not in 1..65535", i,
				    p->ports[i].host_port);
	}
	pod_rules(p, errs);
	return errs->n > before ? -1 : 0;
}

/* ---- writing ------------------------------------------------------------------ */

static void volume_write(struct jsonw *w, const struct volume *v)
{
	jsonw_obj_begin(w);
	jsonw_kstr(w, "name", v->name ? v->name : "");
	jsonw_kstr(w, "kind", volume_kind_name(v->kind));
	if (v->source)
		jsonw_kstr(w, "source", v->source);
	if (v->read_only)
		jsonw_kbool(w, "readOnly", true);
	if (v->recursive != TRI_UNSET)
		jsonw_kbool(w, "recursive", v->recursive == TRI_TRUE);
	if (v->mode)
		jsonw_kstr(w, "mode", v->mode);
	if (v->has_uid)
		jsonw_kuint(w, "uid", v->uid);
	if (v->has_gid)
		jsonw_kuint(w, "gid", v->gid);
	jsonw_obj_end(w);
}

static void strmap_write(struct jsonw *w, const char *key, const struct kvlist *l)
{
	if (!l->n)
		return;
	jsonw_key(w, key);
	jsonw_obj_begin(w);
	for (size_t i = 0; i < l->n; i++)
		jsonw_kstr(w, l->v[i].name, l->v[i].value);
	jsonw_obj_end(w);
}

static void pod_app_write(struct jsonw *w, const struct pod_app *a)
{
	jsonw_obj_begin(w);
	jsonw_kstr(w, "name", a->name ? a->name : "");
	jsonw_key(w, "image");
	jsonw_obj_begin(w);
	if (a->image.name)
		jsonw_kstr(w, "name", a->image.name);
	jsonw_kstr(w, "id", a->image.id ? a->image.id : "");
	if (a->image.labels.n) {
		jsonw_key(w, "labels");
		kvlist_write(w, &a->image.labels);
	}
	jsonw_obj_end(w);
	if (a->app) {
		jsonw_key(w, "app");
		app_write(w, a->app);
	}
	if (a->read_only_rootfs)
		jsonw_kbool(w, "readOnlyRootFS", true);
	if (a->n_mounts) {
		jsonw_key(w, "mounts");
		jsonw_arr_begin(w);
		for (size_t k = 0; k < a->n_mounts; k++) {
			const struct mount *m = &a->mounts[k];
			jsonw_obj_begin(w);
			jsonw_kstr(w, "volume", m->volume ? m->volume : "");
			jsonw_kstr(w, "path", m->path ? m->path : "");
			if (m->app_volume) {
				jsonw_key(w, "appVolume");
				volume_write(w, m->app_volume);
			}
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
	}
	if (a->annotations.n) {
		jsonw_key(w, "annotations");
		kvlist_write(w, &a->annotations);
	}
	jsonw_obj_end(w);
}

char *pod_manifest_to_json(const struct pod_manifest *p, int pretty)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, pretty);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "acVersion", p->ac_version ? p->ac_version : AC_VERSION);
	jsonw_kstr(&w, "acKind", p->ac_kind ? p->ac_kind : AC_KIND_POD);
	jsonw_key(&w, "apps"); /* required, so written even when empty */
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < p->n_apps; i++)
		pod_app_write(&w, &p->apps[i]);
	jsonw_arr_end(&w);
	if (p->n_volumes) {
		jsonw_key(&w, "volumes");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < p->n_volumes; i++)
			volume_write(&w, &p->volumes[i]);
		jsonw_arr_end(&w);
	}
	if (p->n_isolators) {
		jsonw_key(&w, "isolators");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < p->n_isolators; i++) {
			jsonw_obj_begin(&w);
			jsonw_kstr(&w, "name", p->isolators[i].name ? p->isolators[i].name : "");
			jsonw_key(&w, "value");
			jsonw_raw(&w, p->isolators[i].value ? p->isolators[i].value : "null");
			jsonw_obj_end(&w);
		}
		jsonw_arr_end(&w);
	}
	if (p->annotations.n) {
		jsonw_key(&w, "annotations");
		kvlist_write(&w, &p->annotations);
	}
	if (p->n_ports) {
		jsonw_key(&w, "ports");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < p->n_ports; i++) {
			const struct pod_port *pp = &p->ports[i];
			jsonw_obj_begin(&w);
			jsonw_kstr(&w, "name", pp->name ? pp->name : "");
			jsonw_kuint(&w, "hostPort", pp->host_port);
			if (pp->host_ip)
				jsonw_kstr(&w, "hostIP", pp->host_ip);
			if (pp->pod_port) {
				const struct port *po = pp->pod_port;
				jsonw_key(&w, "podPort");
				jsonw_obj_begin(&w);
				jsonw_kstr(&w, "name", po->name ? po->name : "");
				jsonw_kstr(&w, "protocol", po->protocol ? po->protocol : "");
				jsonw_kuint(&w, "port", po->port);
				jsonw_kuint(&w, "count", po->count ? po->count : 1);
				jsonw_kbool(&w, "socketActivated", po->socket_activated);
				jsonw_obj_end(&w);
			}
			jsonw_obj_end(&w);
		}
		jsonw_arr_end(&w);
	}
	strmap_write(&w, "userAnnotations", &p->user_annotations);
	strmap_write(&w, "userLabels", &p->user_labels);
	jsonw_obj_end(&w);
	if (pretty)
		buf_addc(&b, '\n');
	return buf_steal(&b);
}

/* ---- compare, copy, free ------------------------------------------------------ */

static bool volume_eq(const struct volume *a, const struct volume *b)
{
	if (!a || !b)
		return a == b;
	return eq0(a->name, b->name) && a->kind == b->kind && eq0(a->source, b->source) &&
	       a->read_only == b->read_only && a->recursive == b->recursive &&
	       eq0(a->mode, b->mode) && a->has_uid == b->has_uid && a->has_gid == b->has_gid &&
	       a->uid == b->uid && a->gid == b->gid;
}

static bool pod_app_eq(const struct pod_app *a, const struct pod_app *b)
{
	if (!eq0(a->name, b->name) || !eq0(a->image.id, b->image.id) ||
	    !eq0(a->image.name, b->image.name) || !kvlist_eq(&a->image.labels, &b->image.labels) ||
	    !app_eq(a->app, b->app) || a->read_only_rootfs != b->read_only_rootfs ||
	    a->n_mounts != b->n_mounts || !kvlist_eq(&a->annotations, &b->annotations))
		return false;
	for (size_t k = 0; k < a->n_mounts; k++) {
		const struct mount *x = &a->mounts[k], *y = &b->mounts[k];
		if (!eq0(x->volume, y->volume) || !eq0(x->path, y->path) ||
		    !volume_eq(x->app_volume, y->app_volume))
			return false;
	}
	return true;
}

bool pod_manifest_eq(const struct pod_manifest *a, const struct pod_manifest *b)
{
	if (!eq0(a->ac_kind, b->ac_kind) || !eq0(a->ac_version, b->ac_version) ||
	    a->n_apps != b->n_apps || a->n_volumes != b->n_volumes ||
	    a->n_isolators != b->n_isolators || !kvlist_eq(&a->annotations, &b->annotations) ||
	    a->n_ports != b->n_ports || !kvlist_eq(&a->user_annotations, &b->user_annotations) ||
	    !kvlist_eq(&a->user_labels, &b->user_labels))
		return false;
	for (size_t i = 0; i < a->n_apps; i++)
		if (!pod_app_eq(&a->apps[i], &b->apps[i]))
			return false;
	for (size_t i = 0; i < a->n_volumes; i++)
		if (!volume_eq(&a->volumes[i], &b->volumes[i]))
			return false;
	for (size_t i = 0; i < a->n_isolators; i++)
		if (!isolator_eq(&a->isolators[i], &b->isolators[i]))
			return false;
	for (size_t i = 0; i < a->n_ports; i++) {
		const struct pod_port *x = &a->ports[i], *y = &b->ports[i];
		if (!eq0(x->name, y->name) || x->host_port != y->host_port ||
		    !eq0(x->host_ip, y->host_ip) || !x->pod_port != !y->pod_port ||
		    (x->pod_port && !port_eq(x->pod_port, y->pod_port)))
			return false;
	}
	return true;
}

void volume_copy(struct volume *dst, const struct volume *src)
{
	*dst = *src;
	dst->name = dup0(src->name);
	dst->source = dup0(src->source);
	dst->mode = dup0(src->mode);
}

void volume_free(struct volume *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->source);
	free(v->mode);
	memset(v, 0, sizeof(*v));
}

static void pod_app_free(struct pod_app *a)
{
	free(a->name);
	free(a->image.id);
	free(a->image.name);
	kvlist_free(&a->image.labels);
	app_free(a->app);
	for (size_t k = 0; k < a->n_mounts; k++) {
		free(a->mounts[k].volume);
		free(a->mounts[k].path);
		volume_free(a->mounts[k].app_volume);
		free(a->mounts[k].app_volume);
	}
	free(a->mounts);
	kvlist_free(&a->annotations);
}

void pod_manifest_free(struct pod_manifest *p)
{
	if (!p)
		return;
	free(p->ac_kind);
	free(p->ac_version);
	for (size_t i = 0; i < p->n_apps; i++)
		pod_app_free(&p->apps[i]);
	free(p->apps);
	for (size_t i = 0; i < p->n_volumes; i++)
		volume_free(&p->volumes[i]);
	free(p->volumes);
	for (size_t i = 0; i < p->n_isolators; i++)
		isolator_free(&p->isolators[i]);
	free(p->isolators);
	kvlist_free(&p->annotations);
	for (size_t i = 0; i < p->n_ports; i++) {
		free(p->ports[i].name);
		free(p->ports[i].host_ip);
		if (p->ports[i].pod_port)
			port_free(p->ports[i].pod_port);
		free(p->ports[i].pod_port);
	}
	free(p->ports);
	kvlist_free(&p->user_annotations);
	kvlist_free(&p->user_labels);
	free(p);
}

/* ---- builders ----------------------------------------------------------------- */

struct pod_manifest *pod_manifest_new(void)
{
	struct pod_manifest *p = xcalloc(1, sizeof(*p));
	p->ac_kind = xstrdup(AC_KIND_POD);
	p->ac_version = xstrdup(AC_VERSION);
	return p;
}

struct pod_app *pod_manifest_add_app(struct pod_manifest *p, const char *name, const char *image_id,
				     const struct app *app)
{
	p->apps = xreallocarray(p->apps, p->n_apps + 1, sizeof(*p->apps));
	struct pod_app *a = &p->apps[p->n_apps++];
	memset(a, 0, sizeof(*a));
	a->name = dup0(name);
	a->image.id = dup0(image_id);
	a->app = app_copy(app);
	return a;
}

struct volume *pod_manifest_add_volume(struct pod_manifest *p, const char *name,
				       enum volume_kind kind, const char *source)
{
	p->volumes = xgrow(p->volumes, p->n_volumes, sizeof(*p->volumes));
	struct volume *v = &p->volumes[p->n_volumes++];
	memset(v, 0, sizeof(*v));
	v->name = dup0(name);
	v->kind = kind;
	v->source = dup0(source);
	return v;
}

struct pod_port *pod_manifest_add_port(struct pod_manifest *p, const char *name, unsigned host_port,
				       const char *host_ip)
{
	p->ports = xreallocarray(p->ports, p->n_ports + 1, sizeof(*p->ports));
	struct pod_port *pp = &p->ports[p->n_ports++];
	memset(pp, 0, sizeof(*pp));
	pp->name = dup0(name);
	pp->host_port = host_port;
	pp->host_ip = dup0(host_ip);
	return pp;
}

void pod_manifest_add_annotation(struct pod_manifest *p, const char *name, const char *value)
{
	kvlist_set(&p->annotations, name, value);
}

struct mount *pod_app_add_mount(struct pod_app *a, const char *volume, const char *path,
				const struct volume *app_volume)
{
	a->mounts = xgrow(a->mounts, a->n_mounts, sizeof(*a->mounts));
	struct mount *m = &a->mounts[a->n_mounts++];
	memset(m, 0, sizeof(*m));
	m->volume = dup0(volume);
	m->path = dup0(path);
	if (app_volume) {
		m->app_volume = xcalloc(1, sizeof(*m->app_volume));
		volume_copy(m->app_volume, app_volume);
	}
	return m;
}

void pod_manifest_add_isolator(struct pod_manifest *p, const struct isolator *iso)
{
	p->isolators = xreallocarray(p->isolators, p->n_isolators + 1, sizeof(*p->isolators));
	isolator_copy(&p->isolators[p->n_isolators++], iso);
}

struct pod_app *pod_manifest_app(const struct pod_manifest *p, const char *name)
{
	for (size_t i = 0; name && i < p->n_apps; i++)
		if (eq0(p->apps[i].name, name))
			return &p->apps[i];
	return NULL;
}

struct volume *pod_manifest_volume(const struct pod_manifest *p, const char *name)
{
	for (size_t i = 0; name && i < p->n_volumes; i++)
		if (eq0(p->volumes[i].name, name))
			return &p->volumes[i];
	return NULL;
}
