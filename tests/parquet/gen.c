// SPDX-License-Identifier: GPL-2.0
/*
 * Writes Parquet files with ior's writer for the independent-reader check
 * (check.mjs), and beside each the rows it must hold, as JSON lines:
 *   gen hostile FILE ROWS.jsonl META.json   NULLs, extremes, hostile bytes,
 *                                           many flushes and row groups,
 *                                           key-value pairs
 *   gen bulk FILE ROWS.jsonl META.json      > PARQUET_ROWS_PER_GROUP rows: page
 *                                           splits, dictionary fallback,
 *                                           raw zstd pages
 *   gen empty FILE ROWS.jsonl META.json     no rows at all
 *   gen crash FILE ROWS.jsonl META.json     flushes, adds rows it never
 *                                           flushes, then SIGKILLs itself;
 *                                           ROWS.jsonl has the flushed rows
 * A row is an object keyed by column name. Integers are decimal strings
 * (INT64 does not fit a JS number); NULL is null; a string column holds the
 * original bytes, one code point per byte (U+0000..U+00FF), so invalid UTF-8
 * is exact. META.json: {"row_groups": N, "kv": [[key, value|null], ...]}
 * with keys and values as byte strings too.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parquet.h"
#include "syscalls.h"

static FILE *rows_out;
static struct parquet_writer *writer;
/* The writer's row groups, as parquet.h describes them */
static unsigned long sealed, open_rows;

static void seal(void)
{
	sealed++;
	open_rows = 0;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "gen: %s: %s\n", what, strerror(-err));
	exit(1);
}

static void json_bytes(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\u%04x", c);
	}
	fputc('"', f);
}

static void json_str(FILE *f, const char *s)
{
	if (s)
		json_bytes(f, s, strlen(s));
	else
		fputs("null", f);
}

static void json_int(FILE *f, int64_t v)
{
	fprintf(f, "\"%" PRId64 "\"", v);
}

static void row_json(FILE *f, const struct ior_event *ev)
{
	fputs("{\"time_ns\":", f);
	json_int(f, (int64_t)ev->time_ns);
	fputs(",\"pid\":", f);
	json_int(f, (int32_t)ev->pid);
	fputs(",\"tid\":", f);
	json_int(f, (int32_t)ev->tid);
	fputs(",\"comm\":", f);
	json_bytes(f, ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	fputs(",\"syscall\":", f);
	json_str(f, ior_syscalls[ev->sc].name);
	fputs(",\"fd\":", f);
	if (ev->has_fd)
		json_int(f, ev->fd);
	else
		fputs("null", f);
	fputs(",\"path\":", f);
	json_str(f, ev->path);
	fputs(",\"path2\":", f);
	json_str(f, ev->path2);
	fputs(",\"flags\":", f);
	if (ev->has_flags)
		json_int(f, ev->flags);
	else
		fputs("null", f);
	fputs(",\"ret\":", f);
	json_int(f, ev->ret);
	fputs(",\"bytes\":", f);
	json_int(f, (int64_t)ev->bytes);
	fputs(",\"duration_ns\":", f);
	json_int(f, (int64_t)ev->duration_ns);
	fputs(",\"duration_to_prev_ns\":", f);
	json_int(f, (int64_t)ev->gap_ns);
	fputs("}\n", f);
}

static void add(const struct ior_event *ev)
{
	int err = parquet_writer_add(writer, ev);

	if (err)
		die("parquet_writer_add", err);
	if (rows_out)
		row_json(rows_out, ev);
	if (++open_rows == PARQUET_ROWS_PER_GROUP)
		seal();
}

static void flush(void)
{
	int err = parquet_writer_flush(writer);

	if (err)
		die("parquet_writer_flush", err);
	/* saved by exchange (as /tmp allows), a flush seals its new rows */
	if (open_rows)
		seal();
}

static void meta_json(const char *path, const struct parquet_kv *kv, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die(path, -errno);
	fprintf(f, "{\"row_groups\": %lu, \"kv\": [", sealed);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", [" : "[", f);
		json_str(f, kv[i].key);
		fputs(", ", f);
		json_str(f, kv[i].value);
		fputs("]", f);
	}
	fputs("]}\n", f);
	if (fclose(f))
		die(path, -errno);
}

static struct ior_event event(uint64_t t, int sc, const char *comm, const char *path)
{
	struct ior_event ev = { 0 };

	ev.time_ns = t;
	ev.pid = 4242;
	ev.tid = 4243;
	ev.sc = sc;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.path = path;
	return ev;
}

static char *filled(size_t len, char c)
{
	char *s = malloc(len + 1);

	if (!s)
		die("malloc", -ENOMEM);
	memset(s, c, len);
	s[len] = '\0';
	return s;
}

static void hostile(void)
{
	static const char *const paths[] = {
		"",
		"/",
		"/tmp/plain.txt",
		"/tmp/a,b \"q\" 'x'\nnew\tline\r",
		"C:\\dir\\file",
		"/tmp/\\xff literal",
		"/tmp/\xff\xfe",
		"/tmp/trunc\xc3",
		"/tmp/overlong\xc0\xaf",
		"/tmp/surrogate\xed\xa0\x80",
		"/tmp/past-max\xf4\x90\x80\x80",
		"/tmp/lone\x80\x63ontinuation", /* \x63 is c */
		"/tmp/ctl\x01\x02\x1f\x7f",
		"/tmp/c1\xc2\x80\xc2\x9f",
		"/tmp/\xc3\xa9t\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80",
		"socket:[18446744073709551615]",
		"pipe:[8271]",
	};
	char *long_path = filled(4096, 'p');
	char *long_ff = filled(4096, '\xff');
	struct ior_event ev;
	uint64_t t = 1700000000000000000ull;

	long_path[0] = '/';
	/* 1: every optional column NULL, everything else zero or empty */
	ev = event(0, IOR_SC_sync, "", NULL);
	ev.pid = ev.tid = 0;
	add(&ev);
	flush();
	/* 2: the extremes of every integer column */
	ev = event(INT64_MAX, IOR_SC_pread64, "max", "/max");
	ev.pid = UINT32_MAX;
	ev.tid = 0x80000000u;
	ev.has_fd = true;
	ev.fd = INT32_MIN;
	ev.has_flags = true;
	ev.flags = INT32_MAX;
	ev.ret = INT64_MIN;
	ev.bytes = UINT64_MAX;
	ev.duration_ns = 1ull << 63;
	ev.gap_ns = INT64_MAX;
	add(&ev);
	ev = event(1, IOR_SC_pwrite64, "min", "/min");
	ev.pid = INT32_MAX;
	ev.tid = 1;
	ev.has_fd = true;
	ev.fd = INT32_MAX;
	ev.has_flags = true;
	ev.flags = INT32_MIN;
	ev.ret = INT64_MAX;
	ev.bytes = (uint64_t)INT64_MAX;
	ev.duration_ns = 0;
	ev.gap_ns = 1ull << 63;
	add(&ev);
	flush();
	flush(); /* nothing buffered: no new row group */
	/* 3: every hostile path, as path and as path2, around NULLs */
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ev = event(t += 1500, IOR_SC_renameat2, "mv", paths[i]);
		ev.path2 = paths[(i + 3) % (sizeof(paths) / sizeof(paths[0]))];
		ev.has_fd = i % 3 != 0;
		ev.fd = -100;
		ev.has_flags = i % 2 == 0;
		ev.flags = -1;
		ev.ret = -2;
		ev.duration_ns = 700 + i;
		ev.gap_ns = 300 + i * i;
		add(&ev);
		if (i % 5 == 4)
			flush();
	}
	flush();
	/* 4: hostile comm names (the kernel cuts them at 15 bytes) */
	{
		static const char *const comms[] = {
			"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x97\xe3\x83\xad",
			"a\\b", "\xff", "tab\there", "new\nline", "quote\"d",
		};

		for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
			ev = event(t -= 777, IOR_SC_openat, comms[i], "/etc/passwd");
			ev.has_fd = true;
			ev.fd = (int32_t)(3 + i);
			ev.has_flags = true;
			ev.flags = 02000000;
			ev.ret = (int64_t)(3 + i);
			add(&ev);
		}
	}
	flush();
	/* 5: 4096-byte paths, one of them all invalid bytes */
	ev = event(t += 10, IOR_SC_rename, "mv", long_path);
	ev.path2 = long_ff;
	add(&ev);
	ev = event(t += 10, IOR_SC_rename, "mv", long_ff);
	ev.path2 = long_path;
	add(&ev);
	flush();
	/* 6: runs and alternations that exercise RLE and bit packing */
	for (int i = 0; i < 3000; i++) {
		static const char *const few[] = { "/a", "/b", "/c", "/d", "/e" };
		int sc = i % 7 == 0 ? IOR_SC_close : i % 2 ? IOR_SC_pread64 : IOR_SC_pwrite64;

		ev = event(t += 1000 + ((uint64_t)i * 7919) % 2000, sc, i < 1500 ? "storm" : "other",
			   i % 100 < 50 ? "/run" : few[i % 5]);
		ev.has_fd = i % 10 != 3;
		ev.fd = 3 + i % 3;
		ev.path = i % 13 == 5 ? NULL : ev.path;
		ev.has_flags = i % 64 < 20;
		ev.flags = i;
		ev.ret = i % 11 == 0 ? -11 : 1;
		ev.bytes = i % 11 == 0 ? 0 : 1;
		ev.duration_ns = 500 + ((uint64_t)i * 104729) % 2500;
		ev.gap_ns = 300 + ((uint64_t)i * 1299709) % 1700;
		add(&ev);
		if (i % 5 == 4 || i == 1000)
			flush();
		if (i == 2000) {
			static const struct parquet_kv mid = { "ior.phase", "middle" };
			int err = parquet_writer_set_kv(writer, &mid, 1);

			if (err)
				die("parquet_writer_set_kv", err);
		}
	}
	free(long_path);
	free(long_ff);
}

/* Unique paths (the dictionary falls back to PLAIN), some long, across more
 * than PARQUET_ROWS_PER_GROUP rows; random times, durations and gaps (pages
 * zstd cannot shrink, stored raw), the extremes of each row group's times
 * and durations inside its pages, and flushes inside pages. */
static void bulk(void)
{
	char path[64];
	char *long_path = filled(1000, 'L');
	uint64_t t = 1710000000000000000ull, x = 0x2545f4914f6cdd1dull;
	struct ior_event ev;

	for (uint32_t i = 0; i < PARQUET_ROWS_PER_GROUP + 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		snprintf(path, sizeof(path), "/bulk/dir%u/file-%07u", i % 17, i);
		t += 1000;
		ev = event(t + (x & 0xfffff) - (i % 70001 == 7 ? 1000000000 : 0),
			   i % 2 ? IOR_SC_read : IOR_SC_write, "bulk",
			   i % 50000 == 7 ? long_path : path);
		ev.pid = 1000 + i % 5;
		ev.tid = ev.pid + i % 3;
		ev.has_fd = true;
		ev.fd = 3;
		ev.ret = 4096;
		ev.bytes = 4096;
		ev.duration_ns = (x >> 20) & 0x3fffffff;
		ev.gap_ns = i % 90001 == 5 ? 0 : x >> 34;
		add(&ev);
		if (i == 100000 || i == PARQUET_ROWS_PER_GROUP + 5000)
			flush();
	}
	free(long_path);
}

/* Flushed rows, then rows never flushed (more than a row group's worth, so
 * an encoded but unwritten row group is lost too), then SIGKILL. */
static void crash(const char *file, const char *meta)
{
	char path[64];
	struct ior_event ev;

	for (uint32_t i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/crash/%u", i % 7);
		ev = event(1720000000000000000ull + i * 1000ull, IOR_SC_write, "crash", path);
		ev.has_fd = true;
		ev.fd = 5;
		ev.ret = i;
		add(&ev);
		if (i % 50 == 49) /* a sealed row group, then an open one */
			flush();
	}
	meta_json(meta, NULL, 0);
	if (fclose(rows_out))
		die("rows", -errno);
	rows_out = NULL;
	for (uint32_t i = 0; i < PARQUET_ROWS_PER_GROUP + 1000; i++) {
		ev = event(1730000000000000000ull + i, IOR_SC_read, "lost", "/lost");
		add(&ev);
	}
	fprintf(stderr, "gen: %s: killing myself after %" PRIu64 " rows\n", file,
		parquet_writer_rows(writer));
	kill(getpid(), SIGKILL);
}

int main(int argc, char **argv)
{
	static const struct parquet_kv kv[] = {
		{ "ior.host", "test-host" },
		{ "ior.cmdline", "ior -parquet out.parquet -- sh -c 'echo \xff\\x'" },
		{ "ior.lost", "0" },
		{ "", "empty key" },
		{ "ior.novalue", NULL },
		{ "ior.lost", "duplicate key" },
	};
	const char *mode, *file;
	int err;

	if (argc != 5) {
		fprintf(stderr, "usage: gen hostile|bulk|empty|crash FILE ROWS.jsonl META.json\n");
		return 2;
	}
	mode = argv[1];
	file = argv[2];
	unlink(file);
	rows_out = fopen(argv[3], "w");
	if (!rows_out)
		die(argv[3], -errno);
	err = parquet_writer_open(file, &writer);
	if (err)
		die(file, err);
	if (!strcmp(mode, "hostile")) {
		err = parquet_writer_set_kv(writer, kv, 2);
		if (err)
			die("parquet_writer_set_kv", err);
		hostile();
		err = parquet_writer_set_kv(writer, kv, sizeof(kv) / sizeof(kv[0]));
		if (err)
			die("parquet_writer_set_kv", err);
		flush(); /* no rows, new metadata: a footer only */
		meta_json(argv[4], kv, sizeof(kv) / sizeof(kv[0]));
	} else if (!strcmp(mode, "bulk")) {
		bulk();
		flush();
		/* the readers must meet raw zstd frames: 3 columns, pages 2-4 */
		if (parquet_writer_raw_pages(writer) < 9)
			die("bulk: too few raw pages", -EPROTO);
		meta_json(argv[4], NULL, 0);
	} else if (!strcmp(mode, "empty")) {
		meta_json(argv[4], NULL, 0);
	} else if (!strcmp(mode, "crash")) {
		crash(file, argv[4]);
	} else {
		fprintf(stderr, "gen: unknown mode %s\n", mode);
		return 2;
	}
	err = parquet_writer_close(writer);
	if (err)
		die("parquet_writer_close", err);
	if (fclose(rows_out))
		die(argv[3], -errno);
	return 0;
}
