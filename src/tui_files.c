// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 3, Files: one row per path (or, after `d`, per directory: the files'
 * values summed by dirname, with the number of files) with count,
 * total/average/maximum duration, total gap, bytes and errors. A sortable
 * table (tui_table.c) over STATS_VIEW_FILES or STATS_VIEW_DIRS; long paths
 * keep their end.
 */
#include <stdlib.h>

#include "tui_impl.h"

static const struct tui_col file_cols[] = {
	{ "COUNT", TUI_COL_COUNT, 8, false, 0 },
	{ "TOTAL", TUI_COL_DUR, 8, false, 0 },
	{ "AVG", TUI_COL_AVG, 7, false, 0 },
	{ "MAX", TUI_COL_MAX, 7, true, 0 },
	{ "GAP", TUI_COL_GAP, 8, false, 0 },
	{ "BYTES", TUI_COL_BYTES, 7, false, 0 },
	{ "ERRORS", TUI_COL_ERRORS, 6, false, 0 },
	{ "FILE", TUI_COL_NAME, 0, false, 28 },
};

static const struct tui_col dir_cols[] = {
	{ "COUNT", TUI_COL_COUNT, 8, false, 0 },
	{ "TOTAL", TUI_COL_DUR, 8, false, 0 },
	{ "AVG", TUI_COL_AVG, 7, true, 0 },
	{ "MAX", TUI_COL_MAX, 7, true, 0 },
	{ "GAP", TUI_COL_GAP, 8, false, 0 },
	{ "BYTES", TUI_COL_BYTES, 7, false, 0 },
	{ "ERRORS", TUI_COL_ERRORS, 6, false, 0 },
	{ "FILES", TUI_COL_NFILES, 6, false, 0 },
	{ "DIRECTORY", TUI_COL_NAME, 0, false, 28 },
};
#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct tui_help files_help[] = {
	{ "d", "group by directory or not" },
	{ "h/l", "(or left/right) column" },
	{ "s", "sort by it, default order" },
	{ "S", "sort by it, reversed" },
	{ "j/k", "(or up/down) move" },
	{ "PgUp PgDn", "page; Home/End: ends" },
	{ NULL, NULL },
};

static void *files_init(struct tui *ui)
{
	(void)ui;
	return tui_table_new(file_cols, NCOLS(file_cols), STATS_VIEW_FILES, 0);
}

static unsigned files_key(struct tui *ui, void *st, int key)
{
	struct tui_table *t = st;

	if (!t)
		return 0;
	if (key == 'd') {
		if (t->view == STATS_VIEW_FILES)
			tui_table_set_view(t, dir_cols, NCOLS(dir_cols), STATS_VIEW_DIRS);
		else
			tui_table_set_view(t, file_cols, NCOLS(file_cols), STATS_VIEW_FILES);
		tui_message(ui, false, "%s", t->view == STATS_VIEW_DIRS ? "files grouped by directory"
								      : "single files");
		return TUI_RESCAN;
	}
	return tui_table_key(t, key);
}

const struct tui_tab tui_tab_files = {
	.name = "Files",
	.short_name = "Files",
	.hotkey = '3',
	.init = files_init,
	.free = tui_table_tab_free,
	.key = files_key,
	.snapshot = tui_table_tab_snapshot,
	.draw = tui_table_tab_draw,
	.help = files_help,
};
