#!/bin/sh
# pod-prepare: the pod directory it writes, the reified manifest, and a
# failed prepare leaving nothing behind. Uses a fake stage1 (only its files
# matter here); real pods run in t5100.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-cas.sh"

test_expect_success 'setup: a busybox image and a fake stage1 in the store' '
	img=$(store_image hello example.com/hello /bin/echo hello) &&
	s1=$(fake_stage1 s1) &&
	echo "$img" >img.id && echo "$s1" >s1.id &&
	case $img in sha512-*) ;; *) false ;; esac
'
img=$(cat img.id)
s1=$(cat s1.id)
S1="--stage1-image=$s1"

test_expect_success 'prepare prints a v4 UUID and leaves the pod in prepared' '
	pod-prepare "$S1" "$img" >uuid &&
	uuid=$(cat uuid) &&
	echo "$uuid" | grep -Eq "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" &&
	test "$(pods_in prepared)" = "$uuid" &&
	test -z "$(pods_in embryo)$(pods_in prepare)$(pods_in run)"
'

test_expect_success 'the pod directory holds the contract layout' '
	uuid=$(cat uuid) && p=$RKT_DIR/pods/prepared/$uuid &&
	test -f "$p/pod" && test -f "$p/runtime.json" &&
	test -x "$p/stage1/rootfs/init" && test -f "$p/stage1/manifest" &&
	test -f "$p/apps/hello/manifest" && test -f "$p/apps/hello/treeStoreID" &&
	test -d "$p/stage1/rootfs/opt/stage2/hello/rootfs" &&
	jq -e ".hostname == \"\" and .overlay == true and (.created | test(\"Z$\"))" "$p/runtime.json" &&
	test -d "$(cat "$p/apps/hello/lowerdir")/bin" &&
	test -d "$p/apps/hello/upper" && test -d "$p/apps/hello/work" &&
	test -z "$(ls "$p/stage1/rootfs/opt/stage2/hello/rootfs")"
'

test_expect_success 'the pod manifest is reified: the image app, its ID and name' '
	p=$RKT_DIR/pods/prepared/$(cat uuid) &&
	jq -e ".acKind == \"PodManifest\" and (.apps | length) == 1" "$p/pod" &&
	jq -e ".apps[0].name == \"hello\" and .apps[0].image.id == \"$img\"" "$p/pod" &&
	jq -e ".apps[0].image.name == \"example.com/hello\"" "$p/pod" &&
	jq -e ".apps[0].app.exec == [\"/bin/echo\", \"hello\"] and .apps[0].app.user == \"0\"" "$p/pod" &&
	aci-validate --type=pod-manifest "$p/pod"
'

test_expect_success '--uuid-file-save writes the UUID without a newline' '
	pod-prepare "$S1" --uuid-file-save=saved "$img" >uuid2 &&
	printf %s "$(cat uuid2)" >expect &&
	test_cmp expect saved
'

test_expect_success 'app flags override the image app; -- appends, --- separates apps' '
	pod-prepare "$S1" --set-env=POD=1 --hostname=h1 --dns=9.9.9.9 --hosts-entry=10.0.0.1=a,b \
		"$img" --exec=/bin/sh --user=user --group=staff --set-env=APP=2 \
			--working-dir=/tmp --supplementary-gids=50,60 --readonly-rootfs -- -c "echo \$APP" --- \
		"$img" --name=second -- extra >u &&
	p=$RKT_DIR/pods/prepared/$(cat u) &&
	jq -e ".apps[0].app.exec == [\"/bin/sh\", \"-c\", \"echo \$APP\"]" "$p/pod" &&
	jq -e ".apps[0].app.user == \"user\" and .apps[0].app.group == \"staff\"" "$p/pod" &&
	jq -e ".apps[0].app.workingDirectory == \"/tmp\" and .apps[0].readOnlyRootFS == true" "$p/pod" &&
	jq -e ".apps[0].app.supplementaryGIDs == [50, 60]" "$p/pod" &&
	jq -e "[.apps[0].app.environment[] | select(.name == \"POD\" or .name == \"APP\")] | length == 2" "$p/pod" &&
	jq -e ".apps[1].name == \"second\" and .apps[1].app.exec == [\"/bin/echo\", \"hello\", \"extra\"]" "$p/pod" &&
	jq -e "[.apps[1].app.environment[] | select(.name == \"APP\")] | length == 0" "$p/pod" &&
	jq -e ".hostname == \"h1\" and .dns == [\"9.9.9.9\"]" "$p/runtime.json" &&
	jq -e ".hostsEntries == [{\"ip\": \"10.0.0.1\", \"names\": [\"a\", \"b\"]}]" "$p/runtime.json" &&
	test -d "$p/apps/second" && test -d "$p/stage1/rootfs/opt/stage2/second/rootfs"
'

test_expect_success 'isolator flags become isolators of the app' '
	pod-prepare "$S1" "$img" --memory=64M --cpu=500m --cap-remove=CAP_CHOWN \
		--seccomp=mode=remove,errno=EPERM,reboot >u &&
	p=$RKT_DIR/pods/prepared/$(cat u) &&
	jq -e "[.apps[0].app.isolators[].name] | sort == [\"os/linux/capabilities-remove-set\", \"os/linux/seccomp-remove-set\", \"resource/cpu\", \"resource/memory\"]" "$p/pod" &&
	jq -e ".apps[0].app.isolators[] | select(.name == \"resource/memory\") | .value.limit == \"64M\"" "$p/pod"
'

test_expect_success 'volumes, mounts, ports, and an implicit empty volume' '
	mkdir -p vimg && make_image_dir vimg example.com/vol &&
	add_app_fields vimg "\"mountPoints\": [{\"name\": \"data\", \"path\": \"/data\"}, {\"name\": \"scratch\", \"path\": \"/scratch\"}], \"ports\": [{\"name\": \"http\", \"protocol\": \"tcp\", \"port\": 80}]" &&
	aci-build --owner-root vimg vimg.aci && vid=$(cas-store import vimg.aci) &&
	mkdir -p host && pod-prepare "$S1" --volume=data,kind=host,source=$TRASH/host,readOnly=true \
		--volume=e,kind=empty,mode=0700,uid=5,gid=6 --port=http:8080 \
		"$vid" --mount=volume=e,target=/extra >u &&
	p=$RKT_DIR/pods/prepared/$(cat u) &&
	jq -e ".volumes[] | select(.name == \"data\") | .kind == \"host\" and .readOnly == true" "$p/pod" &&
	jq -e ".volumes[] | select(.name == \"e\") | .mode == \"0700\" and .uid == 5 and .gid == 6" "$p/pod" &&
	jq -e ".volumes[] | select(.name == \"scratch\") | .kind == \"empty\"" "$p/pod" &&
	jq -e "[.apps[0].mounts[] | .volume + \":\" + .path] | sort == [\"data:/data\", \"e:/extra\", \"scratch:/scratch\"]" "$p/pod" &&
	jq -e ".ports == [{\"name\": \"http\", \"hostPort\": 8080}]" "$p/pod" &&
	echo "$vid" >vid
'

test_expect_success '--mount target may name a mount point the image declares' '
	pod-prepare "$S1" --volume=v,kind=empty "$(cat vid)" --mount=volume=v,target=data >u &&
	jq -e ".apps[0].mounts[] | select(.volume == \"v\") | .path == \"/data\"" \
		"$RKT_DIR/pods/prepared/$(cat u)/pod"
'

test_expect_success '--pod-manifest prepares the pod a manifest describes' '
	p=$RKT_DIR/pods/prepared/$(cat uuid) &&
	pod-prepare "$S1" --pod-manifest="$p/pod" >u &&
	q=$RKT_DIR/pods/prepared/$(cat u) &&
	jq -S .apps "$p/pod" >expect && jq -S .apps "$q/pod" >actual &&
	test_cmp expect actual &&
	test_expect_code 2 pod-prepare "$S1" --pod-manifest="$p/pod" "$img" 2>err &&
	grep -q "exclusive" err
'

test_expect_success '--no-overlay copies the tree: the same files as the rendered one' '
	pod-prepare "$S1" --no-overlay "$img" >u &&
	p=$RKT_DIR/pods/prepared/$(cat u) &&
	test ! -e "$p/apps/hello/lowerdir" && test ! -e "$p/apps/hello/upper" &&
	jq -e ".overlay == false" "$p/runtime.json" &&
	q=$RKT_DIR/pods/prepared/$(cat uuid) &&
	(cd "$(cat "$q/apps/hello/lowerdir")" && find . -printf "%p %y %m %s %l\n" | sort) >expect &&
	(cd "$p/stage1/rootfs/opt/stage2/hello/rootfs" && find . -printf "%p %y %m %s %l\n" | sort) >actual &&
	test_cmp expect actual &&
	cmp "$p/stage1/rootfs/opt/stage2/hello/rootfs/bin/busybox" hello/rootfs/bin/busybox
'

# layer DIR NAME DEPS WHITELIST: import DIR (rootfs already filled).
layer() {
	cas_manifest "$2" 1 "${3:-}" "${4:-}" >"$1/manifest" && cas_tar "$1" >"$1.tar" &&
	cas-store import "$1.tar"
}

# same_renders ID APP: the overlay's lower tree and the --no-overlay copy of
# ID (app APP) list the same files (path, type, mode, owner, size, link) into "actual".
same_renders() {
	pod-prepare "$S1" "$1" >uo && pod-prepare "$S1" --no-overlay "$1" >uc &&
	o=$RKT_DIR/pods/prepared/$(cat uo) && c=$RKT_DIR/pods/prepared/$(cat uc) &&
	jq -e ".overlay == false" "$c/runtime.json" &&
	_ls="%p %y %m %u %g %s %l\n" &&
	(cd "$(cat "$o/apps/$2/lowerdir")" && find . -printf "$_ls" | sort) >expect &&
	(cd "$c/stage1/rootfs/opt/stage2/$2/rootfs" && find . -printf "$_ls" | sort) >actual &&
	test_cmp expect actual && test_cmp "$o/apps/$2/treeStoreID" "$c/apps/$2/treeStoreID"
}

test_expect_success 'setup: base <- mid <- top, base and mid with a pathWhitelist' '
	mkdir -p base/rootfs/etc base/rootfs/usr/lib mid/rootfs/etc top/rootfs/etc &&
	for f in base over gone; do echo base >base/rootfs/etc/$f; done &&
	echo base >base/rootfs/usr/lib/l.so && echo base >base/rootfs/usr/only &&
	ln -s usr/lib base/rootfs/lib &&
	bid=$(layer base example.com/base "" "[\"/etc/base\",\"/etc/over\",\"/lib\",\"/usr/lib/l.so\"]") &&
	for f in mid over dropped; do echo mid >mid/rootfs/etc/$f; done &&
	layer mid example.com/mid "[{\"imageName\":\"example.com/base\"}]" \
		"[\"/etc/base\",\"/etc/over\",\"/etc/mid\",\"/usr/lib/l.so\"]" >/dev/null &&
	echo top >top/rootfs/etc/top && echo top >top/rootfs/etc/over &&
	tid=$(layer top example.com/top "[{\"imageName\":\"example.com/mid\"}]") &&
	echo "$bid" >bid && echo "$tid" >tid
'

test_expect_success 'overlay and --no-overlay: the same tree for an image with a pathWhitelist' '
	same_renders "$(cat bid)" base &&
	printf "%s\n" . ./etc ./etc/base ./etc/over ./lib ./usr ./usr/lib ./usr/lib/l.so >expect &&
	cut -d" " -f1 actual >paths && test_cmp expect paths
'

test_expect_success 'overlay and --no-overlay: the same tree for an image with dependencies' '
	same_renders "$(cat tid)" top &&
	printf "%s\n" . ./etc ./etc/base ./etc/mid ./etc/over ./etc/top ./usr ./usr/lib ./usr/lib/l.so >expect &&
	cut -d" " -f1 actual >paths && test_cmp expect paths &&
	test "$(cat "$c/stage1/rootfs/opt/stage2/top/rootfs/etc/over")" = top &&
	case $(cat "$c/apps/top/treeStoreID") in deps-sha512-*) ;; *) false ;; esac
'

# Each failure: a clear message, exit 1 (2 for usage), and no pod left over.
check_fails() {
	_code=$1 _pat=$2
	shift 2
	before=$(pods_in prepared | wc -l)
	test_expect_code "$_code" pod-prepare "$@" 2>err || return 1
	grep -q "^pod-prepare: .*$_pat" err || { cat err; return 1; }
	test -z "$(pods_in embryo)$(pods_in prepare)" &&
	test "$(pods_in prepared | wc -l)" = "$before"
}

test_expect_success 'failures leave nothing in prepared' '
	check_fails 1 "not found" "$S1" sha512-0123456789abcdef &&
	check_fails 1 "no such volume" "$S1" "$img" --mount=volume=nope,target=/x &&
	check_fails 1 "declares no mount point nope" "$S1" --volume=v,kind=empty "$img" --mount=volume=v,target=nope &&
	check_fails 1 "no app declares a port named web" "$S1" --port=web:80 "$img" &&
	check_fails 1 "source /no/such/dir" "$S1" --volume=d,kind=host,source=/no/such/dir "$img" &&
	check_fails 1 "two apps named hello" "$S1" "$img" "$img" &&
	check_fails 1 "not a valid app name" "$S1" "$img" --name=Bad_Name &&
	check_fails 1 "stage1" --stage1-image=sha512-00000000 "$img" &&
	check_fails 2 "kind" "$S1" --volume=d,source=/tmp "$img" &&
	check_fails 2 "must follow an image" "$S1" --exec=/bin/sh "$img"
'

test_expect_success 'a stage1 without /init fails after the embryo: still nothing left' '
	mkdir -p bad1/rootfs/bin &&
	sed "s/fake-stage1/bad-stage1/" s1/manifest >bad1/manifest &&
	aci-build bad1 bad1.aci && bad=$(cas-store import bad1.aci) &&
	check_fails 1 "no executable /init" --stage1-image="$bad" "$img"
'

test_expect_success 'the default stage1 is found beside the executable, imported once' '
	pod-prepare "$img" >u &&
	p=$RKT_DIR/pods/prepared/$(cat u) &&
	test -x "$p/stage1/rootfs/init" &&
	s1id=$(cat "$p/stage1/id") &&
	grep -q "^$s1id .*/stage1.aci$" "$RKT_DIR/pods/stage1-cache" &&
	pod-prepare "$img" >u2 &&
	test "$(cat "$RKT_DIR/pods/prepared/$(cat u2)/stage1/id")" = "$s1id"
'

test_expect_success 'stage1.d config names the stage1 image' '
	mkdir -p "$RKT_SYSTEM_CONFIG/stage1.d" &&
	cp s1.aci fake-s1.aci &&
	printf "{\"rktKind\": \"stage1\", \"rktVersion\": \"v1\", \"name\": \"fake\", \"version\": \"1\", \"location\": \"%s\"}\n" \
		"$TRASH/fake-s1.aci" >"$RKT_SYSTEM_CONFIG/stage1.d/fake.json" &&
	pod-prepare "$img" >u &&
	test "$(cat "$RKT_DIR/pods/prepared/$(cat u)/stage1/id")" = "$s1" &&
	rm -r "$RKT_SYSTEM_CONFIG/stage1.d"
'

test_done
