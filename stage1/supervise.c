/* PID 1's duty: start the apps in pod-manifest order (each after its
 * pre-start handler exits 0), reap every child, record each app's exit
 * status, run post-stop handlers, forward SIGTERM/SIGINT/SIGHUP to the apps
 * and SIGKILL what remains after the stop timeout. The pod ends when the
 * last app (and its post-stop) has ended. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stage1.h"
#include "xalloc.h"

static int wait_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

/* status/<app>, replaced atomically by rename. Not fsync'd: that would cost
 * more than the rest of a short pod's life, and after a host crash the pod
 * is exited whatever its files say (ext4 flushes a renamed-over file). */
static void record_status(struct s1_pod *pod, struct s1_app *app)
{
	struct err e = {0};
	_cleanup_free_ char *name = xasprintf("status/%s", app->name);
	_cleanup_free_ char *data = xasprintf("%d\n", app->status);
	if (mkdirat(pod->podfd, "status", 0750) < 0 && errno != EEXIST)
		err_sys(&e, "mkdir status");
	if (e.msg[0] || s1_write_file(pod->podfd, name, data, false, &e) < 0)
		fprintf(stderr, "stage1: app %s: %s\n", app->name, e.msg);
	s1_dbg("app %s exited with %d", app->name, app->status);
}

/* Run a handler to its end (pre-start); its status, or -1. */
static int run_hook(struct s1_pod *pod, struct s1_app *app, char **argv, const char *what,
		    struct err *e)
{
	pid_t pid = s1_spawn(pod, app, argv, false, e);
	if (pid < 0)
		return err_wrap(e, "%s", what);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_sys(e, "app %s: %s: wait", app->name, what);
	return wait_status(st);
}

static void app_exited(struct s1_pod *pod, struct s1_app *app, int st)
{
	struct err e = {0};
	app->exited = true;
	app->status = wait_status(st);
	record_status(pod, app);
	if (app->post_stop) {
		app->hook_pid = s1_spawn(pod, app, app->post_stop, false, &e);
		if (app->hook_pid > 0)
			return;
		fprintf(stderr, "stage1: post-stop: %s\n", e.msg);
		app->hook_pid = 0;
	}
	app->done = true;
}

static void reap(struct s1_pod *pod)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (size_t i = 0; i < pod->napps; i++) {
			struct s1_app *app = &pod->apps[i];
			if (app->started && !app->exited && pid == app->pid) {
				app_exited(pod, app, st);
			} else if (app->hook_pid == pid) {
				app->hook_pid = 0;
				app->done = true;
				if (wait_status(st) != 0)
					fprintf(stderr,
						"stage1: app %s: post-stop exited with %d\n",
						app->name, wait_status(st));
			}
		}
	}
}

static bool all_done(struct s1_pod *pod)
{
	for (size_t i = 0; i < pod->napps; i++)
		if (pod->apps[i].started && !pod->apps[i].done)
			return false;
	return true;
}

/* Start every app; false when one could not start (the error is printed). */
static bool start_apps(struct s1_pod *pod)
{
	struct err e = {0};
	for (size_t i = 0; i < pod->napps; i++) {
		struct s1_app *app = &pod->apps[i];
		if (app->pre_start) {
			int st = run_hook(pod, app, app->pre_start, "pre-start", &e);
			if (st < 0) {
				fprintf(stderr, "stage1: %s\n", e.msg);
				return false;
			}
			if (st != 0) {
				fprintf(stderr, "stage1: app %s: pre-start exited with %d\n",
					app->name, st);
				return false;
			}
		}
		app->pid = s1_spawn(pod, app, app->exec, true, &e);
		if (app->pid < 0) {
			fprintf(stderr, "stage1: %s\n", e.msg);
			return false;
		}
		app->started = true;
		s1_dbg("app %s started, pid %d in the pod", app->name, (int)app->pid);
	}
	return true;
}

static void forward(struct s1_pod *pod, int sig)
{
	for (size_t i = 0; i < pod->napps; i++)
		if (pod->apps[i].started && !pod->apps[i].exited)
			kill(pod->apps[i].pid, sig);
}

int s1_supervise(struct s1_pod *pod)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0) {
		perror("stage1: signalfd");
		return 1;
	}
	bool ok = start_apps(pod);
	if (pod->hostproc >= 0) {
		close(pod->hostproc);
		pod->hostproc = -1;
	}
	bool stopping = false;
	if (!ok) {
		forward(pod, SIGTERM);
		stopping = true;
		struct itimerspec its = {
		    .it_value = {pod->opt->stop_timeout_ms / 1000,
				 (pod->opt->stop_timeout_ms % 1000) * 1000000}};
		timerfd_settime(tfd, 0, &its, NULL);
	}
	reap(pod);
	while (!all_done(pod)) {
		struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = tfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("stage1: poll");
			break;
		}
		if (p[1].revents & POLLIN) {
			uint64_t x;
			if (read(tfd, &x, sizeof(x)) > 0) {
				s1_dbg("stop timeout: killing what remains");
				kill(-1, SIGKILL);
			}
		}
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			reap(pod);
			continue;
		}
		s1_dbg("signal %d: forwarding to the apps", (int)si.ssi_signo);
		forward(pod, (int)si.ssi_signo);
		if (!stopping) {
			stopping = true;
			struct itimerspec its = {
			    .it_value = {pod->opt->stop_timeout_ms / 1000,
					 (pod->opt->stop_timeout_ms % 1000) * 1000000}};
			if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
				its.it_value.tv_nsec = 1;
			timerfd_settime(tfd, 0, &its, NULL);
		}
	}
	if (!ok)
		return 1;
	for (size_t i = 0; i < pod->napps; i++)
		if (pod->apps[i].status != 0)
			return pod->apps[i].status;
	return 0;
}
