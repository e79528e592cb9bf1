#!/bin/sh
# stage1 runs a pod laid out by hand: output, exit statuses, pipes, the files
# it writes in the pod directory, namespaces, /dev, and nothing left mounted.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"

test_expect_success 'init --help prints usage, a bad option is a usage error' '
	pod=$(stage1_pod) &&
	"$pod/stage1/rootfs/init" --help >out &&
	grep -q "^usage: init" out &&
	test_expect_code 2 "$pod/stage1/rootfs/init" --no-such-option 2>err &&
	grep -q "^stage1: " err &&
	test_expect_code 2 "$pod/stage1/rootfs/init" not-a-uuid 2>err &&
	grep -q "not a pod UUID" err
'

test_expect_success 'the stage1 image is a valid ACI with a static init; rkt-stage1(5) renders' '
	aci-validate "$RKT_TEST_STAGE1" &&
	MANWIDTH=80 man --warnings -l "$SRC_DIR/man/rkt-stage1.5" >page 2>warn &&
	test ! -s warn && grep -q "EXIT STATUS" page &&
	tar -tzf "$RKT_TEST_STAGE1" >list &&
	grep -qx manifest list && grep -qx rootfs/init list &&
	pod=$(stage1_pod) &&
	grep -q "\"name\": \"rkt-tools/stage1\"" "$pod/stage1/manifest" &&
	case "$BUILD_DIR" in
	*asan*) true ;; # sanitizers need a dynamic init (STAGE1_STATIC=no)
	*) file "$pod/stage1/rootfs/init" | grep -q "statically linked" ;;
	esac
'

test_expect_success 'an app echoes; status and pid files are written' '
	pod=$(stage1_pod) && stage1_app "$pod" hello &&
	stage1_manifest "$pod" "$(app_json hello "\"/bin/echo\", \"hello from a pod\"")" &&
	stage1_run "$pod" >out &&
	echo "hello from a pod" >expect && test_cmp expect out &&
	echo 0 >expect && test_cmp expect "$pod/status/hello" &&
	grep -qx "[0-9][0-9]*" "$pod/pid" &&
	grep -qx "[0-9][0-9]*" "$pod/apps/hello/pid" &&
	no_mounts_left
'

test_expect_success 'exit status 3 is the pod status and recorded' '
	pod=$(stage1_pod) && stage1_app "$pod" three &&
	stage1_manifest "$pod" "$(app_json three "\"/bin/sh\", \"-c\", \"exit 3\"")" &&
	test_expect_code 3 stage1_run "$pod" &&
	echo 3 >expect && test_cmp expect "$pod/status/three" &&
	no_mounts_left
'

test_expect_success 'an app killed by a signal gives 128+N' '
	pod=$(stage1_pod) && stage1_app "$pod" killed &&
	stage1_manifest "$pod" "$(app_json killed "\"/bin/sh\", \"-c\", \"kill -USR1 \$\$\"")" &&
	test_expect_code 138 stage1_run "$pod" &&
	echo 138 >expect && test_cmp expect "$pod/status/killed"
'

test_expect_success 'a pod in a pipeline: stdin and stdout pass through' '
	pod=$(stage1_pod) && stage1_app "$pod" cat &&
	stage1_manifest "$pod" "$(app_json cat "\"cat\"")" &&
	echo x | stage1_run "$pod" >out &&
	echo x >expect && test_cmp expect out
'

test_expect_success 'two apps: both run, the first non-zero status is the pod status' '
	pod=$(stage1_pod) && stage1_app "$pod" a && stage1_app "$pod" b && stage1_app "$pod" c &&
	stage1_manifest "$pod" "$(app_json a "\"true\""),$(app_json b "\"/bin/sh\",\"-c\",\"exit 5\""),$(app_json c "\"/bin/sh\",\"-c\",\"sleep 0.2; exit 7\"")" &&
	test_expect_code 5 stage1_run "$pod" &&
	echo 0 >expect && test_cmp expect "$pod/status/a" &&
	echo 5 >expect && test_cmp expect "$pod/status/b" &&
	echo 7 >expect && test_cmp expect "$pod/status/c"
'

test_expect_success 'the app is PID 2 of its own PID namespace and sees only the pod' '
	pod=$(stage1_pod) && stage1_app "$pod" ps &&
	stage1_manifest "$pod" "$(app_json ps "\"/bin/sh\", \"-c\", \"echo \$\$; ps -o pid,comm >/tmp/ps; tail -n +2 /tmp/ps | wc -l\"")" &&
	stage1_run "$pod" >out &&
	printf "2\n3\n" >expect && test_cmp expect out &&
	hostpid=$(cat "$pod/apps/ps/pid") && test "$hostpid" -gt 2 &&
	initpid=$(cat "$pod/pid") && test "$initpid" -ne "$$"
'

test_expect_success 'hostname defaults to rkt-UUID, runtime.json sets it' '
	pod=$(stage1_pod) && stage1_app "$pod" h &&
	stage1_manifest "$pod" "$(app_json h "\"hostname\"")" &&
	stage1_run "$pod" >out &&
	echo "rkt-$(basename "$pod")" >expect && test_cmp expect out &&
	stage1_runtime "$pod" "{\"hostname\": \"podhost\", \"dns\": [], \"dnsSearch\": [], \"dnsOptions\": [], \"hostsEntries\": [], \"overlay\": false}" &&
	stage1_run "$pod" >out &&
	echo podhost >expect && test_cmp expect out &&
	test "$(hostname)" != podhost
'

test_expect_success '/dev holds the minimal devices, pts, shm; /proc and /sys are mounted' '
	pod=$(stage1_pod) && stage1_app "$pod" dev &&
	stage1_manifest "$pod" "$(app_json dev "\"/bin/sh\", \"-c\", \"for d in null zero full random urandom tty console; do test -c /dev/\$d || echo missing \$d; done; test -d /dev/pts && test -L /dev/ptmx && echo ok >/dev/null && test -f /proc/self/status && test -d /sys/kernel && grep -q \\\" /dev/shm tmpfs\\\" /proc/mounts && grep -q \\\" /sys sysfs ro\\\" /proc/mounts && echo fine\"")" &&
	stage1_run "$pod" >out &&
	echo fine >expect && test_cmp expect out
'

test_expect_success 'the pod lock fd does not reach the app' '
	pod=$(stage1_pod) && stage1_app "$pod" fds &&
	stage1_manifest "$pod" "$(app_json fds "\"/bin/sh\", \"-c\", \"ls /proc/self/fd\"")" &&
	stage1_run "$pod" </dev/null >out &&
	printf "0\n1\n2\n3\n" >expect && test_cmp expect out
'

test_expect_success 'the environment is written NUL-separated for pod-enter' '
	pod=$(stage1_pod) && stage1_app "$pod" env &&
	stage1_manifest "$pod" "$(app_json env "\"true\"")" &&
	stage1_run "$pod" &&
	tr "\0" "\n" <"$pod/apps/env/env" >env &&
	grep -qx AC_APP_NAME=env env &&
	grep -qx "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" env
'

test_expect_success 'overlay mode: the app writes into upper, the tree is untouched' '
	pod=$(stage1_pod) && stage1_app "$pod" ov overlay &&
	stage1_manifest "$pod" "$(app_json ov "\"/bin/sh\", \"-c\", \"echo data >/written && cat /written && grep -q \\\"^overlay / overlay\\\" /proc/mounts\"")" &&
	stage1_run "$pod" >out &&
	echo data >expect && test_cmp expect out &&
	test_cmp expect "$pod/apps/ov/upper/written" &&
	test ! -e "$(cat "$pod/apps/ov/lowerdir")/written" &&
	no_mounts_left
'

test_expect_success 'a missing executable fails clearly; no status for an app that never ran' '
	pod=$(stage1_pod) && stage1_app "$pod" nope &&
	stage1_manifest "$pod" "$(app_json nope "\"/bin/no-such-program\"")" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: app nope: exec /bin/no-such-program: No such file" err &&
	test ! -e "$pod/status/nope" &&
	no_mounts_left
'

test_expect_success 'a missing workingDirectory fails naming the field' '
	pod=$(stage1_pod) && stage1_app "$pod" wd &&
	stage1_manifest "$pod" "$(app_json wd "\"pwd\"" "\"workingDirectory\": \"/no/such/dir\"")" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: app wd: workingDirectory /no/such/dir" err &&
	test ! -e "$pod/status/wd"
'

test_expect_success 'an app without an app object runs the app of its image manifest' '
	pod=$(stage1_pod) && stage1_app "$pod" img &&
	write_manifest "$pod/apps/img" example.com/img /bin/echo from-image &&
	echo "{\"acKind\": \"PodManifest\", \"acVersion\": \"0.8.11\", \"apps\": [{\"name\": \"img\", \"image\": {\"id\": \"$FAKE_IMAGE_ID\"}}]}" >"$pod/pod" &&
	stage1_run "$pod" >out &&
	echo from-image >expect && test_cmp expect out
'

test_expect_success 'an invalid pod manifest is refused naming the field' '
	pod=$(stage1_pod) && stage1_app "$pod" bad &&
	echo "{\"acKind\": \"PodManifest\", \"acVersion\": \"0.8.11\", \"apps\": [{\"name\": \"Bad Name\"}]}" >"$pod/pod" &&
	test_must_fail stage1_run "$pod" 2>err &&
	grep -q "^stage1: pod: apps\[0\]" err
'

test_done
