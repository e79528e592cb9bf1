#!/bin/sh
# Any number of cas-store processes at once never corrupt the store, never
# show a partial blob, never deadlock.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-cas.sh"

# no_temp_left: no temp file or directory anywhere in the store
no_temp_left() {
	test -z "$(find "$RKT_DIR/cas" -name ".tmp-*")"
}

test_expect_success 'setup: a 50 MB image and 8 small ones' '
	mkdir -p big/rootfs/data &&
	head -c 50000000 /dev/urandom >big/rootfs/data/blob &&
	cas_manifest example.com/big 1.0 >big/manifest &&
	cas_tar big | gzip -1 -n >big.aci &&
	for i in 1 2 3 4 5 6 7 8; do
		cas_tiny_aci small$i.aci example.com/small$i 1.0 || return 1
	done
'

test_expect_success '8 imports of one image and 8 of different ones, with gc and render beside' '
	cas-store import small1.aci >/dev/null || return 1
	pids=
	for i in 1 2 3 4 5 6 7 8; do
		bounded 120 cas-store import big.aci >big.$i.out 2>big.$i.err & pids="$pids $!"
		bounded 120 cas-store import small$i.aci >small.$i.out 2>small.$i.err & pids="$pids $!"
	done
	( for j in 1 2 3 4 5; do bounded 60 cas-store gc || exit 1; done ) >gc.out 2>&1 & gcpid=$!
	( for j in 1 2 3 4 5 6 7 8 9 10; do bounded 60 cas-store render example.com/small1 || exit 1; done ) >render.out 2>&1 & rpid=$!
	for p in $pids; do wait $p || { echo "import $p failed"; cat big.*.err small.*.err; exit 1; }; done &&
	wait $gcpid && wait $rpid &&
	sort -u big.*.out >ids && test $(wc -l <ids) = 1 &&
	grep -q "^sha512-" ids &&
	cat small.*.out | sort -u >sids && test $(wc -l <sids) = 8 &&
	cas-store list --no-legend --fields=name >names &&
	test $(wc -l <names) = 9 &&
	cas-store verify &&
	no_temp_left
'

test_expect_success 'imports, rm, gc --grace-period=0 and render at once keep the store consistent' '
	pids=
	for i in 1 2 3 4; do
		bounded 120 cas-store import big.aci >/dev/null 2>&1 & pids="$pids $!"
		bounded 120 cas-store import small$i.aci >/dev/null 2>&1 & pids="$pids $!"
	done
	( for j in 1 2 3; do bounded 60 cas-store gc --grace-period=0s; done ) >/dev/null 2>&1 & pids="$pids $!"
	( for j in 1 2 3; do bounded 60 cas-store rm example.com/small5 example.com/small6; done ) >/dev/null 2>&1 & pids="$pids $!"
	( for j in 1 2 3 4 5; do bounded 60 cas-store render example.com/small2; done ) >/dev/null 2>&1 & pids="$pids $!"
	for p in $pids; do wait $p; test $? -lt 124 || { echo "process $p hung"; exit 1; }; done &&
	cas-store verify &&
	no_temp_left &&
	for id in $(cas-store list --no-legend --full --fields=id); do
		cas-store cat-manifest $id >/dev/null || return 1
	done &&
	cas-store import big.aci >id && test_cmp ids id
'

test_expect_success '8 renders of one image at once build one tree' '
	pids=
	for i in 1 2 3 4 5 6 7 8; do
		bounded 120 cas-store render example.com/big >render.$i.out 2>render.$i.err & pids="$pids $!"
	done
	for p in $pids; do wait $p || { echo "render $p failed"; cat render.*.err; exit 1; }; done &&
	sort -u render.*.out >paths && test $(wc -l <paths) = 1 &&
	cmp big/rootfs/data/blob "$(cat paths)/data/blob" &&
	test "$(cat paths)" = "$RKT_DIR/cas/tree/$(cat ids)/rootfs" &&
	cas-store render --verify example.com/big >/dev/null &&
	no_temp_left
'

test_done
