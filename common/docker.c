#include "docker.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aci.h"
#include "authd.h"
#include "digest.h"
#include "extract.h"
#include "file.h"
#include "json.h"
#include "jsonw.h"
#include "tarwrite.h"
#include "types.h"
#include "xalloc.h"

#define DOCKER_JSON_MAX (4 << 20)
#define MT_DOCKER_V2 "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"

/* ---- references ---- */

int docker_ref_parse(const char *s, struct docker_ref *r, struct err *e)
{
	memset(r, 0, sizeof *r);
	if (!strncmp(s, "docker://", 9))
		s += 9;
	while (*s == '/')
		s++; /* docker:///busybox, as rkt wrote it */
	if (!*s)
		return err_set(e, "docker://: no repository");
	char *rest = xstrdup(s);
	char *slash = strchr(rest, '/');
	/* the first part is a registry if it looks like a host */
	if (slash && (memchr(rest, '.', (size_t)(slash - rest)) ||
		      memchr(rest, ':', (size_t)(slash - rest)) ||
		      !strncmp(rest, "localhost/", 10))) {
		r->registry = xstrndup(rest, (size_t)(slash - rest));
		memmove(rest, slash + 1, strlen(slash + 1) + 1);
	} else {
		r->registry = xstrdup("registry-1.docker.io");
	}
	char *at = strchr(rest, '@');
	if (at) {
		*at = '\0';
		r->digest = xstrdup(at + 1);
		if (strncmp(r->digest, "sha256:", 7) || strlen(r->digest) != 71) {
			free(rest);
			docker_ref_free(r);
			return err_set(e, "docker://%s: digest is not sha256:<64 hex>", s);
		}
	} else {
		char *colon = strrchr(rest, ':');
		if (colon && !strchr(colon, '/')) {
			*colon = '\0';
			r->tag = xstrdup(colon + 1);
		} else {
			r->tag = xstrdup("latest");
		}
	}
	if (!strcmp(r->registry, "registry-1.docker.io") && !strchr(rest, '/')) {
		r->repo = xasprintf("library/%s", rest);
		free(rest);
	} else {
		r->repo = rest;
	}
	for (const char *p = r->repo; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || strchr("._-/", *p))) {
			err_set(e, "docker://%s: repository \"%s\" is not lowercase letters, digits, ._-/",
				s, r->repo);
			docker_ref_free(r);
			return -1;
		}
	if (!*r->repo || (r->tag && !*r->tag)) {
		docker_ref_free(r);
		return err_set(e, "docker://%s: empty repository or tag", s);
	}
	return 0;
}

void docker_ref_free(struct docker_ref *r)
{
	free(r->registry);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof *r);
}

char *docker_aci_name(const struct docker_ref *r)
{
	char *n = xasprintf("%s/%s", r->registry, r->repo);
	for (char *p = n; *p; p++)
		*p = *p == ':' ? '-' : (char)tolower((unsigned char)*p);
	return n;
}

void docker_image_free(struct docker_image *img)
{
	free(img->config);
	for (size_t i = 0; i < img->n_layers; i++)
		if (img->layers[i] >= 0)
			close(img->layers[i]);
	free(img->layers);
	free(img->manifest_digest);
	memset(img, 0, sizeof *img);
}

/* ---- sha256 ---- */

static void sha256_hex(const void *p, size_t n, char out[72])
{
	unsigned char d[32];
	unsigned dl;
	EVP_Digest(p, n, d, &dl, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	hex_encode(d, 32, out + 7);
}

static int sha256_fd_hex(int fd, char out[72], struct err *e)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char d[32], buf[1 << 16];
	unsigned dl;
	ssize_t n;
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		EVP_MD_CTX_free(c);
		return err_sys(e, "rewind");
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(c, buf, (size_t)n);
	EVP_DigestFinal_ex(c, d, &dl);
	EVP_MD_CTX_free(c);
	if (n < 0)
		return err_sys(e, "read");
	memcpy(out, "sha256:", 7);
	hex_encode(d, 32, out + 7);
	return lseek(fd, 0, SEEK_SET) < 0 ? err_sys(e, "rewind") : 0;
}

/* ---- the registry client ---- */

struct reg {
	const struct docker_ref *ref;
	struct http_opts o;
	const struct authd *auth;
	const char *scheme;
	char *auth_header; /* "Authorization: ..." for the registry host */
};

/* key="value" from a WWW-Authenticate challenge (malloc'd), or NULL. */
static char *challenge_param(const char *ch, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = ch; (p = strstr(p, key)); p++) {
		if ((p == ch || p[-1] == ' ' || p[-1] == ',') && p[kl] == '=') {
			const char *v = p + kl + 1;
			if (*v == '"') {
				const char *end = strchr(v + 1, '"');
				return end ? xstrndup(v + 1, (size_t)(end - v - 1)) : NULL;
			}
			return xstrndup(v, strcspn(v, ", "));
		}
	}
	return NULL;
}

static void url_escape(struct buf *b, const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || strchr("-._~", *s))
			buf_addc(b, *s);
		else
			buf_printf(b, "%%%02X", (unsigned char)*s);
}

/* Answer a 401: Bearer -> a token from the realm; Basic -> dockerAuth credentials. */
static int reg_authenticate(struct reg *g, const char *challenge, struct err *e)
{
	const struct authd_entry *cred = authd_find_docker(g->auth, g->ref->registry);
	if (!strncasecmp(challenge, "Basic", 5)) {
		if (!cred)
			return err_set(e, "%s: the registry wants credentials (dockerAuth in auth.d)",
				       g->ref->registry);
		authd_free_secret(g->auth_header);
		g->auth_header = authd_header(cred);
		return 0;
	}
	if (strncasecmp(challenge, "Bearer", 6))
		return err_set(e, "%s: unsupported authentication challenge", g->ref->registry);
	_cleanup_free_ char *realm = challenge_param(challenge, "realm");
	_cleanup_free_ char *service = challenge_param(challenge, "service");
	_cleanup_free_ char *scope = challenge_param(challenge, "scope");
	if (!realm)
		return err_set(e, "%s: Bearer challenge without a realm", g->ref->registry);
	struct buf url = {0};
	buf_adds(&url, realm);
	buf_addc(&url, strchr(realm, '?') ? '&' : '?');
	if (service) {
		buf_adds(&url, "service=");
		url_escape(&url, service);
		buf_addc(&url, '&');
	}
	buf_adds(&url, "scope=");
	_cleanup_free_ char *def_scope = xasprintf("repository:%s:pull", g->ref->repo);
	url_escape(&url, scope ? scope : def_scope);
	/* the registry's credentials go to its token service, and only there */
	struct http_opts to = g->o;
	char *host = NULL, *basic = NULL, *hostport = NULL;
	int port;
	if (http_url_parts(realm, NULL, &host, &port, e) < 0) {
		buf_free(&url);
		return -1;
	}
	if (cred) {
		basic = authd_header(cred);
		hostport = xasprintf("%s:%d", host, port);
		to.host_header_host = strstr(realm, hostport) ? hostport : host;
		to.host_header = basic;
	} else {
		to.host_header = NULL;
	}
	to.auth = NULL;
	to.progress = false;
	struct buf body = {0};
	struct http_resp resp;
	int rc = http_get_buf(url.data, DOCKER_JSON_MAX, &body, &to, &resp, e);
	http_resp_free(&resp);
	authd_free_secret(basic);
	free(hostport);
	free(host);
	buf_free(&url);
	if (rc < 0) {
		buf_free(&body);
		return err_wrap(e, "token for %s", g->ref->repo);
	}
	struct json_doc d;
	if (json_parse(&d, body.data, body.len, e) < 0) {
		explicit_bzero(body.data, body.len);
		buf_free(&body);
		return err_wrap(e, "token service answer");
	}
	char *tok = json_str(&d, json_get(&d, 0, "token"));
	if (!tok)
		tok = json_str(&d, json_get(&d, 0, "access_token"));
	json_free(&d);
	explicit_bzero(body.data, body.len);
	buf_free(&body);
	if (!tok || !*tok) {
		free(tok);
		return err_set(e, "token service gave no token");
	}
	authd_free_secret(g->auth_header);
	g->auth_header = xasprintf("Authorization: Bearer %s", tok);
	authd_free_secret(tok);
	return 0;
}

/* GET /v2/<path> into a buffer (fd < 0) or fd, authenticating on a 401. */
static int reg_get(struct reg *g, const char *path, const char *const *accept, int fd,
		   struct buf *out, struct http_resp *resp, struct err *e)
{
	for (int round = 0;; round++) {
		char *url = xasprintf("%s://%s/v2/%s", g->scheme, g->ref->registry, path);
		struct http_opts o = g->o;
		o.headers = accept;
		o.auth = NULL;
		o.host_header_host = g->ref->registry;
		o.host_header = g->auth_header;
		if (fd < 0)
			o.progress = false;
		int rc;
		if (fd >= 0) {
			if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
				free(url);
				return err_sys(e, "layer file");
			}
			rc = http_get_fd(url, fd, &o, resp, e);
		} else {
			out->len = 0;
			rc = http_get_buf_any(url, DOCKER_JSON_MAX, out, &o, resp, e);
		}
		free(url);
		if (rc < 0 && resp->status != 401)
			return -1;
		if (resp->status != 401) {
			if (resp->status < 200 || resp->status > 299)
				return err_set(e, "%s/%s: HTTP status %ld", g->ref->registry, path,
					       resp->status);
			return 0;
		}
		if (round > 0 || !resp->www_authenticate)
			return err_set(e, "%s/%s: HTTP status 401 (credentials refused)",
				       g->ref->registry, path);
		_cleanup_free_ char *ch = xstrdup(resp->www_authenticate);
		http_resp_free(resp);
		if (reg_authenticate(g, ch, e) < 0)
			return -1;
	}
}

/* The host's platform as Go names it (an index lists platforms so). */
static const char *go_arch(void)
{
	const char *os, *arch = "amd64";
	host_os_arch(&os, &arch);
	if (!strcmp(arch, "i386"))
		return "386";
	if (!strcmp(arch, "aarch64"))
		return "arm64";
	if (!strncmp(arch, "armv", 4))
		return "arm";
	return arch;
}

static int get_manifest(struct reg *g, const char *ref, struct buf *b, char **mtype, struct err *e)
{
	static const char *const accept[] = {
		"Accept: " MT_OCI_INDEX ", " MT_DOCKER_LIST ", " MT_OCI_MANIFEST ", " MT_DOCKER_V2,
		NULL};
	struct http_resp resp;
	_cleanup_free_ char *path = xasprintf("%s/manifests/%s", g->ref->repo, ref);
	int rc = reg_get(g, path, accept, -1, b, &resp, e);
	*mtype = resp.content_type ? xstrndup(resp.content_type, strcspn(resp.content_type, ";"))
				   : NULL;
	http_resp_free(&resp);
	if (rc < 0)
		return -1;
	if (!strncmp(ref, "sha256:", 7)) {
		char got[72];
		sha256_hex(b->data, b->len, got);
		if (strcmp(got, ref))
			return err_set(e, "%s: manifest digest is %s, not %s", g->ref->repo, got, ref);
	}
	return 0;
}

/* Pick linux/<host arch> from an index; its digest (malloc'd). */
static char *pick_platform(const struct json_doc *d, struct err *e)
{
	int list = json_get(d, 0, "manifests");
	const char *want = go_arch();
	json_for_each(d, list, m)
	{
		int pl = json_get(d, m, "platform");
		if (json_str_eq(d, json_get(d, pl, "os"), "linux") &&
		    json_str_eq(d, json_get(d, pl, "architecture"), want))
			return json_str(d, json_get(d, m, "digest"));
	}
	err_set(e, "the image index has no linux/%s image", want);
	return NULL;
}

static int get_blob(struct reg *g, const char *digest, int fd, struct buf *b, struct err *e)
{
	struct http_resp resp;
	_cleanup_free_ char *path = xasprintf("%s/blobs/%s", g->ref->repo, digest);
	int rc = reg_get(g, path, NULL, fd, b, &resp, e);
	http_resp_free(&resp);
	if (rc < 0)
		return -1;
	char got[72];
	if (fd >= 0) {
		if (sha256_fd_hex(fd, got, e) < 0)
			return -1;
	} else {
		sha256_hex(b->data, b->len, got);
	}
	if (strcmp(got, digest))
		return err_set(e, "blob %s: content has digest %s (corrupt or truncated)", digest,
			       got);
	return 0;
}

static int pull(struct reg *g, const char *tmpdir, struct docker_image *img, struct err *e)
{
	struct buf b = {0};
	char *mtype = NULL, *ref = xstrdup(g->ref->digest ? g->ref->digest : g->ref->tag);
	struct json_doc d = {0};
	int rc = -1;
	for (int hop = 0; hop < 2; hop++) {
		free(mtype);
		if (get_manifest(g, ref, &b, &mtype, e) < 0 ||
		    json_parse(&d, b.data, b.len, e) < 0)
			goto out;
		char *mt = json_str(&d, json_get(&d, 0, "mediaType"));
		bool index = (mt && (!strcmp(mt, MT_DOCKER_LIST) || !strcmp(mt, MT_OCI_INDEX))) ||
			     (!mt && mtype && (!strcmp(mtype, MT_DOCKER_LIST) ||
					       !strcmp(mtype, MT_OCI_INDEX))) ||
			     (!mt && json_get(&d, 0, "manifests") >= 0);
		free(mt);
		if (!index)
			break;
		free(ref);
		if (!(ref = pick_platform(&d, e)))
			goto out;
		json_free(&d);
	}
	if (json_get(&d, 0, "config") < 0) {
		err_set(e, "%s: not a schema 2 or OCI image manifest (schema 1 is not supported)",
			g->ref->repo);
		goto out;
	}
	char *cdig = json_str(&d, json_get(&d, json_get(&d, 0, "config"), "digest"));
	if (!cdig) {
		err_set(e, "%s: manifest without config digest", g->ref->repo);
		goto out;
	}
	struct buf cfg = {0};
	int crc = get_blob(g, cdig, -1, &cfg, e);
	free(cdig);
	if (crc < 0) {
		buf_free(&cfg);
		goto out;
	}
	img->config_len = cfg.len;
	img->config = buf_steal(&cfg);
	int layers = json_get(&d, 0, "layers");
	img->layers = xcalloc((size_t)json_size(&d, layers) + 1, sizeof *img->layers);
	json_for_each(&d, layers, l)
	{
		_cleanup_free_ char *dig = json_str(&d, json_get(&d, l, "digest"));
		if (!dig) {
			err_set(e, "%s: layer without digest", g->ref->repo);
			goto out;
		}
		int fd = open(tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0) {
			err_sys(e, "temporary file in %s", tmpdir);
			goto out;
		}
		img->layers[img->n_layers++] = fd;
		if (get_blob(g, dig, fd, NULL, e) < 0)
			goto out;
	}
	img->manifest_digest = xstrdup(ref);
	rc = 0;
out:
	json_free(&d);
	buf_free(&b);
	free(mtype);
	free(ref);
	return rc;
}

int docker_pull(const struct docker_ref *r, const struct http_opts *o, const struct authd *auth,
		const char *tmpdir, struct docker_image *img, struct err *e)
{
	struct reg g = {.ref = r, .o = *o, .auth = auth, .scheme = "https"};
	memset(img, 0, sizeof *img);
	int rc = pull(&g, tmpdir, img, e);
	if (rc < 0 && o->allow_http && !img->config) {
		/* --insecure-options=http: a registry without TLS */
		struct err e2 = {0};
		docker_image_free(img);
		g.scheme = "http";
		if (pull(&g, tmpdir, img, &e2) == 0)
			rc = 0;
		else
			err_wrap(e, "and over http: %s", e2.msg);
	}
	authd_free_secret(g.auth_header);
	if (rc < 0)
		docker_image_free(img);
	return rc;
}

/* ---- conversion ---- */

struct layer_ctx {
	bool first_pass;
};

/* Whiteouts: the first pass applies them to the lower layers, the second
 * pass extracts everything else. */
static int whiteout_hook(void *vctx, int rootfd, const char *path, const struct aci_entry *ent,
			 struct err *e)
{
	struct layer_ctx *c = vctx;
	(void)ent;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t dirlen = (size_t)(base - path);
	if (strncmp(base, ".wh.", 4))
		return c->first_pass ? 1 : 0;
	if (!c->first_pass)
		return 1; /* never extract the markers themselves */
	_cleanup_free_ char *dir = xstrndup(path, dirlen ? dirlen - 1 : 0);
	if (!strcmp(base, ".wh..wh..opq")) {
		/* opaque: the directory keeps nothing of the lower layers */
		int dfd = extract_open_dir(rootfd, dir, 1, e);
		if (dfd < 0)
			return -1;
		int d2 = dup(dfd);
		DIR *dp = d2 >= 0 ? fdopendir(d2) : NULL;
		if (!dp) {
			close(dfd);
			return err_sys(e, "%s", path);
		}
		struct dirent *de;
		int rc = 0;
		while (rc == 0 && (de = readdir(dp)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				rc = rm_tree_at(dfd, de->d_name, e);
		closedir(dp);
		close(dfd);
		return rc < 0 ? -1 : 1;
	}
	_cleanup_free_ char *victim = xasprintf("%.*s%s", (int)dirlen, path, base + 4);
	return extract_remove_at(rootfd, victim, e) < 0 ? -1 : 1;
}

static int apply_layer(int fd, int rootfd, size_t i, struct err *e)
{
	struct layer_ctx c = {.first_pass = true};
	struct extract_opts xo = {.flags = EXTRACT_DEVICES | EXTRACT_OWNER,
				  .hook = whiteout_hook,
				  .hook_ctx = &c};
	for (int pass = 0; pass < 2; pass++) {
		struct aci_reader *r;
		c.first_pass = pass == 0;
		if (lseek(fd, 0, SEEK_SET) < 0)
			return err_sys(e, "layer %zu", i);
		if (aci_open_fd(fd, ACI_LAYER, -1, &r, e) < 0)
			return err_wrap(e, "layer %zu", i);
		int rc = extract_aci(r, rootfd, &xo, e);
		aci_close(r);
		if (rc < 0)
			return err_wrap(e, "layer %zu", i);
	}
	return 0;
}

/* exec[0] must be absolute: look a bare command up on the image's PATH. */
static char *find_exec(int rootfd, const char *cmd, const char *path)
{
	if (cmd[0] == '/' || rootfd < 0)
		return xstrdup(cmd);
	_cleanup_free_ char *p = xstrdup(path && *path ? path
						       : "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
							 "/usr/bin:/sbin:/bin");
	for (char *save = NULL, *d = strtok_r(p, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", d, cmd);
		struct stat st;
		if (cand[0] == '/' && fstatat(rootfd, cand + 1, &st, 0) == 0 && S_ISREG(st.st_mode))
			return cand;
		free(cand);
	}
	return xasprintf("/bin/%s", cmd);
}

char *docker_manifest_from_config(const struct docker_ref *r, const char *config, size_t len,
				  int rootfd, struct err *e)
{
	struct json_doc d;
	if (json_parse(&d, config, len, e) < 0) {
		err_wrap(e, "image config");
		return NULL;
	}
	int c = json_get(&d, 0, "config");
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, 1);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "acKind", "ImageManifest");
	jsonw_kstr(&w, "acVersion", "0.8.11");
	_cleanup_free_ char *name = docker_aci_name(r);
	jsonw_kstr(&w, "name", name);
	jsonw_key(&w, "labels");
	jsonw_arr_begin(&w);
	const char *hos = "linux", *harch = "amd64";
	host_os_arch(&hos, &harch);
	const char *kv[][2] = {{"version", r->tag ? r->tag : "latest"}, {"os", "linux"},
			       {"arch", harch}};
	for (size_t i = 0; i < 3; i++) {
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "name", kv[i][0]);
		jsonw_kstr(&w, "value", kv[i][1]);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	/* Entrypoint + Cmd -> exec */
	struct strlist exec = {0};
	int ep = json_get(&d, c, "Entrypoint"), cmd = json_get(&d, c, "Cmd");
	_cleanup_free_ char *pathenv = NULL;
	int env = json_get(&d, c, "Env");
	json_for_each(&d, env, it)
	{
		_cleanup_free_ char *s = json_str(&d, it);
		if (s && !strncmp(s, "PATH=", 5) && !pathenv)
			pathenv = xstrdup(s + 5);
	}
	json_for_each(&d, ep, it)
	{
		_cleanup_free_ char *s = json_str(&d, it);
		if (s && (*s || exec.n)) /* Entrypoint [""] means none, as in Docker */
			strlist_add(&exec, s);
	}
	json_for_each(&d, cmd, it)
	{
		_cleanup_free_ char *s = json_str(&d, it);
		if (s)
			strlist_add(&exec, s);
	}
	if (exec.n) {
		char *abs = find_exec(rootfd, exec.v[0], pathenv);
		free(exec.v[0]);
		exec.v[0] = abs;
		jsonw_key(&w, "app");
		jsonw_obj_begin(&w);
		jsonw_key(&w, "exec");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < exec.n; i++)
			jsonw_str(&w, exec.v[i]);
		jsonw_arr_end(&w);
		/* User "u", "u:g" -> user, group (root's group when none) */
		_cleanup_free_ char *user = json_str(&d, json_get(&d, c, "User"));
		char *colon = user ? strchr(user, ':') : NULL;
		if (colon)
			*colon = '\0';
		jsonw_kstr(&w, "user", user && *user ? user : "0");
		jsonw_kstr(&w, "group", colon && colon[1] ? colon + 1 : "0");
		_cleanup_free_ char *wd = json_str(&d, json_get(&d, c, "WorkingDir"));
		if (wd && *wd)
			jsonw_kstr(&w, "workingDirectory", wd);
		if (json_size(&d, env)) {
			jsonw_key(&w, "environment");
			jsonw_arr_begin(&w);
			json_for_each(&d, env, it)
			{
				_cleanup_free_ char *s = json_str(&d, it);
				char *eq = s ? strchr(s, '=') : NULL;
				if (!eq)
					continue;
				*eq = '\0';
				jsonw_obj_begin(&w);
				jsonw_kstr(&w, "name", s);
				jsonw_kstr(&w, "value", eq + 1);
				jsonw_obj_end(&w);
			}
			jsonw_arr_end(&w);
		}
		int ports = json_get(&d, c, "ExposedPorts");
		if (json_size(&d, ports)) {
			jsonw_key(&w, "ports");
			jsonw_arr_begin(&w);
			json_for_each(&d, ports, k)
			{
				_cleanup_free_ char *s = json_str(&d, k);
				char *sl = s ? strchr(s, '/') : NULL;
				const char *proto = sl ? sl + 1 : "tcp";
				if (sl)
					*sl = '\0';
				if (!s || !*s)
					continue;
				char *pname = xasprintf("%s-%s", s, proto);
				jsonw_obj_begin(&w);
				jsonw_kstr(&w, "name", pname);
				jsonw_kstr(&w, "protocol", proto);
				jsonw_kint(&w, "port", atoi(s));
				jsonw_obj_end(&w);
				free(pname);
			}
			jsonw_arr_end(&w);
		}
		jsonw_obj_end(&w);
	}
	strlist_free(&exec);
	jsonw_key(&w, "annotations");
	jsonw_arr_begin(&w);
	_cleanup_free_ char *regurl = xasprintf("%s", r->registry);
	const char *ann[][2] = {{"appc.io/docker/registryurl", regurl},
				{"appc.io/docker/repository", r->repo}};
	for (size_t i = 0; i < 2; i++) {
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "name", ann[i][0]);
		jsonw_kstr(&w, "value", ann[i][1]);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	buf_addc(&b, '\n');
	json_free(&d);
	return buf_steal(&b);
}

/* The config's "created" (RFC 3339) in seconds since the epoch; 0 if none. */
static long long config_created(const char *config, size_t len)
{
	struct json_doc d;
	struct err e;
	if (json_parse(&d, config, len, &e) < 0)
		return 0;
	_cleanup_free_ char *c = json_str(&d, json_get(&d, 0, "created"));
	json_free(&d);
	struct tm tm = {0};
	const char *end = c ? strptime(c, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	return end ? (long long)timegm(&tm) : 0;
}

int docker_to_aci(const struct docker_ref *r, const struct docker_image *img, const char *workdir,
		  int outfd, struct err *e)
{
	int wfd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (wfd < 0)
		return err_sys(e, "%s", workdir);
	int rc = -1, rootfd = -1;
	_cleanup_free_ char *m = NULL; /* before any goto out: the cleanup frees it there */
	if (mkdirat(wfd, "rootfs", 0755) < 0 && errno != EEXIST) {
		err_sys(e, "%s/rootfs", workdir);
		goto out;
	}
	rootfd = openat(wfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		err_sys(e, "%s/rootfs", workdir);
		goto out;
	}
	for (size_t i = 0; i < img->n_layers; i++)
		if (apply_layer(img->layers[i], rootfd, i, e) < 0)
			goto out;
	m = docker_manifest_from_config(r, img->config, img->config_len, rootfd, e);
	if (!m)
		goto out;
	if (file_write_atomic_at(wfd, "manifest", m, strlen(m), 0644, e) < 0)
		goto out;
	/* The same image gives the same ACI (and so the same ID): every time is
	 * the image's creation time, as whiteouts touched directories. */
	struct tarw_opts to = {.compression = TARW_NONE, .pin_mtime = true,
			       .mtime = config_created(img->config, img->config_len)};
	struct tarw *t = tarw_open(outfd, &to, e);
	if (!t)
		goto out;
	if (tarw_add_tree(t, wfd, "manifest", "manifest", e) < 0 ||
	    tarw_add_tree(t, wfd, "rootfs", "rootfs", e) < 0) {
		tarw_abort(t);
		goto out;
	}
	rc = tarw_close(t, e);
out:
	if (rootfd >= 0)
		close(rootfd);
	close(wfd);
	return rc;
}
