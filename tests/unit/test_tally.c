// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the tally (tally.c): events summed by key, then added to
 * the statistics and an aggregate one cell at a time, leave exactly what
 * adding every event leaves: the same rows in the same order (also past the
 * caps), the same sums, extremes, histograms, timeline and process names;
 * the tally's limits (a full tally refuses a new key, paths are its own
 * copies, cells come out in first-seen order) and the latest name of a
 * process with two names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "harness.h"
#include "stats.h"
#include "syscalls.h"
#include "tally.h"

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static const char *const paths[] = {
	"/tmp/a", "/tmp/b", "/var/log/syslog", "", "/srv/data/" "0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef0123456789abcdef", "/tmp/c", "/etc/passwd",
};
static const char *const comms[] = { "storm", "worker", "iorA", "0123456789abcdef" };
static const int scs[] = { IOR_SC_read, IOR_SC_write, IOR_SC_openat, IOR_SC_pread64,
			   IOR_SC_close, IOR_SC_copy_file_range, -1 };

/* Event i of a random mix: a few processes with threads and two names, 8
 * paths (one longer than 64 bytes, one empty, none), 7 syscalls (one
 * unknown), flags, errors, durations and gaps over 40 buckets, and bytes
 * that saturate the sums. */
static struct ior_event mixed_event(uint64_t *x, uint64_t i, char *path_buf, size_t len)
{
	struct ior_event ev = { 0 };
	uint64_t r = rng_next(x);
	unsigned p = (unsigned)(r % 6);
	unsigned path = (unsigned)(r >> 8) % 8;

	ev.pid = 100 + p;
	ev.tid = ev.pid + (unsigned)(r >> 12) % 3;
	/* pid 100's threads have two names; pid 101 renames itself mid-way */
	snprintf(ev.comm, sizeof(ev.comm), "%s",
		 p == 0 ? comms[ev.tid % 2] : p == 1 ? comms[i < 9000 ? 2 : 3] : comms[p % 4]);
	ev.sc = scs[(r >> 16) % 7];
	ev.has_flags = ev.sc == IOR_SC_openat;
	ev.flags = ev.has_flags ? (int32_t)((r >> 20) % 3) : 0;
	if (path < 7) {
		/* a fresh copy each time: the tally must keep its own */
		snprintf(path_buf, len, "%s", paths[path]);
		ev.path = path_buf;
		if ((r >> 23) & 1) {
			ev.path_len = (uint32_t)strlen(path_buf);
			ev.path_hash = util_hash(path_buf, ev.path_len);
			ev.path_known = true;
		}
	}
	ev.duration_ns = (r >> 24) % 4 == 0 ? (r >> 28) % 2 : (r >> 30) & ((1ull << ((r >> 36) % 40)) - 1);
	ev.gap_ns = (r >> 42) % 5 == 0 ? 0 : (r >> 44) % 1000000;
	ev.ret = (r >> 50) % 9 == 0 ? -5 : 1;
	ev.bytes = p == 5 && (r >> 54) % 2 ? UINT64_MAX / 3 : (r >> 56) % 4096;
	/* about 30 seconds of events, a few out of order */
	ev.time_ns = 1700000000ull * 1000000000ull + i * 1500000ull - ((r >> 60) % 2) * 2000000000ull;
	return ev;
}

struct model {
	struct stats *s;
	struct agg *a;
};

static void to_model(void *ctx, const struct ior_cell *c)
{
	struct model *m = ctx;

	stats_add_cell(m->s, c);
	agg_add_cell(m->a, c);
}

static bool same_tables(const struct stats *a, const struct stats *b, enum stats_view view)
{
	struct stats_table ta = { 0 }, tb = { 0 };
	bool same;

	same = !stats_snapshot(a, view, &ta) && !stats_snapshot(b, view, &tb) && ta.n == tb.n;
	for (size_t i = 0; same && i < ta.n; i++) {
		const struct stats_row *x = &ta.rows[i], *y = &tb.rows[i];

		same = !strcmp(x->name, y->name) && x->id == y->id && x->other == y->other &&
		       !memcmp(&x->v, &y->v, sizeof(x->v));
		if (!same)
			fprintf(stderr, "view %d row %zu: %s/%llu %llu vs %s/%llu %llu\n", view, i,
				x->name, (unsigned long long)x->id, (unsigned long long)x->v.count,
				y->name, (unsigned long long)y->id, (unsigned long long)y->v.count);
	}
	stats_table_free(&ta);
	stats_table_free(&tb);
	return same;
}

struct entries {
	struct agg_entry *e;
	char (*strs)[3][128];
	size_t n, cap;
};

static int keep_entry(void *ctx, const struct agg_entry *e)
{
	struct entries *out = ctx;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 256;
		struct agg_entry *ne = realloc(out->e, cap * sizeof(*ne));
		char(*ns)[3][128] = ne ? realloc(out->strs, cap * sizeof(*ns)) : NULL;

		if (ne)
			out->e = ne;
		if (!ns)
			return 1;
		out->strs = ns;
		out->cap = cap;
	}
	out->e[out->n] = *e;
	snprintf(out->strs[out->n][0], 128, "%s", e->comm);
	snprintf(out->strs[out->n][1], 128, "%s", e->path ? e->path : "(none)");
	snprintf(out->strs[out->n][2], 128, "%s", e->syscall);
	out->n++;
	return 0;
}

/* The same entries in the same order, strings compared as text. */
static bool same_entries(const struct agg *a, const struct agg *b)
{
	struct entries ea = { 0 }, eb = { 0 };
	bool same = !agg_foreach(a, keep_entry, &ea) && !agg_foreach(b, keep_entry, &eb) &&
		    ea.n == eb.n && ea.n > 0 && agg_events(a) == agg_events(b) &&
		    agg_folded(a) == agg_folded(b);

	for (size_t i = 0; same && i < ea.n; i++) {
		const struct agg_entry *x = &ea.e[i], *y = &eb.e[i];

		same = !strcmp(ea.strs[i][0], eb.strs[i][0]) && !strcmp(ea.strs[i][1], eb.strs[i][1]) &&
		       !strcmp(ea.strs[i][2], eb.strs[i][2]) && x->pid == y->pid &&
		       x->tid == y->tid && x->flags == y->flags && x->has_flags == y->has_flags &&
		       x->count == y->count && x->dur_ns == y->dur_ns && x->gap_ns == y->gap_ns &&
		       x->bytes == y->bytes && x->dur_min_ns == y->dur_min_ns &&
		       x->dur_max_ns == y->dur_max_ns &&
		       !memcmp(x->hist_dur, y->hist_dur, sizeof(x->hist_dur)) &&
		       !memcmp(x->hist_gap, y->hist_gap, sizeof(x->hist_gap));
	}
	free(ea.e);
	free(ea.strs);
	free(eb.e);
	free(eb.strs);
	return same;
}

/* Feeds the same mix event by event to one model and through a tally
 * (flushed every `every` events and whenever full) to another. */
static void compare_models(const struct stats_opts *opts, size_t agg_cap, uint64_t every,
			   uint64_t events, int *same, size_t *flushes)
{
	struct model one = { stats_new(opts), agg_new(agg_cap) };
	struct model two = { stats_new(opts), agg_new(agg_cap) };
	struct tally *t = tally_new();
	char buf[256];
	uint64_t x = 0x2545f4914f6cdd1dull;

	*same = 0;
	*flushes = 0;
	if (!one.s || !one.a || !two.s || !two.a || !t)
		goto out;
	for (uint64_t i = 0; i < events; i++) {
		struct ior_event ev = mixed_event(&x, i, buf, sizeof(buf));
		int rc;

		stats_add_event(one.s, &ev);
		agg_add(one.a, &ev);
		stats_add_times(two.s, &ev);
		rc = tally_add(t, &ev);
		if (rc == -ENOSPC) {
			tally_flush(t, to_model, &two);
			++*flushes;
			rc = tally_add(t, &ev);
		}
		if (rc)
			goto out;
		memset(buf, 'x', sizeof(buf) - 1); /* the event's strings are gone */
		if (i % every == every - 1) {
			tally_flush(t, to_model, &two);
			++*flushes;
		}
	}
	tally_flush(t, to_model, &two);
	*same = 1;
	for (int v = STATS_VIEW_SYSCALLS; v <= STATS_VIEW_PROCS; v++)
		if (!same_tables(one.s, two.s, (enum stats_view)v))
			*same = -1 - v;
	if (memcmp(stats_totals(one.s), stats_totals(two.s), sizeof(struct stats_totals)))
		*same = -10;
	for (int sc = 0; sc < IOR_SC_COUNT; sc++)
		if (memcmp(stats_syscall(one.s, sc), stats_syscall(two.s, sc), sizeof(struct stats_sc)))
			*same = -11;
	for (int k = STATS_SERIES_EVENTS; k <= STATS_SERIES_WRITE; k++) {
		uint64_t ta[40], tb[40], sum = 0;

		stats_timeline(one.s, (enum stats_series)k, 1700000000ull + 35, ta, 40);
		stats_timeline(two.s, (enum stats_series)k, 1700000000ull + 35, tb, 40);
		for (int j = 0; j < 40; j++)
			sum += ta[j];
		if (memcmp(ta, tb, sizeof(ta)) || !sum)
			*same = -12;
	}
	if (!same_entries(one.a, two.a))
		*same = -13;
out:
	stats_free(one.s);
	stats_free(two.s);
	agg_free(one.a);
	agg_free(two.a);
	tally_free(t);
}

TEST(tally_adds_exactly_what_each_event_adds)
{
	int same;
	size_t flushes;

	/* flushed rarely (the tally fills up), often, and after every event */
	compare_models(NULL, 0, 1000000, 20000, &same, &flushes);
	CHECK_EQ_INT(same, 1);
	CHECK(flushes > 20); /* the mix has more keys than a tally holds */
	compare_models(NULL, 0, 37, 20000, &same, &flushes);
	CHECK_EQ_INT(same, 1);
	compare_models(NULL, 0, 1, 3000, &same, &flushes);
	CHECK_EQ_INT(same, 1);
	CHECK_EQ_UINT(flushes, 3000);
}

TEST(tally_keeps_first_seen_order_past_the_caps)
{
	struct stats_opts small = { .files_cap = 3, .procs_cap = 2 };
	int same;
	size_t flushes;

	/* rows past the caps fold into "[other]": the same rows must fold */
	compare_models(&small, 20, 500, 20000, &same, &flushes);
	CHECK_EQ_INT(same, 1);
	compare_models(&small, 20, 1000000, 20000, &same, &flushes);
	CHECK_EQ_INT(same, 1);
}

struct seen {
	char what[8][64];
	size_t n;
};

static void note_cell(void *ctx, const struct ior_cell *c)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->what[s->n++], 64, "%u/%u %s %s x%llu%s", c->pid, c->tid, c->comm,
			 c->path ? c->path : "-", (unsigned long long)c->count,
			 c->latest_comm ? " latest" : "");
}

TEST(tally_limits_and_order)
{
	struct tally *t = tally_new();
	struct ior_event ev = { .pid = 1, .tid = 1, .sc = IOR_SC_write, .comm = "w" };
	struct seen seen = { 0 };
	char path[32];

	CHECK(t);
	for (unsigned i = 0; i < TALLY_CELLS; i++) {
		ev.pid = 1000 + i;
		CHECK_EQ_INT(tally_add(t, &ev), 0);
		CHECK_EQ_INT(tally_add(t, &ev), 0);
	}
	CHECK_EQ_UINT(tally_count(t), TALLY_CELLS);
	ev.pid = 5;
	CHECK_EQ_INT(tally_add(t, &ev), -ENOSPC);
	ev.pid = 1000;
	CHECK_EQ_INT(tally_add(t, &ev), 0); /* a key it holds still counts */
	tally_flush(t, note_cell, &seen);
	CHECK_EQ_UINT(tally_count(t), 0);
	CHECK_EQ_STR(seen.what[0], "1000/1 w - x3 latest");
	CHECK_EQ_STR(seen.what[1], "1001/1 w - x2 latest");

	/* cells in first-seen order; paths copied; the name seen last is the latest */
	seen.n = 0;
	ev.pid = 7;
	ev.tid = 7;
	snprintf(path, sizeof(path), "/tmp/one");
	ev.path = path;
	CHECK_EQ_INT(tally_add(t, &ev), 0);
	ev.tid = 8;
	snprintf(ev.comm, sizeof(ev.comm), "b");
	snprintf(path, sizeof(path), "/tmp/two");
	CHECK_EQ_INT(tally_add(t, &ev), 0);
	ev.tid = 7;
	snprintf(ev.comm, sizeof(ev.comm), "w");
	snprintf(path, sizeof(path), "/tmp/one");
	CHECK_EQ_INT(tally_add(t, &ev), 0);
	snprintf(path, sizeof(path), "/tmp/gone");
	tally_flush(t, note_cell, &seen);
	CHECK_EQ_UINT(seen.n, 2);
	CHECK_EQ_STR(seen.what[0], "7/7 w /tmp/one x2 latest");
	CHECK_EQ_STR(seen.what[1], "7/8 b /tmp/two x1");
	tally_free(t);
}
