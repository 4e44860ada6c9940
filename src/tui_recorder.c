// SPDX-License-Identifier: GPL-2.0
/*
 * Parquet recording from the dashboard (R): a prompt for the file name,
 * then every event that passes the shared TUI filter at the moment it is
 * fed goes to the same writer as -parquet (parquet.h), flushed by its
 * timer (every second while its footer is small) so the file on disk is
 * always a complete Parquet file. A
 * second R stops and finalises it; so do quitting and re-scoping (p/t).
 * The recording lives in struct tui_stream: filter and probe changes leave
 * it running. The footer's recording slot shows its path, or the error
 * that ended it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "parquet.h"
#include "tui_stream.h"
#include "util.h"
#include "version.h"

/* Writes the recording's key-value metadata (at its start, again at its end). */
static void set_meta(struct tui_stream *s, bool end)
{
	char start[24], stop[24], rows[24], filter[1024];
	struct parquet_kv kv[12];
	struct utsname uts;
	size_t n = 0;

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	snprintf(start, sizeof(start), "%llu", (unsigned long long)s->rec_start_ns);
	snprintf(stop, sizeof(stop), "%llu", (unsigned long long)util_now_ns(CLOCK_REALTIME));
	snprintf(rows, sizeof(rows), "%llu", (unsigned long long)parquet_writer_rows(s->rec));
	stream_filters_format(&s->filters, filter, sizeof(filter)); /* now */
	kv[n++] = (struct parquet_kv){ "ior.version", IOR_VERSION };
	kv[n++] = (struct parquet_kv){ "ior.commit", ior_commit() };
	kv[n++] = (struct parquet_kv){ "recorded_by", "dashboard (R)" };
	kv[n++] = (struct parquet_kv){ "host", uts.nodename };
	kv[n++] = (struct parquet_kv){ "kernel", uts.release };
	kv[n++] = (struct parquet_kv){ "source", s->ui->src->label ? s->ui->src->label : "live" };
	kv[n++] = (struct parquet_kv){ "start_ns", start };
	/* the filter rows had to pass when the recording began, and at its end */
	kv[n++] = (struct parquet_kv){ "tui.filter", s->rec_filter };
	if (end) {
		kv[n++] = (struct parquet_kv){ "tui.filter.end", filter };
		kv[n++] = (struct parquet_kv){ "end_ns", stop };
		kv[n++] = (struct parquet_kv){ "rows", rows };
	}
	parquet_writer_set_kv(s->rec, kv, n);
}

/* Stops the recording; msg says how it went. Returns 0 or the recording's error. */
static int stop(struct tui_stream *s, const char *why, char *msg, size_t msglen)
{
	uint64_t rows, lost;
	int err;

	set_meta(s, true);
	parquet_writer_flush(s->rec);
	rows = parquet_writer_saved_rows(s->rec);
	lost = parquet_writer_lost_rows(s->rec);
	err = parquet_writer_close(s->rec);
	s->rec = NULL;
	s->ui->recording = NULL;
	util_give_to_sudo_user(s->rec_path);
	if (err) {
		snprintf(s->rec_label, sizeof(s->rec_label), "error: %s: %s", s->rec_path,
			 strerror(-err));
		s->ui->recording = s->rec_label;
		snprintf(msg, msglen, "recording %s failed: %s; it keeps %llu rows, %llu recorded "
				      "rows are not in it", s->rec_path, strerror(-err),
			 (unsigned long long)rows, (unsigned long long)lost);
		return err;
	}
	snprintf(msg, msglen, "recording stopped%s: %llu rows in %s", why,
		 (unsigned long long)rows, s->rec_path);
	return 0;
}

static unsigned start_done(struct tui *ui, void *ctx, const char *text, char *err, size_t errlen)
{
	struct tui_stream *s = ctx;
	int e;

	(void)ui;
	if (!*text) {
		snprintf(err, errlen, "type a file name");
		return TUI_REDRAW;
	}
	if (s->rec)
		return TUI_REDRAW; /* cannot happen: R stops a running one first */
	e = parquet_writer_open(text, &s->rec);
	if (e) {
		char swap[sizeof(s->rec_path) + 16];
		struct stat st;

		s->rec = NULL;
		if (e == -EEXIST && lstat(text, &st) < 0 &&
		    parquet_swap_path(text, swap, sizeof(swap)) == 0)
			snprintf(err, errlen, "cannot create %s: %s exists, left by an ior killed "
					      "while recording; delete it or choose another name",
				 text, swap);
		else
			snprintf(err, errlen, "cannot create %s: %s%s", text, strerror(-e),
				 e == -EEXIST ? " (ior never overwrites a file: choose another name)"
					      : "");
		return TUI_REDRAW;
	}
	snprintf(s->rec_path, sizeof(s->rec_path), "%s", text);
	snprintf(s->rec_label, sizeof(s->rec_label), "%s", text);
	s->rec_start_ns = util_now_ns(CLOCK_REALTIME);
	parquet_writer_tick(s->rec, util_now_ns(CLOCK_MONOTONIC)); /* starts its flush timer */
	stream_filters_format(&s->filters, s->rec_filter, sizeof(s->rec_filter));
	set_meta(s, false);
	util_give_to_sudo_user(s->rec_path);
	s->ui->recording = s->rec_label;
	if (parquet_writer_in_place(s->rec))
		tui_message(s->ui, true, "recording to %s, saved in place (this file system cannot "
					 "exchange files: %s): a kill can tear it", text,
			    strerror(-parquet_writer_in_place(s->rec)));
	else
		tui_message(s->ui, false, "recording to %s%s", text,
			    s->filters.n ? " (rows that pass the filter)" : "");
	return TUI_REDRAW;
}

unsigned tui_stream_record_key(struct tui *ui, int key)
{
	struct tui_stream *s = ui->stream;
	char msg[TUI_MSG_MAX + 1100], name[128];
	time_t now = time(NULL);
	struct tm tm;
	int e;

	(void)key;
	if (!s) {
		tui_message(ui, true, "R: out of memory for the stream");
		return TUI_REDRAW;
	}
	if (s->rec) {
		e = stop(s, "", msg, sizeof(msg));
		tui_message(ui, e != 0, "%s", msg);
		return TUI_REDRAW;
	}
	if (ui->src->kind != TUI_SOURCE_LIVE) {
		tui_message(ui, true, "R records live tracing; a recorded file is already a recording "
				      "(e or x export its rows as CSV)");
		return TUI_REDRAW;
	}
	localtime_r(&now, &tm);
	strftime(name, sizeof(name), "ior-recording-%Y%m%d-%H%M%S.parquet", &tm);
	struct tui_prompt_spec spec = {
		.title = "Record a Parquet file",
		.label = "file: ",
		.notes = {
			"Rows that pass the filter when they are traced go to this file",
			"(in the current directory unless the name has a path); it stays a",
			"valid Parquet file while it grows. R again stops and finalises it;",
			"so do q and choosing a process or thread (p, t).",
			"ior never overwrites a file.",
		},
		.done = start_done,
		.ctx = s,
		.want_w = 80,
	};
	tui_prompt_open(ui, &spec, name);
	return TUI_REDRAW;
}

void tui_stream_record_event(struct tui_stream *s, const struct ior_event *ev)
{
	/* -EINVAL (a path over 1 MiB) is not sticky: that row is skipped */
	parquet_writer_add(s->rec, ev);
}

void tui_stream_tick(struct tui *ui)
{
	struct tui_stream *s = ui->stream;
	int e;

	if (!s || !s->rec)
		return;
	e = parquet_writer_tick(s->rec, util_now_ns(CLOCK_MONOTONIC));
	if (e) {
		char msg[TUI_MSG_MAX + 1100];

		stop(s, "", msg, sizeof(msg));
		tui_message(ui, true, "%s", msg);
	}
}

int tui_stream_stop_recording(struct tui_stream *s, const char *why, char *msg, size_t msglen)
{
	if (msglen)
		msg[0] = '\0';
	if (!s || !s->rec)
		return 0;
	return stop(s, why, msg, msglen);
}
