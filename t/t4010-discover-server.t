#!/bin/sh
# aci-discover against real https servers: nginx in a network namespace whose
# /etc/hosts gives real host names (example.com ...) to 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-nginx.sh"

HOSTS="example.com other.example bad.example empty.example plain.example auth.example
	oauth.example stall.example"
# shellcheck disable=SC2086
tls_make_certs $HOSTS && netns_make $HOSTS || { echo "Bail out! netns/certs"; exit 1; }
W=$TRASH/www
mkdir -p "$W/example.com/labels" "$W/other.example" "$W/bad.example" "$W/plain.example" \
	"$W/auth.example" "$W/oauth.example" "$W/stall.example" "$W/empty.example"

cat >"$W/example.com/app.html" <<'EOF'
<!DOCTYPE html>
<html><head>
<meta name="ac-discovery" content="example.com/app https://example.com/images/{name}-{version}-{os}-{arch}.{ext}">
<meta name="ac-discovery" content="example.com/app hdfs://example.com/{name}.{ext}">
<meta name="ac-discovery-pubkeys" content="example.com/app https://example.com/pubkeys.gpg">
<meta name="ac-discovery" content="example.com/other https://wrong.example/{name}.{ext}">
</head></html>
EOF
cat >"$W/example.com/index.html" <<'EOF'
<html><head>
<meta name="ac-discovery" content="example.com https://example.com/all/{name}/{version}.{ext}">
<meta name="ac-discovery-pubkeys" content="example.com https://example.com/root-keys.gpg">
</head></html>
EOF
cat >"$W/example.com/labels.html" <<'EOF'
<meta name="ac-discovery" content="example.com/labels https://example.com/{channel}/{name}-{version}.{ext}">
<meta name="ac-discovery" content="example.com/labels https://example.com/fallback/{name}-{version}.{ext}">
EOF
cat >"$W/other.example/index.html" <<'EOF'
<meta name="ac-discovery" content="example.org https://other.example/{name}.{ext}">
<meta name="ac-discovery" content="other.example/apps https://other.example/apps/{name}.{ext}">
EOF
# Hostile HTML: only the upper-case META with single quotes counts.
cat >"$W/bad.example/index.html" <<'EOF'
<html><head><title><meta name="ac-discovery" content="bad.example https://title.example/{name}.{ext}"></title>
<script>document.write('<meta name="ac-discovery" content="bad.example https://script.example/{name}.{ext}">')</script>
<!-- <meta name="ac-discovery" content="bad.example https://comment.example/{name}.{ext}"> -->
<META CONTENT='bad.example   https://bad.example/img/{name}-{version}.{ext}?a=1&amp;b=&#50;' data-x="a>b" NAME=AC-Discovery />
<meta name="ac-discovery" content="bad.example">
<meta name="ac-discovery" content="bad.example https://unfilled.example/{name}-{nosuchlabel}.{ext}">
<meta name=ac-discovery-pubkeys content=bad.example&#x20;https://bad.example/k.gpg>
<meta name="ac-discovery" content="bad.example https://cut.example/{name}.{ext}
EOF
cat >"$W/plain.example/index.html" <<'EOF'
<meta name="ac-discovery" content="plain.example http://plain.example/{name}.{ext}">
EOF
cat >"$W/auth.example/index.html" <<'EOF'
<meta name="ac-discovery" content="auth.example https://auth.example/{name}.{ext}">
EOF
sed s/auth.example/oauth.example/g "$W/auth.example/index.html" >"$W/oauth.example/index.html"
mkdir -p "$W/other.example/apps/moved"
cat >"$W/other.example/apps/moved/x.html" <<'EOF'
<meta name="ac-discovery" content="auth.example/moved https://other.example/apps/{name}.{ext}">
EOF
awk 'BEGIN { for (i = 0; i < 20000; i++) print "<p>slow</p>" }' >"$W/stall.example/index.html"
htpasswd_make "$TRASH/htpasswd" alice 's3cret-pw'

cat >"$TRASH/nginx.conf" <<EOF
server {
	listen 127.0.0.1:443 ssl default_server;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	return 404;
}
server {
	listen 127.0.0.1:443 ssl;
	server_name example.com other.example bad.example empty.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	default_type text/html;
	location / { try_files \$uri.html \$uri/index.html =404; }
}
server {
	listen 127.0.0.1:80;
	server_name plain.example;
	root $W/\$host;
	default_type text/html;
	location / { try_files \$uri.html \$uri/index.html =404; }
}
server {
	listen 127.0.0.1:443 ssl;
	server_name auth.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	default_type text/html;
	auth_basic "test";
	auth_basic_user_file $TRASH/htpasswd;
	location /moved { return 302 https://other.example/apps\$request_uri; }
	location / { try_files \$uri.html \$uri/index.html =404; }
}
server {
	listen 127.0.0.1:443 ssl;
	server_name oauth.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	default_type text/html;
	if (\$http_authorization != "Bearer tok-123") { return 401; }
	location / { try_files \$uri.html \$uri/index.html =404; }
}
server {
	listen 127.0.0.1:443 ssl;
	server_name stall.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	default_type text/html;
	limit_rate 10;
	location / { try_files \$uri.html \$uri/index.html =404; }
}
EOF
nginx_start disc "$TRASH/nginx.conf" || { echo "Bail out! nginx"; exit 1; }
LOG=$TRASH/nginx-disc/access.log
unset SSL_CERT_DIR
export SSL_CERT_FILE="$TEST_CA" CURL_CA_BUNDLE="$TEST_CA" RKT_HTTP_RETRIES=0

case $(uname -m) in
x86_64) ARCH=amd64 ;;
i?86) ARCH=i386 ;;
*) ARCH=$(uname -m) ;;
esac

# disc ARGS...: aci-discover inside the namespace
disc() { in_netns aci-discover "$@"; }

test_expect_success 'templates filled, pubkeys, labels passed on; only https templates' '
	disc example.com/app,version=1.0 >out &&
	cat >expect <<-EOF &&
	name example.com/app
	label version=1.0
	label os=linux
	label arch=$ARCH
	aci https://example.com/images/example.com/app-1.0-linux-$ARCH.aci
	sig https://example.com/images/example.com/app-1.0-linux-$ARCH.aci.asc
	pubkeys https://example.com/pubkeys.gpg
	EOF
	test_cmp expect out
'

test_expect_success 'os and arch default to the host, version to latest; labels override' '
	disc example.com/app,os=freebsd,arch=arm64 >out &&
	grep -x "aci https://example.com/images/example.com/app-latest-freebsd-arm64.aci" out &&
	disc example.com/app:2.0 >out &&
	grep -x "label version=2.0" out &&
	grep -q "^aci https://example.com/images/example.com/app-2.0-linux-" out
'

test_expect_success 'JSON output' '
	disc --json example.com/app,version=1.0 >out.json &&
	jq -e ".name == \"example.com/app\" and .labels.version == \"1.0\" and
		(.endpoints | length) == 1 and
		(.endpoints[0].sig | endswith(\".aci.asc\")) and
		.pubkeys == [\"https://example.com/pubkeys.gpg\"]" out.json
'

test_expect_success 'walk up the path until a page matches' '
	disc --debug example.com/deep/er/thing,version=3 >out 2>err &&
	grep -x "aci https://example.com/all/example.com/deep/er/thing/3.aci" out &&
	grep -x "pubkeys https://example.com/root-keys.gpg" out &&
	grep "tried https://example.com/deep/er/thing?ac-discovery=1: HTTP status 404" err &&
	grep "tried https://example.com/deep/er?ac-discovery=1: HTTP status 404" err &&
	grep -c "GET /deep/er/thing?ac-discovery=1 \|GET /deep/er?ac-discovery=1 \|GET /?ac-discovery=1 " "$LOG" >n &&
	test "$(cat n)" -ge 3
'

test_expect_success 'a template with a label that is not given is skipped' '
	disc example.com/labels,version=1,channel=stable >out &&
	grep -x "aci https://example.com/stable/example.com/labels-1.aci" out &&
	grep -x "aci https://example.com/fallback/example.com/labels-1.aci" out &&
	disc example.com/labels,version=1 >out &&
	! grep stable out &&
	grep -x "aci https://example.com/fallback/example.com/labels-1.aci" out
'

test_expect_success 'labels not used by any template are kept for the manifest check' '
	disc example.com/app,version=1.0,channel=beta >out &&
	grep -x "label channel=beta" out
'

test_expect_success 'prefix mismatch: nothing found, exit 1, every URL listed' '
	test_expect_code 1 disc other.example/sub/x >out 2>err &&
	! test -s out &&
	grep "other.example/sub/x: no image found by discovery" err &&
	grep "https://other.example/sub/x?ac-discovery=1: HTTP status 404" err &&
	grep "https://other.example/sub?ac-discovery=1: HTTP status 404" err &&
	grep "https://other.example?ac-discovery=1: no ac-discovery meta tag matching other.example/sub/x" err &&
	disc other.example/apps/x >out &&
	grep -x "aci https://other.example/apps/other.example/apps/x.aci" out
'

test_expect_success 'nothing found on a host with no pages: every URL tried is listed' '
	test_expect_code 1 disc empty.example/a/b >out 2>err &&
	! test -s out &&
	cat >expect <<-\EOF &&
	aci-discover: empty.example/a/b: no image found by discovery; tried:
	aci-discover:   https://empty.example/a/b?ac-discovery=1: HTTP status 404
	aci-discover:   https://empty.example/a?ac-discovery=1: HTTP status 404
	aci-discover:   https://empty.example?ac-discovery=1: HTTP status 404
	EOF
	test_cmp expect err
'

test_expect_success 'hostile HTML: only real meta tags count, entities decoded' '
	disc bad.example/x,version=1 >out &&
	cat >expect <<-\EOF &&
	aci https://bad.example/img/bad.example/x-1.aci?a=1&b=2
	sig https://bad.example/img/bad.example/x-1.aci.asc?a=1&b=2
	pubkeys https://bad.example/k.gpg
	EOF
	grep -v "^name \|^label " out >actual &&
	test_cmp expect actual
'

test_expect_success 'plain http refused without --insecure-options=http' '
	test_expect_code 1 disc plain.example/app >out 2>err &&
	grep "https://plain.example/app?ac-discovery=1: HTTP status 404" err &&
	grep "https://plain.example?ac-discovery=1: HTTP status 404" err &&
	! grep "http://plain.example" err &&
	disc --insecure-options=http plain.example/app >out &&
	grep -x "aci http://plain.example/plain.example/app.aci" out
'

test_expect_success 'TLS is verified: an unknown CA is refused' '
	test_expect_code 1 env -u SSL_CERT_FILE CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
		ip netns exec "$NETNS" aci-discover example.com/app 2>err &&
	grep -i "certificate" err
'

mkdir -p "$TRASH/cfg-ok/auth.d" "$TRASH/cfg-bad/auth.d" "$TRASH/cfg-oauth/auth.d"
cat >"$TRASH/cfg-ok/auth.d/auth.json" <<'EOF'
{"rktKind": "auth", "rktVersion": "v1", "domains": ["auth.example"], "type": "basic",
 "credentials": {"user": "alice", "password": "s3cret-pw"}}
EOF
sed 's/s3cret-pw/wrong-pw/' "$TRASH/cfg-ok/auth.d/auth.json" >"$TRASH/cfg-bad/auth.d/auth.json"
cat >"$TRASH/cfg-oauth/auth.d/o.json" <<'EOF'
{"rktKind": "auth", "rktVersion": "v1", "domains": ["oauth.example"], "type": "oauth",
 "credentials": {"token": "tok-123"}}
EOF

test_expect_success 'Basic auth: none -> 401, wrong -> 401, right -> found' '
	test_expect_code 1 disc auth.example/app 2>err &&
	grep "https://auth.example?ac-discovery=1: HTTP status 401" err &&
	test_expect_code 1 disc --local-config="$TRASH/cfg-bad" auth.example/app 2>err &&
	grep "HTTP status 401" err &&
	disc --local-config="$TRASH/cfg-ok" auth.example/app >out &&
	grep -x "aci https://auth.example/auth.example/app.aci" out &&
	grep "^auth.example 443 \"GET /?ac-discovery=1 .* 200 auth=\"Basic YWxpY2U6czNjcmV0LXB3\"" "$LOG"
'

test_expect_success 'credentials are not sent across a redirect to another host' '
	: >"$LOG" &&
	disc --local-config="$TRASH/cfg-ok" auth.example/moved/x >out &&
	grep -x "aci https://other.example/apps/auth.example/moved/x.aci" out &&
	grep "^auth.example 443 \"GET /moved/x?ac-discovery=1 .* 302 auth=\"Basic " "$LOG" &&
	grep "^other.example 443 \"GET /apps/moved/x?ac-discovery=1 .* 200 auth=\"-\"" "$LOG" &&
	! grep "^other.example.*Basic" "$LOG"
'

test_expect_success 'credentials never appear in --debug output' '
	disc --debug --local-config="$TRASH/cfg-ok" auth.example/app >out 2>err &&
	grep "Authorization: <redacted>" err &&
	! grep -i "s3cret\|YWxpY2U6czNjcmV0LXB3" err out
'

test_expect_success 'OAuth bearer token from auth.d' '
	test_expect_code 1 disc oauth.example/app 2>err &&
	grep "HTTP status 401" err &&
	RKT_LOCAL_CONFIG="$TRASH/cfg-oauth" disc oauth.example/app >out &&
	grep -x "aci https://oauth.example/oauth.example/app.aci" out
'

test_expect_success 'a stalling server is given up on within the bounds' '
	start=$(date +%s) &&
	test_expect_code 1 bounded 30 env RKT_HTTP_LOW_SPEED_TIME=2 RKT_HTTP_LOW_SPEED_LIMIT=1000 \
		ip netns exec "$NETNS" aci-discover stall.example/app 2>err &&
	test $(($(date +%s) - start)) -lt 15 &&
	grep "https://stall.example/app?ac-discovery=1: Operation too slow" err &&
	grep "https://stall.example?ac-discovery=1: Operation too slow" err
'

test_done
