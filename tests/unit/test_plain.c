// SPDX-License-Identifier: GPL-2.0
/* Unit tests for plain.c: the exact -plain line for typical and hostile events, and the
 * sink that writes lines without blocking, drops and counts them, and reports errors. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include "harness.h"
#include "plain.h"
#include "syscalls.h"

static struct ior_event sample(void)
{
	struct ior_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time_ns = 1764198583123456789ull;
	ev.duration_ns = 5231;
	ev.gap_ns = 1802;
	ev.ret = 3;
	ev.pid = 4242;
	ev.tid = 4243;
	ev.fd = 3;
	ev.has_fd = true;
	ev.flags = 0x80000;
	ev.has_flags = true;
	ev.sc = IOR_SC_openat;
	strcpy(ev.comm, "cat");
	ev.path = "/etc/passwd";
	return ev;
}

TEST(plain_line_openat)
{
	struct ior_event ev = sample();
	char buf[1024];
	size_t n = plain_format(buf, sizeof(buf), &ev);

	CHECK_EQ_STR(buf, "1764198583.123456789 cat 4242 4243 openat fd=3 ret=3 bytes=0 dur=5231 "
			  "gap=1802 flags=0x80000 path=\"/etc/passwd\" path2=-\n");
	CHECK_EQ_UINT(n, strlen(buf));
}

TEST(plain_line_failure_without_fd_or_flags)
{
	struct ior_event ev = sample();
	char buf[1024];

	ev.sc = IOR_SC_read;
	ev.has_flags = false;
	ev.fd = 999;
	ev.ret = -9;
	ev.path = NULL;
	ev.time_ns = 5;
	plain_format(buf, sizeof(buf), &ev);
	CHECK_EQ_STR(buf, "0.000000005 cat 4242 4243 read fd=999 ret=-9 bytes=0 dur=5231 gap=1802 "
			  "flags=- path=- path2=-\n");
	ev.has_fd = false;
	ev.sc = IOR_SC_sync;
	ev.ret = 0;
	plain_format(buf, sizeof(buf), &ev);
	CHECK_EQ_STR(buf, "0.000000005 cat 4242 4243 sync fd=- ret=0 bytes=0 dur=5231 gap=1802 "
			  "flags=- path=- path2=-\n");
}

TEST(plain_line_number_edges)
{
	/* every digit count from 1 to 20, zero padding of the nanoseconds, the
	 * extremes of each field */
	static const struct {
		uint64_t v;
		const char *s;
	} nums[] = {
		{ 0, "0" }, { 7, "7" }, { 10, "10" }, { 99, "99" }, { 100, "100" },
		{ 909, "909" }, { 1000, "1000" }, { 12345, "12345" }, { 100000, "100000" },
		{ 9999999, "9999999" }, { 10000000, "10000000" }, { 123456789, "123456789" },
		{ 4294967295u, "4294967295" }, { 10000000000ull, "10000000000" },
		{ 999999999999ull, "999999999999" }, { 1000000000001ull, "1000000000001" },
		{ 12345678901234ull, "12345678901234" }, { 987654321098765ull, "987654321098765" },
		{ 1000000000000000ull, "1000000000000000" }, { 10203040506070809ull, "10203040506070809" },
		{ 999999999999999999ull, "999999999999999999" },
		{ 1000000000000000000ull, "1000000000000000000" },
		{ 18446744073709551615ull, "18446744073709551615" },
	};
	struct ior_event ev = sample();
	char buf[1024], want[1024];

	ev.has_flags = false;
	ev.path = NULL;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		ev.bytes = nums[i].v;
		ev.duration_ns = nums[i].v;
		ev.gap_ns = nums[i].v;
		ev.ret = (int64_t)(nums[i].v >> 1);
		plain_format(buf, sizeof(buf), &ev);
		snprintf(want, sizeof(want),
			 "1764198583.123456789 cat 4242 4243 openat fd=3 ret=%lld bytes=%s dur=%s "
			 "gap=%s flags=- path=- path2=-\n",
			 (long long)(nums[i].v >> 1), nums[i].s, nums[i].s, nums[i].s);
		CHECK_EQ_STR(buf, want);
	}
	ev.time_ns = 18446744073709551615ull; /* nanoseconds with no zero to pad */
	ev.ret = INT64_MIN;
	ev.pid = 4294967295u;
	ev.tid = 0;
	ev.bytes = ev.duration_ns = ev.gap_ns = 0;
	ev.fd = -2147483647 - 1;
	plain_format(buf, sizeof(buf), &ev);
	CHECK_EQ_STR(buf, "18446744073.709551615 cat 4294967295 0 openat fd=-2147483648 "
			  "ret=-9223372036854775808 bytes=0 dur=0 gap=0 flags=- path=- path2=-\n");
	ev.time_ns = 1000000000ull * 42 + 1200; /* 9 digits, 5 of them padding */
	plain_format(buf, sizeof(buf), &ev);
	CHECK(strncmp(buf, "42.000001200 cat ", 17) == 0);
	ev.time_ns = 1000000000ull * 3 + 10;
	plain_format(buf, sizeof(buf), &ev);
	CHECK(strncmp(buf, "3.000000010 cat ", 16) == 0);
}

TEST(plain_line_hostile_names_escaped)
{
	struct ior_event ev = sample();
	char buf[1024];

	strcpy(ev.comm, "Web Con\x1b[1m");
	ev.sc = IOR_SC_rename;
	ev.has_fd = false;
	ev.has_flags = false;
	ev.ret = 0;
	ev.path = "/tmp/a\nb\t\"c\\\xff";
	ev.path2 = "/tmp/\xe2\x9c\x93 ok";
	plain_format(buf, sizeof(buf), &ev);
	CHECK_EQ_STR(buf, "1764198583.123456789 Web\\x20Con\\x1b[1m 4242 4243 rename fd=- ret=0 "
			  "bytes=0 dur=5231 gap=1802 flags=- path=\"/tmp/a\\nb\\t\\\"c\\\\\\xff\" "
			  "path2=\"/tmp/\xe2\x9c\x93 ok\"\n");
}

TEST(plain_line_negative_flags_and_fd)
{
	struct ior_event ev = sample();
	char buf[1024];

	ev.sc = IOR_SC_mmap;
	ev.fd = -1;
	ev.flags = -2147483647 - 1;
	ev.ret = 139953667440640;
	ev.path = NULL;
	plain_format(buf, sizeof(buf), &ev);
	CHECK_EQ_STR(buf, "1764198583.123456789 cat 4242 4243 mmap fd=-1 ret=139953667440640 bytes=0 "
			  "dur=5231 gap=1802 flags=0x80000000 path=- path2=-\n");
}

/* What fd holds from the start, NUL-ended (malloc'd). */
static char *fd_contents(int fd, size_t *len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *mem = malloc((size_t)size + 1);

	if (!mem || pread(fd, mem, (size_t)size, 0) != size) {
		free(mem);
		return NULL;
	}
	mem[size] = '\0';
	*len = (size_t)size;
	return mem;
}

TEST(plain_sink_path_filter)
{
	struct ior_event ev = sample();
	char *buf = malloc(PLAIN_BUF_BYTES), line[1024], want[2048] = "";
	FILE *f = tmpfile();
	struct plain p = { .fd = f ? fileno(f) : -1, .path_filter = "/etc/passwd", .buf = buf };
	size_t len = 0;
	char *got;

	CHECK(f != NULL && buf != NULL);
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	plain_format(line, sizeof(line), &ev);
	strcat(want, line);
	ev.path = "/etc/group";
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = NULL;
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = "/etc/passwd.new"; /* contains the filter, is not under it */
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = "/x";
	ev.path2 = "/etc/passwd/x";
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	plain_format(line, sizeof(line), &ev);
	strcat(want, line);
	got = fd_contents(p.fd, &len);
	CHECK_EQ_UINT(len, 0); /* nothing written before a flush */
	free(got);
	CHECK_EQ_INT(plain_flush(&p), 0);
	CHECK_EQ_UINT(p.printed, 2);
	got = fd_contents(p.fd, &len);
	CHECK_EQ_STR(got, want);
	free(got);
	fclose(f);
	free(buf);
}

TEST(plain_sink_writes_when_full_and_reports_a_closed_reader)
{
	/* lines go out once the buffer passes its mark, whole and in order;
	 * then a pipe whose reader is gone makes the sink say -EPIPE */
	struct ior_event ev = sample();
	char *buf = malloc(PLAIN_BUF_BYTES), line[1024];
	FILE *f = tmpfile();
	struct plain p = { .fd = f ? fileno(f) : -1, .buf = buf };
	size_t len = 0, line_len, n = 0, written = 0;
	int fds[2];
	char *got;
	void (*old)(int);

	CHECK(f != NULL && buf != NULL);
	line_len = plain_format(line, sizeof(line), &ev);
	while (!written) {
		CHECK_EQ_INT(plain_event(&p, &ev), 0);
		n++;
		written = (size_t)lseek(p.fd, 0, SEEK_END);
	}
	/* the write came with the line that found the buffer past its mark */
	CHECK_EQ_UINT(written, (n - 1) * line_len);
	CHECK(written > PLAIN_BUF_BYTES / 2 && written <= PLAIN_BUF_BYTES);
	CHECK_EQ_INT(plain_flush(&p), 0);
	got = fd_contents(p.fd, &len);
	CHECK_EQ_UINT(len, n * line_len);
	for (size_t i = 0; got && i < n; i++)
		if (memcmp(got + i * line_len, line, line_len) != 0) {
			CHECK_EQ_UINT(i, n); /* the first line that differs */
			break;
		}
	free(got);
	fclose(f);

	CHECK_EQ_INT(pipe(fds), 0);
	close(fds[0]);
	old = signal(SIGPIPE, SIG_IGN);
	p.fd = fds[1];
	p.written = p.printed;
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	CHECK_EQ_INT(plain_flush(&p), -EPIPE);
	CHECK_EQ_UINT(plain_lost(&p), 1);
	/* the error sticks: the next event stops the drain and counts as lost */
	CHECK_EQ_INT(plain_event(&p, &ev), -EPIPE);
	CHECK_EQ_UINT(plain_lost(&p), 2);
	signal(SIGPIPE, old);
	close(fds[1]);
	free(buf);
}

TEST(plain_line_small_buffers_stay_inside)
{
	/* numbers are stored eight bytes at a time: no cap lets a store pass
	 * the buffer's end; a line that does not fit is cut after its last
	 * whole field, escape or character, and one that fits is whole */
	struct ior_event ev = sample();
	char full[1024], buf[1024];
	size_t len;

	ev.path = "/tmp/\"x\"\n\xc3\xa9t\xc3\xa9";
	len = plain_format(full, sizeof(full), &ev);
	CHECK_EQ_STR(full, "1764198583.123456789 cat 4242 4243 openat fd=3 ret=3 bytes=0 dur=5231 "
			   "gap=1802 flags=0x80000 path=\"/tmp/\\\"x\\\"\\n\xc3\xa9t\xc3\xa9\" "
			   "path2=-\n");
	for (size_t cap = 2; cap <= len + 2; cap++) {
		size_t n;

		memset(buf, '#', sizeof(buf));
		n = plain_format(buf, cap, &ev);
		CHECK(n >= 1 && n <= cap - 1);
		CHECK_EQ_INT(buf[n - 1], '\n');
		CHECK_EQ_INT(buf[n], '\0');
		CHECK(memcmp(buf, full, n - 1) == 0);
		for (size_t i = cap; i < sizeof(buf); i++)
			CHECK_EQ_INT(buf[i], '#');
		if (cap >= len + 1)
			CHECK_EQ_STR(buf, full);
		else
			CHECK(n < len);
	}
	/* cut points: never inside a number, an escape or a UTF-8 character */
	for (size_t cap = 2; cap <= len; cap++) {
		size_t n = plain_format(buf, cap, &ev);
		char next = full[n - 1], last = n >= 2 ? buf[n - 2] : ' ';

		CHECK(!(next >= '0' && next <= '9' && last >= '0' && last <= '9'));
		CHECK(last != '\\' || (n >= 3 && buf[n - 3] == '\\'));
		CHECK((unsigned char)next < 0x80 || (unsigned char)next >= 0xc0);
	}
}

/* Complete lines in s (n bytes), and whether s ends with one. */
static size_t whole_lines(const char *s, size_t n, bool *ends_whole)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	*ends_whole = n == 0 || s[n - 1] == '\n';
	return lines;
}

/* A sink on a new pipe whose read end (fds[0]) does not block. */
static bool pipe_sink(struct plain *p, int fds[2], char *buf)
{
	return buf && pipe(fds) == 0 && fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0 &&
	       plain_open(p, fds[1], buf, NULL) == 0;
}

TEST(plain_sink_stalled_pipe_drops_whole_lines)
{
	/* a reader that reads nothing: plain_event never blocks, the lines
	 * that find no room are dropped and counted, and what the pipe holds
	 * is whole lines, each as formatted */
	struct ior_event ev = sample();
	char *buf = malloc(PLAIN_BUF_BYTES), *got = malloc(8u << 20), line[1024];
	size_t line_len, n = 0, lines;
	struct plain p;
	int fds[2];
	bool whole;
	ssize_t r;

	CHECK(got != NULL && pipe_sink(&p, fds, buf));
	CHECK_EQ_INT(p.out, PLAIN_OUT_STREAM);
	CHECK(p.pipe && p.own_fd && p.fd != fds[1]);
	/* the pipe's own opening is untouched: its writers still block */
	CHECK_EQ_INT(fcntl(fds[1], F_GETFL) & O_NONBLOCK, 0);
	line_len = plain_format(line, sizeof(line), &ev);
	for (int i = 0; i < 40000; i++) {
		CHECK_EQ_INT(plain_event(&p, &ev), 0);
		ev.time_ns++;
	}
	CHECK_EQ_INT(plain_flush(&p), 1); /* lines wait for the reader */
	CHECK_EQ_UINT(p.printed, 40000);
	CHECK(plain_lost(&p) > 0 && p.written > 0);
	CHECK_EQ_UINT(p.line_out, 0);
	while ((r = read(fds[0], got + n, (8u << 20) - n)) > 0)
		n += (size_t)r;
	lines = whole_lines(got, n, &whole);
	CHECK(whole);
	CHECK_EQ_UINT(lines, p.written);
	CHECK_EQ_UINT(n, lines * line_len);
	/* the reader took them: the rest goes out */
	for (int more = 1; more;) {
		more = plain_flush(&p);
		CHECK(more == 0 || more == 1);
		r = read(fds[0], got, 8u << 20);
		CHECK(r > 0);
		lines += whole_lines(got, (size_t)r, &whole);
		CHECK(whole);
	}
	CHECK_EQ_UINT(lines, p.written);
	CHECK_EQ_UINT(p.written + plain_lost(&p), 40000);
	plain_close(&p);
	close(fds[0]);
	close(fds[1]);
	free(got);
	free(buf);
}

TEST(plain_sink_refuses_a_closed_or_read_only_stdout)
{
	char buf[16];
	struct plain p;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_EQ_INT(plain_open(&p, fd, buf, NULL), -EACCES);
	close(fd);
	CHECK_EQ_INT(plain_open(&p, fd, buf, NULL), -EBADF);
}

TEST(plain_sink_full_device_is_an_error)
{
	struct ior_event ev = sample();
	char *buf = malloc(PLAIN_BUF_BYTES);
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	struct plain p;

	CHECK(fd >= 0 && buf != NULL);
	CHECK_EQ_INT(plain_open(&p, fd, buf, NULL), 0);
	CHECK_EQ_INT(p.out, PLAIN_OUT_FILE);
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	CHECK_EQ_INT(plain_flush(&p), -ENOSPC);
	CHECK_EQ_INT(plain_event(&p, &ev), -ENOSPC);
	CHECK_EQ_UINT(plain_lost(&p), 3);
	plain_close(&p);
	/* with -path, only the lines that pass are printed, and lost */
	CHECK_EQ_INT(plain_open(&p, fd, buf, "/etc/passwd"), 0);
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = "/etc/group";
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	CHECK_EQ_INT(plain_flush(&p), -ENOSPC);
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	CHECK_EQ_UINT(p.printed, 1);
	CHECK_EQ_UINT(plain_lost(&p), 1);
	plain_close(&p);
	close(fd);
	free(buf);
}

TEST(plain_sink_cuts_a_file_back_to_whole_lines)
{
	/* a file size limit stops a write in the middle of a line, as a full
	 * disk does: the file keeps only whole lines, each counted written */
	struct ior_event ev = sample();
	char *buf = malloc(PLAIN_BUF_BYTES), *got;
	struct rlimit old, small;
	void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);
	FILE *f = tmpfile();
	size_t line_len, len = 0, lines;
	struct plain p;
	bool whole;
	int err;

	CHECK(f != NULL && buf != NULL);
	CHECK_EQ_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
	CHECK_EQ_INT(plain_open(&p, fileno(f), buf, NULL), 0);
	line_len = plain_format(buf, PLAIN_BUF_BYTES, &ev);
	for (int i = 0; i < 100; i++)
		CHECK_EQ_INT(plain_event(&p, &ev), 0);
	small = old;
	small.rlim_cur = 10 * line_len + line_len / 2;
	CHECK_EQ_INT(setrlimit(RLIMIT_FSIZE, &small), 0);
	err = plain_flush(&p);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_sig);
	CHECK_EQ_INT(err, -EFBIG);
	got = fd_contents(fileno(f), &len);
	CHECK(got != NULL);
	lines = whole_lines(got, len, &whole);
	free(got);
	CHECK(whole);
	CHECK_EQ_UINT(lines, 10);
	CHECK_EQ_UINT(len, 10 * line_len);
	CHECK_EQ_UINT(p.written, 10);
	CHECK_EQ_UINT(plain_lost(&p), 90);
	CHECK_EQ_UINT((size_t)lseek(fileno(f), 0, SEEK_CUR), len);
	plain_close(&p);
	fclose(f);
	free(buf);
}

TEST(plain_sink_slow_reader_gets_whole_lines_in_order)
{
	/* a reader that takes 64 KiB while 90 KiB of lines come: the buffer
	 * fills, goes on before its head, and drops what finds no room; the
	 * reader gets whole lines, none twice, in order */
	struct ior_event ev = sample();
	char *buf = malloc(PLAIN_BUF_BYTES), *got = malloc(1u << 20);
	unsigned long long last = 0, lines = 0;
	bool wrapped = false, ordered = true;
	struct plain p;
	int fds[2];

	CHECK(got != NULL && pipe_sink(&p, fds, buf));
	ev.time_ns = 1000000000;
	for (int round = 0; round < 400; round++) {
		ssize_t n;

		for (int i = 0; i < 600; i++) {
			ev.time_ns++;
			CHECK_EQ_INT(plain_event(&p, &ev), 0);
			wrapped |= p.wrapped;
		}
		CHECK(plain_flush(&p) >= 0);
		while ((n = read(fds[0], got, 1u << 20)) > 0) {
			CHECK_EQ_INT(got[n - 1], '\n');
			for (char *s = got; s < got + n; s = strchr(s, '\n') + 1) {
				unsigned long long t = strtoull(s, NULL, 10) * 1000000000ull +
						       strtoull(strchr(s, '.') + 1, NULL, 10);

				ordered &= t > last;
				last = t;
				lines++;
			}
		}
	}
	CHECK(wrapped);
	CHECK(ordered);
	CHECK(plain_lost(&p) > 0);
	CHECK_EQ_UINT(lines, p.written);
	CHECK_EQ_UINT(p.printed, 400 * 600);
	plain_close(&p);
	close(fds[0]);
	close(fds[1]);
	free(got);
	free(buf);
}

TEST(plain_sink_pipe_model_follows_the_kernel)
{
	/* lines of many lengths into a pipe whose reader takes a few KiB at a
	 * time: every write sized by the model of the pipe's pages goes in
	 * whole (one cut short would mark the model wrong), and the reader
	 * gets whole lines */
	struct ior_event ev = sample();
	size_t cap = 32u << 20, n = 0, lines;
	char *buf = malloc(PLAIN_BUF_BYTES), *got = malloc(cap), path[2600];
	unsigned busy = 0;
	struct plain p;
	int fds[2];
	bool whole;
	ssize_t r;

	CHECK(got != NULL && pipe_sink(&p, fds, buf));
	CHECK(p.pipe_model.pages >= 2);
	memset(path, 'a', sizeof(path));
	ev.path = path;
	ev.path_known = true;
	for (int round = 0; round < 600; round++) {
		int queued = 0;

		for (int i = 0; i < 30; i++) {
			ev.path_len = 10 + (uint32_t)(round * 7 + i * 13) % 2500;
			CHECK_EQ_INT(plain_event(&p, &ev), 0);
		}
		CHECK_EQ_INT(ioctl(fds[0], FIONREAD, &queued), 0);
		busy += queued > 0;
		CHECK(plain_flush(&p) >= 0);
		CHECK(p.pipe_model.valid);
		r = read(fds[0], got + n, 3000 + (size_t)(round * 101) % 20000);
		CHECK(r > 0);
		n += (size_t)r;
		CHECK(n + (1u << 20) < cap);
	}
	CHECK(busy > 100);
	while ((r = read(fds[0], got + n, cap - n)) > 0)
		n += (size_t)r;
	lines = whole_lines(got, n, &whole);
	CHECK(whole);
	CHECK_EQ_UINT(lines, p.written);
	plain_close(&p);
	close(fds[0]);
	close(fds[1]);
	free(got);
	free(buf);
}
