#!/bin/sh
# The rkt wrapper end to end: run, prepare, run-prepared, fetch, image, list,
# status, and the global flags reaching the tools.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-net.sh" # the pods run on rkt's default network

test_expect_success 'setup: an unsigned busybox ACI file' '
	make_image_dir bb example.com/busybox /bin/echo hello >/dev/null &&
	aci-build --owner-root bb bb.aci &&
	net_snapshot >net.before
'

test_expect_success 'rkt run of an unsigned file is refused without --insecure-options=image' '
	test_must_fail bounded 30 rkt run "$TRASH/bb.aci" 2>err &&
	test -s err && no_pods_left &&
	test -z "$(pods_in run)"
'

test_expect_success 'rkt --insecure-options=image run fetches, prepares and runs' '
	bounded 30 rkt --insecure-options=image run "$TRASH/bb.aci" >out &&
	echo hello >expect && test_cmp expect out &&
	test "$(pods_in run | wc -l)" = 1
'

test_expect_success 'rkt image list shows the fetched image; run by name' '
	rkt image list >out &&
	grep -q "example.com/busybox" out &&
	bounded 30 rkt run example.com/busybox --exec=/bin/echo -- by name >out &&
	echo "by name" >expect && test_cmp expect out
'

test_expect_success 'rkt run passes the exit status and stdin through' '
	test_expect_code 3 bounded 30 rkt run example.com/busybox --exec=/bin/sh -- -c "exit 3" &&
	echo x | bounded 30 rkt run example.com/busybox --exec=/bin/cat >out &&
	echo x >expect && test_cmp expect out
'

test_expect_success 'rkt prepare, then rkt run-prepared; rkt status and list see it' '
	uuid=$(rkt prepare --quiet example.com/busybox --exec=/bin/sh -- -c "exit 5") &&
	test -d "$RKT_DIR/pods/prepared/$uuid" &&
	rkt list --full --no-legend >out && grep -q "^$uuid .*prepared" out &&
	test_expect_code 5 bounded 30 rkt run-prepared "$uuid" &&
	rkt status "$uuid" >out && grep -q "exited" out
'

test_expect_success 'prepare --quiet: the UUID only, yet errors are still shown' '
	bounded 30 rkt --insecure-options=image prepare "$TRASH/bb.aci" >uuid 2>err &&
	grep -q "signature not checked" err &&
	bounded 30 rkt --insecure-options=image prepare --quiet "$TRASH/bb.aci" >uuid 2>err &&
	test ! -s err && test -d "$RKT_DIR/pods/prepared/$(cat uuid)" &&
	test "$(wc -l <uuid)" = 1 &&
	test_must_fail bounded 30 rkt prepare --quiet "$TRASH/bb.aci" >out 2>err &&
	grep -q "^aci-fetch: " err && grep -q "^pod-prepare: .*aci-fetch failed" err && test ! -s out
'

test_expect_success 'rkt run-prepared needs a UUID' '
	test_expect_code 2 rkt run-prepared 2>err &&
	grep -q "needs a pod UUID" err
'

test_expect_success '--dir reaches every tool: a second data dir is separate' '
	rkt --dir="$TRASH/other" --insecure-options=image fetch "$TRASH/bb.aci" >id &&
	grep -q "^sha512-" id &&
	bounded 30 rkt --dir="$TRASH/other" run "$(cat id)" >out &&
	echo hello >expect && test_cmp expect out &&
	test "$(ls "$TRASH/other/pods/run" | wc -l)" = 1 &&
	rkt --dir "$TRASH/other" image list --no-legend >out && test "$(grep -c example.com/busybox out)" = 1
'

test_expect_success 'rkt image cat-manifest, render, export round trip' '
	rkt image cat-manifest example.com/busybox >m &&
	jq -e ".name == \"example.com/busybox\"" m &&
	test -x "$(rkt image render example.com/busybox)/bin/busybox" &&
	rkt image export example.com/busybox out.aci &&
	test "$(cas-store import out.aci)" = "$(cas-store resolve example.com/busybox)"
'

test_expect_success 'rkt gc runs pod-gc on exited pods' '
	rkt gc --mark-only &&
	test -n "$(pods_in exited-garbage)"
'

test_expect_success 'rkt run: a private network by default (as in rkt), --net=host on request' '
	bounded 30 rkt run example.com/busybox --exec=/bin/busybox -- ip -4 -o addr show eth0 >out &&
	grep -q "inet 172\.16\.28\.[0-9]*/24" out &&
	bounded 30 rkt run --net=host example.com/busybox --exec=/bin/busybox -- ip -4 -o addr show lo >out &&
	test "$(ip -4 -o addr show lo | wc -l)" = "$(wc -l <out)"
'

test_expect_success 'the default network left nothing on the host' '
	rkt gc --grace-period=0s &&
	net_snapshot >net.after &&
	test_cmp net.before net.after
'

test_done
