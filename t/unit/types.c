/* appc types: names, versions, IDs, os/arch, quantities, isolators, ports. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"
#include "types.h"
#include "xalloc.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_names(void)
{
	static const char *ident_good[] = {"database",
					   "example.com/database",
					   "example.com/user/app_v1",
					   "sub-domain.example.com/org/product/release",
					   "a",
					   "0",
					   "a.b_c~d/e-f"};
	for (size_t i = 0; i < sizeof(ident_good) / sizeof(ident_good[0]); i++)
		ok(ac_identifier_valid(ident_good[i]), "AC identifier: %s", ident_good[i]);
	/* spec/types.md lists "example.com/~user/app_v1" as an example, but its
	 * own regular expression (and appc's Go code) refuses "/~": the RE wins. */
	static const char *ident_bad[] = {"example.com/~user/app_v1",
					  "",
					  "A",
					  "-a",
					  "a-",
					  "a..b",
					  "a//b",
					  "a b",
					  "é",
					  "/a",
					  "a/",
					  "a_",
					  "_a",
					  "a-_b",
					  "Ex.com",
					  "a:b",
					  "a@b",
					  "a+b"};
	for (size_t i = 0; i < sizeof(ident_bad) / sizeof(ident_bad[0]); i++)
		ok(!ac_identifier_valid(ident_bad[i]), "not an AC identifier: '%s'", ident_bad[i]);
	ok(!ac_identifier_valid(NULL), "NULL is not an AC identifier");

	static const char *name_good[] = {"database", "product-database", "a1-b2-c3", "0"};
	for (size_t i = 0; i < sizeof(name_good) / sizeof(name_good[0]); i++)
		ok(ac_name_valid(name_good[i]), "AC name: %s", name_good[i]);
	static const char *name_bad[] = {"", "a.b", "a/b", "a_b", "A", "-a", "a-", "a--b"};
	for (size_t i = 0; i < sizeof(name_bad) / sizeof(name_bad[0]); i++)
		ok(!ac_name_valid(name_bad[i]), "not an AC name: '%s'", name_bad[i]);

	ok(ac_kind_valid("ImageManifest") && ac_kind_valid("Pod2"), "AC kinds");
	ok(!ac_kind_valid("") && !ac_kind_valid("Image-Manifest") && !ac_kind_valid("a b"),
	   "bad AC kinds");

	ok(env_name_valid("PATH") && env_name_valid("_x") && env_name_valid("a.b-c") &&
	       env_name_valid("A1"),
	   "env names");
	ok(!env_name_valid("") && !env_name_valid("1A") && !env_name_valid("A=B") &&
	       !env_name_valid("A B") && !env_name_valid("A$"),
	   "bad env names");
	ok(abs_path_valid("/") && !abs_path_valid("a/b") && !abs_path_valid(""), "absolute paths");
}

static void test_semver(void)
{
	static const char *good[] = {"0.0.0",
				     "0.8.11",
				     "1.2.3",
				     "10.20.30",
				     "1.0.0-alpha",
				     "1.0.0-alpha.1",
				     "1.0.0-0.3.7",
				     "1.0.0-x.7.z.92",
				     "1.0.0+20130313144700",
				     "1.0.0-beta+exp.sha.5114f85",
				     "1.0.0-alpha-a.b-c",
				     "1.0.0+001"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(semver_valid(good[i]), "semver: %s", good[i]);
	static const char *bad[] = {"",		"1",	      "1.2",	   "1.2.3.4", "01.2.3",
				    "1.02.3",	"1.2.03",     "v1.2.3",	   "1.2.3-",  "1.2.3+",
				    "1.2.3-01", "1.2.3-a..b", "1.2.3-a_b", "1.2.3 ",  "-1.2.3",
				    "1.2.3-é",	"1..3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!semver_valid(bad[i]), "not semver: '%s'", bad[i]);
	is_int(semver_cmp("1.0.0", "2.0.0"), -1, "1.0.0 < 2.0.0");
	is_int(semver_cmp("1.10.0", "1.9.0"), 1, "numeric compare");
	is_int(semver_cmp("1.0.0-alpha", "1.0.0"), -1, "prerelease first");
	is_int(semver_cmp("1.0.0-alpha", "1.0.0-alpha.1"), -1, "shorter prerelease first");
	is_int(semver_cmp("1.0.0-alpha.beta", "1.0.0-beta"), -1, "alphanumeric compare");
	is_int(semver_cmp("1.0.0-2", "1.0.0-11"), -1, "numeric identifiers numerically");
	is_int(semver_cmp("1.0.0-rc.1", "1.0.0-1"), 1, "alphanumeric above numeric");
	is_int(semver_cmp("1.0.0+a", "1.0.0+b"), 0, "build metadata ignored");
}

static void test_ids(void)
{
	const char *full = "sha512-" HEX64 HEX64;
	ok(image_id_valid(full), "full image ID");
	char *s = xstrdup(full);
	s[strlen(s) - 1] = 'A';
	ok(!image_id_valid(s), "uppercase hex refused");
	free(s);
	ok(!image_id_valid("sha512-" HEX64), "short ID is not a full ID");
	ok(!image_id_valid("sha512-" HEX64 HEX64 "0"), "129 digits refused");
	ok(!image_id_valid("sha256-" HEX64 HEX64), "other algorithms refused");
	ok(!image_id_valid(HEX64 HEX64), "bare hex is not a full ID");
	ok(!image_id_valid("sha512-..."), "placeholder refused");
	ok(image_id_prefix_valid("sha512-0") && image_id_prefix_valid("sha512-" HEX64) &&
	       image_id_prefix_valid(full),
	   "ID prefixes");
	ok(!image_id_prefix_valid("sha512-") && !image_id_prefix_valid("sha512-xyz") &&
	       !image_id_prefix_valid("0123abc") &&
	       !image_id_prefix_valid("sha512-" HEX64 HEX64 "0"),
	   "bad ID prefixes");
}

static void test_misc_formats(void)
{
	static const char *ts_good[] = {"2014-10-27T19:32:27.67021798Z",
					"2015-05-18T13:49:28.351729952-04:00",
					"2000-02-29T00:00:00Z", "1999-12-31t23:59:60+14:00"};
	for (size_t i = 0; i < sizeof(ts_good) / sizeof(ts_good[0]); i++)
		ok(rfc3339_valid(ts_good[i]), "RFC 3339: %s", ts_good[i]);
	static const char *ts_bad[] = {"2014-10-27 19:32:27Z",	  "2014-10-27T19:32:27",
				       "2014-13-01T00:00:00Z",	  "1900-02-29T00:00:00Z",
				       "2014-04-31T00:00:00Z",	  "2014-10-27T24:00:00Z",
				       "2014-10-27T19:32:27.Z",	  "2014-10-27",
				       "14-10-27T19:32:27Z",	  "2014-10-27T19:32:27+0400",
				       "2014-10-27T19:32:27Zjunk"};
	for (size_t i = 0; i < sizeof(ts_bad) / sizeof(ts_bad[0]); i++)
		ok(!rfc3339_valid(ts_bad[i]), "not RFC 3339: %s", ts_bad[i]);
	ok(http_url_valid("https://example.com") && http_url_valid("http://a/b?c#d"), "http URLs");
	ok(!http_url_valid("ftp://x") && !http_url_valid("https://") &&
	       !http_url_valid("example.com") && !http_url_valid("https://a b"),
	   "bad URLs");
	ok(ipv4_valid("0.0.0.0") && ipv4_valid("255.255.255.255") && ipv4_valid("203.0.113.23"),
	   "IPv4");
	ok(!ipv4_valid("256.1.1.1") && !ipv4_valid("1.2.3") && !ipv4_valid("1.2.3.4.5") &&
	       !ipv4_valid("01.2.3.4") && !ipv4_valid("1.2.3.") && !ipv4_valid("::1") &&
	       !ipv4_valid("1.2.3.4 "),
	   "bad IPv4");
}

static void test_os_arch(void)
{
	static const char *pairs[][2] = {
	    {"linux", "amd64"},	     {"linux", "i386"},	   {"linux", "aarch64"},
	    {"linux", "aarch64_be"}, {"linux", "armv6l"},  {"linux", "armv7l"},
	    {"linux", "armv7b"},     {"linux", "ppc64"},   {"linux", "ppc64le"},
	    {"linux", "s390x"},	     {"freebsd", "amd64"}, {"freebsd", "i386"},
	    {"freebsd", "arm"},	     {"darwin", "x86_64"}, {"darwin", "i386"},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		ok(os_arch_valid(pairs[i][0], pairs[i][1]), "os/arch %s/%s", pairs[i][0],
		   pairs[i][1]);
	ok(!os_arch_valid("linux", "x86_64") && !os_arch_valid("darwin", "amd64") &&
	       !os_arch_valid("freebsd", "aarch64") && !os_arch_valid("windows", "amd64") &&
	       !os_arch_valid("linux", "") && !os_arch_valid("linux", "amd"),
	   "bad os/arch pairs");
	ok(os_arch_valid("linux", NULL) && !os_arch_valid("Linux", NULL), "os alone");
	is_str(appc_arch_from_machine("x86_64"), "amd64", "x86_64 -> amd64");
	is_str(appc_arch_from_machine("i686"), "i386", "i686 -> i386");
	is_str(appc_arch_from_machine("aarch64"), "aarch64", "aarch64");
	is_str(appc_arch_from_machine("armv7l"), "armv7l", "armv7l");
	ok(appc_arch_from_machine("mips") == NULL, "unknown machine");
	const char *os, *arch;
	ok(host_os_arch(&os, &arch) == 0 && os_arch_valid(os, arch), "host os/arch %s/%s is valid",
	   os, arch ? arch : "?");
}

static void test_quantities(void)
{
	static const struct {
		const char *s;
		long long base, milli;
	} q[] = {
	    {"0", 0, 0},
	    {"1", 1, 1000},
	    {"128974848", 128974848, 128974848000LL},
	    {"125952Ki", 128974848, 128974848000LL},
	    {"123Mi", 128974848, 128974848000LL},
	    {"1G", 1000000000, 1000000000000LL},
	    {"1K", 1000, 1000000},
	    {"1k", 1000, 1000000},
	    {"2M", 2000000, 2000000000},
	    {"1T", 1000000000000LL, 1000000000000000LL},
	    {"1Gi", 1073741824, 1073741824000LL},
	    {"1.5Gi", 1610612736, 1610612736000LL},
	    {"1Ei", 1152921504606846976LL, -1},
	    {"1E", 1000000000000000000LL, -1},
	    {"8E", 8000000000000000000LL, -1},
	    {"250m", 1, 250},
	    {"300m", 1, 300},
	    {"0.3", 1, 300},
	    {".5", 1, 500},
	    {"1.5", 2, 1500},
	    {"0.0001", 1, 1},
	    {"1e3", 1000, 1000000},
	    {"1500m", 2, 1500},
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		int64_t v = -7;
		ok(quantity_parse(q[i].s, &v) == 0 && v == q[i].base, "quantity %s = %lld", q[i].s,
		   q[i].base);
		int r = quantity_parse_milli(q[i].s, &v);
		if (q[i].milli < 0)
			ok(r < 0, "quantity %s in milli overflows", q[i].s);
		else
			ok(r == 0 && v == q[i].milli, "quantity %s = %lld milli", q[i].s,
			   q[i].milli);
	}
	static const char *bad[] = {"",	   "-1",   "1x",    "1.2.3",
				    "1 G", "G",	   "1g",    "1KI",
				    "1ki", "0x10", "10E",   "9Ei",
				    "1e",  ".",	   "1e999", "99999999999999999999999999999999999"};
	int64_t v;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(quantity_parse(bad[i], &v) < 0, "bad quantity '%s'", bad[i]);
}

/* Parse one isolator from JSON text; return its errors joined by '\n'. */
static char *iso_errors(const char *json, struct isolator *keep)
{
	struct json_doc d;
	struct err e;
	struct errlist errs = {0};
	struct isolator iso;
	struct buf b = {0};
	buf_adds(&b, "");
	if (json_parse(&d, json, strlen(json), &e) < 0) {
		buf_adds(&b, e.msg);
		return buf_steal(&b);
	}
	int r = isolator_parse(&d, 0, "iso", &iso, &errs);
	for (size_t i = 0; i < errs.n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", errs.items[i]);
	if ((r == 0) != (errs.n == 0))
		buf_adds(&b, "<inconsistent>");
	if (keep)
		*keep = iso;
	else
		isolator_free(&iso);
	errlist_free(&errs);
	json_free(&d);
	return buf_steal(&b);
}

#define iso_expect(json, want, ...)                                                                \
	do {                                                                                       \
		char *ie_ = iso_errors(json, NULL);                                                \
		is_str(ie_, want, __VA_ARGS__);                                                    \
		free(ie_);                                                                         \
	} while (0)

static void test_isolators(void)
{
	struct isolator iso;
	char *e = iso_errors("{\"name\":\"resource/cpu\",\"value\":{\"request\":\"250m\",\"limit\":"
			     "\"1\"}}",
			     &iso);
	is_str(e, "", "cpu isolator");
	ok(iso.kind == ISO_CPU && iso.request == 250 && iso.limit == 1000 && iso.has_request,
	   "cpu request/limit in milli-cores");
	is_str(iso.value, "{\"request\":\"250m\",\"limit\":\"1\"}", "raw value");
	isolator_free(&iso);
	free(e);
	e = iso_errors("{\"name\":\"resource/memory\",\"value\":{\"limit\":\"1Gi\"}}", &iso);
	ok(!*e && iso.limit == 1073741824 && !iso.has_request && iso.request == iso.limit,
	   "memory: request defaults to limit");
	isolator_free(&iso);
	free(e);
	iso_expect("{\"name\":\"resource/memory\",\"value\":{\"limit\":1024}}", "",
		   "bare number quantity");
	iso_expect("{\"name\":\"resource/memory\",\"value\":{}}",
		   "iso.value: request or limit required", "memory needs request or limit");
	iso_expect("{\"name\":\"resource/memory\",\"value\":{\"request\":\"2G\",\"limit\":\"1G\"}}",
		   "iso.value.request: greater than the limit", "request above limit");
	iso_expect("{\"name\":\"resource/cpu\",\"value\":{\"limit\":\"-1\"}}",
		   "iso.value.limit: \"-1\" is not a valid resource quantity", "negative quantity");
	iso_expect("{\"name\":\"resource/cpu\",\"value\":{\"limit\":true}}",
		   "iso.value.limit: must be a string, not boolean", "quantity type");
	iso_expect("{\"name\":\"resource/cpu\",\"value\":\"1\"}",
		   "iso.value: must be an object, not string", "resource value must be an object");
	iso_expect("{\"name\":\"resource/block-bandwidth\",\"value\":{\"default\":true,\"limit\":"
		   "\"2M\"}}",
		   "", "block bandwidth");
	iso_expect("{\"name\":\"resource/block-iops\",\"value\":{\"limit\":\"1000\"}}",
		   "iso.value.default: must be true", "block iops needs default");
	iso_expect("{\"name\":\"resource/network-bandwidth\",\"value\":{\"default\":false,"
		   "\"limit\":\"1G\"}}",
		   "iso.value.default: must be true", "network bandwidth default false");
	iso_expect("{\"name\":\"resource/network-bandwidth\",\"value\":{\"default\":true}}",
		   "iso.value.limit: required", "bandwidth limit required");
	e = iso_errors("{\"name\":\"os/linux/capabilities-retain-set\",\"value\":{\"set\":["
		       "\"CAP_NET_ADMIN\",\"CAP_CHECKPOINT_RESTORE\"]}}",
		       &iso);
	ok(!*e && iso.kind == ISO_CAPS_RETAIN && iso.set.n == 2, "capabilities retain set");
	isolator_free(&iso);
	free(e);
	iso_expect("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":[\"CAP_FOO\","
		   "\"net_admin\"]}}",
		   "iso.value.set[0]: \"CAP_FOO\" is not a Linux capability\niso.value.set[1]: "
		   "\"net_admin\" is not a Linux capability",
		   "unknown capabilities");
	iso_expect("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{\"set\":[]}}",
		   "iso.value.set: must not be empty", "empty capability set");
	iso_expect("{\"name\":\"os/linux/capabilities-remove-set\",\"value\":{}}",
		   "iso.value.set: required", "capability set required");
	e = iso_errors("{\"name\":\"os/linux/no-new-privileges\",\"value\":true}", &iso);
	ok(!*e && iso.no_new_privileges, "no-new-privileges true");
	isolator_free(&iso);
	free(e);
	iso_expect("{\"name\":\"os/linux/no-new-privileges\",\"value\":\"true\"}",
		   "iso.value: must be a boolean, not string", "no-new-privileges is a boolean");
	e = iso_errors("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"errno\":\"ENOTSUP\","
		       "\"set\":[\"reboot\",\"@appc.io/empty\"]}}",
		       &iso);
	ok(!*e && iso.kind == ISO_SECCOMP_REMOVE && !strcmp(iso.errno_name, "ENOTSUP") &&
	       iso.set.n == 2,
	   "seccomp remove set with errno");
	isolator_free(&iso);
	free(e);
	iso_expect("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"errno\":\"\",\"set\":["
		   "\"read\"]}}",
		   "", "seccomp empty errno means SIGSYS");
	iso_expect("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"errno\":\"enosys\","
		   "\"set\":[\"read\"]}}",
		   "iso.value.errno: \"enosys\" is not an uppercase errno name", "errno uppercase");
	iso_expect("{\"name\":\"os/linux/seccomp-retain-set\",\"value\":{\"set\":[]}}",
		   "iso.value.set: must not be empty", "seccomp set not empty");
	iso_expect("{\"name\":\"os/linux/seccomp-remove-set\",\"value\":{\"set\":[\"\"]}}",
		   "iso.value.set[0]: empty syscall name", "empty syscall name");
	iso_expect("{\"name\":\"os/unix/sysctl\",\"value\":{\"\":\"1\"}}",
		   "iso.value: empty or invalid sysctl name", "empty sysctl name");
	iso_expect("{\"name\":\"resource/block-iops\",\"value\":{\"default\":\"true\",\"limit\":"
		   "\"1\"}}",
		   "iso.value.default: must be a boolean, not string",
		   "default must be a JSON boolean");
	e = iso_errors("{\"name\":\"resource/cpu\",\"value\":{\"request\":\"100m\"}}", &iso);
	ok(!*e && iso.has_request && !iso.has_limit && iso.request == 100, "cpu request alone");
	isolator_free(&iso);
	free(e);
	iso_expect("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"system_u\","
		   "\"role\":\"system_r\",\"type\":\"dhcpc_t\",\"level\":\"s0\"}}",
		   "", "selinux context");
	iso_expect("{\"name\":\"os/linux/selinux-context\",\"value\":{\"user\":\"u\",\"role\":\"\","
		   "\"type\":\"t\"}}",
		   "iso.value.role: must not be empty\niso.value.level: required",
		   "selinux fields required");
	iso_expect(
	    "{\"name\":\"os/linux/apparmor-profile\",\"value\":{\"profile\":\"rkt-default\"}}", "",
	    "apparmor profile");
	iso_expect("{\"name\":\"os/linux/apparmor-profile\",\"value\":{}}",
		   "iso.value.profile: required", "apparmor profile required");
	iso_expect("{\"name\":\"os/unix/sysctl\",\"value\":{\"net.ipv4.ip_forward\":\"1\"}}", "",
		   "sysctl");
	iso_expect("{\"name\":\"os/unix/sysctl\",\"value\":{\"net.ipv4.ip_forward\":1}}",
		   "iso.value.net.ipv4.ip_forward: must be a string, not number",
		   "sysctl values are strings");
	iso_expect("{\"name\":\"example.com/custom\",\"value\":[1,{\"a\":null}]}", "",
		   "unknown isolator accepted with any value");
	iso_expect("{\"name\":\"Custom Thing\",\"value\":1}",
		   "iso.name: \"Custom Thing\" is not an AC identifier",
		   "isolator name AC identifier");
	iso_expect("{\"name\":\"resource/cpu\"}", "iso.value: required", "isolator value required");
	iso_expect("{\"value\":1}", "iso.name: required", "isolator name required");

	/* rules across a list */
	struct isolator list[3];
	struct errlist errs = {0};
	isolator_make(ISO_NAME_CAPS_RETAIN, "{\"set\":[\"CAP_KILL\"]}", &list[0], &errs);
	isolator_make(ISO_NAME_CAPS_REMOVE, "{\"set\":[\"CAP_KILL\"]}", &list[1], &errs);
	isolator_make(ISO_NAME_CAPS_RETAIN, "{\"set\":[\"CAP_CHOWN\"]}", &list[2], &errs);
	is_int(errs.n, 0, "isolator_make");
	isolators_validate(list, 3, "app.isolators", &errs);
	is_int(errs.n, 2, "two list faults");
	if (errs.n == 2) {
		is_str(errs.items[0],
		       "app.isolators[1]: os/linux/capabilities-remove-set cannot be used together "
		       "with os/linux/capabilities-retain-set",
		       "retain and remove sets exclusive");
		is_str(errs.items[1],
		       "app.isolators[2]: only one os/linux/capabilities-retain-set isolator is "
		       "allowed",
		       "one isolator of a kind");
	}
	errlist_free(&errs);
	for (int i = 0; i < 3; i++)
		isolator_free(&list[i]);
	isolator_make(ISO_NAME_SECCOMP_RETAIN, "{\"set\":[\"read\"]}", &list[0], &errs);
	isolator_make(ISO_NAME_SECCOMP_REMOVE, "{\"set\":[\"reboot\"]}", &list[1], &errs);
	isolators_validate(list, 2, "i", &errs);
	is_int(errs.n, 1, "seccomp retain and remove exclusive");
	errlist_free(&errs);
	isolator_free(&list[0]);
	isolator_free(&list[1]);
	is_int(isolator_make(ISO_NAME_MEMORY, "{\"limit\":\"lots\"}", &list[0], &errs), -1,
	       "isolator_make checks values");
	is_str(errs.n ? errs.items[0] : "",
	       "resource/memory.limit: \"lots\" is not a valid resource quantity",
	       "isolator_make message");
	isolator_free(&list[0]);
	errlist_free(&errs);
	is_int(isolator_make(ISO_NAME_MEMORY, "{\"limit\":", &list[0], &errs), -1,
	       "isolator_make refuses bad JSON");
	isolator_free(&list[0]);
	errlist_free(&errs);
	is_int(capability_from_name("CAP_CHOWN"), 0, "CAP_CHOWN is 0");
	is_int(capability_from_name("CAP_SYS_ADMIN"), 21, "CAP_SYS_ADMIN is 21");
	is_int(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40, "last capability");
	ok(errno_name_valid("EPERM") && errno_name_valid("E2BIG") && !errno_name_valid("E") &&
	       !errno_name_valid("PERM") && !errno_name_valid("Eperm"),
	   "errno names");
}

static void test_labels_kv(void)
{
	struct kvlist l = {0};
	kvlist_add(&l, "a", "1");
	kvlist_add(&l, "b", "2");
	kvlist_set(&l, "a", "3");
	kvlist_set(&l, "c", "4");
	is_str(kvlist_get(&l, "a"), "3", "kvlist_set replaces");
	is_int(l.n, 3, "kvlist_set appends new names");
	struct kvlist c;
	kvlist_copy(&c, &l);
	ok(kvlist_eq(&l, &c), "copy equal");
	is_int(kvlist_del(&c, "b"), 1, "kvlist_del");
	ok(!kvlist_eq(&l, &c) && kvlist_get(&c, "b") == NULL, "deleted");
	struct errlist errs = {0};
	labels_validate(&l, "labels", &errs);
	is_int(errs.n, 0, "good labels");
	kvlist_add(&l, "os", "linux");
	kvlist_add(&l, "arch", "sparc");
	labels_validate(&l, "labels", &errs);
	is_int(errs.n, 1, "bad arch");
	kvlist_free(&l);
	kvlist_free(&c);
	errlist_free(&errs);
	struct strlist s = {0}, s2;
	strlist_add(&s, "x");
	strlist_copy(&s2, &s);
	ok(strlist_eq(&s, &s2) && strlist_has(&s, "x") && !strlist_has(&s, "y"), "strlist");
	strlist_free(&s);
	strlist_free(&s2);
}

static void test_ports(void)
{
	const char *text = "[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80},"
			   "{\"name\":\"r\",\"protocol\":\"udp\",\"port\":1000,\"count\":10,"
			   "\"socketActivated\":true},{\"port\":\"80\"}]";
	struct json_doc d;
	struct err e;
	json_parse(&d, text, strlen(text), &e);
	struct port p;
	struct errlist errs = {0};
	ok(port_parse(&d, json_first(&d, 0), "p", &p, &errs) == 0 && p.count == 1 &&
	       !p.socket_activated,
	   "port with defaults");
	port_free(&p);
	int second = json_next(&d, 0, json_first(&d, 0));
	ok(port_parse(&d, second, "p", &p, &errs) == 0 && p.count == 10 && p.socket_activated,
	   "port range socket-activated");
	struct port c;
	port_copy(&c, &p);
	ok(port_eq(&p, &c), "port copy");
	port_free(&c);
	port_free(&p);
	ok(port_parse(&d, json_next(&d, 0, second), "p", &p, &errs) < 0, "bad port");
	is_int(errs.n, 3, "three faults");
	if (errs.n == 3) {
		is_str(errs.items[0], "p.name: required", "name required");
		is_str(errs.items[1], "p.protocol: required", "protocol required");
		is_str(errs.items[2], "p.port: must be an integer, not string", "port integer");
	}
	port_free(&p);
	errlist_free(&errs);
	json_free(&d);
}

int main(void)
{
	test_names();
	test_semver();
	test_ids();
	test_misc_formats();
	test_os_arch();
	test_quantities();
	test_isolators();
	test_labels_kv();
	test_ports();
	return done_testing();
}
