/* Reading JSON with jsmn: tokenize once, then look values up by key. Small
 * by design (config files, registry answers); strings come back unescaped. */
#ifndef RKT_JSONSCAN_H
#define RKT_JSONSCAN_H

#include <stddef.h>

#include "err.h"
#include "xalloc.h"

/* The same kinds and fields as jsmn's tokens (jsmn stays inside jsonscan.c). */
enum json_type { JSON_UNDEF = 0, JSON_OBJECT = 1, JSON_ARRAY = 2, JSON_STRING = 3, JSON_PRIMITIVE = 4 };
struct json_tok {
	enum json_type type;
	int start, end, size;
};

struct json {
	const char *s;
	struct json_tok *t;
	int n;
};

/* Tokenize s[0..len); the whole text must be one JSON value. */
int json_parse(struct json *j, const char *s, size_t len, struct err *e);
void json_free(struct json *j);
/* Index of the token after token i and everything inside it. */
int json_skip(const struct json *j, int i);
/* The value of key in object obj, or -1 (also when obj is not an object). */
int json_get(const struct json *j, int obj, const char *key);
/* Token i as a C string: strings unescaped (\uXXXX to UTF-8), primitives as
 * written. NUL bytes from \u0000 are refused (NULL). */
char *json_str(const struct json *j, int i);
/* The string value of key, or NULL if missing or not a string. */
char *json_get_str(const struct json *j, int obj, const char *key);
/* Does token i equal the literal string lit (without unescaping)? */
int json_eq(const struct json *j, int i, const char *lit);
/* Append s as a JSON string literal (quoted and escaped). */
void json_quote(struct buf *b, const char *s);

#endif
