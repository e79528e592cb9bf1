#!/bin/bash
# aci-fetch of a ~200 MB image over loopback https (download, signature
# verification, hashing and import into the store) against `curl -o` of the
# same URL. Goal: ratio <= 1.3. Best of 3 runs each. The image is an
# uncompressed ACI (a gzip'd one adds the decompression to our side only);
# the gzip'd ratio is printed too, for information.
set -eu
. "$(dirname "$0")/lib.sh"
PATH="$PATH:/usr/sbin:/sbin"
TRASH=$(mktemp -d /tmp/bench-fetch.XXXXXX)
pids=
test_kill_at_exit() { pids="$pids $1"; }
test_at_exit() { :; }
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$TRASH"' EXIT
cd "$TRASH"
. "$SRC/t/lib-nginx.sh"
export RKT_DIR="$TRASH/store" RKT_LOCAL_CONFIG="$TRASH/etc-rkt" RKT_SYSTEM_CONFIG="$TRASH/usr-lib-rkt"
export GNUPGHOME="$TRASH/gnupg"
mkdir -p "$GNUPGHOME" www/img && chmod 700 "$GNUPGHOME"

# the image: /usr/include and binaries, plus 40 MB of noise, ~200 MB
mkdir -p tree/rootfs/usr/bin tree/rootfs/data
cp -a /usr/include tree/rootfs/usr/ 2>/dev/null || true
find /usr/bin /usr/lib -maxdepth 2 -type f -size -8M -printf '%s %p\n' | sort -k2 |
	awk '{ t += $1; if (t > 60000000) exit; print $2 }' | xargs cp -t tree/rootfs/usr/bin 2>/dev/null || true
for i in 1 2 3 4; do head -c 10000000 /dev/urandom >tree/rootfs/data/noise$i; done
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bench","labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]}\n' >tree/manifest
aci-build --compression=none tree www/img/bench.aci
aci-build tree www/img/bench-gz.aci
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "bench <bench@example.com>" ed25519 sign never
for f in bench bench-gz; do
	gpg --batch --quiet --armor --detach-sign --output www/img/$f.aci.asc www/img/$f.aci
done
gpg --batch --armor --export bench@example.com >bench.pub
aci-trust --prefix=example.com/bench --skip-fingerprint-review bench.pub >/dev/null 2>&1

tls_make_certs 127.0.0.1
cat >nginx.conf <<EOF
server {
	listen 127.0.0.1:@PORT@ ssl;
	ssl_certificate @CERT@; ssl_certificate_key @KEY@;
	root $TRASH/www;
	sendfile on;
}
EOF
nginx_start bench nginx.conf >/dev/null
URL=https://127.0.0.1:$NGINX_PORT/img
export SSL_CERT_FILE="$TEST_CA" CURL_CA_BUNDLE="$TEST_CA"
unset SSL_CERT_DIR
cat www/img/*.aci >/dev/null # warm the page cache

# every run starts from an empty store and no output file, and is quiet
fresh() { rm -rf "$RKT_DIR" out.aci; }
BENCH_PREP=fresh
quiet() { "$@" 2>/dev/null; }
size=$(( $(stat -c %s www/img/bench.aci) / 1000000 ))
tb=$(best quiet curl -s -o out.aci "$URL/bench.aci")
to=$(best quiet aci-fetch "$URL/bench.aci")
tbz=$(best quiet curl -s -o out.aci "$URL/bench-gz.aci")
toz=$(best quiet aci-fetch "$URL/bench-gz.aci")
aci-fetch "$URL/bench.aci" >/dev/null 2>&1 || { echo "aci-fetch failed"; exit 1; }
echo "image: ${size} MB uncompressed ACI ($(( $(stat -c %s www/img/bench-gz.aci) / 1000000 )) MB gzip'd)"
echo "curl -o:    ${tb} s   (gzip'd: ${tbz} s)"
echo "aci-fetch:  ${to} s   (gzip'd: ${toz} s)"
awk -v o="$to" -v b="$tb" 'BEGIN { printf "ratio aci-fetch / curl -o: %.2f (goal <= 1.30)\n", o / b }'
awk -v o="$toz" -v b="$tbz" 'BEGIN { printf "ratio gzip'"'"'d (decompression on our side only): %.2f\n", o / b }'
