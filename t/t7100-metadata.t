#!/bin/sh
# pod-metadata: fake pods (pod dirs made by hand, locked as running pods
# are) in their own network namespaces register, and each sees its own data
# only. The service runs in a namespace of its own, linked to each pod's by
# a veth pair: 10.77.N.1 (service) <-> 10.77.N.2 (pod N).
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-net.sh"

SOCK=$TRASH/mds.sock
U1=$(uuidgen) U2=$(uuidgen) U3=$(uuidgen)
P1=$RKT_DIR/pods/run/$U1 P2=$RKT_DIR/pods/run/$U2 P3=$RKT_DIR/pods/run/$U3
ID1=sha512-$(printf 1 | sha512sum | cut -c1-64)
ID2=sha512-$(printf 2 | sha512sum | cut -c1-64)

# make_pod DIR NAME: a pod of two apps (web, db) with annotations at every level.
make_pod() {
	mkdir -p "$1/apps/web" "$1/apps/db" &&
	cat >"$1/pod" <<-EOF &&
	{"acKind": "PodManifest", "acVersion": "0.8.11",
	 "apps": [
	  {"name": "web", "image": {"id": "$ID1"},
	   "annotations": [{"name": "b", "value": "pod-$2"}, {"name": "c", "value": "pod-only"}]},
	  {"name": "db", "image": {"id": "$ID2"}}],
	 "annotations": [{"name": "pod", "value": "$2"}]}
	EOF
	cat >"$1/apps/web/manifest" <<-EOF &&
	{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/web",
	 "annotations": [{"name": "a", "value": "image"}, {"name": "b", "value": "image"}]}
	EOF
	cat >"$1/apps/db/manifest" <<-EOF
	{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/db"}
	EOF
}

# in_pod N CURL-ARGS...: curl from pod N's namespace to the service.
in_pod() {
	_n=$1
	shift
	ip netns exec "$(cat ns$_n)" curl -sS --max-time 5 "$@"
}
url() { echo "http://10.77.$1.1:18112/acMetadata/v1/$2"; }
# get N PATH: body to out, "status content-type" to meta.
get() {
	in_pod "$1" -o out -w '%{http_code} %{content_type}\n' "$(url "$1" "$2")" >meta
}
register() { # UUID DIR IPS
	curl -sS --max-time 5 --unix-socket "$SOCK" -X PUT -o "$TRASH/reg.out" -w '%{http_code}\n' \
		--data "dir=$2&ips=$3" "http://mds/pods/$1"
}

test_expect_success 'setup: namespaces, links, pods, the service' '
	NSM=$(net_ns mds) && echo "$NSM" >nsm &&
	for n in 1 2 3; do
		ns=$(net_ns pod$n) && echo "$ns" >ns$n &&
		ip -n "$NSM" link add v$n type veth peer name eth0 netns "$ns" &&
		ip -n "$NSM" addr add 10.77.$n.1/24 dev v$n &&
		ip -n "$NSM" link set v$n up &&
		ip -n "$ns" addr add 10.77.$n.2/24 dev eth0 &&
		ip -n "$ns" link set eth0 up || return 1
	done &&
	make_pod "$P1" one && make_pod "$P2" two && make_pod "$P3" three &&
	hold_lock "$P1" lock1 && hold_lock "$P2" lock2 &&
	bg ip netns exec "$NSM" pod-metadata --socket="$SOCK" --listen=127.0.0.1:18112 \
		--listen=10.77.1.1:18112 --listen=10.77.2.1:18112 --listen=10.77.3.1:18112 &&
	wait_for 5 "test -S \"$SOCK\""
'

test_expect_success 'running pods register over the unix socket' '
	echo 201 >expect &&
	register "$U1" "$P1" 10.77.1.2 >actual && test_cmp expect actual &&
	register "$U2" "$P2" 10.77.2.2 >actual && test_cmp expect actual &&
	curl -sS --unix-socket "$SOCK" http://mds/pods >list &&
	grep "^$U1 $P1 10.77.1.2$" list && grep "^$U2 $P2 10.77.2.2$" list
'

test_expect_success 'registration refuses what is not a running pod' '
	echo 409 >expect &&
	register "$U3" "$P3" 10.77.3.2 >actual && test_cmp expect actual &&
	echo 400 >expect &&
	mkdir -p "$TRASH/elsewhere/$U3" && cp "$P3/pod" "$TRASH/elsewhere/$U3/" &&
	register "$U3" "$TRASH/elsewhere/$U3" 10.77.3.2 >actual && test_cmp expect actual &&
	register "$U3" "$P1" 10.77.3.2 >actual && test_cmp expect actual &&
	register "$U2" "$P2" not-an-ip >actual && test_cmp expect actual &&
	echo 409 >expect &&
	hold_lock "$P3" lock3 &&
	register "$U3" "$P3" 10.77.1.2 >actual && test_cmp expect actual
'

test_expect_success 'pod/uuid: each pod gets its own, as text' '
	get 1 pod/uuid && echo "$U1" >expect && echo >>out && test_cmp expect out &&
	echo "200 text/plain; charset=us-ascii" >expect && test_cmp expect meta &&
	get 2 pod/uuid && echo "$U2" >expect && echo >>out && test_cmp expect out
'

test_expect_success 'pod/manifest is the pod manifest, as JSON' '
	get 1 pod/manifest && test_cmp "$P1/pod" out &&
	echo "200 application/json" >expect && test_cmp expect meta &&
	get 2 pod/manifest && test_cmp "$P2/pod" out
'

test_expect_success 'pod/annotations' '
	get 2 pod/annotations/ &&
	printf "[{\"name\":\"pod\",\"value\":\"two\"}]" >expect && test_cmp expect out &&
	echo "200 application/json" >expect && test_cmp expect meta
'

test_expect_success 'apps/<app>/annotations: the image merged with the pod, the pod winning' '
	get 1 apps/web/annotations/ &&
	printf "[{\"name\":\"a\",\"value\":\"image\"},{\"name\":\"b\",\"value\":\"pod-one\"},{\"name\":\"c\",\"value\":\"pod-only\"}]" >expect &&
	test_cmp expect out &&
	echo "200 application/json" >expect && test_cmp expect meta &&
	get 1 apps/db/annotations && printf "[]" >expect && test_cmp expect out
'

test_expect_success 'apps/<app>/image/manifest and image/id' '
	get 1 apps/web/image/manifest && test_cmp "$P1/apps/web/manifest" out &&
	echo "200 application/json" >expect && test_cmp expect meta &&
	get 1 apps/db/image/id && printf "%s" "$ID2" >expect && test_cmp expect out &&
	echo "200 text/plain; charset=us-ascii" >expect && test_cmp expect meta
'

test_expect_success 'unknown apps and endpoints are 404, wrong methods 405' '
	get 1 apps/nope/image/id && test "$(cut -d" " -f1 meta)" = 404 &&
	get 1 apps/../image/id && test "$(cut -d" " -f1 meta)" = 404 &&
	get 1 pod/nothing && test "$(cut -d" " -f1 meta)" = 404 &&
	get 1 pod/hmac/sign && test "$(cut -d" " -f1 meta)" = 405 &&
	in_pod 1 -o /dev/null -w "%{http_code}\n" -X POST --data x=1 "$(url 1 pod/uuid)" >code &&
	echo 405 >expect && test_cmp expect code
'

test_expect_success 'sign, then verify from another pod' '
	in_pod 1 --data-urlencode "content=hello world" "$(url 1 pod/hmac/sign)" >sig &&
	test "$(wc -c <sig)" -eq 88 &&
	in_pod 2 -o out -w "%{http_code} %{content_type}\n" --data-urlencode "content=hello world" \
		--data-urlencode "uuid=$U1" --data-urlencode "signature=$(cat sig)" \
		"$(url 2 pod/hmac/verify)" >meta &&
	echo "200 text/plain; charset=us-ascii" >expect && test_cmp expect meta
'

test_expect_success 'a signature verifies only for the pod that signed, and the content' '
	in_pod 2 -o /dev/null -w "%{http_code}\n" --data-urlencode "content=hello world" \
		--data-urlencode "uuid=$U2" --data-urlencode "signature=$(cat sig)" \
		"$(url 2 pod/hmac/verify)" >code &&
	echo 403 >expect && test_cmp expect code &&
	in_pod 1 -o /dev/null -w "%{http_code}\n" --data-urlencode "content=hello World" \
		--data-urlencode "uuid=$U1" --data-urlencode "signature=$(cat sig)" \
		"$(url 1 pod/hmac/verify)" >code &&
	test_cmp expect code &&
	in_pod 2 --data-urlencode "content=hello world" "$(url 2 pod/hmac/sign)" >sig2 &&
	! test_cmp sig sig2 &&
	in_pod 1 -o /dev/null -w "%{http_code}\n" --data-urlencode "content=hello world" \
		--data-urlencode "uuid=$U1" --data-urlencode "signature=$(cat sig2)" \
		"$(url 1 pod/hmac/verify)" >code &&
	test_cmp expect code
'

test_expect_success 'an unregistered source gets 404, never data' '
	get 3 pod/uuid && test "$(cut -d" " -f1 meta)" = 404 && ! grep -e "$U1" -e "$U2" out &&
	get 3 pod/manifest && test "$(cut -d" " -f1 meta)" = 404 &&
	get 3 pod/hmac/verify && test "$(cut -d" " -f1 meta)" = 404 &&
	ip netns exec "$(cat nsm)" curl -sS -o out -w "%{http_code}\n" \
		http://127.0.0.1:18112/acMetadata/v1/pod/uuid >code &&
	echo 404 >expect && test_cmp expect code
'

test_expect_success 'bounded requests: huge headers 431, huge bodies 413' '
	long=$(head -c 9000 /dev/zero | tr "\0" a) &&
	in_pod 1 -o /dev/null -w "%{http_code}\n" -H "X-Long: $long" "$(url 1 pod/uuid)" >code &&
	echo 431 >expect && test_cmp expect code &&
	head -c 70000 /dev/zero | tr "\0" a >big &&
	in_pod 1 -o /dev/null -w "%{http_code}\n" --data-binary @big "$(url 1 pod/hmac/sign)" >code &&
	echo 413 >expect && test_cmp expect code
'

test_expect_success 'many connections at once, keep-alive on each' '
	for i in $(seq 1 40); do
		in_pod 1 "$(url 1 pod/uuid)" "$(url 1 pod/uuid)" >c$i &
	done &&
	wait &&
	printf "%s%s" "$U1" "$U1" >expect &&
	for i in $(seq 1 40); do test_cmp expect c$i || return 1; done
'

test_expect_success 'a slow client is dropped without stopping the others' '
	bg ip netns exec "$(cat ns1)" busybox nc 10.77.1.1 18112 &&
	get 1 pod/uuid && test "$(cut -d" " -f1 meta)" = 200
'

test_expect_success 'unregister: the pod gets 404 after' '
	curl -sS --unix-socket "$SOCK" -X DELETE -o /dev/null -w "%{http_code}\n" \
		"http://mds/pods/$U1" >code &&
	echo 204 >expect && test_cmp expect code &&
	get 1 pod/uuid && test "$(cut -d" " -f1 meta)" = 404 &&
	get 2 pod/uuid && test "$(cut -d" " -f1 meta)" = 200
'

test_expect_success 'a pod that exits without unregistering gets 404 (its lock is free)' '
	kill "$(cat lock2.pid)" &&
	wait_for 5 "flock -n \"$P2\" true" &&
	get 2 pod/uuid && test "$(cut -d" " -f1 meta)" = 404
'

test_expect_success 'registration through the C client (common/mds)' '
	hold_lock "$P1" lock1b &&
	RKT_METADATA_SOCKET=$SOCK "$BUILD_DIR/t/unit/mds.t" register "$U1" "$P1" 10.77.1.2 &&
	get 1 pod/uuid && echo "$U1" >expect && echo >>out && test_cmp expect out &&
	RKT_METADATA_SOCKET=$SOCK "$BUILD_DIR/t/unit/mds.t" unregister "$U1" &&
	get 1 pod/uuid && test "$(cut -d" " -f1 meta)" = 404
'

test_expect_success 'SIGTERM stops the service, which removes its socket' '
	net_cleanup &&
	wait_for 5 "! test -e \"$SOCK\""
'

test_done
