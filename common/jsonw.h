/* A small JSON writer into a struct buf. The writer places commas, colons and
 * (when pretty) newlines with 4-space indentation; keys come out in the order
 * written, so output is stable. Strings are escaped per RFC 8259: quote,
 * backslash, and control characters (\n \t ... or \u00XX); other bytes are
 * copied as they are (callers pass UTF-8). */
#ifndef RKT_JSONW_H
#define RKT_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "xalloc.h"

#define JSONW_MAX_DEPTH 160 /* > JSON_MAX_DEPTH plus any outer nesting */

struct jsonw {
	struct buf *b;
	int pretty;
	int depth;
	bool first[JSONW_MAX_DEPTH + 1]; /* nothing written yet at this level */
	bool after_key;			 /* the next value follows a key */
};

/* Start writing into b (appending to what it holds); pretty = 4-space indent. */
void jsonw_init(struct jsonw *w, struct buf *b, int pretty);
void jsonw_obj_begin(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr_begin(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);
/* A member key inside an object; the next call writes its value. */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Already-valid JSON text (e.g. json_raw() output): inserted as given when
 * compact; re-indented to match when pretty. Text that does not parse is
 * inserted as given. */
void jsonw_raw(struct jsonw *w, const char *json);
/* Value v of a parsed document, through the writer (strings and numbers keep
 * their exact source text). */
struct json_doc;
void jsonw_value(struct jsonw *w, const struct json_doc *d, int v);

/* Key + value shorthands. */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, int64_t v);
void jsonw_kuint(struct jsonw *w, const char *key, uint64_t v);
void jsonw_kbool(struct jsonw *w, const char *key, bool v);

/* Append s as a quoted, escaped JSON string to b (no writer state). */
void json_quote(struct buf *b, const char *s, size_t n);

#endif
