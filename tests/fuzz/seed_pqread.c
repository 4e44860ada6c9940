// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_pqread into DIR: small Parquet files from
 * ior's writer (no rows; hostile rows with key-value metadata; several row
 * groups) and from the test builder tests/unit/pqbuild.h (uncompressed
 * pages, so mutations reach the decoders: PLAIN, dictionary and
 * DELTA_BINARY_PACKED values, v2 pages, NULLs everywhere, other column
 * orders, unknown syscall names). Usage: seed_pqread DIR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/pqbuild.h"
#include "parquet.h"
#include "syscalls.h"

static const char *const paths[] = {
	"/etc/passwd", "", "/tmp/a,b \"q\"\nx", "C:\\dir", "/tmp/\xff\xfe bad", "/tmp/\xc3\xa9t\xc3\xa9",
	"pipe:[1234]",
};

static void rows(struct ior_event *ev, size_t n)
{
	memset(ev, 0, n * sizeof(*ev));
	for (size_t i = 0; i < n; i++) {
		ev[i].time_ns = 1700000000000000000ull + i * 1500;
		ev[i].pid = 4000 + (uint32_t)(i % 3);
		ev[i].tid = ev[i].pid + (uint32_t)(i % 2);
		ev[i].sc = (int)((i * 7) % IOR_SC_COUNT);
		snprintf(ev[i].comm, sizeof(ev[i].comm), i % 4 ? "worker" : "sh\\\xff");
		ev[i].has_fd = i % 3 != 0;
		ev[i].fd = (int32_t)i - 2;
		ev[i].path = i % 5 == 4 ? NULL : paths[i % 7];
		ev[i].path2 = i % 6 == 1 ? paths[(i + 2) % 7] : NULL;
		ev[i].has_flags = i % 2 == 0;
		ev[i].flags = (int32_t)(0x80000 | i);
		ev[i].ret = i % 7 == 3 ? -13 : (int64_t)i * 100;
		ev[i].bytes = i % 7 == 3 ? 0 : i * 100;
		ev[i].duration_ns = 900 + i * 37;
		ev[i].gap_ns = i ? 100 + i * 11 : 0;
	}
	if (n > 1) {
		ev[1].time_ns = UINT64_MAX;
		ev[1].ret = INT64_MIN;
		ev[1].bytes = UINT64_MAX;
		ev[1].pid = UINT32_MAX;
	}
}

static int write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "seed_pqread: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static int with_writer(const char *dir, const char *name, const struct ior_event *ev, size_t n,
		       size_t flush_every)
{
	static const struct parquet_kv kv[] = {
		{ "ior.version", "0.1.0" }, { "start_ns", "1700000000000000000" },
		{ "end_ns", "1700000060000000000" }, { "cmdline", "ior -parquet x \xff" },
		{ "novalue", NULL },
	};
	char path[4096];
	struct parquet_writer *w;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	rc = parquet_writer_open(path, &w);
	if (rc)
		return rc;
	rc = parquet_writer_set_kv(w, kv, sizeof(kv) / sizeof(kv[0]));
	for (size_t i = 0; !rc && i < n; i++) {
		rc = parquet_writer_add(w, &ev[i]);
		if (!rc && flush_every && i % flush_every == 0)
			rc = parquet_writer_flush(w);
	}
	return rc ? (parquet_writer_close(w), rc) : parquet_writer_close(w);
}

int main(int argc, char **argv)
{
	static const struct pqb_col reordered[] = {
		{ "syscall", 6, false, PQB_SYSCALL }, { "extra", 2, true, PQB_EXTRA },
		{ "time_ns", 2, false, PQB_TIME },    { "comm", 6, false, PQB_COMM },
		{ "pid", 1, false, PQB_PID },         { "tid", 1, false, PQB_TID },
		{ "fd", 1, true, PQB_FD },            { "path2", 6, true, PQB_PATH2 },
		{ "path", 6, true, PQB_PATH },        { "flags", 1, true, PQB_FLAGS },
		{ "ret", 2, false, PQB_RET },         { "bytes", 2, false, PQB_BYTES },
		{ "duration_ns", 2, false, PQB_DURATION },
		{ "duration_to_prev_ns", 2, false, PQB_GAP },
	};
	static const struct {
		const char *name;
		struct pqb_opts o;
	} built[] = {
		{ "plain.parquet", { .int_encoding = 0, .str_encoding = 0 } },
		{ "delta-dict.parquet", { .int_encoding = 5, .str_encoding = 8, .page_rows = 5,
					  .group_rows = 16, .all_optional = true } },
		{ "int-dict.parquet", { .int_encoding = 8, .str_encoding = 2, .page_rows = 9 } },
		{ "v2.parquet", { .int_encoding = 5, .str_encoding = 8, .v2 = true, .page_rows = 7,
				  .all_optional = true } },
		{ "v2-zstd.parquet", { .codec = 6, .int_encoding = 0, .str_encoding = 8, .v2 = true } },
		{ "reordered.parquet", { .cols = reordered, .ncols = 14, .int_encoding = 5,
					 .str_encoding = 8 } },
		{ "unknown.parquet", { .int_encoding = 0, .str_encoding = 8,
				       .unknown_syscall = "frobnicate" } },
		{ "micros.parquet", { .int_encoding = 0, .str_encoding = 0, .time_unit = 2 } },
	};
	struct ior_event ev[130];
	struct bytebuf file = { 0 };
	const char *dir;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: seed_pqread DIR\n");
		return 2;
	}
	dir = argv[1];
	rows(ev, 130);
	rc = with_writer(dir, "empty.parquet", ev, 0, 0);
	rc = rc ? rc : with_writer(dir, "small.parquet", ev, 24, 5);
	/* a flush a row: the open row group is sealed every 60 flushes */
	rc = rc ? rc : with_writer(dir, "groups.parquet", ev, 130, 1);
	if (rc) {
		fprintf(stderr, "seed_pqread: writer: %s\n", strerror(-rc));
		return 1;
	}
	for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
		struct pqb_opts o = built[i].o;

		if (o.unknown_syscall)
			for (size_t k = 0; k < 30; k += 4)
				ev[k].sc = -1;
		if (pqb_build(&file, ev, 30, &o) ||
		    write_file(dir, built[i].name, file.data, file.len))
			return 1;
		rows(ev, 130);
	}
	bytebuf_free(&file);
	return 0;
}
