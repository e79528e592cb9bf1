/* Strict JSON: an RFC 8259 grammar check, then jsmn for the tokens. */
#define JSMN_STATIC
#define JSMN_STRICT
/* Parent links make closing a container O(1); without them jsmn scans back
 * over all tokens, quadratic on long arrays. */
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json.h"
#include "hex.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

/* ---- grammar check ---------------------------------------------------- */

struct scan {
	const char *s;
	size_t n, i;
	const char *why;
};

static void ws(struct scan *sc)
{
	while (sc->i < sc->n) {
		char c = sc->s[sc->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->i++;
	}
}

static int fail(struct scan *sc, const char *why)
{
	sc->why = why;
	return -1;
}

/* Four hex digits at s (n bytes available) -> code unit, or -1. */
static long hex4(const char *s, size_t n)
{
	if (n < 4)
		return -1;
	long v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hex_val((unsigned char)s[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the valid UTF-8 sequence at s, or 0 (overlongs, surrogates and
 * code points above U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int scan_string(struct scan *sc)
{
	sc->i++; /* opening quote */
	while (sc->i < sc->n) {
		unsigned char c = sc->s[sc->i];
		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, "control character in string");
		if (c == '\\') {
			if (sc->i + 1 >= sc->n)
				break;
			char e = sc->s[sc->i + 1];
			if (e && strchr("\"\\/bfnrt", e)) {
				sc->i += 2;
				continue;
			}
			if (e != 'u')
				return fail(sc, "invalid escape in string");
			long u = hex4(sc->s + sc->i + 2, sc->n - sc->i - 2);
			if (u < 0)
				return fail(sc, "invalid \\u escape in string");
			if (u >= 0xdc00 && u <= 0xdfff)
				return fail(sc, "unpaired surrogate in string");
			if (u >= 0xd800 && u <= 0xdbff) {
				size_t j = sc->i + 6;
				long lo = -1;
				if (j + 1 < sc->n && sc->s[j] == '\\' && sc->s[j + 1] == 'u')
					lo = hex4(sc->s + j + 2, sc->n - j - 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(sc, "unpaired surrogate in string");
				sc->i += 6;
			}
			sc->i += 6;
			continue;
		}
		size_t l = utf8_len((const unsigned char *)sc->s + sc->i, sc->n - sc->i);
		if (!l)
			return fail(sc, "invalid UTF-8 in string");
		sc->i += l;
	}
	return fail(sc, "unterminated string");
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int scan_number(struct scan *sc)
{
	const char *s = sc->s;
	size_t n = sc->n;
	if (sc->i < n && s[sc->i] == '-')
		sc->i++;
	if (sc->i >= n || !isdig(s[sc->i]))
		return fail(sc, "invalid number");
	if (s[sc->i] == '0')
		sc->i++;
	else
		while (sc->i < n && isdig(s[sc->i]))
			sc->i++;
	if (sc->i < n && s[sc->i] == '.') {
		sc->i++;
		if (sc->i >= n || !isdig(s[sc->i]))
			return fail(sc, "invalid number");
		while (sc->i < n && isdig(s[sc->i]))
			sc->i++;
	}
	if (sc->i < n && (s[sc->i] == 'e' || s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < n && (s[sc->i] == '+' || s[sc->i] == '-'))
			sc->i++;
		if (sc->i >= n || !isdig(s[sc->i]))
			return fail(sc, "invalid number");
		while (sc->i < n && isdig(s[sc->i]))
			sc->i++;
	}
	/* A number must end at a delimiter: "01" or "1x" are not numbers. */
	if (sc->i < n && !strchr(" \t\r\n,]}", sc->s[sc->i]))
		return fail(sc, "invalid number");
	return 0;
}

static int scan_literal(struct scan *sc, const char *word)
{
	size_t l = strlen(word);
	if (sc->n - sc->i < l || memcmp(sc->s + sc->i, word, l))
		return fail(sc, "invalid literal");
	sc->i += l;
	if (sc->i < sc->n && !strchr(" \t\r\n,]}", sc->s[sc->i]))
		return fail(sc, "invalid literal");
	return 0;
}

static int scan_value(struct scan *sc, int depth);

static int scan_container(struct scan *sc, int depth, char close)
{
	if (depth >= JSON_MAX_DEPTH)
		return fail(sc, "nesting too deep");
	sc->i++;
	ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == close) {
		sc->i++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (sc->i >= sc->n || sc->s[sc->i] != '"')
				return fail(sc, "expected a string key");
			if (scan_string(sc) < 0)
				return -1;
			ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] != ':')
				return fail(sc, "expected ':'");
			sc->i++;
			ws(sc);
		}
		if (scan_value(sc, depth + 1) < 0)
			return -1;
		ws(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unexpected end of input");
		if (sc->s[sc->i] == close) {
			sc->i++;
			return 0;
		}
		if (sc->s[sc->i] != ',')
			return fail(sc,
				    close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		sc->i++;
		ws(sc);
	}
}

static int scan_value(struct scan *sc, int depth)
{
	if (sc->i >= sc->n)
		return fail(sc, "unexpected end of input");
	switch (sc->s[sc->i]) {
	case '{':
		return scan_container(sc, depth, '}');
	case '[':
		return scan_container(sc, depth, ']');
	case '"':
		return scan_string(sc);
	case 't':
		return scan_literal(sc, "true");
	case 'f':
		return scan_literal(sc, "false");
	case 'n':
		return scan_literal(sc, "null");
	default:
		return scan_number(sc);
	}
}

/* ---- string decoding --------------------------------------------------- */

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode s[0..n) into a malloc'd buffer (NUL-terminated); *outlen is the
 * decoded length, which may include NUL bytes from \u0000. NULL if invalid. */
static char *decode(const char *s, size_t n, size_t *outlen)
{
	char *o = xmalloc(n + 1), *p = o; /* decoding never grows the text */
	for (size_t i = 0; i < n;) {
		if (s[i] != '\\') {
			*p++ = s[i++];
			continue;
		}
		if (i + 1 >= n)
			goto bad;
		char e = s[i + 1];
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (k) {
			*p++ = to[k - from];
			i += 2;
			continue;
		}
		if (e != 'u')
			goto bad;
		long u = hex4(s + i + 2, n - i - 2);
		if (u < 0)
			goto bad;
		i += 6;
		unsigned long cp = (unsigned long)u;
		if (u >= 0xdc00 && u <= 0xdfff)
			goto bad;
		if (u >= 0xd800 && u <= 0xdbff) {
			long lo = -1;
			if (i + 1 < n && s[i] == '\\' && s[i + 1] == 'u')
				lo = hex4(s + i + 2, n - i - 2);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			i += 6;
			cp = 0x10000 + (((unsigned long)u - 0xd800) << 10) +
			     ((unsigned long)lo - 0xdc00);
		}
		p += put_utf8(p, cp);
	}
	*p = 0;
	*outlen = (size_t)(p - o);
	return o;
bad:
	free(o);
	return NULL;
}

char *json_unescape(const char *s, size_t n)
{
	size_t len;
	char *o = decode(s, n, &len);
	if (o && strlen(o) != len) {
		free(o);
		return NULL;
	}
	return o;
}

/* ---- tokens ------------------------------------------------------------ */

struct key {
	char *s;
	size_t n;
};

static int keycmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	size_t m = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, m);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Fill types and skip indexes from jsmn's tokens, recursively from token i;
 * returns the index after the subtree. Depth is bounded by the grammar check. */
static int build(struct json_doc *d, const jsmntok_t *t, int i, struct err *e, int *dup)
{
	struct json_tok *o = &d->tok[i];
	o->start = t[i].start;
	o->end = t[i].end;
	o->size = 0;
	switch (t[i].type) {
	case JSMN_OBJECT:
	case JSMN_ARRAY: {
		o->type = t[i].type == JSMN_OBJECT ? JSON_OBJECT : JSON_ARRAY;
		o->size = t[i].size;
		int j = i + 1;
		for (int k = 0; k < t[i].size; k++) {
			if (o->type == JSON_OBJECT) {
				/* the key, then its value */
				d->tok[j] =
				    (struct json_tok){JSON_STRING, t[j].start, t[j].end, 0, j + 1};
				j = build(d, t, j + 1, e, dup);
			} else {
				j = build(d, t, j, e, dup);
			}
			if (j < 0)
				return -1;
		}
		o->skip = j;
		if (o->type == JSON_OBJECT && o->size > 1 && *dup < 0) {
			struct key *keys = xcalloc((size_t)o->size, sizeof(*keys));
			int k = 0;
			json_for_each(d, i, it)
			{
				keys[k].s =
				    decode(d->text + d->tok[it].start,
					   (size_t)(d->tok[it].end - d->tok[it].start), &keys[k].n);
				k++;
			}
			xqsort(keys, (size_t)k, sizeof(*keys), keycmp);
			for (int m = 1; m < k; m++)
				if (!keycmp(&keys[m - 1], &keys[m]) && *dup < 0)
					*dup = i;
			for (int m = 0; m < k; m++)
				free(keys[m].s);
			free(keys);
		}
		return j;
	}
	case JSMN_STRING:
		o->type = JSON_STRING;
		o->skip = i + 1;
		return i + 1;
	default: {
		char c = d->text[t[i].start];
		o->type = c == 't'   ? JSON_TRUE
			  : c == 'f' ? JSON_FALSE
			  : c == 'n' ? JSON_NULL
				     : JSON_NUMBER;
		o->skip = i + 1;
		return i + 1;
	}
	}
	(void)e;
}

static void where(const char *s, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int json_parse(struct json_doc *d, const char *text, size_t len, struct err *e)
{
	memset(d, 0, sizeof(*d));
	if (len > JSON_MAX_SIZE)
		return err_set(e, "JSON document too large (%zu bytes, limit %u)", len,
			       JSON_MAX_SIZE);
	struct scan sc = {text, len, 0, NULL};
	ws(&sc);
	if (sc.i >= len) {
		sc.why = "empty document";
	} else if (scan_value(&sc, 0) == 0) {
		ws(&sc);
		if (sc.i < len)
			sc.why = "trailing data after the JSON value";
	}
	if (sc.why) {
		int line, col;
		where(text, sc.i, &line, &col);
		return err_set(e, "invalid JSON: line %d, column %d: %s", line, col, sc.why);
	}

	/* jsmn (strict) wants a delimiter after a primitive, even at the end of
	 * the text: give it a trailing space, then cut it off again. */
	d->text = xmalloc(len + 2);
	memcpy(d->text, text, len);
	d->text[len] = ' ';
	d->text[len + 1] = 0;
	d->len = len;

	unsigned cap = 64;
	jsmntok_t *t = NULL;
	int r;
	for (;;) {
		jsmn_parser p;
		jsmn_init(&p);
		t = xreallocarray(t, cap, sizeof(*t));
		r = jsmn_parse(&p, d->text, len + 1, t, cap);
		if (r != JSMN_ERROR_NOMEM)
			break;
		cap *= 2;
	}
	d->text[len] = 0;
	if (r <= 0) { /* cannot happen after the grammar check; be safe */
		free(t);
		json_free(d);
		return err_set(e, "invalid JSON");
	}
	d->ntok = r;
	d->tok = xcalloc((size_t)r, sizeof(*d->tok));
	int dup = -1;
	build(d, t, 0, e, &dup);
	free(t);
	if (dup >= 0) {
		int line, col;
		where(d->text, (size_t)d->tok[dup].start, &line, &col);
		json_free(d);
		return err_set(e, "invalid JSON: line %d, column %d: duplicate key in object", line,
			       col);
	}
	return 0;
}

void json_free(struct json_doc *d)
{
	free(d->text);
	free(d->tok);
	memset(d, 0, sizeof(*d));
}

/* ---- access ------------------------------------------------------------ */

static bool valid(const struct json_doc *d, int v)
{
	return v >= 0 && v < d->ntok;
}

enum json_type json_type(const struct json_doc *d, int v)
{
	return valid(d, v) ? d->tok[v].type : JSON_NONE;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = {"nothing", "object",  "array",   "string",
					    "number",  "boolean", "boolean", "null"};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int json_size(const struct json_doc *d, int v)
{
	enum json_type t = json_type(d, v);
	return t == JSON_OBJECT || t == JSON_ARRAY ? d->tok[v].size : 0;
}

int json_first(const struct json_doc *d, int v)
{
	return json_size(d, v) > 0 ? v + 1 : -1;
}

int json_next(const struct json_doc *d, int parent, int cur)
{
	if (!valid(d, parent) || !valid(d, cur))
		return -1;
	int n = d->tok[parent].type == JSON_OBJECT ? d->tok[cur + 1].skip : d->tok[cur].skip;
	return n < d->tok[parent].skip ? n : -1;
}

static bool key_eq(const struct json_doc *d, int k, const char *key, bool fold)
{
	const char *s = d->text + d->tok[k].start;
	size_t n = (size_t)(d->tok[k].end - d->tok[k].start);
	if (!memchr(s, '\\', n)) {
		if (strlen(key) != n)
			return false;
		return fold ? !strncasecmp(s, key, n) : !memcmp(s, key, n);
	}
	size_t dn;
	char *dec = decode(s, n, &dn);
	bool eq = dec && dn == strlen(key) && (fold ? !strcasecmp(dec, key) : !strcmp(dec, key));
	free(dec);
	return eq;
}

int json_get_exact(const struct json_doc *d, int obj, const char *key)
{
	if (json_type(d, obj) != JSON_OBJECT)
		return -1;
	json_for_each(d, obj, k) if (key_eq(d, k, key, false)) return k + 1;
	return -1;
}

int json_get(const struct json_doc *d, int obj, const char *key)
{
	int v = json_get_exact(d, obj, key);
	if (v >= 0 || json_type(d, obj) != JSON_OBJECT)
		return v;
	json_for_each(d, obj, k) if (key_eq(d, k, key, true)) return k + 1;
	return -1;
}

char *json_str(const struct json_doc *d, int v)
{
	if (json_type(d, v) != JSON_STRING)
		return NULL;
	return json_unescape(d->text + d->tok[v].start, (size_t)(d->tok[v].end - d->tok[v].start));
}

bool json_str_eq(const struct json_doc *d, int v, const char *s)
{
	char *x = json_str(d, v);
	bool eq = x && !strcmp(x, s);
	free(x);
	return eq;
}

int json_int64(const struct json_doc *d, int v, int64_t *out)
{
	if (json_type(d, v) != JSON_NUMBER)
		return -1;
	const char *s = d->text + d->tok[v].start;
	size_t n = (size_t)(d->tok[v].end - d->tok[v].start);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return -1;
	char buf[32];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	long long x = strtoll(buf, NULL, 10);
	if (errno == ERANGE)
		return -1;
	*out = x;
	return 0;
}

int json_bool(const struct json_doc *d, int v, bool *out)
{
	enum json_type t = json_type(d, v);
	if (t != JSON_TRUE && t != JSON_FALSE)
		return -1;
	*out = t == JSON_TRUE;
	return 0;
}

char *json_raw(const struct json_doc *d, int v)
{
	if (!valid(d, v))
		return NULL;
	int start = d->tok[v].start, end = d->tok[v].end;
	if (d->tok[v].type == JSON_STRING) { /* include the quotes */
		start--;
		end++;
	}
	char *o = xmalloc((size_t)(end - start) + 1), *p = o;
	bool instr = false;
	for (int i = start; i < end; i++) {
		char c = d->text[i];
		if (instr) {
			*p++ = c;
			if (c == '\\')
				*p++ = d->text[++i];
			else if (c == '"')
				instr = false;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '"')
			instr = true;
		*p++ = c;
	}
	*p = 0;
	return o;
}
