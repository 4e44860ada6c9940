// SPDX-License-Identifier: GPL-2.0
/*
 * Golden files of ior's own formats: tests/golden/v1.ior.zst is a file of
 * .ior.zst format version 1, written once by that version's writer from
 * the scripted events of tests/golden/make_v1.c, and committed. It is never
 * regenerated: it stands for the version-1 files users already have, so a
 * reader change that breaks them fails here. A new format version gets its
 * own golden file beside it (v2.ior.zst from a make_v2.c) and this test
 * grows a case; v1's stays.
 *
 * The expected -folded outputs (tests/golden/v1.*.folded) were checked by
 * hand against the script: each value is times x the per-event value of
 * one step (cat's 5 reads of /etc/passwd at 4096 bytes: 20480 bytes), and
 * every entry is checked here field by field against the same script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "folded.h"
#include "harness.h"
#include "iorzst.h"
#include "test_agg_util.h"

#define GOLDEN IOR_TEST_SRCDIR "/tests/golden/"

/* The folded stacks of file for fields and metric (NULL: the defaults), as
 * ior -folded prints them; caller frees. NULL if the file cannot be read. */
static char *folded_of(const char *file, const char *fields, const char *metric)
{
	struct agg *agg = agg_new(0);
	char err[IORZST_ERR_MAX], *text = NULL;

	if (!agg)
		abort();
	if (iorzst_read(file, NULL, agg_merge, agg, err, sizeof(err)))
		printf("golden: %s\n", err);
	else
		text = test_fold(agg, fields, metric);
	agg_free(agg);
	return text;
}

/* The committed file tests/golden/name as a string; caller frees. */
static char *golden_text(const char *name)
{
	char path[4096];
	unsigned char *buf;
	long len;

	snprintf(path, sizeof(path), GOLDEN "%s", name);
	len = test_read_file(path, &buf);
	if (len < 0)
		return NULL;
	buf[len] = '\0';
	return (char *)buf;
}

TEST(golden_v1_iorzst_folded_outputs)
{
	static const struct {
		const char *fields, *metric, *expected;
	} cases[] = {
		{ NULL, NULL, "v1.count.folded" },
		{ NULL, "duration", "v1.duration.folded" },
		{ NULL, "durationToPrev", "v1.durationToPrev.folded" },
		{ NULL, "bytes", "v1.bytes.folded" },
		{ "pid,tid,comm,tracepoint,flags,path", NULL, "v1.allfields.folded" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *want = golden_text(cases[i].expected);
		char *got = folded_of(GOLDEN "v1.ior.zst", cases[i].fields, cases[i].metric);

		CHECK(want != NULL);
		CHECK(got != NULL);
		CHECK_EQ_STR(got, want);
		free(want);
		free(got);
	}
}

/* what make_v1.c's script adds up to, one line per key */
static const struct golden_entry {
	const char *comm, *syscall, *path;
	uint32_t pid, tid;
	int32_t flags; /* -1: none */
	uint64_t times, dur_ns, gap_ns, bytes; /* per event */
} v1_entries[] = {
	{ "cat", "openat", "/etc/passwd", 100, 100, 0x80000, 2, 3000, 1000, 0 },
	{ "cat", "read", "/etc/passwd", 100, 100, -1, 5, 500, 100, 4096 },
	{ "cat", "read", "/etc/group", 100, 100, -1, 1, 700, 300, 1024 },
	{ "db", "pwrite64", "/var/lib/db/data", 200, 201, -1, 4, 20000, 5000, 8192 },
	{ "db", "fsync", "/var/lib/db/data", 200, 201, -1, 2, 2000000, 10, 0 },
	{ "db", "pread64", "/var/lib/db/data", 200, 202, -1, 3, 9000, 40000, 8192 },
	{ "db", "openat", "/tmp/a b;c", 200, 202, 0x241, 1, 6000, 7, 0 },
	{ "db", "sync", NULL, 200, 201, -1, 1, 3000000, 2000, 0 },
};

static unsigned log2_floor(uint64_t v)
{
	return v ? 63u - (unsigned)__builtin_clzll(v) : 0;
}

static const struct golden_entry *v1_find(const struct agg_entry *e)
{
	for (size_t i = 0; i < sizeof(v1_entries) / sizeof(v1_entries[0]); i++) {
		const struct golden_entry *g = &v1_entries[i];

		if (!strcmp(g->comm, e->comm) && !strcmp(g->syscall, e->syscall) &&
		    g->pid == e->pid && g->tid == e->tid &&
		    (g->path && e->path ? !strcmp(g->path, e->path) : g->path == e->path))
			return g;
	}
	return NULL;
}

/* 1 if every value of e is what its script line adds up to */
static int v1_entry_ok(const struct agg_entry *e, const struct golden_entry *g)
{
	uint64_t hd = 0, hg = 0;

	for (unsigned b = 0; b < AGG_HIST_BUCKETS; b++) {
		hd += e->hist_dur[b];
		hg += e->hist_gap[b];
	}
	return e->has_flags == (g->flags != -1) && (g->flags == -1 || e->flags == g->flags) &&
	       e->count == g->times && e->dur_ns == g->times * g->dur_ns &&
	       e->gap_ns == g->times * g->gap_ns && e->bytes == g->times * g->bytes &&
	       e->dur_min_ns == g->dur_ns && e->dur_max_ns == g->dur_ns &&
	       e->hist_dur[log2_floor(g->dur_ns)] == g->times && hd == g->times &&
	       e->hist_gap[log2_floor(g->gap_ns)] == g->times && hg == g->times;
}

struct v1_read {
	struct entry_list l;
	char meta[256];
};

static int v1_meta(void *ctx, const char *key, const char *value)
{
	struct v1_read *r = ctx;
	size_t n = strlen(r->meta);

	snprintf(r->meta + n, sizeof(r->meta) - n, "%s=%s\n", key, value);
	return 0;
}

static int v1_entry(void *ctx, const struct agg_entry *e)
{
	return entry_list_add(&((struct v1_read *)ctx)->l, e);
}

TEST(golden_v1_iorzst_entries_and_metadata)
{
	struct v1_read r = { 0 };
	char err[IORZST_ERR_MAX];
	bool seen[sizeof(v1_entries) / sizeof(v1_entries[0])] = { false };

	CHECK_EQ_INT(iorzst_read(GOLDEN "v1.ior.zst", v1_meta, v1_entry, &r, err, sizeof(err)), 0);
	CHECK_EQ_STR(r.meta, "ior.version=golden\nior.command=make_v1\n");
	CHECK_EQ_UINT(r.l.n, sizeof(v1_entries) / sizeof(v1_entries[0]));
	for (size_t i = 0; i < r.l.n; i++) {
		const struct golden_entry *g = v1_find(&r.l.v[i]);

		CHECK(g != NULL);
		CHECK(!seen[g - v1_entries]);
		seen[g - v1_entries] = true;
		if (!harness_check(v1_entry_ok(&r.l.v[i], g), __FILE__, __LINE__, "the entry's values"))
			printf("    entry %zu: %s %s %s\n", i, g->comm, g->syscall, g->path ? g->path : "-");
	}
	entry_list_free(&r.l);
}
