/* aci-fetch: images -> verified images in the store, printing their IDs. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd.h"
#include "err.h"
#include "fetch.h"
#include "opt.h"
#include "xalloc.h"

#define USAGE                                                                                      \
	"aci-fetch [--dir=DIR] [--insecure-options=OPT,...] [--signature=FILE|URL]...\n"           \
	"                 [--no-store | --store-only] [--debug]\n"                                 \
	"                 [--system-config=DIR] [--local-config=DIR] IMAGE...\n"                  \
	"       aci-fetch [options] --from-discovery=FILE|-\n"                                     \
	"IMAGE: an https:// or http:// URL, docker://[REGISTRY/]REPO[:TAG],\n"                       \
	"       NAME[,label=value...], PATH or file://PATH\n"

/* Asked in order, first match wins: the local file source, which takes
 * anything that is not a URL, stays last. */
static const struct fetch_source *const sources[] = {
    &fetch_source_http,
    &fetch_source_docker,
    &fetch_source_name,
    &fetch_source_file,
    NULL,
};

enum {
	OPT_DIR = 256,
	OPT_INSECURE,
	OPT_SIG,
	OPT_SYSCONF,
	OPT_LOCALCONF,
	OPT_NO_STORE,
	OPT_STORE_ONLY,
	OPT_DEBUG,
	OPT_FROM_DISC,
};

static const struct option longopts[] = {
    {"dir", required_argument, NULL, OPT_DIR},
    {"insecure-options", required_argument, NULL, OPT_INSECURE},
    {"signature", required_argument, NULL, OPT_SIG},
    {"system-config", required_argument, NULL, OPT_SYSCONF},
    {"local-config", required_argument, NULL, OPT_LOCALCONF},
    {"no-store", optional_argument, NULL, OPT_NO_STORE},
    {"store-only", optional_argument, NULL, OPT_STORE_ONLY},
    {"debug", optional_argument, NULL, OPT_DEBUG},
    {"from-discovery", required_argument, NULL, OPT_FROM_DISC},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const struct {
	const char *name;
	unsigned bits;
} insecure_names[] = {
    {"none", 0},
    {"image", INSECURE_IMAGE},
    {"tls", INSECURE_TLS},
    {"ondisk", INSECURE_ONDISK},
    {"http", INSECURE_HTTP},
    {"pubkey", INSECURE_PUBKEY},
    {"capabilities", INSECURE_CAPABILITIES},
    {"paths", INSECURE_PATHS},
    {"seccomp", INSECURE_SECCOMP},
    {"all-fetch", INSECURE_IMAGE | INSECURE_TLS | INSECURE_HTTP | INSECURE_PUBKEY},
    {"all-run", INSECURE_ONDISK | INSECURE_CAPABILITIES | INSECURE_PATHS | INSECURE_SECCOMP},
    {"all", ~0u},
};

/* "image,tls" -> bits; -1 on an unknown word. */
static int parse_insecure(const char *arg, unsigned *out)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	char *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i, n = sizeof insecure_names / sizeof *insecure_names;
		for (i = 0; i < n && strcmp(w, insecure_names[i].name); i++)
			;
		if (i == n) {
			warnx_("--insecure-options: unknown option \"%s\"", w);
			return -1;
		}
		*out |= insecure_names[i].bits;
	}
	return 0;
}

static const struct fetch_source *source_for(const char *arg)
{
	for (size_t i = 0; sources[i]; i++)
		if (sources[i]->match(arg))
			return sources[i];
	return NULL;
}

int fetch_ref(const struct fetch_opts *o, const struct fetch_source *src, const char *arg,
	      const char *sig, char **id, struct err *e)
{
	struct fetched f = {.image_fd = -1};
	int code = src->fetch(o, arg, sig, &f, e);
	if (code < 0)
		code = EXIT_FAIL;
	if (!code && f.stored_id) { /* a cache hit: already verified and stored */
		*id = f.stored_id;
		f.stored_id = NULL;
	} else if (!code) {
		code = fetch_verify_import(o, &f, id, e);
	}
	if (!code && fetch_after_import(o, &f, *id, e) < 0)
		code = EXIT_FAIL;
	fetched_clear(&f);
	return code;
}

/* Fetch, verify and import one image; prints its ID. Returns an exit code. */
static int fetch_one(const struct fetch_opts *o, const struct fetch_source *src, const char *arg,
		     const char *sig)
{
	struct err e = {0};
	_cleanup_free_ char *id = NULL;
	if (!src)
		src = source_for(arg);
	if (!src) {
		warnx_("%s: unsupported image source", arg);
		return EXIT_FAIL;
	}
	int code = fetch_ref(o, src, arg, sig, &id, &e);
	if (code) {
		warnx_("%s", e.msg);
		return code;
	}
	printf("%s\n", id);
	fflush(stdout);
	return EXIT_OK;
}

static void bool_opt(const char *name, const char *arg, bool *out)
{
	if (opt_bool(arg, out) < 0) {
		warnx_("--%s: not a boolean: %s", name, arg);
		die_usage(USAGE);
	}
}

int main(int argc, char **argv)
{
	struct fetch_opts o = {0};
	struct authd auth;
	const char *from_disc = NULL;
	const char **sigs = NULL;
	size_t nsigs = 0;
	int c;

	prog_init(argv[0]);
	/* a pipe to gpg or to the import thread that closes early is an error
	 * to report (EPIPE), not a reason to die */
	signal(SIGPIPE, SIG_IGN);
	rkt_paths_default(&o.paths);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DIR:
			o.paths.dir = optarg;
			break;
		case OPT_INSECURE:
			if (parse_insecure(optarg, &o.insecure) < 0)
				die_usage(USAGE);
			break;
		case OPT_SIG:
			sigs = xreallocarray(sigs, nsigs + 1, sizeof *sigs);
			sigs[nsigs++] = optarg;
			break;
		case OPT_SYSCONF:
			o.paths.system_config = optarg;
			break;
		case OPT_LOCALCONF:
			o.paths.local_config = optarg;
			break;
		case OPT_NO_STORE:
			bool_opt("no-store", optarg, &o.no_store);
			break;
		case OPT_STORE_ONLY:
			bool_opt("store-only", optarg, &o.store_only);
			break;
		case OPT_DEBUG:
			bool_opt("debug", optarg, &o.debug);
			break;
		case OPT_FROM_DISC:
			from_disc = optarg;
			break;
		case 'h':
			opt_help("usage: " USAGE);
		default:
			die_usage(USAGE);
		}
	}
	if ((optind == argc) == !from_disc)
		die_usage(USAGE);
	if (o.no_store && o.store_only) {
		warnx_("--no-store and --store-only exclude each other");
		die_usage(USAGE);
	}
	/* --signature goes with the images in order: one each, or none. */
	if (from_disc && nsigs > 1)
		die_usage(USAGE);
	if (!from_disc && nsigs && nsigs != (size_t)(argc - optind)) {
		warnx_("%zu --signature for %d images: give one per image, in order", nsigs,
		       argc - optind);
		die_usage(USAGE);
	}
	o.ks.system_config = o.paths.system_config;
	o.ks.local_config = o.paths.local_config;
	struct err e = {0};
	if (authd_load(&auth, o.paths.system_config, o.paths.local_config, &e) < 0)
		die_err(&e);
	o.auth = &auth;
	if (from_disc) {
		int code = fetch_one(&o, &fetch_source_discovered, from_disc, nsigs ? sigs[0] : NULL);
		authd_free(&auth);
		free(sigs);
		return code;
	}

	for (int i = optind; i < argc; i++) {
		int code = fetch_one(&o, NULL, argv[i], nsigs ? sigs[i - optind] : NULL);
		if (code) {
			authd_free(&auth);
			free(sigs);
			return code;
		}
	}
	authd_free(&auth);
	free(sigs);
	return EXIT_OK;
}
