/* The appc image manifest (spec/aci.md) and the app object it shares with the
 * pod manifest.
 *
 * Parsing lists EVERY problem as "field: reason", fields named by JSON path:
 *   labels[2].name: "Foo" is not an AC identifier
 *   app.user: required
 * Unknown fields are ignored, as appc's Go schema does; field names match
 * case-insensitively when no exact match exists (Go's encoding/json), so
 * "supplementaryGids" reads as "supplementaryGIDs".
 * to_json writes fields in schema order, omits absent optional ones, and
 * round-trips: parse(to_json(m)) equals m. */
#ifndef RKT_MANIFEST_H
#define RKT_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "types.h"

#define AC_VERSION "0.8.11" /* the spec version this suite writes */
#define AC_KIND_IMAGE "ImageManifest"
#define AC_KIND_POD "PodManifest"

struct json_doc;

struct event_handler {
	char *name; /* "pre-start" or "post-stop", each at most once */
	struct strlist exec;
};

struct mount_point {
	char *name; /* AC Name */
	char *path; /* absolute */
	bool read_only;
};

/* The app object (image manifest "app", pod manifest apps[].app). */
struct app {
	struct strlist exec; /* may be empty */
	char *user, *group;  /* required, free-form */
	uint32_t *supplementary_gids;
	size_t n_supplementary_gids;
	struct event_handler *event_handlers;
	size_t n_event_handlers;
	char *working_directory; /* NULL if absent; else absolute */
	struct kvlist environment;
	struct isolator *isolators;
	size_t n_isolators;
	struct mount_point *mount_points;
	size_t n_mount_points;
	struct port *ports;
	size_t n_ports;
	struct kvlist user_annotations, user_labels;
};

struct dependency {
	char *image_name; /* AC Identifier, required */
	char *image_id;	  /* NULL if absent; else a full image ID */
	struct kvlist labels;
	uint64_t size; /* 0 = absent */
};

struct image_manifest {
	char *ac_kind;	  /* "ImageManifest" */
	char *ac_version; /* SemVer */
	char *name;	  /* AC Identifier */
	struct kvlist labels;
	struct app *app; /* NULL if absent */
	struct dependency *dependencies;
	size_t n_dependencies;
	struct strlist path_whitelist; /* absolute paths */
	struct kvlist annotations;
};

/* Parse and validate an image manifest. On success *out is a new manifest
 * and 0 is returned; otherwise every problem is appended to errs, *out is
 * NULL and -1 is returned. JSON syntax errors give one item "invalid JSON:
 * line L, column C: reason". */
int image_manifest_parse(const char *json, size_t len, struct image_manifest **out,
			 struct errlist *errs);
/* Validate an already built manifest (e.g. one assembled in code) with the
 * same rules; returns -1 if errs got items. */
int image_manifest_validate(const struct image_manifest *m, struct errlist *errs);
/* The manifest as JSON (malloc'd, NUL-terminated, ending in a newline when
 * pretty). */
char *image_manifest_to_json(const struct image_manifest *m, int pretty);
/* Deep equality (for tests and round trips). */
bool image_manifest_eq(const struct image_manifest *a, const struct image_manifest *b);
void image_manifest_free(struct image_manifest *m);
/* The value of label name, or NULL. */
const char *image_manifest_label(const struct image_manifest *m, const char *name);
/* The value of annotation name, or NULL. */
const char *image_manifest_annotation(const struct image_manifest *m, const char *name);

/* The app object alone. app_parse parses object v of d (path is its JSON
 * path, e.g. "app" or "apps[0].app"), validates it and returns a new app, or
 * NULL after adding problems to errs. */
struct app *app_parse(const struct json_doc *d, int v, const char *path, struct errlist *errs);
/* Validate an app built in code; problems under path. -1 if any. */
int app_validate(const struct app *a, const char *path, struct errlist *errs);
/* Write the app object (schema order) with a JSON writer. */
struct jsonw;
void app_write(struct jsonw *w, const struct app *a);
/* The app object alone as JSON (malloc'd). */
char *app_to_json(const struct app *a, int pretty);
struct app *app_copy(const struct app *a);
bool app_eq(const struct app *a, const struct app *b);
void app_free(struct app *a);
/* The event handler named name ("pre-start"), or NULL. */
const struct event_handler *app_event_handler(const struct app *a, const char *name);

/* Label and annotation lists as written in both manifests: [{"name","value"}]. */
void kvlist_write(struct jsonw *w, const struct kvlist *l);

#endif
