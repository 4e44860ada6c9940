// SPDX-License-Identifier: GPL-2.0
/*
 * Parquet writer throughput and size on a syscall storm: one process
 * alternating pwrite64/pread64 of one byte on fd 3 of one file, entries 1-3 us
 * apart, durations 500-3000 ns, gaps 300-2000 ns (pseudo-random, fixed seed).
 * Usage: parquet_bench [ROWS [DIR [FLUSH_EVERY]]]: default 5000000 rows in
 * /tmp, a flush every 1000000 rows (ior flushes every second). Prints
 *   parquet: N rows, X rows/s, Y bytes/row
 * where rows/s is rows over the thread's CPU time (add, flush, close: one
 * core) and bytes/row the final file size over the rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parquet.h"
#include "syscalls.h"

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	unsigned long every = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
	struct ior_event ev = { 0 };
	struct parquet_writer *w;
	char path[4096];
	struct stat st;
	double t0, t1;
	int err;

	snprintf(path, sizeof(path), "%s/parquet_bench.%d.parquet", dir, (int)getpid());
	err = parquet_writer_open(path, &w);
	if (err) {
		fprintf(stderr, "parquet_bench: %s: %s\n", path, strerror(-err));
		return 1;
	}
	ev.time_ns = 1700000000000000000ull;
	ev.pid = ev.tid = 31337;
	strcpy(ev.comm, "storm");
	ev.path = "/tmp/storm/data.bin";
	ev.has_fd = true;
	ev.fd = 3;
	ev.ret = 1;
	ev.bytes = 1;
	t0 = cpu_seconds();
	for (unsigned long i = 0; i < rows && !err; i++) {
		ev.time_ns += 1000 + rng() % 2001;
		ev.sc = i % 2 ? IOR_SC_pread64 : IOR_SC_pwrite64;
		ev.duration_ns = 500 + rng() % 2501;
		ev.gap_ns = 300 + rng() % 1701;
		err = parquet_writer_add(w, &ev);
		if (!err && every && i % every == every - 1)
			err = parquet_writer_flush(w);
	}
	err = err ? err : parquet_writer_close(w);
	t1 = cpu_seconds();
	if (err) {
		fprintf(stderr, "parquet_bench: %s: %s\n", path, strerror(-err));
		unlink(path);
		return 1;
	}
	if (stat(path, &st) < 0) {
		fprintf(stderr, "parquet_bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	unlink(path);
	printf("parquet: %lu rows, %.0f rows/s, %.2f bytes/row\n", rows,
	       (double)rows / (t1 - t0), (double)st.st_size / (double)(rows ? rows : 1));
	return 0;
}
