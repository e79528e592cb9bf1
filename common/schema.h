/* Internal helpers shared by the schema parsers (types.c, isolator.c,
 * manifest.c, podmanifest.c): read a field of a JSON object with its type
 * checked, reporting problems as "PATH: reason". JSON null counts as absent,
 * as in appc's Go schema. */
#ifndef RKT_SCHEMA_H
#define RKT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "json.h"
#include "types.h"

/* "base.key" (or "key" when base is empty), malloc'd. */
char *sch_field(const char *base, const char *key);
/* "base[i]", malloc'd. */
char *sch_index(const char *base, size_t i);
/* s quoted as a JSON string for messages, cut at 64 bytes; malloc'd. */
char *sch_quote(const char *s);

/* Member key of obj, or -1 when absent or null. */
int sch_get(const struct json_doc *d, int obj, const char *key);
/* A string member: NULL if absent (adds "PATH.key: required" when required)
 * or wrong ("PATH.key: must be a string"). */
char *sch_str(const struct json_doc *d, int obj, const char *base, const char *key, bool required,
	      struct errlist *errs);
/* A string value v itself; path names it. */
char *sch_str_at(const struct json_doc *d, int v, const char *path, struct errlist *errs);
/* A boolean member: 1 present, 0 absent, -1 wrong type (reported). */
int sch_bool(const struct json_doc *d, int obj, const char *base, const char *key, bool *out,
	     struct errlist *errs);
/* An integer member in [min, max]: 1 present, 0 absent (reported when
 * required), -1 wrong (reported). */
int sch_int(const struct json_doc *d, int obj, const char *base, const char *key, int64_t min,
	    int64_t max, bool required, int64_t *out, struct errlist *errs);
/* A member that must be an array (or object, for sch_object): its index, or
 * -1 when absent (reported when required) or of the wrong type (reported). */
int sch_array(const struct json_doc *d, int obj, const char *base, const char *key, bool required,
	      struct errlist *errs);
int sch_object(const struct json_doc *d, int obj, const char *base, const char *key, bool required,
	       struct errlist *errs);
/* Parse a manifest text whose top level must be an object; -1 (problems in
 * errs, nothing to free) or 0 (free d with json_free). */
int sch_parse_object(struct json_doc *d, const char *json, size_t len, struct errlist *errs);
/* Is v an object? If not: "PATH: must be an object, not TYPE", false. */
bool sch_want_object(const struct json_doc *d, int v, const char *path, struct errlist *errs);
/* An array member of objects: *elems gets one zeroed slot of elem_size per
 * element and *n their count; fn parses each object element (path
 * "base.key[i]"), the others are reported. Returns the array's index or -1
 * (as sch_array). */
typedef void sch_elem_fn(const struct json_doc *d, int v, const char *path, void *elem,
			 void *ctx, struct errlist *errs);
int sch_objects(const struct json_doc *d, int obj, const char *base, const char *key,
		bool required, size_t elem_size, void *elems, size_t *n, sch_elem_fn *fn,
		void *ctx, struct errlist *errs);
/* A [{"name": ..., "value": ...}] list into out (name and value required). */
void sch_kvlist(const struct json_doc *d, int obj, const char *base, const char *key,
		struct kvlist *out, struct errlist *errs);
/* An {"k": "v", ...} object with string values into out, in document order. */
void sch_strmap(const struct json_doc *d, int obj, const char *base, const char *key,
		struct kvlist *out, struct errlist *errs);
/* A ["...", ...] list of strings into out. */
void sch_strlist(const struct json_doc *d, int obj, const char *base, const char *key,
		 struct strlist *out, struct errlist *errs);

/* Duplicate detection in O(n log n) (manifests may hold many thousands of
 * entries): returns a malloc'd array where [i] is true when an earlier entry
 * has the same name. NULL and "" names are never marked. names[i] is read
 * at base + i * stride (so it works on arrays of structs). */
bool *sch_dups(const void *base, size_t n, size_t stride, size_t name_offset);
#define SCH_DUPS(arr, n, field)                                                                    \
	sch_dups((arr), (n), sizeof(*(arr)), offsetof(__typeof__(*(arr)), field))

#endif
