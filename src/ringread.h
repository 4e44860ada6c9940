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

#include <stdbool.h>
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
	unsigned long released;		   /* the position the kernel was last told */
	unsigned long limit;		   /* ringread_snapshot: where ringread_merge stops */
	uint32_t sub;			   /* ringread_merge: next record inside the head batch */
	void *cons_map;
	void *prod_map;
	size_t prod_len;
	size_t page;
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

/* Bytes the producer has reserved past the reader's position: what the
 * ring holds for the reader, records still being written included. */
size_t ringread_backlog(const struct ringread *r);

/*
 * Hands committed records to fn, at most max of them (0: no limit),
 * until the ring is empty or a record is still being written. Returns
 * the number of records handed over, or the callback's negative value
 * (the position is then past the record it refused).
 */
long ringread_consume(struct ringread *r, unsigned long max, ringread_fn fn, void *ctx);

/*
 * How the producer packs several records into one ring record (a batch):
 * a record whose first u32 is `type` holds, after a header of `hdr` bytes,
 * (size - hdr) / stride records of `stride` bytes. ringread_merge hands
 * them over one by one, each with its own key, as if each had come in the
 * ring on its own; a merge that stops inside a batch resumes there.
 */
struct ringread_batch {
	uint32_t type;
	uint32_t hdr;
	uint32_t stride;
};

/*
 * Several rings read as one stream ordered by a key each record carries
 * (a u64 at key_off in its payload; 0 for a record too short to hold
 * one), each ring's own order kept. For a key that a producer takes
 * before it reserves its record, where a thread's next record's key is
 * taken after its previous record was committed (the entry time of a
 * thread's syscalls, emitted at exit), a thread's records come out in
 * its own order even when it moved between the rings' CPUs:
 *
 *   1. horizon = the clock now (the producers' clock);
 *   2. ringread_snapshot on every ring (after reading the clock);
 *   3. ringread_merge(rings, n, horizon, ...).
 *
 * The merge hands over the record of smallest key among the rings'
 * heads up to their snapshots, while that key is below the horizon: a
 * record at a head with a smaller key than the horizon could still be
 * followed, in another ring, by nothing of its thread that is not yet
 * visible. A ring whose head is still being written stops the merge (its
 * key is unknown until it is committed); so do max records and a
 * callback's negative return. *done is set when the merge stopped
 * because nothing below the horizon was left in the snapshots.
 * batch, when not NULL, says which records are batches.
 * Returns the number of records handed over, or the callback's value.
 */
void ringread_snapshot(struct ringread *r);
long ringread_merge(struct ringread *rings, unsigned n, uint64_t horizon, size_t key_off,
		    const struct ringread_batch *batch, unsigned long max, ringread_fn fn,
		    void *ctx, bool *done);

#endif
