// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for ringread.c over memory laid out like a mapped BPF ring
 * buffer: records handed over in order with their exact bytes, discarded
 * ones skipped, a record still being written stopping the walk until it is
 * committed, a record that wraps around the end, the max limit, a callback
 * that refuses a record, and when the consumer position is written (at
 * each release step and at the end, never per record).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "harness.h"
#include "ringread.h"

#define RING (64u * 1024) /* its release step is 4096 bytes */

struct fake {
	unsigned long cons;
	unsigned long prod;
	uint8_t data[2 * RING] __attribute__((aligned(8)));
};

/* Appends a record of len bytes, each byte (seed + i), with the given header bits. */
static unsigned long put(struct fake *f, uint32_t len, uint8_t seed, uint32_t bits)
{
	unsigned long at = f->prod;
	uint32_t hdr[2] = { len | bits, 0 };

	for (size_t i = 0; i < sizeof(hdr); i++)
		f->data[(at + i) & (RING - 1)] = ((uint8_t *)hdr)[i];
	for (uint32_t i = 0; i < len; i++)
		f->data[(at + BPF_RINGBUF_HDR_SZ + i) & (RING - 1)] = (uint8_t)(seed + i);
	/* the second mapping of the data pages */
	memcpy(f->data + RING, f->data, RING);
	f->prod += (BPF_RINGBUF_HDR_SZ + len + 7) & ~7ul;
	return at;
}

static void set_hdr(struct fake *f, unsigned long at, uint32_t word)
{
	memcpy(&f->data[at & (RING - 1)], &word, sizeof(word));
	memcpy(f->data + RING, f->data, RING);
}

struct seen {
	unsigned n;
	uint32_t len[64];
	uint8_t first[64];
	uint8_t last[64];
	unsigned long cons_at[64]; /* the consumer position while each was handled */
	const unsigned long *cons;
	unsigned refuse_at; /* 1-based record to refuse; 0: none */
	int bad;	    /* records whose bytes were not seed, seed+1, ... */
};

static int take(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;
	const uint8_t *p = data;

	if (s->n >= 64)
		return -E2BIG;
	for (size_t i = 1; i < size; i++)
		if (p[i] != (uint8_t)(p[0] + i))
			s->bad++;
	s->len[s->n] = (uint32_t)size;
	s->first[s->n] = size ? p[0] : 0;
	s->last[s->n] = size ? p[size - 1] : 0;
	s->cons_at[s->n] = *s->cons;
	s->n++;
	if (s->refuse_at && s->n == s->refuse_at)
		return -EPIPE;
	return 0;
}

static struct fake fk;

static void fresh(struct ringread *r, struct seen *s, unsigned long start)
{
	memset(&fk, 0, sizeof(fk));
	fk.cons = fk.prod = start;
	ringread_init_mem(r, &fk.cons, &fk.prod, fk.data, RING);
	memset(s, 0, sizeof(*s));
	s->cons = &fk.cons;
}

TEST(ringread_records_in_order_discards_skipped)
{
	struct ringread r;
	struct seen s;

	fresh(&r, &s, 0);
	put(&fk, 5, 10, 0);
	put(&fk, 16, 40, BPF_RINGBUF_DISCARD_BIT);
	put(&fk, 1, 200, 0);
	put(&fk, 112, 7, 0);
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 3);
	CHECK_EQ_UINT(s.n, 3);
	CHECK_EQ_INT(s.bad, 0);
	CHECK_EQ_UINT(s.len[0], 5);
	CHECK_EQ_UINT(s.first[0], 10);
	CHECK_EQ_UINT(s.last[0], 14);
	CHECK_EQ_UINT(s.len[1], 1);
	CHECK_EQ_UINT(s.first[1], 200);
	CHECK_EQ_UINT(s.len[2], 112);
	CHECK_EQ_UINT(s.first[2], 7);
	CHECK_EQ_UINT(s.last[2], 118);
	/* 16 + 24 + 16 + 120 bytes, written once at the end */
	CHECK_EQ_UINT(fk.cons, 176);
	CHECK_EQ_UINT(s.cons_at[2], 0);
	/* nothing new: nothing handed over, the position stays */
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 0);
	CHECK_EQ_UINT(fk.cons, 176);
}

TEST(ringread_busy_record_stops_until_committed)
{
	struct ringread r;
	struct seen s;
	unsigned long busy;

	fresh(&r, &s, 0);
	put(&fk, 8, 1, 0);
	busy = put(&fk, 8, 50, BPF_RINGBUF_BUSY_BIT);
	put(&fk, 8, 90, 0);
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 1);
	CHECK_EQ_UINT(fk.cons, 16);
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 0);
	CHECK_EQ_UINT(fk.cons, 16);
	set_hdr(&fk, busy, 8); /* committed */
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 2);
	CHECK_EQ_UINT(s.n, 3);
	CHECK_EQ_UINT(s.first[1], 50);
	CHECK_EQ_UINT(s.first[2], 90);
	CHECK_EQ_UINT(fk.cons, 48);
}

TEST(ringread_record_wrapping_the_end)
{
	struct ringread r;
	struct seen s;

	/* 16 bytes before the end: the 100-byte record runs past it */
	fresh(&r, &s, 3 * (unsigned long)RING - 16);
	put(&fk, 100, 33, 0);
	put(&fk, 3, 0, 0);
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 2);
	CHECK_EQ_INT(s.bad, 0);
	CHECK_EQ_UINT(s.len[0], 100);
	CHECK_EQ_UINT(s.first[0], 33);
	CHECK_EQ_UINT(s.last[0], 132);
	CHECK_EQ_UINT(s.len[1], 3);
	CHECK_EQ_UINT(s.last[1], 2);
	CHECK_EQ_UINT(fk.cons, 3 * (unsigned long)RING - 16 + 112 + 16);
}

TEST(ringread_max_and_refusal)
{
	struct ringread r;
	struct seen s;

	fresh(&r, &s, 0);
	for (int i = 0; i < 6; i++)
		put(&fk, 4, (uint8_t)(10 * i), 0);
	CHECK_EQ_INT(ringread_consume(&r, 2, take, &s), 2);
	CHECK_EQ_UINT(fk.cons, 32);
	/* a refused record is consumed; the walk stops after it */
	s.refuse_at = 4;
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), -EPIPE);
	CHECK_EQ_UINT(s.n, 4);
	CHECK_EQ_UINT(s.first[3], 30);
	CHECK_EQ_UINT(fk.cons, 64);
	s.refuse_at = 0;
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 2);
	CHECK_EQ_UINT(s.first[5], 50);
	CHECK_EQ_UINT(fk.cons, 96);
}

TEST(ringread_position_written_per_release_step)
{
	struct ringread r;
	struct seen s;

	fresh(&r, &s, 0);
	/* 40 records of 1016 + 8 bytes: the position moves every 4 records */
	for (int i = 0; i < 40; i++)
		put(&fk, 1016, (uint8_t)i, 0);
	CHECK_EQ_INT(ringread_consume(&r, 0, take, &s), 40);
	CHECK_EQ_INT(s.bad, 0);
	for (unsigned i = 0; i < 40; i++) {
		CHECK_EQ_UINT(s.first[i], i);
		CHECK_EQ_UINT(s.cons_at[i], (i / 4) * 4096ul);
	}
	CHECK_EQ_UINT(fk.cons, 40 * 1024ul);
}
