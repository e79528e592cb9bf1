# Driving stage1's init directly: lay out a pod directory by hand as
# CONTRACT.md (and rkt-stage1(5)) describe, from busybox rootfs and a
# handwritten pod manifest, then run `cd POD && stage1/rootfs/init`.
#
#   pod=$(stage1_pod)                      new pod dir with stage1 unpacked
#   stage1_app "$pod" NAME [overlay]       the app's rootfs (copy or overlay)
#   app_json NAME '"/bin/sh","-c","..."' [APP_FIELDS] [POD_APP_FIELDS]
#   stage1_manifest "$pod" "$(app_json ...),$(app_json ...)" [POD_FIELDS]
#   stage1_run "$pod" [init options]       runs init holding the pod lock

FAKE_IMAGE_ID=sha512-$(printf '%0128d' 0 | tr 0 a)

# stage1_pod: a fresh pod directory (printed), stage1.aci unpacked in it.
stage1_pod() {
	_uuid=$(cat /proc/sys/kernel/random/uuid) &&
	_pod="$TRASH/pods/run/$_uuid" &&
	mkdir -p "$_pod/stage1" "$_pod/apps" &&
	tar -xzf "$RKT_TEST_STAGE1" -C "$_pod/stage1" &&
	echo "$_pod"
}

# stage1_app POD NAME [overlay]: busybox rootfs for app NAME. Copy mode fills
# stage1/rootfs/opt/stage2/NAME/rootfs; overlay mode renders a tree outside
# the pod and writes apps/NAME/lowerdir, upper and work.
stage1_app() {
	_root="$1/stage1/rootfs/opt/stage2/$2/rootfs"
	mkdir -p "$_root" "$1/apps/$2" &&
	if [ "${3:-copy}" = overlay ]; then
		_tree="$TRASH/tree-$2-$$-$(date +%s%N)/rootfs"
		make_rootfs "$_tree" &&
		echo "$_tree" >"$1/apps/$2/lowerdir" &&
		mkdir -p "$1/apps/$2/upper" "$1/apps/$2/work"
	else
		make_rootfs "$_root"
	fi
}

# app_json NAME EXEC [APP_FIELDS] [POD_APP_FIELDS]: one apps[] entry.
app_json() {
	printf '{"name": "%s", "image": {"id": "%s"}, "app": {"exec": [%s], "user": "0", "group": "0"%s}%s}' \
		"$1" "$FAKE_IMAGE_ID" "$2" "${3:+, $3}" "${4:+, $4}"
}

# stage1_manifest POD APPS [POD_FIELDS]: write POD/pod.
stage1_manifest() {
	printf '{"acKind": "PodManifest", "acVersion": "0.8.11", "apps": [%s]%s}\n' \
		"$2" "${3:+, $3}" >"$1/pod"
}

# stage1_runtime POD JSON: write POD/runtime.json.
stage1_runtime() { printf '%s\n' "$2" >"$1/runtime.json"; }

# stage1_run POD [OPTIONS...]: run the pod's init as pod-run would: cwd the
# pod dir, the pod lock held on fd 9 and passed with --lock-fd.
stage1_run() {
	_p=$1
	shift
	(cd "$_p" && exec 9<. && flock -x 9 && exec timeout -k 5 50 stage1/rootfs/init --lock-fd=9 "$@" "$(basename "$_p")")
}

# no_mounts_left: nothing under the scratch dir is mounted in the host.
no_mounts_left() {
	! grep -q " $TRASH" /proc/self/mounts
}
