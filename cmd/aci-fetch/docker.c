/* docker://[registry/]repo[:tag|@digest]: pulled from a Docker registry (v2
 * API), converted into one ACI (common/docker.h), then imported like any
 * other image. Docker images carry no appc signature: as in rkt they need
 * --insecure-options=image. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docker.h"
#include "file.h"
#include "net.h"
#include "xalloc.h"

static bool docker_match(const char *arg) { return !strncmp(arg, "docker://", 9); }

static int docker_fetch(const struct fetch_opts *o, const char *arg, const char *sig_path,
			struct fetched *out, struct err *e)
{
	struct docker_ref ref;
	memset(out, 0, sizeof *out);
	out->image_fd = -1;
	out->what = xstrdup(arg);
	if (sig_path)
		return err_set(e, "%s: Docker images have no signature to give", arg);
	if (!(o->insecure & INSECURE_IMAGE))
		return err_set(e, "%s: Docker images are not signed; fetching one needs "
				  "--insecure-options=image",
			       arg);
	if (docker_ref_parse(arg, &ref, e) < 0)
		return -1;
	int rc = -1;
	if (!o->no_store) { /* the store first, by the converted name and tag */
		struct kvlist want = {0};
		_cleanup_free_ char *name = docker_aci_name(&ref);
		if (ref.tag)
			kvlist_add(&want, "version", ref.tag);
		int found = ref.tag ? store_resolve(o, name, &want, &out->stored_id, e) : 0;
		kvlist_free(&want);
		if (found) {
			docker_ref_free(&ref);
			return found < 0 ? -1 : 0;
		}
	}
	if (o->store_only) {
		docker_ref_free(&ref);
		return err_set(e, "%s: not in the store (--store-only)", arg);
	}
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/var/tmp";
	struct http_opts h;
	struct docker_image img;
	net_http_opts(o, &h);
	_cleanup_free_ char *work = xasprintf("%s/aci-fetch-docker.XXXXXX", tmp);
	if (!mkdtemp(work)) {
		err_sys(e, "%s", work);
		docker_ref_free(&ref);
		return -1;
	}
	int fd = -1;
	if (docker_pull(&ref, &h, o->auth, tmp, &img, e) < 0)
		goto out;
	fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_sys(e, "temporary file in %s", tmp);
		goto out;
	}
	if (docker_to_aci(&ref, &img, work, fd, e) < 0)
		goto out;
	out->image_fd = fd;
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	docker_image_free(&img);
	struct err re;
	rm_tree(work, &re);
	docker_ref_free(&ref);
	return rc;
}

const struct fetch_source fetch_source_docker = {
    .name = "docker",
    .match = docker_match,
    .fetch = docker_fetch,
};
