/* stage1's init: the entry point pod-run execs in the pod directory with
 * the pod lock open (see rkt-stage1(5)). It reads the pod, then hands over
 * to the outer process (ns.c), which starts the pod's PID 1 (pod1.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "opt.h"
#include "pod.h"
#include "stage1.h"
#include "xalloc.h"

#define USAGE                                                                                      \
	"usage: init [--debug] [--net=host|none|default|NAME[,NAME...]] [--interactive]\n"         \
	"            [--mds-register] [--dir=DATADIR] [--local-config=DIR]\n"                      \
	"            [--system-config=DIR] [--lock-fd=N] UUID\n"                                   \
	"Run the pod whose directory is the current directory (rkt-stage1(5)).\n"

enum { O_DEBUG = 256, O_NET, O_INTERACTIVE, O_MDS, O_DIR, O_LOCAL, O_SYSTEM, O_LOCKFD };

static const struct option longopts[] = {
    {"debug", optional_argument, NULL, O_DEBUG},
    {"net", optional_argument, NULL, O_NET},
    {"interactive", optional_argument, NULL, O_INTERACTIVE},
    {"mds-register", optional_argument, NULL, O_MDS},
    {"dir", required_argument, NULL, O_DIR},
    {"local-config", required_argument, NULL, O_LOCAL},
    {"system-config", required_argument, NULL, O_SYSTEM},
    {"lock-fd", required_argument, NULL, O_LOCKFD},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void parse_net(struct s1_opts *o, const char *v)
{
	if (!v || !*v || !strcmp(v, "host") || !strcmp(v, "true")) {
		o->net = S1_NET_HOST;
	} else if (!strcmp(v, "none") || !strcmp(v, "false")) {
		o->net = S1_NET_NONE;
	} else {
		o->net = S1_NET_CNI;
		o->net_names = v; /* in argv, which outlives the pod */
	}
}

static void flag(const char *name, const char *arg, bool *out)
{
	if (opt_bool(arg, out) < 0) {
		warnx_("--%s: \"%s\" is not a boolean", name, arg);
		die_usage(USAGE);
	}
}

static void parse_opts(int argc, char **argv, struct s1_opts *o)
{
	int c;
	char *end;
	struct rkt_paths paths;
	rkt_paths_default(&paths);
	o->dir = paths.dir;
	o->local_config = paths.local_config;
	o->system_config = paths.system_config;
	o->lock_fd = -1;
	o->net = S1_NET_HOST;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			opt_help(USAGE);
		case O_DEBUG:
			flag("debug", optarg, &o->debug);
			break;
		case O_NET:
			parse_net(o, optarg);
			break;
		case O_INTERACTIVE:
			flag("interactive", optarg, &o->interactive);
			break;
		case O_MDS:
			flag("mds-register", optarg, &o->mds_register);
			break;
		case O_DIR:
			o->dir = optarg;
			break;
		case O_LOCAL:
			o->local_config = optarg;
			break;
		case O_SYSTEM:
			o->system_config = optarg;
			break;
		case O_LOCKFD:
			errno = 0;
			o->lock_fd = (int)strtol(optarg, &end, 10);
			if (errno || *end || o->lock_fd < 0) {
				warnx_("--lock-fd: \"%s\" is not a file descriptor", optarg);
				die_usage(USAGE);
			}
			break;
		default:
			die_usage(USAGE);
		}
	}
	if (optind != argc - 1) {
		warnx_("expected one pod UUID");
		die_usage(USAGE);
	}
	o->uuid = argv[optind];
	if (!pod_uuid_valid(o->uuid)) {
		warnx_("\"%s\" is not a pod UUID", o->uuid);
		die_usage(USAGE);
	}
	const char *t = getenv("RKT_STAGE1_STOP_TIMEOUT");
	o->stop_timeout_ms = S1_STOP_TIMEOUT_MS;
	if (t && *t) {
		o->stop_timeout_ms = opt_duration_ms(t);
		if (o->stop_timeout_ms < 0)
			die("RKT_STAGE1_STOP_TIMEOUT: \"%s\" is not a duration", t);
	}
}

int main(int argc, char **argv)
{
	struct s1_opts opt = {0};
	struct s1_pod pod = {0};
	struct err e = {0};

	const char *base = strrchr(argv[0], '/');
	if (!strcmp(base ? base + 1 : argv[0], "enter"))
		return s1_enter_main(argc, argv);
	prog_init("stage1");
	parse_opts(argc, argv, &opt);
	s1_debug = opt.debug;
	if (opt.lock_fd >= 0 && fcntl(opt.lock_fd, F_GETFD) < 0)
		die("--lock-fd=%d: not an open file descriptor", opt.lock_fd);
	if (geteuid() != 0)
		die("must run as root");

	pod.opt = &opt;
	pod.uuid = xstrdup(opt.uuid);
	pod.hostproc = -1;
	pod.tty_slave = -1;
	pod.podfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pod.path = getcwd(NULL, 0);
	if (pod.podfd < 0 || !pod.path)
		die_sys("the pod directory");
	if (s1_load(&pod, &e) < 0)
		die_err(&e);
	if (opt.interactive && pod.napps != 1)
		die("--interactive: the pod has %zu apps; only a single app can have the terminal",
		    pod.napps);
	s1_dbg("pod %s: %zu app(s), hostname %s, net %s", pod.uuid, pod.napps, pod.hostname,
	       opt.net == S1_NET_HOST ? "host" : "none");
	int code = s1_run_outer(&pod);
	s1_pod_free(&pod);
	return code;
}
