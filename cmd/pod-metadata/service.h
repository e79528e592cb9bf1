/* The metadata service proper: registered pods and the spec's endpoints. */
#ifndef POD_METADATA_SERVICE_H
#define POD_METADATA_SERVICE_H

#include <stdbool.h>

#include "err.h"
#include "httpd.h"

struct service;
/* A service with a fresh random HMAC key, for pods under data_dir/pods/. */
struct service *service_new(const char *data_dir, struct err *e);
void service_free(struct service *s);
/* The httpd handler (ctx = the service) and the housekeeping tick. */
void service_handle(void *ctx, const struct http_req *req, struct http_resp *resp);
void service_tick(void *ctx);

#endif
