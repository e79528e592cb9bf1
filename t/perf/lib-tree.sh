# Shared by the aci-* benchmarks: a ~200 MB image dir made from /usr (text,
# binaries, many small files) plus some incompressible data, built once and
# reused from $PERF_TREE (default /tmp/rkt-perf-tree).
PERF_TREE=${PERF_TREE:-/tmp/rkt-perf-tree}
perf_make_tree() {
	[ -f "$PERF_TREE/.complete" ] && return 0
	rm -rf "$PERF_TREE"
	mkdir -p "$PERF_TREE/rootfs/usr" "$PERF_TREE/rootfs/data" || return 1
	cp -a /usr/include "$PERF_TREE/rootfs/usr/" || return 1
	# and ~50 MB of binaries
	mkdir -p "$PERF_TREE/rootfs/usr/bin" &&
	find /usr/bin -maxdepth 1 -type f -size -8M -printf '%s %p\n' | sort -k2 |
		awk '{ t += $1; if (t > 50000000) exit; print $2 }' |
		xargs cp -a -t "$PERF_TREE/rootfs/usr/bin" || return 1
	# random-ish: 20 MB of noise in a few files
	for i in 1 2 3 4; do
		head -c 5000000 /dev/urandom >"$PERF_TREE/rootfs/data/noise$i" || return 1
	done
	cat >"$PERF_TREE/manifest" <<EOM
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/perf",
 "labels":[{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]}
EOM
	touch "$PERF_TREE/.complete"
}

# best of N runs, in seconds with 3 decimals: best N CMD...
best() {
	_n=$1
	shift
	_best=
	for _i in $(seq "$_n"); do
		_s=$(date +%s.%N)
		"$@" || return 1
		_e=$(date +%s.%N)
		_t=$(echo "$_e - $_s" | bc -l)
		if [ -z "$_best" ] || [ "$(echo "$_t < $_best" | bc -l)" = 1 ]; then _best=$_t; fi
	done
	printf '%.3f\n' "$_best"
}
