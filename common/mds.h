/* The metadata service's registration protocol, shared by pod-metadata (the
 * server) and stage1 (the client): HTTP/1.1 over a unix stream socket.
 *
 *   PUT /pods/<uuid>      body: dir=<pod dir>&ips=<ip>[,<ip>...]
 *                         (x-www-form-urlencoded)  -> 201, or 4xx + reason
 *   DELETE /pods/<uuid>   -> 204, or 404
 *
 * Only root (or the server's own uid) may register. A registration lasts
 * until it is deleted or the pod's lock is released (the pod exited), so a
 * crashed pod never leaves its addresses answering for it. */
#ifndef RKT_MDS_H
#define RKT_MDS_H

#include <stddef.h>

#include "err.h"

#define MDS_DEFAULT_SOCKET "/run/rkt/metadata-svc.sock"
#define MDS_PORT 18112

/* The socket path: $RKT_METADATA_SOCKET if set (tests), else the default. */
const char *mds_socket_default(void);
/* Register the running pod uuid (its directory dir, its addresses ips). */
int mds_register(const char *sock, const char *uuid, const char *dir, char *const *ips,
		 size_t nips, struct err *e);
int mds_unregister(const char *sock, const char *uuid, struct err *e);
/* AC_METADATA_URL for a pod whose host side is host_ip (malloc'd). */
char *mds_url(const char *host_ip);

#endif
