#!/bin/sh
# aci-trust over the network: key URLs, and --prefix with no key (the
# prefix's ac-discovery-pubkeys), against nginx in a network namespace.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-gpg.sh"
. "$T_DIR/lib-nginx.sh"

LOCAL=$RKT_LOCAL_CONFIG/trustedkeys
W=$TRASH/www
tls_make_certs example.com keys.example && netns_make example.com keys.example ||
	{ echo "Bail out! netns/certs"; exit 1; }
mkdir -p "$W/example.com/keys" "$W/keys.example"
gpg_init && gpg_key_new alice >alice.fpr && gpg_key_new bob >bob.fpr &&
	gpg_export alice "$W/example.com/keys/app.gpg" && gpg_export bob "$W/keys.example/root.gpg" ||
	{ echo "Bail out! gpg"; exit 1; }
gpg_done
A=$(cat alice.fpr) B=$(cat bob.fpr)
cat >"$W/example.com/app.html" <<'EOF'
<meta name="ac-discovery-pubkeys" content="example.com/app https://example.com/keys/app.gpg">
EOF
cat >"$W/example.com/index.html" <<'EOF'
<meta name="ac-discovery" content="example.com https://example.com/{name}.{ext}">
<meta name="ac-discovery-pubkeys" content="example.com https://keys.example/root.gpg">
EOF
echo '<meta name="ac-discovery" content="keys.example https://keys.example/{name}.{ext}">' \
	>"$W/keys.example/index.html"
cat >"$TRASH/nginx.conf" <<EOF
server {
	listen 127.0.0.1:443 ssl;
	server_name example.com keys.example;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $W/\$host;
	default_type text/html;
	location / { try_files \$uri.html \$uri/index.html \$uri =404; }
}
EOF
nginx_start keys "$TRASH/nginx.conf" || { echo "Bail out! nginx"; exit 1; }
unset SSL_CERT_DIR
export SSL_CERT_FILE="$TEST_CA" CURL_CA_BUNDLE="$TEST_CA" RKT_HTTP_RETRIES=0

test_expect_success '--prefix with no key: the keys are discovered and stored' '
	in_netns aci-trust --prefix=example.com/app --skip-fingerprint-review >out 2>err &&
	echo "$LOCAL/prefix.d/example.com/app/$A" >expect &&
	test_cmp expect out &&
	grep "public keys at https://example.com/keys/app.gpg" err &&
	grep -q "BEGIN PGP PUBLIC KEY BLOCK" "$LOCAL/prefix.d/example.com/app/$A"
'

test_expect_success 'discovery walks up the prefix to find keys' '
	in_netns aci-trust --prefix=example.com/other/thing --skip-fingerprint-review >out &&
	echo "$LOCAL/prefix.d/example.com/other/thing/$B" >expect &&
	test_cmp expect out
'

test_expect_success 'a key URL over https is fetched' '
	in_netns aci-trust --prefix=keys.example --skip-fingerprint-review \
		https://keys.example/root.gpg >out &&
	echo "$LOCAL/prefix.d/keys.example/$B" >expect &&
	test_cmp expect out
'

test_expect_success 'no keys found: exit 1 with the URLs tried, nothing stored' '
	test_expect_code 1 in_netns aci-trust --prefix=keys.example/x --skip-fingerprint-review >out 2>err &&
	! test -s out &&
	grep "tried https://keys.example/x?ac-discovery=1: HTTP status 404" err &&
	grep "tried https://keys.example?ac-discovery=1: no ac-discovery-pubkeys meta tag" err &&
	test ! -e "$LOCAL/prefix.d/keys.example/x"
'

test_expect_success 'a missing key URL is a clear error' '
	test_expect_code 1 in_netns aci-trust --prefix=example.com --skip-fingerprint-review \
		https://example.com/keys/none.gpg 2>err &&
	grep "https://example.com/keys/none.gpg: HTTP status 404" err
'

test_expect_success 'still no terminal review without --skip-fingerprint-review' '
	test_expect_code 1 setsid -w ip netns exec "$NETNS" aci-trust --prefix=example.com/app2 \
		https://example.com/keys/app.gpg >out 2>err &&
	grep "without a terminal" err &&
	test ! -e "$LOCAL/prefix.d/example.com/app2"
'

test_done
