// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 1, Overview: totals and rates (syscalls/s, bytes/s read and
 * written), live what ior's own BPF programs cost, what is traced (scope,
 * filters, probes), the loss counters, a sparkline of the per-second rate,
 * and the top syscalls, processes and files by count. Its state is three
 * snapshots sorted by count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syscalls.h"
#include "tui_impl.h"

#define SPARK_MAX STATS_TIMELINE

struct overview {
	struct stats_table sc, procs, files;
};

static void *overview_init(struct tui *ui)
{
	(void)ui;
	return calloc(1, sizeof(struct overview));
}

static void overview_free(void *st)
{
	struct overview *o = st;

	if (!o)
		return;
	stats_table_free(&o->sc);
	stats_table_free(&o->procs);
	stats_table_free(&o->files);
	free(o);
}

static void overview_snapshot(struct tui *ui, void *st)
{
	struct overview *o = st;

	if (!o)
		return;
	stats_snapshot(ui->stats, STATS_VIEW_SYSCALLS, &o->sc);
	stats_table_sort(&o->sc, STATS_KEY_COUNT, true);
	stats_snapshot(ui->stats, STATS_VIEW_PROCS, &o->procs);
	stats_table_sort(&o->procs, STATS_KEY_COUNT, true);
	stats_snapshot(ui->stats, STATS_VIEW_FILES, &o->files);
	stats_table_sort(&o->files, STATS_KEY_COUNT, true);
}

/* The second the timeline ends before, and the rate window, for this source. */
static uint64_t timeline_end(const struct tui *ui)
{
	const struct stats_totals *t = stats_totals(ui->stats);

	if (ui->src->kind == TUI_SOURCE_LIVE)
		return ui->now_ns / 1000000000u;
	return t->last_ns ? t->last_ns / 1000000000u + 1 : 0;
}

/* Per second: the last complete second when live, the average of a recording. */
static double rate_of(const struct tui *ui, enum stats_series which, uint64_t total)
{
	const struct stats_totals *t = stats_totals(ui->stats);
	uint64_t v;

	if (ui->src->kind == TUI_SOURCE_LIVE) {
		stats_timeline(ui->stats, which, timeline_end(ui), &v, 1);
		return (double)v;
	}
	if (t->last_ns > t->first_ns)
		return (double)total * 1e9 / (double)(t->last_ns - t->first_ns);
	if (ui->src->span_ns)
		return (double)total * 1e9 / (double)ui->src->span_ns;
	return -1;
}

static int put_pair(struct tui *ui, WINDOW *w, int y, int x, int wd, const char *label,
		    const char *value, attr_t va)
{
	int used = tui_text(w, y, x, wd, tui_attr(ui, TUI_C_DIM), label);

	used += tui_text(w, y, x + used, wd - used, va, value);
	return used;
}

static void fmt_rate(char *buf, size_t n, double r, bool bytes)
{
	char num[32];

	if (r < 0) {
		snprintf(buf, n, "-");
		return;
	}
	if (bytes)
		tui_fmt_bytes(num, sizeof(num), (uint64_t)(r + 0.5));
	else
		tui_fmt_count(num, sizeof(num), (uint64_t)(r + 0.5));
	snprintf(buf, n, "%s/s", num);
}

static int draw_totals(struct tui *ui, WINDOW *w, int y, int wd)
{
	const struct stats_totals *t = stats_totals(ui->stats);
	char a[32], b[48], line[160];
	int x;

	tui_fmt_count(a, sizeof(a), t->v.count);
	fmt_rate(b, sizeof(b), rate_of(ui, STATS_SERIES_EVENTS, t->v.count), false);
	snprintf(line, sizeof(line), "%s (%s)", a, b);
	x = 1 + put_pair(ui, w, y, 1, 34, "syscalls ", line, A_BOLD);
	if (t->aggregated) /* a .ior.zst keeps no error count */
		snprintf(a, sizeof(a), "n/a");
	else
		tui_fmt_count(a, sizeof(a), t->v.errors);
	x = x < 36 ? 36 : x + 2;
	x += put_pair(ui, w, y, x, wd - x, "errors ", a, t->v.errors ? tui_attr(ui, TUI_C_WARN) : A_BOLD);
	snprintf(line, sizeof(line), "%llu  ", (unsigned long long)t->files);
	x += 2 + put_pair(ui, w, y, x + 2, wd - x - 2, "files ", line, A_BOLD);
	snprintf(line, sizeof(line), "%llu", (unsigned long long)t->procs);
	put_pair(ui, w, y, x, wd - x, "processes ", line, A_BOLD);
	y++;

	tui_fmt_bytes(a, sizeof(a), t->read_bytes);
	fmt_rate(b, sizeof(b), rate_of(ui, STATS_SERIES_READ, t->read_bytes), true);
	snprintf(line, sizeof(line), "%s (%s)", a, b);
	put_pair(ui, w, y, 1, 34, "read     ", line, A_BOLD);
	tui_fmt_bytes(a, sizeof(a), t->write_bytes);
	fmt_rate(b, sizeof(b), rate_of(ui, STATS_SERIES_WRITE, t->write_bytes), true);
	snprintf(line, sizeof(line), "%s (%s)", a, b);
	put_pair(ui, w, y, 36, wd - 36, "written ", line, A_BOLD);
	y++;

	tui_fmt_dur(a, sizeof(a), t->v.dur_ns);
	tui_fmt_dur(b, sizeof(b), stats_avg(&t->v));
	snprintf(line, sizeof(line), "%s (avg %s)", a, b);
	put_pair(ui, w, y, 1, 34, "in calls ", line, A_BOLD);
	tui_fmt_dur(a, sizeof(a), t->v.gap_ns);
	put_pair(ui, w, y, 36, wd - 36, "gaps    ", a, A_BOLD);
	return y + 1;
}

/* Live: what ior's own BPF programs cost over the last second or so, and
 * what ior itself costs. */
static int draw_selfcost(struct tui *ui, WINDOW *w, int y, int wd)
{
	char text[128];

	if (!ui->src->tracer)
		return y;
	selfcost_text(text, sizeof(text), &ui->selfcost, ui->selfcost_err, "run");
	put_pair(ui, w, y, 1, wd - 2, SELFCOST_LABEL, text,
		 ui->selfcost_err ? tui_attr(ui, TUI_C_WARN) : A_BOLD);
	selfcost_text(text, sizeof(text), &ui->selfcpu, 0, "event");
	put_pair(ui, w, y + 1, 1, wd - 2, SELFCPU_LABEL, text, A_BOLD);
	return y + 2;
}

static int draw_traced(struct tui *ui, WINDOW *w, int y, int wd)
{
	char line[300], scope[160];
	int x;

	if (ui->src->kind == TUI_SOURCE_LIVE) {
		int on = 0;

		for (int i = 0; i < IOR_SC_COUNT; i++)
			on += ui->src->probe_enabled ? ui->src->probe_enabled(ui->src->ctx, i) : 1;
		if (ui->scope_label[0])
			snprintf(scope, sizeof(scope), "%s", ui->scope_label);
		else if (ui->src->command)
			snprintf(scope, sizeof(scope), "COMMAND and descendants");
		else
			snprintf(scope, sizeof(scope), "all processes");
		snprintf(line, sizeof(line), "%s   probes %d/%d", scope, on, IOR_SC_COUNT);
		x = put_pair(ui, w, y, 1, wd - 2, "traced ", line, A_BOLD);
	} else {
		x = put_pair(ui, w, y, 1, wd - 2, "file ", "", A_BOLD);
		x += tui_name(w, y, 1 + x, wd - 2 - x, A_BOLD, ui->src->label, true, false);
	}
	if (ui->src->comm) {
		x += tui_text(w, y, 1 + x, wd - 2 - x, tui_attr(ui, TUI_C_DIM), "   -comm ");
		x += tui_name(w, y, 1 + x, wd - 2 - x, A_BOLD, ui->src->comm, false, false);
	}
	if (ui->src->path_filter) {
		x += tui_text(w, y, 1 + x, wd - 2 - x, tui_attr(ui, TUI_C_DIM), "   -path ");
		x += tui_name(w, y, 1 + x, wd - 2 - x, A_BOLD, ui->src->path_filter, false, false);
	}
	y++;
	if (ui->src->command) {
		x = tui_text(w, y, 1, wd - 2, tui_attr(ui, TUI_C_DIM), "command ");
		tui_name(w, y, 1 + x, wd - 2 - x, A_NORMAL, ui->src->command, false, false);
		y++;
	}
	return y;
}

static int draw_loss(struct tui *ui, WINDOW *w, int y, int wd)
{
	const struct stats_totals *t = stats_totals(ui->stats);
	bool any = false;
	int x;

	if (!ui->src->counters)
		return y;
	x = 1 + tui_text(w, y, 1, wd - 2, tui_attr(ui, TUI_C_DIM), "lost   ");
	for (size_t i = 0; i < TRACER_NLOSSES; i++) {
		uint64_t v;

		memcpy(&v, (const char *)&ui->counters + tracer_losses[i].off, sizeof(v));
		any = any || v;
	}
	if (!any)
		tui_text(w, y++, x, wd - x, tui_attr(ui, TUI_C_OK),
			 "nothing: all 8 loss counters are 0");
	for (size_t i = 0; any && i < TRACER_NLOSSES; i++) {
		char item[64], num[32];
		uint64_t v;
		int len;

		memcpy(&v, (const char *)&ui->counters + tracer_losses[i].off, sizeof(v));
		if (!v)
			continue;
		tui_fmt_count(num, sizeof(num), v);
		snprintf(item, sizeof(item), "%s %s", tracer_losses[i].name, num);
		len = (int)strlen(item);
		if (x + len + 2 > wd && x > 8) {
			y++;
			x = 8;
		}
		x += tui_text(w, y, x, wd - x, tui_attr(ui, TUI_C_ALERT), item);
		x += tui_text(w, y, x, wd - x, A_NORMAL, "  ");
	}
	if (any)
		y++;
	if (t->files_folded || t->procs_folded) {
		char line[160];

		snprintf(line, sizeof(line),
			 "past the table caps: %llu events under [other] files, %llu under [other] "
			 "processes",
			 (unsigned long long)t->files_folded, (unsigned long long)t->procs_folded);
		tui_text(w, y++, 8, wd - 9, tui_attr(ui, TUI_C_WARN), line);
	}
	return y;
}

/*
 * A recording's rate on its own time axis: the seconds from its first event
 * to its last (its last width seconds when longer). A second the recording
 * covers only in part is rated over the part it covers, so the peak is the
 * rate of the busiest stretch and never below the recording's average.
 */
static int draw_spark_recording(struct tui *ui, WINDOW *w, int y, int wd, int width)
{
	const struct stats_totals *t = stats_totals(ui->stats);
	uint64_t vals[SPARK_MAX], first = t->first_ns, last = t->last_ns;
	uint64_t end = last / 1000000000u + 1, secs = end - first / 1000000000u;
	int n = secs < (uint64_t)width ? (int)secs : width;
	double peak = -1;
	char title[128], num[32], span[32];

	if (!t->v.count)
		return y;
	stats_timeline(ui->stats, STATS_SERIES_EVENTS, end, vals, (size_t)n);
	for (int i = 0; i < n; i++) {
		uint64_t lo = (end - (uint64_t)(n - i)) * 1000000000u, hi = lo + 1000000000u;
		uint64_t from = first > lo ? first : lo, to = last < hi ? last : hi;

		if (vals[i] && to > from && (double)vals[i] * 1e9 / (double)(to - from) > peak)
			peak = (double)vals[i] * 1e9 / (double)(to - from);
	}
	tui_fmt_dur(span, sizeof(span), last - first);
	if (peak < 0) {
		snprintf(title, sizeof(title), "syscalls over the recording's %s", span);
	} else {
		tui_fmt_count(num, sizeof(num), (uint64_t)(peak + 0.5));
		snprintf(title, sizeof(title), "syscalls/s over the recording's %s%s (peak %s/s)", span,
			 (uint64_t)n < secs ? ", its last seconds" : "", num);
	}
	tui_rule(ui, w, y++, 0, wd, title);
	tui_sparkline(ui, w, y++, 1, vals, n, tui_attr(ui, TUI_C_BAR));
	return y;
}

static int draw_spark(struct tui *ui, WINDOW *w, int y, int wd)
{
	uint64_t vals[SPARK_MAX], peak = 0;
	int n = wd - 2 < SPARK_MAX ? wd - 2 : SPARK_MAX;
	char title[96], num[32];
	uint64_t end = timeline_end(ui);

	if (stats_totals(ui->stats)->aggregated) {
		tui_rule(ui, w, y++, 0, wd, "Rate");
		tui_text(w, y++, 1, wd - 2, tui_attr(ui, TUI_C_DIM),
			 "an aggregated recording has no per-second timeline");
		return y;
	}
	if (n < 1)
		return y;
	if (ui->src->kind != TUI_SOURCE_LIVE)
		return draw_spark_recording(ui, w, y, wd, n);
	stats_timeline(ui->stats, STATS_SERIES_EVENTS, end, vals, (size_t)n);
	for (int i = 0; i < n; i++)
		if (vals[i] > peak)
			peak = vals[i];
	tui_fmt_count(num, sizeof(num), peak);
	snprintf(title, sizeof(title), "syscalls/s, last %d s (peak %s/s)", n, num);
	tui_rule(ui, w, y++, 0, wd, title);
	tui_sparkline(ui, w, y++, 1, vals, n, tui_attr(ui, TUI_C_BAR));
	return y;
}

static void draw_top_sc(struct tui *ui, struct overview *o, WINDOW *w, int y, int x, int wd, int rows)
{
	char cnt[32], dur[32];

	tui_rule(ui, w, y++, x, wd, "Top syscalls");
	if (rows-- < 1)
		return;
	tui_text(w, y, x + 1, wd - 20, tui_attr(ui, TUI_C_DIM), "SYSCALL");
	tui_textf(w, y++, x + wd - 19, 19, tui_attr(ui, TUI_C_DIM), "%8s %9s", "COUNT", "TOTAL");
	for (int i = 0; i < rows && (size_t)i < o->sc.n; i++) {
		const struct stats_row *r = &o->sc.rows[i];

		tui_fmt_count(cnt, sizeof(cnt), r->v.count);
		tui_fmt_dur(dur, sizeof(dur), r->v.dur_ns);
		tui_name(w, y + i, x + 1, wd - 20, A_NORMAL, r->name, false, false);
		tui_textf(w, y + i, x + wd - 19, 19, A_NORMAL, "%8s %9s", cnt, dur);
	}
}

static void draw_top_procs(struct tui *ui, struct overview *o, WINDOW *w, int y, int x, int wd,
			   int rows)
{
	char cnt[32], pid[16];

	tui_rule(ui, w, y++, x, wd, "Top processes");
	if (rows-- < 1)
		return;
	tui_textf(w, y, x + 1, 8, tui_attr(ui, TUI_C_DIM), "%7s", "PID");
	tui_text(w, y, x + 9, wd - 19, tui_attr(ui, TUI_C_DIM), "COMM");
	tui_textf(w, y++, x + wd - 9, 9, tui_attr(ui, TUI_C_DIM), "%8s", "COUNT");
	for (int i = 0; i < rows && (size_t)i < o->procs.n; i++) {
		const struct stats_row *r = &o->procs.rows[i];

		tui_fmt_count(cnt, sizeof(cnt), r->v.count);
		if (r->other)
			snprintf(pid, sizeof(pid), "-");
		else
			snprintf(pid, sizeof(pid), "%llu", (unsigned long long)r->id);
		tui_textf(w, y + i, x + 1, 8, A_NORMAL, "%7s", pid);
		tui_name(w, y + i, x + 9, wd - 19, A_NORMAL, r->name, false, false);
		tui_textf(w, y + i, x + wd - 9, 9, A_NORMAL, "%8s", cnt);
	}
}

static void draw_top_files(struct tui *ui, struct overview *o, WINDOW *w, int y, int wd, int rows)
{
	char cnt[32], dur[32], bytes[32];

	tui_rule(ui, w, y++, 0, wd, "Top files");
	if (rows-- < 1)
		return;
	tui_textf(w, y, 1, 27, tui_attr(ui, TUI_C_DIM), "%8s %8s %8s", "COUNT", "TOTAL", "BYTES");
	tui_text(w, y++, 29, wd - 30, tui_attr(ui, TUI_C_DIM), "FILE");
	for (int i = 0; i < rows && (size_t)i < o->files.n; i++) {
		const struct stats_row *r = &o->files.rows[i];

		tui_fmt_count(cnt, sizeof(cnt), r->v.count);
		tui_fmt_dur(dur, sizeof(dur), r->v.dur_ns);
		tui_fmt_bytes(bytes, sizeof(bytes), r->v.bytes);
		tui_textf(w, y + i, 1, 27, A_NORMAL, "%8s %8s %8s", cnt, dur, bytes);
		tui_name(w, y + i, 29, wd - 30, A_NORMAL, r->name, true, false);
	}
}

static void overview_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct overview *o = st;
	int y = 0, left, rows;

	if (!o)
		return;
	y = draw_totals(ui, w, y, wd);
	y = draw_selfcost(ui, w, y, wd);
	y = draw_traced(ui, w, y, wd);
	y = draw_loss(ui, w, y, wd);
	if (y + 4 < h)
		y = draw_spark(ui, w, y, wd);
	left = h - y;
	if (left < 4)
		return;
	/* the rest: top syscalls | top processes, then top files */
	rows = (left - 2) / 2;
	if (rows > 11)
		rows = 11; /* a header and ten rows */
	draw_top_sc(ui, o, w, y, 0, wd / 2 - 1, rows);
	draw_top_procs(ui, o, w, y, wd / 2, wd - wd / 2, rows);
	y += rows + 1;
	rows = h - y - 1;
	if (rows > 0)
		draw_top_files(ui, o, w, y, wd, rows);
}

const struct tui_tab tui_tab_overview = {
	.name = "Overview",
	.short_name = "Over",
	.hotkey = '1',
	.init = overview_init,
	.free = overview_free,
	.snapshot = overview_snapshot,
	.draw = overview_draw,
};
