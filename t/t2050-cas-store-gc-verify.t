#!/bin/sh
# cas-store gc (grace period, trees referenced by pods, orphans) and verify
# (flipped bytes in blobs, quarantine).
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-cas.sh"

test_expect_success 'setup: three images' '
	for n in a b c; do
		cas_tiny_aci $n.aci example.com/$n 1.0 &&
		cas-store import $n.aci >id.$n || return 1
	done
'

test_expect_success 'gc removes images unused for the grace period only' '
	touch -d "2 days ago" "$RKT_DIR/cas/info/$(cat id.a)" &&
	touch -d "2 hours ago" "$RKT_DIR/cas/info/$(cat id.b)" &&
	cas-store gc --dry-run 2>err && cat err &&
	grep -q "would remove image $(cat id.a)" err &&
	cas-store list --no-legend >out && test $(wc -l <out) = 3 &&
	cas-store gc 2>err &&
	grep -q "removed image $(cat id.a)" err &&
	cas-store list --no-legend --fields=name >out &&
	printf "%s\n" example.com/b example.com/c >expect && test_cmp expect out &&
	cas-store gc --grace-period=1h &&
	cas-store list --no-legend --fields=name >out &&
	echo example.com/c >expect && test_cmp expect out &&
	test -z "$(find "$RKT_DIR/cas" -name "$(cat id.a)*" -o -name "$(cat id.b)*")"
'

test_expect_success 'render marks an image used' '
	cas-store import b.aci >/dev/null &&
	touch -d "2 days ago" "$RKT_DIR/cas/info/$(cat id.b)" &&
	cas-store render example.com/b >/dev/null &&
	cas-store gc &&
	cas-store resolve example.com/b
'

test_expect_success 'gc keeps trees referenced by pods, removes the others' '
	rb=$(cas-store render example.com/b) && rc=$(cas-store render example.com/c) &&
	kb=$(basename $(dirname $rb)) && kc=$(basename $(dirname $rc)) &&
	mkdir -p "$RKT_DIR/pods/run/0d5d1e8a-4f0b-4c36-9a2e-6b0e4c2b8f11/apps/app" &&
	echo $kb >"$RKT_DIR/pods/run/0d5d1e8a-4f0b-4c36-9a2e-6b0e4c2b8f11/apps/app/treeStoreID" &&
	cas-store gc 2>err && cat err &&
	grep -q "removed tree tree/$kc" err &&
	test -d "$rb" && test ! -e "$rc"
'

test_expect_success 'gc removes no tree when a pod reference cannot be read' '
	rc=$(cas-store render example.com/c) &&
	mkdir -p "$RKT_DIR/pods/prepared/5a3b3c9e-1f0b-4c36-9a2e-6b0e4c2b8f12/apps/app/treeStoreID" &&
	test_expect_code 1 cas-store gc 2>err && cat err &&
	grep -q "no tree removed" err &&
	test -d "$rc" &&
	rm -r "$RKT_DIR/pods/prepared" &&
	cas-store gc && test ! -e "$rc"
'

test_expect_success 'gc removes orphan blobs and manifests of half-imported images' '
	id=$(cat id.c) && hex=${id#sha512-} &&
	rm "$RKT_DIR/cas/info/$id" &&
	cas-store gc 2>err && cat err &&
	grep -q "orphan blob" err && grep -q "orphan manifest" err &&
	test -z "$(find "$RKT_DIR/cas" -name "$id*")" &&
	cas-store import c.aci >id && test_cmp id.c id
'

test_expect_success 'verify detects a flipped byte in a blob and quarantines it' '
	id=$(cat id.c) && hex=${id#sha512-} &&
	blob="$RKT_DIR/cas/blob/sha512/$(echo $hex | cut -c1-2)/$id" &&
	cas-store verify &&
	chmod u+w "$blob" &&
	printf "\377" | dd of="$blob" bs=1 seek=600 conv=notrunc 2>/dev/null &&
	test_expect_code 1 cas-store verify 2>err && cat err &&
	grep -q "corrupt blob $id" err &&
	test -f "$RKT_DIR/cas/quarantine/$id" &&
	test_expect_code 1 cas-store resolve $id &&
	cas-store verify &&
	cas-store import c.aci >id && test_cmp id.c id && cas-store verify
'

test_expect_success 'verify reports an image whose blob vanished' '
	id=$(cat id.c) && hex=${id#sha512-} &&
	rm -f "$RKT_DIR/cas/blob/sha512/$(echo $hex | cut -c1-2)/$id" &&
	test_expect_code 1 cas-store verify 2>err && cat err &&
	grep -q "image $id: its blob is missing" err &&
	test_expect_code 1 cas-store resolve $id &&
	cas-store verify
'

test_done
