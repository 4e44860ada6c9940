// SPDX-License-Identifier: GPL-2.0
/* Formatting of -plain lines and the sink that writes them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plain.h"
#include "syscalls.h"
#include "util.h"

#define LINE_MAX_BYTES (8 * 4 * 12288 + 512)

/*
 * A line is built with these appenders rather than snprintf: -plain must
 * keep up with a million syscalls a second. Each checks the room left and
 * leaves pos at cap (a cut line) rather than overflow.
 */
struct line {
	char *buf;
	size_t cap;
	size_t pos;
};

static void put_mem(struct line *l, const char *s, size_t n)
{
	if (l->pos + n >= l->cap) {
		l->pos = l->cap;
		return;
	}
	memcpy(l->buf + l->pos, s, n);
	l->pos += n;
}

static void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

/* "00" to "99" */
static const char two_digits[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/*
 * Digits are written straight into the line, last first, once their count
 * is known: building them in a scratch array and copying it made the copy
 * wait on a dozen one-byte stores (a failed store-to-load forward).
 */
static void put_u64(struct line *l, uint64_t v, unsigned min_digits)
{
	static const uint64_t pow10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
		1000000000000ull, 10000000000000ull, 100000000000000ull,
		1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	unsigned n = 1;
	char *p;

	while (n < 20 && v >= pow10[n])
		n++;
	if (n < min_digits)
		n = min_digits;
	if (l->pos + n >= l->cap) {
		l->pos = l->cap;
		return;
	}
	p = l->buf + l->pos + n;
	l->pos += n;
	/* two digits per division: the divisions form one dependent chain */
	for (; n >= 2; n -= 2) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--p = two_digits[d + 1];
		*--p = two_digits[d];
	}
	if (n)
		*--p = (char)('0' + v);
}

static void put_i64(struct line *l, int64_t v)
{
	if (v < 0) {
		put_mem(l, "-", 1);
		put_u64(l, -(uint64_t)v, 1);
	} else {
		put_u64(l, (uint64_t)v, 1);
	}
}

static void put_hex(struct line *l, uint32_t v)
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

static void put_escaped(struct line *l, const char *s, unsigned flags)
{
	if (l->pos >= l->cap)
		return;
	l->pos += util_escape(l->buf + l->pos, l->cap - l->pos, s, strlen(s), flags);
}

static void put_quoted(struct line *l, const char *key, const char *s)
{
	put_str(l, key);
	if (!s) {
		put_mem(l, "-", 1);
		return;
	}
	put_mem(l, "\"", 1);
	put_escaped(l, s, 0);
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
		put_escaped(&l, ev->comm, UTIL_ESC_SPACE);
	else
		put_mem(&l, "-", 1);
	put_mem(&l, " ", 1);
	put_u64(&l, ev->pid, 1);
	put_mem(&l, " ", 1);
	put_u64(&l, ev->tid, 1);
	put_mem(&l, " ", 1);
	put_str(&l, ior_syscalls[ev->sc].name);
	put_str(&l, " fd=");
	if (ev->has_fd)
		put_i64(&l, ev->fd);
	else
		put_mem(&l, "-", 1);
	put_str(&l, " ret=");
	put_i64(&l, ev->ret);
	put_str(&l, " bytes=");
	put_u64(&l, ev->bytes, 1);
	put_str(&l, " dur=");
	put_u64(&l, ev->duration_ns, 1);
	put_str(&l, " gap=");
	put_u64(&l, ev->gap_ns, 1);
	put_str(&l, " flags=");
	if (ev->has_flags)
		put_hex(&l, (uint32_t)ev->flags);
	else
		put_mem(&l, "-", 1);
	put_quoted(&l, " path=", ev->path);
	put_quoted(&l, " path2=", ev->path2);
	if (l.pos > cap - 2)
		l.pos = cap - 2;
	buf[l.pos++] = '\n';
	buf[l.pos] = '\0';
	return l.pos;
}

int plain_event(void *ctx, const struct ior_event *ev)
{
	static char line[LINE_MAX_BYTES];
	struct plain *p = ctx;
	size_t len;

	if (p->path_filter && !(ev->path && strstr(ev->path, p->path_filter)) &&
	    !(ev->path2 && strstr(ev->path2, p->path_filter)))
		return 0;
	len = plain_format(line, sizeof(line), ev);
	if (fwrite(line, 1, len, p->out) != len)
		return -EPIPE;
	p->printed++;
	return 0;
}
