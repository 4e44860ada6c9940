// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for flame.c, the Flame tab's model: the tree built from
 * folded stacks (name order, one frame per directory, full names), the
 * layout (children tile their parent exactly at every width, nothing
 * narrower than the minimum is drawn, narrow runs become "…" slots),
 * stable sibling order and kept selection across rebuilds, zoom and
 * un-zoom, navigation, a metric switch, and the synthetic data behind
 * --testflames. (make bench times a rebuild of a large aggregate: bench/model.c.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "flame.h"
#include "flamedemo.h"
#include "folded.h"
#include "harness.h"
#include "syscalls.h"
#include "util.h"

static void ev_add(struct agg *agg, const char *comm, const char *path, int sc, uint64_t n,
		   uint64_t bytes)
{
	struct ior_event ev = { 0 };

	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.pid = ev.tid = 1;
	ev.path = path;
	ev.sc = sc;
	ev.duration_ns = 10;
	ev.bytes = bytes;
	for (uint64_t i = 0; i < n; i++)
		if (agg_add(agg, &ev))
			abort();
}

/* The flame of agg for fields and metric (NULL: the defaults). */
static int build(struct flame *fl, const struct agg *agg, const char *fields, const char *metric)
{
	struct folded_spec spec;
	struct folded *f;
	char err[256];
	int rc;

	folded_spec_default(&spec);
	if ((fields && folded_parse_fields(fields, &spec, err, sizeof(err))) ||
	    (metric && folded_parse_count(metric, &spec, err, sizeof(err))))
		abort();
	f = folded_new(&spec);
	if (!f)
		abort();
	rc = agg_foreach(agg, folded_entry, f);
	if (!rc)
		rc = flame_build(fl, f);
	folded_free(f);
	return rc;
}

/* The node at "name;name;..." from the root, or FLAME_NONE. */
static uint32_t at(const struct flame *fl, const char *stack)
{
	char buf[512], *save = NULL;
	uint32_t id = FLAME_ROOT;

	snprintf(buf, sizeof(buf), "%s", stack);
	for (char *tok = strtok_r(buf, ";", &save); tok && id != FLAME_NONE;
	     tok = strtok_r(NULL, ";", &save))
		id = flame_find_kid(fl, id, tok);
	return id;
}

static struct agg *sample(void)
{
	struct agg *agg = agg_new(0);

	if (!agg)
		abort();
	ev_add(agg, "zed", "/var/lib/x", IOR_SC_read, 10, 100);
	ev_add(agg, "zed", "/var/lib/y", IOR_SC_write, 5, 7);
	ev_add(agg, "zed", "/var/lib/y", IOR_SC_openat, 1, 0);
	ev_add(agg, "abc", "/tmp/z", IOR_SC_read, 4, 1);
	return agg;
}

TEST(flame_tree_from_folded)
{
	struct agg *agg = sample();
	struct flame *fl = flame_new();
	char name[64];
	uint32_t lib, y;

	CHECK(fl != NULL);
	CHECK_EQ_UINT(flame_total(fl), 0);
	CHECK_EQ_UINT(flame_count(fl), 1);
	CHECK_EQ_STR(flame_name(fl, FLAME_ROOT), "all");
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	CHECK_EQ_UINT(flame_total(fl), 20);
	/* children in name order, not by value: abc (4) before zed (16) */
	CHECK_EQ_UINT(flame_nkids(fl, FLAME_ROOT), 2);
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, FLAME_ROOT, 0)), "abc");
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, FLAME_ROOT, 1)), "zed");
	CHECK_EQ_UINT(flame_value(fl, at(fl, "zed")), 16);
	CHECK_EQ_UINT(flame_kind(fl, at(fl, "zed")), FOLDED_KIND_COMM);
	CHECK_EQ_UINT(flame_kind(fl, FLAME_ROOT), FLAME_KIND_ROOT);
	/* one frame per directory level */
	lib = at(fl, "zed;/var/;lib/");
	CHECK(lib != FLAME_NONE);
	CHECK_EQ_UINT(flame_kind(fl, lib), FOLDED_KIND_PATH);
	CHECK_EQ_UINT(flame_depth(fl, lib), 3);
	CHECK_EQ_UINT(flame_value(fl, lib), 16);
	CHECK_EQ_UINT(flame_nkids(fl, lib), 2);
	y = at(fl, "zed;/var/;lib/;y");
	CHECK_EQ_UINT(flame_value(fl, y), 6);
	CHECK_EQ_UINT(flame_index(fl, y), 1);
	CHECK_EQ_UINT(flame_parent(fl, y), lib);
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, y, 0)), "openat");
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, y, 1)), "write");
	CHECK_EQ_UINT(flame_kind(fl, flame_kid(fl, y, 1)), FOLDED_KIND_SYSCALL);
	CHECK_EQ_UINT(flame_max_depth(fl), 5);
	/* full names: a path frame reads as the path so far */
	CHECK_EQ_UINT(flame_full_name(fl, lib, name, sizeof(name)), 9);
	CHECK_EQ_STR(name, "/var/lib/");
	flame_full_name(fl, y, name, sizeof(name));
	CHECK_EQ_STR(name, "/var/lib/y");
	flame_full_name(fl, flame_kid(fl, y, 1), name, sizeof(name));
	CHECK_EQ_STR(name, "write");
	flame_full_name(fl, at(fl, "zed"), name, sizeof(name));
	CHECK_EQ_STR(name, "zed");
	/* cut to the buffer, still terminated, length as wanted */
	CHECK_EQ_UINT(flame_full_name(fl, y, name, 6), 10);
	CHECK_EQ_STR(name, "/var/");
	CHECK_EQ_UINT(flame_find_kid(fl, FLAME_ROOT, "nope"), FLAME_NONE);
	flame_free(fl);
	agg_free(agg);
}

/* A bigger, uneven tree: 7 tasks, 3 directory levels, 4 syscalls. */
static struct agg *big_sample(unsigned seed, unsigned n)
{
	static const int scs[] = { IOR_SC_read, IOR_SC_write, IOR_SC_openat, IOR_SC_fsync };
	struct agg *agg = agg_new(0);
	uint32_t r = seed;

	if (!agg)
		abort();
	for (unsigned i = 0; i < n; i++) {
		char comm[16], path[128];

		r = r * 1103515245u + 12345u;
		snprintf(comm, sizeof(comm), "task%u", (r >> 8) % 7);
		snprintf(path, sizeof(path), "/d%u/e%u/f%u", (r >> 12) % 3, (r >> 16) % 9,
			 (r >> 20) % 40);
		ev_add(agg, comm, path, scs[(r >> 26) % 4], 1 + ((r >> 4) % 5 == 0 ? (r >> 24) % 300 : 0),
		       (r >> 3) % 1000);
	}
	return agg;
}

/* Checks the layout invariants; returns false (after a failed CHECK) if one breaks. */
static bool layout_ok(const struct flame *fl, const struct flame_layout *l, int width, int min_w)
{
	bool ok = true;

	if (!harness_check(l->n >= 1 && l->cells[0].depth == 0 && l->cells[0].x == 0 &&
			   l->cells[0].w == width && l->cells[0].node == flame_zoomed(fl),
			   __FILE__, __LINE__, "the zoomed frame spans the width"))
		return false;
	for (size_t i = 0; i < l->n && ok; i++) {
		const struct flame_cell *p = &l->cells[i];
		uint64_t kidsum = 0;
		int wsum = 0, next_x = p->x;

		if (i && !harness_check(p->depth > l->cells[i - 1].depth ||
					(p->depth == l->cells[i - 1].depth &&
					 p->x >= l->cells[i - 1].x + l->cells[i - 1].w),
					__FILE__, __LINE__, "cells by depth, then left to right"))
			return false;
		ok = harness_check(p->w >= 1, __FILE__, __LINE__, "no empty cell") &&
		     harness_check(p->nmerged || p->depth == 0 || p->w >= min_w, __FILE__, __LINE__,
				   "a drawn frame is at least min_w wide");
		if (p->nmerged)
			continue;
		for (size_t k = 0; k < flame_nkids(fl, p->node); k++)
			kidsum += flame_value(fl, flame_kid(fl, p->node, k));
		/* the cells one row up whose frames are p's children, in order */
		for (size_t j = i + 1; j < l->n && ok; j++) {
			const struct flame_cell *c = &l->cells[j];

			if (c->depth != p->depth + 1 || flame_parent(fl, c->node) != p->node)
				continue;
			ok = harness_check(c->x == next_x, __FILE__, __LINE__,
					   "siblings tile without gaps or overlaps");
			next_x = c->x + c->w;
			wsum += c->w;
		}
		if (ok && kidsum == flame_value(fl, p->node) && kidsum)
			ok = harness_check_int(wsum, p->w, __FILE__, __LINE__,
					       "children's widths sum to the parent's");
		else if (ok)
			ok = harness_check(wsum <= p->w, __FILE__, __LINE__, "children fit the parent");
	}
	return ok;
}

TEST(flame_layout_widths_sum_to_parent)
{
	static const int widths[] = { 1, 2, 7, 40, 80, 133, 200, 1000 };
	struct agg *agg = big_sample(7, 3000);
	struct flame *fl = flame_new();
	struct flame_layout l = { 0 };

	CHECK(fl != NULL);
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		for (int min_w = 1; min_w <= 4; min_w++) {
			CHECK_EQ_INT(flame_layout(fl, widths[i], min_w, &l), 0);
			if (!layout_ok(fl, &l, widths[i], min_w))
				goto out;
		}
	/* the same inside a zoomed frame, and with another stack order */
	CHECK(flame_move(fl, FLAME_MOVE_UP));
	CHECK(flame_zoom_in(fl));
	CHECK_EQ_INT(flame_layout(fl, 80, 3, &l), 0);
	if (!layout_ok(fl, &l, 80, 3))
		goto out;
	CHECK_EQ_INT(build(fl, agg, "tracepoint,path,comm", "bytes"), 0);
	CHECK_EQ_INT(flame_layout(fl, 123, 3, &l), 0);
	if (!layout_ok(fl, &l, 123, 3))
		goto out;
	CHECK_EQ_INT(flame_layout(fl, 0, 3, &l), 0);
	CHECK_EQ_UINT(l.n, 0);
out:
	flame_layout_free(&l);
	flame_free(fl);
	agg_free(agg);
}

TEST(flame_layout_proportional)
{
	struct agg *agg = agg_new(0);
	struct flame *fl = flame_new();
	struct flame_layout l = { 0 };

	CHECK(agg && fl);
	ev_add(agg, "a", "/x", IOR_SC_read, 25, 0);
	ev_add(agg, "b", "/x", IOR_SC_read, 50, 0);
	ev_add(agg, "c", "/x", IOR_SC_read, 25, 0);
	CHECK_EQ_INT(build(fl, agg, "comm,tracepoint", NULL), 0);
	CHECK_EQ_INT(flame_layout(fl, 80, 3, &l), 0);
	CHECK_EQ_UINT(l.n, 7);
	CHECK_EQ_INT(l.rows, 3);
	CHECK_EQ_STR(flame_name(fl, l.cells[1].node), "a");
	CHECK_EQ_INT(l.cells[1].x, 0);
	CHECK_EQ_INT(l.cells[1].w, 20);
	CHECK_EQ_STR(flame_name(fl, l.cells[2].node), "b");
	CHECK_EQ_INT(l.cells[2].x, 20);
	CHECK_EQ_INT(l.cells[2].w, 40);
	CHECK_EQ_INT(l.cells[3].x, 60);
	CHECK_EQ_INT(l.cells[3].w, 20);
	CHECK_EQ_UINT(l.cells[3].value, 25);
	CHECK_EQ_INT(l.cells[5].depth, 2);
	CHECK_EQ_INT(l.cells[5].w, 40);
	flame_layout_free(&l);
	flame_free(fl);
	agg_free(agg);
}

TEST(flame_stable_sibling_order)
{
	struct agg *agg = agg_new(0);
	struct flame *fl = flame_new();
	struct flame_layout l = { 0 };
	uint32_t sel;

	CHECK(agg && fl);
	ev_add(agg, "beta", "/b", IOR_SC_read, 50, 0);
	ev_add(agg, "delta", "/d", IOR_SC_read, 10, 0);
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	/* select delta, deep: its file */
	CHECK(flame_select(fl, at(fl, "delta;/d")));
	/* an update: delta grows past beta, a new task sorts between them */
	ev_add(agg, "delta", "/d", IOR_SC_read, 100, 0);
	ev_add(agg, "charlie", "/c", IOR_SC_write, 30, 0);
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	CHECK_EQ_UINT(flame_nkids(fl, FLAME_ROOT), 3);
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, FLAME_ROOT, 0)), "beta");
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, FLAME_ROOT, 1)), "charlie");
	CHECK_EQ_STR(flame_name(fl, flame_kid(fl, FLAME_ROOT, 2)), "delta");
	CHECK_EQ_INT(flame_layout(fl, 100, 3, &l), 0);
	CHECK_EQ_STR(flame_name(fl, l.cells[1].node), "beta");
	CHECK_EQ_STR(flame_name(fl, l.cells[3].node), "delta");
	CHECK(l.cells[1].x < l.cells[2].x && l.cells[2].x < l.cells[3].x);
	/* the selection followed its name into the new tree */
	sel = flame_selected(fl);
	CHECK_EQ_STR(flame_name(fl, sel), "/d");
	CHECK_EQ_STR(flame_name(fl, flame_parent(fl, sel)), "delta");
	CHECK_EQ_UINT(flame_value(fl, sel), 110);
	/* rebuilding the same data twice gives the same layout */
	{
		struct flame_layout l2 = { 0 };

		CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
		CHECK_EQ_INT(flame_layout(fl, 100, 3, &l2), 0);
		CHECK_EQ_UINT(l2.n, l.n);
		for (size_t i = 0; i < l.n; i++) {
			CHECK_EQ_INT(l2.cells[i].x, l.cells[i].x);
			CHECK_EQ_INT(l2.cells[i].w, l.cells[i].w);
			CHECK_EQ_STR(flame_name(fl, l2.cells[i].node), flame_name(fl, l.cells[i].node));
		}
		flame_layout_free(&l2);
	}
	flame_layout_free(&l);
	flame_free(fl);
	agg_free(agg);
}

TEST(flame_zoom_and_unzoom)
{
	struct agg *agg = sample();
	struct flame *fl = flame_new();
	struct flame_layout l = { 0 };
	uint32_t lib;

	CHECK(fl != NULL);
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	CHECK(!flame_zoom_in(fl)); /* the root is selected and zoomed already */
	CHECK(!flame_zoom_out(fl));
	lib = at(fl, "zed;/var/;lib/");
	CHECK(flame_select(fl, lib));
	CHECK(flame_zoom_in(fl));
	CHECK_EQ_UINT(flame_zoomed(fl), lib);
	CHECK_EQ_INT(flame_layout(fl, 80, 3, &l), 0);
	CHECK_EQ_UINT(l.cells[0].node, lib);
	CHECK_EQ_INT(l.cells[0].w, 80);
	CHECK_EQ_INT(l.rows, 3);
	/* x (10 of 16) and y (6 of 16) share lib/'s 80 columns */
	CHECK_EQ_STR(flame_name(fl, l.cells[1].node), "x");
	CHECK_EQ_INT(l.cells[1].w, 50);
	CHECK_EQ_STR(flame_name(fl, l.cells[2].node), "y");
	CHECK_EQ_INT(l.cells[2].x, 50);
	CHECK_EQ_INT(l.cells[2].w, 30);
	/* nothing below or beside the zoomed frame can be selected */
	CHECK(!flame_move(fl, FLAME_MOVE_DOWN));
	CHECK(!flame_move(fl, FLAME_MOVE_LEFT));
	CHECK(!flame_select(fl, at(fl, "abc")));
	CHECK(!flame_select(fl, FLAME_ROOT));
	CHECK(flame_select(fl, at(fl, "zed;/var/;lib/;y;write")));
	/* the zoom survives a rebuild */
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	CHECK_EQ_STR(flame_name(fl, flame_zoomed(fl)), "lib/");
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "write");
	/* esc: one level out at a time, the selection stays */
	CHECK(flame_zoom_out(fl));
	CHECK_EQ_STR(flame_name(fl, flame_zoomed(fl)), "/var/");
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "write");
	CHECK(flame_zoom_out(fl));
	CHECK(flame_zoom_out(fl));
	CHECK_EQ_UINT(flame_zoomed(fl), FLAME_ROOT);
	CHECK(!flame_zoom_out(fl));
	CHECK_EQ_INT(flame_layout(fl, 80, 3, &l), 0);
	CHECK_EQ_UINT(l.cells[0].node, FLAME_ROOT);
	CHECK_EQ_INT(l.rows, 6);
	/* a zoomed frame that disappears leaves the zoom on its deepest ancestor */
	CHECK(flame_select(fl, at(fl, "zed;/var/;lib/;y;openat")));
	CHECK(flame_zoom_in(fl));
	CHECK_EQ_INT(build(fl, agg, NULL, "bytes"), 0); /* openat moved no bytes */
	CHECK_EQ_STR(flame_name(fl, flame_zoomed(fl)), "y");
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "y");
	flame_reset_view(fl);
	CHECK_EQ_UINT(flame_zoomed(fl), FLAME_ROOT);
	CHECK_EQ_UINT(flame_selected(fl), FLAME_ROOT);
	flame_layout_free(&l);
	flame_free(fl);
	agg_free(agg);
}

TEST(flame_narrow_frames_merge)
{
	struct agg *agg = agg_new(0);
	struct flame *fl = flame_new();
	struct flame_layout l = { 0 };
	char path[32];
	long c;
	int merged = 0;

	CHECK(agg && fl);
	/* under /d: "big" (1000) then 50 tiny files (1 each) then "zz" (1000) */
	ev_add(agg, "t", "/d/big", IOR_SC_read, 1000, 0);
	for (int i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/d/m%02d", i);
		ev_add(agg, "t", path, IOR_SC_read, 1, 0);
	}
	ev_add(agg, "t", "/d/zz", IOR_SC_read, 1000, 0);
	CHECK_EQ_INT(build(fl, agg, "path,tracepoint", NULL), 0);
	CHECK_EQ_INT(flame_layout(fl, 80, 3, &l), 0);
	if (!layout_ok(fl, &l, 80, 3))
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		const struct flame_cell *m = &l.cells[i];

		if (!m->nmerged)
			continue;
		merged++;
		CHECK_EQ_INT(m->depth, 2);
		CHECK_EQ_UINT(m->nmerged, 50);
		CHECK_EQ_UINT(m->value, 50);
		CHECK_EQ_STR(flame_name(fl, m->node), "m00");
		CHECK_EQ_STR(flame_name(fl, m->last), "m49");
		/* 80 * 1000/2050 = 39.02 .. 80 * 1050/2050 = 40.98: one column */
		CHECK_EQ_INT(m->x, 39);
		CHECK_EQ_INT(m->w, 1);
		/* a tiny file, and a frame above it, are shown by the slot */
		c = flame_layout_find(&l, fl, at(fl, "/d/;m07"));
		CHECK_EQ_INT(c, (long)i);
		CHECK_EQ_INT(flame_layout_find(&l, fl, at(fl, "/d/;m07;read")), (long)i);
	}
	CHECK_EQ_INT(merged, 1);
	/* nothing is drawn above a slot */
	for (size_t i = 0; i < l.n; i++)
		CHECK(l.cells[i].depth < 3 || strcmp(flame_name(fl, flame_parent(fl, l.cells[i].node)),
						     "big") == 0 ||
		      strcmp(flame_name(fl, flame_parent(fl, l.cells[i].node)), "zz") == 0);
	CHECK_EQ_INT(flame_layout_find(&l, fl, at(fl, "/d/;big")), 2);
	/* wide enough, every frame is drawn on its own */
	CHECK_EQ_INT(flame_layout(fl, 2050 * 3, 3, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		CHECK_EQ_UINT(l.cells[i].nmerged, 0);
	CHECK_EQ_UINT(l.n, 1 + 1 + 52 + 52);
	/* zooming into one tiny file gives it the whole width */
	CHECK(flame_select(fl, at(fl, "/d/;m07")));
	CHECK(flame_zoom_in(fl));
	CHECK_EQ_INT(flame_layout(fl, 80, 3, &l), 0);
	CHECK_EQ_UINT(l.n, 2);
	CHECK_EQ_INT(l.cells[1].w, 80);
	/* a slot narrower than a column is not a cell; what sits on it is not shown */
	flame_reset_view(fl);
	CHECK_EQ_INT(flame_layout(fl, 21, 3, &l), 0); /* the slot: columns 10.24 .. 10.76 */
	if (!layout_ok(fl, &l, 21, 3))
		goto out;
	CHECK_EQ_INT(flame_layout_find(&l, fl, at(fl, "/d/;m07;read")), -1);
out:
	flame_layout_free(&l);
	flame_free(fl);
	agg_free(agg);
}

TEST(flame_navigation)
{
	struct agg *agg = sample();
	struct flame *fl = flame_new();

	CHECK(fl != NULL);
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	CHECK_EQ_UINT(flame_selected(fl), FLAME_ROOT);
	CHECK(!flame_move(fl, FLAME_MOVE_DOWN));
	CHECK(!flame_move(fl, FLAME_MOVE_RIGHT));
	/* up: the widest child */
	CHECK(flame_move(fl, FLAME_MOVE_UP));
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "zed");
	CHECK(!flame_move(fl, FLAME_MOVE_RIGHT));
	CHECK(flame_move(fl, FLAME_MOVE_LEFT));
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "abc");
	CHECK(!flame_move(fl, FLAME_MOVE_LEFT));
	CHECK(flame_move(fl, FLAME_MOVE_RIGHT));
	for (int i = 0; i < 3; i++)
		CHECK(flame_move(fl, FLAME_MOVE_UP)); /* /var/ lib/ x (10 > 6) */
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "x");
	CHECK(flame_move(fl, FLAME_MOVE_RIGHT));
	CHECK(flame_move(fl, FLAME_MOVE_UP));
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "write"); /* 5 of y's 6 */
	CHECK(!flame_move(fl, FLAME_MOVE_UP));
	CHECK(flame_move(fl, FLAME_MOVE_LEFT));
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "openat");
	/* down then up again comes back the same way, not to the widest */
	for (int i = 0; i < 4; i++)
		CHECK(flame_move(fl, FLAME_MOVE_DOWN));
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "zed");
	for (int i = 0; i < 4; i++)
		CHECK(flame_move(fl, FLAME_MOVE_UP));
	CHECK_EQ_STR(flame_name(fl, flame_selected(fl)), "openat");
	CHECK_EQ_STR(flame_name(fl, flame_parent(fl, flame_selected(fl))), "y");
	flame_free(fl);
	agg_free(agg);
}

TEST(flame_metric_switch)
{
	struct agg *agg = sample();
	struct flame *fl = flame_new();
	struct folded_spec spec;
	struct folded *f;

	CHECK(fl != NULL);
	CHECK_EQ_INT(build(fl, agg, NULL, "count"), 0);
	CHECK_EQ_UINT(flame_total(fl), 20);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "abc")), 4);
	CHECK(at(fl, "zed;/var/;lib/;y;openat") != FLAME_NONE);
	CHECK_EQ_INT(build(fl, agg, NULL, "bytes"), 0);
	CHECK_EQ_UINT(flame_total(fl), 10 * 100 + 5 * 7 + 4 * 1);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "abc")), 4);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "zed")), 1035);
	CHECK_EQ_UINT(at(fl, "zed;/var/;lib/;y;openat"), FLAME_NONE); /* no bytes, no frame */
	CHECK_EQ_INT(build(fl, agg, NULL, "duration"), 0);
	CHECK_EQ_UINT(flame_total(fl), 200);
	/* the root's value is the folded total, whatever the order of fields */
	folded_spec_default(&spec);
	CHECK_EQ_INT(folded_parse_fields("tracepoint,comm", &spec, NULL, 0), 0);
	f = folded_new(&spec);
	CHECK(f != NULL);
	CHECK_EQ_INT(agg_foreach(agg, folded_entry, f), 0);
	CHECK_EQ_INT(flame_build(fl, f), 0);
	CHECK_EQ_UINT(flame_total(fl), folded_total(f));
	CHECK_EQ_UINT(flame_value(fl, at(fl, "read;zed")), 10);
	CHECK_EQ_UINT(flame_max_depth(fl), 2);
	folded_free(f);
	flame_free(fl);
	agg_free(agg);
}

static int demo_count(void *ctx, const struct ior_event *ev)
{
	return agg_add(ctx, ev);
}

TEST(flame_demo_data)
{
	struct agg *agg = agg_new(0);
	struct flame *fl = flame_new();
	struct flamedemo *d = NULL;
	struct tui_source src;
	uint32_t hostile;

	CHECK(agg && fl);
	CHECK_EQ_INT(flamedemo_static(demo_count, agg), 0);
	CHECK_EQ_UINT(agg_events(agg), FLAMEDEMO_STATIC_EVENTS);
	CHECK_EQ_INT(build(fl, agg, NULL, NULL), 0);
	/* the numbers tests/tui/flame.py expects */
	CHECK_EQ_UINT(flame_value(fl, at(fl, "rsync")), 1600);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "nginx")), 1106);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "postgres")), 931);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "bash")), 8);
	CHECK_EQ_UINT(flame_nkids(fl, at(fl, "rsync;/home/;alice/;photos/;2024/")), 40);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "postgres;/var/;lib/;postgresql/")), 931);
	/* the hostile task name arrives escaped */
	hostile = at(fl, "ev\\x1b[31mil");
	CHECK(hostile != FLAME_NONE);
	CHECK_EQ_UINT(flame_value(fl, hostile), 9);
	CHECK(at(fl, "ev\\x1b[31mil;/tmp/;bad\\nname") != FLAME_NONE);
	CHECK_EQ_INT(build(fl, agg, NULL, "bytes"), 0);
	CHECK_EQ_UINT(flame_value(fl, at(fl, "rsync")), 1600ull * 65536);
	/* the sources: static opens on the Flame tab, live has a timer to poll */
	CHECK_EQ_INT(flamedemo_new(false, &d), 0);
	flamedemo_source(d, &src);
	CHECK_EQ_INT(src.kind, TUI_SOURCE_ROWS);
	CHECK_EQ_INT(src.fd, -1);
	CHECK_EQ_INT(src.start_tab, '8');
	flamedemo_free(d);
	CHECK_EQ_INT(flamedemo_new(true, &d), 0);
	flamedemo_source(d, &src);
	CHECK_EQ_INT(src.kind, TUI_SOURCE_LIVE);
	CHECK(src.fd >= 0);
	flamedemo_free(d);
	flame_free(fl);
	agg_free(agg);
}
