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
	struct tui_table *t = calloc(1, sizeof(*t));

	(void)ui;
	if (t)
		tui_table_init(t, cols, NCOLS, STATS_VIEW_SYSCALLS, 2);
	return t;
}

static void syscalls_free(void *st)
{
	if (st)
		tui_table_free(st);
	free(st);
}

static unsigned syscalls_key(struct tui *ui, void *st, int key)
{
	(void)ui;
	return st ? tui_table_key(st, key) : 0;
}

static void syscalls_snapshot(struct tui *ui, void *st)
{
	if (st)
		tui_table_refresh(st, ui->stats);
}

static void syscalls_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	if (st)
		tui_table_draw(ui, st, w, 0, h, wd);
}

const struct tui_tab tui_tab_syscalls = {
	.name = "Syscalls",
	.short_name = "Sys",
	.hotkey = '2',
	.init = syscalls_init,
	.free = syscalls_free,
	.key = syscalls_key,
	.snapshot = syscalls_snapshot,
	.draw = syscalls_draw,
	.help = tui_table_help,
};
