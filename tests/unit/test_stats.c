// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the dashboard's model (stats.c): exact counts and sums per
 * syscall, file and process, errors, read/write bytes, sorting in both
 * directions with "[other]" last, grouping files by directory, percentiles
 * from log2 histograms, the caps with their "[other]" rows, aggregated
 * input, the timeline, and a throughput bench (events per second on one
 * core, printed; the test fails under 1M/s in an optimised build).
 */
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "harness.h"
#include "stats.h"
#include "syscalls.h"

static struct ior_event ev_make(const char *comm, uint32_t pid, int sc, const char *path,
				uint64_t dur, uint64_t gap, uint64_t bytes, int64_t ret)
{
	struct ior_event ev = { 0 };

	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.pid = pid;
	ev.tid = pid;
	ev.sc = sc;
	ev.path = path;
	ev.duration_ns = dur;
	ev.gap_ns = gap;
	ev.bytes = bytes;
	ev.ret = ret;
	ev.time_ns = 1700000000ull * 1000000000ull;
	return ev;
}

static void add(struct stats *s, const char *comm, uint32_t pid, int sc, const char *path,
		uint64_t dur, uint64_t gap, uint64_t bytes, int64_t ret)
{
	struct ior_event ev = ev_make(comm, pid, sc, path, dur, gap, bytes, ret);

	stats_add_event(s, &ev);
}

static const struct stats_row *row_named(const struct stats_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

TEST(stats_exact_counts)
{
	struct stats *s = stats_new(NULL);
	struct stats_table t = { 0 };
	const struct stats_row *r;

	CHECK(s);
	add(s, "iortui", 10, IOR_SC_write, "/tmp/a", 100, 5, 1, 1);
	add(s, "iortui", 10, IOR_SC_write, "/tmp/a", 300, 7, 1, 1);
	add(s, "iortui", 10, IOR_SC_write, "/tmp/b", 200, 9, 0, -28);
	add(s, "cat", 11, IOR_SC_read, "/etc/passwd", 50, 0, 4096, 4096);
	add(s, "cat", 11, IOR_SC_sync, NULL, 1000, 1, 0, 0);

	const struct stats_totals *tot = stats_totals(s);

	CHECK_EQ_UINT(tot->v.count, 5);
	CHECK_EQ_UINT(tot->v.dur_ns, 1650);
	CHECK_EQ_UINT(tot->v.gap_ns, 22);
	CHECK_EQ_UINT(tot->v.bytes, 4098);
	CHECK_EQ_UINT(tot->v.errors, 1);
	CHECK_EQ_UINT(tot->read_bytes, 4096);
	CHECK_EQ_UINT(tot->write_bytes, 2);
	CHECK_EQ_UINT(tot->files, 3);
	CHECK_EQ_UINT(tot->procs, 2);

	const struct stats_sc *w = stats_syscall(s, IOR_SC_write);

	CHECK_EQ_UINT(w->v.count, 3);
	CHECK_EQ_UINT(w->v.dur_ns, 600);
	CHECK_EQ_UINT(w->v.dur_max_ns, 300);
	CHECK_EQ_UINT(w->dur_min_ns, 100);
	CHECK_EQ_UINT(w->v.errors, 1);
	CHECK_EQ_UINT(w->gap_max_ns, 9);
	CHECK_EQ_UINT(w->hist_dur[6], 1);  /* 100 */
	CHECK_EQ_UINT(w->hist_dur[7], 1);  /* 200 */
	CHECK_EQ_UINT(w->hist_dur[8], 1);  /* 300 */

	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_FILES, &t), 0);
	CHECK_EQ_UINT(t.n, 3);
	r = row_named(&t, "/tmp/a");
	CHECK(r);
	CHECK_EQ_UINT(r->v.count, 2);
	CHECK_EQ_UINT(r->v.dur_ns, 400);
	CHECK_EQ_UINT(stats_avg(&r->v), 200);
	CHECK_EQ_UINT(r->v.gap_ns, 12);
	CHECK_EQ_UINT(r->v.bytes, 2);
	CHECK_EQ_UINT(r->v.errors, 0);
	r = row_named(&t, "/tmp/b");
	CHECK(r);
	CHECK_EQ_UINT(r->v.errors, 1);

	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_PROCS, &t), 0);
	CHECK_EQ_UINT(t.n, 2);
	r = row_named(&t, "cat");
	CHECK(r);
	CHECK_EQ_UINT(r->id, 11);
	CHECK_EQ_UINT(r->v.count, 2);
	CHECK_EQ_UINT(r->v.dur_ns, 1050);

	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_SYSCALLS, &t), 0);
	CHECK_EQ_UINT(t.n, 3);
	r = row_named(&t, "sync");
	CHECK(r);
	CHECK_EQ_UINT(r->id, IOR_SC_sync);

	stats_reset(s);
	CHECK_EQ_UINT(stats_totals(s)->v.count, 0);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_FILES, &t), 0);
	CHECK_EQ_UINT(t.n, 0);
	add(s, "x", 1, IOR_SC_read, "/x", 1, 1, 1, 1);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_FILES, &t), 0);
	CHECK_EQ_UINT(t.n, 1);
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_comm_follows_exec)
{
	struct stats *s = stats_new(NULL);
	struct stats_table t = { 0 };

	add(s, "sh", 7, IOR_SC_read, NULL, 1, 1, 1, 1);
	add(s, "make", 7, IOR_SC_read, NULL, 1, 1, 1, 1);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_PROCS, &t), 0);
	CHECK_EQ_UINT(t.n, 1);
	CHECK_EQ_STR(t.rows[0].name, "make");
	CHECK_EQ_UINT(t.rows[0].v.count, 2);
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_sorting)
{
	struct stats *s = stats_new(&(struct stats_opts){ .files_cap = 3 });
	struct stats_table t = { 0 };

	add(s, "p", 1, IOR_SC_read, "/b", 10, 0, 0, 0);
	add(s, "p", 1, IOR_SC_read, "/b", 10, 0, 0, 0);
	add(s, "p", 1, IOR_SC_read, "/a", 100, 0, 0, 0);
	add(s, "p", 1, IOR_SC_read, "/c", 1, 0, 0, 0);
	add(s, "p", 1, IOR_SC_read, "/c", 1, 0, 0, 0);
	add(s, "p", 1, IOR_SC_read, "/c", 1, 0, 0, 0);
	/* past the cap: "[other]", with the largest count of all */
	for (int i = 0; i < 5; i++)
		add(s, "p", 1, IOR_SC_read, "/z", 1000, 0, 0, 0);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_FILES, &t), 0);
	CHECK_EQ_UINT(t.n, 4);

	stats_table_sort(&t, STATS_KEY_COUNT, true);
	CHECK_EQ_STR(t.rows[0].name, "/c");
	CHECK_EQ_STR(t.rows[1].name, "/b");
	CHECK_EQ_STR(t.rows[2].name, "/a");
	CHECK_EQ_STR(t.rows[3].name, STATS_OTHER);
	stats_table_sort(&t, STATS_KEY_COUNT, false);
	CHECK_EQ_STR(t.rows[0].name, "/a");
	CHECK_EQ_STR(t.rows[2].name, "/c");
	CHECK_EQ_STR(t.rows[3].name, STATS_OTHER);
	stats_table_sort(&t, STATS_KEY_NAME, false);
	CHECK_EQ_STR(t.rows[0].name, "/a");
	CHECK_EQ_STR(t.rows[1].name, "/b");
	CHECK_EQ_STR(t.rows[2].name, "/c");
	stats_table_sort(&t, STATS_KEY_NAME, true);
	CHECK_EQ_STR(t.rows[0].name, "/c");
	CHECK_EQ_STR(t.rows[3].name, STATS_OTHER);
	stats_table_sort(&t, STATS_KEY_AVG, true);
	CHECK_EQ_STR(t.rows[0].name, "/a");
	CHECK_EQ_STR(t.rows[1].name, "/b");
	stats_table_sort(&t, STATS_KEY_DUR, true);
	CHECK_EQ_STR(t.rows[0].name, "/a");
	CHECK_EQ_STR(t.rows[1].name, "/b");
	CHECK_EQ_STR(t.rows[2].name, "/c");
	CHECK_EQ_INT(stats_table_find(&t, "/b", 0), 1);
	CHECK_EQ_INT(stats_table_find(&t, "/nope", 0), -1);
	CHECK(stats_key_default_desc(STATS_KEY_COUNT));
	CHECK(!stats_key_default_desc(STATS_KEY_NAME));
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_group_by_directory)
{
	struct stats *s = stats_new(NULL);
	struct stats_table t = { 0 };
	const struct stats_row *r;

	add(s, "p", 1, IOR_SC_write, "/var/log/a.log", 10, 1, 5, 5);
	add(s, "p", 1, IOR_SC_write, "/var/log/b.log", 20, 2, 6, 6);
	add(s, "p", 1, IOR_SC_write, "/var/log/b.log", 30, 3, 7, -5);
	add(s, "p", 1, IOR_SC_read, "/var/lib/x", 1, 0, 1, 1);
	add(s, "p", 1, IOR_SC_read, "/etc", 1, 0, 0, 0);
	add(s, "p", 1, IOR_SC_read, "pipe:[123]", 1, 0, 0, 0);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_DIRS, &t), 0);
	CHECK_EQ_UINT(t.n, 4);
	r = row_named(&t, "/var/log");
	CHECK(r);
	CHECK_EQ_UINT(r->id, 2); /* files in it */
	CHECK_EQ_UINT(r->v.count, 3);
	CHECK_EQ_UINT(r->v.dur_ns, 60);
	CHECK_EQ_UINT(r->v.gap_ns, 6);
	CHECK_EQ_UINT(r->v.bytes, 18);
	CHECK_EQ_UINT(r->v.errors, 1);
	CHECK_EQ_UINT(r->v.dur_max_ns, 30);
	r = row_named(&t, "/var/lib");
	CHECK(r);
	CHECK_EQ_UINT(r->v.count, 1);
	r = row_named(&t, "/");
	CHECK(r);
	CHECK_EQ_UINT(r->v.count, 1);
	r = row_named(&t, "pipe:[123]");
	CHECK(r);
	stats_table_sort(&t, STATS_KEY_COUNT, true);
	CHECK_EQ_STR(t.rows[0].name, "/var/log");
	CHECK_EQ_INT(stats_table_find(&t, "/var/log", 99), 0);
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_many_dirs)
{
	struct stats *s = stats_new(NULL);
	struct stats_table t = { 0 };
	char path[64];

	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "/d%d/f%d", i % 1000, i);
		add(s, "p", 1, IOR_SC_read, path, 1, 0, 0, 0);
	}
	CHECK_EQ_UINT(stats_totals(s)->files, 3000);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_DIRS, &t), 0);
	CHECK_EQ_UINT(t.n, 1000);
	for (size_t i = 0; i < t.n; i++) {
		CHECK_EQ_UINT(t.rows[i].id, 3);
		CHECK_EQ_UINT(t.rows[i].v.count, 3);
	}
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_percentiles)
{
	uint64_t h[STATS_HIST_BUCKETS] = { 0 };

	CHECK_EQ_UINT(stats_percentile(h, 50, 0, UINT64_MAX), 0);
	CHECK_EQ_UINT(stats_bucket(0), 0);
	CHECK_EQ_UINT(stats_bucket(1), 0);
	CHECK_EQ_UINT(stats_bucket(2), 1);
	CHECK_EQ_UINT(stats_bucket(1023), 9);
	CHECK_EQ_UINT(stats_bucket(1024), 10);
	CHECK_EQ_UINT(stats_bucket(UINT64_MAX), 63);
	CHECK_EQ_UINT(stats_bucket(1), agg_bucket(1));
	CHECK_EQ_UINT(stats_bucket(12345), agg_bucket(12345));
	CHECK_EQ_UINT(stats_bucket_lo(10), 1024);
	CHECK_EQ_UINT(stats_bucket_hi(10), 2048);
	CHECK_EQ_UINT(stats_bucket_lo(0), 0);
	CHECK_EQ_UINT(stats_bucket_hi(63), UINT64_MAX);

	/* 100 values in [1024, 2048): interpolated linearly by rank */
	h[10] = 100;
	CHECK_EQ_UINT(stats_percentile(h, 50, 0, UINT64_MAX), 1024 + 512);
	CHECK_EQ_UINT(stats_percentile(h, 100, 0, UINT64_MAX), 2048);
	CHECK_EQ_UINT(stats_percentile(h, 1, 0, UINT64_MAX), 1024 + 10);
	/* clamped to the observed range */
	CHECK_EQ_UINT(stats_percentile(h, 100, 0, 1500), 1500);
	CHECK_EQ_UINT(stats_percentile(h, 1, 1200, 1500), 1200);

	/* 90 fast ones, 10 slow ones: p50 among the fast, p95 and p99 slow */
	memset(h, 0, sizeof(h));
	h[3] = 90;  /* [8, 16) */
	h[20] = 10; /* [1Mi, 2Mi) */
	CHECK(stats_percentile(h, 50, 0, UINT64_MAX) >= 8);
	CHECK(stats_percentile(h, 50, 0, UINT64_MAX) < 16);
	CHECK_EQ_UINT(stats_percentile(h, 90, 0, UINT64_MAX), 16);
	CHECK(stats_percentile(h, 95, 0, UINT64_MAX) >= (1u << 20));
	CHECK_EQ_UINT(stats_percentile(h, 95, 0, UINT64_MAX), (1u << 20) + (1u << 19));
	CHECK(stats_percentile(h, 99, 0, UINT64_MAX) < (2u << 20));

	/* percentiles of a syscall fed by events */
	struct stats *s = stats_new(NULL);

	for (int i = 1; i <= 1000; i++)
		add(s, "p", 1, IOR_SC_pread64, NULL, (uint64_t)i * 1000, 0, 0, 0);
	const struct stats_sc *c = stats_syscall(s, IOR_SC_pread64);
	uint64_t p50 = stats_percentile(c->hist_dur, 50, c->dur_min_ns, c->v.dur_max_ns);
	uint64_t p99 = stats_percentile(c->hist_dur, 99, c->dur_min_ns, c->v.dur_max_ns);

	/* true p50 is 500000, p99 990000: within their log2 bucket */
	CHECK(p50 >= 262144 && p50 < 524288 * 2);
	CHECK(p99 >= 524288 && p99 <= 1000000);
	CHECK_EQ_UINT(stats_percentile(c->hist_dur, 100, c->dur_min_ns, c->v.dur_max_ns), 1000000);
	stats_free(s);
}

TEST(stats_caps)
{
	struct stats *s = stats_new(&(struct stats_opts){ .files_cap = 100, .procs_cap = 10 });
	struct stats_table t = { 0 };
	char path[32];

	for (uint32_t i = 0; i < 250; i++) {
		snprintf(path, sizeof(path), "/f/%u", i);
		add(s, "w", 1000 + i % 20, IOR_SC_write, path, 1, 0, 1, 1);
	}
	const struct stats_totals *tot = stats_totals(s);

	CHECK_EQ_UINT(tot->v.count, 250);
	CHECK_EQ_UINT(tot->files, 100);
	CHECK_EQ_UINT(tot->files_folded, 150);
	CHECK_EQ_UINT(tot->procs, 10);
	CHECK_EQ_UINT(tot->procs_folded, 120); /* pids 1010..1019, 12 events each */
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_FILES, &t), 0);
	CHECK_EQ_UINT(t.n, 101);
	const struct stats_row *r = row_named(&t, STATS_OTHER);

	CHECK(r && r->other);
	CHECK_EQ_UINT(r->v.count, 150);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_PROCS, &t), 0);
	CHECK_EQ_UINT(t.n, 11);
	r = row_named(&t, STATS_OTHER);
	CHECK(r);
	CHECK_EQ_UINT(r->v.count, 120);
	/* a known file still counts in its own row past the cap */
	add(s, "w", 1000, IOR_SC_write, "/f/7", 1, 0, 1, 1);
	CHECK_EQ_UINT(stats_totals(s)->files_folded, 150);
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_aggregates)
{
	struct stats *s = stats_new(NULL);
	struct stats_table t = { 0 };
	struct agg_entry e = { 0 };

	e.comm = "iortui";
	e.path = "/tmp/f";
	e.syscall = "write";
	e.pid = 42;
	e.tid = 43;
	e.count = 1000;
	e.dur_ns = 2000000;
	e.gap_ns = 3000;
	e.bytes = 1000;
	e.dur_min_ns = 1000;
	e.dur_max_ns = 9000;
	e.hist_dur[10] = 990;
	e.hist_dur[13] = 10;
	e.hist_gap[1] = 1000;
	stats_add_aggregate(s, &e);
	stats_add_aggregate(s, &e);
	e.syscall = "nosuchcall";
	stats_add_aggregate(s, &e);

	const struct stats_totals *tot = stats_totals(s);

	CHECK(tot->aggregated);
	CHECK_EQ_UINT(tot->v.count, 3000);
	CHECK_EQ_UINT(tot->write_bytes, 2000);
	CHECK_EQ_UINT(tot->unknown_sc, 1000);
	const struct stats_sc *c = stats_syscall(s, IOR_SC_write);

	CHECK_EQ_UINT(c->v.count, 2000);
	CHECK_EQ_UINT(c->v.dur_ns, 4000000);
	CHECK_EQ_UINT(c->hist_dur[10], 1980);
	CHECK_EQ_UINT(c->hist_dur[13], 20);
	CHECK_EQ_UINT(c->dur_min_ns, 1000);
	CHECK_EQ_UINT(c->v.dur_max_ns, 9000);
	CHECK_EQ_UINT(c->gap_max_ns, 3);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_FILES, &t), 0);
	CHECK_EQ_UINT(t.n, 1);
	CHECK_EQ_UINT(t.rows[0].v.count, 3000);
	CHECK_EQ_INT(stats_snapshot(s, STATS_VIEW_PROCS, &t), 0);
	CHECK_EQ_UINT(t.n, 1);
	CHECK_EQ_UINT(t.rows[0].id, 42);
	CHECK_EQ_STR(t.rows[0].name, "iortui");
	stats_table_free(&t);
	stats_free(s);
}

TEST(stats_timeline)
{
	struct stats *s = stats_new(NULL);
	struct ior_event ev = ev_make("p", 1, IOR_SC_write, NULL, 1, 0, 10, 10);
	uint64_t out[4];

	ev.time_ns = 1000ull * 1000000000ull + 5;
	stats_add_event(s, &ev);
	ev.time_ns = 1001ull * 1000000000ull + 5;
	stats_add_event(s, &ev);
	stats_add_event(s, &ev);
	ev.time_ns = 1003ull * 1000000000ull;
	stats_add_event(s, &ev);
	ev.time_ns = 1002ull * 1000000000ull - 1; /* back to second 1001, its last ns */
	stats_add_event(s, &ev);
	stats_timeline(s, STATS_SERIES_EVENTS, 1004, out, 4);
	CHECK_EQ_UINT(out[0], 1);
	CHECK_EQ_UINT(out[1], 3);
	CHECK_EQ_UINT(out[2], 0);
	CHECK_EQ_UINT(out[3], 1);
	stats_timeline(s, STATS_SERIES_WRITE, 1004, out, 4);
	CHECK_EQ_UINT(out[1], 30);
	stats_timeline(s, STATS_SERIES_READ, 1004, out, 4);
	CHECK_EQ_UINT(out[1], 0);
	/* far later: the old seconds are gone, and a too-old event is ignored */
	ev.time_ns = (1000ull + STATS_TIMELINE) * 1000000000ull;
	stats_add_event(s, &ev);
	ev.time_ns = 1000ull * 1000000000ull; /* its slot holds a newer second now */
	stats_add_event(s, &ev);
	stats_timeline(s, STATS_SERIES_EVENTS, 1000 + STATS_TIMELINE + 1, out, 2);
	CHECK_EQ_UINT(out[1], 1);
	stats_timeline(s, STATS_SERIES_EVENTS, 1004, out, 4);
	CHECK_EQ_UINT(out[0], 0);
	CHECK_EQ_UINT(out[1], 3);
	CHECK_EQ_UINT(stats_totals(s)->first_ns, 1000ull * 1000000000ull);
	stats_free(s);
}
