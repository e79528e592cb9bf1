#!/bin/sh
# common/cni on namespaces made with `ip netns add`: the default network,
# pod to pod and pod to host traffic, port forwarding, and a DEL that leaves
# no veth, rule or lease behind, however often it runs.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-net.sh"

U1=$(uuidgen) U2=$(uuidgen) U3=$(uuidgen)
P1=$TRASH/pods/$U1 P2=$TRASH/pods/$U2 P3=$TRASH/pods/$U3

test_expect_success 'setup: namespaces, pod dirs, counts before' '
	NS1=$(net_ns a) && NS2=$(net_ns b) && NS3=$(net_ns c) &&
	echo "$NS1 $NS2 $NS3" >namespaces &&
	fake_pod "$P1" && fake_pod "$P2" &&
	net_snapshot >before &&
	cat before
'
read -r NS1 NS2 NS3 <namespaces

test_expect_success 'ADD on the default network gives eth0 an address and a route' '
	"$CNI_T" add "$P1" "$U1" /run/netns/$NS1 default &&
	ip -n $NS1 -4 -o addr show dev eth0 >addr &&
	grep -q "inet 172\.16\.28\.[0-9]*/24" addr &&
	ip -n $NS1 route show default >route &&
	grep -q "^default via 172\.16\.28\.1 dev eth0" route &&
	"$CNI_T" info "$P1" >info &&
	grep -q "^default eth0 172\.16\.28\.[0-9]*/24 172\.16\.28\.1$" info
'

test_expect_success 'the pod dir records config, environment and result' '
	test -f "$P1/net/00-default/conf" &&
	grep -q "\"type\":\"ptp\"" "$P1/net/00-default/conf" &&
	grep -q "\"cniVersion\"" "$P1/net/00-default/conf" &&
	grep -qx "CNI_IFNAME=eth0" "$P1/net/00-default/env" &&
	grep -qx "CNI_NETNS=/run/netns/$NS1" "$P1/net/00-default/env" &&
	grep -q "\"ips\"" "$P1/net/00-default/result"
'

test_expect_success 'a lease and a masquerade rule exist for the pod' '
	ip=$(pod_ip "$P1") &&
	test -f "$LEASE_DIR/$ip" &&
	grep -q "$U1" "$LEASE_DIR/$ip" &&
	iptables-save -t nat >nat &&
	grep -q "MASQUERADE" nat && grep -q "id: .*$U1" nat
'

test_expect_success 'two pods on the default network reach each other' '
	"$CNI_T" add "$P2" "$U2" /run/netns/$NS2 default:IP=172.16.28.201 &&
	test "$(pod_ip "$P2")" = 172.16.28.201 &&
	ip1=$(pod_ip "$P1") &&
	ip netns exec $NS1 busybox ping -c 1 -W 2 172.16.28.201 &&
	ip netns exec $NS2 busybox ping -c 1 -W 2 "$ip1"
'

test_expect_success 'pods reach a server on the host side' '
	port=$(free_port) &&
	mkdir -p www && echo host-side >www/index.html &&
	bg busybox httpd -f -p "0.0.0.0:$port" -h www &&
	gw=$(pod_gw "$P1") &&
	wait_for 5 "ss -Htln \"sport = :$port\" | grep -q ." &&
	ip netns exec $NS1 curl -sS --max-time 5 "http://$gw:$port/" >out1 &&
	ip netns exec $NS2 curl -sS --max-time 5 "http://$gw:$port/" >out2 &&
	echo host-side >expect &&
	test_cmp expect out1 && test_cmp expect out2
'

test_expect_success 'an undeclared port is an error, and nothing is added' '
	fake_pod "$P3" "[{\"name\": \"ssh\", \"hostPort\": 2222}]" &&
	test_must_fail "$CNI_T" add "$P3" "$U3" /run/netns/$NS3 default --ports 2>err &&
	grep "port ssh: not declared by any app" err &&
	! test -d "$P3/net/00-default"
'

test_expect_success 'a forwarded port answers curl on the host (portmap)' '
	hport=$(free_port) &&
	fake_pod "$P3" "[{\"name\": \"http\", \"hostPort\": $hport}]" &&
	"$CNI_T" add "$P3" "$U3" /run/netns/$NS3 default --ports &&
	test -f "$P3/net/00-default/portmap" &&
	grep -q "\"containerPort\":80" "$P3/net/00-default/runtime" &&
	mkdir -p www3 && echo in-the-pod >www3/index.html &&
	bg ip netns exec $NS3 busybox httpd -f -p 80 -h www3 &&
	wait_for 5 "ip netns exec $NS3 ss -Htln \"sport = :80\" | grep -q ." &&
	hostip=$(ip -4 -o route get 1.1.1.1 2>/dev/null | sed -n "s/.* src \([0-9.]*\).*/\1/p") &&
	gw=$(pod_gw "$P3") &&
	curl -sS --max-time 5 "http://$gw:$hport/" >out &&
	echo in-the-pod >expect &&
	test_cmp expect out &&
	curl -sS --max-time 5 "http://127.0.0.1:$hport/" >out &&
	test_cmp expect out &&
	{ test -z "$hostip" || { curl -sS --max-time 5 "http://$hostip:$hport/" >out && test_cmp expect out; }; }
'

test_expect_success 'DEL removes the veths, rules and leases; a second DEL is fine' '
	"$CNI_T" del "$P1" "$U1" &&
	"$CNI_T" del "$P2" "$U2" &&
	"$CNI_T" del "$P3" "$U3" &&
	! test -e "$P1/net" && ! test -e "$P3/net" &&
	! ip -n $NS1 link show eth0 2>/dev/null &&
	net_snapshot >after &&
	test_cmp before after &&
	! iptables-save | grep -e "$U1" -e "$U2" -e "$U3" &&
	"$CNI_T" del "$P1" "$U1" &&
	"$CNI_T" del "$P3" "$U3" &&
	net_snapshot >after2 &&
	test_cmp before after2
'

test_expect_success 'a failed ADD undoes what it did and says why' '
	mkdir -p "$RKT_LOCAL_CONFIG/net.d" &&
	cat >"$RKT_LOCAL_CONFIG/net.d/10-broken.conf" <<-EOF &&
	{"name": "broken", "type": "ptp", "ipam": {"type": "host-local", "subnet": "not-a-subnet"}}
	EOF
	test_must_fail "$CNI_T" add "$P1" "$U1" /run/netns/$NS1 default,broken 2>err &&
	cat err &&
	grep "network broken: plugin ptp ADD: .*not-a-subnet" err &&
	! test -e "$P1/net/00-default" &&
	net_snapshot >after &&
	test_cmp before after
'

test_expect_success 'a missing plugin is a clear error' '
	cat >"$RKT_LOCAL_CONFIG/net.d/20-nosuch.conf" <<-EOF &&
	{"name": "nosuch", "type": "no-such-plugin"}
	EOF
	test_must_fail "$CNI_T" add "$P1" "$U1" /run/netns/$NS1 nosuch 2>err &&
	grep "plugin no-such-plugin not found in /usr/lib/cni" err
'

test_expect_success 'a bad net.d conf is an error naming the file' '
	echo "{\"name\": \"bad\", \"type\": " >"$RKT_LOCAL_CONFIG/net.d/30-bad.conf" &&
	test_must_fail "$CNI_T" add "$P1" "$U1" /run/netns/$NS1 default 2>err &&
	grep "net.d/30-bad.conf: invalid JSON" err &&
	! test -e "$P1/net/00-default" &&
	rm "$RKT_LOCAL_CONFIG/net.d/30-bad.conf"
'

test_expect_success 'an unknown network is an error' '
	test_must_fail "$CNI_T" add "$P1" "$U1" /run/netns/$NS1 nonet 2>err &&
	grep "network nonet: not found" err
'

test_expect_success 'teardown: nothing left behind' '
	net_cleanup &&
	net_snapshot >after &&
	test_cmp before after
'

test_done
