/* pod-enter: run a command inside a running pod, in one app's context. The
 * entering itself is the pod's stage1's job (its rootfs/enter, as rkt's
 * stage1 enter entry point): it knows how the pod was built. pod-enter finds
 * the pod, checks it is running, picks the app, and execs it with nothing of
 * ours open but stdin, stdout and stderr. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "opt.h"
#include "pod.h"
#include "podinfo.h"
#include "xalloc.h"

#define USAGE "pod-enter [--dir=DIR] [--app=NAME] UUID [CMD [ARGS...]]\n"

static const char *pick_app(const struct podinfo *pi, const char *want)
{
	if (want) {
		for (size_t i = 0; i < pi->n_apps; i++)
			if (!strcmp(pi->apps[i].name, want))
				return want;
		die("pod %s has no app %s", pi->uuid, want);
	}
	if (pi->n_apps == 1)
		return pi->apps[0].name;
	struct buf b = {0};
	for (size_t i = 0; i < pi->n_apps; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", pi->apps[i].name);
	die("pod %s has several apps (%s): choose one with --app", pi->uuid, b.data ? b.data : "");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"app", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rkt_paths paths;
	const char *dir, *app = NULL;
	int c;
	prog_init(argv[0]);
	rkt_paths_default(&paths);
	dir = paths.dir;
	/* "+": options end at the UUID; the command's own flags are its own */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'a': app = optarg; break;
		case 'h': opt_help("usage: " USAGE);
		default: die_usage(USAGE);
		}
	}
	if (optind >= argc)
		die_usage(USAGE);

	struct pod_dir d;
	struct pod p;
	struct podinfo pi;
	struct err e = {0};
	if (pod_dir_open(&d, dir, false, &e) < 0 || pod_open(&d, argv[optind], &p, &e) < 0 ||
	    podinfo_read(&p, &pi, &e) < 0)
		die_err(&e);
	if (pi.status != POD_S_RUNNING)
		die("pod %s is %s, not running", p.uuid, pod_status_name(pi.status));
	app = pick_app(&pi, app);
	if (fchdir(p.fd) < 0)
		die_sys("pod %s", p.uuid);

	char **args = xcalloc((size_t)(argc - optind) + 5, sizeof *args);
	size_t n = 0;
	args[n++] = "enter";
	args[n++] = xasprintf("--app=%s", app);
	args[n++] = "--";
	if (optind + 1 < argc)
		for (int i = optind + 1; i < argc; i++)
			args[n++] = argv[i];
	else
		args[n++] = "/bin/sh";
	/* every fd of ours is close-on-exec; make sure of it for inherited ones */
	if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) < 0)
		for (int fd = 3; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	execv("stage1/rootfs/enter", args);
	die_sys("pod %s: exec its stage1's enter", p.uuid);
}
