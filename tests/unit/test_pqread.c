// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pqread.c: files written by ior's Parquet writer (hostile
 * rows: NULLs, integer extremes, invalid UTF-8, separators, 4096-byte
 * paths, many row groups, dictionary fallback, no rows at all) and by the
 * test builder pqbuild.h (no compression, PLAIN and dictionary integers,
 * v2 pages, other column orders, extra columns) read back field for
 * field; then broken ones (empty, wrong magic, truncated at every length,
 * every byte flipped, footer length too large, other columns, codecs,
 * encodings, pages over the limits), each an error with its sentence and
 * never a crash. Also replays the fuzzer's regression inputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "parquet.h"
#include "pqbuild.h"
#include "pqread.h"
#include "syscalls.h"
#include "test_agg_util.h"

/* the harness, under another name: test_iorzst.c has the libFuzzer one */
#define LLVMFuzzerTestOneInput fuzz_pqread_one
#include "../fuzz/fuzz_pqread.c"
#undef LLVMFuzzerTestOneInput

/* ---- fixtures ------------------------------------------------------------ */

static char tmpdir[64];

__attribute__((destructor)) static void tmpdir_remove(void)
{
	if (tmpdir[0])
		rmdir(tmpdir);
}

/* A fresh path in the test directory (removed first). */
static const char *tmp_path(const char *name)
{
	static char path[128];

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/ior-unit-pqread.XXXXXX");
		if (!mkdtemp(tmpdir))
			return "/nonexistent/dir/file";
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
	return path;
}

static char long_path[4097], long_bad[4097];

static const char *const hostile_paths[] = {
	"",
	"/",
	"/tmp/plain.txt",
	"/tmp/a,b \"q\" 'x'\nnew\tline\r",
	"C:\\dir\\file",
	"/tmp/\\xff stays literal",
	"/tmp/\\x4",
	"/tmp/\xff\xfe",
	"/tmp/cut\xc3",
	"/tmp/overlong\xc0\xaf",
	"/tmp/surrogate\xed\xa0\x80",
	"/tmp/past-max\xf4\x90\x80\x80",
	"/tmp/ctl\x01\x02\x1f\x7f",
	"/tmp/\xc3\xa9t\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80",
	"socket:[18446744073709551615]",
	long_path,
	long_bad,
};
#define NPATHS (sizeof(hostile_paths) / sizeof(hostile_paths[0]))

static const char *const hostile_comms[] = {
	"", "sh", "a\\b", "\xff\xfe", "tab\there", "new\nline", "q\"uote,d",
	"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3", /* cut inside a character */
	"fifteen-chars-x",
};
#define NCOMMS (sizeof(hostile_comms) / sizeof(hostile_comms[0]))

/* n rows that visit every hostile value; caller frees. */
static struct ior_event *hostile_rows(size_t n)
{
	struct ior_event *ev = calloc(n ? n : 1, sizeof(*ev));

	memset(long_path, 'p', sizeof(long_path) - 1);
	long_path[0] = '/';
	memset(long_bad, 0xff, sizeof(long_bad) - 1);
	for (size_t i = 0; ev && i < n; i++) {
		struct ior_event *e = &ev[i];

		e->time_ns = 1700000000000000000ull + i * 1000 + (i * 7919) % 997;
		e->pid = 1000 + (uint32_t)(i % 5);
		e->tid = e->pid + (uint32_t)(i % 3);
		e->sc = (int)((i * 13) % IOR_SC_COUNT);
		snprintf(e->comm, sizeof(e->comm), "%s", hostile_comms[i % NCOMMS]);
		e->has_fd = i % 4 != 1;
		e->fd = (int32_t)(i % 9) - 3;
		e->path = i % 6 == 2 ? NULL : hostile_paths[i % NPATHS];
		e->path2 = i % 3 ? NULL : hostile_paths[(i + 5) % NPATHS];
		e->has_flags = i % 5 < 2;
		e->flags = (int32_t)(i * 0x10001);
		e->ret = i % 11 == 0 ? -2 : (int64_t)i;
		e->bytes = i % 11 == 0 ? 0 : i * 4096;
		e->duration_ns = 500 + (i * 104729) % 2500;
		e->gap_ns = i ? 300 + (i * 1299709) % 1700 : 0;
	}
	if (!ev || n < 4)
		return ev;
	/* the extremes of every integer column */
	ev[1].time_ns = UINT64_MAX;
	ev[1].pid = UINT32_MAX;
	ev[1].tid = 0x80000000u;
	ev[1].has_fd = ev[1].has_flags = true;
	ev[1].fd = INT32_MIN;
	ev[1].flags = INT32_MAX;
	ev[1].ret = INT64_MIN;
	ev[1].bytes = UINT64_MAX;
	ev[1].duration_ns = 1ull << 63;
	ev[1].gap_ns = (uint64_t)INT64_MAX;
	ev[2].time_ns = 0;
	ev[2].pid = 0;
	ev[2].has_fd = ev[2].has_flags = true;
	ev[2].fd = INT32_MAX;
	ev[2].flags = INT32_MIN;
	ev[2].ret = INT64_MAX;
	/* every optional column NULL */
	ev[3].has_fd = ev[3].has_flags = false;
	ev[3].path = ev[3].path2 = NULL;
	return ev;
}

/* Writes ev with ior's writer, flushing every flush_every rows (0: never). */
static int write_with_writer(const char *path, const struct ior_event *ev, size_t n,
			     size_t flush_every, const struct parquet_kv *kv, size_t nkv)
{
	struct parquet_writer *w;
	int rc = parquet_writer_open(path, &w);

	if (rc)
		return rc;
	if (nkv)
		rc = parquet_writer_set_kv(w, kv, nkv);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = parquet_writer_add(w, &ev[i]);
		if (!rc && flush_every && i % flush_every == flush_every - 1)
			rc = parquet_writer_flush(w);
	}
	return rc ? (parquet_writer_close(w), rc) : parquet_writer_close(w);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Reads every row of r and compares it with want[0..n): NULL if all are
 * equal and the file ends there, else what differs (a static sentence). */
static const char *rows_differ(struct pqread *r, const struct ior_event *want, size_t n)
{
	static char why[256];
	struct ior_event ev;
	size_t i;
	int rc;

	for (i = 0; (rc = pqread_next(r, &ev)) == 1; i++) {
		const struct ior_event *w = &want[i];
		const char *field = NULL;

		if (i >= n)
			return "more rows than written";
		if (ev.time_ns != w->time_ns)
			field = "time_ns";
		else if (ev.pid != w->pid || ev.tid != w->tid)
			field = "pid/tid";
		else if (strncmp(ev.comm, w->comm, 16))
			field = "comm";
		else if (ev.sc != w->sc)
			field = "syscall";
		else if (ev.has_fd != w->has_fd || (w->has_fd && ev.fd != w->fd))
			field = "fd";
		else if (ev.has_flags != w->has_flags || (w->has_flags && ev.flags != w->flags))
			field = "flags";
		else if (!str_eq(ev.path, w->path))
			field = "path";
		else if (ev.path_known != (ev.path != NULL) ||
			 (ev.path && (ev.path_len != strlen(ev.path) ||
				      ev.path_hash != util_hash(ev.path, ev.path_len))))
			field = "path key (length, hash)";
		else if (!str_eq(ev.path2, w->path2))
			field = "path2";
		else if (ev.ret != w->ret || ev.bytes != w->bytes)
			field = "ret/bytes";
		else if (ev.duration_ns != w->duration_ns || ev.gap_ns != w->gap_ns)
			field = "durations";
		if (field) {
			snprintf(why, sizeof(why), "row %zu: %s differs", i, field);
			return why;
		}
	}
	if (rc < 0) {
		snprintf(why, sizeof(why), "error after %zu rows: %s", i, pqread_error(r));
		return why;
	}
	if (i != n) {
		snprintf(why, sizeof(why), "%zu rows read, %zu written", i, n);
		return why;
	}
	return NULL;
}

/* Opens buf and reads it all: 0, or the first error (its sentence in err). */
static int read_all_mem(const void *buf, size_t len, char *err, size_t errlen, uint64_t *rows)
{
	struct pqread *r;
	struct ior_event ev;
	int rc = pqread_open_mem(buf, len, "t.parquet", &r, err, errlen);

	*rows = 0;
	if (rc)
		return rc;
	while ((rc = pqread_next(r, &ev)) == 1)
		(*rows)++;
	if (rc < 0)
		snprintf(err, errlen, "%s", pqread_error(r));
	pqread_close(r);
	return rc;
}

/* ---- what ior's writer writes ----------------------------------------------- */

TEST(pqread_writer_hostile_rows_round_trip)
{
	static const struct parquet_kv kv[] = { { "start_ns", "1700000000000000000" } };
	const size_t n = 700;
	struct ior_event *ev = hostile_rows(n);
	const char *path = tmp_path("hostile.parquet");
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;

	CHECK(ev != NULL);
	/* 700 rows flushed every 5: 140 flushes seal the open row group
	 * every PARQUET_FLUSHES_PER_GROUP, so the file has three */
	CHECK_EQ_INT(write_with_writer(path, ev, n, 5, kv, 1), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_STR(err, "");
	CHECK_EQ_UINT(pqread_rows(r), n);
	CHECK_EQ_STR(rows_differ(r, ev, n), NULL);
	CHECK_EQ_UINT(pqread_skipped(r), 0);
	CHECK_EQ_STR(pqread_kv(r, "start_ns"), "1700000000000000000");
	pqread_close(r);
	unlink(path);
	free(ev);
}

TEST(pqread_writer_big_file_dictionary_fallback)
{
	const size_t n = PARQUET_ROWS_PER_GROUP + 5000;
	struct ior_event *ev = calloc(n, sizeof(*ev));
	char (*paths)[40] = malloc(n * sizeof(*paths));
	const char *path = tmp_path("big.parquet");
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;
	uint64_t lo = 0, hi = 0;

	CHECK(ev && paths);
	for (size_t i = 0; i < n; i++) {
		/* unique paths: the dictionary outgrows 1 MiB and turns PLAIN */
		snprintf(paths[i], sizeof(paths[i]), "/bulk/dir%zu/file-%07zu", i % 17, i);
		ev[i].time_ns = 1710000000000000000ull + i * 1000;
		ev[i].pid = 1000 + (uint32_t)(i % 5);
		ev[i].tid = ev[i].pid;
		ev[i].sc = i % 2 ? IOR_SC_read : IOR_SC_write;
		strcpy(ev[i].comm, "bulk");
		ev[i].has_fd = true;
		ev[i].fd = 3;
		ev[i].path = paths[i];
		/* the key the tracer gives: the writer's memo meets the fallback */
		ev[i].path_known = true;
		ev[i].path_len = (uint32_t)strlen(paths[i]);
		ev[i].path_hash = util_hash(paths[i], ev[i].path_len);
		ev[i].ret = 4096;
		ev[i].bytes = 4096;
		ev[i].duration_ns = 500 + i % 2500;
		ev[i].gap_ns = 300 + i % 1700;
	}
	CHECK_EQ_INT(write_with_writer(path, ev, n, 0, NULL, 0), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_UINT(pqread_rows(r), n);
	CHECK_EQ_INT(pqread_time_range(r, &lo, &hi), 0);
	CHECK_EQ_UINT(lo, ev[0].time_ns);
	CHECK_EQ_UINT(hi, ev[n - 1].time_ns);
	CHECK_EQ_STR(rows_differ(r, ev, n), NULL);
	pqread_close(r);
	unlink(path);
	free(paths);
	free(ev);
}

/*
 * Rows whose paths come with their key, as the tracer gives them: a memo
 * per string column finds their dictionary entries. Values alternate
 * (three paths of one thread and hostile ones, every task name, every
 * syscall), some keys collide on purpose (the same hash for different
 * paths: the bytes decide), and row groups are sealed along the way (the
 * memo is per row group). Every row must read back as written.
 */
TEST(pqread_writer_memoised_keys_round_trip)
{
	static const char *const mine[] = { "/data/a", "/data/b", "/data/a2" };
	const size_t n = 3000;
	struct ior_event *ev = hostile_rows(n);
	const char *path = tmp_path("memo.parquet");
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;

	CHECK(ev != NULL);
	for (size_t i = 0; i < n; i++) {
		struct ior_event *e = &ev[i];

		if (i % 4 < 2)
			e->path = mine[i % 3];
		if (!e->path)
			continue;
		e->path_known = true;
		e->path_len = (uint32_t)strlen(e->path);
		e->path_hash = i % 5 == 0 ? 42 : util_hash(e->path, e->path_len);
	}
	CHECK_EQ_INT(write_with_writer(path, ev, n, 7, NULL, 0), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_UINT(pqread_rows(r), n);
	CHECK_EQ_STR(rows_differ(r, ev, n), NULL);
	pqread_close(r);
	unlink(path);
	free(ev);
}

/*
 * Pages are encoded as their rows come in and reused by every flush and the
 * seal: a row group of three and a bit pages, flushed inside each page, whose
 * path dictionary grows from 2 entries (1-bit indices) to 700 (10-bit) across
 * the stored pages, and whose path2 column gives up its dictionary (unique
 * 4000-byte values) after two pages were stored in dictionary mode; then a
 * second row group. Every row reads back as written.
 */
TEST(pqread_writer_pages_encoded_ahead_round_trip)
{
	const size_t page = PARQUET_PAGE_ROWS, n = PARQUET_ROWS_PER_GROUP + page / 2;
	struct ior_event *ev = hostile_rows(n);
	static char names[700][32];
	static char big[4000];
	char **big2 = calloc(n, sizeof(*big2));
	const char *path = tmp_path("ahead.parquet");
	char err[PQREAD_ERR_MAX];
	struct parquet_writer *w = NULL;
	struct pqread *r = NULL;
	int rc = 0;

	CHECK(ev != NULL && big2 != NULL);
	for (size_t i = 0; i < 700; i++)
		snprintf(names[i], sizeof(names[i]), "/data/file-%zu", i);
	memset(big, 'b', sizeof(big) - 1);
	for (size_t i = 0; ev && big2 && i < n; i++) {
		ev[i].path = names[i < page ? i % 2 : i % 700];
		ev[i].path_known = false;
		ev[i].path2 = i < 2 * page && i % 4 == 0 ? names[i % 3] : NULL;
		if (i >= 2 * page + 100 && i < 2 * page + 700) {
			/* unique and long: the dictionary passes its limit */
			big2[i] = malloc(sizeof(big) + 16);
			if (big2[i]) {
				snprintf(big2[i], sizeof(big) + 16, "%zu%s", i, big);
				ev[i].path2 = big2[i];
			}
		}
	}
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (size_t i = 0; w && i < n && !rc; i++) {
		rc = parquet_writer_add(w, &ev[i]);
		if (!rc && i % page == page / 3)
			rc = parquet_writer_flush(w);
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_UINT(pqread_rows(r), n);
	CHECK_EQ_STR(rows_differ(r, ev, n), NULL);
	pqread_close(r);
	unlink(path);
	for (size_t i = 0; i < n; i++)
		free(big2[i]);
	free(big2);
	free(ev);
}

/*
 * Pages zstd cannot shrink (random times, durations and gaps) are stored as
 * raw zstd frames: the first page of each such column is compressed, found
 * not worth it, and its column's next pages go out raw; every other column
 * stays compressed. Two row groups (four pages, then one and a tail), so
 * before close exactly 3 x 4 pages are raw (the tails are the fifth); every
 * row reads back as written, and the time
 * range from the row groups' statistics is the rows' own, though the times
 * are not in order (the range is kept as pages are stored, and the tail is
 * added at the seal and at close).
 */
TEST(pqread_writer_raw_pages_round_trip)
{
	const size_t n = PARQUET_ROWS_PER_GROUP + PARQUET_PAGE_ROWS + 1234;
	struct ior_event *ev = calloc(n, sizeof(*ev));
	const char *path = tmp_path("raw.parquet");
	uint64_t x = 0x9e3779b97f4a7c15ull, lo = UINT64_MAX, hi = 0, got_lo = 0, got_hi = 0;
	char err[PQREAD_ERR_MAX];
	struct parquet_writer *w = NULL;
	struct pqread *r = NULL;
	int rc = 0;

	CHECK(ev != NULL);
	for (size_t i = 0; ev && i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ev[i].time_ns = 1700000000000000000ull + i * 1000 + (x & 0xfffff);
		ev[i].pid = ev[i].tid = 4242;
		ev[i].sc = i % 2 ? IOR_SC_pread64 : IOR_SC_pwrite64;
		strcpy(ev[i].comm, "raw");
		ev[i].has_fd = true;
		ev[i].fd = 3;
		ev[i].path = "/data/raw";
		ev[i].ret = ev[i].bytes = 1;
		ev[i].duration_ns = (x >> 20) & 0x3fffffff;
		ev[i].gap_ns = x >> 34;
		lo = ev[i].time_ns < lo ? ev[i].time_ns : lo;
		hi = ev[i].time_ns > hi ? ev[i].time_ns : hi;
	}
	CHECK_EQ_INT(parquet_writer_open(path, &w), 0);
	for (size_t i = 0; ev && w && i < n && !rc; i++)
		rc = parquet_writer_add(w, &ev[i]);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_UINT(parquet_writer_raw_pages(w), 3 * 4);
	CHECK_EQ_INT(parquet_writer_close(w), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_UINT(pqread_rows(r), n);
	CHECK_EQ_INT(pqread_time_range(r, &got_lo, &got_hi), 0);
	CHECK_EQ_UINT(got_lo, lo);
	CHECK_EQ_UINT(got_hi, hi);
	CHECK_EQ_STR(rows_differ(r, ev, n), NULL);
	pqread_close(r);
	unlink(path);
	free(ev);
}

TEST(pqread_writer_empty_file)
{
	const char *path = tmp_path("empty.parquet");
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;
	struct ior_event ev;

	CHECK_EQ_INT(write_with_writer(path, NULL, 0, 0, NULL, 0), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_UINT(pqread_rows(r), 0);
	CHECK_EQ_INT(pqread_time_range(r, NULL, NULL), -ENOENT);
	CHECK_EQ_INT(pqread_kv_at(r, 0, NULL, NULL), -ENOENT);
	CHECK_EQ_INT(pqread_next(r, &ev), 0);
	CHECK_EQ_INT(pqread_next(r, &ev), 0);
	pqread_close(r);
	unlink(path);
}

TEST(pqread_key_values_unescaped)
{
	static const struct parquet_kv kv[] = {
		{ "host", "test-host" },
		{ "cmdline", "ior -parquet x -- sh -c 'echo \xff\\x'" },
		{ "", "empty key" },
		{ "novalue", NULL },
		{ "host", "second host" },
		{ "key\\x41", "\xc3\xa9\xc3" },
	};
	const size_t nkv = sizeof(kv) / sizeof(kv[0]);
	struct ior_event *ev = hostile_rows(3);
	const char *path = tmp_path("kv.parquet");
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;
	const char *k, *v;

	CHECK_EQ_INT(write_with_writer(path, ev, 3, 0, kv, nkv), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < nkv; i++) {
		CHECK_EQ_INT(pqread_kv_at(r, i, &k, &v), 0);
		CHECK_EQ_STR(k, kv[i].key);
		CHECK_EQ_STR(v, kv[i].value);
	}
	CHECK_EQ_INT(pqread_kv_at(r, nkv, &k, &v), -ENOENT);
	CHECK_EQ_STR(pqread_kv(r, "host"), "test-host"); /* the first of two */
	CHECK_EQ_STR(pqread_kv(r, "novalue"), NULL);
	CHECK_EQ_STR(pqread_kv(r, "absent"), NULL);
	CHECK_EQ_STR(pqread_kv(r, "key\\x41"), "\xc3\xa9\xc3");
	pqread_close(r);
	unlink(path);
	free(ev);
}

/* ---- what the builder writes --------------------------------------------- */

TEST(pqread_builder_variants_round_trip)
{
	static const int int_encs[] = { 0, 5, 8 }, str_encs[] = { 0, 2, 8 };
	const size_t n = 300;
	struct ior_event *ev = hostile_rows(n);
	struct bytebuf file = { 0 };
	unsigned variants = 0;

	CHECK(ev != NULL);
	for (int codec = 0; codec <= 6; codec += 6)
		for (size_t ie = 0; ie < 3; ie++)
			for (size_t se = 0; se < 3; se++)
				for (int v2 = 0; v2 < 2; v2++)
					for (int shape = 0; shape < 3; shape++) {
		struct pqb_opts o = {
			.codec = codec, .int_encoding = int_encs[ie], .str_encoding = str_encs[se],
			.v2 = v2, .all_optional = shape == 2,
			.page_rows = shape ? 37 : 0, .group_rows = shape ? 128 : 0,
		};
		struct pqread *r = NULL;
		char err[PQREAD_ERR_MAX];

		CHECK_EQ_INT(pqb_build(&file, ev, n, &o), 0);
		CHECK_EQ_INT(pqread_open_mem(file.data, file.len, "v.parquet", &r, err,
					     sizeof(err)), 0);
		CHECK_EQ_STR(rows_differ(r, ev, n), NULL);
		pqread_close(r);
		variants++;
	}
	CHECK_EQ_UINT(variants, 2 * 3 * 3 * 2 * 3);
	bytebuf_free(&file);
	free(ev);
}

TEST(pqread_builder_other_column_order_and_extra_columns)
{
	static const struct pqb_col cols[] = {
		{ "extra_first", 2, false, PQB_EXTRA },
		{ "duration_to_prev_ns", 2, false, PQB_GAP }, { "duration_ns", 2, false, PQB_DURATION },
		{ "bytes", 2, false, PQB_BYTES },     { "ret", 2, false, PQB_RET },
		{ "flags", 1, true, PQB_FLAGS },      { "path2", 6, true, PQB_PATH2 },
		{ "note", 6, true, PQB_EXTRA },       { "path", 6, true, PQB_PATH },
		{ "fd", 1, true, PQB_FD },            { "syscall", 6, false, PQB_SYSCALL },
		{ "comm", 6, false, PQB_COMM },       { "tid", 1, false, PQB_TID },
		{ "pid", 1, false, PQB_PID },         { "time_ns", 2, false, PQB_TIME },
		{ "odd_type", 5, false, PQB_EXTRA },  /* a DOUBLE column, never decoded */
	};
	struct pqb_opts o = { .cols = cols, .ncols = sizeof(cols) / sizeof(cols[0]),
			      .codec = 6, .int_encoding = 5, .str_encoding = 8 };
	struct ior_event *ev = hostile_rows(50);
	struct bytebuf file = { 0 };
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;

	CHECK_EQ_INT(pqb_build(&file, ev, 50, &o), 0);
	CHECK_EQ_INT(pqread_open_mem(file.data, file.len, "o.parquet", &r, err, sizeof(err)), 0);
	CHECK_EQ_STR(rows_differ(r, ev, 50), NULL);
	pqread_close(r);
	bytebuf_free(&file);
	free(ev);
}

TEST(pqread_unknown_and_null_syscalls_are_skipped_and_counted)
{
	struct ior_event *ev = hostile_rows(40), *kept = calloc(40, sizeof(*kept));
	struct pqb_opts o = { .codec = 6, .str_encoding = 8, .unknown_syscall = "frobnicate" };
	struct bytebuf file = { 0 };
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;
	size_t nkept = 0;

	CHECK(ev && kept);
	for (size_t i = 0; i < 40; i++) {
		if (i % 4 == 3)
			ev[i].sc = -1;
		else
			kept[nkept++] = ev[i];
	}
	CHECK_EQ_INT(pqb_build(&file, ev, 40, &o), 0);
	CHECK_EQ_INT(pqread_open_mem(file.data, file.len, "u.parquet", &r, err, sizeof(err)), 0);
	CHECK_EQ_STR(rows_differ(r, kept, nkept), NULL);
	CHECK_EQ_UINT(pqread_skipped(r), 10);
	CHECK_EQ_UINT(pqread_rows(r), 40);
	pqread_close(r);
	/* a NULL syscall (an optional column) is skipped the same way */
	o.unknown_syscall = NULL;
	o.all_optional = true;
	o.str_encoding = 0;
	CHECK_EQ_INT(pqb_build(&file, ev, 40, &o), 0);
	CHECK_EQ_INT(pqread_open_mem(file.data, file.len, "u.parquet", &r, err, sizeof(err)), 0);
	CHECK_EQ_STR(rows_differ(r, kept, nkept), NULL);
	CHECK_EQ_UINT(pqread_skipped(r), 10);
	pqread_close(r);
	bytebuf_free(&file);
	free(kept);
	free(ev);
}

TEST(pqread_time_units_other_than_nanoseconds_are_scaled)
{
	static const struct { int unit; bool converted_only; uint64_t scale; } cases[] = {
		{ 3, false, 1 }, { 2, false, 1000 }, { 1, false, 1000000 },
		{ 2, true, 1000 }, { 1, true, 1000000 },
	};
	struct ior_event *ev = hostile_rows(20), *want = calloc(20, sizeof(*want));
	struct bytebuf file = { 0 };

	CHECK(ev && want);
	for (size_t i = 0; i < 20; i++)
		ev[i].time_ns = 1700000000000ull + i * 3; /* in the file's unit */
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pqb_opts o = { .codec = 6, .int_encoding = 5, .str_encoding = 8,
				      .time_unit = cases[c].unit,
				      .time_converted_only = cases[c].converted_only };
		char err[PQREAD_ERR_MAX];
		struct pqread *r = NULL;
		uint64_t lo, hi;

		memcpy(want, ev, 20 * sizeof(*ev));
		for (size_t i = 0; i < 20; i++)
			want[i].time_ns *= cases[c].scale;
		CHECK_EQ_INT(pqb_build(&file, ev, 20, &o), 0);
		CHECK_EQ_INT(pqread_open_mem(file.data, file.len, "u.parquet", &r, err,
					     sizeof(err)), 0);
		CHECK_EQ_INT(pqread_time_range(r, &lo, &hi), 0);
		CHECK_EQ_UINT(lo, want[0].time_ns);
		CHECK_EQ_UINT(hi, want[19].time_ns);
		CHECK_EQ_STR(rows_differ(r, want, 20), NULL);
		pqread_close(r);
	}
	bytebuf_free(&file);
	free(want);
	free(ev);
}

TEST(pqread_small_pages_through_the_file_system)
{
	struct pqb_opts o = { .codec = 0, .int_encoding = 5, .str_encoding = 8, .page_rows = 3,
			      .group_rows = 50, .all_optional = true };
	struct ior_event *ev = hostile_rows(400);
	const char *path = tmp_path("pages.parquet");
	struct bytebuf file = { 0 };
	char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;

	CHECK_EQ_INT(pqb_build(&file, ev, 400, &o), 0);
	CHECK_EQ_INT(test_write_file(path, file.data, file.len), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_STR(rows_differ(r, ev, 400), NULL);
	pqread_close(r);
	unlink(path);
	bytebuf_free(&file);
	free(ev);
}

TEST(pqread_file_shrinking_while_read)
{
	struct pqb_opts o = { .codec = 6, .group_rows = 10 };
	struct ior_event *ev = hostile_rows(40), got;
	const char *path = tmp_path("shrink.parquet");
	struct bytebuf file = { 0 };
	char err[PQREAD_ERR_MAX], want[PQREAD_ERR_MAX];
	struct pqread *r = NULL;
	int rc;

	CHECK_EQ_INT(pqb_build(&file, ev, 40, &o), 0);
	CHECK_EQ_INT(test_write_file(path, file.data, file.len), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), 0);
	CHECK_EQ_INT(truncate(path, 100), 0); /* as a writer rewriting it might */
	while ((rc = pqread_next(r, &got)) == 1)
		;
	CHECK_EQ_INT(rc, -EIO);
	snprintf(want, sizeof(want), "%s became shorter while it was read (is it being "
		 "rewritten?)", path);
	CHECK_EQ_STR(pqread_error(r), want);
	pqread_close(r);
	unlink(path);
	bytebuf_free(&file);
	free(ev);
}

/* ---- broken files --------------------------------------------------------- */

static const char *open_error(const void *buf, size_t len)
{
	static char err[PQREAD_ERR_MAX];
	struct pqread *r = NULL;

	if (pqread_open_mem(buf, len, "t.parquet", &r, err, sizeof(err)) == 0) {
		pqread_close(r);
		return "(opened)";
	}
	return err;
}

/* The error of reading the whole of a file built with o (at open or later). */
static const char *build_error(const struct pqb_opts *o, size_t n, int *rc)
{
	static char err[PQREAD_ERR_MAX];
	struct ior_event *ev = hostile_rows(n);
	struct bytebuf file = { 0 };
	uint64_t rows;

	*rc = -1;
	snprintf(err, sizeof(err), "(no error)");
	if (ev && pqb_build(&file, ev, n, o) == 0)
		*rc = read_all_mem(file.data, file.len, err, sizeof(err), &rows);
	if (*rc == 0)
		snprintf(err, sizeof(err), "(read %llu rows)", (unsigned long long)rows);
	bytebuf_free(&file);
	free(ev);
	return err;
}

TEST(pqread_file_level_errors)
{
	struct pqb_opts o = { .codec = 6, .int_encoding = 5, .str_encoding = 8 };
	struct ior_event *ev = hostile_rows(20);
	struct bytebuf file = { 0 };
	char err[PQREAD_ERR_MAX], want[PQREAD_ERR_MAX];
	struct pqread *r = NULL;
	uint8_t *copy;
	const char *path;

	CHECK_EQ_INT(pqb_build(&file, ev, 20, &o), 0);
	copy = malloc(file.len);
	CHECK(copy != NULL);
	CHECK_EQ_STR(open_error("", 0), "t.parquet is empty (0 bytes), not a Parquet file");
	CHECK_EQ_STR(open_error("PAR", 3), "t.parquet is not a Parquet file: it is only 3 bytes long");
	CHECK_EQ_STR(open_error("\x28\xb5\x2f\xfd rest of it", 16),
		     "t.parquet is not a Parquet file: it does not start with PAR1");
	CHECK_EQ_STR(open_error("PAR1PAR1", 8),
		     "t.parquet is truncated: 8 bytes are too few for a Parquet file");
	CHECK_EQ_STR(open_error(file.data, file.len - 1),
		     "t.parquet is truncated: it does not end with PAR1 (was its writer killed "
		     "while writing?)");
	memcpy(copy, file.data, file.len);
	memcpy(copy + file.len - 4, "PARE", 4);
	CHECK_EQ_STR(open_error(copy, file.len),
		     "t.parquet is an encrypted Parquet file; ior cannot read it");
	memcpy(copy, file.data, file.len);
	memcpy(copy + file.len - 8, "\xff\xff\x00\x00", 4);
	snprintf(want, sizeof(want), "t.parquet is corrupt: its footer length (65535 bytes) does "
		 "not fit the file (%zu bytes)", file.len);
	CHECK_EQ_STR(open_error(copy, file.len), want);
	memcpy(copy + file.len - 8, "\x00\x00\x00\x00", 4);
	snprintf(want, sizeof(want), "t.parquet is corrupt: its footer length (0 bytes) does "
		 "not fit the file (%zu bytes)", file.len);
	CHECK_EQ_STR(open_error(copy, file.len), want);
	/* a footer that starts a byte late: malformed, said so */
	memcpy(copy, file.data, file.len);
	{
		uint8_t *at = copy + file.len - 8;
		uint32_t flen = (at[0] | at[1] << 8 | at[2] << 16 | (uint32_t)at[3] << 24) - 1;

		for (int k = 0; k < 4; k++)
			at[k] = (uint8_t)(flen >> (8 * k));
	}
	CHECK(strncmp(open_error(copy, file.len), "t.parquet is corrupt: ", 22) == 0);

	/* through the file system */
	path = tmp_path("missing.parquet");
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "cannot open %s: No such file or directory", path);
	CHECK_EQ_STR(err, want);
	CHECK(r == NULL);
	CHECK_EQ_INT(pqread_open(tmpdir, &r, err, sizeof(err)), -EISDIR);
	snprintf(want, sizeof(want), "%s is a directory, not a Parquet file", tmpdir);
	CHECK_EQ_STR(err, want);
	path = tmp_path("fifo.parquet");
	CHECK_EQ_INT(mkfifo(path, 0600), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s is not a regular file", path);
	CHECK_EQ_STR(err, want);
	unlink(path);
	path = tmp_path("zero.parquet");
	CHECK_EQ_INT(test_write_file(path, "", 0), 0);
	CHECK_EQ_INT(pqread_open(path, &r, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s is empty (0 bytes), not a Parquet file", path);
	CHECK_EQ_STR(err, want);
	unlink(path);
	CHECK_EQ_INT(pqread_open_mem(NULL, 5, "x", &r, err, sizeof(err)), -EINVAL);
	free(copy);
	bytebuf_free(&file);
	free(ev);
}

TEST(pqread_foreign_schemas_are_refused)
{
	struct pqb_col cols[PQB_IOR_NCOLS + 1];
	struct pqb_opts o = { .cols = cols, .ncols = PQB_IOR_NCOLS, .codec = 6 };
	int rc;

	memcpy(cols, pqb_ior_cols, sizeof(pqb_ior_cols));
	cols[4].name = "sys_call";
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is a Parquet file but not one ior wrote (no column 'syscall')");
	CHECK_EQ_INT(rc, -EINVAL);
	memcpy(cols, pqb_ior_cols, sizeof(pqb_ior_cols));
	cols[1].type = 2;
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is a Parquet file but not one ior wrote (column 'pid' is INT64, "
		     "not INT32)");
	memcpy(cols, pqb_ior_cols, sizeof(pqb_ior_cols));
	cols[6].type = 7;
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is a Parquet file but not one ior wrote (column 'path' is "
		     "FIXED_LEN_BYTE_ARRAY, not BYTE_ARRAY)");
	memcpy(cols, pqb_ior_cols, sizeof(pqb_ior_cols));
	cols[PQB_IOR_NCOLS] = cols[2];
	o.ncols = PQB_IOR_NCOLS + 1;
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is a Parquet file but not one ior wrote (two columns are named "
		     "'tid')");
	/* an unrelated table: the first of ior's columns it lacks is named */
	{
		static const struct pqb_col other[] = {
			{ "id", 2, false, PQB_EXTRA }, { "name", 6, true, PQB_EXTRA },
		};
		struct pqb_opts t = { .cols = other, .ncols = 2, .codec = 6 };

		CHECK_EQ_STR(build_error(&t, 5, &rc),
			     "t.parquet is a Parquet file but not one ior wrote (no column 'time_ns')");
	}
}

TEST(pqread_unsupported_features_are_named)
{
	struct pqb_opts o = { .codec = 1 };
	int rc;

	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is compressed with SNAPPY (column 'time_ns'); ior reads "
		     "zstd-compressed and uncompressed Parquet, as it writes it");
	CHECK_EQ_INT(rc, -ENOTSUP);
	o = (struct pqb_opts){ .codec = 6, .int_encoding = 9 };
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet uses what ior does not read: column 'time_ns' of row group 1 is "
		     "encoded as BYTE_STREAM_SPLIT (ior reads PLAIN, dictionary and "
		     "DELTA_BINARY_PACKED pages, as it writes them)");
	CHECK_EQ_INT(rc, -ENOTSUP);
	o = (struct pqb_opts){ .codec = 0, .str_encoding = 7 };
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet uses what ior does not read: column 'comm' of row group 1 is "
		     "encoded as DELTA_BYTE_ARRAY (ior reads PLAIN, dictionary and "
		     "DELTA_BINARY_PACKED pages, as it writes them)");
	o = (struct pqb_opts){ .codec = 6, .def_encoding = 4 };
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet uses what ior does not read: column 'fd' of row group 1 has "
		     "definition levels that are not RLE");
	o = (struct pqb_opts){ .codec = 0, .lie_usize = 300 << 20 };
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet uses what ior does not read: column 'time_ns' of row group 1 has "
		     "a page of more than 256 MiB");
	o = (struct pqb_opts){ .codec = 6, .lie_group_rows = 2000000 };
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet has 2000000 rows in row group 1; ior reads at most 1048576 a row "
		     "group");
	CHECK_EQ_INT(rc, -ENOTSUP);
}

TEST(pqread_lying_pages_are_corrupt)
{
	struct pqb_opts o = { .codec = 0, .lie_nvalues = 6 };
	int rc;

	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is corrupt: column 'time_ns' of row group 1: a page holds 6 "
		     "values, more than the row group's 5 rows left");
	CHECK_EQ_INT(rc, -EINVAL);
	/* fewer values than rows: the chunk ends first */
	o.lie_nvalues = 4;
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is corrupt: column 'time_ns' of row group 1: its pages end after "
		     "4 of its 5 rows");
	/* a zstd page whose header claims another size */
	o = (struct pqb_opts){ .codec = 6, .lie_usize = 1000 };
	CHECK(strstr(build_error(&o, 5, &rc), "t.parquet is corrupt: column 'time_ns' of row "
			 "group 1: a page's zstd frame holds") != NULL);
	/* an uncompressed page whose two sizes differ */
	o = (struct pqb_opts){ .codec = 0, .lie_usize = 1000 };
	CHECK(strstr(build_error(&o, 5, &rc), "an uncompressed page says it is") != NULL);
	/* the footer's row count against its row groups' */
	o = (struct pqb_opts){ .codec = 0, .lie_group_rows = 7 };
	CHECK_EQ_STR(build_error(&o, 5, &rc),
		     "t.parquet is corrupt: column 'time_ns' of row group 1: its pages end after "
		     "5 of its 7 rows");
}

TEST(pqread_errors_are_sticky)
{
	struct pqb_opts o = { .codec = 0, .lie_nvalues = 4, .group_rows = 5 };
	struct ior_event *ev = hostile_rows(10), got;
	struct bytebuf file = { 0 };
	char err[PQREAD_ERR_MAX], first[PQREAD_ERR_MAX];
	struct pqread *r = NULL;

	CHECK_EQ_INT(pqb_build(&file, ev, 10, &o), 0);
	CHECK_EQ_INT(pqread_open_mem(file.data, file.len, "s.parquet", &r, err, sizeof(err)), 0);
	CHECK_EQ_INT(pqread_next(r, &got), -EINVAL);
	snprintf(first, sizeof(first), "%s", pqread_error(r));
	CHECK_EQ_INT(pqread_next(r, &got), -EINVAL);
	CHECK_EQ_STR(pqread_error(r), first);
	pqread_close(r);
	pqread_close(NULL);
	CHECK_EQ_INT(pqread_next(NULL, &got), -EINVAL);
	bytebuf_free(&file);
	free(ev);
}

/* Every prefix of buf fails (at open or while reading), never crashes. */
static const char *every_prefix_fails(const uint8_t *buf, size_t len)
{
	static char why[128];

	for (size_t cut = 0; cut < len; cut++) {
		char err[PQREAD_ERR_MAX];
		uint64_t rows;
		int rc = read_all_mem(buf, cut, err, sizeof(err), &rows);

		if (rc == 0 || !err[0]) {
			snprintf(why, sizeof(why), "the first %zu bytes read fine", cut);
			return why;
		}
	}
	return NULL;
}

TEST(pqread_truncated_at_every_length)
{
	struct pqb_opts o = { .codec = 0, .int_encoding = 5, .str_encoding = 8, .all_optional = true,
			      .page_rows = 4, .group_rows = 9 };
	struct ior_event *ev = hostile_rows(20);
	struct bytebuf file = { 0 };
	const char *path = tmp_path("cut.parquet");
	unsigned char *buf = NULL;
	long len;

	/* the builder's uncompressed file and one of ior's writer */
	CHECK_EQ_INT(pqb_build(&file, ev, 20, &o), 0);
	CHECK_EQ_STR(every_prefix_fails(file.data, file.len), NULL);
	CHECK_EQ_INT(write_with_writer(path, ev, 20, 3, NULL, 0), 0);
	len = test_read_file(path, &buf);
	CHECK(len > 0);
	CHECK_EQ_STR(every_prefix_fails(buf, (size_t)len), NULL);
	free(buf);
	unlink(path);
	bytebuf_free(&file);
	free(ev);
}

/* Reads buf with each byte in turn replaced by itself ^ x; counts how many
 * read fine and how many failed with a sentence. */
static void flip_every_byte(const uint8_t *buf, size_t len, uint8_t x, unsigned *ok,
			    unsigned *failed)
{
	uint8_t *copy = malloc(len);

	for (size_t i = 0; copy && i < len; i++) {
		char err[PQREAD_ERR_MAX] = "";
		uint64_t rows;

		memcpy(copy, buf, len);
		copy[i] ^= x;
		if (read_all_mem(copy, len, err, sizeof(err), &rows) == 0)
			(*ok)++;
		else if (err[0])
			(*failed)++;
	}
	free(copy);
}

TEST(pqread_flipped_bytes_never_crash)
{
	static const struct { int codec, ie, se; bool v2; } shapes[] = {
		{ 0, 5, 8, false }, { 0, 0, 0, true }, { 0, 8, 2, false }, { 6, 5, 8, false },
	};
	struct ior_event *ev = hostile_rows(12);
	struct bytebuf file = { 0 };

	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		struct pqb_opts o = { .codec = shapes[s].codec, .int_encoding = shapes[s].ie,
				      .str_encoding = shapes[s].se, .v2 = shapes[s].v2,
				      .all_optional = s % 2, .page_rows = 5 };
		unsigned ok = 0, failed = 0;

		CHECK_EQ_INT(pqb_build(&file, ev, 12, &o), 0);
		flip_every_byte(file.data, file.len, 0xff, &ok, &failed);
		flip_every_byte(file.data, file.len, 0x01, &ok, &failed);
		CHECK_EQ_UINT(ok + failed, 2 * file.len);
		CHECK(failed > 0);
	}
	bytebuf_free(&file);
	free(ev);
}

/* ---- fuzzer inputs ----------------------------------------------------------- */

/* Exactly the files the tree holds (a file added there is counted here): a
 * replay that finds fewer (a folder moved, a run from another directory)
 * fails instead of passing having replayed nothing. */
TEST(pqread_fuzz_inputs_replay)
{
	CHECK_EQ_INT(test_replay_dir("tests/fuzz/regress/pqread", fuzz_pqread_one), 1);
	CHECK_EQ_INT(test_replay_dir("tests/fuzz/corpus/pqread", fuzz_pqread_one), 11);
}
