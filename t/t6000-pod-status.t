#!/bin/sh
# pod-status over pod directories laid out by hand (CONTRACT.md) in every
# state; real pods are covered by the pod-run tests.
. "$(dirname "$0")/lib.sh"

ID=sha512-$(printf 'x' | sha512sum | cut -c1-128)
pods=$RKT_DIR/pods

# mkpod STATE UUID [APP...]: a pod dir with a manifest naming the apps
mkpod() {
	_d=$pods/$1/$2
	shift 2
	mkdir -p "$_d" "$pods/embryo" "$pods/prepare" "$pods/prepared" "$pods/run" \
		"$pods/exited-garbage" "$pods/garbage" &&
	_apps=
	for _a in "$@"; do
		_apps="$_apps${_apps:+,}{\"name\":\"$_a\",\"image\":{\"name\":\"example.com/$_a\",\"id\":\"$ID\"}}"
	done &&
	printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[%s]}\n' "$_apps" >"$_d/pod" &&
	printf '{"created":"2026-11-25T10:00:00.5Z"}\n' >"$_d/runtime.json"
}

# hold_lock DIR [CMD]: hold the pod lock as pod-run would, in the background
# (flock -o: only flock holds it, so killing it releases it).
hold_lock() {
	flock -o "$1" sh -c "${2:-sleep 30}" &
	holder=$!
	test_when_finished "kill $holder 2>/dev/null"
	wait_for 5 "! flock -n \"$1\" true"
}

U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
U4=44444444-4444-4444-8444-444444444444

test_expect_success 'an empty store lists only the legend' '
	pod-status >out &&
	echo "UUID  APP  IMAGE NAME  STATE  CREATED  STARTED  NETWORKS" >expect &&
	test_cmp expect out &&
	pod-status --no-legend >out &&
	test ! -s out
'

test_expect_success 'a prepared pod' '
	mkpod prepared $U1 web &&
	pod-status $U1 >out &&
	printf "state=prepared\ncreated=2026-11-25 10:00:00.500 +0000 UTC\nexited=false\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a running pod: run + locked, with its pid' '
	mkpod run $U2 web db &&
	echo $$ >"$pods/run/$U2/pid" &&
	hold_lock "$pods/run/$U2" &&
	pod-status $U2 >out &&
	grep -qx "state=running" out &&
	grep -qx "pid=$$" out &&
	grep -qx "exited=false" out &&
	grep -q "^started=" out &&
	! grep -q "^app-" out
'

test_expect_success 'an exited pod: run + unlocked, app statuses' '
	mkdir -p "$pods/run/$U2/status" &&
	echo 0 >"$pods/run/$U2/status/web" &&
	echo 3 >"$pods/run/$U2/status/db" &&
	pod-status $U2 >out &&
	grep -qx "state=exited" out &&
	grep -qx "exited=true" out &&
	grep -qx "app-web=0" out &&
	grep -qx "app-db=3" out &&
	grep -q "^finished=" out
'

test_expect_success 'garbage states and short UUID prefixes' '
	mkpod exited-garbage $U3 a &&
	mkpod garbage $U4 b &&
	pod-status 3333 >out &&
	grep -qx "state=exited garbage" out &&
	pod-status 4444 >out &&
	grep -qx "state=garbage" out
'

test_expect_success 'the list shows every pod and app, short and --full' '
	pod-status --no-legend >out &&
	test_line_count() { test $(wc -l <"$2") -eq "$1"; } &&
	test_line_count 5 out &&
	grep -Eq "^11111111  web  example.com/web  prepared +[0-9]+ (hour|day)s? ago$" out &&
	grep -Eq "^22222222  web  example.com/web  exited +[0-9]+ (hour|day)s? ago +[0-9]+ seconds? ago$" out &&
	grep -Eq "^ {10}db   example.com/db$" out &&
	pod-status --full --no-legend >out &&
	grep -Eq "^$U1  web  example.com/web  ${ID}  prepared +2026-11-25 10:00:00.500 \+0000 UTC$" out
'

test_expect_success 'JSON output parses and carries rkt fields' '
	pod-status --format=json >out &&
	jq -e "length == 4" out &&
	jq -e ".[] | select(.name == \"$U2\") | .state == \"exited\" and .app_names == [\"web\",\"db\"]" out &&
	jq -e ".[] | select(.name == \"$U2\") | .apps[1].exit_code == 3" out &&
	jq -e ".[] | select(.name == \"$U1\") | .created_at == 1795600800500000000" out &&
	pod-status --format=json-pretty $U2 >one &&
	jq -e ".pid == $$ and .state == \"exited\"" one
'

test_expect_success '--wait returns once the pod exits, with its status' '
	mv "$pods/prepared/$U1" "$pods/run/$U1" &&
	hold_lock "$pods/run/$U1" "sleep 1; mkdir -p $pods/run/$U1/status; echo 7 >$pods/run/$U1/status/web" &&
	bounded 10 pod-status --wait $U1 >out &&
	grep -qx "state=exited" out &&
	grep -qx "app-web=7" out
'

test_expect_success '--wait with a duration times out on a pod that keeps running' '
	hold_lock "$pods/run/$U1" &&
	test_must_fail bounded 10 pod-status --wait=300ms $U1 2>err &&
	grep -q "^pod-status: pod $U1: timed out waiting for it to exit" err
'

test_expect_success '--wait-ready returns when a running pod has its pid' '
	rm -f "$pods/run/$U1/pid" &&
	hold_lock "$pods/run/$U1" "sleep 0.5; echo 42 >$pods/run/$U1/pid; sleep 30" &&
	bounded 10 pod-status --wait-ready $U1 >out &&
	grep -qx "state=running" out &&
	grep -qx "pid=42" out
'

test_expect_success '--manifest prints the pod manifest (rkt cat-manifest)' '
	pod-status --manifest $U2 >out &&
	test_cmp "$pods/run/$U2/pod" out &&
	jq -e ".acKind == \"PodManifest\"" out
'

test_expect_success 'bad input: unknown pod, ambiguous prefix, bad options' '
	test_must_fail pod-status 99999999 2>err &&
	grep -q "^pod-status: " err &&
	mkpod prepared 11112222-1111-4111-8111-111111111111 x &&
	test_must_fail pod-status 1111 2>err &&
	grep -q "^pod-status: " err &&
	test_expect_code 2 pod-status --format=xml 2>err &&
	test_expect_code 2 pod-status --wait 2>err &&
	test_expect_code 2 pod-status --wait=soon $U1 2>err &&
	test_expect_code 2 pod-status a b 2>err &&
	test_expect_code 2 pod-status --manifest 2>err
'

test_done
