#!/bin/bash
# aci-build against `tar -c | gzip -6` (two processes, so two cores) on a
# ~200 MB tree made from /usr (headers, binaries) plus 20 MB of noise.
# Goal: ratio <= 1.2. Best of 3 runs each.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$SRC/build/bin:$PATH"
W=$(mktemp -d /tmp/bench-aci-build.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

mkdir -p tree/rootfs/usr/bin tree/rootfs/data
cp -a /usr/include tree/rootfs/usr/
find /usr/bin -maxdepth 1 -type f -size -8M -printf '%s %p\n' | sort -k2 |
	awk '{ t += $1; if (t > 50000000) exit; print $2 }' | xargs cp -a -t tree/rootfs/usr/bin
for i in 1 2 3 4; do head -c 5000000 /dev/urandom >tree/rootfs/data/noise$i; done
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bench"}\n' >tree/manifest
size=$(du -sm tree | cut -f1)
tar -C tree -cf - manifest rootfs >/dev/null # warm the page cache

now() { date +%s.%N; }
best() { # best of 3 runs of "$@", in seconds
	local b=
	for _ in 1 2 3; do
		local t0 t1
		t0=$(now); "$@"; t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="${b:-1e9}" 'BEGIN { d = z - a; print (d < b) ? d : b }')
	done
	echo "$b"
}
base() { tar -C tree -cf - manifest rootfs | gzip -6 >base.tgz; }
ours() { aci-build --overwrite tree ours.aci; }
tb=$(best base)
to=$(best ours)
echo "tree: ${size} MB, $(find tree | wc -l) entries"
echo "tar -c | gzip -6: ${tb} s ($(stat -c %s base.tgz) bytes)"
echo "aci-build:        ${to} s ($(stat -c %s ours.aci) bytes)"
awk -v o="$to" -v b="$tb" 'BEGIN { printf "ratio aci-build / (tar | gzip -6): %.2f (goal <= 1.20)\n", o / b }'
