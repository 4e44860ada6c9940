// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of ior's own BPF programs from samples of their cumulative run
 * time and runs: the figures of one interval and the meter that keeps the
 * previous sample (selfcost.h). Pure arithmetic and formatting.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "selfcost.h"

int selfcost_compute(uint64_t run_ns, uint64_t runs, uint64_t wall_ns, struct selfcost *out)
{
	if (!wall_ns)
		return -EINVAL;
	out->ms_per_s = (double)run_ns * 1e3 / (double)wall_ns;
	out->cpu_pct = (double)run_ns * 1e2 / (double)wall_ns;
	out->runs = runs;
	/* run_ns / runs rounded to nearest without overflowing run_ns + runs / 2 */
	out->ns_per_run = runs ? run_ns / runs + (run_ns % runs >= runs - runs / 2) : 0;
	return 0;
}

void selfcost_format(char *buf, size_t n, const struct selfcost *c, const char *per)
{
	if (c->runs)
		snprintf(buf, n, "%.1f ms/s (%.2f%% of a CPU), %llu ns per %s", c->ms_per_s,
			 c->cpu_pct, (unsigned long long)c->ns_per_run, per);
	else
		snprintf(buf, n, "%.1f ms/s (%.2f%% of a CPU), no %ss", c->ms_per_s, c->cpu_pct, per);
}

bool selfcost_sample(struct selfcost_meter *m, uint64_t now_ns, uint64_t run_ns, uint64_t runs)
{
	bool back = m->have && (now_ns < m->at_ns || run_ns < m->run_ns || runs < m->runs);
	bool figures = false;

	if (m->have && !back) {
		if (now_ns - m->at_ns < SELFCOST_MIN_INTERVAL_NS)
			return false;
		figures = selfcost_compute(run_ns - m->run_ns, runs - m->runs, now_ns - m->at_ns,
					   &m->last) == 0;
		m->valid = m->valid || figures;
	}
	m->have = true;
	m->at_ns = now_ns;
	m->run_ns = run_ns;
	m->runs = runs;
	return figures;
}

void selfcost_restart(struct selfcost_meter *m)
{
	m->have = false;
}

void selfcost_text(char *buf, size_t n, const struct selfcost_meter *m, int err, const char *per)
{
	if (err)
		snprintf(buf, n, "run-time stats unavailable (%s)", strerror(-err));
	else if (!m->valid)
		snprintf(buf, n, "measuring");
	else
		selfcost_format(buf, n, &m->last, per);
}
