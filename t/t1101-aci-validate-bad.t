#!/bin/sh
# aci-validate on bad manifests and bad archives: each gives exactly the
# expected error lines and exit 1.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-aci.sh"

HEAD='"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/x"'
APP='"exec": ["/bin/sh"], "user": "0", "group": "0"'
n=0

# bad_manifest TITLE JSON 'expected errors, without the "FILE: " prefix'
bad_manifest() {
	n=$((n + 1))
	printf '%s\n' "$2" >m$n.json
	printf '%s\n' "$3" | sed "s/^/m$n.json: /" >m$n.expect
	test_expect_success "manifest: $1" "
		test_expect_code 1 aci-validate m$n.json 2>actual &&
		test_cmp m$n.expect actual
	"
}

bad_manifest 'name not an AC identifier' "{\"acKind\": \"ImageManifest\", \"acVersion\": \"0.8.11\", \"name\": \"Example.com/x\"}" \
	'name: "Example.com/x" is not an AC identifier'
bad_manifest 'acVersion not semver' "{\"acKind\": \"ImageManifest\", \"acVersion\": \"x.y\", \"name\": \"example.com/x\"}" \
	'acVersion: "x.y" is not a semantic version'
bad_manifest 'every required field missing' '{"acKind": "ImageManifest"}' \
	'acVersion: required
name: required'
bad_manifest 'arch not valid for the os' "{$HEAD, \"labels\": [{\"name\": \"os\", \"value\": \"linux\"}, {\"name\": \"arch\", \"value\": \"sparc\"}]}" \
	'labels: bad arch "sparc" for linux (must be one of: amd64 i386 aarch64 aarch64_be armv6l armv7l armv7b ppc64 ppc64le s390x)'
bad_manifest 'unknown os' "{$HEAD, \"labels\": [{\"name\": \"os\", \"value\": \"plan9\"}]}" \
	'labels: bad os "plan9" (must be one of: darwin freebsd linux)'
bad_manifest 'duplicate label' "{$HEAD, \"labels\": [{\"name\": \"version\", \"value\": \"1\"}, {\"name\": \"version\", \"value\": \"2\"}]}" \
	'labels[1].name: duplicate label "version"'
bad_manifest 'app without user and group' "{$HEAD, \"app\": {\"exec\": [\"/bin/sh\"]}}" \
	'app.user: required
app.group: required'
bad_manifest 'relative working directory' "{$HEAD, \"app\": {$APP, \"workingDirectory\": \"rel\"}}" \
	'app.workingDirectory: "rel" is not an absolute path'
bad_manifest 'bad memory quantity' "{$HEAD, \"app\": {$APP, \"isolators\": [{\"name\": \"resource/memory\", \"value\": {\"limit\": \"lots\"}}]}}" \
	'app.isolators[0].value.limit: "lots" is not a valid resource quantity'
bad_manifest 'unknown capability' "{$HEAD, \"app\": {$APP, \"isolators\": [{\"name\": \"os/linux/capabilities-retain-set\", \"value\": {\"set\": [\"CAP_FOO\"]}}]}}" \
	'app.isolators[0].value.set[0]: "CAP_FOO" is not a Linux capability'
bad_manifest 'duplicate mount point' "{$HEAD, \"app\": {$APP, \"mountPoints\": [{\"name\": \"data\", \"path\": \"/d\"}, {\"name\": \"data\", \"path\": \"/e\"}]}}" \
	'app.mountPoints[1].name: duplicate mount point "data"'
bad_manifest 'port out of range' "{$HEAD, \"app\": {$APP, \"ports\": [{\"name\": \"http\", \"protocol\": \"tcp\", \"port\": 70000}]}}" \
	'app.ports[0].port: 70000 is not an integer in 1..65535'
bad_manifest 'unknown event handler' "{$HEAD, \"app\": {$APP, \"eventHandlers\": [{\"name\": \"pre-stop\", \"exec\": [\"/x\"]}]}}" \
	'app.eventHandlers[0].name: "pre-stop" is not pre-start or post-stop'
bad_manifest 'bad environment name' "{$HEAD, \"app\": {$APP, \"environment\": [{\"name\": \"A=B\", \"value\": \"x\"}]}}" \
	'app.environment[0].name: "A=B" is not a valid environment variable name'
bad_manifest 'negative supplementary gid' "{$HEAD, \"app\": {$APP, \"supplementaryGIDs\": [-1]}}" \
	'app.supplementaryGIDs[0]: -1 is not a group ID'
bad_manifest 'dependency with a bad image ID' "{$HEAD, \"dependencies\": [{\"imageName\": \"example.com/dep\", \"imageID\": \"sha512-zz\"}]}" \
	'dependencies[0].imageID: "sha512-zz" is not an image ID (sha512- and 128 lowercase hex digits)'
bad_manifest 'relative pathWhitelist entry' "{$HEAD, \"pathWhitelist\": [\"etc/passwd\"]}" \
	'pathWhitelist[0]: "etc/passwd" is not an absolute path'
bad_manifest 'created annotation not a timestamp' "{$HEAD, \"annotations\": [{\"name\": \"created\", \"value\": \"yesterday\"}]}" \
	'annotations[0].value: "yesterday" is not an RFC 3339 timestamp'
bad_manifest 'trailing comma' "{$HEAD,}" \
	'invalid JSON: line 1, column 76: expected a string key'
bad_manifest 'unknown acKind' '{"acKind": "Foo"}' \
	'acKind: must be "ImageManifest" or "PodManifest"'
bad_manifest 'pod manifest with duplicate apps' '{"acKind": "PodManifest", "acVersion": "0.8.11", "apps": [{"name": "a", "image": {"id": "sha512-00"}}, {"name": "a", "image": {"id": "sha512-00"}}]}' \
	'apps[0].image.id: "sha512-00" is not an image ID (sha512- and 128 lowercase hex digits)
apps[1].name: duplicate app "a"
apps[1].image.id: "sha512-00" is not an image ID (sha512- and 128 lowercase hex digits)'

test_expect_success 'setup: a valid manifest and rootfs entries' '
	good_manifest >good.json &&
	printf "F\tmanifest\tgood.json\nd\trootfs\nd\trootfs/bin\nf\trootfs/bin/x\thello\n" >base.spec &&
	mktar ok.aci <base.spec &&
	aci-validate ok.aci
'

# bad_archive TITLE 'extra spec lines' 'expected errors' [NAME]
bad_archive() {
	n=$((n + 1))
	_f=${4:-a$n.aci}
	test_expect_success "archive: $1" "
		{ cat base.spec; printf '$2'; } | mktar $_f &&
		printf '%s\n' '$3' | sed 's|^|$_f: |' >expect &&
		test_expect_code 1 aci-validate $_f 2>actual &&
		test_cmp expect actual
	"
}

bad_archive '.. component' 'f\trootfs/../escape\tx\n' 'rootfs/../escape: path has a .. component'
bad_archive 'leading ..' 'f\t../../etc/passwd\tx\n' '../../etc/passwd: path has a .. component'
bad_archive 'absolute path' 'f\t/etc/passwd\tx\n' '/etc/passwd: absolute path'
bad_archive 'extra top-level file' 'f\textra\tx\n' 'extra: outside rootfs/'
bad_archive 'extra top-level directory' 'd\tdata\nf\tdata/f\tx\n' 'data/: outside rootfs/
data/f: outside rootfs/'
bad_archive 'duplicate entry' 'f\trootfs/bin/x\tagain\n' 'rootfs/bin/x: duplicate entry'
bad_archive 'duplicate manifest' 'F\tmanifest\tgood.json\n' 'manifest: duplicate entry'
bad_archive 'hard link to the manifest' 'h\trootfs/m\tmanifest\n' 'rootfs/m: hard link to manifest outside rootfs/'
bad_archive 'hard link escaping with ..' 'h\trootfs/p\trootfs/../../etc/passwd\n' 'rootfs/p: hard link to rootfs/../../etc/passwd outside rootfs/'
bad_archive 'hard link to an absolute path' 'h\trootfs/p\t/etc/passwd\n' 'rootfs/p: hard link to /etc/passwd outside rootfs/'
bad_archive 'hard link to a missing entry' 'h\trootfs/p\trootfs/nothing\n' 'rootfs/p: hard link to rootfs/nothing not earlier in the archive'
bad_archive 'hard link to a directory' 'h\trootfs/d\trootfs/bin\n' 'rootfs/d: hard link to directory rootfs/bin'
bad_archive 'several problems, all listed' 'f\t/abs\tx\nf\tx/../y\tx\nf\tz\tx\n' '/abs: absolute path
x/../y: path has a .. component
z: outside rootfs/'

test_expect_success 'archive: manifest is a directory' '
	printf "d\tmanifest\nd\trootfs\n" | mktar mdir.aci &&
	expect_invalid mdir.aci "mdir.aci: manifest/: not a regular file"
'

test_expect_success 'archive: missing rootfs' '
	printf "F\tmanifest\tgood.json\n" | mktar norootfs.aci &&
	expect_invalid norootfs.aci "norootfs.aci: rootfs: missing"
'

test_expect_success 'archive: missing manifest' '
	printf "d\trootfs\nf\trootfs/x\tx\n" | mktar nomanifest.aci &&
	expect_invalid nomanifest.aci "nomanifest.aci: manifest: missing"
'

test_expect_success 'archive: rootfs is a file' '
	printf "F\tmanifest\tgood.json\nf\trootfs\tx\n" | mktar rootfsfile.aci &&
	expect_invalid rootfsfile.aci "rootfsfile.aci: rootfs: not a directory"
'

test_expect_success 'archive: invalid manifest inside, errors prefixed by manifest' '
	echo "{\"acKind\": \"ImageManifest\", \"name\": \"Bad\"}" >bad.json &&
	printf "F\tmanifest\tbad.json\nd\trootfs\n" | mktar badm.aci &&
	expect_invalid badm.aci "badm.aci: manifest: acVersion: required
badm.aci: manifest: name: \"Bad\" is not an AC identifier"
'

test_expect_success 'archive: truncated gzip' '
	head -c 300 ok.aci >trunc.aci &&
	expect_invalid trunc.aci "trunc.aci: truncated gzip input"
'

test_expect_success 'archive: truncated tar' '
	mktar ok.tar <base.spec &&
	head -c 1000 ok.tar >trunc.tar &&
	expect_invalid trunc.tar "trunc.tar: truncated tar archive"
'

test_expect_success 'archive: garbage' '
	head -c 4096 /dev/urandom | tr -d "\\037{" >garbage.aci &&
	expect_invalid garbage.aci "garbage.aci: not an ACI, an image or pod manifest, or an image layout" &&
	expect_invalid garbage.aci "garbage.aci: not a tar archive, compressed or not" --type=aci
'

test_expect_success 'archive: gzip of garbage' '
	head -c 4096 /dev/urandom | gzip >gzgarbage.aci &&
	expect_invalid gzgarbage.aci "gzgarbage.aci: not a tar archive, compressed or not"
'

test_expect_success 'archive: corrupt xz' '
	mktar ok.xz <base.spec &&
	size=$(stat -c %s ok.xz) &&
	{ head -c 100 ok.xz; printf "XXXXXXXX"; tail -c +109 ok.xz; } >corrupt.xz &&
	test_expect_code 1 aci-validate corrupt.xz 2>actual &&
	grep -q "^corrupt.xz: " actual
'

test_expect_success 'archive: empty file' '
	: >empty.aci &&
	expect_invalid empty.aci "empty.aci: empty file"
'

test_expect_success 'archive: problems are listed in bzip2 and xz too' '
	{ cat base.spec; printf "f\t/abs\tx\n"; } | mktar abs.bz2 &&
	expect_invalid abs.bz2 "abs.bz2: /abs: absolute path" &&
	{ cat base.spec; printf "f\t/abs\tx\n"; } | mktar abs.xz &&
	expect_invalid abs.xz "abs.xz: /abs: absolute path"
'

test_expect_success 'layout: every problem of a directory' '
	mkdir -p lay/extra && echo "{}" >lay/manifest &&
	expect_invalid lay "lay/manifest: acKind: required
lay/manifest: acVersion: required
lay/manifest: name: required
lay: rootfs: missing
lay: extra: not manifest or rootfs"
'

test_done
