/* The pod's PID 1: new mount, UTS, IPC (and net) namespaces, every app's
 * root assembled under stage1/rootfs, a pivot into it, then the apps are
 * resolved (user, environment, capabilities, seccomp) and supervised.
 * Order matters and follows bubblewrap's: "/" becomes a slave first so
 * nothing we mount propagates to the host. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"
#include "xalloc.h"

static int sync_wait(int fd, char want)
{
	char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 && c == want ? 0 : -1;
}

/* What confines an app, from its finished root and its isolators: user,
 * groups and HOME, capability and seccomp sets. Also used by enter, so an
 * entered command gets exactly what the app has. */
int s1_app_confine(struct s1_app *app, struct err *e)
{
	_cleanup_free_ char *root = xasprintf("/opt/stage2/%s/rootfs", app->name);
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_sys(e, "app %s: %s", app->name, root);
	int r = s1_resolve_user(app, rootfd, e);
	close(rootfd);
	if (r < 0)
		return -1;
	if (caps_compute(&app->iso, &app->capmask, e) < 0)
		return err_wrap(e, "app %s: isolator os/linux/capabilities", app->name);
	if (seccomp_build(&app->iso, &app->seccomp, e) < 0)
		return err_wrap(e, "app %s: isolator os/linux/seccomp", app->name);
	return 0;
}

/* Per-app work that needs the finished root: its confinement, then the
 * environment (which needs HOME), also written for pod-enter. */
static int resolve_app(struct s1_pod *pod, struct s1_app *app, struct err *e)
{
	int r;
	if (s1_app_confine(app, e) < 0)
		return -1;
	if (s1_build_env(pod, app, e) < 0)
		return err_wrap(e, "app %s", app->name);

	struct buf b = {0};
	for (char **p = app->envp; *p; p++)
		buf_add(&b, *p, strlen(*p) + 1);
	_cleanup_free_ char *dir = xasprintf("apps/%s", app->name);
	_cleanup_free_ char *name = xasprintf("apps/%s/env", app->name);
	if (mkdirat(pod->podfd, dir, 0750) < 0 && errno != EEXIST)
		r = err_sys(e, "app %s: mkdir %s", app->name, dir);
	else
		r = s1_write_bytes(pod->podfd, name, b.data ? b.data : "", b.len, false, e);
	buf_free(&b);
	return r < 0 ? err_wrap(e, "app %s", app->name) : 0;
}

/* --interactive: a pty of the app's own devpts; the master goes to the
 * outer process, which relays it to the user's terminal. */
static int give_terminal(struct s1_pod *pod, int sync_fd, struct err *e)
{
	_cleanup_free_ char *root =
	    xasprintf("stage1/rootfs/opt/stage2/%s/rootfs", pod->apps[0].name);
	int master, rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_sys(e, "%s", root);
	int r = tty_open_pty(rootfd, &master, &pod->tty_slave, e);
	close(rootfd);
	if (r < 0)
		return err_wrap(e, "--interactive");
	r = tty_send_fd(sync_fd, master);
	close(master);
	return r < 0 ? err_sys(e, "--interactive: pass the terminal") : 0;
}

static int setup(struct s1_pod *pod, int sync_fd, struct err *e)
{
	int nsflags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	if (pod->opt->net != S1_NET_HOST)
		nsflags |= CLONE_NEWNET;
	if (unshare(nsflags) < 0)
		return err_sys(e, "unshare");
	/* Namespaces exist: the outer process writes `pid` and, when the
	 * network needs it, sets it up before letting us go on. */
	if (write(sync_fd, "N", 1) != 1 ||
	    (s1_net_outer_needed(pod) && sync_wait(sync_fd, 'G') < 0))
		return err_set(e, "lost the outer stage1 process");
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return err_sys(e, "make / a slave mount");
	/* The pod dir fd came from the host's mount namespace; mounts need
	 * ours (the cwd moved into it with unshare). */
	int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "the pod directory");
	dup3(fd, pod->podfd, O_CLOEXEC);
	close(fd);
	if (s1_net_pod_setup(pod, e) < 0)
		return -1;
	if (sethostname(pod->hostname, strlen(pod->hostname)) < 0)
		return err_sys(e, "hostname \"%s\"", pod->hostname);
	s1_dbg("namespaces made");
	if (mount("stage1/rootfs", "stage1/rootfs", NULL, MS_BIND, NULL) < 0)
		return err_sys(e, "bind stage1/rootfs");
	if (s1_prepare_empty_volumes(pod, e) < 0)
		return -1;
	umask(0);
	for (size_t i = 0; i < pod->napps; i++)
		if (s1_setup_app_root(pod, &pod->apps[i], e) < 0)
			return -1;
	umask(022);
	if (pod->opt->interactive && isatty(0) && give_terminal(pod, sync_fd, e) < 0)
		return -1;
	pod->hostproc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pod->hostproc < 0)
		return err_sys(e, "/proc");
	s1_dbg("app roots ready");
	if (s1_pivot(pod, e) < 0)
		return -1;
	s1_dbg("pivoted into stage1/rootfs");
	for (size_t i = 0; i < pod->napps; i++)
		if (resolve_app(pod, &pod->apps[i], e) < 0)
			return -1;
	s1_dbg("apps resolved");
	return 0;
}

void s1_pod_init(struct s1_pod *pod, int sync_fd)
{
	struct err e = {0};
	/* The pod dies with the outer stage1 process (and so with pod-run). */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Apps must not reach our host fds through /proc/1/fd. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Out of the terminal's foreground group: a ^C reaches the outer
	 * process, which forwards it once. */
	setsid();
	if (setup(pod, sync_fd, &e) < 0) {
		fprintf(stderr, "stage1: %s\n", e.msg);
		_exit(1);
	}
	close(sync_fd);
	_exit(s1_supervise(pod));
}
