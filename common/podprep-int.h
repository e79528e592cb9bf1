/* Internals shared by podprep*.c (not an API for tools). */
#ifndef RKT_PODPREP_INT_H
#define RKT_PODPREP_INT_H

#include "manifest.h"
#include "podmanifest.h"
#include "podprep.h"
#include "types.h"

char *prep_default_app_name(const char *image_name);
struct app *prep_effective_app(const struct image_manifest *im, const struct prep_opts *o,
			       const struct prep_app *pa, struct err *e);
int prep_add_mount(struct pod_manifest *pm, struct pod_app *app, const struct prep_mount *m,
		   struct err *e);
int prep_satisfy_mount_points(struct pod_manifest *pm, struct err *e);
int prep_add_ports(struct pod_manifest *pm, const struct prep_opts *o, struct err *e);
int prep_add_volumes(struct pod_manifest *pm, const struct prep_opts *o, struct err *e);

#endif
