#!/bin/sh
# Real pods with the real stage1: output, exit codes, pipes, volumes, users,
# environment, hostname, several apps, --pod-manifest, overlay and copy.
# They share the host's network (--net=host): networking is t7xxx's, and
# rkt's default private network is what t5410 and t6300 run under.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"

test_expect_success 'setup: a busybox image in the store' '
	store_image bb example.com/busybox /bin/echo hello from a pod >img.id
'
img=$(cat img.id)

test_expect_success 'a pod echoes its exec' '
	bounded 30 pod-run --net=host "$img" >out &&
	echo "hello from a pod" >expect &&
	test_cmp expect out
'

test_expect_success 'exit codes: 0, 3, and 128+N for a signal' '
	bounded 30 pod-run --net=host "$img" --exec=/bin/true &&
	test_expect_code 3 bounded 30 pod-run --net=host "$img" --exec=/bin/sh -- -c "exit 3" &&
	test_expect_code 137 bounded 30 pod-run --net=host "$img" --exec=/bin/sh -- -c "kill -9 \$\$" &&
	test_expect_code 143 bounded 30 pod-run --net=host "$img" --exec=/bin/sh -- -c "kill -TERM \$\$"
'

test_expect_success 'a pod sits in a pipeline' '
	echo x | bounded 30 pod-run --net=host "$img" --exec=/bin/cat >out &&
	echo x >expect && test_cmp expect out &&
	seq 1 1000 | bounded 30 pod-run --net=host "$img" --exec=/bin/wc -- -l >out &&
	test "$(cat out)" = 1000
'

test_expect_success 'prepare then run: the pod ends exited, its status recorded' '
	uuid=$(pod-prepare "$img" --name=app --exec=/bin/sh -- -c "exit 7") &&
	test_expect_code 7 bounded 30 pod-run --net=host "$uuid" &&
	test "$(cat "$RKT_DIR/pods/run/$uuid/status/app")" = 7 &&
	flock -n "$RKT_DIR/pods/run/$uuid" true
'

test_expect_success 'several apps: --- separates them, -- gives each its args' '
	bounded 30 pod-run --net=host "$img" --name=a --exec=/bin/echo -- one --- \
		"$img" --name=b --exec=/bin/echo -- two >out &&
	sort out >actual && printf "one\ntwo\n" >expect && test_cmp expect actual
'

test_expect_success 'several apps: the status is the first non-zero in manifest order' '
	test_expect_code 4 bounded 30 pod-run --net=host "$img" --name=a --exec=/bin/true --- \
		"$img" --name=b --exec=/bin/sh -- -c "exit 4" --- \
		"$img" --name=c --exec=/bin/sh -- -c "exit 5"
'

test_expect_success 'two apps share an empty volume' '
	bounded 30 pod-run --net=host --volume=shared,kind=empty "$img" --name=writer \
		--mount=volume=shared,target=/shared --exec=/bin/sh -- -c "echo via-volume >/shared/f" --- \
		"$img" --name=reader --mount=volume=shared,target=/shared --exec=/bin/sh -- \
		-c "i=0; while [ ! -s /shared/f ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done; cat /shared/f" >out &&
	echo via-volume >expect && test_cmp expect out
'

test_expect_success 'a read-write host volume: the host sees what the app writes' '
	mkdir -p rw && echo from-host >rw/in &&
	bounded 30 pod-run --net=host --volume=rw,kind=host,source=$TRASH/rw "$img" --mount=volume=rw,target=/rw \
		--exec=/bin/sh -- -c "cat /rw/in >/rw/out" &&
	echo from-host >expect && test_cmp expect rw/out
'

test_expect_success 'a read-only host volume cannot be written' '
	mkdir -p ro && echo ro-data >ro/f &&
	test_must_fail bounded 30 pod-run --net=host --volume=ro,kind=host,source=$TRASH/ro,readOnly=true "$img" \
		--mount=volume=ro,target=/ro --exec=/bin/sh -- -c "cat /ro/f && touch /ro/new" >out &&
	echo ro-data >expect && test_cmp expect out && test ! -e ro/new
'

test_expect_success 'user and group by name, from the image /etc files' '
	bounded 30 pod-run --net=host "$img" --user=user --group=staff --exec=/bin/sh -- -c "id -u; id -g" >out &&
	printf "1000\n50\n" >expect && test_cmp expect out
'

test_expect_success 'user and group by number, supplementary groups' '
	bounded 30 pod-run --net=host "$img" --user=1234 --group=5678 --supplementary-gids=50,60 \
		--exec=/bin/sh -- -c "id -u; id -g; id -G" >out &&
	printf "1234\n5678\n5678 50 60\n" >expect && test_cmp expect out
'

test_expect_success 'environment: image, pod-level, app-level overrides, AC_APP_NAME' '
	mkdir -p envimg && make_image_dir envimg example.com/envimg &&
	add_app_fields envimg "\"environment\": [{\"name\": \"IMG\", \"value\": \"i\"}, {\"name\": \"OVR\", \"value\": \"image\"}]" &&
	aci-build --owner-root envimg envimg.aci && eid=$(cas-store import envimg.aci) &&
	bounded 30 pod-run --net=host --set-env=POD=p --set-env=OVR=pod "$eid" --name=envapp --set-env=OVR=app \
		--exec=/bin/sh -- -c "echo \$IMG \$POD \$OVR \$AC_APP_NAME" >out &&
	echo "i p app envapp" >expect && test_cmp expect out
'

test_expect_success 'the pod has its own hostname' '
	bounded 30 pod-run --net=host --hostname=podhost-$$ "$img" --exec=/bin/hostname >out &&
	echo "podhost-$$" >expect && test_cmp expect out
'

test_expect_success '--dns=host and --hosts-entry=host give the host files (as in rkt)' '
	bounded 30 pod-run --net=host --dns=host --hosts-entry=host "$img" \
		--exec=/bin/cat -- /etc/resolv.conf /etc/hosts >out &&
	cat /etc/resolv.conf /etc/hosts >expect && test_cmp expect out &&
	bounded 30 pod-run --net=host --dns=192.0.2.53 --hosts-entry=192.0.2.9=nine "$img" \
		--exec=/bin/cat -- /etc/resolv.conf /etc/hosts >out &&
	grep -qx "nameserver 192.0.2.53" out && grep -qx "192.0.2.9	nine" out
'

test_expect_success 'host and none stand alone: mixed with entries is refused' '
	test_must_fail pod-prepare --dns=host --dns=192.0.2.53 "$img" 2>err &&
	grep -q "^pod-prepare: --dns=192.0.2.53: host and none cannot be combined" err &&
	test_must_fail pod-prepare --hosts-entry=192.0.2.9=nine --hosts-entry=host "$img" 2>err &&
	grep -q "^pod-prepare: --hosts-entry=host: host cannot be combined" err &&
	test -z "$(ls "$RKT_DIR/pods/prepared")"
'

test_expect_success 'working directory' '
	bounded 30 pod-run --net=host "$img" --working-dir=/tmp --exec=/bin/pwd >out &&
	echo /tmp >expect && test_cmp expect out
'

test_expect_success '--pod-manifest runs the pod a manifest describes' '
	uuid=$(pod-prepare "$img" --name=fromfile --exec=/bin/echo -- from a manifest) &&
	cp "$RKT_DIR/pods/prepared/$uuid/pod" pm.json &&
	bounded 30 pod-run --net=host --pod-manifest=pm.json >out &&
	echo "from a manifest" >expect && test_cmp expect out
'

test_expect_success 'overlay and --no-overlay show the app the same tree' '
	cmd="find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o -print | sort" &&
	bounded 30 pod-run --net=host "$img" --exec=/bin/sh -- -c "$cmd" >overlay &&
	bounded 30 pod-run --net=host --no-overlay "$img" --exec=/bin/sh -- -c "$cmd" >copy &&
	test_cmp overlay copy && grep -qx /bin/busybox copy
'

test_expect_success 'the app writes to its own (volatile) upper layer, not to the store' '
	bounded 30 pod-run --net=host --uuid-file-save=u "$img" --exec=/bin/sh -- -c \
		"echo x >/bin/new && cat /proc/self/mounts" >mounts &&
	test "$(cat "$RKT_DIR/pods/run/$(cat u)/apps/busybox/upper/bin/new")" = x &&
	grep -q "^overlay / overlay .*volatile" mounts &&
	bounded 30 pod-run --net=host "$img" --exec=/bin/sh -- -c "test ! -e /bin/new"
'

test_expect_success 'a removed capability makes chown fail' '
	bounded 30 pod-run --net=host "$img" --exec=/bin/sh -- -c "touch /tmp/f && chown 1 /tmp/f" &&
	test_must_fail bounded 30 pod-run --net=host "$img" --cap-remove=CAP_CHOWN \
		--exec=/bin/sh -- -c "touch /tmp/f && chown 1 /tmp/f"
'

test_expect_success '--memory: a hog is killed, a small app is not' '
	test_expect_code 137 bounded 30 pod-run --net=host "$img" --memory=16Mi --exec=/bin/sh -- \
		-c "x=\$(head -c 100000000 /dev/zero | tr \"\\\\0\" a); echo survived" >out &&
	! grep -q survived out &&
	bounded 30 pod-run --net=host "$img" --memory=64Mi --exec=/bin/sh -- -c "echo survived" >out &&
	grep -qx survived out
'

test_expect_success 'the image pre-start and post-stop handlers run around the app' '
	mkdir -p hookimg hooks && make_image_dir hookimg example.com/hooks /bin/sh -c "echo main >>/h/log" &&
	add_app_fields hookimg "\"eventHandlers\": [{\"name\": \"pre-start\", \"exec\": [\"/bin/sh\", \"-c\", \"echo pre >>/h/log\"]}, {\"name\": \"post-stop\", \"exec\": [\"/bin/sh\", \"-c\", \"echo post >>/h/log\"]}], \"mountPoints\": [{\"name\": \"h\", \"path\": \"/h\"}]" &&
	aci-build --owner-root hookimg hookimg.aci && hid=$(cas-store import hookimg.aci) &&
	bounded 30 pod-run --net=host --volume=h,kind=host,source=$TRASH/hooks "$hid" &&
	printf "pre\nmain\npost\n" >expect && test_cmp expect hooks/log
'

test_done
