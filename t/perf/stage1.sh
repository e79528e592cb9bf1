#!/bin/bash
# stage1 alone: start to exit of a /bin/true pod run by stage1's init
# (copy mode, no isolators: the default seccomp filter and capabilities
# apply) against `unshare -mpfu --mount-proc chroot ROOTFS /bin/true`, the
# bare minimum of namespaces. pod-run adds its own cost on top (its own
# benchmark). Goal: ratio <= 2. Mean of hyperfine runs.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/bench-stage1.XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$SRC/t/lib-image.sh"

uuid=$(cat /proc/sys/kernel/random/uuid)
pod="$W/pods/run/$uuid"
root="$pod/stage1/rootfs/opt/stage2/t/rootfs"
mkdir -p "$pod/stage1" "$pod/apps/t" "$root"
tar -xzf "$SRC/build/lib/rkt/stage1.aci" -C "$pod/stage1"
make_rootfs "$root"
printf '{"acKind": "PodManifest", "acVersion": "0.8.11", "apps": [{"name": "t", "image": {"id": "sha512-%0128d"}, "app": {"exec": ["/bin/true"], "user": "0", "group": "0"}}]}\n' 0 >"$pod/pod"

cd "$pod"
hyperfine -N -w 10 -r 200 --export-json "$W/h.json" \
	"stage1/rootfs/init $uuid" \
	"unshare -mpfu --mount-proc chroot $root /bin/true" >/dev/null
cd /
read -r s1 base < <(jq -r '[.results[].mean] | map(. * 1000) | "\(.[0]) \(.[1])"' "$W/h.json")
awk -v a="$s1" -v b="$base" 'BEGIN {
	printf "stage1 /bin/true pod: %.2f ms; unshare+chroot: %.2f ms; ratio %.2f (goal <= 2)\n", a, b, a / b }'
