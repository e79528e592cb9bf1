# Shared by the benchmarks in t/perf/ (bash). Source it first thing.

SRC=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$SRC/build/bin:$PATH"

# bench_init NAME: a scratch dir $W, removed at exit, as the cwd.
bench_init() {
	W=$(mktemp -d "/tmp/bench-$1.XXXXXX")
	trap 'rm -rf "$W"' EXIT
	cd "$W" || exit 1
}

now() { date +%s.%N; }

# best CMD...: the best of 3 timed runs of CMD, in seconds; its stdout is
# discarded. When BENCH_PREP names a command, it runs untimed before each run.
best() {
	local b='' t0 t1
	for _ in 1 2 3; do
		[ -z "${BENCH_PREP:-}" ] || "$BENCH_PREP"
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="${b:-1e9}" 'BEGIN { d = z - a; print (d < b) ? d : b }')
	done
	echo "$b"
}

# bench_tree DIR: an image layout of about 200 MB that compresses like a real
# system: /usr/include, 50 MB of binaries, 20 MB of noise.
bench_tree() {
	mkdir -p "$1/rootfs/usr/bin" "$1/rootfs/data"
	cp -a /usr/include "$1/rootfs/usr/"
	find /usr/bin -maxdepth 1 -type f -size -8M -printf '%s %p\n' | sort -k2 |
		awk '{ t += $1; if (t > 50000000) exit; print $2 }' | xargs cp -a -t "$1/rootfs/usr/bin"
	for i in 1 2 3 4; do head -c 5000000 /dev/urandom >"$1/rootfs/data/noise$i"; done
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bench"}\n' >"$1/manifest"
}
