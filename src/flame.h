/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Flame tab's model: folded stacks (folded.h) merged into a tree of
 * frames, the view state over it (the zoomed frame, the selected frame)
 * and its layout on a grid of terminal columns. No curses here: the tab
 * (tui_flame.c) draws what flame_layout computes, and the unit tests check
 * the same numbers.
 *
 * Tree: node 0 is the root ("all", the sum of every stack); a node's value
 * is the sum of the stacks through it, at least the sum of its children.
 * Children are ordered by name (bytes, like strcmp), never by value, so a
 * live graph keeps its siblings in place while their widths change.
 *
 * Layout: the zoomed frame spans the whole width on row 0; a frame whose
 * values start at offset o (within the zoomed frame) and has value v spans
 * columns [floor(W*o/V), floor(W*(o+v)/V)), V being the zoomed frame's
 * value, so children tile their parent exactly when their values add up
 * to it. A frame narrower than min_w columns (W*v < min_w*V) is not drawn:
 * each run of such adjacent siblings becomes one "…" slot (FLAME_CELL
 * with nmerged > 0), and nothing is drawn above it.
 *
 * View state survives flame_build: the zoomed and selected frames are
 * remembered by their names from the root and found again in the new tree
 * (or their deepest ancestor that still exists).
 */
#ifndef IOR_FLAME_H
#define IOR_FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folded.h"

#define FLAME_ROOT 0u
#define FLAME_NONE UINT32_MAX
#define FLAME_KIND_ROOT 0xffu  /* flame_kind of the root; others are enum folded_kind */
#define FLAME_ROOT_NAME "all"

struct flame;

/* An empty tree (the root alone, value 0). NULL on allocation failure. */
struct flame *flame_new(void);
/* Frees fl; NULL is fine. */
void flame_free(struct flame *fl);

/*
 * Replaces the tree by the stacks of f, keeping the zoom and selection by
 * name. Returns 0, or -ENOMEM (the old tree and view stay as they were).
 */
int flame_build(struct flame *fl, const struct folded *f);
/* Zoom and selection back to the root. */
void flame_reset_view(struct flame *fl);

/* ---- the tree ---------------------------------------------------------- */

size_t flame_count(const struct flame *fl);        /* nodes, the root included */
uint64_t flame_total(const struct flame *fl);      /* the root's value */
size_t flame_max_depth(const struct flame *fl);    /* deepest frame (root: 0) */
/* The frame's name, escaped as folded_escape does (the root: "all"). */
const char *flame_name(const struct flame *fl, uint32_t id);
unsigned flame_kind(const struct flame *fl, uint32_t id);
uint64_t flame_value(const struct flame *fl, uint32_t id);
uint32_t flame_parent(const struct flame *fl, uint32_t id); /* FLAME_NONE for the root */
size_t flame_depth(const struct flame *fl, uint32_t id);    /* the root: 0 */
size_t flame_nkids(const struct flame *fl, uint32_t id);
uint32_t flame_kid(const struct flame *fl, uint32_t id, size_t i); /* i < flame_nkids */
/* Position among its siblings (the root: 0). */
size_t flame_index(const struct flame *fl, uint32_t id);
/* The child of id named name, or FLAME_NONE. */
uint32_t flame_find_kid(const struct flame *fl, uint32_t id, const char *name);

/*
 * The name a user reads for id into buf (cap bytes, always terminated):
 * a path frame with the path frames right below it, so "lib/" over
 * "/var/" reads "/var/lib/"; any other frame its own name. Returns the
 * length it wanted (as snprintf).
 */
size_t flame_full_name(const struct flame *fl, uint32_t id, char *buf, size_t cap);

/* ---- the view ------------------------------------------------------------ */

uint32_t flame_zoomed(const struct flame *fl);
uint32_t flame_selected(const struct flame *fl);
/* Selects id if it is the zoomed frame or above it; returns whether it did. */
bool flame_select(struct flame *fl, uint32_t id);

enum flame_move {
	FLAME_MOVE_UP,     /* to a child: the one last come down from, else the widest */
	FLAME_MOVE_DOWN,   /* to the parent, never below the zoomed frame */
	FLAME_MOVE_LEFT,   /* to the previous sibling */
	FLAME_MOVE_RIGHT,  /* to the next sibling */
};

/* Moves the selection; returns whether it moved. */
bool flame_move(struct flame *fl, enum flame_move m);
/* Zooms into the selected frame; false if it is already the zoomed one. */
bool flame_zoom_in(struct flame *fl);
/* Zooms out one level (the selection stays); false at the root. */
bool flame_zoom_out(struct flame *fl);

/* ---- the layout ------------------------------------------------------------ */

struct flame_cell {
	uint32_t node;     /* the frame; of a "…" slot, its first frame */
	uint32_t last;     /* of a "…" slot, its last frame; else node */
	uint32_t nmerged;  /* 0: one frame; else the frames this "…" slot holds */
	int depth;         /* rows above the zoomed frame (0: the zoomed frame) */
	int x, w;          /* columns */
	uint64_t off;      /* value offset within the zoomed frame */
	uint64_t value;    /* of a "…" slot, the sum of its frames */
};

struct flame_layout {
	struct flame_cell *cells; /* by depth, then x */
	size_t n, cap;
	int rows;                 /* 1 + the largest depth */
};

/*
 * Lays the zoomed frame and what is above it out on width columns, frames
 * narrower than min_w (>= 1) merged. Reuses out's memory; out starts
 * zeroed. Returns 0, or -ENOMEM (out then holds no cells).
 */
int flame_layout(const struct flame *fl, int width, int min_w, struct flame_layout *out);
void flame_layout_free(struct flame_layout *l);
/*
 * The cell that shows id: its own, or the "…" slot holding it or one of
 * its ancestors. -1 if none (id is not above the zoomed frame, or sits on
 * a slot too narrow for a column).
 */
long flame_layout_find(const struct flame_layout *l, const struct flame *fl, uint32_t id);

#endif /* IOR_FLAME_H */
