// SPDX-License-Identifier: GPL-2.0
/*
 * What one -flamegraph snapshot costs on the event loop: the time to write
 * an aggregate of K distinct keys (paths like /tmp/churn-P/fN, 8 comms,
 * mixed syscalls, a few histogram buckets each) with iorzst_write_owned,
 * the first write and a replacing one, and the file's size:
 *   gcc -O2 -std=gnu11 -D_GNU_SOURCE -Isrc tests/perf/bench_snapshot.c src/agg.c \
 *       src/iorzst.c src/syscalls.c src/util.c -lzstd -o build/bench_snapshot &&
 *       build/bench_snapshot [KEYS [DIR]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "iorzst.h"
#include "syscalls.h"
#include "util.h"

static double now(void)
{
	return (double)util_now_ns(CLOCK_MONOTONIC) / 1e9;
}

int main(int argc, char **argv)
{
	long keys = argc > 1 ? atol(argv[1]) : 1000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	static const int scs[] = { IOR_SC_openat, IOR_SC_write, IOR_SC_close, IOR_SC_unlink };
	struct agg *agg = agg_new((size_t)keys);
	struct iorzst_owned own = { 0 };
	char path[256], out[4096];
	struct ior_event ev = { 0 };
	struct stat st;
	double t0, t1, t2;

	if (!agg)
		return 1;
	for (long i = 0; i < keys; i++) {
		snprintf(ev.comm, sizeof(ev.comm), "worker-%ld", i % 8);
		snprintf(path, sizeof(path), "/tmp/churn-%ld/f%ld", i % 8, i / 4);
		ev.pid = ev.tid = 1000 + (uint32_t)(i % 8);
		ev.path = path;
		ev.sc = scs[i % 4];
		ev.duration_ns = 500 + (uint64_t)(i % 7) * 1000;
		ev.gap_ns = 2000 + (uint64_t)(i % 5) * 30000;
		ev.bytes = ev.sc == IOR_SC_write ? 4096 : 0;
		for (int r = 0; r < 3; r++)
			if (agg_add(agg, &ev))
				return 1;
	}
	snprintf(out, sizeof(out), "%s/bench-snapshot-%d.ior.zst", dir, (int)getpid());
	t0 = now();
	if (iorzst_write_owned(out, &own, agg, NULL, 0))
		return 1;
	t1 = now();
	if (iorzst_write_owned(out, &own, agg, NULL, 0))
		return 1;
	t2 = now();
	stat(out, &st);
	printf("snapshot of %zu keys: first write %.3f s, replacing write %.3f s, %.1f MB\n",
	       agg_count(agg), t1 - t0, t2 - t1, (double)st.st_size / 1e6);
	unlink(out);
	agg_free(agg);
	return 0;
}
