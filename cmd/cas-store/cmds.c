/* The subcommands other than list: each resolves its references, calls the
 * store and prints its one result. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas-store.h"
#include "file.h"
#include "xalloc.h"

static int resolve(struct cs_opts *o, const char *ref, char id[CAS_ID_LEN + 1])
{
	struct err e = {0};
	if (cas_resolve(&o->cas, ref, o->labels, o->nlabels, id, &e) < 0) {
		warnx_("%s", e.msg);
		return -1;
	}
	return 0;
}

static int fail(const struct err *e)
{
	warnx_("%s", e->msg);
	return EXIT_FAIL;
}

int cs_import(struct cs_opts *o, int argc, char **argv)
{
	(void)argc;
	struct err e = {0};
	char id[CAS_ID_LEN + 1];
	int fd = file_open_read(argv[0], &e);
	if (fd < 0)
		return fail(&e);
	int r = cas_import_fd(&o->cas, fd, strcmp(argv[0], "-") ? argv[0] : "stdin", id, NULL, &e);
	close(fd);
	if (r < 0)
		return fail(&e);
	printf("%s\n", id);
	return EXIT_OK;
}

int cs_resolve(struct cs_opts *o, int argc, char **argv)
{
	(void)argc;
	char id[CAS_ID_LEN + 1];
	if (resolve(o, argv[0], id) < 0)
		return EXIT_FAIL;
	printf("%s\n", id);
	return EXIT_OK;
}

int cs_cat_manifest(struct cs_opts *o, int argc, char **argv)
{
	(void)argc;
	struct err e = {0};
	char id[CAS_ID_LEN + 1];
	char *data;
	size_t len;
	if (resolve(o, argv[0], id) < 0)
		return EXIT_FAIL;
	if (cas_read_manifest(&o->cas, id, &data, &len, &e) < 0)
		return fail(&e);
	int r = writeall(1, data, len);
	free(data);
	if (r < 0) {
		warn_("write");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cs_export(struct cs_opts *o, int argc, char **argv)
{
	(void)argc;
	struct err e = {0};
	char id[CAS_ID_LEN + 1];
	if (resolve(o, argv[0], id) < 0)
		return EXIT_FAIL;
	const char *out = argv[1];
	if (!strcmp(out, "-")) {
		if (cas_export_fd(&o->cas, id, 1, &e) < 0)
			return fail(&e);
		return EXIT_OK;
	}
	/* a file: written beside OUT and renamed, never half-written */
	char *copy = xstrdup(out), *base = xstrdup(basename(copy)), tmp[256];
	strcpy(copy, out);
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = EXIT_FAIL;
	if (dfd < 0) {
		warn_("%s", out);
	} else {
		int fd = file_tmp_open_at(dfd, "export", tmp, sizeof tmp, 0644, &e);
		if (fd < 0) {
			fail(&e);
		} else if (cas_export_fd(&o->cas, id, fd, &e) < 0) {
			unlinkat(dfd, tmp, 0);
			fail(&e);
		} else if (file_tmp_commit_at(dfd, fd, tmp, base, &e) < 0) {
			fail(&e);
		} else {
			r = EXIT_OK;
		}
		if (fd >= 0)
			close(fd);
		close(dfd);
	}
	free(copy);
	free(base);
	return r;
}

int cs_extract(struct cs_opts *o, int argc, char **argv)
{
	(void)argc;
	struct err e = {0};
	char id[CAS_ID_LEN + 1];
	if (resolve(o, argv[0], id) < 0)
		return EXIT_FAIL;
	if (mkdir_p(argv[1], 0755, &e) < 0)
		return fail(&e);
	int dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		warn_("%s", argv[1]);
		return EXIT_FAIL;
	}
	int r = cas_extract_at(&o->cas, id, dfd, o->rootfs_only, o->overwrite, &e);
	close(dfd);
	if (r < 0) {
		warnx_("%s: %s", argv[1], e.msg);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cs_render(struct cs_opts *o, int argc, char **argv)
{
	(void)argc;
	struct err e = {0};
	char id[CAS_ID_LEN + 1], *rootfs;
	if (resolve(o, argv[0], id) < 0)
		return EXIT_FAIL;
	if (cas_render(&o->cas, id, o->verify, NULL, &rootfs, &e) < 0)
		return fail(&e);
	printf("%s\n", rootfs);
	free(rootfs);
	return EXIT_OK;
}

int cs_rm(struct cs_opts *o, int argc, char **argv)
{
	int r = EXIT_OK;
	for (int i = 0; i < argc; i++) {
		struct err e = {0};
		char id[CAS_ID_LEN + 1];
		if (resolve(o, argv[i], id) < 0) {
			r = EXIT_FAIL;
			continue;
		}
		if (cas_rm(&o->cas, id, &e) < 0) {
			r = fail(&e);
			continue;
		}
		printf("%s\n", id);
	}
	return r;
}

static void verify_report(const char *what, const char *name, const char *why, void *arg)
{
	(void)arg;
	warnx_("corrupt %s %s: %s; moved to quarantine", what, name, why);
}

int cs_verify(struct cs_opts *o, int argc, char **argv)
{
	(void)argc, (void)argv;
	struct err e = {0};
	int n = cas_verify(&o->cas, verify_report, NULL, &e);
	if (n < 0)
		return fail(&e);
	if (n > 0) {
		warnx_("%d corrupt entr%s found", n, n == 1 ? "y" : "ies");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void gc_report(const char *what, const char *name, void *arg)
{
	const struct cs_opts *o = arg;
	fprintf(stderr, "%s: gc: %s %s %s\n", prog_name(), o->dry_run ? "would remove" : "removed",
		what, name);
}

int cs_gc(struct cs_opts *o, int argc, char **argv)
{
	(void)argc, (void)argv;
	struct err e = {0};
	struct cas_gc_opts g = {
	    .grace_ms = o->grace_ms, .dry_run = o->dry_run, .report = gc_report, .arg = o};
	if (cas_gc(&o->cas, &g, &e) < 0)
		return fail(&e);
	return EXIT_OK;
}
