/* pod-status: list pods, or show one pod's state; --wait for it to exit or
 * --wait-ready for it to run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "opt.h"
#include "pod-status.h"
#include "podinfo.h"
#include "xalloc.h"

#define USAGE                                                                              \
	"pod-status [--dir=DIR] [--no-legend] [--full] [--format=table|json|json-pretty]\n"  \
	"       pod-status [--dir=DIR] [--wait[=DURATION] | --wait-ready[=DURATION]]\n"       \
	"                  [--format=kv|json|json-pretty] UUID\n"                       \
	"       pod-status [--dir=DIR] --manifest UUID\n"

static enum format parse_format(const char *s)
{
	if (!strcmp(s, "json"))
		return FMT_JSON;
	if (!strcmp(s, "json-pretty"))
		return FMT_JSON_PRETTY;
	if (!strcmp(s, "table") || !strcmp(s, "kv") || !strcmp(s, ""))
		return FMT_DEFAULT;
	die_usage("--format: expected table, kv, json or json-pretty");
}

static void parse_wait(struct opts *o, int kind, const char *arg)
{
	bool b;
	o->wait = kind;
	o->wait_ms = -1;
	if (!arg || opt_bool(arg, &b) == 0) {
		if (arg && !b)
			o->wait = 0;
		return;
	}
	o->wait_ms = opt_duration_ms(arg);
	if (o->wait_ms < 0)
		die_usage(kind == 1 ? "--wait: expected a boolean or a duration"
				    : "--wait-ready: expected a boolean or a duration");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"no-legend", optional_argument, NULL, 'n'},
		{"full", optional_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'F'},
		{"wait", optional_argument, NULL, 'w'},
		{"wait-ready", optional_argument, NULL, 'r'},
		{"manifest", no_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rkt_paths paths;
	struct opts o = {0};
	int c;
	prog_init(argv[0]);
	rkt_paths_default(&paths);
	o.dir = paths.dir;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'n':
			if (opt_bool(optarg, &o.no_legend) < 0)
				die_usage("--no-legend: expected true or false");
			break;
		case 'f':
			if (opt_bool(optarg, &o.full) < 0)
				die_usage("--full: expected true or false");
			break;
		case 'F': o.format = parse_format(optarg); break;
		case 'w': parse_wait(&o, 1, optarg); break;
		case 'r': parse_wait(&o, 2, optarg); break;
		case 'M': o.manifest = true; break;
		case 'h': opt_help("usage: " USAGE);
		default: die_usage(USAGE);
		}
	}
	if (argc - optind > 1 || ((o.wait || o.manifest) && argc - optind != 1))
		die_usage(USAGE);

	struct pod_dir d;
	struct err e = {0};
	if (pod_dir_open(&d, o.dir, false, &e) < 0)
		die_err(&e);
	if (optind == argc)
		status_list(&d, &o);
	else if (o.manifest)
		status_manifest(&d, argv[optind]);
	else if (o.wait)
		status_wait(&d, argv[optind], &o);
	else
		status_show(&d, argv[optind], &o);
	pod_dir_close(&d);
	return 0;
}
