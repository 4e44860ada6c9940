/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Storm-like events for the benchmarks that run without the kernel
 * (parquet_bench, ingest): what ior sees of bench/storm's loop. One process
 * alternating pwrite64/pread64 of one byte on fd 3 of one file, entries
 * 1-3 us apart, durations 500-3000 ns, gaps 300-2000 ns, from a
 * pseudo-random generator with a fixed seed: every run makes the same rows.
 */
#ifndef IOR_BENCH_STORMROWS_H
#define IOR_BENCH_STORMROWS_H

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "syscalls.h"
#include "util.h"

struct storm_rows {
	uint64_t rng;
	uint64_t i;           /* rows made so far */
	struct ior_event ev;  /* the last row made */
};

static inline void storm_rows_init(struct storm_rows *s)
{
	memset(s, 0, sizeof(*s));
	s->rng = 0x243f6a8885a308d3ull;
	s->ev.time_ns = 1700000000000000000ull;
	s->ev.pid = s->ev.tid = 31337;
	strcpy(s->ev.comm, "storm");
	s->ev.path = "/tmp/storm/data.bin";
	/* the path's key, as the tracer's path cache gives it */
	s->ev.path_known = true;
	s->ev.path_len = (uint32_t)strlen(s->ev.path);
	s->ev.path_hash = util_hash(s->ev.path, s->ev.path_len);
	s->ev.has_fd = true;
	s->ev.fd = 3;
	s->ev.ret = 1;
	s->ev.bytes = 1;
}

static inline uint64_t storm_rows_rng(struct storm_rows *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

/* The next row (owned by s, valid until the next call). */
static inline const struct ior_event *storm_rows_next(struct storm_rows *s)
{
	s->ev.time_ns += 1000 + storm_rows_rng(s) % 2001;
	s->ev.sc = s->i % 2 ? IOR_SC_pread64 : IOR_SC_pwrite64;
	s->ev.duration_ns = 500 + storm_rows_rng(s) % 2501;
	s->ev.gap_ns = 300 + storm_rows_rng(s) % 1701;
	s->i++;
	return &s->ev;
}

/* CPU seconds of the calling thread: a rate over it is a rate on one core. */
static inline double storm_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* IOR_BENCH_STORMROWS_H */
