/* pod-prepare: images (and per-app flags), or a pod manifest, to a prepared
 * pod directory; prints the pod's UUID. See pod-prepare(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "file.h"
#include "opt.h"
#include "podprep.h"

static const char usage[] =
    "usage: pod-prepare [pod flags] IMAGE [app flags] [-- ARGS] [--- IMAGE [app flags] [-- "
    "ARGS]]...\n"
    "       pod-prepare [pod flags] --pod-manifest=FILE\n"
    "\n"
    "Pod flags (before the first image):\n"
    "  --dir=PATH --local-config=DIR --system-config=DIR --insecure-options=LIST --debug\n"
    "  "
    "--volume=NAME,kind=host|empty[,source=PATH][,readOnly=BOOL][,recursive=BOOL][,mode=M,uid=N,"
    "gid=N]\n"
    "  --port=NAME:[HOSTIP:]HOSTPORT --set-env=NAME=VALUE --inherit-env "
    "--mount=volume=NAME,target=PATH\n"
    "  --hostname=NAME --dns=IP --dns-search=DOMAIN --dns-opt=OPT --hosts-entry=IP=HOST[,HOST]\n"
    "  --stage1-image=PATH|REF --uuid-file-save=FILE --quiet --no-overlay --pod-manifest=FILE\n"
    "App flags (after their image):\n"
    "  --exec=PATH --user=USER --group=GROUP --set-env=NAME=VALUE --mount=volume=NAME,target=PATH\n"
    "  --name=NAME --signature=FILE --supplementary-gids=N,N --working-dir=PATH --readonly-rootfs\n"
    "  --memory=QTY --cpu=QTY --cap-retain=CAP,.. --cap-remove=CAP,.. "
    "--seccomp=mode=retain|remove,SYSCALL,..\n";

int main(int argc, char **argv)
{
	prog_init(argv[0]);
	struct prep_opts o = {0};
	struct err e = {0};
	bool help;
	rkt_paths_default(&o.paths);
	if (prep_parse(&o, argc, argv, 1, &help, &e) < 0) {
		if (help)
			opt_help(usage);
		die_code(EXIT_USAGE, "%s (see --help)", e.msg);
	}
	if (help)
		opt_help(usage);
	char uuid[POD_UUID_LEN + 1];
	if (prep_pod(&o, uuid, &e) < 0)
		die_err(&e);
	if (o.uuid_file) {
		/* As rkt: the bare UUID, no newline. */
		if (file_write_atomic(o.uuid_file, uuid, strlen(uuid), 0644, &e) < 0)
			die("--uuid-file-save: %s", e.msg);
	}
	printf("%s\n", uuid);
	if (fflush(stdout) != 0)
		die_sys("stdout");
	prep_opts_free(&o);
	return EXIT_OK;
}
