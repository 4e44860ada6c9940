/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ior's reader of a BPF ring buffer map. It walks the records the kernel
 * has committed, in order, and hands each to a callback; discarded records
 * are skipped, and a record still being written stops the walk until a
 * later call.
 *
 * It tells the kernel what it has consumed (the consumer position, which
 * every bpf_ringbuf_reserve reads) once per release step of the ring's
 * size and at the end of a call, not after every record: a position
 * written for every record moves its cache line to the reader's CPU
 * thousands of times per drain, and each tracing CPU then takes a miss on
 * every reservation it makes while the reader drains.
 */
#ifndef IOR_RINGREAD_H
#define IOR_RINGREAD_H

#include <stddef.h>
#include <stdint.h>

/* Called for each committed record; a negative return stops the walk. */
typedef int (*ringread_fn)(void *ctx, void *data, size_t size);

struct ringread {
	unsigned long *consumer_pos;	   /* shared with the kernel */
	const unsigned long *producer_pos; /* shared with the kernel */
	uint8_t *data;			   /* the data pages, mapped twice in a row */
	size_t mask;			   /* data size - 1 */
	size_t release;			   /* bytes consumed between position updates */
	unsigned long cons;		   /* the reader's own position */
	void *cons_map;
	void *prod_map;
	size_t prod_len;
	size_t page;
	int fd;
};

/*
 * Maps the ring buffer map fd, whose data area is size bytes (a power of
 * two, a multiple of the page size). Returns 0 or -errno.
 */
int ringread_open(struct ringread *r, int fd, size_t size);

/*
 * A reader over memory laid out like a mapped ring (data of 2 * size
 * bytes, the second half a copy of the first); for tests.
 */
void ringread_init_mem(struct ringread *r, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, void *data, size_t size);

/* Unmaps what ringread_open mapped; safe on a zeroed or closed reader. */
void ringread_close(struct ringread *r);

/* The fd to poll for data (the map's own fd). */
int ringread_fd(const struct ringread *r);

/*
 * Hands committed records to fn, at most max of them (0: no limit),
 * until the ring is empty or a record is still being written. Returns
 * the number of records handed over, or the callback's negative value
 * (the position is then past the record it refused).
 */
long ringread_consume(struct ringread *r, unsigned long max, ringread_fn fn, void *ctx);

#endif
