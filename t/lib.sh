# Shared test library: TAP output, git-style test blocks, a scratch dir per
# script, cleanup by PID, and a watchdog so no script runs unbounded.
# Usage: . "$(dirname "$0")/lib.sh"; test_expect_success 'title' '...'; test_done

set -u
TEST_NAME=$(basename "$0" .t)
T_DIR=${RKT_T_DIR:-$(cd "$(dirname "$0")" && pwd)}
SRC_DIR=$(cd "$T_DIR/.." && pwd)
BUILD_DIR=${RKT_BUILD_DIR:-$SRC_DIR/build}
# Run the suite installed in a prefix (RKT_TEST_PREFIX) or from the build tree.
if [ -n "${RKT_TEST_PREFIX:-}" ]; then
	PATH="$RKT_TEST_PREFIX/bin:$PATH"
	RKT_TEST_STAGE1="$RKT_TEST_PREFIX/lib/rkt/stage1.aci"
else
	PATH="$BUILD_DIR/bin:$PATH"
	RKT_TEST_STAGE1="$BUILD_DIR/lib/rkt/stage1.aci"
fi
PATH="$PATH:/usr/sbin:/sbin"
export PATH LC_ALL=C TZ=UTC
# Debian's python3 (.ci/packages), not a wrapper an inherited PATH may put
# first (a pyenv shim costs 0.7 s of CPU a call)
PYTHON3=/usr/bin/python3
[ -x "$PYTHON3" ] || PYTHON3=python3

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/rkt-$TEST_NAME.XXXXXX") || exit 1
# Nothing a test does touches the host's store or config.
export RKT_DIR="$TRASH/var-lib-rkt" RKT_LOCAL_CONFIG="$TRASH/etc-rkt" \
	RKT_SYSTEM_CONFIG="$TRASH/usr-lib-rkt" HOME="$TRASH/home"
mkdir -p "$HOME"
cd "$TRASH" || exit 1

test_count=0
test_failed=0

say() { printf '# %s\n' "$*"; }

# test_when_finished CMD: run CMD after the current test, pass or fail. The
# test body runs in a subshell, so cleanups go through a file; expand
# variables when registering ("kill $pid").
test_when_finished() {
	{ printf '%s\n' "$1"; cat "$TRASH/.cleanup" 2>/dev/null || :; } >"$TRASH/.cleanup.new" &&
		mv "$TRASH/.cleanup.new" "$TRASH/.cleanup"
}

# These register work for the end of the script. Test bodies run in
# subshells, so the registrations go to files in $TRASH, not variables.
# test_kill_at_exit PID: a background server the script started.
test_kill_at_exit() { echo "$1" >>"$TRASH/.atexit-pids"; }

# test_umount_at_exit PATH: a mount the script made (deepest unmounted first).
test_umount_at_exit() { echo "$1" >>"$TRASH/.atexit-mounts"; }

# test_at_exit CMD: run CMD when the script ends (after servers are killed),
# e.g. to delete a network namespace the script made. Last registered runs first.
test_at_exit() { printf '%s\n' "$1" >>"$TRASH/.atexit-cmds"; }

test_expect_success() {
	test_count=$((test_count + 1))
	_title=$1
	rm -f "$TRASH/.cleanup"
	( eval "$2" ) >"$TRASH/.out" 2>&1
	_rc=$?
	if [ -f "$TRASH/.cleanup" ]; then
		( cd "$TRASH" && . "$TRASH/.cleanup" ) >/dev/null 2>&1
		rm -f "$TRASH/.cleanup"
	fi
	if [ $_rc -eq 0 ]; then
		echo "ok $test_count - $_title"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $_title"
		# on stderr, so a CI log from a quiet prove shows why
		{
			sed 's/^/#   /' "$TRASH/.out" | tail -n 40
			printf '#   failed commands:\n'
			printf '%s\n' "$2" | sed 's/^/#     /'
		} >&2
	fi
}

# test_must_fail CMD...: CMD must exit non-zero but not die by a signal
# (a crash is not a "failure").
test_must_fail() {
	"$@"
	_rc=$?
	if [ $_rc -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $_rc -gt 128 ] && [ $_rc -le 192 ]; then
		echo "test_must_fail: '$*' died by signal $((_rc - 128))" >&2
		return 1
	fi
	return 0
}

# test_expect_code N CMD...: CMD must exit exactly N.
test_expect_code() {
	_want=$1
	shift
	"$@"
	_rc=$?
	[ $_rc -eq "$_want" ] && return 0
	echo "test_expect_code: '$*' exited $_rc, wanted $_want" >&2
	return 1
}

# test_cmp EXPECT ACTUAL
test_cmp() { diff -u "$1" "$2"; }

# bounded SECS CMD...: CMD killed after SECS seconds (exit 124).
bounded() {
	_s=$1
	shift
	timeout -k 5 "$_s" "$@"
}

# wait_for SECS 'shell condition': poll until true, fail after SECS.
wait_for() {
	_end=$(($(date +%s) + $1))
	while ! eval "$2"; do
		[ "$(date +%s)" -ge $_end ] && { echo "wait_for timed out: $2" >&2; return 1; }
		sleep 0.1
	done
}

test_done() {
	echo "1..$test_count"
	_exit_cleanup
	trap - EXIT
	[ $test_failed -eq 0 ] && [ $test_count -gt 0 ]
	exit $?
}

_exit_cleanup() {
	_pids=$(cat "$TRASH/.atexit-pids" 2>/dev/null)
	for _p in $_pids; do
		kill -TERM "$_p" 2>/dev/null
	done
	for _p in $_pids; do
		for _i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$_p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$_p" 2>/dev/null
	done
	sort -r "$TRASH/.atexit-mounts" 2>/dev/null | while read -r _m; do
		umount -l "$_m" 2>/dev/null
	done
	if [ -f "$TRASH/.atexit-cmds" ]; then
		tac "$TRASH/.atexit-cmds" >"$TRASH/.atexit-run" && (. "$TRASH/.atexit-run") >/dev/null 2>&1
	fi
	[ -n "${_watchdog:-}" ] && pkill -P "$_watchdog" 2>/dev/null && kill "$_watchdog" 2>/dev/null
	cd /
	if [ $test_failed -eq 0 ] || [ -n "${CI:-}" ]; then
		# unmount anything a failed pod left under the scratch dir first
		grep -o " $TRASH[^ ]*" /proc/self/mounts 2>/dev/null | sort -r |
			while read -r _m; do umount -l "$_m" 2>/dev/null; done
		rm -rf "$TRASH"
	else
		echo "# scratch dir kept: $TRASH"
	fi
}
trap '_exit_cleanup' EXIT
trap 'echo "Bail out! $TEST_NAME: interrupted or timed out (RKT_TEST_TIMEOUT=${RKT_TEST_TIMEOUT:-300}s)"; exit 1' INT TERM HUP

# Watchdog: a script that runs past RKT_TEST_TIMEOUT seconds is stopped. Its
# output goes nowhere so it never holds prove's pipe open.
( sleep "${RKT_TEST_TIMEOUT:-300}" && kill -TERM $$ ) >/dev/null 2>&1 &
_watchdog=$!

. "$T_DIR/lib-image.sh"
