#!/bin/bash
# cas-store import of a ~200 MB ACI against `gzip -dc | sha512sum` of the same
# file (the least any import must do). Goal: ratio <= 1.3. Best of 3 runs.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init cas-import

# a ~200 MB image that compresses like real binaries do (about 2:1)
mkdir -p img/rootfs/data
for i in 1 2 3 4; do
	head -c 37500000 /dev/urandom | base64 -w 76 >img/rootfs/data/part$i
done
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/big"}\n' >img/manifest
tar -C img -cf - manifest rootfs | gzip -1 -n >big.aci
rm -rf img
size=$(gzip -dc big.aci | wc -c)

baseline() { gzip -dc big.aci | sha512sum; }
import() { rm -rf store; cas-store --dir=store import big.aci; }

base=$(best baseline)
ours=$(best import)
printf 'image: %d MB uncompressed, %d MB gzip\n' $((size / 1000000)) $(($(stat -c %s big.aci) / 1000000))
printf 'gzip -dc | sha512sum: %.3f s\n' "$base"
printf 'cas-store import:     %.3f s (fsync included)\n' "$ours"
awk -v o="$ours" -v b="$base" 'BEGIN { printf "ratio: %.2f (goal <= 1.3)\n", o / b }'
