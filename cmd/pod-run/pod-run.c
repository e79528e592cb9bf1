/* pod-run: run a prepared pod (or prepare images, then run them). Moves the
 * pod prepared -> run holding its lock and execs its stage1 with the lock fd
 * open, so the lock dies with the pod and our exit status is the pod's.
 * See pod-run(1) and CONTRACT.md. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#include "err.h"
#include "file.h"
#include "opt.h"
#include "pod.h"
#include "podprep.h"
#include "xalloc.h"

static const char usage[] =
    "usage: pod-run [--net=host|none|default|NAME[,NAME]...] [--interactive] [--mds-register]\n"
    "               [--dir=PATH] [--local-config=DIR] [--system-config=DIR] [--debug] UUID\n"
    "       pod-run [run flags] [pod-prepare's flags] IMAGE [app flags] [-- ARGS] [--- IMAGE ...]\n"
    "\n"
    "Runs a prepared pod, or prepares the images (see pod-prepare --help) and runs them.\n"
    "Exits with the pod's status: the app's, the first non-zero app's, 128+N for signal N.\n";

/* Does the single argument name a pod (full UUID, or a UUID prefix of an
 * existing pod) rather than an image? */
static bool names_a_pod(const struct prep_opts *o)
{
	if (o->pod_manifest || o->napps != 1)
		return false;
	const struct prep_app *a = &o->apps[0];
	if (a->name || a->exec || a->has_args || a->nenv || a->nmounts || a->user || a->group)
		return false;
	if (pod_uuid_valid(a->image))
		return true;
	struct pod_dir d;
	struct pod p;
	struct err e = {0};
	if (pod_dir_open(&d, o->paths.dir, false, &e) < 0)
		return false;
	bool found = pod_open(&d, a->image, &p, &e) == 0;
	if (found)
		pod_close(&p);
	else if (errno == EEXIST)
		die_err(&e); /* a prefix of several pods: not an image either */
	pod_dir_close(&d);
	return found;
}

__attribute__((noreturn)) static void run_pod(const struct prep_opts *o, const char *ref)
{
	struct pod_dir d;
	struct pod p;
	struct err e = {0};
	if (pod_dir_open(&d, o->paths.dir, false, &e) < 0 || pod_open(&d, ref, &p, &e) < 0)
		die_err(&e);
	if (p.state != POD_PREPARED) {
		int locked = pod_is_locked(&p, &e);
		die("pod %s is not prepared (it is %s)", p.uuid,
		    pod_status_name(pod_status_of(p.state, locked == 1)));
	}
	if (pod_lock(&p, true, &e) < 0)
		die_err(&e);
	if (pod_transition(&p, POD_RUN, &e) < 0)
		die_err(&e);
	if (fchdir(p.fd) < 0)
		die_sys("pod %s: chdir", p.uuid);
	/* The lock fd crosses exec: stage1 holds it for the pod's life. */
	if (fcntl(p.fd, F_SETFD, 0) < 0)
		die_sys("pod %s: lock fd", p.uuid);

	char absdir[PATH_MAX];
	const char *dir = realpath(o->paths.dir, absdir) ? absdir : o->paths.dir;
	char *argv[16];
	int n = 0;
	argv[n++] = "stage1/rootfs/init";
	if (o->debug)
		argv[n++] = "--debug";
	argv[n++] = xasprintf("--net=%s", o->net ? o->net : "default");
	if (o->interactive)
		argv[n++] = "--interactive";
	if (o->mds_register)
		argv[n++] = "--mds-register";
	argv[n++] = xasprintf("--dir=%s", dir);
	argv[n++] = xasprintf("--local-config=%s", o->paths.local_config);
	argv[n++] = xasprintf("--system-config=%s", o->paths.system_config);
	argv[n++] = xasprintf("--lock-fd=%d", p.fd);
	argv[n++] = p.uuid;
	argv[n] = NULL;
	execv(argv[0], argv);
	die_sys("pod %s: exec stage1/rootfs/init", p.uuid);
}

/* pod-prepare with our arguments minus the run flags; its stdout is the
 * UUID. Running the tool (rather than linking its code) keeps pod-run
 * small: the UUID path, every pod's start-up, loads no archive or HTTP
 * library. Exits as pod-prepare did when it fails. */
static void prepare(int argc, char **argv, char uuid[POD_UUID_LEN + 1])
{
	_cleanup_free_ char *tool = prep_tool_path("pod-prepare");
	char **args = prep_strip_run_flags(argc, argv, 1);
	char **pargv = xcalloc((size_t)argc + 2, sizeof *pargv);
	pargv[0] = "pod-prepare";
	for (size_t i = 0; args[i]; i++)
		pargv[i + 1] = args[i];
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		die_sys("pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	pid_t pid;
	int r = posix_spawnp(&pid, tool, &fa, NULL, pargv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	free(args);
	free(pargv);
	if (r != 0) {
		errno = r;
		die_sys("cannot run pod-prepare");
	}
	char *out = NULL;
	size_t len = 0;
	struct err e = {0};
	int rr = file_read_fd(pfd[0], 4096, &out, &len, &e);
	close(pfd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		exit(WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_FAIL);
	if (rr < 0)
		die("reading pod-prepare's output: %s", e.msg);
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	if (!pod_uuid_valid(out))
		die("pod-prepare printed no pod UUID");
	memcpy(uuid, out, POD_UUID_LEN + 1);
	free(out);
}

int main(int argc, char **argv)
{
	prog_init(argv[0]);
	struct prep_opts o = {.run_flags = true};
	struct err e = {0};
	bool help;
	rkt_paths_default(&o.paths);
	if (prep_parse(&o, argc, argv, 1, &help, &e) < 0 && !help)
		die_code(EXIT_USAGE, "%s (see --help)", e.msg);
	if (help)
		opt_help(usage);
	if (names_a_pod(&o))
		run_pod(&o, o.apps[0].image);
	char uuid[POD_UUID_LEN + 1];
	prepare(argc, argv, uuid);
	run_pod(&o, uuid);
}
