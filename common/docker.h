/* docker:// images: the Docker registry v2 API (token flow, schema 2 and OCI
 * manifests and indexes) and the conversion of an image into one ACI, as
 * rkt's docker2aci did: layers applied in order with their whiteouts, the
 * image config turned into the image manifest. */
#ifndef RKT_DOCKER_H
#define RKT_DOCKER_H

#include <stddef.h>

#include "err.h"
#include "http.h"

struct authd;

struct docker_ref {
	char *registry; /* host[:port], default registry-1.docker.io */
	char *repo;     /* "library/busybox" */
	char *tag;      /* default "latest"; NULL when digest is given */
	char *digest;   /* "sha256:..." or NULL */
};

/* "docker://[registry/]repo[:tag|@digest]" (the "docker://" is optional). */
int docker_ref_parse(const char *s, struct docker_ref *r, struct err *e);
void docker_ref_free(struct docker_ref *r);
/* The ACI name for a reference: "<registry with ':' as '-'>/<repo>". */
char *docker_aci_name(const struct docker_ref *r);

struct docker_image {
	char *config; /* the image config JSON */
	size_t config_len;
	int *layers; /* open, digest-checked layer blobs, lowest first */
	size_t n_layers;
	char *manifest_digest;
};
void docker_image_free(struct docker_image *img);

/* Fetch the manifest (an index picks linux and the host's arch), the config
 * and every layer (into unlinked files in tmpdir), checking each digest.
 * https, or http after a failed https when o->allow_http. Credentials: auth's
 * dockerAuth entry for the registry, for Basic challenges and for the token
 * service of Bearer challenges; tokens go to the registry host only. */
int docker_pull(const struct docker_ref *r, const struct http_opts *o, const struct authd *auth,
		const char *tmpdir, struct docker_image *img, struct err *e);

/* Apply the layers in order into workdir/rootfs (whiteouts: .wh.NAME removes
 * NAME of lower layers, .wh..wh..opq empties its directory of them), write
 * workdir/manifest from the config, then the ACI (a plain tar) to outfd. */
int docker_to_aci(const struct docker_ref *r, const struct docker_image *img, const char *workdir,
		  int outfd, struct err *e);

/* The image manifest JSON for a config (exposed for tests). rootfd (or -1)
 * is used to find a relative exec[0] on the image's PATH. */
char *docker_manifest_from_config(const struct docker_ref *r, const char *config, size_t len,
				  int rootfd, struct err *e);

#endif
