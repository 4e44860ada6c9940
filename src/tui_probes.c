// SPDX-License-Identifier: GPL-2.0
/*
 * The `o` probe dialog: every traced syscall grouped by family (the
 * syscall table's order), each with its on/off state and how many events
 * it has counted. space toggles the syscall (or, on a family's line, the
 * whole family), f toggles the selected line's family, a switches all on
 * (or all off when all are on). Each toggle is one tracer_set_probe
 * through the source: a memory write in the BPF program, effective at the
 * next syscall, and the statistics are kept.
 */
#include <stdio.h>
#include <stdlib.h>

#include "syscalls.h"
#include "tui_impl.h"

struct probe_row {
	bool family;      /* a family's line */
	int fam;
	int sc;           /* syscall index; -1 on a family line */
};

struct probes {
	struct probe_row rows[IOR_SC_COUNT + IOR_FAM_COUNT];
	int n;
	long sel, top;
};

static bool is_on(struct tui *ui, int sc)
{
	return ui->src->probe_enabled(ui->src->ctx, sc);
}

static void family_counts(struct tui *ui, int fam, int *on, int *total)
{
	*on = *total = 0;
	for (int i = 0; i < IOR_SC_COUNT; i++) {
		if ((int)ior_syscalls[i].family != fam)
			continue;
		(*total)++;
		*on += is_on(ui, i);
	}
}

static void set_family(struct tui *ui, int fam, bool on)
{
	for (int i = 0; i < IOR_SC_COUNT; i++)
		if ((int)ior_syscalls[i].family == fam)
			ui->src->set_probe(ui->src->ctx, i, on);
}

static void toggle_family(struct tui *ui, int fam)
{
	int on, total;

	family_counts(ui, fam, &on, &total);
	set_family(ui, fam, on < total);
	tui_message(ui, false, "family %s: %s", ior_family_name((enum ior_family)fam),
		    on < total ? "all on" : "all off");
}

static unsigned probes_key(struct tui *ui, void *st, int key)
{
	struct probes *p = st;
	const struct probe_row *r = &p->rows[p->sel];

	switch (key) {
	case TUI_KEY_ESC:
	case 'o':
	case 'q':
	case '\n':
	case '\r':
	case KEY_ENTER:
		return TUI_QUIT;
	case 'j':
	case KEY_DOWN:
		p->sel++;
		break;
	case 'k':
	case KEY_UP:
		p->sel--;
		break;
	case KEY_NPAGE:
		p->sel += 10;
		break;
	case KEY_PPAGE:
		p->sel -= 10;
		break;
	case KEY_HOME:
	case 'g':
		p->sel = 0;
		break;
	case KEY_END:
	case 'G':
		p->sel = p->n - 1;
		break;
	case ' ':
		if (r->family) {
			toggle_family(ui, r->fam);
		} else {
			bool on = !is_on(ui, r->sc);

			ui->src->set_probe(ui->src->ctx, r->sc, on);
			tui_message(ui, false, "%s: %s", ior_syscalls[r->sc].name, on ? "on" : "off");
		}
		break;
	case 'f':
		toggle_family(ui, r->fam);
		break;
	case 'a': {
		bool all = true;

		for (int i = 0; i < IOR_SC_COUNT; i++)
			all = all && is_on(ui, i);
		for (int i = 0; i < IOR_SC_COUNT; i++)
			ui->src->set_probe(ui->src->ctx, i, !all);
		tui_message(ui, false, "all probes %s", all ? "off" : "on");
		break;
	}
	default:
		return TUI_HANDLED;
	}
	if (p->sel >= p->n)
		p->sel = p->n - 1;
	if (p->sel < 0)
		p->sel = 0;
	return TUI_REDRAW;
}

static void probes_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct probes *p = st;
	int list_h = h - 3, y = 1;
	char cnt[32];

	if (list_h < 1)
		return;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + list_h)
		p->top = p->sel - list_h + 1;
	for (int i = 0; i < list_h && p->top + i < p->n; i++, y++) {
		const struct probe_row *r = &p->rows[p->top + i];
		bool sel = p->top + i == p->sel;
		attr_t a = sel ? tui_attr(ui, TUI_C_SEL) : A_NORMAL;

		if (sel)
			tui_fill(w, y, 1, wd - 2, a);
		if (r->family) {
			int on, total;

			family_counts(ui, r->fam, &on, &total);
			tui_textf(w, y, 2, wd - 4, a | A_BOLD, "[%c] %s (%d/%d on)",
				  on == total ? 'x' : on ? '-' : ' ',
				  ior_family_name((enum ior_family)r->fam), on, total);
		} else {
			tui_fmt_count(cnt, sizeof(cnt), stats_syscall(ui->stats, r->sc)->v.count);
			tui_textf(w, y, 4, wd - 6, is_on(ui, r->sc) ? a : a | tui_attr(ui, TUI_C_DIM),
				  "[%c] %-20s %10s events", is_on(ui, r->sc) ? 'x' : ' ',
				  ior_syscalls[r->sc].name, cnt);
		}
	}
	tui_text(w, h - 1, 2, wd - 4, tui_attr(ui, TUI_C_TITLE),
		 " space toggle  f family  a all  j/k move  esc close ");
}

static void probes_free(void *st)
{
	free(st);
}

static const struct tui_modal probes_modal = {
	.title = "Probes: which syscalls are traced",
	.key = probes_key,
	.draw = probes_draw,
	.free = probes_free,
	.want_h = 40,
	.want_w = 60,
};

void tui_probes_open(struct tui *ui)
{
	struct probes *p = calloc(1, sizeof(*p));

	if (!p) {
		tui_message(ui, true, "out of memory");
		return;
	}
	for (int fam = 0; fam < IOR_FAM_COUNT; fam++) {
		p->rows[p->n++] = (struct probe_row){ .family = true, .fam = fam, .sc = -1 };
		for (int i = 0; i < IOR_SC_COUNT; i++)
			if ((int)ior_syscalls[i].family == fam)
				p->rows[p->n++] = (struct probe_row){ .fam = fam, .sc = i };
	}
	tui_open_modal(ui, &probes_modal, p);
}
