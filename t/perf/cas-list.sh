#!/bin/bash
# cas-store resolve and list among 1,000 images (goals: resolve < 20 ms,
# list < 100 ms per call), against the start-up of the same binary
# (`cas-store --help`) as the baseline.
set -eu
. "$(dirname "$0")/lib.sh"
bench_init cas-list

# 1,000 tiny images: one file each, imported two at a time
mkdir -p acis
for i in $(seq 1 1000); do
	d=img$i
	mkdir -p $d/rootfs
	echo $i >$d/rootfs/n
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/img%d","labels":[{"name":"version","value":"1.%d.0"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]}\n' $i $i >$d/manifest
	tar -C $d -cf acis/$i.tar manifest rootfs
	rm -rf $d
done
t0=$(date +%s.%N)
ls acis/*.tar | xargs -P2 -n50 sh -c 'for f; do cas-store --dir=store import "$f" >/dev/null || exit 1; done' sh
t1=$(date +%s.%N)
test "$(cas-store --dir=store list --no-legend | wc -l)" = 1000
awk -v a="$t0" -v z="$t1" 'BEGIN { printf "filled the store with 1,000 images in %.1f s\n", z - a }'

id=$(cas-store --dir=store resolve example.com/img500)
prefix=${id:0:20}
n=100
per_call() { # ms per call of "$@", n calls
	local t0 t1
	t0=$(date +%s.%N)
	for _ in $(seq $n); do "$@" >/dev/null; done
	t1=$(date +%s.%N)
	awk -v a="$t0" -v z="$t1" -v n=$n 'BEGIN { printf "%.2f", (z - a) * 1000 / n }'
}
base=$(per_call cas-store --help)
byname=$(per_call cas-store --dir=store resolve example.com/img500:1.500.0)
byprefix=$(per_call cas-store --dir=store resolve "$prefix")
list=$(per_call cas-store --dir=store list)
json=$(per_call cas-store --dir=store list --format=json)
# the same through the C API, without process start-up
cat >api.c <<'EOC'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cas.h"
static double ms(struct timespec a, struct timespec z)
{
	return (z.tv_sec - a.tv_sec) * 1e3 + (z.tv_nsec - a.tv_nsec) / 1e6;
}
int main(int argc, char **argv)
{
	(void)argc;
	int n = 100;
	struct timespec a, z;
	struct err e = {0};
	char id[CAS_ID_LEN + 1];
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		struct cas c;
		if (cas_open(&c, argv[1], CAS_SHARED, &e) < 0 ||
		    cas_resolve(&c, argv[2], NULL, 0, id, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		cas_close(&c);
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	printf("%.2f ", ms(a, z) / n);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		struct cas c;
		struct cas_image *imgs;
		size_t k;
		if (cas_open(&c, argv[1], CAS_SHARED, &e) < 0 || cas_list(&c, &imgs, &k, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		cas_images_free(imgs, k);
		cas_close(&c);
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	printf("%.2f\n", ms(a, z) / n);
	return 0;
}
EOC
api=
if cc -D_GNU_SOURCE -I"$SRC/common" -I"$SRC/build/gen" -o api api.c "$SRC/build/libcommon.a" \
	$(pkg-config --libs libarchive libcrypto libxxhash) 2>api.err; then
	api=$(./api store example.com/img500:1.500.0)
fi

printf 'cas-store --help (start-up):   %s ms\n' "$base"
printf 'resolve by name among 1,000:   %s ms (%.1fx start-up; goal < 20 ms)\n' "$byname" "$(awk -v a="$byname" -v b="$base" 'BEGIN { print a / b }')"
printf 'resolve by ID prefix:          %s ms (%.1fx start-up; goal < 20 ms)\n' "$byprefix" "$(awk -v a="$byprefix" -v b="$base" 'BEGIN { print a / b }')"
printf 'list of 1,000 images:          %s ms (%.1fx start-up; goal < 100 ms)\n' "$list" "$(awk -v a="$list" -v b="$base" 'BEGIN { print a / b }')"
printf 'list --format=json:            %s ms (%.1fx start-up; goal < 100 ms)\n' "$json" "$(awk -v a="$json" -v b="$base" 'BEGIN { print a / b }')"
if [ -n "$api" ]; then
	set -- $api
	printf 'through the C API: resolve by name %s ms, list %s ms per call\n' "$1" "$2"
else
	echo "C API benchmark not built:"; cat api.err
fi
