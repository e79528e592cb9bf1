#!/bin/sh
# The test library itself: a helper that cannot fail would hide real failures.
. "$(dirname "$0")/lib.sh"

test_expect_success 'test_must_fail accepts a plain failure' '
	test_must_fail false
'

test_expect_success 'test_must_fail rejects success and a crash' '
	! test_must_fail true 2>/dev/null &&
	! test_must_fail sh -c "kill -SEGV \$\$" 2>/dev/null
'

test_expect_success 'test_expect_code checks the exact code' '
	test_expect_code 3 sh -c "exit 3" &&
	! test_expect_code 3 sh -c "exit 4" 2>/dev/null
'

test_expect_success 'the store and config point into the scratch dir' '
	case "$RKT_DIR$RKT_LOCAL_CONFIG$RKT_SYSTEM_CONFIG" in
	*/var/lib/rkt/*|/etc/rkt*|/usr/lib/rkt*) false ;;
	esac &&
	case "$RKT_DIR" in "$TRASH"/*) true ;; *) false ;; esac
'

test_expect_success 'make_image_dir gives a runnable busybox rootfs' '
	make_image_dir img example.com/hello &&
	test -x img/rootfs/bin/busybox &&
	img/rootfs/bin/echo hi >out &&
	echo hi >expect &&
	test_cmp expect out &&
	grep -q "\"name\": \"example.com/hello\"" img/manifest
'

test_expect_success 'test_when_finished runs after a passing test' '
	test_when_finished "touch \"$TRASH/cleaned1\"" &&
	true
'
test_expect_success 'the cleanup ran' 'test -f "$TRASH/cleaned1"'

test_expect_success 'test_when_finished runs after a failing test too' '
	cat >inner.t <<-EOF &&
	. "$T_DIR/lib.sh"
	test_expect_success inner "test_when_finished \"touch $TRASH/cleaned2\" && false"
	test_done
	EOF
	RKT_T_DIR="$T_DIR" test_must_fail sh inner.t >inner.out 2>inner.err &&
	grep -q "^not ok 1 - inner" inner.out &&
	grep -q "^#   failed commands:" inner.err &&
	test -f "$TRASH/cleaned2"
'

test_expect_success 'test_kill_at_exit and test_at_exit work from inside a test body' '
	cat >inner2.t <<-EOF &&
	. "$T_DIR/lib.sh"
	test_expect_success inner "sleep 60 & test_kill_at_exit \$! && echo \$! >$TRASH/inner.pid && test_at_exit \"touch $TRASH/atexit-ran\""
	test_done
	EOF
	RKT_T_DIR="$T_DIR" sh inner2.t >inner2.out 2>&1 &&
	grep -q "^ok 1 - inner" inner2.out &&
	test -f "$TRASH/atexit-ran" &&
	! kill -0 $(cat "$TRASH/inner.pid") 2>/dev/null
'

test_done
