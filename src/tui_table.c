// SPDX-License-Identifier: GPL-2.0
/*
 * The sortable table widget behind the Syscalls, Files and Processes tabs.
 * It owns a snapshot of one stats view (struct stats_table), the selected
 * column, the sort column and direction, and the selected row, which
 * follows its key (name, id) from one snapshot to the next. Only the rows
 * that fit the window are drawn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"
#include "tui_impl.h"

#define NAME_MIN 12 /* columns the flexible column keeps before optional ones go */

const struct tui_help tui_table_help[] = {
	{ "h/l", "(or left/right) column" },
	{ "s", "sort by it, default order" },
	{ "S", "sort by it, reversed" },
	{ "j/k", "(or up/down) move" },
	{ "PgUp PgDn", "page; Home/End: ends" },
	{ NULL, NULL },
};

static enum stats_key col_key(enum tui_col_kind k)
{
	switch (k) {
	case TUI_COL_NAME: return STATS_KEY_NAME;
	case TUI_COL_PID:
	case TUI_COL_FAMILY:
	case TUI_COL_NFILES: return STATS_KEY_ID;
	case TUI_COL_COUNT: return STATS_KEY_COUNT;
	case TUI_COL_DUR: return STATS_KEY_DUR;
	case TUI_COL_AVG: return STATS_KEY_AVG;
	case TUI_COL_MAX: return STATS_KEY_MAX;
	case TUI_COL_GAP: return STATS_KEY_GAP;
	case TUI_COL_BYTES: return STATS_KEY_BYTES;
	case TUI_COL_ERRORS: return STATS_KEY_ERRORS;
	}
	return STATS_KEY_COUNT;
}

/* Family sorts A-Z like a name; every other number high first. */
static bool col_default_desc(enum tui_col_kind k)
{
	return k != TUI_COL_FAMILY && stats_key_default_desc(col_key(k));
}

void tui_table_init(struct tui_table *t, const struct tui_col *cols, int ncols,
		    enum stats_view view, int sort_col)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
	t->view = view;
	t->sel_col = sort_col;
	t->sort_col = sort_col;
	t->sort_desc = col_default_desc(cols[sort_col].kind);
	t->page = 10;
}

void tui_table_free(struct tui_table *t)
{
	stats_table_free(&t->data);
	free(t->sel_name);
	t->sel_name = NULL;
}

void tui_table_set_view(struct tui_table *t, const struct tui_col *cols, int ncols,
			enum stats_view view)
{
	enum tui_col_kind sort_kind = t->cols[t->sort_col].kind;
	enum tui_col_kind sel_kind = t->cols[t->sel_col].kind;

	t->cols = cols;
	t->ncols = ncols;
	t->view = view;
	t->sort_col = t->sel_col = 0;
	for (int i = 0; i < ncols; i++) {
		if (cols[i].kind == sort_kind)
			t->sort_col = i;
		if (cols[i].kind == sel_kind)
			t->sel_col = i;
	}
	t->sel = t->top = 0;
	free(t->sel_name);
	t->sel_name = NULL;
}

static void remember(struct tui_table *t)
{
	const struct stats_row *r = tui_table_selected(t);

	free(t->sel_name);
	t->sel_name = r ? strdup(r->name) : NULL;
	t->sel_id = r ? r->id : 0;
}

static void sort_rows(struct tui_table *t)
{
	enum tui_col_kind k = t->cols[t->sort_col].kind;

	if (k == TUI_COL_FAMILY) {
		/* the syscall table is ordered by family: its index sorts by family */
		stats_table_sort(&t->data, STATS_KEY_ID, t->sort_desc);
		return;
	}
	stats_table_sort(&t->data, col_key(k), t->sort_desc);
}

void tui_table_refresh(struct tui_table *t, const struct stats *s)
{
	t->snap_err = stats_snapshot(s, t->view, &t->data);
	sort_rows(t);
	if (t->sel_name) {
		long at = stats_table_find(&t->data, t->sel_name, t->sel_id);

		if (at >= 0)
			t->sel = at;
	}
	if (t->sel >= (long)t->data.n)
		t->sel = t->data.n ? (long)t->data.n - 1 : 0;
	if (t->sel < 0)
		t->sel = 0;
	if (!t->sel_name)
		remember(t);
}

const struct stats_row *tui_table_selected(const struct tui_table *t)
{
	return t->sel >= 0 && (size_t)t->sel < t->data.n ? &t->data.rows[t->sel] : NULL;
}

static unsigned move_sel(struct tui_table *t, long to)
{
	long n = (long)t->data.n;

	if (to >= n)
		to = n - 1;
	if (to < 0)
		to = 0;
	t->sel = to;
	remember(t);
	return TUI_REDRAW;
}

unsigned tui_table_key(struct tui_table *t, int key)
{
	int page = t->page > 1 ? t->page - 1 : 1;

	switch (key) {
	case 's':
	case 'S':
		t->sort_col = t->sel_col;
		t->sort_desc = col_default_desc(t->cols[t->sel_col].kind) ^ (key == 'S');
		sort_rows(t);
		/* the view starts at the top of the new order, selection on its first row */
		t->top = 0;
		return move_sel(t, 0) | TUI_RESCAN;
	case KEY_LEFT:
	case 'h':
		if (t->sel_col > 0)
			t->sel_col--;
		return TUI_REDRAW;
	case KEY_RIGHT:
	case 'l':
		if (t->sel_col < t->ncols - 1)
			t->sel_col++;
		return TUI_REDRAW;
	case KEY_DOWN:
	case 'j':
		return move_sel(t, t->sel + 1);
	case KEY_UP:
	case 'k':
		return move_sel(t, t->sel - 1);
	case KEY_NPAGE:
	case ' ':
		return move_sel(t, t->sel + page);
	case KEY_PPAGE:
		return move_sel(t, t->sel - page);
	case KEY_HOME:
		return move_sel(t, 0);
	case KEY_END:
		return move_sel(t, (long)t->data.n - 1);
	}
	return 0;
}

static void cell(const struct tui_col *c, const struct stats_row *r, char *buf, size_t n)
{
	switch (c->kind) {
	case TUI_COL_NAME:
		buf[0] = '\0';
		break;
	case TUI_COL_PID:
		if (r->other)
			snprintf(buf, n, "-");
		else
			snprintf(buf, n, "%llu", (unsigned long long)r->id);
		break;
	case TUI_COL_FAMILY:
		snprintf(buf, n, "%s",
			 r->id < IOR_SC_COUNT ? ior_family_name(ior_syscalls[r->id].family) : "-");
		break;
	case TUI_COL_NFILES:
		tui_fmt_count(buf, n, r->id);
		break;
	case TUI_COL_COUNT:
		tui_fmt_count(buf, n, r->v.count);
		break;
	case TUI_COL_DUR:
		tui_fmt_dur(buf, n, r->v.dur_ns);
		break;
	case TUI_COL_AVG:
		tui_fmt_dur(buf, n, stats_avg(&r->v));
		break;
	case TUI_COL_MAX:
		tui_fmt_dur(buf, n, r->v.dur_max_ns);
		break;
	case TUI_COL_GAP:
		tui_fmt_dur(buf, n, r->v.gap_ns);
		break;
	case TUI_COL_BYTES:
		tui_fmt_bytes(buf, n, r->v.bytes);
		break;
	case TUI_COL_ERRORS:
		tui_fmt_count(buf, n, r->v.errors);
		break;
	}
}

static bool col_left(const struct tui_col *c)
{
	return c->kind == TUI_COL_NAME || c->kind == TUI_COL_FAMILY;
}

/* Decides which columns show and their widths; returns the count laid out. */
static int layout(const struct tui_table *t, int wd, int *show, int *width)
{
	bool drop_optional = false;

	for (;;) {
		int fixed = 0, n = 0, flex = -1;

		for (int i = 0; i < t->ncols; i++) {
			if (drop_optional && t->cols[i].optional && i != t->sel_col &&
			    i != t->sort_col)
				continue;
			show[n] = i;
			width[n] = t->cols[i].width;
			if (!t->cols[i].width)
				flex = n;
			fixed += t->cols[i].width + (n ? 1 : 0);
			n++;
		}
		if (flex >= 0) {
			width[flex] = wd - fixed - 1;
			if (width[flex] < (t->cols[show[flex]].min ? t->cols[show[flex]].min : NAME_MIN) &&
			    !drop_optional) {
				drop_optional = true;
				continue;
			}
			if (width[flex] < 1)
				width[flex] = 1;
		}
		return n;
	}
}

void tui_table_draw(struct tui *ui, struct tui_table *t, WINDOW *w, int y, int h, int wd)
{
	int show[32], width[32], n, x;
	char buf[64];
	attr_t head = tui_attr(ui, TUI_C_HEAD), sel = tui_attr(ui, TUI_C_SEL);

	if (h < 2)
		return;
	n = layout(t, wd, show, width);
	/* header: the selected column highlighted, the sort column with its arrow */
	tui_fill(w, y, 0, wd, head);
	x = 0;
	for (int i = 0; i < n; i++) {
		const struct tui_col *c = &t->cols[show[i]];
		attr_t a = show[i] == t->sel_col ? tui_attr(ui, TUI_C_COLSEL) : head;
		const char *arrow = "";

		if (show[i] == t->sort_col)
			arrow = ui->utf8 ? (t->sort_desc ? "\u25bc" : "\u25b2") : (t->sort_desc ? "v" : "^");
		snprintf(buf, sizeof(buf), "%s%s", c->title, arrow);
		{
			int len = (int)strlen(c->title) + (*arrow ? 1 : 0);

			/* the selected column is highlighted over its whole width */
			if (show[i] == t->sel_col)
				tui_fill(w, y, x, width[i], a);
			tui_text(w, y, col_left(c) || len >= width[i] ? x : x + width[i] - len,
				 width[i], a, buf);
		}
		x += width[i] + 1;
	}
	h--;
	y++;
	t->page = h;
	if (t->data.n == 0) {
		tui_text(w, y + 1, 1, wd - 2, tui_attr(ui, TUI_C_DIM),
			 t->snap_err ? "out of memory for the table" : "nothing traced yet");
		return;
	}
	/* keep the selection in view */
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	if (t->top > (long)t->data.n - h)
		t->top = (long)t->data.n - h;
	if (t->top < 0)
		t->top = 0;
	for (int r = 0; r < h && t->top + r < (long)t->data.n; r++) {
		const struct stats_row *row = &t->data.rows[t->top + r];
		bool is_sel = t->top + r == t->sel;
		attr_t a = is_sel ? sel : A_NORMAL;

		if (is_sel)
			tui_fill(w, y + r, 0, wd, sel);
		x = 0;
		for (int i = 0; i < n; i++) {
			const struct tui_col *c = &t->cols[show[i]];

			if (c->kind == TUI_COL_NAME) {
				/* paths keep their end; "[other]" is ours, not a traced name */
				tui_name(w, y + r, x, width[i],
					 row->other ? (a | tui_attr(ui, TUI_C_DIM)) : a, row->name,
					 t->view == STATS_VIEW_FILES || t->view == STATS_VIEW_DIRS,
					 false);
			} else {
				int len;
				attr_t ca = a;

				cell(c, row, buf, sizeof(buf));
				/* a recording of aggregates (.ior.zst) keeps no error count:
				 * unknown, never a false 0 */
				if (c->kind == TUI_COL_ERRORS && stats_totals(ui->stats)->aggregated)
					snprintf(buf, sizeof(buf), "n/a");
				len = (int)strlen(buf);
				if (c->kind == TUI_COL_ERRORS && row->v.errors && !is_sel)
					ca = tui_attr(ui, TUI_C_WARN);
				tui_text(w, y + r, col_left(c) || len >= width[i] ? x : x + width[i] - len,
					 width[i], ca, buf);
			}
			x += width[i] + 1;
		}
	}
}

struct tui_table *tui_table_new(const struct tui_col *cols, int ncols, enum stats_view view,
				int sort_col)
{
	struct tui_table *t = calloc(1, sizeof(*t));

	if (t)
		tui_table_init(t, cols, ncols, view, sort_col);
	return t;
}

void tui_table_tab_free(void *st)
{
	if (st)
		tui_table_free(st);
	free(st);
}

unsigned tui_table_tab_key(struct tui *ui, void *st, int key)
{
	(void)ui;
	return st ? tui_table_key(st, key) : 0;
}

void tui_table_tab_snapshot(struct tui *ui, void *st)
{
	if (st)
		tui_table_refresh(st, ui->stats);
}

void tui_table_tab_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	if (st)
		tui_table_draw(ui, st, w, 0, h, wd);
}
