/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dashboard's model: running totals of traced syscalls per syscall, per
 * file and per process, log2 histograms of duration and gap per syscall, and
 * a per-second timeline. It is fed one struct ior_event at a time (live
 * tracing, Parquet rows) or one aggregated entry at a time (.ior.zst) and
 * never knows which. Views never read it directly: they take a snapshot
 * (struct stats_table), sort it and draw it.
 *
 * Memory is bounded: at most files_cap distinct paths and procs_cap
 * distinct processes are kept; events past a cap are added to one "[other]"
 * row of that table and counted in stats_totals.files_folded/procs_folded.
 */
#ifndef IOR_STATS_H
#define IOR_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define STATS_HIST_BUCKETS 64
#define STATS_TIMELINE 120        /* seconds of per-second history kept */
#define STATS_DEFAULT_FILES 65536 /* distinct paths before "[other]" */
#define STATS_DEFAULT_PROCS 8192  /* distinct pids before "[other]" */
#define STATS_OTHER "[other]"

struct agg_entry; /* agg.h: one aggregated key of a .ior.zst file */
struct ior_cell;  /* tally.h: events of one key, summed */

/* The values every row of every table has. */
struct stats_vals {
	uint64_t count;
	uint64_t dur_ns;     /* sum of durations */
	uint64_t gap_ns;     /* sum of gaps */
	uint64_t bytes;
	uint64_t errors;     /* events with ret < 0 */
	uint64_t dur_max_ns;
};

/* Per syscall (index in ior_syscalls[]): the values plus distributions. */
struct stats_sc {
	struct stats_vals v;
	uint64_t dur_min_ns; /* 0 while count is 0 */
	uint64_t gap_max_ns;
	uint64_t hist_dur[STATS_HIST_BUCKETS];
	uint64_t hist_gap[STATS_HIST_BUCKETS];
};

struct stats_totals {
	struct stats_vals v;
	uint64_t read_bytes;     /* read family, getxattr/listxattr, copy sources */
	uint64_t write_bytes;    /* write family, copy destinations */
	uint64_t first_ns;       /* smallest event time seen (wall clock), 0: none */
	uint64_t last_ns;        /* largest event time seen */
	uint64_t files;          /* distinct paths held */
	uint64_t procs;          /* distinct processes held */
	uint64_t files_folded;   /* events counted in the files "[other]" row */
	uint64_t procs_folded;   /* events counted in the processes "[other]" row */
	uint64_t unknown_sc;     /* aggregated entries naming a syscall ior does not know */
	bool aggregated;         /* fed aggregates: no per-event times, no errors */
};

struct stats_opts {
	size_t files_cap; /* 0: STATS_DEFAULT_FILES */
	size_t procs_cap; /* 0: STATS_DEFAULT_PROCS */
};

struct stats;

/* NULL opts means defaults. Returns NULL when out of memory. */
struct stats *stats_new(const struct stats_opts *opts);
void stats_free(struct stats *s);
/* Forgets everything counted (caps and options stay). */
void stats_reset(struct stats *s);

/*
 * Counts one event. Never fails: when memory runs out the event still
 * counts in the totals, per syscall and in the "[other]" rows.
 */
void stats_add_event(struct stats *s, const struct ior_event *ev);
/*
 * stats_add_event in two halves, for events summed by key (tally.h): the
 * event's times (first and last time, the timeline) one event at a time,
 * and everything else one cell at a time. Adding every event's times and
 * every cell of them counts exactly what stats_add_event counts.
 */
void stats_add_times(struct stats *s, const struct ior_event *ev);
void stats_add_cell(struct stats *s, const struct ior_cell *c);
/* ior_event_fn adapter: ctx is the struct stats; always returns 0. */
int stats_event_fn(void *ctx, const struct ior_event *ev);

/*
 * Adds an aggregated entry (key comm, pid, tid, path, syscall name and its
 * count, sums, max duration and histograms). Its histograms use the same
 * buckets as ours (stats_bucket). Aggregates carry no return values, so
 * they add no errors, and no times, so they add nothing to the timeline.
 */
void stats_add_aggregate(struct stats *s, const struct agg_entry *e);

const struct stats_totals *stats_totals(const struct stats *s);
/* Per-syscall values; sc in [0, IOR_SC_COUNT). */
const struct stats_sc *stats_syscall(const struct stats *s, int sc);

/*
 * The per-second timeline, by event time: fills out[0..n-1] with the
 * number of events (or read/written bytes, see which) of the n seconds
 * that end before second end_sec (epoch seconds), oldest first; seconds
 * older than STATS_TIMELINE ago read 0.
 */
enum stats_series { STATS_SERIES_EVENTS, STATS_SERIES_READ, STATS_SERIES_WRITE };
void stats_timeline(const struct stats *s, enum stats_series which, uint64_t end_sec,
		    uint64_t *out, size_t n);

/* Histogram bucket of v: 0 for v <= 1, else floor(log2(v)); as agg_bucket. */
unsigned stats_bucket(uint64_t v);
/* Smallest value of bucket b (0 for b == 0) and the first value past it. */
uint64_t stats_bucket_lo(unsigned b);
uint64_t stats_bucket_hi(unsigned b);

/*
 * The p-th percentile (0 < p <= 100) of the values counted in hist, by
 * linear interpolation inside the log2 bucket that holds the rank
 * ceil(p/100 * count): exact to within that bucket (a factor of two), then
 * clamped to [lo, hi] (the observed minimum and maximum; pass 0 and
 * UINT64_MAX when unknown). 0 when hist is empty.
 */
uint64_t stats_percentile(const uint64_t hist[STATS_HIST_BUCKETS], double p, uint64_t lo,
			  uint64_t hi);

/* ---- snapshots: what the tables draw ---------------------------------- */

enum stats_view {
	STATS_VIEW_SYSCALLS, /* one row per syscall that was seen */
	STATS_VIEW_FILES,    /* one row per path */
	STATS_VIEW_DIRS,     /* files grouped by directory (dirname of the path) */
	STATS_VIEW_PROCS,    /* one row per process */
};

enum stats_key {
	STATS_KEY_NAME,   /* syscall name, path, directory, comm: ascending by default */
	STATS_KEY_ID,     /* pid (processes), syscall family; number of files (dirs) */
	STATS_KEY_COUNT,
	STATS_KEY_DUR,
	STATS_KEY_AVG,
	STATS_KEY_MAX,
	STATS_KEY_GAP,
	STATS_KEY_BYTES,
	STATS_KEY_ERRORS,
};

struct stats_row {
	const char *name;  /* owned by the table; unescaped (escape before drawing) */
	uint64_t id;       /* pid / syscall index / number of files in a directory */
	struct stats_vals v;
	bool other;        /* the "[other]" row of a capped table */
};

/* A sorted copy of one view. Reuse one table across snapshots. */
struct stats_table {
	struct stats_row *rows;
	size_t n, cap;
	char *names;       /* arena holding the rows' names */
	size_t names_len, names_cap;
	enum stats_view view;
};

/*
 * Replaces t's rows with a copy of view (unsorted). Returns 0 or -ENOMEM
 * (t then holds the rows that fit).
 */
int stats_snapshot(const struct stats *s, enum stats_view view, struct stats_table *t);
/* Sorts t by key; desc false is ascending. Ties break by name, then id. */
void stats_table_sort(struct stats_table *t, enum stats_key key, bool desc);
/* Index of the row whose name matches (and id, for syscalls and processes), or -1. */
long stats_table_find(const struct stats_table *t, const char *name, uint64_t id);
void stats_table_free(struct stats_table *t);

/* The default sort direction of a key: numbers descending, names ascending. */
bool stats_key_default_desc(enum stats_key key);
/* Average duration of v (0 when v->count is 0). */
uint64_t stats_avg(const struct stats_vals *v);

#endif /* IOR_STATS_H */
