/* The pod list: rkt list's columns, or a JSON array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pod-status.h"
#include "podinfo.h"
#include "xalloc.h"

#define NCOLS 8
static const char *heads[NCOLS] = {"UUID", "APP", "IMAGE NAME", "IMAGE ID",
				   "STATE", "CREATED", "STARTED", "NETWORKS"};

struct table {
	char **cells; /* rows * NCOLS */
	size_t rows;
	size_t width[NCOLS];
};

static void add_row(struct table *t, char *row[NCOLS])
{
	t->cells = xreallocarray(t->cells, (t->rows + 1) * NCOLS, sizeof *t->cells);
	for (int i = 0; i < NCOLS; i++) {
		t->cells[t->rows * NCOLS + i] = row[i] ? row[i] : xstrdup("");
		size_t l = strlen(t->cells[t->rows * NCOLS + i]);
		if (l > t->width[i])
			t->width[i] = l;
	}
	t->rows++;
}

static void add_pod(struct table *t, const struct podinfo *pi, bool full, int64_t now)
{
	char when[2][96];
	struct buf nets = {0};
	if (full) {
		podinfo_time(pi->created_ns, when[0], sizeof when[0]);
		podinfo_time(pi->started_ns, when[1], sizeof when[1]);
	} else {
		podinfo_ago(pi->created_ns, now, when[0], sizeof when[0]);
		podinfo_ago(pi->started_ns, now, when[1], sizeof when[1]);
	}
	podinfo_networks(pi, &nets);
	size_t n = pi->n_apps ? pi->n_apps : 1;
	for (size_t i = 0; i < n; i++) {
		const struct podinfo_app *a = pi->n_apps ? &pi->apps[i] : NULL;
		char *row[NCOLS] = {0};
		if (i == 0) {
			row[0] = full ? xstrdup(pi->uuid) : xstrndup(pi->uuid, 8);
			row[4] = xstrdup(pod_status_name(pi->status));
			row[5] = xstrdup(when[0]);
			row[6] = xstrdup(when[1]);
			row[7] = xstrdup(nets.data ? nets.data : "");
		}
		if (a) {
			row[1] = xstrdup(a->name);
			row[2] = xstrdup(a->image_name ? a->image_name : "");
			row[3] = full ? xstrdup(a->image_id) : xstrndup(a->image_id, 19);
		}
		add_row(t, row);
	}
	buf_free(&nets);
}

/* Columns padded to their widest cell, two spaces apart; skip = a column
 * left out (IMAGE ID without --full, as rkt). */
static void print_table(const struct table *t, bool legend, int skip)
{
	for (size_t r = legend ? 0 : 1; r < t->rows; r++) {
		struct buf line = {0};
		for (int i = 0; i < NCOLS; i++) {
			if (i != skip)
				buf_printf(&line, "%-*s  ", (int)t->width[i], t->cells[r * NCOLS + i]);
		}
		while (line.len && line.data[line.len - 1] == ' ')
			line.data[--line.len] = '\0';
		puts(line.data);
		buf_free(&line);
	}
}

void status_list(struct pod_dir *d, const struct opts *o)
{
	struct pod_entry *ents;
	size_t n;
	struct err e = {0};
	if (pod_list(d, 0, &ents, &n, &e) < 0)
		die_err(&e);
	struct table t = {0};
	struct buf json = {0};
	add_row(&t, (char *[NCOLS]){xstrdup(heads[0]), xstrdup(heads[1]), xstrdup(heads[2]),
				    xstrdup(heads[3]), xstrdup(heads[4]), xstrdup(heads[5]),
				    xstrdup(heads[6]), xstrdup(heads[7])});
	int64_t now = podinfo_now_ns();
	buf_adds(&json, "[");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		struct pod p;
		struct podinfo pi;
		/* a pod may move or vanish while we look: skip it quietly */
		if (pod_open(d, ents[i].uuid, &p, &e) < 0)
			continue;
		if (podinfo_read(&p, &pi, &e) == 0) {
			if (o->format == FMT_DEFAULT)
				add_pod(&t, &pi, o->full, now);
			else {
				if (shown++)
					buf_adds(&json, ",");
				podinfo_json(&pi, &json, o->format == FMT_JSON_PRETTY);
			}
			podinfo_free(&pi);
		}
		pod_close(&p);
	}
	buf_adds(&json, "]");
	if (o->format == FMT_DEFAULT) {
		print_table(&t, !o->no_legend, o->full ? -1 : 3);
	} else {
		puts(json.data);
	}
	for (size_t i = 0; i < t.rows * NCOLS; i++)
		free(t.cells[i]);
	free(t.cells);
	buf_free(&json);
	free(ents);
}
