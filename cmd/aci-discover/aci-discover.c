/* aci-discover: an app name and labels -> ACI, signature and public-key URLs
 * by appc meta discovery (spec/discovery.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "discovery.h"
#include "err.h"
#include "jsonw.h"
#include "opt.h"
#include "xalloc.h"

#define USAGE                                                                                      \
	"aci-discover [--insecure-options=http[,tls]] [--json] [--pubkeys-only] [--debug]\n"        \
	"             [--system-config=DIR] [--local-config=DIR] NAME[,label=value...]\n"

/* rkt's --insecure-options: a comma list of none, image, tls, ondisk, http,
 * pubkey, capabilities, paths, seccomp, all-fetch, all-run, all. Only http
 * and tls mean something here; the rest are accepted for compatibility. */
static int parse_insecure(const char *s, struct http_opts *o)
{
	static const char *known[] = {"none",  "image",  "tls",	  "ondisk",    "http",	   "pubkey",
				      "capabilities", "paths", "seccomp", "all-fetch", "all-run", "all"};
	char *copy = xstrdup(s), *save = NULL;
	int r = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			ok |= !strcmp(t, known[i]);
		if (!ok)
			r = -1;
		if (!strcmp(t, "http") || !strncmp(t, "all", 3))
			o->allow_http = true;
		if (!strcmp(t, "tls") || !strncmp(t, "all", 3))
			o->insecure_tls = true;
	}
	free(copy);
	return r;
}

/* A version=latest we added fills templates but is not asked of the image. */
static bool skip_label(const struct disc_app *app, size_t i)
{
	return app->version_defaulted && !strcmp(app->labels[i].name, "version");
}

static void print_text(const struct disc_app *app, const struct disc_result *res)
{
	printf("name %s\n", app->name);
	for (size_t i = 0; i < app->n_labels; i++)
		if (!skip_label(app, i))
			printf("label %s=%s\n", app->labels[i].name, app->labels[i].value);
	for (size_t i = 0; i < res->n_eps; i++)
		printf("aci %s\nsig %s\n", res->eps[i].aci, res->eps[i].sig);
	for (size_t i = 0; i < res->n_keys; i++)
		printf("pubkeys %s\n", res->keys[i]);
}

static void print_json(const struct disc_app *app, const struct disc_result *res)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, 0);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "name", app->name);
	jsonw_key(&w, "labels");
	jsonw_obj_begin(&w);
	for (size_t i = 0; i < app->n_labels; i++)
		if (!skip_label(app, i))
			jsonw_kstr(&w, app->labels[i].name, app->labels[i].value);
	jsonw_obj_end(&w);
	jsonw_key(&w, "endpoints");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < res->n_eps; i++) {
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "aci", res->eps[i].aci);
		jsonw_kstr(&w, "sig", res->eps[i].sig);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_key(&w, "pubkeys");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < res->n_keys; i++)
		jsonw_str(&w, res->keys[i]);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	buf_addc(&b, '\n');
	fputs(b.data, stdout);
	buf_free(&b);
}

int main(int argc, char **argv)
{
	enum { O_INSECURE = 256, O_JSON, O_DEBUG, O_SYSCFG, O_LOCALCFG, O_PUBKEYS };
	static const struct option longopts[] = {
		{"insecure-options", required_argument, NULL, O_INSECURE},
		{"json", optional_argument, NULL, O_JSON},
		{"pubkeys-only", optional_argument, NULL, O_PUBKEYS},
		{"debug", optional_argument, NULL, O_DEBUG},
		{"system-config", required_argument, NULL, O_SYSCFG},
		{"local-config", required_argument, NULL, O_LOCALCFG},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct http_opts o = {0};
	struct rkt_paths paths;
	bool json = false, pubkeys = false;
	int c;
	prog_init(argv[0]);
	rkt_paths_default(&paths);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_INSECURE:
			if (parse_insecure(optarg, &o) < 0)
				die_usage(USAGE);
			break;
		case O_JSON:
			if (opt_bool(optarg, &json) < 0)
				die_usage(USAGE);
			break;
		case O_PUBKEYS:
			if (opt_bool(optarg, &pubkeys) < 0)
				die_usage(USAGE);
			break;
		case O_DEBUG:
			if (opt_bool(optarg, &o.debug) < 0)
				die_usage(USAGE);
			break;
		case O_SYSCFG:
			paths.system_config = optarg;
			break;
		case O_LOCALCFG:
			paths.local_config = optarg;
			break;
		case 'h':
			opt_help("usage: " USAGE);
		default:
			die_usage(USAGE);
		}
	}
	if (optind != argc - 1)
		die_usage(USAGE);

	struct err e = {0};
	struct disc_app app;
	struct authd auth;
	if (disc_app_parse(argv[optind], &app, &e) < 0)
		die_err(&e);
	if (authd_load(&auth, paths.system_config, paths.local_config, &e) < 0)
		die_err(&e);
	o.auth = &auth;

	struct disc_result res;
	int r = disc_discover(&app, pubkeys ? DISC_WANT_KEYS : DISC_WANT_ACI, &o, &res, &e);
	if (r < 0) {
		fprintf(stderr, "%s: %s; tried:\n", prog_name(), e.msg);
		for (size_t i = 0; i < res.n_tried; i++)
			fprintf(stderr, "%s:   %s\n", prog_name(), res.tried[i]);
	} else if (json) {
		print_json(&app, &res);
	} else {
		print_text(&app, &res);
	}
	if (o.debug)
		for (size_t i = 0; r == 0 && i < res.n_tried; i++)
			fprintf(stderr, "%s: tried %s\n", prog_name(), res.tried[i]);
	disc_result_free(&res);
	authd_free(&auth);
	disc_app_free(&app);
	if (fflush(stdout) != 0)
		die_sys("stdout");
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}
