#!/bin/bash
# cas-store render: cold (extract + checksum + rename) against `tar -x` of
# the same uncompressed tar (goal: ratio <= 1.2), and warm (a cached tree:
# goal under 5 ms per call, process start included). Best of 3 cold runs.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init cas-render

# ~100 MB in 5,000 files of 0..40 KB across 20 directories, plus symlinks
mkdir -p img/rootfs
perl -e 'srand(42); open(R, "<", "/dev/urandom") or die;
	for $d (0..19) { mkdir "img/rootfs/d$d";
		for $f (0..249) { read(R, $b, int(rand(40000)));
			open(F, ">", "img/rootfs/d$d/f$f") or die; print F $b; close F } }'
for d in $(seq 0 19); do ln -s d$d img/rootfs/l$d; done
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/tree"}\n' >img/manifest
tar -C img -cf image.tar manifest rootfs
rm -rf img
id=$(cas-store --dir=store import image.tar)
tree=store/cas/tree/$id

tar_prep() { rm -rf out; mkdir out; sync; }
tar_run() { tar -xf image.tar -C out; }
render_prep() { rm -rf "$tree"; sync; }
render_run() { cas-store --dir=store render "$id"; }

base=$(BENCH_PREP=tar_prep best tar_run)
cold=$(BENCH_PREP=render_prep best render_run)
# warm: per call, against the same binary doing nothing (process start-up)
n=200
t0=$(now)
for _ in $(seq $n); do cas-store --dir=store render "$id" >/dev/null; done
t1=$(now)
for _ in $(seq $n); do cas-store --help >/dev/null; done
t2=$(now)
# warm through the C API pod-prepare calls: open, render (a lookup), close
cat >api.c <<'EOC'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cas.h"
int main(int argc, char **argv)
{
	int n = atoi(argv[3]);
	struct timespec a, z;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		struct cas c;
		struct err e = {0};
		char *root;
		if (cas_open(&c, argv[1], CAS_SHARED, &e) < 0 ||
		    cas_render(&c, argv[2], 0, NULL, &root, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		free(root);
		cas_close(&c);
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	printf("%.3f\n", ((z.tv_sec - a.tv_sec) * 1e3 + (z.tv_nsec - a.tv_nsec) / 1e6) / n);
	return 0;
}
EOC
api=
if cc -D_GNU_SOURCE -I"$SRC/common" -I"$SRC/build/gen" -o api api.c "$SRC/build/libcommon.a" \
	$(pkg-config --libs libarchive libcrypto libxxhash) 2>api.err; then
	api=$(./api store "$id" 1000)
fi

printf 'image: %d MB tar, %d files\n' $(($(stat -c %s image.tar) / 1000000)) \
	"$(tar -tf image.tar | wc -l)"
printf 'tar -x:            %.3f s\n' "$base"
printf 'render cold:       %.3f s (checksum included)\n' "$cold"
awk -v o="$cold" -v b="$base" 'BEGIN { printf "ratio cold: %.2f (goal <= 1.2)\n", o / b }'
awk -v a="$t0" -v z="$t1" -v s="$t2" -v n=$n 'BEGIN {
	w = (z - a) * 1000 / n; h = (s - z) * 1000 / n
	printf "render warm: %.2f ms per call; cas-store --help: %.2f ms per call\n", w, h
	printf "render warm minus process start-up: %.2f ms (goal < 5 ms)\n", w - h }'
if [ -n "$api" ]; then
	printf 'render warm through the C API (open, render, close): %s ms per call (goal < 5 ms)\n' "$api"
else
	echo "C API benchmark not built:"; cat api.err
fi
