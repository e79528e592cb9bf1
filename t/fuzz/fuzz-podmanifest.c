/* libFuzzer: the pod manifest parser, and its writer round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "podmanifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_manifest *m = NULL, *m2 = NULL;
	struct errlist errs = {0};
	if (pod_manifest_parse((const char *)data, size, &m, &errs) == 0) {
		char *json = pod_manifest_to_json(m, 0);
		struct errlist errs2 = {0};
		if (pod_manifest_parse(json, strlen(json), &m2, &errs2) < 0 ||
		    !pod_manifest_eq(m, m2))
			abort();
		pod_manifest_free(m2);
		errlist_free(&errs2);
		free(json);
		pod_manifest_free(m);
	}
	errlist_free(&errs);
	return 0;
}
