// SPDX-License-Identifier: GPL-2.0
/*
 * Drawing helpers every dashboard component uses: colours, text cut to a
 * number of terminal columns (not bytes), untrusted names escaped before
 * they reach the terminal, compact number formats, sparklines, bars and
 * rules. With a non-UTF-8 locale everything falls back to ASCII.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui_impl.h"
#include "util.h"

#define NAME_MAX_IN 2048   /* bytes of a name considered for display */
#define LINE_MAX_W 1024    /* wide characters drawn per call */

/* Set once by tui_draw_init: whether the terminal takes UTF-8. */
static bool draw_utf8;

void tui_draw_init(struct tui *ui)
{
	draw_utf8 = ui->utf8;
	ui->colors = has_colors() && start_color() == OK;
	if (!ui->colors)
		return;
	use_default_colors();
	init_pair(TUI_C_HEAD, COLOR_BLACK, COLOR_CYAN);
	init_pair(TUI_C_TAB, COLOR_BLACK, COLOR_YELLOW);
	init_pair(TUI_C_SEL, COLOR_BLACK, COLOR_CYAN);
	init_pair(TUI_C_COLSEL, COLOR_BLACK, COLOR_GREEN);
	init_pair(TUI_C_ALERT, COLOR_WHITE, COLOR_RED);
	init_pair(TUI_C_DIM, COLOR_BLUE, -1);
	init_pair(TUI_C_BAR, COLOR_GREEN, -1);
	init_pair(TUI_C_GAPBAR, COLOR_MAGENTA, -1);
	init_pair(TUI_C_OK, COLOR_GREEN, -1);
	init_pair(TUI_C_TITLE, COLOR_CYAN, -1);
	init_pair(TUI_C_WARN, COLOR_RED, -1);
}

attr_t tui_attr(const struct tui *ui, enum tui_color c)
{
	/* without colours the same distinctions by video attributes */
	static const attr_t mono[] = {
		[TUI_C_NORMAL] = A_NORMAL, [TUI_C_HEAD] = A_REVERSE, [TUI_C_TAB] = A_BOLD,
		[TUI_C_SEL] = A_REVERSE,   [TUI_C_COLSEL] = A_BOLD | A_UNDERLINE,
		[TUI_C_ALERT] = A_REVERSE | A_BOLD, [TUI_C_DIM] = A_DIM, [TUI_C_BAR] = A_NORMAL,
		[TUI_C_GAPBAR] = A_NORMAL, [TUI_C_OK] = A_NORMAL, [TUI_C_TITLE] = A_BOLD,
		[TUI_C_WARN] = A_BOLD,
	};

	if (!ui->colors || c == TUI_C_NORMAL)
		return mono[c];
	switch (c) {
	case TUI_C_TAB:
	case TUI_C_COLSEL:
	case TUI_C_ALERT:
	case TUI_C_TITLE:
	case TUI_C_WARN:
		return COLOR_PAIR(c) | A_BOLD;
	default:
		return COLOR_PAIR(c);
	}
}

/* Converts UTF-8 s to wide characters, unprintable ones as '?'. Returns the count. */
static int widen(const char *s, wchar_t *out, int *widths, int max)
{
	mbstate_t st;
	int n = 0;
	size_t len = strlen(s);

	memset(&st, 0, sizeof(st));
	while (len && n < max) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, len, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			k = 1;
		}
		cw = wcwidth(wc);
		if (cw < 0 || (wc < 0x20) || (wc >= 0x7f && wc < 0xa0)) {
			wc = L'?';
			cw = 1;
		}
		out[n] = wc;
		widths[n] = cw;
		n++;
		s += k;
		len -= k;
	}
	return n;
}

static int draw_wide(WINDOW *w, int y, int x, int width, attr_t attr, const char *s,
		     bool keep_tail, bool right, const char *cut_mark)
{
	static wchar_t wbuf[LINE_MAX_W + 2];
	static int widths[LINE_MAX_W + 2];
	int n, total = 0, from = 0, to, used = 0;
	bool cut = false;

	if (width <= 0)
		return 0;
	n = widen(s, wbuf, widths, LINE_MAX_W);
	for (int i = 0; i < n; i++)
		total += widths[i];
	to = n;
	if (total > width) {
		int budget = width - 1; /* one column for the cut mark */

		cut = true;
		if (keep_tail) {
			from = n;
			while (from > 0 && used + widths[from - 1] <= budget)
				used += widths[--from];
		} else {
			to = 0;
			while (to < n && used + widths[to] <= budget)
				used += widths[to++];
		}
		total = used + 1;
	}
	if (right && total < width)
		x += width - total;
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	wmove(w, y, x);
	if (cut && keep_tail)
		waddstr(w, cut_mark);
	if (to > from)
		waddnwstr(w, wbuf + from, to - from);
	if (cut && !keep_tail)
		waddstr(w, cut_mark);
	wattr_set(w, A_NORMAL, 0, NULL);
	return total;
}

static const char *cut_mark(void)
{
	return draw_utf8 ? "\u2026" : "~";
}

int tui_text(WINDOW *w, int y, int x, int width, attr_t attr, const char *s)
{
	return draw_wide(w, y, x, width, attr, s, false, false, cut_mark());
}

int tui_textf(WINDOW *w, int y, int x, int width, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_text(w, y, x, width, attr, buf);
}

void tui_escape(const struct tui *ui, char *buf, size_t cap, const char *raw)
{
	size_t len = strlen(raw);
	char *tmp;
	size_t n;

	if (!cap)
		return;
	/* the end of a long name is what tells files apart: keep it */
	if (len > NAME_MAX_IN) {
		raw += len - NAME_MAX_IN;
		len = NAME_MAX_IN;
	}
	tmp = malloc(4 * len + 1);
	if (!tmp) {
		snprintf(buf, cap, "?");
		return;
	}
	n = util_escape(tmp, 4 * len + 1, raw, len, 0);
	if (ui->utf8) {
		snprintf(buf, cap, "%s", tmp);
	} else {
		size_t o = 0;

		for (size_t i = 0; i < n && o + 5 < cap; i++) {
			unsigned char c = (unsigned char)tmp[i];

			if (c < 0x80)
				buf[o++] = (char)c;
			else
				o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
		}
		buf[o] = '\0';
	}
	free(tmp);
}

int tui_name(WINDOW *w, int y, int x, int width, attr_t attr, const char *raw, bool keep_tail,
	     bool right)
{
	static char buf[4 * NAME_MAX_IN + 16];
	struct tui ui = { .utf8 = draw_utf8 };

	tui_escape(&ui, buf, sizeof(buf), raw ? raw : "-");
	return draw_wide(w, y, x, width, attr, buf, keep_tail, right, cut_mark());
}

void tui_fmt_dur(char *buf, size_t n, uint64_t ns)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{ 1000000000ull, "s" }, { 1000000ull, "ms" }, { 1000ull, "us" },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns >= units[i].div) {
			double v = (double)ns / (double)units[i].div;

			if (i == 0 && v >= 3600 * 24)
				snprintf(buf, n, "%.0fd", v / 86400);
			else if (i == 0 && v >= 3600)
				snprintf(buf, n, "%.1fh", v / 3600);
			else if (i == 0 && v >= 100)
				snprintf(buf, n, "%.0fm", v / 60);
			else if (v >= 100)
				snprintf(buf, n, "%.0f%s", v, units[i].unit);
			else if (v >= 10)
				snprintf(buf, n, "%.1f%s", v, units[i].unit);
			else
				snprintf(buf, n, "%.2f%s", v, units[i].unit);
			return;
		}
	}
	snprintf(buf, n, "%lluns", (unsigned long long)ns);
}

static void fmt_scaled(char *buf, size_t n, uint64_t v, uint64_t base, const char *const *sfx)
{
	double d = (double)v;
	int i = 0;

	if (v < base) {
		snprintf(buf, n, "%llu%s", (unsigned long long)v, sfx[0]);
		return;
	}
	while (d >= (double)base && sfx[i + 1]) {
		d /= (double)base;
		i++;
	}
	snprintf(buf, n, d >= 100 ? "%.0f%s" : d >= 10 ? "%.1f%s" : "%.2f%s", d, sfx[i]);
}

void tui_fmt_count(char *buf, size_t n, uint64_t v)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T", "P", "E", NULL };

	if (v < 1000000) {
		snprintf(buf, n, "%llu", (unsigned long long)v);
		return;
	}
	fmt_scaled(buf, n, v, 1000, sfx);
}

void tui_fmt_bytes(char *buf, size_t n, uint64_t v)
{
	static const char *const sfx[] = { "B", "K", "M", "G", "T", "P", "E", NULL };

	fmt_scaled(buf, n, v, 1024, sfx);
}

void tui_sparkline(const struct tui *ui, WINDOW *w, int y, int x, const uint64_t *vals, int n,
		   attr_t attr)
{
	static const char *const blocks[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " .:-=+*#%@";
	uint64_t max = 0;

	for (int i = 0; i < n; i++)
		if (vals[i] > max)
			max = vals[i];
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	wmove(w, y, x);
	for (int i = 0; i < n; i++) {
		if (ui->utf8) {
			int lvl = max ? (int)((vals[i] * 8 + max - 1) / max) : 0;

			waddstr(w, blocks[lvl > 8 ? 8 : lvl]);
		} else {
			int lvl = max ? (int)((vals[i] * 9 + max - 1) / max) : 0;

			waddch(w, (chtype)(unsigned char)ascii[lvl > 9 ? 9 : lvl]);
		}
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

void tui_bar(const struct tui *ui, WINDOW *w, int y, int x, int width, uint64_t v, uint64_t max,
	     attr_t attr)
{
	static const char *const eighths[] = { "", "\u258f", "\u258e", "\u258d", "\u258c",
					       "\u258b", "\u258a", "\u2589" };
	uint64_t units;

	if (width <= 0 || !max)
		return;
	units = (uint64_t)((long double)v * width * 8 / max);
	if (v && !units)
		units = 1;
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	wmove(w, y, x);
	for (uint64_t i = 0; i < units / 8; i++)
		waddstr(w, ui->utf8 ? "\u2588" : "#");
	if (units % 8 && (int)(units / 8) < width)
		waddstr(w, ui->utf8 ? eighths[units % 8] : (units % 8 >= 4 ? "#" : ""));
	wattr_set(w, A_NORMAL, 0, NULL);
}

void tui_rule(const struct tui *ui, WINDOW *w, int y, int x, int width, const char *title)
{
	attr_t a = tui_attr(ui, TUI_C_TITLE);
	int used = 0;

	wmove(w, y, x);
	wattr_set(w, tui_attr(ui, TUI_C_DIM), PAIR_NUMBER(tui_attr(ui, TUI_C_DIM)), NULL);
	if (title && *title) {
		waddstr(w, ui->utf8 ? "\u2500 " : "- ");
		used = 2;
		used += tui_text(w, y, x + used, width - used - 1, a, title);
		wmove(w, y, x + used);
		if (used < width)
			waddstr(w, " ");
		used++;
	}
	wattr_set(w, tui_attr(ui, TUI_C_DIM), PAIR_NUMBER(tui_attr(ui, TUI_C_DIM)), NULL);
	for (; used < width; used++)
		waddstr(w, ui->utf8 ? "\u2500" : "-");
	wattr_set(w, A_NORMAL, 0, NULL);
}

void tui_fill(WINDOW *w, int y, int x, int width, attr_t attr)
{
	wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
	wmove(w, y, x);
	for (int i = 0; i < width; i++)
		waddch(w, ' ');
	wattr_set(w, A_NORMAL, 0, NULL);
}

void tui_box(const struct tui *ui, WINDOW *w, const char *title)
{
	int h, wd;

	getmaxyx(w, h, wd);
	(void)h;
	wattr_set(w, tui_attr(ui, TUI_C_TITLE), PAIR_NUMBER(tui_attr(ui, TUI_C_TITLE)), NULL);
	if (ui->utf8)
		box(w, 0, 0);
	else
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	wattr_set(w, A_NORMAL, 0, NULL);
	if (title)
		tui_textf(w, 0, 2, wd - 4, tui_attr(ui, TUI_C_TITLE), " %s ", title);
}
