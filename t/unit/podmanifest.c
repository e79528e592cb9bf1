/* Pod manifest: parse, validate (every error listed), write, build, round trip. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "podmanifest.h"
#include "tap.h"
#include "xalloc.h"

static char *fixture_dir(const char *sub);

#define ID_A                                                                                       \
	"sha512-8d3fffddf79e9a232ffd19f9ccaa4d6b37a6a243dbe0f23137b108a043d9da13121a9b505c804956"  \
	"b22e93c7f93969f4a7ba8ddea45bf4aab0bebc8f814e0990"

static char *errors_of(const char *s, struct pod_manifest **keep)
{
	struct pod_manifest *p = NULL;
	struct errlist errs = {0};
	int r = pod_manifest_parse(s, strlen(s), &p, &errs);
	struct buf b = {0};
	buf_adds(&b, "");
	for (size_t i = 0; i < errs.n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", errs.items[i]);
	if ((r == 0) != (errs.n == 0) || (r == 0) != (p != NULL))
		buf_adds(&b, "<inconsistent return>");
	errlist_free(&errs);
	if (keep)
		*keep = p;
	else
		pod_manifest_free(p);
	return buf_steal(&b);
}

/* A pod with one app "a" (image ID_A) and FIELDS at the top level. */
static char *with(const char *fields)
{
	return xasprintf("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
			 "\"a\",\"image\":{\"id\":\"" ID_A "\"}}]%s%s}",
			 *fields ? "," : "", fields);
}

/* A pod whose only app has FIELDS added. */
static char *with_app(const char *fields)
{
	return xasprintf("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
			 "\"a\",\"image\":{\"id\":\"" ID_A "\"},%s}],\"volumes\":[{\"name\":\"v\","
			 "\"kind\":\"empty\"}]}",
			 fields);
}

#define expect(s, want, ...)                                                                       \
	do {                                                                                       \
		char *s_ = (s);                                                                    \
		char *got_ = errors_of(s_, NULL);                                                  \
		is_str(got_, want, __VA_ARGS__);                                                   \
		free(got_);                                                                        \
		free(s_);                                                                          \
	} while (0)

static void test_top(void)
{
	expect(with(""), "", "minimal pod");
	expect(xstrdup("{}"), "acKind: required\nacVersion: required\napps: required",
	       "required top-level fields");
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"ImageManifest\",\"apps\":[]}"),
	       "acKind: \"ImageManifest\" is not \"PodManifest\"", "wrong kind");
	expect(xstrdup("{\"acVersion\":\"01.0.0\",\"acKind\":\"PodManifest\",\"apps\":[]}"),
	       "acVersion: \"01.0.0\" is not a semantic version", "leading zero in version");
	expect(xstrdup("{\"acVersion\":\"1.0.0\",\"acKind\":\"PodManifest\",\"apps\":{}}"),
	       "apps: must be an array, not object", "apps must be a list");
	expect(with("\"future\":1"), "", "unknown fields ignored");
}

static void test_apps(void)
{
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
		       "\"a\",\"image\":{\"id\":\"" ID_A
		       "\"}},{\"name\":\"a\",\"image\":{\"id\":\"" ID_A "\"}}]}"),
	       "apps[1].name: duplicate app \"a\"", "duplicate app names");
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
		       "\"A_b\",\"image\":{\"id\":\"" ID_A "\"}}]}"),
	       "apps[0].name: \"A_b\" is not an AC name", "app name must be an AC name");
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
		       "\"a\"}]}"),
	       "apps[0].image: required", "image required");
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
		       "\"a\",\"image\":{\"name\":\"example.com/a\"}}]}"),
	       "apps[0].image.id: required", "image id required");
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
		       "\"a\",\"image\":{\"id\":\"sha512-abc\"}}]}"),
	       "apps[0].image.id: \"sha512-abc\" is not an image ID (sha512- and 128 lowercase hex "
	       "digits)",
	       "short image id refused in a pod manifest");
	expect(xstrdup("{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":"
		       "\"a\",\"image\":{\"id\":\"" ID_A
		       "\",\"name\":\"Bad\",\"labels\":[{\"name\":"
		       "\"os\",\"value\":\"beos\"}]}}]}"),
	       "apps[0].image.name: \"Bad\" is not an AC identifier\napps[0].image.labels: bad os "
	       "\"beos\" (must be one of: darwin freebsd linux)",
	       "image name and labels checked");
	expect(with_app("\"app\":{\"user\":\"0\"}"), "apps[0].app.group: required",
	       "app override validated like an image's app");
	expect(with_app("\"readOnlyRootFS\":1"),
	       "apps[0].readOnlyRootFS: must be a boolean, not number", "readOnlyRootFS boolean");
	expect(with_app("\"mounts\":[{\"volume\":\"v\",\"path\":\"/data\"}]"), "",
	       "mount of an existing volume");
	expect(with_app("\"mounts\":[{\"volume\":\"nope\",\"path\":\"/data\"}]"),
	       "apps[0].mounts[0].volume: no volume named \"nope\"", "mount of a missing volume");
	expect(with_app("\"mounts\":[{\"volume\":\"nope\",\"path\":\"/data\",\"appVolume\":{"
			"\"name\":\"nope\",\"kind\":\"host\",\"source\":\"/srv\"}}]"),
	       "", "appVolume satisfies a mount");
	expect(with_app("\"mounts\":[{\"volume\":\"x\",\"path\":\"/d\",\"appVolume\":{\"name\":"
			"\"x\",\"kind\":\"host\"}}]"),
	       "apps[0].mounts[0].appVolume.source: required for a host volume",
	       "appVolume validated");
	expect(with_app("\"mounts\":[{\"volume\":\"v\"}]"), "apps[0].mounts[0].path: required",
	       "mount path required");
	expect(with_app("\"annotations\":[{\"name\":\"x y\",\"value\":\"1\"}]"),
	       "apps[0].annotations[0].name: \"x y\" is not an AC identifier", "app annotations");
}

static void test_volumes(void)
{
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"host\",\"source\":\"/srv\","
		    "\"readOnly\":true,\"recursive\":false},{\"name\":\"w\",\"kind\":\"empty\","
		    "\"mode\":\"0700\",\"uid\":1000,\"gid\":1000}]"),
	       "", "host and empty volumes");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"host\"}]"),
	       "volumes[0].source: required for a host volume", "host source required");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"host\",\"source\":\"srv\"}]"),
	       "volumes[0].source: \"srv\" is not an absolute path", "host source absolute");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"tmpfs\"}]"),
	       "volumes[0].kind: \"tmpfs\" is not \"host\" or \"empty\"", "unknown kind");
	expect(with("\"volumes\":[{\"name\":\"v\"}]"), "volumes[0].kind: required",
	       "kind required");
	expect(with("\"volumes\":[{\"kind\":\"empty\"}]"), "volumes[0].name: required",
	       "name required");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\",\"mode\":\"rwx\"}]"),
	       "volumes[0].mode: \"rwx\" is not an octal mode such as \"0755\"", "mode octal");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\",\"mode\":\"0789\"}]"),
	       "volumes[0].mode: \"0789\" is not an octal mode such as \"0755\"",
	       "mode digits octal");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\",\"mode\":0755}]"),
	       "invalid JSON: line 1, column 267: invalid number",
	       "a leading-zero number is not JSON");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\",\"mode\":755}]"),
	       "volumes[0].mode: must be a string, not number", "mode must be a string");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\",\"uid\":-1}]"),
	       "volumes[0].uid: -1 is not an integer in 0..4294967294", "negative uid");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\"},{\"name\":\"v\",\"kind\":"
		    "\"empty\"}]"),
	       "volumes[1].name: duplicate volume \"v\"", "duplicate volumes");
	expect(with("\"volumes\":[{\"name\":\"V\",\"kind\":\"empty\"}]"),
	       "volumes[0].name: \"V\" is not an AC name", "volume name AC name");
	expect(with("\"volumes\":[{\"name\":\"v\",\"kind\":\"empty\",\"recursive\":\"yes\"}]"),
	       "volumes[0].recursive: must be a boolean, not string", "recursive boolean");

	struct pod_manifest *p = NULL;
	char *s = with("\"volumes\":[{\"name\":\"a\",\"kind\":\"host\",\"source\":\"/x\"},{"
		       "\"name\":\"b\",\"kind\":\"host\",\"source\":\"/x\",\"recursive\":true},{"
		       "\"name\":\"c\",\"kind\":\"host\",\"source\":\"/x\",\"recursive\":false}]");
	char *e = errors_of(s, &p);
	is_str(e, "", "recursive variants parse");
	if (p) {
		is_int(p->volumes[0].recursive, TRI_UNSET, "recursive unset");
		is_int(p->volumes[1].recursive, TRI_TRUE, "recursive true");
		is_int(p->volumes[2].recursive, TRI_FALSE, "recursive false");
		char *j = pod_manifest_to_json(p, 0);
		ok(strstr(j, "{\"name\":\"a\",\"kind\":\"host\",\"source\":\"/x\"}") &&
		       strstr(j, "\"recursive\":true") && strstr(j, "\"recursive\":false"),
		   "recursive written only when set");
		free(j);
	}
	pod_manifest_free(p);
	free(e);
	free(s);
}

static void test_ports_isolators(void)
{
	expect(with("\"ports\":[{\"name\":\"http\",\"hostPort\":8080,\"hostIP\":\"127.0.0.1\"}]"),
	       "", "port");
	expect(with("\"ports\":[{\"name\":\"http\"}]"), "ports[0].hostPort: required",
	       "hostPort required");
	expect(with("\"ports\":[{\"name\":\"http\",\"hostPort\":70000}]"),
	       "ports[0].hostPort: 70000 is not an integer in 1..65535", "hostPort range");
	expect(with("\"ports\":[{\"name\":\"http\",\"hostPort\":80,\"hostIP\":\"256.0.0.1\"}]"),
	       "ports[0].hostIP: \"256.0.0.1\" is not a dotted-quad IPv4 address",
	       "hostIP octet range");
	expect(with("\"ports\":[{\"name\":\"http\",\"hostPort\":80,\"hostIP\":\"::1\"}]"),
	       "ports[0].hostIP: \"::1\" is not a dotted-quad IPv4 address", "hostIP IPv4 only");
	expect(
	    with("\"ports\":[{\"name\":\"a\",\"hostPort\":80},{\"name\":\"a\",\"hostPort\":81}]"),
	    "ports[1].name: duplicate port \"a\"", "duplicate port names");
	expect(with("\"ports\":[{\"name\":\"a\",\"hostPort\":80,\"podPort\":{\"name\":\"a\","
		    "\"protocol\":\"tcp\",\"port\":8080}}]"),
	       "", "podPort");
	expect(with("\"ports\":[{\"name\":\"a\",\"hostPort\":80,\"podPort\":{\"name\":\"a\","
		    "\"port\":8080}}]"),
	       "ports[0].podPort.protocol: required", "podPort validated");
	expect(with("\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"4G\"}},{"
		    "\"name\":\"os/unix/sysctl\",\"value\":{\"net.ipv4.tcp_fin_timeout\":\"6\"}}]"),
	       "", "pod isolators");
	expect(with("\"isolators\":[{\"name\":\"resource/memory\",\"value\":{\"limit\":\"4Q\"}}]"),
	       "isolators[0].value.limit: \"4Q\" is not a valid resource quantity",
	       "pod isolator values checked");
	expect(with("\"annotations\":[{\"name\":\"ip-address\",\"value\":\"10.1.2.3\"},{\"name\":"
		    "\"coreos.com/rkt/stage1/mutable\",\"value\":\"false\"}]"),
	       "", "pod annotations (AC identifiers, as rkt writes them)");
	expect(with("\"userAnnotations\":{\"a\":\"b\"},\"userLabels\":{\"c\":\"d\"}"), "",
	       "user annotations and labels");
	expect(with("\"userAnnotations\":[]"), "userAnnotations: must be an object, not array",
	       "userAnnotations is a map");
}

static void roundtrip(const struct pod_manifest *p, const char *what)
{
	for (int pretty = 0; pretty < 2; pretty++) {
		char *j = pod_manifest_to_json(p, pretty);
		struct pod_manifest *q = NULL;
		char *e = errors_of(j, &q);
		is_str(e, "", "%s: output parses (%s)", what, pretty ? "pretty" : "compact");
		ok(q && pod_manifest_eq(p, q), "%s: round trip equal", what);
		char *j2 = q ? pod_manifest_to_json(q, pretty) : NULL;
		is_str(j2, j, "%s: output stable", what);
		free(j);
		free(j2);
		free(e);
		pod_manifest_free(q);
	}
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

static void test_examples(void)
{
	char *ex = read_example("pod_runtime.json");
	ok(ex != NULL, "pod_runtime.json readable");
	struct pod_manifest *p = NULL;
	char *e = ex ? errors_of(ex, &p) : xstrdup("?");
	is_str(e, "", "spec example pod_runtime.json is valid (its image IDs are real)");
	if (p) {
		is_int(p->n_apps, 3, "three apps");
		is_str(p->apps[1].image.name, "example.com/worker-backup", "image name");
		is_str(kvlist_get(&p->apps[1].image.labels, "version"), "latest", "image label");
		ok(p->apps[0].app && !p->apps[1].app, "app override only where given");
		is_int(p->apps[1].n_mounts, 2, "two mounts");
		is_int(p->volumes[0].kind, VOLUME_HOST, "host volume");
		ok(p->volumes[0].read_only, "readOnly");
		is_str(p->volumes[1].mode, "0777", "empty volume mode");
		is_int(p->isolators[1].kind, ISO_SYSCTL, "sysctl isolator");
		is_str(kvlist_get(&p->isolators[1].sysctl, "net.ipv4.tcp_fin_timeout"), "6",
		       "sysctl value");
		ok(pod_manifest_app(p, "register") == &p->apps[2], "app lookup");
		ok(pod_manifest_volume(p, "buildoutput") == &p->volumes[1], "volume lookup");
		roundtrip(p, "pod_runtime.json");
	}
	pod_manifest_free(p);
	free(e);
	free(ex);

	/* The template leaves two image IDs for a resolver to fill in: a
	 * reified pod manifest needs them. */
	ex = read_example("pod_template.json");
	e = ex ? errors_of(ex, NULL) : xstrdup("?");
	is_str(e, "apps[1].image.id: required\napps[2].image.id: required",
	       "spec example pod_template.json: the unresolved image IDs are reported");
	free(e);
	free(ex);
}

static void test_build(void)
{
	struct pod_manifest *p = pod_manifest_new();
	struct app app = {0};
	app.user = "0";
	app.group = "0";
	struct pod_app *a = pod_manifest_add_app(p, "web", ID_A, &app);
	a->image.name = xstrdup("example.com/web");
	kvlist_add(&a->image.labels, "version", "1.0");
	pod_app_add_mount(a, "data", "/var/data", NULL);
	struct volume av = {.name = "cache", .kind = VOLUME_EMPTY, .mode = "0700"};
	pod_app_add_mount(a, "cache", "/cache", &av);
	struct volume *v = pod_manifest_add_volume(p, "data", VOLUME_HOST, "/srv/data");
	v->read_only = true;
	v->recursive = TRI_FALSE;
	pod_manifest_add_port(p, "http", 8080, "127.0.0.1");
	pod_manifest_add_annotation(p, "coreos.com/rkt/stage1/mutable", "false");
	pod_manifest_add_annotation(p, "coreos.com/rkt/stage1/mutable", "true");
	is_int(p->annotations.n, 1, "annotation set replaces");
	struct isolator iso;
	struct errlist errs = {0};
	is_int(isolator_make("resource/memory", "{\"limit\":\"1Gi\"}", &iso, &errs), 0,
	       "isolator_make");
	pod_manifest_add_isolator(p, &iso);
	isolator_free(&iso);
	is_int(pod_manifest_validate(p, &errs), 0, "built pod validates");
	for (size_t i = 0; i < errs.n; i++)
		printf("#   %s\n", errs.items[i]);
	roundtrip(p, "built pod");
	char *j = pod_manifest_to_json(p, 0);
	is_str(j,
	       "{\"acVersion\":\"0.8.11\",\"acKind\":\"PodManifest\",\"apps\":[{\"name\":\"web\","
	       "\"image\":{\"name\":\"example.com/web\",\"id\":\"" ID_A "\",\"labels\":[{\"name\":"
	       "\"version\",\"value\":\"1.0\"}]},\"app\":{\"user\":\"0\",\"group\":\"0\"},"
	       "\"mounts\":[{\"volume\":\"data\",\"path\":\"/var/data\"},{\"volume\":\"cache\","
	       "\"path\":\"/cache\",\"appVolume\":{\"name\":\"cache\",\"kind\":\"empty\",\"mode\":"
	       "\"0700\"}}]}],\"volumes\":[{\"name\":\"data\",\"kind\":\"host\",\"source\":"
	       "\"/srv/data\",\"readOnly\":true,\"recursive\":false}],\"isolators\":[{\"name\":"
	       "\"resource/memory\",\"value\":{\"limit\":\"1Gi\"}}],\"annotations\":[{\"name\":"
	       "\"coreos.com/rkt/stage1/mutable\",\"value\":\"true\"}],\"ports\":[{\"name\":"
	       "\"http\",\"hostPort\":8080,\"hostIP\":\"127.0.0.1\"}]}",
	       "built pod: exact stable JSON in schema order");
	free(j);

	/* faults in a built manifest are all reported */
	pod_manifest_add_app(p, "web", "sha512-zz", NULL);
	pod_manifest_add_volume(p, "bad", VOLUME_HOST, NULL);
	pod_manifest_add_port(p, "http", 0, "1.2.3");
	is_int(pod_manifest_validate(p, &errs), -1, "faulty built pod refused");
	struct buf b = {0};
	buf_adds(&b, "");
	for (size_t i = 0; i < errs.n; i++)
		buf_printf(&b, "%s\n", errs.items[i]);
	is_str(b.data,
	       "ports[1].hostPort: 0 is not in 1..65535\n"
	       "volumes[1].source: required for a host volume\n"
	       "apps[1].name: duplicate app \"web\"\n"
	       "apps[1].image.id: \"sha512-zz\" is not an image ID (sha512- and 128 lowercase hex "
	       "digits)\n"
	       "ports[1].name: duplicate port \"http\"\n"
	       "ports[1].hostIP: \"1.2.3\" is not a dotted-quad IPv4 address\n",
	       "every fault of a built pod listed");
	buf_free(&b);
	errlist_free(&errs);
	pod_manifest_free(p);
}

#define FIXTURE_ROUNDTRIP(text, what) fixture_roundtrip(text, what)

/* Many volumes and mounts: lookups and duplicate checks stay O(n log n). */
static void test_large(void)
{
	struct pod_manifest *p = pod_manifest_new();
	struct pod_app *a = pod_manifest_add_app(p, "a", ID_A, NULL);
	for (int i = 0; i < 50000; i++) {
		char name[32], path[32];
		snprintf(name, sizeof(name), "v%d", i);
		snprintf(path, sizeof(path), "/m/%d", i);
		pod_manifest_add_volume(p, name, VOLUME_EMPTY, NULL);
		pod_app_add_mount(a, name, path, NULL);
	}
	pod_app_add_mount(a, "missing", "/x", NULL);
	pod_manifest_add_volume(p, "v49999", VOLUME_EMPTY, NULL);
	struct errlist errs = {0};
	clock_t t0 = clock();
	pod_manifest_validate(p, &errs);
	double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	is_int(errs.n, 2, "two faults among 50000 volumes and mounts");
	if (errs.n == 2) {
		is_str(errs.items[0], "volumes[50000].name: duplicate volume \"v49999\"",
		       "duplicate");
		is_str(errs.items[1], "apps[0].mounts[50000].volume: no volume named \"missing\"",
		       "missing volume");
	}
	ok(cpu < 3.0, "validated in %.2f s of CPU (limit 3)", cpu);
	errlist_free(&errs);
	pod_manifest_free(p);
}

/* Random byte changes to a full pod manifest (fixed seed): no crash, the
 * parse contract holds, and whatever parses round-trips. */
static void test_mutations(void)
{
	char *dir = fixture_dir("pod");
	char *path = xasprintf("%s/good-full.json", dir);
	char *text = NULL;
	size_t len = 0;
	struct err e;
	ok(file_read(path, 0, &text, &len, &e) == 0, "read pod good-full.json");
	free(path);
	free(dir);
	if (!text)
		return;
	unsigned seed = 777;
	static const char bytes[] = "{}[]\",:\\0a-.eE \x00\xff\x80tfnu";
	char *buf = xmalloc(len);
	int consistent = 1, parsed = 0;
	for (int round = 0; round < 3000; round++) {
		memcpy(buf, text, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			buf[at] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
		}
		struct pod_manifest *p = NULL;
		struct errlist errs = {0};
		int r = pod_manifest_parse(buf, round % 2 ? len : (seed >> 4) % len, &p, &errs);
		consistent &= (r < 0) == (p == NULL) && (r < 0) == (errs.n > 0);
		if (p) {
			parsed++;
			char *j = pod_manifest_to_json(p, 1);
			struct pod_manifest *q = NULL;
			consistent &= pod_manifest_parse(j, strlen(j), &q, &errs) == 0 &&
				      pod_manifest_eq(p, q);
			pod_manifest_free(q);
			free(j);
		}
		pod_manifest_free(p);
		errlist_free(&errs);
	}
	ok(consistent, "3000 mutated pod manifests (%d valid): contract and round trips hold",
	   parsed);
	free(buf);
	free(text);
}

static void roundtrip(const struct pod_manifest *p, const char *what);
static void fixture_roundtrip(const char *text, const char *what)
{
	struct pod_manifest *p = NULL;
	char *e = errors_of(text, &p);
	is_str(e, "", "fixture %s is valid", what);
	if (p)
		roundtrip(p, what);
	pod_manifest_free(p);
	free(e);
}

/* fixture_dir() and test_fixtures(): see fixtures.h */
#include "fixtures.h"

int main(void)
{
	test_top();
	test_apps();
	test_volumes();
	test_ports_isolators();
	test_examples();
	test_build();
	test_large();
	test_mutations();
	test_fixtures("pod");
	return done_testing();
}
