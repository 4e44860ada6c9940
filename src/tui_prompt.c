// SPDX-License-Identifier: GPL-2.0
/*
 * A one-line text prompt in a modal, for the Stream keys that ask for text:
 * the filter (f), regex search (/ and ?), a CSV file name (X) and a
 * recording's file name (R). It owns a copy of its spec and the text typed
 * so far (bytes; UTF-8 arrives one byte per key). enter hands the text to
 * the spec's done callback, which either accepts it (the prompt closes) or
 * writes an error the prompt then shows; esc cancels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_stream.h"

#define PROMPT_MAX 1024
#define NOTE_MAX 200

struct prompt {
	struct tui_modal modal;   /* the modal is per prompt: its title differs */
	struct tui_prompt_spec spec;
	char title[96];
	char label[32];
	char notes[8][NOTE_MAX];
	int nnotes;
	char text[PROMPT_MAX];
	size_t len;
	char err[256];
};

static unsigned prompt_key(struct tui *ui, void *st, int key)
{
	struct prompt *p = st;

	switch (key) {
	case TUI_KEY_ESC:
		return TUI_QUIT;
	case '\n':
	case '\r':
	case KEY_ENTER: {
		unsigned f;

		p->err[0] = '\0';
		f = p->spec.done(ui, p->spec.ctx, p->text, p->err, sizeof(p->err));
		return p->err[0] ? (f & ~TUI_QUIT) | TUI_REDRAW : f | TUI_QUIT;
	}
	case KEY_BACKSPACE:
	case 127:
	case 8:
		/* a whole UTF-8 character: its continuation bytes, then its first */
		while (p->len && ((unsigned char)p->text[p->len - 1] & 0xc0) == 0x80)
			p->len--;
		if (p->len)
			p->len--;
		p->text[p->len] = '\0';
		p->err[0] = '\0';
		return TUI_REDRAW;
	case TUI_KEY_CTRL('u'):
		p->len = 0;
		p->text[0] = '\0';
		p->err[0] = '\0';
		return TUI_REDRAW;
	default:
		if (((key >= 0x20 && key < 0x7f) || (key >= 0x80 && key <= 0xff)) &&
		    p->len + 1 < sizeof(p->text)) {
			p->text[p->len++] = (char)key;
			p->text[p->len] = '\0';
			p->err[0] = '\0';
		}
		return TUI_REDRAW;
	}
}

static void prompt_draw(struct tui *ui, void *st, WINDOW *w, int h, int wd)
{
	struct prompt *p = st;
	int y = 1, x;

	x = 2 + tui_text(w, y, 2, wd - 4, tui_attr(ui, TUI_C_DIM), p->label);
	x += tui_name(w, y, x, wd - 3 - x, A_BOLD, p->text, true, false);
	if (x < wd - 2)
		tui_text(w, y, x, 1, A_REVERSE, " ");
	y += 2;
	if (p->err[0])
		tui_text(w, y, 2, wd - 4, tui_attr(ui, TUI_C_WARN), p->err);
	y += 2;
	for (int i = 0; i < p->nnotes && y < h - 1; i++, y++)
		tui_text(w, y, 2, wd - 4, A_NORMAL, p->notes[i]);
	tui_text(w, h - 1, 2, wd - 4, tui_attr(ui, TUI_C_TITLE),
		 " enter: ok  esc: cancel  backspace, ctrl+u: erase ");
}

void tui_prompt_open(struct tui *ui, const struct tui_prompt_spec *spec, const char *initial)
{
	struct prompt *p = calloc(1, sizeof(*p));

	if (!p) {
		tui_message(ui, true, "out of memory");
		return;
	}
	p->spec = *spec;
	snprintf(p->title, sizeof(p->title), "%s", spec->title);
	snprintf(p->label, sizeof(p->label), "%s", spec->label ? spec->label : "");
	for (int i = 0; i < 8 && spec->notes[i]; i++)
		snprintf(p->notes[p->nnotes++], NOTE_MAX, "%s", spec->notes[i]);
	memset(p->spec.notes, 0, sizeof(p->spec.notes)); /* the copies above are used */
	if (initial) {
		snprintf(p->text, sizeof(p->text), "%s", initial);
		p->len = strlen(p->text);
	}
	p->modal.title = p->title;
	p->modal.key = prompt_key;
	p->modal.draw = prompt_draw;
	p->modal.free = free;
	p->modal.want_h = 7 + p->nnotes;
	p->modal.want_w = spec->want_w ? spec->want_w : 90;
	if (spec->want_h > p->modal.want_h)
		p->modal.want_h = spec->want_h;
	tui_open_modal(ui, &p->modal, p);
}
