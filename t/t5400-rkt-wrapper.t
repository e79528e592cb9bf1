#!/bin/sh
# The rkt wrapper: global flags, verbs, and clear errors for what is missing.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the wrapper is shellcheck-clean' '
	shellcheck "$SRC_DIR/cmd/rkt/rkt"
'

test_expect_success 'rkt help and --help print usage to stdout' '
	rkt help >out 2>err &&
	grep -q "^usage: rkt" out && test ! -s err &&
	rkt --help >out2 && test_cmp out out2
'

test_expect_success 'rkt version names the version and the appc spec' '
	rkt version >out &&
	grep -q "^rkt Version: $(cat "$SRC_DIR/VERSION")$" out &&
	grep -q "^appc Version: 0.8.11$" out
'

test_expect_success 'an unknown global flag and an unknown verb are usage errors' '
	test_expect_code 2 rkt --no-such-flag version 2>err &&
	grep -q "^rkt: unknown flag --no-such-flag" err &&
	test_expect_code 2 rkt frobnicate 2>err &&
	grep -q "^rkt: unknown command frobnicate" err &&
	test_expect_code 2 rkt image frobnicate 2>err &&
	grep -q "^rkt: image: unknown subcommand" err &&
	test_expect_code 2 rkt 2>err
'

test_expect_success 'rkt verbs the suite does not serve say so' '
	for v in api-service config; do
		test_expect_code 1 rkt "$v" 2>err &&
		grep -q "^rkt: $v: not available" err || return 1
	done
'

test_expect_success 'a global flag missing its value is a usage error' '
	test_expect_code 2 rkt --dir 2>err &&
	grep -q "^rkt: --dir needs a value" err
'

test_done
