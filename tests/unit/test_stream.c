// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Stream model (stream.c): the ring's row cap and byte
 * budget (oldest rows dropped and counted, strings intact across the
 * arena's wrap, snapshots frozen), the filter stack (cell filters per
 * column, LIFO pop, clear), the hand-typed filter parser (every field and
 * operator, quoting, exact errors, format/parse round trips), the column
 * texts, and regex search forward and backward with wrap-around; plus the
 * -stream-cap option.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "harness.h"
#include "stream.h"
#include "syscalls.h"

static struct ior_event mkev(uint32_t pid, const char *comm, int sc, const char *path)
{
	struct ior_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time_ns = 1700000000000000000ull + (uint64_t)pid * 1000;
	ev.duration_ns = pid * 10;
	ev.gap_ns = pid;
	ev.ret = pid % 3 == 0 ? -2 : (int64_t)pid;
	ev.bytes = pid * 100;
	ev.pid = pid;
	ev.tid = pid + 1;
	ev.fd = (int32_t)(pid % 7);
	ev.has_fd = pid % 5 != 0;
	ev.sc = sc;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.path = path;
	return ev;
}

/* ---- the ring ---------------------------------------------------------------- */

TEST(stream_ring_cap_drops_oldest)
{
	struct stream_ring *r = stream_ring_new(5, 0);
	struct ior_event ev, got;
	char path[32];

	CHECK(r != NULL);
	CHECK_EQ_UINT(stream_ring_cap(r), 5);
	CHECK_EQ_UINT(stream_ring_count(r), 0);
	CHECK(!stream_ring_get(r, 0, &got));
	for (uint32_t i = 0; i < 12; i++) {
		snprintf(path, sizeof(path), "/f/%u", i);
		ev = mkev(i, "w", IOR_SC_write, path);
		stream_ring_push(r, &ev);
	}
	CHECK_EQ_UINT(stream_ring_count(r), 5);
	CHECK_EQ_UINT(stream_ring_first(r), 7);
	CHECK_EQ_UINT(stream_ring_next(r), 12);
	CHECK_EQ_UINT(stream_ring_dropped(r), 7);
	CHECK(!stream_ring_get(r, 6, &got));
	CHECK(!stream_ring_get(r, 12, &got));
	for (uint64_t q = 7; q < 12; q++) {
		CHECK(stream_ring_get(r, q, &got));
		snprintf(path, sizeof(path), "/f/%u", (unsigned)q);
		CHECK_EQ_UINT(got.pid, q);
		CHECK_EQ_UINT(got.tid, q + 1);
		CHECK_EQ_STR(got.path, path);
		CHECK(got.path2 == NULL);
		CHECK_EQ_STR(got.comm, "w");
		CHECK_EQ_INT(got.sc, IOR_SC_write);
		CHECK_EQ_INT(got.ret, q % 3 == 0 ? -2 : (int64_t)q);
		CHECK_EQ_INT(got.has_fd, q % 5 != 0);
	}
	CHECK_EQ_UINT(stream_ring_mem(r), 5 * 96 + STREAM_ARENA_MIN);
	stream_ring_clear(r);
	CHECK_EQ_UINT(stream_ring_count(r), 0);
	CHECK_EQ_UINT(stream_ring_first(r), 12);
	ev = mkev(99, "x", IOR_SC_read, NULL);
	stream_ring_push(r, &ev);
	CHECK(stream_ring_get(r, 12, &got));
	CHECK(got.path == NULL);
	CHECK_EQ_UINT(got.pid, 99);
	stream_ring_free(r);
	stream_ring_free(NULL);
}

TEST(stream_ring_byte_budget_drops_oldest)
{
	struct stream_ring *r = stream_ring_new(1000, 0);
	static char big[60001];
	struct ior_event ev, got;
	size_t n;

	CHECK(r != NULL);
	for (uint32_t i = 0; i < 40; i++) {
		memset(big, 'a' + (int)(i % 26), sizeof(big) - 1);
		ev = mkev(i, "big", IOR_SC_openat, big);
		ev.path2 = i % 2 ? "/second" : NULL;
		stream_ring_push(r, &ev);
	}
	n = stream_ring_count(r);
	/* 1 MiB of arena holds 17 such rows (60001 or 60009 bytes each) */
	CHECK(n >= 16 && n <= 17);
	CHECK_EQ_UINT(stream_ring_dropped(r), 40 - n);
	CHECK_EQ_UINT(stream_ring_next(r), 40);
	for (uint64_t q = stream_ring_first(r); q < 40; q++) {
		CHECK(stream_ring_get(r, q, &got));
		CHECK_EQ_UINT(strlen(got.path), 60000);
		CHECK(got.path[0] == 'a' + (int)(q % 26) && got.path[59999] == got.path[0]);
		if (q % 2)
			CHECK_EQ_STR(got.path2, "/second");
		else
			CHECK(got.path2 == NULL);
	}
	stream_ring_free(r);
}

TEST(stream_ring_strings_survive_the_wrap)
{
	struct stream_ring *r = stream_ring_new(300, 0);
	struct ior_event ev, got;
	char path[5000], path2[300];
	uint32_t seed = 12345;

	CHECK(r != NULL);
	for (uint32_t i = 0; i < 5000; i++) {
		size_t len;

		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 8) % 4000;
		for (size_t k = 0; k < len; k++)
			path[k] = (char)('!' + (i + k) % 90);
		path[len] = '\0';
		snprintf(path2, sizeof(path2), "/two/%u", i);
		ev = mkev(i, "wrap", IOR_SC_rename, i % 3 ? path : NULL);
		ev.path2 = i % 4 ? path2 : NULL;
		stream_ring_push(r, &ev);
	}
	CHECK_EQ_UINT(stream_ring_next(r), 5000);
	CHECK(stream_ring_count(r) > 100);
	seed = 12345;
	for (uint32_t i = 0; i < 5000; i++) {
		size_t len;

		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 8) % 4000;
		if (i < stream_ring_first(r))
			continue;
		CHECK(stream_ring_get(r, i, &got));
		CHECK_EQ_UINT(got.pid, i);
		if (i % 3) {
			CHECK(got.path != NULL);
			CHECK_EQ_UINT(strlen(got.path), len);
			for (size_t k = 0; k < len; k++)
				CHECK(got.path[k] == (char)('!' + (i + k) % 90));
		} else {
			CHECK(got.path == NULL);
		}
		snprintf(path2, sizeof(path2), "/two/%u", i);
		if (i % 4)
			CHECK_EQ_STR(got.path2, path2);
		else
			CHECK(got.path2 == NULL);
	}
	stream_ring_free(r);
}

TEST(stream_ring_cuts_very_long_paths)
{
	struct stream_ring *r = stream_ring_new(10, 0);
	char *huge = malloc(STREAM_STR_MAX * 2);
	struct ior_event ev, got;

	CHECK(r != NULL && huge != NULL);
	memset(huge, 'p', STREAM_STR_MAX * 2 - 1);
	huge[STREAM_STR_MAX * 2 - 1] = '\0';
	ev = mkev(1, "long", IOR_SC_stat, huge);
	stream_ring_push(r, &ev);
	CHECK(stream_ring_get(r, 0, &got));
	CHECK_EQ_UINT(strlen(got.path), STREAM_STR_MAX - 1);
	free(huge);
	stream_ring_free(r);
}

TEST(stream_ring_snapshot_is_frozen)
{
	struct stream_ring *r = stream_ring_new(4, 0), *s;
	struct ior_event ev, got;
	char path[32];

	CHECK(r != NULL);
	for (uint32_t i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/snap/%u", i);
		ev = mkev(i, "s", IOR_SC_read, i == 3 ? NULL : path);
		stream_ring_push(r, &ev);
	}
	s = stream_ring_snapshot(r);
	CHECK(s != NULL);
	for (uint32_t i = 6; i < 20; i++) {
		ev = mkev(i, "later", IOR_SC_write, "/later");
		stream_ring_push(r, &ev);
	}
	CHECK_EQ_UINT(stream_ring_count(s), 4);
	CHECK_EQ_UINT(stream_ring_first(s), 2);
	CHECK_EQ_UINT(stream_ring_dropped(s), 2);
	for (uint64_t q = 2; q < 6; q++) {
		CHECK(stream_ring_get(s, q, &got));
		CHECK_EQ_UINT(got.pid, q);
		CHECK_EQ_STR(got.comm, "s");
		if (q == 3) {
			CHECK(got.path == NULL);
		} else {
			snprintf(path, sizeof(path), "/snap/%u", (unsigned)q);
			CHECK_EQ_STR(got.path, path);
		}
	}
	stream_ring_free(s);
	stream_ring_clear(r);
	s = stream_ring_snapshot(r);
	CHECK(s != NULL);
	CHECK_EQ_UINT(stream_ring_count(s), 0);
	stream_ring_free(s);
	stream_ring_free(r);
}

/* ---- filters ------------------------------------------------------------------ */

static bool pass(const struct stream_filters *fs, const struct ior_event *ev)
{
	return stream_filters_match(fs, ev);
}

static char fmtbuf[1024];

static const char *fmt(const struct stream_filters *fs)
{
	stream_filters_format(fs, fmtbuf, sizeof(fmtbuf));
	return fmtbuf;
}

TEST(stream_filter_from_cell_per_column)
{
	struct stream_filters fs = { 0 };
	struct stream_filter f;
	struct ior_event ev = mkev(42, "Bash", IOR_SC_pwrite64, "/Var/Log/x.log");
	struct ior_event other = mkev(43, "zsh", IOR_SC_read, "/etc/passwd");
	struct ior_event lower = mkev(42, "xBASHx", IOR_SC_pwrite64, "/var/log/x.log");

	ev.duration_ns = 1500;
	ev.gap_ns = 2000000;
	for (int col = 0; col < STREAM_NFIELDS; col++) {
		CHECK_EQ_INT(stream_filter_from_cell(&ev, (enum stream_field)col, 0, &f), 0);
		CHECK_EQ_INT(stream_filters_push(&fs, &f), 0);
		CHECK(pass(&fs, &ev)); /* a row passes the filter made from its own cell */
	}
	CHECK_EQ_STR(fmt(&fs), "time>=22:13:20.000042 > comm~Bash > pid=42 > tid=43 > "
			       "syscall~pwrite64 > fd=0 > file~/Var/Log/x.log > ret=-2 > bytes=4200 > "
			       "latency>=1.5us > gap>=2ms");
	CHECK(!pass(&fs, &other));
	stream_filters_clear(&fs);
	CHECK_EQ_INT(fs.n, 0);

	/* substring any case */
	stream_filter_from_cell(&ev, STREAM_COMM, 0, &f);
	stream_filters_push(&fs, &f);
	stream_filter_from_cell(&ev, STREAM_FILE, 0, &f);
	stream_filters_push(&fs, &f);
	CHECK(pass(&fs, &lower));
	CHECK(!pass(&fs, &other));
	stream_filters_clear(&fs);

	/* no fd, no path: fd=- and file=- */
	ev.has_fd = false;
	ev.path = NULL;
	stream_filter_from_cell(&ev, STREAM_FD, 0, &f);
	stream_filters_push(&fs, &f);
	stream_filter_from_cell(&ev, STREAM_FILE, 0, &f);
	stream_filters_push(&fs, &f);
	CHECK_EQ_STR(fmt(&fs), "fd=- > file=-");
	CHECK(pass(&fs, &ev));
	CHECK(!pass(&fs, &other));
	stream_filters_clear(&fs);

	/* latency and gap keep what is at least as slow */
	ev = mkev(42, "Bash", IOR_SC_pwrite64, "/x");
	ev.duration_ns = 1000;
	stream_filter_from_cell(&ev, STREAM_LATENCY, 0, &f);
	stream_filters_push(&fs, &f);
	other.duration_ns = 999;
	CHECK(!pass(&fs, &other));
	other.duration_ns = 1000;
	CHECK(pass(&fs, &other));
	other.duration_ns = 5000000000ull;
	CHECK(pass(&fs, &other));
	stream_filters_clear(&fs);
}

TEST(stream_filter_stack_is_lifo)
{
	struct stream_filters fs = { 0 };
	struct ior_event a = mkev(1, "alpha", IOR_SC_read, "/one");
	struct ior_event b = mkev(2, "alpha", IOR_SC_write, "/two");
	struct ior_event c = mkev(3, "beta", IOR_SC_write, "/two");
	char err[256];

	CHECK(pass(&fs, &a) && pass(&fs, &b) && pass(&fs, &c));
	CHECK_EQ_INT(stream_filters_parse(&fs, "comm~alp", 0, err, sizeof(err)), 1);
	CHECK(pass(&fs, &a) && pass(&fs, &b) && !pass(&fs, &c));
	CHECK_EQ_INT(stream_filters_parse(&fs, "syscall=write", 0, err, sizeof(err)), 1);
	CHECK(!pass(&fs, &a) && pass(&fs, &b) && !pass(&fs, &c));
	CHECK_EQ_INT(stream_filters_parse(&fs, "pid!=2", 0, err, sizeof(err)), 1);
	CHECK(!pass(&fs, &a) && !pass(&fs, &b) && !pass(&fs, &c));
	CHECK_EQ_STR(fmt(&fs), "comm~alp > syscall=write > pid!=2");
	CHECK(stream_filters_pop(&fs));
	CHECK_EQ_STR(fmt(&fs), "comm~alp > syscall=write");
	CHECK(!pass(&fs, &a) && pass(&fs, &b) && !pass(&fs, &c));
	CHECK(stream_filters_pop(&fs));
	CHECK(stream_filters_pop(&fs));
	CHECK(!stream_filters_pop(&fs));
	CHECK_EQ_STR(fmt(&fs), "");
	CHECK(pass(&fs, &c));
	for (int i = 0; i < STREAM_FILTERS_MAX; i++)
		CHECK_EQ_INT(stream_filters_parse(&fs, "pid>=0", 0, err, sizeof(err)), 1);
	CHECK_EQ_INT(stream_filters_parse(&fs, "pid>=0", 0, err, sizeof(err)), -ENOSPC);
	CHECK(strstr(err, "too many filters") != NULL);
	CHECK_EQ_INT(fs.n, STREAM_FILTERS_MAX);
	stream_filters_clear(&fs);
	CHECK_EQ_INT(fs.n, 0);
}

TEST(stream_filter_parse_accepts)
{
	struct stream_filters fs = { 0 };
	struct ior_event ev = mkev(7, "Make", IOR_SC_openat, "/src/My Dir/a\"b\\c");
	char err[256];

	ev.path2 = "/dst/z";
	ev.duration_ns = 1500000;
	ev.gap_ns = 250000;
	ev.ret = 3;
	ev.fd = -100;
	ev.has_fd = true;
	CHECK_EQ_INT(stream_filters_parse(&fs, "  comm~mak  PID=7\ttid<=8 path~\"my dir\" ", 0, err,
					  sizeof(err)), 4);
	CHECK_EQ_STR(fmt(&fs), "comm~mak > pid=7 > tid<=8 > file~\"my dir\"");
	CHECK(pass(&fs, &ev));
	CHECK_EQ_INT(stream_filters_parse(&fs, "file=\"/src/My Dir/a\\\"b\\\\c\" file~/DST/", 0,
					  err, sizeof(err)), 2);
	CHECK(pass(&fs, &ev));
	CHECK_EQ_INT(stream_filters_parse(&fs, "lat>=1.5ms dur<2ms duration>1499999 gap=250us "
					  "gap>=0.25ms latency<=0.0015s", 0, err, sizeof(err)), 6);
	CHECK(pass(&fs, &ev));
	CHECK_EQ_INT(stream_filters_parse(&fs, "ret>0 ret=3 fd=-100 fd!=- bytes=700 sc=openat "
					  "syscall~OPEN syscall!~read comm!~gcc file!~/etc", 0, err,
					  sizeof(err)), 10);
	CHECK(pass(&fs, &ev));
	ev.has_fd = false;
	CHECK(!pass(&fs, &ev));
	stream_filters_clear(&fs);
	CHECK_EQ_INT(stream_filters_parse(&fs, "fd!=3 fd=-", 0, err, sizeof(err)), 2);
	CHECK(pass(&fs, &ev)); /* no fd: != keeps it, =- wants it */
	stream_filters_clear(&fs);
	CHECK_EQ_INT(stream_filters_parse(&fs, "file=\"-\"", 0, err, sizeof(err)), 1);
	CHECK_EQ_STR(fmt(&fs), "file=\"-\"");
	CHECK(!pass(&fs, &ev)); /* a path named "-", not no path */
	stream_filters_clear(&fs);
	CHECK_EQ_INT(stream_filters_parse(&fs, "file=- ", 0, err, sizeof(err)), 1);
	ev.path = NULL;
	ev.path2 = NULL;
	CHECK(pass(&fs, &ev));
	stream_filters_clear(&fs);
	/* time of day, local: tz_off seconds east of UTC */
	ev.time_ns = 1700000000000000000ull; /* 22:13:20 UTC */
	CHECK_EQ_INT(stream_filters_parse(&fs, "time>=22:13 time<22:13:20.000000001", 0, err,
					  sizeof(err)), 2);
	CHECK(pass(&fs, &ev));
	stream_filters_clear(&fs);
	CHECK_EQ_INT(stream_filters_parse(&fs, "time>=23:13:20", 3600, err, sizeof(err)), 1);
	CHECK(pass(&fs, &ev));
	CHECK_EQ_STR(fmt(&fs), "time>=23:13:20");
	stream_filters_clear(&fs);
	CHECK_EQ_INT(stream_filters_parse(&fs, "time>=23:13:20.5", 0, err, sizeof(err)), 1);
	CHECK(!pass(&fs, &ev));
	CHECK_EQ_STR(fmt(&fs), "time>=23:13:20.5");
	stream_filters_clear(&fs);
}

#define CHECK_PARSE_ERR(text, code, msg)                                          \
	do {                                                                      \
		char e_[256] = "";                                                \
		CHECK_EQ_INT(stream_filters_parse(&fs, (text), 0, e_, sizeof(e_)), (code)); \
		CHECK_EQ_STR(e_, (msg));                                          \
		CHECK_EQ_INT(fs.n, 1);                                            \
	} while (0)

TEST(stream_filter_parse_rejects)
{
	struct stream_filters fs = { 0 };
	char err[256];

	CHECK_EQ_INT(stream_filters_parse(&fs, "pid=1", 0, err, sizeof(err)), 1);
	CHECK_PARSE_ERR("", -EINVAL, "type a filter like comm~bash, pid=42 or latency>=1ms");
	CHECK_PARSE_ERR("   ", -EINVAL, "type a filter like comm~bash, pid=42 or latency>=1ms");
	CHECK_PARSE_ERR("foo=1", -EINVAL, "unknown field 'foo' (use time, comm, pid, tid, syscall, "
					  "fd, file, ret, bytes, latency, gap)");
	CHECK_PARSE_ERR("=1", -EINVAL, "'=1' does not start with a field name (time, comm, pid, "
				       "tid, syscall, fd, file, ret, bytes, latency, gap)");
	CHECK_PARSE_ERR("comm", -EINVAL, "comm needs an operator: ~ !~ = !=");
	CHECK_PARSE_ERR("pid 5", -EINVAL, "pid needs an operator: = != < <= > >=");
	CHECK_PARSE_ERR("comm>=a", -EINVAL, "comm is text: it takes ~ (contains), !~, = or !=, not >=");
	CHECK_PARSE_ERR("pid~5", -EINVAL, "pid is a number: it takes = != < <= > >=, not ~");
	CHECK_PARSE_ERR("pid=", -EINVAL, "pid= needs a value");
	CHECK_PARSE_ERR("pid= 5", -EINVAL, "pid= needs a value");
	CHECK_PARSE_ERR("pid=12abc", -EINVAL, "pid needs a whole number, not '12abc'");
	CHECK_PARSE_ERR("pid=-1", -EINVAL, "pid needs a whole number, not '-1'");
	CHECK_PARSE_ERR("fd=x", -EINVAL, "fd needs a whole number (or - for none), not 'x'");
	CHECK_PARSE_ERR("fd>=-", -EINVAL, "fd with - (none) takes only = or !=");
	CHECK_PARSE_ERR("bytes=1.5", -EINVAL, "bytes needs a whole number, not '1.5'");
	CHECK_PARSE_ERR("latency>=1.5xs", -EINVAL, "latency needs a duration like 250us, 1.5ms or "
						   "2s (no unit: ns), not '1.5xs'");
	CHECK_PARSE_ERR("gap>=ms", -EINVAL, "gap needs a duration like 250us, 1.5ms or 2s (no unit: "
					    "ns), not 'ms'");
	CHECK_PARSE_ERR("time>=25:00", -EINVAL, "time needs a local time of day like 14:03, "
						"14:03:22 or 14:03:22.25, not '25:00'");
	CHECK_PARSE_ERR("time>=1:2", -EINVAL, "time needs a local time of day like 14:03, 14:03:22 "
					      "or 14:03:22.25, not '1:2'");
	CHECK_PARSE_ERR("syscall=nosuch", -EINVAL, "unknown syscall 'nosuch' (syscall~TEXT matches "
						   "part of a name)");
	CHECK_PARSE_ERR("file~\"open", -EINVAL, "a quoted value is missing its closing \"");
	CHECK_PARSE_ERR("file~\"a\"b", -EINVAL, "put a blank after a quoted value");
	/* all or nothing: a good term before a bad one is not pushed */
	CHECK_PARSE_ERR("comm~ok pid=x", -EINVAL, "pid needs a whole number, not 'x'");
	stream_filters_clear(&fs);
}

TEST(stream_filter_format_parses_back)
{
	static const char *const texts[] = {
		"comm~bash", "comm=Bash", "comm!~x", "comm!=\"a b\"", "pid=1", "tid>4294967295",
		"fd=-3", "fd!=-", "file=-", "file~\"\"", "file~\"q\\\"uo\\\\te\"", "file=/a/b",
		"ret<-11", "bytes<=0", "latency>=812ns", "latency>=12.345us", "gap<2.5s",
		"gap>1.000001ms", "time>=00:00:00", "time<23:59:59.999999999", "syscall=openat",
	};
	struct stream_filters fs = { 0 };
	char err[256], once[1024];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		CHECK_EQ_INT(stream_filters_parse(&fs, texts[i], 0, err, sizeof(err)), 1);
		CHECK_EQ_STR(fmt(&fs), texts[i]);
		snprintf(once, sizeof(once), "%s", fmtbuf);
		stream_filters_clear(&fs);
		CHECK_EQ_INT(stream_filters_parse(&fs, once, 0, err, sizeof(err)), 1);
		CHECK_EQ_STR(fmt(&fs), once);
		stream_filters_clear(&fs);
	}
	/* odd bytes: printable escapes inside quotes, the same bytes back */
	CHECK_EQ_INT(stream_filters_parse(&fs, "file=\"a\\nb\\xff\\tc\\x1b\\\\n\\x00\" comm=\"\xc3\xa9 \"",
					  0, err, sizeof(err)), 2);
	CHECK_EQ_STR(fs.v[0].str, "a\nb\xff\tc\x1b\\n\\x00");
	CHECK_EQ_STR(fmt(&fs), "file=\"a\\nb\\xff\\tc\\x1b\\\\n\\\\x00\" > comm=\"\xc3\xa9 \"");
	{
		struct ior_event ev = mkev(1, "x", IOR_SC_open, "a\nb\xff\tc\x1b\\n\\x00");
		struct stream_filter f;

		stream_filters_clear(&fs);
		CHECK_EQ_INT(stream_filter_from_cell(&ev, STREAM_FILE, 0, &f), 0);
		CHECK_EQ_INT(stream_filters_push(&fs, &f), 0);
		CHECK_EQ_STR(fmt(&fs), "file~\"a\\nb\\xff\\tc\\x1b\\\\n\\\\x00\"");
		snprintf(once, sizeof(once), "%s", fmtbuf);
		stream_filters_clear(&fs);
		CHECK_EQ_INT(stream_filters_parse(&fs, once, 0, err, sizeof(err)), 1);
		CHECK(stream_filters_match(&fs, &ev));
		CHECK_EQ_STR(fmt(&fs), once);
	}
	stream_filters_clear(&fs);
	/* units normalise to the exact shortest form */
	CHECK_EQ_INT(stream_filters_parse(&fs, "latency>=1500000 gap>=0.5s lat>=2000us", 0, err,
					  sizeof(err)), 3);
	CHECK_EQ_STR(fmt(&fs), "latency>=1.5ms > gap>=500ms > latency>=2ms");
	stream_filters_clear(&fs);
}

/* ---- columns and search --------------------------------------------------------- */

TEST(stream_cells_as_shown)
{
	struct ior_event ev = mkev(42, "cat", IOR_SC_read, "/etc/hosts");
	char buf[256];

	ev.time_ns = 1700000000123456789ull;
	ev.duration_ns = 1234567;
	ev.gap_ns = 812;
	CHECK_EQ_STR(stream_cell(&ev, STREAM_TIME, 0, buf, sizeof(buf)), "22:13:20.123456");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_TIME, -3600, buf, sizeof(buf)), "21:13:20.123456");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_COMM, 0, buf, sizeof(buf)), "cat");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_PID, 0, buf, sizeof(buf)), "42");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_TID, 0, buf, sizeof(buf)), "43");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_SYSCALL, 0, buf, sizeof(buf)), "read");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_FD, 0, buf, sizeof(buf)), "0");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_FILE, 0, buf, sizeof(buf)), "/etc/hosts");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_RET, 0, buf, sizeof(buf)), "-2");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_BYTES, 0, buf, sizeof(buf)), "4200");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_LATENCY, 0, buf, sizeof(buf)), "1.234ms");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_GAP, 0, buf, sizeof(buf)), "812ns");
	ev.has_fd = false;
	ev.path2 = "/etc/hosts.new";
	CHECK_EQ_STR(stream_cell(&ev, STREAM_FD, 0, buf, sizeof(buf)), "-");
	CHECK_EQ_STR(stream_cell(&ev, STREAM_FILE, 0, buf, sizeof(buf)), "/etc/hosts -> /etc/hosts.new");
	ev.path = NULL;
	CHECK_EQ_STR(stream_cell(&ev, STREAM_FILE, 0, buf, sizeof(buf)), "");
	stream_fmt_dur(buf, sizeof(buf), 12345);
	CHECK_EQ_STR(buf, "12.345us");
	stream_fmt_dur(buf, sizeof(buf), 2500000000ull);
	CHECK_EQ_STR(buf, "2.500s");
	CHECK_EQ_STR(stream_field_name(STREAM_LATENCY), "latency");
	CHECK_EQ_STR(stream_field_title(STREAM_FILE), "FILE");
}

TEST(stream_search_wraps_both_ways)
{
	struct stream_ring *r = stream_ring_new(100, 0);
	struct stream_search s = { 0 };
	static const char *const comms[] = { "alpha", "beta", "gamma", "beta", "delta" };
	struct ior_event ev;
	bool wrapped;
	int field;
	char err[256];

	CHECK(r != NULL);
	for (uint32_t i = 0; i < 5; i++) {
		ev = mkev(1000 + i, comms[i], IOR_SC_write, i == 2 ? "/data/Target.bin" : "/x");
		stream_ring_push(r, &ev);
	}
	CHECK_EQ_INT(stream_search_compile(&s, "^BETA$", err, sizeof(err)), 0);
	/* forward from row 1: row 3, then wraps to row 1 */
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 1, false, 0, &wrapped, &field), 3);
	CHECK(!wrapped);
	CHECK_EQ_INT(field, STREAM_COMM);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 3, false, 0, &wrapped, &field), 1);
	CHECK(wrapped);
	/* backward from row 3: row 1, then wraps to row 3 */
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 3, true, 0, &wrapped, &field), 1);
	CHECK(!wrapped);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 1, true, 0, &wrapped, &field), 3);
	CHECK(wrapped);
	/* from outside the list: the first (forward) or last (backward) match, no wrap */
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, -1, false, 0, &wrapped, &field), 1);
	CHECK(!wrapped);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 5, true, 0, &wrapped, &field), 3);
	CHECK(!wrapped);
	/* the only match is the current row: found after a full turn */
	CHECK_EQ_INT(stream_search_compile(&s, "target\\.BIN", err, sizeof(err)), 0);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 2, false, 0, &wrapped, &field), 2);
	CHECK(wrapped);
	CHECK_EQ_INT(field, STREAM_FILE);
	/* every column is searched: 1004 is row 3's tid and row 4's pid */
	CHECK_EQ_INT(stream_search_compile(&s, "^1004$", err, sizeof(err)), 0);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, -1, false, 0, &wrapped, &field), 3);
	CHECK_EQ_INT(field, STREAM_TID);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 3, false, 0, &wrapped, &field), 4);
	CHECK_EQ_INT(field, STREAM_PID);
	CHECK_EQ_INT(stream_search_compile(&s, "^10\\.020us$", err, sizeof(err)), 0);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, -1, false, 0, &wrapped, &field), 2);
	CHECK_EQ_INT(field, STREAM_LATENCY);
	/* over a filtered list: positions are in the list */
	{
		uint32_t idx[] = { 0, 2, 4 };

		CHECK_EQ_INT(stream_search_compile(&s, "a$", err, sizeof(err)), 0);
		CHECK_EQ_INT(stream_search_find(&s, r, idx, 3, 0, false, 0, &wrapped, &field), 1);
		CHECK_EQ_INT(stream_search_find(&s, r, idx, 3, 1, false, 0, &wrapped, &field), 2);
		CHECK_EQ_INT(stream_search_find(&s, r, idx, 3, 2, false, 0, &wrapped, &field), 0);
		CHECK(wrapped);
		CHECK_EQ_INT(stream_search_compile(&s, "beta", err, sizeof(err)), 0);
		CHECK_EQ_INT(stream_search_find(&s, r, idx, 3, 0, false, 0, &wrapped, &field), -1);
	}
	ev = mkev(1, "x", IOR_SC_read, NULL);
	CHECK_EQ_INT(stream_search_row(&s, &ev, 0), -1);
	CHECK_EQ_INT(stream_search_compile(&s, "(", err, sizeof(err)), -EINVAL);
	CHECK(strncmp(err, "bad regular expression: ", 24) == 0);
	CHECK(s.ok); /* the previous pattern stays */
	CHECK_EQ_STR(s.pattern, "beta");
	CHECK_EQ_INT(stream_search_compile(&s, "", err, sizeof(err)), -EINVAL);
	stream_search_free(&s);
	CHECK(!s.ok);
	CHECK_EQ_INT(stream_search_find(&s, r, NULL, 5, 0, false, 0, &wrapped, &field), -1);
	stream_ring_free(r);
}

TEST(stream_cap_option)
{
	char a0[] = "ior", a1[] = "-stream-cap", a2[] = "5000", b1[] = "-stream-cap=99",
	     c1[] = "-plain", c3[] = "1000";
	char *ok[] = { a0, a1, a2, NULL };
	char *low[] = { a0, b1, NULL };
	char *mode[] = { a0, c1, a1, c3, NULL };
	char err[256];
	struct cli c;

	CHECK_EQ_INT(cli_parse(3, ok, &c, err, sizeof(err)), 0);
	CHECK_EQ_UINT(c.stream_cap, 5000);
	CHECK_EQ_INT(cli_parse(2, low, &c, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "-stream-cap needs a number of rows from 100 to 2000000, not '99'");
	CHECK_EQ_INT(cli_parse(4, mode, &c, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "-stream-cap only goes with the dashboard (no mode flag, or -view)");
}
