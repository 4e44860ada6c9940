/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folded stacks ("frame;frame;frame value" lines, the input of
 * flamegraph.pl, inferno and speedscope) built from aggregated entries: a
 * chosen order of key fields makes the frames, a chosen metric the value.
 * The stacks are also what svg.c draws.
 *
 * Frames (each escaped, see folded_escape):
 *   comm        the task name
 *   pid, tid    "pid 1234", "tid 1234"
 *   path        one frame per directory level, each keeping its trailing
 *               slash, so the frames of a stack concatenate to the path:
 *               "/var/lib/x" -> "/var/", "lib/", "x"; "/" -> "/";
 *               "pipe:[12]" -> "pipe:[12]". Repeated slashes count as one.
 *               Past FOLDED_PATH_FRAMES_MAX levels the rest is one frame.
 *               No path -> "[no path]".
 *   tracepoint  the syscall name ("openat")
 *   flags       "0x241" (hex), or "[no flags]"
 * The "[other]" entry (agg.h) gives "[other]" for every field. An empty
 * string gives "[empty]".
 */
#ifndef IOR_FOLDED_H
#define IOR_FOLDED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agg.h"

enum folded_field {
	FOLDED_COMM,
	FOLDED_PID,
	FOLDED_TID,
	FOLDED_PATH,
	FOLDED_TRACEPOINT,
	FOLDED_FLAGS,
	FOLDED_FIELD_COUNT
};

enum folded_metric {
	FOLDED_COUNT,           /* "count": events */
	FOLDED_DURATION,        /* "duration": ns inside syscalls */
	FOLDED_DURATION_TO_PREV,/* "durationToPrev": ns of gaps before them */
	FOLDED_BYTES,           /* "bytes": bytes transferred */
};

/* What a frame came from; svg.c colors by it. */
enum folded_kind {
	FOLDED_KIND_COMM,
	FOLDED_KIND_PATH,
	FOLDED_KIND_SYSCALL,
	FOLDED_KIND_OTHER,      /* pid, tid, flags */
};

#define FOLDED_DEFAULT_FIELDS "comm,path,tracepoint"
#define FOLDED_PATH_FRAMES_MAX 64

struct folded_spec {
	enum folded_field fields[FOLDED_FIELD_COUNT];
	size_t nfields;
	enum folded_metric metric;
};

/* comm,path,tracepoint and count. */
void folded_spec_default(struct folded_spec *spec);

/*
 * Parses a -fields list: comma-separated names from comm, pid, tid, path,
 * tracepoint, flags in any order, each at most once, spaces around names
 * ignored. Sets spec->fields/nfields and returns 0; or returns -EINVAL with
 * one sentence in err (errlen bytes; 256 is enough) and spec untouched.
 */
int folded_parse_fields(const char *list, struct folded_spec *spec, char *err, size_t errlen);

/*
 * Parses a -count metric: count, duration, durationToPrev or bytes (exact
 * spelling). Sets spec->metric and returns 0, or -EINVAL with err set.
 */
int folded_parse_count(const char *name, struct folded_spec *spec, char *err, size_t errlen);

/* The -count name of m ("durationToPrev") and its unit ("ns"). */
const char *folded_metric_name(enum folded_metric m);
const char *folded_metric_unit(enum folded_metric m);

/*
 * Escapes len bytes of src as one frame name into dst (cap bytes, NUL
 * always written when cap > 0): backslash -> \\, ';' -> \x3b, newline,
 * tab, CR -> \n \t \r, other control bytes, DEL, C1 controls and every
 * byte of invalid UTF-8 -> \xHH; printable ASCII (space included) and
 * valid UTF-8 stay. Never cuts an escape or a character in half. Returns
 * the length written; 4 * len + 1 bytes always hold the whole result.
 */
size_t folded_escape(char *dst, size_t cap, const char *src, size_t len);

struct folded;

/* An empty set of stacks built as spec says; NULL on allocation failure. */
struct folded *folded_new(const struct folded_spec *spec);
void folded_free(struct folded *f);

/* Adds entry e's value to its stack. Returns 0 or -ENOMEM. */
int folded_add(struct folded *f, const struct agg_entry *e);
/* agg_entry_fn wrapper around folded_add; ctx is the struct folded. */
int folded_entry(void *f, const struct agg_entry *e);

/* Distinct stacks with a non-zero value, and the sum of their values. */
size_t folded_count(const struct folded *f);
uint64_t folded_total(const struct folded *f);
const struct folded_spec *folded_spec(const struct folded *f);

/*
 * Calls fn for each stack with a non-zero value, sorted by the bytes of
 * the stack string: stack is the frames joined by ';' (NUL-terminated, no
 * frame contains ';'), kinds[i] the enum folded_kind of frame i. Stops at
 * a non-zero return of fn and returns it; -ENOMEM if sorting cannot
 * allocate.
 */
typedef int (*folded_stack_fn)(void *ctx, const char *stack, const unsigned char *kinds,
			       size_t nframes, uint64_t value);
int folded_foreach(const struct folded *f, folded_stack_fn fn, void *ctx);

/* Writes "stack value\n" lines in folded_foreach order. Returns 0, -EIO
 * if out reports an error, or -ENOMEM. */
int folded_write(const struct folded *f, FILE *out);

#endif /* IOR_FOLDED_H */
