#!/bin/sh
# stage1 volumes: host volumes read-write and read-only, empty volumes shared
# by apps, mount points served by volumes, read-only root filesystems, and
# no way out of the app root through symlinks.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"

test_expect_success 'a read-write host volume: the app writes to the host' '
	mkdir -p host-rw && echo from-host >host-rw/in &&
	pod=$(stage1_pod) && stage1_app "$pod" rw &&
	stage1_manifest "$pod" "$(app_json rw "\"/bin/sh\", \"-c\", \"cat /data/in && echo from-app >/data/out\"" "" "\"mounts\": [{\"volume\": \"data\", \"path\": \"/data\"}]")" \
		"\"volumes\": [{\"name\": \"data\", \"kind\": \"host\", \"source\": \"$TRASH/host-rw\"}]" &&
	stage1_run "$pod" >out &&
	echo from-host >expect && test_cmp expect out &&
	echo from-app >expect && test_cmp expect host-rw/out &&
	no_mounts_left
'

test_expect_success 'a read-only host volume cannot be written' '
	mkdir -p host-ro && echo keep >host-ro/f &&
	pod=$(stage1_pod) && stage1_app "$pod" ro &&
	stage1_manifest "$pod" "$(app_json ro "\"/bin/sh\", \"-c\", \"cat /ro/f; if echo x >/ro/f; then echo written; else echo refused; fi; grep \\\" /ro \\\" /proc/mounts | cut -d\\\" \\\" -f4 | cut -d, -f1\"" "" "\"mounts\": [{\"volume\": \"ro\", \"path\": \"/ro\"}]")" \
		"\"volumes\": [{\"name\": \"ro\", \"kind\": \"host\", \"source\": \"$TRASH/host-ro\", \"readOnly\": true}]" &&
	stage1_run "$pod" >out 2>/dev/null &&
	printf "keep\nrefused\nro\n" >expect && test_cmp expect out &&
	echo keep >expect && test_cmp expect host-ro/f
'

test_expect_success 'a host volume in a read-only mount point of the app is read-only' '
	mkdir -p host-mp &&
	pod=$(stage1_pod) && stage1_app "$pod" mp &&
	stage1_manifest "$pod" "$(app_json mp "\"/bin/sh\", \"-c\", \"touch /mp/x 2>/dev/null && echo written || echo refused\"" "\"mountPoints\": [{\"name\": \"mp\", \"path\": \"/mp\", \"readOnly\": true}]")" \
		"\"volumes\": [{\"name\": \"mp\", \"kind\": \"host\", \"source\": \"$TRASH/host-mp\"}]" &&
	stage1_run "$pod" >out &&
	echo refused >expect && test_cmp expect out && test ! -e host-mp/x
'

test_expect_success 'an empty volume is shared by two apps, with its mode and owner' '
	pod=$(stage1_pod) && stage1_app "$pod" writer && stage1_app "$pod" reader &&
	stage1_manifest "$pod" "$(app_json writer "\"/bin/sh\", \"-c\", \"echo shared >/w/file\"" "" "\"mounts\": [{\"volume\": \"scratch\", \"path\": \"/w\"}]"),$(app_json reader "\"/bin/sh\", \"-c\", \"i=0; while ! test -s /r/file && test \$i -lt 100; do sleep 0.1; i=\$((i+1)); done; cat /r/file; stat -c %a:%u:%g /r\"" "" "\"mounts\": [{\"volume\": \"scratch\", \"path\": \"/r\"}]")" \
		"\"volumes\": [{\"name\": \"scratch\", \"kind\": \"empty\", \"mode\": \"0770\", \"uid\": 1000, \"gid\": 50}]" &&
	stage1_run "$pod" >out &&
	printf "shared\n770:1000:50\n" >expect && test_cmp expect out &&
	test -f "$pod/volumes/scratch/file" &&
	no_mounts_left
'

test_expect_success 'an appVolume in a mount overrides the pod volume list' '
	mkdir -p host-av && echo av >host-av/f &&
	pod=$(stage1_pod) && stage1_app "$pod" av &&
	stage1_manifest "$pod" "$(app_json av "\"cat\", \"/av/f\"" "" "\"mounts\": [{\"volume\": \"av\", \"path\": \"/av\", \"appVolume\": {\"name\": \"av\", \"kind\": \"host\", \"source\": \"$TRASH/host-av\"}}]")" &&
	stage1_run "$pod" >out &&
	echo av >expect && test_cmp expect out
'

test_expect_success 'a symlinked host volume source is refused' '
	mkdir -p real && ln -s real link &&
	pod=$(stage1_pod) && stage1_app "$pod" sl &&
	stage1_manifest "$pod" "$(app_json sl "\"true\"" "" "\"mounts\": [{\"volume\": \"v\", \"path\": \"/v\"}]")" \
		"\"volumes\": [{\"name\": \"v\", \"kind\": \"host\", \"source\": \"$TRASH/link\"}]" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: app sl: volume v: source $TRASH/link: a symbolic link is in the path" err &&
	no_mounts_left
'

test_expect_success 'a missing volume is an error naming the app and mount' '
	pod=$(stage1_pod) && stage1_app "$pod" mv &&
	stage1_manifest "$pod" "$(app_json mv "\"true\"" "" "\"mounts\": [{\"volume\": \"nope\", \"path\": \"/v\"}]")" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: pod: apps\[0\].mounts\[0\].volume: no volume named \"nope\"" err &&
	stage1_manifest "$pod" "$(app_json mv "\"true\"" "\"mountPoints\": [{\"name\": \"nope\", \"path\": \"/v\"}]")" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: app mv: mount /v: no volume named \"nope\"" err
'

test_expect_success 'a symlink in the image never takes a mount out of the app root' '
	mkdir -p escape src && echo marker >escape/marker && echo vol >src/f &&
	pod=$(stage1_pod) && stage1_app "$pod" esc &&
	ln -s "$TRASH/escape" "$pod/stage1/rootfs/opt/stage2/esc/rootfs/data" &&
	ln -s ../../../../../../../../../.. "$pod/stage1/rootfs/opt/stage2/esc/rootfs/up" &&
	stage1_manifest "$pod" "$(app_json esc "\"/bin/sh\", \"-c\", \"cat /data/f /up/x/f\"" "" "\"mounts\": [{\"volume\": \"v\", \"path\": \"/data\"}, {\"volume\": \"v\", \"path\": \"/up/x\"}]")" \
		"\"volumes\": [{\"name\": \"v\", \"kind\": \"host\", \"source\": \"$TRASH/src\"}]" &&
	stage1_run "$pod" >out 2>err &&
	printf "vol\nvol\n" >expect && test_cmp expect out &&
	test -d "$pod/stage1/rootfs/opt/stage2/esc/rootfs/data" &&
	test -d "$pod/stage1/rootfs/opt/stage2/esc/rootfs/x" &&
	echo marker >expect && test_cmp expect escape/marker &&
	test ! -e escape/f && test ! -e "$TRASH/../x" &&
	no_mounts_left
'

test_expect_success 'readOnlyRootFS: the root is read-only, volumes stay writable' '
	mkdir -p host-w &&
	pod=$(stage1_pod) && stage1_app "$pod" rofs &&
	stage1_manifest "$pod" "$(app_json rofs "\"/bin/sh\", \"-c\", \"touch /x 2>/dev/null && echo root-written; touch /w/x && echo volume-written; echo t >/dev/shm/t && echo shm-written\"" "" "\"readOnlyRootFS\": true, \"mounts\": [{\"volume\": \"w\", \"path\": \"/w\"}]")" \
		"\"volumes\": [{\"name\": \"w\", \"kind\": \"host\", \"source\": \"$TRASH/host-w\"}]" &&
	stage1_run "$pod" >out &&
	printf "volume-written\nshm-written\n" >expect && test_cmp expect out &&
	test ! -e "$pod/stage1/rootfs/opt/stage2/rofs/rootfs/x"
'

test_expect_success 'overlapping mount targets are an error' '
	mkdir -p o1 &&
	pod=$(stage1_pod) && stage1_app "$pod" ovl &&
	stage1_manifest "$pod" "$(app_json ovl "\"true\"" "" "\"mounts\": [{\"volume\": \"o\", \"path\": \"/a\"}, {\"volume\": \"o\", \"path\": \"/a/b\"}]")" \
		"\"volumes\": [{\"name\": \"o\", \"kind\": \"host\", \"source\": \"$TRASH/o1\"}]" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: app ovl: mounts /a and /a/b overlap" err
'

test_done
