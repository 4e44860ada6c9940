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
	(void)ui;
	return tui_table_new(cols, NCOLS, STATS_VIEW_PROCS, 2);
}

const struct tui_tab tui_tab_procs = {
	.name = "Processes",
	.short_name = "Proc",
	.hotkey = '4',
	.init = procs_init,
	.free = tui_table_tab_free,
	.key = tui_table_tab_key,
	.snapshot = tui_table_tab_snapshot,
	.draw = tui_table_tab_draw,
	.help = tui_table_help,
};
