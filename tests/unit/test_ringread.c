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
#include <stdio.h>
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

/* ---- several rings merged by key ------------------------------------------ */

static struct fake fa, fb;

/* A record of 24 bytes: type, id, the key at offset 8, then the key again. */
static unsigned long put_keyed(struct fake *f, uint32_t id, uint64_t key, uint32_t bits)
{
	unsigned long at = f->prod;
	uint32_t hdr[2] = { 24 | bits, 0 };
	uint8_t rec[24];

	memset(rec, 0, sizeof(rec));
	memcpy(rec + 4, &id, sizeof(id));
	memcpy(rec + 8, &key, sizeof(key));
	memcpy(rec + 16, &key, sizeof(key));
	for (size_t i = 0; i < sizeof(hdr); i++)
		f->data[(at + i) & (RING - 1)] = ((uint8_t *)hdr)[i];
	for (size_t i = 0; i < sizeof(rec); i++)
		f->data[(at + BPF_RINGBUF_HDR_SZ + i) & (RING - 1)] = rec[i];
	memcpy(f->data + RING, f->data, RING);
	f->prod += 32;
	return at;
}

/* A batch: type 3 and a count, then put_keyed's 24-byte records. */
static const struct ringread_batch test_batch = { 3, 8, 24 };

static unsigned long put_batch(struct fake *f, unsigned n, const uint32_t *id, const uint64_t *key)
{
	unsigned long at = f->prod;
	uint32_t len = 8 + 24 * n, hdr[2] = { len, 0 }, head[2] = { 3, n };
	uint8_t rec[8 + 24 * 8];

	memset(rec, 0, sizeof(rec));
	memcpy(rec, head, sizeof(head));
	for (unsigned i = 0; i < n; i++) {
		memcpy(rec + 8 + 24 * i + 4, &id[i], sizeof(id[i]));
		memcpy(rec + 8 + 24 * i + 8, &key[i], sizeof(key[i]));
		memcpy(rec + 8 + 24 * i + 16, &key[i], sizeof(key[i]));
	}
	for (size_t i = 0; i < sizeof(hdr); i++)
		f->data[(at + i) & (RING - 1)] = ((uint8_t *)hdr)[i];
	for (size_t i = 0; i < len; i++)
		f->data[(at + BPF_RINGBUF_HDR_SZ + i) & (RING - 1)] = rec[i];
	memcpy(f->data + RING, f->data, RING);
	f->prod += (BPF_RINGBUF_HDR_SZ + len + 7) & ~7ul;
	return at;
}

struct order {
	unsigned n;
	uint32_t ids[64];
	int refuse_id; /* refuse the record with this id; 0: none */
};

static int take_id(void *ctx, void *data, size_t size)
{
	struct order *o = ctx;
	uint32_t id;

	if (size != 24 || o->n >= 64)
		return -E2BIG;
	memcpy(&id, (uint8_t *)data + 4, sizeof(id));
	o->ids[o->n++] = id;
	return (int)id == o->refuse_id ? -EPIPE : 0;
}

/* The ids handed over so far, as "1 2 3". */
static const char *ids(const struct order *o)
{
	static char buf[512];
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < o->n && at < sizeof(buf) - 12; i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, i ? " %u" : "%u", o->ids[i]);
	return buf;
}

static void two_rings(struct ringread r[2], struct order *o)
{
	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	ringread_init_mem(&r[0], &fa.cons, &fa.prod, fa.data, RING);
	ringread_init_mem(&r[1], &fb.cons, &fb.prod, fb.data, RING);
	memset(o, 0, sizeof(*o));
}

static long merge(struct ringread r[2], uint64_t horizon, unsigned long max, struct order *o,
		  bool *done)
{
	ringread_snapshot(&r[0]);
	ringread_snapshot(&r[1]);
	return ringread_merge(r, 2, horizon, 8, &test_batch, max, take_id, o, done);
}

TEST(ringread_merge_orders_by_key_below_the_horizon)
{
	struct ringread r[2];
	struct order o;
	bool done = false;

	two_rings(r, &o);
	/* a thread moving between the rings' CPUs: ids 1..7 in key order */
	put_keyed(&fa, 1, 100, 0);
	put_keyed(&fa, 4, 400, 0);
	put_keyed(&fa, 5, 500, 0);
	put_keyed(&fa, 7, 900, 0);
	put_keyed(&fb, 2, 200, 0);
	put_keyed(&fb, 99, 250, BPF_RINGBUF_DISCARD_BIT);
	put_keyed(&fb, 3, 300, 0);
	put_keyed(&fb, 6, 800, 0);
	/* keys of 500 and more wait for a later horizon */
	CHECK_EQ_INT(merge(r, 500, 0, &o, &done), 4);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4");
	CHECK_EQ_UINT(fa.cons, 64);
	CHECK_EQ_UINT(fb.cons, 96); /* the discarded record is passed */
	CHECK_EQ_INT(merge(r, 10000, 0, &o, &done), 3);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5 6 7");
	CHECK_EQ_UINT(fa.cons, 128);
	CHECK_EQ_UINT(fb.cons, 128);
	CHECK_EQ_INT(merge(r, 10000, 0, &o, &done), 0);
	CHECK(done);
}

TEST(ringread_merge_hands_over_a_batch_record_by_record)
{
	struct ringread r[2];
	struct order o;
	bool done = false;

	two_rings(r, &o);
	put_keyed(&fa, 1, 100, 0);
	put_batch(&fa, 3, (uint32_t[]){ 2, 4, 6 }, (uint64_t[]){ 200, 400, 600 });
	put_keyed(&fa, 8, 800, 0);
	put_batch(&fb, 2, (uint32_t[]){ 3, 5 }, (uint64_t[]){ 300, 500 });
	put_batch(&fb, 0, NULL, NULL); /* an empty batch is passed over */
	put_keyed(&fb, 7, 700, 0);
	/* the merge stops inside both batches and resumes there */
	CHECK_EQ_INT(merge(r, 450, 0, &o, &done), 4);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4");
	CHECK_EQ_UINT(fa.cons, 32); /* a batch is consumed once all of it went */
	CHECK_EQ_UINT(fb.cons, 0);
	CHECK_EQ_INT(merge(r, 10000, 1, &o, &done), 1);
	CHECK(!done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5");
	CHECK_EQ_UINT(fb.cons, 80); /* past the batch and the empty one */
	/* a refused record inside a batch is consumed, the rest follow */
	o.refuse_id = 6;
	CHECK_EQ_INT(merge(r, 10000, 0, &o, &done), -EPIPE);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5 6");
	CHECK_EQ_UINT(fa.cons, 120);
	CHECK_EQ_INT(merge(r, 10000, 0, &o, &done), 2);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5 6 7 8");
	CHECK_EQ_UINT(fa.cons, fa.prod);
	CHECK_EQ_UINT(fb.cons, fb.prod);
	/* without the batch framing a batch is one record, keyed by its header */
	two_rings(r, &o);
	put_batch(&fa, 1, (uint32_t[]){ 9 }, (uint64_t[]){ 900 });
	ringread_snapshot(&r[0]);
	ringread_snapshot(&r[1]);
	CHECK_EQ_INT(ringread_merge(r, 2, UINT64_MAX, 8, NULL, 0, take_id, &o, &done), -E2BIG);
}

TEST(ringread_merge_stops_at_the_snapshot)
{
	struct ringread r[2];
	struct order o;
	bool done = false;

	two_rings(r, &o);
	put_keyed(&fa, 1, 10, 0);
	put_keyed(&fb, 2, 20, 0);
	ringread_snapshot(&r[0]);
	ringread_snapshot(&r[1]);
	/* committed after the snapshot: not handed over, whatever its key */
	put_keyed(&fa, 3, 5, 0);
	CHECK_EQ_INT(ringread_merge(r, 2, 1000, 8, NULL, 0, take_id, &o, &done), 2);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2");
	CHECK_EQ_INT(merge(r, 1000, 0, &o, &done), 1);
	CHECK_EQ_STR(ids(&o), "1 2 3");
}

TEST(ringread_merge_waits_for_a_record_being_written)
{
	struct ringread r[2];
	struct order o;
	bool done = true;
	unsigned long busy_a, busy_b;

	two_rings(r, &o);
	busy_a = put_keyed(&fa, 2, 20, BPF_RINGBUF_BUSY_BIT);
	put_keyed(&fb, 1, 10, 0);
	/* the key at ring a's head is unknown: nothing goes */
	CHECK_EQ_INT(merge(r, 1000, 0, &o, &done), 0);
	CHECK(!done);
	set_hdr(&fa, busy_a, 24);
	put_keyed(&fa, 4, 40, 0);
	busy_b = put_keyed(&fb, 3, 30, BPF_RINGBUF_BUSY_BIT);
	put_keyed(&fb, 5, 50, 0);
	/* 1 goes; then ring b's head is being written, and 2 waits too: a
	 * committed record behind it could come before 2 in 2's thread */
	CHECK_EQ_INT(merge(r, 1000, 0, &o, &done), 1);
	CHECK(!done);
	CHECK_EQ_STR(ids(&o), "1");
	set_hdr(&fb, busy_b, 24);
	CHECK_EQ_INT(merge(r, 1000, 0, &o, &done), 4);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5");
}

TEST(ringread_merge_max_and_refusal)
{
	struct ringread r[2];
	struct order o;
	bool done = true;

	two_rings(r, &o);
	for (uint32_t i = 1; i <= 8; i++)
		put_keyed(i % 2 ? &fa : &fb, i, 10 * i, 0);
	CHECK_EQ_INT(merge(r, 1000, 3, &o, &done), 3);
	CHECK(!done);
	CHECK_EQ_STR(ids(&o), "1 2 3");
	o.refuse_id = 5;
	CHECK_EQ_INT(merge(r, 1000, 0, &o, &done), -EPIPE);
	CHECK(!done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5");
	CHECK_EQ_UINT(fa.cons, 96); /* the refused record is consumed */
	CHECK_EQ_INT(merge(r, 1000, 0, &o, &done), 3);
	CHECK(done);
	CHECK_EQ_STR(ids(&o), "1 2 3 4 5 6 7 8");
}

TEST(ringread_merge_many_rings)
{
	static struct fake f[20];
	struct ringread r[20];
	struct order o;
	bool done = false;

	memset(&o, 0, sizeof(o));
	/* 20 rings (past the merge's stack heap), keys dealt out of order */
	for (unsigned i = 0; i < 20; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		ringread_init_mem(&r[i], &f[i].cons, &f[i].prod, f[i].data, RING);
	}
	for (uint32_t k = 1; k <= 60; k++) {
		unsigned ring = (k * 7) % 20;

		put_keyed(&f[ring], k, k, 0);
	}
	for (unsigned i = 0; i < 20; i++)
		ringread_snapshot(&r[i]);
	CHECK_EQ_INT(ringread_merge(r, 20, 61, 8, NULL, 0, take_id, &o, &done), 60);
	CHECK(done);
	for (uint32_t k = 1; k <= 60; k++)
		CHECK_EQ_UINT(o.ids[k - 1], k);
}
