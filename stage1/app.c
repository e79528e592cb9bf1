/* Starting a process of an app (its main exec or an event handler): in a
 * child of the pod's PID 1, join the app's cgroups, chroot into its root,
 * take its user, groups, capabilities, no_new_privs and seccomp filter, and
 * exec. A failure before exec comes back over a close-on-exec pipe, so the
 * parent knows whether the app started. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"
#include "xalloc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

/* apps/<app>/pid: the host PID, which this process learns from the host's
 * procfs (its "self" is in the host's PID namespace). */
static int write_pid_file(struct s1_pod *pod, struct s1_app *app, struct err *e)
{
	char self[32];
	ssize_t n = readlinkat(pod->hostproc, "self", self, sizeof(self) - 1);
	if (n < 0)
		return err_sys(e, "host pid");
	self[n] = '\0';
	_cleanup_free_ char *name = xasprintf("apps/%s/pid", app->name);
	_cleanup_free_ char *data = xasprintf("%s\n", self);
	return s1_write_file(pod->podfd, name, data, false, e);
}

int s1_child_setup(struct s1_pod *pod, struct s1_app *app, bool main, struct err *e)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (s1_cgroup_join(app, e) < 0)
		return -1;
	if (setsid() < 0)
		return err_sys(e, "setsid");
	if (pod->tty_slave >= 0) {
		for (int fd = 0; fd < 3; fd++)
			if (dup2(pod->tty_slave, fd) < 0)
				return err_sys(e, "app %s: terminal", app->name);
		if (main && ioctl(0, TIOCSCTTY, 0) < 0)
			return err_sys(e, "app %s: take the terminal", app->name);
	}
	if (main && pod->hostproc >= 0 && write_pid_file(pod, app, e) < 0)
		return err_wrap(e, "app %s", app->name);

	_cleanup_free_ char *root = xasprintf("/opt/stage2/%s/rootfs", app->name);
	if (chdir(root) < 0 || chroot(".") < 0)
		return err_sys(e, "app %s: chroot %s", app->name, root);
	const char *wd = app->workdir && *app->workdir ? app->workdir : "/";
	if (chdir(wd) < 0)
		return err_sys(e, "app %s: workingDirectory %s", app->name, wd);

	if (setgroups(app->ngroups, app->groups) < 0)
		return err_sys(e, "app %s: setgroups", app->name);
	if (setresgid(app->gid, app->gid, app->gid) < 0)
		return err_sys(e, "app %s: group %u", app->name, (unsigned)app->gid);
	if (caps_bound(app->capmask, app->uid, e) < 0)
		return err_wrap(e, "app %s", app->name);
	if (app->iso.nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(e, "app %s: no_new_privs", app->name);
	/* Without no_new_privs a filter needs CAP_SYS_ADMIN: load it while we
	 * are still root; with it, as late as possible. */
	if (!app->iso.nnp && seccomp_load_ctx(app->seccomp, e) < 0)
		return err_wrap(e, "app %s", app->name);
	if (setresuid(app->uid, app->uid, app->uid) < 0)
		return err_sys(e, "app %s: user %u", app->name, (unsigned)app->uid);
	if (caps_set(app->capmask, app->uid, e) < 0)
		return err_wrap(e, "app %s", app->name);
	if (app->iso.nnp && seccomp_load_ctx(app->seccomp, e) < 0)
		return err_wrap(e, "app %s", app->name);
	umask(022);
	/* Nothing of stage1 (the pod lock above all) reaches the app. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < 65536; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

pid_t s1_spawn(struct s1_pod *pod, struct s1_app *app, char **argv, bool main, struct err *e)
{
	int pfd[2];
	if (!argv || !argv[0])
		return err_set(e, "app %s: exec: empty", app->name);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return err_sys(e, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return err_sys(e, "fork");
	}
	if (pid == 0) {
		struct err ce = {0};
		close(pfd[0]);
		if (s1_child_setup(pod, app, main, &ce) == 0) {
			environ = app->envp;
			execvpe(argv[0], argv, app->envp);
			err_sys(&ce, "app %s: exec %s", app->name, argv[0]);
		}
		writeall(pfd[1], ce.msg, strlen(ce.msg));
		_exit(127);
	}
	close(pfd[1]);
	struct buf b = {0};
	char tmp[512];
	ssize_t n;
	while ((n = read(pfd[0], tmp, sizeof(tmp))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf_add(&b, tmp, (size_t)n);
	}
	close(pfd[0]);
	if (b.len) {
		err_set(e, "%s", b.data);
		buf_free(&b);
		waitpid(pid, NULL, 0);
		return -1;
	}
	buf_free(&b);
	return pid;
}
