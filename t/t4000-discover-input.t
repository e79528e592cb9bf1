#!/bin/sh
# aci-discover without a network: usage, name and label syntax, auth.d errors.
. "$(dirname "$0")/lib.sh"

test_expect_success 'usage: --help to stdout, misuse exits 2' '
	aci-discover --help >out &&
	grep "^usage: aci-discover" out &&
	test_expect_code 2 aci-discover 2>err &&
	grep "usage:" err &&
	test_expect_code 2 aci-discover a.com/x b.com/y 2>/dev/null &&
	test_expect_code 2 aci-discover --insecure-options=bogus a.com/x 2>/dev/null &&
	test_expect_code 2 aci-discover --json=maybe a.com/x 2>/dev/null
'

test_expect_success 'bad names and labels are refused before any request' '
	for ref in "Example.com/x" "-bad.com" "a.com/x," "a.com/x,version" "a.com/x,Ver=1" \
		"a.com/x,version=1,version=2" "a.com/x,os=" "a.com/x,name=y" "a.com/x:" "a b"; do
		test_expect_code 1 aci-discover -- "$ref" 2>err &&
		grep "^aci-discover: " err &&
		! grep "tried" err || return 1
	done
'

cfg=$TRASH/etc-rkt/auth.d
sys=$TRASH/usr-lib-rkt/auth.d
mkdir -p "$cfg" "$sys"

# bad_auth FILE-CONTENT EXPECTED-MESSAGE-PART
bad_auth() {
	rm -f "$cfg"/*.json &&
	printf '%s\n' "$1" >"$cfg/10-bad.json" &&
	test_expect_code 1 aci-discover a.com/x 2>err &&
	grep -F "$cfg/10-bad.json: $2" err
}

test_expect_success 'auth.d: a bad file is a clear error naming the file and the field' '
	bad_auth "{" "invalid JSON: line 2, column 1" &&
	bad_auth "[]" "not a JSON object" &&
	bad_auth "{\"rktVersion\": \"v1\"}" "rktKind: missing" &&
	bad_auth "{\"rktKind\": \"auth\"}" "rktVersion: missing" &&
	bad_auth "{\"rktKind\": \"paths\", \"rktVersion\": \"v1\"}" "rktKind: \"paths\" does not belong" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v2\"}" "rktVersion: \"v2\" not supported" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"type\": \"basic\"}" "domains: missing" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": []}" "domains: missing or empty" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a.com\"]}" "type: missing" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a.com\"], \"type\": \"digest\"}" "type: unknown auth type \"digest\"" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a.com\"], \"type\": \"basic\"}" "credentials: missing" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a.com\"], \"type\": \"basic\", \"credentials\": {\"user\": \"u\"}}" "credentials.password: missing or empty" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a.com\"], \"type\": \"oauth\", \"credentials\": {\"user\": \"u\"}}" "credentials.token: missing or empty" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"https://a.com/\"], \"type\": \"oauth\", \"credentials\": {\"token\": \"t\"}}" "domains[0]: \"https://a.com/\" is not a host" &&
	bad_auth "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [7], \"type\": \"oauth\", \"credentials\": {\"token\": \"t\"}}" "domains[0]: not a string" &&
	bad_auth "{\"rktKind\": \"dockerAuth\", \"rktVersion\": \"v1\", \"credentials\": {\"user\": \"u\", \"password\": \"p\"}}" "registries: missing" &&
	bad_auth "{\"rktKind\": \"dockerAuth\", \"rktVersion\": \"v1\", \"registries\": [\"r.io\"], \"credentials\": {\"user\": \"\", \"password\": \"p\"}}" "credentials.user: missing or empty"
'

test_expect_success 'auth.d: a secret is never echoed in an error' '
	rm -f "$cfg"/*.json &&
	printf "{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a b\"], \"type\": \"basic\", \"credentials\": {\"user\": \"u\", \"password\": \"hunter2\"}}" >"$cfg/x.json" &&
	test_expect_code 1 aci-discover a.com/x 2>err &&
	grep "domains\[0\]" err &&
	! grep hunter2 err
'

test_expect_success 'auth.d: a domain given twice in one dir is an error, across dirs an override' '
	rm -f "$cfg"/*.json &&
	a="{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"a.com\", \"b.com\"], \"type\": \"oauth\", \"credentials\": {\"token\": \"t\"}}" &&
	b="{\"rktKind\": \"auth\", \"rktVersion\": \"v1\", \"domains\": [\"B.com\"], \"type\": \"oauth\", \"credentials\": {\"token\": \"u\"}}" &&
	echo "$a" >"$cfg/1.json" && echo "$b" >"$cfg/2.json" &&
	test_expect_code 1 aci-discover a.com/x 2>err &&
	grep -F "$cfg/2.json: domains: \"b.com\" already given in $cfg/1.json" err &&
	rm "$cfg/2.json" && echo "$b" >"$sys/2.json" &&
	RKT_HTTP_CONNECT_TIMEOUT=1 RKT_HTTP_RETRIES=0 test_expect_code 1 aci-discover 127.0.0.1.invalid/x 2>err &&
	grep "tried" err
'

test_expect_success 'auth.d: files not ending in .json and symlinks are ignored' '
	rm -f "$cfg"/*.json "$sys"/*.json &&
	echo garbage >"$cfg/README" && echo garbage >"$cfg/x.json.bak" &&
	echo garbage >"$TRASH/elsewhere.json" && ln -s "$TRASH/elsewhere.json" "$cfg/link.json" &&
	RKT_HTTP_CONNECT_TIMEOUT=1 RKT_HTTP_RETRIES=0 test_expect_code 1 aci-discover no-such-host.invalid/x 2>err &&
	grep "no image found by discovery" err
'

test_done
