/* Strict JSON reading (RFC 8259) on top of jsmn.
 *
 * json_parse() first checks the whole text against the RFC grammar (jsmn is
 * lenient: it takes bare words, missing colons and trailing values), bounds
 * size and nesting depth, rejects invalid UTF-8, lone surrogates and duplicate
 * object keys, then tokenizes with jsmn. A value is named by its token index
 * (int); the root is 0. Every lookup helper returns -1 for "absent" and takes
 * -1 as "absent" too, so lookups chain without checks. */
#ifndef RKT_JSON_H
#define RKT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define JSON_MAX_SIZE (16u << 20) /* bytes of text */
#define JSON_MAX_DEPTH 64	  /* nested arrays/objects allowed */

enum json_type {
	JSON_NONE = 0, /* "absent" (index -1) */
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

struct json_tok {
	enum json_type type;
	int start, end; /* byte range in text (strings: inside the quotes) */
	int size;	/* objects: members; arrays: elements; else 0 */
	int skip;	/* index of the first token after this value's subtree */
};

struct json_doc {
	char *text; /* owned, NUL-terminated copy of the input */
	size_t len;
	struct json_tok *tok;
	int ntok;
};

/* Parse text[0..len) into d (zeroed first). On error returns -1 with a message
 * such as "line 3, column 7: expected ':'" and leaves d empty. */
int json_parse(struct json_doc *d, const char *text, size_t len, struct err *e);
/* Free what json_parse allocated; d may be zeroed or already freed. */
void json_free(struct json_doc *d);

/* Type of value v (JSON_NONE for -1). */
enum json_type json_type(const struct json_doc *d, int v);
/* A JSON type name for messages: "object", "array", "string", ... */
const char *json_type_name(enum json_type t);
/* Number of members (object) or elements (array) of v; 0 otherwise. */
int json_size(const struct json_doc *d, int v);

/* Value of member `key` of object obj, or -1. An exact key match wins; failing
 * that a case-insensitive one, as Go's encoding/json (and so appc) matches
 * struct fields. */
int json_get(const struct json_doc *d, int obj, const char *key);
/* As json_get, exact match only. */
int json_get_exact(const struct json_doc *d, int obj, const char *key);

/* Iteration. For arrays, json_first() gives the first element and json_next()
 * the following sibling (-1 at the end). For objects, they give the KEY token
 * of each member; its value is json_member_value(). */
int json_first(const struct json_doc *d, int v);
int json_next(const struct json_doc *d, int parent, int cur);
static inline int json_member_value(int key)
{
	return key + 1;
}
#define json_for_each(d, parent, it)                                                               \
	for (int it = json_first((d), (parent)); it >= 0; it = json_next((d), (parent), it))

/* Typed getters. Each returns -1 if v is absent or of another type. */
/* A malloc'd UTF-8 copy of string v, escapes decoded; NULL if v is not a
 * string or holds \u0000 (C strings cannot carry it). */
char *json_str(const struct json_doc *d, int v);
/* Whether string v equals s (after unescaping). */
bool json_str_eq(const struct json_doc *d, int v, const char *s);
/* An integer number (no fraction or exponent) in [INT64_MIN, INT64_MAX]. */
int json_int64(const struct json_doc *d, int v, int64_t *out);
/* true or false. */
int json_bool(const struct json_doc *d, int v, bool *out);
/* The raw JSON text of v with insignificant whitespace removed (compact and
 * stable), malloc'd. NULL for -1. */
char *json_raw(const struct json_doc *d, int v);

/* Decode the JSON string body s[0..n) (between quotes) into a malloc'd UTF-8
 * string. Returns NULL on an invalid escape, lone surrogate or \u0000. */
char *json_unescape(const char *s, size_t n);

#endif
