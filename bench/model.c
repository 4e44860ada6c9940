// SPDX-License-Identifier: GPL-2.0
/*
 * The dashboard's model without the kernel, on one core: the Flame tab's
 * rebuild and layout of a large aggregate, and the statistics' ingest rate.
 * Usage: model. Prints
 *   flame: K keys -> F frames: rebuild X ms, layout Y ms
 *   stats: N events, X M events/s (Y ns/event)
 * Times are the thread's CPU time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "agg.h"
#include "flame.h"
#include "folded.h"
#include "stats.h"
#include "stormrows.h"
#include "syscalls.h"

static const int scs[] = { IOR_SC_read, IOR_SC_write, IOR_SC_openat, IOR_SC_fsync };

/* n events from a fixed generator: 7 tasks, 3 x 9 x 40 paths, 4 syscalls */
static struct agg *sample(unsigned n)
{
	struct agg *agg = agg_new(0);
	uint32_t r = 99;

	if (!agg)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		char path[128];
		struct ior_event ev = { .pid = 1, .tid = 1, .duration_ns = 10 };

		r = r * 1103515245u + 12345u;
		snprintf(ev.comm, sizeof(ev.comm), "task%u", (r >> 8) % 7);
		snprintf(path, sizeof(path), "/d%u/e%u/f%u", (r >> 12) % 3, (r >> 16) % 9,
			 (r >> 20) % 40);
		ev.path = path;
		ev.sc = scs[(r >> 26) % 4];
		ev.bytes = (r >> 3) % 1000;
		if (agg_add(agg, &ev)) {
			agg_free(agg);
			return NULL;
		}
	}
	return agg;
}

static int flame_bench(void)
{
	struct agg *agg = sample(200000);
	struct flame *fl = flame_new();
	struct flame_layout l = { 0 };
	struct folded_spec spec;
	struct folded *f;
	double t0, t1, t2;
	int rc = -1;

	folded_spec_default(&spec);
	f = folded_new(&spec);
	if (agg && fl && f && !agg_foreach(agg, folded_entry, f)) {
		t0 = storm_cpu_seconds();
		rc = flame_build(fl, f);
		t1 = storm_cpu_seconds();
		rc = rc ? rc : flame_layout(fl, 200, 3, &l);
		t2 = storm_cpu_seconds();
		if (!rc)
			printf("flame: %zu keys -> %zu frames: rebuild %.1f ms, layout %.2f ms\n",
			       agg_count(agg), flame_count(fl), (t1 - t0) * 1e3, (t2 - t1) * 1e3);
	}
	flame_layout_free(&l);
	folded_free(f);
	flame_free(fl);
	agg_free(agg);
	return rc;
}

/* 4M events over 2000 files, 50 processes and 4 syscalls */
static int stats_bench(void)
{
	static const int stats_scs[] = { IOR_SC_read, IOR_SC_write, IOR_SC_openat, IOR_SC_close };
	enum { N = 4000000, FILES = 2000 };
	static char paths[FILES][48];
	struct stats *s = stats_new(NULL);
	struct ior_event ev = { .time_ns = 1700000000ull * 1000000000ull };
	double t0, secs;

	if (!s)
		return -1;
	snprintf(ev.comm, sizeof(ev.comm), "bench");
	for (int i = 0; i < FILES; i++)
		snprintf(paths[i], sizeof(paths[i]), "/var/lib/bench/dir%02d/file-%05d.dat", i % 37, i);
	t0 = storm_cpu_seconds();
	for (uint32_t i = 0; i < N; i++) {
		ev.pid = ev.tid = 1000 + i % 50;
		ev.sc = stats_scs[i & 3];
		ev.path = paths[(i * 2654435761u) % FILES];
		ev.duration_ns = 100 + (i & 1023) * 37;
		ev.gap_ns = i & 4095;
		ev.bytes = i & 1 ? 4096 : 0;
		ev.time_ns += 250;
		stats_add_event(s, &ev);
	}
	secs = storm_cpu_seconds() - t0;
	printf("stats: %d events, %.1f M events/s (%.0f ns/event)\n", N, N / secs / 1e6,
	       secs / N * 1e9);
	stats_free(s);
	return 0;
}

int main(void)
{
	int rc = flame_bench();

	if (rc)
		fprintf(stderr, "model: the flame benchmark failed (%d)\n", rc);
	if (stats_bench()) {
		fprintf(stderr, "model: the statistics benchmark failed\n");
		rc = 1;
	}
	return rc ? 1 : 0;
}
