#include "jsonscan.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int json_parse(struct json *j, const char *s, size_t len, struct err *e)
{
	jsmn_parser p;
	unsigned cap = 64;
	jsmntok_t *tk = NULL;
	memset(j, 0, sizeof *j);
	j->s = s;
	for (;;) {
		tk = xreallocarray(tk, cap, sizeof *tk);
		jsmn_init(&p);
		int n = jsmn_parse(&p, s, len, tk, cap);
		if (n == JSMN_ERROR_NOMEM && cap < (1u << 22)) {
			cap *= 4;
			continue;
		}
		if (n > 0) {
			j->t = xreallocarray(NULL, (size_t)n, sizeof *j->t);
			for (int i = 0; i < n; i++)
				j->t[i] = (struct json_tok){(enum json_type)tk[i].type, tk[i].start,
							    tk[i].end, tk[i].size};
		}
		free(tk);
		if (n <= 0) {
			json_free(j);
			return err_set(e, "%s", n == JSMN_ERROR_PART || n == 0 ? "not valid JSON (truncated)"
							       : "not valid JSON");
		}
		j->n = n;
		/* one value only: what follows the first value must be blank */
		for (size_t k = (size_t)j->t[0].end; k < len; k++)
			if (!s[k] || !strchr(" \t\r\n", s[k])) {
				json_free(j);
				return err_set(e, "not valid JSON (text after the value)");
			}
		if (j->t[0].type != JSON_OBJECT && j->t[0].type != JSON_ARRAY) {
			json_free(j);
			return err_set(e, "not valid JSON (not an object or array)");
		}
		return 0;
	}
}

void json_free(struct json *j)
{
	free(j->t);
	j->t = NULL;
	j->n = 0;
}

int json_skip(const struct json *j, int i)
{
	int todo = 1;
	while (todo > 0 && i < j->n) {
		if (j->t[i].type == JSON_OBJECT)
			todo += 2 * j->t[i].size;
		else if (j->t[i].type == JSON_ARRAY)
			todo += j->t[i].size;
		todo--;
		i++;
	}
	return i;
}

int json_eq(const struct json *j, int i, const char *lit)
{
	size_t l = strlen(lit);
	return j->t[i].type == JSON_STRING && (size_t)(j->t[i].end - j->t[i].start) == l &&
	       !memcmp(j->s + j->t[i].start, lit, l);
}

int json_get(const struct json *j, int obj, const char *key)
{
	if (obj < 0 || obj >= j->n || j->t[obj].type != JSON_OBJECT)
		return -1;
	int n = j->t[obj].size, i = obj + 1, found = -1;
	for (int k = 0; k < n && i < j->n; k++) {
		if (json_eq(j, i, key))
			found = i + 1; /* the last one wins, as in Go's decoder */
		i = json_skip(j, i + 1);
	}
	return found;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (cp >> 18)));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

char *json_str(const struct json *j, int i)
{
	if (i < 0 || i >= j->n)
		return NULL;
	const char *p = j->s + j->t[i].start, *end = j->s + j->t[i].end;
	if (j->t[i].type != JSON_STRING)
		return xstrndup(p, (size_t)(end - p));
	struct buf b = {0};
	buf_grow(&b, (size_t)(end - p));
	buf_add(&b, "", 0);
	while (p < end) {
		if (*p != '\\') {
			buf_addc(&b, *p++);
			continue;
		}
		if (++p >= end)
			break;
		char c = *p++;
		unsigned cp, lo;
		switch (c) {
		case 'n': buf_addc(&b, '\n'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'u':
			if (end - p < 4 || hex4(p, &cp) < 0)
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u' && hex4(p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (cp == 0)
				goto bad;
			put_utf8(&b, cp);
			break;
		default: buf_addc(&b, c); break;
		}
	}
	return buf_steal(&b);
bad:
	buf_free(&b);
	return NULL;
}

char *json_get_str(const struct json *j, int obj, const char *key)
{
	int v = json_get(j, obj, key);
	if (v < 0 || j->t[v].type != JSON_STRING)
		return NULL;
	return json_str(j, v);
}

void json_quote(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\r': buf_adds(b, "\\r"); break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_addc(b, (char)*p);
		}
	}
	buf_addc(b, '"');
}
