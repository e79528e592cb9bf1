/* The outer stage1 process: it stays in the host's namespaces holding the
 * pod lock, makes the pod's cgroups, starts the pod's PID 1 in a new PID
 * namespace, writes `pid`, forwards signals to it and reports its exit
 * status. It also cleans up what lives outside the pod (cgroups). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include "stage1.h"
#include "xalloc.h"

/* Whether the pod's PID 1 died of a signal (rather than exiting with an
 * app's 128+N). */
static bool pid1_killed;

static int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		pid1_killed = true;
		return 128 + WTERMSIG(st);
	}
	return 1;
}

/* The pod's PID 1 was killed (rkt stop --force, or after a stop timeout):
 * its apps died with it, unrecorded. Record the signal for each of them, so
 * the pod's status still names every app. */
static void record_killed(struct s1_pod *pod, int code)
{
	for (size_t i = 0; i < pod->napps; i++) {
		_cleanup_free_ char *name = xasprintf("status/%s", pod->apps[i].name);
		_cleanup_free_ char *txt = xasprintf("%d\n", code);
		struct err e = {0};
		if (faccessat(pod->podfd, name, F_OK, 0) < 0 &&
		    (mkdirat(pod->podfd, "status", 0750) == 0 || errno == EEXIST))
			s1_write_file(pod->podfd, name, txt, false, &e);
	}
}

static int wait_child(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return exit_code(st);
}

/* Wait for the pod's PID 1, forwarding signals to it and, with a terminal,
 * copying between the user's terminal and the pod's. Returns its status. */
static int relay(struct s1_pod *pod, pid_t pid, int sfd, int master)
{
	bool in_open = master >= 0;
	(void)pod;
	if (sfd < 0)
		return wait_child(pid);
	for (;;) {
		struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
				      {.fd = master, .events = POLLIN},
				      {.fd = in_open ? 0 : -1, .events = POLLIN}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return wait_child(pid);
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && tty_pump(master, 1) < 0)
			master = -1; /* the app side is gone: PID 1 is ending */
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR) && tty_pump(0, master) < 0)
			in_open = false;
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			int st;
			if (waitpid(pid, &st, WNOHANG) == pid)
				return exit_code(st);
		} else if (si.ssi_signo == SIGWINCH) {
			if (master >= 0)
				tty_copy_winsize(0, master);
		} else {
			s1_dbg("forwarding signal %d to the pod", (int)si.ssi_signo);
			kill(pid, (int)si.ssi_signo);
		}
	}
}

int s1_run_outer(struct s1_pod *pod)
{
	struct err e = {0};
	int sv[2];
	sigset_t set;

	if (pod->opt->lock_fd >= 0 && fcntl(pod->opt->lock_fd, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "stage1: --lock-fd=%d: %s\n", pod->opt->lock_fd, strerror(errno));
		return 1;
	}
	if (s1_cgroups_setup(pod, &e) < 0) {
		fprintf(stderr, "stage1: %s\n", e.msg);
		s1_cgroups_cleanup(pod);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    unshare(CLONE_NEWPID) < 0) {
		perror("stage1: pod namespaces");
		s1_cgroups_cleanup(pod);
		return 1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("stage1: fork");
		s1_cgroups_cleanup(pod);
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		s1_pod_init(pod, sv[1]);
	}
	close(sv[1]);
	/* Our own later children (none, but sanitizers fork at exit) belong
	 * in our PID namespace, not in the pod's, which dies with its PID 1. */
	int pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (pidns >= 0) {
		setns(pidns, CLONE_NEWPID);
		close(pidns);
	}

	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	char c = 0;
	ssize_t n;
	int master = -1;
	bool setup_failed = false;
	do
		n = read(sv[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && c == 'N') {
		_cleanup_free_ char *txt = xasprintf("%d\n", (int)pid);
		if (s1_net_outer_setup(pod, pid, &e) < 0 ||
		    s1_write_file(pod->podfd, "pid", txt, false, &e) < 0) {
			fprintf(stderr, "stage1: %s\n", e.msg);
			kill(pid, SIGKILL);
			setup_failed = true; /* a failure of ours, not the pod's status */
		} else if (s1_net_outer_needed(pod) && write(sv[0], "G", 1) != 1) {
			kill(pid, SIGKILL);
		} else if (pod->opt->interactive && isatty(0)) {
			master = tty_recv_fd(sv[0]);
			if (master >= 0 && tty_raw(0) == 0)
				tty_copy_winsize(0, master);
		}
	}
	int code = relay(pod, pid, sfd, master);
	s1_dbg("the pod's PID 1 exited with %d", code);
	if (pid1_killed)
		record_killed(pod, code);
	if (master >= 0) {
		/* what the app wrote last is still in the pty */
		fcntl(master, F_SETFL, O_NONBLOCK);
		while (tty_pump(master, 1) == 0)
			;
		tty_restore(0);
		close(master);
	}
	close(sv[0]);
	s1_net_outer_teardown(pod);
	s1_cgroups_cleanup(pod);
	return setup_failed ? 1 : code;
}
