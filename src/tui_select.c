// SPDX-License-Identifier: GPL-2.0
/*
 * The `p` process selector and `t` thread selector: a modal searchable list
 * of live processes or threads (tui_plist.c) with "all" on top. Typing
 * filters (case-insensitive substring of "PID COMM CMDLINE"), up/down move,
 * enter re-scopes tracing through the source (tui_set_scope, which restarts
 * the statistics), esc cancels. The thread list shows the threads of the
 * process in scope, or every thread when the whole system is traced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_impl.h"
#include "tui_plist.h"

struct select {
	bool threads;
	struct plist list;
	size_t *match;
	size_t nmatch;
	bool all_row;      /* the "all" row matches the query */
	char query[64];
	size_t qlen;
	long sel, top;
	int err;
};

static long nrows(const struct select *s)
{
	return (long)s->nmatch + (s->all_row ? 1 : 0);
}

static const char *all_label(const struct select *s)
{
	return s->threads ? "all threads" : "all processes (the whole system)";
}

static void refilter(struct select *s)
{
	s->nmatch = plist_filter(&s->list, s->query, s->match, s->list.n);
	s->all_row = plist_match(all_label(s), s->query) || !s->qlen;
	if (s->sel >= nrows(s))
		s->sel = nrows(s) ? nrows(s) - 1 : 0;
	if (s->sel < 0)
		s->sel = 0;
}

static void select_free(void *st)
{
	struct select *s = st;

	if (!s)
		return;
	plist_free(&s->list);
	free(s->match);
	free(s);
}

static void choose(struct tui *ui, struct select *s)
{
	char label[128];
	const struct plist_entry *e;

	if (s->all_row && s->sel == 0) {
		if (s->threads) {
			if (ui->scope_pid)
				snprintf(label, sizeof(label), "process %u", ui->scope_pid);
			else
				snprintf(label, sizeof(label), "all processes");
			tui_set_scope(ui, ui->scope_pid, 0, label);
		} else {
			tui_set_scope(ui, 0, 0, "all processes");
		}
		return;
	}
	e = &s->list.v[s->match[s->sel - (s->all_row ? 1 : 0)]];
	if (s->threads) {
		char comm[64];

		tui_escape(ui, comm, sizeof(comm), e->comm);
		snprintf(label, sizeof(label), "thread %u (%s)", e->tid, comm);
		tui_set_scope(ui, e->pid, e->tid, label);
	} else {
		char comm[64];

		tui_escape(ui, comm, sizeof(comm), e->comm);
		snprintf(label, sizeof(label), "process %u (%s)", e->pid, comm);
		tui_set_scope(ui, e->pid, 0, label);
	}
}

static unsigned select_key(struct tui *ui, void *st, int key)
{
	struct select *s = st;
	long page = 10;

	switch (key) {
	case TUI_KEY_ESC:
		return TUI_QUIT;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (nrows(s))
			choose(ui, s);
		return TUI_QUIT | TUI_RESCAN;
	case KEY_UP:
	case TUI_KEY_CTRL('p'):
		s->sel--;
		break;
	case KEY_DOWN:
	case TUI_KEY_CTRL('n'):
		s->sel++;
		break;
	case KEY_PPAGE:
		s->sel -= page;
		break;
	case KEY_NPAGE:
		s->sel += page;
		break;
	case KEY_HOME:
		s->sel = 0;
		break;
	case KEY_END:
		s->sel = nrows(s) - 1;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (s->qlen)
			s->query[--s->qlen] = '\0';
		s->sel = 0;
		refilter(s);
		return TUI_REDRAW;
	case TUI_KEY_CTRL('u'):
		s->qlen = 0;
		s->query[0] = '\0';
		s->sel = 0;
		refilter(s);
		return TUI_REDRAW;
	default:
		if (key >= 0x20 && key < 0x7f && s->qlen + 1 < sizeof(s->query)) {
			s->query[s->qlen++] = (char)key;
			s->query[s->qlen] = '\0';
			s->sel = 0;
			refilter(s);
		}
		return TUI_REDRAW;
	}
	if (s->sel >= nrows(s))
		s->sel = nrows(s) - 1;
	if (s->sel < 0)
		s->sel = 0;
	return TUI_REDRAW;
}

static void select_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct select *s = st;
	int y = 1, list_h;
	char buf[64];

	tui_text(w, y, 2, 8, tui_attr(ui, TUI_C_DIM), "filter: ");
	tui_name(w, y, 10, wd - 12, A_BOLD, s->query, true, false);
	{
		int qx = 10 + (int)strlen(s->query);

		if (qx < wd - 2)
			tui_text(w, y, qx, 1, A_REVERSE, " ");
	}
	y++;
	snprintf(buf, sizeof(buf), "%zu of %zu match", s->nmatch, s->list.n);
	tui_text(w, y, 2, wd - 4, tui_attr(ui, TUI_C_DIM), buf);
	y++;
	if (s->err) {
		tui_textf(w, y++, 2, wd - 4, tui_attr(ui, TUI_C_WARN), "cannot read /proc: %s",
			  strerror(-s->err));
	}
	list_h = h - y - 1;
	if (list_h < 1)
		return;
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + list_h)
		s->top = s->sel - list_h + 1;
	for (int i = 0; i < list_h && s->top + i < nrows(s); i++) {
		long r = s->top + i;
		bool sel = r == s->sel;
		attr_t a = sel ? tui_attr(ui, TUI_C_SEL) : A_NORMAL;

		if (sel)
			tui_fill(w, y + i, 1, wd - 2, a);
		if (s->all_row && r == 0)
			tui_text(w, y + i, 2, wd - 4, a | A_BOLD, all_label(s));
		else
			tui_name(w, y + i, 2, wd - 4, a,
				 s->list.v[s->match[r - (s->all_row ? 1 : 0)]].label, false, false);
	}
	tui_text(w, h - 1, 2, wd - 4, tui_attr(ui, TUI_C_TITLE),
		 " type to filter  enter choose  esc cancel  up/down move ");
}

static const struct tui_modal select_proc_modal = {
	.title = "Trace which process? (statistics restart)",
	.key = select_key,
	.draw = select_draw,
	.free = select_free,
	.want_h = 22,
	.want_w = 90,
};

static const struct tui_modal select_thread_modal = {
	.title = "Trace which thread? (statistics restart)",
	.key = select_key,
	.draw = select_draw,
	.free = select_free,
	.want_h = 22,
	.want_w = 90,
};

void tui_select_open(struct tui *ui, bool threads)
{
	struct select *s = calloc(1, sizeof(*s));

	if (!s) {
		tui_message(ui, true, "out of memory");
		return;
	}
	s->threads = threads;
	s->err = plist_scan(&s->list, "/proc", threads, threads ? ui->scope_pid : 0,
			    (uint32_t)getpid());
	s->match = calloc(s->list.n ? s->list.n : 1, sizeof(*s->match));
	if (!s->match) {
		select_free(s);
		tui_message(ui, true, "out of memory");
		return;
	}
	refilter(s);
	tui_open_modal(ui, threads ? &select_thread_modal : &select_proc_modal, s);
}
