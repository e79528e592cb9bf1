/* The pod directory model: pods/<state>/<uuid>/ under the data dir, states
 * moved by rename(2), the pod lock a flock(2) on the pod directory itself
 * (see DESIGN.md and CONTRACT.md). Used by pod-prepare, pod-run, pod-status,
 * pod-enter and pod-gc. */
#ifndef RKT_POD_H
#define RKT_POD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* The directories under pods/, in the only order a pod moves through them. */
enum pod_state {
	POD_EMBRYO,
	POD_PREPARE,
	POD_PREPARED,
	POD_RUN,
	POD_EXITED_GARBAGE,
	POD_GARBAGE,
	POD_NSTATES
};

/* What a user sees: the directory plus the lock (rkt's names). */
enum pod_status {
	POD_S_EMBRYO,	       /* embryo */
	POD_S_PREPARING,       /* prepare, locked */
	POD_S_ABORTED_PREPARE, /* prepare, unlocked: pod-prepare died */
	POD_S_PREPARED,	       /* prepared */
	POD_S_RUNNING,	       /* run, locked */
	POD_S_EXITED,	       /* run, unlocked */
	POD_S_EXITED_GARBAGE,  /* exited-garbage */
	POD_S_GARBAGE,	       /* garbage */
};

#define POD_UUID_LEN 36

/* "embryo", "prepare", ... (the directory name); NULL if out of range. */
const char *pod_state_dir(enum pod_state s);
/* "embryo", "preparing", "aborted prepare", "prepared", "running", "exited",
 * "exited garbage", "garbage" (as rkt list prints them). */
const char *pod_status_name(enum pod_status s);
enum pod_status pod_status_of(enum pod_state s, bool locked);

/* A fresh RFC 4122 version 4 UUID, lowercase, NUL-terminated. */
int pod_uuid_new(char out[POD_UUID_LEN + 1], struct err *e);
/* Is s a full lowercase (or uppercase) 8-4-4-4-12 hex UUID? */
bool pod_uuid_valid(const char *s);

/* The open data dir: an fd on pods/ and on each state dir (-1 when a state
 * dir does not exist and create was false). */
struct pod_dir {
	char *dir;  /* the data dir (--dir) */
	char *pods; /* <dir>/pods */
	int podsfd;
	int statefd[POD_NSTATES];
};

/* Open <datadir>/pods. create: make pods/ and every state dir (0750) if
 * missing. Without create a missing pods/ is not an error: every state is
 * simply empty. */
int pod_dir_open(struct pod_dir *d, const char *datadir, bool create, struct err *e);
void pod_dir_close(struct pod_dir *d);

/* One pod, opened by fd: the fd follows the directory through renames. */
struct pod {
	struct pod_dir *d;
	char uuid[POD_UUID_LEN + 1];
	enum pod_state state; /* where it was when last looked at */
	int fd;		      /* O_RDONLY|O_DIRECTORY|O_CLOEXEC on the pod dir */
	bool locked;	      /* this process holds the pod lock on fd */
};

/* Create pods/embryo/<new uuid> (0750), open it and take its lock. */
int pod_create_embryo(struct pod_dir *d, struct pod *p, struct err *e);

/* Find a pod by full UUID or unambiguous prefix in any state, and open it.
 * Errors: no such pod (errno ENOENT), ambiguous prefix (errno EEXIST). */
int pod_open(struct pod_dir *d, const char *uuid_or_prefix, struct pod *p, struct err *e);
/* Look up the pod's current state directory again (after a wait, or a lock). */
int pod_refresh_state(struct pod *p, struct err *e);

/* Take the pod's lock (exclusive). nonblock: fail with errno EWOULDBLOCK
 * ("pod is locked") instead of waiting. */
int pod_lock(struct pod *p, bool nonblock, struct err *e);
int pod_unlock(struct pod *p, struct err *e);
/* Is the pod's lock held by anybody (this process included)? 1, 0, -1. */
int pod_is_locked(struct pod *p, struct err *e);

/* Move the pod from its state to `to` with rename(2). Fails (errno ENOENT)
 * when the pod is no longer in p->state: somebody else moved it first. */
int pod_transition(struct pod *p, enum pod_state to, struct err *e);

/* Remove the pod's directory tree (never crossing a mount) and close it. */
int pod_destroy(struct pod *p, struct err *e);
void pod_close(struct pod *p);

/* The pod dir's absolute path in its current state (malloc'd). */
char *pod_path(const struct pod *p);

/* Pods present in the states of state_mask (bit 1 << POD_x; 0 = all), with
 * their lock status, in state order then UUID order. */
struct pod_entry {
	char uuid[POD_UUID_LEN + 1];
	enum pod_state state;
	bool locked;
	enum pod_status status;
};
int pod_list(struct pod_dir *d, unsigned state_mask, struct pod_entry **out, size_t *n,
	     struct err *e);

/* Files of a pod, read relative to its fd (NUL-terminated, malloc'd). */
int pod_read_file(const struct pod *p, const char *name, char **data, size_t *len, struct err *e);
/* The reified pod manifest ("pod") and runtime.json, raw. */
int pod_read_manifest(const struct pod *p, char **data, size_t *len, struct err *e);
int pod_read_runtime(const struct pod *p, char **data, size_t *len, struct err *e);
/* The host PID of the pod's init from "pid": 0 with *pid = 0 when absent. */
int pod_read_pid(const struct pod *p, pid_t *pid, struct err *e);
/* status/<app>: 1 and *status when the app has exited, 0 when it has not
 * (no file), -1 on error (bad content included). */
int pod_read_app_status(const struct pod *p, const char *app, int *status, struct err *e);
/* Write status/<app> atomically ("N\n"); used by stage1 and tests. */
int pod_write_app_status_at(int podfd, const char *app, int status, struct err *e);

#endif
