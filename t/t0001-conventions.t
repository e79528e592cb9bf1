#!/bin/sh
# Every tool keeps the suite's contract: --help to stdout with exit 0, misuse
# to stderr with exit 2 and a "tool: " prefix, and a man page that renders.
. "$(dirname "$0")/lib.sh"

tools=$(cd "$SRC_DIR/cmd" && ls)

test_expect_success 'at least one tool is built' '
	test -n "$tools" &&
	for t in $tools; do test -x "$BUILD_DIR/bin/$t" || { echo "missing $t"; return 1; }; done
'

for t in $tools; do
	test_expect_success "$t --help prints usage to stdout and exits 0" '
		"$t" --help >out 2>err &&
		grep -qi "usage" out &&
		test ! -s err
	'
	test_expect_success "$t rejects an unknown option with exit 2" '
		test_expect_code 2 "$t" --no-such-option-xyz >out 2>err &&
		grep -q "^$t: " err
	'
	test_expect_success "$t has a man page in section 1 that renders cleanly" '
		test -f "$SRC_DIR/man/$t.1" &&
		MANWIDTH=80 man --warnings -l "$SRC_DIR/man/$t.1" >page 2>warn &&
		test ! -s warn &&
		grep -q "SYNOPSIS" page &&
		grep -q "EXIT STATUS" page
	'
done

test_expect_success 'the overview page rkt-tools(7) renders and names every tool' '
	MANWIDTH=80 man --warnings -l "$SRC_DIR/man/rkt-tools.7" >page 2>warn &&
	test ! -s warn &&
	for t in $tools; do grep -q "$t" page || { echo "not in rkt-tools.7: $t"; return 1; }; done
'

test_done
