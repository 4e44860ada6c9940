// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 8, Flame: the slot of the interactive flamegraph. Until the Flame
 * issue fills it this says what will be here.
 */
#include "tui_impl.h"

static void flame_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	static const char *const lines[] = {
		"The Flame tab will draw a flamegraph of where the time goes, stacked",
		"comm > path > syscall by default (-fields), weighted by -count",
		"(count, duration, durationToPrev or bytes), with zoom and search.",
		"It is not in this build yet.",
	};
	int y = h / 2 - 3 > 1 ? h / 2 - 3 : 1;

	(void)st;
	tui_text(w, y++, 2, wd - 4, tui_attr(ui, TUI_C_TITLE), "8 Flame");
	y++;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) && y < h; i++)
		tui_text(w, y++, 2, wd - 4, A_NORMAL, lines[i]);
}

const struct tui_tab tui_tab_flame = {
	.name = "Flame",
	.short_name = "Flame",
	.hotkey = '8',
	.draw = flame_draw,
};
