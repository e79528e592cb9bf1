#!/bin/sh
# aci-validate on valid input: every kind, type guessing, stdin, -v, exit codes.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"

test_expect_success 'setup: a busybox image in every compression' '
	make_image_dir img example.com/hello &&
	for c in gzip bzip2 xz none; do aci-build --compression=$c img $c.aci || return 1; done &&
	good_manifest >image.json &&
	cat >pod.json <<-EOF
	{"acKind": "PodManifest", "acVersion": "0.8.11",
	 "apps": [{"name": "hello", "image": {"id": "sha512-$(printf %0128d 0)"}}]}
	EOF
'

test_expect_success 'each kind is valid, its type guessed from the content' '
	aci-validate gzip.aci bzip2.aci xz.aci none.aci img image.json pod.json img/manifest
'

test_expect_success '-v says what was checked, on stdout' '
	aci-validate -v xz.aci pod.json img >out &&
	id=$(aci_id gzip.aci) &&
	cat >expect <<-EOF &&
	xz.aci: ACI (xz), 37 entries, $id: layout checked
	xz.aci: manifest: image manifest of example.com/hello checked
	xz.aci: ACI: valid
	pod.json: pod manifest with 1 app checked
	pod.json: pod manifest: valid
	img/manifest: image manifest of example.com/hello checked
	img: image layout: valid
	EOF
	test_cmp expect out
'

test_expect_success 'stdin, compressed or not' '
	aci-validate - <bzip2.aci &&
	aci-validate - <none.aci &&
	aci-validate - <image.json &&
	cat gzip.aci | aci-validate -v - >out &&
	grep -q "^-: ACI (gzip), 37 entries" out
'

test_expect_success '--type forces the check' '
	aci-validate --type=aci gzip.aci &&
	aci-validate --type=image-manifest image.json &&
	aci-validate --type=pod-manifest pod.json &&
	aci-validate --type=layout img &&
	expect_invalid image.json "image.json: apps: required
image.json: acKind: \"ImageManifest\" is not \"PodManifest\"" --type=pod-manifest &&
	expect_invalid image.json "image.json: not a tar archive, compressed or not" --type=aci &&
	expect_invalid gzip.aci "gzip.aci: not a directory" --type=layout &&
	expect_invalid img "img: is a directory" --type=aci
'

test_expect_success 'exit 1 when any FILE is invalid, every FILE still checked' '
	echo "{}" >bad.json &&
	test_expect_code 1 aci-validate bad.json gzip.aci missing.aci 2>actual &&
	cat >expect <<-EOF &&
	bad.json: acKind: required (cannot tell the manifest type)
	missing.aci: No such file or directory
	EOF
	test_cmp expect actual
'

test_expect_success 'usage errors exit 2, --help exits 0' '
	test_expect_code 2 aci-validate 2>err &&
	grep -q "^aci-validate: usage: aci-validate" err &&
	test_expect_code 2 aci-validate --type=zip gzip.aci 2>err &&
	grep -q "unknown: zip" err &&
	test_expect_code 2 aci-validate --bogus gzip.aci 2>/dev/null &&
	aci-validate --help >out &&
	grep -q "^usage: aci-validate" out
'

test_expect_success 'an ACI made by tar(1) from the layout is valid' '
	(cd img && tar -cf - manifest rootfs) | gzip >tar.aci &&
	aci-validate tar.aci &&
	(cd img && tar -cf - .) | xz >dot.aci &&
	aci-validate dot.aci
'

test_done
