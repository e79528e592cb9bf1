/* Unit tests of common/cni: --net parsing, net.d loading and overrides,
 * result parsing, ports from a pod manifest.
 *
 * With arguments it is also the driver the shell tests (t7xxx) use to call
 * the library on a namespace they made:
 *   cni.t add POD_DIR UUID NETNS NETS [--ports]   (ports from POD_DIR/pod)
 *   cni.t del POD_DIR UUID
 *   cni.t info POD_DIR                            (name ifname ip gateway)
 *   cni.t list
 * config dirs from RKT_LOCAL_CONFIG / RKT_SYSTEM_CONFIG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni.h"
#include "err.h"
#include "file.h"
#include "opt.h"
#include "tap.h"
#include "xalloc.h"

static char tmpdir[] = "/tmp/cni-unit.XXXXXX";

static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *p = path_join(tmpdir, rel);
	_cleanup_free_ char *d = xstrdup(p);
	*strrchr(d, '/') = '\0';
	struct err e;
	mkdir_p(d, 0755, &e);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static void test_netreqs(void)
{
	struct cni_netreq *r;
	size_t n;
	struct err e = {0};
	ok(cni_parse_netreqs("default", &r, &n, &e) == 0 && n == 1, "one network");
	is_str(r[0].name, "default", "its name");
	ok(r[0].args == NULL, "no args");
	cni_netreqs_free(r, n);
	ok(cni_parse_netreqs("a:IP=10.0.0.2,b", &r, &n, &e) == 0 && n == 2, "two networks");
	is_str(r[0].args, "IP=10.0.0.2", "args of the first");
	is_str(r[1].name, "b", "second name");
	cni_netreqs_free(r, n);
	ok(cni_parse_netreqs("a,a", &r, &n, &e) < 0, "a network twice is refused");
	ok(strstr(e.msg, "twice") != NULL, "message says twice: %s", e.msg);
	ok(cni_parse_netreqs("a:IP", &r, &n, &e) < 0, "args without = are refused");
	ok(cni_parse_netreqs("host", &r, &n, &e) < 0, "host is not a CNI network");
	ok(cni_parse_netreqs("", &r, &n, &e) < 0, "empty is refused");
	ok(cni_parse_netreqs("a/b", &r, &n, &e) < 0, "a slash is refused");
}

static void test_load(void)
{
	char sys[64], loc[64];
	snprintf(sys, sizeof sys, "%s/sys", tmpdir);
	snprintf(loc, sizeof loc, "%s/loc", tmpdir);
	struct cni_ctx c = {.system_config = sys, .local_config = loc};
	struct cni_net net = {0};
	struct err e = {0};
	ok(cni_load(&c, "default", &net, &e) == 0, "built-in default: %s", e.msg);
	is_str(net.type, "ptp", "default is ptp");
	ok(strstr(net.conf, "172.16.28.0/24") && strstr(net.conf, "\"ipMasq\":true"),
	   "default: 172.16.28.0/24 with masquerade");
	ok(net.file == NULL, "built-in has no file");
	cni_net_free(&net);
	ok(cni_load(&c, "default-restricted", &net, &e) == 0, "built-in default-restricted");
	cni_net_free(&net);
	ok(cni_load(&c, "nope", &net, &e) < 0 && strstr(e.msg, "nope"), "unknown network: %s",
	   e.msg);

	put("sys/net.d/10-a.conf", "{\"name\": \"a\", \"type\": \"bridge\"}");
	put("sys/net.d/20-b.conf", "{\"name\": \"b\", \"type\": \"ptp\"}");
	put("loc/net.d/99-a.conf", "{\"name\": \"a\", \"type\": \"macvlan\"}");
	put("loc/net.d/ignored.json", "{");
	ok(cni_load(&c, "a", &net, &e) == 0, "a loads");
	is_str(net.type, "macvlan", "the local conf of a overrides the system one");
	ok(net.file && strstr(net.file, "loc/net.d/99-a.conf"), "file named: %s", net.file);
	cni_net_free(&net);
	ok(cni_load(&c, "b", &net, &e) == 0 && !strcmp(net.type, "ptp"), "b from system");
	cni_net_free(&net);

	struct cni_net *list;
	size_t n;
	ok(cni_list(&c, &list, &n, &e) == 0 && n == 4, "list: 2 built-ins + a + b (%zu)", n);
	cni_nets_free(list, n);

	put("loc/net.d/50-bad.conf", "{\"name\": \"x\", \"type\": ");
	ok(cni_load(&c, "b", &net, &e) < 0, "a bad conf fails the load");
	ok(strstr(e.msg, "loc/net.d/50-bad.conf") && strstr(e.msg, "invalid JSON"),
	   "error names the file: %s", e.msg);
	put("loc/net.d/50-bad.conf", "{\"type\": \"ptp\"}");
	ok(cni_load(&c, "b", &net, &e) < 0 && strstr(e.msg, "50-bad.conf: name: required"),
	   "missing name: %s", e.msg);
	put("loc/net.d/50-bad.conf", "{\"name\": \"y\", \"type\": \"../bin/sh\"}");
	ok(cni_load(&c, "b", &net, &e) < 0 && strstr(e.msg, "type"), "bad type: %s", e.msg);
	put("loc/net.d/50-bad.conf", "{\"name\": \"b\", \"type\": \"ptp\"}");
	put("loc/net.d/51-bad.conf", "{\"name\": \"b\", \"type\": \"ptp\"}");
	ok(cni_load(&c, "b", &net, &e) < 0 && strstr(e.msg, "also defined"),
	   "same name twice in one dir: %s", e.msg);
}

static void test_result(void)
{
	struct cni_netinfo ni;
	struct err e = {0};
	const char *r04 =
		"{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"veth1\",\"mac\":\"aa\"},"
		"{\"name\":\"eth0\",\"mac\":\"bb\",\"sandbox\":\"/run/netns/x\"}],"
		"\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"172.16.28.5/24\","
		"\"gateway\":\"172.16.28.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
		"\"dns\":{\"nameservers\":[\"10.0.0.53\"],\"search\":[\"example.com\"]}}";
	ok(cni_result_parse(r04, strlen(r04), &ni, &e) == 0, "0.4.0 result parses: %s", e.msg);
	is_str(ni.ips[0], "172.16.28.5/24", "pod address");
	ok(ni.ips[1] == NULL, "one address");
	is_str(ni.gateway, "172.16.28.1", "gateway");
	is_str(ni.dns[0], "10.0.0.53", "nameserver");
	is_str(ni.search[0], "example.com", "search");
	cni_netinfo_clear(&ni);
	const char *r02 = "{\"ip4\":{\"ip\":\"10.1.0.3/16\",\"gateway\":\"10.1.0.1\"}}";
	ok(cni_result_parse(r02, strlen(r02), &ni, &e) == 0, "0.2.0 result parses");
	is_str(ni.ips[0], "10.1.0.3/16", "0.2.0 address");
	cni_netinfo_clear(&ni);
	ok(cni_result_parse("{}", 2, &ni, &e) < 0, "no address is an error");
	ok(cni_result_parse("[", 1, &ni, &e) < 0, "bad JSON is an error");
}

static void test_ports(void)
{
	struct err e = {0};
	put("pod1/pod",
	    "{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"apps\":[{\"name\":\"web\","
	    "\"image\":{\"id\":\"sha512-00\"},\"app\":{\"exec\":[\"/bin/httpd\"],\"user\":\"0\","
	    "\"group\":\"0\",\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\",\"port\":80}]}},"
	    "{\"name\":\"db\",\"image\":{\"id\":\"sha512-01\"}}],"
	    "\"ports\":[{\"name\":\"http\",\"hostPort\":8080},{\"name\":\"pg\",\"hostPort\":5433,"
	    "\"hostIP\":\"127.0.0.1\"}]}");
	put("pod1/apps/db/manifest",
	    "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/db\","
	    "\"app\":{\"exec\":[\"/bin/db\"],\"user\":\"0\",\"group\":\"0\",\"ports\":[{\"name\":"
	    "\"pg\",\"protocol\":\"udp\",\"port\":5432}]}}");
	_cleanup_free_ char *pod = path_join(tmpdir, "pod1");
	struct cni_portmap *p;
	size_t n;
	ok(cni_ports_from_pod(pod, &p, &n, &e) == 0 && n == 2, "two ports: %s", e.msg);
	if (n == 2) {
		ok(p[0].host_port == 8080 && p[0].container_port == 80, "http 8080 -> 80");
		is_str(p[0].protocol, "tcp", "http tcp");
		ok(p[1].container_port == 5432, "pg from the image manifest");
		is_str(p[1].protocol, "udp", "pg udp");
		is_str(p[1].host_ip, "127.0.0.1", "pg hostIP");
	}
	cni_ports_free(p, n);
	put("pod1/pod",
	    "{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"apps\":[{\"name\":\"db\","
	    "\"image\":{\"id\":\"sha512-01\"}}],\"ports\":[{\"name\":\"ssh\",\"hostPort\":2222}]}");
	ok(cni_ports_from_pod(pod, &p, &n, &e) < 0, "an undeclared port is an error");
	ok(strstr(e.msg, "port ssh: not declared") != NULL, "message: %s", e.msg);
}

static int driver(int argc, char **argv)
{
	struct rkt_paths rp;
	rkt_paths_default(&rp);
	struct cni_ctx c = {.system_config = rp.system_config, .local_config = rp.local_config};
	struct err e = {0};
	prog_init("cni.t");
	if (!strcmp(argv[1], "list")) {
		struct cni_net *l;
		size_t n;
		if (cni_list(&c, &l, &n, &e) < 0)
			die_err(&e);
		for (size_t i = 0; i < n; i++)
			printf("%s %s %s\n", l[i].name, l[i].type, l[i].file ? l[i].file : "-");
		cni_nets_free(l, n);
		return 0;
	}
	if (argc < 3)
		die("usage: cni.t add|del|info POD ...");
	c.pod_dir = argv[2];
	if (!strcmp(argv[1], "info")) {
		struct cni_netinfo *ni;
		size_t n;
		if (cni_netinfo_read(c.pod_dir, &ni, &n, &e) < 0)
			die_err(&e);
		for (size_t i = 0; i < n; i++)
			printf("%s %s %s %s\n", ni[i].name, ni[i].ifname, ni[i].ips[0],
			       ni[i].gateway ? ni[i].gateway : "-");
		cni_netinfo_free(ni, n);
		return 0;
	}
	if (argc < 4)
		die("usage: cni.t add|del POD UUID ...");
	c.uuid = argv[3];
	if (!strcmp(argv[1], "del")) {
		if (cni_del(&c, &e) < 0)
			die_err(&e);
		return 0;
	}
	if (strcmp(argv[1], "add") || argc < 6)
		die("usage: cni.t add POD UUID NETNS NETS [--ports]");
	struct cni_netreq *r;
	size_t nr;
	struct cni_portmap *p = NULL;
	size_t np = 0;
	if (cni_parse_netreqs(argv[5], &r, &nr, &e) < 0)
		die_err(&e);
	if (argc > 6 && !strcmp(argv[6], "--ports") && cni_ports_from_pod(c.pod_dir, &p, &np, &e) < 0)
		die_err(&e);
	if (cni_add(&c, argv[4], r, nr, p, np, &e) < 0)
		die_err(&e);
	cni_netreqs_free(r, nr);
	cni_ports_free(p, np);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return driver(argc, argv);
	if (!mkdtemp(tmpdir))
		return 1;
	test_netreqs();
	test_load();
	test_result();
	test_ports();
	struct err e;
	rm_tree(tmpdir, &e);
	return done_testing();
}
