/* libFuzzer: the identifier, label, version and quantity validators, and
 * discovery's app-name parser, on arbitrary strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"
#include "err.h"
#include "types.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	volatile int sink = 0;
	sink += ac_identifier_valid(s);
	sink += ac_name_valid(s);
	sink += semver_valid(s);
	sink += image_id_valid(s);
	sink += image_id_prefix_valid(s);
	struct disc_app app;
	struct err e;
	if (disc_app_parse(s, &app, &e) == 0)
		disc_app_free(&app);
	(void)sink;
	free(s);
	return 0;
}
