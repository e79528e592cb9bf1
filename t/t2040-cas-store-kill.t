#!/bin/sh
# kill -9 at any moment leaves a usable store: verify finds nothing wrong,
# temp files are ignored by list and swept by gc once old.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-cas.sh"

test_expect_success 'setup: a 30 MB image with a few hundred files' '
	mkdir -p big/rootfs/data big/rootfs/many &&
	head -c 30000000 /dev/urandom >big/rootfs/data/blob &&
	for i in $(seq 1 300); do echo $i >big/rootfs/many/f$i || return 1; done &&
	cas_manifest example.com/big 1.0 >big/manifest &&
	cas_tar big | gzip -1 -n >big.aci &&
	echo "sha512-$(gzip -dc big.aci | sha512sum | cut -d" " -f1)" >expect-id
'

test_expect_success 'kill -9 of imports at random moments, then verify is clean' '
	for i in $(seq 1 12); do
		cas-store import big.aci >/dev/null 2>&1 & p=$!
		sleep 0.0$(shuf -i 0-9 -n 1)$(shuf -i 0-9 -n 1)
		kill -9 $p 2>/dev/null; wait $p
		cas-store list >/dev/null || exit 1
		if cas-store list --no-legend --full --fields=id | grep -q .; then
			cas-store rm example.com/big >/dev/null || exit 1
		fi
	done &&
	cas-store verify &&
	cas-store list --no-legend >out && test_must_fail grep -q . out
'

test_expect_success 'the store is usable after the kills' '
	cas-store import big.aci >id && test_cmp expect-id id &&
	cas-store list --no-legend --fields=name >out && test "$(cat out)" = example.com/big &&
	cas-store verify
'

test_expect_success 'kill -9 of renders at random moments, then verify is clean' '
	for i in $(seq 1 8); do
		cas-store render example.com/big >/dev/null 2>&1 & p=$!
		sleep 0.0$(shuf -i 0-9 -n 1)$(shuf -i 0-9 -n 1)
		kill -9 $p 2>/dev/null; wait $p
		if [ -d "$RKT_DIR/cas/tree/$(cat id)" ]; then
			cas-store gc --grace-period=24h >/dev/null 2>&1 || exit 1
		fi
	done &&
	cas-store verify &&
	root=$(cas-store render --verify example.com/big) &&
	cmp big/rootfs/data/blob "$root/data/blob" &&
	test -f "$root/many/f300"
'

test_expect_success 'gc sweeps temp files older than a minute, keeps fresh ones' '
	bdir="$RKT_DIR/cas/blob/sha512" &&
	echo junk >"$bdir/.tmp-import-old" && touch -d "2 minutes ago" "$bdir/.tmp-import-old" &&
	echo junk >"$bdir/.tmp-import-new" &&
	mkdir -p "$RKT_DIR/cas/tree/.tmp-tree-old/rootfs" &&
	touch -d "2 minutes ago" "$RKT_DIR/cas/tree/.tmp-tree-old" &&
	cas-store list --no-legend >out && test $(wc -l <out) = 1 &&
	cas-store gc 2>err && cat err &&
	test ! -e "$bdir/.tmp-import-old" && test -e "$bdir/.tmp-import-new" &&
	test ! -e "$RKT_DIR/cas/tree/.tmp-tree-old" &&
	find "$RKT_DIR/cas" -name ".tmp-*" -exec touch -h -d "2 minutes ago" {} + &&
	cas-store gc &&
	test -z "$(find "$RKT_DIR/cas" -name ".tmp-*")" &&
	cas-store verify && cas-store render --verify example.com/big >/dev/null

'

test_done
