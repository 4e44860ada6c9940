// SPDX-License-Identifier: GPL-2.0
/* Formatting of -plain lines and the sink that writes them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pathutil.h"
#include "plain.h"
#include "syscalls.h"
#include "util.h"

#define LINE_MAX_BYTES (8 * 4 * 12288 + 512)
_Static_assert(PLAIN_BUF_BYTES > 2 * LINE_MAX_BYTES, "room for a line past the flush mark");

/*
 * A line is built with these appenders rather than snprintf: -plain must
 * keep up with a million syscalls a second. Each checks the room left (cap
 * bytes of text; the buffer holds two more, for the newline and the NUL):
 * what does not fit cuts the line, which then ends with what came before,
 * never with part of a number or of an escape. They are all inlined into
 * plain_format, so the line's position and state stay in registers
 * (callgrind: 1580 -> 1190 instructions a storm line).
 */
#define APPENDER static inline __attribute__((always_inline))
struct line {
	char *buf;
	size_t cap;
	size_t pos;
	bool cut;
};

APPENDER bool no_room(struct line *l, size_t n)
{
	if (!l->cut && l->pos + n > l->cap)
		l->cut = true;
	return l->cut;
}

APPENDER void put_mem(struct line *l, const char *s, size_t n)
{
	if (no_room(l, n))
		return;
	memcpy(l->buf + l->pos, s, n);
	l->pos += n;
}

APPENDER void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define put_lit(l, s) put_mem(l, s, sizeof(s) - 1)

/* "00" to "99" */
static const char two_digits[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* 10^i */
static const uint64_t ten_to[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
	1000000000000ull, 10000000000000ull, 100000000000000ull,
	1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull,
};

/* Decimal digits of v (0 for 0), without a loop: log10 from the bit width
 * (1233 / 4096 is just above log10(2)), corrected by one comparison. */
static unsigned digits_of(uint64_t v)
{
	unsigned t = (unsigned)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	return t + 1 - (v < ten_to[t]);
}

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "digits are assembled little-endian");

/* The two digits of v (< 100) as two bytes, the first in the low byte. */
static uint64_t pair(unsigned v)
{
	uint16_t w;

	memcpy(&w, two_digits + 2 * v, 2);
	return w;
}

/*
 * The last n (1..8) of the eight zero-padded digits of v (< 10^8), in the
 * low n bytes of a word: two independent halves, each split in two, and no
 * branch on the number's length.
 */
APPENDER uint64_t digits8(uint32_t v, unsigned n)
{
	uint32_t hi = v / 10000, lo = v % 10000;
	uint64_t w = pair(hi / 100) | pair(hi % 100) << 16 | pair(lo / 100) << 32 |
		     pair(lo % 100) << 48;

	return w >> (8 * (8 - n));
}

/* The n digits of v (zero-padded) ending at p, one pair at a time. */
static void digits_back(char *p, uint64_t v, unsigned n)
{
	for (; n >= 2; n -= 2) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = two_digits[d + 1];
		*--p = two_digits[d];
	}
	if (n)
		*--p = (char)('0' + v);
}

/* The last n (1..8) of the eight zero-padded digits of v (< 10^8): one
 * 8-byte store at the line's end when the buffer has room for it (the bytes
 * past them are overwritten by what follows), else pair by pair. */
APPENDER void put_digits(struct line *l, uint32_t v, unsigned n)
{
	if (l->pos + 8 <= l->cap) {
		uint64_t w = digits8(v, n);

		memcpy(l->buf + l->pos, &w, 8);
	} else {
		digits_back(l->buf + l->pos + n, v, n);
	}
	l->pos += n;
}

/* v in at least min_digits (1..20) digits, zero-padded: a leading group
 * of 1 to 8 digits, then whole groups of 8 (no recursion, so it inlines). */
APPENDER void put_u64(struct line *l, uint64_t v, unsigned min_digits)
{
	uint32_t groups[2];
	unsigned n = digits_of(v), lead, ng = 0;

	if (n < min_digits)
		n = min_digits;
	if (no_room(l, n))
		return;
	for (lead = n; lead > 8; lead -= 8) {
		groups[ng++] = (uint32_t)(v % 100000000u);
		v /= 100000000u;
	}
	put_digits(l, (uint32_t)v, lead);
	while (ng)
		put_digits(l, groups[--ng], 8);
}

APPENDER void put_i64(struct line *l, int64_t v)
{
	if (v < 0) {
		put_mem(l, "-", 1);
		put_u64(l, -(uint64_t)v, 1);
	} else {
		put_u64(l, (uint64_t)v, 1);
	}
}

APPENDER void put_hex(struct line *l, uint32_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[10];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	put_mem(l, tmp + i, sizeof(tmp) - (size_t)i);
}

APPENDER void put_escaped(struct line *l, const char *s, size_t len, unsigned flags)
{
	size_t used;

	if (no_room(l, 0))
		return;
	/* the text may reach cap; the NUL util_escape adds goes after it */
	l->pos += util_escape_used(l->buf + l->pos, l->cap - l->pos + 1, s, len, flags, &used);
	if (used < len)
		l->cut = true;
}

/* key, then s (len bytes) quoted and escaped, or "-" for NULL */
#define put_quoted(l, key, s, len) put_quoted_n(l, key, sizeof(key) - 1, s, len)

APPENDER void put_quoted_n(struct line *l, const char *key, size_t key_len, const char *s,
			 size_t len)
{
	put_mem(l, key, key_len);
	if (!s) {
		put_mem(l, "-", 1);
		return;
	}
	put_mem(l, "\"", 1);
	put_escaped(l, s, len, 0);
	put_mem(l, "\"", 1);
}

size_t plain_format(char *buf, size_t cap, const struct ior_event *ev)
{
	struct line l = { .buf = buf, .cap = cap - 2 };

	put_u64(&l, ev->time_ns / 1000000000u, 1);
	put_mem(&l, ".", 1);
	put_u64(&l, ev->time_ns % 1000000000u, 9);
	put_mem(&l, " ", 1);
	if (ev->comm[0])
		put_escaped(&l, ev->comm, strlen(ev->comm), UTIL_ESC_SPACE);
	else
		put_mem(&l, "-", 1);
	put_mem(&l, " ", 1);
	put_u64(&l, ev->pid, 1);
	put_mem(&l, " ", 1);
	put_u64(&l, ev->tid, 1);
	put_mem(&l, " ", 1);
	put_str(&l, ior_syscalls[ev->sc].name);
	put_lit(&l, " fd=");
	if (ev->has_fd)
		put_i64(&l, ev->fd);
	else
		put_mem(&l, "-", 1);
	put_lit(&l, " ret=");
	put_i64(&l, ev->ret);
	put_lit(&l, " bytes=");
	put_u64(&l, ev->bytes, 1);
	put_lit(&l, " dur=");
	put_u64(&l, ev->duration_ns, 1);
	put_lit(&l, " gap=");
	put_u64(&l, ev->gap_ns, 1);
	put_lit(&l, " flags=");
	if (ev->has_flags)
		put_hex(&l, (uint32_t)ev->flags);
	else
		put_mem(&l, "-", 1);
	put_quoted(&l, " path=", ev->path,
		   !ev->path ? 0 : ev->path_known ? ev->path_len : strlen(ev->path));
	put_quoted(&l, " path2=", ev->path2, ev->path2 ? strlen(ev->path2) : 0);
	buf[l.pos++] = '\n';
	buf[l.pos] = '\0';
	return l.pos;
}

int plain_flush(struct plain *p)
{
	size_t off = 0;

	while (off < p->len) {
		ssize_t n = write(p->fd, p->buf + off, p->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* what is left can never go out: keep only the error */
			p->len = 0;
			return -EPIPE;
		}
		off += (size_t)n;
	}
	p->len = 0;
	return 0;
}

int plain_event(void *ctx, const struct ior_event *ev)
{
	struct plain *p = ctx;

	if (p->path_filter && !path_under(ev->path, p->path_filter) &&
	    !path_under(ev->path2, p->path_filter))
		return 0;
	/* lines are formatted where they go, with room for the longest */
	if (p->len > PLAIN_BUF_BYTES - LINE_MAX_BYTES && plain_flush(p))
		return -EPIPE;
	p->len += plain_format(p->buf + p->len, LINE_MAX_BYTES, ev);
	p->printed++;
	return 0;
}
