#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *progname = "rkt";

static int err_vset(struct err *e, int errnum, const char *fmt, va_list ap)
{
	if (!e)
		return -1;
	e->errnum = errnum;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	if (errnum) {
		size_t n = strlen(e->msg);
		snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	}
	return -1;
}

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int err_sys(struct err *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, saved, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char ctx[512], old[sizeof e->msg];
	va_list ap;
	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof ctx, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* truncation is acceptable for a message; build it piecewise */
	size_t n = strlen(ctx);
	if (n > sizeof e->msg - 3)
		n = sizeof e->msg - 3;
	memcpy(e->msg, ctx, n);
	memcpy(e->msg + n, ": ", 2);
	size_t rest = sizeof e->msg - n - 3, ol = strlen(old);
	if (ol > rest)
		ol = rest;
	memcpy(e->msg + n + 2, old, ol);
	e->msg[n + 2 + ol] = '\0';
	return -1;
}

void err_clear(struct err *e)
{
	e->errnum = 0;
	e->msg[0] = '\0';
}

void errlist_addv(struct errlist *l, const char *fmt, va_list ap)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->items = xreallocarray(l->items, l->cap, sizeof *l->items);
	}
	l->items[l->n++] = xvasprintf(fmt, ap);
}

void errlist_add(struct errlist *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	errlist_addv(l, fmt, ap);
	va_end(ap);
}

void errlist_free(struct errlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

void prog_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		progname = slash ? slash + 1 : argv0;
}

const char *prog_name(void) { return progname; }

static void vmsg(int errnum, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void warn_(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(saved, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(EXIT_FAIL);
}

void die_code(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(code);
}

void die_sys(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(saved, fmt, ap);
	va_end(ap);
	exit(EXIT_FAIL);
}

void die_err(const struct err *e)
{
	fprintf(stderr, "%s: %s\n", progname, e->msg[0] ? e->msg : "unknown error");
	exit(EXIT_FAIL);
}

void die_usage(const char *usage)
{
	fprintf(stderr, "%s: usage: %s\n", progname, usage);
	exit(EXIT_USAGE);
}
