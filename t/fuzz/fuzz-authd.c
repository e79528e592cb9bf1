/* libFuzzer: the auth.d config parser. */
#include <stdint.h>
#include <string.h>

#include "authd.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authd a;
	struct err e;
	memset(&a, 0, sizeof a);
	authd_parse(&a, "fuzz.json", (const char *)data, size, &e);
	authd_free(&a);
	return 0;
}
