/* One CNI plugin call (internal to cni*.c). */
#ifndef RKT_CNI_EXEC_H
#define RKT_CNI_EXEC_H

#include "cni.h"

struct cni_call {
	const char *net_name;     /* for messages */
	const char *type;         /* plugin binary name */
	const char *command;      /* ADD, DEL, CHECK */
	const char *container_id; /* pod UUID */
	const char *netns;        /* "" or NULL: none (DEL after the netns went) */
	const char *ifname;
	const char *args;         /* CNI_ARGS after IgnoreUnknown=1, or NULL */
	const char *cni_path;
	int timeout_ms;
};

/* The plugin search path of ctx (its cni_path, $CNI_PATH, the default). */
const char *cni_exec_path(const struct cni_ctx *c);
/* Run the plugin; on exit 0, *out is its stdout (malloc'd). */
int cni_exec(const struct cni_call *k, const char *stdin_data, char **out, struct err *e);

#endif
