# Helpers for the aci-build / aci-validate tests (t1xxx).

# mktar OUT < SPEC: a crafted archive (see t/mktar.py for SPEC).
mktar() { "$PYTHON3" "$T_DIR/mktar.py" "$@"; }

# aci_id FILE: the image ID aci-validate -v computes.
aci_id() {
	aci-validate -v "$1" >"$TRASH/.id" &&
	sed -n 's/.*\(sha512-[0-9a-f]\{128\}\).*/\1/p' "$TRASH/.id"
}

# expect_invalid FILE LINES [aci-validate options]: exit 1 and exactly LINES on stderr.
expect_invalid() {
	_f=$1 _want=$2
	shift 2
	printf '%s\n' "$_want" >expect &&
	test_expect_code 1 aci-validate "$@" "$_f" 2>actual &&
	test_cmp expect actual
}

# A valid manifest to start variants from.
good_manifest() {
	cat <<'EOM'
{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/good",
 "labels": [{"name": "version", "value": "1.0.0"}, {"name": "os", "value": "linux"},
            {"name": "arch", "value": "amd64"}],
 "app": {"exec": ["/bin/sh"], "user": "0", "group": "0"}}
EOM
}
