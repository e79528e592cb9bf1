#!/bin/sh
# stage1 isolators: capabilities (default, remove, retain; root and not),
# no-new-privileges, seccomp (default, remove with errno or SIGSYS, retain),
# memory and cpu limits on cgroups.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"

iso_pod() { # NAME EXEC ISOLATORS [USER]
	pod=$(stage1_pod) && stage1_app "$pod" "$1" &&
	ln -sf busybox "$pod/stage1/rootfs/opt/stage2/$1/rootfs/bin/chown" &&
	stage1_manifest "$pod" "$(app_json "$1" "$2" "\"isolators\": [$3]" | sed "s/\"user\": \"0\"/\"user\": \"${4:-0}\"/")"
}
capline() { sed -n "s/^$1:[[:space:]]*//p" out; }

test_expect_success 'default: the 14 capabilities of ace.md bound a root app' '
	iso_pod caps "\"/bin/sh\", \"-c\", \"grep ^Cap /proc/self/status; chown 1000 /tmp && echo chown-ok\"" "" &&
	stage1_run "$pod" >out &&
	test "$(capline CapBnd)" = 00000000a80425fb &&
	test "$(capline CapEff)" = 00000000a80425fb &&
	grep -qx chown-ok out
'

test_expect_success 'capabilities-remove-set CAP_CHOWN: chown fails' '
	iso_pod nochown "\"/bin/sh\", \"-c\", \"grep ^CapBnd /proc/self/status; chown 1000 /tmp && echo chown-ok || echo chown-refused\"" \
		"{\"name\": \"os/linux/capabilities-remove-set\", \"value\": {\"set\": [\"CAP_CHOWN\"]}}" &&
	stage1_run "$pod" >out 2>/dev/null &&
	test "$(capline CapBnd)" = 00000000a80425fa &&
	grep -qx chown-refused out
'

test_expect_success 'capabilities-retain-set: exactly the set, also ambient for a non-root app' '
	iso_pod retain "\"/bin/sh\", \"-c\", \"grep ^Cap /proc/self/status\"" \
		"{\"name\": \"os/linux/capabilities-retain-set\", \"value\": {\"set\": [\"CAP_NET_BIND_SERVICE\", \"CAP_NET_ADMIN\"]}}" 1000 &&
	stage1_run "$pod" >out &&
	test "$(capline CapBnd)" = 0000000000001400 &&
	test "$(capline CapEff)" = 0000000000001400 &&
	test "$(capline CapAmb)" = 0000000000001400
'

test_expect_success 'no-new-privileges sets no_new_privs, default does not' '
	iso_pod nnp "\"/bin/sh\", \"-c\", \"grep ^NoNewPrivs /proc/self/status\"" \
		"{\"name\": \"os/linux/no-new-privileges\", \"value\": true}" &&
	stage1_run "$pod" >out &&
	test "$(capline NoNewPrivs)" = 1 &&
	iso_pod nonnp "\"/bin/sh\", \"-c\", \"grep ^NoNewPrivs /proc/self/status\"" "" &&
	stage1_run "$pod" >out &&
	test "$(capline NoNewPrivs)" = 0
'

test_expect_success 'seccomp: a default filter without an isolator, none with @appc.io/all' '
	iso_pod sdef "\"/bin/sh\", \"-c\", \"grep ^Seccomp: /proc/self/status\"" "" &&
	stage1_run "$pod" >out && test "$(capline Seccomp)" = 2 &&
	iso_pod sall "\"/bin/sh\", \"-c\", \"grep ^Seccomp: /proc/self/status\"" \
		"{\"name\": \"os/linux/seccomp-retain-set\", \"value\": {\"set\": [\"@appc.io/all\"]}}" &&
	stage1_run "$pod" >out && test "$(capline Seccomp)" = 0
'

test_expect_success 'seccomp-remove-set with errno: the syscall fails with it' '
	iso_pod srm "\"/bin/sh\", \"-c\", \"mkdir /tmp/d 2>&1; test -d /tmp/d && echo made; true\"" \
		"{\"name\": \"os/linux/seccomp-remove-set\", \"value\": {\"set\": [\"mkdir\", \"mkdirat\"], \"errno\": \"ENOTSUP\"}}" &&
	stage1_run "$pod" >out &&
	grep -qi "not supported" out && ! grep -q made out
'

test_expect_success 'seccomp-remove-set without errno: the app dies of SIGSYS' '
	iso_pod ssys "\"mkdir\", \"/tmp/d\"" \
		"{\"name\": \"os/linux/seccomp-remove-set\", \"value\": {\"set\": [\"mkdir\", \"mkdirat\"]}}" &&
	test_expect_code 159 stage1_run "$pod" &&
	echo 159 >expect && test_cmp expect "$pod/status/ssys"
'

test_expect_success 'seccomp-retain-set: the app runs on a whitelist' '
	iso_pod sret "\"/bin/sh\", \"-c\", \"grep ^Seccomp: /proc/self/status; mkdir /tmp/d 2>&1 || true\"" \
		"{\"name\": \"os/linux/seccomp-retain-set\", \"value\": {\"set\": [\"@rkt/default-whitelist\"], \"errno\": \"EPERM\"}}" &&
	stage1_run "$pod" >out && test "$(capline Seccomp)" = 2 && test -z "$(grep mkdir out)" &&
	iso_pod sret2 "\"/bin/sh\", \"-c\", \"mkdir /tmp/d\"" \
		"{\"name\": \"os/linux/seccomp-retain-set\", \"value\": {\"set\": [\"@rkt/default-whitelist\"], \"errno\": \"EPERM\"}}" &&
	sed -i "s/\"@rkt\/default-whitelist\"/\"execve\", \"brk\", \"arch_prctl\", \"set_tid_address\", \"set_robust_list\", \"rseq\", \"prlimit64\", \"mprotect\", \"readlink\", \"getuid\", \"getpid\", \"rt_sigaction\", \"rt_sigprocmask\", \"geteuid\", \"getppid\", \"getcwd\", \"uname\", \"stat\", \"newfstatat\", \"fstat\", \"ioctl\", \"wait4\", \"vfork\", \"clone\", \"fork\", \"read\", \"openat\", \"close\", \"dup2\", \"fcntl\", \"getpgrp\"/" "$pod/pod" &&
	stage1_run "$pod" >out 2>&1; test $? -ne 0 &&
	grep -q "Operation not permitted" out
'

test_expect_success 'an unknown syscall or capability fails naming the isolator' '
	iso_pod bad "\"true\"" \
		"{\"name\": \"os/linux/seccomp-remove-set\", \"value\": {\"set\": [\"no_such_syscall\"]}}" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: app bad: isolator os/linux/seccomp: seccomp: unknown syscall \"no_such_syscall\"" err
'

test_expect_success 'an isolator stage1 does not enforce is named in a warning' '
	iso_pod warn "\"true\"" \
		"{\"name\": \"resource/block-iops\", \"value\": {\"default\": true, \"limit\": \"1000\"}}" &&
	stage1_run "$pod" 2>err &&
	grep -q "^stage1: warning: app warn: isolator resource/block-iops is not enforced" err
'

memcg() { # the memory cgroup dir of this shell (v1) or the unified one (v2)
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo "/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)"
	else
		echo "/sys/fs/cgroup/memory$(sed -n "s/^[0-9]*:memory://p" /proc/self/cgroup)"
	fi
}

test_expect_success 'a memory limit kills a hog; its cgroup is gone after the pod' '
	iso_pod hog "\"/bin/sh\", \"-c\", \"x=\$(head -c 100000000 /dev/zero | tr \\\"\\\\\\\\0\\\" a); echo survived\"" \
		"{\"name\": \"resource/memory\", \"value\": {\"limit\": \"16Mi\"}}" &&
	test_expect_code 137 stage1_run "$pod" >out &&
	! grep -q survived out &&
	echo 137 >expect && test_cmp expect "$pod/status/hog" &&
	test ! -e "$(memcg)/rkt-$(basename "$pod")"
'

test_expect_success 'a memory limit that is not hit lets the app finish' '
	iso_pod small "\"/bin/sh\", \"-c\", \"x=\$(head -c 1000 /dev/zero | tr \\\"\\\\\\\\0\\\" a); echo survived\"" \
		"{\"name\": \"resource/memory\", \"value\": {\"limit\": \"64Mi\"}}" &&
	stage1_run "$pod" >out && grep -qx survived out
'

test_expect_success 'cpu and memory limits land in the app and pod cgroups' '
	iso_pod cpu "\"/bin/sh\", \"-c\", \"while ! test -e /tmp/go; do sleep 0.05; done\"" \
		"{\"name\": \"resource/cpu\", \"value\": {\"limit\": \"500m\"}}, {\"name\": \"resource/memory\", \"value\": {\"request\": \"50M\", \"limit\": \"100M\"}}" &&
	sed -i "s|\"apps\"|\"isolators\": [{\"name\": \"resource/memory\", \"value\": {\"limit\": \"200M\"}}], &|" "$pod/pod" &&
	{ stage1_run "$pod" & } && job=$! &&
	uuid=$(basename "$pod") &&
	wait_for 10 "test -s \"$pod/apps/cpu/pid\"" &&
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		cg="$(memcg)/rkt-$uuid" &&
		test "$(cat "$cg/cpu/cpu.max")" = "50000 100000" &&
		test "$(cat "$cg/cpu/memory.max")" = 100000000 &&
		test "$(cat "$cg/cpu/memory.low")" = 50000000 &&
		test "$(cat "$cg/memory.max")" = 200000000
	else
		cpucg=/sys/fs/cgroup/cpu$(sed -n "s/^[0-9]*:cpu[,a-z]*://p" /proc/self/cgroup | head -n1) &&
		test "$(cat "$cpucg/rkt-$uuid/cpu/cpu.cfs_quota_us")" = 50000 &&
		test "$(cat "$(memcg)/rkt-$uuid/cpu/memory.limit_in_bytes")" = 99999744 &&
		test "$(cat "$(memcg)/rkt-$uuid/cpu/memory.soft_limit_in_bytes")" = 49999872 &&
		test "$(cat "$(memcg)/rkt-$uuid/memory.limit_in_bytes")" = 199999488 &&
		grep -qx "$(cat "$pod/apps/cpu/pid")" "$(memcg)/rkt-$uuid/cpu/cgroup.procs"
	fi &&
	touch "$pod/stage1/rootfs/opt/stage2/cpu/rootfs/tmp/go" &&
	wait $job &&
	test ! -e "$(memcg)/rkt-$uuid"
'

# The v2 path on any host: stage1 run in a private mount namespace with a
# cgroup2 mount over /sys/fs/cgroup (v2_run POD). Where that hierarchy offers
# the memory controller the limit kills the hog; where the host keeps memory
# on a v1 hierarchy (hybrid) it offers none, and stage1 must refuse the
# isolator naming it, leaving no cgroup. A pod without isolators runs.
v2_run() {
	unshare -m sh -c 'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup &&
		cd "$1" && exec 9<. && flock -x 9 &&
		exec timeout -k 5 50 stage1/rootfs/init --lock-fd=9 "$(basename "$1")"' sh "$1"
}

test_expect_success 'cgroup v2 at /sys/fs/cgroup (private mount): stage1 takes the v2 path' '
	iso_pod v2hog "\"/bin/sh\", \"-c\", \"x=\$(head -c 100000000 /dev/zero | tr \\\"\\\\\\\\0\\\" a); echo survived\"" \
		"{\"name\": \"resource/memory\", \"value\": {\"limit\": \"16Mi\"}}" &&
	mkdir -p cg2 && mount -t cgroup2 none cg2 && test_umount_at_exit "$TRASH/cg2" &&
	code=0 && v2_run "$pod" >out 2>err || code=$? &&
	if grep -qw memory cg2/cgroup.controllers; then
		test $code = 137 && ! grep -q survived out
	else
		test $code = 1 && grep -q "resource/memory: .*(+memory)" err
	fi &&
	test -z "$(find cg2 -maxdepth 3 -name "rkt-$(basename "$pod")")" &&
	iso_pod v2plain "\"/bin/echo\", \"plain\"" "" &&
	v2_run "$pod" >out && grep -qx plain out
'

test_done
