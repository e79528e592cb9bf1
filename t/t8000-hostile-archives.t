#!/bin/sh
# Hostile archives: crafted ACIs (made here, at run time) that try to escape
# their root or exhaust resources, pushed through aci-validate, cas-store
# import/render/extract and pod-prepare (copy and overlay). Nothing may land
# outside a root, nothing stays half-written in the store, nothing stays mounted.
# Some 50 archives through six tools each, every step bounded: on a loaded
# machine (prove -j2 beside other work) that takes longer than the default
# 300 s watchdog, so this script gets 600 s.
: "${RKT_TEST_TIMEOUT:=600}"
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"
. "$T_DIR/lib-cas.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-hostile.sh"

export RKT_DIR="$TRASH/small/rkt"
test_expect_success 'setup: the store on a 64M tmpfs, a sentinel, a fake stage1' '
	hostile_setup &&
	fake_stage1 s1 >s1.id
'
test_umount_at_exit "$TRASH/small"
s1=$(cat s1.id)
S=$TRASH/sentinel
UP=../../../../../../../../../../../../../../..

# --- .. and absolute paths
test_expect_success '.. plain, to /tmp' '
	hcase dd1 1 1 "\.\." <<-EOS
	f	rootfs/$UP/tmp/$PW	x
	EOS
'
test_expect_success '.. at the top of the archive' '
	hcase dd2 1 1 "\.\." <<-EOS
	f	../$PW	x
	EOS
'
test_expect_success '.. nested under real dirs' '
	hcase dd3 1 1 "\.\." <<-EOS
	d	rootfs/a
	d	rootfs/a/b
	f	rootfs/a/b/$UP/tmp/$PW	x
	EOS
'
test_expect_success '.. that normalises out of rootfs (rootfs/a/../../x)' '
	hcase dd4 1 1 "\.\." <<-EOS
	d	rootfs/a
	f	rootfs/a/../../$PW	x
	EOS
'
test_expect_success '.. directory entry' '
	hcase dd5 1 1 "\.\." <<-EOS
	d	rootfs/$UP/tmp/$PW
	EOS
'
test_expect_success '.. symlink entry name' '
	hcase dd6 1 1 "\.\." <<-EOS
	l	rootfs/$UP/tmp/$PW	/etc/shadow
	EOS
'
test_expect_success '.. hard link entry name' '
	hcase dd7 1 1 "\.\." <<-EOS
	f	rootfs/a	x
	h	rootfs/$UP/tmp/$PW	rootfs/a
	EOS
'
test_expect_success 'absolute path /tmp/...' '
	hcase abs1 1 1 <<-EOS
	f	/tmp/$PW	x
	EOS
'
test_expect_success 'absolute path /rootfs/...' '
	hcase abs2 1 1 <<-EOS
	f	/rootfs/$PW	x
	EOS
'

# --- symlinks, then entries through them: refused when read (import, validate),
# not only when extracted
test_expect_success 'symlink to / then a file through it' '
	hcase sl1 1 1 "goes through the symlink rootfs/" <<-EOS
	l	rootfs/l	/
	f	rootfs/l/tmp/$PW	x
	EOS
'
test_expect_success 'symlink to .. chain then a file through it' '
	hcase sl2 1 1 "goes through the symlink rootfs/" <<-EOS
	l	rootfs/l	$UP
	f	rootfs/l/tmp/$PW	x
	EOS
'
test_expect_success 'symlink to the sentinel then a file through it' '
	hcase sl3 1 1 "goes through the symlink rootfs/l earlier" <<-EOS
	l	rootfs/l	$S
	f	rootfs/l/$PW	x
	EOS
'
test_expect_success 'symlink to / then a directory through it' '
	hcase sl4 1 1 "goes through the symlink rootfs/" <<-EOS
	l	rootfs/l	/
	d	rootfs/l/tmp/$PW
	EOS
'
test_expect_success 'symlink to /tmp then a symlink through it' '
	hcase sl5 1 1 "goes through the symlink rootfs/l earlier" <<-EOS
	l	rootfs/l	/tmp
	l	rootfs/l/$PW	/etc/shadow
	EOS
'
test_expect_success 'symlink chain a -> b -> .. then a file through it' '
	hcase sl6 1 1 "goes through the symlink rootfs/" <<-EOS
	l	rootfs/a	b
	l	rootfs/b	$UP
	f	rootfs/a/tmp/$PW	x
	EOS
'
test_expect_success 'symlink to /tmp then a hard link through it' '
	hcase sl7 1 1 "goes through the symlink rootfs/l earlier" <<-EOS
	f	rootfs/x	x
	l	rootfs/l	/tmp
	h	rootfs/l/$PW	rootfs/x
	EOS
'
test_expect_success 'a file replaced by a symlink out, then written again' '
	hcase sl8 1 1 <<-EOS
	f	rootfs/x	one
	l	rootfs/x	$S/keep
	f	rootfs/x	PWNED
	EOS
'
test_expect_success 'dangling symlinks out are kept as symlinks, inside' '
	HCHECK="test \"\$(readlink \$x/rootfs/l)\" = /etc/shadow" &&
	hcase sl9 0 0 <<-EOS
	l	rootfs/l	/etc/shadow
	l	rootfs/m	$UP/tmp/$PW
	EOS
'

# --- hard links
test_expect_success 'hard link to /etc/shadow' '
	hcase hl1 1 1 <<-EOS
	h	rootfs/x	/etc/shadow
	EOS
'
test_expect_success 'hard link to ../../etc/shadow' '
	hcase hl2 1 1 <<-EOS
	h	rootfs/x	$UP/etc/shadow
	EOS
'
test_expect_success 'hard link to rootfs/../../sentinel' '
	hcase hl3 1 1 <<-EOS
	h	rootfs/x	rootfs/$UP$S/keep
	EOS
'
test_expect_success 'hard link to a symlink that points out, then written' '
	hcase hl4 1 1 <<-EOS
	l	rootfs/s	$S/keep
	h	rootfs/h	rootfs/s
	f	rootfs/h	PWNED
	EOS
'
test_expect_success 'hard link to a missing entry' '
	hcase hl5 1 1 <<-EOS
	h	rootfs/x	rootfs/nothere
	EOS
'
test_expect_success 'hard link to a directory' '
	hcase hl6 1 1 <<-EOS
	d	rootfs/d
	h	rootfs/x	rootfs/d
	EOS
'
test_expect_success 'hard link to the manifest' '
	hcase hl7 1 1 <<-EOS
	h	rootfs/x	manifest
	EOS
'

# --- special files
test_expect_success 'character device, block device and fifo stay inside' '
	HCHECK="test ! -e /dev/$PW" &&
	hcase dev1 0 0 <<-EOS
	d	rootfs/dev
	c	rootfs/dev/null2
	b	rootfs/dev/loop99
	p	rootfs/fifo
	EOS
'
test_expect_success 'setuid and setgid files keep their mode, inside' '
	HCHECK="test \"\$(stat -c %a \$x/rootfs/su)\" = 4755 && test \"\$(stat -c %a \$x/rootfs/sg)\" = 2755" &&
	hcase suid 0 0 <<-EOS
	m	rootfs/su	4755	#!/bin/sh
	m	rootfs/sg	2755	#!/bin/sh
	EOS
'

# --- pathological names
long=$(printf "%0300d" 0)
deep=$(printf "%0200d/" $(seq 1 21) | tr -d "\n")
test_expect_success 'a 300-byte name component is refused at import' '
	hcase nm1 1 1 "longer than 255 bytes (300)" <<-EOS
	f	rootfs/$long	x
	EOS
'
test_expect_success 'a path over 4096 bytes' '
	hcase nm2 1 1 <<-EOS
	f	rootfs/${deep}x	x
	EOS
'
test_expect_success 'a newline in a name' '
	hcase nm3 0 0 <<-EOS
	f	rootfs/a\\nb	x
	EOS
'
test_expect_success 'control characters in a name' '
	hcase nm4 0 0 <<-EOS
	f	rootfs/\\x01\\x1b[31mred	x
	EOS
'
test_expect_success 'a non-UTF-8 name' '
	hcase nm5 0 0 <<-EOS
	f	rootfs/\\xff\\xfe\\x80	x
	EOS
'
test_expect_success 'an empty name' '
	hcase nm6 1 1 <<-EOS
	f		x
	EOS
'
test_expect_success '"." entries' '
	hcase nm7 1 1 <<-EOS
	d	.
	d	rootfs/.
	f	rootfs/./x	x
	EOS
'
test_expect_success 'duplicate entries: the last one wins' '
	HCHECK="test \"\$(cat \$x/rootfs/x)\" = two" &&
	hcase dup1 1 1 <<-EOS
	f	rootfs/x	one
	f	rootfs/x	two
	EOS
'
test_expect_success 'a directory entry over a file' '
	hcase dup2 1 1 <<-EOS
	f	rootfs/x	one
	d	rootfs/x
	EOS
'

# --- manifest and rootfs that are links
test_expect_success 'the manifest is a symlink' '
	hcase man1 1 1 manifest <<-EOS
	l	manifest	/etc/passwd
	d	rootfs
	EOS
'
test_expect_success 'the manifest is a hard link to /etc/shadow' '
	hcase man2 1 1 manifest <<-EOS
	h	manifest	/etc/shadow
	d	rootfs
	EOS
'
test_expect_success 'the manifest is a symlink into the rootfs' '
	hcase man3 1 1 manifest <<-EOS
	F	rootfs/m	$(hostile_manifest man3)
	l	manifest	rootfs/m
	EOS
'
test_expect_success 'rootfs is a symlink to /, then a file through it' '
	hcase rl1 1 1 <<-EOS
	l	rootfs	/
	f	rootfs/tmp/$PW	x
	EOS
'
test_expect_success 'rootfs is a symlink to the sentinel' '
	hcase rl2 1 1 <<-EOS
	l	rootfs	$S
	f	rootfs/$PW	x
	EOS
'

# --- sizes
test_expect_success 'a 10 GB declared size with 10 bytes of data' '
	hcase big1 1 1 <<-EOS
	f	rootfs/a	x
	T	rootfs/big	10000000000
	EOS
'
test_expect_success 'a 100 MB declared size (more than the store) with 10 bytes' '
	hcase big2 1 1 <<-EOS
	T	rootfs/big	100000000
	EOS
'
test_expect_success 'a sparse 8 GB file: bounded by the holes, not the disk' '
	mkdir -p sp/rootfs && truncate -s 8G sp/rootfs/sparse &&
	echo end | dd of=sp/rootfs/sparse bs=1 seek=$((8 << 30)) conv=notrunc 2>/dev/null &&
	cp "$(hostile_manifest sparse)" sp/manifest &&
	tar --sparse -C sp -czf sparse.aci manifest rootfs &&
	test $(stat -c %s sparse.aci) -lt 100000 &&
	HCHECK="test \$(stat -c %s \$x/rootfs/sparse) = \$(((8 << 30) + 4))" &&
	run_case sparse 0 0
'
test_expect_success 'a tar bomb of 20000 files works within seconds' '
	{ echo "d	rootfs/b" && seq -f "f	rootfs/b/%g	" 1 20000; } >bomb.in &&
	HCHECK="test \$(ls \$x/rootfs/b | wc -l) = 20000" &&
	hcase bomb 0 0 <bomb.in
'
test_expect_success 'a 2000-deep directory chain works or fails cleanly' '
	p=rootfs && for i in $(seq 1 2000); do p=$p/d; echo "d	$p"; done >deep.in &&
	hcase deep 0 0 <deep.in
'

# --- whiteouts are plain files in an ACI
test_expect_success '.wh.etc is just a file and deletes nothing' '
	HCHECK="test -f \$x/rootfs/.wh.etc && test -f \$x/rootfs/etc/keep" &&
	hcase wh1 0 0 <<-EOS
	d	rootfs/etc
	f	rootfs/etc/keep	k
	f	rootfs/.wh.etc	x
	f	rootfs/.wh..	x
	f	rootfs/.wh..wh..opq	x
	EOS
'

# --- links inside dependencies
dep_case() {
	_b=$1 _tgt=$2 _path=$3
	MKTAR_ESC=1 mktar $_b.aci <<-EOS &&
	F	manifest	$(hostile_manifest $_b)
	d	rootfs
	l	rootfs/l	$_tgt
	d	rootfs/etc
	f	rootfs/etc/keep	k
	EOS
	run_case $_b 0 0 &&
	MKTAR_ESC=1 mktar $_b-top.aci <<-EOS &&
	F	manifest	$(hostile_manifest $_b-top "[{\"imageName\":\"example.com/$_b\"}]")
	d	rootfs
	f	rootfs/$_path	PWNED
	f	rootfs/.wh.etc	x
	EOS
	aci-validate $_b-top.aci && top=$(cas-store import $_b-top.aci) &&
	ok_or_clean_fail cas-store render "$top" &&
	ok_or_clean_fail cas-store extract "$top" x.$_b &&
	ok_or_clean_fail pod-prepare --stage1-image="$s1" --no-overlay "$top" &&
	ok_or_clean_fail pod-prepare --stage1-image="$s1" "$top" &&
	test -z "$(pods_in embryo)$(pods_in prepare)" &&
	all_clean
}
test_expect_success 'a dependency carries a symlink to the sentinel, the image writes through it' '
	dep_case dep1 "$S" "l/$PW"
'
test_expect_success 'a dependency carries a .. symlink, the image writes through it' '
	dep_case dep2 "$UP/tmp" "l/$PW"
'
test_expect_success 'a dependency carries a symlink to /, the image writes a dir and file' '
	dep_case dep3 / "l/tmp/$PW"
'

test_expect_success 'in the end: the store verifies, no temp file, nothing mounted' '
	all_clean &&
	test -z "$(find "$RKT_DIR" -name ".tmp-*")"
'
test_done
