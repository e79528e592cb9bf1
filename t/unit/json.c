/* JSON reader (strictness, hostile input, getters) and writer (escaping, layout). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonw.h"
#include "tap.h"
#include "xalloc.h"

static int parses(const char *s)
{
	struct json_doc d;
	struct err e;
	int r = json_parse(&d, s, strlen(s), &e);
	json_free(&d);
	return r == 0;
}

static char *parse_err(const char *s)
{
	struct json_doc d;
	struct err e = {0};
	if (json_parse(&d, s, strlen(s), &e) == 0) {
		json_free(&d);
		return xstrdup("");
	}
	return xstrdup(e.msg);
}

/* s with control and non-ASCII bytes as \xNN, for test titles. */
static const char *show(const char *s)
{
	static char out[256];
	size_t o = 0;
	for (; *s && o < sizeof(out) - 5; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = 0;
	return out;
}

static void test_strict(void)
{
	static const char *good[] = {
	    "{}",
	    "[]",
	    "0",
	    "-0",
	    "1.5e+10",
	    "-12.25E-3",
	    "true",
	    "false",
	    "null",
	    "\"\"",
	    " \t\r\n{\"a\" : [ 1 , 2 ] }\n",
	    "\"\\u00e9\\ud83d\\ude00\"",
	    "\"caf\xc3\xa9\"",
	    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
	    "[[[[]]]]",
	    "{\"a\":{\"b\":{}}}",
	    "1E5",
	    "\"\xf0\x9f\x98\x80\"",
	    "123456789012345678901234567890",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(parses(good[i]), "valid JSON accepted: %s", show(good[i]));
	static const char *bad[] = {
	    "",
	    " ",
	    "{",
	    "}",
	    "[1,]",
	    "[,1]",
	    "{\"a\":1,}",
	    "{\"a\" 1}",
	    "{a:1}",
	    "{\"a\":1 \"b\":2}",
	    "[1 2]",
	    "01",
	    "1.",
	    ".5",
	    "+1",
	    "1e",
	    "1e+",
	    "-",
	    "--1",
	    "0x10",
	    "NaN",
	    "Infinity",
	    "tru",
	    "truex",
	    "nul",
	    "True",
	    "'a'",
	    "\"a",
	    "\"\\x\"",
	    "\"\\u12\"",
	    "\"\\u12g4\"",
	    "\"\t\"",
	    "\"\n\"",
	    "\"\\ud800\"",
	    "\"\\udc00\"",
	    "\"\\ud800\\u0041\"",
	    "\"\xff\"",
	    "\"\xc0\xaf\"",
	    "\"\xed\xa0\x80\"",
	    "\"\xf4\x90\x80\x80\"",
	    "\"\xe2\x82\"",
	    "{} {}",
	    "[] x",
	    "1 2",
	    "{\"a\":1}}",
	    "[\"a\":1]",
	    "{1:2}",
	    "{\"a\"}",
	    "[true false]",
	    "{\"a\":1,\"a\":2}",
	    "/* c */ {}",
	    "{} // c",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!parses(bad[i]), "invalid JSON refused: %s", show(bad[i]));
	/* an embedded NUL byte in the text */
	struct json_doc d;
	struct err e;
	ok(json_parse(&d, "\"a\0b\"", 5, &e) < 0, "raw NUL byte in a string refused");
	ok(json_parse(&d, "{}\0", 3, &e) < 0, "NUL after the value refused");

	char *m = parse_err("{\n  \"a\": 1,\n  \"b\" 2\n}");
	is_str(m, "invalid JSON: line 3, column 7: expected ':'", "error names line and column");
	free(m);
	m = parse_err("{\"a\":1,\"\\u0061\":2}");
	is_str(m, "invalid JSON: line 1, column 1: duplicate key in object",
	       "duplicate keys found after unescaping");
	free(m);
	m = parse_err("[{\"x\":{\"k\":1,\"k\":1}}]");
	is_str(m, "invalid JSON: line 1, column 7: duplicate key in object",
	       "nested duplicate key located");
	free(m);
	ok(parses("{\"a\":1,\"A\":2}"), "keys differing in case are distinct");
}

static void test_hostile(void)
{
	/* nesting */
	char deep[JSON_MAX_DEPTH * 2 + 3];
	for (int depth = JSON_MAX_DEPTH; depth <= JSON_MAX_DEPTH + 1; depth++) {
		memset(deep, '[', (size_t)depth);
		memset(deep + depth, ']', (size_t)depth);
		deep[2 * depth] = 0;
		ok(parses(deep) == (depth <= JSON_MAX_DEPTH), "depth %d %s", depth,
		   depth <= JSON_MAX_DEPTH ? "accepted" : "refused");
	}
	size_t n = 1000000;
	char *huge = xmalloc(n + 1);
	memset(huge, '[', n);
	huge[n] = 0;
	char *m = parse_err(huge);
	ok(strstr(m, "nesting too deep") != NULL, "a million open brackets refused quickly: %s", m);
	free(m);
	memset(huge, '{', n);
	ok(!parses(huge), "a million open braces refused");
	free(huge);

	/* size bound */
	size_t big = JSON_MAX_SIZE + 1;
	char *blob = xmalloc(big);
	memset(blob, ' ', big);
	blob[0] = '0';
	struct json_doc d;
	struct err e;
	ok(json_parse(&d, blob, big, &e) < 0 && strstr(e.msg, "too large"),
	   "oversized text refused");
	free(blob);

	/* many tokens: the token array grows */
	struct buf b = {0};
	buf_addc(&b, '[');
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, "%s{\"k%d\":[%d,true,null]}", i ? "," : "", i, i);
	buf_addc(&b, ']');
	ok(json_parse(&d, b.data, b.len, &e) == 0, "100000-element array parses");
	is_int(json_size(&d, 0), 100000, "all elements counted");
	int last = -1, count = 0;
	json_for_each(&d, 0, it)
	{
		last = it;
		count++;
	}
	is_int(count, 100000, "iteration visits every element");
	int64_t x = 0;
	json_int64(&d, json_first(&d, json_get(&d, last, "k99999")), &x);
	is_int(x, 99999, "last element reachable");
	json_free(&d);
	buf_free(&b);

	/* an object with many keys, one duplicated at the end */
	buf_addc(&b, '{');
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "\"k%d\":0,", i);
	buf_adds(&b, "\"k7\":1}");
	ok(json_parse(&d, b.data, b.len, &e) < 0 && strstr(e.msg, "duplicate"),
	   "duplicate among 20000 keys found");
	buf_free(&b);
}

static void test_getters(void)
{
	const char *text = "{\"s\":\"a\\u00e9\\ud83d\\ude00\\n\",\"nul\":\"a\\u0000b\","
			   "\"i\":-9223372036854775808,\"big\":9223372036854775808,\"f\":1.0,"
			   "\"e\":1e3,\"t\":true,\"n\":null,\"arr\":[1,[2,3],{\"x\":4},5],"
			   "\"Case\":1,\"o\":{ \"a\" : [ 1 , \"b c\" ] }}";
	struct json_doc d;
	struct err e;
	ok(json_parse(&d, text, strlen(text), &e) == 0, "document parses");
	char *s = json_str(&d, json_get(&d, 0, "s"));
	is_str(s, "a\xc3\xa9\xf0\x9f\x98\x80\n", "unescape: BMP, surrogate pair, control");
	free(s);
	ok(json_str(&d, json_get(&d, 0, "nul")) == NULL, "\\u0000 refused by json_str");
	ok(json_str(&d, json_get(&d, 0, "i")) == NULL, "json_str on a number is NULL");
	int64_t v;
	ok(json_int64(&d, json_get(&d, 0, "i"), &v) == 0 && v == INT64_MIN, "INT64_MIN");
	ok(json_int64(&d, json_get(&d, 0, "big"), &v) < 0, "INT64_MAX+1 out of range");
	ok(json_int64(&d, json_get(&d, 0, "f"), &v) < 0, "1.0 is not an integer");
	ok(json_int64(&d, json_get(&d, 0, "e"), &v) < 0, "1e3 is not an integer");
	bool b = false;
	ok(json_bool(&d, json_get(&d, 0, "t"), &b) == 0 && b, "bool true");
	ok(json_bool(&d, json_get(&d, 0, "n"), &b) < 0, "null is not a bool");
	is_int(json_type(&d, json_get(&d, 0, "n")), JSON_NULL, "null type");
	is_int(json_get(&d, 0, "missing"), -1, "missing key is -1");
	is_int(json_type(&d, -1), JSON_NONE, "type of -1");
	is_int(json_get(&d, json_get(&d, 0, "missing"), "x"), -1, "lookups chain through -1");
	ok(json_get(&d, 0, "case") >= 0, "case-insensitive fallback");
	is_int(json_get_exact(&d, 0, "case"), -1, "exact lookup does not fold");
	int arr = json_get(&d, 0, "arr");
	is_int(json_size(&d, arr), 4, "array size");
	int i = 0;
	int64_t want[] = {1, -1, -1, 5};
	json_for_each(&d, arr, it)
	{
		int64_t got = -1;
		json_int64(&d, it, &got);
		is_int(got, want[i], "array element %d skips nested values", i);
		i++;
	}
	int o = json_get(&d, 0, "o");
	char *raw = json_raw(&d, o);
	is_str(raw, "{\"a\":[1,\"b c\"]}", "raw value compacted, string spaces kept");
	free(raw);
	raw = json_raw(&d, json_get(&d, 0, "s"));
	is_str(raw, "\"a\\u00e9\\ud83d\\ude00\\n\"", "raw string keeps escapes and quotes");
	free(raw);
	ok(json_str_eq(&d, json_first(&d, json_get(&d, o, "a")) + 1, "b c"), "json_str_eq");
	int keys = 0;
	json_for_each(&d, 0, k) keys++;
	is_int(keys, json_size(&d, 0), "object iteration visits every member");
	json_free(&d);
	json_free(&d); /* idempotent */
}

static void test_writer(void)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, 0);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "s", "q\"b\\n\n\t\x01\x1f\x7f\xc3\xa9");
	jsonw_kint(&w, "i", INT64_MIN);
	jsonw_kuint(&w, "u", UINT64_MAX);
	jsonw_kbool(&w, "t", true);
	jsonw_key(&w, "n");
	jsonw_null(&w);
	jsonw_key(&w, "a");
	jsonw_arr_begin(&w);
	jsonw_arr_end(&w);
	jsonw_key(&w, "o");
	jsonw_obj_begin(&w);
	jsonw_obj_end(&w);
	jsonw_key(&w, "r");
	jsonw_raw(&w, "{\"x\":[1]}");
	jsonw_key(&w, "z");
	jsonw_arr_begin(&w);
	jsonw_int(&w, 1);
	jsonw_str(&w, "");
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	is_str(
	    b.data,
	    "{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\x7f\xc3\xa9\",\"i\":-9223372036854775808,"
	    "\"u\":18446744073709551615,\"t\":true,\"n\":null,\"a\":[],\"o\":{},\"r\":{\"x\":[1]},"
	    "\"z\":[1,\"\"]}",
	    "compact output with escapes, in written order");
	struct json_doc d;
	struct err e;
	ok(json_parse(&d, b.data, b.len, &e) == 0, "writer output is valid JSON");
	char *s = json_str(&d, json_get(&d, 0, "s"));
	is_str(s, "q\"b\\n\n\t\x01\x1f\x7f\xc3\xa9", "string survives a round trip");
	free(s);
	json_free(&d);
	buf_free(&b);

	jsonw_init(&w, &b, 1);
	jsonw_obj_begin(&w);
	jsonw_key(&w, "a");
	jsonw_arr_begin(&w);
	jsonw_int(&w, 1);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "k", "v");
	jsonw_obj_end(&w);
	jsonw_arr_end(&w);
	jsonw_key(&w, "e");
	jsonw_arr_begin(&w);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	is_str(
	    b.data,
	    "{\n    \"a\": [\n        1,\n        {\n            \"k\": \"v\"\n        }\n    ],\n"
	    "    \"e\": []\n}",
	    "pretty output: 4-space indent, empty containers inline");
	buf_free(&b);
}

static void test_writer_raw(void)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, 1);
	jsonw_obj_begin(&w);
	jsonw_key(&w, "v");
	jsonw_raw(&w, "{\"a\":[1,\"x\\u0041\"],\"b\":{}}");
	jsonw_key(&w, "bad");
	jsonw_raw(&w, "not json");
	jsonw_obj_end(&w);
	is_str(b.data,
	       "{\n    \"v\": {\n        \"a\": [\n            1,\n            \"x\\u0041\"\n      "
	       "  ],\n"
	       "        \"b\": {}\n    },\n    \"bad\": not json\n}",
	       "raw JSON re-indented when pretty, escapes kept; unparsable raw inserted as is");
	buf_free(&b);
	jsonw_init(&w, &b, 0);
	jsonw_arr_begin(&w);
	jsonw_raw(&w, "{\"a\": [1, 2]}");
	jsonw_raw(&w, "true");
	jsonw_arr_end(&w);
	is_str(b.data, "[{\"a\": [1, 2]},true]", "raw JSON inserted as given when compact");
	buf_free(&b);
	jsonw_init(&w, &b, 0);
	jsonw_str(&w, "\b\f\r\x7f");
	is_str(b.data, "\"\\b\\f\\r\x7f\"", "\\b \\f \\r escaped, DEL kept");
	buf_free(&b);
}

int main(void)
{
	test_strict();
	test_hostile();
	test_getters();
	test_writer();
	test_writer_raw();
	return done_testing();
}
