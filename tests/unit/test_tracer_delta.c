// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tracer_agg_delta: the calls of a kernel-aggregated entry
 * since the last collection are exactly the difference of two consistent
 * reads, and a read caught in the middle of the owning thread's update is
 * refused (left for the next collection) rather than handed out torn.
 */
#include <string.h>

#include "harness.h"
#include "ior.h"
#include "tracer.h"
#include "util.h"

/* Adds one call of duration dur and gap gap, as the BPF program does. */
static void add_call(struct ior_agg_val *v, uint64_t dur, uint64_t gap, uint64_t bytes)
{
	v->count++;
	v->dur += dur;
	v->gap += gap;
	v->bytes += bytes;
	if (v->count == 1 || dur < v->dur_min)
		v->dur_min = dur;
	if (dur > v->dur_max)
		v->dur_max = dur;
	v->hist_dur[util_log2_bucket(dur)]++;
	v->hist_gap[util_log2_bucket(gap)]++;
}

/* The sums and extremes of a delta, as one array: count, dur, gap, bytes, min, max. */
static void delta_sums(const struct ior_agg_val *d, uint64_t out[6])
{
	const uint64_t sums[6] = { d->count, d->dur, d->gap, d->bytes, d->dur_min, d->dur_max };

	memcpy(out, sums, sizeof(sums));
}

TEST(tracer_delta_hands_out_growth_once)
{
	static const uint64_t first[6] = { 2, 3100, 50, 30, 100, 3000 };
	static const uint64_t next[6] = { 1, 7, 9, 1, 7, 3000 };
	struct ior_agg_val seen = { 0 }, v = { 0 }, d;
	uint64_t got[6];

	add_call(&v, 100, 0, 10);
	add_call(&v, 3000, 50, 20);
	CHECK(tracer_agg_delta(&v, &seen, &d));
	delta_sums(&d, got);
	CHECK_EQ_MEM(got, first, sizeof(first));
	CHECK_EQ_UINT(d.hist_dur[6], 1);
	CHECK_EQ_UINT(d.hist_dur[11], 1);
	seen = v;
	/* nothing new: an empty delta */
	CHECK(tracer_agg_delta(&v, &seen, &d));
	CHECK_EQ_UINT(d.count, 0);
	CHECK_EQ_UINT(d.dur, 0);
	/* one more call: only it */
	add_call(&v, 7, 9, 1);
	CHECK(tracer_agg_delta(&v, &seen, &d));
	delta_sums(&d, got);
	CHECK_EQ_MEM(got, next, sizeof(next));
	CHECK_EQ_UINT(d.hist_dur[2], 1);
	CHECK_EQ_UINT(d.hist_dur[6], 0);
	CHECK_EQ_UINT(d.hist_gap[3], 1);
}

TEST(tracer_delta_refuses_torn_reads)
{
	struct ior_agg_val seen = { 0 }, v = { 0 }, torn, d;

	add_call(&v, 100, 0, 10);
	seen = v;
	/* the count bumped, the histograms not yet */
	torn = v;
	torn.count++;
	torn.dur += 5;
	CHECK(!tracer_agg_delta(&torn, &seen, &d));
	/* the duration histogram bumped, the gap histogram not yet */
	torn.hist_dur[2]++;
	CHECK(!tracer_agg_delta(&torn, &seen, &d));
	torn.hist_gap[0]++;
	CHECK(tracer_agg_delta(&torn, &seen, &d));
	CHECK_EQ_UINT(d.count, 1);
	/* a field below the last read */
	torn = v;
	torn.bytes--;
	CHECK(!tracer_agg_delta(&torn, &seen, &d));
	/* a first call whose minimum is not stored yet: 0 is in no bucket it used */
	struct ior_agg_val first = { 0 };

	add_call(&first, 5000, 1, 0);
	first.dur_min = 0;
	memset(&seen, 0, sizeof(seen));
	CHECK(!tracer_agg_delta(&first, &seen, &d));
	first.dur_min = 5000;
	CHECK(tracer_agg_delta(&first, &seen, &d));
	/* a maximum outside the histogram */
	first.dur_max = 1u << 20;
	CHECK(!tracer_agg_delta(&first, &seen, &d));
}
