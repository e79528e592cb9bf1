#!/bin/sh
# Faults (issue 8): a full disk, a read-only store, a missing or corrupt
# stage1, corrupted blobs and trees, clock skew for gc. Each fails clearly,
# leaves nothing half-written, and the store verifies clean afterwards.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-cas.sh"
. "$T_DIR/lib-stage1.sh"

# fault KIND: count one injected fault
fault() { echo x >>"$TRASH/faults.$1"; }
faults() { cat "$TRASH/faults.$1" 2>/dev/null | wc -l; }

# settle: every pod that is not running goes; verify is clean; no mount.
settle() {
	pod-gc --grace-period=0s --expire-prepared=0s &&
	test -z "$(find "$RKT_DIR/pods" -mindepth 2 -maxdepth 2 ! -name stage1-cache)" &&
	cas-store verify
}

# no_temp DIR: no temp file of an interrupted write under DIR/cas
no_temp() { test -z "$(find "$1/cas" -name ".tmp-*")"; }

test_expect_success 'setup: small images, a 12 MB incompressible one, a busybox one' '
	cas_tiny_aci small1.aci example.com/small 1.0 &&
	cas_tiny_aci small2.aci example.com/small 2.0 &&
	cas_tiny_aci small3.aci example.com/small 3.0 &&
	mkdir -p big/rootfs && head -c 12000000 /dev/urandom >big/rootfs/blob &&
	cas_manifest example.com/big 1.0 >big/manifest &&
	cas_tar big | gzip -1 -n >big.aci &&
	store_image bb example.com/busybox /bin/echo hi >img.id
'
img=$(cat img.id)

test_expect_success 'full disk: importing a bigger image fails clearly, leaves nothing, the store still works' '
	mkdir full && mount -t tmpfs -o size=8m tmpfs full &&
	test_when_finished "umount -l \"$TRASH/full\"" &&
	export RKT_DIR=$TRASH/full/rkt &&
	cas-store import small1.aci >/dev/null &&
	used=$(du -s full | cut -f1) &&
	for i in 1 2 3; do
		test_expect_code 1 cas-store import big.aci >out 2>err &&
		fault disk && cat err &&
		grep -q "^cas-store: .*No space left on device" err &&
		test ! -s out && no_temp "$RKT_DIR" &&
		test "$(du -s full | cut -f1)" -le $((used + 64)) || exit 1
	done &&
	cas-store list --no-legend --fields=name,version >out &&
	echo "example.com/small 1.0" | tr " " "\t" >expect &&
	sed "s/  */\t/" out >actual && test_cmp expect actual &&
	cas-store import small2.aci >/dev/null &&
	cas-store verify && no_temp "$RKT_DIR"
'

test_expect_success 'read-only store: import and prepare fail clearly, list and resolve work' '
	mkdir ro && mount -t tmpfs -o size=64m tmpfs ro &&
	test_when_finished "umount -l \"$TRASH/ro\"" &&
	export RKT_DIR=$TRASH/ro/rkt &&
	cas-store import small1.aci >id1 &&
	store_image bb2 example.com/busybox /bin/echo hi >ro-img.id &&
	pod-prepare "$(cat ro-img.id)" >/dev/null && settle &&
	mount -o remount,ro "$TRASH/ro" &&
	test_when_finished "mount -o remount,rw \"$TRASH/ro\"" &&
	test_expect_code 1 cas-store import small2.aci 2>err && fault ro && cat err &&
	grep -q "^cas-store: .*Read-only file system" err &&
	test_must_fail pod-prepare "$(cat ro-img.id)" 2>err && fault ro && cat err &&
	grep -q "^pod-prepare: .*Read-only file system" err &&
	cas-store list --no-legend >out && test $(wc -l <out) -ge 2 &&
	cas-store resolve example.com/small >id && test_cmp id1 id &&
	cas-store cat-manifest example.com/small >/dev/null &&
	mount -o remount,rw "$TRASH/ro" &&
	settle && no_temp "$RKT_DIR" &&
	test "$(bounded 30 pod-run --net=host "$(cat ro-img.id)")" = hi && settle
'

test_expect_success 'missing or corrupt stage1: pod-prepare fails clearly, nothing prepared' '
	test_must_fail pod-prepare --stage1-image="$TRASH/no-such-stage1.aci" "$img" 2>err &&
	fault stage1 && cat err && grep -q "^pod-prepare: .*no-such-stage1.aci" err &&
	head -c 4000 /dev/urandom >junk.aci &&
	test_must_fail pod-prepare --stage1-image="$TRASH/junk.aci" "$img" 2>err &&
	fault stage1 && cat err && grep -q "^pod-prepare: " err &&
	head -c $(($(stat -c %s "$RKT_TEST_STAGE1") / 2)) "$RKT_TEST_STAGE1" >half.aci &&
	test_must_fail pod-prepare --stage1-image="$TRASH/half.aci" "$img" 2>err &&
	fault stage1 && cat err && grep -q "^pod-prepare: " err &&
	test -z "$(pods_in prepared)$(pods_in run)" &&
	settle
'

test_expect_success 'corrupted blob: verify detects and quarantines (exit 1), then is clean; render fails clearly' '
	id=$(cas-store import small3.aci) && hex=${id#sha512-} &&
	blob="$RKT_DIR/cas/blob/sha512/$(echo $hex | cut -c1-2)/$id" &&
	chmod u+w "$blob" &&
	printf "\377\377" | dd of="$blob" bs=1 seek=100 conv=notrunc 2>/dev/null && fault corrupt &&
	test_expect_code 1 cas-store verify 2>err && cat err &&
	grep -q "corrupt blob $id" err &&
	test -e "$RKT_DIR/cas/quarantine/$id" &&
	cas-store verify &&
	test_expect_code 1 cas-store render "$id" 2>err && cat err && grep -q "^cas-store: " err &&
	cas-store import small3.aci >id && test "$(cat id)" = "$id" &&
	cas-store render --verify "$id" >/dev/null && cas-store verify
'

test_expect_success 'corrupted tree: verify detects and quarantines it, render re-renders' '
	root=$(cas-store render example.com/busybox) &&
	key=$(basename "$(dirname "$root")") &&
	echo tampered >>"$root/etc/passwd" && fault corrupt &&
	test_expect_code 1 cas-store verify 2>err && cat err &&
	grep -q "$key" err &&
	test_must_fail grep -qs tampered "$RKT_DIR/cas/tree/$key/rootfs/etc/passwd" &&
	test -n "$(ls "$RKT_DIR/cas/quarantine")" &&
	cas-store verify &&
	root=$(cas-store render --verify example.com/busybox) &&
	! grep -q tampered "$root/etc/passwd" &&
	cas-store verify
'

# mkpod STATE: a hand-made pod dir; prints its UUID
mkpod() {
	_u=$(cat /proc/sys/kernel/random/uuid)
	mkdir -p "$RKT_DIR/pods/$1/$_u/status" &&
	printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[]}\n' >"$RKT_DIR/pods/$1/$_u/pod" &&
	echo $_u
}

test_expect_success 'clock skew: garbage from the future is kept and breaks nothing; old garbage is swept' '
	g=$RKT_DIR/pods/exited-garbage && p=$RKT_DIR/pods/prepared &&
	future=$(mkpod exited-garbage) && touch -d "+1 day" "$g/$future" && fault skew &&
	far=$(mkpod exited-garbage) && touch -d "+100 years" "$g/$far" && fault skew &&
	past=$(mkpod exited-garbage) && touch -d "20 years ago" "$g/$past" && fault skew &&
	fprep=$(mkpod prepared) && touch -d "+1 day" "$p/$fprep" && fault skew &&
	epoch=$(mkpod exited-garbage) && touch -d "@0" "$g/$epoch" && fault skew &&
	pod-gc -v >out 2>err && cat out err &&
	test ! -s err &&
	test -d "$g/$future" && test -d "$g/$far" && test -d "$p/$fprep" &&
	test ! -e "$g/$past" && test ! -e "$g/$epoch" &&
	# the skew is noticed: the grace period counts from now on, not from 2126
	test "$(stat -c %Y "$g/$far")" -le "$(date +%s)" &&
	test "$(stat -c %Y "$p/$fprep")" -le "$(date +%s)" &&
	pod-gc &&
	test -d "$g/$future" && test -d "$g/$far" && test -d "$p/$fprep" &&
	settle
'

test_expect_success 'totals' '
	say "faults injected: full-disk=$(faults disk) read-only=$(faults ro)" \
		"stage1=$(faults stage1) corruption=$(faults corrupt) clock-skew=$(faults skew)" &&
	test $(faults disk) -eq 3 && test $(faults ro) -eq 2 && test $(faults stage1) -eq 3 &&
	test $(faults corrupt) -eq 2 && test $(faults skew) -eq 5
'

# the totals in the TAP output (say inside a test block is only shown on failure)
say "faults injected: full-disk=$(faults disk) read-only=$(faults ro) stage1=$(faults stage1) corruption=$(faults corrupt) clock-skew=$(faults skew), all survived: $((test_count - test_failed))/$test_count tests ok"

test_done
