/* cas-store's subcommands, one function each (cmds.c, list.c). */
#ifndef CAS_STORE_H
#define CAS_STORE_H

#include <stdbool.h>

#include "cas.h"

struct cs_opts {
	const char *dir;
	struct cas cas;
	bool no_legend, full, rootfs_only, overwrite, verify, dry_run;
	const char *fields, *format;
	struct kv *labels;
	size_t nlabels;
	long long grace_ms;
};

int cs_import(struct cs_opts *o, int argc, char **argv);
int cs_list(struct cs_opts *o, int argc, char **argv);
int cs_resolve(struct cs_opts *o, int argc, char **argv);
int cs_cat_manifest(struct cs_opts *o, int argc, char **argv);
int cs_export(struct cs_opts *o, int argc, char **argv);
int cs_extract(struct cs_opts *o, int argc, char **argv);
int cs_render(struct cs_opts *o, int argc, char **argv);
int cs_rm(struct cs_opts *o, int argc, char **argv);
int cs_verify(struct cs_opts *o, int argc, char **argv);
int cs_gc(struct cs_opts *o, int argc, char **argv);

#endif
