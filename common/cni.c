/* Adding a pod to its networks and taking it off again, with POD/net/ as
 * the record that makes the undo possible from the pod directory alone. */
#include "cni.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni_exec.h"
#include "file.h"
#include "json.h"
#include "jsonw.h"
#include "xalloc.h"



/* The config a plugin gets: the network's conf with cniVersion filled in,
 * and prevResult / runtimeConfig set when given (replacing any there). */
static char *conf_for_call(const char *conf, const char *prev_result, const char *runtime,
			   struct err *e)
{
	struct json_doc d = {0};
	if (json_parse(&d, conf, strlen(conf), e) < 0)
		return NULL;
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, 0);
	jsonw_obj_begin(&w);
	bool have_ver = false;
	json_for_each(&d, 0, k)
	{
		_cleanup_free_ char *key = json_str(&d, k);
		if (!key || (prev_result && !strcmp(key, "prevResult")) ||
		    (runtime && !strcmp(key, "runtimeConfig")))
			continue;
		if (!strcmp(key, "cniVersion"))
			have_ver = true;
		_cleanup_free_ char *raw = json_raw(&d, json_member_value(k));
		jsonw_key(&w, key);
		jsonw_raw(&w, raw);
	}
	if (!have_ver)
		jsonw_kstr(&w, "cniVersion", CNI_DEFAULT_VERSION);
	if (runtime) {
		jsonw_key(&w, "runtimeConfig");
		jsonw_raw(&w, runtime);
	}
	if (prev_result) {
		jsonw_key(&w, "prevResult");
		jsonw_raw(&w, prev_result);
	}
	jsonw_obj_end(&w);
	json_free(&d);
	return buf_steal(&b);
}

/* The cniVersion a conf names (or ours). */
static char *conf_version(const char *conf)
{
	struct json_doc d = {0};
	struct err e;
	if (json_parse(&d, conf, strlen(conf), &e) < 0)
		return xstrdup(CNI_DEFAULT_VERSION);
	char *v = json_str(&d, json_get_exact(&d, 0, "cniVersion"));
	json_free(&d);
	return v ? v : xstrdup(CNI_DEFAULT_VERSION);
}

/* The portmap plugin's conf for a network and its runtimeConfig. */
static void portmap_conf(const char *net_name, const char *version, const struct cni_portmap *p,
			 size_t n, char **conf, char **runtime)
{
	struct buf b = {0}, r = {0};
	struct jsonw w;
	jsonw_init(&w, &r, 0);
	jsonw_obj_begin(&w);
	jsonw_key(&w, "portMappings");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		jsonw_obj_begin(&w);
		jsonw_kint(&w, "hostPort", p[i].host_port);
		jsonw_kint(&w, "containerPort", p[i].container_port);
		jsonw_kstr(&w, "protocol", p[i].protocol);
		if (p[i].host_ip)
			jsonw_kstr(&w, "hostIP", p[i].host_ip);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	jsonw_init(&w, &b, 0);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "cniVersion", version);
	jsonw_kstr(&w, "name", net_name);
	jsonw_kstr(&w, "type", "portmap");
	jsonw_key(&w, "capabilities");
	jsonw_obj_begin(&w);
	jsonw_kbool(&w, "portMappings", true);
	jsonw_obj_end(&w);
	/* snat: connections from the host itself (localhost) are forwarded too. */
	jsonw_kbool(&w, "snat", true);
	jsonw_obj_end(&w);
	*conf = buf_steal(&b);
	*runtime = buf_steal(&r);
}

/* POD/net/NN-NAME/env: the call's parameters, KEY=VALUE lines. */
struct netrec {
	char *dir; /* POD/net/NN-NAME */
	char *name, *ifname, *netns, *args;
	char *conf, *portmap, *runtime, *result;
};

static void netrec_free(struct netrec *r)
{
	free(r->dir);
	free(r->name);
	free(r->ifname);
	free(r->netns);
	free(r->args);
	free(r->conf);
	free(r->portmap);
	free(r->runtime);
	free(r->result);
	memset(r, 0, sizeof *r);
}

static int write_file(const char *dir, const char *name, const char *text, struct err *e)
{
	_cleanup_free_ char *p = path_join(dir, name);
	return file_write_atomic(p, text, strlen(text), 0644, e);
}

/* Read dir/name; 0 and *out = NULL when absent. */
static int read_opt(const char *dir, const char *name, char **out, struct err *e)
{
	_cleanup_free_ char *p = path_join(dir, name);
	size_t len;
	*out = NULL;
	if (file_read(p, CNI_MAX_CONF, out, &len, e) < 0) {
		if (e->errnum == ENOENT) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	return 0;
}

static char *env_get(const char *env, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = env; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len > kl && !strncmp(l, key, kl) && l[kl] == '=')
			return xstrndup(l + kl + 1, len - kl - 1);
		l += len + (nl ? 1 : 0);
	}
	return NULL;
}

static int netrec_read(const char *dir, const char *dname, struct netrec *r, struct err *e)
{
	_cleanup_free_ char *env = NULL;
	r->dir = xstrdup(dir);
	const char *dash = strchr(dname, '-');
	r->name = xstrdup(dash ? dash + 1 : dname);
	if (read_opt(dir, "env", &env, e) < 0 || read_opt(dir, "conf", &r->conf, e) < 0 ||
	    read_opt(dir, "portmap", &r->portmap, e) < 0 ||
	    read_opt(dir, "runtime", &r->runtime, e) < 0 || read_opt(dir, "result", &r->result, e) < 0)
		return -1;
	r->ifname = env_get(env, "CNI_IFNAME");
	r->netns = env_get(env, "CNI_NETNS");
	r->args = env_get(env, "CNI_ARGS");
	if (!r->ifname || !r->conf)
		return err_set(e, "%s: incomplete network record (env or conf missing)", dir);
	return 0;
}

static int cmp_rev(const void *a, const void *b)
{
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_fwd(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NN-NAME entries of POD/net, sorted (newest first if rev). */
static int net_dirs(const char *netdir, bool rev, char ***out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(netdir);
	if (!d)
		return errno == ENOENT ? 0 : err_sys(e, "%s", netdir);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || !strchr(de->d_name, '-'))
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	xqsort(*out, *n, sizeof **out, rev ? cmp_rev : cmp_fwd);
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int call(const struct cni_ctx *c, const struct netrec *r, const char *type,
		const char *command, const char *netns, const char *conf, char **out,
		struct err *e)
{
	struct cni_call k = {
		.net_name = r->name,
		.type = type,
		.command = command,
		.container_id = c->uuid,
		.netns = netns,
		.ifname = r->ifname,
		.args = r->args,
		.cni_path = cni_exec_path(c),
		.timeout_ms = c->timeout_ms,
	};
	return cni_exec(&k, conf, out, e);
}

/* DEL one network: portmap first (it was chained last), then the plugin. */
static int del_one(const struct cni_ctx *c, struct netrec *r, struct err *e)
{
	/* A netns already gone (the pod's processes died and nothing pinned
	 * it): plugins are told there is none and release what they hold on
	 * the host side. */
	const char *netns = r->netns;
	struct stat st;
	/* The pod dir may have moved since the ADD (pod-gc renames it to
	 * exited-garbage first): its pinned netns moved with it, so use the
	 * pin at the pod's current path when there is one. */
	_cleanup_free_ char *pinned = path_join(c->pod_dir, "net/netns");
	if (netns && *netns && stat(pinned, &st) == 0 && !S_ISDIR(st.st_mode))
		netns = pinned;
	if (netns && *netns && stat(netns, &st) < 0)
		netns = "";
	int rc = 0;
	char *out = NULL;
	if (r->portmap) {
		_cleanup_free_ char *conf = conf_for_call(r->portmap, r->result, r->runtime, e);
		if (!conf || call(c, r, "portmap", "DEL", netns, conf, &out, e) < 0)
			rc = -1;
		free(out);
		out = NULL;
	}
	struct err e2 = {0};
	_cleanup_free_ char *type = NULL;
	struct json_doc d = {0};
	if (json_parse(&d, r->conf, strlen(r->conf), &e2) == 0) {
		type = json_str(&d, json_get_exact(&d, 0, "type"));
		json_free(&d);
	}
	if (!type)
		return err_set(e, "%s/conf: no plugin type", r->dir);
	_cleanup_free_ char *conf = conf_for_call(r->conf, r->result, NULL, &e2);
	if (!conf || call(c, r, type, "DEL", netns, conf, &out, &e2) < 0) {
		if (rc == 0)
			*e = e2;
		rc = -1;
	}
	free(out);
	return rc;
}

/* Unmount and remove a netns pinned at POD/net/netns. */
static int netns_unpin(const char *netdir, struct err *e)
{
	_cleanup_free_ char *p = path_join(netdir, "netns");
	if (umount2(p, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return err_sys(e, "unmount %s", p);
	if (unlink(p) < 0 && errno != ENOENT)
		return err_sys(e, "remove %s", p);
	return 0;
}

int cni_del(const struct cni_ctx *c, struct err *e)
{
	_cleanup_free_ char *netdir = path_join(c->pod_dir, "net");
	char **dirs;
	size_t n;
	if (net_dirs(netdir, true, &dirs, &n, e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = path_join(netdir, dirs[i]);
		struct netrec r = {0};
		struct err e1 = {0};
		int r1 = netrec_read(dir, dirs[i], &r, &e1);
		if (r1 == 0)
			r1 = del_one(c, &r, &e1);
		/* Only a network fully undone loses its record: a later call
		 * (pod-gc) tries the rest again. */
		if (r1 == 0)
			r1 = rm_tree(dir, &e1);
		if (r1 < 0 && rc == 0) {
			*e = e1;
			rc = -1;
		}
		netrec_free(&r);
	}
	strv_free(dirs, n);
	if (rc == 0 && netns_unpin(netdir, e) < 0)
		rc = -1;
	if (rc == 0 && rm_tree(netdir, e) < 0)
		rc = -1;
	return rc;
}

static int add_one(const struct cni_ctx *c, const char *netns_path, size_t idx,
		   const struct cni_netreq *req, const struct cni_portmap *ports, size_t nports,
		   struct err *e)
{
	struct cni_net net = {0};
	if (cni_load(c, req->name, &net, e) < 0)
		return -1;
	_cleanup_free_ char *netdir = path_join(c->pod_dir, "net");
	_cleanup_free_ char *dname = xasprintf("%02zu-%s", idx, net.name);
	struct netrec r = {
		.dir = path_join(netdir, dname),
		.name = xstrdup(net.name),
		.ifname = xasprintf("eth%zu", idx),
		.netns = xstrdup(netns_path),
		.args = req->args ? xstrdup(req->args) : NULL,
		.conf = conf_for_call(net.conf, NULL, NULL, e),
	};
	int rc = -1;
	char *res1 = NULL, *res2 = NULL;
	/* before any goto out: the cleanup frees it there */
	_cleanup_free_ char *env = xasprintf("CNI_IFNAME=%s\nCNI_NETNS=%s\nCNI_ARGS=%s\n",
					     r.ifname, r.netns, r.args ? r.args : "");
	if (!r.conf)
		goto out;
	if (nports) {
		_cleanup_free_ char *ver = conf_version(r.conf);
		portmap_conf(net.name, ver, ports, nports, &r.portmap, &r.runtime);
	}
	/* The record first, so a crash during ADD still leaves a DEL to run. */
	if (mkdir(r.dir, 0755) < 0 && errno != EEXIST) {
		err_sys(e, "%s", r.dir);
		goto out;
	}
	if (write_file(r.dir, "conf", r.conf, e) < 0 ||
	    (r.portmap && (write_file(r.dir, "portmap", r.portmap, e) < 0 ||
			   write_file(r.dir, "runtime", r.runtime, e) < 0)) ||
	    write_file(r.dir, "env", env, e) < 0)
		goto out;
	if (call(c, &r, net.type, "ADD", netns_path, r.conf, &res1, e) < 0)
		goto out;
	struct cni_netinfo ni = {0};
	if (cni_result_parse(res1, strlen(res1), &ni, e) < 0) {
		err_wrap(e, "network %s: plugin %s result", net.name, net.type);
		goto out;
	}
	cni_netinfo_clear(&ni);
	const char *final = res1;
	if (r.portmap) {
		/* Write the first result before chaining, for DEL's prevResult. */
		if (write_file(r.dir, "result", res1, e) < 0)
			goto out;
		_cleanup_free_ char *pconf = conf_for_call(r.portmap, res1, r.runtime, e);
		if (!pconf || call(c, &r, "portmap", "ADD", netns_path, pconf, &res2, e) < 0)
			goto out;
		final = res2;
	}
	if (write_file(r.dir, "result", final, e) < 0)
		goto out;
	rc = 0;
out:
	free(res1);
	free(res2);
	netrec_free(&r);
	cni_net_free(&net);
	return rc;
}

int cni_add(const struct cni_ctx *c, const char *netns_path, const struct cni_netreq *reqs,
	    size_t nreqs, const struct cni_portmap *ports, size_t nports, struct err *e)
{
	_cleanup_free_ char *netdir = path_join(c->pod_dir, "net");
	if (mkdir(netdir, 0755) < 0 && errno != EEXIST)
		return err_sys(e, "%s", netdir);
	/* Check every name before touching anything. */
	for (size_t i = 0; i < nreqs; i++) {
		struct cni_net net = {0};
		if (cni_load(c, reqs[i].name, &net, e) < 0)
			return -1;
		cni_net_free(&net);
	}
	if (nports && !nreqs)
		return err_set(e, "ports need a network to be forwarded on");
	for (size_t i = 0; i < nreqs; i++) {
		if (add_one(c, netns_path, i, &reqs[i], ports, i == 0 ? nports : 0, e) < 0) {
			struct err e2 = {0};
			cni_del(c, &e2); /* undo what was added; the first error is the one */
			return -1;
		}
	}
	return 0;
}

/* ---- network namespaces that outlive their processes ------------------- */

static int pin_at(const char *target, const char *src, struct err *e)
{
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return err_sys(e, "create %s", target);
	close(fd);
	if (mount(src, target, NULL, MS_BIND, NULL) < 0) {
		err_sys(e, "bind %s on %s", src, target);
		unlink(target);
		return -1;
	}
	return 0;
}

int cni_netns_pin(const char *pod_dir, const char *ns_path, char **path_out, struct err *e)
{
	_cleanup_free_ char *netdir = path_join(pod_dir, "net");
	if (mkdir(netdir, 0755) < 0 && errno != EEXIST)
		return err_sys(e, "%s", netdir);
	char *p = path_join(netdir, "netns");
	if (pin_at(p, ns_path, e) < 0) {
		free(p);
		return -1;
	}
	*path_out = p;
	return 0;
}

int cni_netns_new(const char *pod_dir, char **path_out, struct err *e)
{
	_cleanup_free_ char *netdir = path_join(pod_dir, "net");
	if (mkdir(netdir, 0755) < 0 && errno != EEXIST)
		return err_sys(e, "%s", netdir);
	char *p = path_join(netdir, "netns");
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0) {
		err_sys(e, "create %s", p);
		free(p);
		return -1;
	}
	close(fd);
	/* A child enters a new netns and pins it; we stay where we are. */
	pid_t pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (mount("/proc/self/ns/net", p, NULL, MS_BIND, NULL) < 0)
			_exit(2);
		_exit(0);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		err_set(e, "%s: cannot make a network namespace (%s)", p,
			pid < 0                                  ? "fork failed"
			: WIFEXITED(st) && WEXITSTATUS(st) == 1 ? "unshare failed"
								 : "bind mount failed");
		unlink(p);
		free(p);
		return -1;
	}
	*path_out = p;
	return 0;
}

/* ---- results ------------------------------------------------------------ */

static void strv_add(char ***v, char *s)
{
	size_t n = 0;
	while (*v && (*v)[n])
		n++;
	*v = xreallocarray(*v, n + 2, sizeof **v);
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

static void strv_free0(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void cni_netinfo_clear(struct cni_netinfo *x)
{
	free(x->name);
	free(x->ifname);
	strv_free0(x->ips);
	free(x->gateway);
	strv_free0(x->dns);
	strv_free0(x->search);
	strv_free0(x->options);
	free(x->domain);
	memset(x, 0, sizeof *x);
}

void cni_netinfo_free(struct cni_netinfo *ni, size_t n)
{
	if (!ni)
		return;
	for (size_t i = 0; i < n; i++)
		cni_netinfo_clear(&ni[i]);
	free(ni);
}

static void str_array(const struct json_doc *d, int arr, char ***out)
{
	json_for_each(d, arr, v)
	{
		char *s = json_str(d, v);
		if (s)
			strv_add(out, s);
	}
}

int cni_result_parse(const char *json, size_t len, struct cni_netinfo *ni, struct err *e)
{
	struct json_doc d = {0};
	memset(ni, 0, sizeof *ni);
	if (json_parse(&d, json, len, e) < 0)
		return -1;
	if (json_type(&d, 0) != JSON_OBJECT) {
		json_free(&d);
		return err_set(e, "not a JSON object");
	}
	int ips = json_get_exact(&d, 0, "ips");
	int ifs = json_get_exact(&d, 0, "interfaces");
	json_for_each(&d, ips, ip)
	{
		/* Only the pod's side: an interface with a sandbox, when the
		 * result says which interface an address is on. */
		int64_t idx;
		if (json_int64(&d, json_get_exact(&d, ip, "interface"), &idx) == 0) {
			int iface = json_first(&d, ifs);
			for (int64_t i = 0; i < idx && iface >= 0; i++)
				iface = json_next(&d, ifs, iface);
			if (iface >= 0 && json_get_exact(&d, iface, "sandbox") < 0)
				continue;
		}
		char *a = json_str(&d, json_get_exact(&d, ip, "address"));
		if (!a)
			continue;
		strv_add(&ni->ips, a);
		if (!ni->gateway)
			ni->gateway = json_str(&d, json_get_exact(&d, ip, "gateway"));
	}
	/* 0.1.0 / 0.2.0 results. */
	const char *old[] = {"ip4", "ip6"};
	for (int i = 0; i < 2; i++) {
		int o = json_get_exact(&d, 0, old[i]);
		char *a = json_str(&d, json_get_exact(&d, o, "ip"));
		if (!a)
			continue;
		strv_add(&ni->ips, a);
		if (!ni->gateway)
			ni->gateway = json_str(&d, json_get_exact(&d, o, "gateway"));
	}
	int dns = json_get_exact(&d, 0, "dns");
	str_array(&d, json_get_exact(&d, dns, "nameservers"), &ni->dns);
	str_array(&d, json_get_exact(&d, dns, "search"), &ni->search);
	str_array(&d, json_get_exact(&d, dns, "options"), &ni->options);
	ni->domain = json_str(&d, json_get_exact(&d, dns, "domain"));
	json_free(&d);
	if (!ni->ips) {
		cni_netinfo_clear(ni);
		return err_set(e, "no IP address in the result");
	}
	return 0;
}

int cni_netinfo_read(const char *pod_dir, struct cni_netinfo **out, size_t *n, struct err *e)
{
	_cleanup_free_ char *netdir = path_join(pod_dir, "net");
	char **dirs;
	size_t nd;
	*out = NULL;
	*n = 0;
	if (net_dirs(netdir, false, &dirs, &nd, e) < 0)
		return -1;
	struct cni_netinfo *v = NULL;
	size_t cnt = 0;
	int rc = 0;
	for (size_t i = 0; i < nd; i++) {
		_cleanup_free_ char *dir = path_join(netdir, dirs[i]);
		struct netrec r = {0};
		if (netrec_read(dir, dirs[i], &r, e) < 0) {
			netrec_free(&r);
			rc = -1;
			break;
		}
		if (!r.result) { /* ADD did not finish */
			netrec_free(&r);
			continue;
		}
		v = xreallocarray(v, cnt + 1, sizeof *v);
		if (cni_result_parse(r.result, strlen(r.result), &v[cnt], e) < 0) {
			err_wrap(e, "%s/result", dir);
			netrec_free(&r);
			rc = -1;
			break;
		}
		v[cnt].name = r.name;
		v[cnt].ifname = r.ifname;
		r.name = r.ifname = NULL;
		cnt++;
		netrec_free(&r);
	}
	strv_free(dirs, nd);
	if (rc < 0) {
		cni_netinfo_free(v, cnt);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}
