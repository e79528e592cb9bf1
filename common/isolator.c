/* Isolators (spec/ace.md "Isolators"): name, raw value, parsed fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "schema.h"
#include "types.h"
#include "xalloc.h"

static const struct {
	const char *name;
	enum isolator_kind kind;
} iso_names[] = {
    {ISO_NAME_CPU, ISO_CPU},
    {ISO_NAME_MEMORY, ISO_MEMORY},
    {ISO_NAME_BLOCK_BANDWIDTH, ISO_BLOCK_BANDWIDTH},
    {ISO_NAME_BLOCK_IOPS, ISO_BLOCK_IOPS},
    {ISO_NAME_NETWORK_BANDWIDTH, ISO_NETWORK_BANDWIDTH},
    {ISO_NAME_CAPS_RETAIN, ISO_CAPS_RETAIN},
    {ISO_NAME_CAPS_REMOVE, ISO_CAPS_REMOVE},
    {ISO_NAME_NO_NEW_PRIVILEGES, ISO_NO_NEW_PRIVILEGES},
    {ISO_NAME_SECCOMP_RETAIN, ISO_SECCOMP_RETAIN},
    {ISO_NAME_SECCOMP_REMOVE, ISO_SECCOMP_REMOVE},
    {ISO_NAME_SELINUX_CONTEXT, ISO_SELINUX_CONTEXT},
    {ISO_NAME_APPARMOR_PROFILE, ISO_APPARMOR_PROFILE},
    {ISO_NAME_SYSCTL, ISO_SYSCTL},
};

enum isolator_kind isolator_kind_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof(iso_names) / sizeof(iso_names[0]); i++)
		if (!strcmp(name, iso_names[i].name))
			return iso_names[i].kind;
	return ISO_OTHER;
}

/* A quantity member (string, or a bare JSON number as Kubernetes' quantities
 * also accept): 1 present, 0 absent, -1 bad (reported). */
static int quantity_member(const struct json_doc *d, int obj, const char *path, const char *key,
			   bool milli, int64_t *out, struct errlist *errs)
{
	int v = sch_get(d, obj, key);
	if (v < 0)
		return 0;
	_cleanup_free_ char *p = sch_field(path, key);
	char *s = json_type(d, v) == JSON_NUMBER ? json_raw(d, v) : sch_str_at(d, v, p, errs);
	if (!s)
		return -1;
	int r = milli ? quantity_parse_milli(s, out) : quantity_parse(s, out);
	if (r < 0) {
		_cleanup_free_ char *q = sch_quote(s);
		errlist_add(errs, "%s: %s is not a valid resource quantity", p, q);
	}
	free(s);
	return r < 0 ? -1 : 1;
}

static void parse_resource(const struct json_doc *d, int v, const char *path, struct isolator *o,
			   struct errlist *errs)
{
	bool milli = o->kind == ISO_CPU;
	bool needs_default = o->kind == ISO_BLOCK_BANDWIDTH || o->kind == ISO_BLOCK_IOPS ||
			     o->kind == ISO_NETWORK_BANDWIDTH;
	o->has_limit = quantity_member(d, v, path, "limit", milli, &o->limit, errs) > 0;
	if (needs_default) {
		int r = sch_bool(d, v, path, "default", &o->is_default, errs);
		if (r == 0 || (r > 0 && !o->is_default))
			errlist_add(errs, "%s.default: must be true", path);
		if (!o->has_limit && sch_get(d, v, "limit") < 0)
			errlist_add(errs, "%s.limit: required", path);
		return;
	}
	o->has_request = quantity_member(d, v, path, "request", milli, &o->request, errs) > 0;
	if (!o->has_request && !o->has_limit && sch_get(d, v, "request") < 0 &&
	    sch_get(d, v, "limit") < 0)
		errlist_add(errs, "%s: request or limit required", path);
	if (o->has_request && o->has_limit && o->request > o->limit)
		errlist_add(errs, "%s.request: greater than the limit", path);
	if (!o->has_request && o->has_limit)
		o->request = o->limit; /* spec: request defaults to limit */
}

static void parse_set(const struct json_doc *d, int v, const char *path, struct isolator *o,
		      struct errlist *errs)
{
	bool caps = o->kind == ISO_CAPS_RETAIN || o->kind == ISO_CAPS_REMOVE;
	int arr = sch_array(d, v, path, "set", true, errs);
	if (arr < 0)
		return;
	_cleanup_free_ char *sp = sch_field(path, "set");
	if (json_size(d, arr) == 0)
		errlist_add(errs, "%s: must not be empty", sp);
	size_t i = 0;
	json_for_each(d, arr, it)
	{
		_cleanup_free_ char *ip = sch_index(sp, i++);
		char *s = sch_str_at(d, it, ip, errs);
		if (!s)
			continue;
		_cleanup_free_ char *q = sch_quote(s);
		if (caps && capability_from_name(s) < 0)
			errlist_add(errs, "%s: %s is not a Linux capability", ip, q);
		else if (!caps && !*s)
			errlist_add(errs, "%s: empty syscall name", ip);
		strlist_add(&o->set, s);
		free(s);
	}
	if (caps)
		return;
	o->errno_name = sch_str(d, v, path, "errno", false, errs);
	if (o->errno_name && *o->errno_name && !errno_name_valid(o->errno_name)) {
		_cleanup_free_ char *q = sch_quote(o->errno_name);
		errlist_add(errs, "%s.errno: %s is not an uppercase errno name", path, q);
	}
}

/* Check the value of a known isolator kind. */
static void parse_value(const struct json_doc *d, int v, const char *path, struct isolator *o,
			struct errlist *errs)
{
	if (o->kind == ISO_OTHER)
		return;
	if (o->kind == ISO_NO_NEW_PRIVILEGES) {
		if (json_bool(d, v, &o->no_new_privileges) < 0)
			errlist_add(errs, "%s: must be a boolean, not %s", path,
				    json_type_name(json_type(d, v)));
		return;
	}
	if (!sch_want_object(d, v, path, errs))
		return;
	switch (o->kind) {
	case ISO_CPU:
	case ISO_MEMORY:
	case ISO_BLOCK_BANDWIDTH:
	case ISO_BLOCK_IOPS:
	case ISO_NETWORK_BANDWIDTH:
		parse_resource(d, v, path, o, errs);
		break;
	case ISO_CAPS_RETAIN:
	case ISO_CAPS_REMOVE:
	case ISO_SECCOMP_RETAIN:
	case ISO_SECCOMP_REMOVE:
		parse_set(d, v, path, o, errs);
		break;
	case ISO_SELINUX_CONTEXT: {
		char **f[] = {&o->selinux_user, &o->selinux_role, &o->selinux_type,
			      &o->selinux_level};
		const char *keys[] = {"user", "role", "type", "level"};
		for (int i = 0; i < 4; i++) {
			*f[i] = sch_str(d, v, path, keys[i], true, errs);
			if (*f[i] && !**f[i])
				errlist_add(errs, "%s.%s: must not be empty", path, keys[i]);
		}
		break;
	}
	case ISO_APPARMOR_PROFILE:
		o->apparmor_profile = sch_str(d, v, path, "profile", true, errs);
		if (o->apparmor_profile && !*o->apparmor_profile)
			errlist_add(errs, "%s.profile: must not be empty", path);
		break;
	case ISO_SYSCTL: {
		json_for_each(d, v, k)
		{
			char *key = json_str(d, k);
			if (!key || !*key) {
				errlist_add(errs, "%s: empty or invalid sysctl name", path);
				free(key);
				continue;
			}
			_cleanup_free_ char *kp = sch_field(path, key);
			char *val = sch_str_at(d, json_member_value(k), kp, errs);
			if (val)
				kvlist_add(&o->sysctl, key, val);
			free(key);
			free(val);
		}
		break;
	}
	default:
		break;
	}
}

int isolator_parse(const struct json_doc *d, int v, const char *path, struct isolator *out,
		   struct errlist *errs)
{
	size_t before = errs->n;
	memset(out, 0, sizeof(*out));
	if (!sch_want_object(d, v, path, errs))
		return -1;
	out->name = sch_str(d, v, path, "name", true, errs);
	if (out->name && !ac_identifier_valid(out->name)) {
		_cleanup_free_ char *q = sch_quote(out->name);
		errlist_add(errs, "%s.name: %s is not an AC identifier", path, q);
	}
	out->kind = isolator_kind_of(out->name);
	int val = json_get(d, v, "value");
	_cleanup_free_ char *vp = sch_field(path, "value");
	if (val < 0) {
		errlist_add(errs, "%s: required", vp);
		return -1;
	}
	out->value = json_raw(d, val);
	parse_value(d, val, vp, out, errs);
	return errs->n > before ? -1 : 0;
}

static void isolator_elem(const struct json_doc *d, int v, const char *path, void *elem, void *ctx,
			  struct errlist *errs)
{
	(void)ctx;
	isolator_parse(d, v, path, elem, errs);
}

void isolators_parse(const struct json_doc *d, int obj, const char *path, struct isolator **out,
		     size_t *n, struct errlist *errs)
{
	sch_objects(d, obj, path, "isolators", false, sizeof(**out), out, n, isolator_elem, NULL,
		    errs);
}

int isolator_make(const char *name, const char *value_json, struct isolator *out,
		  struct errlist *errs)
{
	struct json_doc d;
	struct err e;
	memset(out, 0, sizeof(*out));
	if (json_parse(&d, value_json, strlen(value_json), &e) < 0) {
		errlist_add(errs, "%s: value: %s", name, e.msg);
		out->name = xstrdup(name);
		return -1;
	}
	size_t before = errs->n;
	out->name = xstrdup(name);
	if (!ac_identifier_valid(name)) {
		_cleanup_free_ char *q = sch_quote(name);
		errlist_add(errs, "name: %s is not an AC identifier", q);
	}
	out->kind = isolator_kind_of(name);
	out->value = json_raw(&d, 0);
	parse_value(&d, 0, name, out, errs);
	json_free(&d);
	return errs->n > before ? -1 : 0;
}

void isolators_validate(const struct isolator *iso, size_t n, const char *field,
			struct errlist *errs)
{
	/* first index of each known kind, so the checks stay linear */
	size_t first[ISO_SYSCTL + 1];
	for (size_t k = 0; k <= ISO_SYSCTL; k++)
		first[k] = SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		if (iso[i].kind != ISO_OTHER && (unsigned)iso[i].kind <= ISO_SYSCTL &&
		    first[iso[i].kind] == SIZE_MAX)
			first[iso[i].kind] = i;
	for (size_t i = 0; i < n; i++) {
		enum isolator_kind k = iso[i].kind;
		if (k == ISO_OTHER || (unsigned)k > ISO_SYSCTL)
			continue;
		if (first[k] < i)
			errlist_add(errs, "%s[%zu]: only one %s isolator is allowed", field, i,
				    iso[i].name);
		enum isolator_kind other = k == ISO_CAPS_REMOVE	     ? ISO_CAPS_RETAIN
					   : k == ISO_SECCOMP_REMOVE ? ISO_SECCOMP_RETAIN
								     : ISO_OTHER;
		if (other && first[other] != SIZE_MAX)
			errlist_add(errs, "%s[%zu]: %s cannot be used together with %s", field, i,
				    iso[i].name, iso[first[other]].name);
	}
}

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}
static bool eq0(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

void isolator_copy(struct isolator *dst, const struct isolator *src)
{
	*dst = *src;
	dst->name = dup0(src->name);
	dst->value = dup0(src->value);
	strlist_copy(&dst->set, &src->set);
	dst->errno_name = dup0(src->errno_name);
	dst->selinux_user = dup0(src->selinux_user);
	dst->selinux_role = dup0(src->selinux_role);
	dst->selinux_type = dup0(src->selinux_type);
	dst->selinux_level = dup0(src->selinux_level);
	dst->apparmor_profile = dup0(src->apparmor_profile);
	kvlist_copy(&dst->sysctl, &src->sysctl);
}

/* Parsed fields follow from name and value, so those two decide. */
bool isolator_eq(const struct isolator *a, const struct isolator *b)
{
	return eq0(a->name, b->name) && eq0(a->value, b->value);
}

void isolator_free(struct isolator *iso)
{
	free(iso->name);
	free(iso->value);
	strlist_free(&iso->set);
	free(iso->errno_name);
	free(iso->selinux_user);
	free(iso->selinux_role);
	free(iso->selinux_type);
	free(iso->selinux_level);
	free(iso->apparmor_profile);
	kvlist_free(&iso->sysctl);
	memset(iso, 0, sizeof(*iso));
}
