/* Typed field access with "PATH: reason" reporting for the schema parsers. */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "xalloc.h"

char *sch_field(const char *base, const char *key)
{
	return base && *base ? xasprintf("%s.%s", base, key) : xstrdup(key);
}

char *sch_index(const char *base, size_t i)
{
	return xasprintf("%s[%zu]", base, i);
}

char *sch_quote(const char *s)
{
	struct buf b = {0};
	size_t n = strlen(s);
	bool cut = n > 64;
	json_quote(&b, s, cut ? 64 : n);
	if (cut)
		buf_adds(&b, "...");
	return buf_steal(&b);
}

int sch_get(const struct json_doc *d, int obj, const char *key)
{
	int v = json_get(d, obj, key);
	return json_type(d, v) == JSON_NULL ? -1 : v;
}

char *sch_str_at(const struct json_doc *d, int v, const char *path, struct errlist *errs)
{
	if (json_type(d, v) != JSON_STRING) {
		errlist_add(errs, "%s: must be a string, not %s", path,
			    json_type_name(json_type(d, v)));
		return NULL;
	}
	char *s = json_str(d, v);
	if (!s)
		errlist_add(errs, "%s: string contains a NUL character", path);
	return s;
}

char *sch_str(const struct json_doc *d, int obj, const char *base, const char *key, bool required,
	      struct errlist *errs)
{
	int v = sch_get(d, obj, key);
	_cleanup_free_ char *p = sch_field(base, key);
	if (v < 0) {
		if (required)
			errlist_add(errs, "%s: required", p);
		return NULL;
	}
	return sch_str_at(d, v, p, errs);
}

int sch_bool(const struct json_doc *d, int obj, const char *base, const char *key, bool *out,
	     struct errlist *errs)
{
	int v = sch_get(d, obj, key);
	if (v < 0)
		return 0;
	if (json_bool(d, v, out) < 0) {
		_cleanup_free_ char *p = sch_field(base, key);
		errlist_add(errs, "%s: must be a boolean, not %s", p,
			    json_type_name(json_type(d, v)));
		return -1;
	}
	return 1;
}

int sch_int(const struct json_doc *d, int obj, const char *base, const char *key, int64_t min,
	    int64_t max, bool required, int64_t *out, struct errlist *errs)
{
	int v = sch_get(d, obj, key);
	_cleanup_free_ char *p = sch_field(base, key);
	if (v < 0) {
		if (required)
			errlist_add(errs, "%s: required", p);
		return 0;
	}
	if (json_type(d, v) != JSON_NUMBER) {
		errlist_add(errs, "%s: must be an integer, not %s", p,
			    json_type_name(json_type(d, v)));
		return -1;
	}
	int64_t x;
	if (json_int64(d, v, &x) < 0 || x < min || x > max) {
		char *raw = json_raw(d, v);
		errlist_add(errs, "%s: %.40s is not an integer in %lld..%lld", p, raw,
			    (long long)min, (long long)max);
		free(raw);
		return -1;
	}
	*out = x;
	return 1;
}

static int sch_typed(const struct json_doc *d, int obj, const char *base, const char *key,
		     bool required, enum json_type want, struct errlist *errs)
{
	int v = sch_get(d, obj, key);
	if (v < 0 && !required)
		return -1;
	_cleanup_free_ char *p = sch_field(base, key);
	if (v < 0) {
		errlist_add(errs, "%s: required", p);
		return -1;
	}
	if (json_type(d, v) != want) {
		errlist_add(errs, "%s: must be an %s, not %s", p, json_type_name(want),
			    json_type_name(json_type(d, v)));
		return -1;
	}
	return v;
}

int sch_array(const struct json_doc *d, int obj, const char *base, const char *key, bool required,
	      struct errlist *errs)
{
	return sch_typed(d, obj, base, key, required, JSON_ARRAY, errs);
}

int sch_object(const struct json_doc *d, int obj, const char *base, const char *key, bool required,
	       struct errlist *errs)
{
	return sch_typed(d, obj, base, key, required, JSON_OBJECT, errs);
}

int sch_parse_object(struct json_doc *d, const char *json, size_t len, struct errlist *errs)
{
	struct err e;
	if (json_parse(d, json, len, &e) < 0) {
		errlist_add(errs, "%s", e.msg);
		return -1;
	}
	if (json_type(d, 0) != JSON_OBJECT) {
		errlist_add(errs, "manifest: must be a JSON object, not %s",
			    json_type_name(json_type(d, 0)));
		json_free(d);
		return -1;
	}
	return 0;
}

bool sch_want_object(const struct json_doc *d, int v, const char *path, struct errlist *errs)
{
	if (json_type(d, v) == JSON_OBJECT)
		return true;
	errlist_add(errs, "%s: must be an object, not %s", path, json_type_name(json_type(d, v)));
	return false;
}

int sch_objects(const struct json_doc *d, int obj, const char *base, const char *key,
		bool required, size_t elem_size, void *elems, size_t *n, sch_elem_fn *fn,
		void *ctx, struct errlist *errs)
{
	int arr = sch_array(d, obj, base, key, required, errs);
	if (arr < 0)
		return -1;
	_cleanup_free_ char *p = sch_field(base, key);
	char *slots = xcalloc((size_t)json_size(d, arr), elem_size);
	*(void **)elems = slots;
	json_for_each(d, arr, it)
	{
		_cleanup_free_ char *ip = sch_index(p, *n);
		void *elem = slots + elem_size * (*n)++;
		if (sch_want_object(d, it, ip, errs))
			fn(d, it, ip, elem, ctx, errs);
	}
	return arr;
}

void sch_kvlist(const struct json_doc *d, int obj, const char *base, const char *key,
		struct kvlist *out, struct errlist *errs)
{
	int arr = sch_array(d, obj, base, key, false, errs);
	if (arr < 0)
		return;
	_cleanup_free_ char *p = sch_field(base, key);
	size_t i = 0;
	json_for_each(d, arr, it)
	{
		_cleanup_free_ char *ip = sch_index(p, i++);
		if (!sch_want_object(d, it, ip, errs))
			continue;
		char *n = sch_str(d, it, ip, "name", true, errs);
		char *v = sch_str(d, it, ip, "value", true, errs);
		if (n && v)
			kvlist_add(out, n, v);
		else /* keep indexes aligned with the document for messages */
			kvlist_add(out, n ? n : "", v ? v : "");
		free(n);
		free(v);
	}
}

void sch_strmap(const struct json_doc *d, int obj, const char *base, const char *key,
		struct kvlist *out, struct errlist *errs)
{
	int o = sch_object(d, obj, base, key, false, errs);
	if (o < 0)
		return;
	_cleanup_free_ char *p = sch_field(base, key);
	json_for_each(d, o, k)
	{
		char *name = json_str(d, k);
		_cleanup_free_ char *kp = sch_field(p, name ? name : "?");
		char *v = name ? sch_str_at(d, json_member_value(k), kp, errs) : NULL;
		if (!name)
			errlist_add(errs, "%s: key contains a NUL character", p);
		if (name && v)
			kvlist_add(out, name, v);
		free(name);
		free(v);
	}
}

void sch_strlist(const struct json_doc *d, int obj, const char *base, const char *key,
		 struct strlist *out, struct errlist *errs)
{
	int arr = sch_array(d, obj, base, key, false, errs);
	if (arr < 0)
		return;
	_cleanup_free_ char *p = sch_field(base, key);
	size_t i = 0;
	json_for_each(d, arr, it)
	{
		_cleanup_free_ char *ip = sch_index(p, i++);
		char *s = sch_str_at(d, it, ip, errs);
		strlist_add(out, s ? s : "");
		free(s);
	}
}

struct dup_ctx {
	const char *base;
	size_t stride, off;
};

static const char *dup_name(const struct dup_ctx *c, size_t i)
{
	return *(const char *const *)(c->base + i * c->stride + c->off);
}

static int dup_cmp(const void *a, const void *b, void *ctx)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(dup_name(ctx, x), dup_name(ctx, y));
	return r ? r : (x > y) - (x < y);
}

bool *sch_dups(const void *base, size_t n, size_t stride, size_t name_offset)
{
	struct dup_ctx c = {base, stride, name_offset};
	bool *dup = xcalloc(n, sizeof(*dup));
	size_t *idx = xcalloc(n, sizeof(*idx)), m = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = dup_name(&c, i);
		if (s && *s)
			idx[m++] = i;
	}
	qsort_r(idx, m, sizeof(*idx), dup_cmp, &c);
	for (size_t k = 1; k < m; k++) /* within a run, all but the first (lowest index) */
		if (!strcmp(dup_name(&c, idx[k - 1]), dup_name(&c, idx[k])))
			dup[idx[k]] = true;
	free(idx);
	return dup;
}
