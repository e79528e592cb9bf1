#!/bin/sh
# The README's example: build a busybox image, validate it, import it into a
# scratch store, prepare and run it as a pod, show the pod, collect it.
# Never touches /var/lib/rkt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="${RKT_BUILD_DIR:-$top/build}/bin:$PATH"
work=$(mktemp -d /tmp/rkt-example.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$top/t/lib-image.sh"
make_image_dir "$work/hello" example.com/hello /bin/sh -c 'echo hello from pod $(hostname)'
set -x
aci-build "$work/hello" "$work/hello.aci"
aci-validate -v "$work/hello.aci"
id=$(cas-store --dir="$work/rkt" import "$work/hello.aci")
uuid=$(pod-prepare --dir="$work/rkt" "$id")
pod-run --dir="$work/rkt" "$uuid"
pod-status --dir="$work/rkt" "$uuid"
pod-gc --dir="$work/rkt" --grace-period=0s -v
