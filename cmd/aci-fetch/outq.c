#include "outq.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

/* The queue is a list of OUTQ_BATCH chunks: written from the head, filled
 * at the tail; nothing is ever moved. */
struct outq_chunk {
	struct outq_chunk *next;
	size_t off, len;
	char data[OUTQ_BATCH];
};

void outq_init(struct outq *q, int fd)
{
	memset(q, 0, sizeof *q);
	q->fd = OUTQ_PENDING;
	if (fd != OUTQ_PENDING)
		outq_attach(q, fd);
}

void outq_attach(struct outq *q, int fd)
{
	q->fd = fd;
	fcntl(fd, F_SETPIPE_SZ, OUTQ_BATCH);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

size_t outq_queued(const struct outq *q)
{
	return q->queued;
}

/* A written chunk is kept for reuse: fresh memory costs a page fault per
 * 4 KiB, more than the copy into it. */
static void drop_head(struct outq *q)
{
	struct outq_chunk *c = q->head;
	q->head = c->next;
	if (!q->head)
		q->tail = NULL;
	c->next = q->spare;
	q->spare = c;
}

static struct outq_chunk *new_chunk(struct outq *q)
{
	struct outq_chunk *c = q->spare;
	if (c)
		q->spare = c->next;
	else
		c = xmalloc(sizeof *c);
	c->next = NULL;
	c->off = c->len = 0;
	return c;
}

/* Write what the pipe takes now; with wait, all of it. */
static int push(struct outq *q, bool wait)
{
	while (q->head) {
		struct outq_chunk *c = q->head;
		if (c->off == c->len) {
			drop_head(q);
			continue;
		}
		ssize_t w = write(q->fd, c->data + c->off, c->len - c->off);
		if (w > 0) {
			c->off += (size_t)w;
			q->queued -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return -1;
		if (!wait)
			break;
		struct pollfd p = {.fd = q->fd, .events = POLLOUT};
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
	return 0;
}

int outq_put(struct outq *q, const void *p, size_t n)
{
	if (q->fd == -1) {
		errno = EPIPE;
		return -1;
	}
	while (n) {
		struct outq_chunk *t = q->tail;
		if (!t || t->len == OUTQ_BATCH) {
			t = new_chunk(q);
			if (q->tail)
				q->tail->next = t;
			else
				q->head = t;
			q->tail = t;
		}
		size_t k = OUTQ_BATCH - t->len < n ? OUTQ_BATCH - t->len : n;
		memcpy(t->data + t->len, p, k);
		t->len += k;
		q->queued += k;
		p = (const char *)p + k;
		n -= k;
	}
	if (q->queued < OUTQ_BATCH || q->fd == OUTQ_PENDING)
		return 0;
	return push(q, q->queued > OUTQ_MAX);
}

int outq_finish(struct outq *q)
{
	if (q->fd < 0) { /* closed, or never attached */
		errno = EPIPE;
		return -1;
	}
	int rc = push(q, true);
	int saved = errno;
	outq_close(q);
	errno = saved;
	return rc;
}

void outq_close(struct outq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	while (q->head)
		drop_head(q);
	while (q->spare) {
		struct outq_chunk *c = q->spare;
		q->spare = c->next;
		free(c);
	}
	q->queued = 0;
}
