// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for agg.c: exact values of an aggregation of synthetic events
 * (sums, min/max, histogram buckets at their edges, saturation), what makes
 * keys distinct, the cap's folding (directory, "[other files]", "[other]")
 * and its counters, merging
 * entries, and growth of the tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "harness.h"
#include "syscalls.h"
#include "test_agg_util.h"

struct ev_spec {
	const char *comm;
	uint32_t pid, tid;
	const char *path;
	int sc;
	bool has_flags;
	int32_t flags;
	uint64_t dur, gap, bytes;
};

static struct ior_event mkev(const struct ev_spec *s)
{
	struct ior_event ev = { 0 };

	snprintf(ev.comm, sizeof(ev.comm), "%s", s->comm);
	ev.pid = s->pid;
	ev.tid = s->tid;
	ev.path = s->path;
	ev.sc = s->sc;
	ev.has_flags = s->has_flags;
	ev.flags = s->flags;
	ev.duration_ns = s->dur;
	ev.gap_ns = s->gap;
	ev.bytes = s->bytes;
	return ev;
}

static int add_all(struct agg *agg, const struct ev_spec *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ior_event ev = mkev(&s[i]);
		int rc = agg_event(agg, &ev);

		if (rc)
			return rc;
	}
	return 0;
}

TEST(agg_bucket_edges)
{
	CHECK_EQ_UINT(agg_bucket(0), 0);
	CHECK_EQ_UINT(agg_bucket(1), 0);
	CHECK_EQ_UINT(agg_bucket(2), 1);
	CHECK_EQ_UINT(agg_bucket(3), 1);
	CHECK_EQ_UINT(agg_bucket(4), 2);
	CHECK_EQ_UINT(agg_bucket(1023), 9);
	CHECK_EQ_UINT(agg_bucket(1024), 10);
	CHECK_EQ_UINT(agg_bucket(1ull << 63), 63);
	CHECK_EQ_UINT(agg_bucket(UINT64_MAX), 63);
}

TEST(agg_exact_values)
{
	static const struct ev_spec evs[] = {
		{ "cat", 100, 101, "/etc/passwd", IOR_SC_openat, true, 0, 0, 0, 0 },
		{ "cat", 100, 101, "/etc/passwd", IOR_SC_openat, true, 0, 1, 2, 10 },
		{ "cat", 100, 101, "/etc/passwd", IOR_SC_openat, true, 0, 3, 1023, 20 },
		{ "cat", 100, 101, "/etc/passwd", IOR_SC_openat, true, 0, 1024, 1024, 5 },
		{ "cat", 100, 101, "/etc/passwd", IOR_SC_openat, true, 0, 2, UINT64_MAX, 0 },
		{ "cat", 100, 101, NULL, IOR_SC_sync, false, 0, UINT64_MAX, 7, 0 },
		{ "cat", 100, 101, NULL, IOR_SC_sync, false, 0, UINT64_MAX, 9, 0 },
	};
	struct agg *agg = agg_new(0);
	struct entry_list l = { 0 };

	CHECK(agg);
	CHECK_EQ_INT(add_all(agg, evs, 7), 0);
	CHECK_EQ_UINT(agg_count(agg), 2);
	CHECK_EQ_UINT(agg_events(agg), 7);
	CHECK_EQ_UINT(agg_folded(agg), 0);
	CHECK_EQ_UINT(agg_cap(agg), AGG_DEFAULT_CAP);
	CHECK_EQ_INT(entry_list_collect(agg, &l), 0);
	CHECK_EQ_UINT(l.n, 2);

	const struct agg_entry *e = &l.v[0];
	CHECK_EQ_STR(e->comm, "cat");
	CHECK_EQ_STR(e->path, "/etc/passwd");
	CHECK_EQ_STR(e->syscall, "openat");
	CHECK_EQ_UINT(e->pid, 100);
	CHECK_EQ_UINT(e->tid, 101);
	CHECK(e->has_flags);
	CHECK_EQ_INT(e->flags, 0);
	CHECK_EQ_UINT(e->count, 5);
	CHECK_EQ_UINT(e->dur_ns, 1030);
	CHECK_EQ_UINT(e->gap_ns, UINT64_MAX); /* saturated */
	CHECK_EQ_UINT(e->bytes, 35);
	CHECK_EQ_UINT(e->dur_min_ns, 0);
	CHECK_EQ_UINT(e->dur_max_ns, 1024);
	uint64_t want_dur[AGG_HIST_BUCKETS] = { [0] = 2, [1] = 2, [10] = 1 };
	uint64_t want_gap[AGG_HIST_BUCKETS] = { [0] = 1, [1] = 1, [9] = 1, [10] = 1, [63] = 1 };
	CHECK_EQ_MEM(e->hist_dur, want_dur, sizeof(want_dur));
	CHECK_EQ_MEM(e->hist_gap, want_gap, sizeof(want_gap));

	e = &l.v[1];
	CHECK_EQ_STR(e->comm, "cat");
	CHECK(e->path == NULL);
	CHECK_EQ_STR(e->syscall, "sync");
	CHECK(!e->has_flags);
	CHECK_EQ_UINT(e->count, 2);
	CHECK_EQ_UINT(e->dur_ns, UINT64_MAX);
	CHECK_EQ_UINT(e->gap_ns, 16);
	CHECK_EQ_UINT(e->dur_min_ns, UINT64_MAX);
	CHECK_EQ_UINT(e->dur_max_ns, UINT64_MAX);
	CHECK_EQ_UINT(e->hist_dur[63], 2);
	CHECK_EQ_UINT(e->hist_gap[2], 1);
	CHECK_EQ_UINT(e->hist_gap[3], 1);
	entry_list_free(&l);
	agg_free(agg);
}

TEST(agg_every_key_field_counts)
{
	static const struct ev_spec evs[] = {
		{ "a", 1, 1, "/p", IOR_SC_read, false, 0, 1, 1, 1 },
		{ "b", 1, 1, "/p", IOR_SC_read, false, 0, 1, 1, 1 },      /* comm */
		{ "a", 2, 1, "/p", IOR_SC_read, false, 0, 1, 1, 1 },      /* pid */
		{ "a", 1, 2, "/p", IOR_SC_read, false, 0, 1, 1, 1 },      /* tid */
		{ "a", 1, 1, "/q", IOR_SC_read, false, 0, 1, 1, 1 },      /* path */
		{ "a", 1, 1, "", IOR_SC_read, false, 0, 1, 1, 1 },        /* "" is a path */
		{ "a", 1, 1, NULL, IOR_SC_read, false, 0, 1, 1, 1 },      /* no path */
		{ "a", 1, 1, "/p", IOR_SC_write, false, 0, 1, 1, 1 },     /* syscall */
		{ "a", 1, 1, "/p", IOR_SC_read, true, 0, 1, 1, 1 },       /* flags valid */
		{ "a", 1, 1, "/p", IOR_SC_read, true, 2, 1, 1, 1 },       /* flags value */
		{ "a", 1, 1, "/p", IOR_SC_read, false, 5, 1, 1, 1 },      /* invalid flags ignored */
		{ "a", 1, 1, "/p", -1, false, 0, 1, 1, 1 },               /* unknown syscall */
		{ "a", 1, 1, "/p", IOR_SC_COUNT, false, 0, 1, 1, 1 },     /* unknown again */
	};
	struct agg *agg = agg_new(0);
	struct entry_list l = { 0 };

	CHECK(agg);
	CHECK_EQ_INT(add_all(agg, evs, sizeof(evs) / sizeof(evs[0])), 0);
	CHECK_EQ_UINT(agg_count(agg), 11);
	CHECK_EQ_INT(entry_list_collect(agg, &l), 0);
	CHECK_EQ_UINT(l.v[0].count, 2);
	CHECK_EQ_STR(l.v[5].path, "");
	CHECK(l.v[6].path == NULL);
	CHECK_EQ_STR(l.v[10].syscall, "unknown");
	CHECK_EQ_UINT(l.v[10].count, 2);
	entry_list_free(&l);
	agg_free(agg);
}

TEST(agg_comm_of_16_bytes)
{
	struct ior_event ev = { .sc = IOR_SC_read };
	struct entry_list l = { 0 };
	struct agg *agg = agg_new(0);

	memcpy(ev.comm, "0123456789abcdefX", 17); /* no NUL: only 16 bytes count */
	CHECK(agg);
	CHECK_EQ_INT(agg_add(agg, &ev), 0);
	CHECK_EQ_INT(entry_list_collect(agg, &l), 0);
	CHECK_EQ_STR(l.v[0].comm, "0123456789abcdef");
	entry_list_free(&l);
	agg_free(agg);
}

TEST(agg_path_key_given_or_computed_is_one_entry)
{
	struct ior_event ev = { .sc = IOR_SC_pread64, .pid = 5, .tid = 5, .path = "/data/db" };
	struct entry_list l = { 0 };
	struct agg *agg = agg_new(0);

	memcpy(ev.comm, "db", 3);
	CHECK(agg);
	CHECK_EQ_INT(agg_add(agg, &ev), 0); /* the sink hashes the path */
	ev.path_known = true;               /* the source did */
	ev.path_len = 8;
	ev.path_hash = util_hash("/data/db", 8);
	CHECK_EQ_INT(agg_add(agg, &ev), 0);
	CHECK_EQ_UINT(agg_count(agg), 1);
	CHECK_EQ_INT(entry_list_collect(agg, &l), 0);
	CHECK_EQ_STR(l.v[0].path, "/data/db");
	CHECK_EQ_UINT(l.v[0].count, 2);
	entry_list_free(&l);
	agg_free(agg);
}

TEST(agg_cap_folds_path_first)
{
	static const struct ev_spec evs[] = {
		{ "a", 1, 1, "/d1/f1", IOR_SC_read, false, 0, 10, 1, 100 },
		{ "a", 1, 1, "/d1/f2", IOR_SC_read, false, 0, 10, 1, 100 },
		{ "b", 2, 2, "/d2/f1", IOR_SC_write, false, 0, 10, 1, 100 },
		{ "b", 2, 2, NULL, IOR_SC_fsync, false, 0, 10, 1, 0 },     /* the cap is full */
		{ "a", 1, 1, "/d1/f3", IOR_SC_read, false, 0, 100, 1, 7 },  /* into /d1/ */
		{ "a", 1, 1, "/d1/f4", IOR_SC_read, false, 0, 200, 1, 8 },  /* into /d1/ */
		{ "b", 2, 2, "/d2/f2", IOR_SC_write, false, 0, 30, 2, 5 },  /* no room for /d2/ */
		{ "a", 1, 1, "pipe:[7]", IOR_SC_read, false, 0, 1000, 4, 1 }, /* no room left */
		{ "a", 1, 1, "/d1/f1", IOR_SC_read, false, 0, 10, 1, 100 }, /* known key */
		{ "b", 2, 2, "/d3/x", IOR_SC_write, false, 0, 40, 2, 6 },   /* [other files] */
		{ "c", 3, 3, NULL, IOR_SC_sync, false, 0, 30, 2, 0 },       /* no room left */
	};
	struct agg *agg = agg_new(4);
	struct entry_list l = { 0 };

	CHECK(agg);
	CHECK_EQ_INT(add_all(agg, evs, 11), 0);
	CHECK_EQ_UINT(agg_count(agg), 6);
	CHECK_EQ_UINT(agg_events(agg), 11);
	CHECK_EQ_UINT(agg_folded_dir(agg), 2);
	CHECK_EQ_UINT(agg_folded_files(agg), 2);
	CHECK_EQ_UINT(agg_folded(agg), 2);
	CHECK_EQ_INT(entry_list_collect(agg, &l), 0);
	CHECK_EQ_UINT(l.n, 7);
	CHECK_EQ_STR(l.v[0].path, "/d1/f1");
	CHECK_EQ_UINT(l.v[0].count, 2);
	CHECK_EQ_STR(l.v[3].comm, "b");
	CHECK(!l.v[3].path);
	const struct agg_entry *d = &l.v[4], *f = &l.v[5], *o = &l.v[6];
	CHECK_EQ_STR(d->comm, "a");
	CHECK_EQ_UINT(d->pid, 1);
	CHECK_EQ_STR(d->path, "/d1/");
	CHECK_EQ_STR(d->syscall, "read");
	CHECK_EQ_UINT(d->count, 2);
	CHECK_EQ_UINT(d->dur_ns, 300);
	CHECK_EQ_UINT(d->bytes, 15);
	CHECK_EQ_UINT(d->dur_min_ns, 100);
	CHECK_EQ_UINT(d->dur_max_ns, 200);
	CHECK_EQ_STR(f->comm, "b");
	CHECK_EQ_UINT(f->tid, 2);
	CHECK_EQ_STR(f->path, AGG_OTHER_FILES);
	CHECK_EQ_STR(f->syscall, "write");
	CHECK_EQ_UINT(f->count, 2);
	CHECK_EQ_UINT(f->dur_ns, 70);
	CHECK_EQ_UINT(f->gap_ns, 4);
	CHECK_EQ_UINT(f->bytes, 11);
	CHECK(agg_entry_is_other(o));
	CHECK_EQ_STR(o->comm, "[other]");
	CHECK_EQ_UINT(o->pid, 0);
	CHECK(!o->has_flags);
	CHECK_EQ_UINT(o->count, 2);
	CHECK_EQ_UINT(o->dur_ns, 1030);
	CHECK_EQ_UINT(o->bytes, 1);
	CHECK_EQ_UINT(o->dur_min_ns, 30);
	CHECK_EQ_UINT(o->dur_max_ns, 1000);
	CHECK_EQ_UINT(o->hist_dur[4], 1);
	CHECK_EQ_UINT(o->hist_dur[9], 1);
	entry_list_free(&l);
	agg_free(agg);
}

/* A folded key read back (a file, a kernel entry) folds onto itself. */
TEST(agg_cap_folded_keys_merge_onto_themselves)
{
	static const struct ev_spec evs[] = {
		{ "a", 1, 1, "/d/f1", IOR_SC_read, false, 0, 10, 1, 1 },
		{ "a", 1, 1, "/d/f2", IOR_SC_read, false, 0, 10, 1, 1 },
		{ "a", 1, 1, "/e/f3", IOR_SC_read, false, 0, 10, 1, 1 },
		{ "a", 1, 1, "/g/f4", IOR_SC_read, false, 0, 10, 1, 1 },
	};
	struct agg *a = agg_new(1), *b = agg_new(1);
	struct entry_list la = { 0 }, lb = { 0 };

	CHECK(a && b);
	CHECK_EQ_INT(add_all(a, evs, 4), 0);
	CHECK_EQ_UINT(agg_folded_dir(a), 1);
	CHECK_EQ_UINT(agg_folded_files(a), 2);
	CHECK_EQ_INT(agg_foreach(a, agg_merge, b), 0);
	CHECK_EQ_UINT(agg_folded_dir(b), 1);
	CHECK_EQ_UINT(agg_folded_files(b), 2);
	CHECK_EQ_UINT(agg_folded(b), 0);
	CHECK_EQ_INT(entry_list_collect(a, &la), 0);
	CHECK_EQ_INT(entry_list_collect(b, &lb), 0);
	CHECK_EQ_UINT(la.n, 3);
	CHECK_EQ_STR(la.v[1].path, "/d/");
	CHECK_EQ_STR(la.v[2].path, "[other files]");
	CHECK_EQ_INT(entry_list_equal(&la, &lb), 1);
	entry_list_free(&la);
	entry_list_free(&lb);
	agg_free(a);
	agg_free(b);
}

TEST(agg_merge_reproduces_entries)
{
	static const struct ev_spec evs[] = {
		{ "a", 1, 1, "/x", IOR_SC_read, false, 0, 10, 1, 100 },
		{ "b", 1, 2, NULL, IOR_SC_fsync, false, 0, 20, 300, 0 },
		{ "c", 1, 1, "/x", IOR_SC_openat, true, 0x241, 30, 2, 0 },
		{ "d", 1, 1, "/y", IOR_SC_read, false, 0, 1, 1, 1 },
		{ "a", 1, 1, "/x", IOR_SC_read, false, 0, 5000, 1, 100 },
	};
	struct agg *a = agg_new(3), *b = agg_new(3);
	struct entry_list la = { 0 }, lb = { 0 };

	CHECK(a && b);
	CHECK_EQ_INT(add_all(a, evs, 5), 0);
	CHECK_EQ_UINT(agg_folded_dir(a), 1);
	CHECK_EQ_INT(agg_foreach(a, agg_merge, b), 0);
	CHECK_EQ_UINT(agg_count(b), 4);
	CHECK_EQ_UINT(agg_events(b), 5);
	CHECK_EQ_UINT(agg_folded_dir(b), 1);
	CHECK_EQ_INT(entry_list_collect(a, &la), 0);
	CHECK_EQ_INT(entry_list_collect(b, &lb), 0);
	CHECK_EQ_INT(entry_list_equal(&la, &lb), 1);
	/* merging twice doubles every value */
	CHECK_EQ_INT(agg_foreach(a, agg_merge, b), 0);
	entry_list_free(&lb);
	CHECK_EQ_INT(entry_list_collect(b, &lb), 0);
	CHECK_EQ_UINT(lb.v[0].count, 4);
	CHECK_EQ_UINT(lb.v[0].dur_ns, 10020);
	CHECK_EQ_UINT(lb.v[0].dur_min_ns, 10);
	CHECK_EQ_UINT(lb.v[0].hist_dur[3], 2);
	CHECK_EQ_UINT(lb.v[3].count, 2);
	CHECK_EQ_STR(lb.v[3].path, "/");
	CHECK_EQ_UINT(agg_folded_dir(b), 2);
	entry_list_free(&la);
	entry_list_free(&lb);
	agg_free(a);
	agg_free(b);
}

TEST(agg_merge_rejects_missing_strings_and_skips_empty)
{
	struct agg *agg = agg_new(0);
	struct agg_entry e = { .comm = "x", .syscall = NULL, .count = 1 };

	CHECK(agg);
	CHECK_EQ_INT(agg_merge_entry(agg, &e), -EINVAL);
	e.syscall = "read";
	e.count = 0;
	CHECK_EQ_INT(agg_merge_entry(agg, &e), 0);
	CHECK_EQ_UINT(agg_count(agg), 0);
	agg_free(agg);
}

TEST(agg_many_keys)
{
	struct agg *agg = agg_new(0);
	struct ior_event ev = { .sc = IOR_SC_pread64 };
	char path[64];
	struct entry_list l = { 0 };
	bool ok = true;

	CHECK(agg);
	strcpy(ev.comm, "worker");
	ev.path = path;
	for (int round = 0; round < 2; round++)
		for (uint32_t i = 0; i < 50000; i++) {
			snprintf(path, sizeof(path), "/data/file-%u", i % 5000);
			ev.pid = i / 5000;
			ev.tid = i;
			ev.duration_ns = i;
			if (agg_add(agg, &ev))
				ok = false;
		}
	CHECK(ok);
	CHECK_EQ_UINT(agg_count(agg), 50000);
	CHECK_EQ_UINT(agg_events(agg), 100000);
	CHECK_EQ_INT(entry_list_collect(agg, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].count != 2 || l.v[i].tid != i || l.v[i].dur_ns != 2 * i)
			ok = false;
	CHECK(ok);
	entry_list_free(&l);
	agg_free(agg);
	agg_free(NULL); /* a no-op, as free(NULL): a crash here fails the run */
}

