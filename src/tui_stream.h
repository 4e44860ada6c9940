/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dashboard's shared stream: every event fed to the dashboard goes into
 * one capped ring (stream.h), through the shared TUI filter (a stack of
 * stream filters) to the filtered statistics the other tabs then draw, and
 * to the Parquet recorder while one runs. tui.c calls the hooks below; the
 * Stream tab (tui_stream.c), the CSV export (tui_export.c), the recorder
 * (tui_recorder.c) and the text prompt (tui_prompt.c) share the struct.
 *
 * The filter's semantics: with no filter, ui->stats is the model of every
 * event. With one, ui->stats is a second model rebuilt from the ring's rows
 * that pass it whenever the filter changes, then fed every new event that
 * passes; the full model is kept up to date all along, so clearing the
 * filter brings every count back.
 */
#ifndef IOR_TUI_STREAM_H
#define IOR_TUI_STREAM_H

#include "stream.h"
#include "tui_impl.h"

struct parquet_writer;

struct tui_stream {
	struct tui *ui;
	struct stream_ring *ring;      /* every event fed (behind -path), capped */
	struct stream_filters filters; /* the shared TUI filter */
	struct stats *all;             /* the model of every event (owned by tui.c) */
	struct stats *filtered;        /* what the filter lets through (owned here) */
	uint64_t gen;                  /* bumped by every filter change and ring reset */
	uint64_t passed;               /* events that passed the filter since it last changed */

	/* the Parquet recording (tui_recorder.c) */
	struct parquet_writer *rec;
	char rec_path[1024];
	char rec_label[1100];          /* the footer's slot: the path, or the last error */
	char rec_filter[1024];         /* the filter when it started (its metadata) */
	uint64_t rec_start_ns;         /* wall clock */

	char last_export[1024];        /* the last CSV written (E opens it) */
};

/* ---- hooks tui.c calls ---------------------------------------------------------- */

/* Made before the tabs (cap 0: STREAM_DEFAULT_CAP); NULL when out of memory. */
struct tui_stream *tui_stream_new(struct tui *ui, size_t cap);
/*
 * Stops a running recording (writing a sentence about it to msg, "" if
 * none ran) and frees s (accepts NULL). Returns 0 or the recording's error.
 */
int tui_stream_free(struct tui_stream *s, char *msg, size_t msglen);
/* One event, after -path: into the ring, the filtered model, the recorder. */
/* Returns whether ev passes the shared filter (true when there is none). */
bool tui_stream_feed(struct tui_stream *s, const struct ior_event *ev);
/* Called every loop turn: flushes the recording once a second, reports its errors. */
void tui_stream_tick(struct tui *ui);
/* After tui_set_scope: the ring starts over and a recording stops. */
void tui_stream_scope_changed(struct tui *ui);
/* "filter: comm~bash > pid=42" (printable, see stream_filter_format), or NULL. */
const char *tui_stream_filter_label(struct tui *ui, char *buf, size_t n);
/* The global keys: e (CSV export of the filtered ring), R (start/stop recording). */
unsigned tui_stream_export_key(struct tui *ui, int key);
unsigned tui_stream_record_key(struct tui *ui, int key);

/*
 * For another model that wants to honour the shared filter (the way the
 * statistics do): whether ev passes it now (true with no filter or no
 * stream), and every ring row that passes, oldest first, to rebuild from
 * when ui->stream->gen changes. fn's return value is ignored.
 */
bool tui_stream_pass(const struct tui *ui, const struct ior_event *ev);
void tui_stream_foreach(struct tui *ui, ior_event_fn fn, void *ctx);

/* ---- between the Stream components ---------------------------------------------- */

/* Seconds east of UTC now (local time of the Stream tab and the CSV). */
long tui_stream_tz(void);
/* The filter changed: rebuilds the filtered model, points ui->stats at the right one. */
void tui_stream_filters_changed(struct tui *ui);
/* Whether the source has rows (an aggregated recording has none); messages if not. */
bool tui_stream_has_rows(struct tui *ui, const char *what);

/*
 * Writes a CSV of the rows of r listed in idx[0..n-1] (offsets from
 * stream_ring_first; NULL: every row) that pass fs (NULL: all) to name, or
 * to ior-stream-<timestamp>.csv when name is NULL. Never overwrites. Sets a
 * footer message; returns 0 or a negative errno, with the reason in err.
 */
int tui_export_rows(struct tui *ui, const char *name, const struct stream_ring *r,
		    const uint32_t *idx, size_t n, const struct stream_filters *fs, char *err,
		    size_t errlen);
/* E: opens the last export in the user's editor and comes back. */
unsigned tui_export_edit(struct tui *ui);

/* tui_recorder.c: one event for the running recording (s->rec set). */
void tui_stream_record_event(struct tui_stream *s, const struct ior_event *ev);
/*
 * Stops a running recording (why: "" or " (scope changed)"), a sentence
 * about it in msg ("" if none ran). Returns 0 or the recording's error.
 */
int tui_stream_stop_recording(struct tui_stream *s, const char *why, char *msg, size_t msglen);

/* The CSV's header row, and ev as one record under it (local time, UTF-8 mapped strings). */
struct csv_writer;
void tui_export_header(struct csv_writer *w);
void tui_export_record(struct csv_writer *w, const struct ior_event *ev);

/* A one-line text prompt in a modal. */
struct tui_prompt_spec {
	const char *title;
	const char *label;               /* before the input: "regex: " */
	const char *notes[8];            /* lines under the input (copied), NULL-ended */
	/*
	 * enter: returns reaction flags; writing a sentence to err keeps the
	 * prompt open showing it, else the prompt closes.
	 */
	unsigned (*done)(struct tui *ui, void *ctx, const char *text, char *err, size_t errlen);
	void *ctx;
	int want_h, want_w;
};
/* Opens the prompt with initial text (may be NULL). */
void tui_prompt_open(struct tui *ui, const struct tui_prompt_spec *spec, const char *initial);

#endif /* IOR_TUI_STREAM_H */
