/* Allocation that cannot fail: out of memory ends the program, so the
 * happy path reads straight (as bubblewrap's x* helpers). */
#ifndef RKT_XALLOC_H
#define RKT_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
/* Room for one more element at v (n in use): grows geometrically, asking
 * the allocator what the block holds, so lists built elsewhere stay safe. */
void *xgrow(void *v, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable byte buffer (always NUL-terminated for convenience). */
struct buf {
	char *data;
	size_t len, cap;
};
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_steal(struct buf *b); /* returns data (never NULL), resets b */
void buf_free(struct buf *b);

/* qsort for lists that may be empty: qsort's base must not be NULL even when
 * n is 0, and an empty list is NULL here as often as not. */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* Cleanup helpers for __attribute__((cleanup)). */
void freep(void *p);      /* frees *(void **)p */
void closep(int *fd);     /* closes *fd if >= 0 */
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

#endif
