#!/bin/sh
# cas-store render: dependencies in the spec's order, pathWhitelist, overriding
# files, symlink-to-dir replaced, caching, checksums, errors.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-cas.sh"

# layer DIR NAME VERSION DEPS WHITELIST: import DIR (rootfs already filled)
layer() {
	cas_manifest "$2" "$3" "${4:-}" "${5:-}" >"$1/manifest" &&
	cas_tar "$1" >"$1.tar" &&
	cas-store import "$1.tar"
}

test_expect_success 'setup: a three-level chain A -> B -> C' '
	mkdir -p c/rootfs/etc c/rootfs/usr/lib &&
	echo C >c/rootfs/etc/base && echo C >c/rootfs/etc/over && echo C >c/rootfs/etc/skip &&
	echo C >c/rootfs/usr/lib/c.so && echo C >c/rootfs/usr/only-c &&
	ln -s usr/lib c/rootfs/lib &&
	idc=$(layer c example.com/c 1.0) &&
	mkdir -p b/rootfs/etc b/rootfs/lib &&
	echo B >b/rootfs/etc/over && echo B >b/rootfs/etc/b && echo B >b/rootfs/lib/libb &&
	idb=$(layer b example.com/b 1.0 \
		"[{\"imageName\":\"example.com/c\",\"labels\":[{\"name\":\"version\",\"value\":\"1.0\"}]}]" \
		"[\"/etc/base\",\"/etc/over\",\"/etc/b\",\"/lib\",\"/lib/libb\",\"/usr/lib/c.so\"]") &&
	mkdir -p a/rootfs/etc &&
	echo A >a/rootfs/etc/over && echo A >a/rootfs/etc/a &&
	ida=$(layer a example.com/a 1.0 "[{\"imageName\":\"example.com/b\",\"imageID\":\"$idb\"}]") &&
	echo $ida >ida && echo $idb >idb && echo $idc >idc
'

test_expect_success 'render applies C, B, A with the whitelist of B' '
	cas-store render example.com/a >path &&
	root=$(cat path) &&
	case "$root" in "$RKT_DIR"/cas/tree/deps-sha512-*/rootfs) ;; *) false ;; esac &&
	(cd "$root" && find . | sort) >actual &&
	printf "%s\n" . ./etc ./etc/a ./etc/b ./etc/base ./etc/over ./lib ./lib/libb \
		./usr ./usr/lib ./usr/lib/c.so >expect &&
	test_cmp expect actual &&
	test "$(cat "$root/etc/over")" = A &&
	test "$(cat "$root/etc/base")" = C &&
	test "$(cat "$root/etc/b")" = B &&
	test -d "$root/lib" && test ! -L "$root/lib" &&
	test "$(cat "$root/usr/lib/c.so")" = C &&
	test ! -e "$root/usr/lib/libb" &&
	tree=$(dirname "$root") &&
	cas-store cat-manifest example.com/a | cmp - "$tree/manifest" &&
	printf "%s\n" $(cat ida idb idc) >expect && test_cmp expect "$tree/deps" &&
	grep -q "^xxh3-128:[0-9a-f]\{32\}$" "$tree/checksum"
'

test_expect_success 'a second render is a lookup; --verify checks the tree' '
	root=$(cat path) &&
	stat -c %Y "$root/etc/a" >t1 &&
	sleep 1.1 &&
	cas-store render example.com/a >path2 && test_cmp path path2 &&
	stat -c %Y "$root/etc/a" >t2 && test_cmp t1 t2 &&
	cas-store render --verify $(cat ida) >path3 && test_cmp path path3 &&
	test -z "$(find "$RKT_DIR/cas/tree" -maxdepth 1 -name ".tmp-*")"
'

test_expect_success 'an image without dependencies renders under its ID' '
	cas-store render $(cat idc) >p &&
	test "$(cat p)" = "$RKT_DIR/cas/tree/$(cat idc)/rootfs" &&
	test -L "$(cat p)/lib" && test -f "$(cat p)/etc/skip"
'

test_expect_success 'diamond A -> [B, C], B -> [D], C -> [D]: order D, B, D, C, A' '
	mkdir -p dd/rootfs bb/rootfs cc/rootfs aa/rootfs &&
	echo D >dd/rootfs/f && echo D >dd/rootfs/g &&
	layer dd example.com/d 1.0 >/dev/null &&
	dep="[{\"imageName\":\"example.com/d\"}]" &&
	echo B >bb/rootfs/f && echo B >bb/rootfs/g && echo B >bb/rootfs/h &&
	layer bb example.com/bb 1.0 "$dep" >/dev/null &&
	echo C >cc/rootfs/h &&
	layer cc example.com/cc 1.0 "$dep" >/dev/null &&
	echo A >aa/rootfs/a &&
	layer aa example.com/aa 1.0 "[{\"imageName\":\"example.com/bb\"},{\"imageName\":\"example.com/cc\"}]" >/dev/null &&
	root=$(cas-store render example.com/aa) &&
	test "$(cat $root/f)" = D && test "$(cat $root/g)" = D &&
	test "$(cat $root/h)" = C && test "$(cat $root/a)" = A
'

test_expect_success 'a missing dependency is an error naming it' '
	mkdir -p m/rootfs &&
	layer m example.com/m 1.0 "[{\"imageName\":\"example.com/missing\",\"labels\":[{\"name\":\"version\",\"value\":\"9\"}]}]" >/dev/null &&
	test_expect_code 1 cas-store render example.com/m 2>err && cat err &&
	grep -q "dependency example.com/missing (version=9) not found" err &&
	test -z "$(find "$RKT_DIR/cas/tree" -maxdepth 1 -name ".tmp-*")"
'

test_expect_success 'a dependency by a wrong image ID is an error' '
	mkdir -p w/rootfs &&
	layer w example.com/w 1.0 "[{\"imageName\":\"example.com/b\",\"imageID\":\"$(cat idc)\"}]" >/dev/null &&
	test_expect_code 1 cas-store render example.com/w 2>err && cat err &&
	grep -q "is named example.com/c" err
'

test_expect_success 'a dependency cycle is refused' '
	mkdir -p x/rootfs y/rootfs &&
	layer x example.com/x 1.0 "[{\"imageName\":\"example.com/y\"}]" >/dev/null &&
	layer y example.com/y 1.0 "[{\"imageName\":\"example.com/x\"}]" >/dev/null &&
	test_expect_code 1 cas-store render example.com/x 2>err && cat err &&
	grep -q "cycle" err
'

test_expect_success 'a flipped byte in a tree: render --verify fails, verify quarantines it' '
	root=$(cat path) && tree=$(dirname "$root") && key=$(basename "$tree") &&
	printf Z | dd of="$root/etc/base" bs=1 seek=0 conv=notrunc 2>/dev/null &&
	test_expect_code 1 cas-store render --verify example.com/a 2>err && cat err &&
	grep -q "corrupt" err &&
	test_expect_code 1 cas-store verify 2>err && cat err &&
	grep -q "corrupt tree $key" err &&
	test -d "$RKT_DIR/cas/quarantine/tree-$key" && test ! -e "$tree" &&
	cas-store verify &&
	cas-store render --verify example.com/a >p && test "$(cat $(cat p)/etc/base)" = C
'

test_expect_success 'a changed mode or symlink target is detected too' '
	root=$(cas-store render example.com/a) &&
	chmod 600 "$root/etc/a" &&
	test_expect_code 1 cas-store verify 2>err && grep -q "corrupt tree" err &&
	root=$(cas-store render $(cat idc)) &&
	ln -sfn usr/other "$root/lib" &&
	test_expect_code 1 cas-store verify 2>err && grep -q "corrupt tree $(cat idc)" err
'

test_done
