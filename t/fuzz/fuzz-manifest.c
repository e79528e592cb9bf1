/* libFuzzer: the image manifest parser, and its writer round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_manifest *m = NULL, *m2 = NULL;
	struct errlist errs = {0};
	if (image_manifest_parse((const char *)data, size, &m, &errs) == 0) {
		/* what we accept, we write back; and the writing parses again */
		char *json = image_manifest_to_json(m, 1);
		struct errlist errs2 = {0};
		if (image_manifest_parse(json, strlen(json), &m2, &errs2) < 0)
			abort();
		image_manifest_free(m2);
		errlist_free(&errs2);
		free(json);
		image_manifest_free(m);
	}
	errlist_free(&errs);
	return 0;
}
