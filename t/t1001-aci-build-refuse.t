#!/bin/sh
# aci-build refuses a DIR that is not a valid image layout, listing every
# problem, and writes nothing.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"

# refuse DIR 'expected stderr'
refuse() {
	printf '%s\n' "$2" >expect &&
	test_expect_code 1 aci-build "$1" out.aci 2>actual &&
	test_cmp expect actual &&
	! test -e out.aci &&
	! ls -A | grep -q "^\.tmp-"
}

test_expect_success 'every manifest error is listed, each on its own line' '
	mkdir -p e1/rootfs &&
	echo "{\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\",\"name\":\"Bad Name\",\"app\":{\"exec\":[\"/x\"]}}" >e1/manifest &&
	refuse e1 "aci-build: e1/manifest: app.user: required
aci-build: e1/manifest: app.group: required
aci-build: e1/manifest: name: \"Bad Name\" is not an AC identifier"
'

test_expect_success 'an empty object lacks the required fields' '
	mkdir -p e2/rootfs && echo "{}" >e2/manifest &&
	refuse e2 "aci-build: e2/manifest: acKind: required
aci-build: e2/manifest: acVersion: required
aci-build: e2/manifest: name: required"
'

test_expect_success 'invalid JSON' '
	mkdir -p e3/rootfs && printf "{\n" >e3/manifest &&
	refuse e3 "aci-build: e3/manifest: invalid JSON: line 2, column 1: expected a string key"
'

test_expect_success 'a pod manifest is not an image manifest' '
	mkdir -p e4/rootfs &&
	echo "{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"name\":\"example.com/x\"}" >e4/manifest &&
	refuse e4 "aci-build: e4/manifest: acKind: \"PodManifest\" is not \"ImageManifest\""
'

test_expect_success 'missing rootfs and a bad manifest: both reported' '
	mkdir e5 && echo "{}" >e5/manifest &&
	refuse e5 "aci-build: e5/rootfs: No such file or directory
aci-build: e5/manifest: acKind: required
aci-build: e5/manifest: acVersion: required
aci-build: e5/manifest: name: required"
'

test_expect_success 'rootfs a file, manifest a directory' '
	mkdir -p e6/manifest && echo x >e6/rootfs &&
	refuse e6 "aci-build: e6/rootfs: not a directory
aci-build: e6/manifest: not a regular file"
'

test_expect_success 'missing manifest' '
	mkdir -p e7/rootfs &&
	refuse e7 "aci-build: e7/manifest: No such file or directory"
'

test_expect_success 'a manifest symlink is not followed' '
	mkdir -p e8/rootfs && good_manifest >good && ln -s ../good e8/manifest &&
	refuse e8 "aci-build: e8/manifest: not a regular file"
'

test_expect_success 'DIR missing' '
	refuse nowhere "aci-build: nowhere: No such file or directory"
'

test_expect_success 'a valid layout builds' '
	mkdir -p ok/rootfs && good_manifest >ok/manifest &&
	aci-build ok out.aci &&
	aci-validate out.aci
'

test_done
