// SPDX-License-Identifier: GPL-2.0
/*
 * histcheck FILE.ior.zst: checks that every entry's log2 histograms agree
 * with its other figures, whichever side made them (ior's user space, or
 * the kernel's in-kernel aggregation with its own bucket function): each
 * histogram holds count calls, and the lowest and highest non-empty
 * duration buckets are those of the entry's minimum and maximum duration.
 * Prints "histcheck: N entries, M calls" and exits 0, or prints the first
 * entry that disagrees and exits 1 (2 when the file cannot be read).
 */
#include <inttypes.h>
#include <stdio.h>

#include "agg.h"
#include "iorzst.h"

struct tally {
	uint64_t entries, calls;
	int bad;
};

static int check_entry(void *ctx, const struct agg_entry *e)
{
	struct tally *t = ctx;
	uint64_t sum_dur = 0, sum_gap = 0;
	int lo = -1, hi = -1;

	for (int b = 0; b < AGG_HIST_BUCKETS; b++) {
		sum_dur += e->hist_dur[b];
		sum_gap += e->hist_gap[b];
		if (e->hist_dur[b]) {
			if (lo < 0)
				lo = b;
			hi = b;
		}
	}
	t->entries++;
	t->calls += e->count;
	if (sum_dur != e->count || sum_gap != e->count ||
	    (e->count && (lo != (int)agg_bucket(e->dur_min_ns) ||
			  hi != (int)agg_bucket(e->dur_max_ns)))) {
		printf("histcheck: %s pid %" PRIu32 " tid %" PRIu32 " %s %s: count %" PRIu64
		       ", histogram sums %" PRIu64 " (duration) %" PRIu64 " (gap), duration "
		       "buckets %d..%d, min %" PRIu64 " ns (bucket %u), max %" PRIu64
		       " ns (bucket %u)\n",
		       e->comm, e->pid, e->tid, e->syscall, e->path ? e->path : "-", e->count,
		       sum_dur, sum_gap, lo, hi, e->dur_min_ns, agg_bucket(e->dur_min_ns),
		       e->dur_max_ns, agg_bucket(e->dur_max_ns));
		t->bad = 1;
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[IORZST_ERR_MAX];
	struct tally t = { 0 };
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: histcheck FILE.ior.zst\n");
		return 2;
	}
	rc = iorzst_read(argv[1], NULL, check_entry, &t, err, sizeof(err));
	if (t.bad)
		return 1;
	if (rc) {
		fprintf(stderr, "histcheck: %s\n", err);
		return 2;
	}
	printf("histcheck: %" PRIu64 " entries, %" PRIu64 " calls\n", t.entries, t.calls);
	return 0;
}
