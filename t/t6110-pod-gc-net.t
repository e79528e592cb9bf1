#!/bin/sh
# A pod on the default network whose stage1 was killed (so nothing ran the
# CNI DEL): pod-status shows its network, and pod-gc undoes every ADD before
# deleting it; no veth, rule, lease or mount remains.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-net.sh"

test_expect_success 'setup: an image, counts before' '
	make_image_dir img example.com/netpod /bin/sh -c "echo up >/tmp/up; exec sleep 60" &&
	aci-build img img.aci &&
	cas-store import img.aci >id &&
	net_snapshot >before
'

test_expect_success 'a pod on the default network shows it in pod-status' '
	uuid=$(pod-prepare $(cat id)) && echo $uuid >uuid &&
	{ pod-run --net=default $uuid 8>&- >run.out 2>&1 & } &&
	echo $! >runner &&
	bounded 30 pod-status --wait-ready=25s $uuid >st &&
	grep -Eq "^networks=default:ip4=172\.16\.28\.[0-9]+$" st &&
	pod-status --format=json $uuid >st.json &&
	jq -e ".networks[0].netName == \"default\" and (.networks[0].ip | startswith(\"172.16.28.\"))" st.json &&
	pod-status --no-legend >list &&
	grep -Eq "default:ip4=172\.16\.28\.[0-9]+$" list
'
uuid=$(cat uuid)

test_expect_success 'kill -9 of stage1 and the pod leaves its network behind' '
	kill -9 $(cat runner) $(cat "$RKT_DIR/pods/run/$uuid/pid") &&
	wait_for 10 "flock -n \"$RKT_DIR/pods/run/$uuid\" true" &&
	net_snapshot >during &&
	! test_cmp before during >/dev/null
'

test_expect_success 'pod-gc runs the DEL, then deletes the pod; nothing remains' '
	pod-gc --grace-period=0s -v >out &&
	echo $uuid >expect && test_cmp expect out &&
	net_snapshot >after &&
	test_cmp before after &&
	! grep -q " $RKT_DIR" /proc/self/mounts &&
	! grep -rqs "$uuid" /var/lib/cni/networks/default
'

test_done
