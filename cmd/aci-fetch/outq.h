/* A pipe fed without waiting for its reader: what the reader has not taken
 * yet waits in memory (up to OUTQ_MAX bytes, then the writer does wait).
 * The download feeds gpg and the import thread this way, so that neither
 * holds it up, and each is woken once per OUTQ_BATCH bytes, not once per
 * TLS record. */
#ifndef ACI_FETCH_OUTQ_H
#define ACI_FETCH_OUTQ_H

#include <stdbool.h>
#include <stddef.h>

#define OUTQ_BATCH (1 << 20)
#define OUTQ_MAX (256 << 20)
#define OUTQ_PENDING (-2)

struct outq_chunk;
struct outq {
	int fd; /* the pipe's write end, -1 once closed, OUTQ_PENDING before it is known */
	struct outq_chunk *head, *tail, *spare;
	size_t queued;
};

/* Take over fd (made non-blocking, its pipe enlarged), or with
 * OUTQ_PENDING only queue until outq_attach gives the fd. */
void outq_init(struct outq *q, int fd);
void outq_attach(struct outq *q, int fd);
/* Bytes queued and not yet written. */
size_t outq_queued(const struct outq *q);
/* Queue n bytes. -1 with errno (EPIPE: the reader is gone). */
int outq_put(struct outq *q, const void *p, size_t n);
/* Everything queued to the reader, then close. -1 with errno. */
int outq_finish(struct outq *q);
/* Drop what is queued and close (the reader sees the end). */
void outq_close(struct outq *q);

#endif
