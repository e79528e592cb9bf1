# Pod test fixtures: images built with aci-build and imported into the
# scratch store, a fake stage1 for pod-run's own contract. Source after lib.sh.

# store_image DIR NAME [EXEC...]: build a busybox image in DIR, import it,
# print its ID.
store_image() {
	_sd=$1
	shift
	make_image_dir "$_sd" "$@" >/dev/null &&
	aci-build --owner-root "$_sd" "$_sd.aci" >/dev/null &&
	cas-store import "$_sd.aci"
}

# add_app_fields DIR 'json fields': add members to the app object of DIR's
# manifest (e.g. mountPoints, ports).
add_app_fields() {
	sed "s|\"group\": \"0\"|\"group\": \"0\", $2|" "$1/manifest" >"$1/manifest.new" &&
	mv "$1/manifest.new" "$1/manifest"
}

# fake_stage1 DIR: an ACI whose init is a shell script that records how
# pod-run started it (args, cwd, whether the lock fd holds the pod lock)
# into $TRASH/stage1.log and exits with $FAKE_STAGE1_EXIT (default 0).
fake_stage1() {
	mkdir -p "$1/rootfs" &&
	cat >"$1/manifest" <<EOM &&
{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/fake-stage1",
 "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}]}
EOM
	cat >"$1/rootfs/init" <<EOS &&
#!/bin/sh
log=$TRASH/stage1.log
echo "args: \$*" >"\$log"
echo "cwd: \$(pwd)" >>"\$log"
for a in "\$@"; do
	case \$a in --lock-fd=*) fd=\${a#--lock-fd=} ;; esac
done
if [ -n "\${fd:-}" ] && [ -e /proc/\$\$/fd/\$fd ]; then
	echo "lockfd: \$(readlink /proc/\$\$/fd/\$fd)" >>"\$log"
fi
if flock -n -x "\$(pwd)" true 2>/dev/null; then echo "lock: free" >>"\$log"; else echo "lock: held" >>"\$log"; fi
exit \${FAKE_STAGE1_EXIT:-0}
EOS
	chmod 755 "$1/rootfs/init" &&
	aci-build --owner-root "$1" "$1.aci" >/dev/null &&
	cas-store import "$1.aci"
}

# pods_in STATE: the pods in a state directory, one a line.
pods_in() {
	ls "$RKT_DIR/pods/$1" 2>/dev/null
}

# no_pods_left: nothing in embryo, prepare or prepared.
no_pods_left() {
	test -z "$(pods_in embryo)$(pods_in prepare)$(pods_in prepared)"
}
