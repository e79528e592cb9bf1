#!/bin/sh
# aci-build keeps what an ACI must: hard links, symlinks, devices, fifos,
# set-id and sticky bits, xattrs, owners (or root with --owner-root).
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"

test_expect_success 'hard links, symlinks, devices, fifos, set-id bits and xattrs are kept' '
	make_image_dir props example.com/props &&
	ln props/rootfs/bin/busybox props/rootfs/bin/hardlinked &&
	mkdir props/rootfs/dev &&
	mknod props/rootfs/dev/null c 1 3 &&
	mknod props/rootfs/dev/loop0 b 7 0 &&
	mkfifo props/rootfs/fifo &&
	echo x >props/rootfs/bin/suid && chmod 4755 props/rootfs/bin/suid &&
	echo x >props/rootfs/bin/sgid && chmod 2711 props/rootfs/bin/sgid &&
	mkdir props/rootfs/sticky && chmod 1777 props/rootfs/sticky &&
	echo x >props/rootfs/bin/ping &&
	setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= props/rootfs/bin/ping &&
	setfattr -n user.note -v hello props/rootfs/bin/ping &&
	aci-build props props.aci &&
	aci-validate props.aci &&
	tar -tvzf props.aci >list &&
	grep -q "^hrwxr-xr-x .* rootfs/bin/hardlinked link to rootfs/bin/busybox\$" list &&
	rm -rf x && mkdir x &&
	tar --xattrs --xattrs-include="*" -xpzf props.aci -C x &&
	test "$(stat -c %i x/rootfs/bin/busybox)" = "$(stat -c %i x/rootfs/bin/hardlinked)" &&
	test "$(readlink x/rootfs/bin/sh)" = busybox &&
	stat -c "%F %t,%T" x/rootfs/dev/null x/rootfs/dev/loop0 >actual &&
	printf "character special file 1,3\nblock special file 7,0\n" >expect &&
	test_cmp expect actual &&
	test -p x/rootfs/fifo &&
	stat -c "%a %n" x/rootfs/bin/suid x/rootfs/bin/sgid x/rootfs/sticky >actual &&
	printf "4755 x/rootfs/bin/suid\n2711 x/rootfs/bin/sgid\n1777 x/rootfs/sticky\n" >expect &&
	test_cmp expect actual &&
	getfattr -d -m - -e base64 x/rootfs/bin/ping | grep -v "^#" >actual &&
	printf "security.capability=0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=\nuser.note=0saGVsbG8=\n\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the same properties survive cas-store import and extract' '
	id=$(cas-store import props.aci) &&
	cas-store extract --rootfs-only "$id" y &&
	test "$(stat -c %i y/bin/busybox)" = "$(stat -c %i y/bin/hardlinked)" &&
	test "$(readlink y/bin/sh)" = busybox &&
	stat -c "%F %t,%T" y/dev/null y/dev/loop0 >actual &&
	printf "character special file 1,3\nblock special file 7,0\n" >expect &&
	test_cmp expect actual &&
	test -p y/fifo &&
	stat -c "%a %n" y/bin/suid y/bin/sgid y/sticky >actual &&
	printf "4755 y/bin/suid\n2711 y/bin/sgid\n1777 y/sticky\n" >expect &&
	test_cmp expect actual &&
	getfattr -d -m - -e base64 y/bin/ping | grep -v "^#" >actual &&
	printf "security.capability=0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=\nuser.note=0saGVsbG8=\n\n" >expect &&
	test_cmp expect actual &&
	(cd props/rootfs && find . -exec stat -c "%n %A %U %G %s %Y" {} + | sort) >expect &&
	(cd y && find . -exec stat -c "%n %A %U %G %s %Y" {} + | sort) >actual &&
	test_cmp expect actual &&
	(cd props/rootfs && find . -type f -exec sha256sum {} + | sort) >expect &&
	(cd y && find . -type f -exec sha256sum {} + | sort) >actual &&
	test_cmp expect actual
'

test_expect_success 'owners are kept, or normalised with --owner-root' '
	chown 1000:50 props/rootfs/bin/suid &&
	aci-build --overwrite props props.aci &&
	tar --numeric-owner -tvzf props.aci | grep " rootfs/bin/suid\$" >line &&
	grep -q " 1000/50 " line &&
	aci-build --owner-root props root.aci &&
	tar -tvzf root.aci | awk "{print \$2}" | sort -u >actual &&
	echo 0/0 >expect &&
	test_cmp expect actual
'

test_done
