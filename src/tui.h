/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal dashboard (ncursesw): tabs over the aggregated model
 * (stats.h), fed by one source of events. A source is a small table of
 * callbacks: the live tracer (main.c) or a recorded file (-view). The
 * dashboard owns the terminal from tui_run's start to its return and
 * restores it on every way out (return, exit(), fatal signals).
 */
#ifndef IOR_TUI_H
#define IOR_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "tracer.h"

struct agg_entry;

/* Where a source delivers what it reads: the dashboard's model. */
struct tui_feed;

/*
 * Delivers one event (an ior_event_fn: feed is the struct tui_feed the
 * pump callback was given). Applies the -path filter. Always returns 0.
 */
int tui_feed_event(void *feed, const struct ior_event *ev);
/* Adds what the feed summed since the last flush to the model: after a
 * source's pump, before anything reads the model. */
void tui_feed_flush(struct tui_feed *feed);
/* Delivers one aggregated entry (a .ior.zst file's unit). */
void tui_feed_aggregate(struct tui_feed *feed, const struct agg_entry *e);

enum tui_source_kind {
	TUI_SOURCE_LIVE,      /* tracing now: rates are per wall-clock second */
	TUI_SOURCE_ROWS,      /* a recorded file of rows (Parquet) */
	TUI_SOURCE_AGGREGATE, /* a recorded file of aggregates (.ior.zst): no rows, no times */
};

/*
 * A source of events. Only pump is required; a NULL control callback
 * makes its keys say "not available" (e.g. for a recorded file).
 */
struct tui_source {
	enum tui_source_kind kind;
	const char *label;    /* "live" or the file name: shown in Overview */
	void *ctx;            /* passed to every callback */
	int fd;               /* polled for input; -1: none (pump is called when idle) */
	/*
	 * Delivers at most about budget events (or entries) to feed with
	 * tui_feed_event / tui_feed_aggregate. Returns how many it delivered
	 * (0: nothing now; a recorded source is then at its end and is not
	 * pumped again), -ECANCELED to end the dashboard (a stop signal), or
	 * another -errno (the dashboard ends and tui_run returns it).
	 */
	int (*pump)(void *ctx, struct tui_feed *feed, unsigned budget);
	/* Event and loss counters (footer, Overview); NULL: none. */
	void (*counters)(void *ctx, struct tracer_stats *out);
	/* Re-scopes tracing to pid/tid (0: any); NULL: not available. */
	void (*set_scope)(void *ctx, uint32_t pid, uint32_t tid);
	/* Enables/disables syscall table index sc; NULL: not available. */
	void (*set_probe)(void *ctx, int sc, bool on);
	bool (*probe_enabled)(void *ctx, int sc);
	/* A one-line state to show ("COMMAND exited with status 0"), or NULL. */
	const char *(*status)(void *ctx);
	/*
	 * The live tracer, or NULL: the dashboard then turns on the kernel's
	 * run-time accounting of BPF programs (tracer_enable_bpf_stats) and the
	 * Overview shows what ior's own programs cost.
	 */
	struct tracer *tracer;

	/* What is traced, for the Overview (all optional). */
	uint32_t pid, tid;       /* scope at start; 0: any */
	const char *comm;        /* -comm */
	const char *path_filter; /* -path: the dashboard keeps events whose path or path2 is under it */
	const char *command;     /* -- COMMAND, when following one */
	uint64_t span_ns;        /* recorded files: the time the recording covers, if known */
	uint32_t stream_cap;     /* rows the Stream tab's ring keeps (-stream-cap); 0: 100000 */
	const char *fields;      /* -fields for the Flame tab; NULL: comm,path,tracepoint */
	const char *count;       /* -count for the Flame tab; NULL: count */
	int start_tab;           /* hotkey of the tab shown first ('8'); 0: Overview */
};

/*
 * Runs the dashboard until the user quits or the source ends it. Returns 0,
 * or a negative errno with a sentence in err (the terminal is restored
 * before it returns, so the caller can print it).
 */
int tui_run(struct tui_source *src, char *err, size_t errlen);

#endif /* IOR_TUI_H */
