// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a BPF ring buffer map: the layout is the kernel's (a consumer
 * page the reader writes, then a read-only producer page and the data
 * pages mapped twice, so a record that wraps is contiguous). Each record
 * starts with an 8-byte header: its length with a busy and a discard bit,
 * and an offset of no use to the reader; records are 8-byte aligned.
 */
#include <errno.h>
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
	r->fd = -1;
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
	r->cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	r->fd = fd;
	return 0;
}

void ringread_init_mem(struct ringread *r, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, void *data, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->consumer_pos = consumer_pos;
	r->producer_pos = producer_pos;
	r->data = data;
	r->mask = size - 1;
	r->release = release_step(size);
	r->cons = *consumer_pos;
}

void ringread_close(struct ringread *r)
{
	if (r->prod_map)
		munmap(r->prod_map, r->prod_len);
	if (r->cons_map)
		munmap(r->cons_map, r->page);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

int ringread_fd(const struct ringread *r)
{
	return r->fd;
}

long ringread_consume(struct ringread *r, unsigned long max, ringread_fn fn, void *ctx)
{
	unsigned long cons = r->cons, released = cons;
	long taken = 0;
	int err = 0;

	for (;;) {
		unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);

		if (cons >= prod)
			break;
		while (cons < prod) {
			uint32_t *hdr = (uint32_t *)(r->data + (cons & r->mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;
			uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

			cons += (BPF_RINGBUF_HDR_SZ + size + 7) & ~7ul;
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				err = fn(ctx, (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, size);
				if (err < 0)
					goto out;
				if (++taken == (long)max)
					goto out;
			}
			if (cons - released >= r->release) {
				__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
				released = cons;
			}
		}
	}
out:
	r->cons = cons;
	if (cons != released)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return err < 0 ? err : taken;
}
