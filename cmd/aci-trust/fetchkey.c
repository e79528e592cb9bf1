/* Keys from the network: a key URL fetched over https (http only with
 * --insecure-allow-http), and --prefix with no key: the prefix's
 * ac-discovery-pubkeys found by meta discovery, as rkt trust did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "discovery.h"
#include "http.h"
#include "trust.h"
#include "xalloc.h"

#define KEY_URL_MAX (1 << 20)

static int http_setup(const struct trust_opts *o, struct http_opts *h, struct authd *a,
		      struct err *e)
{
	memset(h, 0, sizeof *h);
	if (authd_load(a, o->ks.system_config, o->ks.local_config, e) < 0)
		return -1;
	h->auth = a;
	h->allow_http = o->allow_http;
	return 0;
}

int trust_fetch_url(const struct trust_opts *o, const char *url, char **data, size_t *n,
		    struct err *e)
{
	struct http_opts h;
	struct authd a;
	struct http_resp r;
	struct buf b = {0};
	if (http_setup(o, &h, &a, e) < 0)
		return -1;
	int rc = http_get_buf(url, KEY_URL_MAX, &b, &h, &r, e);
	http_resp_free(&r);
	authd_free(&a);
	if (rc < 0) {
		buf_free(&b);
		if (!strncmp(url, "http://", 7) && !o->allow_http)
			err_set(e, "%s: refusing a key over plain http (--insecure-allow-http)",
				url);
		return -1;
	}
	*n = b.len;
	*data = buf_steal(&b);
	return 0;
}

int trust_discover(const struct trust_opts *o, int *declined, struct err *e)
{
	struct disc_app app;
	struct disc_result res;
	struct http_opts h;
	struct authd a;
	if (disc_app_parse(o->prefix, &app, e) < 0)
		return -1;
	if (http_setup(o, &h, &a, e) < 0) {
		disc_app_free(&app);
		return -1;
	}
	int rc = disc_discover(&app, DISC_WANT_KEYS, &h, &res, e);
	authd_free(&a);
	disc_app_free(&app);
	if (rc < 0) {
		for (size_t i = 0; i < res.n_tried; i++)
			warnx_("tried %s", res.tried[i]);
		disc_result_free(&res);
		return -1;
	}
	int failed = 0;
	for (size_t i = 0; i < res.n_keys; i++) {
		warnx_("prefix \"%s\": public keys at %s", o->prefix, res.keys[i]);
		if (trust_add(o, res.keys[i], declined, e) < 0) {
			warnx_("%s", e->msg);
			failed++;
		}
	}
	disc_result_free(&res);
	return failed ? err_set(e, "%d of the discovered key sources failed", failed) : 0;
}
