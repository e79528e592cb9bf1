/* cas-store list: a table like `rkt image list`, or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cas-store.h"
#include "jsonw.h"
#include "xalloc.h"

enum field { F_ID, F_NAME, F_VERSION, F_SIZE, F_IMPORTED, F_LASTUSED, F_N };

static const struct {
	const char *name, *alias, *legend;
} fields[F_N] = {
    [F_ID] = {"id", "id", "ID"},
    [F_NAME] = {"name", "name", "NAME"},
    [F_VERSION] = {"version", "version", "VERSION"},
    [F_SIZE] = {"size", "size", "SIZE"},
    [F_IMPORTED] = {"importtime", "imported", "IMPORTED"},
    [F_LASTUSED] = {"lastused", "last-used", "LAST USED"},
};

static int parse_fields(const char *spec, enum field *out)
{
	int n = 0;
	char *copy = xstrdup(spec), *save, *tok;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int f;
		for (f = 0; f < F_N; f++)
			if (!strcmp(tok, fields[f].name) || !strcmp(tok, fields[f].alias))
				break;
		if (f == F_N || n == F_N) {
			warnx_(
			    "--fields: unknown field %s (id,name,version,size,importtime,lastused)",
			    tok);
			free(copy);
			return -1;
		}
		out[n++] = (enum field)f;
	}
	free(copy);
	return n;
}

static char *human_size(long long n, bool full)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	if (full)
		return xasprintf("%lld", n);
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof units / sizeof *units) {
		v /= 1024;
		u++;
	}
	return u ? xasprintf("%.1f%s", v, units[u]) : xasprintf("%lldB", n);
}

static char *human_time(const struct timespec *t, bool full)
{
	if (full) {
		struct tm tm;
		char s[64];
		gmtime_r(&t->tv_sec, &tm);
		strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return xstrdup(s);
	}
	long long d = (long long)time(NULL) - (long long)t->tv_sec;
	if (d < 1)
		return xstrdup("just now");
	static const struct {
		long long secs;
		const char *unit;
	} steps[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	for (size_t i = 0;; i++)
		if (d >= steps[i].secs) {
			long long k = d / steps[i].secs;
			return xasprintf("%lld %s%s ago", k, steps[i].unit, k == 1 ? "" : "s");
		}
}

static char *cell(const struct cas_image *img, enum field f, bool full)
{
	const char *v;
	switch (f) {
	case F_ID:
		return full ? xstrdup(img->id) : xasprintf("%.*s", 7 + 32, img->id);
	case F_NAME:
		return xstrdup(img->name);
	case F_VERSION:
		v = cas_image_label(img, "version");
		return xstrdup(v ? v : "");
	case F_SIZE:
		return human_size(img->size, full);
	case F_IMPORTED:
		return human_time(&img->imported, full);
	case F_LASTUSED:
		return human_time(&img->last_used, full);
	default:
		return xstrdup("");
	}
}

static int by_import(const void *a, const void *b)
{
	const struct cas_image *x = a, *y = b;
	if (x->imported.tv_sec != y->imported.tv_sec)
		return x->imported.tv_sec < y->imported.tv_sec ? -1 : 1;
	if (x->imported.tv_nsec != y->imported.tv_nsec)
		return x->imported.tv_nsec < y->imported.tv_nsec ? -1 : 1;
	return strcmp(x->id, y->id);
}

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void print_json(const struct cas_image *imgs, size_t n, bool pretty)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, pretty);
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct cas_image *img = &imgs[i];
		const char *v = cas_image_label(img, "version");
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "id", img->id);
		jsonw_kstr(&w, "name", img->name);
		jsonw_kstr(&w, "version", v ? v : "");
		jsonw_key(&w, "labels");
		jsonw_obj_begin(&w);
		for (size_t l = 0; l < img->nlabels; l++)
			jsonw_kstr(&w, img->labels[l].name, img->labels[l].value);
		jsonw_obj_end(&w);
		jsonw_kint(&w, "size", img->size);
		jsonw_kint(&w, "import_time", ns(&img->imported));
		jsonw_kint(&w, "last_used_time", ns(&img->last_used));
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	buf_addc(&b, '\n');
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

static void print_table(const struct cas_image *imgs, size_t n, const enum field *f, int nf,
			const struct cs_opts *o)
{
	char **cells = xcalloc((n + 1) * (size_t)nf, sizeof *cells);
	size_t width[F_N] = {0};
	for (int j = 0; j < nf; j++)
		cells[j] = xstrdup(fields[f[j]].legend);
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < nf; j++)
			cells[(i + 1) * (size_t)nf + (size_t)j] = cell(&imgs[i], f[j], o->full);
	for (size_t i = o->no_legend ? 1 : 0; i <= n; i++)
		for (int j = 0; j < nf; j++) {
			size_t l = strlen(cells[i * (size_t)nf + (size_t)j]);
			if (l > width[j])
				width[j] = l;
		}
	for (size_t i = o->no_legend ? 1 : 0; i <= n; i++) {
		for (int j = 0; j < nf; j++) {
			const char *s = cells[i * (size_t)nf + (size_t)j];
			if (j + 1 < nf)
				printf("%-*s  ", (int)width[j], s);
			else
				printf("%s\n", s);
		}
	}
	for (size_t i = 0; i < (n + 1) * (size_t)nf; i++)
		free(cells[i]);
	free(cells);
}

int cs_list(struct cs_opts *o, int argc, char **argv)
{
	(void)argc, (void)argv;
	enum field f[F_N] = {F_ID, F_NAME, F_VERSION, F_SIZE, F_IMPORTED, F_LASTUSED};
	int nf = F_N;
	if (o->fields && (nf = parse_fields(o->fields, f)) <= 0)
		return EXIT_USAGE;
	struct err e = {0};
	struct cas_image *imgs;
	size_t n;
	if (cas_list(&o->cas, &imgs, &n, &e) < 0) {
		warnx_("%s", e.msg);
		return EXIT_FAIL;
	}
	xqsort(imgs, n, sizeof *imgs, by_import);
	if (o->format && !strncmp(o->format, "json", 4))
		print_json(imgs, n, !strcmp(o->format, "json-pretty"));
	else
		print_table(imgs, n, f, nf, o);
	cas_images_free(imgs, n);
	return EXIT_OK;
}
