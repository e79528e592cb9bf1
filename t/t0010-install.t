#!/bin/sh
# make install honours PREFIX and DESTDIR, compiles PREFIX's paths in, and the
# suite runs from the installed prefix. Built in its own tree (O=) so it never
# races the build the other tests use.
RKT_TEST_TIMEOUT=${RKT_TEST_TIMEOUT:-600}
. "$(dirname "$0")/lib.sh"

prefix=$TRASH/prefix

test_expect_success 'make install into a temp PREFIX' '
	make -C "$SRC_DIR" -s -j2 O="$TRASH/build" PREFIX="$prefix" install >log 2>&1 &&
	for t in $(cd "$SRC_DIR/cmd" && ls); do
		test -x "$prefix/bin/$t" || { echo "not installed: $t"; return 1; }
		test -f "$prefix/share/man/man1/$t.1" || { echo "no man page: $t"; return 1; }
	done &&
	test -f "$prefix/share/man/man7/rkt-tools.7"
'

test_expect_success 'PREFIX paths are compiled in' '
	grep -q "#define RKT_STAGE1_DEFAULT \"$prefix/lib/rkt/stage1.aci\"" "$TRASH/build/gen/config.h" &&
	grep -q "#define RKT_SYSTEM_CONFIG \"$prefix/lib/rkt\"" "$TRASH/build/gen/config.h"
'

test_expect_success 'DESTDIR stages the same tree under another root' '
	make -C "$SRC_DIR" -s O="$TRASH/build" PREFIX="$prefix" DESTDIR="$TRASH/dest" install >log 2>&1 &&
	(cd "$prefix" && find . | sort) >expect &&
	(cd "$TRASH/dest$prefix" && find . | sort) >actual &&
	test_cmp expect actual
'

test_expect_success 'the conventions test passes against the installed prefix' '
	RKT_TEST_PREFIX="$prefix" "$T_DIR/t0001-conventions.t" >tap 2>&1 &&
	! grep "^not ok" tap &&
	grep -q "^1\.\." tap
'

test_expect_success 'the installed suite runs a pod with its default stage1' '
	PATH="$prefix/bin:$PATH" &&
	make_image_dir img example.com/installed /bin/echo installed-ok &&
	aci-build img img.aci &&
	id=$(cas-store import img.aci) &&
	uuid=$(pod-prepare "$id") &&
	pod-run --net=host "$uuid" >out &&
	echo installed-ok >expect &&
	test_cmp expect out &&
	test "$(command -v pod-run)" = "$prefix/bin/pod-run"
'

test_expect_success 'make uninstall removes what install put there' '
	make -C "$SRC_DIR" -s O="$TRASH/build" PREFIX="$prefix" uninstall >log 2>&1 &&
	test -z "$(find "$prefix" -type f)"
'

test_done
