#!/bin/sh
# pod-run's side of CONTRACT.md, checked with a fake stage1 whose init is a
# shell script: prepared -> run under the lock, cwd = the pod dir, the lock
# fd handed over, the arguments, and the exit status passed through.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"

test_expect_success 'setup' '
	store_image hello example.com/hello >img.id &&
	fake_stage1 s1 >s1.id
'
img=$(cat img.id)
S1="--stage1-image=$(cat s1.id)"

test_expect_success 'pod-run UUID moves the pod to run and execs its stage1 init' '
	uuid=$(pod-prepare "$S1" "$img") &&
	pod-run --net=none --mds-register "$uuid" &&
	test "$(pods_in run)" = "$uuid" && test -z "$(pods_in prepared)" &&
	p=$RKT_DIR/pods/run/$uuid &&
	grep -qx "cwd: $p" stage1.log &&
	grep -q "^args: .*--net=none --mds-register --dir=$RKT_DIR .*--lock-fd=[0-9]* $uuid$" stage1.log &&
	grep -qx "lockfd: $p" stage1.log &&
	grep -qx "lock: held" stage1.log
'

test_expect_success 'the default network is default (as in rkt); --debug and --interactive reach stage1' '
	uuid=$(pod-prepare "$S1" "$img") &&
	pod-run --debug --interactive "$uuid" &&
	grep -q "^args: --debug --net=default --interactive " stage1.log
'

test_expect_success 'the exit status is stage1s' '
	uuid=$(pod-prepare "$S1" "$img") &&
	(FAKE_STAGE1_EXIT=3 && export FAKE_STAGE1_EXIT && test_expect_code 3 pod-run "$uuid") &&
	uuid=$(pod-prepare "$S1" "$img") &&
	(FAKE_STAGE1_EXIT=137 && export FAKE_STAGE1_EXIT && test_expect_code 137 pod-run "$uuid")
'

test_expect_success 'the lock dies with the pod: after the run the pod is exited' '
	uuid=$(pod-prepare "$S1" "$img") &&
	pod-run "$uuid" &&
	flock -n -x "$RKT_DIR/pods/run/$uuid" true
'

test_expect_success 'a pod that is not prepared is refused with its state' '
	uuid=$(pod-prepare "$S1" "$img") &&
	pod-run "$uuid" &&
	test_expect_code 1 pod-run "$uuid" 2>err &&
	grep -q "^pod-run: pod $uuid is not prepared (it is exited)" err &&
	test_expect_code 1 pod-run 01234567-89ab-4def-8123-456789abcdef 2>err &&
	grep -q "no pod with UUID" err
'

test_expect_success 'a locked prepared pod is refused' '
	uuid=$(pod-prepare "$S1" "$img") &&
	p=$RKT_DIR/pods/prepared/$uuid &&
	flock -x "$p" sh -c "pod-run $uuid 2>err; echo \$? >rc" &&
	test "$(cat rc)" = 1 && grep -q "locked" err &&
	test "$(pods_in prepared | grep -c "$uuid")" = 1
'

test_expect_success 'a UUID prefix names the pod' '
	uuid=$(pod-prepare "$S1" "$img") &&
	pod-run "$(echo "$uuid" | cut -c1-8)" &&
	grep -q " $uuid$" stage1.log
'

test_expect_success 'an ambiguous UUID prefix is refused, not taken for an image' '
	a=$(pod-prepare "$S1" "$img") && pre=$(echo "$a" | cut -c1-7) &&
	mkdir "$RKT_DIR/pods/prepared/${pre}0-0000-4000-8000-000000000000" &&
	test_expect_code 1 pod-run "$pre" 2>err &&
	grep -q "^pod-run: UUID prefix $pre is ambiguous" err
'

test_expect_success 'pod-run IMAGE prepares and runs in one go (--uuid-file-save)' '
	rm -f stage1.log &&
	pod-run "$S1" --uuid-file-save=u "$img" --exec=/bin/true &&
	uuid=$(cat u) && test -n "$uuid" &&
	test -d "$RKT_DIR/pods/run/$uuid" &&
	grep -q " $uuid$" stage1.log
'

test_expect_success 'pod-run rejects prepare flags it does not know and a missing value' '
	test_expect_code 2 pod-run --frob "$img" 2>err && grep -q "^pod-run: unknown flag --frob" err &&
	test_expect_code 2 pod-run "$img" --net=none 2>err && grep -q "pod flag" err
'

test_done
