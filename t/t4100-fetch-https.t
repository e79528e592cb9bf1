#!/bin/sh
# aci-fetch from https servers: signatures, the ETag/max-age cache, auth.d,
# redirects, plain http, stalls, bad images; nginx in a network namespace.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-gpg.sh"
. "$T_DIR/lib-cas.sh"
. "$T_DIR/lib-nginx.sh"

W=$TRASH/www
HOSTS="example.com other.example auth.example oauth.example stall.example plain.example"
# shellcheck disable=SC2086
tls_make_certs $HOSTS && netns_make $HOSTS || { echo "Bail out! netns/certs"; exit 1; }
I=$W/example.com/images
mkdir -p "$I" "$W/other.example" "$W/auth.example" "$W/oauth.example" "$W/stall.example" \
	"$W/plain.example" "$W/example.com/fresh"
gpg_init && gpg_key_new alice >/dev/null && gpg_key_new bob >/dev/null &&
	gpg_export alice alice.pub || { echo "Bail out! gpg"; exit 1; }
# images: app (signed by alice), dep and withdep (needs dep by name), bob's
mkdir -p "$I/example.com"
for v in 1.0.0 2.0.0; do
	cas_tiny_aci "$I/example.com/app-$v-linux-amd64.aci" example.com/app $v
done
cas_tiny_aci "$I/example.com/dep-1.0.0-linux-amd64.aci" example.com/dep 1.0.0 &&
cas_tiny_aci "$I/example.com/withdep-1.0.0-linux-amd64.aci" example.com/withdep 1.0.0 \
	'[{"imageName": "example.com/dep", "labels": [{"name": "version", "value": "1.0.0"}]}]' &&
cas_tiny_aci "$I/example.com/liar-1.0.0-linux-amd64.aci" example.com/other 1.0.0 &&
cas_tiny_aci "$I/bob.aci" example.com/bob 1.0.0 || { echo "Bail out! images"; exit 1; }
for f in "$I"/example.com/*.aci; do gpg_sign alice "$f"; done
gpg_sign bob "$I/bob.aci"
cp "$I/example.com/app-1.0.0-linux-amd64.aci" "$W/example.com/fresh/app.aci"
cp "$I/example.com/app-1.0.0-linux-amd64.aci.asc" "$W/example.com/fresh/app.aci.asc"
head -c 300 "$I/example.com/app-2.0.0-linux-amd64.aci" >"$I/truncated.aci"
cp "$I/example.com/app-2.0.0-linux-amd64.aci.asc" "$I/truncated.aci.asc"
for h in auth.example oauth.example plain.example stall.example; do
	cp "$I/example.com/app-1.0.0-linux-amd64.aci" "$W/$h/app.aci" &&
	cp "$I/example.com/app-1.0.0-linux-amd64.aci.asc" "$W/$h/app.aci.asc"
done
# a plain tar whose start is valid, so the download (not the image) is what fails
mkdir -p "$TRASH/stall/rootfs" && cas_manifest example.com/app 1.0.0 >"$TRASH/stall/manifest" &&
	head -c 200000 /dev/urandom >"$TRASH/stall/rootfs/noise" &&
	cas_tar "$TRASH/stall" >"$W/stall.example/app.aci"
mkdir -p "$W/other.example/moved" && cp "$W/auth.example/app.aci"* "$W/other.example/moved/"
gpg_done
cat >"$W/example.com/index.html" <<'EOF'
<meta name="ac-discovery" content="example.com https://example.com/images/{name}-{version}-{os}-{arch}.{ext}">
EOF
htpasswd_make "$TRASH/htpasswd" alice 's3cret-pw'
cat >"$TRASH/nginx.conf" <<EOF
server {
	listen 127.0.0.1:443 ssl;
	server_name example.com other.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	default_type text/html;
	location /fresh/ { add_header Cache-Control "max-age=300"; }
	location / { try_files \$uri.html \$uri/index.html \$uri =404; }
}
server {
	listen 127.0.0.1:443 ssl;
	server_name auth.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	auth_basic "test";
	auth_basic_user_file $TRASH/htpasswd;
	location /moved/ { return 302 https://other.example\$request_uri; }
}
server {
	listen 127.0.0.1:443 ssl;
	server_name oauth.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	if (\$http_authorization != "Bearer tok-123") { return 401; }
}
server {
	listen 127.0.0.1:443 ssl;
	server_name stall.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	limit_rate_after 1000;
	limit_rate 50;
}
server {
	listen 127.0.0.1:80;
	server_name plain.example;
	root $W/\$host;
}
EOF
nginx_start fetch "$TRASH/nginx.conf" || { echo "Bail out! nginx"; exit 1; }
LOG=$TRASH/nginx-fetch/access.log
unset SSL_CERT_DIR
export SSL_CERT_FILE="$TEST_CA" CURL_CA_BUNDLE="$TEST_CA" RKT_HTTP_RETRIES=0
aci-trust --prefix=example.com --skip-fingerprint-review alice.pub >/dev/null 2>&1 ||
	{ echo "Bail out! aci-trust"; exit 1; }
APP1=https://example.com/images/example.com/app-1.0.0-linux-amd64.aci

fetch() { in_netns aci-fetch "$@"; }
# n_images: how many images the store holds
n_images() { cas-store list --no-legend 2>/dev/null | wc -l; }
# requests PATTERN: how many logged requests match
requests() { grep -c "$1" "$LOG"; }

test_expect_success 'https fetch: signature verified, image stored, ID printed' '
	fetch "$APP1" >id 2>err &&
	grep "signature verified" err &&
	cas-store import "$I/example.com/app-1.0.0-linux-amd64.aci" >expect &&
	test_cmp expect id &&
	test "$(n_images)" = 1
'

test_expect_success 'within max-age no request is made' '
	fetch https://example.com/fresh/app.aci >id1 &&
	n=$(requests "GET /fresh/app.aci ") &&
	fetch https://example.com/fresh/app.aci >id2 &&
	test_cmp id1 id2 &&
	test "$(requests "GET /fresh/app.aci ")" = "$n"
'

test_expect_success 'without max-age: a conditional request, 304 reuses the stored image' '
	fetch "$APP1" >id2 &&
	test_cmp id id2 &&
	grep "GET /images/example.com/app-1.0.0-linux-amd64.aci .* 304 " "$LOG" &&
	test "$(n_images)" = 1
'

test_expect_success '--no-store downloads again; --store-only never touches the network' '
	: >"$LOG" &&
	fetch --no-store "$APP1" >id3 &&
	test_cmp id id3 &&
	grep "GET /images/example.com/app-1.0.0-linux-amd64.aci .* 200 " "$LOG" &&
	: >"$LOG" &&
	fetch --store-only "$APP1" >id4 &&
	test_cmp id id4 &&
	! test -s "$LOG" &&
	test_must_fail fetch --store-only https://example.com/images/bob.aci 2>err &&
	grep "not in the store (--store-only)" err &&
	! test -s "$LOG"
'

test_expect_success 'a signature by an untrusted key: exit 3, nothing stored' '
	before=$(n_images) &&
	test_expect_code 3 fetch https://example.com/images/bob.aci 2>err &&
	grep "not verified" err &&
	test "$(n_images)" = "$before"
'

test_expect_success 'a missing signature: exit 3; --insecure-options=image takes it with a warning' '
	before=$(n_images) &&
	rm -f "$I/bob.aci.asc" &&
	test_expect_code 3 fetch https://example.com/images/bob.aci 2>err &&
	grep "no signature" err &&
	test "$(n_images)" = "$before" &&
	fetch --insecure-options=image https://example.com/images/bob.aci >id 2>err &&
	grep "signature not checked" err &&
	test "$(n_images)" = $((before + 1))
'

test_expect_success 'a truncated image is a clear error, nothing stored' '
	before=$(n_images) &&
	test_must_fail fetch https://example.com/images/truncated.aci 2>err &&
	grep "truncated.aci: truncated gzip input" err &&
	test "$(n_images)" = "$before"
'

test_expect_success 'a stalling server is given up on (bounded), nothing stored' '
	before=$(n_images) &&
	start=$(date +%s) &&
	test_must_fail bounded 30 env RKT_HTTP_LOW_SPEED_TIME=2 RKT_HTTP_LOW_SPEED_LIMIT=1000 \
		ip netns exec "$NETNS" aci-fetch https://stall.example/app.aci 2>err &&
	test $(($(date +%s) - start)) -lt 15 &&
	grep "too slow" err &&
	test "$(n_images)" = "$before"
'

mkdir -p "$TRASH/cfg-ok/auth.d" "$TRASH/cfg-bad/auth.d" "$TRASH/cfg-oauth/auth.d"
cat >"$TRASH/cfg-ok/auth.d/a.json" <<'EOF'
{"rktKind": "auth", "rktVersion": "v1", "domains": ["auth.example"], "type": "basic",
 "credentials": {"user": "alice", "password": "s3cret-pw"}}
EOF
sed s/s3cret-pw/wrong/ "$TRASH/cfg-ok/auth.d/a.json" >"$TRASH/cfg-bad/auth.d/a.json"
cat >"$TRASH/cfg-oauth/auth.d/o.json" <<'EOF'
{"rktKind": "auth", "rktVersion": "v1", "domains": ["oauth.example"], "type": "oauth",
 "credentials": {"token": "tok-123"}}
EOF
# keys for these hosts' images: the same signer
for p in auth.example oauth.example plain.example other.example; do
	mkdir -p "$RKT_LOCAL_CONFIG/trustedkeys/prefix.d/$p"
done

test_expect_success 'Basic auth: none and wrong are refused, right is taken' '
	test_must_fail fetch --insecure-options=image https://auth.example/app.aci 2>err &&
	grep "HTTP status 401" err &&
	test_must_fail fetch --insecure-options=image --local-config="$TRASH/cfg-bad" \
		https://auth.example/app.aci 2>err &&
	grep "HTTP status 401" err &&
	fetch --no-store --local-config="$TRASH/cfg-ok" --insecure-options=image \
		https://auth.example/app.aci >id 2>err &&
	grep "GET /app.aci .* 200 auth=\"Basic " "$LOG" &&
	! grep -r "s3cret" err
'

test_expect_success 'credentials do not follow a redirect to another host' '
	: >"$LOG" &&
	fetch --no-store --local-config="$TRASH/cfg-ok" --insecure-options=image \
		https://auth.example/moved/app.aci >id &&
	grep "^auth.example 443 \"GET /moved/app.aci .* 302 auth=\"Basic " "$LOG" &&
	grep "^other.example 443 \"GET /moved/app.aci .* 200 auth=\"-\"" "$LOG" &&
	! grep "^other.example.*Basic" "$LOG"
'

test_expect_success 'credentials never show in --debug output' '
	fetch --debug --no-store --local-config="$TRASH/cfg-ok" --insecure-options=image \
		https://auth.example/app.aci >id 2>err &&
	grep "Authorization: <redacted>" err &&
	! grep "s3cret\|YWxpY2U6czNjcmV0LXB3" err
'

test_expect_success 'OAuth bearer token' '
	test_must_fail fetch --insecure-options=image https://oauth.example/app.aci 2>err &&
	grep "HTTP status 401" err &&
	fetch --no-store --local-config="$TRASH/cfg-oauth" --insecure-options=image \
		https://oauth.example/app.aci >id
'

test_expect_success 'plain http only with --insecure-options=http' '
	test_must_fail fetch http://plain.example/app.aci 2>err &&
	grep "plain http refused" err &&
	fetch --no-store --insecure-options=http,image http://plain.example/app.aci >id
'

test_expect_success 'an app name is discovered, verified, checked and stored' '
	RKT_DIR=$TRASH/store2 in_netns aci-fetch example.com/app:2.0.0 >id 2>err &&
	grep "signature verified" err &&
	cas-store import "$I/example.com/app-2.0.0-linux-amd64.aci" >expect &&
	test_cmp expect id &&
	: >"$LOG" &&
	RKT_DIR=$TRASH/store2 in_netns aci-fetch example.com/app,version=2.0.0 >id2 &&
	test_cmp id id2 &&
	! grep "GET /images" "$LOG"
'

test_expect_success 'a discovered image with another name is refused' '
	test_must_fail env RKT_DIR=$TRASH/store3 ip netns exec "$NETNS" \
		aci-fetch example.com/liar:1.0.0 2>err &&
	grep "is named \"example.com/other\", not \"example.com/liar\"" err &&
	test_must_fail env RKT_DIR=$TRASH/store3 ip netns exec "$NETNS" \
		aci-fetch example.com/app,version=1.0.0,channel=beta 2>err &&
	grep "label channel=beta asked for, but the image has no channel label" err
'

test_expect_success 'aci-discover | aci-fetch --from-discovery -' '
	in_netns aci-discover example.com/app,version=1.0.0 >disc &&
	RKT_DIR=$TRASH/store4 in_netns aci-fetch --from-discovery - <disc >id &&
	cas-store import "$I/example.com/app-1.0.0-linux-amd64.aci" >expect &&
	test_cmp expect id
'

test_expect_success 'dependencies are fetched too (by name, via discovery)' '
	RKT_DIR=$TRASH/store5 in_netns aci-fetch \
		https://example.com/images/example.com/withdep-1.0.0-linux-amd64.aci >id 2>err &&
	grep "dependency example.com/dep: sha512-" err &&
	RKT_DIR=$TRASH/store5 cas-store list --no-legend >list &&
	grep -c "example.com/" list >n && test "$(cat n)" = 2
'

test_expect_success 'a progress bar on a terminal, none otherwise' '
	script -qec "ip netns exec $NETNS aci-fetch --no-store $APP1" /dev/null >tty.out &&
	grep -q "app-1.0.0-linux-amd64.aci .*\\[.*\\] 100%" tty.out &&
	fetch --no-store "$APP1" >id 2>err &&
	! grep "%" err
'

test_done
