// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for csv.c (RFC 4180 quoting, exact bytes, CRLF records, never
 * overwriting, mode 0600, the sticky error) and for the Stream export's
 * record (tui_export.c: its columns and the UTF-8 mapping of odd bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "harness.h"
#include "syscalls.h"
#include "tui_stream.h"

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char path[256];

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/ior-csv-XXXXXX");
		if (!mkdtemp(tmpdir))
			return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* The whole file into buf (NUL-terminated); its length, or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

TEST(csv_quotes_exactly_what_rfc4180_needs)
{
	const char *path = tmp_path("quote.csv");
	static const char want[] =
		"plain,\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\",\"cr\rx\",,,\"\"\"\",\"x,\"\"\r\n\"\"\","
		" lead space ,18446744073709551615,-9223372036854775808\r\n"
		"second\r\n";
	struct csv_writer *w;
	char got[512];
	long n;

	CHECK(path != NULL);
	unlink(path);
	CHECK_EQ_INT(csv_writer_create(path, &w), 0);
	csv_field_str(w, "plain");
	csv_field_str(w, "a,b");
	csv_field_str(w, "say \"hi\"");
	csv_field_str(w, "line1\nline2");
	csv_field_str(w, "cr\rx");
	csv_field_str(w, "");
	csv_field_str(w, NULL);
	csv_field_str(w, "\"");
	csv_field_str(w, "x,\"\r\n\"");
	csv_field_str(w, " lead space ");
	csv_field_u64(w, UINT64_MAX);
	csv_field_i64(w, INT64_MIN);
	csv_end_row(w);
	csv_field(w, "second-not-this", 6);
	csv_end_row(w);
	CHECK_EQ_UINT(csv_writer_rows(w), 2);
	CHECK_EQ_INT(csv_writer_close(w), 0);
	n = slurp(path, got, sizeof(got));
	CHECK_EQ_INT(n, (long)sizeof(want) - 1);
	CHECK_EQ_MEM(got, want, sizeof(want) - 1);
	unlink(path);
}

TEST(csv_binary_bytes_pass_through)
{
	const char *path = tmp_path("bytes.csv");
	static const char field[] = { 'a', '\xff', '\0', 'b', '\x1b' };
	static const char want[] = { 'a', '\xff', '\0', 'b', '\x1b', '\r', '\n' };
	struct csv_writer *w;
	char got[64];

	unlink(path);
	CHECK_EQ_INT(csv_writer_create(path, &w), 0);
	csv_field(w, field, sizeof(field));
	csv_end_row(w);
	CHECK_EQ_INT(csv_writer_close(w), 0);
	CHECK_EQ_INT(slurp(path, got, sizeof(got)), (long)sizeof(want));
	CHECK_EQ_MEM(got, want, sizeof(want));
	unlink(path);
}

TEST(csv_large_output_crosses_the_buffer)
{
	const char *path = tmp_path("large.csv");
	struct csv_writer *w;
	struct stat st;
	char field[1000];

	memset(field, 'q', sizeof(field));
	field[500] = '"';
	unlink(path);
	CHECK_EQ_INT(csv_writer_create(path, &w), 0);
	for (int i = 0; i < 300; i++) {
		csv_field(w, field, sizeof(field));
		csv_end_row(w);
	}
	CHECK_EQ_INT(csv_writer_close(w), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	/* each record: quote + 1000 bytes + one doubled quote + quote + CRLF */
	CHECK_EQ_INT(st.st_size, 300 * (1 + 1000 + 1 + 1 + 2));
	unlink(path);
}

TEST(csv_never_overwrites_and_makes_0600)
{
	const char *path = tmp_path("exists.csv");
	char link[300];
	struct csv_writer *w;
	struct stat st;
	char got[64];
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("keep me", f);
	fclose(f);
	CHECK_EQ_INT(csv_writer_create(path, &w), -EEXIST);
	CHECK_EQ_INT(slurp(path, got, sizeof(got)), 7);
	CHECK_EQ_STR(got, "keep me");
	/* a dangling symlink is not followed either */
	snprintf(link, sizeof(link), "%s", tmp_path("link.csv"));
	unlink(link);
	CHECK_EQ_INT(symlink(tmp_path("target.csv"), link), 0);
	CHECK_EQ_INT(csv_writer_create(link, &w), -EEXIST);
	CHECK(access(tmp_path("target.csv"), F_OK) != 0);
	unlink(link);
	unlink(path);
	CHECK_EQ_INT(csv_writer_create(path, &w), 0);
	CHECK_EQ_INT(csv_writer_close(w), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_UINT(st.st_mode & 0777, 0600);
	unlink(path);
	CHECK_EQ_INT(csv_writer_create(NULL, &w), -EINVAL);
	CHECK_EQ_INT(csv_writer_close(NULL), 0);
}

TEST(csv_errors_are_sticky)
{
	struct csv_writer *w;
	char field[4096];
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_EQ_INT(csv_writer_fd(fd, &w), 0);
	memset(field, 'z', sizeof(field));
	for (int i = 0; i < 40; i++) {
		csv_field(w, field, sizeof(field));
		csv_end_row(w);
	}
	CHECK_EQ_INT(csv_writer_error(w), -ENOSPC);
	csv_field_str(w, "more");
	csv_end_row(w);
	CHECK_EQ_INT(csv_writer_error(w), -ENOSPC);
	CHECK_EQ_INT(csv_writer_close(w), -ENOSPC);
}

TEST(csv_export_record_columns_and_mapping)
{
	const char *path = tmp_path("record.csv");
	struct ior_event ev = {
		.time_ns = 1700000000123456789ull,
		.duration_ns = 1500,
		.gap_ns = 7,
		.ret = -2,
		.bytes = 0,
		.pid = 42,
		.tid = 43,
		.fd = 3,
		.has_fd = true,
		.flags = 0x241,
		.has_flags = true,
		.sc = IOR_SC_openat,
		.comm = "my,comm",
		.path = "/tmp/a \"b\",c\nd\\e\xff",
		.path2 = NULL,
	};
	static const char want[] =
		"time,time_ns,comm,pid,tid,syscall,fd,path,path2,flags,ret,bytes,latency_ns,gap_ns\r\n"
		"2023-11-14T22:13:20.123456789+00:00,1700000000123456789,\"my,comm\",42,43,openat,3,"
		"\"/tmp/a \"\"b\"\",c\nd\\\\e\\xff\",,577,-2,0,1500,7\r\n"
		"2023-11-14T22:13:20.123456789+00:00,1700000000123456789,\"my,comm\",42,43,openat,,"
		",,,-2,0,1500,7\r\n";
	struct csv_writer *w;
	char got[1024];
	char *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "UTC", 1);
	tzset();
	unlink(path);
	CHECK_EQ_INT(csv_writer_create(path, &w), 0);
	tui_export_header(w);
	tui_export_record(w, &ev);
	ev.has_fd = false;
	ev.has_flags = false;
	ev.path = NULL;
	tui_export_record(w, &ev);
	CHECK_EQ_INT(csv_writer_close(w), 0);
	if (tz) {
		setenv("TZ", tz, 1);
		free(tz);
	} else {
		unsetenv("TZ");
	}
	tzset();
	CHECK_EQ_INT(slurp(path, got, sizeof(got)), (long)sizeof(want) - 1);
	CHECK_EQ_STR(got, want);
	unlink(path);
	rmdir(tmpdir);
}
