#!/bin/sh
# Real pods (stage1's init on hand-made pod dirs) on private networks: the
# default network, pod to pod and pod to host, a forwarded port, --net=none,
# the metadata service from inside a pod, and nothing left on the host after
# the pods exit (or after a crash and the DEL pod-gc runs).
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"
. "$T_DIR/lib-net.sh"

export RKT_METADATA_SOCKET="$TRASH/mds.sock"

# net_pod NAME 'SHELL' [APP_FIELDS] [POD_FIELDS]: a pod of one app running sh -c.
net_pod() {
	_pod=$(stage1_pod) && stage1_app "$_pod" "$1" &&
	stage1_manifest "$_pod" "$(app_json "$1" "\"/bin/sh\", \"-c\", \"$2\"" "${3:-}")" "${4:-}" &&
	echo "$_pod"
}

# uuids of every pod made here, for the leftovers check
pod_uuids() { ls "$TRASH/pods/run"; }

# leftovers: anything of our pods still on the host: leases, rules or CNI
# chains (named from the network name and pod UUID), pinned namespaces.
leftovers() {
	for _u in $(pod_uuids); do
		_c=CNI-$(printf 'default%s' "$_u" | sha512sum | cut -c1-24)
		_d=CNI-DN-$(printf 'default%s' "$_u" | sha512sum | cut -c1-21)
		grep -l "$_u" "$LEASE_DIR"/* 2>/dev/null
		iptables-save | grep -e "$_u" -e "$_c" -e "$_d"
		test -e "$TRASH/pods/run/$_u/net" && echo "$_u/net"
	done
	grep " $TRASH" /proc/self/mounts
	return 0
}

test_expect_success 'setup: counts before' '
	net_snapshot >before && cat before
'

test_expect_success '--net=default: eth0 in 172.16.28.0/24 with a default route' '
	pod=$(net_pod a "busybox ip -4 -o addr show eth0; busybox ip route") &&
	stage1_run "$pod" --net=default >out &&
	cat out &&
	grep -q "inet 172\.16\.28\.[0-9]*/24" out &&
	grep -q "^default via 172\.16\.28\.1 dev eth0" out &&
	! test -e "$pod/net"
'

test_expect_success 'two pods reach each other and a server on the host side' '
	port=$(free_port) &&
	mkdir -p www && echo host-side >www/index.html &&
	bg busybox httpd -f -p "0.0.0.0:$port" -h www &&
	srv=$(net_pod srv "mkdir -p /w && echo pod-b >/w/index.html && exec busybox httpd -f -p 80 -h /w") &&
	bg sh -c "cd \"$srv\" && exec 9<. && flock -x 9 && exec stage1/rootfs/init --lock-fd=9 --net=default $(basename "$srv")" &&
	echo "$(cat "$TRASH/.bg.pid")" >srv.pid && echo "$srv" >srv.dir &&
	wait_for 10 "test -f \"$srv/net/00-default/result\"" &&
	ipb=$(pod_ip "$srv") &&
	cli=$(net_pod cli "busybox wget -q -O - http://$ipb/ && busybox wget -q -O - http://172.16.28.1:$port/") &&
	wait_for 10 "nsenter --net=\"$srv/net/netns\" ss -Htln \"sport = :80\" | grep -q ." &&
	stage1_run "$cli" --net=default >out &&
	printf "pod-b\nhost-side\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a forwarded port of the pod manifest answers curl on the host' '
	hport=$(free_port) &&
	fwd=$(net_pod fwd "mkdir -p /w && echo forwarded >/w/index.html && exec busybox httpd -f -p 80 -h /w" \
		"\"ports\": [{\"name\": \"http\", \"protocol\": \"tcp\", \"port\": 80}]" \
		"\"ports\": [{\"name\": \"http\", \"hostPort\": $hport}]") &&
	bg sh -c "cd \"$fwd\" && exec 9<. && flock -x 9 && exec stage1/rootfs/init --lock-fd=9 --net=default $(basename "$fwd")" &&
	echo "$(cat "$TRASH/.bg.pid")" >fwd.pid && echo "$fwd" >fwd.dir &&
	wait_for 10 "test -f \"$fwd/net/00-default/result\"" &&
	wait_for 10 "nsenter --net=\"$fwd/net/netns\" ss -Htln \"sport = :80\" | grep -q ." &&
	curl -sS --max-time 5 "http://127.0.0.1:$hport/" >out &&
	echo forwarded >expect && test_cmp expect out
'

test_expect_success 'an undeclared port stops the pod before it starts' '
	bad=$(net_pod bad "echo started" "" "\"ports\": [{\"name\": \"ssh\", \"hostPort\": 2222}]") &&
	test_must_fail stage1_run "$bad" --net=default >out 2>err &&
	grep "port ssh: not declared by any app" err &&
	! grep started out &&
	! test -e "$bad/net"
'

test_expect_success '--net=none: loopback only, no route out' '
	pod=$(net_pod none "busybox ip route; ls /sys/class/net") &&
	stage1_run "$pod" --net=none >out &&
	echo lo >expect && test_cmp expect out
'

test_expect_success 'the metadata service, from inside a pod' '
	bg pod-metadata --dir="$TRASH" &&
	echo "$(cat "$TRASH/.bg.pid")" >mds.pid &&
	wait_for 5 "test -S \"$RKT_METADATA_SOCKET\"" &&
	pod=$(net_pod md "exec /bin/sh /md.sh") &&
	cat >"$pod/stage1/rootfs/opt/stage2/md/rootfs/md.sh" <<-\EOF &&
	m=$AC_METADATA_URL/acMetadata/v1
	busybox wget -q -O - $m/pod/uuid; echo
	busybox wget -q -O - $m/apps/md/image/id; echo
	s=$(busybox wget -q -O - --post-data content=hi $m/pod/hmac/sign)
	echo $s | busybox wc -c
	busybox wget -q -O - --post-data "content=hi&uuid=$(cat /proc/sys/kernel/random/uuid)&signature=$s" $m/pod/hmac/verify || echo refused
	echo $AC_METADATA_URL
	EOF
	stage1_run "$pod" --net=default --mds-register >out &&
	cat out &&
	printf "%s\n%s\n89\nrefused\nhttp://172.16.28.1:18112\n" "$(basename "$pod")" "$FAKE_IMAGE_ID" >expect &&
	test_cmp expect out &&
	curl -sS --unix-socket "$RKT_METADATA_SOCKET" http://mds/pods >registered &&
	! test -s registered
'

test_expect_success 'after a crash, the DEL pod-gc runs leaves nothing' '
	srv=$(cat srv.dir) && fwd=$(cat fwd.dir) &&
	kill -9 "$(cat srv.pid)" "$(cat fwd.pid)" &&
	sleep 0.5 &&
	test -d "$srv/net/00-default" &&
	"$CNI_T" del "$srv" "$(basename "$srv")" &&
	"$CNI_T" del "$fwd" "$(basename "$fwd")" &&
	"$CNI_T" del "$fwd" "$(basename "$fwd")"
'

test_expect_success 'no veth, rule, lease or mount of any pod remains' '
	leftovers >left &&
	! test -s left &&
	net_snapshot >after &&
	test_cmp before after
'

test_expect_success 'teardown' '
	net_cleanup
'

test_done
