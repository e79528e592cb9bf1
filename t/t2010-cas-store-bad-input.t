#!/bin/sh
# cas-store import refuses bad images with a clear error and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-cas.sh"

# store_is_empty: no image, no blob, no temp file
store_is_empty() {
	test -z "$(find "$RKT_DIR/cas/blob" "$RKT_DIR/cas/manifest" "$RKT_DIR/cas/info" -type f)"
}

test_expect_success 'setup' '
	mkdir -p good/rootfs/etc && echo hi >good/rootfs/etc/hi &&
	cas_manifest example.com/good 1.0 >good/manifest &&
	cas-store list >/dev/null
'

test_expect_success 'not an archive' '
	echo "this is not a tar" >junk.aci &&
	test_expect_code 1 cas-store import junk.aci 2>err &&
	cat err &&
	grep -q "^cas-store: junk.aci" err &&
	store_is_empty
'

test_expect_success 'a missing file names the file' '
	test_expect_code 1 cas-store import nothere.aci 2>err &&
	grep -q "nothere.aci" err
'

test_expect_success 'path traversal is refused' '
	mkdir -p ev/rootfs && echo x >ev/rootfs/evil && cp good/manifest ev/ &&
	tar --transform="s,^rootfs/evil,rootfs/../../evil," -C ev -cf ev.tar manifest rootfs &&
	test_expect_code 1 cas-store import ev.tar 2>err &&
	cat err && grep -q "\.\." err &&
	test ! -e "$RKT_DIR/../evil" && test ! -e evil &&
	store_is_empty
'

test_expect_success 'no manifest' '
	tar -C good -cf noman.tar rootfs &&
	test_expect_code 1 cas-store import noman.tar 2>err &&
	cat err && grep -q "manifest" err &&
	store_is_empty
'

test_expect_success 'invalid manifests name the field' '
	mkdir -p bad/rootfs &&
	echo "{not json" >bad/manifest && tar -C bad -cf b1.tar manifest rootfs &&
	test_expect_code 1 cas-store import b1.tar 2>err && cat err &&
	grep -q "invalid image manifest" err &&
	printf "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"Bad Name\"}" >bad/manifest &&
	tar -C bad -cf b2.tar manifest rootfs &&
	test_expect_code 1 cas-store import b2.tar 2>err && cat err &&
	grep -q "name" err &&
	store_is_empty
'

test_expect_success 'a truncated gzip stream' '
	cas_tar good | gzip -n >good.aci &&
	head -c $(($(stat -c %s good.aci) / 2)) good.aci >trunc.aci &&
	test_expect_code 1 cas-store import trunc.aci 2>err && cat err &&
	store_is_empty
'

test_expect_success 'no temp file is left behind by the failures' '
	test -z "$(find "$RKT_DIR/cas" -name ".tmp-*")"
'

test_expect_success 'the good image still imports' '
	cas-store import good.aci >id && grep -q "^sha512-" id
'

test_done
