/* auth.d: credentials for image servers and Docker registries, read from
 * <config>/auth.d/NAME.json in the vendor (system) and local config dirs as rkt
 * reads them. Within one dir a domain may be named once; the local dir
 * overrides the vendor dir per domain. Secrets are wiped when freed and are
 * never put into error messages. */
#ifndef RKT_AUTHD_H
#define RKT_AUTHD_H

#include <stddef.h>

#include "err.h"

enum authd_type { AUTHD_BASIC, AUTHD_OAUTH };

struct authd_entry {
	char *domain;  /* host or host:port, lowercase */
	enum authd_type type;
	char *user, *password; /* basic */
	char *token;           /* oauth */
	char *file;            /* where it came from, for messages */
};

struct authd {
	struct authd_entry *auth;   /* rktKind "auth" */
	size_t n_auth;
	struct authd_entry *docker; /* rktKind "dockerAuth" (always basic) */
	size_t n_docker;
};

/* Load system_dir/auth.d then local_dir/auth.d (either may be NULL or
 * missing). Files are read in lexical order; only regular *.json files. */
int authd_load(struct authd *a, const char *system_dir, const char *local_dir, struct err *e);
/* Parse one file's text into a (used by authd_load and the unit tests);
 * name is used in messages. Duplicates within one dir are the caller's check. */
int authd_parse(struct authd *a, const char *name, const char *json, size_t len, struct err *e);
void authd_free(struct authd *a);

/* The auth entry for a request to host (lowercase) on port with the
 * scheme's default port dport: an entry "host" matches the default port,
 * "host:port" matches that port. NULL when none. */
const struct authd_entry *authd_find(const struct authd *a, const char *host, int port, int dport);
const struct authd_entry *authd_find_docker(const struct authd *a, const char *registry);

/* "Authorization: Basic ..." / "Authorization: Bearer ..." for an entry,
 * malloc'd; the caller wipes and frees it (authd_free_secret). */
char *authd_header(const struct authd_entry *en);
void authd_free_secret(char *s);

#endif
