#!/bin/sh
# End to end through the tools: pod-prepare + pod-run --net=default with a
# forwarded --port and --mds-register, against the real stage1.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-net.sh"

export RKT_METADATA_SOCKET="$TRASH/mds.sock"

test_expect_success 'setup: an image declaring port http, counts before' '
	make_image_dir web example.com/web /bin/sh -c "echo hi" >/dev/null &&
	add_app_fields web "\"ports\": [{\"name\": \"http\", \"protocol\": \"tcp\", \"port\": 80}]" &&
	aci-build --owner-root web web.aci >/dev/null &&
	cas-store import web.aci >img.id &&
	net_snapshot >before
'
img=$(cat img.id)

test_expect_success 'pod-run --net=default: the pod has eth0 on 172.16.28.0/24' '
	bounded 30 pod-run --net=default "$img" --exec=/bin/busybox -- ip -4 -o addr show eth0 >out &&
	grep -q "inet 172\.16\.28\.[0-9]*/24" out
'

test_expect_success 'pod-run --port: the app port answers on the host' '
	hport=$(free_port) &&
	uuid=$(pod-prepare --port=http:$hport "$img" --exec=/bin/sh -- -c \
		"mkdir -p /w && echo through-pod-run >/w/index.html && exec busybox httpd -f -p 80 -h /w") &&
	bg pod-run --net=default "$uuid" &&
	echo "$(cat "$TRASH/.bg.pid")" >web.pid &&
	wait_for 15 "curl -sS --max-time 2 http://127.0.0.1:$hport/ >out 2>/dev/null" &&
	echo through-pod-run >expect && test_cmp expect out &&
	kill "$(cat web.pid)" &&
	wait_for 15 "! test -e \"$RKT_DIR/pods/run/$uuid/net\""
'

test_expect_success 'a port no app declares is refused' '
	test_must_fail pod-prepare --port=ssh:2222 "$img" 2>err &&
	grep "no app declares a port named ssh" err
'

test_expect_success 'pod-run --mds-register: the app reads its UUID from AC_METADATA_URL' '
	bg pod-metadata --dir="$RKT_DIR" &&
	wait_for 5 "test -S \"$RKT_METADATA_SOCKET\"" &&
	uuid=$(pod-prepare "$img" --exec=/bin/sh -- -c \
		"busybox wget -q -O - \$AC_METADATA_URL/acMetadata/v1/pod/uuid") &&
	bounded 30 pod-run --net=default --mds-register "$uuid" >out &&
	printf "%s" "$uuid" >expect && test_cmp expect out
'

test_expect_success 'nothing is left on the host' '
	net_cleanup &&
	net_snapshot >after &&
	test_cmp before after &&
	! ls "$RKT_DIR"/pods/run/*/net 2>/dev/null
'

test_done
