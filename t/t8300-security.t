#!/bin/sh
# Security review (issue 8): pod-enter, pod-gc and stage1 against rkt's
# published CVEs and the classes behind them. Each test names the class.
#   CVE-2019-10144  rkt enter gave the entered process every capability
#   CVE-2019-10145  ... ran it without the app's seccomp filter
#   CVE-2019-10147  ... left it outside the app's cgroups (and namespaces)
#   rkt#2483/#2484  an app reaching stage1 or the host through /proc
#                   (/proc/PID/fd of a process holding host fds; /proc/sys,
#                   sysrq-trigger writable)
#   rkt gc          removal that follows a symlink or crosses a mount
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"

pods=$RKT_DIR/pods

# app_status APP FIELD...: the FIELD: lines of /proc/<app pid>/status, seen
# from the host
app_status() {
	_pid=$(cat "$pods/run/$uuid/apps/$1/pid") && shift &&
	for _f in "$@"; do grep "^$_f:" /proc/$_pid/status || return 1; done
}
# enter_status APP FIELD...: the same lines of a process pod-enter starts
enter_status() {
	_a=$1
	shift
	pod-enter --app=$_a $uuid /bin/sh -c 'for f in "$@"; do grep "^$f:" /proc/self/status; done' - "$@"
}

test_expect_success 'setup: a running pod with a root app (memory isolator) and a user app' '
	store_image bb example.com/busybox /bin/true >img.id &&
	img=$(cat img.id) &&
	uuid=$(pod-prepare "$img" --name=root --memory=64M --exec=/bin/sleep -- 300 \
		--- "$img" --name=user --user=1000 --group=1000 --exec=/bin/sleep -- 300) &&
	echo $uuid >uuid &&
	{ timeout -k 5 240 pod-run --net=host $uuid >pod.out 2>&1 & echo $! >pod.pid; } &&
	test_kill_at_exit $(cat pod.pid) &&
	wait_for 60 "test -s \"$pods/run/$uuid/apps/root/pid\" && test -s \"$pods/run/$uuid/apps/user/pid\""
'
uuid=$(cat uuid)

test_expect_success 'CVE-2019-10144: pod-enter gives the app capabilities, never all' '
	for app in root user; do
		app_status $app CapInh CapPrm CapEff CapBnd CapAmb >expect &&
		enter_status $app CapInh CapPrm CapEff CapBnd CapAmb >actual &&
		test_cmp expect actual || exit 1
	done &&
	eff=$(enter_status root CapEff | cut -f2) &&
	test $(( (0x$eff >> 21) & 1 )) = 0 &&
	test_must_fail pod-enter --app=root $uuid /bin/mount -t tmpfs none /mnt 2>err &&
	test "$(pod-enter --app=user $uuid /bin/id -u)" = 1000
'

test_expect_success 'CVE-2019-10145: pod-enter applies the app seccomp filter and no_new_privs' '
	app_status root NoNewPrivs Seccomp Seccomp_filters >expect &&
	enter_status root NoNewPrivs Seccomp Seccomp_filters >actual &&
	test_cmp expect actual &&
	grep -qx "Seccomp:	2" actual &&
	# adjtimex (read-only) and unshare -U need no capability: on the host
	# they work, in the pod the default filter refuses them
	busybox adjtimex >/dev/null && busybox unshare -U true &&
	test_must_fail pod-enter --app=root $uuid /bin/busybox adjtimex 2>err &&
	grep -q "Operation not permitted" err &&
	test_must_fail pod-enter --app=root $uuid /bin/busybox unshare -U true 2>err &&
	grep -q "Operation not permitted" err
'

test_expect_success 'CVE-2019-10147: pod-enter joins the app cgroups and every pod namespace' '
	pid=$(cat "$pods/run/$uuid/apps/root/pid") &&
	cat /proc/$pid/cgroup >expect &&
	pod-enter --app=root $uuid /bin/cat /proc/self/cgroup >actual &&
	test_cmp expect actual &&
	grep -q "memory:/.*rkt-$uuid" actual &&
	for ns in cgroup ipc mnt net pid uts; do
		echo "$ns $(readlink /proc/$pid/ns/$ns)" || exit 1
	done >expect &&
	pod-enter --app=root $uuid /bin/sh -c "for ns in cgroup ipc mnt net pid uts; do echo \"\$ns \$(readlink /proc/self/ns/\$ns)\"; done" >actual &&
	test_cmp expect actual &&
	for ns in ipc mnt pid uts; do
		test "$(readlink /proc/$pid/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" || exit 1
	done
'

test_expect_success 'rkt#2483: the process pod-enter starts cannot be read through /proc by the app before it execs' '
	# strace holds the entered process at its execve (after it took the
	# app user, caps and root, before its host fds close) while a second
	# pod-enter, as the app, looks for it in /proc
	{ strace -f -qq -o /dev/null -e trace=execve -e inject=execve:delay_enter=4s:when=1 \
		pod-enter --app=root $uuid /bin/echo VICTIM-$$ >victim.out 2>&1 & echo $! >victim.pid; } &&
	test_kill_at_exit $(cat victim.pid) &&
	cat >look.sh <<-EOF &&
	for p in /proc/[0-9]*; do
		grep -q "VICTIM-\$1" \$p/cmdline 2>/dev/null || continue
		echo found \$p
		ls -l \$p/fd/ 2>&1
		for f in \$p/fd/*; do cat \$f/pod 2>/dev/null; ls \$f/ 2>/dev/null; done
		cat \$p/environ 2>&1 | head -c 100
	done
	EOF
	pod-enter --app=root $uuid /bin/sh -c "cat >/tmp/look.sh" <look.sh &&
	wait_for 60 "pod-enter --app=root $uuid /bin/sh /tmp/look.sh $$ >seen 2>&1; grep -q ^found seen" &&
	cat seen &&
	! grep -e "$TRASH" -e PodManifest -e stage1 seen &&
	grep -q "Permission denied" seen &&
	wait $(cat victim.pid) && grep -qx VICTIM-$$ victim.out
'

test_expect_success 'rkt#2484: /proc/sys and /sys are read-only to an entered root process' '
	# writing back the value read changes nothing even where it works
	pod-enter --app=root $uuid /bin/sh -c "grep -e \" /proc/sys \" -e \" /sys \" /proc/mounts; v=\$(cat /proc/sys/kernel/core_pattern) && echo \"\$v\" >/proc/sys/kernel/core_pattern; touch /sys/x" >out 2>&1; cat out &&
	grep -q "^proc /proc/sys proc ro," out && grep -q "^sysfs /sys sysfs ro," out &&
	test $(grep -c "Read-only file system" out) = 2 &&
	if [ -e /proc/sysrq-trigger ]; then
		pod-enter --app=root $uuid /bin/sh -c "grep \" /proc/sysrq-trigger \" /proc/mounts" >out &&
		grep -q " ro," out
	fi
'

test_expect_success 'the pod stops; pod-enter refuses it afterwards' '
	mkdir -p host/keep && echo data >host/keep/file &&
	pod-enter --app=root $uuid /bin/sh -c "ln -s $TRASH/host/keep /tmp/dir-out && ln -s $TRASH/host/keep/file /tmp/file-out && ln -s ../../../../../../../../../../../../..$TRASH/host/keep /tmp/up-out" &&
	kill -TERM $(cat pod.pid) && wait_for 60 "flock -n \"$pods/run/$uuid\" true" &&
	test_must_fail pod-enter $uuid /bin/true 2>err &&
	grep -q "not running" err
'

test_expect_success 'rkt gc: symlinks to the host an app left in its rootfs are not followed' '
	pod-gc --grace-period=0s &&
	test ! -e "$pods/run/$uuid" && test ! -e "$pods/exited-garbage/$uuid" &&
	test -f host/keep/file
'

test_expect_success 'rkt gc: a pod dir that is a symlink to a host dir is not followed, other pods still go' '
	mkdir -p "$pods/exited-garbage" "$pods/garbage" &&
	u1=$(cat /proc/sys/kernel/random/uuid) && u2=$(cat /proc/sys/kernel/random/uuid) &&
	u3=$(cat /proc/sys/kernel/random/uuid) &&
	ln -s "$TRASH/host/keep" "$pods/exited-garbage/$u1" &&
	ln -s "$TRASH/host/keep" "$pods/garbage/$u2" &&
	mkdir -p "$pods/garbage/$u3/stage1" &&
	pod-gc --grace-period=0s &&
	test ! -e "$pods/garbage/$u3" &&
	test "$(cat host/keep/file)" = data &&
	test -L "$pods/exited-garbage/$u1" && test -L "$pods/garbage/$u2" &&
	pod-status >out && ! grep -e $u1 -e $u2 out &&
	test_must_fail pod-gc $u1 2>err && grep -q "^pod-gc: " err &&
	test "$(cat host/keep/file)" = data
'

test_done
