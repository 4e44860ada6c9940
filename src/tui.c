// SPDX-License-Identifier: GPL-2.0
/*
 * The dashboard's frame and event loop. It owns the terminal, the windows
 * (header, body, help, footer, an optional modal), the tab list and the
 * global key table, and runs one loop: poll the terminal and the source's
 * fd, answer keys, pump the source for a bounded slice of time, and draw a
 * frame when something changed (at most FRAME_NS apart for data, at once
 * for keys). Drawing is erase-and-render into windows, one doupdate per
 * frame: ncurses sends only what changed, so nothing flickers.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "pathutil.h"
#include "syscalls.h"
#include "tally.h"
#include "tui_impl.h"
#include "tui_stream.h"
#include "util.h"

#define FRAME_NS (250ull * 1000000)     /* data redraws at most 4 per second */
#define IDLE_FRAME_NS (1000ull * 1000000) /* clocks and rates move once a second */
#define POLL_MS 50                      /* the ring buffer is drained at least this often */
#define PUMP_SLICE_NS (15ull * 1000000) /* then keys are looked at again */
#define PUMP_CHUNK 2048
#define MSG_NS (6ull * 1000000000)
#define MIN_ROWS 10
#define MIN_COLS 40

static const struct tui_tab *const tabs[] = {
	&tui_tab_overview, &tui_tab_syscalls, &tui_tab_files, &tui_tab_procs,
	&tui_tab_latency,  &tui_tab_stream,   &tui_tab_flame,
};
#define NTABS ((int)(sizeof(tabs) / sizeof(tabs[0])))

/* ---- the feed ------------------------------------------------------------- */

static bool path_matches(const struct ior_event *ev, const char *filter)
{
	return path_under(ev->path, filter) || path_under(ev->path2, filter);
}

static void feed_cell(void *feedp, const struct ior_cell *c)
{
	struct tui_feed *feed = feedp;

	stats_add_cell(feed->stats, c);
	tui_flame_cell(feed->flame, c);
}

void tui_feed_flush(struct tui_feed *feed)
{
	if (feed->tally)
		tally_flush(feed->tally, feed_cell, feed);
}

int tui_feed_event(void *feedp, const struct ior_event *ev)
{
	struct tui_feed *feed = feedp;
	int summed = -1;

	if (feed->path_filter && !path_matches(ev, feed->path_filter)) {
		feed->filtered++;
		return 0;
	}
	if (feed->tally) {
		summed = tally_add(feed->tally, ev);
		if (summed == -ENOSPC) {
			tui_feed_flush(feed);
			summed = tally_add(feed->tally, ev);
		}
	}
	if (summed == 0)
		stats_add_times(feed->stats, ev);
	else
		stats_add_event(feed->stats, ev);
	/* the ring, the shared filter, the recorder; then the flame, which follows the filter */
	bool passes = feed->stream ? tui_stream_feed(feed->stream, ev) : true;

	if (summed == 0) {
		if (passes)
			tui_flame_passing(feed->flame, ev);
	} else {
		tui_flame_event(feed->flame, ev, passes);
	}
	feed->events++;
	return 0;
}

void tui_feed_aggregate(struct tui_feed *feed, const struct agg_entry *e)
{
	if (feed->path_filter && !path_under(e->path, feed->path_filter)) {
		feed->filtered += e->count;
		return;
	}
	stats_add_aggregate(feed->stats, e);
	tui_flame_aggregate(feed->flame, e);
	feed->events += e->count;
}

/* ---- terminal life ---------------------------------------------------------- */

static volatile sig_atomic_t term_active;
static SCREEN *term_screen;

static void term_restore(void)
{
	if (term_active) {
		term_active = 0;
		endwin();
	}
}

/* A crash must not leave the terminal raw: restore it, then die as we would have. */
static void fatal_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_fatal_handlers(void)
{
	static const int sigs[] = { SIGABRT, SIGFPE, SIGILL,
#if !defined(__SANITIZE_ADDRESS__)
				    SIGSEGV, SIGBUS,
#endif
	};
	static bool once;

	if (!once) {
		atexit(term_restore);
		once = true;
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = fatal_signal;
		sa.sa_flags = SA_RESETHAND;
		sigaction(sigs[i], &sa, NULL);
	}
}

static uint64_t mono_ns(void)
{
	return util_now_ns(CLOCK_MONOTONIC);
}

/* ---- helpers the components use ---------------------------------------------- */

void tui_message(struct tui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_error = error;
	ui->msg_until_ns = mono_ns() + MSG_NS;
}

void tui_open_modal(struct tui *ui, const struct tui_modal *m, void *state)
{
	if (ui->modal && ui->modal->free)
		ui->modal->free(ui->modal_state);
	ui->modal = m;
	ui->modal_state = state;
}

static void close_modal(struct tui *ui)
{
	tui_open_modal(ui, NULL, NULL);
}

void tui_set_scope(struct tui *ui, uint32_t pid, uint32_t tid, const char *label)
{
	if (!ui->src->set_scope) {
		tui_message(ui, true, "changing the scope is not available for a recorded file");
		return;
	}
	ui->src->set_scope(ui->src->ctx, pid, tid);
	ui->scope_pid = pid;
	ui->scope_tid = tid;
	snprintf(ui->scope_label, sizeof(ui->scope_label), "%s", label);
	/* the tables would mix the old scope with the new one: start over */
	stats_reset(ui->feed.stats);
	tui_flame_reset(ui->feed.flame);
	tui_message(ui, false, "scope changed: statistics restarted");
	tui_stream_scope_changed(ui); /* the stream starts over too; a recording stops */
}

/* ---- layout and frame ----------------------------------------------------------- */

static const struct tui_help global_help[] = {
	{ "tab S-tab", "next / previous tab" },
	{ "1 .. 5", "Overview .. Latency+Gaps" },
	{ "6 (7), 8", "Stream, Flame" },
	{ "p / t", "trace a process / thread" },
	{ "o", "probes on/off by family" },
	{ "r", "refresh now" },
	{ "e / R", "CSV export / record Parquet" },
	{ "H", "show / hide this help" },
	{ "q ctrl+c", "quit" },
	{ NULL, NULL },
};

#define HELP_COL_W 40 /* 12 for the keys, 27 for the text */

static int help_count(const struct tui_help *h)
{
	int n = 0;

	while (h && h[n].keys)
		n++;
	return n;
}

static int help_rows(const struct tui *ui)
{
	const struct tui_tab *tab = tabs[ui->tab];
	int ncols = ui->cols / HELP_COL_W > 0 ? ui->cols / HELP_COL_W : 1;
	int n = help_count(global_help), m = help_count(tab->help);
	int rows = 1 + (n + ncols - 1) / ncols + (m ? 1 + (m + ncols - 1) / ncols : 0);

	return rows;
}

static void destroy_windows(struct tui *ui)
{
	WINDOW **ws[] = { &ui->w_head, &ui->w_body, &ui->w_help, &ui->w_foot, &ui->w_modal };

	for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		if (*ws[i])
			delwin(*ws[i]);
		*ws[i] = NULL;
	}
}

static void make_windows(struct tui *ui)
{
	destroy_windows(ui);
	getmaxyx(stdscr, ui->rows, ui->cols);
	ui->help_h = 0;
	if (ui->help) {
		ui->help_h = help_rows(ui);
		if (ui->help_h > ui->rows / 2)
			ui->help_h = ui->rows / 2;
	}
	ui->body_h = ui->rows - 3 - ui->help_h;
	if (ui->body_h < 1 || ui->cols < 1)
		return;
	ui->w_head = newwin(2, ui->cols, 0, 0);
	ui->w_body = newwin(ui->body_h, ui->cols, 2, 0);
	if (ui->help_h)
		ui->w_help = newwin(ui->help_h, ui->cols, 2 + ui->body_h, 0);
	ui->w_foot = newwin(1, ui->cols, ui->rows - 1, 0);
}

static const char *scope_text(const struct tui *ui, char *buf, size_t n)
{
	if (ui->scope_label[0])
		snprintf(buf, n, "%s", ui->scope_label);
	else if (ui->src->command)
		snprintf(buf, n, "COMMAND and descendants");
	else
		snprintf(buf, n, "all processes");
	return buf;
}

static int probes_enabled(const struct tui *ui)
{
	int n = 0;

	if (!ui->src->probe_enabled)
		return IOR_SC_COUNT;
	for (int i = 0; i < IOR_SC_COUNT; i++)
		n += ui->src->probe_enabled(ui->src->ctx, i);
	return n;
}

static void draw_head(struct tui *ui)
{
	WINDOW *w = ui->w_head;
	attr_t head = tui_attr(ui, TUI_C_HEAD);
	int x, full = 5;
	char buf[300], scope[160];

	tui_fill(w, 0, 0, ui->cols, head);
	for (int i = 0; i < NTABS; i++)
		full += (int)strlen(tabs[i]->name) + 3;
	x = tui_text(w, 0, 0, ui->cols, head | A_BOLD, " ior ");
	for (int i = 0; i < NTABS && x < ui->cols; i++) {
		const char *name = full <= ui->cols ? tabs[i]->name : tabs[i]->short_name;

		snprintf(buf, sizeof(buf), "%c %s", tabs[i]->hotkey, name);
		x += tui_text(w, 0, x, ui->cols - x,
			      i == ui->tab ? tui_attr(ui, TUI_C_TAB) | A_REVERSE : head, buf) + 1;
	}
	/* line 2: what feeds the dashboard and what is traced; the source's state wins the room */
	const char *st = ui->src->status ? ui->src->status(ui->src->ctx) : NULL;
	int room = ui->cols - 2;

	if (st) {
		int len = (int)strlen(st) < ui->cols - 2 ? (int)strlen(st) : ui->cols - 2;

		tui_text(w, 1, ui->cols - 1 - len, len, tui_attr(ui, TUI_C_WARN), st);
		room = ui->cols - 4 - len;
	}
	if (ui->src->kind == TUI_SOURCE_LIVE) {
		int on = probes_enabled(ui);

		snprintf(buf, sizeof(buf), "live  scope: %s  probes: %d/%d%s",
			 scope_text(ui, scope, sizeof(scope)), on, IOR_SC_COUNT,
			 ui->src->path_filter ? "  -path: " : "");
		x = tui_text(w, 1, 1, room, A_NORMAL, buf);
		if (ui->src->path_filter)
			x += tui_name(w, 1, 1 + x, room - x, A_NORMAL, ui->src->path_filter, false, false);
	} else {
		x = tui_text(w, 1, 1, room, A_NORMAL,
			     ui->src->kind == TUI_SOURCE_AGGREGATE ? "recorded (aggregated): "
								   : "recorded: ");
		x += tui_name(w, 1, 1 + x, room - x, A_BOLD, ui->src->label, true, false);
		if (!ui->source_done)
			x += 1 + tui_text(w, 1, 2 + x, room - x - 1, tui_attr(ui, TUI_C_DIM), "(loading)");
	}
	/* the shared Stream filter: every tab counts only what it lets through */
	if (tui_stream_filter_label(ui, buf, sizeof(buf)) && x + 3 < room)
		tui_text(w, 1, 3 + x, room - x - 2, tui_attr(ui, TUI_C_WARN), buf);
}

static void draw_help(struct tui *ui)
{
	WINDOW *w = ui->w_help;
	const struct tui_help *sets[2] = { global_help, tabs[ui->tab]->help };
	const char *titles[2] = { "Keys", NULL };
	int ncols = ui->cols / HELP_COL_W > 0 ? ui->cols / HELP_COL_W : 1;
	int colw = ui->cols / ncols, y = 0;
	char title[64];

	snprintf(title, sizeof(title), "%s keys", tabs[ui->tab]->name);
	titles[1] = title;
	for (int s = 0; s < 2 && y < ui->help_h; s++) {
		int n = help_count(sets[s]);

		if (!n)
			continue;
		tui_rule(ui, w, y++, 0, ui->cols, titles[s]);
		for (int i = 0; i < n && y < ui->help_h; i += ncols, y++) {
			for (int c = 0; c < ncols && i + c < n; c++) {
				int x = c * colw + 1;
				tui_text(w, y, x, 11, tui_attr(ui, TUI_C_TITLE), sets[s][i + c].keys);
				tui_text(w, y, x + 12, colw - 13, A_NORMAL, sets[s][i + c].text);
			}
		}
	}
}

static void draw_foot(struct tui *ui)
{
	WINDOW *w = ui->w_foot;
	const char *hint = ui->help ? "H: hide help" : "press H for help";
	int x = 0, right = (int)strlen(hint) + 2;
	char buf[128], num[32];
	bool any = false;

	tui_fill(w, 0, 0, ui->cols, tui_attr(ui, TUI_C_HEAD));
	tui_fmt_count(num, sizeof(num), (uint64_t)(ui->events_rate + 0.5));
	snprintf(buf, sizeof(buf), " %s events/s ", num);
	x += tui_text(w, 0, x, ui->cols - x - right, tui_attr(ui, TUI_C_HEAD), buf);
	if (ui->src->counters) {
		for (size_t i = 0; i < TRACER_NLOSSES; i++) {
			uint64_t v;

			memcpy(&v, (const char *)&ui->counters + tracer_losses[i].off, sizeof(v));
			if (!v)
				continue;
			tui_fmt_count(num, sizeof(num), v);
			snprintf(buf, sizeof(buf), " %s %s ", tracer_losses[i].name, num);
			x += tui_text(w, 0, x, ui->cols - x - right, tui_attr(ui, TUI_C_ALERT), buf) + 1;
			any = true;
		}
		if (!any)
			x += tui_text(w, 0, x, ui->cols - x - right, tui_attr(ui, TUI_C_HEAD),
				      "| lost 0 ");
	}
	/* the recording slot (the Stream issue fills it), then the latest message */
	if (ui->recording) {
		x += tui_text(w, 0, x, ui->cols - x - right, tui_attr(ui, TUI_C_HEAD), "| rec ");
		x += tui_name(w, 0, x, ui->cols - x - right, tui_attr(ui, TUI_C_HEAD), ui->recording,
			      true, false) + 1;
	}
	if (ui->msg[0] && x < ui->cols - right) {
		attr_t a = ui->msg_error ? tui_attr(ui, TUI_C_ALERT) : tui_attr(ui, TUI_C_TAB) | A_REVERSE;

		x += tui_text(w, 0, x, ui->cols - x - right, tui_attr(ui, TUI_C_HEAD), "| ");
		tui_text(w, 0, x, ui->cols - x - right, a, ui->msg);
	}
	tui_text(w, 0, ui->cols - right + 1, right - 1, tui_attr(ui, TUI_C_HEAD) | A_BOLD, hint);
}

static void draw_modal(struct tui *ui)
{
	const struct tui_modal *m = ui->modal;
	int h = m->want_h < ui->rows - 2 ? m->want_h : ui->rows - 2;
	int wd = m->want_w < ui->cols - 2 ? m->want_w : ui->cols - 2;

	if (h < 5 || wd < 20)
		return;
	ui->w_modal = newwin(h, wd, (ui->rows - h) / 2, (ui->cols - wd) / 2);
	if (!ui->w_modal)
		return;
	werase(ui->w_modal);
	tui_box(ui, ui->w_modal, m->title);
	m->draw(ui, ui->modal_state, ui->w_modal, h, wd);
	wnoutrefresh(ui->w_modal);
}

/*
 * The kernel's run-time accounting costs two clock reads per program run,
 * which can be as much as ior's programs themselves: it is on for a window
 * of a fifth of a second (from its first sample to the first figures, the
 * loop samples at least every POLL_MS) and then off for 49 times as long,
 * so the Overview's figures are about ten seconds old at most and
 * measuring adds a fiftieth of its cost.
 */
static void selfcost_window(struct tui *ui, uint64_t now)
{
	uint64_t run_ns, runs;

	if (!ui->selfcost_on) {
		if (now < ui->selfcost_next_ns)
			return;
		ui->selfcost_err = tracer_enable_bpf_stats(ui->src->tracer);
		if (ui->selfcost_err)
			return;
		ui->selfcost_on = true;
		selfcost_restart(&ui->selfcost); /* this window's first sample starts it */
	}
	tracer_bpf_stats(ui->src->tracer, &run_ns, &runs);
	uint64_t opened = ui->selfcost.have ? ui->selfcost.at_ns : now;

	if (selfcost_sample(&ui->selfcost, now, run_ns, runs)) {
		tracer_disable_bpf_stats(ui->src->tracer);
		ui->selfcost_on = false;
		ui->selfcost_next_ns = now + 49 * (now - opened);
	}
}

/* ior's own CPU time (all its threads) and the events it took in so far. */
static void selfcpu_sample(struct tui *ui, uint64_t now)
{
	uint64_t user, sys;

	if (util_own_cpu_ns(&user, &sys) == 0)
		selfcost_sample(&ui->selfcpu, now, user + sys, ui->feed.events + ui->feed.filtered);
}

static void update_counters(struct tui *ui)
{
	static const int samples = 8;
	static uint64_t at[8], ev[8];
	static int next;
	uint64_t now = mono_ns(), events;
	int oldest = -1;

	if (ui->src->counters)
		ui->src->counters(ui->src->ctx, &ui->counters);
	events = ui->src->counters ? ui->counters.events : ui->feed.events;
	/* events/s over the oldest sample at most ~2 s old */
	for (int i = 0; i < samples; i++)
		if (at[i] && now - at[i] <= 2500000000ull && (oldest < 0 || at[i] < at[oldest]))
			oldest = i;
	if (oldest >= 0 && now - at[oldest] >= 200000000ull && events >= ev[oldest])
		ui->events_rate = (double)(events - ev[oldest]) * 1e9 / (double)(now - at[oldest]);
	else if (oldest < 0)
		ui->events_rate = 0;
	if (!at[(next + samples - 1) % samples] ||
	    now - at[(next + samples - 1) % samples] >= 250000000ull) {
		at[next] = now;
		ev[next] = events;
		next = (next + 1) % samples;
	}
}

static void draw_frame(struct tui *ui, bool rescan)
{
	const struct tui_tab *tab = tabs[ui->tab];

	if (!ui->w_head || ui->rows < MIN_ROWS || ui->cols < MIN_COLS) {
		erase();
		mvprintw(0, 0, "ior: the terminal is too small (%dx%d); it needs %dx%d", ui->cols,
			 ui->rows, MIN_COLS, MIN_ROWS);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	ui->now_ns = util_now_ns(CLOCK_REALTIME);
	if (ui->msg_until_ns && mono_ns() > ui->msg_until_ns) {
		ui->msg[0] = '\0';
		ui->msg_until_ns = 0;
	}
	update_counters(ui);
	if (rescan && tab->snapshot)
		tab->snapshot(ui, ui->tab_state[ui->tab]);
	werase(ui->w_head);
	werase(ui->w_body);
	werase(ui->w_foot);
	draw_head(ui);
	tab->draw(ui, ui->tab_state[ui->tab], ui->w_body, ui->body_h, ui->cols);
	if (ui->w_help) {
		werase(ui->w_help);
		draw_help(ui);
		wnoutrefresh(ui->w_help);
	}
	draw_foot(ui);
	wnoutrefresh(ui->w_head);
	wnoutrefresh(ui->w_body);
	wnoutrefresh(ui->w_foot);
	if (ui->w_modal) {
		delwin(ui->w_modal);
		ui->w_modal = NULL;
	}
	if (ui->modal)
		draw_modal(ui);
	doupdate();
}

/* ---- global keys ------------------------------------------------------------- */

static unsigned switch_tab(struct tui *ui, int to)
{
	ui->tab = (to % NTABS + NTABS) % NTABS;
	return TUI_RESCAN | TUI_LAYOUT;
}

static unsigned k_next(struct tui *ui, int key)
{
	(void)key;
	return switch_tab(ui, ui->tab + 1);
}

static unsigned k_prev(struct tui *ui, int key)
{
	(void)key;
	return switch_tab(ui, ui->tab - 1);
}

static unsigned k_jump(struct tui *ui, int key)
{
	if (key == '7')
		key = '6'; /* the seed's alias for Stream */
	for (int i = 0; i < NTABS; i++)
		if (tabs[i]->hotkey == key)
			return switch_tab(ui, i);
	return TUI_HANDLED;
}

static unsigned k_help(struct tui *ui, int key)
{
	(void)key;
	ui->help = !ui->help;
	return TUI_LAYOUT | TUI_REDRAW;
}

static unsigned k_quit(struct tui *ui, int key)
{
	(void)ui;
	(void)key;
	return TUI_QUIT;
}

static unsigned k_refresh(struct tui *ui, int key)
{
	(void)key;
	tui_message(ui, false, "refreshed");
	clearok(curscr, TRUE); /* also repaints a screen something else scribbled on */
	return TUI_RESCAN;
}

static unsigned k_select(struct tui *ui, int key)
{
	if (!ui->src->set_scope) {
		tui_message(ui, true, "%s selection is not available for a recorded file",
			    key == 't' ? "thread" : "process");
		return TUI_REDRAW;
	}
	tui_select_open(ui, key == 't');
	return TUI_REDRAW;
}

static unsigned k_probes(struct tui *ui, int key)
{
	(void)key;
	if (!ui->src->set_probe || !ui->src->probe_enabled) {
		tui_message(ui, true, "probes are not available for a recorded file");
		return TUI_REDRAW;
	}
	tui_probes_open(ui);
	return TUI_REDRAW;
}

static unsigned k_resize(struct tui *ui, int key)
{
	(void)ui;
	(void)key;
	return TUI_LAYOUT | TUI_RESCAN;
}

struct tui_binding {
	int key;
	unsigned (*fn)(struct tui *ui, int key);
};

static const struct tui_binding global_keys[] = {
	{ '\t', k_next },    { KEY_BTAB, k_prev },  { '1', k_jump },      { '2', k_jump },
	{ '3', k_jump },     { '4', k_jump },       { '5', k_jump },      { '6', k_jump },
	{ '7', k_jump },     { '8', k_jump },       { 'H', k_help },      { 'q', k_quit },
	{ TUI_KEY_CTRL('c'), k_quit },              { 'r', k_refresh },   { 'p', k_select },
	{ 't', k_select },   { 'o', k_probes },
	{ 'e', tui_stream_export_key },             { 'R', tui_stream_record_key },
	{ KEY_RESIZE, k_resize },
};

static unsigned dispatch(struct tui *ui, int key)
{
	unsigned f;

	if (key == KEY_RESIZE)
		return k_resize(ui, key);
	if (ui->modal) {
		if (key == TUI_KEY_CTRL('c'))
			return TUI_QUIT;
		f = ui->modal->key(ui, ui->modal_state, key);
		if (f & TUI_QUIT) {
			close_modal(ui);
			f = (f & ~TUI_QUIT) | TUI_REDRAW;
		}
		return f | TUI_REDRAW;
	}
	f = tabs[ui->tab]->key ? tabs[ui->tab]->key(ui, ui->tab_state[ui->tab], key) : 0;
	if (f)
		return f;
	for (size_t i = 0; i < sizeof(global_keys) / sizeof(global_keys[0]); i++)
		if (global_keys[i].key == key)
			return global_keys[i].fn(ui, key);
	return 0;
}

/* ---- the loop --------------------------------------------------------------- */

/* Pumps the source for at most one slice. Returns <0 to end, 1 if more is waiting. */
static int pump(struct tui *ui, bool *changed)
{
	struct tui_source *src = ui->src;
	uint64_t start = mono_ns();
	int n;

	if (ui->source_done)
		return 0;
	do {
		n = src->pump(src->ctx, &ui->feed, PUMP_CHUNK);
		tui_feed_flush(&ui->feed); /* what tabs draw is complete between pumps */
		if (n < 0)
			return n;
		if (n == 0) {
			if (src->kind != TUI_SOURCE_LIVE) {
				ui->source_done = true;
				*changed = true;
			}
			return 0;
		}
		*changed = true;
		/* a live source that gave less than asked has caught up: what
		 * comes next waits for the next wake-up or timer tick, in one
		 * pass, rather than a pass per handful of events */
		if (src->kind == TUI_SOURCE_LIVE && n < PUMP_CHUNK)
			return 0;
	} while (mono_ns() - start < PUMP_SLICE_NS);
	return 1;
}

static int loop(struct tui *ui, char *err, size_t errlen)
{
	struct tui_source *src = ui->src;
	uint64_t last_frame = 0;
	bool changed = true, more = false, rescan = true;
	unsigned flags = TUI_REDRAW;
	int ret = 0;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN }, { .fd = src->fd, .events = POLLIN } };
		uint64_t now = mono_ns();
		uint64_t due = last_frame + (changed ? FRAME_NS : IDLE_FRAME_NS);
		int timeout = POLL_MS, ch;

		if (src->kind != TUI_SOURCE_LIVE && ui->source_done)
			timeout = 1000;
		if (due <= now)
			timeout = 0;
		else if ((due - now) / 1000000 < (uint64_t)timeout)
			timeout = (int)((due - now) / 1000000) + 1;
		if (more || flags || (!ui->source_done && src->fd < 0))
			timeout = 0;
		if (poll(pfd, src->fd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR) {
			ret = -errno;
			snprintf(err, errlen, "cannot wait for input: %s", strerror(errno));
			break;
		}
		/* keys first: they are answered before any more events are pumped */
		while ((ch = getch()) != ERR) {
			unsigned f = dispatch(ui, ch);

			flags |= f;
			if (f & TUI_QUIT)
				break;
		}
		if (flags & TUI_QUIT)
			break;
		ret = pump(ui, &changed);
		tui_stream_tick(ui); /* a recording's flush timer (parquet_writer_tick) */
		if (src->tracer && !ui->selfcost_err)
			selfcost_window(ui, mono_ns());
		if (src->tracer)
			selfcpu_sample(ui, mono_ns());
		if (ret == -ECANCELED) {
			ret = 0;
			break;
		}
		if (ret < 0) {
			snprintf(err, errlen, "reading events failed: %s", strerror(-ret));
			break;
		}
		more = ret > 0;
		ret = 0;
		if (flags & TUI_LAYOUT)
			make_windows(ui);
		if (flags & TUI_RESCAN)
			rescan = true;
		now = mono_ns();
		if (flags || now >= last_frame + (changed ? FRAME_NS : IDLE_FRAME_NS)) {
			if (changed && now >= last_frame + FRAME_NS)
				rescan = true;
			draw_frame(ui, rescan);
			last_frame = now;
			if (rescan)
				changed = false;
			rescan = false;
			flags = 0;
		}
	}
	return ret;
}

int tui_run(struct tui_source *src, char *err, size_t errlen)
{
	struct tui ui;
	int ret = 0;

	memset(&ui, 0, sizeof(ui));
	ui.src = src;
	ui.scope_pid = src->pid;
	ui.scope_tid = src->tid;
	if (src->tid)
		snprintf(ui.scope_label, sizeof(ui.scope_label), "thread %u", src->tid);
	else if (src->pid)
		snprintf(ui.scope_label, sizeof(ui.scope_label), "process %u", src->pid);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the dashboard needs a terminal; use -plain to print every "
				      "syscall instead");
		return -ENOTTY;
	}
	ui.stats = stats_new(NULL);
	if (!ui.stats) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ui.feed.stats = ui.stats;
	ui.feed.path_filter = src->path_filter;
	ui.feed.tally = tally_new(); /* NULL: events go straight in */
	setlocale(LC_ALL, "");
	ui.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	install_fatal_handlers();
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen) {
		snprintf(err, errlen, "cannot use this terminal (TERM=%s); set TERM or use -plain",
			 getenv("TERM") ? getenv("TERM") : "");
		stats_free(ui.stats);
		tally_free(ui.feed.tally);
		return -ENOTTY;
	}
	term_active = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	tui_draw_init(&ui);
	refresh();
	ui.start_ns = util_now_ns(CLOCK_REALTIME);
	ui.stream = tui_stream_new(&ui, src->stream_cap);
	ui.feed.stream = ui.stream;
	for (int i = 0; i < NTABS; i++)
		ui.tab_state[i] = tabs[i]->init ? tabs[i]->init(&ui) : NULL;
	for (int i = 0; i < NTABS; i++)
		if (src->start_tab && tabs[i]->hotkey == src->start_tab)
			ui.tab = i;
	make_windows(&ui);
	ret = loop(&ui, err, errlen);

	close_modal(&ui);
	for (int i = 0; i < NTABS; i++)
		if (tabs[i]->free)
			tabs[i]->free(ui.tab_state[i]);
	destroy_windows(&ui);
	term_restore();
	delscreen(term_screen);
	term_screen = NULL;
	{
		char msg[TUI_MSG_MAX + 1100];

		/* a recording still running is finalised now; say so on the restored terminal */
		tui_stream_free(ui.stream, msg, sizeof(msg));
		if (msg[0])
			fprintf(stderr, "ior: %s\n", msg);
	}
	stats_free(ui.feed.stats);
	tally_free(ui.feed.tally);
	return ret;
}
