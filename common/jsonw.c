/* JSON writer: state is one "first element" flag per nesting level. */
#include "jsonw.h"

#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "json.h"

void jsonw_init(struct jsonw *w, struct buf *b, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->pretty = pretty;
	w->first[0] = true;
}

static void newline(struct jsonw *w)
{
	if (!w->pretty)
		return;
	buf_addc(w->b, '\n');
	for (int i = 0; i < w->depth; i++)
		buf_adds(w->b, "    ");
}

/* Before any value or key: comma and indentation, unless it follows a key. */
static void sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		buf_addc(w->b, ',');
	w->first[w->depth] = false;
	if (w->depth > 0)
		newline(w);
}

static void w_open(struct jsonw *w, char c)
{
	sep(w);
	buf_addc(w->b, c);
	if (w->depth >= JSONW_MAX_DEPTH)
		die("jsonw: nesting too deep");
	w->depth++;
	w->first[w->depth] = true;
}

static void close_(struct jsonw *w, char c)
{
	bool empty = w->first[w->depth];
	w->depth--;
	if (!empty)
		newline(w);
	buf_addc(w->b, c);
}

void jsonw_obj_begin(struct jsonw *w)
{
	w_open(w, '{');
}
void jsonw_obj_end(struct jsonw *w)
{
	close_(w, '}');
}
void jsonw_arr_begin(struct jsonw *w)
{
	w_open(w, '[');
}
void jsonw_arr_end(struct jsonw *w)
{
	close_(w, ']');
}

void json_quote(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	size_t run = 0; /* start of bytes copied as they are */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		default:
			buf_printf(b, "\\u%04x", c);
		}
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

void jsonw_key(struct jsonw *w, const char *key)
{
	sep(w);
	json_quote(w->b, key, strlen(key));
	buf_adds(w->b, w->pretty ? ": " : ":");
	w->after_key = true;
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	sep(w);
	json_quote(w->b, s, n);
}

void jsonw_str(struct jsonw *w, const char *s)
{
	jsonw_strn(w, s, strlen(s));
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	sep(w);
	buf_printf(w->b, "%" PRId64, v);
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
	sep(w);
	buf_printf(w->b, "%" PRIu64, v);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	sep(w);
	buf_adds(w->b, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	sep(w);
	buf_adds(w->b, "null");
}

void jsonw_value(struct jsonw *w, const struct json_doc *d, int v)
{
	const struct json_tok *t = &d->tok[v];
	switch (t->type) {
	case JSON_OBJECT:
		jsonw_obj_begin(w);
		json_for_each(d, v, k)
		{
			/* the key's source text is a valid string body: keep it */
			sep(w);
			buf_addc(w->b, '"');
			buf_add(w->b, d->text + d->tok[k].start,
				(size_t)(d->tok[k].end - d->tok[k].start));
			buf_adds(w->b, w->pretty ? "\": " : "\":");
			w->after_key = true;
			jsonw_value(w, d, json_member_value(k));
		}
		jsonw_obj_end(w);
		break;
	case JSON_ARRAY:
		jsonw_arr_begin(w);
		json_for_each(d, v, it) jsonw_value(w, d, it);
		jsonw_arr_end(w);
		break;
	case JSON_STRING:
		sep(w);
		buf_add(w->b, d->text + t->start - 1, (size_t)(t->end - t->start + 2));
		break;
	default:
		sep(w);
		buf_add(w->b, d->text + t->start, (size_t)(t->end - t->start));
	}
}

void jsonw_raw(struct jsonw *w, const char *json)
{
	struct json_doc d;
	struct err e;
	if (w->pretty && json_parse(&d, json, strlen(json), &e) == 0) {
		jsonw_value(w, &d, 0);
		json_free(&d);
		return;
	}
	sep(w);
	buf_adds(w->b, json);
}

void jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kuint(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw_key(w, key);
	jsonw_uint(w, v);
}

void jsonw_kbool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}
