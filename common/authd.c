#include "authd.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "xalloc.h"

#define AUTHD_MAX_FILE (1024 * 1024)

void authd_free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void entry_free(struct authd_entry *en)
{
	free(en->domain);
	authd_free_secret(en->user);
	authd_free_secret(en->password);
	authd_free_secret(en->token);
	free(en->file);
}

void authd_free(struct authd *a)
{
	for (size_t i = 0; i < a->n_auth; i++)
		entry_free(&a->auth[i]);
	for (size_t i = 0; i < a->n_docker; i++)
		entry_free(&a->docker[i]);
	free(a->auth);
	free(a->docker);
	memset(a, 0, sizeof *a);
}

static void push(struct authd_entry **v, size_t *n, const struct authd_entry *en)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = *en;
}

/* The string member key of obj, malloc'd; NULL when absent or not a string. */
static char *get_str(const struct json_doc *j, int obj, const char *key)
{
	return json_str(j, json_get(j, obj, key));
}

/* A domain is a host or host:port, as in a URL's authority without userinfo. */
static bool domain_ok(const char *d)
{
	if (!*d || strlen(d) > 255)
		return false;
	for (const char *p = d; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_:[]", *p))
			return false;
	return true;
}

/* credentials: {user, password} must both be non-empty strings. */
static int read_basic(const struct json_doc *j, int cred, const char *name, struct authd_entry *en,
		      struct err *e)
{
	if (cred < 0 || json_type(j, cred) != JSON_OBJECT)
		return err_set(e, "%s: credentials: missing or not an object", name);
	en->user = get_str(j, cred, "user");
	en->password = get_str(j, cred, "password");
	if (!en->user || !*en->user)
		return err_set(e, "%s: credentials.user: missing or empty", name);
	if (!en->password || !*en->password)
		return err_set(e, "%s: credentials.password: missing or empty", name);
	return 0;
}

/* One parsed list of domains with one credential, copied per domain. */
static int add_domains(struct authd *a, bool docker, const struct json_doc *j, int arr,
		       const char *field, const char *name, const struct authd_entry *proto,
		       struct err *e)
{
	if (json_type(j, arr) != JSON_ARRAY || json_size(j, arr) == 0)
		return err_set(e, "%s: %s: missing or empty (a list of hosts)", name, field);
	int k = 0;
	json_for_each(j, arr, i)
	{
		if (json_type(j, i) != JSON_STRING)
			return err_set(e, "%s: %s[%d]: not a string", name, field, k);
		char *d = json_str(j, i);
		for (char *c = d; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!domain_ok(d)) {
			err_set(e, "%s: %s[%d]: \"%s\" is not a host or host:port", name, field, k,
				d);
			free(d);
			return -1;
		}
		k++;
		struct authd_entry en = {
			.domain = d,
			.type = proto->type,
			.user = proto->user ? xstrdup(proto->user) : NULL,
			.password = proto->password ? xstrdup(proto->password) : NULL,
			.token = proto->token ? xstrdup(proto->token) : NULL,
			.file = xstrdup(name),
		};
		if (docker)
			push(&a->docker, &a->n_docker, &en);
		else
			push(&a->auth, &a->n_auth, &en);
	}
	return 0;
}

int authd_parse(struct authd *a, const char *name, const char *text, size_t len, struct err *e)
{
	struct json_doc j;
	struct authd_entry proto = {0};
	int r = -1;
	if (json_parse(&j, text, len, e) < 0)
		return err_wrap(e, "%s", name);
	if (json_type(&j, 0) != JSON_OBJECT) {
		err_set(e, "%s: not a JSON object", name);
		goto out;
	}
	char *kind = get_str(&j, 0, "rktKind");
	char *ver = get_str(&j, 0, "rktVersion");
	if (!kind || !*kind)
		err_set(e, "%s: rktKind: missing or empty", name);
	else if (!ver || !*ver)
		err_set(e, "%s: rktVersion: missing or empty", name);
	else if (strcmp(kind, "auth") && strcmp(kind, "dockerAuth"))
		err_set(e, "%s: rktKind: \"%s\" does not belong in auth.d (auth or dockerAuth)",
			name, kind);
	else if (strcmp(ver, "v1"))
		err_set(e, "%s: rktVersion: \"%s\" not supported for kind %s (v1)", name, ver,
			kind);
	else if (!strcmp(kind, "dockerAuth")) {
		proto.type = AUTHD_BASIC;
		if (read_basic(&j, json_get(&j, 0, "credentials"), name, &proto, e) == 0)
			r = add_domains(a, true, &j, json_get(&j, 0, "registries"), "registries",
					name, &proto, e);
	} else {
		char *type = get_str(&j, 0, "type");
		int cred = json_get(&j, 0, "credentials");
		int doms = json_get(&j, 0, "domains");
		if (json_type(&j, doms) != JSON_ARRAY || json_size(&j, doms) == 0)
			err_set(e, "%s: domains: missing or empty (a list of hosts)", name);
		else if (!type || !*type)
			err_set(e, "%s: type: missing or empty (basic or oauth)", name);
		else if (!strcmp(type, "basic")) {
			proto.type = AUTHD_BASIC;
			if (read_basic(&j, cred, name, &proto, e) == 0)
				r = add_domains(a, false, &j, doms, "domains", name, &proto, e);
		} else if (!strcmp(type, "oauth")) {
			proto.type = AUTHD_OAUTH;
			if (json_type(&j, cred) != JSON_OBJECT)
				err_set(e, "%s: credentials: missing or not an object", name);
			else if (!(proto.token = get_str(&j, cred, "token")) || !*proto.token)
				err_set(e, "%s: credentials.token: missing or empty", name);
			else
				r = add_domains(a, false, &j, doms, "domains", name, &proto, e);
		} else {
			err_set(e, "%s: type: unknown auth type \"%s\" (basic or oauth)", name, type);
		}
		free(type);
	}
	free(kind);
	free(ver);
out:
	proto.file = proto.domain = NULL;
	entry_free(&proto);
	json_free(&j);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read one config dir's auth.d into a (fresh) set; duplicates are errors. */
static int load_dir(struct authd *a, const char *cfg, struct err *e)
{
	char *dir = path_join(cfg, "auth.d");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = -1;
	char **names = NULL;
	size_t n = 0;
	if (dfd < 0) {
		if (errno == ENOENT) {
			free(dir);
			return 0;
		}
		err_sys(e, "%s", dir);
		free(dir);
		return -1;
	}
	DIR *d = fdopendir(dup(dfd));
	if (!d) {
		err_sys(e, "%s", dir);
		goto out;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l <= 5 || strcmp(de->d_name + l - 5, ".json") || de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	xqsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char *path = path_join(dir, names[i]);
		char *text = NULL;
		size_t len;
		int ok = -1;
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			err_sys(e, "%s", path);
		else if (!S_ISREG(st.st_mode))
			ok = 0; /* as rkt: only regular files are configuration */
		else if (file_read_at(dfd, names[i], AUTHD_MAX_FILE, &text, &len, e) < 0)
			err_wrap(e, "%s", dir);
		else {
			size_t before = a->n_auth, dbefore = a->n_docker;
			ok = authd_parse(a, path, text, len, e);
			/* within one dir a domain may be given once */
			for (size_t k = before; ok == 0 && k < a->n_auth; k++)
				for (size_t m = 0; m < k; m++)
					if (!strcmp(a->auth[m].domain, a->auth[k].domain)) {
						ok = err_set(e, "%s: domains: \"%s\" already given in %s",
							     path, a->auth[k].domain, a->auth[m].file);
						break;
					}
			for (size_t k = dbefore; ok == 0 && k < a->n_docker; k++)
				for (size_t m = 0; m < k; m++)
					if (!strcmp(a->docker[m].domain, a->docker[k].domain)) {
						ok = err_set(e,
							     "%s: registries: \"%s\" already given in %s",
							     path, a->docker[k].domain, a->docker[m].file);
						break;
					}
			authd_free_secret(text);
		}
		free(path);
		if (ok < 0)
			goto out;
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(dfd);
	free(dir);
	return r;
}

/* Local entries first, then vendor entries for domains the local dir does not name. */
static void merge(struct authd_entry **dst, size_t *nd, struct authd_entry *local, size_t nl,
		  struct authd_entry *vendor, size_t nv)
{
	for (size_t i = 0; i < nl; i++)
		push(dst, nd, &local[i]);
	for (size_t i = 0; i < nv; i++) {
		bool over = false;
		for (size_t k = 0; k < nl && !over; k++)
			over = !strcmp(local[k].domain, vendor[i].domain);
		if (over)
			entry_free(&vendor[i]);
		else
			push(dst, nd, &vendor[i]);
	}
	free(local);
	free(vendor);
}

int authd_load(struct authd *a, const char *system_dir, const char *local_dir, struct err *e)
{
	struct authd vend = {0}, loc = {0};
	memset(a, 0, sizeof *a);
	if ((system_dir && load_dir(&vend, system_dir, e) < 0) ||
	    (local_dir && load_dir(&loc, local_dir, e) < 0)) {
		authd_free(&vend);
		authd_free(&loc);
		return -1;
	}
	merge(&a->auth, &a->n_auth, loc.auth, loc.n_auth, vend.auth, vend.n_auth);
	merge(&a->docker, &a->n_docker, loc.docker, loc.n_docker, vend.docker, vend.n_docker);
	return 0;
}

/* Split "host[:port]" ("[v6]:port" too) into its host part length and port (0 = none). */
static size_t split_hostport(const char *d, int *port)
{
	const char *colon = NULL;
	if (d[0] == '[') {
		const char *rb = strchr(d, ']');
		colon = rb && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = strrchr(d, ':');
	}
	*port = colon ? atoi(colon + 1) : 0;
	return colon ? (size_t)(colon - d) : strlen(d);
}

const struct authd_entry *authd_find(const struct authd *a, const char *host, int port, int dport)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->n_auth; i++) {
		int p;
		size_t hl = split_hostport(a->auth[i].domain, &p);
		if (hl == strlen(host) && !strncasecmp(a->auth[i].domain, host, hl) &&
		    (p ? p == port : port == dport))
			return &a->auth[i];
	}
	return NULL;
}

const struct authd_entry *authd_find_docker(const struct authd *a, const char *registry)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->n_docker; i++)
		if (!strcasecmp(a->docker[i].domain, registry))
			return &a->docker[i];
	return NULL;
}

char *authd_header(const struct authd_entry *en)
{
	if (en->type == AUTHD_OAUTH)
		return xasprintf("Authorization: Bearer %s", en->token);
	char *plain = xasprintf("%s:%s", en->user, en->password);
	size_t pl = strlen(plain);
	char *b64 = xmalloc(4 * ((pl + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)plain, (int)pl);
	char *h = xasprintf("Authorization: Basic %s", b64);
	authd_free_secret(plain);
	authd_free_secret(b64);
	return h;
}
