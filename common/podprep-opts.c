/* rkt prepare/run's command line: pod flags, then IMAGE [app flags] [-- ARGS]
 * per app, apps separated by another IMAGE or by "---". One table of flags;
 * a flag's scope says where it may appear, so "--exec before any image" and
 * "--volume after an image" are usage errors naming the flag. */
#include "podprep.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

enum scope { S_POD = 1, S_APP = 2, S_RUN = 4 };
enum kind { K_REQ, K_BOOL };

enum id {
	O_HELP,
	O_DIR,
	O_INSECURE,
	O_DEBUG,
	O_LOCAL_CONFIG,
	O_SYSTEM_CONFIG,
	O_TRUST_HTTPS,
	O_VOLUME,
	O_PORT,
	O_SET_ENV,
	O_INHERIT_ENV,
	O_HOSTNAME,
	O_DNS,
	O_DNS_SEARCH,
	O_DNS_OPT,
	O_HOSTS_ENTRY,
	O_STAGE1,
	O_UUID_FILE,
	O_QUIET,
	O_NO_OVERLAY,
	O_POD_MANIFEST,
	O_MOUNT,
	O_EXEC,
	O_USER,
	O_GROUP,
	O_NAME,
	O_SIGNATURE,
	O_SUPP_GIDS,
	O_WORKDIR,
	O_RO_ROOTFS,
	O_MEMORY,
	O_CPU,
	O_CAP_RETAIN,
	O_CAP_REMOVE,
	O_SECCOMP,
	O_NET,
	O_INTERACTIVE,
	O_MDS_REGISTER,
};

struct flag {
	const char *name;
	enum id id;
	enum kind kind;
	int scope;
};

static const struct flag flags[] = {
    {"help", O_HELP, K_BOOL, S_POD | S_APP},
    {"dir", O_DIR, K_REQ, S_POD},
    {"insecure-options", O_INSECURE, K_REQ, S_POD},
    {"debug", O_DEBUG, K_BOOL, S_POD},
    {"local-config", O_LOCAL_CONFIG, K_REQ, S_POD},
    {"system-config", O_SYSTEM_CONFIG, K_REQ, S_POD},
    {"trust-keys-from-https", O_TRUST_HTTPS, K_BOOL, S_POD},
    {"volume", O_VOLUME, K_REQ, S_POD},
    {"port", O_PORT, K_REQ, S_POD},
    {"set-env", O_SET_ENV, K_REQ, S_POD | S_APP},
    {"environment", O_SET_ENV, K_REQ, S_APP},
    {"inherit-env", O_INHERIT_ENV, K_BOOL, S_POD},
    {"hostname", O_HOSTNAME, K_REQ, S_POD},
    {"dns", O_DNS, K_REQ, S_POD},
    {"dns-search", O_DNS_SEARCH, K_REQ, S_POD},
    {"dns-opt", O_DNS_OPT, K_REQ, S_POD},
    {"hosts-entry", O_HOSTS_ENTRY, K_REQ, S_POD},
    {"stage1-image", O_STAGE1, K_REQ, S_POD},
    {"stage1-path", O_STAGE1, K_REQ, S_POD},
    {"stage1-url", O_STAGE1, K_REQ, S_POD},
    {"stage1-name", O_STAGE1, K_REQ, S_POD},
    {"stage1-hash", O_STAGE1, K_REQ, S_POD},
    {"uuid-file-save", O_UUID_FILE, K_REQ, S_POD},
    {"quiet", O_QUIET, K_BOOL, S_POD},
    {"no-overlay", O_NO_OVERLAY, K_BOOL, S_POD},
    {"pod-manifest", O_POD_MANIFEST, K_REQ, S_POD},
    {"mount", O_MOUNT, K_REQ, S_POD | S_APP},
    {"exec", O_EXEC, K_REQ, S_APP},
    {"user", O_USER, K_REQ, S_APP},
    {"group", O_GROUP, K_REQ, S_APP},
    {"name", O_NAME, K_REQ, S_APP},
    {"signature", O_SIGNATURE, K_REQ, S_APP},
    {"supplementary-gids", O_SUPP_GIDS, K_REQ, S_APP},
    {"working-dir", O_WORKDIR, K_REQ, S_APP},
    {"readonly-rootfs", O_RO_ROOTFS, K_BOOL, S_APP},
    {"memory", O_MEMORY, K_REQ, S_APP},
    {"cpu", O_CPU, K_REQ, S_APP},
    {"cap-retain", O_CAP_RETAIN, K_REQ, S_APP},
    {"cap-remove", O_CAP_REMOVE, K_REQ, S_APP},
    {"seccomp", O_SECCOMP, K_REQ, S_APP},
    {"net", O_NET, K_REQ, S_RUN},
    {"interactive", O_INTERACTIVE, K_BOOL, S_RUN},
    {"mds-register", O_MDS_REGISTER, K_BOOL, S_RUN},
};

#define PUSH(arr, n, val)                                                                          \
	do {                                                                                       \
		(arr) = xreallocarray((arr), (n) + 1, sizeof *(arr));                              \
		(arr)[(n)++] = (val);                                                              \
	} while (0)

/* A NULL-terminated string list. */
static void push_str(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

int prep_parse_kv(const char *s, char sep, const char *what, struct prep_kv *kv, struct err *e)
{
	const char *eq = strchr(s, sep);
	if (!eq || eq == s)
		return err_set(e, "%s %s: want NAME%cVALUE", what, s, sep);
	kv->name = xstrndup(s, (size_t)(eq - s));
	kv->value = xstrdup(eq + 1);
	return 0;
}

static int parse_bool_field(const char *what, const char *key, const char *val, int *out,
			    struct err *e)
{
	bool b;
	if (opt_bool(val, &b) < 0)
		return err_set(e, "%s: %s=%s: not a boolean", what, key, val);
	*out = b;
	return 0;
}

static int parse_id(const char *what, const char *key, const char *val, long *out, struct err *e)
{
	char *end;
	errno = 0;
	long v = strtol(val, &end, 10);
	if (!*val || *end || errno || v < 0 || v > (long)UINT_MAX - 1)
		return err_set(e, "%s: %s=%s: not a number", what, key, val);
	*out = v;
	return 0;
}

/* NAME,key=value,... (rkt also accepts name=NAME as a first field). */
int prep_parse_volume(const char *s, struct prep_volume *v, struct err *e)
{
	memset(v, 0, sizeof *v);
	v->readonly = v->recursive = -1;
	v->uid = v->gid = -1;
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;
	int r = 0;
	for (char *f = strtok_r(copy, ",", &save); f && !r; f = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(f, '=');
		if (!eq) {
			if (v->name)
				r = err_set(e, "--volume %s: field %s: want key=value", s, f);
			else
				v->name = xstrdup(f);
			continue;
		}
		*eq = '\0';
		const char *k = f, *val = eq + 1;
		if (!strcmp(k, "name") && !v->name)
			v->name = xstrdup(val);
		else if (!strcmp(k, "kind"))
			free(v->kind), v->kind = xstrdup(val);
		else if (!strcmp(k, "source"))
			free(v->source), v->source = xstrdup(val);
		else if (!strcmp(k, "readOnly"))
			r = parse_bool_field("--volume", k, val, &v->readonly, e);
		else if (!strcmp(k, "recursive"))
			r = parse_bool_field("--volume", k, val, &v->recursive, e);
		else if (!strcmp(k, "mode"))
			free(v->mode), v->mode = xstrdup(val);
		else if (!strcmp(k, "uid"))
			r = parse_id("--volume", k, val, &v->uid, e);
		else if (!strcmp(k, "gid"))
			r = parse_id("--volume", k, val, &v->gid, e);
		else
			r = err_set(e, "--volume %s: unknown field %s", s, k);
	}
	if (!r && (!v->name || !*v->name))
		r = err_set(e, "--volume %s: no volume name", s);
	if (!r && !v->kind)
		r = err_set(e, "--volume %s: no kind (want kind=host or kind=empty)", s);
	if (!r && strcmp(v->kind, "host") && strcmp(v->kind, "empty"))
		r = err_set(e, "--volume %s: kind %s: want host or empty", s, v->kind);
	if (!r && !strcmp(v->kind, "host") && (!v->source || v->source[0] != '/'))
		r = err_set(e, "--volume %s: a host volume needs an absolute source=PATH", s);
	if (!r && !strcmp(v->kind, "empty") && v->source)
		r = err_set(e, "--volume %s: an empty volume takes no source", s);
	if (!r && !strcmp(v->kind, "host") && (v->mode || v->uid >= 0 || v->gid >= 0))
		r = err_set(e, "--volume %s: mode, uid and gid are for empty volumes", s);
	if (!r && v->mode) {
		char *end;
		long m = strtol(v->mode, &end, 8);
		if (!*v->mode || *end || m < 0 || m > 07777)
			r = err_set(e, "--volume %s: mode=%s: not an octal mode", s, v->mode);
	}
	if (r) {
		free(v->name), free(v->kind), free(v->source), free(v->mode);
		memset(v, 0, sizeof *v);
	}
	return r;
}

/* NAME:HOSTPORT or NAME:HOSTIP:HOSTPORT */
int prep_parse_port(const char *s, struct prep_port *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	const char *c1 = strchr(s, ':'), *c2 = strrchr(s, ':');
	if (!c1 || c1 == s)
		return err_set(e, "--port %s: want NAME:HOSTPORT", s);
	char *end;
	errno = 0;
	long port = strtol(c2 + 1, &end, 10);
	if (!c2[1] || *end || errno || port < 1 || port > 65535)
		return err_set(e, "--port %s: host port %s: not a port number", s, c2 + 1);
	p->name = xstrndup(s, (size_t)(c1 - s));
	if (c2 != c1)
		p->host_ip = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	p->host_port = (int)port;
	return 0;
}

/* volume=NAME,target=PATH */
int prep_parse_mount(const char *s, struct prep_mount *m, struct err *e)
{
	memset(m, 0, sizeof *m);
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;
	for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(f, '=');
		char **dst = NULL;
		if (eq && !strncmp(f, "volume=", 7))
			dst = &m->volume;
		else if (eq && !strncmp(f, "target=", 7))
			dst = &m->target;
		if (!dst) {
			free(m->volume), free(m->target);
			return err_set(e, "--mount %s: field %s: want volume=NAME,target=PATH", s,
				       f);
		}
		free(*dst);
		*dst = xstrdup(eq + 1);
	}
	if (!m->volume || !*m->volume || !m->target || !*m->target) {
		free(m->volume), free(m->target);
		m->volume = m->target = NULL;
		return err_set(e, "--mount %s: want volume=NAME,target=PATH", s);
	}
	return 0;
}

static const struct flag *find_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
		if (strlen(flags[i].name) == len && !strncmp(flags[i].name, name, len))
			return &flags[i];
	return NULL;
}

static int set_pod_flag(struct prep_opts *o, const struct flag *f, const char *val, bool *help,
			struct err *e)
{
	bool b = false;
	if (f->kind == K_BOOL && opt_bool(val, &b) < 0)
		return err_set(e, "--%s=%s: not a boolean", f->name, val);
	switch (f->id) {
	case O_HELP:
		*help = b;
		break;
	case O_DIR:
		o->paths.dir = val;
		break;
	case O_INSECURE:
		free(o->insecure), o->insecure = xstrdup(val);
		break;
	case O_DEBUG:
		o->debug = b;
		break;
	case O_LOCAL_CONFIG:
		o->paths.local_config = val;
		break;
	case O_SYSTEM_CONFIG:
		o->paths.system_config = val;
		break;
	case O_TRUST_HTTPS:
		break; /* a fetch option: aci-fetch's own */
	case O_VOLUME: {
		struct prep_volume v;
		if (prep_parse_volume(val, &v, e) < 0)
			return -1;
		PUSH(o->volumes, o->nvolumes, v);
		break;
	}
	case O_PORT: {
		struct prep_port p;
		if (prep_parse_port(val, &p, e) < 0)
			return -1;
		PUSH(o->ports, o->nports, p);
		break;
	}
	case O_SET_ENV: {
		struct prep_kv kv;
		if (prep_parse_kv(val, '=', "--set-env", &kv, e) < 0)
			return -1;
		PUSH(o->env, o->nenv, kv);
		break;
	}
	case O_INHERIT_ENV:
		o->inherit_env = b;
		break;
	case O_HOSTNAME:
		free(o->hostname), o->hostname = xstrdup(val);
		break;
	case O_DNS:
		/* host and none stand alone (as in rkt) */
		if (o->ndns && (!strcmp(val, "host") || !strcmp(val, "none") ||
				!strcmp(o->dns[0], "host") || !strcmp(o->dns[0], "none")))
			return err_set(e, "--dns=%s: host and none cannot be combined with other servers",
				       val);
		push_str(&o->dns, &o->ndns, val);
		break;
	case O_DNS_SEARCH:
		push_str(&o->dns_search, &o->ndns_search, val);
		break;
	case O_DNS_OPT:
		push_str(&o->dns_opt, &o->ndns_opt, val);
		break;
	case O_HOSTS_ENTRY: {
		/* host: the host's /etc/hosts, alone (as in rkt) */
		bool host = !strcmp(val, "host");
		if (o->nhosts && (host || !strcmp(o->hosts[0].name, "host")))
			return err_set(e, "--hosts-entry=%s: host cannot be combined with other entries",
				       val);
		struct prep_kv kv = {0};
		if (host)
			kv.name = xstrdup("host"), kv.value = xstrdup("");
		else if (prep_parse_kv(val, '=', "--hosts-entry", &kv, e) < 0)
			return -1;
		PUSH(o->hosts, o->nhosts, kv);
		break;
	}
	case O_STAGE1:
		free(o->stage1), o->stage1 = xstrdup(val);
		break;
	case O_UUID_FILE:
		free(o->uuid_file), o->uuid_file = xstrdup(val);
		break;
	case O_QUIET:
		o->quiet = b;
		break;
	case O_NO_OVERLAY:
		o->no_overlay = b;
		break;
	case O_POD_MANIFEST:
		free(o->pod_manifest), o->pod_manifest = xstrdup(val);
		break;
	case O_MOUNT: {
		struct prep_mount m;
		if (prep_parse_mount(val, &m, e) < 0)
			return -1;
		PUSH(o->mounts, o->nmounts, m);
		break;
	}
	case O_NET:
		free(o->net), o->net = xstrdup(val);
		break;
	case O_INTERACTIVE:
		o->interactive = b;
		break;
	case O_MDS_REGISTER:
		o->mds_register = b;
		break;
	default:
		return err_set(e, "--%s must follow an image", f->name);
	}
	return 0;
}

static int set_app_flag(struct prep_app *a, const struct flag *f, const char *val, bool *help,
			struct err *e)
{
	bool b = false;
	if (f->kind == K_BOOL && opt_bool(val, &b) < 0)
		return err_set(e, "--%s=%s: not a boolean", f->name, val);
	char **dst = NULL;
	switch (f->id) {
	case O_HELP:
		*help = b;
		return 0;
	case O_SET_ENV: {
		struct prep_kv kv;
		if (prep_parse_kv(val, '=', "--set-env", &kv, e) < 0)
			return -1;
		PUSH(a->env, a->nenv, kv);
		return 0;
	}
	case O_MOUNT: {
		struct prep_mount m;
		if (prep_parse_mount(val, &m, e) < 0)
			return -1;
		PUSH(a->mounts, a->nmounts, m);
		return 0;
	}
	case O_RO_ROOTFS:
		a->readonly_rootfs = b;
		a->has_readonly_rootfs = true;
		return 0;
	case O_EXEC:
		dst = &a->exec;
		break;
	case O_USER:
		dst = &a->user;
		break;
	case O_GROUP:
		dst = &a->group;
		break;
	case O_NAME:
		dst = &a->name;
		break;
	case O_SIGNATURE:
		dst = &a->signature;
		break;
	case O_SUPP_GIDS:
		dst = &a->supp_gids;
		break;
	case O_WORKDIR:
		dst = &a->workdir;
		break;
	case O_MEMORY:
		dst = &a->memory;
		break;
	case O_CPU:
		dst = &a->cpu;
		break;
	case O_CAP_RETAIN:
		dst = &a->cap_retain;
		break;
	case O_CAP_REMOVE:
		dst = &a->cap_remove;
		break;
	case O_SECCOMP:
		dst = &a->seccomp;
		break;
	default:
		return err_set(e, "--%s is a pod flag: give it before the first image", f->name);
	}
	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

int prep_parse(struct prep_opts *o, int argc, char **argv, int first, bool *help, struct err *e)
{
	struct prep_app *cur = NULL;
	bool in_args = false;
	*help = false;
	for (int i = first; i < argc; i++) {
		const char *t = argv[i];
		if (!strcmp(t, "---")) {
			if (!cur)
				return err_set(e, "--- must follow an image");
			cur = NULL;
			in_args = false;
			continue;
		}
		if (in_args) {
			push_str(&cur->args, &cur->nargs, t);
			continue;
		}
		if (!strcmp(t, "--")) {
			if (!cur)
				return err_set(e, "-- must follow an image");
			in_args = cur->has_args = true;
			if (!cur->args)
				cur->args = xcalloc(1, sizeof *cur->args);
			continue;
		}
		if (!strcmp(t, "-h"))
			t = "--help";
		if (t[0] == '-' && t[1] == '-' && t[2]) {
			const char *name = t + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct flag *f = find_flag(name, len);
			if (!f || (f->scope == S_RUN && !o->run_flags))
				return err_set(e, "unknown flag --%.*s", (int)len, name);
			const char *val = eq ? eq + 1 : NULL;
			if (f->kind == K_REQ && !val) {
				if (i + 1 >= argc)
					return err_set(e, "--%s needs a value", f->name);
				val = argv[++i];
			}
			int r;
			if (cur && (f->scope & S_APP))
				r = set_app_flag(cur, f, val, help, e);
			else if (cur)
				r = err_set(e, "--%s is a pod flag: give it before the first image",
					    f->name);
			else
				r = set_pod_flag(o, f, val, help, e);
			if (r < 0)
				return -1;
			if (*help)
				return 0;
			continue;
		}
		if (t[0] == '-' && t[1])
			return err_set(e, "unknown flag %s", t);
		/* An image reference: a new app. */
		o->apps = xreallocarray(o->apps, o->napps + 1, sizeof *o->apps);
		cur = &o->apps[o->napps++];
		memset(cur, 0, sizeof *cur);
		cur->image = xstrdup(t);
	}
	if (o->pod_manifest && (o->napps || o->nvolumes || o->nports || o->nenv || o->nmounts))
		return err_set(e, "--pod-manifest is exclusive with images, app flags, --volume, "
				  "--port, --set-env and --mount");
	if (!o->pod_manifest && !o->napps)
		return err_set(e, "no image given");
	return 0;
}

static void kv_free(struct prep_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name), free(v[i].value);
	free(v);
}

static void mounts_free(struct prep_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].volume), free(m[i].target);
	free(m);
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void prep_opts_free(struct prep_opts *o)
{
	for (size_t i = 0; i < o->napps; i++) {
		struct prep_app *a = &o->apps[i];
		free(a->image), free(a->name), free(a->exec), free(a->user), free(a->group);
		free(a->workdir), free(a->signature), free(a->supp_gids), free(a->memory);
		free(a->cpu), free(a->cap_retain), free(a->cap_remove), free(a->seccomp);
		strv_free(a->args);
		kv_free(a->env, a->nenv);
		mounts_free(a->mounts, a->nmounts);
	}
	free(o->apps);
	for (size_t i = 0; i < o->nvolumes; i++) {
		struct prep_volume *v = &o->volumes[i];
		free(v->name), free(v->kind), free(v->source), free(v->mode);
	}
	free(o->volumes);
	for (size_t i = 0; i < o->nports; i++)
		free(o->ports[i].name), free(o->ports[i].host_ip);
	free(o->ports);
	kv_free(o->env, o->nenv);
	kv_free(o->hosts, o->nhosts);
	mounts_free(o->mounts, o->nmounts);
	strv_free(o->dns), strv_free(o->dns_search), strv_free(o->dns_opt);
	free(o->insecure), free(o->stage1), free(o->uuid_file), free(o->pod_manifest);
	free(o->hostname), free(o->net), free(o->uuid);
	memset(o, 0, sizeof *o);
}

char **prep_strip_run_flags(int argc, char **argv, int first)
{
	char **out = xcalloc((size_t)argc + 1, sizeof *out);
	size_t n = 0;
	int i = first;
	/* Run flags are pod flags: they can only come before the first image. */
	for (; i < argc; i++) {
		const char *t = argv[i];
		if (t[0] != '-' || t[1] != '-' || !t[2] || !strcmp(t, "---"))
			break;
		const char *name = t + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct flag *f = find_flag(name, len);
		bool takes_next = f && f->kind == K_REQ && !eq && i + 1 < argc;
		if (!f || f->scope != S_RUN) {
			out[n++] = argv[i];
			if (takes_next)
				out[n++] = argv[++i];
		} else if (takes_next) {
			i++;
		}
	}
	for (; i < argc; i++)
		out[n++] = argv[i];
	out[n] = NULL;
	return out;
}

char *prep_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return xstrdup(buf);
}

char *prep_tool_path(const char *name)
{
	_cleanup_free_ char *dir = prep_exe_dir();
	char *p = xasprintf("%s/%s", dir, name);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return xstrdup(name);
}
