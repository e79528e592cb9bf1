/* stage1's enter entry point (rootfs/enter -> init): run a command in a
 * running app's context, as rkt's stage1 enter does. pod-enter execs it with
 * the pod directory as cwd. The command gets exactly what the app has: the
 * pod's namespaces and the app's cgroups (taken from the app's own process),
 * the app's root, user, groups, capabilities, no_new_privs, seccomp filter
 * and environment; no host fd and no host directory reach it, and the app
 * cannot inspect it before it execs (undumpable). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "opt.h"
#include "stage1.h"
#include "xalloc.h"

#define ENTER_USAGE "usage: enter --app=NAME [--] CMD [ARGS...]\n"

extern char **environ;

static const char *const ns_names[] = {"cgroup", "ipc", "uts", "net", "pid", "mnt"};
#define NNS (sizeof ns_names / sizeof *ns_names)

static pid_t app_pid(struct s1_pod *pod, const char *app, struct err *e)
{
	_cleanup_free_ char *name = xasprintf("apps/%s/pid", app);
	_cleanup_free_ char *txt = NULL;
	if (file_read_at(pod->podfd, name, 64, &txt, NULL, e) < 0)
		return err_wrap(e, "app %s is not running", app);
	long pid = strtol(txt, NULL, 10);
	if (pid <= 1 || kill((pid_t)pid, 0) < 0)
		return err_set(e, "app %s is not running", app);
	return (pid_t)pid;
}

/* Join the cgroups the app's process is in: /proc/PID/cgroup lists
 * "hierarchy:controllers:path"; v1 controllers are mounted under
 * /sys/fs/cgroup/<controllers>, v2 at /sys/fs/cgroup or .../unified. */
static int join_cgroups(pid_t pid, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/cgroup", (int)pid);
	_cleanup_free_ char *txt = NULL;
	if (file_read(path, 1 << 16, &txt, NULL, e) < 0)
		return -1;
	for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || !strcmp(c2 + 1, "/"))
			continue;
		*c2 = '\0';
		const char *ctrl = c1 + 1, *cg = c2 + 1;
		if (!strncmp(ctrl, "name=", 5))
			ctrl += 5;
		_cleanup_free_ char *v1 = xasprintf("/sys/fs/cgroup/%s%s/cgroup.procs", ctrl, cg);
		_cleanup_free_ char *v2 = xasprintf("/sys/fs/cgroup%s/cgroup.procs", cg);
		_cleanup_free_ char *v2u = xasprintf("/sys/fs/cgroup/unified%s/cgroup.procs", cg);
		const char *cands[] = {*ctrl ? v1 : v2u, *ctrl ? NULL : v2};
		int joined = 0;
		for (size_t i = 0; i < 2 && !joined; i++) {
			if (!cands[i])
				continue;
			int fd = open(cands[i], O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			joined = write(fd, "0", 1) == 1;
			close(fd);
		}
		/* the limits stage1 sets live in memory and cpu: those must hold */
		if (!joined && (strstr(ctrl, "memory") || strstr(ctrl, "cpu") || !*ctrl))
			return err_set(e, "cannot join the app's %s cgroup %s", *ctrl ? ctrl : "v2",
				       cg);
	}
	return 0;
}

static int open_ns(pid_t pid, int fds[NNS], struct err *e)
{
	for (size_t i = 0; i < NNS; i++) {
		_cleanup_free_ char *p = xasprintf("/proc/%d/ns/%s", (int)pid, ns_names[i]);
		fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return err_sys(e, "%s", p);
	}
	return 0;
}

/* The app's final environment as stage1 wrote it (NUL-separated). */
static char **read_env(struct s1_pod *pod, const char *app, struct err *e)
{
	_cleanup_free_ char *name = xasprintf("apps/%s/env", app);
	char *txt;
	size_t len, n = 0;
	if (file_read_at(pod->podfd, name, 1 << 20, &txt, &len, e) < 0)
		return NULL;
	char **env = xcalloc(len + 1, sizeof *env);
	for (size_t i = 0; i < len; i += strlen(txt + i) + 1)
		env[n++] = xstrdup(txt + i);
	free(txt);
	return env;
}

static int prepare(struct s1_pod *pod, struct s1_app *app, int nsfd[NNS], struct err *e)
{
	pid_t pid = app_pid(pod, app->name, e);
	if (pid < 0 || open_ns(pid, nsfd, e) < 0 || join_cgroups(pid, e) < 0)
		return -1;
	if (!(app->envp = read_env(pod, app->name, e)))
		return -1;
	for (size_t i = 0; i < NNS; i++) {
		/* a pod without its own cgroup/net namespace shares the host's:
		 * setns to it changes nothing */
		if (setns(nsfd[i], 0) < 0)
			return err_sys(e, "join the pod's %s namespace", ns_names[i]);
	}
	if (s1_app_confine(app, e) < 0)
		return -1;
	app->cg_fd[0] = app->cg_fd[1] = -1; /* joined above */
	return 0;
}

static int wait_child(pid_t child)
{
	int st;
	signal(SIGINT, SIG_IGN); /* the terminal's signals are the command's */
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			die_sys("wait");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int s1_enter_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"app", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *appname = NULL;
	int c;
	prog_init("stage1 enter");
	/* Until the command execs, the child below holds the pod dir and the
	 * namespace fds and our environment, as the app's user: undumpable, so
	 * the app cannot reach them through /proc/PID/{fd,cwd,environ} or
	 * ptrace (execve makes the command dumpable again, without them). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_sys("prctl PR_SET_DUMPABLE");
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'a')
			appname = optarg;
		else if (c == 'h')
			opt_help(ENTER_USAGE);
		else
			die_usage(ENTER_USAGE);
	}
	if (!appname || optind >= argc)
		die_usage(ENTER_USAGE);

	struct s1_opts opt = {.lock_fd = -1};
	struct s1_pod pod = {.opt = &opt, .hostproc = -1, .tty_slave = -1};
	struct err e = {0};
	int nsfd[NNS];
	pod.podfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pod.podfd < 0)
		die_sys("the pod directory");
	if (s1_load(&pod, &e) < 0)
		die_err(&e);
	struct s1_app *app = NULL;
	for (size_t i = 0; i < pod.napps; i++)
		if (!strcmp(pod.apps[i].name, appname))
			app = &pod.apps[i];
	if (!app)
		die("pod has no app %s", appname);
	if (prepare(&pod, app, nsfd, &e) < 0)
		die_err(&e);
	/* joining a pid namespace takes effect in children */
	pid_t child = fork();
	if (child < 0)
		die_sys("fork");
	if (child == 0) {
		if (s1_child_setup(&pod, app, false, &e) < 0)
			die_err(&e);
		environ = app->envp;
		execvpe(argv[optind], argv + optind, app->envp);
		die_sys("exec %s", argv[optind]);
	}
	/* _exit: nothing is left to flush, and LeakSanitizer's check at exit
	 * hangs in a process that joined another PID namespace (make asan). */
	_exit(wait_child(child));
}
