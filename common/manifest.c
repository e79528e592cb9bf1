/* Image manifest and app object: parse + validate, write, compare, free. */
#include "manifest.h"

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

/* ---- app: validation of built values (shared with parsing) --------------- */

static void env_validate(const struct kvlist *env, const char *path, struct errlist *errs)
{
	_cleanup_free_ bool *dup = SCH_DUPS(env->v, env->n, name);
	for (size_t i = 0; i < env->n; i++) {
		const char *n = env->v[i].name;
		if (!*n)
			continue;
		QUOTED(q, n);
		if (!env_name_valid(n))
			errlist_add(errs,
				    "%s.environment[%zu].name: %s is not a valid environment "
				    "variable name",
				    path, i, q);
		else if (dup[i])
			errlist_add(errs, "%s.environment[%zu].name: duplicate variable %s", path,
				    i, q);
	}
}

/* Rules checked on the struct, so that built apps get them too. */
static void app_rules(const struct app *a, const char *path, struct errlist *errs)
{
	_cleanup_free_ bool *hdup = SCH_DUPS(a->event_handlers, a->n_event_handlers, name);
	for (size_t i = 0; i < a->n_event_handlers; i++) {
		const struct event_handler *h = &a->event_handlers[i];
		if (!h->name)
			continue;
		QUOTED(q, h->name);
		if (strcmp(h->name, "pre-start") && strcmp(h->name, "post-stop"))
			errlist_add(errs,
				    "%s.eventHandlers[%zu].name: %s is not pre-start or "
				    "post-stop",
				    path, i, q);
		else if (hdup[i])
			errlist_add(errs, "%s.eventHandlers[%zu].name: duplicate handler %s", path,
				    i, q);
	}
	if (a->working_directory && !abs_path_valid(a->working_directory)) {
		QUOTED(q, a->working_directory);
		errlist_add(errs, "%s.workingDirectory: %s is not an absolute path", path, q);
	}
	env_validate(&a->environment, path, errs);
	_cleanup_free_ char *ip = sch_field(path, "isolators");
	isolators_validate(a->isolators, a->n_isolators, ip, errs);
	_cleanup_free_ bool *mdup = SCH_DUPS(a->mount_points, a->n_mount_points, name);
	for (size_t i = 0; i < a->n_mount_points; i++) {
		const struct mount_point *m = &a->mount_points[i];
		if (!m->name)
			continue;
		QUOTED(q, m->name);
		if (!ac_name_valid(m->name))
			errlist_add(errs, "%s.mountPoints[%zu].name: %s is not an AC name", path, i,
				    q);
		if (mdup[i])
			errlist_add(errs, "%s.mountPoints[%zu].name: duplicate mount point %s",
				    path, i, q);
	}
	_cleanup_free_ bool *pdup = SCH_DUPS(a->ports, a->n_ports, name);
	for (size_t i = 0; i < a->n_ports; i++)
		if (pdup[i]) {
			QUOTED(q, a->ports[i].name);
			errlist_add(errs, "%s.ports[%zu].name: duplicate port %s", path, i, q);
		}
}

/* ---- app: parsing -------------------------------------------------------- */

static void handler_elem(const struct json_doc *d, int it, const char *ip, void *elem, void *ctx,
			 struct errlist *errs)
{
	struct event_handler *h = elem;
	(void)ctx;
	h->name = sch_str(d, it, ip, "name", true, errs);
	if (sch_array(d, it, ip, "exec", true, errs) >= 0) {
		sch_strlist(d, it, ip, "exec", &h->exec, errs);
		if (!h->exec.n)
			errlist_add(errs, "%s.exec: must not be empty", ip);
	}
}

static void parse_gids(const struct json_doc *d, int v, const char *path, struct app *a,
		       struct errlist *errs)
{
	int arr = sch_array(d, v, path, "supplementaryGIDs", false, errs);
	if (arr < 0)
		return;
	_cleanup_free_ char *p = sch_field(path, "supplementaryGIDs");
	a->supplementary_gids = xcalloc((size_t)json_size(d, arr), sizeof(uint32_t));
	size_t i = 0;
	json_for_each(d, arr, it)
	{
		int64_t g;
		if (json_int64(d, it, &g) < 0 || g < 0 || g > UINT32_MAX - 1) {
			char *raw = json_raw(d, it);
			errlist_add(errs, "%s[%zu]: %.40s is not a group ID", p, i, raw);
			free(raw);
			g = 0;
		}
		a->supplementary_gids[a->n_supplementary_gids++] = (uint32_t)g;
		i++;
	}
}

static void mount_point_elem(const struct json_doc *d, int it, const char *ip, void *elem,
			     void *ctx, struct errlist *errs)
{
	struct mount_point *m = elem;
	(void)ctx;
	m->name = sch_str(d, it, ip, "name", true, errs);
	m->path = sch_str(d, it, ip, "path", true, errs);
	if (m->path && !*m->path)
		errlist_add(errs, "%s.path: must not be empty", ip);
	sch_bool(d, it, ip, "readOnly", &m->read_only, errs);
}

static void port_elem(const struct json_doc *d, int it, const char *ip, void *elem, void *ctx,
		      struct errlist *errs)
{
	(void)ctx;
	port_parse(d, it, ip, elem, errs);
}

struct app *app_parse(const struct json_doc *d, int v, const char *path, struct errlist *errs)
{
	size_t before = errs->n;
	if (!sch_want_object(d, v, path, errs))
		return NULL;
	struct app *a = xcalloc(1, sizeof(*a));
	sch_strlist(d, v, path, "exec", &a->exec, errs);
	a->user = sch_str(d, v, path, "user", true, errs);
	if (a->user && !*a->user)
		errlist_add(errs, "%s.user: required", path);
	a->group = sch_str(d, v, path, "group", true, errs);
	if (a->group && !*a->group)
		errlist_add(errs, "%s.group: required", path);
	parse_gids(d, v, path, a, errs);
	sch_objects(d, v, path, "eventHandlers", false, sizeof(*a->event_handlers), &a->event_handlers,
		    &a->n_event_handlers, handler_elem, NULL, errs);
	a->working_directory = sch_str(d, v, path, "workingDirectory", false, errs);
	if (a->working_directory && !*a->working_directory) {
		free(a->working_directory); /* "" means unset, as in appc */
		a->working_directory = NULL;
	}
	sch_kvlist(d, v, path, "environment", &a->environment, errs);
	isolators_parse(d, v, path, &a->isolators, &a->n_isolators, errs);
	sch_objects(d, v, path, "mountPoints", false, sizeof(*a->mount_points), &a->mount_points,
		    &a->n_mount_points, mount_point_elem, NULL, errs);
	sch_objects(d, v, path, "ports", false, sizeof(*a->ports), &a->ports, &a->n_ports, port_elem,
		    NULL, errs);
	sch_strmap(d, v, path, "userAnnotations", &a->user_annotations, errs);
	sch_strmap(d, v, path, "userLabels", &a->user_labels, errs);
	app_rules(a, path, errs);
	if (errs->n > before) {
		app_free(a);
		return NULL;
	}
	return a;
}

int app_validate(const struct app *a, const char *path, struct errlist *errs)
{
	size_t before = errs->n;
	if (!a->user || !*a->user)
		errlist_add(errs, "%s.user: required", path);
	if (!a->group || !*a->group)
		errlist_add(errs, "%s.group: required", path);
	for (size_t i = 0; i < a->n_event_handlers; i++) {
		if (!a->event_handlers[i].name)
			errlist_add(errs, "%s.eventHandlers[%zu].name: required", path, i);
		if (!a->event_handlers[i].exec.n)
			errlist_add(errs, "%s.eventHandlers[%zu].exec: must not be empty", path, i);
	}
	for (size_t i = 0; i < a->environment.n; i++)
		if (!*a->environment.v[i].name)
			errlist_add(errs, "%s.environment[%zu].name: required", path, i);
	for (size_t i = 0; i < a->n_mount_points; i++) {
		if (!a->mount_points[i].name)
			errlist_add(errs, "%s.mountPoints[%zu].name: required", path, i);
		if (!a->mount_points[i].path || !*a->mount_points[i].path)
			errlist_add(errs, "%s.mountPoints[%zu].path: required", path, i);
	}
	for (size_t i = 0; i < a->n_ports; i++) {
		const struct port *p = &a->ports[i];
		if (!p->name || !ac_name_valid(p->name))
			errlist_add(errs, "%s.ports[%zu].name: not an AC name", path, i);
		if (!p->protocol || !*p->protocol)
			errlist_add(errs, "%s.ports[%zu].protocol: required", path, i);
		if (p->port < 1 || p->port > 65535 || p->count < 1 ||
		    p->port + p->count - 1 > 65535)
			errlist_add(errs, "%s.ports[%zu]: port range outside 1..65535", path, i);
	}
	for (size_t i = 0; i < a->n_isolators; i++) {
		const struct isolator *iso = &a->isolators[i];
		struct isolator tmp;
		struct errlist sub = {0};
		if (!iso->name || !iso->value)
			errlist_add(errs, "%s.isolators[%zu]: name and value required", path, i);
		else if (isolator_make(iso->name, iso->value, &tmp, &sub) < 0)
			for (size_t k = 0; k < sub.n; k++)
				errlist_add(errs, "%s.isolators[%zu]: %s", path, i, sub.items[k]);
		if (iso->name && iso->value)
			isolator_free(&tmp);
		errlist_free(&sub);
	}
	app_rules(a, path, errs);
	return errs->n > before ? -1 : 0;
}

/* ---- app: writing -------------------------------------------------------- */

static void strlist_write(struct jsonw *w, const struct strlist *l)
{
	jsonw_arr_begin(w);
	for (size_t i = 0; i < l->n; i++)
		jsonw_str(w, l->v[i]);
	jsonw_arr_end(w);
}

void kvlist_write(struct jsonw *w, const struct kvlist *l)
{
	jsonw_arr_begin(w);
	for (size_t i = 0; i < l->n; i++) {
		jsonw_obj_begin(w);
		jsonw_kstr(w, "name", l->v[i].name);
		jsonw_kstr(w, "value", l->v[i].value);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
}

static void strmap_write(struct jsonw *w, const struct kvlist *l)
{
	jsonw_obj_begin(w);
	for (size_t i = 0; i < l->n; i++)
		jsonw_kstr(w, l->v[i].name, l->v[i].value);
	jsonw_obj_end(w);
}

static void port_write(struct jsonw *w, const struct port *p)
{
	jsonw_obj_begin(w);
	jsonw_kstr(w, "name", p->name ? p->name : "");
	jsonw_kstr(w, "protocol", p->protocol ? p->protocol : "");
	jsonw_kuint(w, "port", p->port);
	jsonw_kuint(w, "count", p->count ? p->count : 1);
	jsonw_kbool(w, "socketActivated", p->socket_activated);
	jsonw_obj_end(w);
}

void app_write(struct jsonw *w, const struct app *a)
{
	jsonw_obj_begin(w);
	if (a->exec.n) {
		jsonw_key(w, "exec");
		strlist_write(w, &a->exec);
	}
	jsonw_kstr(w, "user", a->user ? a->user : "");
	jsonw_kstr(w, "group", a->group ? a->group : "");
	if (a->n_supplementary_gids) {
		jsonw_key(w, "supplementaryGIDs");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < a->n_supplementary_gids; i++)
			jsonw_uint(w, a->supplementary_gids[i]);
		jsonw_arr_end(w);
	}
	if (a->n_event_handlers) {
		jsonw_key(w, "eventHandlers");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < a->n_event_handlers; i++) {
			jsonw_obj_begin(w);
			jsonw_kstr(w, "name",
				   a->event_handlers[i].name ? a->event_handlers[i].name : "");
			jsonw_key(w, "exec");
			strlist_write(w, &a->event_handlers[i].exec);
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
	}
	if (a->working_directory)
		jsonw_kstr(w, "workingDirectory", a->working_directory);
	if (a->environment.n) {
		jsonw_key(w, "environment");
		kvlist_write(w, &a->environment);
	}
	if (a->n_isolators) {
		jsonw_key(w, "isolators");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < a->n_isolators; i++) {
			jsonw_obj_begin(w);
			jsonw_kstr(w, "name", a->isolators[i].name ? a->isolators[i].name : "");
			jsonw_key(w, "value");
			jsonw_raw(w, a->isolators[i].value ? a->isolators[i].value : "null");
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
	}
	if (a->n_mount_points) {
		jsonw_key(w, "mountPoints");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < a->n_mount_points; i++) {
			const struct mount_point *m = &a->mount_points[i];
			jsonw_obj_begin(w);
			jsonw_kstr(w, "name", m->name ? m->name : "");
			jsonw_kstr(w, "path", m->path ? m->path : "");
			jsonw_kbool(w, "readOnly", m->read_only);
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
	}
	if (a->n_ports) {
		jsonw_key(w, "ports");
		jsonw_arr_begin(w);
		for (size_t i = 0; i < a->n_ports; i++)
			port_write(w, &a->ports[i]);
		jsonw_arr_end(w);
	}
	if (a->user_annotations.n) {
		jsonw_key(w, "userAnnotations");
		strmap_write(w, &a->user_annotations);
	}
	if (a->user_labels.n) {
		jsonw_key(w, "userLabels");
		strmap_write(w, &a->user_labels);
	}
	jsonw_obj_end(w);
}

char *app_to_json(const struct app *a, int pretty)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, pretty);
	app_write(&w, a);
	if (pretty)
		buf_addc(&b, '\n');
	return buf_steal(&b);
}

/* ---- app: copy, compare, free ------------------------------------------- */

struct app *app_copy(const struct app *a)
{
	if (!a)
		return NULL;
	struct app *c = xcalloc(1, sizeof(*c));
	strlist_copy(&c->exec, &a->exec);
	c->user = dup0(a->user);
	c->group = dup0(a->group);
	c->supplementary_gids = xcalloc(a->n_supplementary_gids, sizeof(uint32_t));
	if (a->n_supplementary_gids)
		memcpy(c->supplementary_gids, a->supplementary_gids,
		       a->n_supplementary_gids * sizeof(uint32_t));
	c->n_supplementary_gids = a->n_supplementary_gids;
	c->event_handlers = xcalloc(a->n_event_handlers, sizeof(*c->event_handlers));
	for (size_t i = 0; i < a->n_event_handlers; i++) {
		c->event_handlers[i].name = dup0(a->event_handlers[i].name);
		strlist_copy(&c->event_handlers[i].exec, &a->event_handlers[i].exec);
	}
	c->n_event_handlers = a->n_event_handlers;
	c->working_directory = dup0(a->working_directory);
	kvlist_copy(&c->environment, &a->environment);
	c->isolators = xcalloc(a->n_isolators, sizeof(*c->isolators));
	for (size_t i = 0; i < a->n_isolators; i++)
		isolator_copy(&c->isolators[i], &a->isolators[i]);
	c->n_isolators = a->n_isolators;
	c->mount_points = xcalloc(a->n_mount_points, sizeof(*c->mount_points));
	for (size_t i = 0; i < a->n_mount_points; i++) {
		c->mount_points[i] = a->mount_points[i];
		c->mount_points[i].name = dup0(a->mount_points[i].name);
		c->mount_points[i].path = dup0(a->mount_points[i].path);
	}
	c->n_mount_points = a->n_mount_points;
	c->ports = xcalloc(a->n_ports, sizeof(*c->ports));
	for (size_t i = 0; i < a->n_ports; i++)
		port_copy(&c->ports[i], &a->ports[i]);
	c->n_ports = a->n_ports;
	kvlist_copy(&c->user_annotations, &a->user_annotations);
	kvlist_copy(&c->user_labels, &a->user_labels);
	return c;
}

bool app_eq(const struct app *a, const struct app *b)
{
	if (!a || !b)
		return a == b;
	if (!strlist_eq(&a->exec, &b->exec) || !eq0(a->user, b->user) || !eq0(a->group, b->group) ||
	    a->n_supplementary_gids != b->n_supplementary_gids ||
	    a->n_event_handlers != b->n_event_handlers ||
	    !eq0(a->working_directory, b->working_directory) ||
	    !kvlist_eq(&a->environment, &b->environment) || a->n_isolators != b->n_isolators ||
	    a->n_mount_points != b->n_mount_points || a->n_ports != b->n_ports ||
	    !kvlist_eq(&a->user_annotations, &b->user_annotations) ||
	    !kvlist_eq(&a->user_labels, &b->user_labels))
		return false;
	for (size_t i = 0; i < a->n_supplementary_gids; i++)
		if (a->supplementary_gids[i] != b->supplementary_gids[i])
			return false;
	for (size_t i = 0; i < a->n_event_handlers; i++)
		if (!eq0(a->event_handlers[i].name, b->event_handlers[i].name) ||
		    !strlist_eq(&a->event_handlers[i].exec, &b->event_handlers[i].exec))
			return false;
	for (size_t i = 0; i < a->n_isolators; i++)
		if (!isolator_eq(&a->isolators[i], &b->isolators[i]))
			return false;
	for (size_t i = 0; i < a->n_mount_points; i++) {
		const struct mount_point *x = &a->mount_points[i], *y = &b->mount_points[i];
		if (!eq0(x->name, y->name) || !eq0(x->path, y->path) ||
		    x->read_only != y->read_only)
			return false;
	}
	for (size_t i = 0; i < a->n_ports; i++)
		if (!port_eq(&a->ports[i], &b->ports[i]))
			return false;
	return true;
}

void app_free(struct app *a)
{
	if (!a)
		return;
	strlist_free(&a->exec);
	free(a->user);
	free(a->group);
	free(a->supplementary_gids);
	for (size_t i = 0; i < a->n_event_handlers; i++) {
		free(a->event_handlers[i].name);
		strlist_free(&a->event_handlers[i].exec);
	}
	free(a->event_handlers);
	free(a->working_directory);
	kvlist_free(&a->environment);
	for (size_t i = 0; i < a->n_isolators; i++)
		isolator_free(&a->isolators[i]);
	free(a->isolators);
	for (size_t i = 0; i < a->n_mount_points; i++) {
		free(a->mount_points[i].name);
		free(a->mount_points[i].path);
	}
	free(a->mount_points);
	for (size_t i = 0; i < a->n_ports; i++)
		port_free(&a->ports[i]);
	free(a->ports);
	kvlist_free(&a->user_annotations);
	kvlist_free(&a->user_labels);
	free(a);
}

const struct event_handler *app_event_handler(const struct app *a, const char *name)
{
	for (size_t i = 0; a && i < a->n_event_handlers; i++)
		if (eq0(a->event_handlers[i].name, name))
			return &a->event_handlers[i];
	return NULL;
}

/* ---- image manifest ------------------------------------------------------ */

/* Rules on the struct (shared by parse and validate). */
static void manifest_rules(const struct image_manifest *m, struct errlist *errs)
{
	if (m->ac_kind && strcmp(m->ac_kind, AC_KIND_IMAGE)) {
		QUOTED(q, m->ac_kind);
		errlist_add(errs, "acKind: %s is not \"" AC_KIND_IMAGE "\"", q);
	}
	if (m->ac_version && !semver_valid(m->ac_version)) {
		QUOTED(q, m->ac_version);
		errlist_add(errs, "acVersion: %s is not a semantic version", q);
	}
	if (m->name && !ac_identifier_valid(m->name)) {
		QUOTED(q, m->name);
		errlist_add(errs, "name: %s is not an AC identifier", q);
	}
	labels_validate(&m->labels, "labels", errs);
	for (size_t i = 0; i < m->n_dependencies; i++) {
		const struct dependency *dep = &m->dependencies[i];
		if (dep->image_name && !ac_identifier_valid(dep->image_name)) {
			QUOTED(q, dep->image_name);
			errlist_add(errs, "dependencies[%zu].imageName: %s is not an AC identifier",
				    i, q);
		}
		if (dep->image_id && !image_id_valid(dep->image_id)) {
			QUOTED(q, dep->image_id);
			errlist_add(errs,
				    "dependencies[%zu].imageID: %s is not an image ID "
				    "(sha512- and 128 lowercase hex digits)",
				    i, q);
		}
		_cleanup_free_ char *lp = xasprintf("dependencies[%zu].labels", i);
		labels_validate(&dep->labels, lp, errs);
	}
	for (size_t i = 0; i < m->path_whitelist.n; i++)
		if (!abs_path_valid(m->path_whitelist.v[i])) {
			QUOTED(q, m->path_whitelist.v[i]);
			errlist_add(errs, "pathWhitelist[%zu]: %s is not an absolute path", i, q);
		}
	annotations_validate(&m->annotations, "annotations", errs);
}

static void dependency_elem(const struct json_doc *d, int it, const char *ip, void *elem,
			    void *ctx, struct errlist *errs)
{
	struct dependency *dep = elem;
	(void)ctx;
	dep->image_name = sch_str(d, it, ip, "imageName", true, errs);
	dep->image_id = sch_str(d, it, ip, "imageID", false, errs);
	if (dep->image_id && !*dep->image_id) { /* "" is unset, as in appc */
		free(dep->image_id);
		dep->image_id = NULL;
	}
	sch_kvlist(d, it, ip, "labels", &dep->labels, errs);
	int64_t size = 0;
	sch_int(d, it, ip, "size", 0, INT64_MAX, false, &size, errs);
	dep->size = (uint64_t)size;
}

int image_manifest_parse(const char *json, size_t len, struct image_manifest **out,
			 struct errlist *errs)
{
	struct json_doc d;
	size_t before = errs->n;
	*out = NULL;
	if (sch_parse_object(&d, json, len, errs) < 0)
		return -1;
	struct image_manifest *m = xcalloc(1, sizeof(*m));
	m->ac_kind = sch_str(&d, 0, "", "acKind", true, errs);
	m->ac_version = sch_str(&d, 0, "", "acVersion", true, errs);
	m->name = sch_str(&d, 0, "", "name", true, errs);
	sch_kvlist(&d, 0, "", "labels", &m->labels, errs);
	int app = sch_get(&d, 0, "app");
	if (app >= 0)
		m->app = app_parse(&d, app, "app", errs);
	sch_objects(&d, 0, "", "dependencies", false, sizeof(*m->dependencies), &m->dependencies,
		    &m->n_dependencies, dependency_elem, NULL, errs);
	sch_strlist(&d, 0, "", "pathWhitelist", &m->path_whitelist, errs);
	sch_kvlist(&d, 0, "", "annotations", &m->annotations, errs);
	manifest_rules(m, errs);
	json_free(&d);
	if (errs->n > before) {
		image_manifest_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

int image_manifest_validate(const struct image_manifest *m, struct errlist *errs)
{
	size_t before = errs->n;
	if (!m->ac_kind)
		errlist_add(errs, "acKind: required");
	if (!m->ac_version)
		errlist_add(errs, "acVersion: required");
	if (!m->name)
		errlist_add(errs, "name: required");
	for (size_t i = 0; i < m->n_dependencies; i++)
		if (!m->dependencies[i].image_name)
			errlist_add(errs, "dependencies[%zu].imageName: required", i);
	if (m->app)
		app_validate(m->app, "app", errs);
	manifest_rules(m, errs);
	return errs->n > before ? -1 : 0;
}

char *image_manifest_to_json(const struct image_manifest *m, int pretty)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, pretty);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "acKind", m->ac_kind ? m->ac_kind : AC_KIND_IMAGE);
	jsonw_kstr(&w, "acVersion", m->ac_version ? m->ac_version : AC_VERSION);
	jsonw_kstr(&w, "name", m->name ? m->name : "");
	if (m->labels.n) {
		jsonw_key(&w, "labels");
		kvlist_write(&w, &m->labels);
	}
	if (m->app) {
		jsonw_key(&w, "app");
		app_write(&w, m->app);
	}
	if (m->n_dependencies) {
		jsonw_key(&w, "dependencies");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < m->n_dependencies; i++) {
			const struct dependency *dep = &m->dependencies[i];
			jsonw_obj_begin(&w);
			jsonw_kstr(&w, "imageName", dep->image_name ? dep->image_name : "");
			if (dep->image_id)
				jsonw_kstr(&w, "imageID", dep->image_id);
			if (dep->labels.n) {
				jsonw_key(&w, "labels");
				kvlist_write(&w, &dep->labels);
			}
			if (dep->size)
				jsonw_kuint(&w, "size", dep->size);
			jsonw_obj_end(&w);
		}
		jsonw_arr_end(&w);
	}
	if (m->path_whitelist.n) {
		jsonw_key(&w, "pathWhitelist");
		strlist_write(&w, &m->path_whitelist);
	}
	if (m->annotations.n) {
		jsonw_key(&w, "annotations");
		kvlist_write(&w, &m->annotations);
	}
	jsonw_obj_end(&w);
	if (pretty)
		buf_addc(&b, '\n');
	return buf_steal(&b);
}

bool image_manifest_eq(const struct image_manifest *a, const struct image_manifest *b)
{
	if (!eq0(a->ac_kind, b->ac_kind) || !eq0(a->ac_version, b->ac_version) ||
	    !eq0(a->name, b->name) || !kvlist_eq(&a->labels, &b->labels) ||
	    !app_eq(a->app, b->app) || a->n_dependencies != b->n_dependencies ||
	    !strlist_eq(&a->path_whitelist, &b->path_whitelist) ||
	    !kvlist_eq(&a->annotations, &b->annotations))
		return false;
	for (size_t i = 0; i < a->n_dependencies; i++) {
		const struct dependency *x = &a->dependencies[i], *y = &b->dependencies[i];
		if (!eq0(x->image_name, y->image_name) || !eq0(x->image_id, y->image_id) ||
		    !kvlist_eq(&x->labels, &y->labels) || x->size != y->size)
			return false;
	}
	return true;
}

void image_manifest_free(struct image_manifest *m)
{
	if (!m)
		return;
	free(m->ac_kind);
	free(m->ac_version);
	free(m->name);
	kvlist_free(&m->labels);
	app_free(m->app);
	for (size_t i = 0; i < m->n_dependencies; i++) {
		free(m->dependencies[i].image_name);
		free(m->dependencies[i].image_id);
		kvlist_free(&m->dependencies[i].labels);
	}
	free(m->dependencies);
	strlist_free(&m->path_whitelist);
	kvlist_free(&m->annotations);
	free(m);
}

const char *image_manifest_label(const struct image_manifest *m, const char *name)
{
	return m ? kvlist_get(&m->labels, name) : NULL;
}

const char *image_manifest_annotation(const struct image_manifest *m, const char *name)
{
	return m ? kvlist_get(&m->annotations, name) : NULL;
}
