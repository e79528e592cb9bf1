#!/bin/sh
# aci-fetch docker://: Debian's docker-registry on loopback, filled by skopeo
# with an OCI image made by umoci (three layers: a whiteout, an opaque
# directory; env, entrypoint, user, workdir, port), behind nginx doing the
# registry token flow, and behind another nginx doing Basic auth.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-nginx.sh"

tls_make_certs 127.0.0.1 127.0.0.2 || { echo "Bail out! certs"; exit 1; }
REG_PORT=$(free_port)
cat >"$TRASH/registry.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $TRASH/registry
http:
  addr: 127.0.0.1:$REG_PORT
EOF
docker-registry serve "$TRASH/registry.yml" >"$TRASH/registry.log" 2>&1 &
test_kill_at_exit $!
wait_for 20 "curl -sf http://127.0.0.1:$REG_PORT/v2/ >/dev/null" || { echo "Bail out! registry"; exit 1; }

# The image: layer 1 busybox, /data/gone, /etc/opq/{old,keep}; layer 2
# removes /data/gone (a whiteout); layer 3 makes /etc/opq opaque with one new file.
mk_image() (
	set -e
	cd "$TRASH"
	umoci init --layout oci
	umoci new --image oci:1
	umoci unpack --image oci:1 b1 >/dev/null
	mkdir -p b1/rootfs/bin b1/rootfs/etc/opq b1/rootfs/data
	cp /bin/busybox b1/rootfs/bin/
	ln -s busybox b1/rootfs/bin/sh
	echo gone >b1/rootfs/data/gone
	echo stays >b1/rootfs/data/stays
	echo old >b1/rootfs/etc/opq/old
	echo keep >b1/rootfs/etc/opq/keep
	umoci repack --image oci:1 b1
	umoci unpack --image oci:1 b2 >/dev/null
	rm b2/rootfs/data/gone
	umoci repack --image oci:1 b2
	mkdir -p l3/etc/opq
	: >l3/etc/opq/.wh..wh..opq
	echo new >l3/etc/opq/new
	tar --owner=0 --group=0 -C l3 -cf l3.tar etc
	umoci raw add-layer --image oci:1 l3.tar
	umoci config --image oci:1 --config.entrypoint /bin/busybox --config.cmd echo \
		--config.cmd hi --config.env FOO=bar --config.env PATH=/bin --config.user 1000:100 \
		--config.workingdir /data --config.exposedports 80/tcp
	skopeo copy --dest-tls-verify=false oci:oci:1 docker://127.0.0.1:$REG_PORT/test/app:1
	umoci config --image oci:1 --tag 2 --config.entrypoint '' --config.cmd sh
	skopeo copy --dest-tls-verify=false oci:oci:2 docker://127.0.0.1:$REG_PORT/test/app:2
)
mk_image >"$TRASH/mk.log" 2>&1 || { cat "$TRASH/mk.log"; echo "Bail out! image"; exit 1; }

# nginx in front: /v2/ wants a bearer token that /token hands out for the
# dockerAuth credentials bob:pw (Basic Ym9iOnB3).
cat >"$TRASH/nginx.conf" <<EOF
server {
	listen 127.0.0.1:@PORT@ ssl;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	location = /token {
		if (\$http_authorization != "Basic Ym9iOnB3") { return 401; }
		default_type application/json;
		return 200 '{"token": "tok-abc", "expires_in": 300}';
	}
	location /v2/ {
		if (\$http_authorization != "Bearer tok-abc") {
			add_header WWW-Authenticate 'Bearer realm="https://127.0.0.1:@PORT@/token",service="test",scope="repository:test/app:pull"' always;
			return 401;
		}
		proxy_pass http://127.0.0.1:$REG_PORT;
		proxy_set_header Host \$http_host;
	}
}
EOF
nginx_start front "$TRASH/nginx.conf" || { echo "Bail out! nginx"; exit 1; }
LOG=$TRASH/nginx-front/access.log
unset SSL_CERT_DIR
export SSL_CERT_FILE="$TEST_CA" CURL_CA_BUNDLE="$TEST_CA" RKT_HTTP_RETRIES=0
mkdir -p "$RKT_LOCAL_CONFIG/auth.d"
cat >"$RKT_LOCAL_CONFIG/auth.d/docker.json" <<EOF
{"rktKind": "dockerAuth", "rktVersion": "v1", "registries": ["127.0.0.1:$NGINX_PORT"],
 "credentials": {"user": "bob", "password": "pw"}}
EOF
REF=docker://127.0.0.1:$NGINX_PORT/test/app:1
NAME=127.0.0.1-$NGINX_PORT/test/app

test_expect_success 'docker images are unsigned: --insecure-options=image is required' '
	test_expect_code 1 aci-fetch "$REF" 2>err &&
	grep "not signed.*--insecure-options=image" err &&
	! test -s "$LOG"
'

test_expect_success 'fetch through the token flow: an image ID, one image stored' '
	aci-fetch --insecure-options=image "$REF" >id 2>err &&
	grep -q "^sha512-" id &&
	grep "GET /v2/test/app/manifests/1 .* 401 " "$LOG" &&
	grep "GET /token?service=test&scope=repository%3Atest%2Fapp%3Apull .* 200 auth=\"Basic Ym9iOnB3\"" "$LOG" &&
	grep "GET /v2/test/app/manifests/1 .* 200 auth=\"Bearer tok-abc\"" "$LOG" &&
	! grep "GET /v2/.*auth=\"Basic" "$LOG" &&
	cas-store list --no-legend >list &&
	grep -c "$NAME" list >n && test "$(cat n)" = 1
'

test_expect_success 'the config became the image manifest' '
	cas-store cat-manifest "$(cat id)" >m &&
	aci-validate --type=image-manifest m &&
	jq -e ".name == \"$NAME\"" m &&
	jq -e "[.labels[] | select(.name == \"version\") | .value] == [\"1\"]" m &&
	jq -e "[.labels[] | select(.name == \"os\") | .value] == [\"linux\"]" m &&
	jq -e ".app.exec == [\"/bin/busybox\", \"echo\", \"hi\"]" m &&
	jq -e ".app.user == \"1000\" and .app.group == \"100\"" m &&
	jq -e ".app.workingDirectory == \"/data\"" m &&
	jq -e "[.app.environment[] | select(.name == \"FOO\") | .value] == [\"bar\"]" m &&
	jq -e ".app.ports == [{\"name\": \"80-tcp\", \"protocol\": \"tcp\", \"port\": 80}]" m
'

test_expect_success 'layers applied in order: whiteout and opaque directory' '
	cas-store extract --rootfs-only "$(cat id)" root &&
	test -x root/bin/busybox &&
	test -L root/bin/sh &&
	test -f root/data/stays &&
	test ! -e root/data/gone &&
	test ! -e root/data/.wh.gone &&
	echo new >expect && test_cmp expect root/etc/opq/new &&
	test ! -e root/etc/opq/old &&
	test ! -e root/etc/opq/keep &&
	test ! -e root/etc/opq/.wh..wh..opq
'

test_expect_success 'a relative command is found on the image PATH' '
	aci-fetch --insecure-options=image "docker://127.0.0.1:$NGINX_PORT/test/app:2" >id2 &&
	cas-store cat-manifest "$(cat id2)" >m2 &&
	jq -e ".app.exec == [\"/bin/sh\"]" m2
'

test_expect_success 'the store is used next time; --no-store pulls again' '
	: >"$LOG" &&
	aci-fetch --insecure-options=image "$REF" >id3 &&
	test_cmp id id3 &&
	! grep "GET /v2/" "$LOG" &&
	aci-fetch --insecure-options=image --no-store "$REF" >id4 &&
	test_cmp id id4 &&
	grep "GET /v2/test/app/blobs/" "$LOG"
'

test_expect_success 'no credentials: the token service refuses, a clear error' '
	test_expect_code 1 env RKT_LOCAL_CONFIG=$TRASH/none \
		aci-fetch --insecure-options=image --no-store "$REF" 2>err &&
	grep "token for test/app: .*HTTP status 401" err
'

test_expect_success 'an unknown tag and a bad reference are clear errors' '
	test_expect_code 1 aci-fetch --insecure-options=image "docker://127.0.0.1:$NGINX_PORT/test/app:nope" 2>err &&
	grep "manifests/nope: HTTP status 404" err &&
	test_expect_code 1 aci-fetch --insecure-options=image "docker://127.0.0.1:$NGINX_PORT/Test/App" 2>err &&
	grep "not lowercase" err
'

test_expect_success 'a corrupt blob is refused by its digest, nothing stored' '
	before=$(cas-store list --no-legend | wc -l) &&
	blob=$(find "$TRASH/registry" -path "*blobs/sha256/*/data" -size +1000k | head -1) &&
	cp "$blob" "$TRASH/blob.keep" &&
	dd if=/dev/urandom of="$blob" bs=1 seek=1000 count=64 conv=notrunc 2>/dev/null &&
	! cmp -s "$blob" "$TRASH/blob.keep" &&
	test_expect_code 1 aci-fetch --insecure-options=image --no-store "$REF" 2>err &&
	cp "$TRASH/blob.keep" "$blob" &&
	grep "corrupt or truncated" err &&
	test "$(cas-store list --no-legend | wc -l)" = "$before"
'

test_expect_success 'an image index: linux and the host architecture are picked' '
	reg=http://127.0.0.1:$REG_PORT/v2/test/app/manifests &&
	acc="Accept: application/vnd.oci.image.manifest.v1+json" &&
	curl -sf -H "$acc" -o m1.json $reg/1 && curl -sf -H "$acc" -o m2.json $reg/2 &&
	d1=sha256:$(sha256sum m1.json | cut -d" " -f1) && s1=$(stat -c %s m1.json) &&
	d2=sha256:$(sha256sum m2.json | cut -d" " -f1) && s2=$(stat -c %s m2.json) &&
	case $(uname -m) in x86_64) goarch=amd64 other=arm64 ;; aarch64) goarch=arm64 other=amd64 ;; *) goarch=$(uname -m) other=amd64 ;; esac &&
	mt=application/vnd.oci.image.manifest.v1+json &&
	printf "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"manifests\": [%s, %s]}" \
		"{\"mediaType\": \"$mt\", \"digest\": \"$d2\", \"size\": $s2, \"platform\": {\"architecture\": \"$other\", \"os\": \"linux\"}}" \
		"{\"mediaType\": \"$mt\", \"digest\": \"$d1\", \"size\": $s1, \"platform\": {\"architecture\": \"$goarch\", \"os\": \"linux\"}}" >index.json &&
	curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" \
		--data-binary @index.json $reg/multi &&
	: >"$LOG" &&
	aci-fetch --insecure-options=image "docker://127.0.0.1:$NGINX_PORT/test/app:multi" >idm &&
	grep "GET /v2/test/app/manifests/multi " "$LOG" &&
	grep "GET /v2/test/app/manifests/$d1 " "$LOG" &&
	! grep "manifests/$d2" "$LOG" &&
	cas-store cat-manifest "$(cat idm)" >mm &&
	jq -e ".app.exec == [\"/bin/busybox\", \"echo\", \"hi\"]" mm
'

test_expect_success 'the converted image runs as a pod: entrypoint, env, user, workdir' '
	bounded 60 pod-run --net=host "$(cat id)" >out &&
	echo hi >expect && test_cmp expect out &&
	bounded 60 pod-run --net=host "$(cat id)" --exec=/bin/sh -- -c "echo \$FOO; id -u; id -g; pwd" >out &&
	printf "bar\n1000\n100\n/data\n" >expect && test_cmp expect out
'

# A registry that answers 401 with "WWW-Authenticate: Basic realm=..." (nginx
# auth_basic), whose blob requests are redirected to another host (127.0.0.2):
# the dockerAuth credentials go on the retry, to the registry host only.
htpasswd_make "$TRASH/htpasswd" bob pw
cat >"$TRASH/basic.conf" <<EOF
server {
	listen 127.0.0.1:@PORT@ ssl;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	location /v2/ {
		auth_basic "registry";
		auth_basic_user_file $TRASH/htpasswd;
		location ~ /blobs/ { return 307 https://127.0.0.2:@PORT@\$request_uri; }
		proxy_pass http://127.0.0.1:$REG_PORT;
		proxy_set_header Host \$http_host;
	}
}
server {
	listen 127.0.0.2:@PORT@ ssl;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	location /v2/ { proxy_pass http://127.0.0.1:$REG_PORT; }
}
EOF
FRONT_PORT=$NGINX_PORT
nginx_start basic "$TRASH/basic.conf" || { echo "Bail out! nginx basic"; exit 1; }
BPORT=$NGINX_PORT NGINX_PORT=$FRONT_PORT
BLOG=$TRASH/nginx-basic/access.log
BREF=docker://127.0.0.1:$BPORT/test/app:1
basic_auth() {
	cat >"$RKT_LOCAL_CONFIG/auth.d/basic.json" <<EOF
{"rktKind": "dockerAuth", "rktVersion": "v1", "registries": ["127.0.0.1:$BPORT"],
 "credentials": {"user": "bob", "password": "$1"}}
EOF
}

test_expect_success 'Basic auth: credentials sent on the retry, never to the redirect host' '
	basic_auth pw &&
	aci-fetch --insecure-options=image --no-store "$BREF" >idb 2>err &&
	cas-store cat-manifest "$(cat idb)" >mb &&
	jq -e ".name == \"127.0.0.1-$BPORT/test/app\"" mb &&
	grep "^127.0.0.1 $BPORT \"GET /v2/test/app/manifests/1 [^\"]*\" 401 auth=\"-\"" "$BLOG" &&
	grep "^127.0.0.1 $BPORT \"GET /v2/test/app/manifests/1 [^\"]*\" 200 auth=\"Basic Ym9iOnB3\"" "$BLOG" &&
	grep "^127.0.0.1 $BPORT \"GET /v2/test/app/blobs/[^\"]*\" 307 auth=\"Basic Ym9iOnB3\"" "$BLOG" &&
	grep "^127.0.0.2 $BPORT \"GET /v2/test/app/blobs/[^\"]*\" 200 auth=\"-\"" "$BLOG" &&
	! grep "^127.0.0.2 .*auth=\"[^-]" "$BLOG" &&
	! grep "Ym9iOnB3" err
'

test_expect_success 'Basic auth: wrong or no credentials are clear errors' '
	basic_auth wrong &&
	test_expect_code 1 aci-fetch --insecure-options=image --no-store "$BREF" 2>err &&
	grep "HTTP status 401 (credentials refused)" err &&
	rm "$RKT_LOCAL_CONFIG/auth.d/basic.json" &&
	test_expect_code 1 aci-fetch --insecure-options=image --no-store "$BREF" 2>err &&
	grep "wants credentials (dockerAuth in auth.d)" err
'

test_done
