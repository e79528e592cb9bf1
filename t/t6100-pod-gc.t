#!/bin/sh
# pod-gc over pod directories laid out by hand (CONTRACT.md): marking,
# sweeping, expiry, and never touching what a pod has bound in from the host.
. "$(dirname "$0")/lib.sh"

ID=sha512-$(printf 'x' | sha512sum | cut -c1-128)
pods=$RKT_DIR/pods
mkdir -p "$pods/embryo" "$pods/prepare" "$pods/prepared" "$pods/run" \
	"$pods/exited-garbage" "$pods/garbage"

# mkpod STATE: a pod dir with a manifest; prints its UUID
mkpod() {
	_u=$(cat /proc/sys/kernel/random/uuid)
	mkdir -p "$pods/$1/$_u/status" &&
	printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"a","image":{"id":"%s"}}]}\n' \
		"$ID" >"$pods/$1/$_u/pod" &&
	echo $_u
}

hold_lock() {
	flock -o "$1" sleep 60 &
	holder=$!
	test_when_finished "kill $holder 2>/dev/null"
	wait_for 5 "! flock -n \"$1\" true"
}

test_expect_success 'an exited pod is marked, then swept after the grace period' '
	u=$(mkpod run) &&
	pod-gc >out 2>err &&
	test -d "$pods/exited-garbage/$u" &&
	test ! -e "$pods/run/$u" &&
	pod-gc &&
	test -d "$pods/exited-garbage/$u" &&
	touch -d "31 minutes ago" "$pods/exited-garbage/$u" &&
	pod-gc -v >out &&
	echo $u >expect &&
	test_cmp expect out &&
	test ! -e "$pods/exited-garbage/$u"
'

test_expect_success '--grace-period=0s sweeps at once; --mark-only never sweeps' '
	u=$(mkpod run) &&
	pod-gc --mark-only --grace-period=0s &&
	test -d "$pods/exited-garbage/$u" &&
	pod-gc --grace-period=0s &&
	test ! -e "$pods/exited-garbage/$u"
'

test_expect_success 'a running pod (run + locked) is left alone' '
	u=$(mkpod run) &&
	hold_lock "$pods/run/$u" &&
	pod-gc --grace-period=0s --expire-prepared=0s &&
	test -d "$pods/run/$u" &&
	test -f "$pods/run/$u/pod"
'

test_expect_success 'prepared pods expire after --expire-prepared' '
	young=$(mkpod prepared) &&
	old=$(mkpod prepared) &&
	touch -d "2 days ago" "$pods/prepared/$old" &&
	pod-gc -v >out &&
	echo $old >expect &&
	test_cmp expect out &&
	test -d "$pods/prepared/$young" &&
	pod-gc --expire-prepared=1h &&
	test -d "$pods/prepared/$young" &&
	touch -d "2 hours ago" "$pods/prepared/$young" &&
	pod-gc --expire-prepared=1h &&
	test ! -e "$pods/prepared/$young"
'

test_expect_success 'a prepared pod being run (locked) does not expire' '
	u=$(mkpod prepared) &&
	touch -d "2 days ago" "$pods/prepared/$u" &&
	hold_lock "$pods/prepared/$u" &&
	pod-gc &&
	test -d "$pods/prepared/$u"
'

test_expect_success 'aborted prepares and orphaned embryos are removed; live ones stay' '
	dead=$(mkpod prepare) &&
	orphan=$(mkpod embryo) &&
	live=$(mkpod prepare) &&
	hold_lock "$pods/prepare/$live" &&
	pod-gc &&
	test ! -e "$pods/prepare/$dead" &&
	test ! -e "$pods/garbage/$dead" &&
	test ! -e "$pods/embryo/$orphan" &&
	test -d "$pods/prepare/$live"
'

test_expect_success 'a host dir bound into a pod survives; the mount is gone' '
	mkdir -p host/data && echo precious >host/data/file &&
	u=$(mkpod run) &&
	mnt=$pods/run/$u/stage1/rootfs/opt/stage2/a/rootfs/mnt &&
	mkdir -p "$mnt" &&
	mount --bind host/data "$mnt" &&
	test_when_finished "umount -l \"$mnt\" 2>/dev/null" &&
	ln -s "$TRASH/host/data" "$pods/run/$u/escape" &&
	ln -s "$TRASH/host/data/file" "$pods/run/$u/escape-file" &&
	pod-gc --grace-period=0s &&
	test ! -e "$pods/exited-garbage/$u" &&
	! grep -q " $pods/" /proc/self/mounts &&
	echo precious >expect &&
	test_cmp expect host/data/file
'

test_expect_success 'two gcs at once remove every exited pod, without errors' '
	for i in $(seq 20); do mkpod run >/dev/null || exit 1; done
	pod-gc --grace-period=0s 2>err1 &
	p1=$!
	pod-gc --grace-period=0s 2>err2 &&
	wait $p1 &&
	test -z "$(find "$pods/run" "$pods/exited-garbage" "$pods/garbage" -mindepth 1)" &&
	test ! -s err1 && test ! -s err2
'

test_expect_success 'gc racing a running pod: the pod survives' '
	u=$(mkpod run) &&
	hold_lock "$pods/run/$u" &&
	for i in $(seq 10); do pod-gc --grace-period=0s --expire-prepared=0s || exit 1; done &&
	test -f "$pods/run/$u/pod"
'

test_expect_success 'pod-gc UUID removes those pods now (rkt rm); a running one is refused' '
	exited=$(mkpod run) &&
	prepared=$(mkpod prepared) &&
	running=$(mkpod run) &&
	other=$(mkpod run) &&
	hold_lock "$pods/run/$running" &&
	pod-gc -v $exited $(echo $prepared | cut -c1-13) >out &&
	printf "%s\n" $exited $prepared >expect &&
	test_cmp expect out &&
	test ! -e "$pods/run/$exited" && test ! -e "$pods/prepared/$prepared" &&
	test -d "$pods/run/$other" &&
	test_must_fail pod-gc $running 2>err &&
	grep -q "^pod-gc: pod $running is running or busy: not removed" err &&
	test -d "$pods/run/$running" &&
	test_must_fail pod-gc 00000000-aaaa 2>err &&
	grep -q "^pod-gc: " err
'

test_expect_success 'no pods dir at all is fine' '
	RKT_DIR=$TRASH/empty pod-gc -v >out &&
	test ! -s out
'

test_expect_success 'bad options are usage errors' '
	test_expect_code 2 pod-gc --grace-period=soon 2>err &&
	grep -q "^pod-gc: --grace-period: not a duration: soon" err &&
	test_expect_code 2 pod-gc --expire-prepared 2>err &&
	test_expect_code 2 pod-gc --bogus 2>err
'

test_done
