// SPDX-License-Identifier: GPL-2.0
/*
 * The flame tree: nodes in one array (ids are indices, the root is 0),
 * names in one arena, children in one flat array of ids sorted by name.
 * A build merges the folded stacks through a hash map of (parent, name)
 * with children in linked lists, then sorts each node's children into the
 * flat array and drops the map. The layout is a breadth-first walk from
 * the zoomed frame with the cell array as its queue, so cells come out by
 * depth and, within a depth, left to right.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flame.h"
#include "util.h"

struct fnode {
	uint64_t value;
	size_t name;          /* offset in names */
	uint32_t len;
	uint32_t parent;
	uint32_t depth;
	uint32_t index;       /* among its siblings */
	uint32_t kid0;        /* first child in kidv */
	uint32_t nkids;
	uint32_t first, next; /* while building: child list (FLAME_NONE ends it) */
	unsigned char kind;
};

struct tree {
	struct fnode *v;
	size_t n, cap;
	char *names;
	size_t nlen, ncap;
	uint32_t *kidv;
	size_t max_depth;
	/* while building */
	uint32_t *map;        /* node id + 1; 0: empty */
	size_t mask;
};

struct flame {
	struct tree t;
	uint32_t zoom, sel;
	uint32_t trail;       /* the deepest frame the selection came down from */
};

/* ---- building ------------------------------------------------------------- */

static void tree_free(struct tree *t)
{
	free(t->v);
	free(t->names);
	free(t->kidv);
	free(t->map);
	memset(t, 0, sizeof(*t));
}

static uint64_t key_hash(uint32_t parent, const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ ((uint64_t)parent * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static const char *tname(const struct tree *t, uint32_t id)
{
	return t->names + t->v[id].name;
}

static int map_grow(struct tree *t)
{
	size_t n = t->mask ? (t->mask + 1) * 2 : 256;
	uint32_t *m = calloc(n, sizeof(*m));

	if (!m)
		return -ENOMEM;
	for (uint32_t id = 1; id < t->n; id++) {
		size_t j = key_hash(t->v[id].parent, tname(t, id), t->v[id].len) & (n - 1);

		while (m[j])
			j = (j + 1) & (n - 1);
		m[j] = id + 1;
	}
	free(t->map);
	t->map = m;
	t->mask = n - 1;
	return 0;
}

/* Appends a node (not yet linked to its parent). FLAME_NONE on ENOMEM. */
static uint32_t node_add(struct tree *t, uint32_t parent, const char *name, size_t len,
			 unsigned kind)
{
	struct fnode *nd;

	if (t->n >= FLAME_NONE - 1 || len >= UINT32_MAX)
		return FLAME_NONE;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct fnode *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return FLAME_NONE;
		t->v = v;
		t->cap = cap;
	}
	if (t->nlen + len + 1 > t->ncap) {
		size_t cap = t->ncap ? t->ncap : 4096;
		char *s;

		while (cap < t->nlen + len + 1)
			cap *= 2;
		s = realloc(t->names, cap);
		if (!s)
			return FLAME_NONE;
		t->names = s;
		t->ncap = cap;
	}
	memcpy(t->names + t->nlen, name, len);
	t->names[t->nlen + len] = '\0';
	nd = &t->v[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->name = t->nlen;
	nd->len = (uint32_t)len;
	nd->parent = parent;
	nd->depth = parent == FLAME_NONE ? 0 : t->v[parent].depth + 1;
	nd->first = nd->next = FLAME_NONE;
	nd->kind = (unsigned char)kind;
	t->nlen += len + 1;
	return (uint32_t)t->n++;
}

/* The child of parent named name[0..len), created if new. FLAME_NONE on ENOMEM. */
static uint32_t kid_get(struct tree *t, uint32_t parent, const char *name, size_t len,
			unsigned kind)
{
	uint64_t h = key_hash(parent, name, len);
	size_t j;
	uint32_t id;

	for (j = h & t->mask; t->map[j]; j = (j + 1) & t->mask) {
		id = t->map[j] - 1;
		if (t->v[id].parent == parent && t->v[id].len == len &&
		    memcmp(tname(t, id), name, len) == 0)
			return id;
	}
	if ((t->n + 1) * 2 > t->mask + 1) {
		if (map_grow(t))
			return FLAME_NONE;
		for (j = h & t->mask; t->map[j]; j = (j + 1) & t->mask)
			;
	}
	id = node_add(t, parent, name, len, kind);
	if (id == FLAME_NONE)
		return FLAME_NONE;
	t->v[id].next = t->v[parent].first;
	t->v[parent].first = id;
	t->map[j] = id + 1;
	if (t->v[id].depth > t->max_depth)
		t->max_depth = t->v[id].depth;
	return id;
}

static int add_stack(void *ctx, const char *stack, const unsigned char *kinds, size_t nframes,
		     uint64_t value)
{
	struct tree *t = ctx;
	uint32_t id = FLAME_ROOT;
	const char *p = stack;

	t->v[FLAME_ROOT].value = util_sat_add(t->v[FLAME_ROOT].value, value);
	for (size_t i = 0; i < nframes; i++) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);

		id = kid_get(t, id, p, len, kinds[i]);
		if (id == FLAME_NONE)
			return -ENOMEM;
		t->v[id].value = util_sat_add(t->v[id].value, value);
		if (!semi)
			break;
		p = semi + 1;
	}
	return 0;
}

static int kid_cmp(const void *a, const void *b, void *ctx)
{
	const struct tree *t = ctx;

	return strcmp(tname(t, *(const uint32_t *)a), tname(t, *(const uint32_t *)b));
}

/* Children lists -> the flat array, each node's children sorted by name. */
static int tree_finish(struct tree *t)
{
	size_t used = 0;

	t->kidv = malloc((t->n ? t->n : 1) * sizeof(*t->kidv));
	if (!t->kidv)
		return -ENOMEM;
	for (uint32_t id = 0; id < t->n; id++) {
		struct fnode *nd = &t->v[id];

		nd->kid0 = (uint32_t)used;
		for (uint32_t k = nd->first; k != FLAME_NONE; k = t->v[k].next)
			t->kidv[used + nd->nkids++] = k;
		if (nd->nkids > 1)
			qsort_r(t->kidv + used, nd->nkids, sizeof(*t->kidv), kid_cmp, t);
		for (uint32_t i = 0; i < nd->nkids; i++)
			t->v[t->kidv[used + i]].index = i;
		used += nd->nkids;
	}
	free(t->map);
	t->map = NULL;
	t->mask = 0;
	return 0;
}

static int tree_init(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	if (node_add(t, FLAME_NONE, FLAME_ROOT_NAME, strlen(FLAME_ROOT_NAME), FLAME_KIND_ROOT) ==
	    FLAME_NONE)
		return -ENOMEM;
	return 0;
}

/* ---- lookups ---------------------------------------------------------------- */

static uint32_t tree_find_kid(const struct tree *t, uint32_t id, const char *name)
{
	const struct fnode *nd = &t->v[id];
	size_t lo = 0, hi = nd->nkids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t k = t->kidv[nd->kid0 + mid];
		int c = strcmp(tname(t, k), name);

		if (c == 0)
			return k;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FLAME_NONE;
}

/* The node of new tree nt with the names of id in old tree ot, or its
 * deepest ancestor that exists there (*exact then false). */
static uint32_t resolve(const struct tree *ot, uint32_t id, const struct tree *nt, bool *exact)
{
	uint32_t p, k;

	if (id == FLAME_ROOT || id >= ot->n)
		return FLAME_ROOT;
	p = resolve(ot, ot->v[id].parent, nt, exact);
	if (!*exact)
		return p;
	k = tree_find_kid(nt, p, tname(ot, id));
	if (k == FLAME_NONE) {
		*exact = false;
		return p;
	}
	return k;
}

/* Whether a is b or above it. */
static bool is_above(const struct tree *t, uint32_t a, uint32_t b)
{
	while (a != FLAME_NONE && t->v[a].depth > t->v[b].depth)
		a = t->v[a].parent;
	return a == b;
}

/* ---- public: life and build ---------------------------------------------------- */

struct flame *flame_new(void)
{
	struct flame *fl = calloc(1, sizeof(*fl));

	if (!fl)
		return NULL;
	if (tree_init(&fl->t) || tree_finish(&fl->t)) {
		tree_free(&fl->t);
		free(fl);
		return NULL;
	}
	return fl;
}

void flame_free(struct flame *fl)
{
	if (!fl)
		return;
	tree_free(&fl->t);
	free(fl);
}

int flame_build(struct flame *fl, const struct folded *f)
{
	struct tree nt;
	bool exact = true;
	int rc;

	rc = tree_init(&nt);
	if (!rc)
		rc = map_grow(&nt);
	if (!rc)
		rc = folded_foreach(f, add_stack, &nt);
	if (!rc)
		rc = tree_finish(&nt);
	if (rc) {
		tree_free(&nt);
		return rc < 0 ? rc : -ENOMEM;
	}
	fl->zoom = resolve(&fl->t, fl->zoom, &nt, &exact);
	exact = true;
	fl->sel = resolve(&fl->t, fl->sel, &nt, &exact);
	exact = true;
	fl->trail = resolve(&fl->t, fl->trail, &nt, &exact);
	if (!is_above(&nt, fl->sel, fl->zoom))
		fl->sel = fl->zoom;
	if (!is_above(&nt, fl->trail, fl->sel))
		fl->trail = fl->sel;
	tree_free(&fl->t);
	fl->t = nt;
	return 0;
}

void flame_reset_view(struct flame *fl)
{
	fl->zoom = fl->sel = fl->trail = FLAME_ROOT;
}

/* ---- public: the tree ------------------------------------------------------------ */

size_t flame_count(const struct flame *fl)
{
	return fl->t.n;
}

uint64_t flame_total(const struct flame *fl)
{
	return fl->t.v[FLAME_ROOT].value;
}

size_t flame_max_depth(const struct flame *fl)
{
	return fl->t.max_depth;
}

const char *flame_name(const struct flame *fl, uint32_t id)
{
	return tname(&fl->t, id);
}

unsigned flame_kind(const struct flame *fl, uint32_t id)
{
	return fl->t.v[id].kind;
}

uint64_t flame_value(const struct flame *fl, uint32_t id)
{
	return fl->t.v[id].value;
}

uint32_t flame_parent(const struct flame *fl, uint32_t id)
{
	return fl->t.v[id].parent;
}

size_t flame_depth(const struct flame *fl, uint32_t id)
{
	return fl->t.v[id].depth;
}

size_t flame_nkids(const struct flame *fl, uint32_t id)
{
	return fl->t.v[id].nkids;
}

uint32_t flame_kid(const struct flame *fl, uint32_t id, size_t i)
{
	return fl->t.kidv[fl->t.v[id].kid0 + i];
}

size_t flame_index(const struct flame *fl, uint32_t id)
{
	return fl->t.v[id].index;
}

uint32_t flame_find_kid(const struct flame *fl, uint32_t id, const char *name)
{
	return tree_find_kid(&fl->t, id, name);
}

size_t flame_full_name(const struct flame *fl, uint32_t id, char *buf, size_t cap)
{
	const struct tree *t = &fl->t;
	uint32_t top = id;
	size_t total = 0, pos;

	if (t->v[id].kind == FOLDED_KIND_PATH)
		while (t->v[top].parent != FLAME_NONE &&
		       t->v[t->v[top].parent].kind == FOLDED_KIND_PATH)
			top = t->v[top].parent;
	for (uint32_t a = id;; a = t->v[a].parent) {
		total += t->v[a].len;
		if (a == top)
			break;
	}
	if (!cap)
		return total;
	/* pieces are written from the end; only the bytes below cap - 1 land */
	pos = total;
	for (uint32_t a = id;; a = t->v[a].parent) {
		size_t len = t->v[a].len;

		pos -= len;
		for (size_t i = 0; i < len && pos + i < cap - 1; i++)
			buf[pos + i] = tname(t, a)[i];
		if (a == top)
			break;
	}
	buf[total < cap - 1 ? total : cap - 1] = '\0';
	return total;
}

/* ---- public: the view ---------------------------------------------------------------- */

uint32_t flame_zoomed(const struct flame *fl)
{
	return fl->zoom;
}

uint32_t flame_selected(const struct flame *fl)
{
	return fl->sel;
}

bool flame_select(struct flame *fl, uint32_t id)
{
	if (id >= fl->t.n || !is_above(&fl->t, id, fl->zoom))
		return false;
	fl->sel = id;
	if (!is_above(&fl->t, fl->trail, id))
		fl->trail = id;
	return true;
}

bool flame_move(struct flame *fl, enum flame_move m)
{
	const struct tree *t = &fl->t;
	const struct fnode *nd = &t->v[fl->sel];
	uint32_t to = FLAME_NONE;

	switch (m) {
	case FLAME_MOVE_UP:
		if (!nd->nkids)
			return false;
		if (fl->trail != fl->sel && is_above(t, fl->trail, fl->sel)) {
			to = fl->trail;
			while (t->v[to].parent != fl->sel)
				to = t->v[to].parent;
			fl->sel = to;
			return true;
		}
		for (uint32_t i = 0; i < nd->nkids; i++) {
			uint32_t k = t->kidv[nd->kid0 + i];

			if (to == FLAME_NONE || t->v[k].value > t->v[to].value)
				to = k;
		}
		fl->sel = fl->trail = to;
		return true;
	case FLAME_MOVE_DOWN:
		if (fl->sel == fl->zoom)
			return false;
		fl->sel = nd->parent;
		return true;
	case FLAME_MOVE_LEFT:
	case FLAME_MOVE_RIGHT: {
		const struct fnode *p;

		if (fl->sel == fl->zoom)
			return false;
		p = &t->v[nd->parent];
		if (m == FLAME_MOVE_LEFT && nd->index > 0)
			to = t->kidv[p->kid0 + nd->index - 1];
		else if (m == FLAME_MOVE_RIGHT && nd->index + 1 < p->nkids)
			to = t->kidv[p->kid0 + nd->index + 1];
		if (to == FLAME_NONE)
			return false;
		fl->sel = fl->trail = to;
		return true;
	}
	}
	return false;
}

bool flame_zoom_in(struct flame *fl)
{
	if (fl->sel == fl->zoom)
		return false;
	fl->zoom = fl->sel;
	return true;
}

bool flame_zoom_out(struct flame *fl)
{
	if (fl->zoom == FLAME_ROOT)
		return false;
	fl->zoom = fl->t.v[fl->zoom].parent;
	return true;
}

/* ---- public: the layout ------------------------------------------------------------- */

static int cell_push(struct flame_layout *l, const struct flame_cell *c)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct flame_cell *v = realloc(l->cells, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->cells = v;
		l->cap = cap;
	}
	l->cells[l->n++] = *c;
	if (c->depth + 1 > l->rows)
		l->rows = c->depth + 1;
	return 0;
}

/* floor(width * v / total), total > 0. */
static int col(int width, uint64_t v, uint64_t total)
{
	return (int)((unsigned __int128)(unsigned)width * v / total);
}

/* A run of narrow siblings [first, last] from value offset off: one "…" slot. */
static int flush_run(struct flame_layout *l, int width, uint64_t total, int depth,
		     uint32_t first, uint32_t last, uint32_t n, uint64_t off, uint64_t sum)
{
	struct flame_cell c = {
		.node = first, .last = last, .nmerged = n, .depth = depth, .off = off, .value = sum,
	};
	int x1 = col(width, util_sat_add(off, sum), total);

	c.x = col(width, off, total);
	c.w = x1 - c.x;
	return c.w > 0 ? cell_push(l, &c) : 0;
}

int flame_layout(const struct flame *fl, int width, int min_w, struct flame_layout *out)
{
	const struct tree *t = &fl->t;
	uint64_t total = t->v[fl->zoom].value;
	struct flame_cell root = {
		.node = fl->zoom, .last = fl->zoom, .w = width, .value = total,
	};

	out->n = 0;
	out->rows = 0;
	if (width <= 0)
		return 0;
	if (min_w < 1)
		min_w = 1;
	if (cell_push(out, &root))
		goto nomem;
	if (!total)
		return 0;
	for (size_t i = 0; i < out->n; i++) {
		const struct flame_cell c = out->cells[i];
		const struct fnode *nd = &t->v[c.node];
		uint64_t off = c.off, run_off = 0, run_sum = 0;
		uint32_t run_first = FLAME_NONE, run_last = FLAME_NONE, run_n = 0;

		if (c.nmerged)
			continue;
		for (uint32_t k = 0; k < nd->nkids; k++) {
			uint32_t id = t->kidv[nd->kid0 + k];
			uint64_t v = t->v[id].value;
			bool narrow = (unsigned __int128)(unsigned)width * v <
				      (unsigned __int128)(unsigned)min_w * total;

			if (narrow) {
				if (run_first == FLAME_NONE) {
					run_first = id;
					run_off = off;
				}
				run_last = id;
				run_n++;
				run_sum = util_sat_add(run_sum, v);
			} else {
				struct flame_cell kc = {
					.node = id, .last = id, .depth = c.depth + 1, .off = off,
					.value = v,
				};

				if (run_first != FLAME_NONE &&
				    flush_run(out, width, total, c.depth + 1, run_first, run_last, run_n,
					      run_off, run_sum))
					goto nomem;
				run_first = FLAME_NONE;
				run_n = 0;
				run_sum = 0;
				kc.x = col(width, off, total);
				kc.w = col(width, util_sat_add(off, v), total) - kc.x;
				if (cell_push(out, &kc))
					goto nomem;
			}
			off = util_sat_add(off, v);
		}
		if (run_first != FLAME_NONE &&
		    flush_run(out, width, total, c.depth + 1, run_first, run_last, run_n, run_off,
			      run_sum))
			goto nomem;
	}
	return 0;
nomem:
	out->n = 0;
	out->rows = 0;
	return -ENOMEM;
}

void flame_layout_free(struct flame_layout *l)
{
	if (!l)
		return;
	free(l->cells);
	memset(l, 0, sizeof(*l));
}

long flame_layout_find(const struct flame_layout *l, const struct flame *fl, uint32_t id)
{
	const struct tree *t = &fl->t;
	size_t zd = t->v[fl->zoom].depth;

	if (id >= t->n)
		return -1;
	for (uint32_t a = id; a != FLAME_NONE && t->v[a].depth >= zd; a = t->v[a].parent) {
		int d = (int)(t->v[a].depth - zd);

		for (size_t i = 0; i < l->n; i++) {
			const struct flame_cell *c = &l->cells[i];

			if (c->depth != d)
				continue;
			if (!c->nmerged && c->node == a)
				return a == id ? (long)i : -1;
			if (c->nmerged && a != FLAME_ROOT && t->v[c->node].parent == t->v[a].parent &&
			    t->v[c->node].index <= t->v[a].index && t->v[a].index <= t->v[c->last].index)
				return (long)i;
		}
	}
	return -1;
}
