/* The appc pod manifest (spec/pods.md): parse, validate, write, build.
 *
 * Errors are listed as in manifest.h ("apps[1].image.id: required").
 * pod-prepare builds one with the pod_manifest_add_* helpers from images and
 * flags, then checks it with pod_manifest_validate and writes it with
 * pod_manifest_to_json. */
#ifndef RKT_PODMANIFEST_H
#define RKT_PODMANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "manifest.h"
#include "types.h"

/* Tri-state for optional booleans whose absence means something. */
enum tristate { TRI_UNSET = 0, TRI_TRUE, TRI_FALSE };

enum volume_kind { VOLUME_HOST = 1, VOLUME_EMPTY };

struct volume {
	char *name;	       /* AC Name */
	enum volume_kind kind; /* required */
	char *source;	       /* host: required, absolute; else NULL */
	bool read_only;
	enum tristate recursive; /* host only; unset means recursive (spec) */
	char *mode;		 /* empty only: octal string, NULL = "0755" */
	bool has_uid, has_gid;	 /* empty only; absent = 0 */
	uint32_t uid, gid;
};

struct mount {
	char *volume;		   /* AC Name */
	char *path;		   /* required */
	struct volume *app_volume; /* NULL if absent */
};

struct pod_image {
	char *id;   /* required full image ID */
	char *name; /* NULL if absent; AC Identifier */
	struct kvlist labels;
};

struct pod_app {
	char *name; /* AC Name, unique in the pod */
	struct pod_image image;
	struct app *app; /* NULL = use the image's app */
	bool read_only_rootfs;
	struct mount *mounts;
	size_t n_mounts;
	struct kvlist annotations;
};

struct pod_port {
	char *name;	       /* AC Name, unique */
	unsigned host_port;    /* required, 1..65535 */
	char *host_ip;	       /* NULL if absent; dotted quad */
	struct port *pod_port; /* NULL if absent */
};

struct pod_manifest {
	char *ac_kind, *ac_version;
	struct pod_app *apps;
	size_t n_apps;
	struct volume *volumes;
	size_t n_volumes;
	struct isolator *isolators;
	size_t n_isolators;
	struct kvlist annotations;
	struct pod_port *ports;
	size_t n_ports;
	struct kvlist user_annotations, user_labels;
};

/* Parse and validate; as image_manifest_parse. */
int pod_manifest_parse(const char *json, size_t len, struct pod_manifest **out,
		       struct errlist *errs);
/* Validate a manifest built in code; -1 if errs got items. */
int pod_manifest_validate(const struct pod_manifest *p, struct errlist *errs);
/* Stable JSON (malloc'd), schema order, absent optional fields omitted. */
char *pod_manifest_to_json(const struct pod_manifest *p, int pretty);
bool pod_manifest_eq(const struct pod_manifest *a, const struct pod_manifest *b);
void pod_manifest_free(struct pod_manifest *p);

/* Builders. pod_manifest_new gives an empty manifest with acKind and
 * acVersion (AC_VERSION) set. Each add copies its arguments and returns the
 * new element for further filling; the pointer stays valid until the next add
 * of the same kind (the array may move). Nothing is validated until
 * pod_manifest_validate. */
struct pod_manifest *pod_manifest_new(void);
/* Add an app; app may be NULL (no override) and is copied otherwise. */
struct pod_app *pod_manifest_add_app(struct pod_manifest *p, const char *name, const char *image_id,
				     const struct app *app);
/* Add a volume of kind VOLUME_HOST (source required) or VOLUME_EMPTY. */
struct volume *pod_manifest_add_volume(struct pod_manifest *p, const char *name,
				       enum volume_kind kind, const char *source);
struct pod_port *pod_manifest_add_port(struct pod_manifest *p, const char *name, unsigned host_port,
				       const char *host_ip);
/* Set (replace or add) a pod annotation. */
void pod_manifest_add_annotation(struct pod_manifest *p, const char *name, const char *value);
/* Add a mount to an app (app_volume may be NULL; it is copied). */
struct mount *pod_app_add_mount(struct pod_app *a, const char *volume, const char *path,
				const struct volume *app_volume);
/* Add an isolator to the pod (copied). */
void pod_manifest_add_isolator(struct pod_manifest *p, const struct isolator *iso);

/* Lookups: the app / volume called name, or NULL. */
struct pod_app *pod_manifest_app(const struct pod_manifest *p, const char *name);
struct volume *pod_manifest_volume(const struct pod_manifest *p, const char *name);

/* Volumes alone (also used for appVolume and --volume flags). */
const char *volume_kind_name(enum volume_kind k);
void volume_copy(struct volume *dst, const struct volume *src);
void volume_free(struct volume *v);

#endif
