/* stage1: the pod's init. Internal model and the interfaces between its
 * subsystems. The pod manifest and runtime.json are read once (load.c) into
 * these structs; everything after works from them. */
#ifndef RKT_STAGE1_H
#define RKT_STAGE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Seconds the pod gets between a forwarded SIGTERM and SIGKILL; the
 * environment variable RKT_STAGE1_STOP_TIMEOUT (a Go duration) overrides it. */
#define S1_STOP_TIMEOUT_MS 10000

enum s1_vol_kind { S1_VOL_HOST, S1_VOL_EMPTY };

struct s1_volume {
	char *name;
	enum s1_vol_kind kind;
	char *source; /* host */
	bool readonly;
	bool recursive; /* host; default true */
	mode_t mode;	/* empty; default 0755 */
	uid_t uid;
	gid_t gid;
};

struct s1_mount {
	char *volume;
	char *path;
	struct s1_volume *appvol; /* appVolume, owned; NULL = look up by name */
	bool readonly;		  /* the app's mountPoint says readOnly */
};

enum s1_seccomp_mode { S1_SECCOMP_DEFAULT, S1_SECCOMP_RETAIN, S1_SECCOMP_REMOVE };

struct s1_isolators {
	int64_t mem_limit;   /* bytes, -1 = none */
	int64_t mem_request; /* bytes, -1 = none */
	int64_t cpu_limit;   /* millicores, -1 = none */
	int64_t cpu_request; /* millicores, -1 = none */
	/* capabilities */
	int caps_mode; /* 0 none, 1 retain, 2 remove */
	char **caps;   /* NULL-terminated names */
	bool nnp;
	enum s1_seccomp_mode seccomp_mode;
	char **seccomp_set;  /* NULL-terminated */
	char *seccomp_errno; /* NULL or "" = SIGSYS */
};

struct s1_app {
	char *name;
	char **exec; /* NULL-terminated */
	char *user, *group;
	gid_t *supp_gids;
	size_t nsupp;
	char **env; /* NAME=VALUE, NULL-terminated (the image's, then overrides) */
	char *workdir;
	bool readonly_rootfs;
	struct s1_mount *mounts;
	size_t nmounts;
	char **pre_start, **post_stop; /* NULL-terminated or NULL */
	struct s1_isolators iso;
	/* from apps/<name>/lowerdir in overlay mode, else NULL */
	char *lowerdir;

	/* resolved before start (resolve.c) */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups to set */
	size_t ngroups;
	char *login, *home, *shell; /* the passwd entry's, or NULL */
	char **envp; /* final environment */
	uint64_t capmask;
	void *seccomp; /* scmp_filter_ctx or NULL */
	int cg_fd[2];  /* cgroup dirs (memory, cpu; or v2 unified in [0]) or -1 */

	/* runtime (supervise.c) */
	pid_t pid;	/* main process, pod pid ns */
	pid_t hook_pid; /* running post-stop */
	bool started, exited, done;
	int status; /* exit status, 128+N for signal N */
};

struct s1_hosts_entry {
	char *ip;
	char **names; /* NULL-terminated */
};

struct s1_runtime {
	char *hostname;
	char **dns, **dns_search, **dns_options; /* NULL-terminated */
	struct s1_hosts_entry *hosts;
	size_t nhosts;
	bool overlay;
};

enum s1_net { S1_NET_HOST, S1_NET_NONE, S1_NET_CNI };

struct s1_opts {
	bool debug;
	bool interactive;
	bool mds_register;
	enum s1_net net;
	const char *net_names; /* --net value for CNI */
	int lock_fd;
	const char *dir, *local_config, *system_config;
	const char *uuid;
	long long stop_timeout_ms;
};

struct s1_pod {
	struct s1_opts *opt;
	char *uuid;
	char *path; /* absolute path of the pod directory */
	struct s1_app *apps;
	size_t napps;
	struct s1_volume *volumes;
	size_t nvolumes;
	struct s1_isolators iso; /* pod-level */
	struct s1_runtime rt;
	char *hostname; /* effective */
	int podfd;	/* the pod directory, O_PATH */
	int hostproc;	/* the host's /proc, to learn host PIDs; -1 once apps run */
	int tty_slave;	/* --interactive: the app's terminal in PID 1, else -1 */
	int cg_pod_fd[2];
	char *cg_paths[2]; /* host paths of the pod cgroups, for removal */
};

/* load.c */
int s1_load(struct s1_pod *pod, struct err *e);
void s1_pod_free(struct s1_pod *pod);

/* ns.c: the outer process. Returns the exit status for main. */
int s1_run_outer(struct s1_pod *pod);
/* net.c: the slot for networking: s1_net_outer_setup in the host once the
 * pod's namespaces exist, s1_net_pod_setup in the pod. */
int s1_net_outer_setup(struct s1_pod *pod, pid_t pid, struct err *e);
/* Must the pod wait for s1_net_outer_setup? (private networks) */
bool s1_net_outer_needed(struct s1_pod *pod);
int s1_net_pod_setup(struct s1_pod *pod, struct err *e);
/* Once the pod is gone: unregister from pod-metadata, CNI DEL everything. */
void s1_net_outer_teardown(struct s1_pod *pod);

/* pod1.c: the pod's PID 1; never returns. sync_fd talks to the outer process. */
void s1_pod_init(struct s1_pod *pod, int sync_fd) __attribute__((noreturn));

/* mounts.c */
/* Open path (absolute, relative to the root rootfd) inside the root: symlinks
 * resolve within it, never out; magic links refused. flags as open(2). */
int root_open(int rootfd, const char *path, int flags, mode_t mode);
/* mkdir -p path inside the root (0755, owner 0:0); returns an O_PATH fd. */
int root_mkdir_p(int rootfd, const char *path, struct err *e);
/* Ensure path exists inside the root as a file (create empty 0644) or as a
 * dir; an existing entry of the other kind is replaced. O_PATH fd. */
int root_mktarget(int rootfd, const char *path, bool dir, struct err *e);
/* mount(2) on an fd (via /proc/self/fd/N). */
int mount_fd(const char *src, int tfd, const char *type, unsigned long flags, const char *data);
/* Bind sfd (or the path src when sfd is AT_FDCWD) onto tfd; ro applies
 * before the mount is attached. src names it in messages. */
int bind_fd(int sfd, const char *src, int tfd, bool rec, bool ro, struct err *e);
int remount_ro_fd(int tfd, bool rec, struct err *e);
int s1_setup_app_root(struct s1_pod *pod, struct s1_app *app, struct err *e);
int s1_pivot(struct s1_pod *pod, struct err *e);

/* dev.c: returns an fd on the new /dev (the caller makes it read-only). */
int s1_setup_dev(struct s1_pod *pod, int rootfd, struct err *e);
/* etc.c */
int s1_setup_etc(struct s1_pod *pod, struct s1_app *app, int rootfd, struct err *e);
/* volumes.c */
int s1_setup_volumes(struct s1_pod *pod, struct s1_app *app, int rootfd, struct err *e);
int s1_prepare_empty_volumes(struct s1_pod *pod, struct err *e);

/* user.c: passwd/group parsing (pure) and resolution inside an app root. */
struct pw_ent {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
};
/* Find a user by name in passwd text; 1 found, 0 not. */
int passwd_lookup_name(const char *text, const char *name, struct pw_ent *out);
int passwd_lookup_uid(const char *text, uid_t uid, struct pw_ent *out);
int group_lookup_name(const char *text, const char *name, gid_t *gid);
/* Groups in group text that list user as a member; appended to *gids. */
void group_member_of(const char *text, const char *user, gid_t **gids, size_t *n);
void pw_ent_free(struct pw_ent *p);
/* Parse an all-digit id; -1 if not all digits or out of range. */
int parse_id(const char *s, unsigned *out);
int s1_resolve_user(struct s1_app *app, int rootfd, struct err *e);

/* env.c */
int s1_build_env(struct s1_pod *pod, struct s1_app *app, struct err *e);
const char *env_get(char **env, const char *name);

/* caps.c */
uint64_t caps_default_set(void);
/* The bounding set for an app's isolators; -1 and e on an unknown name. */
int caps_compute(const struct s1_isolators *iso, uint64_t *mask, struct err *e);
/* In the child: caps_bound as root before setresuid, caps_set after it. */
int caps_bound(uint64_t mask, uid_t uid, struct err *e);
int caps_set(uint64_t mask, uid_t uid, struct err *e);

/* seccomp.c */
/* The filter for an app's isolators (NULL: none); loaded in the child. */
int seccomp_build(const struct s1_isolators *iso, void **ctx, struct err *e);
int seccomp_load_ctx(void *ctx, struct err *e);
/* errno name -> value, -1 unknown. */
int errno_from_name(const char *name);

/* cgroup.c */
/* cpu.cfs_quota_us for a limit in millicores with a period of period_us. */
int64_t cpu_quota_us(int64_t millicores, int64_t period_us);
/* cgroup v1 cpu.shares for a request in millicores, and its v2 cpu.weight. */
uint64_t cpu_shares(int64_t millicores);
uint64_t cpu_weight_from_shares(uint64_t shares);
int s1_cgroups_setup(struct s1_pod *pod, struct err *e);
int s1_cgroup_join(struct s1_app *app, struct err *e);
void s1_cgroups_cleanup(struct s1_pod *pod);

/* app.c: fork a process of the app (main or hook) set up to exec argv.
 * Returns the pod-ns pid, -1 on error (e says why, naming the app). */
/* app.c: in the child, everything between fork and exec (also used by enter). */
int s1_child_setup(struct s1_pod *pod, struct s1_app *app, bool main, struct err *e);
/* pod1.c: user, groups, capability and seccomp sets of an app (also enter). */
int s1_app_confine(struct s1_app *app, struct err *e);
/* enter.c: the enter entry point (argv[0] "enter"). */
int s1_enter_main(int argc, char **argv);
pid_t s1_spawn(struct s1_pod *pod, struct s1_app *app, char **argv, bool main, struct err *e);

/* supervise.c: runs every app to the end; returns the pod's exit status. */
int s1_supervise(struct s1_pod *pod);

/* tty.c */
int tty_open_pty(int rootfd, int *master, int *slave, struct err *e);
int tty_send_fd(int sock, int fd);
int tty_recv_fd(int sock);
int tty_raw(int fd);
void tty_restore(int fd);
void tty_copy_winsize(int from, int to);
int tty_pump(int from, int to);

/* util.c */
/* Replace dirfd/name atomically (temp file + rename); sync: fsync the file
 * and its directory too (status files), else visibility is enough. */
int s1_write_bytes(int dirfd, const char *name, const void *data, size_t len, bool sync,
		   struct err *e);
int s1_write_file(int dirfd, const char *name, const char *text, bool sync, struct err *e);
char **strv_dup(char *const *v);
size_t strv_len(char *const *v);
void strv_free(char **v);
extern bool s1_debug;
void s1_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
