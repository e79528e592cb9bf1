#!/bin/sh
# pod-enter joins a running pod as one of its apps: its processes, files,
# environment, user, cgroups, capabilities, no_new_privs and seccomp, and
# nothing of the host (no fd, no directory). Pods are laid out by hand and run
# by stage1's init directly (t/lib-stage1.sh).
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"
export RKT_DIR=$TRASH

# start_pod POD: run it in the background, wait until its apps run. The pod
# lives across tests: the last test stops it (stage1_run bounds it anyway).
start_pod() {
	stage1_run "$1" >"$1.out" 2>&1 &
	wait_for 10 "test -s \"$1/apps/web/pid\" && test -f \"$1/stage1/rootfs/opt/stage2/web/rootfs/tmp/ready\""
}

uuid_of() { basename "$1"; }

# stop_pod POD: SIGTERM to the pod's PID 1 (forwarded to its apps), then wait
# for its lock to go
stop_pod() {
	test -s "$1/pid" && kill -TERM "$(cat "$1/pid")" 2>/dev/null
	wait_for 20 "flock -n \"$1\" true"
}

test_expect_success 'setup: a running pod with an isolated app' '
	pod=$(stage1_pod) && stage1_app "$pod" web &&
	stage1_manifest "$pod" "$(app_json web "\"/bin/sh\", \"-c\", \"echo ready >/tmp/ready; exec sleep 60\"" \
		"\"environment\": [{\"name\": \"FOO\", \"value\": \"bar baz\"}], \"isolators\": [
			{\"name\": \"os/linux/capabilities-remove-set\", \"value\": {\"set\": [\"CAP_CHOWN\"]}},
			{\"name\": \"os/linux/no-new-privileges\", \"value\": true},
			{\"name\": \"resource/memory\", \"value\": {\"limit\": \"200M\"}}]")" &&
	echo "$pod" >podpath
'
pod=$(cat podpath)
uuid=$(uuid_of "$pod")

test_expect_success 'the entered command sees the app files, env and processes' '
	start_pod "$pod" &&
	pod-enter $uuid /bin/cat /tmp/ready >out &&
	echo ready >expect && test_cmp expect out &&
	pod-enter $uuid /bin/sh -c "echo \"\$FOO\" \$AC_APP_NAME" >out &&
	echo "bar baz web" >expect && test_cmp expect out &&
	pod-enter $uuid /bin/ps -o comm >out &&
	grep -qx sleep out &&
	test $(wc -l <out) -le 6
'

test_expect_success 'it has the app capabilities, no_new_privs, seccomp and cgroups' '
	app=$(cat "$pod/apps/web/pid") &&
	for f in CapBnd CapEff NoNewPrivs Seccomp; do
		grep "^$f:" /proc/$app/status || exit 1
	done >expect &&
	pod-enter $uuid /bin/sh -c "for f in CapBnd CapEff NoNewPrivs Seccomp; do grep ^\$f: /proc/self/status; done" >actual &&
	test_cmp expect actual &&
	grep -q "NoNewPrivs:	1" actual &&
	test_must_fail pod-enter $uuid /bin/sh -c "touch /tmp/x && chown 1 /tmp/x" 2>err &&
	grep memory /proc/$app/cgroup >expect &&
	pod-enter $uuid /bin/cat /proc/self/cgroup >all &&
	grep memory all >actual &&
	test_cmp expect actual &&
	! grep -q ":memory:/$" actual
'

test_expect_success 'no host fd and no host directory reach the command' '
	echo secret >host-secret &&
	exec 7<host-secret &&
	(cd "$TRASH" && pod-enter $uuid /bin/sh -c "ls /proc/self/fd; pwd; readlink /proc/self/cwd" ) >out &&
	! grep -qx 7 out &&
	test $(grep -c "^[0-9]*$" out) -le 4 &&
	grep -qx / out &&
	test_must_fail pod-enter $uuid /bin/test -e "$TRASH/host-secret" &&
	test_must_fail pod-enter $uuid /bin/cat /proc/1/root/host-secret 2>/dev/null
'

test_expect_success 'the command exit status comes back' '
	test_expect_code 7 pod-enter $uuid /bin/sh -c "exit 7" &&
	echo in | pod-enter $uuid /bin/cat >out &&
	echo in >expect && test_cmp expect out
'

test_expect_success 'the default command is /bin/sh, reading stdin' '
	echo "echo from-sh" | pod-enter $uuid >out &&
	echo from-sh >expect && test_cmp expect out
'

test_expect_success 'a pod with two apps needs --app; an unknown app is refused' '
	pod2=$(stage1_pod) && stage1_app "$pod2" web && stage1_app "$pod2" db &&
	stage1_manifest "$pod2" "$(app_json web "\"/bin/sh\", \"-c\", \"echo ready >/tmp/ready; exec sleep 60\""),$(app_json db "\"/bin/sh\", \"-c\", \"echo db >/tmp/me; exec sleep 60\"")" &&
	start_pod "$pod2" &&
	wait_for 10 "test -s \"$pod2/apps/db/pid\"" &&
	u2=$(uuid_of "$pod2") &&
	test_must_fail pod-enter $u2 /bin/true 2>err &&
	grep -q "^pod-enter: pod $u2 has several apps (web, db): choose one with --app" err &&
	pod-enter --app=db $u2 /bin/cat /tmp/me >out &&
	echo db >expect && test_cmp expect out &&
	test_must_fail pod-enter --app=nope $u2 /bin/true 2>err &&
	grep -q "^pod-enter: pod $u2 has no app nope" err &&
	stop_pod "$pod2"
'

test_expect_success 'a pod that is not running cannot be entered' '
	stop_pod "$pod" &&
	test_must_fail pod-enter $uuid /bin/true 2>err &&
	grep -q "^pod-enter: pod $uuid is exited, not running" err &&
	test_must_fail pod-enter 00000000-dead 2>err &&
	grep -q "^pod-enter: " err &&
	test_expect_code 2 pod-enter 2>err
'

test_done
