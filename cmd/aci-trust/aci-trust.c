/* aci-trust: add ACI signing keys to the keystore, per prefix or as root keys. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "opt.h"
#include "trust.h"
#include "types.h"
#include "xalloc.h"

#define USAGE                                                                                      \
	"aci-trust [--prefix=PREFIX | --root] [--skip-fingerprint-review]\n"                       \
	"                 [--insecure-allow-http] [--system-config=DIR] [--local-config=DIR]\n"    \
	"                 KEYFILE|URL...\n"                                                        \
	"       aci-trust --list [--no-legend]\n"                                                  \
	"       aci-trust --remove=FINGERPRINT (--prefix=PREFIX | --root)\n"

enum {
	OPT_PREFIX = 256,
	OPT_ROOT,
	OPT_SKIP,
	OPT_HTTP,
	OPT_LIST,
	OPT_REMOVE,
	OPT_NO_LEGEND,
	OPT_SYSCONF,
	OPT_LOCALCONF,
};

static const struct option longopts[] = {
    {"prefix", required_argument, NULL, OPT_PREFIX},
    {"root", optional_argument, NULL, OPT_ROOT},
    {"skip-fingerprint-review", optional_argument, NULL, OPT_SKIP},
    {"insecure-allow-http", optional_argument, NULL, OPT_HTTP},
    {"list", optional_argument, NULL, OPT_LIST},
    {"remove", required_argument, NULL, OPT_REMOVE},
    {"no-legend", optional_argument, NULL, OPT_NO_LEGEND},
    {"system-config", required_argument, NULL, OPT_SYSCONF},
    {"local-config", required_argument, NULL, OPT_LOCALCONF},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void bool_opt(const char *name, const char *arg, bool *out)
{
	if (opt_bool(arg, out) < 0) {
		warnx_("--%s: not a boolean: %s", name, arg);
		die_usage(USAGE);
	}
}

/* A fingerprint as people paste it ("ABCD 1234 ...") -> the keystore's name. */
static char *fpr_normalize(const char *s)
{
	struct buf b = {0};
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			buf_addc(&b, (char)tolower((unsigned char)*s));
	return buf_steal(&b);
}

static int do_remove(const struct trust_opts *o, const char *fpr_arg)
{
	struct err e = {0};
	_cleanup_free_ char *fpr = fpr_normalize(fpr_arg), *path = NULL;
	if (keystore_remove(&o->ks, o->prefix, fpr, &path, &e) < 0)
		die_err(&e);
	printf("%s\n", path);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct trust_opts o = {0};
	struct rkt_paths paths;
	bool root = false, list = false, legend = true, v;
	const char *remove = NULL;
	int c;

	prog_init(argv[0]);
	rkt_paths_default(&paths);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PREFIX:
			o.prefix = optarg;
			break;
		case OPT_ROOT:
			bool_opt("root", optarg, &root);
			break;
		case OPT_SKIP:
			bool_opt("skip-fingerprint-review", optarg, &o.skip_review);
			break;
		case OPT_HTTP:
			bool_opt("insecure-allow-http", optarg, &o.allow_http);
			break;
		case OPT_LIST:
			bool_opt("list", optarg, &list);
			break;
		case OPT_REMOVE:
			remove = optarg;
			break;
		case OPT_NO_LEGEND:
			bool_opt("no-legend", optarg, &v);
			legend = !v;
			break;
		case OPT_SYSCONF:
			paths.system_config = optarg;
			break;
		case OPT_LOCALCONF:
			paths.local_config = optarg;
			break;
		case 'h':
			opt_help("usage: " USAGE);
		default:
			die_usage(USAGE);
		}
	}
	o.ks.system_config = paths.system_config;
	o.ks.local_config = paths.local_config;
	if (o.prefix && !*o.prefix)
		o.prefix = NULL; /* rkt: an empty prefix is no prefix */
	if (o.prefix && root) {
		warnx_("--prefix and --root exclude each other");
		die_usage(USAGE);
	}
	if (o.prefix && !ac_identifier_valid(o.prefix))
		die_code(EXIT_USAGE, "invalid prefix \"%s\": not an AC identifier", o.prefix);

	if (list) {
		struct err e = {0};
		if (remove || optind < argc)
			die_usage(USAGE);
		if (trust_list(&o.ks, legend, &e) < 0)
			die_err(&e);
		return EXIT_OK;
	}
	if (remove) {
		if ((!o.prefix && !root) || optind < argc) {
			warnx_("--remove needs --prefix=PREFIX or --root, and no key argument");
			die_usage(USAGE);
		}
		return do_remove(&o, remove);
	}
	if (optind == argc) {
		if (!o.prefix)
			die_usage(USAGE);
		struct err e = {0};
		int declined = 0;
		if (trust_discover(&o, &declined, &e) < 0)
			die_err(&e);
		return declined ? EXIT_FAIL : EXIT_OK;
	}
	if (!o.prefix && !root)
		die_code(EXIT_USAGE, "--root is required to trust a key for every image name "
				     "(or give --prefix=PREFIX)");

	int failed = 0, declined = 0;
	for (int i = optind; i < argc; i++) {
		struct err e = {0};
		if (trust_add(&o, argv[i], &declined, &e) < 0) {
			warnx_("%s", e.msg);
			failed++;
		}
	}
	return failed || declined ? EXIT_FAIL : EXIT_OK;
}
