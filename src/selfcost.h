/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ior's own BPF programs cost, as the live dashboard's Overview shows
 * it: from two samples of their cumulative run time and run count (the
 * kernel's BPF_STATS_RUN_TIME, read by tracer_bpf_stats), the run time per
 * wall-clock second, its share of one CPU and the average run. The meter
 * owns the previous sample and the last figures; nothing here reads a clock
 * or the kernel, so every figure and text is exact for given samples.
 */
#ifndef IOR_SELFCOST_H
#define IOR_SELFCOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The shortest interval the meter turns into figures: the dashboard's
 * measuring window, a fifth of a second (its loop wakes every 50 ms). */
#define SELFCOST_MIN_INTERVAL_NS 200000000ull

/* What the Overview writes before selfcost_text's text. */
#define SELFCOST_LABEL "ior's BPF programs: "

/* The same meter fed with ior's own CPU time (user and system, all its
 * threads) and the events it took in, on the line under it. */
#define SELFCPU_LABEL "ior itself: "

/* The cost over one interval. */
struct selfcost {
	double ms_per_s;     /* run time per wall-clock second, in ms, summed over CPUs */
	double cpu_pct;      /* the same as a share of one CPU, in percent (may pass 100) */
	uint64_t runs;       /* program runs in the interval */
	uint64_t ns_per_run; /* average run time, rounded to the nearest ns; 0 when nothing ran */
};

/*
 * The figures of run_ns of run time in runs program runs over wall_ns of
 * wall-clock time (all three deltas between two samples). Returns 0, or
 * -EINVAL when wall_ns is 0 (no interval has no rate; *out is untouched).
 */
int selfcost_compute(uint64_t run_ns, uint64_t runs, uint64_t wall_ns, struct selfcost *out);

/*
 * Writes c as "12.4 ms/s (1.24% of a CPU), 180 ns per run" into buf (n
 * bytes, always terminated when n > 0), per naming what was counted ("run"
 * here); the ms/s with one decimal and the percentage with two, so both
 * show steps of 0.1 ms/s; "no runs" in place of the average when nothing
 * ran.
 */
void selfcost_format(char *buf, size_t n, const struct selfcost *c, const char *per);

/* Successive cumulative samples, and the figures of the last interval. */
struct selfcost_meter {
	bool have;           /* a previous sample is held */
	uint64_t at_ns;      /* its time (a monotonic clock) */
	uint64_t run_ns;     /* its cumulative run time */
	uint64_t runs;       /* its cumulative runs */
	bool valid;          /* last holds figures */
	struct selfcost last;
};

/*
 * Feeds the cumulative run_ns and runs read at now_ns. The first sample is
 * only kept; a later one at least SELFCOST_MIN_INTERVAL_NS after the kept
 * one turns the deltas into m->last and is kept instead; an earlier one is
 * ignored. A sample that goes backwards (time or counters) is kept without
 * figures, as a new start. Returns true when m->last changed.
 */
bool selfcost_sample(struct selfcost_meter *m, uint64_t now_ns, uint64_t run_ns, uint64_t runs);

/* Forgets the kept sample (the last figures stay): the next sample starts
 * a new interval, as after the accounting was off for a while. */
void selfcost_restart(struct selfcost_meter *m);

/*
 * The Overview's text after SELFCOST_LABEL (or SELFCPU_LABEL): with err
 * (the -errno that enabling the kernel's accounting returned) "run-time
 * stats unavailable (<strerror>)"; before the first figures "measuring";
 * then selfcost_format of m->last with per.
 */
void selfcost_text(char *buf, size_t n, const struct selfcost_meter *m, int err, const char *per);

#endif /* IOR_SELFCOST_H */
