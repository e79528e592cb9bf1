/* The ACI signing-key store, laid out as rkt's:
 *   <config>/trustedkeys/root.d/<fingerprint>                 trusted for every image
 *   <config>/trustedkeys/prefix.d/<prefix>/<fingerprint>      trusted for names under prefix
 * where <prefix> is an AC identifier (example.com/app) kept as nested directories
 * and <fingerprint> the primary key's fingerprint in lowercase hex. Keys are read
 * from the vendor config (/usr/lib/rkt) and the admin's local config (/etc/rkt);
 * a local file overrides a vendor file of the same prefix and fingerprint, and an
 * empty local file masks it. Only the local config is ever written. */
#ifndef RKT_KEYSTORE_H
#define RKT_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct keystore {
	const char *system_config; /* vendor, read only */
	const char *local_config;  /* admin, written by aci-trust */
};

struct keystore_entry {
	char *prefix; /* NULL for a root key */
	char *fpr;    /* lowercase hex */
	char *path;   /* the file holding the armored key */
	bool vendor;  /* from the system config */
};
struct keystore_list {
	struct keystore_entry *v;
	size_t n;
};
void keystore_list_free(struct keystore_list *l);

/* Every effective key (vendor and local, masks and overrides applied), sorted
 * by prefix (root first) then fingerprint. */
int keystore_list_all(const struct keystore *ks, struct keystore_list *out, struct err *e);
/* The keys trusted for image name: root keys plus the keys of every
 * path prefix of the name (example.com/a/b: example.com, example.com/a,
 * example.com/a/b). */
int keystore_list_for_name(const struct keystore *ks, const char *name, struct keystore_list *out,
			   struct err *e);
/* Does the path-component prefix `prefix` cover name? */
bool keystore_prefix_covers(const char *prefix, const char *name);

/* Store an armored key for prefix (NULL = root) in the local config,
 * atomically; *path_out (malloc'd) is where it went. */
int keystore_store(const struct keystore *ks, const char *prefix, const char *fpr, const void *data,
		   size_t n, char **path_out, struct err *e);
/* Stop trusting fpr for prefix (NULL = root): the local file is removed and a
 * vendor key of the same name is masked by an empty local file. Fails when no
 * such key is trusted. *path_out is the file removed or written. */
int keystore_remove(const struct keystore *ks, const char *prefix, const char *fpr, char **path_out,
		    struct err *e);

#endif
