#!/bin/sh
# aci-build output handling: --overwrite, no partial or temp files on
# failure or kill, stdout, usage.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"

test_expect_success 'setup: a busybox image' '
	make_image_dir img example.com/hello &&
	aci-build img hello.aci
'

test_expect_success 'OUT is not overwritten without --overwrite' '
	cp hello.aci saved.aci &&
	echo "aci-build: hello.aci: exists (use --overwrite to replace it)" >expect &&
	test_expect_code 1 aci-build --compression=xz img hello.aci 2>actual &&
	test_cmp expect actual &&
	cmp saved.aci hello.aci &&
	aci-build --overwrite --compression=xz img hello.aci &&
	xz -t hello.aci &&
	aci-build --overwrite=false img new.aci &&
	test_must_fail aci-build --overwrite=false img new.aci 2>/dev/null
'

test_expect_success 'a failed build leaves no OUT and no temp file' '
	mkdir -p fail/out &&
	make_image_dir fail/img example.com/fail &&
	"$PYTHON3" -c "import socket; socket.socket(socket.AF_UNIX).bind(\"fail/img/rootfs/sock\")" &&
	echo "aci-build: rootfs/sock: sockets cannot be archived" >expect &&
	test_expect_code 1 aci-build fail/img fail/out/x.aci 2>actual &&
	test_cmp expect actual &&
	ls -A fail/out >actual &&
	test_cmp /dev/null actual
'

test_expect_success 'a killed build leaves no temp file' '
	mkdir -p kill/out &&
	make_image_dir kill/img example.com/kill &&
	truncate -s 20G kill/img/rootfs/big &&
	{ aci-build kill/img kill/out/x.aci & pid=$!; } &&
	wait_for 10 "ls -A kill/out | grep -q \"^\.tmp-\"" &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc -eq 143 &&
	ls -A kill/out >actual &&
	test_cmp /dev/null actual
'

test_expect_success '- writes the ACI to stdout; a write error fails' '
	aci-build img file.aci &&
	aci-build img - >stdout.aci &&
	cmp file.aci stdout.aci &&
	test_expect_code 1 aci-build img - >/dev/full 2>err &&
	grep -q "No space left on device" err
'

test_expect_success 'OUT inside the rootfs is refused' '
	echo "aci-build: img/rootfs/self.aci: inside the rootfs being archived" >expect &&
	test_expect_code 1 aci-build img img/rootfs/self.aci 2>actual &&
	test_cmp expect actual &&
	! ls -A img/rootfs | grep -q "^\.tmp-"
'

test_expect_success 'usage errors exit 2, --help exits 0' '
	test_expect_code 2 aci-build 2>err &&
	grep -q "^aci-build: usage: aci-build" err &&
	test_expect_code 2 aci-build img 2>/dev/null &&
	test_expect_code 2 aci-build --compression=zstd img x.aci 2>err &&
	grep -q "unknown: zstd" err &&
	test_expect_code 2 aci-build --mtime=yesterday img x.aci 2>/dev/null &&
	test_expect_code 2 aci-build --owner-root=maybe img x.aci 2>/dev/null &&
	aci-build --help >out &&
	grep -q "^usage: aci-build" out &&
	test_must_fail test -e x.aci
'

test_done
