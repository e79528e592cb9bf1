/* Networking. --net=host keeps the host's; --net=none gives the pod its own
 * namespace with only loopback up. Private networks (CNI, the networking
 * issue) slot in at s1_net_outer_setup: it runs in the host's namespaces
 * after the pod's net namespace exists (/proc/<pid>/ns/net) and before the
 * pod goes on. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stage1.h"

bool s1_net_outer_needed(struct s1_pod *pod)
{
	return pod->opt->net == S1_NET_CNI;
}

int s1_net_outer_setup(struct s1_pod *pod, pid_t pid, struct err *e)
{
	(void)pid;
	if (pod->opt->net == S1_NET_CNI)
		return err_set(e, "--net=%s: private networks are not supported yet",
			       pod->opt->net_names);
	return 0;
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

int s1_net_pod_setup(struct s1_pod *pod, struct err *e)
{
	if (pod->opt->net == S1_NET_HOST)
		return 0;
	return link_up("lo", e);
}
