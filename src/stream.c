// SPDX-License-Identifier: GPL-2.0
/*
 * The Stream model. A ring is two circular buffers: fixed-size rows, and an
 * arena of bytes holding each row's path and second path back to back. Arena
 * positions are 64-bit and only grow (the byte is at pos % arena_cap, a power
 * of two, so the hot path needs no division); a row's strings never
 * straddle the arena's end (a string block that would is placed at the
 * start instead), so every string is contiguous and NUL-terminated. The bytes in use are [tail, head), at most arena_cap of
 * them; making room drops the oldest rows, which moves tail forward.
 * Filters and search work on struct ior_event, so live events and the rows
 * of a ring go through the same code.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "syscalls.h"
#include "util.h"

#define NSEC 1000000000LL
#define NO_STR UINT32_MAX

struct stream_row {
	uint64_t time_ns, duration_ns, gap_ns, bytes;
	uint64_t str_pos;       /* arena position of path, then path2 */
	int64_t ret;
	uint32_t pid, tid;
	uint32_t path_len;      /* NO_STR: no path */
	uint32_t path2_len;     /* NO_STR: no second path */
	int32_t fd, flags;
	uint16_t sc;
	uint8_t has_fd, has_flags;
	char comm[17];
};

_Static_assert(sizeof(struct stream_row) == 96, "a row is 96 bytes (docs/dashboard.md)");

struct stream_ring {
	struct stream_row *rows;
	size_t cap;             /* rows */
	size_t head;            /* index of the oldest row */
	size_t n;               /* rows held */
	uint64_t first_seq;     /* sequence number of rows[head] */
	uint64_t dropped;
	char *arena;
	size_t arena_cap;       /* a power of two */
	size_t arena_mask;      /* arena_cap - 1 */
	uint64_t arena_head;    /* next free position */
	uint64_t arena_tail;    /* at or before the first position still in use */
};

static const char *const field_names[STREAM_NFIELDS] = {
	[STREAM_TIME] = "time",       [STREAM_COMM] = "comm",   [STREAM_PID] = "pid",
	[STREAM_TID] = "tid",         [STREAM_SYSCALL] = "syscall", [STREAM_FD] = "fd",
	[STREAM_FILE] = "file",       [STREAM_RET] = "ret",     [STREAM_BYTES] = "bytes",
	[STREAM_LATENCY] = "latency", [STREAM_GAP] = "gap",
};

static const char *const field_titles[STREAM_NFIELDS] = {
	[STREAM_TIME] = "TIME",       [STREAM_COMM] = "COMM",   [STREAM_PID] = "PID",
	[STREAM_TID] = "TID",         [STREAM_SYSCALL] = "SYSCALL", [STREAM_FD] = "FD",
	[STREAM_FILE] = "FILE",       [STREAM_RET] = "RET",     [STREAM_BYTES] = "BYTES",
	[STREAM_LATENCY] = "LATENCY", [STREAM_GAP] = "GAP",
};

const char *stream_field_name(enum stream_field f)
{
	return (unsigned)f < STREAM_NFIELDS ? field_names[f] : "?";
}

const char *stream_field_title(enum stream_field f)
{
	return (unsigned)f < STREAM_NFIELDS ? field_titles[f] : "?";
}

/* ---- the ring ------------------------------------------------------------- */

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* The index in rows[] of the i-th oldest row (i < cap): no division. */
static inline size_t row_at(const struct stream_ring *r, size_t i)
{
	size_t j = r->head + i;

	return j >= r->cap ? j - r->cap : j;
}

struct stream_ring *stream_ring_new(size_t cap, size_t arena_bytes)
{
	struct stream_ring *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (cap < 1)
		cap = 1;
	if (cap > STREAM_MAX_CAP)
		cap = STREAM_MAX_CAP;
	if (!arena_bytes)
		arena_bytes = cap * STREAM_BYTES_PER_ROW;
	if (arena_bytes < STREAM_ARENA_MIN)
		arena_bytes = STREAM_ARENA_MIN;
	r->cap = cap;
	r->arena_cap = pow2_at_least(arena_bytes);
	r->arena_mask = r->arena_cap - 1;
	r->rows = malloc(cap * sizeof(*r->rows));
	r->arena = malloc(r->arena_cap);
	if (!r->rows || !r->arena) {
		stream_ring_free(r);
		return NULL;
	}
	return r;
}

void stream_ring_free(struct stream_ring *r)
{
	if (!r)
		return;
	free(r->rows);
	free(r->arena);
	free(r);
}

void stream_ring_clear(struct stream_ring *r)
{
	r->first_seq += r->n;
	r->head = 0;
	r->n = 0;
	r->arena_tail = r->arena_head;
}

/* Drops the oldest row. arena_tail is left behind (it may only lag the
 * oldest row's strings): reading that row's position here would stall every
 * push of a full ring on a cache miss; stream_ring_push catches the tail up
 * only when the arena looks full. */
static void drop_oldest(struct stream_ring *r)
{
	r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
	r->n--;
	r->first_seq++;
	r->dropped++;
}

/* The first position still in use: the oldest row's strings, or pos when
 * there is no row. */
static void catch_up_tail(struct stream_ring *r, uint64_t pos)
{
	r->arena_tail = r->n ? r->rows[r->head].str_pos : pos;
}

static uint32_t str_len(const char *s)
{
	size_t len;

	if (!s)
		return NO_STR;
	len = strlen(s);
	return (uint32_t)(len < STREAM_STR_MAX - 1 ? len : STREAM_STR_MAX - 1);
}

void stream_ring_push(struct stream_ring *r, const struct ior_event *ev)
{
	struct stream_row *row;
	uint32_t l1 = ev->path && ev->path_known && ev->path_len < STREAM_STR_MAX - 1
			      ? ev->path_len
			      : str_len(ev->path);
	uint32_t l2 = str_len(ev->path2);
	size_t need = (l1 != NO_STR ? l1 + 1 : 0) + (l2 != NO_STR ? l2 + 1 : 0);
	uint64_t pos = r->arena_head;

	if (need > r->arena_cap) {
		/* only a snapshot's tight arena can be this small: keep the row, not its strings */
		l1 = l2 = NO_STR;
		need = 0;
	}
	if (r->n == r->cap)
		drop_oldest(r);
	if (need) {
		if ((pos & r->arena_mask) + need > r->arena_cap)
			pos += r->arena_cap - (pos & r->arena_mask);
		if (pos + need - r->arena_tail > r->arena_cap) {
			catch_up_tail(r, pos);
			while (r->n && pos + need - r->arena_tail > r->arena_cap) {
				drop_oldest(r);
				catch_up_tail(r, pos);
			}
		}
		if (!r->n)
			r->arena_tail = pos;
		/* the arena and the rows are written in order: ask for the
		 * lines a few pushes ahead while this one is written */
		__builtin_prefetch(r->arena + ((pos + 512) & r->arena_mask), 1);
		char *dst = r->arena + (pos & r->arena_mask);

		if (l1 != NO_STR) {
			memcpy(dst, ev->path, l1);
			dst[l1] = '\0';
			dst += l1 + 1;
		}
		if (l2 != NO_STR) {
			memcpy(dst, ev->path2, l2);
			dst[l2] = '\0';
		}
		r->arena_head = pos + need;
	}
	size_t at = row_at(r, r->n);

	row = &r->rows[at];
	__builtin_prefetch(&r->rows[at + 4 < r->cap ? at + 4 : 0], 1);
	row->time_ns = ev->time_ns;
	row->duration_ns = ev->duration_ns;
	row->gap_ns = ev->gap_ns;
	row->bytes = ev->bytes;
	row->ret = ev->ret;
	row->str_pos = pos;
	row->pid = ev->pid;
	row->tid = ev->tid;
	row->path_len = l1;
	row->path2_len = l2;
	row->fd = ev->fd;
	row->flags = ev->flags;
	row->sc = (uint16_t)(ev->sc >= 0 && ev->sc < IOR_SC_COUNT ? ev->sc : 0);
	row->has_fd = ev->has_fd;
	row->has_flags = ev->has_flags;
	memcpy(row->comm, ev->comm, sizeof(row->comm));
	row->comm[sizeof(row->comm) - 1] = '\0';
	r->n++;
}

size_t stream_ring_count(const struct stream_ring *r)
{
	return r->n;
}

size_t stream_ring_cap(const struct stream_ring *r)
{
	return r->cap;
}

uint64_t stream_ring_first(const struct stream_ring *r)
{
	return r->first_seq;
}

uint64_t stream_ring_next(const struct stream_ring *r)
{
	return r->first_seq + r->n;
}

uint64_t stream_ring_dropped(const struct stream_ring *r)
{
	return r->dropped;
}

size_t stream_ring_mem(const struct stream_ring *r)
{
	return r->cap * sizeof(*r->rows) + r->arena_cap;
}

static void row_event(const struct stream_ring *r, const struct stream_row *row,
		      struct ior_event *ev)
{
	const char *s = r->arena + (row->str_pos & r->arena_mask);

	ev->time_ns = row->time_ns;
	ev->duration_ns = row->duration_ns;
	ev->gap_ns = row->gap_ns;
	ev->ret = row->ret;
	ev->bytes = row->bytes;
	ev->pid = row->pid;
	ev->tid = row->tid;
	ev->fd = row->fd;
	ev->flags = row->flags;
	ev->has_fd = row->has_fd;
	ev->has_flags = row->has_flags;
	ev->sc = row->sc;
	memcpy(ev->comm, row->comm, sizeof(ev->comm));
	ev->path = NULL;
	ev->path2 = NULL;
	ev->path_known = false;
	if (row->path_len != NO_STR) {
		ev->path = s;
		s += row->path_len + 1;
	}
	if (row->path2_len != NO_STR)
		ev->path2 = s;
}

bool stream_ring_get(const struct stream_ring *r, uint64_t seq, struct ior_event *ev)
{
	if (seq < r->first_seq || seq - r->first_seq >= r->n)
		return false;
	row_event(r, &r->rows[row_at(r, seq - r->first_seq)], ev);
	return true;
}

struct stream_ring *stream_ring_snapshot(const struct stream_ring *r)
{
	size_t bytes = 0;
	struct stream_ring *s;

	for (size_t i = 0; i < r->n; i++) {
		const struct stream_row *row = &r->rows[row_at(r, i)];

		bytes += (row->path_len != NO_STR ? row->path_len + 1 : 0) +
			 (row->path2_len != NO_STR ? row->path2_len + 1 : 0);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cap = r->n ? r->n : 1;
	s->arena_cap = pow2_at_least(bytes ? bytes : 1);
	s->arena_mask = s->arena_cap - 1;
	s->rows = malloc(s->cap * sizeof(*s->rows));
	s->arena = malloc(s->arena_cap);
	if (!s->rows || !s->arena) {
		stream_ring_free(s);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct stream_row *from = &r->rows[row_at(r, i)];
		size_t len = (from->path_len != NO_STR ? from->path_len + 1 : 0) +
			     (from->path2_len != NO_STR ? from->path2_len + 1 : 0);

		s->rows[i] = *from;
		s->rows[i].str_pos = s->arena_head;
		memcpy(s->arena + s->arena_head, r->arena + (from->str_pos & r->arena_mask), len);
		s->arena_head += len;
	}
	s->n = r->n;
	s->first_seq = r->first_seq;
	s->dropped = r->dropped;
	/* the strings fill [0, arena_head): a push that needs more room wraps to 0
	 * and drops the oldest rows, never overwriting one in use */
	s->arena_tail = 0;
	return s;
}

/* ---- filters -------------------------------------------------------------------- */

static char fold_char(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether hay contains needle (already folded, nlen bytes), ignoring ASCII case. */
static bool ci_contains(const char *hay, const char *needle, size_t nlen)
{
	if (!nlen)
		return true;
	for (; *hay; hay++) {
		size_t i = 0;

		while (i < nlen && hay[i] && fold_char(hay[i]) == needle[i])
			i++;
		if (i == nlen)
			return true;
		if (!hay[i])
			return false;
	}
	return false;
}

void stream_filter_free(struct stream_filter *f)
{
	free(f->str);
	free(f->fold);
	f->str = NULL;
	f->fold = NULL;
}

static bool is_string_field(enum stream_field f)
{
	return f == STREAM_COMM || f == STREAM_SYSCALL || f == STREAM_FILE;
}

static bool is_duration_field(enum stream_field f)
{
	return f == STREAM_LATENCY || f == STREAM_GAP;
}

/* Sets f's string value (copied; folded too for ~ and !~). 0 or -ENOMEM. */
static int set_str(struct stream_filter *f, const char *s, size_t len)
{
	f->str = malloc(len + 1);
	f->fold = malloc(len + 1);
	if (!f->str || !f->fold) {
		stream_filter_free(f);
		return -ENOMEM;
	}
	memcpy(f->str, s, len);
	f->str[len] = '\0';
	for (size_t i = 0; i < len; i++)
		f->fold[i] = fold_char(s[i]);
	f->fold[len] = '\0';
	f->len = len;
	return 0;
}

static int64_t time_of_day(uint64_t time_ns, long tz_off)
{
	int64_t secs = (int64_t)(time_ns / NSEC) + tz_off;
	int64_t sod = ((secs % 86400) + 86400) % 86400;

	return sod * NSEC + (int64_t)(time_ns % NSEC);
}

static int64_t clamp_u64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

int stream_filter_from_cell(const struct ior_event *ev, enum stream_field f, long tz_off,
			    struct stream_filter *out)
{
	const char *s = NULL;

	memset(out, 0, sizeof(*out));
	out->field = f;
	out->op = STREAM_OP_EQ;
	switch (f) {
	case STREAM_TIME:
		out->op = STREAM_OP_GE;
		out->num = time_of_day(ev->time_ns, tz_off);
		out->tz_off = tz_off;
		return 0;
	case STREAM_COMM:
		s = ev->comm;
		break;
	case STREAM_SYSCALL:
		s = ev->sc >= 0 && ev->sc < IOR_SC_COUNT ? ior_syscalls[ev->sc].name : "";
		break;
	case STREAM_FILE:
		if (!ev->path) {
			out->none = true;
			return 0;
		}
		s = ev->path;
		break;
	case STREAM_PID:
		out->num = ev->pid;
		return 0;
	case STREAM_TID:
		out->num = ev->tid;
		return 0;
	case STREAM_FD:
		out->none = !ev->has_fd;
		out->num = ev->fd;
		return 0;
	case STREAM_RET:
		out->num = ev->ret;
		return 0;
	case STREAM_BYTES:
		out->num = clamp_u64(ev->bytes);
		return 0;
	case STREAM_LATENCY:
		out->op = STREAM_OP_GE;
		out->num = clamp_u64(ev->duration_ns);
		return 0;
	case STREAM_GAP:
		out->op = STREAM_OP_GE;
		out->num = clamp_u64(ev->gap_ns);
		return 0;
	default:
		return -EINVAL;
	}
	out->op = STREAM_OP_CONTAINS;
	return set_str(out, s, strlen(s));
}

static bool cmp_num(enum stream_op op, int64_t v, int64_t want)
{
	switch (op) {
	case STREAM_OP_EQ:
		return v == want;
	case STREAM_OP_NE:
		return v != want;
	case STREAM_OP_GE:
		return v >= want;
	case STREAM_OP_GT:
		return v > want;
	case STREAM_OP_LE:
		return v <= want;
	case STREAM_OP_LT:
		return v < want;
	default:
		return false;
	}
}

/* A string op on one string (s may be NULL: it then matches nothing). */
static bool str_hit(const struct stream_filter *f, const char *s)
{
	if (!s)
		return false;
	if (f->op == STREAM_OP_CONTAINS || f->op == STREAM_OP_NOT_CONTAINS)
		return ci_contains(s, f->fold, f->len);
	return strcmp(s, f->str) == 0;
}

static bool match_str(const struct stream_filter *f, const char *a, const char *b)
{
	bool hit = str_hit(f, a) || str_hit(f, b);

	return f->op == STREAM_OP_CONTAINS || f->op == STREAM_OP_EQ ? hit : !hit;
}

bool stream_filter_match(const struct stream_filter *f, const struct ior_event *ev)
{
	switch (f->field) {
	case STREAM_TIME:
		return cmp_num(f->op, time_of_day(ev->time_ns, f->tz_off), f->num);
	case STREAM_COMM:
		return match_str(f, ev->comm, NULL);
	case STREAM_SYSCALL:
		return match_str(f, ev->sc >= 0 && ev->sc < IOR_SC_COUNT ? ior_syscalls[ev->sc].name
									   : "",
				 NULL);
	case STREAM_FILE:
		if (f->none)
			return (f->op == STREAM_OP_EQ) == (ev->path == NULL);
		return match_str(f, ev->path, ev->path2);
	case STREAM_FD:
		if (f->none)
			return (f->op == STREAM_OP_EQ) == !ev->has_fd;
		if (!ev->has_fd)
			return f->op == STREAM_OP_NE;
		return cmp_num(f->op, ev->fd, f->num);
	case STREAM_PID:
		return cmp_num(f->op, ev->pid, f->num);
	case STREAM_TID:
		return cmp_num(f->op, ev->tid, f->num);
	case STREAM_RET:
		return cmp_num(f->op, ev->ret, f->num);
	case STREAM_BYTES:
		return cmp_num(f->op, clamp_u64(ev->bytes), f->num);
	case STREAM_LATENCY:
		return cmp_num(f->op, clamp_u64(ev->duration_ns), f->num);
	case STREAM_GAP:
		return cmp_num(f->op, clamp_u64(ev->gap_ns), f->num);
	default:
		return false;
	}
}

bool stream_filters_match(const struct stream_filters *fs, const struct ior_event *ev)
{
	for (int i = 0; i < fs->n; i++)
		if (!stream_filter_match(&fs->v[i], ev))
			return false;
	return true;
}

int stream_filters_push(struct stream_filters *fs, struct stream_filter *f)
{
	if (fs->n >= STREAM_FILTERS_MAX) {
		stream_filter_free(f);
		return -ENOSPC;
	}
	fs->v[fs->n++] = *f;
	f->str = NULL;
	f->fold = NULL;
	return 0;
}

bool stream_filters_pop(struct stream_filters *fs)
{
	if (!fs->n)
		return false;
	stream_filter_free(&fs->v[--fs->n]);
	return true;
}

void stream_filters_clear(struct stream_filters *fs)
{
	while (stream_filters_pop(fs))
		;
}

/* ---- formatting ------------------------------------------------------------------ */

static const char *const op_text[] = {
	[STREAM_OP_CONTAINS] = "~", [STREAM_OP_NOT_CONTAINS] = "!~", [STREAM_OP_EQ] = "=",
	[STREAM_OP_NE] = "!=",      [STREAM_OP_GE] = ">=",           [STREAM_OP_GT] = ">",
	[STREAM_OP_LE] = "<=",      [STREAM_OP_LT] = "<",
};

/* Exact, in the largest unit that keeps it short: "812ns", "12.345us", "1.5ms", "2s". */
static void fmt_exact_dur(char *buf, size_t n, int64_t ns)
{
	static const struct { int64_t div; const char *unit; } units[] = {
		{ NSEC, "s" }, { 1000000, "ms" }, { 1000, "us" },
	};
	uint64_t v = ns < 0 ? 0 : (uint64_t)ns;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t div = (uint64_t)units[i].div, frac = v % div;
		char digits[24];
		int w = 0;

		if (v < div)
			continue;
		if (!frac) {
			snprintf(buf, n, "%llu%s", (unsigned long long)(v / div), units[i].unit);
			return;
		}
		for (uint64_t d = div; d > 1 && w < 9; d /= 10)
			w++;
		snprintf(digits, sizeof(digits), "%0*llu", w & 15, (unsigned long long)(frac % (uint64_t)NSEC));
		for (int k = w - 1; k > 0 && digits[k] == '0'; k--)
			digits[k] = '\0';
		snprintf(buf, n, "%llu.%s%s", (unsigned long long)(v / div), digits, units[i].unit);
		return;
	}
	snprintf(buf, n, "%lluns", (unsigned long long)v);
}

static void fmt_tod(char *buf, size_t n, int64_t tod, bool always_frac, int frac_digits)
{
	int64_t sec = tod / NSEC, ns = tod % NSEC;
	char frac[16] = "";

	if (frac_digits == 6) {
		snprintf(frac, sizeof(frac), ".%06lld", (long long)(ns / 1000));
	} else if (ns || always_frac) {
		int w = 9;

		snprintf(frac, sizeof(frac), ".%09lld", (long long)ns);
		while (w > 1 && frac[w] == '0')
			frac[w--] = '\0';
	}
	snprintf(buf, n, "%02lld:%02lld:%02lld%s", (long long)(sec / 3600),
		 (long long)(sec / 60 % 60), (long long)(sec % 60), frac);
}

/* Length of the printable unit at s (ASCII 0x20..0x7e, or valid UTF-8), 0 if it is not one. */
static size_t printable_len(const char *s, size_t avail)
{
	unsigned char c = (unsigned char)*s;

	if (c < 0x20 || c == 0x7f)
		return 0;
	return c < 0x80 ? 1 : util_utf8_len((const unsigned char *)s, avail);
}

/* Whether a string value must be quoted to read back the same and print safely. */
static bool needs_quotes(const struct stream_filter *f)
{
	if (!f->len || ((f->field == STREAM_FILE || f->field == STREAM_FD) &&
			strcmp(f->str, "-") == 0))
		return true;
	for (size_t i = 0, k; i < f->len; i += k) {
		k = printable_len(f->str + i, f->len - i);
		if (!k || f->str[i] == ' ' || f->str[i] == '"' || f->str[i] == '\\')
			return true;
	}
	return false;
}

/* snprintf that appends at *pos and tracks the wanted length. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t n, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(*pos < n ? buf + *pos : NULL, *pos < n ? n - *pos : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		*pos += (size_t)k;
}

size_t stream_filter_format(const struct stream_filter *f, char *buf, size_t n)
{
	size_t pos = 0;
	char v[64];

	if (n)
		buf[0] = '\0';
	append(buf, n, &pos, "%s%s", stream_field_name(f->field),
	       (unsigned)f->op < sizeof(op_text) / sizeof(op_text[0]) ? op_text[f->op] : "?");
	if (f->none) {
		append(buf, n, &pos, "-");
	} else if (is_string_field(f->field)) {
		if (!needs_quotes(f)) {
			append(buf, n, &pos, "%s", f->str);
		} else {
			append(buf, n, &pos, "\"");
			for (size_t i = 0, k; i < f->len; i += k) {
				const char *c = f->str + i;

				k = printable_len(c, f->len - i);
				if (*c == '"' || *c == '\\')
					append(buf, n, &pos, "\\%c", *c);
				else if (k)
					append(buf, n, &pos, "%.*s", (int)k, c);
				else if (*c == '\n' || *c == '\t' || *c == '\r')
					append(buf, n, &pos, "\\%c", *c == '\n' ? 'n' : *c == '\t' ? 't' : 'r');
				else
					append(buf, n, &pos, "\\x%02x", (unsigned char)*c);
				if (!k)
					k = 1;
			}
			append(buf, n, &pos, "\"");
		}
	} else if (f->field == STREAM_TIME) {
		fmt_tod(v, sizeof(v), f->num, false, 9);
		append(buf, n, &pos, "%s", v);
	} else if (is_duration_field(f->field)) {
		fmt_exact_dur(v, sizeof(v), f->num);
		append(buf, n, &pos, "%s", v);
	} else {
		append(buf, n, &pos, "%lld", (long long)f->num);
	}
	return pos;
}

size_t stream_filters_format(const struct stream_filters *fs, char *buf, size_t n)
{
	size_t pos = 0;

	if (n)
		buf[0] = '\0';
	for (int i = 0; i < fs->n; i++) {
		if (i)
			append(buf, n, &pos, " > ");
		pos += stream_filter_format(&fs->v[i], pos < n ? buf + pos : NULL, pos < n ? n - pos : 0);
	}
	return pos;
}

/* ---- parsing --------------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int field_by_name(const char *s, size_t len)
{
	static const struct { const char *name; enum stream_field f; } aliases[] = {
		{ "path", STREAM_FILE },    { "lat", STREAM_LATENCY }, { "dur", STREAM_LATENCY },
		{ "duration", STREAM_LATENCY }, { "sc", STREAM_SYSCALL },
	};

	for (int f = 0; f < STREAM_NFIELDS; f++)
		if (strlen(field_names[f]) == len && strncasecmp(field_names[f], s, len) == 0)
			return f;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].name) == len && strncasecmp(aliases[i].name, s, len) == 0)
			return (int)aliases[i].f;
	return -1;
}

/* Operators, longest first so that ">=" is not read as ">". */
static int op_by_text(const char *s, size_t *len)
{
	static const struct { const char *text; enum stream_op op; } ops[] = {
		{ "!~", STREAM_OP_NOT_CONTAINS }, { "!=", STREAM_OP_NE }, { ">=", STREAM_OP_GE },
		{ "<=", STREAM_OP_LE },           { "~", STREAM_OP_CONTAINS }, { "=", STREAM_OP_EQ },
		{ ">", STREAM_OP_GT },            { "<", STREAM_OP_LT },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t l = strlen(ops[i].text);

		if (strncmp(s, ops[i].text, l) == 0) {
			*len = l;
			return (int)ops[i].op;
		}
	}
	return -1;
}

/* A non-negative decimal with an optional fraction, scaled exactly by unit (ns). */
static int parse_scaled(const char *s, size_t len, int64_t unit, int64_t *out)
{
	uint64_t v = 0, frac = 0, fdiv = 1;
	size_t i = 0;
	bool digits = false;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > ((uint64_t)INT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
		digits = true;
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (fdiv < (uint64_t)NSEC) {
				frac = frac * 10 + (uint64_t)(s[i] - '0');
				fdiv *= 10;
			}
			digits = true;
		}
	}
	if (i != len || !digits)
		return -EINVAL;
	if (v >= (uint64_t)INT64_MAX / (uint64_t)unit)
		return -ERANGE;
	*out = (int64_t)(v * (uint64_t)unit + frac * (uint64_t)unit / fdiv);
	return 0;
}

static int parse_duration(const char *s, int64_t *out)
{
	static const struct { const char *unit; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "ms", 1000000 }, { "s", NSEC },
	};
	size_t len = strlen(s);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t ul = strlen(units[i].unit);

		/* "ns", "us", "ms" come before "s": reaching "s" means a plain second */
		if (len > ul && strcmp(s + len - ul, units[i].unit) == 0)
			return parse_scaled(s, len - ul, units[i].ns, out);
	}
	return parse_scaled(s, len, 1, out);
}

/* HH:MM[:SS[.fraction]] -> ns since midnight. */
static int parse_tod(const char *s, int64_t *out)
{
	long h, m, sec = 0;
	int64_t frac = 0;
	char part[8];
	const char *p = s, *c;

	c = strchr(p, ':');
	if (!c || c - p < 1 || c - p > 2)
		return -EINVAL;
	snprintf(part, sizeof(part), "%.*s", (int)(c - p), p);
	if (util_parse_long(part, 0, 23, &h) || part[0] == '+' || part[0] == '-')
		return -EINVAL;
	p = c + 1;
	c = strchr(p, ':');
	if ((c ? c - p : (long)strlen(p)) != 2)
		return -EINVAL;
	snprintf(part, sizeof(part), "%.2s", p);
	if (util_parse_long(part, 0, 59, &m) || part[0] == '+' || part[0] == '-')
		return -EINVAL;
	if (c) {
		const char *dot;
		int64_t whole;

		p = c + 1;
		dot = strchr(p, '.');
		if ((dot ? dot - p : (long)strlen(p)) != 2)
			return -EINVAL;
		if (parse_scaled(p, strlen(p), NSEC, &whole) || whole >= 60 * NSEC)
			return -EINVAL;
		sec = (long)(whole / NSEC);
		frac = whole % NSEC;
	}
	*out = ((int64_t)h * 3600 + m * 60 + sec) * NSEC + frac;
	return 0;
}

/* Reads one value (quoted or bare) at *pp into out (cap bytes). */
static int read_value(const char **pp, char *out, size_t cap, bool *quoted, size_t *len,
		      char *err, size_t errlen)
{
	const char *p = *pp;
	size_t n = 0;

	*quoted = *p == '"';
	if (*quoted) {
		for (p++; *p != '"'; p++) {
			if (!*p)
				return perr(err, errlen, "a quoted value is missing its closing \"");
			char c = *p;

			/* \" \\ \n \t \r \xHH as stream_filter_format writes them; others stay */
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				c = *++p;
			} else if (*p == '\\' && (p[1] == 'n' || p[1] == 't' || p[1] == 'r')) {
				c = p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : '\r';
				p++;
			} else if (*p == '\\' && p[1] == 'x' && isxdigit((unsigned char)p[2]) &&
				   isxdigit((unsigned char)p[3]) && (p[2] != '0' || p[3] != '0')) {
				char hex[3] = { p[2], p[3], '\0' };

				c = (char)strtol(hex, NULL, 16);
				p += 3;
			}
			if (n + 1 >= cap)
				return perr(err, errlen, "a value is longer than %d bytes",
					    STREAM_VALUE_MAX - 1);
			out[n++] = c;
		}
		p++;
		if (*p && *p != ' ' && *p != '\t')
			return perr(err, errlen, "put a blank after a quoted value");
	} else {
		for (; *p && *p != ' ' && *p != '\t'; p++) {
			if (n + 1 >= cap)
				return perr(err, errlen, "a value is longer than %d bytes",
					    STREAM_VALUE_MAX - 1);
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	*len = n;
	*pp = p;
	return 0;
}

static int parse_term(const char **pp, long tz_off, struct stream_filter *f, char *value,
		      char *err, size_t errlen)
{
	const char *p = *pp, *name = p;
	size_t nlen, olen = 0, vlen = 0;
	bool quoted;
	int field, op, e;

	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
		p++;
	nlen = (size_t)(p - name);
	if (!nlen) {
		size_t k = strcspn(name, " \t");

		return perr(err, errlen, "'%.*s' does not start with a field name (time, comm, pid, "
				 "tid, syscall, fd, file, ret, bytes, latency, gap)", (int)(k > 40 ? 40 : k), name);
	}
	field = field_by_name(name, nlen);
	if (field < 0)
		return perr(err, errlen, "unknown field '%.*s' (use time, comm, pid, tid, syscall, fd, "
				 "file, ret, bytes, latency, gap)", (int)(nlen > 40 ? 40 : nlen), name);
	op = op_by_text(p, &olen);
	if (op < 0)
		return perr(err, errlen, "%s needs an operator: %s", field_names[field],
			    is_string_field((enum stream_field)field) ? "~ !~ = !=" : "= != < <= > >=");
	p += olen;
	if (is_string_field((enum stream_field)field) && op > STREAM_OP_NE)
		return perr(err, errlen, "%s is text: it takes ~ (contains), !~, = or !=, not %s",
			    field_names[field], op_text[op]);
	if (!is_string_field((enum stream_field)field) &&
	    (op == STREAM_OP_CONTAINS || op == STREAM_OP_NOT_CONTAINS))
		return perr(err, errlen, "%s is a number: it takes = != < <= > >=, not %s",
			    field_names[field], op_text[op]);
	if (!*p || *p == ' ' || *p == '\t')
		return perr(err, errlen, "%s%s needs a value", field_names[field], op_text[op]);
	e = read_value(&p, value, STREAM_VALUE_MAX, &quoted, &vlen, err, errlen);
	if (e)
		return e;
	memset(f, 0, sizeof(*f));
	f->field = (enum stream_field)field;
	f->op = (enum stream_op)op;
	*pp = p;
	if (!quoted && strcmp(value, "-") == 0 && (field == STREAM_FD || field == STREAM_FILE)) {
		if (op != STREAM_OP_EQ && op != STREAM_OP_NE)
			return perr(err, errlen, "%s with - (none) takes only = or !=", field_names[field]);
		f->none = true;
		return 0;
	}
	switch (field) {
	case STREAM_COMM:
	case STREAM_FILE:
		break;
	case STREAM_SYSCALL:
		if ((op == STREAM_OP_EQ || op == STREAM_OP_NE) && ior_syscall_by_name(value) < 0)
			return perr(err, errlen, "unknown syscall '%.40s' (syscall~TEXT matches part of "
					 "a name)", value);
		break;
	case STREAM_TIME:
		if (parse_tod(value, &f->num))
			return perr(err, errlen, "time needs a local time of day like 14:03, 14:03:22 or "
					 "14:03:22.25, not '%.40s'", value);
		f->tz_off = tz_off;
		return 0;
	case STREAM_LATENCY:
	case STREAM_GAP:
		if (parse_duration(value, &f->num))
			return perr(err, errlen, "%s needs a duration like 250us, 1.5ms or 2s (no unit: "
					 "ns), not '%.40s'", field_names[field], value);
		return 0;
	default: {
		static const struct { long min, max; } range[STREAM_NFIELDS] = {
			[STREAM_PID] = { 0, 0xffffffffL },    [STREAM_TID] = { 0, 0xffffffffL },
			[STREAM_FD] = { -0x80000000L, 0x7fffffffL }, [STREAM_RET] = { INT64_MIN, INT64_MAX },
			[STREAM_BYTES] = { 0, INT64_MAX },
		};
		long v;

		if (util_parse_long(value, range[field].min, range[field].max, &v))
			return perr(err, errlen, "%s needs a whole number%s, not '%.40s'",
				    field_names[field], field == STREAM_FD ? " (or - for none)" : "",
				    value);
		f->num = v;
		return 0;
	}
	}
	if (set_str(f, value, vlen)) {
		perr(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int stream_filters_parse(struct stream_filters *fs, const char *text, long tz_off, char *err,
			 size_t errlen)
{
	struct stream_filter got[STREAM_FILTERS_MAX];
	char *value = malloc(STREAM_VALUE_MAX);
	const char *p = text;
	int n = 0, e = 0;

	if (errlen)
		err[0] = '\0';
	if (!value) {
		perr(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (fs->n + n >= STREAM_FILTERS_MAX) {
			e = -ENOSPC;
			perr(err, errlen, "too many filters (at most %d): pop some with esc or clear "
				 "them with c", STREAM_FILTERS_MAX);
			break;
		}
		e = parse_term(&p, tz_off, &got[n], value, err, errlen);
		if (e)
			break;
		n++;
	}
	free(value);
	if (!e && !n) {
		e = -EINVAL;
		perr(err, errlen, "type a filter like comm~bash, pid=42 or latency>=1ms");
	}
	if (e) {
		for (int i = 0; i < n; i++)
			stream_filter_free(&got[i]);
		return e;
	}
	for (int i = 0; i < n; i++)
		stream_filters_push(fs, &got[i]);
	return n;
}

/* ---- columns and search ------------------------------------------------------------ */

void stream_fmt_dur(char *buf, size_t n, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, n, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, n, "%llu.%03lluus", (unsigned long long)(ns / 1000),
			 (unsigned long long)(ns % 1000));
	else if (ns < (uint64_t)NSEC)
		snprintf(buf, n, "%llu.%03llums", (unsigned long long)(ns / 1000000),
			 (unsigned long long)(ns / 1000 % 1000));
	else
		snprintf(buf, n, "%llu.%03llus", (unsigned long long)(ns / (uint64_t)NSEC),
			 (unsigned long long)(ns / 1000000 % 1000));
}

const char *stream_cell(const struct ior_event *ev, enum stream_field f, long tz_off, char *buf,
			size_t n)
{
	switch (f) {
	case STREAM_TIME:
		fmt_tod(buf, n, time_of_day(ev->time_ns, tz_off), true, 6);
		return buf;
	case STREAM_COMM:
		return ev->comm;
	case STREAM_PID:
		snprintf(buf, n, "%u", ev->pid);
		return buf;
	case STREAM_TID:
		snprintf(buf, n, "%u", ev->tid);
		return buf;
	case STREAM_SYSCALL:
		return ev->sc >= 0 && ev->sc < IOR_SC_COUNT ? ior_syscalls[ev->sc].name : "?";
	case STREAM_FD:
		if (ev->has_fd)
			snprintf(buf, n, "%d", ev->fd);
		else
			snprintf(buf, n, "-");
		return buf;
	case STREAM_FILE:
		if (!ev->path)
			return "";
		if (!ev->path2)
			return ev->path;
		snprintf(buf, n, "%s -> %s", ev->path, ev->path2);
		return buf;
	case STREAM_RET:
		snprintf(buf, n, "%lld", (long long)ev->ret);
		return buf;
	case STREAM_BYTES:
		snprintf(buf, n, "%llu", (unsigned long long)ev->bytes);
		return buf;
	case STREAM_LATENCY:
		stream_fmt_dur(buf, n, ev->duration_ns);
		return buf;
	case STREAM_GAP:
		stream_fmt_dur(buf, n, ev->gap_ns);
		return buf;
	default:
		return "";
	}
}

int stream_search_compile(struct stream_search *s, const char *pattern, char *err, size_t errlen)
{
	regex_t re;
	int rc;

	if (!*pattern)
		return perr(err, errlen, "an empty pattern finds nothing");
	rc = regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		return perr(err, errlen, "bad regular expression: %s", msg);
	}
	stream_search_free(s);
	s->re = re;
	s->ok = true;
	snprintf(s->pattern, sizeof(s->pattern), "%s", pattern);
	return 0;
}

void stream_search_free(struct stream_search *s)
{
	if (s->ok)
		regfree(&s->re);
	s->ok = false;
}

static int search_row(const struct stream_search *s, const struct ior_event *ev, long tz_off,
		      char *buf, size_t n)
{
	for (int f = 0; f < STREAM_NFIELDS; f++)
		if (regexec(&s->re, stream_cell(ev, (enum stream_field)f, tz_off, buf, n), 0, NULL, 0) == 0)
			return f;
	return -1;
}

#define SEARCH_BUF (2 * STREAM_STR_MAX + 8)

int stream_search_row(const struct stream_search *s, const struct ior_event *ev, long tz_off)
{
	char *buf;
	int f;

	if (!s->ok || !(buf = malloc(SEARCH_BUF)))
		return -1;
	f = search_row(s, ev, tz_off, buf, SEARCH_BUF);
	free(buf);
	return f;
}

long stream_search_find(const struct stream_search *s, const struct stream_ring *r,
			const uint32_t *idx, size_t n, long from, bool backward, long tz_off,
			bool *wrapped, int *field)
{
	long found = -1;
	char *buf;

	*wrapped = false;
	*field = -1;
	if (!s->ok || !n || !(buf = malloc(SEARCH_BUF)))
		return -1;
	if (from < -1)
		from = -1;
	if (from > (long)n)
		from = (long)n;
	for (size_t k = 1; k <= n; k++) {
		long p = backward ? from - (long)k : from + (long)k;
		struct ior_event ev;
		bool wrap = false;

		if (p >= (long)n) {
			p -= (long)n;
			wrap = true;
		} else if (p < 0) {
			p += (long)n;
			wrap = true;
		}
		if (!stream_ring_get(r, stream_ring_first(r) + (idx ? idx[p] : (uint64_t)p), &ev))
			continue;
		*field = search_row(s, &ev, tz_off, buf, SEARCH_BUF);
		if (*field >= 0) {
			*wrapped = wrap;
			found = p;
			break;
		}
	}
	free(buf);
	return found;
}
