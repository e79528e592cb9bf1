/* stage1's pure isolator arithmetic: capability sets, cgroup values, errnos. */
#include <errno.h>
#include <sys/capability.h>

#include "stage1.h"
#include "tap.h"

int main(void)
{
	struct s1_isolators iso = {0};
	struct err e = {0};
	uint64_t m = 0, def = caps_default_set();
	char *remove[] = {"CAP_CHOWN", "CAP_SYS_ADMIN", NULL};
	char *retain[] = {"CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE", NULL};
	char *bad[] = {"CAP_NOPE", NULL};

	is_int(__builtin_popcountll(def), 14, "the default set has the 14 of ace.md");
	ok(def & (1ULL << CAP_CHOWN) && def & (1ULL << CAP_SYS_CHROOT) &&
	       !(def & (1ULL << CAP_SYS_ADMIN)),
	   "CAP_CHOWN and CAP_SYS_CHROOT in, CAP_SYS_ADMIN out");
	ok(caps_compute(&iso, &m, &e) == 0 && m == def, "no isolator: the default set");
	iso.caps_mode = 2;
	iso.caps = remove;
	ok(caps_compute(&iso, &m, &e) == 0, "a remove set");
	is_int(__builtin_popcountll(m), 13, "removing one default and one other leaves 13");
	ok(!(m & (1ULL << CAP_CHOWN)), "CAP_CHOWN is gone");
	iso.caps_mode = 1;
	iso.caps = retain;
	ok(caps_compute(&iso, &m, &e) == 0 &&
	       m == ((1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_BIND_SERVICE)),
	   "a retain set is exactly its capabilities");
	iso.caps = bad;
	ok(caps_compute(&iso, &m, &e) < 0, "an unknown capability is refused");
	is_str(e.msg, "unknown capability \"CAP_NOPE\"", "naming it");

	is_int(cpu_quota_us(500, 100000), 50000, "500m is half of each period");
	is_int(cpu_quota_us(2000, 100000), 200000, "2 cores");
	is_int(cpu_quota_us(1, 100000), 1000, "the kernel minimum of 1 ms");
	is_int(cpu_shares(1000), 1024, "one core is 1024 shares");
	is_int(cpu_shares(1), 2, "shares are at least 2");
	is_int(cpu_weight_from_shares(2), 1, "2 shares: weight 1");
	is_int(cpu_weight_from_shares(1024), 39, "1024 shares: weight 39");
	is_int(cpu_weight_from_shares(262144), 10000, "the maximum weight");

	is_int(errno_from_name("ENOTSUP"), ENOTSUP, "errno names");
	is_int(errno_from_name("EPERM"), EPERM, "EPERM");
	is_int(errno_from_name("ENOPE"), -1, "unknown errno");
	return done_testing();
}
