/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Parquet value encodings ior's writer uses (Encodings.md of the
 * Parquet format): LSB-first bit packing, the RLE/bit-packed hybrid (for
 * definition levels and dictionary indices) and DELTA_BINARY_PACKED (for
 * integer columns), and a zstd frame of raw blocks for pages not worth
 * compressing. Each appends to a bytebuf; errors are the bytebuf's
 * sticky -ENOMEM. Nothing here allocates besides the bytebuf or keeps state.
 */
#ifndef IOR_PQENC_H
#define IOR_PQENC_H

#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"

/* DELTA_BINARY_PACKED layout: 128-value blocks of four 32-value miniblocks. */
#define PQENC_DELTA_BLOCK 128
#define PQENC_DELTA_MINIBLOCKS 4

/* Bits needed to store v: 0 for 0, 1 for 1, 2 for 2..3, ..., 64. */
unsigned pqenc_bit_width(uint64_t v);

/*
 * Packs n values (n a multiple of 8) of w bits each (0..64) into dst, least
 * significant bit first: n * w / 8 bytes. Bits of a value above w are
 * ignored.
 */
void pqenc_bitpack(uint8_t *dst, const uint64_t *v, size_t n, unsigned w);

/*
 * RLE/bit-packed hybrid of n values of bit width w (1..32), without a length
 * prefix. A run of at least 8 equal values, or of equal values that end the
 * input, becomes an RLE run (varint run << 1, then the value in
 * ceil(w / 8) little-endian bytes); everything else goes into bit-packed runs
 * of at most 63 groups of 8 values (varint groups << 1 | 1, then the packed
 * groups), the last group padded with zeros.
 */
void pqenc_rle(struct bytebuf *out, const uint32_t *v, size_t n, unsigned w);

/* The least and greatest of some values; empty: { INT64_MAX, INT64_MIN }. */
struct pqenc_range {
	int64_t min, max;
};

/*
 * DELTA_BINARY_PACKED of n values: header (block size 128, 4 miniblocks,
 * n, first value), then per block of up to 128 deltas the minimum delta, four
 * miniblock bit widths and the miniblocks that hold deltas. Arithmetic wraps
 * in the type's width (32 or 64 bits), so every input round-trips. range
 * (unless NULL) is extended over the values, found in the same pass.
 */
void pqenc_delta_i64(struct bytebuf *out, const int64_t *v, size_t n, struct pqenc_range *range);
void pqenc_delta_i32(struct bytebuf *out, const int32_t *v, size_t n, struct pqenc_range *range);

/*
 * src[0..n) as one zstd frame that stores it raw, for pages zstd would not
 * shrink: magic, a single-segment frame header with the content size in 4
 * bytes (n < 2^32), then raw blocks of at most 128 KiB (one, empty, for
 * n = 0), each behind a 3-byte header. Any zstd decoder reads it back.
 * dst has room for pqenc_zstd_raw_bound(n) bytes; returns the frame's length.
 */
size_t pqenc_zstd_raw_bound(size_t n);
size_t pqenc_zstd_raw(uint8_t *dst, const uint8_t *src, size_t n);

#endif /* IOR_PQENC_H */
