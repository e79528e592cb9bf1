#!/bin/bash
# aci-validate of a ~200 MB (uncompressed) ACI against `gzip -dc | tar -t`
# (two processes). Goal: ratio <= 1.1. Best of 3 runs each. `-v` also
# hashes the tar for the image ID; shown for information.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init aci-validate

bench_tree tree
aci-build tree big.aci
rm -rf tree
size=$(gzip -dc big.aci | wc -c)

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
