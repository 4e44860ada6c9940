// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Parquet writer and its encoders: Thrift compact
 * protocol bytes (varints, zigzag, field deltas, lists, nested structs,
 * binaries), bit packing against a bit-by-bit reference, the RLE/bit-packed
 * hybrid and DELTA_BINARY_PACKED against bytes worked out by hand from the
 * Parquet spec (and a decoder written here for round trips), the string
 * escape, and the writer's file: magic, footer, row groups, key-value
 * metadata, flush rules, argument errors and a sticky write error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "bytebuf.h"
#include "harness.h"
#include "parquet.h"
#include "pqenc.h"
#include "pqread.h"
#include "syscalls.h"
#include "thrift.h"
#include "util.h"

#define CHECK_BYTES(buf, ...)                                                 \
	do {                                                                  \
		static const uint8_t want_[] = { __VA_ARGS__ };               \
		CHECK_EQ_UINT((buf)->len, sizeof(want_));                     \
		CHECK_EQ_MEM((buf)->data, want_, sizeof(want_));              \
	} while (0)

/* ---- Thrift compact protocol -------------------------------------------- */

TEST(parquet_uleb_varints)
{
	struct bytebuf b = { 0 };

	bytebuf_uleb(&b, 0);
	bytebuf_uleb(&b, 1);
	bytebuf_uleb(&b, 127);
	bytebuf_uleb(&b, 128);
	bytebuf_uleb(&b, 300);
	bytebuf_uleb(&b, UINT64_MAX);
	CHECK_BYTES(&b, 0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	bytebuf_free(&b);
}

TEST(parquet_zigzag)
{
	CHECK_EQ_UINT(bytebuf_zigzag(0), 0);
	CHECK_EQ_UINT(bytebuf_zigzag(-1), 1);
	CHECK_EQ_UINT(bytebuf_zigzag(1), 2);
	CHECK_EQ_UINT(bytebuf_zigzag(-2), 3);
	CHECK_EQ_UINT(bytebuf_zigzag(INT32_MIN), 0xffffffffu);
	CHECK_EQ_UINT(bytebuf_zigzag(INT64_MAX), UINT64_MAX - 1);
	CHECK_EQ_UINT(bytebuf_zigzag(INT64_MIN), UINT64_MAX);
}

TEST(parquet_thrift_field_deltas)
{
	struct bytebuf b = { 0 };
	struct thrift t;

	thrift_begin(&t, &b);
	thrift_i32(&t, 1, 5);          /* delta 1, I32: 0x15, zigzag 10 */
	thrift_i64(&t, 3, -1);         /* delta 2, I64: 0x26, zigzag 1 */
	thrift_i32(&t, 18, 0);         /* delta 15: still short, 0xf5 */
	thrift_i32(&t, 34, 64);        /* delta 16: long form, id zigzag 68 */
	thrift_bool(&t, 33, true);     /* backwards: long form, TRUE */
	thrift_bool(&t, 34, false);    /* delta 1, FALSE: 0x12 */
	thrift_i64(&t, 35, -129);      /* zigzag 257: 0x81 0x02 */
	thrift_end(&t);
	CHECK_BYTES(&b, 0x15, 0x0a, 0x26, 0x01, 0xf5, 0x00, 0x05, 0x44, 0x80, 0x01,
		    0x01, 0x42, 0x12, 0x16, 0x81, 0x02, 0x00);
	CHECK_EQ_INT(t.depth, 0);
	bytebuf_free(&b);
}

TEST(parquet_thrift_binary_and_lists)
{
	struct bytebuf b = { 0 };
	struct thrift t;

	thrift_begin(&t, &b);
	thrift_string(&t, 4, "PAR");            /* 0x48, len 3, bytes */
	thrift_binary(&t, 5, "", 0);            /* 0x18, len 0 */
	thrift_list(&t, 7, THRIFT_I32, 3);      /* 0x29, size 3 << 4 | 5 */
	thrift_elem_i32(&t, 1);
	thrift_elem_i32(&t, -1);
	thrift_elem_i32(&t, 64);
	thrift_list(&t, 8, THRIFT_BINARY, 15);  /* 15 elements: long header */
	for (int i = 0; i < 15; i++)
		thrift_elem_binary(&t, "x", 1);
	thrift_list(&t, 9, THRIFT_STRUCT, 0);   /* empty list of structs */
	thrift_end(&t);
	CHECK_EQ_UINT(b.len, 2 + 3 + 2 + 2 + 4 + 3 + 15 * 2 + 2 + 1);
	CHECK_EQ_MEM(b.data, "\x48\x03PAR\x18\x00\x29\x35\x02\x01\x80\x01\x19\xf8\x0f\x01x", 18);
	CHECK_EQ_MEM(b.data + b.len - 3, "\x19\x0c\x00", 3);
	bytebuf_free(&b);
}

TEST(parquet_thrift_nested_structs)
{
	struct bytebuf b = { 0 };
	struct thrift t;

	thrift_begin(&t, &b);
	thrift_i32(&t, 2, 1);
	thrift_struct(&t, 10);      /* delta 8, STRUCT: 0x8c */
	thrift_struct(&t, 8);       /* inner ids restart at 0: 0x8c */
	thrift_bool(&t, 1, true);   /* 0x11 */
	thrift_end(&t);
	thrift_end(&t);
	thrift_i32(&t, 11, 7);      /* outer resumes after 10: delta 1 */
	thrift_list(&t, 12, THRIFT_STRUCT, 2);
	thrift_elem_struct(&t);
	thrift_i32(&t, 1, 3);
	thrift_end(&t);
	thrift_elem_struct(&t);     /* empty struct: just a stop */
	thrift_end(&t);
	thrift_end(&t);
	CHECK_BYTES(&b, 0x25, 0x02, 0x8c, 0x8c, 0x11, 0x00, 0x00, 0x15, 0x0e,
		    0x19, 0x2c, 0x15, 0x06, 0x00, 0x00, 0x00);
	bytebuf_free(&b);
}

/* ---- bit packing and the RLE/bit-packed hybrid --------------------------- */

TEST(parquet_bit_width)
{
	CHECK_EQ_UINT(pqenc_bit_width(0), 0);
	CHECK_EQ_UINT(pqenc_bit_width(1), 1);
	CHECK_EQ_UINT(pqenc_bit_width(2), 2);
	CHECK_EQ_UINT(pqenc_bit_width(3), 2);
	CHECK_EQ_UINT(pqenc_bit_width(4), 3);
	CHECK_EQ_UINT(pqenc_bit_width(255), 8);
	CHECK_EQ_UINT(pqenc_bit_width(256), 9);
	CHECK_EQ_UINT(pqenc_bit_width(UINT64_MAX), 64);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

TEST(parquet_bitpack_spec_example)
{
	/* Encodings.md: 0..7 at bit width 3 is 10001000 11000110 11111010 */
	static const uint64_t v[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	uint8_t out[3];

	pqenc_bitpack(out, v, 8, 3);
	CHECK_EQ_MEM(out, "\x88\xc6\xfa", 3);
}

TEST(parquet_bitpack_matches_bit_by_bit_reference)
{
	uint64_t v[64];
	uint8_t got[64 * 8 + 1], want[64 * 8];

	for (unsigned w = 1; w <= 64; w++) {
		uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;

		for (int i = 0; i < 64; i++)
			v[i] = i % 9 == 0 ? ~0ull : rng(); /* bits above w must be ignored */
		memset(want, 0, sizeof(want));
		for (size_t bit = 0; bit < 64 * w; bit++)
			if ((v[bit / w] & mask) >> (bit % w) & 1)
				want[bit / 8] |= (uint8_t)(1u << (bit % 8));
		memset(got, 0xee, sizeof(got));
		pqenc_bitpack(got, v, 64, w);
		CHECK_EQ_MEM(got, want, 8 * w);
		CHECK_EQ_UINT(got[8 * w], 0xee); /* wrote exactly 64 * w / 8 bytes */
	}
}

static void rle(struct bytebuf *b, const uint32_t *v, size_t n, unsigned w)
{
	b->len = 0;
	pqenc_rle(b, v, n, w);
}

TEST(parquet_rle_runs)
{
	struct bytebuf b = { 0 };
	uint32_t v[16];

	for (int i = 0; i < 10; i++)
		v[i] = 1;
	rle(&b, v, 10, 1);                 /* RLE run: 10 << 1, value */
	CHECK_BYTES(&b, 0x14, 0x01);
	for (int i = 0; i < 8; i++)
		v[i] = 300;
	rle(&b, v, 8, 9);                  /* two value bytes, little-endian */
	CHECK_BYTES(&b, 0x10, 0x2c, 0x01);
	v[0] = v[1] = v[2] = 3;
	rle(&b, v, 3, 2);                  /* short, but it ends the input */
	CHECK_BYTES(&b, 0x06, 0x03);
	rle(&b, v, 0, 1);
	CHECK_EQ_UINT(b.len, 0);
	bytebuf_free(&b);
}

TEST(parquet_rle_bit_packed)
{
	struct bytebuf b = { 0 };
	uint32_t v[1000];

	for (int i = 0; i < 16; i++)
		v[i] = (uint32_t)i & 1;
	rle(&b, v, 16, 1);                 /* 2 groups: 0b10101010 each */
	CHECK_BYTES(&b, 0x05, 0xaa, 0xaa);
	for (int i = 0; i < 8; i++)
		v[i] = (uint32_t)i;
	rle(&b, v, 8, 3);                  /* the spec's example */
	CHECK_BYTES(&b, 0x03, 0x88, 0xc6, 0xfa);
	v[0] = 1;
	v[1] = v[2] = v[3] = 2;
	rle(&b, v, 4, 2);                  /* one padded group */
	CHECK_BYTES(&b, 0x03, 0xa9, 0x00);
	for (int i = 0; i < 10; i++)
		v[i] = 5;
	v[10] = 1;
	v[11] = 2;
	v[12] = 3;
	rle(&b, v, 13, 3);                 /* a run, then a padded group */
	CHECK_BYTES(&b, 0x14, 0x05, 0x03, 0xd1, 0x00, 0x00);
	for (int i = 0; i < 1000; i++)
		v[i] = (uint32_t)i & 1;
	rle(&b, v, 1000, 1);               /* 125 groups: runs of 63 and 62 */
	CHECK_EQ_UINT(b.len, 1 + 63 + 1 + 62);
	CHECK_EQ_UINT(b.data[0], 63 << 1 | 1);
	CHECK_EQ_UINT(b.data[64], 62 << 1 | 1);
	CHECK_EQ_UINT(b.data[1], 0xaa);
	CHECK_EQ_UINT(b.data[126], 0xaa);
	bytebuf_free(&b);
}

TEST(parquet_dictionary_indices)
{
	/* A data page's indices: bit width byte (the writer's), then the hybrid. */
	static const uint32_t idx[] = { 0, 1, 2, 3, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	struct bytebuf b = { 0 };

	bytebuf_byte(&b, 2);
	pqenc_rle(&b, idx, 8, 2);          /* 0,1,2,3 in 2 bits: 0xe4 */
	CHECK_BYTES(&b, 0x02, 0x03, 0xe4, 0xe4);
	rle(&b, idx, 16, 2);               /* a group, then a run of 8 threes */
	CHECK_BYTES(&b, 0x03, 0xe4, 0xe4, 0x10, 0x03);
	rle(&b, idx + 2, 14, 2);           /* the run starts mid-group */
	CHECK_BYTES(&b, 0x03, 0x4e, 0xfe, 0x0c, 0x03);
	bytebuf_free(&b);
}

/* ---- DELTA_BINARY_PACKED -------------------------------------------------- */

static uint64_t get_uleb(const uint8_t **p)
{
	uint64_t v = 0;

	for (int shift = 0;; shift += 7) {
		uint8_t c = *(*p)++;

		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
}

static int64_t get_zigzag(const uint8_t **p)
{
	uint64_t u = get_uleb(p);

	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* An independent reading of Encodings.md, for round trips: decodes into out
 * (wrapping in width bits) and returns the number of values, or -1. */
static long delta_decode(const uint8_t *p, const uint8_t *end, int64_t *out, unsigned width)
{
	uint64_t block = get_uleb(&p), minis = get_uleb(&p), n = get_uleb(&p);
	uint64_t per_mini = block / minis, got = 0;
	uint64_t mask = width == 64 ? ~0ull : (1ull << width) - 1;
	uint64_t last = (uint64_t)get_zigzag(&p);

	if (n == 0)
		return 0;
	out[got++] = (int64_t)last;
	while (got < n) {
		uint64_t min = (uint64_t)get_zigzag(&p);
		const uint8_t *widths = p;

		p += minis;
		for (uint64_t m = 0; m < minis && got < n; m++) {
			for (uint64_t i = 0; i < per_mini; i++) {
				uint64_t x = 0;

				for (unsigned bit = 0; bit < widths[m]; bit++) {
					uint64_t at = i * widths[m] + bit;

					x |= (uint64_t)(p[at / 8] >> (at % 8) & 1) << bit;
				}
				if (got < n) {
					last = (last + min + x) & mask;
					out[got++] = width == 32 ? (int32_t)(uint32_t)last : (int64_t)last;
				}
			}
			p += per_mini * widths[m] / 8;
		}
	}
	return p <= end ? (long)got : -1;
}

TEST(parquet_delta_spec_examples)
{
	static const int64_t ramp[] = { 1, 2, 3, 4, 5 };
	static const int64_t vee[] = { 7, 5, 3, 1, 2, 3, 4, 5 };
	static const int64_t one[] = { 42 };
	struct bytebuf b = { 0 };

	pqenc_delta_i64(&b, ramp, 5, NULL);     /* min delta 1, width 0: no data */
	CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00);
	b.len = 0;
	pqenc_delta_i64(&b, vee, 8, NULL);      /* min -2; 0,0,0,3,3,3,3 in 2 bits */
	CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00,
		    0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
	b.len = 0;
	pqenc_delta_i64(&b, one, 1, NULL);      /* a header and no block */
	CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x01, 0x54);
	b.len = 0;
	pqenc_delta_i64(&b, NULL, 0, NULL);
	CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x00, 0x00);
	bytebuf_free(&b);
}

TEST(parquet_delta_blocks_and_wrap)
{
	static const int64_t ext[] = { INT64_MIN, INT64_MAX };
	static const int32_t ext32[] = { 0, INT32_MAX, INT32_MIN, 0 };
	int64_t v[200];
	struct bytebuf b = { 0 };

	for (int i = 0; i < 200; i++)
		v[i] = 3 * i;
	pqenc_delta_i64(&b, v, 200, NULL);      /* 128 + 71 deltas: two blocks */
	CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0xc8, 0x01, 0x00,
		    0x06, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00);
	b.len = 0;
	pqenc_delta_i64(&b, ext, 2, NULL);      /* MAX - MIN wraps to -1 */
	CHECK_BYTES(&b, 0x80, 0x01, 0x04, 0x02,
		    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
		    0x01, 0x00, 0x00, 0x00, 0x00);
	b.len = 0;
	pqenc_delta_i32(&b, ext32, 4, NULL);    /* wraps in 32 bits: width 32, not 33 */
	CHECK_EQ_UINT(b.len, 5 + 5 + 4 + 32 * 4);
	CHECK_EQ_MEM(b.data, "\x80\x01\x04\x04\x00\xff\xff\xff\xff\x0f\x20\x00\x00\x00", 14);
	bytebuf_free(&b);
}

TEST(parquet_delta_round_trips)
{
	static int64_t v[1000], got[1000];
	static int32_t v32[1000];
	struct bytebuf b = { 0 };

	for (int round = 0; round < 50; round++) {
		size_t n = (size_t)(rng() % 1000);
		/* the range starts with one value of its own */
		struct pqenc_range r64 = { 5, 5 }, r32 = { 5, 5 }, want64 = { 5, 5 }, want32 = { 5, 5 };

		for (size_t i = 0; i < n; i++) {
			switch (round % 5) {
			case 0: v[i] = (int64_t)rng(); break;
			case 1: v[i] = (int64_t)(rng() % 3000) - 1500; break;
			case 2: v[i] = i % 2 ? INT64_MIN : INT64_MAX; break;
			case 3: v[i] = 1700000000000000000 + (int64_t)i * 1000 + (int64_t)(rng() % 999); break;
			/* every bit width from miniblock to miniblock */
			default: v[i] = (int64_t)(rng() >> (i / 32 * 7 % 64)); break;
			}
			v32[i] = (int32_t)v[i];
			want64.min = v[i] < want64.min ? v[i] : want64.min;
			want64.max = v[i] > want64.max ? v[i] : want64.max;
			want32.min = v32[i] < want32.min ? v32[i] : want32.min;
			want32.max = v32[i] > want32.max ? v32[i] : want32.max;
		}
		b.len = 0;
		pqenc_delta_i64(&b, v, n, &r64);
		CHECK_EQ_INT(delta_decode(b.data, b.data + b.len, got, 64), (long)n);
		CHECK_EQ_MEM(got, v, n * sizeof(*v));
		CHECK_EQ_INT(r64.min, want64.min);
		CHECK_EQ_INT(r64.max, want64.max);
		b.len = 0;
		pqenc_delta_i32(&b, v32, n, &r32);
		CHECK_EQ_INT(delta_decode(b.data, b.data + b.len, got, 32), (long)n);
		for (size_t i = 0; i < n; i++)
			CHECK_EQ_INT(got[i], v32[i]);
		CHECK_EQ_INT(r32.min, want32.min);
		CHECK_EQ_INT(r32.max, want32.max);
	}
	CHECK(!b.err);
	bytebuf_free(&b);
}

/* ---- the string escape ------------------------------------------------------ */

static const char *esc(const char *s, size_t len)
{
	static char out[256];
	long n = parquet_escape(out, sizeof(out) - 1, s, len);

	if (n < 0)
		return "<error>";
	out[n] = '\0';
	return out;
}

TEST(parquet_escape_strings)
{
	char small[8];

	CHECK_EQ_STR(esc("", 0), "");
	CHECK_EQ_STR(esc("/tmp/a,b \"q\"\n\t", 15), "/tmp/a,b \"q\"\n\t");
	CHECK_EQ_STR(esc("C:\\x", 4), "C:\\\\x");
	CHECK_EQ_STR(esc("\xff", 1), "\\xff");
	CHECK_EQ_STR(esc("\xc3\xa9\xf0\x9f\x98\x80", 6), "\xc3\xa9\xf0\x9f\x98\x80");
	CHECK_EQ_STR(esc("a\xc3", 2), "a\\xc3");                 /* truncated */
	CHECK_EQ_STR(esc("\xc0\xaf", 2), "\\xc0\\xaf");           /* overlong */
	CHECK_EQ_STR(esc("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");  /* surrogate */
	CHECK_EQ_STR(esc("\xf4\x90\x80\x80", 4), "\\xf4\\x90\\x80\\x80");
	CHECK_EQ_STR(esc("\x80z", 2), "\\x80z");
	CHECK_EQ_INT(parquet_escape(small, sizeof(small), "\xff\xff", 2), 8);
	CHECK_EQ_INT(parquet_escape(small, sizeof(small), "\xff\xff\xff", 3), -ENOSPC);
	CHECK_EQ_INT(parquet_escape(small, 1, "\\", 1), -ENOSPC);
}

TEST(parquet_needs_escape_every_position)
{
	static const char bad[] = { '\\', '\x80', '\xff', '\xc3' };
	char s[41];

	memset(s, 'a', sizeof(s));
	for (size_t len = 0; len <= 40; len++) {
		CHECK(!parquet_needs_escape(s, len));
		for (size_t at = 0; at < len; at++) {
			for (size_t b = 0; b < sizeof(bad); b++) {
				s[at] = bad[b];
				if (!parquet_needs_escape(s, len))
					CHECK_EQ_UINT(len * 100 + at, 0); /* names the failing case */
				s[at] = 'a';
			}
		}
	}
	/* the ASCII bytes next to the ones that need escaping do not */
	CHECK(!parquet_needs_escape("\x7f[]]]]]]]]]]]]\x01\x7f", 17));
	CHECK(!parquet_needs_escape("/tmp/a,b \"q\"\n\t0123456789", 24));
}

/*
 * Raw zstd frames: libzstd decodes them to the input bytes, for no bytes,
 * one block, exactly one full block (128 KiB), one byte more and several;
 * the frame is the 9-byte header, 3 bytes per block and the bytes, within
 * the bound.
 */
TEST(parquet_zstd_raw_frames)
{
	static const size_t sizes[] = { 0, 1, 1000, 131071, 131072, 131073, 400000 };
	static uint8_t src[400000], frame[400000 + 64], back[400000 + 1];
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < sizeof(src); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		src[i] = (uint8_t)x;
	}
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k], blocks = n ? (n + 131071) / 131072 : 1;
		size_t len = pqenc_zstd_raw(frame, src, n);
		size_t got;

		CHECK_EQ_UINT(len, 9 + 3 * blocks + n);
		CHECK(len <= pqenc_zstd_raw_bound(n));
		CHECK_EQ_UINT(ZSTD_getFrameContentSize(frame, len), n);
		CHECK_EQ_UINT(ZSTD_findFrameCompressedSize(frame, len), len);
		got = ZSTD_decompress(back, sizeof(back), frame, len);
		CHECK(!ZSTD_isError(got));
		CHECK_EQ_UINT(got, n);
		CHECK_EQ_MEM(back, src, n);
	}
}

/* ---- the writer's file ------------------------------------------------------ */

/* A reader of the Thrift compact protocol just deep enough to walk a footer. */
struct tread {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t tread_uleb(struct tread *r)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
		uint8_t c = *r->p++;

		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static void tread_skip(struct tread *r, int type, int depth);

static void tread_struct(struct tread *r, int depth, int64_t *fields, int nfields)
{
	int16_t id = 0;

	while (!r->bad && r->p < r->end) {
		uint8_t h = *r->p++;
		int type = h & 15;

		if (h == 0)
			return;
		id = h >> 4 ? (int16_t)(id + (h >> 4)) : (int16_t)(tread_uleb(r) >> 1);
		if (fields && id < nfields && (type == THRIFT_I32 || type == THRIFT_I64)) {
			uint64_t u = tread_uleb(r);

			fields[id] = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
		} else if (fields && id < nfields && type == THRIFT_LIST) {
			const uint8_t *at = r->p;

			fields[id] = *at >> 4 == 15 ? (int64_t)(r->p++, tread_uleb(r)) : *at >> 4;
			r->p = at;
			tread_skip(r, type, depth);
		} else {
			tread_skip(r, type, depth);
		}
	}
	r->bad = true;
}

static void tread_skip(struct tread *r, int type, int depth)
{
	uint64_t n;
	uint8_t h;

	if (depth > 10 || r->p > r->end) {
		r->bad = true;
		return;
	}
	switch (type) {
	case THRIFT_TRUE:
	case THRIFT_FALSE:
		return;
	case THRIFT_BYTE:
		r->p++;
		return;
	case THRIFT_I16:
	case THRIFT_I32:
	case THRIFT_I64:
		tread_uleb(r);
		return;
	case THRIFT_DOUBLE:
		r->p += 8;
		return;
	case THRIFT_BINARY:
		n = tread_uleb(r);
		if (n > (uint64_t)(r->end - r->p))
			r->bad = true;
		else
			r->p += n;
		return;
	case THRIFT_LIST:
	case THRIFT_SET:
		h = *r->p++;
		n = h >> 4 == 15 ? tread_uleb(r) : h >> 4;
		for (uint64_t i = 0; i < n && !r->bad; i++) {
			if ((h & 15) == THRIFT_TRUE || (h & 15) == THRIFT_FALSE)
				r->p++;
			else
				tread_skip(r, h & 15, depth + 1);
		}
		return;
	case THRIFT_STRUCT:
		tread_struct(r, depth + 1, NULL, 0);
		return;
	default:
		r->bad = true;
	}
}

struct pqfile {
	long size;
	int64_t fields[8]; /* FileMetaData: 1 version, 2 schema, 3 num_rows, 4 row groups, 5 kv */
};

/* Reads path's head and tail and checks the frame: PAR1 at both ends, a
 * footer length that fits, a FileMetaData that parses to exactly that
 * length. */
static bool pqfile_read(const char *path, struct pqfile *f)
{
	static uint8_t buf[1 << 20];
	uint8_t head[4], tail[8];
	int fd = open(path, O_RDONLY);
	struct stat st;
	struct tread r;
	uint32_t len;
	bool ok;

	memset(f, 0xff, sizeof(*f));
	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && st.st_size >= 12 && pread(fd, head, 4, 0) == 4 &&
	     pread(fd, tail, 8, st.st_size - 8) == 8 && !memcmp(head, "PAR1", 4) &&
	     !memcmp(tail + 4, "PAR1", 4);
	len = tail[0] | tail[1] << 8 | tail[2] << 16 | (uint32_t)tail[3] << 24;
	ok = ok && len <= st.st_size - 12 && len <= sizeof(buf) &&
	     pread(fd, buf, len, st.st_size - 8 - len) == (ssize_t)len;
	close(fd);
	f->size = st.st_size;
	if (!ok)
		return false;
	r = (struct tread){ buf, buf + len, false };
	tread_struct(&r, 0, f->fields, 8);
	return !r.bad && r.p == r.end;
}

static char tmpdir[64];

/* Each test removes its files; the directory goes when the runner exits. */
__attribute__((destructor)) static void tmpdir_remove(void)
{
	if (tmpdir[0])
		rmdir(tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char path[128];

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/ior-unit-parquet.XXXXXX");
		if (!mkdtemp(tmpdir))
			return "/nonexistent/dir/file";
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	return path;
}

/* Rows of the file at path as ior's own reader reads them; -1 if it fails. */
static long long rows_read(const char *path)
{
	struct pqread *r;
	struct ior_event ev;
	char err[256];
	long long n = 0;
	int rc;

	if (pqread_open(path, &r, err, sizeof(err)))
		return -1;
	while ((rc = pqread_next(r, &ev)) == 1)
		n++;
	pqread_close(r);
	return rc < 0 ? -1 : n;
}

static ino_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static struct ior_event row(uint64_t i)
{
	struct ior_event ev = { 0 };

	ev.time_ns = 1700000000000000000ull + i * 1000;
	ev.pid = ev.tid = 77;
	ev.sc = i % 2 ? IOR_SC_pread64 : IOR_SC_pwrite64;
	strcpy(ev.comm, "unit");
	ev.has_fd = true;
	ev.fd = 3;
	ev.path = "/tmp/file";
	ev.ret = ev.bytes = 1;
	return ev;
}

/*
 * The memos in front of the comm, syscall and path dictionaries must never
 * hand one value's index to another: alternating syscalls (small numbers),
 * task names differing in one low byte and two paths, over two row groups
 * (a new one starts with empty memos), all read back as written.
 */
TEST(parquet_writer_memos_keep_alternating_values_apart)
{
	static const char *const comms[] = { "storm", "storn", "worker-1" };
	static const char *const paths[] = { "/data/a", "/data/b" };
	const uint64_t n = PARQUET_ROWS_PER_GROUP + 1000;
	const char *path = tmp_path("memo.parquet");
	struct parquet_writer *w = NULL;
	struct pqread *r = NULL;
	struct ior_event got;
	char err[PQREAD_ERR_MAX];

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (uint64_t i = 0; i < n; i++) {
		struct ior_event ev = row(i);

		strcpy(ev.comm, comms[i % 3]);
		ev.path = paths[i / 2 % 2];
		ev.path_len = (uint32_t)strlen(ev.path);
		ev.path_hash = util_hash(ev.path, ev.path_len);
		ev.path_known = true;
		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_UINT(parquet_writer_rows(w), n);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	for (uint64_t i = 0; i < n; i++) {
		CHECK_EQ_INT(pqread_next(r, &got), 1);
		if (strcmp(got.comm, comms[i % 3]) || strcmp(got.path, paths[i / 2 % 2]) ||
		    got.sc != row(i).sc) {
			printf("    row %ju: %s %s %d\n", (uintmax_t)i, got.comm, got.path, got.sc);
			CHECK(!"the row reads back as written");
		}
	}
	CHECK_EQ_INT(pqread_next(r, &got), 0);
	pqread_close(r);
	unlink(path);
}

TEST(parquet_writer_round_trip)
{
	const char *path = tmp_path("round.parquet");
	struct parquet_writer *w = NULL;
	struct ior_event ev = row(0);
	struct pqfile f;
	long size;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK(pqfile_read(path, &f));              /* valid and empty at once */
	CHECK_EQ_INT(f.fields[1], 1);
	CHECK_EQ_INT(f.fields[2], 14);             /* root + 13 columns */
	CHECK_EQ_INT(f.fields[3], 0);
	CHECK_EQ_INT(f.fields[4], 0);
	for (uint64_t i = 0; i < 1000; i++) {
		ev = row(i);
		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_UINT(parquet_writer_rows(w), 1000);
	CHECK_EQ_INT(parquet_writer_flush(w), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 1000);
	CHECK_EQ_INT(f.fields[4], 1);
	size = f.size;
	CHECK_EQ_INT(parquet_writer_flush(w), 0);  /* nothing new: no write */
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.size, size);
	ev.path = NULL;
	ev.has_fd = false;
	CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	CHECK_EQ_INT(parquet_writer_flush(w), 0);  /* a row group of its own */
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 1001);
	CHECK_EQ_INT(f.fields[4], 2);
	CHECK(f.size > size);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 1001);
	unlink(path);
}

TEST(parquet_writer_key_values)
{
	static const struct parquet_kv kv[] = { { "host", "h" }, { "lost", NULL }, { "x\xff", "\\" } };
	const char *path = tmp_path("kv.parquet");
	struct parquet_writer *w = NULL;
	struct pqfile f;
	long size;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK_EQ_INT(parquet_writer_set_kv(w, kv, 3), 0);
	CHECK_EQ_INT(parquet_writer_flush(w), 0);  /* new pairs: a new footer */
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[5], 3);
	size = f.size;
	CHECK_EQ_INT(parquet_writer_set_kv(w, kv, 3), 0);
	CHECK_EQ_INT(parquet_writer_flush(w), 0);  /* the same pairs: no write */
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.size, size);
	CHECK_EQ_INT(parquet_writer_set_kv(w, kv, 1), 0);
	CHECK_EQ_INT(parquet_writer_close(w), 0);  /* fewer pairs: the file shrinks */
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[5], 1);
	CHECK(f.size < size);
	unlink(path);
}

/* The footer length a file ends with (before PAR1), or -1. */
static long footer_len_of(const char *path)
{
	uint8_t tail[8];
	int fd = open(path, O_RDONLY);
	struct stat st;
	bool ok;

	if (fd < 0)
		return -1;
	ok = fstat(fd, &st) == 0 && st.st_size >= 12 && pread(fd, tail, 8, st.st_size - 8) == 8;
	close(fd);
	return ok ? (long)(tail[0] | tail[1] << 8 | tail[2] << 16 | (uint32_t)tail[3] << 24) : -1;
}

#define SEC 1000000000ull

TEST(parquet_flush_due_rules)
{
	const uint64_t cheap = PARQUET_FOOTER_CHEAP;

	/* never within a second of the last flush */
	CHECK(!parquet_flush_due(SEC - 1, 100, 1000000));
	/* a small footer: every second, new rows or not */
	CHECK(parquet_flush_due(SEC, 100, 0));
	CHECK(parquet_flush_due(SEC, cheap - 1, 0));
	/* a big one: once the new rows are as large, or after the longest wait */
	CHECK(!parquet_flush_due(SEC, cheap, cheap - 1));
	CHECK(parquet_flush_due(SEC, cheap, cheap));
	CHECK(!parquet_flush_due(PARQUET_FLUSH_MAX_NS - 1, 10 * cheap, 10 * cheap - 1));
	CHECK(parquet_flush_due(PARQUET_FLUSH_MAX_NS, 10 * cheap, 0));
	CHECK(parquet_flush_due(5 * SEC, 10 * cheap, 10 * cheap));
}

/* The timer flushes each second, not before. */
TEST(parquet_writer_tick_each_second)
{
	const char *path = tmp_path("tick.parquet");
	struct parquet_writer *w = NULL;
	struct ior_event ev;
	struct pqfile f;
	const uint64_t t0 = 5 * SEC;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK(footer_len_of(path) > 0);
	CHECK_EQ_INT(parquet_writer_tick(w, t0), 0); /* starts the timer */
	for (int i = 0; i < 3; i++) {
		ev = row((uint64_t)i);
		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + SEC - 1), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 0);
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + SEC), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 3);
	ev = row(3);
	CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + 2 * SEC - 1), 0); /* a second from the last */
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 3);
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + 2 * SEC), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 4);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK_EQ_INT(parquet_writer_tick(NULL, t0), -EINVAL);
	unlink(path);
}

/* A row whose times and durations do not compress away. */
static struct ior_event noisy_row(uint64_t i)
{
	struct ior_event ev = row(i);

	ev.time_ns += rng() & 0xfff;
	ev.duration_ns = rng() & 0xffffff;
	ev.gap_ns = rng() & 0xffffff;
	return ev;
}

/*
 * A footer past PARQUET_FOOTER_CHEAP (here made big by its key-value
 * metadata) is written again only once the new rows are about as large,
 * estimated from the bytes a row took so far, or after the longest wait.
 */
TEST(parquet_writer_tick_waits_for_big_footers)
{
	static char big[PARQUET_FOOTER_CHEAP + 1000];
	const char *path = tmp_path("bigfooter.parquet");
	struct parquet_writer *w = NULL;
	struct parquet_kv kv = { "note", big };
	struct ior_event ev;
	struct pqfile f;
	uint64_t t = 5 * SEC, rows = 0, footer, data, need;
	int64_t in_file;

	memset(big, 'a', sizeof(big) - 1);
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK_EQ_INT(parquet_writer_set_kv(w, &kv, 1), 0);
	for (; rows < 1000; rows++) {
		ev = noisy_row(rows);
		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_flush(w), 0);
	footer = (uint64_t)footer_len_of(path);
	CHECK(footer > PARQUET_FOOTER_CHEAP);
	CHECK(pqfile_read(path, &f));
	/* the fewest new rows that, at the file's bytes a row, make a footer */
	data = (uint64_t)f.size - footer - 12;
	need = (footer * 1000 + data - 1) / data;
	CHECK(need * data / 1000 >= footer && (need - 1) * data / 1000 < footer);
	CHECK(1000 + need < PARQUET_ROWS_PER_GROUP);
	CHECK_EQ_INT(parquet_writer_tick(w, t), 0);
	/* one row short of them: every second passes them by */
	for (; rows < 1000 + need - 1; rows++) {
		ev = noisy_row(rows);
		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	for (uint64_t s = 1; s < PARQUET_FLUSH_MAX_NS / SEC; s++)
		CHECK_EQ_INT(parquet_writer_tick(w, t + s * SEC), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 1000);
	/* one more row makes them large enough */
	ev = noisy_row(rows++);
	CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	CHECK_EQ_INT(parquet_writer_tick(w, t + SEC), 0);
	CHECK(pqfile_read(path, &f));
	in_file = f.fields[3];
	CHECK_EQ_UINT((uint64_t)in_file, rows);
	/* and the longest wait flushes a single new row */
	ev = noisy_row(rows++);
	CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	CHECK_EQ_INT(parquet_writer_tick(w, t + SEC + PARQUET_FLUSH_MAX_NS - 1), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], in_file);
	CHECK_EQ_INT(parquet_writer_tick(w, t + SEC + PARQUET_FLUSH_MAX_NS), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_UINT((uint64_t)f.fields[3], rows);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	unlink(path);
}

TEST(parquet_writer_automatic_row_groups)
{
	const char *path = tmp_path("auto.parquet");
	struct parquet_writer *w = NULL;
	struct ior_event ev;
	struct pqfile f;
	int err = 0;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (uint64_t i = 0; i < PARQUET_ROWS_PER_GROUP + 10 && !err; i++) {
		ev = row(i);
		err = parquet_writer_add(w, &ev);
	}
	CHECK_EQ_INT(err, 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 0);              /* encoded, not yet written */
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], PARQUET_ROWS_PER_GROUP + 10);
	CHECK_EQ_INT(f.fields[4], 2);
	unlink(path);
}

TEST(parquet_writer_seals_each_save)
{
	const char *path = tmp_path("seal.parquet");
	struct parquet_writer *w = NULL;
	struct ior_event ev;
	struct pqfile f;
	long size = 0;
	int i;

	/* Saved by exchange, every flush seals the rows it adds as a row
	 * group: the bytes a footer points to never change afterwards. */
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (i = 0; i < 5; i++) {
		ev = row((uint64_t)i);
		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
		CHECK_EQ_INT(parquet_writer_flush(w), 0);
		CHECK(pqfile_read(path, &f));
		CHECK_EQ_INT(f.fields[3], i + 1);
		CHECK_EQ_INT(f.fields[4], i + 1);
		CHECK(f.size > size);
		size = f.size;
	}
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	unlink(path);
}

TEST(parquet_writer_writes_big_row_groups_unasked)
{
	const char *path = tmp_path("big.parquet");
	struct parquet_writer *w = NULL;
	static char p[4001];
	struct pqfile f;
	int err = 0, i;

	/* Incompressible 4000-byte paths: row groups seal on their string
	 * bytes and are written, without a flush, once 32 MiB wait. */
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (i = 0; i < 17500 && !err; i++) {
		struct ior_event ev = row((uint64_t)i);

		for (int k = 0; k < 4000; k++)
			p[k] = (char)('!' + rng() % 90); /* printable, no backslash */
		ev.path = p;
		err = parquet_writer_add(w, &ev);
	}
	CHECK_EQ_INT(err, 0);
	CHECK(pqfile_read(path, &f));              /* not a single flush so far */
	CHECK_EQ_INT(f.fields[4], 1);
	CHECK(f.fields[3] > 16000 && f.fields[3] < 17500);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 17500);
	CHECK_EQ_INT(f.fields[4], 2);
	unlink(path);
}

TEST(parquet_writer_writes_each_row_group_once)
{
	const char *path = tmp_path("open.parquet");
	struct parquet_writer *w = NULL;
	static char p[4001];
	struct pqfile f;
	int err = 0, i;

	/* Each flush seals the rows since the last one (100 rows of
	 * incompressible 4000-byte paths) as a row group, written once. */
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (i = 0; i < 3000 && !err; i++) {
		struct ior_event ev = row((uint64_t)i);

		for (int k = 0; k < 4000; k++)
			p[k] = (char)('!' + rng() % 90);
		ev.path = p;
		err = parquet_writer_add(w, &ev);
		if (!err && i % 100 == 99)
			err = parquet_writer_flush(w);
	}
	CHECK_EQ_INT(err, 0);
	CHECK(pqfile_read(path, &f));
	CHECK_EQ_INT(f.fields[3], 3000);
	CHECK_EQ_INT(f.fields[4], 30);
	CHECK(f.size < 13 << 20); /* no dead copies of any row group */
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	unlink(path);
}

TEST(parquet_writer_argument_errors)
{
	const char *path = tmp_path("args.parquet");
	const char *link = "args.link";
	struct parquet_writer *w = NULL;
	struct parquet_kv nokey = { NULL, "v" };
	struct ior_event ev = row(0);
	char linkpath[128];

	CHECK_EQ_INT(parquet_writer_open(NULL, &w), -EINVAL);
	CHECK_EQ_INT(parquet_writer_open(path, NULL), -EINVAL);
	CHECK_EQ_INT(parquet_writer_open("/nonexistent/dir/x.parquet", &w), -ENOENT);
	CHECK(w == NULL);
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK_EQ_INT(parquet_writer_open(path, &w), -EEXIST); /* never replaces */
	snprintf(linkpath, sizeof(linkpath), "%s/%s", tmpdir, link);
	unlink(linkpath);
	CHECK_EQ_INT(symlink("target-that-does-not-exist", linkpath), 0);
	{
		struct parquet_writer *w2 = NULL;

		CHECK_EQ_INT(parquet_writer_open(linkpath, &w2), -EEXIST);
		CHECK_EQ_INT(access(tmpdir, F_OK), 0);
	}
	unlink(linkpath);
	CHECK_EQ_INT(parquet_writer_add(NULL, &ev), -EINVAL);
	CHECK_EQ_INT(parquet_writer_add(w, NULL), -EINVAL);
	ev.sc = IOR_SC_COUNT;
	CHECK_EQ_INT(parquet_writer_add(w, &ev), -EINVAL);
	ev.sc = -1;
	CHECK_EQ_INT(parquet_writer_add(w, &ev), -EINVAL);
	ev = row(0);
	CHECK_EQ_INT(parquet_writer_add(w, &ev), 0); /* those were not sticky */
	CHECK_EQ_INT(parquet_writer_set_kv(w, &nokey, 1), -EINVAL);
	CHECK_EQ_INT(parquet_writer_set_kv(w, NULL, 1), -EINVAL);
	CHECK_EQ_INT(parquet_writer_set_kv(w, NULL, 0), 0);
	CHECK_EQ_INT(parquet_writer_flush(NULL), -EINVAL);
	CHECK_EQ_INT(parquet_writer_close(NULL), 0);
	CHECK_EQ_UINT(parquet_writer_rows(NULL), 0);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	unlink(path);
}

TEST(parquet_writer_sticky_write_error)
{
	const char *path = tmp_path("full.parquet");
	struct parquet_writer *w = NULL;
	struct rlimit old, small;
	void (*old_handler)(int);
	char p[64];
	int err = 0, i;

	/* A file size limit makes write fail with EFBIG, as a full disk
	 * would with ENOSPC, at a point the test controls. */
	CHECK_EQ_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	old_handler = signal(SIGXFSZ, SIG_IGN);
	small = old;
	small.rlim_cur = 64 << 10;
	CHECK_EQ_INT(setrlimit(RLIMIT_FSIZE, &small), 0);
	for (i = 0; i < 100000 && !err; i++) {
		struct ior_event ev = row((uint64_t)i);

		snprintf(p, sizeof(p), "/unique/%d/%u", i, (unsigned)rng());
		ev.path = p;
		err = parquet_writer_add(w, &ev);
		if (!err && i % 500 == 499)
			err = parquet_writer_flush(w);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_handler);
	CHECK_EQ_INT(err, -EFBIG);
	{
		struct ior_event ev = row(0);

		CHECK_EQ_INT(parquet_writer_add(w, &ev), -EFBIG);  /* sticky */
	}
	CHECK_EQ_INT(parquet_writer_flush(w), -EFBIG);
	/* the file is its last completed save; the rest is counted lost */
	CHECK(parquet_writer_saved_rows(w) > 0);
	CHECK(rows_read(path) == (long long)parquet_writer_saved_rows(w));
	CHECK_EQ_UINT(parquet_writer_saved_rows(w) + parquet_writer_lost_rows(w), (uint64_t)i + 1);
	CHECK_EQ_INT(parquet_writer_close(w), -EFBIG);
	unlink(path);
}

/* ---- saving by exchange ------------------------------------------------------ */

/*
 * Every save replaces the file by another inode holding the new save, so a
 * reader that opened the file before it still reads the previous save, in
 * full; the sibling is there while the writer is open and gone after close.
 */
TEST(parquet_writer_saves_by_exchange)
{
	const char *path = tmp_path("swap.parquet");
	char swap[256], held[64];
	struct parquet_writer *w = NULL;
	ino_t first, second;
	int fd;

	CHECK_EQ_INT(parquet_swap_path(path, swap, sizeof(swap)), 0);
	CHECK(strstr(swap, "/.swap.parquet.ior-swap") != NULL);
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK_EQ_INT(parquet_writer_in_place(w), 0);
	CHECK(inode_of(swap) != 0);
	CHECK(rows_read(path) == 0);
	first = inode_of(path);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	snprintf(held, sizeof(held), "/proc/self/fd/%d", fd);
	for (uint64_t i = 0; i < 1000; i++) {
		struct ior_event ev = row(i);

		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_flush(w), 0);
	second = inode_of(path);
	CHECK(second != first);
	CHECK(inode_of(swap) == first);
	CHECK(rows_read(path) == 1000);
	CHECK_EQ_UINT(parquet_writer_saved_rows(w), 1000);
	CHECK(rows_read(held) == 0); /* the held save, unchanged */
	close(fd);
	fd = open(path, O_RDONLY);
	snprintf(held, sizeof(held), "/proc/self/fd/%d", fd);
	for (uint64_t i = 1000; i < 1500; i++) {
		struct ior_event ev = row(i);

		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_flush(w), 0);
	CHECK(inode_of(path) == first);
	CHECK(rows_read(path) == 1500);
	CHECK(rows_read(held) == 1000);
	close(fd);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(inode_of(swap) == 0);
	CHECK(rows_read(path) == 1500);
	unlink(path);
}

/* A row no dictionary or zstd shrinks much: a random path. */
static struct ior_event wide_row(uint64_t i, char *p, size_t len)
{
	struct ior_event ev = row(i);

	snprintf(p, len, "/w/%08x%08x%08x%08x", (unsigned)rng(), (unsigned)rng(), (unsigned)rng(),
		 (unsigned)rng());
	ev.path = p;
	return ev;
}

/* The bytes of the file at path (caller frees), or NULL. */
static uint8_t *file_bytes(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *b;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) || !(b = malloc((size_t)st.st_size + 1)) ||
	    read(fd, b, (size_t)st.st_size) != st.st_size) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	*len = (size_t)st.st_size;
	return b;
}

/*
 * A reader may take a save's footer from FILE and read the row groups from
 * the next save (DuckDB opens the file twice): every save holds the bytes
 * of the one before it, but for that one's footer, unchanged at the same
 * offsets.
 */
TEST(parquet_writer_saves_keep_what_the_last_footer_points_to)
{
	const char *path = tmp_path("keep.parquet");
	struct parquet_writer *w = NULL;
	uint8_t *before = NULL, *after;
	size_t blen = 0, alen = 0;
	char p[64];
	uint64_t i = 0;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (int save = 0; save < 12; save++) {
		for (uint64_t end = i + 1000 + 20000 * (save % 3); i < end; i++) {
			struct ior_event ev = wide_row(i, p, sizeof(p));

			CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
		}
		CHECK_EQ_INT(parquet_writer_flush(w), 0);
		after = file_bytes(path, &alen);
		CHECK(after != NULL);
		if (before) {
			/* the footer: FileMetaData, its 4-byte length, PAR1 */
			size_t kept = blen - 8 - (before[blen - 8] | before[blen - 7] << 8 |
						  before[blen - 6] << 16 | (size_t)before[blen - 5] << 24);

			CHECK(alen > kept);
			CHECK(memcmp(before, after, kept) == 0);
		}
		free(before);
		before = after;
		blen = alen;
	}
	free(before);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(rows_read(path) == (long long)i);
	unlink(path);
}

/*
 * Sealed row groups the sibling lacks are copied from the file: after many
 * saves across several sealed row groups, each save has every row, and the
 * file holds exactly what was added.
 */
TEST(parquet_writer_exchange_carries_sealed_groups)
{
	const char *path = tmp_path("groups.parquet");
	struct parquet_writer *w = NULL;
	const uint64_t n = 2 * PARQUET_ROWS_PER_GROUP + 12345;
	uint64_t i = 0;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (int save = 1; i < n; save++) {
		uint64_t end = i + n / 7 < n ? i + n / 7 : n;

		for (; i < end; i++) {
			struct ior_event ev = row(i);

			CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
		}
		CHECK_EQ_INT(parquet_writer_flush(w), 0);
		CHECK(rows_read(path) == (long long)i);
	}
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(rows_read(path) == (long long)n);
	unlink(path);
}

/*
 * A sibling left by a killed writer is never overwritten: open fails with
 * -EEXIST, creates nothing and leaves the sibling's bytes as they were.
 */
TEST(parquet_writer_refuses_a_leftover_sibling)
{
	const char *path = tmp_path("left.parquet");
	struct parquet_writer *w = NULL;
	char swap[256], buf[8] = { 0 };
	int fd;

	CHECK_EQ_INT(parquet_swap_path(path, swap, sizeof(swap)), 0);
	fd = open(swap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(write(fd, "keep", 4) == 4);
	close(fd);
	CHECK_EQ_INT(parquet_writer_open(path, &w), -EEXIST);
	CHECK(w == NULL);
	CHECK(inode_of(path) == 0);
	fd = open(swap, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 4);
	close(fd);
	CHECK_EQ_MEM(buf, "keep", 4);
	unlink(swap);
	CHECK_EQ_INT(parquet_swap_path("dir/", buf, sizeof(buf)), -EISDIR);
	CHECK_EQ_INT(parquet_swap_path("a-long-name", buf, sizeof(buf)), -ENAMETOOLONG);
}

/* A file the user moves to FILE's name during a recording is never
 * exchanged away nor removed: the save fails, close leaves it as it is. */
TEST(parquet_writer_leaves_a_planted_file_alone)
{
	const char *path = tmp_path("planted.parquet");
	char swap[256], moved[300], buf[8] = { 0 };
	struct parquet_writer *w = NULL;
	ino_t mine;
	int fd;

	CHECK_EQ_INT(parquet_swap_path(path, swap, sizeof(swap)), 0);
	snprintf(moved, sizeof(moved), "%s.moved", path);
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (uint64_t i = 0; i < 100; i++) {
		struct ior_event ev = row(i);

		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_flush(w), 0);
	CHECK(rename(path, moved) == 0);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && write(fd, "mine", 4) == 4);
	close(fd);
	mine = inode_of(path);
	for (uint64_t i = 100; i < 200; i++) {
		struct ior_event ev = row(i);

		parquet_writer_add(w, &ev);
	}
	CHECK_EQ_INT(parquet_writer_flush(w), -EEXIST);
	CHECK_EQ_INT(parquet_writer_close(w), -EEXIST);
	CHECK(inode_of(path) == mine);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 4);
	close(fd);
	CHECK_EQ_MEM(buf, "mine", 4);
	CHECK(rows_read(moved) == 100); /* ior's last save, where the user moved it */
	unlink(path);
	unlink(moved);
	unlink(swap);
}

/*
 * Between the timer's saves, tick saves as soon as the new rows pass the
 * budget, but never into the sibling less than PARQUET_SAVE_GAP_NS after
 * the previous save.
 */
TEST(parquet_writer_tick_saves_by_budget_after_the_gap)
{
	const char *path = tmp_path("budget.parquet");
	const uint64_t t0 = 5000000000ull, ms = 1000000;
	struct parquet_writer *w = NULL;
	char p[64];
	uint64_t i = 0;

	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	CHECK_EQ_INT(parquet_writer_tick(w, t0), 0);
	for (; i < 1000; i++) {
		struct ior_event ev = wide_row(i, p, sizeof(p));

		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + ms), 0);
	CHECK_EQ_UINT(parquet_writer_saved_rows(w), 0); /* under the budget */
	for (; i < PARQUET_SAVE_BYTES / 16; i++) {
		struct ior_event ev = wide_row(i, p, sizeof(p));

		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + 2 * ms), 0);
	CHECK_EQ_UINT(parquet_writer_saved_rows(w), i); /* past it, long before a second */
	uint64_t saved = i;

	for (uint64_t end = 2 * i; i < end; i++) {
		struct ior_event ev = wide_row(i, p, sizeof(p));

		CHECK_EQ_INT(parquet_writer_add(w, &ev), 0);
	}
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + 2 * ms + PARQUET_SAVE_GAP_NS - 1), 0);
	CHECK_EQ_UINT(parquet_writer_saved_rows(w), saved); /* the gap */
	CHECK_EQ_INT(parquet_writer_tick(w, t0 + 2 * ms + PARQUET_SAVE_GAP_NS), 0);
	CHECK_EQ_UINT(parquet_writer_saved_rows(w), i);
	CHECK_EQ_UINT(parquet_writer_lost_rows(w), 0);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK(rows_read(path) == (long long)i);
	unlink(path);
}

/*
 * In a child whose syscall nr fails with errno (a seccomp filter, as a file
 * system without RENAME_EXCHANGE or hard links would make it fail): a
 * recording opens, saves in place from the start (parquet_writer_in_place
 * says want), and ends with every row in the file and no sibling left.
 * Returns the child's exit status: 0 when all of that held, else the step
 * that failed.
 */
static int in_place_child(long nr, int errno_value, int want)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)errno_value),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };
	const char *path = tmp_path("inplace.parquet");
	struct parquet_writer *w = NULL;
	char swap[256];
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(10);
		if (parquet_writer_open(path, &w) || parquet_writer_in_place(w) != want)
			_exit(11);
		for (uint64_t i = 0; i < 3000; i++) {
			struct ior_event ev = row(i);

			if (parquet_writer_add(w, &ev) || (i % 1000 == 999 && parquet_writer_flush(w)))
				_exit(12);
			if (i % 1000 == 999 && rows_read(path) != (long long)i + 1)
				_exit(13);
		}
		if (parquet_writer_close(w) || rows_read(path) != 3000 ||
		    parquet_swap_path(path, swap, sizeof(swap)) || inode_of(swap))
			_exit(14);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(parquet_writer_saves_in_place_without_exchange_or_links)
{
	CHECK_EQ_INT(in_place_child(SYS_renameat2, EINVAL, -EINVAL), 0);
	CHECK_EQ_INT(in_place_child(SYS_linkat, EPERM, -EPERM), 0);
}
