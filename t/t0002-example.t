#!/bin/sh
# The README's first command stays true: its example builds an image and runs
# it as a pod.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-net.sh" # the example's pod runs on rkt's default network

net_snapshot >"$TRASH/net.before"

test_expect_success 'the README example builds, runs and collects a pod' '
	RKT_BUILD_DIR="$BUILD_DIR" sh "$T_DIR/example.sh" >out 2>err &&
	grep -qx "hello from pod rkt-[0-9a-f-]*" out &&
	grep -qx "app-hello=0" out &&
	grep -q "layout checked" out &&
	net_snapshot >net.after &&
	test_cmp net.before net.after
'

test_expect_success 'the README names the example and test commands it runs' '
	grep -q "^    make deps && make && make example" "$SRC_DIR/README" &&
	grep -q "^    make deps && make check" "$SRC_DIR/README" &&
	grep -q "^make check$" "$SRC_DIR/.ci/run"
'

test_done
