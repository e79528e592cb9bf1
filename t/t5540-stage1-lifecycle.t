#!/bin/sh
# stage1 lifecycle: pre-start and post-stop handlers, signals forwarded to
# the apps, SIGKILL after the stop timeout, and the network namespace.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"

hooks() { # PRE POST: eventHandlers field
	printf '"eventHandlers": [{"name": "pre-start", "exec": [%s]}, {"name": "post-stop", "exec": [%s]}]' "$1" "$2"
}

test_expect_success 'pre-start runs first as the app user, post-stop after the app' '
	pod=$(stage1_pod) && stage1_app "$pod" h &&
	stage1_manifest "$pod" "$(app_json h "\"/bin/sh\", \"-c\", \"cat /tmp/pre; echo main >/tmp/main\"" "$(hooks "\"/bin/sh\", \"-c\", \"id -u >/tmp/pre\"" "\"/bin/sh\", \"-c\", \"cat /tmp/main >/tmp/post\"")" | sed "s/\"user\": \"0\"/\"user\": \"user\"/")" &&
	chmod 1777 "$pod/stage1/rootfs/opt/stage2/h/rootfs/tmp" &&
	stage1_run "$pod" >out &&
	echo 1000 >expect && test_cmp expect out &&
	echo main >expect && test_cmp expect "$pod/stage1/rootfs/opt/stage2/h/rootfs/tmp/post" &&
	echo 0 >expect && test_cmp expect "$pod/status/h"
'

test_expect_success 'a failing pre-start keeps the app from starting' '
	pod=$(stage1_pod) && stage1_app "$pod" pf &&
	stage1_manifest "$pod" "$(app_json pf "\"/bin/sh\", \"-c\", \"echo main-ran\"" "$(hooks "\"/bin/sh\", \"-c\", \"exit 4\"" "\"true\"")")" &&
	test_must_fail stage1_run "$pod" >out 2>err &&
	grep -q "^stage1: app pf: pre-start exited with 4" err &&
	! grep -q main-ran out && test ! -e "$pod/status/pf"
'

test_expect_success 'post-stop runs after an app killed by a signal' '
	pod=$(stage1_pod) && stage1_app "$pod" pk &&
	stage1_manifest "$pod" "$(app_json pk "\"/bin/sh\", \"-c\", \"kill -9 \$\$\"" "$(hooks "\"true\"" "\"/bin/sh\", \"-c\", \"echo cleaned >/tmp/post\"")")" &&
	test_expect_code 137 stage1_run "$pod" &&
	echo cleaned >expect && test_cmp expect "$pod/stage1/rootfs/opt/stage2/pk/rootfs/tmp/post"
'

# start_pod POD: run it in the background; sets job and outer (the outer
# stage1 process, as pod-run would be) once the app runs.
start_pod() {
	(cd "$1" && exec 9<. && flock -x 9 && exec stage1/rootfs/init --lock-fd=9 "$(basename "$1")") >out 2>err &
	job=$! &&
	test_kill_at_exit $job &&
	wait_for 10 "test -s \"$1/apps/$2/pid\"" &&
	outer=$job
}

test_expect_success 'SIGTERM to stage1 reaches the app, which exits cleanly' '
	pod=$(stage1_pod) && stage1_app "$pod" term &&
	stage1_manifest "$pod" "$(app_json term "\"/bin/sh\", \"-c\", \"trap \\\"echo got-term; exit 0\\\" TERM; echo ready; while :; do sleep 0.1; done\"")" &&
	start_pod "$pod" term &&
	wait_for 10 "grep -q ready out" &&
	kill -TERM $outer &&
	wait $job &&
	printf "ready\ngot-term\n" >expect && test_cmp expect out &&
	echo 0 >expect && test_cmp expect "$pod/status/term" &&
	no_mounts_left
'

test_expect_success 'an app that ignores SIGTERM is killed after the stop timeout' '
	pod=$(stage1_pod) && stage1_app "$pod" stubborn &&
	stage1_manifest "$pod" "$(app_json stubborn "\"/bin/sh\", \"-c\", \"trap \\\"\\\" TERM INT; echo ready; while :; do sleep 0.1; done\"")" &&
	export RKT_STAGE1_STOP_TIMEOUT=1s &&
	start_pod "$pod" stubborn &&
	wait_for 10 "grep -q ready out" &&
	start=$(date +%s) &&
	kill -INT $outer &&
	test_expect_code 137 wait $job &&
	test $(($(date +%s) - start)) -le 4 &&
	echo 137 >expect && test_cmp expect "$pod/status/stubborn" &&
	no_mounts_left
'

test_expect_success 'the pod lock is held while the pod runs and released after' '
	pod=$(stage1_pod) && stage1_app "$pod" lock &&
	stage1_manifest "$pod" "$(app_json lock "\"/bin/sh\", \"-c\", \"echo ready; while ! test -e /tmp/go; do sleep 0.05; done\"")" &&
	start_pod "$pod" lock &&
	! flock -n -x "$pod" true &&
	touch "$pod/stage1/rootfs/opt/stage2/lock/rootfs/tmp/go" &&
	wait $job &&
	flock -n -x "$pod" true
'

test_expect_success '--net=none: a network namespace with only loopback, up' '
	pod=$(stage1_pod) && stage1_app "$pod" net &&
	stage1_manifest "$pod" "$(app_json net "\"/bin/sh\", \"-c\", \"ls /sys/class/net; cat /sys/class/net/lo/flags\"")" &&
	stage1_run "$pod" --net=none >out &&
	printf "lo\n0x9\n" >expect && test_cmp expect out &&
	stage1_run "$pod" --net=host >out &&
	test "$(ls /sys/class/net | wc -l)" -eq "$(($(wc -l <out) - 1))"
'

test_expect_success '--net=NAME: an unknown network is an error (t7200: private networks)' '
	pod=$(stage1_pod) && stage1_app "$pod" cni &&
	stage1_manifest "$pod" "$(app_json cni "\"true\"")" &&
	test_must_fail stage1_run "$pod" --net=no-such-net 2>err &&
	grep -q "^stage1: network no-such-net: not found" err &&
	! test -e "$pod/net"
'

test_expect_success '--interactive: the app gets a terminal of the pod, input and output relayed' '
	pod=$(stage1_pod) && stage1_app "$pod" it &&
	stage1_manifest "$pod" "$(app_json it "\"/bin/sh\", \"-c\", \"tty; test -t 0 && echo is-a-tty; echo TERM=\$TERM; read line; echo got \$line; exit 6\"")" &&
	printf "hello\n" | TERM=xterm test_expect_code 6 bounded 20 script -qec "cd $pod && exec stage1/rootfs/init --interactive $(basename "$pod")" /dev/null >out &&
	tr -d "\r" <out >actual &&
	grep -qx /dev/pts/0 actual && grep -qx is-a-tty actual &&
	grep -qx TERM=xterm actual && grep -qx "got hello" actual &&
	echo 6 >expect && test_cmp expect "$pod/status/it"
'

test_expect_success '--interactive refuses a pod of several apps' '
	pod=$(stage1_pod) && stage1_app "$pod" i1 && stage1_app "$pod" i2 &&
	stage1_manifest "$pod" "$(app_json i1 "\"true\""),$(app_json i2 "\"true\"")" &&
	test_must_fail stage1_run "$pod" --interactive 2>err &&
	grep -q "^stage1: --interactive: the pod has 2 apps" err
'

test_done
