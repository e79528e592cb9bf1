#!/bin/sh
# pod-run and pod-enter under valgrind's memcheck for a real pod (an app, a
# host volume, a memory isolator, exit statuses), up to their exec of
# stage1, and on their error paths, which exit (so leaks are checked). Each
# process logs to its own file; any error or definite leak fails. Run by
# `make valgrind`, not by prove t/: the asan suite's binaries cannot run
# under valgrind. Stage1 itself (init, the pod's PID 1, enter) cannot:
# valgrind 3.19 (Debian 12) has no openat2, open_tree, move_mount nor
# mount_setattr, which it needs; `make asan` checks it with ASan and LSan.
RKT_T_DIR=${RKT_T_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
. "$RKT_T_DIR/lib.sh"
. "$T_DIR/lib-pod.sh"

# $TRASH/vg CMD...: CMD under memcheck, one log a process in $TRASH/vglog;
# an error makes the exit status 99.
mkdir -p "$TRASH/vglog"
cat >"$TRASH/vg" <<EOS
#!/bin/sh
exec valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--log-file="$TRASH/vglog/%p.log" "\$@"
EOS
chmod 755 "$TRASH/vg"

# vg_clean: some process logged, none wrote a report
vg_clean() {
	for _f in "$TRASH"/vglog/*.log; do
		test -s "$_f" || continue
		cat "$_f" >&2
		echo "valgrind report: $_f" >&2
		return 1
	done
	test -n "$(ls "$TRASH/vglog")"
}

test_expect_success 'pod-run starts a pod with a volume and an isolator' '
	mkdir -p host && echo from-host >host/in &&
	img=$(store_image app example.com/vg) &&
	pod-prepare --volume=data,kind=host,source=$TRASH/host "$img" \
		--mount=volume=data,target=/data --memory=64Mi --exec=/bin/sh -- -c \
		"cat /data/in; touch /data/ready; while ! test -e /data/stop; do sleep 0.1; done; exit 3" >uuid &&
	{ bounded 50 "$TRASH/vg" pod-run "$(cat uuid)" >out 2>err; echo $? >rc; } &
	wait_for 30 "test -e host/ready"
'
uuid=$(cat uuid)

test_expect_success 'pod-enter: the volume, the exit status' '
	bounded 30 "$TRASH/vg" pod-enter "$uuid" /bin/cat /data/in >actual &&
	echo from-host >expect && test_cmp expect actual &&
	test_expect_code 7 bounded 30 "$TRASH/vg" pod-enter "$uuid" /bin/sh -c "exit 7"
'

test_expect_success 'the pod exits with its app status' '
	touch host/stop &&
	wait_for 30 "test -s rc" &&
	echo 3 >expect && test_cmp expect rc &&
	echo from-host >expect && test_cmp expect out
'

test_expect_success 'error paths: an exited pod, an unknown pod' '
	test_must_fail bounded 30 "$TRASH/vg" pod-enter "$uuid" /bin/true 2>err &&
	test_must_fail bounded 30 "$TRASH/vg" pod-run "$uuid" 2>err &&
	test_must_fail bounded 30 "$TRASH/vg" pod-enter 00000000-0000-0000-0000-000000000000 /bin/true 2>err &&
	test_must_fail bounded 30 "$TRASH/vg" pod-run 00000000-0000-0000-0000-000000000000 2>err
'

test_expect_success 'no valgrind report from any process' '
	vg_clean
'

test_done
