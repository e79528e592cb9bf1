# Image fixtures for the tests: a busybox-static rootfs and manifests.

BUSYBOX=${BUSYBOX:-/bin/busybox}

# make_rootfs DIR: a minimal busybox rootfs with applet links and /etc files.
make_rootfs() {
	mkdir -p "$1/bin" "$1/etc" "$1/tmp" "$1/root" &&
	cp "$BUSYBOX" "$1/bin/busybox" &&
	for _a in sh echo cat ls true false sleep id env pwd hostname test mount \
		ps grep wc head tail touch mkdir rm stat kill printf sed cut sort tr; do
		ln -sf busybox "$1/bin/$_a" || return 1
	done &&
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$1/etc/passwd" &&
	printf 'root:x:0:\nuser:x:1000:\nstaff:x:50:user\nnogroup:x:65534:\n' >"$1/etc/group"
}

# write_manifest DIR NAME [EXEC...]: an image manifest for linux/amd64.
write_manifest() {
	_d=$1 _n=$2
	shift 2
	_exec=
	for _x in "$@"; do _exec="$_exec${_exec:+, }\"$_x\""; done
	[ -n "$_exec" ] || _exec='"/bin/sh", "-c", "echo hello"'
	cat >"$_d/manifest" <<EOM
{
    "acKind": "ImageManifest",
    "acVersion": "0.8.11",
    "name": "$_n",
    "labels": [
        {"name": "version", "value": "1.0.0"},
        {"name": "os", "value": "linux"},
        {"name": "arch", "value": "amd64"}
    ],
    "app": {
        "exec": [$_exec],
        "user": "0",
        "group": "0"
    }
}
EOM
}

# make_image_dir DIR NAME [EXEC...]: rootfs + manifest, ready for aci-build.
make_image_dir() {
	_dir=$1
	shift
	make_rootfs "$_dir/rootfs" && write_manifest "$_dir" "$@"
}
