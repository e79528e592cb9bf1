/* Image manifest: parse, validate (every error listed), write, round trip. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "json.h"
#include "manifest.h"
#include "tap.h"
#include "xalloc.h"

static char *fixture_dir(const char *sub);

#ifndef SRCDIR
#define SRCDIR "."
#endif

static const char *ID128 = "sha512-"
			   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
			   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/* Parse s; return the errors joined by '\n' ("" when valid). */
static char *errors_of(const char *s, struct image_manifest **keep)
{
	struct image_manifest *m = NULL;
	struct errlist errs = {0};
	int r = image_manifest_parse(s, strlen(s), &m, &errs);
	struct buf b = {0};
	buf_adds(&b, "");
	for (size_t i = 0; i < errs.n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", errs.items[i]);
	if ((r == 0) != (errs.n == 0) || (r == 0) != (m != NULL))
		buf_adds(&b, "<inconsistent return>");
	errlist_free(&errs);
	if (keep)
		*keep = m;
	else
		image_manifest_free(m);
	return buf_steal(&b);
}

/* A minimal valid manifest with FIELDS spliced into the top-level object. */
static char *with(const char *fields)
{
	return xasprintf("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\","
			 "\"name\":\"example.com/app\"%s%s}",
			 *fields ? "," : "", fields);
}

/* A minimal valid manifest whose app has FIELDS added. */
static char *with_app(const char *fields)
{
	char *app =
	    xasprintf("\"app\":{\"user\":\"0\",\"group\":\"0\"%s%s}", *fields ? "," : "", fields);
	char *s = with(app);
	free(app);
	return s;
}

/* Check that manifest text s gives exactly the error list want. */
#define expect(s, want, ...)                                                                       \
	do {                                                                                       \
		char *s_ = (s);                                                                    \
		char *got_ = errors_of(s_, NULL);                                                  \
		is_str(got_, want, __VA_ARGS__);                                                   \
		free(got_);                                                                        \
		free(s_);                                                                          \
	} while (0)

static void test_minimal(void)
{
	struct image_manifest *m;
	char *s = with("");
	char *e = errors_of(s, &m);
	is_str(e, "", "minimal manifest is valid");
	ok(m && !m->app && !m->labels.n, "minimal manifest has no app or labels");
	char *out = image_manifest_to_json(m, 0);
	is_str(
	    out,
	    "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/app\"}",
	    "minimal manifest written compact");
	free(out);
	image_manifest_free(m);
	free(e);
	free(s);
}

static void test_required(void)
{
	expect(xstrdup("{}"), "acKind: required\nacVersion: required\nname: required",
	       "all required top-level fields reported");
	expect(xstrdup("[]"), "manifest: must be a JSON object, not array", "non-object refused");
	expect(xstrdup("{\"acKind\":\"ImageManifest\""),
	       "invalid JSON: line 1, column 26: unexpected end of input", "truncated JSON");
	expect(xstrdup("{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\"}"),
	       "acKind: \"PodManifest\" is not \"ImageManifest\"", "wrong acKind");
	expect(xstrdup("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8\",\"name\":\"a\"}"),
	       "acVersion: \"0.8\" is not a semantic version", "bad acVersion");
	expect(xstrdup("{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"Foo\"}"),
	       "name: \"Foo\" is not an AC identifier", "bad name");
	expect(xstrdup("{\"acKind\":1,\"acVersion\":\"0.8.11\",\"name\":\"a\"}"),
	       "acKind: must be a string, not number", "acKind of wrong type");
	expect(with("\"unknownField\":{\"x\":[1,2]}"), "", "unknown fields ignored");
	expect(with("\"labels\":null"), "", "null counts as absent");
}

static void test_labels(void)
{
	expect(with("\"labels\":[{\"name\":\"version\",\"value\":\"1\"},{\"name\":\"os\",\"value\":"
		    "\"linux\"},{\"name\":\"arch\",\"value\":\"amd64\"}]"),
	       "", "good labels");
	expect(with("\"labels\":[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"b\",\"value\":\"2\"},"
		    "{\"name\":\"Foo\",\"value\":\"3\"}]"),
	       "labels[2].name: \"Foo\" is not an AC identifier",
	       "label name must be AC identifier");
	expect(
	    with("\"labels\":[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"a\",\"value\":\"2\"}]"),
	    "labels[1].name: duplicate label \"a\"", "duplicate labels");
	expect(with("\"labels\":[{\"name\":\"name\",\"value\":\"x\"}]"),
	       "labels[0].name: \"name\" cannot be a label name", "label called name");
	expect(with("\"labels\":[{\"name\":\"os\",\"value\":\"plan9\"}]"),
	       "labels: bad os \"plan9\" (must be one of: darwin freebsd linux)", "unknown os");
	expect(with("\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\","
		    "\"value\":\"x86_64\"}]"),
	       "labels: bad arch \"x86_64\" for linux (must be one of: amd64 i386 aarch64 "
	       "aarch64_be armv6l armv7l armv7b ppc64 ppc64le s390x)",
	       "bad arch for linux");
	expect(with("\"labels\":[{\"name\":\"os\",\"value\":\"darwin\"},{\"name\":\"arch\","
		    "\"value\":\"x86_64\"}]"),
	       "", "darwin/x86_64 is fine");
	expect(with("\"labels\":[{\"name\":\"arch\",\"value\":\"whatever\"}]"), "",
	       "arch without os is not checked");
	expect(with("\"labels\":[{\"value\":\"1\"}]"), "labels[0].name: required",
	       "label without name");
	expect(with("\"labels\":[{\"name\":\"a\"}]"), "labels[0].value: required",
	       "label without value");
	expect(with("\"labels\":{}"), "labels: must be an array, not object", "labels not a list");
	expect(with("\"labels\":[3]"), "labels[0]: must be an object, not number",
	       "label not an object");
}

static void test_app(void)
{
	expect(with("\"app\":{}"), "app.user: required\napp.group: required",
	       "app needs user, group");
	expect(with("\"app\":{\"user\":\"\",\"group\":\"0\"}"), "app.user: required",
	       "empty user refused");
	expect(with("\"app\":[]"), "app: must be an object, not array", "app not an object");
	expect(with_app("\"exec\":[\"/bin/sh\",\"-c\",\"true\"]"), "", "exec list");
	expect(with_app("\"exec\":\"/bin/sh\""), "app.exec: must be an array, not string",
	       "exec must be a list");
	expect(with_app("\"exec\":[\"/bin/sh\",1]"), "app.exec[1]: must be a string, not number",
	       "exec elements strings");
	expect(with_app("\"supplementaryGIDs\":[1,2,3]"), "", "supplementary gids");
	expect(with_app("\"supplementaryGIDs\":[-1]"),
	       "app.supplementaryGIDs[0]: -1 is not a group ID", "negative gid refused");
	expect(with_app("\"supplementaryGIDs\":[1.5]"),
	       "app.supplementaryGIDs[0]: 1.5 is not a group ID", "fractional gid refused");
	expect(with_app("\"eventHandlers\":[{\"name\":\"pre-start\",\"exec\":[\"/a\"]},"
			"{\"name\":\"post-stop\",\"exec\":[\"/b\"]}]"),
	       "", "event handlers");
	expect(with_app("\"eventHandlers\":[{\"name\":\"pre-start\",\"exec\":[\"/a\"]},"
			"{\"name\":\"pre-start\",\"exec\":[\"/b\"]}]"),
	       "app.eventHandlers[1].name: duplicate handler \"pre-start\"",
	       "duplicate event handler");
	expect(with_app("\"eventHandlers\":[{\"name\":\"on-crash\",\"exec\":[\"/a\"]}]"),
	       "app.eventHandlers[0].name: \"on-crash\" is not pre-start or post-stop",
	       "unknown event handler");
	expect(with_app("\"eventHandlers\":[{\"name\":\"pre-start\"}]"),
	       "app.eventHandlers[0].exec: required", "event handler without exec");
	expect(with_app("\"eventHandlers\":[{\"name\":\"pre-start\",\"exec\":[]}]"),
	       "app.eventHandlers[0].exec: must not be empty", "event handler with empty exec");
	expect(with_app("\"workingDirectory\":\"/opt\""), "", "absolute working directory");
	{
		struct image_manifest *m = NULL;
		char *t = with_app("\"workingDirectory\":\"\"");
		char *e = errors_of(t, &m);
		ok(!*e && m && m->app->working_directory == NULL,
		   "empty workingDirectory means unset, as in appc");
		image_manifest_free(m);
		free(e);
		free(t);
		t = with("\"dependencies\":[{\"imageName\":\"b\",\"imageID\":\"\"}]");
		e = errors_of(t, &m);
		ok(!*e && m && m->dependencies[0].image_id == NULL, "empty imageID means unset");
		image_manifest_free(m);
		free(e);
		free(t);
	}
	expect(with_app("\"workingDirectory\":\"opt\""),
	       "app.workingDirectory: \"opt\" is not an absolute path", "relative working dir");
	expect(with_app("\"environment\":[{\"name\":\"PATH\",\"value\":\"/bin\"},{\"name\":\"a.b-c_"
			"1\",\"value\":\"\"}]"),
	       "", "environment");
	expect(with_app("\"environment\":[{\"name\":\"1X\",\"value\":\"\"}]"),
	       "app.environment[0].name: \"1X\" is not a valid environment variable name",
	       "env name starting with a digit");
	expect(with_app("\"environment\":[{\"name\":\"A=B\",\"value\":\"\"}]"),
	       "app.environment[0].name: \"A=B\" is not a valid environment variable name",
	       "env name with =");
	expect(with_app("\"environment\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"A\","
			"\"value\":\"2\"}]"),
	       "app.environment[1].name: duplicate variable \"A\"", "duplicate env");
	expect(
	    with_app("\"mountPoints\":[{\"name\":\"data\",\"path\":\"/data\",\"readOnly\":true}]"),
	    "", "mount point");
	expect(with_app("\"mountPoints\":[{\"name\":\"Data\",\"path\":\"/data\"}]"),
	       "app.mountPoints[0].name: \"Data\" is not an AC name", "mount point name AC name");
	expect(with_app("\"mountPoints\":[{\"name\":\"data\"}]"),
	       "app.mountPoints[0].path: required", "mount point without path");
	expect(
	    with_app("\"mountPoints\":[{\"name\":\"d\",\"path\":\"/a\"},{\"name\":\"d\",\"path\":"
		     "\"/b\"}]"),
	    "app.mountPoints[1].name: duplicate mount point \"d\"", "duplicate mount points");
	expect(with_app("\"mountPoints\":[{\"name\":\"d\",\"path\":\"/a\",\"readOnly\":\"yes\"}]"),
	       "app.mountPoints[0].readOnly: must be a boolean, not string", "readOnly boolean");
	expect(with_app("\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80}]"), "",
	       "port");
	expect(with_app("\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":0}]"),
	       "app.ports[0].port: 0 is not an integer in 1..65535", "port 0");
	expect(with_app("\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":65536}]"),
	       "app.ports[0].port: 65536 is not an integer in 1..65535", "port 65536");
	expect(with_app("\"ports\":[{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":65000,\"count\":"
			"600}]"),
	       "app.ports[0].count: port range 65000-65599 ends above 65535",
	       "port range overflow");
	expect(with_app("\"ports\":[{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":65000,\"count\":"
			"536}]"),
	       "", "port range ending at 65535");
	expect(with_app("\"ports\":[{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":1,\"count\":0}]"),
	       "app.ports[0].count: 0 is not an integer in 1..65535", "count 0");
	expect(with_app("\"ports\":[{\"name\":\"HTTP\",\"port\":80}]"),
	       "app.ports[0].name: \"HTTP\" is not an AC name\napp.ports[0].protocol: required",
	       "port name and protocol");
	expect(
	    with_app("\"ports\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":1},{\"name\":\"a\","
		     "\"protocol\":\"udp\",\"port\":2}]"),
	    "app.ports[1].name: duplicate port \"a\"", "duplicate port names");
	expect(with_app("\"userAnnotations\":{\"any key\":\"v\"},\"userLabels\":{\"k\":\"v\"}"), "",
	       "user annotations and labels");
	expect(with_app("\"userLabels\":{\"k\":1}"),
	       "app.userLabels.k: must be a string, not number", "user label values are strings");
	expect(with_app("\"supplementaryGids\":[7]"), "",
	       "field names match case-insensitively as in Go (spec example spelling)");
}

static void test_deps_annotations(void)
{
	char *dep = xasprintf("\"dependencies\":[{\"imageName\":\"example.com/base\",\"imageID\":"
			      "\"%s\",\"labels\":[{\"name\":\"os\",\"value\":\"linux\"}],\"size\":"
			      "22017258}]",
			      ID128);
	expect(with(dep), "", "dependency");
	free(dep);
	expect(
	    with("\"dependencies\":[{\"imageID\":\"sha512-...\"}]"),
	    "dependencies[0].imageName: required\ndependencies[0].imageID: \"sha512-...\" is not "
	    "an image ID (sha512- and 128 lowercase hex digits)",
	    "dependency name and id");
	expect(with("\"dependencies\":[{\"imageName\":\"a\",\"size\":-1}]"),
	       "dependencies[0].size: -1 is not an integer in 0..9223372036854775807",
	       "negative size");
	expect(with("\"dependencies\":[{\"imageName\":\"a\",\"labels\":[{\"name\":\"name\","
		    "\"value\":\"b\"}]}]"),
	       "dependencies[0].labels[0].name: \"name\" cannot be a label name",
	       "dependency labels validated");
	expect(with("\"pathWhitelist\":[\"/etc/x\",\"usr\"]"),
	       "pathWhitelist[1]: \"usr\" is not an absolute path", "path whitelist absolute");
	expect(with("\"annotations\":[{\"name\":\"created\",\"value\":\"2014-10-27T19:32:27."
		    "67021798Z\"},{\"name\":\"homepage\",\"value\":\"https://example.com\"}]"),
	       "", "annotations");
	expect(with("\"annotations\":[{\"name\":\"created\",\"value\":\"yesterday\"}]"),
	       "annotations[0].value: \"yesterday\" is not an RFC 3339 timestamp",
	       "created must be RFC 3339");
	expect(with("\"annotations\":[{\"name\":\"homepage\",\"value\":\"ftp://x\"}]"),
	       "annotations[0].value: \"ftp://x\" is not an http or https URL", "homepage URL");
	expect(with("\"annotations\":[{\"name\":\"documentation\",\"value\":\"https://\"}]"),
	       "annotations[0].value: \"https://\" is not an http or https URL",
	       "documentation URL needs a host");
	expect(with("\"annotations\":[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"a\",\"value\":"
		    "\"2\"}]"),
	       "annotations[1].name: duplicate annotation \"a\"", "duplicate annotations");
}

static void test_many_errors(void)
{
	expect(xstrdup("{\"acKind\":\"ImageManifest\",\"acVersion\":\"x\",\"name\":\"A\","
		       "\"labels\":[{\"name\":\"B\",\"value\":\"\"}],\"app\":{\"user\":\"0\"}}"),
	       "app.group: required\nacVersion: \"x\" is not a semantic version\nname: \"A\" is "
	       "not an AC identifier\nlabels[0].name: \"B\" is not an AC identifier",
	       "every problem listed");
}

static void test_roundtrip(const char *text, const char *what)
{
	struct image_manifest *m = NULL, *m2 = NULL, *m3 = NULL;
	struct errlist errs = {0};
	int r = image_manifest_parse(text, strlen(text), &m, &errs);
	ok(r == 0, "%s parses", what);
	for (size_t i = 0; i < errs.n; i++)
		printf("#   %s\n", errs.items[i]);
	if (r)
		return;
	for (int pretty = 0; pretty < 2; pretty++) {
		char *j = image_manifest_to_json(m, pretty);
		r = image_manifest_parse(j, strlen(j), &m2, &errs);
		ok(r == 0 && image_manifest_eq(m, m2), "%s round trips (%s)", what,
		   pretty ? "pretty" : "compact");
		char *j2 = m2 ? image_manifest_to_json(m2, pretty) : NULL;
		is_str(j2, j, "%s: output is stable", what);
		free(j);
		free(j2);
		image_manifest_free(m2);
	}
	/* validate() agrees with parse() on a parsed manifest */
	is_int(image_manifest_validate(m, &errs), 0, "%s: validate agrees", what);
	(void)m3;
	image_manifest_free(m);
	errlist_free(&errs);
}

static char *read_example(const char *name)
{
	char *dir = fixture_dir("spec");
	char *path = xasprintf("%s/%s", dir, name);
	free(dir);
	char *data = NULL;
	size_t len;
	struct err e;
	if (file_read(path, 0, &data, &len, &e) < 0)
		data = NULL;
	free(path);
	return data;
}

static char *replace_all(const char *s, const char *from, const char *to)
{
	struct buf b = {0};
	buf_adds(&b, "");
	for (const char *p; (p = strstr(s, from)); s = p + strlen(from)) {
		buf_add(&b, s, (size_t)(p - s));
		buf_adds(&b, to);
	}
	buf_adds(&b, s);
	return buf_steal(&b);
}

static void test_examples(void)
{
	char *ex = read_example("image.json");
	ok(ex != NULL, "spec example image.json readable");
	if (!ex)
		return;
	/* The example's only fault is its "sha512-..." placeholder; the odd errno
	 * "EACCESS" is an uppercase E-name, as the spec asks. */
	char *got = errors_of(ex, NULL);
	is_str(got,
	       "dependencies[0].imageID: \"sha512-...\" is not an image ID (sha512- and 128 "
	       "lowercase hex digits)",
	       "spec example: only the imageID placeholder is refused");
	free(got);
	char *fixed = replace_all(ex, "sha512-...", ID128);
	struct image_manifest *m = NULL;
	got = errors_of(fixed, &m);
	is_str(got, "", "spec example with a real image ID is valid");
	if (m) {
		is_str(image_manifest_label(m, "version"), "1.0.0", "version label");
		is_str(image_manifest_label(m, "os"), "linux", "os label");
		ok(image_manifest_label(m, "nope") == NULL, "absent label is NULL");
		is_str(image_manifest_annotation(m, "homepage"), "https://example.com",
		       "annotation");
		is_int(m->app->n_isolators, 5, "five isolators");
		is_int(m->app->isolators[0].kind, ISO_CPU, "cpu isolator kind");
		is_int(m->app->isolators[0].limit, 20, "cpu limit 20m in milli-cores");
		is_int(m->app->isolators[1].limit, 1000000000, "memory limit 1G in bytes");
		is_str(m->app->isolators[4].errno_name, "EACCESS", "seccomp errno kept");
		is_str(m->app->isolators[2].value,
		       "{\"set\":[\"CAP_NET_ADMIN\",\"CAP_NET_BIND_SERVICE\"]}",
		       "isolator value kept as compact raw JSON");
		ok(m->app->ports[0].socket_activated && m->app->ports[0].count == 1,
		   "port defaults and socketActivated");
		ok(app_event_handler(m->app, "post-stop") != NULL, "event handler lookup");
		is_str(app_event_handler(m->app, "post-stop")->exec.v[1], "--verbose",
		       "event handler exec");
	}
	image_manifest_free(m);
	test_roundtrip(fixed, "spec example");
	free(got);
	free(fixed);
	free(ex);
}

static void test_build(void)
{
	struct image_manifest m = {0};
	m.ac_kind = xstrdup(AC_KIND_IMAGE);
	m.ac_version = xstrdup(AC_VERSION);
	m.name = xstrdup("example.com/built");
	kvlist_add(&m.labels, "version", "1.0");
	m.app = xcalloc(1, sizeof(*m.app));
	m.app->user = xstrdup("0");
	m.app->group = xstrdup("0");
	strlist_add(&m.app->exec, "/bin/true");
	kvlist_add(&m.app->environment, "X", "a \"quoted\"\nline\t\x01");
	struct errlist errs = {0};
	is_int(image_manifest_validate(&m, &errs), 0, "built manifest validates");
	char *j = image_manifest_to_json(&m, 1);
	struct image_manifest *back = NULL;
	is_int(image_manifest_parse(j, strlen(j), &back, &errs), 0, "built manifest parses back");
	ok(back && image_manifest_eq(&m, back), "built manifest round trips (escapes too)");
	ok(strstr(j, "\\u0001") && strstr(j, "\\\"quoted\\\"") && strstr(j, "\\n"),
	   "control characters and quotes escaped");
	ok(!strncmp(j, "{\n    \"acKind\": \"ImageManifest\",\n", 33), "pretty output indented");
	free(j);
	image_manifest_free(back);
	free(m.app->user);
	m.app->user = xstrdup("");
	kvlist_add(&m.labels, "Bad", "");
	is_int(image_manifest_validate(&m, &errs), -1, "built manifest with faults refused");
	is_int(errs.n, 2, "two faults");
	if (errs.n == 2) {
		is_str(errs.items[0], "app.user: required", "user fault");
		is_str(errs.items[1], "labels[1].name: \"Bad\" is not an AC identifier",
		       "label fault");
	}
	errlist_free(&errs);
	free(m.ac_kind);
	free(m.ac_version);
	free(m.name);
	kvlist_free(&m.labels);
	app_free(m.app);
}

static void test_app_alone(void)
{
	const char *text =
	    "{\"exec\":[\"/bin/x\"],\"user\":\"u\",\"group\":\"g\","
	    "\"supplementaryGIDs\":[5],\"eventHandlers\":[{\"name\":\"pre-start\","
	    "\"exec\":[\"/p\"]}],\"workingDirectory\":\"/w\",\"environment\":[{\"name\":"
	    "\"A\",\"value\":\"b\"}],\"isolators\":[{\"name\":\"resource/cpu\","
	    "\"value\":{\"limit\":\"1\"}}],\"mountPoints\":[{\"name\":\"m\",\"path\":"
	    "\"/m\",\"readOnly\":true}],\"ports\":[{\"name\":\"p\",\"protocol\":\"tcp\","
	    "\"port\":1,\"count\":1,\"socketActivated\":false}],\"userAnnotations\":{"
	    "\"k\":\"v\"},\"userLabels\":{\"l\":\"w\"}}";
	struct json_doc d;
	struct err e;
	struct errlist errs = {0};
	ok(json_parse(&d, text, strlen(text), &e) == 0, "app JSON parses");
	struct app *a = app_parse(&d, 0, "app", &errs);
	ok(a != NULL && errs.n == 0, "app_parse on a bare app object");
	char *j = a ? app_to_json(a, 0) : NULL;
	is_str(j, text, "app_to_json writes every field in schema order");
	struct app *c = app_copy(a);
	ok(c && app_eq(a, c), "app_copy is equal");
	if (c) {
		free(c->user);
		c->user = xstrdup("other");
		ok(!app_eq(a, c), "app_eq sees a changed user");
		is_int(app_validate(c, "x", &errs), 0, "copied app validates");
		kvlist_add(&c->environment, "A", "dup");
		is_int(app_validate(c, "x", &errs), -1, "app_validate finds a duplicate variable");
		is_str(errs.n ? errs.items[errs.n - 1] : "",
		       "x.environment[1].name: duplicate variable \"A\"", "app_validate message");
	}
	errlist_free(&errs);
	ok(app_parse(&d, json_get(&d, 0, "exec"), "app", &errs) == NULL && errs.n == 1,
	   "app_parse refuses a non-object");
	errlist_free(&errs);
	app_free(c);
	app_free(a);
	free(j);
	json_free(&d);
}

/* Hostile sizes: duplicate checks must not be quadratic. 50000 labels and
 * as many environment entries took over ten CPU seconds with pairwise checks. */
static void test_large(void)
{
	struct buf b = {0};
	buf_adds(&b, "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\","
		     "\"labels\":[");
	for (int i = 0; i < 50000; i++)
		buf_printf(&b, "{\"name\":\"l%d\",\"value\":\"\"},", i);
	buf_adds(&b, "{\"name\":\"l7\",\"value\":\"\"}],\"app\":{\"user\":\"0\",\"group\":\"0\","
		     "\"environment\":[");
	for (int i = 0; i < 50000; i++)
		buf_printf(&b, "%s{\"name\":\"E%d\",\"value\":\"\"}", i ? "," : "", i);
	buf_adds(&b, "]}}");
	clock_t t0 = clock();
	char *got = errors_of(b.data, NULL);
	double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	is_str(got, "labels[50000].name: duplicate label \"l7\"",
	       "duplicate found among 50000 labels");
	ok(cpu < 3.0, "50000 labels and variables validated in %.2f s of CPU (limit 3)", cpu);
	free(got);
	buf_free(&b);
}

/* Hostile bytes: every truncation of a full manifest is refused, and random
 * byte changes (fixed seed) never crash and keep parse's contract: an error
 * list exactly when there is no manifest. Run under `make asan` too. */
static void test_mutations(void)
{
	char *dir = fixture_dir("image");
	char *path = xasprintf("%s/good-full.json", dir);
	char *text = NULL;
	size_t len = 0;
	struct err e;
	ok(file_read(path, 0, &text, &len, &e) == 0, "read good-full.json");
	free(path);
	free(dir);
	if (!text)
		return;
	int refused = 0, consistent = 1;
	for (size_t n = 0; n < len - 2; n++) { /* the last bytes are "}\n" */
		struct image_manifest *m = NULL;
		struct errlist errs = {0};
		int r = image_manifest_parse(text, n, &m, &errs);
		refused += r < 0;
		consistent &= (r < 0) == (m == NULL) && (r < 0) == (errs.n > 0);
		image_manifest_free(m);
		errlist_free(&errs);
	}
	is_int(refused, (int)len - 2, "all %zu truncations refused", len - 2);
	unsigned seed = 12345;
	static const char bytes[] = "{}[]\",:\\0a-.eE \x00\xff\x80tfnu";
	char *buf = xmalloc(len);
	for (int round = 0; round < 3000; round++) {
		memcpy(buf, text, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			buf[at] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
		}
		struct image_manifest *m = NULL;
		struct errlist errs = {0};
		int r = image_manifest_parse(buf, len, &m, &errs);
		consistent &= (r < 0) == (m == NULL) && (r < 0) == (errs.n > 0);
		if (m) { /* what parses must also round-trip */
			char *j = image_manifest_to_json(m, 0);
			struct image_manifest *m2 = NULL;
			consistent &= image_manifest_parse(j, strlen(j), &m2, &errs) == 0 &&
				      image_manifest_eq(m, m2);
			image_manifest_free(m2);
			free(j);
		}
		image_manifest_free(m);
		errlist_free(&errs);
	}
	ok(consistent, "3000 mutated manifests: no crash, parse contract and round trips hold");
	free(buf);
	free(text);
}

#define FIXTURE_ROUNDTRIP(text, what) test_roundtrip(text, what)

/* fixture_dir() and test_fixtures(): see fixtures.h */
#include "fixtures.h"

int main(void)
{
	test_minimal();
	test_required();
	test_labels();
	test_app();
	test_deps_annotations();
	test_many_errors();
	test_examples();
	test_build();
	test_app_alone();
	test_large();
	test_mutations();
	test_fixtures("image");
	return done_testing();
}
