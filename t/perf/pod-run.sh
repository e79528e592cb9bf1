#!/usr/bin/env bash
# Pod start-up: start to exit of a /bin/true pod (pod-run of a prepared pod,
# and `rkt run` of a stored image: prepare + run) against
# `unshare -mpfu --mount-proc chroot ROOTFS /bin/true` and `crun run` of the
# same rootfs; then warm pod-prepare of a ~200 MB image.
# Goals: pod-run within 2x of unshare+chroot, at least 2x faster than crun;
# warm pod-prepare under 20 ms.
# Pods run with --net=host: the baselines share the host's network too.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$top/build/bin:$PATH:/usr/sbin:/sbin"
. "$top/t/lib-image.sh"

# big_tree DIR: a ~200 MB image dir (many small files from /usr/include and
# /usr/share, binaries from /usr/lib), kept in /tmp between runs.
big_tree() {
	[ -f "$1/.complete" ] && return 0
	rm -rf "$1" && mkdir -p "$1/rootfs/usr/lib" || return 1
	cp -a /usr/include "$1/rootfs/usr/" 2>/dev/null
	find /usr/lib /usr/share -type f -size -4M -printf '%s %p\n' 2>/dev/null | sort -k2 |
		awk '{ t += $1; if (t > 120000000) exit; print $2 }' |
		xargs cp --parents -t "$1/rootfs" 2>/dev/null
	cat >"$1/manifest" <<EOM
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/big",
 "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]}
EOM
	touch "$1/.complete"
}

N=${POD_BENCH_RUNS:-20}
work=$(mktemp -d /tmp/rkt-perf-pod.XXXXXX)
export RKT_DIR="$work/data" RKT_LOCAL_CONFIG="$work/etc" RKT_SYSTEM_CONFIG="$work/lib"
cleanup() {
	grep -o " ${work}[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT

# mean_ms CMD...: mean wall time of CMD over N runs, in ms.
mean_ms() {
	local total=0 t0 t1
	for _ in $(seq "$N"); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || return 1
		t1=$EPOCHREALTIME
		total=$(echo "$total + ($t1 - $t0) * 1000" | bc -l)
	done
	printf '%.2f\n' "$(echo "$total / $N" | bc -l)"
}

# cpu_of FILE: user+sys of the children in the output of `times`, in ms.
cpu_of() {
	tail -1 "$1" | awk '{ t = 0
		for (i = 1; i <= NF; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
		printf "%.3f\n", t * 1000 }'
}

# cpu_ms CMD...: mean CPU time (user+sys) of CMD over N runs, in ms: the
# figure that does not depend on how busy the machine is. `times` must run
# in the shell that waited for the children, hence the files.
cpu_ms() {
	times >"$work/times0"
	for _ in $(seq "$N"); do "$@" >/dev/null 2>&1 || return 1; done
	times >"$work/times1"
	printf '%.2f\n' "$(echo "($(cpu_of "$work/times1") - $(cpu_of "$work/times0")) / $N" | bc -l)"
}

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

make_image_dir "$work/img" example.com/true /bin/true >/dev/null
aci-build --owner-root "$work/img" "$work/img.aci" >/dev/null || exit 1
img=$(cas-store import "$work/img.aci") || exit 1
rootfs=$(cas-store render "$img") || exit 1
pod-run --net=host "$img" >/dev/null || { echo "pod-run of the image failed"; exit 1; }

echo "start to exit of /bin/true, mean of $N runs (ms):"
t_unshare=$(mean_ms unshare -mpfu --mount-proc chroot "$rootfs" /bin/true)
# a fresh prepared pod for each run; only pod-run is timed
total=0
for _ in $(seq "$N"); do
	uuid=$(pod-prepare "$img")
	t0=$EPOCHREALTIME
	pod-run --net=host "$uuid" >/dev/null 2>&1
	t1=$EPOCHREALTIME
	total=$(echo "$total + ($t1 - $t0) * 1000" | bc -l)
done
t_podrun=$(printf '%.2f' "$(echo "$total / $N" | bc -l)")
t_rktrun=$(mean_ms rkt run --net=host "$img")
printf '  unshare+chroot      %8s\n' "$t_unshare"
printf '  pod-run UUID        %8s   %sx unshare+chroot (goal <= 2)\n' "$t_podrun" "$(ratio "$t_podrun" "$t_unshare")"
printf '  rkt run IMAGE       %8s   %sx unshare+chroot\n' "$t_rktrun" "$(ratio "$t_rktrun" "$t_unshare")"

# crun: a minimal OCI bundle holding a copy of the same rootfs (crun wants
# /dev and /proc in it). On a host with cgroup v1 controllers (hybrid) crun
# refuses to run; there the loop runs in a private mount namespace with a
# pure cgroup v2 hierarchy mounted over /sys/fs/cgroup, which crun accepts.
mkdir -p "$work/bundle"
cp -a "$rootfs" "$work/bundle/rootfs" && mkdir -p "$work/bundle/rootfs/dev" "$work/bundle/rootfs/proc"
cat >"$work/bundle/config.json" <<EOF
{"ociVersion": "1.0.2",
 "process": {"args": ["/bin/true"], "cwd": "/", "user": {"uid": 0, "gid": 0},
             "env": ["PATH=/bin"], "terminal": false},
 "root": {"path": "rootfs", "readonly": true},
 "hostname": "bench",
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}]}}
EOF
cat >"$work/crun-loop" <<'EOF'
#!/usr/bin/env bash
# crun-loop N BUNDLE: mean ms of N `crun run`s
total=0
for i in $(seq "$1"); do
	t0=$EPOCHREALTIME
	crun run --bundle "$2" "rkt-bench-$$-$i" >/dev/null 2>&1 || exit 1
	t1=$EPOCHREALTIME
	total=$(echo "$total + ($t1 - $t0) * 1000" | bc -l)
done
printf '%.2f\n' "$(echo "$total / $1" | bc -l)"
EOF
chmod +x "$work/crun-loop"
crun_note=
if ! t_crun=$("$work/crun-loop" "$N" "$work/bundle"); then
	crun_note=" (crun refused the host's hybrid cgroups: run with a private cgroup2 mount)"
	# shellcheck disable=SC2016 # expanded by the inner sh
	t_crun=$(unshare -m sh -c 'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup &&
		exec "$1" "$2" "$3"' sh "$work/crun-loop" "$N" "$work/bundle") || t_crun=
fi
if [ -n "$t_crun" ]; then
	printf '  crun run            %8s   pod-run is %sx faster (goal >= 2)%s\n' "$t_crun" \
		"$(ratio "$t_crun" "$t_podrun")" "$crun_note"
else
	echo "  crun run            failed on this host, even with a private cgroup2 mount: no figure"
fi

echo "warm pod-prepare of a ~200 MB image (overlay, tree already rendered):"
tree=/tmp/rkt-perf-pod-tree
big_tree "$tree" || exit 1
aci-build --compression=none --owner-root "$tree" "$work/big.aci" >/dev/null || exit 1
printf '  image: %s MB, %s files\n' "$(($(stat -c %s "$work/big.aci") / 1000000))" \
	"$(find "$tree/rootfs" | wc -l)"
big=$(cas-store import "$work/big.aci") || exit 1
rm -f "$work/big.aci"
cas-store render "$big" >/dev/null || exit 1
pod-prepare "$big" --exec=/usr/bin/true >/dev/null || exit 1
t_big=$(mean_ms pod-prepare "$big" --exec=/usr/bin/true)
t_small=$(mean_ms pod-prepare "$img")
c_big=$(cpu_ms pod-prepare "$big" --exec=/usr/bin/true)
printf '  pod-prepare 200 MB  %8s ms (goal < 20); CPU %s ms\n' "$t_big" "$c_big"
printf '  pod-prepare 2 MB    %8s ms   200 MB / 2 MB = %sx\n' "$t_small" "$(ratio "$t_big" "$t_small")"
