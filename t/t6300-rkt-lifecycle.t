#!/bin/sh
# The rkt wrapper's pod lifecycle verbs with real pods, driven as an
# orchestrator does (Nomad's rkt driver: prepare --uuid-file-save,
# run-prepared, status --format=json, enter, stop, rm), plus list, gc and
# cat-manifest.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-net.sh" # the pods run on rkt's default network

# ready UUID LOG: the pod runs within 15 s; if not, say what its
# run-prepared (output in LOG) and status said.
ready() {
	bounded 20 rkt status --wait-ready=15s "$1" >/dev/null && return 0
	echo "run-prepared said:" && cat "$2" && rkt status "$1"
	return 1
}

test_expect_success 'setup: an image whose app ignores SIGTERM' '
	make_image_dir img example.com/stubborn /bin/sh -c "trap : TERM; echo up >/tmp/up; while :; do sleep 1; done" &&
	aci-build img img.aci &&
	rkt --insecure-options=image fetch "$TRASH/img.aci" >id &&
	grep -q "^sha512-" id &&
	net_snapshot >net.before
'

test_expect_success 'prepare --uuid-file-save, run-prepared, status --wait-ready' '
	rkt prepare --quiet --uuid-file-save="$TRASH/uuid" example.com/stubborn >out &&
	uuid=$(cat uuid) &&
	echo "$uuid" >expect && test_cmp expect out &&
	{ bounded 60 rkt run-prepared "$uuid" >run.out 2>&1 & } &&
	ready "$uuid" run.out &&
	rkt status "$uuid" >st &&
	grep -qx "state=running" st &&
	rkt status --format=json "$uuid" >st.json &&
	jq -e ".state == \"running\" and .name == \"$uuid\" and (.pid > 0) and .app_names == [\"stubborn\"]" st.json &&
	jq -e ".networks[0].netName == \"default\"" st.json
'
uuid=$(cat uuid)

test_expect_success 'list, cat-manifest and enter see the running pod' '
	rkt list --no-legend >out &&
	grep -q "^$(echo $uuid | cut -c1-8)  stubborn  example.com/stubborn  running" out &&
	rkt cat-manifest --uuid-file="$TRASH/uuid" >m &&
	jq -e ".acKind == \"PodManifest\" and .apps[0].name == \"stubborn\"" m &&
	wait_for 10 "rkt enter $uuid /bin/cat /tmp/up >up 2>/dev/null" &&
	echo up >expect && test_cmp expect up
'

test_expect_success 'rm refuses a running pod' '
	test_must_fail rkt rm "$uuid" 2>err &&
	grep -q "running or busy" err &&
	test -n "$(ls "$RKT_DIR/pods/run")"
'

test_expect_success 'stop: SIGTERM is ignored, so SIGKILL follows after --timeout' '
	start=$(date +%s) &&
	bounded 30 rkt stop --timeout=1s "$uuid" >out &&
	echo "$uuid" >expect && test_cmp expect out &&
	test $(($(date +%s) - start)) -lt 9 &&
	rkt status "$uuid" >st &&
	grep -qx "state=exited" st &&
	grep -q "^app-stubborn=" st
'

test_expect_success 'stop of a pod that is not running fails' '
	test_must_fail rkt stop "$uuid" 2>err &&
	grep -q "^rkt: pod $uuid is not running" err
'

test_expect_success 'stop --force kills at once' '
	u2=$(rkt prepare --quiet example.com/stubborn) &&
	{ bounded 60 rkt run-prepared "$u2" >run2.out 2>&1 & } &&
	ready "$u2" run2.out &&
	bounded 20 rkt stop --force "$u2" >out &&
	rkt status "$u2" >st && cat st &&
	grep -qx "state=exited" st &&
	grep -qx "app-stubborn=137" st
'

test_expect_success 'rm removes exited and prepared pods; gc the rest' '
	u3=$(rkt prepare --quiet example.com/stubborn) &&
	rkt rm "$uuid" "$u3" >out &&
	printf "%s\n" "$uuid" "$u3" >expect && test_cmp expect out &&
	rkt list --full --no-legend >out &&
	! grep -q "$uuid" out && ! grep -q "$u3" out &&
	rkt gc --grace-period=0s &&
	rkt list --no-legend >out &&
	test ! -s out &&
	net_snapshot >net.after &&
	test_cmp net.before net.after
'

test_expect_success 'usage errors' '
	test_expect_code 2 rkt stop 2>err &&
	test_expect_code 2 rkt rm 2>err &&
	test_expect_code 2 rkt cat-manifest 2>err &&
	test_expect_code 2 rkt stop --bogus x 2>err
'

test_done
