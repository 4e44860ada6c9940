/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tally sums the events of one short stretch (one pump of the dashboard)
 * by key before they reach the dashboard's model. A busy host repeats a few
 * keys thousands of times a second: one lookup and a few additions per event
 * here, then one update of the statistics and one of the Flame aggregate per
 * key when the tally is flushed, instead of three table lookups per event.
 *
 * The key is the aggregate's: pid, tid, comm, path, syscall and open flags.
 * A cell carries what the statistics and the aggregate keep of its events:
 * count, sums, errors, minimum and maximum duration, maximum gap and log2
 * histograms of duration and gap (buckets as stats_bucket and agg_bucket).
 * A flush hands cells over in the order their keys first appeared, so rows
 * are created in the order the events would have created them.
 */
#ifndef IOR_TALLY_H
#define IOR_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define TALLY_CELLS 64        /* keys a tally holds before it must be flushed */
#define TALLY_BUCKETS 64

/* The events of one key, summed. */
struct ior_cell {
	/* the key */
	uint32_t pid;
	uint32_t tid;
	int sc;                /* index in ior_syscalls[], or out of range: unknown */
	int32_t flags;         /* 0 unless has_flags */
	bool has_flags;
	/* the process's latest name among this flush's cells: its comm is the
	 * one the events of this pid would have left last */
	bool latest_comm;
	char comm[17];         /* NUL-ended, zero-padded */
	const char *path;      /* NULL when the syscall names no file; NUL-ended */
	uint32_t path_len;
	uint64_t path_hash;    /* util_hash(path, path_len) */
	/* the values */
	uint64_t count;
	uint64_t dur_ns;       /* sums saturate at UINT64_MAX */
	uint64_t gap_ns;
	uint64_t bytes;
	uint64_t errors;       /* events with ret < 0 */
	uint64_t dur_min_ns;
	uint64_t dur_max_ns;
	uint64_t gap_max_ns;
	/* histograms: only buckets lo..hi (inclusive) are meaningful */
	uint8_t dur_lo, dur_hi, gap_lo, gap_hi;
	uint64_t hist_dur[TALLY_BUCKETS];
	uint64_t hist_gap[TALLY_BUCKETS];
};

/* Fills c as the cell of ev alone (key and values); c->path points into ev. */
void ior_cell_of_event(struct ior_cell *c, const struct ior_event *ev);

struct tally;

/* NULL when out of memory. tally_free accepts NULL. */
struct tally *tally_new(void);
void tally_free(struct tally *t);

/* Counts ev in its key's cell: 0; -ENOSPC when ev's key is new and the
 * tally holds TALLY_CELLS keys (flush, then add ev again); -ENOMEM when its
 * path could not be copied (ev is not counted: count it some other way). */
int tally_add(struct tally *t, const struct ior_event *ev);
/* Hands every cell to fn in the order their keys first appeared, then
 * empties the tally. Cells and their strings are valid during fn only. */
void tally_flush(struct tally *t, void (*fn)(void *ctx, const struct ior_cell *c), void *ctx);
/* Keys held. */
size_t tally_count(const struct tally *t);

#endif /* IOR_TALLY_H */
