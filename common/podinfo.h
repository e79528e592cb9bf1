/* What a pod looks like from outside: state, times, PID, apps and their exit
 * statuses, networks. Read from the pod directory alone (CONTRACT.md), for
 * pod-status, pod-gc and the rkt wrapper. */
#ifndef RKT_PODINFO_H
#define RKT_PODINFO_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "pod.h"
#include "xalloc.h"

struct podinfo_app {
	char *name;
	char *image_name; /* may be NULL */
	char *image_id;
	int exited;       /* 1 when status/<app> exists */
	int exit_code;
	int64_t finished_ns; /* mtime of status/<app>, 0 if not exited */
};

struct podinfo_net {
	char *name;  /* network name */
	char *ifname;
	char *ip;    /* address without prefix length, may be NULL */
};

struct podinfo {
	char uuid[POD_UUID_LEN + 1];
	enum pod_status status;
	pid_t pid;           /* 0 when unknown */
	int64_t created_ns;  /* 0 when unknown */
	int64_t started_ns;
	int64_t finished_ns; /* last app exit, for exited pods */
	struct podinfo_app *apps;
	size_t n_apps;
	struct podinfo_net *nets;
	size_t n_nets;
};

/* Fill info from an open pod. A pod still in embryo may lack its manifest:
 * that is not an error (no apps). */
int podinfo_read(const struct pod *p, struct podinfo *info, struct err *e);
void podinfo_free(struct podinfo *info);

/* "2026-11-25 17:00:00.123 +0000 UTC" as rkt prints times; "" for 0. */
void podinfo_time(int64_t ns, char *out, size_t n);
/* "3 minutes ago" relative to now_ns. */
void podinfo_ago(int64_t ns, int64_t now_ns, char *out, size_t n);
/* "default:ip4=172.16.28.7,other:ip4=..." ("" when none). */
void podinfo_networks(const struct podinfo *info, struct buf *b);
/* One pod as rkt's JSON object (name, state, networks, app_names, pid,
 * created_at, started_at, apps). */
void podinfo_json(const struct podinfo *info, struct buf *b, int pretty);

int64_t podinfo_now_ns(void);

#endif
