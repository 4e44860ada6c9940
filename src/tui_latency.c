// SPDX-License-Identifier: GPL-2.0
/*
 * Tab 5, Latency+Gaps: for the syscall selected in the list on the left
 * (j/k), its duration and gap distributions as log2 histograms with bars,
 * and p50/p95/p99/max. Percentiles come from the histogram (stats.h: linear
 * inside the log2 bucket, clamped to the observed min/max), so they are
 * exact to within a factor of two; max and min are exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"
#include "tui_impl.h"

#define LIST_W 22

struct latency {
	struct stats_table list; /* syscalls seen, by count */
	int sel_sc;              /* selected syscall (table index), -1: the first */
	long sel;
	long top;
};

static const struct tui_help latency_help[] = {
	{ "j/k", "(or up/down) syscall" },
	{ "PgUp PgDn", "page; Home/End: ends" },
	{ NULL, NULL },
};

static void *latency_init(struct tui *ui)
{
	struct latency *l = calloc(1, sizeof(*l));

	(void)ui;
	if (l)
		l->sel_sc = -1;
	return l;
}

static void latency_free(void *st)
{
	struct latency *l = st;

	if (!l)
		return;
	stats_table_free(&l->list);
	free(l);
}

static void latency_snapshot(struct tui *ui, void *st)
{
	struct latency *l = st;

	if (!l)
		return;
	stats_snapshot(ui->stats, STATS_VIEW_SYSCALLS, &l->list);
	stats_table_sort(&l->list, STATS_KEY_COUNT, true);
	l->sel = 0;
	for (size_t i = 0; i < l->list.n; i++)
		if ((int)l->list.rows[i].id == l->sel_sc)
			l->sel = (long)i;
	if (l->list.n)
		l->sel_sc = (int)l->list.rows[l->sel].id;
}

static unsigned latency_key(struct tui *ui, void *st, int key)
{
	struct latency *l = st;
	long to;

	(void)ui;
	if (!l)
		return 0;
	switch (key) {
	case 'j':
	case KEY_DOWN:
		to = l->sel + 1;
		break;
	case 'k':
	case KEY_UP:
		to = l->sel - 1;
		break;
	case KEY_NPAGE:
		to = l->sel + 10;
		break;
	case KEY_PPAGE:
		to = l->sel - 10;
		break;
	case KEY_HOME:
		to = 0;
		break;
	case KEY_END:
		to = (long)l->list.n - 1;
		break;
	default:
		return 0;
	}
	if (to >= (long)l->list.n)
		to = (long)l->list.n - 1;
	if (to < 0)
		to = 0;
	l->sel = to;
	if (l->list.n)
		l->sel_sc = (int)l->list.rows[to].id;
	return TUI_REDRAW;
}

static void draw_list(struct tui *ui, struct latency *l, WINDOW *w, int h)
{
	char cnt[32];

	tui_fill(w, 0, 0, LIST_W, tui_attr(ui, TUI_C_HEAD));
	tui_text(w, 0, 0, LIST_W, tui_attr(ui, TUI_C_HEAD), "SYSCALL         COUNT");
	h--;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	for (int i = 0; i < h && l->top + i < (long)l->list.n; i++) {
		const struct stats_row *r = &l->list.rows[l->top + i];
		bool sel = l->top + i == l->sel;
		attr_t a = sel ? tui_attr(ui, TUI_C_SEL) : A_NORMAL;

		if (sel)
			tui_fill(w, 1 + i, 0, LIST_W, a);
		tui_fmt_count(cnt, sizeof(cnt), r->v.count);
		tui_name(w, 1 + i, 0, LIST_W - 8, a, r->name, false, false);
		tui_textf(w, 1 + i, LIST_W - 8, 8, a, "%7s", cnt);
	}
}

/* The buckets to show: the non-empty span, trimmed at its lighter end to fit rows. */
static void bucket_span(const uint64_t *hist, int rows, int *from, int *to, uint64_t *max)
{
	int lo = -1, hi = -1;

	*max = 0;
	for (int b = 0; b < STATS_HIST_BUCKETS; b++) {
		if (!hist[b])
			continue;
		if (lo < 0)
			lo = b;
		hi = b;
		if (hist[b] > *max)
			*max = hist[b];
	}
	if (lo < 0) {
		*from = 0;
		*to = -1;
		return;
	}
	while (hi - lo + 1 > rows) {
		if (hist[lo] <= hist[hi])
			lo++;
		else
			hi--;
	}
	*from = lo;
	*to = hi;
}

static int draw_hist(struct tui *ui, WINDOW *w, int y, int x, int wd, int rows, const char *what,
		     const uint64_t *hist, uint64_t lo, uint64_t hi, attr_t bar)
{
	uint64_t total = 0, max;
	char p50[16], p95[16], p99[16], pmax[16], title[160], a[16], b[16], cnt[32];
	int from, to;

	for (int i = 0; i < STATS_HIST_BUCKETS; i++)
		total += hist[i];
	tui_fmt_dur(p50, sizeof(p50), stats_percentile(hist, 50, lo, hi));
	tui_fmt_dur(p95, sizeof(p95), stats_percentile(hist, 95, lo, hi));
	tui_fmt_dur(p99, sizeof(p99), stats_percentile(hist, 99, lo, hi));
	tui_fmt_dur(pmax, sizeof(pmax), hi);
	snprintf(title, sizeof(title), "%s: p50 %s p95 %s p99 %s max %s", what, p50, p95, p99,
		 pmax);
	tui_rule(ui, w, y++, x, wd, title);
	if (!total)
		return y;
	bucket_span(hist, rows, &from, &to, &max);
	for (int bk = from; bk <= to; bk++, y++) {
		tui_fmt_dur(a, sizeof(a), stats_bucket_lo((unsigned)bk));
		tui_fmt_dur(b, sizeof(b), stats_bucket_hi((unsigned)bk));
		tui_fmt_count(cnt, sizeof(cnt), hist[bk]);
		tui_textf(w, y, x + 1, 16, tui_attr(ui, TUI_C_DIM), "%6s-%-7s", a, b);
		tui_bar(ui, w, y, x + 16, wd - 16 - 10, hist[bk], max, bar);
		tui_textf(w, y, x + wd - 9, 9, A_NORMAL, "%8s", cnt);
	}
	return y;
}

static void latency_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct latency *l = st;
	int x = LIST_W + 1, rw = wd - LIST_W - 1, y = 0, rows;
	char cnt[32], avg[16], mn[16];

	if (!l)
		return;
	if (!l->list.n) {
		tui_text(w, 1, 1, wd - 2, tui_attr(ui, TUI_C_DIM), "nothing traced yet");
		return;
	}
	draw_list(ui, l, w, h);
	const struct stats_sc *c = stats_syscall(ui->stats, l->sel_sc);

	tui_fmt_count(cnt, sizeof(cnt), c->v.count);
	tui_fmt_dur(avg, sizeof(avg), stats_avg(&c->v));
	tui_fmt_dur(mn, sizeof(mn), c->dur_min_ns);
	tui_textf(w, y++, x, rw, A_BOLD, "%s: %s calls, avg %s, min %s, %llu errors",
		  ior_syscalls[l->sel_sc].name, cnt, avg, mn, (unsigned long long)c->v.errors);
	rows = (h - y - 2) / 2;
	if (rows < 1)
		rows = 1;
	y = draw_hist(ui, w, y, x, rw, rows, "duration", c->hist_dur, c->dur_min_ns,
		      c->v.dur_max_ns, tui_attr(ui, TUI_C_BAR));
	y = draw_hist(ui, w, y, x, rw, h - y - 1, "gap", c->hist_gap, 0, c->gap_max_ns,
		      tui_attr(ui, TUI_C_GAPBAR));
	(void)y;
}

const struct tui_tab tui_tab_latency = {
	.name = "Latency+Gaps",
	.short_name = "Lat",
	.hotkey = '5',
	.init = latency_init,
	.free = latency_free,
	.key = latency_key,
	.snapshot = latency_snapshot,
	.draw = latency_draw,
	.help = latency_help,
};
