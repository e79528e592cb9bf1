#!/bin/sh
# Load (issue 8): 50 pods prepared, run and stopped at once on a store of
# 200 images, while pod-gc, cas-store gc, cas-store verify, cas-store import
# and aci-fetch run beside them. Counted before and after: no image lost, no
# mount, cgroup or lock left, no pod stuck. Pods share the host's network
# (--net=host), so no veth can be made and no network lock is needed.
# A regression test for cas-store gc racing pod-run comes first.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-cas.sh"

pods=$RKT_DIR/pods
NPODS=50 NLONG=15 NIMG=200

# figure NAME VALUE: remember a figure for the summary at the end
figure() { echo "$2" >"$TRASH/fig.$1"; }
fig() { cat "$TRASH/fig.$1" 2>/dev/null || echo '?'; }

ms() { echo $(($(date +%s%N) / 1000000)); }

# What a pod can leave behind: mounts under the scratch dir, cgroups named
# for our pods, pod directories.
count_mounts() { grep -c " $TRASH" /proc/self/mountinfo; }
count_cgroups() {
	[ -s uuids ] || { echo 0; return; }
	find /sys/fs/cgroup -maxdepth 6 -type d -name 'rkt-*' 2>/dev/null |
		grep -cF -f "$TRASH/uuids"
}
count_pods() { find "$pods" -mindepth 2 -maxdepth 2 | wc -l; }

# make_acis N DIR: N distinct small ACIs DIR/1.aci.. (example.com/load-I,
# version 1.I, one file), made by one process.
make_acis() {
	"$PYTHON3" - "$1" "$2" <<'EOP'
import io, json, sys, tarfile
n, out = int(sys.argv[1]), sys.argv[2]
def add(tf, name, data=None):
    ti = tarfile.TarInfo(name)
    ti.mtime = 0
    if data is None:
        ti.type, ti.mode = tarfile.DIRTYPE, 0o755
        tf.addfile(ti)
    else:
        ti.size, ti.mode = len(data), 0o644
        tf.addfile(ti, io.BytesIO(data))
for i in range(1, n + 1):
    m = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/load-%d" % i,
         "labels": [{"name": "version", "value": "1.%d" % i}, {"name": "os", "value": "linux"},
                    {"name": "arch", "value": "amd64"}],
         "app": {"exec": ["/bin/true"], "user": "0", "group": "0"}}
    with tarfile.open("%s/%d.aci" % (out, i), "w:gz", format=tarfile.PAX_FORMAT) as tf:
        add(tf, "manifest", json.dumps(m).encode())
        add(tf, "rootfs")
        add(tf, "rootfs/etc")
        add(tf, "rootfs/etc/image", b"load %d\n" % i)
EOP
}

test_expect_success 'setup: a busybox image run once, 200 small distinct ACIs, half imported' '
	store_image bb example.com/busybox /bin/echo hi >img.id &&
	test "$(bounded 120 pod-run --net=host "$(cat img.id)")" = hi &&
	pod-gc --grace-period=0s &&
	t0=$(ms) && mkdir acis && make_acis $NIMG acis &&
	for i in $(seq 1 $((NIMG / 2))); do
		cas-store import acis/$i.aci >>ids.before || exit 1
	done &&
	figure setup_ms $(($(ms) - t0)) &&
	test $(sort -u ids.before | wc -l) -eq $((NIMG / 2))
'
img=$(cat img.id)

test_expect_success 'regression: cas-store gc keeps the tree of a pod moving from prepared to run during its scan' '
	# On a tmpfs, readdir lists pods/run before pods/prepared: a gc that
	# read the state dirs in that order missed a pod that pod-run moved
	# between the two reads, and removed the tree the pod was about to mount.
	mkdir race && mount -t tmpfs -o size=256m tmpfs race &&
	test_when_finished "umount -l \"$TRASH/race\"" &&
	export RKT_DIR=$TRASH/race/rkt && p=$RKT_DIR/pods &&
	id=$(cas-store import bb.aci) && u=$(pod-prepare "$id") && rm -r "$p/prepared/$u" &&
	# 3000 exited pods make the scan of run/ long enough to land in
	seq 1 3000 | sed "s|.*|$p/run/f&/apps/a|" | xargs mkdir -p &&
	for i in $(seq 1 3000); do echo sha512-none >"$p/run/f$i/apps/a/treeStoreID"; done &&
	t0=$(ms) && cas-store gc && t=$(($(ms) - t0)) &&
	landed=0 &&
	for try in $(seq 1 10); do
		u=$(pod-prepare "$id") && key=$(cat "$p/prepared/$u"/apps/*/treeStoreID) &&
		test -d "$RKT_DIR/cas/tree/$key/rootfs" &&
		{ cas-store gc & g=$!; } &&
		sleep "$(awk -v t=$t -v k=$try "BEGIN { printf \"%.3f\", t * k / 12000 }")" &&
		{ kill -0 $g 2>/dev/null && landed=$((landed + 1)); :; } &&
		mv "$p/prepared/$u" "$p/run/$u" &&
		wait $g &&
		{ test -d "$RKT_DIR/cas/tree/$key/rootfs" ||
			{ echo "try $try: the tree of pod $u was removed"; exit 1; }; } &&
		rm -r "$p/run/$u" || exit 1
	done &&
	figure race "cas-store gc took $t ms over 3000 pods; $landed of 10 moves landed while gc ran, no tree lost" &&
	test $landed -gt 0
'

# pod_job I: prepare and run pod I. Pods 1..NPODS-NLONG echo and exit by
# themselves (every third with a memory isolator, so it has a cgroup); the
# others sleep until stopped with SIGTERM once running, after checking they
# are in the host's network namespace and in their own cgroup. The result
# line goes to res/I.
pod_job() {
	_i=$1
	if [ "$_i" -le $((NPODS - NLONG)) ]; then
		_iso=
		[ $((_i % 3)) -eq 0 ] && _iso=--memory=32M
		_u=$(pod-prepare "$img" --exec=/bin/sh $_iso -- -c "sleep 0.$((_i % 10)); echo ok-$_i") &&
			echo "$_u" >>uuids &&
			bounded 120 pod-run --net=host "$_u" >out.$_i 2>err.$_i &&
			test "$(cat out.$_i)" = "ok-$_i" &&
			echo "ok short $_u" >res/$_i
		return
	fi
	_u=$(pod-prepare "$img" --exec=/bin/sleep --memory=32M -- 300) &&
		echo "$_u" >>uuids || return 1
	# timeout, not bounded: $! must be the process the signal goes to
	timeout -k 5 120 pod-run --net=host "$_u" >out.$_i 2>err.$_i &
	_p=$!
	wait_for 60 "test -s \"$pods/run/$_u/pid\"" &&
		_pid=$(cat "$pods/run/$_u/pid") &&
		test "$(readlink /proc/$_pid/ns/net)" = "$(readlink /proc/self/ns/net)" &&
		wait_for 60 "find /sys/fs/cgroup -maxdepth 6 -type d -name rkt-$_u | grep -q ." &&
		echo "running $_u" >res/$_i.up
	kill -TERM $_p
	wait $_p
	_rc=$?
	# SIGTERM is forwarded to the app: the pod exits 128+15
	[ -f res/$_i.up ] && [ $_rc -eq 143 ] && echo "ok long $_u" >res/$_i
}

# loop NAME PAUSE CMD...: run CMD every PAUSE seconds until the file stop
# exists; count runs and failures.
loop() {
	_n=$1 _pause=$2
	shift 2
	: >loop.$_n.runs
	until [ -e stop ]; do
		"$@" >/dev/null 2>>loop.$_n.err || echo x >>loop.$_n.fail
		echo x >>loop.$_n.runs
		sleep $_pause
	done
}

# importer: the second half of the images, alternately by cas-store import
# and aci-fetch (a local file, no signature), while the pods run.
importer() {
	for i in $(seq $((NIMG / 2 + 1)) $NIMG); do
		if [ $((i % 2)) -eq 0 ]; then
			cas-store import acis/$i.aci >>ids.during || return 1
		else
			aci-fetch --insecure-options=image acis/$i.aci >>ids.during 2>>fetch.err || return 1
		fi
	done
	echo done >import.ok
}

test_expect_success '50 pods at once beside pod-gc, cas-store gc/verify, import and aci-fetch' '
	figure mounts_before $(count_mounts) && figure pods_before $(count_pods) &&
	figure images_before $(cas-store list --no-legend | wc -l) &&
	figure cgroups_before $(count_cgroups) &&
	mkdir res && t0=$(ms) &&
	{ loop podgc 0.3 pod-gc --grace-period=0s & l1=$!; } &&
	{ loop casgc 0.5 cas-store gc & l2=$!; } &&
	{ loop verify 1.5 cas-store verify & l3=$!; } &&
	{ importer & imp=$!; } &&
	pjobs= &&
	for i in $(seq 1 $NPODS); do
		pod_job $i &
		pjobs="$pjobs $!"
	done &&
	for j in $pjobs; do wait $j; done
	wait $imp
	touch stop && wait $l1 $l2 $l3 &&
	figure load_ms $(($(ms) - t0)) &&
	figure ok_short $(cat res/* 2>/dev/null | grep -c "^ok short") &&
	figure ok_long $(cat res/* 2>/dev/null | grep -c "^ok long") &&
	for l in podgc casgc verify; do
		figure runs_$l $(wc -l <loop.$l.runs) &&
		figure fail_$l $(cat loop.$l.fail 2>/dev/null | wc -l) || exit 1
	done &&
	for i in $(seq 1 $NPODS); do
		test -f res/$i || { echo "pod $i:"; cat out.$i err.$i; exit 1; }
	done &&
	test -f import.ok &&
	for l in podgc casgc verify; do
		test ! -s loop.$l.fail || { echo "$l failed:"; cat loop.$l.err; exit 1; }
	done
'

test_expect_success 'afterwards: pod-gc leaves no pod, nothing locked, mounted or in a cgroup' '
	pod-gc --grace-period=0s --expire-prepared=0s &&
	figure pods_after $(count_pods) &&
	figure mounts_after $(count_mounts) &&
	figure cgroups_after $(count_cgroups) &&
	figure uuids $(sort -u uuids | wc -l) &&
	test $(fig pods_after) -eq 0 &&
	test $(fig mounts_after) -eq $(fig mounts_before) &&
	test $(fig cgroups_after) -eq 0 &&
	test $(fig uuids) -eq $NPODS &&
	flock -n -x "$RKT_DIR/cas/lock" true &&
	for l in "$RKT_DIR"/cas/tree/.lock-*; do
		test ! -e "$l" || flock -n -x "$l" true || { echo "$l held"; exit 1; }
	done
'

test_expect_success 'afterwards: all 200 images resolve by name to their IDs, verify is clean' '
	cat ids.before ids.during | sort >expect &&
	for i in $(seq 1 $NIMG); do
		cas-store resolve example.com/load-$i || exit 1
	done | sort >actual &&
	test_cmp expect actual &&
	figure images_after $(cas-store list --no-legend | wc -l) &&
	test $(fig images_after) -eq $(($(fig images_before) + NIMG / 2)) &&
	cas-store verify
'

say "regression: $(fig race)"
say "setup: $NIMG ACIs made, $((NIMG / 2)) imported in $(fig setup_ms) ms"
say "load: $NPODS pods ($(fig ok_short) short, $(fig ok_long) stopped by SIGTERM ok) in $(fig load_ms) ms;" \
	"beside them pod-gc x$(fig runs_podgc), cas-store gc x$(fig runs_casgc)," \
	"verify x$(fig runs_verify) (failures $(fig fail_podgc)/$(fig fail_casgc)/$(fig fail_verify))," \
	"$((NIMG / 2)) imports/fetches"
say "before -> after: images $(fig images_before) -> $(fig images_after)," \
	"pod dirs $(fig pods_before) -> $(fig pods_after), mounts under the store" \
	"$(fig mounts_before) -> $(fig mounts_after), rkt-<uuid> cgroups" \
	"$(fig cgroups_before) -> $(fig cgroups_after) (of $(fig uuids) pods), veths none (host network)"

test_done
