/* libFuzzer: discovery's HTML meta scanner and template rendering. */
#include <stdint.h>
#include <stdlib.h>

#include "discovery.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disc_meta *m = NULL;
	size_t n = disc_scan_html((const char *)data, size, &m);
	struct disc_app app;
	struct err e;
	if (n && disc_app_parse("example.com/app,version=1.0", &app, &e) == 0) {
		struct disc_result res = {0};
		disc_apply_meta(&app, m, n, &res);
		disc_result_free(&res);
		disc_app_free(&app);
	}
	disc_meta_free(m, n);
	return 0;
}
