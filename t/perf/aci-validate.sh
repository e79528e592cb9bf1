#!/bin/bash
# aci-validate of a ~200 MB (uncompressed) ACI against `gzip -dc | tar -t`
# (two processes). Goal: ratio <= 1.1. Best of 3 runs each. `-v` also
# hashes the tar for the image ID; shown for information.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$SRC/build/bin:$PATH"
W=$(mktemp -d /tmp/bench-aci-validate.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

mkdir -p tree/rootfs/usr/bin tree/rootfs/data
cp -a /usr/include tree/rootfs/usr/
find /usr/bin -maxdepth 1 -type f -size -8M -printf '%s %p\n' | sort -k2 |
	awk '{ t += $1; if (t > 50000000) exit; print $2 }' | xargs cp -a -t tree/rootfs/usr/bin
for i in 1 2 3 4; do head -c 5000000 /dev/urandom >tree/rootfs/data/noise$i; done
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bench"}\n' >tree/manifest
aci-build tree big.aci
rm -rf tree
size=$(gzip -dc big.aci | wc -c)

now() { date +%s.%N; }
best() { # best of 3 runs of "$@", in seconds
	local b=
	for _ in 1 2 3; do
		local t0 t1
		t0=$(now); "$@" >/dev/null; t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="${b:-1e9}" 'BEGIN { d = z - a; print (d < b) ? d : b }')
	done
	echo "$b"
}
base() { gzip -dc big.aci | tar -t; }
tb=$(best base)
to=$(best aci-validate big.aci)
tv=$(best aci-validate -v big.aci)
echo "ACI: $(stat -c %s big.aci) bytes, $size bytes of tar"
echo "gzip -dc | tar -t: ${tb} s"
echo "aci-validate:      ${to} s"
echo "aci-validate -v:   ${tv} s (with the SHA-512 image ID)"
awk -v o="$to" -v b="$tb" 'BEGIN { printf "ratio aci-validate / (gzip -dc | tar -t): %.2f (goal <= 1.10)\n", o / b }'
awk -v o="$tv" -v b="$tb" 'BEGIN { printf "ratio aci-validate -v / (gzip -dc | tar -t): %.2f\n", o / b }'
