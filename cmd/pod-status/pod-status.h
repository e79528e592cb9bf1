/* pod-status's parts: main (options), list.c (the table), show.c (one pod). */
#ifndef POD_STATUS_H
#define POD_STATUS_H

#include <stdbool.h>

#include "pod.h"

enum format { FMT_DEFAULT, FMT_JSON, FMT_JSON_PRETTY };

struct opts {
	const char *dir;
	bool no_legend, full;
	enum format format;
	bool manifest;     /* print the pod manifest (rkt cat-manifest) */
	int wait;         /* 0 none, 1 exit, 2 ready */
	long long wait_ms; /* -1 forever */
};

void status_list(struct pod_dir *d, const struct opts *o);
void status_show(struct pod_dir *d, const char *ref, const struct opts *o);
void status_wait(struct pod_dir *d, const char *ref, const struct opts *o);
void status_manifest(struct pod_dir *d, const char *ref);

#endif
