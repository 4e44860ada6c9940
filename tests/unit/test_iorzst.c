// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for iorzst.c: write -> read -> write gives the same aggregate,
 * metadata and bytes; the file is created atomically, never over an
 * existing one, with no temporary left behind; a file written again
 * replaces only ior's own; every defect of an input
 * (empty, directory, wrong magic or version, truncated at any byte,
 * flipped bytes, malformed records) gives its exact one-sentence error.
 * Also replays the fuzzer's regression inputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "agg.h"
#include "harness.h"
#include "iorzst.h"
#include "syscalls.h"
#include "test_agg_util.h"

#include "../fuzz/fuzz_iorzst.c"

#define NAME "t.ior.zst"
#define TRUNCATED NAME " is truncated: the file ends before its end record"

/* ---- fixtures ------------------------------------------------------- */

static char long_path[5001];

static struct agg *sample_agg(size_t cap)
{
	struct agg *agg = agg_new(cap);
	struct ior_event ev = { 0 };
	static const char *const paths[] = {
		"/etc/passwd", NULL, "/tmp/semi;colon", "/tmp/new\nline", "/tmp/bad\xff\xfe utf8",
		"pipe:[1234]", "", long_path,
	};

	if (!agg)
		return NULL;
	memset(long_path, 'x', sizeof(long_path) - 1);
	for (size_t i = 0; i < sizeof(long_path) - 1; i += 50)
		long_path[i] = '/';
	for (unsigned i = 0; i < 200; i++) {
		snprintf(ev.comm, sizeof(ev.comm), i % 3 ? "worker" : "db;\"x\"");
		ev.pid = 1000 + i % 4;
		ev.tid = 1000 + i % 7;
		ev.path = paths[i % 8];
		ev.sc = (int)(i % IOR_SC_COUNT);
		ev.has_flags = i % 5 == 0;
		ev.flags = ev.has_flags ? (int32_t)(0x80000000u | i) : 0;
		ev.duration_ns = i % 11 == 0 ? UINT64_MAX / 3 : (uint64_t)i * i * 97;
		ev.gap_ns = i % 13 ? i : 0;
		ev.bytes = i * 4096ull;
		if (agg_add(agg, &ev)) {
			agg_free(agg);
			return NULL;
		}
	}
	return agg;
}

static const struct iorzst_kv sample_meta[] = {
	{ "host", "testhost" },
	{ "kernel", "6.1.0-test" },
	{ "start_ns", "1700000000000000000" },
	{ "end_ns", "1700000060000000000" },
	{ "cmdline", "ior -flamegraph -name run -comm \"a b\"" },
	{ "filter.comm", "" },
	{ "lost.ringbuf", "0" },
	{ "odd key\nwith newline", "value \xff;" },
};
#define NMETA (sizeof(sample_meta) / sizeof(sample_meta[0]))

struct meta_list {
	char *k[64];
	char *v[64];
	size_t n;
};

static int meta_add(void *ctx, const char *key, const char *value)
{
	struct meta_list *m = ctx;

	if (m->n == 64)
		return -E2BIG;
	m->k[m->n] = strdup(key);
	m->v[m->n] = strdup(value);
	m->n++;
	return 0;
}

static void meta_free(struct meta_list *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->k[i]);
		free(m->v[i]);
	}
	m->n = 0;
}

struct sink {
	struct meta_list meta;
	struct entry_list entries;
	struct agg *agg;
};

static int sink_entry(void *ctx, const struct agg_entry *e)
{
	struct sink *s = ctx;
	int rc = entry_list_add(&s->entries, e);

	if (!rc && s->agg)
		rc = agg_merge_entry(s->agg, e);
	return rc;
}

static int sink_meta(void *ctx, const char *key, const char *value)
{
	struct sink *s = ctx;

	return meta_add(&s->meta, key, value);
}

static void sink_free(struct sink *s)
{
	meta_free(&s->meta);
	entry_list_free(&s->entries);
	agg_free(s->agg);
	s->agg = NULL;
}

static char *tmpdir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/ior-unit-XXXXXX");
	return mkdtemp(dir);
}

/* Reads len bytes at buf; returns the rc, err holds the message. */
static int read_mem(const void *buf, size_t len, char *err)
{
	struct sink s = { 0 };
	int rc = iorzst_read_mem(buf, len, NAME, sink_meta, sink_entry, &s, err, IORZST_ERR_MAX);

	sink_free(&s);
	return rc;
}

/* ---- hand-made record streams ----------------------------------------- */

struct raw {
	unsigned char *b;
	size_t n, cap;
};

static void raw_bytes(struct raw *r, const void *p, size_t len)
{
	if (len == 0)
		return;
	if (r->n + len > r->cap) {
		r->cap = (r->n + len) * 2 + 64;
		r->b = realloc(r->b, r->cap);
		if (!r->b)
			abort();
	}
	memcpy(r->b + r->n, p, len);
	r->n += len;
}

static void raw_u8(struct raw *r, unsigned v)
{
	unsigned char b = (unsigned char)v;

	raw_bytes(r, &b, 1);
}

static void raw_varint(struct raw *r, uint64_t v)
{
	while (v >= 0x80) {
		raw_u8(r, (unsigned)(v & 0x7f) | 0x80);
		v >>= 7;
	}
	raw_u8(r, (unsigned)v);
}

static void raw_str(struct raw *r, const char *s)
{
	raw_varint(r, strlen(s));
	raw_bytes(r, s, strlen(s));
}

static void raw_header(struct raw *r, unsigned version)
{
	raw_bytes(r, "\x89IOR\r\n\x1a\n", 8);
	raw_u8(r, version & 0xff);
	raw_u8(r, version >> 8);
}

static void raw_record(struct raw *r, unsigned kind, struct raw *payload)
{
	raw_u8(r, kind);
	raw_varint(r, payload->n);
	raw_bytes(r, payload->b, payload->n);
	free(payload->b);
	*payload = (struct raw){ 0 };
}

/* A valid entry payload: count 1, both histograms one bucket. */
static void raw_entry(struct raw *p, const char *comm)
{
	raw_str(p, comm);
	raw_varint(p, 7);        /* pid */
	raw_varint(p, 8);        /* tid */
	raw_u8(p, 1);
	raw_str(p, "/f");
	raw_str(p, "read");
	raw_u8(p, 0);            /* no flags */
	raw_varint(p, 1);        /* count */
	raw_varint(p, 5);        /* dur */
	raw_varint(p, 0);        /* gap */
	raw_varint(p, 3);        /* bytes */
	raw_varint(p, 5);        /* min */
	raw_varint(p, 5);        /* max */
	raw_varint(p, 1);
	raw_u8(p, 2);
	raw_varint(p, 1);
	raw_varint(p, 1);
	raw_u8(p, 0);
	raw_varint(p, 1);
}

static void raw_end(struct raw *r, uint64_t entries, uint64_t meta)
{
	struct raw p = { 0 };

	raw_varint(&p, entries);
	raw_varint(&p, meta);
	raw_record(r, 3, &p);
}

/* Compresses r (freed) into one zstd frame; returns its length. */
static size_t raw_pack(struct raw *r, unsigned char **out)
{
	size_t bound = ZSTD_compressBound(r->n);
	size_t n;

	*out = malloc(bound);
	if (!*out)
		abort();
	n = ZSTD_compress(*out, bound, r->b, r->n, 1);
	free(r->b);
	*r = (struct raw){ 0 };
	return ZSTD_isError(n) ? 0 : n;
}

static int raw_read(struct raw *r, char *err)
{
	unsigned char *z;
	size_t n = raw_pack(r, &z);
	int rc = read_mem(z, n, err);

	free(z);
	return rc;
}

/* ---- round trip ----------------------------------------------------- */

TEST(iorzst_write_read_write_is_identical)
{
	char *dir = tmpdir(), a[128], b[128], err[IORZST_ERR_MAX];
	struct agg *agg = sample_agg(20);
	struct sink s = { 0 };
	struct entry_list orig = { 0 };
	unsigned char *fa = NULL, *fb = NULL;
	long la, lb;
	struct stat st;

	CHECK(dir && agg);
	CHECK(agg_folded(agg) > 0);
	snprintf(a, sizeof(a), "%s/a.ior.zst", dir);
	snprintf(b, sizeof(b), "%s/b.ior.zst", dir);
	CHECK_EQ_INT(iorzst_check_new(a), 0);
	CHECK_EQ_INT(iorzst_write(a, agg, sample_meta, NMETA), 0);
	CHECK_EQ_INT(test_dir_count(dir), 1);
	CHECK_EQ_INT(stat(a, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);

	s.agg = agg_new(20);
	CHECK(s.agg);
	CHECK_EQ_INT(iorzst_read(a, sink_meta, sink_entry, &s, err, sizeof(err)), 0);
	CHECK_EQ_STR(err, "");
	CHECK_EQ_UINT(s.meta.n, NMETA);
	for (size_t i = 0; i < NMETA; i++) {
		CHECK_EQ_STR(s.meta.k[i], sample_meta[i].key);
		CHECK_EQ_STR(s.meta.v[i], sample_meta[i].value);
	}
	CHECK_EQ_INT(entry_list_collect(agg, &orig), 0);
	entry_list_sort(&orig);
	entry_list_sort(&s.entries);
	CHECK_EQ_UINT(s.entries.n, 31);
	CHECK_EQ_INT(entry_list_equal(&orig, &s.entries), 1);
	CHECK_EQ_UINT(agg_folded(s.agg), agg_folded(agg));
	CHECK_EQ_UINT(agg_folded_dir(s.agg), agg_folded_dir(agg));
	CHECK_EQ_UINT(agg_folded_files(s.agg), agg_folded_files(agg));
	CHECK_EQ_UINT(agg_events(s.agg), 200);

	/* the re-read aggregate writes the same bytes */
	CHECK_EQ_INT(iorzst_write(b, s.agg, sample_meta, NMETA), 0);
	la = test_read_file(a, &fa);
	lb = test_read_file(b, &fb);
	CHECK(la > 0 && la == lb);
	CHECK_EQ_MEM(fb, fa, (size_t)la);
	CHECK_EQ_INT(test_dir_count(dir), 2);

	/* and the memory reader sees the same */
	{
		struct sink m = { 0 };

		CHECK_EQ_INT(iorzst_read_mem(fa, (size_t)la, NAME, sink_meta, sink_entry, &m, err,
					     sizeof(err)), 0);
		entry_list_sort(&m.entries);
		CHECK_EQ_INT(entry_list_equal(&orig, &m.entries), 1);
		CHECK_EQ_UINT(m.meta.n, NMETA);
		sink_free(&m);
	}
	free(fa);
	free(fb);
	entry_list_free(&orig);
	sink_free(&s);
	agg_free(agg);
	test_rm_dir(dir);
}

TEST(iorzst_empty_agg_and_no_meta)
{
	char *dir = tmpdir(), p[128], err[IORZST_ERR_MAX];
	struct agg *agg = agg_new(0);
	struct sink s = { 0 };

	CHECK(dir && agg);
	snprintf(p, sizeof(p), "%s/e.ior.zst", dir);
	CHECK_EQ_INT(iorzst_write(p, agg, NULL, 0), 0);
	CHECK_EQ_INT(iorzst_read(p, sink_meta, sink_entry, &s, err, sizeof(err)), 0);
	CHECK_EQ_UINT(s.meta.n, 0);
	CHECK_EQ_UINT(s.entries.n, 0);
	sink_free(&s);
	agg_free(agg);
	test_rm_dir(dir);
}

TEST(iorzst_many_entries_stream_through_small_buffers)
{
	char *dir = tmpdir(), p[128], err[IORZST_ERR_MAX];
	struct agg *agg = agg_new(0);
	struct ior_event ev = { .sc = IOR_SC_pwrite64 };
	char path[64];
	struct sink s = { 0 };
	struct entry_list orig = { 0 };
	unsigned long long x = 88172645463325252ull;
	bool ok = true;

	CHECK(dir && agg);
	strcpy(ev.comm, "loader");
	ev.path = path;
	for (unsigned i = 0; i < 30000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		snprintf(path, sizeof(path), "/srv/data/%llx", x);
		ev.tid = i;
		ev.duration_ns = x >> (x & 63);
		ev.gap_ns = x & 0xffff;
		ev.bytes = x >> 40;
		if (agg_add(agg, &ev))
			ok = false;
	}
	CHECK(ok);
	snprintf(p, sizeof(p), "%s/big.ior.zst", dir);
	CHECK_EQ_INT(iorzst_write(p, agg, sample_meta, 2), 0);
	CHECK_EQ_INT(iorzst_read(p, sink_meta, sink_entry, &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(entry_list_collect(agg, &orig), 0);
	CHECK_EQ_UINT(s.entries.n, 30000);
	CHECK_EQ_INT(entry_list_equal(&orig, &s.entries), 1);
	entry_list_free(&orig);
	sink_free(&s);
	agg_free(agg);
	test_rm_dir(dir);
}

/* ---- writing refuses and cleans up ---------------------------------- */

TEST(iorzst_existing_target_refused)
{
	char *dir = tmpdir(), p[128], l[128], err[IORZST_ERR_MAX];
	struct agg *agg = sample_agg(0);
	unsigned char *buf = NULL;

	CHECK(dir && agg);
	snprintf(p, sizeof(p), "%s/keep.ior.zst", dir);
	CHECK_EQ_INT(test_write_file(p, "keep", 4), 0);
	CHECK_EQ_INT(iorzst_check_new(p), -EEXIST);
	CHECK_EQ_INT(iorzst_write(p, agg, sample_meta, NMETA), -EEXIST);
	CHECK_EQ_INT(test_read_file(p, &buf), 4);
	CHECK_EQ_MEM(buf, "keep", 4);
	free(buf);
	CHECK_EQ_INT(test_dir_count(dir), 1);

	/* a dangling symlink is something too: nothing is created through it */
	snprintf(l, sizeof(l), "%s/link.ior.zst", dir);
	CHECK_EQ_INT(symlink("target.ior.zst", l), 0);
	CHECK_EQ_INT(iorzst_check_new(l), -EEXIST);
	CHECK_EQ_INT(iorzst_write(l, agg, NULL, 0), -EEXIST);
	CHECK_EQ_INT(test_dir_count(dir), 2);

	/* a directory as the target */
	CHECK_EQ_INT(iorzst_write(dir, agg, NULL, 0), -EEXIST);
	CHECK_EQ_INT(iorzst_read(p, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	agg_free(agg);
	test_rm_dir(dir);
}

TEST(iorzst_check_new_errors)
{
	char *dir = tmpdir(), p[160];

	CHECK(dir);
	snprintf(p, sizeof(p), "%s/missing/x.ior.zst", dir);
	CHECK_EQ_INT(iorzst_check_new(p), -ENOENT);
	CHECK_EQ_INT(iorzst_check_new(""), -EINVAL);
	snprintf(p, sizeof(p), "%s/f", dir);
	CHECK_EQ_INT(test_write_file(p, "", 0), 0);
	snprintf(p, sizeof(p), "%s/f/x.ior.zst", dir);
	CHECK_EQ_INT(iorzst_check_new(p), -ENOTDIR);
	snprintf(p, sizeof(p), "%s/new.ior.zst", dir);
	CHECK_EQ_INT(iorzst_check_new(p), 0);
	CHECK_EQ_INT(test_dir_count(dir), 1);
	test_rm_dir(dir);
}

TEST(iorzst_longest_file_name)
{
	char *dir = tmpdir(), p[512], err[IORZST_ERR_MAX];
	struct agg *agg = sample_agg(0);
	int n;

	CHECK(dir && agg);
	n = snprintf(p, sizeof(p), "%s/", dir);
	memset(p + n, 'n', 255); /* NAME_MAX: the temporary name must be shorter */
	p[n + 255] = '\0';
	CHECK_EQ_INT(iorzst_write(p, agg, NULL, 0), 0);
	CHECK_EQ_INT(iorzst_read(p, NULL, NULL, NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(test_dir_count(dir), 1);
	agg_free(agg);
	test_rm_dir(dir);
}

TEST(iorzst_failed_write_leaves_nothing)
{
	char *dir = tmpdir(), p[128];
	struct agg *agg = sample_agg(0);
	char *big = malloc(IORZST_STRING_MAX + 2);
	struct iorzst_kv kv[2] = { { "ok", "1" }, { "big", big } };

	CHECK(dir && agg && big);
	memset(big, 'b', IORZST_STRING_MAX + 1);
	big[IORZST_STRING_MAX + 1] = '\0';
	snprintf(p, sizeof(p), "%s/x.ior.zst", dir);
	CHECK_EQ_INT(iorzst_write(p, agg, kv, 2), -E2BIG);
	CHECK_EQ_INT(test_dir_count(dir), 0);
	kv[1].value = NULL;
	CHECK_EQ_INT(iorzst_write(p, agg, kv, 2), -EINVAL);
	CHECK_EQ_INT(test_dir_count(dir), 0);
	free(big);
	agg_free(agg);
	test_rm_dir(dir);
}

/* agg_entry_fn: counts the events of a file's entries into *(uint64_t *)ctx. */
static int count_events(void *ctx, const struct agg_entry *e)
{
	*(uint64_t *)ctx += e->count;
	return 0;
}

static uint64_t file_events(const char *path)
{
	char err[IORZST_ERR_MAX];
	uint64_t n = 0;

	return iorzst_read(path, NULL, count_events, &n, err, sizeof(err)) ? UINT64_MAX : n;
}

TEST(iorzst_owned_rewrites_only_its_own_file)
{
	char *dir = tmpdir(), p[128], moved[140];
	struct agg *small = sample_agg(0), *big = agg_new(0);
	struct iorzst_owned own = { 0 };
	struct ior_event ev = { .comm = "x", .sc = IOR_SC_read, .path = "/f" };
	unsigned char *buf = NULL;
	struct stat st;

	CHECK(dir && small && big);
	for (int i = 0; i < 300; i++)
		CHECK_EQ_INT(agg_add(big, &ev), 0);
	snprintf(p, sizeof(p), "%s/run.ior.zst", dir);
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	/* the first write never replaces: a planted file stays */
	CHECK_EQ_INT(test_write_file(p, "mine", 4), 0);
	CHECK_EQ_INT(iorzst_write_owned(p, &own, small, sample_meta, NMETA), -EEXIST);
	CHECK(!own.written);
	CHECK_EQ_INT(unlink(p), 0);
	CHECK_EQ_INT(iorzst_write_owned(p, &own, small, sample_meta, NMETA), 0);
	CHECK(own.written);
	CHECK_EQ_INT(stat(p, &st), 0);
	CHECK_EQ_UINT(st.st_ino, own.ino);
	CHECK_EQ_UINT(file_events(p), 200);
	/* later writes replace ior's own file */
	CHECK_EQ_INT(iorzst_write_owned(p, &own, big, sample_meta, NMETA), 0);
	CHECK_EQ_UINT(file_events(p), 300);
	CHECK_EQ_INT(stat(p, &st), 0);
	CHECK_EQ_UINT(st.st_ino, own.ino);
	CHECK_EQ_INT(test_dir_count(dir), 1);
	/* a failed write leaves the last one as it was */
	struct iorzst_kv bad = { "k", NULL };
	CHECK_EQ_INT(iorzst_write_owned(p, &own, small, &bad, 1), -EINVAL);
	CHECK_EQ_UINT(file_events(p), 300);
	/* someone else's file put there is neither replaced nor lost */
	CHECK_EQ_INT(rename(p, moved), 0);
	CHECK_EQ_INT(test_write_file(p, "theirs", 6), 0);
	CHECK_EQ_INT(iorzst_write_owned(p, &own, small, sample_meta, NMETA), -EEXIST);
	CHECK_EQ_INT(test_read_file(p, &buf), 6);
	CHECK_EQ_MEM(buf, "theirs", 6);
	free(buf);
	CHECK_EQ_UINT(file_events(moved), 300);
	CHECK_EQ_INT(test_dir_count(dir), 2);
	/* a path gone missing is created anew, and is ior's again */
	CHECK_EQ_INT(unlink(p), 0);
	CHECK_EQ_INT(iorzst_write_owned(p, &own, small, sample_meta, NMETA), 0);
	CHECK_EQ_UINT(file_events(p), 200);
	CHECK_EQ_INT(iorzst_write_owned(p, &own, big, sample_meta, NMETA), 0);
	CHECK_EQ_UINT(file_events(p), 300);
	CHECK_EQ_INT(test_dir_count(dir), 2);
	agg_free(small);
	agg_free(big);
	test_rm_dir(dir);
}

/* ---- reading: file-level errors ------------------------------------- */

TEST(iorzst_read_file_errors)
{
	char *dir = tmpdir(), p[128], want[256], err[IORZST_ERR_MAX];

	CHECK(dir);
	snprintf(want, sizeof(want), "%s is a directory, not an .ior.zst file", dir);
	CHECK_EQ_INT(iorzst_read(dir, NULL, NULL, NULL, err, sizeof(err)), -EISDIR);
	CHECK_EQ_STR(err, want);

	snprintf(p, sizeof(p), "%s/empty.ior.zst", dir);
	CHECK_EQ_INT(test_write_file(p, "", 0), 0);
	snprintf(want, sizeof(want), "%s is empty (0 bytes), not an .ior.zst file", p);
	CHECK_EQ_INT(iorzst_read(p, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, want);

	snprintf(p, sizeof(p), "%s/text.ior.zst", dir);
	CHECK_EQ_INT(test_write_file(p, "hello, world\n", 13), 0);
	snprintf(want, sizeof(want), "%s is not an .ior.zst file: it is not zstd-compressed", p);
	CHECK_EQ_INT(iorzst_read(p, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, want);

	snprintf(p, sizeof(p), "%s/none.ior.zst", dir);
	snprintf(want, sizeof(want), "cannot open %s: No such file or directory", p);
	CHECK_EQ_INT(iorzst_read(p, NULL, NULL, NULL, err, sizeof(err)), -ENOENT);
	CHECK_EQ_STR(err, want);

	CHECK_EQ_INT(iorzst_read("/dev/null", NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "/dev/null is not a regular file");
	test_rm_dir(dir);
}

TEST(iorzst_read_wrong_magic_and_version)
{
	struct raw r = { 0 };
	char err[IORZST_ERR_MAX];

	raw_bytes(&r, "\x89IOX\r\n\x1a\n\x01\x00", 10);
	raw_end(&r, 0, 0);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is not an .ior.zst file: wrong magic");

	raw_bytes(&r, "\x89IOR", 4); /* shorter than the header, but not a prefix */
	raw_bytes(&r, "x", 1);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is not an .ior.zst file: wrong magic");

	raw_bytes(&r, "\x89IOR\r\n", 6); /* a prefix of the header */
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, TRUNCATED);

	raw_header(&r, 2);
	raw_end(&r, 0, 0);
	CHECK_EQ_INT(raw_read(&r, err), -ENOTSUP);
	CHECK_EQ_STR(err, NAME " uses .ior.zst format version 2, but this ior reads only version 1");

	raw_header(&r, 0x100);
	CHECK_EQ_INT(raw_read(&r, err), -ENOTSUP);
	CHECK_EQ_STR(err, NAME " uses .ior.zst format version 256, but this ior reads only version 1");

	CHECK_EQ_INT(read_mem("\x28\xb5", 2, err), -EINVAL);
	CHECK_EQ_STR(err, TRUNCATED);
	CHECK_EQ_INT(read_mem("", 0, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is empty (0 bytes), not an .ior.zst file");
}

/* ---- reading: truncation and flipped bytes --------------------------- */

static long sample_file(unsigned char **buf, struct entry_list *want)
{
	char *dir = tmpdir(), p[128];
	struct agg *agg = sample_agg(0);
	long len = -1;

	if (dir && agg) {
		snprintf(p, sizeof(p), "%s/s.ior.zst", dir);
		if (iorzst_write(p, agg, sample_meta, NMETA) == 0)
			len = test_read_file(p, buf);
		if (want)
			entry_list_collect(agg, want);
	}
	agg_free(agg);
	if (dir)
		test_rm_dir(dir);
	return len;
}

TEST(iorzst_truncated_at_every_byte)
{
	unsigned char *buf = NULL;
	char err[IORZST_ERR_MAX];
	long len = sample_file(&buf, NULL);
	size_t bad = 0, first_bad = 0;

	CHECK(len > 100);
	for (size_t cut = 1; cut < (size_t)len; cut++) {
		int rc = read_mem(buf, cut, err);

		if (rc != -EINVAL || strcmp(err, TRUNCATED) != 0) {
			if (!bad++)
				first_bad = cut;
		}
	}
	CHECK_EQ_UINT(first_bad, 0);
	CHECK_EQ_UINT(bad, 0);
	CHECK_EQ_INT(read_mem(buf, (size_t)len, err), 0);
	free(buf);
}

static bool known_error(const char *err)
{
	static const char *const forms[] = {
		NAME " is truncated: ",
		NAME " is corrupt: ",
		NAME " is not an .ior.zst file: ",
		NAME " uses .ior.zst format version ",
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strncmp(err, forms[i], strlen(forms[i])) == 0)
			return true;
	return false;
}

TEST(iorzst_flipped_bytes_detected)
{
	unsigned char *buf = NULL;
	struct entry_list want = { 0 };
	char err[IORZST_ERR_MAX];
	long len = sample_file(&buf, &want);
	static const unsigned char masks[] = { 0x01, 0x10, 0x80, 0xff };
	size_t unknown = 0, undetected = 0, detected = 0;

	CHECK(len > 100);
	entry_list_sort(&want);
	for (size_t i = 0; i < (size_t)len; i++)
		for (size_t m = 0; m < sizeof(masks); m++) {
			struct sink s = { 0 };
			int rc;

			buf[i] ^= masks[m];
			rc = iorzst_read_mem(buf, (size_t)len, NAME, sink_meta, sink_entry, &s, err,
					     sizeof(err));
			if (rc != 0) {
				detected++;
				if (!known_error(err))
					unknown++;
			} else {
				/* only harmless bits (e.g. a larger window) may pass */
				entry_list_sort(&s.entries);
				if (!entry_list_equal(&want, &s.entries) || s.meta.n != NMETA)
					undetected++;
			}
			sink_free(&s);
			buf[i] ^= masks[m];
		}
	CHECK_EQ_UINT(unknown, 0);
	CHECK_EQ_UINT(undetected, 0);
	CHECK(detected > (size_t)len * 3);
	entry_list_free(&want);
	free(buf);
}

/* ---- reading: malformed records ------------------------------------- */

TEST(iorzst_record_errors)
{
	struct raw r = { 0 }, p = { 0 };
	char err[IORZST_ERR_MAX];

	/* bad varint: eleven continuation bytes where pid should be */
	raw_header(&r, 1);
	raw_str(&p, "c");
	raw_bytes(&p, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
	raw_record(&r, 2, &p);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: bad varint in an entry record at byte 14 of the decompressed data");

	/* a string longer than 1 MiB */
	raw_header(&r, 1);
	raw_varint(&p, IORZST_STRING_MAX + 1);
	for (size_t i = 0; i <= IORZST_STRING_MAX; i++)
		raw_u8(&p, 'k');
	raw_str(&p, "v");
	raw_record(&r, 1, &p);
	raw_end(&r, 0, 1);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: string longer than 1 MiB in a metadata record at byte 14 of the decompressed data");

	/* a record longer than 4 MiB */
	raw_header(&r, 1);
	raw_u8(&r, 1);
	raw_varint(&r, IORZST_RECORD_MAX + 1);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: record longer than 4 MiB at byte 10 of the decompressed data");

	/* a NUL inside a string */
	raw_header(&r, 1);
	raw_varint(&p, 3);
	raw_bytes(&p, "a\0b", 3);
	raw_str(&p, "v");
	raw_record(&r, 1, &p);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: string contains a NUL byte in a metadata record at byte 12 of the decompressed data");

	/* a string running past its record */
	raw_header(&r, 1);
	raw_str(&p, "key");
	raw_varint(&p, 5);
	raw_bytes(&p, "ab", 2);
	raw_record(&r, 1, &p);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: record ends inside a string in a metadata record at byte 16 of the decompressed data");

	/* entry count mismatch */
	raw_header(&r, 1);
	raw_entry(&p, "c");
	raw_record(&r, 2, &p);
	raw_end(&r, 2, 0);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: its end record counts 2 entries but the file holds 1");

	/* metadata count mismatch */
	raw_header(&r, 1);
	raw_end(&r, 0, 1);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: its end record counts 1 metadata pairs but the file holds 0");

	/* data after the end record */
	raw_header(&r, 1);
	raw_end(&r, 0, 0);
	raw_u8(&r, 1);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: data after the end record at byte 14 of the decompressed data");

	/* no end record, though the zstd frame is complete */
	raw_header(&r, 1);
	raw_entry(&p, "c");
	raw_record(&r, 2, &p);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, TRUNCATED);

	/* histogram that does not add up */
	raw_header(&r, 1);
	raw_entry(&p, "c");
	p.b[p.n - 1] = 2;   /* gap bucket 0 counts 2 of 1 */
	raw_record(&r, 2, &p);
	raw_end(&r, 1, 0);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: histogram does not add up to the count in an entry record at byte 35 of the decompressed data");

	/* presence byte out of range */
	raw_header(&r, 1);
	raw_str(&p, "c");
	raw_varint(&p, 1);
	raw_varint(&p, 1);
	raw_u8(&p, 2);
	raw_record(&r, 2, &p);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: presence byte not 0 or 1 in an entry record at byte 16 of the decompressed data");

	/* record kind 0 */
	raw_header(&r, 1);
	raw_record(&r, 0, &p);
	CHECK_EQ_INT(raw_read(&r, err), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: record kind 0 at byte 10 of the decompressed data");
}

TEST(iorzst_unknown_records_and_trailing_fields_skipped)
{
	struct raw r = { 0 }, p = { 0 };
	char err[IORZST_ERR_MAX];
	unsigned char *z;
	size_t n;
	struct sink s = { 0 };

	raw_header(&r, 1);
	raw_str(&p, "k");
	raw_str(&p, "v");
	raw_varint(&p, 99);   /* a field added later */
	raw_record(&r, 1, &p);
	raw_bytes(&p, "future", 6);
	raw_record(&r, 77, &p);
	raw_entry(&p, "c");
	raw_u8(&p, 5);
	raw_record(&r, 2, &p);
	raw_end(&r, 1, 1);
	n = raw_pack(&r, &z);
	CHECK_EQ_INT(iorzst_read_mem(z, n, NAME, sink_meta, sink_entry, &s, err, sizeof(err)), 0);
	CHECK_EQ_UINT(s.meta.n, 1);
	CHECK_EQ_STR(s.meta.v[0], "v");
	CHECK_EQ_UINT(s.entries.n, 1);
	CHECK_EQ_STR(s.entries.v[0].comm, "c");
	CHECK_EQ_STR(s.entries.v[0].path, "/f");
	CHECK_EQ_UINT(s.entries.v[0].hist_dur[2], 1);
	sink_free(&s);
	free(z);
}

static int stop_at_second(void *ctx, const struct agg_entry *e)
{
	int *n = ctx;

	(void)e;
	return ++*n == 2 ? -ECANCELED : 0;
}

TEST(iorzst_consumer_stops_reading)
{
	unsigned char *buf = NULL;
	char err[IORZST_ERR_MAX];
	long len = sample_file(&buf, NULL);
	int n = 0;

	CHECK(len > 0);
	CHECK_EQ_INT(iorzst_read_mem(buf, (size_t)len, NAME, NULL, stop_at_second, &n, err,
				     sizeof(err)), -ECANCELED);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_STR(err, "reading " NAME " was stopped by its consumer (Operation canceled)");
	free(buf);
}

/* ---- fuzzer inputs -------------------------------------------------- */

/* Exactly the files the tree holds (a file added there is counted here): a
 * replay that finds fewer (a folder moved, a run from another directory)
 * fails instead of passing having replayed nothing. */
TEST(iorzst_fuzz_regressions_replay)
{
	CHECK_EQ_INT(test_replay_dir("tests/fuzz/regress/iorzst", LLVMFuzzerTestOneInput), 6);
	CHECK_EQ_INT(test_replay_dir("tests/fuzz/corpus/iorzst", LLVMFuzzerTestOneInput), 6);
}

TEST(iorzst_zeros_behind_zstd_magic_refused_early)
{
	/* a zstd frame header of zeros followed by empty raw blocks: zstd accepts
	 * them, so without a bound a 10 GiB sparse file would be read to its end */
	size_t len = (17u << 20) + 4;
	unsigned char *buf = calloc(1, len);
	char err[IORZST_ERR_MAX];

	CHECK(buf);
	memcpy(buf, "\x28\xb5\x2f\xfd", 4);
	CHECK_EQ_INT(iorzst_read_mem(buf, len, NAME, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, NAME " is corrupt: 16 MiB of its compressed data decompress to nothing");
	free(buf);
}
