// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for selfcost.c: the figures of given deltas (rates, share of a
 * CPU, the rounded average run, no interval, no runs, more than one CPU),
 * their exact text, and the meter over a sequence of samples (first sample,
 * too early, a full interval, counters going backwards) with the texts the
 * Overview shows, the unavailable case included.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "selfcost.h"

#define SEC 1000000000ull

static const char *fmt(uint64_t run_ns, uint64_t runs, uint64_t wall_ns)
{
	static char buf[128];
	struct selfcost c;

	if (selfcost_compute(run_ns, runs, wall_ns, &c))
		return "(no figures)";
	selfcost_format(buf, sizeof(buf), &c, "run");
	return buf;
}

TEST(selfcost_compute_figures)
{
	struct selfcost c;

	CHECK_EQ_INT(selfcost_compute(12400000, 68889, SEC, &c), 0);
	CHECK(c.ms_per_s > 12.3999 && c.ms_per_s < 12.4001);
	CHECK(c.cpu_pct > 1.23999 && c.cpu_pct < 1.24001);
	CHECK_EQ_UINT(c.runs, 68889);
	CHECK_EQ_UINT(c.ns_per_run, 180); /* 179.9997 */
	CHECK_EQ_STR(fmt(12400000, 68889, SEC), "12.4 ms/s (1.24% of a CPU), 180 ns per run");
}

TEST(selfcost_interval_not_a_second)
{
	/* 5 ms over 1.25 s: 4 ms/s */
	CHECK_EQ_STR(fmt(5000000, 20000, 1250000000), "4.0 ms/s (0.40% of a CPU), 250 ns per run");
	/* 274.1 ms over 1 s: the storm-like case */
	CHECK_EQ_STR(fmt(274100000, 1070703, SEC), "274.1 ms/s (27.41% of a CPU), 256 ns per run");
}

TEST(selfcost_more_than_one_cpu)
{
	/* 3 s of run time in 2 s on several CPUs: one and a half CPUs */
	CHECK_EQ_STR(fmt(3 * SEC, 10000000, 2 * SEC),
		     "1500.0 ms/s (150.00% of a CPU), 300 ns per run");
}

TEST(selfcost_zero_interval)
{
	struct selfcost c = { .ms_per_s = 7, .cpu_pct = 8, .runs = 9, .ns_per_run = 10 };

	CHECK_EQ_INT(selfcost_compute(1000, 5, 0, &c), -EINVAL);
	CHECK_EQ_INT(selfcost_compute(0, 0, 0, &c), -EINVAL);
	/* untouched */
	CHECK(c.ms_per_s == 7 && c.cpu_pct == 8);
	CHECK_EQ_UINT(c.runs, 9);
	CHECK_EQ_UINT(c.ns_per_run, 10);
}

TEST(selfcost_no_runs)
{
	struct selfcost c;

	CHECK_EQ_INT(selfcost_compute(0, 0, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 0);
	CHECK_EQ_STR(fmt(0, 0, SEC), "0.0 ms/s (0.00% of a CPU), no runs");
	/* below the shown step, but runs happened */
	CHECK_EQ_STR(fmt(40000, 200, SEC), "0.0 ms/s (0.00% of a CPU), 200 ns per run");
}

TEST(selfcost_average_rounds_to_nearest)
{
	struct selfcost c;

	CHECK_EQ_INT(selfcost_compute(5, 2, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 3); /* 2.5 */
	CHECK_EQ_INT(selfcost_compute(4, 3, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 1); /* 1.33 */
	CHECK_EQ_INT(selfcost_compute(5, 3, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 2); /* 1.67 */
	CHECK_EQ_INT(selfcost_compute(7, 1, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 7);
	/* no overflow at the top */
	CHECK_EQ_INT(selfcost_compute(UINT64_MAX, 2, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 9223372036854775808ull);
	CHECK_EQ_INT(selfcost_compute(UINT64_MAX, UINT64_MAX, SEC, &c), 0);
	CHECK_EQ_UINT(c.ns_per_run, 1);
}

TEST(selfcost_format_truncates)
{
	struct selfcost c;
	char buf[10];

	CHECK_EQ_INT(selfcost_compute(12400000, 68889, SEC, &c), 0);
	memset(buf, 'x', sizeof(buf));
	selfcost_format(buf, sizeof(buf), &c, "run");
	CHECK_EQ_STR(buf, "12.4 ms/s");
}

/* The dashboard's line on ior itself: its CPU time over the events it took in. */
TEST(selfcost_format_per_event)
{
	struct selfcost c;
	char buf[128];

	/* 142 ms of CPU over 1000000 events in one second */
	CHECK_EQ_INT(selfcost_compute(142000000, 1000000, SEC, &c), 0);
	selfcost_format(buf, sizeof(buf), &c, "event");
	CHECK_EQ_STR(buf, "142.0 ms/s (14.20% of a CPU), 142 ns per event");
	CHECK_EQ_INT(selfcost_compute(3000000, 0, SEC, &c), 0);
	selfcost_format(buf, sizeof(buf), &c, "event");
	CHECK_EQ_STR(buf, "3.0 ms/s (0.30% of a CPU), no events");
}

static const char *text(const struct selfcost_meter *m, int err)
{
	static char buf[128];

	selfcost_text(buf, sizeof(buf), m, err, "run");
	return buf;
}

TEST(selfcost_meter_sequence)
{
	struct selfcost_meter m;
	uint64_t t0 = 5 * SEC;

	memset(&m, 0, sizeof(m));
	CHECK_EQ_STR(text(&m, 0), "measuring");
	/* the first sample is only kept */
	CHECK(!selfcost_sample(&m, t0, 100000000, 1000000));
	CHECK_EQ_STR(text(&m, 0), "measuring");
	/* too early (a key's frame): ignored, the first sample stays */
	CHECK(!selfcost_sample(&m, t0 + SELFCOST_MIN_INTERVAL_NS / 2, 104000000, 1020000));
	CHECK_EQ_STR(text(&m, 0), "measuring");
	CHECK_EQ_UINT(m.at_ns, t0);
	/* a full interval from the first sample */
	CHECK(selfcost_sample(&m, t0 + SEC, 112400000, 1068889));
	CHECK_EQ_STR(text(&m, 0), "12.4 ms/s (1.24% of a CPU), 180 ns per run");
	/* a sample the shortest interval later counts */
	CHECK(selfcost_sample(&m, t0 + SEC + SELFCOST_MIN_INTERVAL_NS, 112400000, 1068889));
	CHECK_EQ_STR(text(&m, 0), "0.0 ms/s (0.00% of a CPU), no runs");
	CHECK_EQ_UINT(m.at_ns, t0 + SEC + SELFCOST_MIN_INTERVAL_NS);
}

TEST(selfcost_meter_backwards_restarts)
{
	struct selfcost_meter m;

	memset(&m, 0, sizeof(m));
	CHECK(!selfcost_sample(&m, SEC, 1000, 10));
	CHECK(selfcost_sample(&m, 2 * SEC, 2001000, 10010));
	CHECK_EQ_STR(text(&m, 0), "2.0 ms/s (0.20% of a CPU), 200 ns per run");
	/* the counters went backwards: a new start, the last figures stay */
	CHECK(!selfcost_sample(&m, 3 * SEC, 500, 5));
	CHECK_EQ_STR(text(&m, 0), "2.0 ms/s (0.20% of a CPU), 200 ns per run");
	CHECK_EQ_UINT(m.run_ns, 500);
	/* so does the clock */
	CHECK(!selfcost_sample(&m, 2 * SEC, 600, 6));
	CHECK_EQ_UINT(m.at_ns, 2 * SEC);
	/* and the next interval counts from there */
	CHECK(selfcost_sample(&m, 4 * SEC, 10000600, 20006));
	CHECK_EQ_STR(text(&m, 0), "5.0 ms/s (0.50% of a CPU), 500 ns per run");
}

TEST(selfcost_meter_restart_between_windows)
{
	struct selfcost_meter m;

	memset(&m, 0, sizeof(m));
	CHECK(!selfcost_sample(&m, SEC, 1000, 10));
	CHECK(selfcost_sample(&m, 2 * SEC, 3001000, 10010));
	CHECK_EQ_STR(text(&m, 0), "3.0 ms/s (0.30% of a CPU), 300 ns per run");
	/* the accounting was off for 9 s: the runs meanwhile were not counted,
	 * so the next window starts from its own first sample, not from 2 s */
	selfcost_restart(&m);
	CHECK_EQ_STR(text(&m, 0), "3.0 ms/s (0.30% of a CPU), 300 ns per run");
	CHECK(!selfcost_sample(&m, 11 * SEC, 3002000, 10020));
	CHECK_EQ_UINT(m.at_ns, 11 * SEC);
	CHECK(selfcost_sample(&m, 12 * SEC, 4002000, 15020));
	CHECK_EQ_STR(text(&m, 0), "1.0 ms/s (0.10% of a CPU), 200 ns per run");
}

TEST(selfcost_text_unavailable)
{
	struct selfcost_meter m;

	memset(&m, 0, sizeof(m));
	CHECK_EQ_STR(text(&m, -EPERM), "run-time stats unavailable (Operation not permitted)");
	CHECK_EQ_STR(text(&m, -EINVAL), "run-time stats unavailable (Invalid argument)");
	/* the error wins over figures: never zeros that mean nothing */
	CHECK(!selfcost_sample(&m, SEC, 0, 0));
	CHECK(selfcost_sample(&m, 2 * SEC, 1000000, 1000));
	CHECK_EQ_STR(text(&m, -EPERM), "run-time stats unavailable (Operation not permitted)");
	CHECK_EQ_STR(text(&m, 0), "1.0 ms/s (0.10% of a CPU), 1000 ns per run");
}
