/* The image name from a manifest, the name the signature is checked for. */
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "manifest.h"
#include "xalloc.h"

int manifest_name(const char *json, size_t len, char **name, struct err *e)
{
	struct image_manifest *m = NULL;
	struct errlist errs = {0};
	if (image_manifest_parse(json, len, &m, &errs) < 0) {
		err_set(e, "invalid manifest: %s%s", errs.n ? errs.items[0] : "?",
			errs.n > 1 ? " (and more: aci-validate lists them)" : "");
		errlist_free(&errs);
		return -1;
	}
	*name = xstrdup(m->name);
	image_manifest_free(m);
	return 0;
}
