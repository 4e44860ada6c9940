// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 6, Stream (7 is an alias): the slot of the live stream of syscall
 * rows. Until the Stream issue fills it this says what will be here; for an
 * aggregated recording it says the file has no rows.
 */
#include "tui_impl.h"

static const struct tui_help stream_help[] = {
	{ "(later)", "pause, filter, search, export" },
	{ NULL, NULL },
};

static void stream_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	static const char *const lines[] = {
		"The Stream tab will show every traced syscall as a row, live or paused,",
		"with column selection, a stack of filters, regex search and CSV export;",
		"`e` (CSV export) and `R` (Parquet recording) come with it.",
		"It is not in this build yet.",
	};
	int y = h / 2 - 3 > 1 ? h / 2 - 3 : 1;

	(void)st;
	tui_text(w, y++, 2, wd - 4, tui_attr(ui, TUI_C_TITLE), "6 Stream");
	y++;
	if (ui->src->kind == TUI_SOURCE_AGGREGATE) {
		tui_text(w, y, 2, wd - 4, A_NORMAL,
			 "This recording is aggregated (.ior.zst): it has no rows to stream.");
		return;
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) && y < h; i++)
		tui_text(w, y++, 2, wd - 4, A_NORMAL, lines[i]);
}

const struct tui_tab tui_tab_stream = {
	.name = "Stream",
	.short_name = "Strm",
	.hotkey = '6',
	.draw = stream_draw,
	.help = stream_help,
};
