/* cas-store: the content-addressed image store and its tree store. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas-store.h"
#include "file.h"
#include "opt.h"
#include "xalloc.h"

static const char usage[] =
    "usage: cas-store [--dir=DIR] import FILE|-\n"
    "       cas-store [--dir=DIR] list [--no-legend] [--fields=F,...] [--format=json] [--full]\n"
    "       cas-store [--dir=DIR] resolve [--label=NAME=VALUE]... REF\n"
    "       cas-store [--dir=DIR] cat-manifest REF\n"
    "       cas-store [--dir=DIR] export REF OUT|-\n"
    "       cas-store [--dir=DIR] extract [--rootfs-only] [--overwrite] REF DIR\n"
    "       cas-store [--dir=DIR] render [--verify] REF\n"
    "       cas-store [--dir=DIR] rm REF...\n"
    "       cas-store [--dir=DIR] verify\n"
    "       cas-store [--dir=DIR] gc [--grace-period=DURATION] [--dry-run]\n"
    "REF is an image ID, an unambiguous ID prefix or NAME[:VERSION] (with --label).\n";

enum {
	OPT_DIR = 256,
	OPT_NO_LEGEND,
	OPT_FIELDS,
	OPT_FORMAT,
	OPT_FULL,
	OPT_LABEL,
	OPT_ROOTFS_ONLY,
	OPT_OVERWRITE,
	OPT_VERIFY,
	OPT_GRACE,
	OPT_DRY_RUN,
};

static const struct option longopts[] = {
    {"dir", required_argument, NULL, OPT_DIR},
    {"no-legend", optional_argument, NULL, OPT_NO_LEGEND},
    {"fields", required_argument, NULL, OPT_FIELDS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"full", optional_argument, NULL, OPT_FULL},
    {"label", required_argument, NULL, OPT_LABEL},
    {"rootfs-only", optional_argument, NULL, OPT_ROOTFS_ONLY},
    {"overwrite", optional_argument, NULL, OPT_OVERWRITE},
    {"verify", optional_argument, NULL, OPT_VERIFY},
    {"grace-period", required_argument, NULL, OPT_GRACE},
    {"dry-run", optional_argument, NULL, OPT_DRY_RUN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void bool_opt(const char *name, const char *arg, bool *out)
{
	if (opt_bool(arg, out) < 0) {
		warnx_("--%s: not a boolean: %s", name, arg);
		die_usage(usage + 7);
	}
}

static void add_label(struct cs_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		warnx_("--label: want NAME=VALUE, got %s", arg);
		die_usage(usage + 7);
	}
	o->labels = xreallocarray(o->labels, o->nlabels + 1, sizeof *o->labels);
	o->labels[o->nlabels].name = xstrndup(arg, (size_t)(eq - arg));
	o->labels[o->nlabels].value = xstrdup(eq + 1);
	o->nlabels++;
}

static const struct {
	const char *name;
	int (*fn)(struct cs_opts *o, int argc, char **argv);
	int min, max; /* operands; max -1: any */
	enum cas_mode mode;
} cmds[] = {
    {"import", cs_import, 1, 1, CAS_SHARED},   {"list", cs_list, 0, 0, CAS_SHARED},
    {"resolve", cs_resolve, 1, 1, CAS_SHARED}, {"cat-manifest", cs_cat_manifest, 1, 1, CAS_SHARED},
    {"export", cs_export, 2, 2, CAS_SHARED},   {"extract", cs_extract, 2, 2, CAS_SHARED},
    {"render", cs_render, 1, 1, CAS_SHARED},   {"rm", cs_rm, 1, -1, CAS_EXCLUSIVE},
    {"verify", cs_verify, 0, 0, CAS_SHARED},   {"gc", cs_gc, 0, 0, CAS_EXCLUSIVE},
};

int main(int argc, char **argv)
{
	struct cs_opts o = {.grace_ms = 24LL * 3600 * 1000};
	struct rkt_paths paths;
	int c;
	prog_init(argv[0]);
	rkt_paths_default(&paths);
	o.dir = paths.dir;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DIR:
			o.dir = optarg;
			break;
		case OPT_NO_LEGEND:
			bool_opt("no-legend", optarg, &o.no_legend);
			break;
		case OPT_FIELDS:
			o.fields = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "json-pretty") &&
			    strcmp(optarg, "text")) {
				warnx_("--format: want text, json or json-pretty, got %s", optarg);
				die_usage(usage + 7);
			}
			o.format = optarg;
			break;
		case OPT_FULL:
			bool_opt("full", optarg, &o.full);
			break;
		case OPT_LABEL:
			add_label(&o, optarg);
			break;
		case OPT_ROOTFS_ONLY:
			bool_opt("rootfs-only", optarg, &o.rootfs_only);
			break;
		case OPT_OVERWRITE:
			bool_opt("overwrite", optarg, &o.overwrite);
			break;
		case OPT_VERIFY:
			bool_opt("verify", optarg, &o.verify);
			break;
		case OPT_DRY_RUN:
			bool_opt("dry-run", optarg, &o.dry_run);
			break;
		case OPT_GRACE:
			o.grace_ms = opt_duration_ms(optarg);
			if (o.grace_ms < 0) {
				warnx_("--grace-period: not a duration: %s", optarg);
				die_usage(usage + 7);
			}
			break;
		case 'h':
			opt_help(usage);
		default:
			warnx_("unknown option or missing argument: %s", argv[optind - 1]);
			die_usage(usage + 7);
		}
	}
	if (optind >= argc)
		die_usage(usage + 7);
	const char *sub = argv[optind++];
	int nargs = argc - optind;
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		if (strcmp(sub, cmds[i].name) != 0)
			continue;
		if (nargs < cmds[i].min || (cmds[i].max >= 0 && nargs > cmds[i].max)) {
			warnx_("%s: wrong number of arguments", sub);
			die_usage(usage + 7);
		}
		struct err e = {0};
		if (cas_open(&o.cas, o.dir, cmds[i].mode, &e) < 0)
			die_err(&e);
		int r = cmds[i].fn(&o, nargs, argv + optind);
		cas_close(&o.cas);
		for (size_t l = 0; l < o.nlabels; l++) {
			free(o.labels[l].name);
			free(o.labels[l].value);
		}
		free(o.labels);
		return r;
	}
	warnx_("unknown command: %s", sub);
	die_usage(usage + 7);
}
