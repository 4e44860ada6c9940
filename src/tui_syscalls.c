// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 2, Syscalls: one row per traced syscall that occurred, with its
 * family, count, total/average/maximum duration, total gap, bytes and
 * errors (ret < 0). A sortable table (tui_table.c) over STATS_VIEW_SYSCALLS.
 */
#include <stdlib.h>

#include "tui_impl.h"

static const struct tui_col cols[] = {
	{ "SYSCALL", TUI_COL_NAME, 0, false, 14 },
	{ "FAMILY", TUI_COL_FAMILY, 6, true, 0 },
	{ "COUNT", TUI_COL_COUNT, 8, false, 0 },
	{ "TOTAL", TUI_COL_DUR, 8, false, 0 },
	{ "AVG", TUI_COL_AVG, 7, false, 0 },
	{ "MAX", TUI_COL_MAX, 7, true, 0 },
	{ "GAP", TUI_COL_GAP, 8, false, 0 },
	{ "BYTES", TUI_COL_BYTES, 7, false, 0 },
	{ "ERRORS", TUI_COL_ERRORS, 6, false, 0 },
};
#define NCOLS ((int)(sizeof(cols) / sizeof(cols[0])))

static void *syscalls_init(struct tui *ui)
{
	(void)ui;
	return tui_table_new(cols, NCOLS, STATS_VIEW_SYSCALLS, 2);
}

const struct tui_tab tui_tab_syscalls = {
	.name = "Syscalls",
	.short_name = "Sys",
	.hotkey = '2',
	.init = syscalls_init,
	.free = tui_table_tab_free,
	.key = tui_table_tab_key,
	.snapshot = tui_table_tab_snapshot,
	.draw = tui_table_tab_draw,
	.help = tui_table_help,
};
