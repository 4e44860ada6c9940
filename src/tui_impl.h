/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dashboard's inside, shared by its components (tui*.c): the
 * application state, the tab and modal interfaces, reaction flags and the
 * drawing helpers. Key handlers return reaction flags and never draw;
 * draw callbacks render a snapshot of the model into a window and never
 * change the model.
 */
#ifndef IOR_TUI_IMPL_H
#define IOR_TUI_IMPL_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selfcost.h"
#include "stats.h"
#include "tracer.h"
#include "tui.h"

/* Reaction flags returned by key handlers. */
enum {
	TUI_HANDLED = 1u << 0,   /* the key was used (nothing else to do) */
	TUI_REDRAW = 1u << 1,    /* draw a frame now */
	TUI_RESCAN = 1u << 2,    /* take a new snapshot of the model, then draw */
	TUI_QUIT = 1u << 3,
	TUI_LAYOUT = 1u << 4,    /* recompute the windows (help toggled, resize) */
};

#define TUI_KEY_CTRL(c) ((c) & 0x1f)
#define TUI_KEY_ESC 27

/* One line of help: the keys and what they do. Tables end with keys NULL. */
struct tui_help {
	const char *keys;
	const char *text;
};

struct tui;

/*
 * A dashboard tab. A new tab is one file with one of these plus a line in
 * tui.c's tab list. state is what init returned (may be NULL).
 */
struct tui_tab {
	const char *name;       /* "Overview" */
	const char *short_name; /* for narrow terminals: "Over" */
	int hotkey;             /* '1' ... */
	void *(*init)(struct tui *ui);
	void (*free)(void *state);
	/* Returns reaction flags; 0 when the key is not this tab's. */
	unsigned (*key)(struct tui *ui, void *state, int key);
	/* Takes a new snapshot of the model (at most once per frame); may be NULL. */
	void (*snapshot)(struct tui *ui, void *state);
	/* Renders the snapshot into w (already erased), h rows by wd columns. */
	void (*draw)(struct tui *ui, void *state, WINDOW *w, int h, int wd);
	const struct tui_help *help;  /* tab-specific keys, for the help sections */
};

extern const struct tui_tab tui_tab_overview, tui_tab_syscalls, tui_tab_files,
	tui_tab_procs, tui_tab_latency, tui_tab_stream, tui_tab_flame;

/* A dialog drawn over the tab; it gets every key while open. */
struct tui_modal {
	const char *title;
	/* Returns reaction flags; TUI_QUIT from a modal closes the modal. */
	unsigned (*key)(struct tui *ui, void *state, int key);
	void (*draw)(struct tui *ui, void *state, WINDOW *w, int h, int wd);
	void (*free)(void *state);
	const struct tui_help *help;
	int want_h, want_w;     /* preferred size; clipped to the screen */
};

#define TUI_MSG_MAX 256

/* What sources deliver into: the model, behind the -path filter. */
struct tui_feed {
	struct stats *stats;
	const char *path_filter;
	uint64_t events;           /* events the model received */
	uint64_t filtered;         /* events the -path filter dropped */
	struct tui_flame_data *flame; /* the Flame tab's copy of what the model keeps; NULL: none */
	struct tui_stream *stream; /* tui_stream.h: the ring, the shared filter, the recorder */
	/* events summed by key until tui_feed_flush (the end of every pump),
	 * then added to stats and the Flame tab's aggregate; NULL: each event
	 * goes straight in */
	struct tally *tally;
};

struct tui {
	struct tui_source *src;
	struct stats *stats;       /* what tabs draw: feed.stats, or the filtered model (tui_stream.h) */
	struct tui_feed feed;
	struct tui_stream *stream; /* the Stream tab's ring, the shared filter, the recorder */

	int tab;                   /* index in the tab list */
	void *tab_state[16];
	bool help;                 /* help sections visible */
	bool utf8;                 /* the terminal takes UTF-8: box and block glyphs */
	bool colors;

	const struct tui_modal *modal;
	void *modal_state;

	WINDOW *w_head, *w_body, *w_help, *w_foot, *w_modal;
	int rows, cols, body_h, help_h;

	char msg[TUI_MSG_MAX];     /* footer message (key feedback, errors) */
	uint64_t msg_until_ns;     /* monotonic; 0: stays */
	bool msg_error;
	const char *recording;     /* the recording path or last recording error (tui_recorder.c) */

	uint32_t scope_pid, scope_tid;
	char scope_label[128];     /* "process 1234 (comm)"; empty: the start scope */

	struct tracer_stats counters;  /* refreshed every frame */
	double events_rate;        /* events/s, over the last second or so */
	struct selfcost_meter selfcost; /* src->tracer's BPF run time, in short windows */
	int selfcost_err;          /* -errno of tracer_enable_bpf_stats; 0: fine (or no tracer) */
	bool selfcost_on;          /* the kernel accounts run time now (a window is open) */
	uint64_t selfcost_next_ns; /* when the next window opens (monotonic) */
	struct selfcost_meter selfcpu; /* ior's own CPU time over the events it took in */
	uint64_t now_ns;           /* wall clock of the frame (CLOCK_REALTIME) */
	uint64_t start_ns;         /* wall clock when the dashboard started */
	bool source_done;          /* a recorded source reached its end */
};

/* Footer message; error ones are highlighted. Lasts a few seconds. */
void tui_message(struct tui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Opens a modal (closing any open one). */
void tui_open_modal(struct tui *ui, const struct tui_modal *m, void *state);

/* Applies a new scope through the source and restarts the statistics. */
void tui_set_scope(struct tui *ui, uint32_t pid, uint32_t tid, const char *label);

/* ---- tui_draw.c: drawing helpers ------------------------------------------ */

enum tui_color {
	TUI_C_NORMAL, TUI_C_HEAD, TUI_C_TAB, TUI_C_SEL, TUI_C_COLSEL, TUI_C_ALERT,
	TUI_C_DIM, TUI_C_BAR, TUI_C_GAPBAR, TUI_C_OK, TUI_C_TITLE, TUI_C_WARN,
};

void tui_draw_init(struct tui *ui);
attr_t tui_attr(const struct tui *ui, enum tui_color c);

/* Draws our own text (trusted, UTF-8), cut to width columns. Returns columns used. */
int tui_text(WINDOW *w, int y, int x, int width, attr_t attr, const char *s);
int tui_textf(WINDOW *w, int y, int x, int width, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/*
 * Draws untrusted bytes (a path, a comm) escaped like util_escape does, so
 * no control byte ever reaches the terminal, cut to width columns: with
 * keep_tail the end stays and the cut is marked at the left. right aligns
 * it within width. Returns columns used.
 */
int tui_name(WINDOW *w, int y, int x, int width, attr_t attr, const char *raw, bool keep_tail,
	     bool right);
/* Display form of untrusted bytes into buf (escaped, ASCII-only when !utf8). */
void tui_escape(const struct tui *ui, char *buf, size_t cap, const char *raw);

/* Compact numbers: "123ns", "4.5us", "12ms", "1.23s"; "1.5K"; "12.3M"/"4.0G" bytes. */
void tui_fmt_dur(char *buf, size_t n, uint64_t ns);
void tui_fmt_count(char *buf, size_t n, uint64_t v);
void tui_fmt_bytes(char *buf, size_t n, uint64_t v);

/* A row of block characters scaled to max (the largest of vals if 0). */
void tui_sparkline(const struct tui *ui, WINDOW *w, int y, int x, const uint64_t *vals, int n,
		   attr_t attr);
/* A horizontal bar of v/max of width columns (eighths with UTF-8). */
void tui_bar(const struct tui *ui, WINDOW *w, int y, int x, int width, uint64_t v, uint64_t max,
	     attr_t attr);
/* A horizontal rule with a title: "── Title ─────". */
void tui_rule(const struct tui *ui, WINDOW *w, int y, int x, int width, const char *title);
/* Fills width cells with spaces in attr. */
void tui_fill(WINDOW *w, int y, int x, int width, attr_t attr);
/* A box around w's edge with a title. */
void tui_box(const struct tui *ui, WINDOW *w, const char *title);

/* ---- tui_table.c: the sortable table widget ------------------------------- */

enum tui_col_kind {
	TUI_COL_NAME, TUI_COL_PID, TUI_COL_FAMILY, TUI_COL_NFILES, TUI_COL_COUNT,
	TUI_COL_DUR, TUI_COL_AVG, TUI_COL_MAX, TUI_COL_GAP, TUI_COL_BYTES, TUI_COL_ERRORS,
};

struct tui_col {
	const char *title;
	enum tui_col_kind kind;
	int width;      /* 0: takes the columns the others leave */
	bool optional;  /* dropped when the flexible column would get fewer than min */
	int min;        /* the flexible column: columns it wants before optional ones go */
};

struct tui_table {
	const struct tui_col *cols;
	int ncols;
	enum stats_view view;
	int sel_col;            /* selected column (s/S sort by it) */
	int sort_col;           /* column the rows are sorted by */
	bool sort_desc;
	long sel;               /* selected row */
	long top;               /* first row shown */
	int page;               /* rows shown at the last draw */
	bool follow;            /* keep the selected key selected across snapshots */
	char *sel_name;         /* key of the selected row */
	uint64_t sel_id;
	struct stats_table data;
	int snap_err;
};

void tui_table_init(struct tui_table *t, const struct tui_col *cols, int ncols,
		    enum stats_view view, int sort_col);
void tui_table_free(struct tui_table *t);
/* Switches the view (e.g. files <-> directories) keeping columns and sort. */
void tui_table_set_view(struct tui_table *t, const struct tui_col *cols, int ncols,
			enum stats_view view);
/* New snapshot of the model, sorted, selection kept on the same key. */
void tui_table_refresh(struct tui_table *t, const struct stats *s);
/* s, S, h/l/left/right, j/k/up/down, page keys, home/end. 0 if not a table key. */
unsigned tui_table_key(struct tui_table *t, int key);
void tui_table_draw(struct tui *ui, struct tui_table *t, WINDOW *w, int y, int h, int wd);
/* The selected row or NULL. */
const struct stats_row *tui_table_selected(const struct tui_table *t);
/*
 * A tab that is one sortable table: these are its tui_tab callbacks, the
 * state being the struct tui_table from tui_table_new (NULL on allocation
 * failure; the callbacks accept NULL).
 */
struct tui_table *tui_table_new(const struct tui_col *cols, int ncols, enum stats_view view,
				int sort_col);
void tui_table_tab_free(void *st);
unsigned tui_table_tab_key(struct tui *ui, void *st, int key);
void tui_table_tab_snapshot(struct tui *ui, void *st);
void tui_table_tab_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd);
/* The help lines every table tab shares. */
extern const struct tui_help tui_table_help[];

/* ---- tui_flame.c: what the Flame tab keeps of the feed (each accepts NULL) -- */

struct tui_flame_data;
struct ior_cell;
/* ev goes into everything the tab keeps; passes: it also passes the shared filter */
void tui_flame_event(struct tui_flame_data *d, const struct ior_event *ev, bool passes);
/* The same in two parts, for a feed that sums events (tally.h): the cell goes
 * into everything the tab keeps; an event that passes the shared filter into
 * what passes it. */
void tui_flame_cell(struct tui_flame_data *d, const struct ior_cell *c);
void tui_flame_passing(struct tui_flame_data *d, const struct ior_event *ev);
/* The shared filter changed: rebuild what passes from the ring, or drop it. */
void tui_flame_filter_changed(struct tui_flame_data *d, struct tui *ui, bool filtering);
void tui_flame_aggregate(struct tui_flame_data *d, const struct agg_entry *e);
/* The statistics restarted (a new scope): forget what was kept. */
void tui_flame_reset(struct tui_flame_data *d);

/* ---- modals ------------------------------------------------------------------ */

/* tui_select.c: the process (threads false) or thread selector. */
void tui_select_open(struct tui *ui, bool threads);
/* tui_probes.c: the probe dialog. */
void tui_probes_open(struct tui *ui);

#endif /* IOR_TUI_IMPL_H */
