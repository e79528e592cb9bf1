/* Networking. --net=host keeps the host's; --net=none gives the pod its own
 * namespace with only loopback up; --net=default or NAME[,NAME...] attaches
 * that namespace to CNI networks (common/cni, rkt-net(5)).
 *
 * In the host (the outer process), once the pod's namespaces exist: the
 * pod's netns is pinned on POD/net/netns, the plugins ADD it to each network
 * (ports of the pod manifest forwarded on the first), and with
 * --mds-register the pod registers with pod-metadata. In the pod, before
 * anything else: loopback up, resolv.conf fed from the networks' DNS when
 * none was given, AC_METADATA_URL set. When the pod is gone the outer
 * process unregisters and DELs everything POD/net/ records (pod-gc does it
 * again if we die first). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cni.h"
#include "mds.h"
#include "opt.h"
#include "stage1.h"
#include "xalloc.h"

bool s1_net_outer_needed(struct s1_pod *pod)
{
	return pod->opt->net == S1_NET_CNI;
}

static void cni_ctx_of(struct s1_pod *pod, struct cni_ctx *c)
{
	struct rkt_paths p;
	rkt_paths_default(&p);
	*c = (struct cni_ctx){
		.pod_dir = pod->path,
		.uuid = pod->uuid,
		.system_config = pod->opt->system_config ? pod->opt->system_config : p.system_config,
		.local_config = pod->opt->local_config ? pod->opt->local_config : p.local_config,
	};
}

static int mds_register_pod(struct s1_pod *pod, struct err *e)
{
	struct cni_netinfo *ni;
	size_t n;
	if (cni_netinfo_read(pod->path, &ni, &n, e) < 0)
		return -1;
	char **ips = NULL;
	size_t nips = 0;
	for (size_t i = 0; i < n; i++)
		for (char **a = ni[i].ips; a && *a; a++) {
			ips = xreallocarray(ips, nips + 1, sizeof *ips);
			ips[nips++] = xstrndup(*a, strcspn(*a, "/"));
		}
	int r = mds_register(mds_socket_default(), pod->uuid, pod->path, ips, nips, e);
	for (size_t i = 0; i < nips; i++)
		free(ips[i]);
	free(ips);
	cni_netinfo_free(ni, n);
	return r;
}

int s1_net_outer_setup(struct s1_pod *pod, pid_t pid, struct err *e)
{
	if (pod->opt->net != S1_NET_CNI)
		return 0;
	struct cni_ctx c;
	cni_ctx_of(pod, &c);
	struct cni_netreq *reqs = NULL;
	struct cni_portmap *ports = NULL;
	size_t nreqs = 0, nports = 0;
	_cleanup_free_ char *src = xasprintf("/proc/%d/ns/net", (int)pid);
	_cleanup_free_ char *netns = NULL;
	int r = -1;
	if (cni_parse_netreqs(pod->opt->net_names, &reqs, &nreqs, e) < 0 ||
	    cni_ports_from_pod(pod->path, &ports, &nports, e) < 0 ||
	    cni_netns_pin(pod->path, src, &netns, e) < 0 ||
	    cni_add(&c, netns, reqs, nreqs, ports, nports, e) < 0)
		goto out;
	if (pod->opt->mds_register && mds_register_pod(pod, e) < 0)
		goto out;
	r = 0;
out:
	cni_netreqs_free(reqs, nreqs);
	cni_ports_free(ports, nports);
	return r;
}

void s1_net_outer_teardown(struct s1_pod *pod)
{
	if (pod->opt->net != S1_NET_CNI)
		return;
	struct err e = {0};
	if (pod->opt->mds_register)
		mds_unregister(mds_socket_default(), pod->uuid, &e);
	struct cni_ctx c;
	cni_ctx_of(pod, &c);
	if (cni_del(&c, &e) < 0)
		fprintf(stderr, "stage1: network teardown (pod-gc will retry): %s\n", e.msg);
}

static int link_up(const char *ifname, struct err *e)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return err_sys(e, "socket");
	struct ifreq ifr = {0};
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	int r = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (r == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (r < 0)
		err_sys(e, "bring %s up", ifname);
	close(s);
	return r;
}

/* In the pod: the networks' DNS feeds resolv.conf when no --dns was given,
 * and AC_METADATA_URL points at the host side of the first network. */
static int pod_from_results(struct s1_pod *pod, struct err *e)
{
	struct cni_netinfo *ni;
	size_t n;
	if (cni_netinfo_read(pod->path, &ni, &n, e) < 0)
		return -1;
	struct s1_runtime *rt = &pod->rt;
	if (!strv_len(rt->dns) && !strv_len(rt->dns_search) && !strv_len(rt->dns_options)) {
		for (size_t i = 0; i < n; i++) {
			if (!strv_len(ni[i].dns))
				continue;
			strv_free(rt->dns);
			strv_free(rt->dns_search);
			strv_free(rt->dns_options);
			rt->dns = strv_dup(ni[i].dns);
			rt->dns_search = ni[i].search ? strv_dup(ni[i].search) : NULL;
			rt->dns_options = ni[i].options ? strv_dup(ni[i].options) : NULL;
			break;
		}
	}
	if (pod->opt->mds_register && n && ni[0].gateway) {
		_cleanup_free_ char *url = mds_url(ni[0].gateway);
		setenv("AC_METADATA_URL", url, 1);
	}
	cni_netinfo_free(ni, n);
	return 0;
}

int s1_net_pod_setup(struct s1_pod *pod, struct err *e)
{
	if (pod->opt->net == S1_NET_HOST)
		return 0;
	if (link_up("lo", e) < 0)
		return -1;
	return pod->opt->net == S1_NET_CNI ? pod_from_results(pod, e) : 0;
}
