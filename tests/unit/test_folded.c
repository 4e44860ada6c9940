// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for folded.c: the exact folded text for two field orders and
 * every metric, path frames (levels, root, repeated slashes, pseudo files,
 * the depth limit), escaping of ';', newlines and bad bytes, the "[other]"
 * entry, and the -fields / -count parsers with their error sentences.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "folded.h"
#include "harness.h"
#include "syscalls.h"
#include "test_agg_util.h"

static void add(struct agg *agg, const char *comm, uint32_t pid, uint32_t tid,
		const char *path, int sc, bool has_flags, int32_t flags, uint64_t dur,
		uint64_t gap, uint64_t bytes)
{
	struct ior_event ev = { 0 };

	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.pid = pid;
	ev.tid = tid;
	ev.path = path;
	ev.sc = sc;
	ev.has_flags = has_flags;
	ev.flags = flags;
	ev.duration_ns = dur;
	ev.gap_ns = gap;
	ev.bytes = bytes;
	if (agg_add(agg, &ev))
		abort();
}

static struct agg *sample(void)
{
	struct agg *agg = agg_new(0);

	if (!agg)
		abort();
	add(agg, "cat", 10, 10, "/etc/passwd", IOR_SC_openat, true, 0, 100, 5, 0);
	add(agg, "cat", 10, 10, "/etc/passwd", IOR_SC_openat, true, 0, 100, 5, 0);
	add(agg, "cat", 10, 11, "/etc/passwd", IOR_SC_read, false, 0, 50, 7, 4096);
	add(agg, "ls", 20, 20, "/usr/lib/x;y", IOR_SC_read, false, 0, 30, 0, 100);
	add(agg, "ls", 20, 20, NULL, IOR_SC_sync, false, 0, 1000, 3, 0);
	add(agg, "bash", 30, 30, "/tmp/a b\nc", IOR_SC_write, false, 0, 7, 1, 3);
	add(agg, "cat", 10, 10, "/etc/passwd", IOR_SC_openat, true, 0x80241, 9, 2, 0);
	return agg;
}

#define CHECK_FOLD(agg, fields, metric, want)                                 \
	do {                                                                  \
		char *got_ = test_fold(agg, fields, metric);                       \
		CHECK(got_ != NULL);                                          \
		harness_check_str(got_, want, __FILE__, __LINE__, fields " " metric); \
		free(got_);                                                   \
	} while (0)

TEST(folded_default_order_every_metric)
{
	struct agg *agg = sample();

	CHECK_FOLD(agg, "comm,path,tracepoint", "count",
		   "bash;/tmp/;a b\\nc;write 1\n"
		   "cat;/etc/;passwd;openat 3\n"
		   "cat;/etc/;passwd;read 1\n"
		   "ls;/usr/;lib/;x\\x3by;read 1\n"
		   "ls;[no path];sync 1\n");
	CHECK_FOLD(agg, "comm,path,tracepoint", "duration",
		   "bash;/tmp/;a b\\nc;write 7\n"
		   "cat;/etc/;passwd;openat 209\n"
		   "cat;/etc/;passwd;read 50\n"
		   "ls;/usr/;lib/;x\\x3by;read 30\n"
		   "ls;[no path];sync 1000\n");
	CHECK_FOLD(agg, "comm,path,tracepoint", "durationToPrev",
		   "bash;/tmp/;a b\\nc;write 1\n"
		   "cat;/etc/;passwd;openat 12\n"
		   "cat;/etc/;passwd;read 7\n"
		   "ls;[no path];sync 3\n");
	CHECK_FOLD(agg, "comm,path,tracepoint", "bytes",
		   "bash;/tmp/;a b\\nc;write 3\n"
		   "cat;/etc/;passwd;read 4096\n"
		   "ls;/usr/;lib/;x\\x3by;read 100\n");
	agg_free(agg);
}

TEST(folded_reversed_order_every_metric)
{
	struct agg *agg = sample();

	CHECK_FOLD(agg, "tracepoint,path,comm", "count",
		   "openat;/etc/;passwd;cat 3\n"
		   "read;/etc/;passwd;cat 1\n"
		   "read;/usr/;lib/;x\\x3by;ls 1\n"
		   "sync;[no path];ls 1\n"
		   "write;/tmp/;a b\\nc;bash 1\n");
	CHECK_FOLD(agg, "tracepoint,path,comm", "duration",
		   "openat;/etc/;passwd;cat 209\n"
		   "read;/etc/;passwd;cat 50\n"
		   "read;/usr/;lib/;x\\x3by;ls 30\n"
		   "sync;[no path];ls 1000\n"
		   "write;/tmp/;a b\\nc;bash 7\n");
	CHECK_FOLD(agg, "tracepoint,path,comm", "durationToPrev",
		   "openat;/etc/;passwd;cat 12\n"
		   "read;/etc/;passwd;cat 7\n"
		   "sync;[no path];ls 3\n"
		   "write;/tmp/;a b\\nc;bash 1\n");
	CHECK_FOLD(agg, "tracepoint,path,comm", "bytes",
		   "read;/etc/;passwd;cat 4096\n"
		   "read;/usr/;lib/;x\\x3by;ls 100\n"
		   "write;/tmp/;a b\\nc;bash 3\n");
	agg_free(agg);
}

TEST(folded_pid_tid_flags_frames)
{
	struct agg *agg = sample();

	CHECK_FOLD(agg, " flags , pid,tid", "count",
		   "0x0;pid 10;tid 10 2\n"
		   "0x80241;pid 10;tid 10 1\n"
		   "[no flags];pid 10;tid 11 1\n"
		   "[no flags];pid 20;tid 20 2\n"
		   "[no flags];pid 30;tid 30 1\n");
	CHECK_FOLD(agg, "comm", "count", "bash 1\ncat 4\nls 2\n");
	agg_free(agg);
}

TEST(folded_path_frames)
{
	struct agg *agg = agg_new(0);
	char deep[2 * 70 + 1];

	CHECK(agg);
	for (int i = 0; i < 70; i++)
		memcpy(deep + 2 * i, "/d", 2);
	deep[140] = '\0';
	add(agg, "a", 1, 1, "/", IOR_SC_stat, false, 0, 1, 0, 0);
	add(agg, "b", 1, 1, "//var//lib///", IOR_SC_stat, false, 0, 1, 0, 0);
	add(agg, "c", 1, 1, "pipe:[77]", IOR_SC_read, false, 0, 1, 0, 0);
	add(agg, "d", 1, 1, "rel/x", IOR_SC_stat, false, 0, 1, 0, 0);
	add(agg, "e", 1, 1, "", IOR_SC_stat, false, 0, 1, 0, 0);
	add(agg, "f", 1, 1, "[truncated]/a/b (deleted)", IOR_SC_read, false, 0, 1, 0, 0);
	add(agg, "g", 1, 1, "/x", IOR_SC_read, false, 0, 1, 0, 0);
	CHECK_FOLD(agg, "comm,path", "count",
		   "a;/ 1\n"
		   "b;/var/;lib/ 1\n"
		   "c;pipe:[77] 1\n"
		   "d;rel/;x 1\n"
		   "e;[no path] 1\n"
		   "f;[truncated]/;a/;b (deleted) 1\n"
		   "g;/x 1\n");
	agg_free(agg);

	/* past 64 levels the rest of the path is one frame */
	agg = agg_new(0);
	CHECK(agg);
	add(agg, "h", 1, 1, deep, IOR_SC_read, false, 0, 1, 0, 0);
	{
		char want[512], *w = want, *got = test_fold(agg, "path", "count");

		w += sprintf(w, "/d/");
		for (int i = 1; i < 63; i++)
			w += sprintf(w, ";d/");
		w += sprintf(w, ";d");
		for (int i = 64; i < 70; i++)
			w += sprintf(w, "/d");
		sprintf(w, " 1\n");
		CHECK(got);
		CHECK_EQ_STR(got, want);
		free(got);
	}
	agg_free(agg);
}

TEST(folded_escapes_hostile_names)
{
	struct agg *agg = agg_new(0);

	CHECK(agg);
	add(agg, "a;b\tc", 1, 1, "/t/semi;colon", IOR_SC_read, false, 0, 1, 0, 0);
	add(agg, "x\\y", 1, 1, "/t/\xff\xc3\xa9\x01\x7f\xc2\x85", IOR_SC_read, false, 0, 1, 0, 0);
	add(agg, "", 1, 1, "/t/r\r", IOR_SC_read, false, 0, 1, 0, 0);
	CHECK_FOLD(agg, "comm,path", "count",
		   "[empty];/t/;r\\r 1\n"
		   "a\\x3bb\\tc;/t/;semi\\x3bcolon 1\n"
		   "x\\\\y;/t/;\\xff\xc3\xa9\\x01\\x7f\\xc2\\x85 1\n");
	agg_free(agg);
}

TEST(folded_escape_capacity)
{
	char out[8];

	CHECK_EQ_UINT(folded_escape(out, sizeof(out), "ab;c", 4), 7);
	CHECK_EQ_STR(out, "ab\\x3bc");
	CHECK_EQ_UINT(folded_escape(out, 6, "ab;c", 4), 2); /* never half an escape */
	CHECK_EQ_STR(out, "ab");
	CHECK_EQ_UINT(folded_escape(out, sizeof(out), "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 9), 6);
	CHECK_EQ_STR(out, "\xe2\x82\xac\xe2\x82\xac");
	CHECK_EQ_UINT(folded_escape(out, 0, "x", 1), 0);
	/* overlong, surrogate and truncated UTF-8 are bytes */
	char big[64];
	CHECK_EQ_UINT(folded_escape(big, sizeof(big), "\xc0\xaf\xed\xa0\x80\xe2\x82", 7), 28);
	CHECK_EQ_STR(big, "\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82");
}

TEST(folded_other_entry)
{
	struct agg *agg = agg_new(1);

	CHECK(agg);
	add(agg, "a", 1, 1, "/x", IOR_SC_read, true, 4, 10, 0, 0);
	add(agg, "b", 2, 2, "/y/z", IOR_SC_read, true, 4, 20, 0, 0);
	add(agg, "c", 3, 3, NULL, IOR_SC_sync, false, 0, 30, 0, 0);
	add(agg, "d", 4, 4, "/w/q", IOR_SC_read, true, 4, 40, 0, 0);
	CHECK_FOLD(agg, "comm,pid,tid,flags,path,tracepoint", "duration",
		   "[other];[other];[other];[other];[other];[other] 40\n"
		   "a;pid 1;tid 1;0x4;/x;read 10\n"
		   "b;pid 2;tid 2;0x4;/y/;read 20\n"
		   "c;pid 3;tid 3;[no flags];[no path];sync 30\n");
	agg_free(agg);
}

TEST(folded_counts_and_totals)
{
	struct agg *agg = sample();
	struct folded_spec spec;
	struct folded *f;

	folded_spec_default(&spec);
	spec.metric = FOLDED_BYTES;
	f = folded_new(&spec);
	CHECK(agg && f);
	CHECK_EQ_INT(agg_foreach(agg, folded_entry, f), 0);
	CHECK_EQ_UINT(folded_count(f), 3);
	CHECK_EQ_UINT(folded_total(f), 4199);
	CHECK_EQ_STR(folded_metric_name(FOLDED_DURATION_TO_PREV), "durationToPrev");
	CHECK_EQ_STR(folded_metric_unit(FOLDED_DURATION), "ns");
	folded_free(f);
	folded_free(NULL);
	agg_free(agg);
}

TEST(folded_parse_fields_ok_and_errors)
{
	struct folded_spec spec;
	char err[256];

	folded_spec_default(&spec);
	CHECK_EQ_INT(folded_parse_fields("tracepoint,flags,tid,pid,path,comm", &spec, err,
					 sizeof(err)), 0);
	CHECK_EQ_UINT(spec.nfields, 6);
	CHECK_EQ_INT(spec.fields[0], FOLDED_TRACEPOINT);
	CHECK_EQ_INT(spec.fields[5], FOLDED_COMM);
	CHECK_EQ_INT(folded_parse_fields("path", &spec, err, sizeof(err)), 0);
	CHECK_EQ_UINT(spec.nfields, 1);

	CHECK_EQ_INT(folded_parse_fields("comm,syscall", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "unknown field \"syscall\" in -fields; known fields are comm, pid, tid, path, tracepoint, flags");
	CHECK_EQ_UINT(spec.nfields, 1); /* untouched */
	CHECK_EQ_INT(folded_parse_fields("comm,path,comm", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "field \"comm\" appears twice in -fields");
	CHECK_EQ_INT(folded_parse_fields("comm,,path", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "-fields \"comm,,path\" has an empty name; give a comma-separated list of comm, pid, tid, path, tracepoint, flags");
	CHECK_EQ_INT(folded_parse_fields("comm,", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_INT(folded_parse_fields("", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "-fields is empty; give a comma-separated list of comm, pid, tid, path, tracepoint, flags");
	CHECK_EQ_INT(folded_parse_fields("Comm", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_INT(folded_parse_fields("co\x1bmm", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "unknown field \"co\\x1bmm\" in -fields; known fields are comm, pid, tid, path, tracepoint, flags");
}

TEST(folded_parse_count_ok_and_errors)
{
	struct folded_spec spec;
	char err[256];

	folded_spec_default(&spec);
	CHECK_EQ_INT(folded_parse_count("durationToPrev", &spec, err, sizeof(err)), 0);
	CHECK_EQ_INT(spec.metric, FOLDED_DURATION_TO_PREV);
	CHECK_EQ_INT(folded_parse_count("bytes", &spec, err, sizeof(err)), 0);
	CHECK_EQ_INT(spec.metric, FOLDED_BYTES);
	CHECK_EQ_INT(folded_parse_count("duration", &spec, err, sizeof(err)), 0);
	CHECK_EQ_INT(folded_parse_count("count", &spec, err, sizeof(err)), 0);
	CHECK_EQ_INT(spec.metric, FOLDED_COUNT);
	CHECK_EQ_INT(folded_parse_count("latency", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_STR(err, "unknown -count metric \"latency\"; use count, duration, durationToPrev or bytes");
	CHECK_EQ_INT(folded_parse_count("", &spec, err, sizeof(err)), -EINVAL);
	CHECK_EQ_INT(spec.metric, FOLDED_COUNT);
}
