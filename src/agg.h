/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Aggregation of events by key (comm, pid, tid, path, syscall name, flags):
 * per key a count, sums, min/max duration and log2 histograms of duration
 * and gap. The number of distinct keys is capped; past the cap a new key
 * loses its path first (cut to the directory, then "[other files]") and
 * only then everything (the "[other]" entry); every folded event is
 * counted. This is what `.ior.zst` files store and what folded stacks and
 * flamegraphs are built from.
 */
#ifndef IOR_AGG_H
#define IOR_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define AGG_HIST_BUCKETS 64

struct ior_cell; /* tally.h: events of one key, summed */
#define AGG_DEFAULT_CAP 1000000
/* Key strings of the entry that takes events past every cap. */
#define AGG_OTHER "[other]"
/* The path of a key whose file was folded away, directory and all. */
#define AGG_OTHER_FILES "[other files]"

/*
 * One aggregated key and its values. Bucket i of a histogram counts the
 * values v with floor(log2(v)) == i; bucket 0 also counts 0 (see
 * agg_bucket). Strings are NUL-terminated; path is NULL when the syscall
 * names no file. In entries handed out by agg_foreach the strings belong to
 * the agg and live until agg_free.
 */
struct agg_entry {
	const char *comm;
	const char *path;
	const char *syscall;  /* syscall name, e.g. "openat" */
	uint32_t pid;
	uint32_t tid;
	int32_t flags;        /* meaningful only when has_flags */
	bool has_flags;
	uint64_t count;
	uint64_t dur_ns;      /* sum of durations */
	uint64_t gap_ns;      /* sum of gaps (durationToPrev) */
	uint64_t bytes;
	uint64_t dur_min_ns;  /* 0 when count is 0 */
	uint64_t dur_max_ns;
	uint64_t hist_dur[AGG_HIST_BUCKETS];
	uint64_t hist_gap[AGG_HIST_BUCKETS];
};

struct agg;

/* A consumer of entries: return 0 to go on, non-zero to stop. */
typedef int (*agg_entry_fn)(void *ctx, const struct agg_entry *e);

/*
 * An aggregation holding at most cap distinct keys (0: AGG_DEFAULT_CAP).
 * Past the cap, a new key's path is cut to its directory, up to and with
 * the last '/' ("/tmp/x/f1" -> "/tmp/x/"); when cap/4 such keys exist (at
 * least 1), the path becomes AGG_OTHER_FILES, again for up to cap/4 keys;
 * then the event goes to the "[other]" entry. Comm, pid, tid, syscall and
 * flags stay exact until that last step. A path without '/' (pipe:[7])
 * skips the directory step; a key without a path keeps it (it has no file
 * to lose) within the second budget. So at most cap + 2 * (cap/4) keys.
 * NULL on allocation failure.
 */
struct agg *agg_new(size_t cap);
/* Frees agg and every string it handed out; NULL is fine. */
void agg_free(struct agg *agg);

/*
 * Adds one event. Returns 0, or -ENOMEM (the event is then not counted;
 * -ENAMETOOLONG for a path of 4 GiB or more).
 * Sums saturate at UINT64_MAX instead of wrapping.
 */
int agg_add(struct agg *agg, const struct ior_event *ev);
/* Adds the events of one cell (tally.h): what agg_add of each would add.
 * Returns 0 or -ENOMEM (the cell is then not counted). */
int agg_add_cell(struct agg *agg, const struct ior_cell *c);
/* ior_event_fn wrapper around agg_add; ctx is the struct agg. */
int agg_event(void *agg, const struct ior_event *ev);

/*
 * Adds the values of e (a key with its values, e.g. read from a file) to
 * the entry of the same key, creating it if needed (or folding it past the
 * cap, as agg_new says). An entry whose comm, path and syscall are all
 * AGG_OTHER goes to the "[other]" entry. e's strings are copied.
 * Returns 0, -EINVAL when comm or syscall is NULL, -ENOMEM, or
 * -ENAMETOOLONG for a string of 4 GiB or more.
 */
int agg_merge_entry(struct agg *agg, const struct agg_entry *e);
/* agg_entry_fn wrapper around agg_merge_entry (e.g. for iorzst_read); ctx
 * is the struct agg. */
int agg_merge(void *agg, const struct agg_entry *e);

/*
 * Calls fn once per entry with a non-zero count, in the order the keys
 * were first seen, the "[other]" entry last. Stops at the first non-zero
 * return of fn and returns it; 0 when all were visited. The entry passed
 * to fn is valid only during the call.
 */
int agg_foreach(const struct agg *agg, agg_entry_fn fn, void *ctx);

/* Distinct keys held (the "[other]" entry not included). */
size_t agg_count(const struct agg *agg);
/* The cap on distinct keys. */
size_t agg_cap(const struct agg *agg);
/* Events counted, all entries and "[other]" together. */
uint64_t agg_events(const struct agg *agg);
/* Events that went to "[other]" because every cap was reached. */
uint64_t agg_folded(const struct agg *agg);
/* Events whose path was cut to its directory by the cap. */
uint64_t agg_folded_dir(const struct agg *agg);
/* Events whose path became AGG_OTHER_FILES by the cap. */
uint64_t agg_folded_files(const struct agg *agg);

/* Histogram bucket of v: 0 for v <= 1, else floor(log2(v)). */
unsigned agg_bucket(uint64_t v);
/* True if e is the "[other]" entry (comm, path and syscall AGG_OTHER). */
bool agg_entry_is_other(const struct agg_entry *e);

#endif /* IOR_AGG_H */
