// SPDX-License-Identifier: GPL-2.0
/* Bit packing, the RLE/bit-packed hybrid, DELTA_BINARY_PACKED, raw zstd frames. */
#include <string.h>

#include "pqenc.h"

#define RLE_MIN_RUN 8       /* shorter runs are cheaper bit-packed */
#define RLE_MAX_GROUPS 63   /* bit-packed groups per run: a one-byte header */
#define MINIBLOCK (PQENC_DELTA_BLOCK / PQENC_DELTA_MINIBLOCKS)

unsigned pqenc_bit_width(uint64_t v)
{
	return v ? 64u - (unsigned)__builtin_clzll(v) : 0;
}

void pqenc_bitpack(uint8_t *dst, const uint64_t *v, size_t n, unsigned w)
{
	uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1;
	uint64_t acc = 0;
	unsigned have = 0; /* bits waiting in acc, always < 64 */

	if (w == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = v[i] & mask;

		acc |= x << have;
		if (have + w < 64) {
			have += w;
			continue;
		}
		for (int k = 0; k < 8; k++)
			*dst++ = (uint8_t)(acc >> (8 * k));
		/* the bits of x that did not fit */
		acc = have ? x >> (64 - have) : 0;
		have = have + w - 64;
	}
	for (unsigned k = 0; k * 8 < have; k++)
		*dst++ = (uint8_t)(acc >> (8 * k));
}

/* Writes the bit-packed run of groups * 8 values from v (n of them real). */
static void rle_packed(struct bytebuf *out, const uint32_t *v, size_t n, size_t groups,
		       unsigned w)
{
	uint64_t vals[8];

	bytebuf_uleb(out, (uint64_t)groups << 1 | 1);
	if (!bytebuf_room(out, groups * w))
		return;
	for (size_t g = 0; g < groups; g++) {
		for (size_t k = 0; k < 8; k++) {
			size_t i = g * 8 + k;

			vals[k] = i < n ? v[i] : 0;
		}
		pqenc_bitpack(out->data + out->len, vals, 8, w);
		out->len += w;
	}
}

void pqenc_rle(struct bytebuf *out, const uint32_t *v, size_t n, unsigned w)
{
	size_t i = 0;
	size_t packed_from = 0, groups = 0; /* pending bit-packed run */

	while (i < n) {
		size_t run = 1;

		while (i + run < n && v[i + run] == v[i])
			run++;
		if (run >= RLE_MIN_RUN || i + run == n) {
			if (groups)
				rle_packed(out, v + packed_from, n - packed_from, groups, w);
			groups = 0;
			bytebuf_uleb(out, (uint64_t)run << 1);
			for (unsigned k = 0; k < (w + 7) / 8; k++)
				bytebuf_byte(out, (uint8_t)(v[i] >> (8 * k)));
			i += run;
			continue;
		}
		if (groups == 0)
			packed_from = i;
		groups++;
		i += 8;
		if (groups == RLE_MAX_GROUPS) {
			rle_packed(out, v + packed_from, n - packed_from, groups, w);
			groups = 0;
		}
	}
	if (groups)
		rle_packed(out, v + packed_from, n - packed_from, groups, w);
}

/*
 * Packs the 32 values (d[i] - sub) & mask, each below 2^w (w 1..64), into
 * dst: 4 * w bytes, least significant bit first, and up to 8 bytes after
 * them may be written over. Up to 56 bits a value, without a branch: the
 * pending bits (fewer than 8 after each step) take the value above them,
 * all 8 bytes are stored, and the pointer moves past the whole ones.
 */
static void pack_miniblock(uint8_t *dst, const uint64_t *d, uint64_t sub, uint64_t mask,
			   unsigned w)
{
	uint64_t acc = 0;
	unsigned have = 0;

	if (w > 56) {
		uint64_t v[MINIBLOCK];

		for (size_t i = 0; i < MINIBLOCK; i++)
			v[i] = (d[i] - sub) & mask;
		pqenc_bitpack(dst, v, MINIBLOCK, w);
		return;
	}
	for (size_t i = 0; i < MINIBLOCK; i++) {
		unsigned bytes;

		acc |= ((d[i] - sub) & mask) << have;
		have += w;
		memcpy(dst, &acc, sizeof(acc)); /* little-endian */
		bytes = have >> 3;
		dst += bytes;
		acc >>= 8 * bytes;
		have &= 7;
	}
}

/*
 * One block of nd (1..128) deltas, wrapped to width bits, whose minimum as a
 * signed number of that width is min and whose miniblocks' maxima are
 * max[]: subtracting min (with wrap-around) leaves every delta a
 * non-negative number below 2^width, and a miniblock's bit width is that of
 * its maximum less min. Unused values of the last miniblock that holds
 * deltas are written as zero.
 */
static void delta_block(struct bytebuf *out, uint64_t *d, size_t nd, unsigned width, int64_t min,
			const int64_t *max)
{
	uint64_t mask = width == 64 ? ~0ull : (1ull << width) - 1;
	uint8_t widths[PQENC_DELTA_MINIBLOCKS] = { 0 };
	size_t nmini = (nd + MINIBLOCK - 1) / MINIBLOCK, bytes = 0;

	for (size_t i = nd; i < nmini * MINIBLOCK; i++)
		d[i] = (uint64_t)min;
	for (size_t m = 0; m < nmini; m++) {
		widths[m] = (uint8_t)pqenc_bit_width(((uint64_t)max[m] - (uint64_t)min) & mask);
		bytes += (size_t)MINIBLOCK * widths[m] / 8;
	}
	bytebuf_uleb(out, bytebuf_zigzag(min));
	bytebuf_put(out, widths, sizeof(widths));
	/* the packer's stores may run 8 bytes past the last miniblock */
	if (!bytebuf_room(out, bytes + 8))
		return;
	for (size_t m = 0; m < nmini; m++) {
		if (widths[m])
			pack_miniblock(out->data + out->len, d + m * MINIBLOCK, (uint64_t)min, mask,
				       widths[m]);
		out->len += (size_t)MINIBLOCK * widths[m] / 8;
	}
}

static void delta_header(struct bytebuf *out, size_t n, int64_t first)
{
	bytebuf_uleb(out, PQENC_DELTA_BLOCK);
	bytebuf_uleb(out, PQENC_DELTA_MINIBLOCKS);
	bytebuf_uleb(out, n);
	bytebuf_uleb(out, bytebuf_zigzag(first));
}

/* What a pass over deltas gathers: the least and greatest delta, the least
 * and greatest value. */
struct delta_acc {
	int64_t dmin, dmax, lo, hi;
};

/*
 * d[k] = v[k] - v[k - 1] for k in [0, n) (v[-1] must be readable), and acc
 * extended over those deltas and values; width 32 wraps the deltas at 32
 * bits (d holds them zero-extended, ordered as signed 32-bit deltas). One
 * loop of independent lanes: with n a constant multiple of the vector
 * width the compiler vectorises it even at -O2.
 */
static inline __attribute__((always_inline)) void
deltas_pass(const void *restrict v, uint64_t *restrict d, size_t n, unsigned width,
	    struct delta_acc *acc)
{
	const int64_t *v64 = v;
	const int32_t *v32 = v;
	int64_t dmin = acc->dmin, dmax = acc->dmax, lo = acc->lo, hi = acc->hi;

	for (size_t k = 0; k < n; k++) {
		int64_t x, val;

		if (width == 64) {
			val = v64[k];
			x = (int64_t)((uint64_t)val - (uint64_t)v64[k - 1]);
			d[k] = (uint64_t)x;
		} else {
			uint32_t ux = (uint32_t)v32[k] - (uint32_t)v32[k - 1];

			val = v32[k];
			x = (int32_t)ux;
			d[k] = ux;
		}
		dmin = x < dmin ? x : dmin;
		dmax = x > dmax ? x : dmax;
		lo = val < lo ? val : lo;
		hi = val > hi ? val : hi;
	}
	*acc = (struct delta_acc){ dmin, dmax, lo, hi };
}

/* A miniblock's pass: whole miniblocks (all but a page's last) take the
 * vectorised loop, built for AVX2 too and picked at run time. */
__attribute__((target_clones("avx2", "default"))) static void
deltas(const void *restrict v, uint64_t *restrict d, size_t n, unsigned width,
       struct delta_acc *acc)
{
	if (width == 64 && n == MINIBLOCK)
		deltas_pass(v, d, MINIBLOCK, 64, acc);
	else if (width == 64)
		deltas_pass(v, d, n, 64, acc);
	else if (n == MINIBLOCK)
		deltas_pass(v, d, MINIBLOCK, 32, acc);
	else
		deltas_pass(v, d, n, 32, acc);
}

/*
 * DELTA_BINARY_PACKED of n values of width bits (64: v is int64_t[], 32:
 * int32_t[]), extending range over them. One pass over each miniblock's
 * values finds its deltas, their minimum and maximum, and the values' own
 * least and greatest. Inlined into each caller, where width is a constant.
 */
static inline __attribute__((always_inline)) void delta_encode(struct bytebuf *out,
								const void *v, size_t n,
								unsigned width,
								struct pqenc_range *range)
{
	const int64_t *v64 = v;
	const int32_t *v32 = v;
	uint64_t d[PQENC_DELTA_BLOCK];
	struct delta_acc acc;

	if (!n) {
		delta_header(out, 0, 0);
		return;
	}
	acc.lo = acc.hi = width == 64 ? v64[0] : v32[0];
	delta_header(out, n, acc.lo);
	for (size_t i = 1; i < n;) {
		size_t nd = n - i < PQENC_DELTA_BLOCK ? n - i : PQENC_DELTA_BLOCK;
		int64_t max[PQENC_DELTA_MINIBLOCKS];

		acc.dmin = INT64_MAX; /* the block's */
		for (size_t m = 0; m * MINIBLOCK < nd; m++) {
			size_t at = m * MINIBLOCK, len = nd - at < MINIBLOCK ? nd - at : MINIBLOCK;

			acc.dmax = INT64_MIN; /* the miniblock's */
			deltas(width == 64 ? (const void *)(v64 + i + at) : (const void *)(v32 + i + at),
			       d + at, len, width, &acc);
			max[m] = acc.dmax;
		}
		delta_block(out, d, nd, width, acc.dmin, max);
		i += nd;
	}
	if (range) {
		range->min = acc.lo < range->min ? acc.lo : range->min;
		range->max = acc.hi > range->max ? acc.hi : range->max;
	}
}

void pqenc_delta_i64(struct bytebuf *out, const int64_t *v, size_t n, struct pqenc_range *range)
{
	delta_encode(out, v, n, 64, range);
}

void pqenc_delta_i32(struct bytebuf *out, const int32_t *v, size_t n, struct pqenc_range *range)
{
	delta_encode(out, v, n, 32, range);
}

#define ZSTD_RAW_BLOCK (128u << 10) /* the largest block the format allows */

size_t pqenc_zstd_raw_bound(size_t n)
{
	return 9 + 3 * (n / ZSTD_RAW_BLOCK + 1) + n;
}

size_t pqenc_zstd_raw(uint8_t *dst, const uint8_t *src, size_t n)
{
	/* magic 0xFD2FB528; descriptor: 4-byte content size, single segment */
	static const uint8_t head[5] = { 0x28, 0xb5, 0x2f, 0xfd, 0xa0 };
	size_t at = sizeof(head), done = 0;

	memcpy(dst, head, sizeof(head));
	for (int k = 0; k < 4; k++)
		dst[at++] = (uint8_t)(n >> (8 * k));
	do {
		size_t len = n - done < ZSTD_RAW_BLOCK ? n - done : ZSTD_RAW_BLOCK;
		/* last-block bit, block type 0 (raw) in bits 1-2, size above */
		uint32_t bh = (uint32_t)len << 3 | (done + len == n);

		dst[at++] = (uint8_t)bh;
		dst[at++] = (uint8_t)(bh >> 8);
		dst[at++] = (uint8_t)(bh >> 16);
		if (len)
			memcpy(dst + at, src + done, len);
		at += len;
		done += len;
	} while (done < n);
	return at;
}
