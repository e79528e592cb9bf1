/* Capabilities (ace.md os/linux/capabilities-*): the bounding set of an app
 * is the default 14, or the retain set, or the default minus the remove set.
 * As rkt does, the same set becomes the permitted, effective and inheritable
 * sets, and for an app that is not root the ambient set, so a non-root app
 * keeps exactly what it was granted across exec. */
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "stage1.h"
#include "types.h"

static const int default_caps[] = {
    CAP_AUDIT_WRITE, CAP_CHOWN,	  CAP_DAC_OVERRIDE, CAP_FSETID,		  CAP_FOWNER,
    CAP_KILL,	     CAP_MKNOD,	  CAP_NET_RAW,	    CAP_NET_BIND_SERVICE, CAP_SETUID,
    CAP_SETGID,	     CAP_SETPCAP, CAP_SETFCAP,	    CAP_SYS_CHROOT,
};

uint64_t caps_default_set(void)
{
	uint64_t m = 0;
	for (size_t i = 0; i < sizeof(default_caps) / sizeof(default_caps[0]); i++)
		m |= 1ULL << default_caps[i];
	return m;
}

int caps_compute(const struct s1_isolators *iso, uint64_t *mask, struct err *e)
{
	uint64_t set = 0;
	for (char **c = iso->caps; c && *c; c++) {
		int v = capability_from_name(*c);
		if (v < 0 || v > 63)
			return err_set(e, "unknown capability \"%s\"", *c);
		set |= 1ULL << v;
	}
	switch (iso->caps_mode) {
	case 1:
		*mask = set;
		break;
	case 2:
		*mask = caps_default_set() & ~set;
		break;
	default:
		*mask = caps_default_set();
	}
	return 0;
}

/* Still root with every capability: shrink the bounding set (needs
 * CAP_SETPCAP) and keep the permitted set across the coming setuid. */
int caps_bound(uint64_t mask, uid_t uid, struct err *e)
{
	int last = (int)cap_max_bits() - 1;
	for (int c = 0; c <= last; c++) {
		if (c < 64 && (mask & (1ULL << c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return err_sys(e, "drop capability %d from the bounding set", c);
	}
	if (uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_sys(e, "keep capabilities");
	return 0;
}

/* After setresuid: permitted = effective = inheritable = mask, and the
 * ambient set for a non-root user (root regains them from the bounding set
 * at exec). */
int caps_set(uint64_t mask, uid_t uid, struct err *e)
{
	cap_t caps = cap_init();
	if (!caps)
		return err_sys(e, "capabilities");
	int last = (int)cap_max_bits() - 1;
	for (int c = 0; c <= last && c < 64; c++) {
		if (!(mask & (1ULL << c)))
			continue;
		cap_value_t v = c;
		cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
		cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
	int r = cap_set_proc(caps);
	cap_free(caps);
	if (r < 0)
		return err_sys(e, "set capabilities");
	if (uid == 0)
		return 0;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return err_sys(e, "clear ambient capabilities");
	for (int c = 0; c <= last && c < 64; c++)
		if ((mask & (1ULL << c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return err_sys(e, "raise ambient capability %d", c);
	return 0;
}
