#!/bin/bash
# aci-build against `tar -c | gzip -6` (two processes, so two cores) on a
# ~200 MB tree made from /usr (headers, binaries) plus 20 MB of noise.
# Goal: ratio <= 1.2. Best of 3 runs each.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init aci-build

bench_tree tree
size=$(du -sm tree | cut -f1)
tar -C tree -cf - manifest rootfs >/dev/null # warm the page cache

base() { tar -C tree -cf - manifest rootfs | gzip -6 >base.tgz; }
ours() { aci-build --overwrite tree ours.aci; }
tb=$(best base)
to=$(best ours)
echo "tree: ${size} MB, $(find tree | wc -l) entries"
echo "tar -c | gzip -6: ${tb} s ($(stat -c %s base.tgz) bytes)"
echo "aci-build:        ${to} s ($(stat -c %s ours.aci) bytes)"
awk -v o="$to" -v b="$tb" 'BEGIN { printf "ratio aci-build / (tar | gzip -6): %.2f (goal <= 1.20)\n", o / b }'
