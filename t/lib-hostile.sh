# Helpers for t8000-hostile-archives: push a crafted ACI through every tool
# that reads archives and check that nothing escaped, leaked or stayed behind.
# Source after lib.sh, lib-aci.sh and lib-pod.sh; hostile_setup first.

PW=pwned-$$

# hostile_setup: the store on a small tmpfs, a sentinel dir beside the
# extraction targets, a fake stage1, a time marker.
hostile_setup() {
	mkdir -p "$TRASH/small" &&
	mount -t tmpfs -o size=64m tmpfs "$TRASH/small" &&
	mkdir -p "$TRASH/sentinel/sub" &&
	echo keep >"$TRASH/sentinel/keep" &&
	sentinel_state >"$TRASH/sentinel.state" &&
	stat -c "%i %h %s %Y" /etc/shadow /etc/passwd >"$TRASH/etc.state" &&
	touch "$TRASH/marker"
}

sentinel_state() {
	(cd "$TRASH/sentinel" && find . -printf "%p %y %m %s %l\n" | sort && cat keep)
}

# hostile_manifest NAME [DEPS_JSON]: a valid manifest file, path on stdout.
hostile_manifest() {
	cas_manifest "example.com/$1" 1.0 "${2:-}" >"$TRASH/$1.manifest" &&
	echo "$TRASH/$1.manifest"
}

# all_clean: nothing outside the roots, no temp file, verify clean, no mount.
all_clean() {
	sentinel_state >"$TRASH/sentinel.now" &&
	test_cmp "$TRASH/sentinel.state" "$TRASH/sentinel.now" &&
	stat -c "%i %h %s %Y" /etc/shadow /etc/passwd >"$TRASH/etc.now" &&
	test_cmp "$TRASH/etc.state" "$TRASH/etc.now" &&
	for _p in "/$PW" "/tmp/$PW" "/etc/$PW" "$TRASH/$PW" "$TRASH/small/$PW"; do
		test ! -e "$_p" && test ! -L "$_p" || { echo "escaped: $_p"; return 1; }
	done &&
	_stray=$(find /tmp /etc -maxdepth 3 -newer "$TRASH/marker" -name "*$PW*" \
		! -path "$TRASH/*" 2>/dev/null || :) &&
	test -z "$_stray" &&
	test -z "$(find "$RKT_DIR" -name ".tmp-*")" &&
	cas-store verify >/dev/null &&
	test -z "$(grep " $TRASH/" /proc/self/mounts | grep -v " $TRASH/small ")"
}

# hcase NAME VALIDATE_CODE IMPORT_CODE [PATTERN] < SPEC: craft NAME.aci from
# SPEC (mktar.py lines, escapes on, a valid manifest added unless the SPEC
# names one) and run it through the tools.
hcase() {
	_hn=$1
	shift
	cat >"$TRASH/$_hn.spec.in" &&
	if grep -q "^.	manifest" "$TRASH/$_hn.spec.in"; then
		cp "$TRASH/$_hn.spec.in" "$TRASH/$_hn.spec"
	else
		{ printf 'F\tmanifest\t%s\n' "$(hostile_manifest "$_hn")" && cat "$TRASH/$_hn.spec.in"; } >"$TRASH/$_hn.spec"
	fi &&
	if ! grep -q "^.	rootfs	" "$TRASH/$_hn.spec" && ! grep -q "^d	rootfs$" "$TRASH/$_hn.spec"; then
		sed -i "1a d\trootfs" "$TRASH/$_hn.spec"
	fi &&
	MKTAR_ESC=1 mktar "$TRASH/$_hn.aci" <"$TRASH/$_hn.spec" &&
	run_case "$_hn" "$@"
}

# run_case NAME VALIDATE_CODE IMPORT_CODE [PATTERN]: NAME.aci through
# aci-validate, import, and when it imports render, extract and pod-prepare
# (copy and overlay). A refusal exits 1 with "tool: " and PATTERN, and a
# refused import leaves no blob. After: all_clean. HCHECK, if set, is
# evaluated with $id and $x (extract dir) set.
run_case() {
	_n=$1 _vc=$2 _ic=$3 _pat=${4:-}
	_f=$TRASH/$_n.aci
	test_expect_code "$_vc" bounded 30 aci-validate "$_f" 2>"$TRASH/verr" || { cat "$TRASH/verr"; return 1; }
	if [ "$_vc" = 1 ]; then
		grep -q "^$_f: " "$TRASH/verr" || { cat "$TRASH/verr"; return 1; }
	fi
	_blobs=$(find "$RKT_DIR/cas/blob" -type f | wc -l)
	test_expect_code "$_ic" bounded 30 cas-store import "$_f" >"$TRASH/id" 2>"$TRASH/ierr" ||
		{ cat "$TRASH/ierr"; return 1; }
	if [ "$_ic" = 1 ]; then
		grep -q "^cas-store: " "$TRASH/ierr" &&
		{ [ -z "$_pat" ] || grep -q -e "$_pat" "$TRASH/ierr"; } || { cat "$TRASH/ierr"; return 1; }
		test "$(find "$RKT_DIR/cas/blob" -type f | wc -l)" = "$_blobs" ||
			{ echo "a refused import left a blob"; return 1; }
	else
		id=$(cat "$TRASH/id") x=$TRASH/x.$_n &&
		bounded 30 cas-store render "$id" >/dev/null &&
		bounded 30 cas-store extract "$id" "$x" &&
		bounded 30 pod-prepare --stage1-image="$s1" --no-overlay "$id" >"$TRASH/u1" &&
		bounded 30 pod-prepare --stage1-image="$s1" "$id" >"$TRASH/u2" &&
		if [ -n "${HCHECK:-}" ]; then eval "$HCHECK"; fi &&
		rm -rf "$RKT_DIR/pods/prepared/$(cat "$TRASH/u1")" "$RKT_DIR/pods/prepared/$(cat "$TRASH/u2")" "$x" || return 1
	fi
	all_clean
}

# ok_or_clean_fail TOOL ARGS...: succeeds, or exits 1 with "TOOL: " and the
# message on stderr.
ok_or_clean_fail() {
	bounded 30 "$@" >/dev/null 2>"$TRASH/cerr" && return 0
	test $? = 1 && grep -q "^$1: " "$TRASH/cerr" || { cat "$TRASH/cerr"; return 1; }
}
