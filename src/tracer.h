/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live source of events: loads ior's BPF programs, configures filters
 * and probes, drains the ring buffer and decodes its records into struct
 * ior_event for a sink callback.
 */
#ifndef IOR_TRACER_H
#define IOR_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agg.h"
#include "event.h"

struct tracer_opts {
	uint32_t pid;           /* 0: any process */
	uint32_t tid;           /* 0: any thread */
	const char *comm;       /* NULL: any task name */
	bool follow;            /* trace only followed processes and their descendants */
	uint32_t ringbuf_bytes; /* power of two; 0: default */
	/* Aggregate fd-based calls in the kernel instead of emitting them
	 * (-flamegraph); tracer_collect_agg hands the entries out. */
	bool kernel_agg;
	ior_event_fn sink;
	void *sink_ctx;
};

/* Everything ior can lose, summed over CPUs. */
struct tracer_stats {
	uint64_t events;         /* events delivered (to the sink, or aggregated in the kernel) */
	uint64_t kernel_agg;     /* of those, aggregated in the kernel */
	uint64_t rb_drops;       /* events the ring buffer had no room for */
	uint64_t path_drops;     /* path records the ring buffer had no room for */
	uint64_t unpaired_exits; /* exits finding another call's entry pending */
	uint64_t lost_enters;    /* entries overwritten before their exit, or stateless */
	uint64_t died_in_call;   /* threads that exited inside a traced syscall */
	uint64_t str_faults;     /* path arguments that could not be read */
	uint64_t recursion_misses; /* program runs the kernel skipped */
	uint64_t unknown_paths;  /* events naming a file id never received */
};

/* Every loss counter of struct tracer_stats with its display name, in order. */
struct tracer_loss {
	size_t off;       /* offsetof(struct tracer_stats, ...) of a uint64_t */
	const char *name; /* "ring-buffer drops", ... */
};
#define TRACER_NLOSSES 8
extern const struct tracer_loss tracer_losses[TRACER_NLOSSES];

#define TRACER_DEFAULT_RINGBUF (32u << 20)
/* Keys the kernel aggregates (about 1.1 KiB each, allocated at start);
 * calls of further keys travel as records. IOR_AGG_ENTRIES overrides it. */
#define TRACER_DEFAULT_AGG_ENTRIES 8192u
/* Thread slots (about 260 bytes each): a traced thread whose slot another
 * holds keeps its state in task storage. IOR_SLOTS overrides it. */
#define TRACER_DEFAULT_SLOTS 32768u

struct tracer;

/*
 * Opens, configures, loads and attaches. On failure returns a negative
 * errno and writes one sentence saying what to do into err.
 */
int tracer_new(const struct tracer_opts *opts, struct tracer **out, char *err, size_t errlen);
void tracer_free(struct tracer *t);

/* Adds a process to the follow set (its descendants follow automatically). */
int tracer_follow(struct tracer *t, pid_t pid);

/* An fd to poll for readability (epoll); ready means records are waiting. */
int tracer_fd(const struct tracer *t);

/* Decodes every record available now. Returns records seen or -errno. */
int tracer_consume(struct tracer *t);

/*
 * Like tracer_consume, but stops after max records (events and path
 * records; 0: no limit), so that a caller with other work (a dashboard
 * answering keys) is never held for long; what is left stays in the ring
 * buffer for the next call. Returns records seen or -errno.
 */
int tracer_consume_n(struct tracer *t, unsigned max);

/* How full the fullest ring (of events or of paths) is, in percent. */
unsigned tracer_backlog_pct(const struct tracer *t);

/* Stops producing new events (detaches); what is buffered can be consumed. */
void tracer_stop(struct tracer *t);

/*
 * A consumer of kernel-aggregated entries: e as agg_merge_entry takes it
 * (path NULL when the calls named no file), path2 the second file of
 * copy_file_range/sendfile or NULL. Return 0 to go on.
 */
typedef int (*tracer_agg_fn)(void *ctx, const struct agg_entry *e, const char *path2);

/*
 * Hands fn the calls the kernel aggregated since the last call (nothing
 * when kernel_agg was off), one entry per key that got calls, and counts
 * them into the stats. Any number of calls while tracing (snapshots), and
 * one after tracer_stop and a final tracer_consume; every call is handed
 * out exactly once over all of them: values are read until consistent and
 * only their growth since the last read is handed out, so nothing is lost
 * between a read and the next update and nothing is counted twice. A key
 * caught in the middle of an update waits for the next call. Returns 0,
 * fn's non-zero return, or -errno (fn then may have seen some entries,
 * and those are not handed out again).
 */
int tracer_collect_agg(struct tracer *t, tracer_agg_fn fn, void *ctx);

/*
 * One kernel-aggregated entry's calls since the last collection: d = v -
 * seen, field by field, the extremes taken from v. False when v was read in
 * the middle of its thread's update (a field below seen, histograms that do
 * not add up to the count, an extreme outside the histogram): every field
 * only grows, so a consistent read minus the last one is exactly the calls
 * in between. Used by tracer_collect_agg; public for its tests.
 */
struct ior_agg_val;
bool tracer_agg_delta(const struct ior_agg_val *v, const struct ior_agg_val *seen,
		      struct ior_agg_val *d);

void tracer_stats(struct tracer *t, struct tracer_stats *out);

/*
 * Asks the kernel to account the run time of BPF programs (BPF_STATS_RUN_TIME)
 * until tracer_disable_bpf_stats or tracer_free. It costs two clock reads
 * per program run, as much as ior's own programs on some machines, so a
 * caller measures in short windows. Returns 0 or -errno.
 */
int tracer_enable_bpf_stats(struct tracer *t);
void tracer_disable_bpf_stats(struct tracer *t);

/* Run time (ns) and runs of ior's BPF programs accounted so far, summed
 * over all of them; both 0 while the accounting is off. */
void tracer_bpf_stats(const struct tracer *t, uint64_t *run_ns, uint64_t *runs);

/*
 * Re-scopes tracing without reloading: pid/tid 0 mean any. Takes effect
 * for every task's next syscall (cached filter verdicts expire).
 */
void tracer_set_scope(struct tracer *t, uint32_t pid, uint32_t tid);

/* Enables or disables tracing of syscall table index sc (see syscalls.h). */
void tracer_set_probe(struct tracer *t, int sc, bool on);
bool tracer_probe_enabled(const struct tracer *t, int sc);

#endif /* IOR_TRACER_H */
