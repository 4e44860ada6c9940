// SPDX-License-Identifier: GPL-2.0
/* Formatting of -plain lines and the sink that writes them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

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

int plain_open(struct plain *p, int fd, char *buf, const char *path_filter)
{
	char path[32];
	struct stat st;
	int flags = fcntl(fd, F_GETFL), own;

	*p = (struct plain){ .fd = fd, .buf = buf, .path_filter = path_filter };
	if (flags < 0)
		return -errno;
	if ((flags & O_ACCMODE) == O_RDONLY)
		return -EACCES;
	if (fstat(fd, &st))
		return -errno;
	p->regular = S_ISREG(st.st_mode);
	if (S_ISSOCK(st.st_mode)) {
		p->out = PLAIN_OUT_SOCKET;
		return 0;
	}
	if (!S_ISFIFO(st.st_mode) && !(S_ISCHR(st.st_mode) && isatty(fd)))
		return 0;
	/*
	 * O_NONBLOCK on fd itself would change the open file description it
	 * shares with COMMAND and whoever else writes there; an opening of
	 * our own is non-blocking for ior alone.
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (own < 0 && errno == ENXIO) {
		/* a FIFO without a reader: like a pipe whose reader went away */
		p->err = -EPIPE;
		return 0;
	}
	if (own < 0)
		return -errno;
	p->fd = own;
	p->own_fd = true;
	p->out = PLAIN_OUT_STREAM;
	p->pipe = S_ISFIFO(st.st_mode);
	if (p->pipe) {
		long page = sysconf(_SC_PAGESIZE);
		int size = fcntl(own, F_GETPIPE_SZ);

		if (page > 0 && size >= page && size / page <= PLAIN_PIPE_PAGES) {
			p->pipe_model.page = (size_t)page;
			p->pipe_model.pages = (unsigned)(size / page);
		}
	}
	return 0;
}

void plain_close(struct plain *p)
{
	if (p->own_fd)
		close(p->fd);
	p->own_fd = false;
	p->fd = -1;
}

/*
 * Bytes a write surely puts whole into a pipe holding queued bytes: its
 * free pages but one, the one kept for a reader that emptied the pipe
 * between FIONREAD and the write (then the write's start is not merged
 * into the last page, as the model assumes). 0 when unknown.
 */
static size_t pipe_room(struct plain_pipe *m, size_t queued)
{
	if (!m->pages)
		return 0;
	if (!queued) {
		m->first = m->count = 0;
		m->bytes = 0;
		m->valid = true;
	}
	if (!m->valid || m->bytes < queued) {
		m->valid = false;
		return 0;
	}
	/* the reader has emptied, and the pipe freed, the oldest pages */
	while (m->count && m->bytes - m->fill[m->first] >= queued) {
		m->bytes -= m->fill[m->first];
		m->first = (m->first + 1) % PLAIN_PIPE_PAGES;
		m->count--;
	}
	return m->count + 1 < m->pages ? (m->pages - m->count - 1) * m->page : 0;
}

/* A write of n bytes went into the pipe whole; merged: into its last page first. */
static void pipe_wrote(struct plain_pipe *m, size_t n, bool merged)
{
	size_t rest = n % m->page;

	if (merged && rest && m->count) {
		uint32_t *last = &m->fill[(m->first + m->count - 1) % PLAIN_PIPE_PAGES];

		if (*last + rest <= m->page) {
			*last += (uint32_t)rest;
			m->bytes += rest;
			n -= rest;
		}
	}
	for (; n; n -= rest) {
		rest = n < m->page ? n : m->page;
		if (m->count == PLAIN_PIPE_PAGES) {
			m->valid = false;
			return;
		}
		m->fill[(m->first + m->count++) % PLAIN_PIPE_PAGES] = (uint32_t)rest;
		m->bytes += rest;
	}
}

/*
 * The first bytes of s (n of them) to write to a pipe: the whole lines that
 * fit in what it surely takes in one piece (pipe_room, at least PIPE_BUF,
 * which the kernel writes whole or not at all), else the one line that
 * does not. *queued is what FIONREAD said (-1: it failed).
 */
static size_t pipe_chunk(struct plain *p, const char *s, size_t n, int *queued)
{
	size_t fits = PIPE_BUF, room;
	const char *nl;

	if (ioctl(p->fd, FIONREAD, queued))
		*queued = -1;
	room = *queued >= 0 ? pipe_room(&p->pipe_model, (size_t)*queued) : 0;
	if (room > fits)
		fits = room;
	if (n <= fits)
		return n;
	nl = memrchr(s, '\n', fits);
	if (!nl)
		nl = memchr(s + fits, '\n', n - fits);
	return nl ? (size_t)(nl - s) + 1 : n;
}

/* Counts the lines that n bytes written from s completed. */
static void count_written(struct plain *p, const char *s, size_t n)
{
	const char *end = s + n, *nl;

	while ((nl = memchr(s, '\n', (size_t)(end - s)))) {
		p->written++;
		p->line_out = 0;
		s = nl + 1;
	}
	p->line_out += (size_t)(end - s);
}

/*
 * A write failed for good. A regular file that holds part of a line (the
 * disk filled in the middle of it) is cut back to the end of its last whole
 * line, so that every line in it parses; its offset, which COMMAND may
 * share, moves back with it.
 */
static void fail(struct plain *p, int err)
{
	off_t end;

	p->err = err;
	if (!p->regular || !p->line_out)
		return;
	end = lseek(p->fd, 0, SEEK_CUR);
	if (end >= (off_t)p->line_out && ftruncate(p->fd, end - (off_t)p->line_out) == 0 &&
	    lseek(p->fd, end - (off_t)p->line_out, SEEK_SET) >= 0)
		p->line_out = 0;
}

/*
 * Writes the unwritten lines as far as the output takes them without
 * waiting. A pipe gets whole lines in writes it takes whole or not at all
 * (pipe_chunk), so a reader that stalls holds no cut line.
 */
static void write_out(struct plain *p)
{
	while (!p->err) {
		size_t end = p->wrapped ? p->end : p->tail;
		const char *s = p->buf + p->head;
		size_t n = end - p->head;
		int queued = -1;
		ssize_t w;

		if (!n && !p->wrapped) {
			p->head = p->tail = 0;
			return;
		}
		if (!n) {
			/* the lines before head are next */
			p->head = 0;
			p->wrapped = false;
			continue;
		}
		if (p->pipe)
			n = pipe_chunk(p, s, n, &queued);
		if (p->out == PLAIN_OUT_SOCKET)
			w = send(p->fd, s, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(p->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0 || (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
			p->would_block = true;
			return;
		}
		if (w < 0) {
			fail(p, -errno);
			return;
		}
		if (p->pipe && p->pipe_model.valid) {
			if ((size_t)w == n && queued >= 0)
				pipe_wrote(&p->pipe_model, n, queued > 0);
			else
				p->pipe_model.valid = false;
		}
		count_written(p, s, (size_t)w);
		p->head += (size_t)w;
	}
}

int plain_flush(struct plain *p)
{
	p->would_block = false;
	p->no_wait = false;
	write_out(p);
	return p->err ? p->err : p->head != p->tail || p->wrapped;
}

unsigned long long plain_lost(const struct plain *p)
{
	return p->printed - p->written;
}

/*
 * Waits up to PLAIN_WAIT_MS for room in the output. False when wake_fd
 * ended the wait: then no other until plain_flush, which comes after the
 * event loop has seen what woke it.
 */
static bool wait_writable(struct plain *p)
{
	struct pollfd fds[2] = { { .fd = p->fd, .events = POLLOUT },
				 { .fd = p->wake_fd, .events = POLLIN } };

	if (poll(fds, 2, PLAIN_WAIT_MS) < 0 && errno != EINTR)
		return false;
	if (fds[1].revents) {
		p->no_wait = true;
		return false;
	}
	p->would_block = false;
	return true;
}

/* Bytes free where the next line goes. */
static size_t room(const struct plain *p)
{
	return (p->wrapped ? p->head : PLAIN_BUF_BYTES) - p->tail;
}

/*
 * Makes room for the longest line: writes out unless the output was just
 * found full (the event loop retries when it can take more), and once the
 * longest line fits before head, goes on there (nothing is ever moved).
 * While may_wait allows, waits for the reader.
 */
static bool make_room(struct plain *p)
{
	for (;;) {
		if (!p->would_block)
			write_out(p);
		if (!p->wrapped && room(p) < LINE_MAX_BYTES && p->head >= LINE_MAX_BYTES) {
			p->end = p->tail;
			p->tail = 0;
			p->wrapped = true;
		}
		if (p->err)
			return false;
		if (room(p) >= LINE_MAX_BYTES)
			return true;
		if (!p->may_wait || p->no_wait || !p->may_wait(p->wait_ctx) || !wait_writable(p))
			return false;
	}
}

int plain_event(void *ctx, const struct ior_event *ev)
{
	struct plain *p = ctx;

	if (p->path_filter && !path_under(ev->path, p->path_filter) &&
	    !path_under(ev->path2, p->path_filter))
		return 0;
	p->printed++;
	if (p->err)
		return p->err;
	/* lines are formatted where they go, with room for the longest */
	if (room(p) < LINE_MAX_BYTES && !make_room(p))
		return p->err; /* 0: this line is dropped, counted by plain_lost */
	p->tail += plain_format(p->buf + p->tail, LINE_MAX_BYTES, ev);
	return 0;
}
