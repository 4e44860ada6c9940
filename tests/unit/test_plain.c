// SPDX-License-Identifier: GPL-2.0
/* Unit tests for plain.c: the exact -plain line for typical and hostile events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

TEST(plain_sink_path_filter)
{
	struct ior_event ev = sample();
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	struct plain p = { .out = f, .path_filter = "passwd" };

	CHECK(f != NULL);
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = "/etc/group";
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = NULL;
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	ev.path = "/x";
	ev.path2 = "/etc/passwd.new";
	CHECK_EQ_INT(plain_event(&p, &ev), 0);
	fclose(f);
	CHECK_EQ_UINT(p.printed, 2);
	CHECK(strstr(mem, "path=\"/etc/passwd\"") != NULL);
	CHECK(strstr(mem, "path2=\"/etc/passwd.new\"") != NULL);
	CHECK(strstr(mem, "/etc/group") == NULL);
	free(mem);
}
