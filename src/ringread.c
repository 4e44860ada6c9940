// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a BPF ring buffer map: the layout is the kernel's (a consumer
 * page the reader writes, then a read-only producer page and the data
 * pages mapped twice, so a record that wraps is contiguous). Each record
 * starts with an 8-byte header: its length with a busy and a discard bit,
 * and an offset of no use to the reader; records are 8-byte aligned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/mman.h>

#include "ringread.h"

/* The smallest step between two updates of the consumer position. */
#define RELEASE_MIN 4096u

static size_t release_step(size_t size)
{
	size_t step = size / 16;

	return step < RELEASE_MIN ? RELEASE_MIN : step;
}

int ringread_open(struct ringread *r, int fd, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	void *cons, *prod;
	size_t prod_len;

	memset(r, 0, sizeof(*r));
	if (page <= 0 || !size || (size & (size - 1)) || size % (size_t)page)
		return -EINVAL;
	prod_len = (size_t)page + 2 * size;
	cons = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (cons == MAP_FAILED)
		return -errno;
	prod = mmap(NULL, prod_len, PROT_READ, MAP_SHARED, fd, page);
	if (prod == MAP_FAILED) {
		int e = errno;

		munmap(cons, (size_t)page);
		return -e;
	}
	r->cons_map = cons;
	r->prod_map = prod;
	r->prod_len = prod_len;
	r->page = (size_t)page;
	r->consumer_pos = cons;
	r->producer_pos = prod;
	r->data = (uint8_t *)prod + page;
	r->mask = size - 1;
	r->release = release_step(size);
	r->cons = r->released = r->limit = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	return 0;
}

void ringread_init_mem(struct ringread *r, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, void *data, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->consumer_pos = consumer_pos;
	r->producer_pos = producer_pos;
	r->data = data;
	r->mask = size - 1;
	r->release = release_step(size);
	r->cons = r->released = r->limit = *consumer_pos;
}

void ringread_close(struct ringread *r)
{
	if (r->prod_map)
		munmap(r->prod_map, r->prod_len);
	if (r->cons_map)
		munmap(r->cons_map, r->page);
	memset(r, 0, sizeof(*r));
}

size_t ringread_backlog(const struct ringread *r)
{
	if (!r->producer_pos)
		return 0;
	return __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE) - r->cons;
}

/* Bounded wait for a record being written at a ring's head (the window
 * between reserve and commit is a few hundred ns unless its writer was
 * interrupted); then the caller comes back later. */
#define BUSY_SPINS 2000

enum head { HEAD_NONE, HEAD_BUSY, HEAD_RECORD };

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static void advance(struct ringread *r, uint32_t size)
{
	r->cons += (BPF_RINGBUF_HDR_SZ + size + 7) & ~7ul;
	if (r->cons - r->released >= r->release) {
		__atomic_store_n(r->consumer_pos, r->cons, __ATOMIC_RELEASE);
		r->released = r->cons;
	}
}

static void settle(struct ringread *r)
{
	if (r->cons != r->released) {
		__atomic_store_n(r->consumer_pos, r->cons, __ATOMIC_RELEASE);
		r->released = r->cons;
	}
}

/* The first committed record from r->cons on, below end; discarded ones
 * are passed over. */
static enum head head_of(struct ringread *r, unsigned long end, uint8_t **rec, uint32_t *size)
{
	while (r->cons < end) {
		uint32_t *hdr = (uint32_t *)(r->data + (r->cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		for (int spin = 0; (len & BPF_RINGBUF_BUSY_BIT) && spin < BUSY_SPINS; spin++) {
			cpu_relax();
			len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		}
		if (len & BPF_RINGBUF_BUSY_BIT)
			return HEAD_BUSY;
		*size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			advance(r, *size);
			continue;
		}
		*rec = (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ;
		return HEAD_RECORD;
	}
	return HEAD_NONE;
}

long ringread_consume(struct ringread *r, unsigned long max, ringread_fn fn, void *ctx)
{
	unsigned long prod = r->cons;
	long taken = 0;
	int err = 0;
	uint8_t *rec;
	uint32_t size;

	for (;;) {
		/* the producer's position is read again only once what it
		 * showed is consumed: every read pulls its cache line over */
		if (r->cons >= prod) {
			prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
			if (r->cons >= prod)
				break;
		}
		enum head h = head_of(r, prod, &rec, &size);

		if (h == HEAD_NONE)
			continue;
		if (h == HEAD_BUSY)
			break;
		err = fn(ctx, rec, size);
		advance(r, size);
		if (err < 0 || ++taken == (long)max)
			break;
	}
	settle(r);
	return err < 0 ? err : taken;
}

void ringread_snapshot(struct ringread *r)
{
	r->limit = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
}

struct heap_item {
	uint64_t key;
	uint8_t *rec;  /* the ring record */
	uint32_t size;
	uint32_t ring;
	uint32_t nsub; /* records in the batch; 0: not a batch */
};

static uint64_t key_of(const uint8_t *rec, uint32_t size, size_t key_off)
{
	uint64_t key = 0;

	if (size >= key_off + sizeof(key))
		memcpy(&key, rec + key_off, sizeof(key));
	return key;
}

/* The record a merge hands over next from item's ring record. */
static uint8_t *sub_rec(const struct heap_item *it, const struct ringread *r,
			const struct ringread_batch *b, uint32_t *size)
{
	if (!it->nsub) {
		*size = it->size;
		return it->rec;
	}
	*size = b->stride;
	return it->rec + b->hdr + (size_t)r->sub * b->stride;
}

static void item_key(struct heap_item *it, const struct ringread *r,
		     const struct ringread_batch *b, size_t key_off)
{
	uint32_t size;
	uint8_t *rec = sub_rec(it, r, b, &size);

	it->key = key_of(rec, size, key_off);
}

/* Ring i's head below its snapshot into *it; empty batches are passed over. */
static enum head load_head(struct ringread *r, unsigned i, const struct ringread_batch *b,
			   size_t key_off, struct heap_item *it)
{
	for (;;) {
		uint8_t *rec;
		uint32_t size, type = 0;
		enum head h = head_of(r, r->limit, &rec, &size);

		if (h != HEAD_RECORD)
			return h;
		*it = (struct heap_item){ 0, rec, size, i, 0 };
		if (b && size >= sizeof(type))
			memcpy(&type, rec, sizeof(type));
		if (b && type == b->type) {
			it->nsub = size >= b->hdr ? (size - b->hdr) / b->stride : 0;
			if (r->sub >= it->nsub) {
				r->sub = 0;
				advance(r, size);
				continue;
			}
		}
		item_key(it, r, b, key_off);
		return HEAD_RECORD;
	}
}

static void sift_down(struct heap_item *h, unsigned n, unsigned i)
{
	struct heap_item x = h[i];

	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1].key < h[c].key)
			c++;
		if (h[c].key >= x.key)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

long ringread_merge(struct ringread *rings, unsigned n, uint64_t horizon, size_t key_off,
		    const struct ringread_batch *batch, unsigned long max, ringread_fn fn,
		    void *ctx, bool *done)
{
	struct heap_item stack_heap[16], *heap = stack_heap;
	unsigned nh = 0;
	long taken = 0;
	int err = 0;

	*done = false;
	if (n > 16 && !(heap = malloc(n * sizeof(*heap))))
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		enum head h = load_head(&rings[i], i, batch, key_off, &heap[nh]);

		if (h == HEAD_BUSY)
			goto out;
		if (h == HEAD_RECORD)
			nh++;
	}
	for (unsigned i = nh / 2; i-- > 0;)
		sift_down(heap, nh, i);
	while (nh) {
		struct heap_item *top = &heap[0];
		struct ringread *r = &rings[top->ring];
		uint32_t size;
		uint8_t *rec;

		if (top->key >= horizon)
			break;
		if (max && (unsigned long)taken == max)
			goto out;
		rec = sub_rec(top, r, batch, &size);
		/* the producer wrote the next records on another CPU: ask for
		 * them while this one is handled (a prefetch never faults) */
		__builtin_prefetch(rec + size);
		__builtin_prefetch(rec + size + 64);
		__builtin_prefetch(rec + size + 128);
		err = fn(ctx, rec, size);
		/* the head ring record stays until its last batched record went */
		bool more = top->nsub && ++r->sub < top->nsub;

		if (!more) {
			r->sub = 0;
			advance(r, top->size);
		}
		if (err < 0)
			goto out;
		taken++;
		if (more) {
			item_key(top, r, batch, key_off);
		} else {
			enum head h = load_head(r, top->ring, batch, key_off, top);

			if (h == HEAD_BUSY)
				goto out;
			if (h != HEAD_RECORD)
				*top = heap[--nh];
		}
		sift_down(heap, nh, 0);
	}
	*done = true;
out:
	for (unsigned i = 0; i < n; i++)
		settle(&rings[i]);
	if (heap != stack_heap)
		free(heap);
	return err < 0 ? err : taken;
}
