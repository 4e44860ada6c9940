// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the syscall table (syscalls.h/.c): look-ups by name and
 * number agree with <sys/syscall.h> and with each other, unknown names and
 * numbers are refused, and every row fits what the BPF side can index.
 */
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>

#include "harness.h"
#include "syscalls.h"

static int arg_ok(unsigned idx)
{
	return idx <= 5 || idx == IOR_ARG_NONE;
}

TEST(syscalls_by_name_known)
{
	int i = ior_syscall_by_name("read");

	CHECK(i >= 0);
	CHECK_EQ_INT(ior_syscalls[i].nr, SYS_read);
	CHECK_EQ_STR(ior_syscalls[i].name, "read");
	CHECK_EQ_INT(i, IOR_SC_read);
	CHECK_EQ_INT(ior_syscalls[ior_syscall_by_name("openat")].nr, SYS_openat);
	CHECK_EQ_INT(ior_syscalls[ior_syscall_by_name("close")].nr, SYS_close);
	CHECK_EQ_INT(ior_syscalls[ior_syscall_by_name("renameat2")].nr, SYS_renameat2);
	CHECK_EQ_INT(ior_syscalls[ior_syscall_by_name("io_uring_enter")].nr,
		     SYS_io_uring_enter);
	CHECK_EQ_INT(ior_syscall_by_nr(SYS_write), IOR_SC_write);
	CHECK_EQ_INT(ior_syscall_by_nr(SYS_openat), IOR_SC_openat);
}

TEST(syscalls_by_name_unknown)
{
	CHECK_EQ_INT(ior_syscall_by_name(""), -1);
	CHECK_EQ_INT(ior_syscall_by_name("nosuchcall"), -1);
	CHECK_EQ_INT(ior_syscall_by_name("READ"), -1);
	CHECK_EQ_INT(ior_syscall_by_name("rea"), -1);
	CHECK_EQ_INT(ior_syscall_by_name("read "), -1);
	CHECK_EQ_INT(ior_syscall_by_name("sys_read"), -1);
	CHECK_EQ_INT(ior_syscall_by_name("getpid"), -1);
}

TEST(syscalls_by_nr_unknown)
{
	CHECK_EQ_INT(ior_syscall_by_nr(-1), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(IOR_MAX_SYSCALLS), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(512), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(100000), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(INT_MAX), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(INT_MIN), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(SYS_getpid), -1);
	CHECK_EQ_INT(ior_syscall_by_nr(SYS_exit_group), -1);
}

TEST(syscalls_roundtrip_every_row)
{
	for (int i = 0; i < IOR_SC_COUNT; i++) {
		CHECK(ior_syscalls[i].name != NULL);
		CHECK_EQ_INT(ior_syscall_by_nr(ior_syscalls[i].nr), i);
		CHECK_EQ_INT(ior_syscall_by_name(ior_syscalls[i].name), i);
	}
}

TEST(syscalls_numbers_in_range_and_distinct)
{
	static int owner[IOR_MAX_SYSCALLS];
	int in_table = 0;

	for (int nr = 0; nr < IOR_MAX_SYSCALLS; nr++)
		owner[nr] = -1;
	for (int i = 0; i < IOR_SC_COUNT; i++) {
		int nr = ior_syscalls[i].nr;

		CHECK(nr >= 0);
		CHECK(nr < IOR_MAX_SYSCALLS);
		CHECK_EQ_INT(owner[nr], -1);
		owner[nr] = i;
	}
	/* every number the table does not hold is refused */
	for (int nr = 0; nr < IOR_MAX_SYSCALLS; nr++) {
		CHECK_EQ_INT(ior_syscall_by_nr(nr), owner[nr]);
		in_table += owner[nr] >= 0;
	}
	CHECK_EQ_INT(in_table, IOR_SC_COUNT);
}

TEST(syscalls_names_distinct)
{
	for (int i = 0; i < IOR_SC_COUNT; i++)
		for (int j = i + 1; j < IOR_SC_COUNT; j++)
			CHECK(strcmp(ior_syscalls[i].name, ior_syscalls[j].name) != 0);
}

TEST(syscalls_argument_indexes)
{
	for (int i = 0; i < IOR_SC_COUNT; i++) {
		const struct ior_sc_desc *d = &ior_syscalls[i].desc;
		unsigned idx[] = { d->fd, d->fd2, d->path, d->dirfd, d->path2, d->dirfd2,
				   d->flags };
		unsigned seen = 0;

		for (size_t k = 0; k < sizeof(idx) / sizeof(idx[0]); k++) {
			CHECK(arg_ok(idx[k]));
			if (idx[k] == IOR_ARG_NONE)
				continue;
			/* no argument plays two roles in one row */
			CHECK_EQ_UINT(seen & (1u << idx[k]), 0);
			seen |= 1u << idx[k];
		}
		/* a base directory only makes sense with its path */
		CHECK(d->dirfd == IOR_ARG_NONE || d->path != IOR_ARG_NONE);
		CHECK(d->dirfd2 == IOR_ARG_NONE || d->path2 != IOR_ARG_NONE);
	}
}

TEST(syscalls_families)
{
	for (int i = 0; i < IOR_SC_COUNT; i++)
		CHECK((unsigned)ior_syscalls[i].family < IOR_FAM_COUNT);
	for (int f = 0; f < IOR_FAM_COUNT; f++) {
		CHECK(ior_family_name((enum ior_family)f) != NULL);
		CHECK(strcmp(ior_family_name((enum ior_family)f), "?") != 0);
	}
	CHECK_EQ_STR(ior_family_name(IOR_FAM_OPEN), "open");
	CHECK_EQ_STR(ior_family_name(IOR_FAM_ASYNC), "async");
	CHECK_EQ_STR(ior_family_name(IOR_FAM_COUNT), "?");
	CHECK_EQ_INT(ior_syscalls[IOR_SC_read].family, IOR_FAM_READ);
	CHECK_EQ_INT(ior_syscalls[IOR_SC_rename].family, IOR_FAM_NAME);
}
