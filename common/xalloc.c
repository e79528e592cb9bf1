#include "xalloc.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static void *nonnull(void *p)
{
	if (!p)
		die("out of memory");
	return p;
}

void *xmalloc(size_t n) { return nonnull(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return nonnull(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return nonnull(realloc(p, n ? n : 1)); }
void *xreallocarray(void *p, size_t n, size_t size)
{
	return nonnull(reallocarray(p, n ? n : 1, size ? size : 1));
}
void *xgrow(void *v, size_t n, size_t size)
{
	if (v && malloc_usable_size(v) >= (n + 1) * size)
		return v;
	return xreallocarray(v, n < 4 ? 4 : 2 * n, size);
}
char *xstrdup(const char *s) { return nonnull(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return nonnull(strndup(s, n)); }

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void buf_grow(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }
void buf_addc(struct buf *b, char c) { buf_add(b, &c, 1); }

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, s);
	free(s);
}

char *buf_steal(struct buf *b)
{
	char *d = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void freep(void *p) { free(*(void **)p); }

void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}
