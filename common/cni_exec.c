/* Running one CNI plugin: environment, config on stdin, result on stdout,
 * bounded in time, errors carrying the plugin's own message. */
#include "cni_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "xalloc.h"

extern char **environ;

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *cni_exec_path(const struct cni_ctx *c)
{
	const char *p = c->cni_path;
	if (!p || !*p)
		p = getenv("CNI_PATH");
	return p && *p ? p : CNI_DEFAULT_PATH;
}

/* The plugin binary `type` in the first CNI_PATH dir that has it. */
static char *plugin_find(const char *path, const char *type)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *f = path_join(d, type);
		if (access(f, X_OK) == 0)
			return f;
		free(f);
	}
	return NULL;
}

/* Our environment minus CNI_*, plus the call's; PATH kept (plugins run
 * iptables) with the sbin dirs a minimal PATH may lack. */
static char **plugin_env(const struct cni_call *k)
{
	size_t n = 0;
	for (char **v = environ; *v; v++)
		n++;
	char **env = xcalloc(n + 8, sizeof *env);
	size_t o = 0;
	bool have_path = false;
	for (char **v = environ; *v; v++) {
		if (!strncmp(*v, "CNI_", 4))
			continue;
		if (!strncmp(*v, "PATH=", 5)) {
			have_path = true;
			env[o++] = xasprintf("%s:/usr/sbin:/sbin", *v);
			continue;
		}
		env[o++] = xstrdup(*v);
	}
	if (!have_path)
		env[o++] = xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env[o++] = xasprintf("CNI_COMMAND=%s", k->command);
	env[o++] = xasprintf("CNI_CONTAINERID=%s", k->container_id);
	env[o++] = xasprintf("CNI_NETNS=%s", k->netns ? k->netns : "");
	env[o++] = xasprintf("CNI_IFNAME=%s", k->ifname);
	env[o++] = xasprintf("CNI_PATH=%s", k->cni_path);
	if (k->args && *k->args)
		env[o++] = xasprintf("CNI_ARGS=IgnoreUnknown=1;%s", k->args);
	env[o] = NULL;
	return env;
}

static void env_free(char **env)
{
	for (char **v = env; *v; v++)
		free(*v);
	free(env);
}

/* "msg: details" from a CNI error object on stdout, else the last line of
 * stderr, else the exit status. */
static void plugin_error(const struct cni_call *k, const char *out, size_t outlen,
			 const char *errtxt, int status, struct err *e)
{
	struct json_doc d = {0};
	struct err je = {0};
	const char *what = k->net_name ? k->net_name : "?";
	if (outlen && json_parse(&d, out, outlen, &je) == 0) {
		_cleanup_free_ char *msg = json_str(&d, json_get(&d, 0, "msg"));
		_cleanup_free_ char *det = json_str(&d, json_get(&d, 0, "details"));
		json_free(&d);
		if (msg) {
			err_set(e, "network %s: plugin %s %s: %s%s%s", what, k->type, k->command, msg,
				det && *det ? ": " : "", det && *det ? det : "");
			return;
		}
	}
	_cleanup_free_ char *last = xstrdup(errtxt ? errtxt : "");
	size_t l = strlen(last);
	while (l && (last[l - 1] == '\n' || last[l - 1] == ' '))
		last[--l] = '\0';
	char *nl = strrchr(last, '\n');
	const char *line = nl ? nl + 1 : last;
	if (*line)
		err_set(e, "network %s: plugin %s %s: %s", what, k->type, k->command, line);
	else if (WIFSIGNALED(status))
		err_set(e, "network %s: plugin %s %s: killed by signal %d", what, k->type,
			k->command, WTERMSIG(status));
	else
		err_set(e, "network %s: plugin %s %s: exit status %d", what, k->type, k->command,
			WEXITSTATUS(status));
}

int cni_exec(const struct cni_call *k, const char *stdin_data, char **out, struct err *e)
{
	*out = NULL;
	_cleanup_free_ char *bin = plugin_find(k->cni_path, k->type);
	if (!bin)
		return err_set(e, "network %s: plugin %s not found in %s", k->net_name, k->type,
			       k->cni_path);
	int in[2], op[2], ep[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return err_sys(e, "pipe");
	if (pipe2(op, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return err_sys(e, "pipe");
	}
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]), close(op[0]), close(op[1]);
		return err_sys(e, "pipe");
	}
	char **env = plugin_env(k);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		/* Nothing else leaks in: the pod lock fd least of all. */
		close_range(3, ~0U, 0);
		signal(SIGPIPE, SIG_DFL);
		char *argv[] = {(char *)k->type, NULL};
		execve(bin, argv, env);
		_exit(127);
	}
	env_free(env);
	close(in[0]);
	close(op[1]);
	close(ep[1]);
	if (pid < 0) {
		close(in[1]), close(op[0]), close(ep[0]);
		return err_sys(e, "fork");
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	struct buf ob = {0}, eb = {0};
	size_t inlen = strlen(stdin_data), inoff = 0;
	int fds[3] = {in[1], op[0], ep[0]};
	long long deadline = mono_ms() + (k->timeout_ms > 0 ? k->timeout_ms : CNI_PLUGIN_TIMEOUT_MS);
	bool timed_out = false;
	if (inlen == 0)
		close(fds[0]), fds[0] = -1;
	while (fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd p[3];
		for (int i = 0; i < 3; i++)
			p[i] = (struct pollfd){.fd = fds[i], .events = i ? POLLIN : POLLOUT};
		long long left = deadline - mono_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(p, 3, (int)left) < 0 && errno != EINTR)
			break;
		if (fds[0] >= 0 && p[0].revents) {
			ssize_t w = write(fds[0], stdin_data + inoff, inlen - inoff);
			if (w > 0)
				inoff += (size_t)w;
			if ((w < 0 && errno != EAGAIN) || inoff == inlen)
				close(fds[0]), fds[0] = -1;
		}
		for (int i = 1; i < 3; i++) {
			if (fds[i] < 0 || !p[i].revents)
				continue;
			char tmp[4096];
			ssize_t r = read(fds[i], tmp, sizeof tmp);
			struct buf *b = i == 1 ? &ob : &eb;
			if (r > 0 && b->len < CNI_MAX_CONF)
				buf_add(b, tmp, (size_t)r);
			else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				close(fds[i]), fds[i] = -1;
		}
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	int status = 0;
	if (timed_out) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		buf_free(&ob);
		buf_free(&eb);
		return err_set(e, "network %s: plugin %s %s: timed out after %d ms", k->net_name,
			       k->type, k->command,
			       k->timeout_ms > 0 ? k->timeout_ms : CNI_PLUGIN_TIMEOUT_MS);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		plugin_error(k, ob.data, ob.len, eb.data, status, e);
		buf_free(&ob);
		buf_free(&eb);
		return -1;
	}
	buf_free(&eb);
	*out = buf_steal(&ob);
	return 0;
}
