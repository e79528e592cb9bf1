/* Image references: a full image ID, an unambiguous ID prefix, or
 * name[:version] with labels, as rkt resolves them against its store. */
#ifndef RKT_IMGREF_H
#define RKT_IMGREF_H

#include <stdbool.h>
#include <stddef.h>

#include "cas.h"
#include "err.h"

/* The host's os and arch in appc's words (OS-SPEC.md): "linux", "amd64" ... */
const char *imgref_host_os(void);
const char *imgref_host_arch(void);

/* Does img carry name and every label? os and arch, when not given, default
 * to the host's; an image without such a label matches any. */
bool imgref_match(const struct cas_image *img, const char *name, const struct kv *labels,
		  size_t nlabels);

/* Split "name[:version]" (a colon after the last slash) into malloc'd parts;
 * *version NULL when absent or "latest". -1 if name is empty. */
int imgref_split(const char *ref, char **name, char **version, struct err *e);

/* Pick the image ref names among imgs: its index, or -1 with e saying
 * "not found" or "ambiguous" and listing the candidates. */
long imgref_pick(const struct cas_image *imgs, size_t n, const char *ref, const struct kv *labels,
		 size_t nlabels, struct err *e);

#endif
