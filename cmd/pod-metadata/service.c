/* Registered pods and the endpoints of spec/ace.md "App Container Metadata
 * Service". A pod is known by the source address of a request; an address
 * no running pod registered gets 404, never anyone else's data. */
#include "service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "jsonw.h"
#include "xalloc.h"

#define POD_MANIFEST_MAX (1024 * 1024)
#define CT_JSON "application/json"
#define CT_TEXT "text/plain; charset=us-ascii"
#define PREFIX "/acMetadata/v1/"

struct reg {
	char uuid[37];
	char *dir;
	int dirfd; /* follows the pod dir through renames (run -> exited-garbage) */
	char **ips;
	size_t nips;
	char *manifest; /* POD/pod as registered: the pod's manifest never changes */
	size_t manifest_len;
	struct json_doc doc;
};

struct service {
	unsigned char key[64]; /* HMAC key, made at start, never leaves memory */
	char *pods_root;       /* registered dirs must be under DIR/pods/ */
	struct reg **regs;
	size_t nregs;
};

struct service *service_new(const char *data_dir, struct err *e)
{
	struct service *s = xcalloc(1, sizeof *s);
	char *real = realpath(data_dir, NULL);
	s->pods_root = xasprintf("%s/pods/", real ? real : data_dir);
	free(real);
	if (getrandom(s->key, sizeof s->key, 0) != (ssize_t)sizeof s->key) {
		free(s);
		err_sys(e, "getrandom");
		return NULL;
	}
	return s;
}

static void reg_free(struct reg *r)
{
	if (!r)
		return;
	free(r->dir);
	if (r->dirfd >= 0)
		close(r->dirfd);
	for (size_t i = 0; i < r->nips; i++)
		free(r->ips[i]);
	free(r->ips);
	free(r->manifest);
	json_free(&r->doc);
	free(r);
}

void service_free(struct service *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nregs; i++)
		reg_free(s->regs[i]);
	free(s->regs);
	OPENSSL_cleanse(s->key, sizeof s->key);
	free(s->pods_root);
	free(s);
}

/* A pod runs while someone holds its lock (CONTRACT: run + locked). */
static bool reg_alive(const struct reg *r)
{
	int fd = openat(r->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int rc = flock(fd, LOCK_EX | LOCK_NB);
	int err = errno;
	close(fd); /* releases it at once if we got it */
	return rc < 0 && err == EWOULDBLOCK;
}

static void reg_remove(struct service *s, size_t i)
{
	reg_free(s->regs[i]);
	memmove(&s->regs[i], &s->regs[i + 1], (s->nregs - i - 1) * sizeof *s->regs);
	s->nregs--;
}

void service_tick(void *ctx)
{
	struct service *s = ctx;
	for (size_t i = s->nregs; i-- > 0;)
		if (!reg_alive(s->regs[i]))
			reg_remove(s, i);
}

static struct reg *find_by_ip(struct service *s, const char *ip)
{
	for (size_t i = 0; i < s->nregs; i++)
		for (size_t j = 0; j < s->regs[i]->nips; j++)
			if (!strcmp(s->regs[i]->ips[j], ip)) {
				if (reg_alive(s->regs[i]))
					return s->regs[i];
				reg_remove(s, i); /* exited without unregistering */
				return NULL;
			}
	return NULL;
}

static ssize_t find_by_uuid(struct service *s, const char *uuid)
{
	for (size_t i = 0; i < s->nregs; i++)
		if (!strcmp(s->regs[i]->uuid, uuid))
			return (ssize_t)i;
	return -1;
}

static void reply(struct http_resp *r, int status, const char *ctype, const char *body,
		  size_t len)
{
	r->status = status;
	r->ctype = ctype;
	r->body.len = 0;
	buf_add(&r->body, body, len);
}

static void reply_text(struct http_resp *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reply_text(struct http_resp *r, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *s = xvasprintf(fmt, ap);
	va_end(ap);
	r->status = status;
	r->ctype = CT_TEXT;
	r->body.len = 0;
	buf_adds(&r->body, s);
	buf_addc(&r->body, '\n');
}

static bool uuid_valid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool ip_valid(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* ---- registration (the unix socket) ------------------------------------ */

static void do_register(struct service *s, const char *uuid, const struct http_req *req,
			struct http_resp *resp)
{
	_cleanup_free_ char *dir = http_form_get(req->body, req->body_len, "dir", NULL);
	_cleanup_free_ char *ips = http_form_get(req->body, req->body_len, "ips", NULL);
	if (!dir || dir[0] != '/' || !ips || !*ips)
		return reply_text(resp, 400, "need dir=ABSOLUTE-PATH and ips=IP[,IP...]");
	if (strncmp(dir, s->pods_root, strlen(s->pods_root)) || strstr(dir, "/../"))
		return reply_text(resp, 400, "%s is not a pod directory under %s", dir, s->pods_root);
	const char *base = strrchr(dir, '/') + 1;
	if (strcmp(base, uuid))
		return reply_text(resp, 400, "dir %s is not the directory of pod %s", dir, uuid);
	struct reg *r = xcalloc(1, sizeof *r);
	r->dirfd = -1;
	snprintf(r->uuid, sizeof r->uuid, "%s", uuid);
	r->dir = xstrdup(dir);
	char *save = NULL;
	for (char *ip = strtok_r(ips, ",", &save); ip; ip = strtok_r(NULL, ",", &save)) {
		if (!ip_valid(ip)) {
			reg_free(r);
			return reply_text(resp, 400, "%s: not an IP address", ip);
		}
		r->ips = xreallocarray(r->ips, r->nips + 1, sizeof *r->ips);
		r->ips[r->nips++] = xstrdup(ip);
	}
	struct err e = {0};
	r->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->dirfd < 0) {
		reg_free(r);
		return reply_text(resp, 400, "%s: %s", dir, strerror(errno));
	}
	if (!reg_alive(r)) {
		reg_free(r);
		return reply_text(resp, 409, "pod %s is not running (its lock is free)", uuid);
	}
	int fd = openat(r->dirfd, "pod", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || file_read_fd(fd, POD_MANIFEST_MAX, &r->manifest, &r->manifest_len, &e) < 0 ||
	    json_parse(&r->doc, r->manifest, r->manifest_len, &e) < 0 ||
	    !json_str_eq(&r->doc, json_get(&r->doc, 0, "acKind"), "PodManifest")) {
		if (fd < 0)
			err_sys(&e, "open");
		else if (!e.msg[0])
			err_set(&e, "acKind is not PodManifest");
		if (fd >= 0)
			close(fd);
		reg_free(r);
		return reply_text(resp, 400, "%s/pod: %s", dir, e.msg);
	}
	close(fd);
	/* An address belongs to one running pod; a stale holder is dropped. */
	for (size_t i = 0; i < r->nips; i++) {
		for (size_t k = s->nregs; k-- > 0;) {
			struct reg *o = s->regs[k];
			if (!strcmp(o->uuid, uuid))
				continue;
			for (size_t j = 0; j < o->nips; j++) {
				if (strcmp(o->ips[j], r->ips[i]))
					continue;
				if (reg_alive(o)) {
					reply_text(resp, 409, "%s is registered by running pod %s",
						   r->ips[i], o->uuid);
					reg_free(r);
					return;
				}
				reg_remove(s, k);
				break;
			}
		}
	}
	ssize_t old = find_by_uuid(s, uuid);
	if (old >= 0)
		reg_remove(s, (size_t)old);
	s->regs = xreallocarray(s->regs, s->nregs + 1, sizeof *s->regs);
	s->regs[s->nregs++] = r;
	reply_text(resp, 201, "registered %s", uuid);
}

static void handle_unix(struct service *s, const struct http_req *req, struct http_resp *resp)
{
	if (req->peer_uid != 0 && req->peer_uid != getuid())
		return reply_text(resp, 403, "only root may register pods");
	if (!strcmp(req->path, "/pods") && !strcmp(req->method, "GET")) {
		resp->ctype = CT_TEXT;
		service_tick(s);
		for (size_t i = 0; i < s->nregs; i++) {
			buf_printf(&resp->body, "%s %s", s->regs[i]->uuid, s->regs[i]->dir);
			for (size_t j = 0; j < s->regs[i]->nips; j++)
				buf_printf(&resp->body, "%c%s", j ? ',' : ' ', s->regs[i]->ips[j]);
			buf_addc(&resp->body, '\n');
		}
		return;
	}
	if (strncmp(req->path, "/pods/", 6) || !uuid_valid(req->path + 6))
		return reply_text(resp, 404, "no such resource");
	const char *uuid = req->path + 6;
	if (!strcmp(req->method, "PUT"))
		return do_register(s, uuid, req, resp);
	if (!strcmp(req->method, "DELETE")) {
		ssize_t i = find_by_uuid(s, uuid);
		if (i < 0)
			return reply_text(resp, 404, "pod %s is not registered", uuid);
		reg_remove(s, (size_t)i);
		resp->status = 204;
		return;
	}
	reply_text(resp, 405, "use PUT or DELETE");
}

/* ---- the metadata endpoints -------------------------------------------- */

/* base64(HMAC-SHA512(key, uuid || content)): binding the signer's UUID in
 * means a signature verifies only for the pod that asked for it. */
static void sign(const struct service *s, const char *uuid, const char *content, size_t len,
		 char out[90])
{
	struct buf msg = {0};
	buf_adds(&msg, uuid);
	buf_add(&msg, content, len);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	HMAC(EVP_sha512(), s->key, sizeof s->key, (unsigned char *)msg.data, msg.len, md, &mdlen);
	buf_free(&msg);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen); /* 88 chars + NUL */
}

static int pod_app(const struct reg *r, const char *name)
{
	json_for_each(&r->doc, json_get(&r->doc, 0, "apps"), a)
		if (json_str_eq(&r->doc, json_get(&r->doc, a, "name"), name))
			return a;
	return -1;
}

/* POD/apps/<app>/manifest, walked with O_NOFOLLOW from the pod dir. */
static int read_image_manifest(const struct reg *r, const char *app, char **out, size_t *len)
{
	struct err e;
	int apps = openat(r->dirfd, "apps", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (apps < 0)
		return -1;
	int ad = openat(apps, app, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(apps);
	if (ad < 0)
		return -1;
	int fd = openat(ad, "manifest", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(ad);
	if (fd < 0)
		return -1;
	int rc = file_read_fd(fd, POD_MANIFEST_MAX, out, len, &e);
	close(fd);
	return rc;
}

struct kvs {
	char **k, **v;
	size_t n;
};

static void kvs_set(struct kvs *l, char *k, char *v)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->k[i], k)) {
			free(l->v[i]);
			free(k);
			l->v[i] = v;
			return;
		}
	l->k = xreallocarray(l->k, l->n + 1, sizeof *l->k);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->k[l->n] = k;
	l->v[l->n++] = v;
}

static void kvs_from(struct kvs *l, const struct json_doc *d, int arr)
{
	json_for_each(d, arr, a)
	{
		char *k = json_str(d, json_get(d, a, "name"));
		char *v = json_str(d, json_get(d, a, "value"));
		if (k && v)
			kvs_set(l, k, v);
		else
			free(k), free(v);
	}
}

static void app_annotations(const struct reg *r, int app, const char *name,
			    struct http_resp *resp)
{
	struct kvs l = {0};
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct json_doc im = {0};
	struct err e;
	if (read_image_manifest(r, name, &text, &len) == 0 && json_parse(&im, text, len, &e) == 0) {
		kvs_from(&l, &im, json_get(&im, 0, "annotations"));
		json_free(&im);
	}
	kvs_from(&l, &r->doc, json_get(&r->doc, app, "annotations")); /* the pod's win */
	struct jsonw w;
	resp->ctype = CT_JSON;
	jsonw_init(&w, &resp->body, 0);
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < l.n; i++) {
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "name", l.k[i]);
		jsonw_kstr(&w, "value", l.v[i]);
		jsonw_obj_end(&w);
		free(l.k[i]);
		free(l.v[i]);
	}
	jsonw_arr_end(&w);
	free(l.k);
	free(l.v);
}

static void handle_apps(const struct reg *r, const char *rest, bool get, struct http_resp *resp)
{
	const char *slash = strchr(rest, '/');
	if (!slash)
		return reply_text(resp, 404, "no such endpoint");
	_cleanup_free_ char *name = xstrndup(rest, (size_t)(slash - rest));
	const char *what = slash + 1;
	int app = pod_app(r, name);
	if (app < 0 || strchr(name, '/') || name[0] == '.' || !name[0])
		return reply_text(resp, 404, "no app %s in this pod", name);
	if (strcmp(what, "annotations") && strcmp(what, "image/manifest") &&
	    strcmp(what, "image/id"))
		return reply_text(resp, 404, "no such endpoint");
	if (!get)
		return reply_text(resp, 405, "use GET");
	if (!strcmp(what, "annotations"))
		return app_annotations(r, app, name, resp);
	if (!strcmp(what, "image/id")) {
		_cleanup_free_ char *id =
			json_str(&r->doc, json_get(&r->doc, json_get(&r->doc, app, "image"), "id"));
		if (!id)
			return reply_text(resp, 404, "app %s has no image id", name);
		return reply(resp, 200, CT_TEXT, id, strlen(id));
	}
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_image_manifest(r, name, &text, &len) < 0)
		return reply_text(resp, 404, "no image manifest for app %s", name);
	reply(resp, 200, CT_JSON, text, len);
}

static void handle_hmac(const struct service *s, const struct reg *r, const char *what,
			const struct http_req *req, struct http_resp *resp)
{
	if (strcmp(req->method, "POST"))
		return reply_text(resp, 405, "use POST");
	size_t clen;
	_cleanup_free_ char *content = http_form_get(req->body, req->body_len, "content", &clen);
	if (!content)
		return reply_text(resp, 400, "the form needs content=");
	char sig[90];
	if (!strcmp(what, "sign")) {
		sign(s, r->uuid, content, clen, sig);
		return reply(resp, 200, CT_TEXT, sig, strlen(sig));
	}
	_cleanup_free_ char *uuid = http_form_get(req->body, req->body_len, "uuid", NULL);
	_cleanup_free_ char *given = http_form_get(req->body, req->body_len, "signature", NULL);
	if (!uuid || !given)
		return reply_text(resp, 400, "the form needs content=, uuid= and signature=");
	/* A '+' sent unescaped arrives as a space; base64 has no spaces. */
	for (char *p = given; *p; p++)
		if (*p == ' ')
			*p = '+';
	sign(s, uuid, content, clen, sig);
	if (strlen(given) == strlen(sig) && CRYPTO_memcmp(given, sig, strlen(sig)) == 0)
		return reply_text(resp, 200, "signature verified");
	reply_text(resp, 403, "signature not valid for pod %s", uuid);
}

static void handle_tcp(struct service *s, const struct http_req *req, struct http_resp *resp)
{
	struct reg *r = find_by_ip(s, req->peer_ip);
	if (!r)
		return reply_text(resp, 404, "no running pod registered for %s", req->peer_ip);
	if (strncmp(req->path, PREFIX, strlen(PREFIX)))
		return reply_text(resp, 404, "no such endpoint");
	_cleanup_free_ char *rest = xstrdup(req->path + strlen(PREFIX));
	size_t l = strlen(rest);
	while (l && rest[l - 1] == '/')
		rest[--l] = '\0';
	bool get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
	if (!strncmp(rest, "apps/", 5))
		return handle_apps(r, rest + 5, get, resp);
	if (!strcmp(rest, "pod/hmac/sign") || !strcmp(rest, "pod/hmac/verify"))
		return handle_hmac(s, r, rest + 9, req, resp);
	if (strcmp(rest, "pod/annotations") && strcmp(rest, "pod/manifest") &&
	    strcmp(rest, "pod/uuid"))
		return reply_text(resp, 404, "no such endpoint");
	if (!get)
		return reply_text(resp, 405, "use GET");
	if (!strcmp(rest, "pod/uuid"))
		return reply(resp, 200, CT_TEXT, r->uuid, strlen(r->uuid));
	if (!strcmp(rest, "pod/manifest"))
		return reply(resp, 200, CT_JSON, r->manifest, r->manifest_len);
	int ann = json_get(&r->doc, 0, "annotations");
	_cleanup_free_ char *raw = json_type(&r->doc, ann) == JSON_ARRAY ? json_raw(&r->doc, ann)
									 : xstrdup("[]");
	reply(resp, 200, CT_JSON, raw, strlen(raw));
}

void service_handle(void *ctx, const struct http_req *req, struct http_resp *resp)
{
	if (req->is_unix)
		handle_unix(ctx, req, resp);
	else
		handle_tcp(ctx, req, resp);
}
