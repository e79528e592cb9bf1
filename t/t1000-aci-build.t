#!/bin/sh
# aci-build: a busybox image, every compression, the image ID, and the
# same bytes from the same (or an equal) tree.
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

test_done
