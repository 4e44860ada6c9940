// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput of agg_add on one core: N million synthetic events spread over
 * K distinct keys (paths of about 40 bytes, 16 comms, a few syscalls), each
 * key drawn at random and repeated RUN times in a row (a thread reading a
 * file in a loop), events prepared beforehand so only aggregation is timed:
 *   gcc -O2 -std=gnu11 -D_GNU_SOURCE -Isrc tests/perf/bench_agg.c src/agg.c \
 *       src/syscalls.c -o build/bench_agg && build/bench_agg [MILLIONS [KEYS [RUN]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agg.h"
#include "syscalls.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long millions = argc > 1 ? atol(argv[1]) : 20;
	long keys = argc > 2 ? atol(argv[2]) : 1000;
	long run = argc > 3 ? atol(argv[3]) : 1;
	static const int scs[] = { IOR_SC_read, IOR_SC_write, IOR_SC_openat, IOR_SC_close,
				   IOR_SC_fsync, IOR_SC_pread64 };
	enum { NEV = 1 << 16 };
	struct ior_event *evs = calloc(NEV, sizeof(*evs));
	char (*paths)[64] = calloc((size_t)keys, 64);
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	struct agg *agg = agg_new(0);
	double t0, t1;
	long n = millions * 1000000;

	if (!evs || !paths || !agg || keys < 1 || millions < 1 || run < 1)
		return 1;
	for (long k = 0; k < keys; k++)
		snprintf(paths[k], 64, "/var/lib/service/data/%04ld/segment-%06ld.log", k % 97, k);
	for (int i = 0; i < NEV; i++) {
		struct ior_event *e = &evs[i];
		long k;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (i % run == 0)
			k = (long)(x % (unsigned long long)keys);
		else
			k = (long)(evs[i - 1].path - paths[0]) / 64;
		snprintf(e->comm, sizeof(e->comm), "worker-%ld", k % 16);
		e->pid = 1000 + (uint32_t)(k % 16);
		e->tid = e->pid + (uint32_t)(k % 4);
		e->path = paths[k];
		e->sc = scs[k % 6];
		e->duration_ns = x >> 44;
		e->gap_ns = x & 0xfffff;
		e->bytes = x >> 52;
	}
	/* warm up: create every key once */
	for (int i = 0; i < NEV; i++)
		agg_add(agg, &evs[i]);
	t0 = now();
	for (long i = 0; i < n; i++)
		if (agg_add(agg, &evs[i & (NEV - 1)]))
			return 1;
	t1 = now();
	printf("agg_add: %ld M events, %zu keys, runs of %ld: %.3f s, %.1f M events/s, %.1f ns/event\n",
	       millions, agg_count(agg), run, t1 - t0, (double)n / (t1 - t0) / 1e6,
	       (t1 - t0) * 1e9 / (double)n);
	agg_free(agg);
	free(evs);
	free(paths);
	return 0;
}
