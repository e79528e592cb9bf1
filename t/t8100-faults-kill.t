#!/bin/sh
# Faults (issue 8): kill -9 of pod-prepare, pod-run/stage1, cas-store render
# and pod-gc at random moments in bounded loops. Afterwards no pod is half
# written or stuck, nothing is mounted, no cgroup is left, and the store
# verifies clean. (kill -9 of cas-store import is t2040.)
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-cas.sh"
. "$T_DIR/lib-stage1.sh"

pods=$RKT_DIR/pods

# rand_sleep MAXMS: sleep 0..MAXMS milliseconds. Loops do not sleep on
# their first try, so at least one kill lands however fast the machine is
# (the totals test asserts every kind was injected).
rand_sleep() { sleep "$(awk -v r="$(shuf -i 0-"$1" -n 1)" 'BEGIN { printf "%.3f", r / 1000 }')"; }

# kill9 PID: kill -9 PID; counts a fault in $TRASH/faults.KIND when it hit a
# live process. Reaps it.
kill9() {
	kill -9 "$2" 2>/dev/null && echo x >>"$TRASH/faults.$1"
	wait "$2" 2>/dev/null
	:
}
faults() { cat "$TRASH/faults.$1" 2>/dev/null | wc -l; }

# settle: every pod that is not running goes; verify is clean; no mount.
settle() {
	pod-gc --grace-period=0s --expire-prepared=0s &&
	test -z "$(find "$pods" -mindepth 2 -maxdepth 2)" &&
	cas-store verify &&
	no_mounts_left
}

# no_cgroup UUID: stage1's rkt-<uuid> cgroup is gone in every hierarchy.
no_cgroup() {
	test -z "$(find /sys/fs/cgroup -maxdepth 6 -type d -name "rkt-$1" 2>/dev/null)"
}

test_expect_success 'setup: a busybox image in the store, the default stage1' '
	store_image bb example.com/busybox /bin/echo hi >img.id &&
	pod-prepare "$(cat img.id)" >uuid && test -f "$pods/prepared/$(cat uuid)/pod" &&
	settle
'
img=$(cat img.id)

test_expect_success 'kill -9 of pod-prepare at random moments: no half-written prepared pod' '
	for i in $(seq 1 15); do
		pod-prepare "$img" >/dev/null 2>&1 & p=$!
		[ $i -eq 1 ] || rand_sleep 50
		kill9 prepare $p
	done &&
	for u in $(pods_in prepared); do
		jq -e ".acKind == \"PodManifest\" and (.apps | length) == 1" "$pods/prepared/$u/pod" >/dev/null ||
			{ echo "prepared pod $u has no valid manifest"; exit 1; }
	done &&
	say "pod-prepare: $(faults prepare) kills landed; prepared: $(pods_in prepared | wc -l)," \
		"aborted: $(pods_in embryo | wc -l) embryo, $(pods_in prepare | wc -l) prepare" &&
	pod-gc --grace-period=0s >/dev/null &&
	test -z "$(pods_in embryo)$(pods_in prepare)" &&
	cas-store verify && no_mounts_left &&
	settle
'

test_expect_success 'the store and pod-prepare work after the kills' '
	test "$(bounded 30 pod-run --net=host "$img")" = hi &&
	settle
'

test_expect_success 'kill -9 of pod-run (stage1) while the pod runs: exited, collected, nothing left' '
	for i in 1 2 3 4; do
		u=$(pod-prepare "$img" --exec=/bin/sleep -- 30) &&
		{ pod-run --net=host "$u" >/dev/null 2>&1 & p=$!; } &&
		if [ $i -le 2 ]; then
			wait_for 10 "test -s \"$pods/run/$u/pid\""
		else
			rand_sleep 300
		fi &&
		kill9 run $p &&
		wait_for 10 "pod-status $u >st 2>&1 && grep -Eqx \"state=(exited|prepared)\" st" &&
		pod-gc --grace-period=0s --expire-prepared=0s >/dev/null &&
		test ! -e "$pods/run/$u" && test ! -e "$pods/exited-garbage/$u" &&
		test ! -e "$pods/prepared/$u" &&
		no_mounts_left && no_cgroup "$u" || exit 1
	done &&
	say "pod-run: $(faults run) kills landed" &&
	settle
'

test_expect_success 'kill -9 of a pod with a memory isolator: its cgroup goes with gc' '
	u=$(pod-prepare "$img" --exec=/bin/sleep --memory=64M -- 30) &&
	{ pod-run --net=host "$u" >/dev/null 2>&1 & p=$!; } &&
	wait_for 10 "test -s \"$pods/run/$u/pid\"" &&
	kill9 run $p &&
	wait_for 10 "pod-status $u | grep -qx state=exited" &&
	pod-gc --grace-period=0s >/dev/null &&
	test ! -e "$pods/exited-garbage/$u" &&
	no_mounts_left && no_cgroup "$u" &&
	settle
'

test_expect_success 'setup: a 20 MB image with a few hundred files' '
	mkdir -p big/rootfs/data big/rootfs/many &&
	head -c 20000000 /dev/urandom >big/rootfs/data/blob &&
	for i in $(seq 1 300); do echo $i >big/rootfs/many/f$i || return 1; done &&
	cas_manifest example.com/big 1.0 >big/manifest &&
	cas_tar big | gzip -1 -n >big.aci &&
	cas-store import big.aci >big.id
'

test_expect_success 'kill -9 of cas-store render: no partial tree is visible, a later render works' '
	tree=$RKT_DIR/cas/tree &&
	ls "$tree" >before &&
	for i in $(seq 1 10); do
		cas-store render example.com/big >/dev/null 2>&1 & p=$!
		[ $i -eq 1 ] || rand_sleep 90
		kill9 render $p
		# a tree under its key is whole; anything partial has a .tmp-* name
		for t in $(ls "$tree" | grep -vxF -f before); do
			test -f "$tree/$t/rootfs/many/f300" &&
			cmp -s big/rootfs/data/blob "$tree/$t/rootfs/data/blob" ||
				{ echo "partial tree $t visible"; exit 1; }
			rm -rf "$tree/$t"
		done
		cas-store verify || exit 1
	done &&
	say "cas-store render: $(faults render) kills landed" &&
	root=$(cas-store render --verify example.com/big) &&
	cmp big/rootfs/data/blob "$root/data/blob" && test -f "$root/many/f300" &&
	cas-store verify
'

# mkpod STATE: a hand-made pod dir with some content; prints its UUID
mkpod() {
	_u=$(cat /proc/sys/kernel/random/uuid)
	mkdir -p "$pods/$1/$_u/status" "$pods/$1/$_u/stage1/rootfs/a/b/c" &&
	printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[]}\n' >"$pods/$1/$_u/pod" &&
	for _f in 1 2 3 4 5 6 7 8; do echo $_f >"$pods/$1/$_u/stage1/rootfs/a/b/c/f$_f" || return 1; done &&
	echo $_u
}

test_expect_success 'kill -9 of pod-gc while sweeping many pods: a second pod-gc finishes' '
	for round in 1 2 3; do
		for i in $(seq 1 60); do mkpod run >/dev/null || exit 1; done
		for i in 1 2 3 4; do
			pod-gc --grace-period=0s >/dev/null 2>&1 & p=$!
			[ $i -eq 1 ] || rand_sleep 40
			kill9 gc $p
		done
		pod-gc --grace-period=0s || exit 1
		test -z "$(find "$pods" -mindepth 2 -maxdepth 2)" || exit 1
	done &&
	say "pod-gc: $(faults gc) kills landed" &&
	settle
'

test_expect_success 'totals' '
	say "faults injected (kill -9): prepare=$(faults prepare) run=$(faults run)" \
		"render=$(faults render) gc=$(faults gc)" &&
	test $(faults prepare) -gt 0 && test $(faults run) -gt 0 &&
	test $(faults render) -gt 0 && test $(faults gc) -gt 0
'

# the totals in the TAP output (say inside a test block is only shown on failure)
say "faults injected (kill -9): prepare=$(faults prepare) run=$(faults run) render=$(faults render) gc=$(faults gc), all survived: $((test_count - test_failed))/$test_count tests ok"

test_done
