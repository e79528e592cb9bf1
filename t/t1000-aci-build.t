#!/bin/sh
# aci-build: a busybox image, every compression, reproducible bytes, and the
# file properties an ACI must keep.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"

test_expect_success 'build a busybox image, and it validates' '
	make_image_dir img example.com/hello &&
	aci-build img hello.aci &&
	aci-validate hello.aci &&
	gzip -t hello.aci
'

test_expect_success 'tar(1) lists every file, manifest first' '
	tar -tzf hello.aci >list &&
	head -n 1 list >first &&
	echo manifest >expect &&
	test_cmp expect first &&
	(cd img && find manifest rootfs -type d -printf "%p/\n" -o -printf "%p\n") | sort >expect &&
	sort list >actual &&
	test_cmp expect actual
'

test_expect_success 'the image ID is the sha512 of the uncompressed tar' '
	id=$(aci_id hello.aci) &&
	echo "sha512-$(gzip -dc hello.aci | sha512sum | cut -d" " -f1)" >expect &&
	echo "$id" >actual &&
	test_cmp expect actual
'

for c in gzip bzip2 xz none; do
	test_expect_success "round trip with --compression=$c" '
		aci-build --compression='$c' img rt-'$c'.aci &&
		case '$c' in
		gzip) gzip -dc rt-'$c'.aci >rt.tar ;;
		bzip2) bzip2 -dc rt-'$c'.aci >rt.tar ;;
		xz) xz -dc rt-'$c'.aci >rt.tar ;;
		none) cp rt-'$c'.aci rt.tar ;;
		esac &&
		echo "sha512-$(sha512sum <rt.tar | cut -d" " -f1)" >expect &&
		aci_id rt-'$c'.aci >actual &&
		test_cmp expect actual &&
		aci_id hello.aci >gzip-id &&
		test_cmp gzip-id actual &&
		rm -rf x && mkdir x && tar -xpf rt.tar -C x &&
		diff -r --no-dereference img x &&
		aci-validate rt-'$c'.aci
	'
done

test_expect_success 'the same DIR gives the same bytes' '
	aci-build img again.aci &&
	cmp hello.aci again.aci
'

test_expect_success 'a copy of DIR gives the same bytes' '
	cp -a img copy &&
	aci-build copy copy.aci &&
	cmp hello.aci copy.aci
'

test_expect_success 'SOURCE_DATE_EPOCH pins times: touched files, same bytes' '
	SOURCE_DATE_EPOCH=1000000000 aci-build img sde1.aci &&
	touch -d "2020-01-02 03:04:05" img/rootfs/bin/busybox img/rootfs/etc img/manifest &&
	SOURCE_DATE_EPOCH=1000000000 aci-build img sde2.aci &&
	cmp sde1.aci sde2.aci &&
	aci-build img unpinned.aci &&
	! cmp -s sde1.aci unpinned.aci &&
	tar --full-time -tvzf sde1.aci | awk "{print \$4, \$5}" | sort -u >actual &&
	echo "2001-09-09 01:46:40" >expect &&
	test_cmp expect actual
'

test_expect_success '--mtime pins times and wins over SOURCE_DATE_EPOCH' '
	SOURCE_DATE_EPOCH=5 aci-build --mtime=2001-09-09T01:46:40Z img mt1.aci &&
	aci-build --mtime=@1000000000 img mt2.aci &&
	cmp sde1.aci mt1.aci &&
	cmp sde1.aci mt2.aci
'

test_expect_success 'two DIRs made in different orders give the same bytes' '
	mkdir -p o1/rootfs/a o1/rootfs/b o2/rootfs/b o2/rootfs/a &&
	echo 1 >o1/rootfs/a/x && echo 2 >o1/rootfs/b-y && echo 3 >o1/rootfs/b/z &&
	echo 3 >o2/rootfs/b/z && echo 2 >o2/rootfs/b-y && echo 1 >o2/rootfs/a/x &&
	setfattr -n user.two -v 2 o1/rootfs/a/x && setfattr -n user.one -v 1 o1/rootfs/a/x &&
	setfattr -n user.one -v 1 o2/rootfs/a/x && setfattr -n user.two -v 2 o2/rootfs/a/x &&
	good_manifest >o1/manifest && good_manifest >o2/manifest &&
	SOURCE_DATE_EPOCH=1 aci-build o1 o1.aci &&
	SOURCE_DATE_EPOCH=1 aci-build o2 o2.aci &&
	cmp o1.aci o2.aci &&
	gzip -dc o1.aci | od -An -c | head -c 16 >/dev/null &&
	printf "\037\213\010\000\000\000\000\000" >hdr &&
	head -c 8 o1.aci >actual &&
	cmp hdr actual
'

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
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"fail/img/rootfs/sock\")" &&
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
