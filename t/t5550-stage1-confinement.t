#!/bin/sh
# What root in a pod cannot do with the default isolators: open devices it
# makes (CAP_MKNOD) or finds in its image, write kernel knobs under /proc,
# add nodes to /dev, or reach stage1's host descriptors through /proc/1.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"

confined() { # NAME SCRIPT
	pod=$(stage1_pod) && stage1_app "$pod" "$1" &&
	ln -s busybox "$pod/stage1/rootfs/opt/stage2/$1/rootfs/bin/mknod" &&
	stage1_manifest "$pod" "$(app_json "$1" "\"/bin/sh\", \"-c\", \"$2\"")" &&
	stage1_run "$pod"
}

test_expect_success 'a block device the app makes or finds cannot be opened' '
	confined dev "mknod /tmp/disk b 8 0 && echo made; head -c 1 /tmp/disk >/dev/null 2>&1 && echo opened-made; mknod /dev/disk b 8 0 2>/dev/null && echo made-in-dev; echo done" >out &&
	printf "made\ndone\n" >expect && test_cmp expect out
'

test_expect_success 'a device node shipped in the image is unusable' '
	pod=$(stage1_pod) && stage1_app "$pod" imgdev &&
	mknod "$pod/stage1/rootfs/opt/stage2/imgdev/rootfs/zero2" c 1 5 &&
	stage1_manifest "$pod" "$(app_json imgdev "\"/bin/sh\", \"-c\", \"head -c 1 /zero2 >/dev/null 2>&1 && echo opened; head -c 1 /dev/zero | wc -c\"")" &&
	stage1_run "$pod" >out &&
	echo 1 >expect && test_cmp expect out
'

test_expect_success '/proc/sys and sysrq-trigger are read-only, /dev too; /dev/shm is not' '
	confined knobs "echo pod >/proc/sys/kernel/domainname 2>/dev/null && echo wrote-sys; echo h >/proc/sysrq-trigger 2>/dev/null && echo wrote-sysrq; touch /dev/newnode 2>/dev/null && echo wrote-dev; echo ok >/dev/shm/f && cat /dev/shm/f; echo x >/dev/null && echo null-ok" >out &&
	printf "ok\nnull-ok\n" >expect && test_cmp expect out
'

test_expect_success 'the pod init descriptors are out of reach of the app' '
	confined fds "for f in /proc/1/fd/*; do echo fd; readlink \$f 2>/dev/null && echo reached; ls \$f/ >/dev/null 2>&1 && echo listed; done; readlink /proc/1/cwd >/dev/null 2>&1 && echo cwd; readlink /proc/1/root >/dev/null 2>&1 && echo root; echo done" >out &&
	grep -c fd out >n && test "$(cat n)" -ge 4 &&
	! grep -q -e reached -e listed -e cwd -e root out &&
	grep -qx done out
'

test_done
