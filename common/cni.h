/* Pod networking through CNI plugins, as rkt's stage1 did it.
 *
 * Networks come from net.d/NAME.conf in the system then the local config dir
 * (a local conf replaces a system one of the same "name"), plus the built-in
 * `default` (ptp, IP masquerade, host-local IPAM on 172.16.28.0/24) and
 * `default-restricted` (ptp, no masquerade, 172.17.0.0/16, no default route).
 *
 * cni_add() runs each network's plugin with the CNI conventions (CNI_COMMAND,
 * CNI_CONTAINERID = pod UUID, CNI_NETNS, CNI_IFNAME = eth0, eth1 ...,
 * CNI_PATH, CNI_ARGS; the config on stdin, the result on stdout) and records
 * in POD/net/NN-NAME/ what it did: the config sent (`conf`, and `portmap` for
 * the chained portmap plugin), the call's environment (`env`) before the call,
 * the result (`result`) after. cni_del() reads only that directory, so it
 * undoes a pod's networking after a crash too, and a second call is a no-op. */
#ifndef RKT_CNI_H
#define RKT_CNI_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define CNI_DEFAULT_PATH "/usr/lib/cni"
#define CNI_DEFAULT_VERSION "0.4.0"       /* for confs that name none */
#define CNI_PLUGIN_TIMEOUT_MS 30000       /* per plugin call */
#define CNI_MAX_CONF (1024 * 1024)        /* a net.d file or a plugin's output */

/* Where and as whom plugins run. */
struct cni_ctx {
	const char *pod_dir;       /* POD/net/ is written here */
	const char *uuid;          /* CNI_CONTAINERID */
	const char *system_config; /* parent of a net.d/ dir; NULL: none */
	const char *local_config;  /* parent of a net.d/ dir; NULL: none */
	const char *cni_path;      /* NULL: $CNI_PATH, else CNI_DEFAULT_PATH */
	int timeout_ms;            /* 0: CNI_PLUGIN_TIMEOUT_MS */
};

/* A network configuration. */
struct cni_net {
	char *name;
	char *type;
	char *file; /* the conf file, NULL for a built-in */
	char *conf; /* its JSON text */
};

/* One network asked for on the command line: NAME or NAME:ARGS where ARGS
 * is CNI_ARGS text such as IP=172.16.28.42 (several joined by ';'). */
struct cni_netreq {
	char *name;
	char *args; /* NULL if none */
};

/* A host port forwarded into the pod (the portmap plugin's portMappings). */
struct cni_portmap {
	char *name; /* the pod manifest's port name, for messages */
	unsigned host_port, container_port;
	char *protocol; /* "tcp" or "udp" */
	char *host_ip;  /* NULL: every host address */
};

/* What a network gave the pod, read back from POD/net/. */
struct cni_netinfo {
	char *name;            /* network name */
	char *ifname;          /* eth0 ... */
	char **ips;            /* NULL-terminated; pod addresses in CIDR form, "172.16.28.2/24" */
	char *gateway;         /* first IP's gateway (the host side for ptp), or NULL */
	char **dns;            /* nameservers (NULL-terminated, as below) */
	char **search;         /* search domains */
	char **options;
	char *domain;
};

/* "default", "net1:IP=1.2.3.4,net2" -> requests. "host" and "none" are not
 * networks: the caller handles them before this. */
int cni_parse_netreqs(const char *arg, struct cni_netreq **out, size_t *n, struct err *e);
void cni_netreqs_free(struct cni_netreq *r, size_t n);

/* Every network known (built-ins, then net.d; sorted by name). A bad conf
 * file is an error naming it. */
int cni_list(const struct cni_ctx *c, struct cni_net **out, size_t *n, struct err *e);
/* The network called name. */
int cni_load(const struct cni_ctx *c, const char *name, struct cni_net *out, struct err *e);
void cni_net_free(struct cni_net *n);
void cni_nets_free(struct cni_net *n, size_t count);

/* The ports a pod manifest asks to forward, each resolved to the container
 * port its app declares (the app object in the pod manifest, else the image
 * manifest in POD/apps/<app>/manifest). An undeclared port is an error. */
int cni_ports_from_pod(const char *pod_dir, struct cni_portmap **out, size_t *n, struct err *e);
void cni_ports_free(struct cni_portmap *p, size_t n);

/* Attach the netns at netns_path to each requested network (eth0, eth1 ...),
 * the ports forwarded on the first. On failure what was added is deleted
 * again. */
int cni_add(const struct cni_ctx *c, const char *netns_path, const struct cni_netreq *reqs,
	    size_t nreqs, const struct cni_portmap *ports, size_t nports, struct err *e);
/* Undo everything POD/net/ records, newest first, then remove it (and the
 * pinned netns if any). Succeeds when there is nothing to undo. */
int cni_del(const struct cni_ctx *c, struct err *e);

/* A network namespace that outlives its processes: a new one (cni_netns_new)
 * or an existing one (cni_netns_pin, e.g. /proc/PID/ns/net), bind-mounted on
 * POD/net/netns. cni_del unmounts it after the plugins ran. *path_out gets
 * the malloc'd path. */
int cni_netns_new(const char *pod_dir, char **path_out, struct err *e);
int cni_netns_pin(const char *pod_dir, const char *ns_path, char **path_out, struct err *e);

/* The networks POD/net/ records with a result, in interface order. */
int cni_netinfo_read(const char *pod_dir, struct cni_netinfo **out, size_t *n, struct err *e);
/* Parse one CNI result (any version: 0.1/0.2 "ip4", 0.3+ "ips"). */
int cni_result_parse(const char *json, size_t len, struct cni_netinfo *out, struct err *e);
void cni_netinfo_free(struct cni_netinfo *ni, size_t n); /* an array */
void cni_netinfo_clear(struct cni_netinfo *ni);             /* one, in place */

#endif
