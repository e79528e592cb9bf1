# Network test helpers (t7xxx): namespaces named with $$, counts of what CNI
# leaves on the host, free ports. Source after lib.sh.

CNI_T="$BUILD_DIR/t/unit/cni.t"
LEASE_DIR=/var/lib/cni/networks/default
NET_STATE=$TRASH/.net-state # namespaces and pids to clean up (tests run in subshells)
: >"$NET_STATE"

# Scripts that count host-wide veths, rules and leases run one at a time.
exec 8>/run/lock/rkt-tests-net.lock
flock -w 240 8 || echo "# could not take the network test lock" >&2

# net_ns NAME: a netns rkt-t-NAME-$$ (printed), deleted at exit.
net_ns() {
	_ns="rkt-t-$1-$$"
	ip netns add "$_ns" && echo "ns $_ns" >>"$NET_STATE" &&
	ip -n "$_ns" link set lo up && echo "$_ns"
}

# bg CMD...: start a server in the background (without the lock fd), killed
# at exit by net_cleanup; its pid is also left in $TRASH/.bg.pid.
bg() {
	"$@" 8>&- >/dev/null 2>&1 </dev/null &
	echo "pid $!" >>"$NET_STATE"
	echo $! >"$TRASH/.bg.pid"
}

# hold_lock DIR NAME: hold DIR's lock, as a running pod's stage1 does, in a
# process whose pid goes to $TRASH/NAME.pid (kill it: the pod "exited").
hold_lock() {
	bg sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 300' - "$1" &&
	cp "$TRASH/.bg.pid" "$TRASH/$2.pid" &&
	wait_for 5 "! flock -n \"$1\" true"
}

# net_cleanup: stop our servers and pods, DEL every pod dir we made, drop
# our namespaces.
net_cleanup() {
	[ -f "$NET_STATE" ] || return 0
	while read -r _k _v; do
		[ "$_k" = pid ] && kill "$_v" 2>/dev/null
	done <"$NET_STATE"
	# pods stopping tear their networks down: give them a moment
	while read -r _k _v; do
		[ "$_k" = pid ] && for _i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$_v" 2>/dev/null || break
			sleep 0.5
		done
	done <"$NET_STATE"
	for _p in "$TRASH"/pods/*/ "$TRASH"/pods/run/*/ "$RKT_DIR"/pods/run/*/; do
		[ -d "$_p/net" ] && "$CNI_T" del "$_p" "$(basename "$_p")" 2>/dev/null
	done
	while read -r _k _v; do
		[ "$_k" = ns ] && ip netns del "$_v" 2>/dev/null
	done <"$NET_STATE"
	: >"$NET_STATE"
}
trap 'net_cleanup; _exit_cleanup' EXIT

# What networking leaves on the host: veths, nat/filter rules and CNI
# chains, leases of the default network.
count_veths() { ip -o link show type veth | wc -l; }
# The portmap plugin's shared chains (CNI-HOSTPORT-*) and the jumps to them
# stay once made, by design; every rule of a pod is counted.
count_rules() {
	iptables-save | grep -e '^-A' -e '^:CNI' | grep -v -e '^:CNI-HOSTPORT-' \
		-e '-j CNI-HOSTPORT-\(DNAT\|MASQ\)$' -e '^-A CNI-HOSTPORT-\(MASQ\|SETMARK\) ' | wc -l
}
count_leases() { ls "$LEASE_DIR" 2>/dev/null | grep -c '^[0-9]'; }
net_snapshot() { echo "veths $(count_veths) rules $(count_rules) leases $(count_leases)"; }

# free_port: a TCP port nobody listens on now.
free_port() {
	while :; do
		_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000))
		ss -Htln "sport = :$_p" | grep -q . || { echo "$_p"; return; }
	done
}

# pod_ip POD_DIR: the pod's first address, no prefix length.
pod_ip() { "$CNI_T" info "$1" | awk 'NR==1 { sub("/.*", "", $3); print $3 }'; }
pod_gw() { "$CNI_T" info "$1" | awk 'NR==1 { print $4 }'; }

# fake_pod DIR [PORTS_JSON]: a pod dir with a pod manifest of one app "web"
# whose image declares port http (tcp 80).
fake_pod() {
	mkdir -p "$1/apps/web" &&
	cat >"$1/pod" <<EOF
{"acKind": "PodManifest", "acVersion": "0.8.11",
 "apps": [{"name": "web", "image": {"id": "sha512-0000000000000000000000000000000000000000000000000000000000000000"}}],
 "ports": ${2:-[]}}
EOF
	cat >"$1/apps/web/manifest" <<EOF
{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/web",
 "app": {"exec": ["/bin/httpd"], "user": "0", "group": "0",
         "ports": [{"name": "http", "protocol": "tcp", "port": 80}]}}
EOF
}
