#!/bin/sh
# cas-store: import, list, resolve, cat-manifest, export, extract, rm, end to end.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-cas.sh"

test_expect_success 'setup: a busybox image in gzip, bzip2, xz and plain tar' '
	make_image_dir img example.com/hello &&
	cas_tar img >hello.tar &&
	gzip -n -c hello.tar >hello.aci &&
	bzip2 -c hello.tar >hello.aci.bz2 &&
	xz -c hello.tar >hello.aci.xz &&
	echo "sha512-$(sha512sum <hello.tar | cut -d" " -f1)" >expect-id
'

test_expect_success 'import prints the ID: sha512 of the uncompressed tar' '
	cas-store import hello.aci >id &&
	test_cmp expect-id id &&
	id=$(cat id) && hex=${id#sha512-} &&
	blob="$RKT_DIR/cas/blob/sha512/$(echo $hex | cut -c1-2)/$id" &&
	cmp hello.tar "$blob" &&
	test "$(stat -c %a "$blob")" = 444 &&
	test -f "$RKT_DIR/cas/manifest/$id" &&
	test -f "$RKT_DIR/cas/info/$id"
'

test_expect_success 'importing again (any compression) changes nothing' '
	find "$RKT_DIR/cas" -type f -printf "%p %s %T@\n" | grep -v "/lock " | sort >before &&
	for f in hello.aci hello.aci.bz2 hello.aci.xz hello.tar; do
		cas-store import $f >id2 && test_cmp expect-id id2 || return 1
	done &&
	cas-store import - <hello.aci.xz >id3 && test_cmp expect-id id3 &&
	find "$RKT_DIR/cas" -type f -printf "%p %s %T@\n" | grep -v "/lock " | sort >after &&
	test_cmp before after
'

test_expect_success '--dir chooses the store' '
	cas-store --dir=other import hello.aci.bz2 >id &&
	test_cmp expect-id id &&
	test -f other/cas/info/$(cat id) &&
	cas-store import --dir=other hello.aci >id &&
	test_cmp expect-id id
'

test_expect_success 'cat-manifest gives the stored manifest bytes' '
	cas-store cat-manifest "$(cat expect-id)" >m &&
	test_cmp img/manifest m &&
	cas-store cat-manifest example.com/hello >m2 &&
	test_cmp img/manifest m2
'

test_expect_success 'resolve: full ID, prefix, name, name:version, labels' '
	id=$(cat expect-id) &&
	test "$(cas-store resolve $id)" = $id &&
	test "$(cas-store resolve $(echo $id | cut -c1-20))" = $id &&
	test "$(cas-store resolve example.com/hello)" = $id &&
	test "$(cas-store resolve example.com/hello:1.0.0)" = $id &&
	test "$(cas-store resolve --label=os=linux example.com/hello)" = $id &&
	test_expect_code 1 cas-store resolve example.com/hello:2.0 2>err &&
	grep -q "not found" err &&
	test_expect_code 1 cas-store resolve --label=arch=s390x example.com/hello &&
	test_expect_code 1 cas-store resolve example.com/nothing
'

test_expect_success 'resolve: newest import wins; ambiguous prefix lists candidates' '
	cas_tiny_aci t1.aci example.com/tiny 1.0 &&
	cas_tiny_aci t2.aci example.com/tiny 2.0 &&
	id1=$(cas-store import t1.aci) && sleep 0.01 &&
	id2=$(cas-store import t2.aci) &&
	test "$(cas-store resolve example.com/tiny)" = $id2 &&
	test "$(cas-store resolve example.com/tiny:1.0)" = $id1 &&
	test_expect_code 1 cas-store resolve sha512- 2>err &&
	test_expect_code 1 cas-store resolve sha512-0123456789abcdef0123456789abcdef 2>err &&
	grep -q "not found" err
'

test_expect_success 'an ambiguous prefix: exit 1 and the candidates listed' '
	# 17 images: two of them share the first hex digit of their IDs
	for i in $(seq 1 17); do
		cas_tiny_aci amb$i.aci example.com/amb$i 1.0 &&
		cas-store --dir=amb import amb$i.aci >>amb-ids || return 1
	done &&
	p=$(cut -c1-8 amb-ids | sort | uniq -d | head -1) &&
	test -n "$p" &&
	test_expect_code 1 cas-store --dir=amb resolve $p >out 2>err && cat err &&
	test ! -s out &&
	grep -q "ambiguous" err &&
	for id in $(grep "^$p" amb-ids); do
		grep -q "$(echo $id | cut -c1-39)" err || return 1
	done
'

test_expect_success 'list: table, --no-legend, --fields, --full, json' '
	cas-store list >out &&
	head -1 out >legend &&
	grep -q "^ID  *NAME  *VERSION  *SIZE  *IMPORTED  *LAST USED$" legend &&
	test $(wc -l <out) = 4 &&
	grep -q "example.com/hello  *1.0.0" out &&
	cas-store list --no-legend --fields=name,version >out &&
	printf "%s\n" "example.com/hello  1.0.0" "example.com/tiny   1.0" "example.com/tiny   2.0" >expect &&
	test_cmp expect out &&
	cas-store list --no-legend --full --fields=id,size >out &&
	grep -q "^$(cat expect-id)  $(stat -c %s hello.tar)$" out &&
	cas-store list --format=json >out.json &&
	jq -e "length == 3" out.json &&
	jq -e ".[0].id == \"$(cat expect-id)\" and .[0].name == \"example.com/hello\" and .[0].version == \"1.0.0\" and .[0].labels.os == \"linux\"" out.json &&
	test_expect_code 2 cas-store list --fields=bogus
'

test_expect_success 'export gives a gzip ACI of the same image, byte-stable' '
	id=$(cat expect-id) &&
	cas-store export $id out1.aci &&
	cas-store export example.com/hello - >out2.aci &&
	cmp out1.aci out2.aci &&
	gzip -t out1.aci &&
	gzip -dc out1.aci | cmp - hello.tar &&
	cas-store --dir=again import out1.aci >id2 &&
	test_cmp expect-id id2
'

test_expect_success 'extract: whole image, --rootfs-only, refuses a non-empty dir' '
	cas-store extract example.com/hello x1 &&
	test_cmp img/manifest x1/manifest &&
	cmp img/rootfs/bin/busybox x1/rootfs/bin/busybox &&
	test "$(readlink x1/rootfs/bin/sh)" = busybox &&
	cas-store extract --rootfs-only example.com/hello x2 &&
	cmp img/rootfs/bin/busybox x2/bin/busybox &&
	test ! -e x2/manifest &&
	test_expect_code 1 cas-store extract example.com/hello x2 2>err &&
	grep -q "not empty" err &&
	cas-store extract --rootfs-only --overwrite example.com/hello x2
'

test_expect_success 'rm removes images; a second rm fails' '
	id1=$(cas-store resolve example.com/tiny:1.0) &&
	cas-store rm $id1 >out &&
	echo $id1 >expect && test_cmp expect out &&
	test_expect_code 1 cas-store resolve $id1 &&
	test ! -e "$RKT_DIR/cas/manifest/$id1" &&
	test -z "$(find "$RKT_DIR/cas/blob" -name "$id1")" &&
	test_expect_code 1 cas-store rm $id1 &&
	cas-store list --no-legend >out && test $(wc -l <out) = 2
'

test_expect_success 'aci-build composes with import; the round trip keeps the files' '
	aci-build --owner-root img - | cas-store import - >id &&
	cas-store extract "$(cat id)" rt &&
	cmp img/rootfs/bin/busybox rt/rootfs/bin/busybox &&
	test "$(readlink rt/rootfs/bin/ls)" = busybox &&
	test_cmp img/manifest rt/manifest &&
	root=$(cas-store render "$(cat id)") &&
	"$root/bin/busybox" true &&
	test "$(stat -c %u:%g "$root/bin/busybox")" = 0:0
'

test_expect_success 'usage errors exit 2, --help exits 0' '
	test_expect_code 2 cas-store &&
	test_expect_code 2 cas-store frobnicate &&
	test_expect_code 2 cas-store import &&
	test_expect_code 2 cas-store export x &&
	test_expect_code 2 cas-store gc --grace-period=soon &&
	cas-store --help >out && grep -q "cas-store.*import" out
'

test_done
