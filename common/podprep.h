/* Preparing a pod (pod-prepare, and pod-run given images): the command line
 * of rkt's prepare/run parsed into prep_opts (podprep-opts.c), then images
 * resolved, the pod manifest reified and the pod directory written and
 * rendered (podprep.c). See pod-prepare(1) and CONTRACT.md. */
#ifndef RKT_PODPREP_H
#define RKT_PODPREP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "opt.h"
#include "pod.h"

struct prep_kv {
	char *name, *value;
};

/* --volume NAME,kind=host|empty,source=PATH,readOnly=BOOL,recursive=BOOL,mode=,uid=,gid= */
struct prep_volume {
	char *name, *kind, *source;
	int readonly;  /* -1 unset, 0, 1 */
	int recursive; /* -1 unset, 0, 1 */
	char *mode;    /* empty volumes: "0755" ... */
	long uid, gid; /* -1 unset */
};

/* --port NAME:[HOSTIP:]HOSTPORT */
struct prep_port {
	char *name, *host_ip;
	int host_port;
};

/* --mount volume=NAME,target=PATH|MOUNTPOINT */
struct prep_mount {
	char *volume, *target;
};

struct prep_app {
	char *image; /* the reference as given */
	char *name;  /* --name */
	char *exec;  /* --exec */
	char **args; /* after "--" (NULL-terminated), nargs may be 0 */
	size_t nargs;
	bool has_args;
	char *user, *group, *workdir, *signature, *supp_gids;
	struct prep_kv *env;
	size_t nenv;
	struct prep_mount *mounts;
	size_t nmounts;
	bool readonly_rootfs, has_readonly_rootfs;
	char *memory, *cpu, *cap_retain, *cap_remove, *seccomp;
};

struct prep_opts {
	struct rkt_paths paths;
	bool debug, quiet, no_overlay, inherit_env;
	char *insecure;	    /* --insecure-options */
	char *stage1;	    /* --stage1-image / -path / -url / -name / -hash */
	char *uuid_file;    /* --uuid-file-save */
	char *pod_manifest; /* --pod-manifest */
	char *hostname;
	char **dns, **dns_search, **dns_opt; /* NULL-terminated */
	size_t ndns, ndns_search, ndns_opt;
	struct prep_kv *hosts; /* --hosts-entry IP=HOST */
	size_t nhosts;
	struct prep_volume *volumes;
	size_t nvolumes;
	struct prep_port *ports;
	size_t nports;
	struct prep_kv *env; /* pod-level --set-env: every app */
	size_t nenv;
	struct prep_mount *mounts; /* --mount before the first image: every app */
	size_t nmounts;
	struct prep_app *apps;
	size_t napps;

	/* pod-run only (parsed when run_flags is set) */
	bool run_flags;
	char *net;
	bool interactive, mds_register;
	char *uuid; /* pod-run UUID: set by the caller */
};

/* Parse argv[first..argc). Returns 0, or -1 with a usage error in e (the
 * caller exits 2). "-h/--help" sets *help. Pod flags come before the first
 * image; app flags follow their image; "--" starts the app's arguments,
 * "---" ends them. With --pod-manifest no image or app flag is allowed. */
int prep_parse(struct prep_opts *o, int argc, char **argv, int first, bool *help, struct err *e);
void prep_opts_free(struct prep_opts *o);
/* argv[first..argc) without pod-run's own flags (--net, --interactive,
 * --mds-register): the arguments for pod-prepare. NULL-terminated,
 * malloc'd array of the same strings. */
char **prep_strip_run_flags(int argc, char **argv, int first);
/* The directory of the running executable (malloc'd). */
char *prep_exe_dir(void);
/* A sibling tool: <exe dir>/name if it is there, else name (for PATH). */
char *prep_tool_path(const char *name);

/* Option syntax helpers (exposed for the unit tests). */
int prep_parse_volume(const char *s, struct prep_volume *v, struct err *e);
int prep_parse_port(const char *s, struct prep_port *p, struct err *e);
int prep_parse_mount(const char *s, struct prep_mount *m, struct err *e);
int prep_parse_kv(const char *s, char sep, const char *what, struct prep_kv *kv, struct err *e);

/* The stage1 image to use: --stage1-image if given, else stage1.d config
 * (local over system), else RKT_STAGE1_DEFAULT if it exists, else
 * <exe dir>/../lib/rkt/stage1.aci. Malloc'd. */
char *prep_stage1_ref(const struct prep_opts *o, struct err *e);

/* Prepare the pod: on success uuid holds its UUID and the pod is in
 * prepared (unlocked). On failure nothing is left in pods/. */
int prep_pod(struct prep_opts *o, char uuid[POD_UUID_LEN + 1], struct err *e);

#endif
