// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 8, Flame: a flamegraph of what the dashboard was fed, root at the
 * bottom, stacked in -fields order and as wide as the -count metric says.
 * The tab keeps its own aggregate of every event (or .ior.zst entry) the
 * model keeps (struct tui_flame_data, fed from tui.c), and when it is on
 * screen and that aggregate or the spec changed, turns it into folded
 * stacks (folded.c: escaping, one frame per directory) and those into the
 * flame tree (flame.c), which keeps the zoom and selection by name. Each
 * frame lays the tree out again; siblings are in name order, so a live
 * graph changes widths but never shuffles.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "flame.h"
#include "folded.h"
#include "tui_impl.h"
#include "tui_stream.h"
#include "util.h"

#define MIN_W 3          /* frames narrower than this many columns become "…" */
#define SHADES 6         /* colours per kind of frame */
#define PAIR_BASE 20     /* colour pairs: kinds x shades, then root, match, merged */
#define PAIR_ROOT (PAIR_BASE + 4 * SHADES)
#define PAIR_MATCH (PAIR_ROOT + 1)
#define PAIR_MERGED (PAIR_ROOT + 2)
#define NAME_CAP 8192    /* bytes of a frame's full name shown */

/*
 * What the tab draws from: every event kept by the dashboard (all), and
 * while the Stream tab's shared filter is on, the events that pass it
 * (filtered: the ring's passing rows, then each new passing event), like
 * the statistics. agg points to the one in use.
 */
struct tui_flame_data {
	struct agg *agg;
	struct agg *all;
	struct agg *filtered;
	unsigned gen;        /* bumped by each reset and filter change */
};

struct flame_tab {
	struct tui *ui;
	struct tui_flame_data data;
	struct folded_spec spec;
	struct flame *fl;
	struct flame_layout lay;
	bool built, stale;   /* stale: the spec changed since the build */
	unsigned built_gen;
	uint64_t built_events;
	size_t built_keys;
	uint64_t built_at_ns, build_ns; /* when the last build ended, what it took */
	int build_err;
	bool colors;
	regex_t re;
	bool re_on;
	char re_src[200];
	bool match_dirty;
	uint64_t match_value; /* the topmost matching frames' values */
	size_t match_frames;
	int off;              /* lowest row shown, in rows above the zoomed frame */
	char *name;           /* NAME_CAP bytes for full names */
	char *shown;          /* 4 * NAME_CAP + 1 bytes for their display form */
};

static const struct tui_help flame_help[] = {
	{ "up / k", "child frame" },
	{ "down / j", "parent frame" },
	{ "left right", "sibling frame (h / l)" },
	{ "enter", "zoom into the frame" },
	{ "esc", "zoom out, then clear /" },
	{ "m / M", "next / previous metric" },
	{ "F", "rotate the stack order" },
	{ "f", "type the stack order" },
	{ "/", "highlight frames (regex)" },
	{ NULL, NULL },
};

/* ---- the feed's copy ------------------------------------------------------ */

void tui_flame_passing(struct tui_flame_data *d, const struct ior_event *ev)
{
	if (d && d->filtered)
		agg_add(d->filtered, ev);
}

void tui_flame_event(struct tui_flame_data *d, const struct ior_event *ev, bool passes)
{
	if (!d || !d->all)
		return;
	agg_add(d->all, ev);
	if (passes)
		tui_flame_passing(d, ev);
}

void tui_flame_cell(struct tui_flame_data *d, const struct ior_cell *c)
{
	if (d && d->all)
		agg_add_cell(d->all, c);
}

void tui_flame_aggregate(struct tui_flame_data *d, const struct agg_entry *e)
{
	if (d && d->all)
		agg_merge_entry(d->all, e);
}

static int add_passing(void *d, const struct ior_event *ev)
{
	tui_flame_passing(d, ev);
	return 0;
}

void tui_flame_filter_changed(struct tui_flame_data *d, struct tui *ui, bool filtering)
{
	if (!d)
		return;
	agg_free(d->filtered);
	d->filtered = filtering ? agg_new(0) : NULL;
	if (d->filtered)
		tui_stream_foreach(ui, add_passing, d);
	d->agg = d->filtered ? d->filtered : d->all;
	d->gen++;
}

void tui_flame_reset(struct tui_flame_data *d)
{
	struct agg *fresh;

	if (!d)
		return;
	fresh = agg_new(0);
	if (!fresh)
		return; /* out of memory: keep showing what there is */
	agg_free(d->all);
	d->all = fresh;
	if (d->filtered) {
		/* a new scope empties the ring too: nothing passes yet */
		agg_free(d->filtered);
		d->filtered = agg_new(0);
	}
	d->agg = d->filtered ? d->filtered : d->all;
	d->gen++;
}

/* ---- colours ---------------------------------------------------------------- */

static void init_colors(struct flame_tab *ft)
{
	/* by kind: comm warm, path yellow-green, syscall blue, other violet */
	static const short pal256[4][SHADES] = {
		{ 203, 209, 167, 215, 173, 210 },
		{ 185, 149, 186, 143, 191, 150 },
		{ 75, 111, 117, 81, 68, 153 },
		{ 141, 183, 177, 146, 139, 182 },
	};
	static const short pal8[4][2] = {
		{ COLOR_RED, COLOR_RED },
		{ COLOR_YELLOW, COLOR_GREEN },
		{ COLOR_CYAN, COLOR_BLUE },
		{ COLOR_WHITE, COLOR_WHITE },
	};
	bool wide = COLORS >= 256;

	ft->colors = ft->ui->colors && COLOR_PAIRS > PAIR_MERGED;
	if (!ft->colors)
		return;
	for (int k = 0; k < 4; k++)
		for (int s = 0; s < SHADES; s++) {
			short bg = wide ? pal256[k][s] : pal8[k][s % 2];
			short fg = !wide && (s % 3 == 1) ? COLOR_WHITE : COLOR_BLACK;

			if (!wide && bg == COLOR_BLUE)
				fg = COLOR_WHITE;
			init_pair((short)(PAIR_BASE + k * SHADES + s), fg, bg);
		}
	init_pair(PAIR_ROOT, COLOR_BLACK, wide ? 250 : COLOR_WHITE);
	init_pair(PAIR_MATCH, COLOR_BLACK, wide ? 201 : COLOR_MAGENTA);
	init_pair(PAIR_MERGED, COLOR_WHITE, wide ? 240 : COLOR_BLACK);
}

/* The same name always gets the same shade. */
static unsigned shade(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % SHADES;
}

static attr_t frame_attr(const struct flame_tab *ft, unsigned kind, const char *name,
			 bool merged, bool match, bool sel)
{
	attr_t a;

	if (!ft->colors) {
		a = merged ? A_NORMAL : A_REVERSE;
		if (match)
			a = A_REVERSE | A_BOLD | A_UNDERLINE;
		return sel ? (a ^ A_REVERSE) | A_BOLD | A_UNDERLINE : a;
	}
	if (match)
		a = COLOR_PAIR(PAIR_MATCH);
	else if (merged)
		a = COLOR_PAIR(PAIR_MERGED);
	else if (kind == FLAME_KIND_ROOT)
		a = COLOR_PAIR(PAIR_ROOT);
	else
		a = COLOR_PAIR(PAIR_BASE + (kind > 3 ? 3 : kind) * SHADES + shade(name));
	return sel ? a | A_REVERSE | A_BOLD : a;
}

/* ---- the model: aggregate -> folded stacks -> tree ------------------------------- */

static void rebuild(struct flame_tab *ft)
{
	uint64_t t0 = util_now_ns(CLOCK_MONOTONIC);
	struct agg *agg = ft->data.agg;
	struct folded *f = folded_new(&ft->spec);
	int rc = f ? 0 : -ENOMEM;

	if (!rc)
		rc = agg_foreach(agg, folded_entry, f);
	if (!rc)
		rc = flame_build(ft->fl, f);
	folded_free(f);
	ft->build_err = rc;
	ft->built = true;
	ft->stale = false;
	ft->built_gen = ft->data.gen;
	ft->built_events = agg_events(agg);
	ft->built_keys = agg_count(agg);
	ft->match_dirty = true;
	ft->built_at_ns = util_now_ns(CLOCK_MONOTONIC);
	ft->build_ns = ft->built_at_ns - t0;
}

/*
 * Rebuilds when the aggregate or the spec changed. New data on a big
 * aggregate (a build of tens of ms) is taken at most a fifth of the time,
 * so keys stay quick.
 */
static void tree_refresh(struct flame_tab *ft)
{
	if (!ft->data.agg)
		return;
	if (ft->built && !ft->stale && ft->built_gen == ft->data.gen) {
		if (ft->built_events == agg_events(ft->data.agg) &&
		    ft->built_keys == agg_count(ft->data.agg))
			return;
		if (util_now_ns(CLOCK_MONOTONIC) - ft->built_at_ns < 4 * ft->build_ns)
			return;
	}
	rebuild(ft);
}

static void flame_snapshot(struct tui *ui, void *st)
{
	struct flame_tab *ft = st;

	(void)ui;
	if (ft)
		tree_refresh(ft);
}

/* The topmost frames matching the regex: their values (no frame counted twice). */
static void match_walk(struct flame_tab *ft, uint32_t id, bool covered)
{
	bool m = false;

	if (id != FLAME_ROOT) {
		flame_full_name(ft->fl, id, ft->name, NAME_CAP);
		m = regexec(&ft->re, ft->name, 0, NULL, 0) == 0;
	}
	if (m) {
		ft->match_frames++;
		if (!covered)
			ft->match_value += flame_value(ft->fl, id);
	}
	for (size_t i = 0; i < flame_nkids(ft->fl, id); i++)
		match_walk(ft, flame_kid(ft->fl, id, i), covered || m);
}

static void update_matches(struct flame_tab *ft)
{
	if (!ft->match_dirty)
		return;
	ft->match_dirty = false;
	ft->match_value = 0;
	ft->match_frames = 0;
	if (ft->re_on)
		match_walk(ft, FLAME_ROOT, false);
}

static bool matches(struct flame_tab *ft, uint32_t id)
{
	if (!ft->re_on || id == FLAME_ROOT)
		return false;
	flame_full_name(ft->fl, id, ft->name, NAME_CAP);
	return regexec(&ft->re, ft->name, 0, NULL, 0) == 0;
}

/* ---- life ---------------------------------------------------------------------- */

/* The stack order as -fields spells it: "comm,path,tracepoint". */
static void fields_list(const struct folded_spec *spec, char *buf, size_t n)
{
	static const char *const names[FOLDED_FIELD_COUNT] = {
		[FOLDED_COMM] = "comm", [FOLDED_PID] = "pid", [FOLDED_TID] = "tid",
		[FOLDED_PATH] = "path", [FOLDED_TRACEPOINT] = "tracepoint", [FOLDED_FLAGS] = "flags",
	};
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < spec->nfields && o + 1 < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? "," : "", names[spec->fields[i]]);
}

static void spec_message(struct flame_tab *ft, const char *what)
{
	char list[128];

	fields_list(&ft->spec, list, sizeof(list));
	tui_message(ft->ui, false, "%s: %s", what,
		    strcmp(what, "metric") == 0 ? folded_metric_name(ft->spec.metric) : list);
}

static void *flame_init(struct tui *ui)
{
	struct flame_tab *ft = calloc(1, sizeof(*ft));
	char err[256];

	if (!ft)
		return NULL;
	ft->ui = ui;
	ft->fl = flame_new();
	ft->data.all = agg_new(0);
	ft->data.agg = ft->data.all;
	ft->name = malloc(NAME_CAP);
	ft->shown = malloc(4 * NAME_CAP + 1);
	if (!ft->fl || !ft->data.agg || !ft->name || !ft->shown) {
		flame_free(ft->fl);
		agg_free(ft->data.all);
		free(ft->name);
		free(ft->shown);
		free(ft);
		return NULL;
	}
	folded_spec_default(&ft->spec);
	if (ui->src->fields && folded_parse_fields(ui->src->fields, &ft->spec, err, sizeof(err)))
		tui_message(ui, true, "Flame: %s", err);
	if (ui->src->count && folded_parse_count(ui->src->count, &ft->spec, err, sizeof(err)))
		tui_message(ui, true, "Flame: %s", err);
	init_colors(ft);
	ui->feed.flame = &ft->data;
	return ft;
}

static void flame_tab_free(void *st)
{
	struct flame_tab *ft = st;

	if (!ft)
		return;
	if (ft->ui->feed.flame == &ft->data)
		ft->ui->feed.flame = NULL;
	if (ft->re_on)
		regfree(&ft->re);
	flame_layout_free(&ft->lay);
	flame_free(ft->fl);
	agg_free(ft->data.all);
	agg_free(ft->data.filtered);
	free(ft->name);
	free(ft->shown);
	free(ft);
}

/* ---- the prompts (stack order, regex) ---------------------------------------------- */

struct prompt {
	struct flame_tab *ft;
	bool regex;          /* else the stack order */
	char buf[200];
	size_t len;
	char err[256];
};

static void set_fields(struct flame_tab *ft, const struct folded_spec *spec)
{
	memcpy(ft->spec.fields, spec->fields, sizeof(spec->fields));
	ft->spec.nfields = spec->nfields;
	ft->stale = true;
	ft->off = 0;
	flame_reset_view(ft->fl);
	spec_message(ft, "stack");
}

/* Applies the prompt; false (with p->err set) if its text is refused. */
static bool prompt_apply(struct prompt *p)
{
	struct flame_tab *ft = p->ft;

	if (!p->regex) {
		struct folded_spec spec = ft->spec;

		if (folded_parse_fields(p->buf, &spec, p->err, sizeof(p->err)))
			return false;
		set_fields(ft, &spec);
		return true;
	}
	if (!p->len) {
		if (ft->re_on)
			regfree(&ft->re);
		ft->re_on = false;
		ft->re_src[0] = '\0';
		tui_message(ft->ui, false, "highlight cleared");
		return true;
	}
	regex_t re;
	int rc = regcomp(&re, p->buf, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		char why[128];

		regerror(rc, &re, why, sizeof(why));
		snprintf(p->err, sizeof(p->err), "not a regular expression: %s", why);
		return false;
	}
	if (ft->re_on)
		regfree(&ft->re);
	ft->re = re;
	ft->re_on = true;
	snprintf(ft->re_src, sizeof(ft->re_src), "%s", p->buf);
	ft->match_dirty = true;
	return true;
}

static unsigned prompt_key(struct tui *ui, void *st, int key)
{
	struct prompt *p = st;

	(void)ui;
	switch (key) {
	case TUI_KEY_ESC:
		return TUI_QUIT;
	case '\r':
	case '\n':
	case KEY_ENTER:
		return prompt_apply(p) ? TUI_QUIT | TUI_RESCAN : TUI_REDRAW;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (p->len)
			p->buf[--p->len] = '\0';
		break;
	case TUI_KEY_CTRL('u'):
		p->len = 0;
		p->buf[0] = '\0';
		break;
	default:
		if (key >= 0x20 && key < 0x7f && p->len + 1 < sizeof(p->buf)) {
			p->buf[p->len++] = (char)key;
			p->buf[p->len] = '\0';
		}
		break;
	}
	p->err[0] = '\0';
	return TUI_REDRAW;
}

static void prompt_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct prompt *p = st;
	const char *label = p->regex ? "regex: " : "stack (bottom to top): ";
	int x = 2 + tui_text(w, 1, 2, wd - 4, tui_attr(ui, TUI_C_DIM), label);
	int room = wd - 4 - x, used;
	const char *shown = p->buf;

	/* typed here, so printable ASCII: one column a byte; the end stays in view */
	if (room > 1 && (int)p->len > room - 1) {
		x += tui_text(w, 1, x, 1, A_BOLD, ui->utf8 ? "\u2026" : "~");
		shown = p->buf + p->len - (size_t)(room - 2);
	}
	used = tui_text(w, 1, x, wd - 3 - x, A_BOLD, shown);

	if (x + used < wd - 2)
		tui_text(w, 1, x + used, 1, A_REVERSE, " ");
	if (p->err[0])
		tui_text(w, 2, 2, wd - 4, tui_attr(ui, TUI_C_WARN), p->err);
	else
		tui_text(w, 2, 2, wd - 4, tui_attr(ui, TUI_C_DIM),
			 p->regex ? "POSIX extended; matches a frame's full name; empty: clear"
				  : "comma-separated: comm, pid, tid, path, tracepoint, flags");
	tui_text(w, h - 1, 2, wd - 4, tui_attr(ui, TUI_C_TITLE), " enter apply  esc cancel ");
}

static void prompt_free(void *st)
{
	free(st);
}

static const struct tui_modal fields_modal = {
	.title = "Flame: stack order",
	.key = prompt_key,
	.draw = prompt_draw,
	.free = prompt_free,
	.want_h = 5,
	.want_w = 76,
};

static const struct tui_modal regex_modal = {
	.title = "Flame: highlight frames matching",
	.key = prompt_key,
	.draw = prompt_draw,
	.free = prompt_free,
	.want_h = 5,
	.want_w = 76,
};

static void prompt_open(struct flame_tab *ft, bool regex)
{
	struct prompt *p = calloc(1, sizeof(*p));

	if (!p) {
		tui_message(ft->ui, true, "out of memory");
		return;
	}
	p->ft = ft;
	p->regex = regex;
	if (regex)
		snprintf(p->buf, sizeof(p->buf), "%s", ft->re_src);
	else
		fields_list(&ft->spec, p->buf, sizeof(p->buf));
	p->len = strlen(p->buf);
	tui_open_modal(ft->ui, regex ? &regex_modal : &fields_modal, p);
}

/* ---- keys ------------------------------------------------------------------------------ */

static unsigned flame_key(struct tui *ui, void *st, int key)
{
	struct flame_tab *ft = st;
	enum flame_move mv;

	(void)ui;
	if (!ft)
		return 0;
	switch (key) {
	case KEY_UP:
	case 'k':
		mv = FLAME_MOVE_UP;
		break;
	case KEY_DOWN:
	case 'j':
		mv = FLAME_MOVE_DOWN;
		break;
	case KEY_LEFT:
	case 'h':
		mv = FLAME_MOVE_LEFT;
		break;
	case KEY_RIGHT:
	case 'l':
		mv = FLAME_MOVE_RIGHT;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		flame_zoom_in(ft->fl);
		return TUI_REDRAW;
	case TUI_KEY_ESC:
		if (!flame_zoom_out(ft->fl) && ft->re_on) {
			regfree(&ft->re);
			ft->re_on = false;
			ft->re_src[0] = '\0';
			tui_message(ft->ui, false, "highlight cleared");
		}
		return TUI_REDRAW;
	case 'm':
	case 'M':
		ft->spec.metric = (enum folded_metric)(((int)ft->spec.metric + (key == 'm' ? 1 : 3)) % 4);
		ft->stale = true;
		spec_message(ft, "metric");
		return TUI_RESCAN;
	case 'F': {
		struct folded_spec spec = ft->spec;

		if (spec.nfields > 1) {
			enum folded_field first = spec.fields[0];

			memmove(spec.fields, spec.fields + 1, (spec.nfields - 1) * sizeof(spec.fields[0]));
			spec.fields[spec.nfields - 1] = first;
		}
		set_fields(ft, &spec);
		return TUI_RESCAN;
	}
	case 'f':
	case '/':
		prompt_open(ft, key == '/');
		return TUI_REDRAW;
	default:
		return 0;
	}
	flame_move(ft->fl, mv);
	return TUI_REDRAW;
}

/* ---- drawing ----------------------------------------------------------------------------- */

/* A frame name (already escaped by folded.c) as the terminal can show it. */
static const char *display(struct flame_tab *ft, const char *s)
{
	size_t o = 0;

	if (ft->ui->utf8)
		return s;
	for (; *s && o + 5 < 4 * NAME_CAP + 1; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x80)
			ft->shown[o++] = (char)c;
		else
			o += (size_t)snprintf(ft->shown + o, 5, "\\x%02x", c);
	}
	ft->shown[o] = '\0';
	return ft->shown;
}

static void fmt_value(const struct flame_tab *ft, char *buf, size_t n, uint64_t v, bool exact)
{
	char human[32];

	switch (ft->spec.metric) {
	case FOLDED_DURATION:
	case FOLDED_DURATION_TO_PREV:
		tui_fmt_dur(human, sizeof(human), v);
		if (exact)
			snprintf(buf, n, "%llu ns (%s)", (unsigned long long)v, human);
		else
			snprintf(buf, n, "%s", human);
		return;
	case FOLDED_BYTES:
		tui_fmt_bytes(human, sizeof(human), v);
		if (exact)
			snprintf(buf, n, "%llu bytes (%s)", (unsigned long long)v, human);
		else
			snprintf(buf, n, "%s", human);
		return;
	case FOLDED_COUNT:
	default:
		tui_fmt_count(human, sizeof(human), v);
		if (!exact)
			snprintf(buf, n, "%s events", human);
		else if (v >= 1000000)
			snprintf(buf, n, "%llu events (%s)", (unsigned long long)v, human);
		else
			snprintf(buf, n, "%llu events", (unsigned long long)v);
		return;
	}
}

static double pct(uint64_t v, uint64_t of)
{
	return of ? 100.0 * (double)v / (double)of : 0.0;
}

static const char *kind_label(unsigned kind)
{
	switch (kind) {
	case FOLDED_KIND_COMM:
		return "comm ";
	case FOLDED_KIND_PATH:
		return "path ";
	case FOLDED_KIND_SYSCALL:
		return "syscall ";
	default:
		return "";
	}
}

/*
 * The zoomed frames from the root up, " > " between them, into ft->name;
 * when longer than room bytes the frames nearest the root give way to "...".
 */
static void zoom_chain(struct flame_tab *ft, size_t room)
{
	char *buf = ft->name;
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t a = flame_zoomed(ft->fl); a != FLAME_ROOT; a = flame_parent(ft->fl, a)) {
		const char *nm = flame_name(ft->fl, a);
		size_t nl = strlen(nm), sep = len ? 3 : 0;

		if (len + nl + sep + 8 > NAME_CAP || (len && len + nl + sep + 6 > room)) {
			memmove(buf + 6, buf, len + 1);
			memcpy(buf, "... > ", 6);
			return;
		}
		memmove(buf + nl + sep, buf, len + 1);
		memcpy(buf, nm, nl);
		if (sep)
			memcpy(buf + nl, " > ", 3);
		len += nl + sep;
	}
}

/* Row 0: the metric, the stack order, the total; the zoom and search on row 1 when set. */
static int draw_title(struct tui *ui, struct flame_tab *ft, WINDOW *w, int wd)
{
	char total[64], list[128], buf[256];
	int y = 1, x;

	fields_list(&ft->spec, list, sizeof(list));
	fmt_value(ft, total, sizeof(total), flame_total(ft->fl), false);
	snprintf(buf, sizeof(buf), " metric: %s  stack: %s  total: %s",
		 folded_metric_name(ft->spec.metric), list, total);
	tui_text(w, 0, 0, wd, A_BOLD, buf);
	if (flame_zoomed(ft->fl) == FLAME_ROOT && !ft->re_on)
		return 1;
	x = 1;
	if (ft->re_on) {
		update_matches(ft);
		/* the regex was typed here: printable ASCII only */
		snprintf(buf, sizeof(buf), "search \"%.40s\": %zu frames, %.1f%% of all  ", ft->re_src,
			 ft->match_frames, pct(ft->match_value, flame_total(ft->fl)));
		x += tui_text(w, y, x, wd - x, tui_attr(ui, TUI_C_TITLE), buf);
	}
	if (flame_zoomed(ft->fl) != FLAME_ROOT) {
		x += tui_text(w, y, x, wd - x, tui_attr(ui, TUI_C_DIM), "zoom: ");
		zoom_chain(ft, wd - x > 0 ? (size_t)(wd - x) : 0);
		tui_text(w, y, x, wd - x, A_NORMAL, display(ft, ft->name));
	}
	return 2;
}

static void draw_status(struct tui *ui, struct flame_tab *ft, WINDOW *w, int y, int wd, bool hidden)
{
	uint32_t sel = flame_selected(ft->fl), z = flame_zoomed(ft->fl);
	uint64_t v = flame_value(ft->fl, sel);
	attr_t a = tui_attr(ui, TUI_C_SEL);
	char val[96], tail[192];
	size_t tl;
	int x, room;

	tui_fill(w, y, 0, wd, a);
	flame_full_name(ft->fl, sel, ft->name, NAME_CAP);
	fmt_value(ft, val, sizeof(val), v, true);
	snprintf(tail, sizeof(tail), " | %s | %.2f%% of all", val, pct(v, flame_total(ft->fl)));
	tl = strlen(tail);
	if (z != FLAME_ROOT)
		snprintf(tail + tl, sizeof(tail) - tl, " | %.2f%% of zoom", pct(v, flame_value(ft->fl, z)));
	tl = strlen(tail);
	if (hidden)
		snprintf(tail + tl, sizeof(tail) - tl, " | too narrow to draw");
	x = tui_text(w, y, 0, wd, a | A_BOLD, " > ");
	x += tui_text(w, y, x, wd - x, a, kind_label(flame_kind(ft->fl, sel)));
	/* the value and shares always show; a long name gives way */
	room = wd - x - (int)strlen(tail);
	if (room < 8)
		room = 8;
	x += tui_text(w, y, x, room, a | A_BOLD, display(ft, ft->name));
	tui_text(w, y, x, wd - x, a, tail);
}

static void draw_cell(struct tui *ui, struct flame_tab *ft, WINDOW *w, int y,
		      const struct flame_cell *c, bool sel)
{
	bool merged = c->nmerged > 0, match = false;
	unsigned kind = flame_kind(ft->fl, c->node);
	const char *name = flame_name(ft->fl, c->node);
	int tw = c->w >= 2 ? c->w - 1 : c->w; /* the last column is the gap between frames */
	attr_t a;

	(void)ui;
	if (merged) {
		uint32_t p = flame_parent(ft->fl, c->node);

		for (size_t i = flame_index(ft->fl, c->node);
		     ft->re_on && i <= flame_index(ft->fl, c->last) && !match; i++)
			match = matches(ft, flame_kid(ft->fl, p, i));
	} else {
		match = matches(ft, c->node);
	}
	a = frame_attr(ft, kind, name, merged, match, sel);
	tui_fill(w, y, c->x, tw, a);
	if (merged) {
		/* "… 40 frames", "…40" or "…", whichever fits (the mark is one column) */
		const char *mark = ft->ui->utf8 ? "\u2026" : "+";
		char lbl[48];

		snprintf(lbl, sizeof(lbl), "%s %u frame%s", mark, c->nmerged, c->nmerged > 1 ? "s" : "");
		if ((int)strlen(lbl) - (int)strlen(mark) + 1 > tw)
			snprintf(lbl, sizeof(lbl), "%s%u", mark, c->nmerged);
		if ((int)strlen(lbl) - (int)strlen(mark) + 1 > tw)
			snprintf(lbl, sizeof(lbl), "%s", mark);
		tui_text(w, y, c->x, tw, a, lbl);
		return;
	}
	if (c->depth == 0 && c->node != FLAME_ROOT) {
		flame_full_name(ft->fl, c->node, ft->name, NAME_CAP);
		name = ft->name;
	}
	tui_text(w, y, c->x, tw, a, display(ft, name));
}

static void flame_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct flame_tab *ft = st;
	uint32_t sel;
	long selc;
	int top, rows, sd, bottom;

	if (!ft) {
		tui_text(w, 1, 1, wd - 2, tui_attr(ui, TUI_C_WARN), "Flame: out of memory");
		return;
	}
	/*
	 * A snapshot skipped for its cost is caught up here, at the latest by
	 * the idle frame a second later: data that stopped arriving right
	 * after it would otherwise never show. Only the tab's own tree changes.
	 */
	tree_refresh(ft);
	if (ft->build_err) {
		tui_textf(w, 1, 1, wd - 2, tui_attr(ui, TUI_C_WARN), "cannot build the flamegraph: %s",
			  strerror(-ft->build_err));
		return;
	}
	if (!flame_total(ft->fl)) {
		draw_title(ui, ft, w, wd);
		if (!agg_events(ft->data.agg))
			tui_text(w, 2, 1, wd - 2, tui_attr(ui, TUI_C_DIM), "nothing traced yet");
		else
			tui_textf(w, 2, 1, wd - 2, tui_attr(ui, TUI_C_DIM),
				  "no stack has any %s: m switches the metric",
				  folded_metric_name(ft->spec.metric));
		return;
	}
	top = h >= 4 ? draw_title(ui, ft, w, wd) : 0;
	bottom = h - 2;        /* the zoomed frame's row; the status line below it */
	rows = bottom - top + 1;
	if (rows < 1 || flame_layout(ft->fl, wd, MIN_W, &ft->lay)) {
		if (h >= 1)
			draw_status(ui, ft, w, h - 1, wd, false);
		return;
	}
	sel = flame_selected(ft->fl);
	selc = flame_layout_find(&ft->lay, ft->fl, sel);
	sd = (int)(flame_depth(ft->fl, sel) - flame_depth(ft->fl, flame_zoomed(ft->fl)));
	/* the rows shown follow the selection; no blank rows above the top frame */
	if (ft->off > ft->lay.rows - rows)
		ft->off = ft->lay.rows - rows;
	if (ft->off < 0)
		ft->off = 0;
	if (sd < ft->off)
		ft->off = sd;
	if (sd >= ft->off + rows)
		ft->off = sd - rows + 1;
	for (size_t i = 0; i < ft->lay.n; i++) {
		const struct flame_cell *c = &ft->lay.cells[i];

		if (c->depth < ft->off || c->depth >= ft->off + rows)
			continue;
		draw_cell(ui, ft, w, bottom - (c->depth - ft->off), c, (long)i == selc);
	}
	if (ft->lay.rows > rows) {
		char rr[48];

		snprintf(rr, sizeof(rr), " rows %d-%d of %d ", ft->off + 1,
			 ft->off + rows < ft->lay.rows ? ft->off + rows : ft->lay.rows, ft->lay.rows);
		tui_text(w, 0, wd - (int)strlen(rr), (int)strlen(rr), tui_attr(ui, TUI_C_DIM), rr);
	}
	draw_status(ui, ft, w, h - 1, wd, selc < 0 || ft->lay.cells[selc].nmerged > 0);
}

const struct tui_tab tui_tab_flame = {
	.name = "Flame",
	.short_name = "Flame",
	.hotkey = '8',
	.init = flame_init,
	.free = flame_tab_free,
	.key = flame_key,
	.snapshot = flame_snapshot,
	.draw = flame_draw,
	.help = flame_help,
};
