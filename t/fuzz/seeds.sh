#!/bin/sh
# Seeds for the fuzz targets, made fresh (no binary is committed): JSON from
# the manifest fixtures, HTML discovery pages, auth.d files, and small ACIs
# (plain, gzip, with links) made with tar.
set -eu
mkdir -p "$1"
out=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../data/manifests" && pwd)
for t in fuzz-manifest fuzz-podmanifest fuzz-types fuzz-discovery fuzz-authd fuzz-aci; do
	mkdir -p "$out/$t"
done
cp "$src"/image/*.json "$src"/spec/*.json "$out/fuzz-manifest/" 2>/dev/null || true
cp "$src"/pod/*.json "$src"/spec/*.json "$out/fuzz-podmanifest/" 2>/dev/null || true
printf 'example.com/app,version=1.0,os=linux' >"$out/fuzz-types/name"
printf 'sha512-0123abc' >"$out/fuzz-types/id"
printf '1.0.0-rc.1+build.5' >"$out/fuzz-types/semver"
cat >"$out/fuzz-discovery/page.html" <<'EOM'
<html><head>
<meta name="ac-discovery" content="example.com https://example.com/{name}-{version}-{os}-{arch}.{ext}">
<meta content="example.com https://example.com/pubkeys.gpg" name='ac-discovery-pubkeys'>
<META NAME="AC-DISCOVERY" CONTENT="example.com/app http://x/{name}.&amp;{ext}">
</head></html>
EOM
cat >"$out/fuzz-authd/basic.json" <<'EOM'
{"rktKind": "auth", "rktVersion": "v1", "domains": ["example.com", "b.io:5000"], "type": "basic", "credentials": {"user": "u", "password": "p"}}
EOM
cat >"$out/fuzz-authd/docker.json" <<'EOM'
{"rktKind": "dockerAuth", "rktVersion": "v1", "registries": ["r.io"], "credentials": {"user": "u", "password": "p"}}
EOM
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/etc"
echo '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/seed"}' >"$tmp/manifest"
echo hi >"$tmp/rootfs/etc/hi"
ln -s ../etc/hi "$tmp/rootfs/bin/link"
ln "$tmp/rootfs/etc/hi" "$tmp/rootfs/etc/hard"
(cd "$tmp" && tar -cf "$out/fuzz-aci/plain.tar" manifest rootfs)
gzip -c "$out/fuzz-aci/plain.tar" >"$out/fuzz-aci/gz.aci"
(cd "$tmp" && tar -cf "$out/fuzz-aci/dotdot.tar" --transform 's|^rootfs/etc/hi$|rootfs/../../x|' manifest rootfs)
