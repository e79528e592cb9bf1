/* One pod: rkt status's key=value lines or a JSON object; waiting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pod-status.h"
#include "podinfo.h"
#include "xalloc.h"

static void open_pod(struct pod_dir *d, const char *ref, struct pod *p)
{
	struct err e = {0};
	if (pod_open(d, ref, p, &e) < 0)
		die_err(&e);
}

static void print_kv(const struct podinfo *pi)
{
	char t[96];
	struct buf nets = {0};
	bool exited = pi->status >= POD_S_EXITED;
	printf("state=%s\n", pod_status_name(pi->status));
	podinfo_time(pi->created_ns, t, sizeof t);
	if (*t)
		printf("created=%s\n", t);
	podinfo_time(pi->started_ns, t, sizeof t);
	if (*t)
		printf("started=%s\n", t);
	podinfo_time(exited ? pi->finished_ns : 0, t, sizeof t);
	if (*t)
		printf("finished=%s\n", t);
	podinfo_networks(pi, &nets);
	if (nets.len)
		printf("networks=%s\n", nets.data);
	buf_free(&nets);
	if (pi->pid)
		printf("pid=%d\n", (int)pi->pid);
	printf("exited=%s\n", exited ? "true" : "false");
	for (size_t i = 0; i < pi->n_apps; i++)
		if (pi->apps[i].exited)
			printf("app-%s=%d\n", pi->apps[i].name, pi->apps[i].exit_code);
}

static void print_pod(const struct pod *p, const struct opts *o)
{
	struct podinfo pi;
	struct err e = {0};
	if (podinfo_read(p, &pi, &e) < 0)
		die_err(&e);
	if (o->format == FMT_DEFAULT) {
		print_kv(&pi);
	} else {
		struct buf b = {0};
		podinfo_json(&pi, &b, o->format == FMT_JSON_PRETTY);
		puts(b.data);
		buf_free(&b);
	}
	podinfo_free(&pi);
}

void status_show(struct pod_dir *d, const char *ref, const struct opts *o)
{
	struct pod p;
	open_pod(d, ref, &p);
	print_pod(&p, o);
	pod_close(&p);
}

/* Has the pod reached what we wait for? Exit: run and unlocked, or later.
 * Ready: running with its PID written (stage1 has made the namespaces). */
static bool reached(struct pod *p, int kind)
{
	struct err e = {0};
	if (pod_refresh_state(p, &e) < 0)
		die_err(&e);
	int locked = pod_is_locked(p, &e);
	if (locked < 0)
		die_err(&e);
	enum pod_status s = pod_status_of(p->state, locked);
	if (kind == 1)
		return s >= POD_S_EXITED || s == POD_S_ABORTED_PREPARE;
	if (s >= POD_S_EXITED || s == POD_S_ABORTED_PREPARE)
		die("pod %s %s before it was ready", p->uuid, pod_status_name(s));
	pid_t pid = 0;
	return s == POD_S_RUNNING && pod_read_pid(p, &pid, &e) == 0 && pid > 0;
}

void status_wait(struct pod_dir *d, const char *ref, const struct opts *o)
{
	struct pod p;
	struct timespec start, now, tick = {0, 20 * 1000 * 1000};
	open_pod(d, ref, &p);
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* polling keeps pod-status from ever holding the pod's lock itself */
	while (!reached(&p, o->wait)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long ms = (now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (o->wait_ms >= 0 && ms >= o->wait_ms)
			die("pod %s: timed out waiting for it to %s", p.uuid,
			    o->wait == 1 ? "exit" : "be ready");
		nanosleep(&tick, NULL);
	}
	print_pod(&p, o);
	pod_close(&p);
}

/* The pod manifest as pod-prepare wrote it: the one source of truth. */
void status_manifest(struct pod_dir *d, const char *ref)
{
	struct pod p;
	struct err e = {0};
	char *data;
	size_t len;
	open_pod(d, ref, &p);
	if (pod_read_manifest(&p, &data, &len, &e) < 0)
		die_err(&e);
	fwrite(data, 1, len, stdout);
	if (len && data[len - 1] != '\n')
		putchar('\n');
	free(data);
	pod_close(&p);
}
