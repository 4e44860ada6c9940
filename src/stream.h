/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Stream tab's model, apart from any terminal: a ring of the most recent
 * events with a fixed row cap and a byte budget for their strings; the stack
 * of filters the dashboard shares (pushed from a cell or parsed from
 * "field op value"); the text of each column; and regex search over rows.
 *
 * Memory of a ring is fixed when it is made: cap rows of 96 bytes plus a
 * string arena (paths, comm is inline) of STREAM_BYTES_PER_ROW bytes a row
 * (at least 1 MiB). When a new row needs room, by the row cap or by the
 * arena, the oldest rows go and are counted in stream_ring_dropped.
 */
#ifndef IOR_STREAM_H
#define IOR_STREAM_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define STREAM_DEFAULT_CAP 100000
#define STREAM_MIN_CAP 100
#define STREAM_MAX_CAP 2000000
#define STREAM_BYTES_PER_ROW 128        /* the arena: string bytes a row on average */
#define STREAM_ARENA_MIN (1u << 20)
#define STREAM_STR_MAX 65536            /* a longer path is kept cut to this (with NUL) */
#define STREAM_FILTERS_MAX 32
#define STREAM_VALUE_MAX 4096           /* bytes of a filter's string value */

/* The Stream tab's columns, in order; also the filterable and searchable fields. */
enum stream_field {
	STREAM_TIME, STREAM_COMM, STREAM_PID, STREAM_TID, STREAM_SYSCALL, STREAM_FD,
	STREAM_FILE, STREAM_RET, STREAM_BYTES, STREAM_LATENCY, STREAM_GAP,
	STREAM_NFIELDS
};

/* "time", "comm", ... (as filters name them) and "TIME", "COMM", ... (column titles). */
const char *stream_field_name(enum stream_field f);
const char *stream_field_title(enum stream_field f);

/* ---- the ring ------------------------------------------------------------- */

/*
 * Rows are numbered by a sequence number: the n-th row ever pushed is n
 * (from 0). A ring holds rows [stream_ring_first, stream_ring_next).
 */
struct stream_ring;

/*
 * A ring of cap rows (clamped to [1, STREAM_MAX_CAP]) with an arena of
 * arena_bytes (0: cap * STREAM_BYTES_PER_ROW; at least STREAM_ARENA_MIN),
 * rounded up to a power of two.
 * NULL when out of memory. Free with stream_ring_free (accepts NULL).
 */
struct stream_ring *stream_ring_new(size_t cap, size_t arena_bytes);
void stream_ring_free(struct stream_ring *r);
/* Forgets every row (the sequence numbers and the dropped counter go on). */
void stream_ring_clear(struct stream_ring *r);
/* Appends a copy of ev, dropping the oldest rows if needed. Never fails. */
void stream_ring_push(struct stream_ring *r, const struct ior_event *ev);

size_t stream_ring_count(const struct stream_ring *r);
size_t stream_ring_cap(const struct stream_ring *r);
uint64_t stream_ring_first(const struct stream_ring *r);
uint64_t stream_ring_next(const struct stream_ring *r);
/* Rows dropped to make room since the ring was made. */
uint64_t stream_ring_dropped(const struct stream_ring *r);
/* Bytes the ring allocated (rows and arena). */
size_t stream_ring_mem(const struct stream_ring *r);

/*
 * Fills ev with row seq. Its strings point into the ring: valid until the
 * next push or clear. false (ev untouched) if the ring does not hold seq.
 */
bool stream_ring_get(const struct stream_ring *r, uint64_t seq, struct ior_event *ev);

/*
 * A frozen copy of r: the same rows with the same sequence numbers, in
 * memory sized to them (the pause snapshot). NULL when out of memory.
 */
struct stream_ring *stream_ring_snapshot(const struct stream_ring *r);

/* ---- filters ------------------------------------------------------------------ */

enum stream_op {
	STREAM_OP_CONTAINS,     /* ~  case-insensitive (ASCII) substring */
	STREAM_OP_NOT_CONTAINS, /* !~ */
	STREAM_OP_EQ,           /* =  exact (strings: byte for byte) */
	STREAM_OP_NE,           /* != */
	STREAM_OP_GE,           /* >= numbers only */
	STREAM_OP_GT,           /* >  */
	STREAM_OP_LE,           /* <= */
	STREAM_OP_LT,           /* <  */
};

/*
 * One filter. Strings: comm, syscall, file (a row's path or its second
 * path); file and fd take the value "-" with = and !=: the row has none.
 * Numbers: pid, tid, fd, ret, bytes; durations (latency, gap) in ns, typed
 * with a unit (ns, us, ms, s; none is ns); time is the local time of day,
 * HH:MM[:SS[.fraction]], compared with the row's. String values hold no
 * NUL byte.
 */
struct stream_filter {
	enum stream_field field;
	enum stream_op op;
	bool none;         /* the value "-": the field is absent */
	int64_t num;       /* pid tid fd ret bytes latency gap; time: ns since local midnight */
	char *str;         /* strings: the value as given (owned, NUL-terminated) */
	char *fold;        /* ~ and !~: str lower-cased (ASCII), owned */
	size_t len;        /* of str and fold */
	long tz_off;       /* time: seconds east of UTC, fixed when the filter was made */
};

/* A stack of filters; a row passes when it passes every one. Zero-initialise. */
struct stream_filters {
	struct stream_filter v[STREAM_FILTERS_MAX];
	int n;
};

/*
 * The filter `enter` pushes for field f of ev: ~ its text for comm, syscall
 * and file (the row's path), = its value for pid, tid, fd, ret and bytes
 * (fd=- and file=- when the row has none), >= its value for latency and gap
 * (time: >= its time of day, with tz_off). Returns 0, or -ENOMEM.
 */
int stream_filter_from_cell(const struct ior_event *ev, enum stream_field f, long tz_off,
			    struct stream_filter *out);

/*
 * Parses filters typed by hand: one or more terms "FIELD OP VALUE"
 * separated by blanks, as in `comm~bash pid=42 latency>=1.5ms
 * file~"/my dir"`. A value with blanks, quotes or backslashes is written
 * in double quotes with \" and \\ (and \n \t \r \xHH for other bytes, as
 * stream_filter_format writes them). Field names are case-insensitive;
 * aliases: path for file, lat, dur and duration for latency, sc for
 * syscall. On success pushes every term onto fs and returns how many; on
 * error pushes none, returns -EINVAL (or -ENOSPC: the stack is full,
 * -ENOMEM) with one sentence in err. tz_off is stored in time filters.
 */
int stream_filters_parse(struct stream_filters *fs, const char *text, long tz_off, char *err,
			 size_t errlen);

/* Pushes f (taking its string); -ENOSPC (f freed) when the stack is full. */
int stream_filters_push(struct stream_filters *fs, struct stream_filter *f);
/* Pops the most recent filter; false if there was none. */
bool stream_filters_pop(struct stream_filters *fs);
void stream_filters_clear(struct stream_filters *fs);
bool stream_filter_match(const struct stream_filter *f, const struct ior_event *ev);
/* True when ev passes every filter of fs (always with none). */
bool stream_filters_match(const struct stream_filters *fs, const struct ior_event *ev);
void stream_filter_free(struct stream_filter *f);

/*
 * Writes f as the parser reads it back ("comm~bash", "latency>=1.5ms",
 * `file~"a b"`) to buf (NUL-terminated, cut at n). A string value is quoted
 * when it has blanks, quotes, backslashes, control bytes or bytes that are
 * not UTF-8; inside the quotes those are \" \\ \n \t \r \xHH, so the text
 * is printable (ASCII and valid UTF-8) and safe to draw as it is. Returns
 * the length it wanted (as snprintf).
 */
size_t stream_filter_format(const struct stream_filter *f, char *buf, size_t n);
/* The stack as a breadcrumb: "comm~bash > pid=42"; "" when empty. As above. */
size_t stream_filters_format(const struct stream_filters *fs, char *buf, size_t n);

/* ---- columns and search ------------------------------------------------------------ */

/*
 * The text of field f of ev as the Stream tab shows it: time as local
 * HH:MM:SS.uuuuuu (tz_off seconds east of UTC), numbers in decimal, "-"
 * for an absent fd, latency and gap as "812ns", "12.345us", "1.234ms",
 * "2.500s", file as the path ("" for none; "PATH -> PATH2" with a second
 * path). Strings are raw bytes. Returns buf, or a string of ev (comm,
 * path); buf (n >= 64) may be cut for very long paths.
 */
const char *stream_cell(const struct ior_event *ev, enum stream_field f, long tz_off, char *buf,
			size_t n);

/* Latency/gap text as stream_cell writes it. */
void stream_fmt_dur(char *buf, size_t n, uint64_t ns);

/* A compiled search: POSIX extended regex, case-insensitive. */
struct stream_search {
	regex_t re;
	bool ok;
	char pattern[256];
};

/* Compiles pattern (replacing any previous one). 0, or -EINVAL with regerror's text in err. */
int stream_search_compile(struct stream_search *s, const char *pattern, char *err, size_t errlen);
void stream_search_free(struct stream_search *s);
/* The first field of ev (in column order) whose text matches, or -1. */
int stream_search_row(const struct stream_search *s, const struct ior_event *ev, long tz_off);

/*
 * Searches the rows of r listed in idx[0..n-1] (offsets from
 * stream_ring_first; idx NULL: every row in order) from position from
 * (exclusive) forward or backward, wrapping around once and ending with
 * from itself. Returns the position found or -1; *wrapped says it went past
 * an end; *field is the first matching field.
 */
long stream_search_find(const struct stream_search *s, const struct stream_ring *r,
			const uint32_t *idx, size_t n, long from, bool backward, long tz_off,
			bool *wrapped, int *field);

#endif /* IOR_STREAM_H */
