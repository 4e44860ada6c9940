// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 4, Processes: one row per process (tgid) with its latest name and its
 * count, total/average/maximum duration, total gap, bytes and errors. A
 * sortable table (tui_table.c) over STATS_VIEW_PROCS.
 */
#include <stdlib.h>

#include "tui_impl.h"

static const struct tui_col cols[] = {
	{ "PID", TUI_COL_PID, 7, false, 0 },
	{ "COMM", TUI_COL_NAME, 0, false, 15 },
	{ "COUNT", TUI_COL_COUNT, 8, false, 0 },
	{ "TOTAL", TUI_COL_DUR, 8, false, 0 },
	{ "AVG", TUI_COL_AVG, 7, false, 0 },
	{ "MAX", TUI_COL_MAX, 7, true, 0 },
	{ "GAP", TUI_COL_GAP, 8, false, 0 },
	{ "BYTES", TUI_COL_BYTES, 7, false, 0 },
	{ "ERRORS", TUI_COL_ERRORS, 6, false, 0 },
};
#define NCOLS ((int)(sizeof(cols) / sizeof(cols[0])))

static void *procs_init(struct tui *ui)
{
	struct tui_table *t = calloc(1, sizeof(*t));

	(void)ui;
	if (t)
		tui_table_init(t, cols, NCOLS, STATS_VIEW_PROCS, 2);
	return t;
}

static void procs_free(void *st)
{
	if (st)
		tui_table_free(st);
	free(st);
}

static unsigned procs_key(struct tui *ui, void *st, int key)
{
	(void)ui;
	return st ? tui_table_key(st, key) : 0;
}

static void procs_snapshot(struct tui *ui, void *st)
{
	if (st)
		tui_table_refresh(st, ui->stats);
}

static void procs_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	if (st)
		tui_table_draw(ui, st, w, 0, h, wd);
}

const struct tui_tab tui_tab_procs = {
	.name = "Processes",
	.short_name = "Proc",
	.hotkey = '4',
	.init = procs_init,
	.free = procs_free,
	.key = procs_key,
	.snapshot = procs_snapshot,
	.draw = procs_draw,
	.help = tui_table_help,
};
