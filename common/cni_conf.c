/* CNI network configurations: the built-ins, net.d/NAME.conf, --net requests
 * and the pod's forwarded ports. */
#include "cni.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "xalloc.h"

/* rkt's stage1 networks (Documentation/networking/overview.md): `default`
 * is a veth pair per pod with masquerade and a default route out;
 * `default-restricted` reaches only the host. */
static const struct {
	const char *name, *conf;
} builtins[] = {
	{"default", "{\"cniVersion\":\"" CNI_DEFAULT_VERSION "\",\"name\":\"default\","
		    "\"type\":\"ptp\",\"ipMasq\":true,\"ipam\":{\"type\":\"host-local\","
		    "\"subnet\":\"172.16.28.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}"},
	{"default-restricted",
	 "{\"cniVersion\":\"" CNI_DEFAULT_VERSION "\",\"name\":\"default-restricted\","
	 "\"type\":\"ptp\",\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\","
	 "\"subnet\":\"172.17.0.0/16\"}}"},
};

void cni_net_free(struct cni_net *n)
{
	if (!n)
		return;
	free(n->name);
	free(n->type);
	free(n->file);
	free(n->conf);
	memset(n, 0, sizeof *n);
}

void cni_nets_free(struct cni_net *n, size_t count)
{
	for (size_t i = 0; i < count; i++)
		cni_net_free(&n[i]);
	free(n);
}

void cni_netreqs_free(struct cni_netreq *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].name);
		free(r[i].args);
	}
	free(r);
}

static bool net_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && !strchr("-_.", *s))
			return false;
	return true;
}

int cni_parse_netreqs(const char *arg, struct cni_netreq **out, size_t *n, struct err *e)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	struct cni_netreq *r = NULL;
	size_t cnt = 0;
	char *save = NULL;
	*out = NULL;
	*n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		if (colon)
			*colon++ = '\0';
		if (!net_name_ok(tok) || !strcmp(tok, "host") || !strcmp(tok, "none")) {
			cni_netreqs_free(r, cnt);
			return err_set(e, "--net=%s: \"%s\" is not a network name", arg, tok);
		}
		for (size_t i = 0; i < cnt; i++)
			if (!strcmp(r[i].name, tok)) {
				cni_netreqs_free(r, cnt);
				return err_set(e, "--net=%s: network %s given twice", arg, tok);
			}
		if (colon && (!*colon || !strchr(colon, '=') || strpbrk(colon, " \t\n"))) {
			cni_netreqs_free(r, cnt);
			return err_set(e, "--net=%s: arguments of %s must be KEY=VALUE[;KEY=VALUE]",
				       arg, tok);
		}
		r = xreallocarray(r, cnt + 1, sizeof *r);
		r[cnt].name = xstrdup(tok);
		r[cnt++].args = colon ? xstrdup(colon) : NULL;
	}
	if (!cnt)
		return err_set(e, "--net=%s: no network named", arg);
	*out = r;
	*n = cnt;
	return 0;
}

/* Parse one conf text; name the file in every error. */
static int net_from_text(const char *file, const char *text, size_t len, struct cni_net *out,
			 struct err *e)
{
	struct json_doc d = {0};
	if (json_parse(&d, text, len, e) < 0)
		return err_wrap(e, "%s: invalid JSON", file);
	int rc = -1;
	if (json_type(&d, 0) != JSON_OBJECT) {
		err_set(e, "%s: not a JSON object", file);
		goto out;
	}
	if (json_get_exact(&d, 0, "plugins") >= 0) {
		err_set(e, "%s: plugin lists (.conflist) are not supported; one plugin a file", file);
		goto out;
	}
	char *name = json_str(&d, json_get_exact(&d, 0, "name"));
	char *type = json_str(&d, json_get_exact(&d, 0, "type"));
	if (!name || !net_name_ok(name) || !strcmp(name, "host") || !strcmp(name, "none")) {
		err_set(e, "%s: name: %s", file,
			name ? "not a valid network name" : "required, a string");
		free(name);
		free(type);
		goto out;
	}
	if (!type || !*type || strchr(type, '/')) {
		err_set(e, "%s: type: %s", file, type ? "not a plugin name" : "required, a string");
		free(name);
		free(type);
		goto out;
	}
	int ver = json_get_exact(&d, 0, "cniVersion");
	if (ver >= 0 && json_type(&d, ver) != JSON_STRING) {
		err_set(e, "%s: cniVersion: not a string", file);
		free(name);
		free(type);
		goto out;
	}
	out->name = name;
	out->type = type;
	out->file = file ? xstrdup(file) : NULL;
	out->conf = xstrndup(text, len);
	rc = 0;
out:
	json_free(&d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load CONFDIR/net.d/NAME.conf, in name order; inside one dir a network name
 * is unique. */
static int load_dir(const char *confdir, struct cni_net **list, size_t *n, struct err *e)
{
	if (!confdir)
		return 0;
	_cleanup_free_ char *dir = path_join(confdir, "net.d");
	DIR *dh = opendir(dir);
	if (!dh) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_sys(e, "%s", dir);
	}
	char **names = NULL;
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf"))
			continue;
		names = xreallocarray(names, nn + 1, sizeof *names);
		names[nn++] = xstrdup(de->d_name);
	}
	closedir(dh);
	xqsort(names, nn, sizeof *names, cmp_str);
	int rc = 0;
	for (size_t i = 0; i < nn && rc == 0; i++) {
		_cleanup_free_ char *path = path_join(dir, names[i]);
		_cleanup_free_ char *text = NULL;
		size_t len;
		struct cni_net net = {0};
		if (file_read(path, CNI_MAX_CONF, &text, &len, e) < 0 ||
		    net_from_text(path, text, len, &net, e) < 0) {
			rc = -1;
			break;
		}
		for (size_t j = 0; j < *n; j++)
			if (!strcmp((*list)[j].name, net.name)) {
				rc = err_set(e, "%s: network %s is also defined in %s", path,
					     net.name, (*list)[j].file);
				break;
			}
		if (rc < 0) {
			cni_net_free(&net);
			break;
		}
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = net;
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int cmp_net(const void *a, const void *b)
{
	return strcmp(((const struct cni_net *)a)->name, ((const struct cni_net *)b)->name);
}

int cni_list(const struct cni_ctx *c, struct cni_net **out, size_t *n, struct err *e)
{
	struct cni_net *list = NULL;
	size_t cnt = 0;
	for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++) {
		list = xreallocarray(list, cnt + 1, sizeof *list);
		memset(&list[cnt], 0, sizeof *list);
		if (net_from_text(NULL, builtins[i].conf, strlen(builtins[i].conf), &list[cnt], e) < 0)
			abort(); /* built-ins are constants */
		cnt++;
	}
	/* System confs replace built-ins, local ones replace both, by name. */
	const char *dirs[] = {c->system_config, c->local_config};
	for (size_t d = 0; d < 2; d++) {
		struct cni_net *dl = NULL;
		size_t dn = 0;
		if (load_dir(dirs[d], &dl, &dn, e) < 0) {
			cni_nets_free(dl, dn);
			goto fail;
		}
		for (size_t i = 0; i < dn; i++) {
			size_t j;
			for (j = 0; j < cnt && strcmp(list[j].name, dl[i].name); j++)
				;
			if (j == cnt)
				list = xreallocarray(list, ++cnt, sizeof *list);
			else
				cni_net_free(&list[j]);
			list[j] = dl[i];
		}
		free(dl);
	}
	xqsort(list, cnt, sizeof *list, cmp_net);
	*out = list;
	*n = cnt;
	return 0;
fail:
	cni_nets_free(list, cnt);
	return -1;
}

int cni_load(const struct cni_ctx *c, const char *name, struct cni_net *out, struct err *e)
{
	struct cni_net *list;
	size_t n;
	if (cni_list(c, &list, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].name, name)) {
			*out = list[i];
			memset(&list[i], 0, sizeof list[i]);
			list[i].name = xstrdup("");
			cni_nets_free(list, n);
			return 0;
		}
	cni_nets_free(list, n);
	return err_set(e, "network %s: not found (built-ins: default, default-restricted; "
			  "others in net.d/NAME.conf of %s or %s)",
		       name, c->local_config ? c->local_config : "-",
		       c->system_config ? c->system_config : "-");
}

void cni_ports_free(struct cni_portmap *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].protocol);
		free(p[i].host_ip);
	}
	free(p);
}

/* The port called name in an app object's "ports": 1 found, 0 not. */
static int app_port(const struct json_doc *d, int app, const char *name, unsigned *port,
		    char **proto)
{
	json_for_each(d, json_get(d, app, "ports"), p)
	{
		if (!json_str_eq(d, json_get(d, p, "name"), name))
			continue;
		int64_t v;
		if (json_int64(d, json_get(d, p, "port"), &v) < 0 || v < 1 || v > 65535)
			return 0;
		*port = (unsigned)v;
		*proto = json_str(d, json_get(d, p, "protocol"));
		if (!*proto)
			*proto = xstrdup("tcp");
		return 1;
	}
	return 0;
}

/* Look for port name in every app of the pod: the pod manifest's app object,
 * or when it has none the image manifest's. */
static int find_app_port(const char *pod_dir, const struct json_doc *pod, const char *name,
			 unsigned *port, char **proto, struct err *e)
{
	json_for_each(pod, json_get(pod, 0, "apps"), a)
	{
		int app = json_get(pod, a, "app");
		if (app >= 0) {
			if (app_port(pod, app, name, port, proto))
				return 1;
			continue;
		}
		_cleanup_free_ char *an = json_str(pod, json_get(pod, a, "name"));
		if (!an || strchr(an, '/') || an[0] == '.')
			continue;
		_cleanup_free_ char *rel = xasprintf("apps/%s/manifest", an);
		_cleanup_free_ char *path = path_join(pod_dir, rel);
		_cleanup_free_ char *text = NULL;
		size_t len;
		struct json_doc im = {0};
		if (file_read(path, CNI_MAX_CONF, &text, &len, e) < 0)
			return -1;
		if (json_parse(&im, text, len, e) < 0)
			return err_wrap(e, "%s", path);
		int found = app_port(&im, json_get(&im, 0, "app"), name, port, proto);
		json_free(&im);
		if (found)
			return 1;
	}
	return 0;
}

int cni_ports_from_pod(const char *pod_dir, struct cni_portmap **out, size_t *n, struct err *e)
{
	_cleanup_free_ char *path = path_join(pod_dir, "pod");
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct json_doc d = {0};
	struct cni_portmap *pm = NULL;
	size_t cnt = 0;
	*out = NULL;
	*n = 0;
	if (file_read(path, CNI_MAX_CONF, &text, &len, e) < 0)
		return -1;
	if (json_parse(&d, text, len, e) < 0)
		return err_wrap(e, "%s", path);
	int i = 0;
	json_for_each(&d, json_get(&d, 0, "ports"), p)
	{
		_cleanup_free_ char *name = json_str(&d, json_get(&d, p, "name"));
		int64_t hp;
		if (!name || json_int64(&d, json_get(&d, p, "hostPort"), &hp) < 0 || hp < 1 ||
		    hp > 65535) {
			err_set(e, "%s: ports[%d]: needs a name and a hostPort in 1..65535", path, i);
			goto fail;
		}
		unsigned cport = 0;
		char *proto = NULL;
		int pp = json_get(&d, p, "podPort");
		int found = 0;
		if (pp >= 0) {
			/* podPort is a port object itself: read it directly. */
			int64_t v;
			if (json_int64(&d, json_get(&d, pp, "port"), &v) == 0 && v >= 1 && v <= 65535) {
				cport = (unsigned)v;
				free(proto);
				proto = json_str(&d, json_get(&d, pp, "protocol"));
				if (!proto)
					proto = xstrdup("tcp");
				found = 1;
			}
		}
		if (!found) {
			found = find_app_port(pod_dir, &d, name, &cport, &proto, e);
			if (found < 0)
				goto fail;
		}
		if (!found) {
			err_set(e, "port %s: not declared by any app's image (ports in the app)", name);
			goto fail;
		}
		pm = xreallocarray(pm, cnt + 1, sizeof *pm);
		pm[cnt] = (struct cni_portmap){
			.name = xstrdup(name),
			.host_port = (unsigned)hp,
			.container_port = cport,
			.protocol = proto,
			.host_ip = json_str(&d, json_get(&d, p, "hostIP")),
		};
		cnt++;
		i++;
	}
	json_free(&d);
	*out = pm;
	*n = cnt;
	return 0;
fail:
	json_free(&d);
	cni_ports_free(pm, cnt);
	return -1;
}
