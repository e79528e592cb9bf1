#!/bin/sh
# The README's example: build a busybox image, import it, run it as a pod.
# Runs in a scratch store so it never touches /var/lib/rkt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/build/bin:$PATH"
work=$(mktemp -d /tmp/rkt-example.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$top/t/lib-image.sh"
make_image_dir "$work/hello" example.com/hello /bin/echo "hello from a pod"
aci-build "$work/hello" "$work/hello.aci"
aci-validate "$work/hello.aci"
echo "built and validated $work/hello.aci"
