/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable byte buffer that encoders append to. Appends never report
 * failure one by one: when memory runs out the buffer keeps -ENOMEM in err,
 * drops that append and every later one, and its owner checks err once
 * when the encoding is done (the sticky-error style of ior's writers).
 */
#ifndef IOR_BYTEBUF_H
#define IOR_BYTEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bytebuf {
	uint8_t *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	int err;       /* 0, or -ENOMEM once an append was dropped */
};

/* Makes room for extra more bytes. Returns 0, or err (set to -ENOMEM). */
int bytebuf_grow(struct bytebuf *b, size_t extra);

/* Frees the storage; the buffer is empty (and usable) afterwards. */
void bytebuf_free(struct bytebuf *b);

static inline bool bytebuf_room(struct bytebuf *b, size_t n)
{
	return (!b->err && b->cap - b->len >= n) || bytebuf_grow(b, n) == 0;
}

static inline void bytebuf_put(struct bytebuf *b, const void *p, size_t n)
{
	if (n == 0 || !bytebuf_room(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void bytebuf_byte(struct bytebuf *b, uint8_t v)
{
	if (!bytebuf_room(b, 1))
		return;
	b->data[b->len++] = v;
}

/* Little-endian fixed-width integers (Parquet's PLAIN and length prefixes). */
static inline void bytebuf_le32(struct bytebuf *b, uint32_t v)
{
	uint8_t t[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	bytebuf_put(b, t, sizeof(t));
}

static inline void bytebuf_le64(struct bytebuf *b, uint64_t v)
{
	bytebuf_le32(b, (uint32_t)v);
	bytebuf_le32(b, (uint32_t)(v >> 32));
}

/* ULEB128: seven bits a byte, least significant first, high bit = more. */
static inline void bytebuf_uleb(struct bytebuf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;

	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	bytebuf_put(b, t, n);
}

/* Zigzag maps signed to unsigned so small magnitudes stay small:
 * 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ... */
static inline uint64_t bytebuf_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

#endif /* IOR_BYTEBUF_H */
