// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 6, Stream (7 is an alias), and the dashboard's shared stream behind
 * it (tui_stream.h): the ring of recent rows, the shared filter and the
 * statistics it lets through.
 *
 * The tab is live or paused. Live, each frame copies the rows it shows (the
 * newest that pass the filter, or older ones when scrolled) from the ring
 * into a small ring of its own, so a draw never reads rows the feed has
 * since replaced. Paused, it holds a frozen copy of the whole ring (the
 * snapshot) and the list of its rows that pass the filter; selection,
 * filters pushed from a cell, search and x/X exports work on that list.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui_stream.h"
#include "util.h"

#define VIS_ROWS 1024   /* rows a live frame can show */

/* ---- the shared stream ---------------------------------------------------------- */

long tui_stream_tz(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm))
		return 0;
	return tm.tm_gmtoff;
}

struct tui_stream *tui_stream_new(struct tui *ui, size_t cap)
{
	struct tui_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ui = ui;
	s->all = ui->stats;
	s->ring = stream_ring_new(cap ? cap : STREAM_DEFAULT_CAP, 0);
	if (!s->ring) {
		free(s);
		return NULL;
	}
	return s;
}

int tui_stream_free(struct tui_stream *s, char *msg, size_t msglen)
{
	int e;

	if (msglen)
		msg[0] = '\0';
	if (!s)
		return 0;
	e = tui_stream_stop_recording(s, "", msg, msglen);
	if (s->ui->stats == s->filtered)
		s->ui->stats = s->all;
	stream_filters_clear(&s->filters);
	stats_free(s->filtered);
	stream_ring_free(s->ring);
	free(s);
	return e;
}

bool tui_stream_feed(struct tui_stream *s, const struct ior_event *ev)
{
	bool pass = true;

	stream_ring_push(s->ring, ev);
	if (s->filters.n) {
		pass = stream_filters_match(&s->filters, ev);
		if (pass) {
			stats_add_event(s->filtered, ev);
			s->passed++;
		}
	}
	if (pass && s->rec)
		tui_stream_record_event(s, ev);
	return pass;
}

void tui_stream_filters_changed(struct tui *ui)
{
	struct tui_stream *s = ui->stream;
	size_t n = stream_ring_count(s->ring);
	uint64_t first = stream_ring_first(s->ring);

	s->gen++;
	s->passed = 0;
	tui_flame_filter_changed(ui->feed.flame, ui, s->filters.n > 0);
	if (!s->filters.n) {
		ui->stats = s->all;
		if (s->filtered)
			stats_reset(s->filtered);
		return;
	}
	if (!s->filtered)
		s->filtered = stats_new(NULL);
	if (!s->filtered) {
		stream_filters_clear(&s->filters);
		ui->stats = s->all;
		tui_message(ui, true, "out of memory for the filtered statistics: filter cleared");
		return;
	}
	/* the other tabs now count what passes: the ring's rows, then every new event */
	stats_reset(s->filtered);
	for (size_t i = 0; i < n; i++) {
		struct ior_event ev;

		if (stream_ring_get(s->ring, first + i, &ev) && stream_filters_match(&s->filters, &ev)) {
			stats_add_event(s->filtered, &ev);
			s->passed++;
		}
	}
	ui->stats = s->filtered;
}

void tui_stream_scope_changed(struct tui *ui)
{
	struct tui_stream *s = ui->stream;
	char msg[TUI_MSG_MAX + 1100];
	int e;

	if (!s)
		return;
	stream_ring_clear(s->ring);
	if (s->filtered)
		stats_reset(s->filtered);
	s->gen++;
	if (!s->rec)
		return;
	e = tui_stream_stop_recording(s, " (scope changed)", msg, sizeof(msg));
	tui_message(ui, e != 0, "scope changed: statistics restarted; %s", msg);
}

const char *tui_stream_filter_label(struct tui *ui, char *buf, size_t n)
{
	struct tui_stream *s = ui->stream;
	if (!s || !s->filters.n || n < 16)
		return NULL;
	/* the format is printable (stream.h): it can be drawn as it is */
	memcpy(buf, "filter: ", 9);
	stream_filters_format(&s->filters, buf + 8, n - 8);
	return buf;
}

bool tui_stream_pass(const struct tui *ui, const struct ior_event *ev)
{
	return !ui->stream || stream_filters_match(&ui->stream->filters, ev);
}

void tui_stream_foreach(struct tui *ui, ior_event_fn fn, void *ctx)
{
	struct tui_stream *s = ui->stream;

	if (!s)
		return;
	for (uint64_t q = stream_ring_first(s->ring); q < stream_ring_next(s->ring); q++) {
		struct ior_event ev;

		if (stream_ring_get(s->ring, q, &ev) && stream_filters_match(&s->filters, &ev))
			fn(ctx, &ev);
	}
}

bool tui_stream_has_rows(struct tui *ui, const char *what)
{
	if (ui->src->kind != TUI_SOURCE_AGGREGATE)
		return true;
	tui_message(ui, true, "%s: this recording is aggregated (.ior.zst): it has no rows", what);
	return false;
}

/* ---- the tab's state -------------------------------------------------------------- */

struct view {
	struct tui_stream *s;
	bool paused;
	int col;                  /* selected column (enum stream_field) */
	int page;                 /* rows the last draw showed */
	long tz;                  /* seconds east of UTC, per frame */

	/* live */
	long scroll;              /* matching rows below the last one shown; LONG_MAX: the top */
	struct stream_ring *vis;  /* the rows this frame shows, oldest first */

	/* paused */
	struct stream_ring *snap;
	uint32_t *match;          /* snapshot rows that pass, as offsets from its first */
	size_t nmatch;
	uint64_t match_gen;
	uint64_t paused_at_ns;
	long sel, top;

	struct stream_search search;
	bool search_back;         /* the last search went backward (?) */
};

static void *stream_init(struct tui *ui)
{
	struct view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->s = ui->stream;
	v->col = STREAM_COMM;
	v->page = 20;
	v->tz = tui_stream_tz();
	v->vis = stream_ring_new(VIS_ROWS, 0);
	if (!v->vis) {
		free(v);
		return NULL;
	}
	return v;
}

static void stream_free(void *st)
{
	struct view *v = st;

	if (!v)
		return;
	stream_ring_free(v->vis);
	stream_ring_free(v->snap);
	free(v->match);
	stream_search_free(&v->search);
	free(v);
}

/* Re-lists the snapshot rows that pass the filter; the selection stays on its row. */
static void refilter(struct view *v)
{
	size_t n = stream_ring_count(v->snap);
	uint64_t first = stream_ring_first(v->snap), keep = UINT64_MAX;
	size_t k = 0;

	if (v->nmatch && v->sel >= 0 && (size_t)v->sel < v->nmatch)
		keep = v->match[v->sel];
	if (!v->match) {
		v->match = malloc((n ? n : 1) * sizeof(*v->match));
		if (!v->match) {
			v->nmatch = 0;
			return;
		}
	}
	v->sel = -1;
	for (size_t i = 0; i < n; i++) {
		struct ior_event ev;

		if (!stream_ring_get(v->snap, first + i, &ev) ||
		    !stream_filters_match(&v->s->filters, &ev))
			continue;
		if (v->sel < 0 && keep != UINT64_MAX && i >= keep)
			v->sel = (long)k; /* its row, or the first after it that passes */
		v->match[k++] = (uint32_t)i;
	}
	v->nmatch = k;
	if (v->sel < 0)
		v->sel = k ? (long)k - 1 : 0;
	v->match_gen = v->s->gen;
}

static void pause_view(struct tui *ui, struct view *v)
{
	v->snap = stream_ring_snapshot(v->s->ring);
	if (!v->snap) {
		tui_message(ui, true, "out of memory for the pause snapshot");
		return;
	}
	free(v->match);
	v->match = NULL;
	v->nmatch = 0;
	v->sel = -1;
	v->paused = true;
	v->paused_at_ns = util_now_ns(CLOCK_REALTIME);
	refilter(v);
	v->sel = v->nmatch ? (long)v->nmatch - 1 : 0; /* where the live view ended: the tail */
	v->top = v->sel - v->page + 1;
}

static void resume_view(struct view *v)
{
	stream_ring_free(v->snap);
	v->snap = NULL;
	free(v->match);
	v->match = NULL;
	v->nmatch = 0;
	v->paused = false;
	v->scroll = 0;
}

/* The selected row of the paused view into ev; false if there is none. */
static bool selected(const struct view *v, struct ior_event *ev)
{
	if (!v->paused || !v->nmatch || v->sel < 0 || (size_t)v->sel >= v->nmatch)
		return false;
	return stream_ring_get(v->snap, stream_ring_first(v->snap) + v->match[v->sel], ev);
}

/* ---- keys ------------------------------------------------------------------------------ */

static const struct tui_help stream_help[] = {
	{ "space", "live / pause" },
	{ "g G", "top / tail" },
	{ "j/k h/l", "row (live: scroll) / column" },
	{ "enter esc", "filter on the cell / pop" },
	{ "c f", "clear / type filters" },
	{ "/ ? n N", "regex search, next, prev" },
	{ "x X E", "CSV: view, named; open it" },
	{ NULL, NULL },
};

/* After pushing npushed filters: the models follow, the footer says what passes. */
static unsigned filter_pushed(struct tui *ui, struct view *v, int npushed)
{
	char shown[512];

	tui_stream_filters_changed(ui);
	if (!v->s->filters.n)
		return TUI_RESCAN; /* out of memory: the filter was cleared, the footer says so */
	stream_filter_format(&v->s->filters.v[v->s->filters.n - 1], shown, sizeof(shown));
	if (v->paused)
		refilter(v);
	if (npushed > 1)
		tui_message(ui, false, "%d filters pushed, the last %s (%zu rows pass%s)", npushed,
			    shown, v->paused ? v->nmatch : (size_t)v->s->passed,
			    v->paused ? " in the snapshot" : "");
	else
		tui_message(ui, false, "filter pushed: %s (%zu rows pass%s)", shown,
			    v->paused ? v->nmatch : (size_t)v->s->passed,
			    v->paused ? " in the snapshot" : "");
	return TUI_RESCAN;
}

static unsigned filter_done(struct tui *ui, void *ctx, const char *text, char *err, size_t errlen)
{
	struct view *v = ctx;
	int n = stream_filters_parse(&v->s->filters, text, v->tz, err, errlen);

	if (n < 0)
		return TUI_REDRAW;
	return filter_pushed(ui, v, n);
}

static unsigned open_filter(struct tui *ui, struct view *v)
{
	char now[2048], cur[2100];

	if (!tui_stream_has_rows(ui, "f: filters"))
		return TUI_REDRAW;
	stream_filters_format(&v->s->filters, now, sizeof(now));
	snprintf(cur, sizeof(cur), "now: %s", v->s->filters.n ? now : "(no filter)");
	struct tui_prompt_spec spec = {
		.title = "Filter rows (every tab and the recorder see what passes)",
		.label = "filter: ",
		.notes = {
			"FIELD OP VALUE, several separated by blanks:  comm~bash pid=42 latency>=1.5ms",
			"fields: time comm pid tid syscall fd file ret bytes latency gap",
			"text (comm syscall file): ~ contains, any case  !~  = exact  !=",
			"numbers: = != < <= > >=  durations: 250us 1.5ms 2s  time: 14:03:22.5",
			"fd=- file=- : rows without one;  \"quote values\" with blanks",
			cur,
		},
		.done = filter_done,
		.ctx = v,
		.want_w = 84,
	};
	tui_prompt_open(ui, &spec, NULL);
	return TUI_REDRAW;
}

static unsigned push_cell(struct tui *ui, struct view *v)
{
	struct stream_filter f;
	struct ior_event ev;

	if (!v->paused) {
		tui_message(ui, true, "enter filters on the selected cell when paused: press space first");
		return TUI_REDRAW;
	}
	if (!selected(v, &ev)) {
		tui_message(ui, true, "no row selected");
		return TUI_REDRAW;
	}
	if (stream_filter_from_cell(&ev, (enum stream_field)v->col, v->tz, &f)) {
		tui_message(ui, true, "out of memory");
		return TUI_REDRAW;
	}
	if (stream_filters_push(&v->s->filters, &f)) {
		tui_message(ui, true, "too many filters (at most %d): esc pops, c clears",
			    STREAM_FILTERS_MAX);
		return TUI_REDRAW;
	}
	return filter_pushed(ui, v, 1);
}

static unsigned pop_filter(struct tui *ui, struct view *v)
{
	char shown[512];

	if (!v->s->filters.n) {
		tui_message(ui, false, "no filter to pop");
		return TUI_REDRAW;
	}
	stream_filter_format(&v->s->filters.v[v->s->filters.n - 1], shown, sizeof(shown));
	stream_filters_pop(&v->s->filters);
	tui_stream_filters_changed(ui);
	if (v->paused)
		refilter(v);
	tui_message(ui, false, "filter popped: %s (%d left)", shown, v->s->filters.n);
	return TUI_RESCAN;
}

static unsigned clear_filters(struct tui *ui, struct view *v)
{
	stream_filters_clear(&v->s->filters);
	tui_stream_filters_changed(ui);
	if (v->paused)
		refilter(v);
	tui_message(ui, false, "filters cleared");
	return TUI_RESCAN;
}

/* Runs the compiled search from the selection; moves it and says how it went. */
static unsigned run_search(struct tui *ui, struct view *v, bool backward)
{
	bool wrapped;
	int field;
	long at;

	at = stream_search_find(&v->search, v->snap, v->match, v->nmatch, v->sel, backward, v->tz,
				&wrapped, &field);
	if (at < 0) {
		tui_message(ui, true, "not found: %s", v->search.pattern);
		return TUI_REDRAW;
	}
	v->sel = at;
	v->col = field;
	if (wrapped)
		tui_message(ui, false, "search wrapped to the %s: %s", backward ? "bottom" : "top",
			    v->search.pattern);
	else
		tui_message(ui, false, "%s%s", backward ? "?" : "/", v->search.pattern);
	return TUI_REDRAW;
}

static unsigned search_done(struct tui *ui, void *ctx, const char *text, char *err, size_t errlen)
{
	struct view *v = ctx;

	if (!*text && v->search.ok)
		return run_search(ui, v, v->search_back); /* empty: the last pattern again */
	if (stream_search_compile(&v->search, text, err, errlen))
		return TUI_REDRAW;
	return run_search(ui, v, v->search_back);
}

static unsigned open_search(struct tui *ui, struct view *v, bool backward)
{
	if (!v->paused) {
		pause_view(ui, v);
		if (!v->paused)
			return TUI_REDRAW;
	}
	v->search_back = backward;
	struct tui_prompt_spec spec = {
		.title = backward ? "Search backward" : "Search forward",
		.label = backward ? "?" : "/",
		.notes = {
			"POSIX extended regular expression, any case, over every column",
			"as shown (time, comm, pid, tid, syscall, fd, file, ret, bytes,",
			"latency, gap); it wraps around. n: again, N: the other way.",
		},
		.done = search_done,
		.ctx = v,
		.want_w = 76,
	};
	tui_prompt_open(ui, &spec, NULL);
	return TUI_REDRAW;
}

static unsigned export_done(struct tui *ui, void *ctx, const char *text, char *err, size_t errlen)
{
	struct view *v = ctx;
	int e;

	if (v->paused)
		e = tui_export_rows(ui, text, v->snap, v->match, v->nmatch, NULL, err, errlen);
	else
		e = tui_export_rows(ui, text, v->s->ring, NULL, stream_ring_count(v->s->ring),
				    &v->s->filters, err, errlen);
	if (!e)
		err[0] = '\0';
	return TUI_REDRAW;
}

static unsigned export_view(struct tui *ui, struct view *v, bool ask)
{
	char err[TUI_MSG_MAX], name[128];
	time_t now = time(NULL);
	struct tm tm;

	if (ask) {
		localtime_r(&now, &tm);
		strftime(name, sizeof(name), "ior-stream-%Y%m%d-%H%M%S.csv", &tm);
		struct tui_prompt_spec spec = {
			.title = v->paused ? "Export the paused rows as CSV" : "Export the filtered rows as CSV",
			.label = "file: ",
			.notes = {
				"Columns: time, time_ns, comm, pid, tid, syscall, fd, path, path2,",
				"flags, ret, bytes, latency_ns, gap_ns (RFC 4180, UTF-8).",
				"ior never overwrites a file.",
			},
			.done = export_done,
			.ctx = v,
			.want_w = 76,
		};
		tui_prompt_open(ui, &spec, name);
		return TUI_REDRAW;
	}
	if (v->paused)
		tui_export_rows(ui, NULL, v->snap, v->match, v->nmatch, NULL, err, sizeof(err));
	else
		tui_export_rows(ui, NULL, v->s->ring, NULL, stream_ring_count(v->s->ring),
				&v->s->filters, err, sizeof(err));
	return TUI_REDRAW;
}

static unsigned move_sel(struct view *v, long to)
{
	if (to >= (long)v->nmatch)
		to = (long)v->nmatch - 1;
	if (to < 0)
		to = 0;
	v->sel = to;
	return TUI_REDRAW;
}

static unsigned scroll_live(struct view *v, long by)
{
	if (by > 0 && v->scroll > LONG_MAX - by)
		v->scroll = LONG_MAX;
	else
		v->scroll += by;
	if (v->scroll < 0)
		v->scroll = 0;
	return TUI_RESCAN;
}

static unsigned stream_key(struct tui *ui, void *st, int key)
{
	struct view *v = st;
	long page = v && v->page > 1 ? v->page - 1 : 1;

	if (!v || !v->s || ui->src->kind == TUI_SOURCE_AGGREGATE)
		return 0;
	switch (key) {
	case ' ':
		if (v->paused) {
			resume_view(v);
			tui_message(ui, false, "live");
		} else {
			pause_view(ui, v);
			if (v->paused)
				tui_message(ui, false, "paused: j/k rows, h/l columns, enter filters, / searches");
		}
		return TUI_RESCAN;
	case 'g':
	case KEY_HOME:
		return v->paused ? move_sel(v, 0) : scroll_live(v, LONG_MAX);
	case 'G':
	case KEY_END:
		if (v->paused)
			return move_sel(v, (long)v->nmatch - 1);
		v->scroll = 0;
		return TUI_RESCAN;
	case 'j':
	case KEY_DOWN:
		return v->paused ? move_sel(v, v->sel + 1) : scroll_live(v, -1);
	case 'k':
	case KEY_UP:
		return v->paused ? move_sel(v, v->sel - 1) : scroll_live(v, 1);
	case KEY_NPAGE:
		return v->paused ? move_sel(v, v->sel + page) : scroll_live(v, -page);
	case KEY_PPAGE:
		return v->paused ? move_sel(v, v->sel - page) : scroll_live(v, page);
	case 'h':
	case KEY_LEFT:
		if (v->col > 0)
			v->col--;
		return TUI_REDRAW;
	case 'l':
	case KEY_RIGHT:
		if (v->col < STREAM_NFIELDS - 1)
			v->col++;
		return TUI_REDRAW;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return push_cell(ui, v);
	case TUI_KEY_ESC:
		return pop_filter(ui, v);
	case 'c':
		return clear_filters(ui, v);
	case 'f':
		return open_filter(ui, v);
	case '/':
	case '?':
		return open_search(ui, v, key == '?');
	case 'n':
	case 'N':
		if (!v->search.ok) {
			tui_message(ui, true, "no search yet: / or ? starts one");
			return TUI_REDRAW;
		}
		if (!v->paused) {
			pause_view(ui, v);
			if (!v->paused)
				return TUI_REDRAW;
		}
		return run_search(ui, v, v->search_back ^ (key == 'N')) | TUI_RESCAN;
	case 'x':
	case 'X':
		return export_view(ui, v, key == 'X');
	case 'E':
		return tui_export_edit(ui);
	}
	return 0;
}

/* ---- snapshot and draw ------------------------------------------------------------- */

/* The live rows to show: the newest page that pass, scroll rows up from the tail. */
static void live_snapshot(struct view *v)
{
	const struct stream_ring *r = v->s->ring;
	const struct stream_filters *fs = &v->s->filters;
	uint64_t first = stream_ring_first(r), next = stream_ring_next(r);
	uint64_t *seqs;
	long page = v->page > 0 ? v->page : 1, skip = v->scroll, got = 0;
	struct ior_event ev;

	if (page > VIS_ROWS)
		page = VIS_ROWS;
	stream_ring_clear(v->vis);
	seqs = malloc((size_t)page * sizeof(*seqs));
	if (!seqs)
		return;
	/* newest first: skip `scroll` matches, keep the next page */
	for (uint64_t q = next; q > first && got < page;) {
		q--;
		if (!stream_ring_get(r, q, &ev) || (fs->n && !stream_filters_match(fs, &ev)))
			continue;
		if (skip > 0) {
			skip--;
			continue;
		}
		seqs[page - 1 - got++] = q;
	}
	if (got < page && v->scroll > 0) {
		/* scrolled past the oldest: show the oldest page instead */
		long total = v->scroll - skip + got;

		got = 0;
		for (uint64_t q = first; q < next && got < page; q++) {
			if (!stream_ring_get(r, q, &ev) || (fs->n && !stream_filters_match(fs, &ev)))
				continue;
			seqs[got++] = q;
		}
		v->scroll = total > page ? total - page : 0;
		for (long i = 0; i < got; i++)
			if (stream_ring_get(r, seqs[i], &ev))
				stream_ring_push(v->vis, &ev);
		free(seqs);
		return;
	}
	for (long i = page - got; i < page; i++)
		if (stream_ring_get(r, seqs[i], &ev))
			stream_ring_push(v->vis, &ev);
	free(seqs);
}

static void stream_snapshot(struct tui *ui, void *st)
{
	struct view *v = st;

	if (!v || !v->s)
		return;
	v->tz = tui_stream_tz();
	v->page = ui->body_h - 3 > 1 ? ui->body_h - 3 : 1; /* the rows below status and header */
	if (v->paused) {
		if (v->match_gen != v->s->gen)
			refilter(v);
		return;
	}
	live_snapshot(v);
}

/* The columns: width (0: the flexible FILE), which go first on narrow terminals. */
static const struct {
	int width;
	int drop;      /* 0: always shown; 1 goes first */
	bool right;
} cols[STREAM_NFIELDS] = {
	[STREAM_TIME] = { 15, 5, false },   [STREAM_COMM] = { 15, 0, false },
	[STREAM_PID] = { 7, 0, true },      [STREAM_TID] = { 7, 1, true },
	[STREAM_SYSCALL] = { 12, 0, false }, [STREAM_FD] = { 4, 3, true },
	[STREAM_FILE] = { 0, 0, false },    [STREAM_RET] = { 7, 0, true },
	[STREAM_BYTES] = { 8, 4, true },    [STREAM_LATENCY] = { 10, 0, true },
	[STREAM_GAP] = { 10, 2, true },
};
#define FILE_MIN 20

/* Which columns show at width wd and how wide; returns how many. */
static int layout(const struct view *v, int wd, int *show, int *width)
{
	int dropped = 0;

	for (;;) {
		int n = 0, fixed = 0, file = -1;

		for (int f = 0; f < STREAM_NFIELDS; f++) {
			if (cols[f].drop && cols[f].drop <= dropped && f != v->col)
				continue;
			show[n] = f;
			width[n] = cols[f].width;
			if (f == STREAM_FILE)
				file = n;
			fixed += cols[f].width + (n ? 1 : 0);
			n++;
		}
		width[file] = wd - fixed - 1;
		if (width[file] >= FILE_MIN || dropped >= 5) {
			if (width[file] < 1)
				width[file] = 1;
			return n;
		}
		dropped++;
	}
}

static void draw_row(struct tui *ui, struct view *v, WINDOW *w, int y, int wd, const int *show,
		     const int *width, int n, const struct ior_event *ev, bool is_sel)
{
	attr_t base = is_sel ? tui_attr(ui, TUI_C_SEL) : A_NORMAL;
	char buf[512];
	int x = 0;

	if (is_sel)
		tui_fill(w, y, 0, wd, base);
	for (int i = 0; i < n; i++) {
		enum stream_field f = (enum stream_field)show[i];
		attr_t a = is_sel && (int)f == v->col ? tui_attr(ui, TUI_C_COLSEL) : base;

		if (is_sel && (int)f == v->col)
			tui_fill(w, y, x, width[i], a);
		if (f == STREAM_COMM || f == STREAM_FILE) {
			const char *raw = stream_cell(ev, f, v->tz, buf, sizeof(buf));

			if (*raw || f == STREAM_COMM)
				tui_name(w, y, x, width[i], a, raw, f == STREAM_FILE, false);
		} else {
			const char *t = stream_cell(ev, f, v->tz, buf, sizeof(buf));
			int len = (int)strlen(t);

			if (f == STREAM_RET && ev->ret < 0 && !is_sel)
				a = tui_attr(ui, TUI_C_WARN);
			tui_text(w, y, cols[f].right && len < width[i] ? x + width[i] - len : x, width[i],
				 a, t);
		}
		x += width[i] + 1;
	}
}

static void fmt_num(char *buf, size_t n, uint64_t v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v), o = 0;

	for (int i = 0; i < len && o + 2 < (int)n; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static void draw_status(struct tui *ui, struct view *v, WINDOW *w, int wd)
{
	const struct stream_ring *r = v->s->ring;
	char a[32], b[32], c[32], line[512], fl[2100];
	attr_t mode = tui_attr(ui, TUI_C_TAB) | A_REVERSE;
	int x;

	if (v->paused) {
		char when[16];
		time_t t = (time_t)(v->paused_at_ns / 1000000000u);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		x = tui_text(w, 0, 0, wd, mode, " PAUSED ");
		fmt_num(a, sizeof(a), v->nmatch ? (uint64_t)v->sel + 1 : 0);
		fmt_num(b, sizeof(b), v->nmatch);
		fmt_num(c, sizeof(c), stream_ring_count(v->snap));
		snprintf(line, sizeof(line), " row %s of %s (of %s in the snapshot taken at %s)  column %s",
			 a, b, c, when, stream_field_title((enum stream_field)v->col));
	} else {
		/* a recorded file's rows are all there is: not "live" */
		x = tui_text(w, 0, 0, wd, tui_attr(ui, TUI_C_OK) | A_REVERSE,
			     ui->src->kind == TUI_SOURCE_LIVE ? " LIVE " : " ROWS ");
		fmt_num(a, sizeof(a), stream_ring_count(r));
		fmt_num(b, sizeof(b), stream_ring_cap(r));
		fmt_num(c, sizeof(c), stream_ring_dropped(r));
		snprintf(line, sizeof(line), " %s rows (cap %s)  dropped %s%s", a, b, c,
			 v->scroll ? "  scrolled: G for the tail" : "");
	}
	x += tui_text(w, 0, x, wd - x, A_NORMAL, line);
	if (v->search.ok && x + 4 < wd)
		tui_textf(w, 0, x + 2, wd - x - 2, tui_attr(ui, TUI_C_DIM), "search %s%s",
			  v->search_back ? "?" : "/", v->search.pattern);
	if (tui_stream_filter_label(ui, fl, sizeof(fl)))
		tui_text(w, 1, 0, wd, tui_attr(ui, TUI_C_WARN), fl);
	else
		tui_text(w, 1, 0, wd, tui_attr(ui, TUI_C_DIM),
			 v->paused ? "filter: none (enter on a cell filters on it, f types one)"
				   : "filter: none (space pauses; then enter on a cell filters on it)");
}

static void stream_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct view *v = st;
	int show[STREAM_NFIELDS], width[STREAM_NFIELDS], n, x = 0, y = 3;
	attr_t head = tui_attr(ui, TUI_C_HEAD);

	if (ui->src->kind == TUI_SOURCE_AGGREGATE) {
		tui_text(w, 1, 2, wd - 4, tui_attr(ui, TUI_C_TITLE), "6 Stream");
		tui_text(w, 3, 2, wd - 4, A_NORMAL,
			 "This recording is aggregated (.ior.zst): it has no rows to stream.");
		return;
	}
	if (!v || !v->s) {
		tui_text(w, 1, 2, wd - 4, tui_attr(ui, TUI_C_WARN), "out of memory for the stream");
		return;
	}
	if (h < 5)
		return;
	draw_status(ui, v, w, wd);
	n = layout(v, wd, show, width);
	tui_fill(w, 2, 0, wd, head);
	for (int i = 0; i < n; i++) {
		const char *t = stream_field_title((enum stream_field)show[i]);
		int len = (int)strlen(t);
		attr_t a = show[i] == v->col ? tui_attr(ui, TUI_C_COLSEL) : head;

		if (show[i] == v->col)
			tui_fill(w, 2, x, width[i], a);
		tui_text(w, 2, cols[show[i]].right && len < width[i] ? x + width[i] - len : x, width[i],
			 a, t);
		x += width[i] + 1;
	}
	v->page = h - y;
	if (v->paused) {
		if (!v->nmatch) {
			tui_text(w, y + 1, 1, wd - 2, tui_attr(ui, TUI_C_DIM),
				 stream_ring_count(v->snap) ? "no row passes the filter (esc pops it, c clears)"
							    : "nothing was traced before the pause");
			return;
		}
		if (v->sel < v->top)
			v->top = v->sel;
		if (v->sel >= v->top + v->page)
			v->top = v->sel - v->page + 1;
		if (v->top > (long)v->nmatch - v->page)
			v->top = (long)v->nmatch - v->page;
		if (v->top < 0)
			v->top = 0;
		for (int i = 0; i < v->page && v->top + i < (long)v->nmatch; i++) {
			struct ior_event ev;
			long k = v->top + i;

			if (stream_ring_get(v->snap, stream_ring_first(v->snap) + v->match[k], &ev))
				draw_row(ui, v, w, y + i, wd, show, width, n, &ev, k == v->sel);
		}
		return;
	}
	if (!stream_ring_count(v->vis)) {
		tui_text(w, y + 1, 1, wd - 2, tui_attr(ui, TUI_C_DIM),
			 stream_ring_count(v->s->ring) ? "no row passes the filter (esc pops it, c clears)"
						       : "nothing traced yet");
		return;
	}
	for (uint64_t q = stream_ring_first(v->vis), i = 0; q < stream_ring_next(v->vis) &&
	     (long)i < v->page; q++, i++) {
		struct ior_event ev;

		if (stream_ring_get(v->vis, q, &ev))
			draw_row(ui, v, w, y + (int)i, wd, show, width, n, &ev, false);
	}
}

const struct tui_tab tui_tab_stream = {
	.name = "Stream",
	.short_name = "Strm",
	.hotkey = '6',
	.init = stream_init,
	.free = stream_free,
	.key = stream_key,
	.snapshot = stream_snapshot,
	.draw = stream_draw,
	.help = stream_help,
};
