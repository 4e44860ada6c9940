// SPDX-License-Identifier: GPL-2.0
/* The syscall table expanded for this architecture, and look-ups in it. */
#include <string.h>
#include <sys/syscall.h>

#include "syscalls.h"

#if !defined(__x86_64__)
#error "ior's syscall table is written for x86_64"
#endif

#define N IOR_ARG_NONE
#define K_RETFD IOR_K_RET_FD
#define K_BYTES IOR_K_BYTES
#define K_BUMP IOR_K_BUMP
/* the kind bits that follow from a family */
#define FAMILY_KIND(fam)                                                                    \
	((fam) == IOR_FAM_READ ? IOR_K_READS : (fam) == IOR_FAM_WRITE ? IOR_K_WRITES : 0)
const struct ior_syscall ior_syscalls[IOR_SC_COUNT] = {
#define IOR_SC_ROW(nm, fam, k, a_fd, a_fd2, a_path, a_dirfd, a_path2, a_dirfd2, a_flags) \
	[IOR_SC_##nm] = { .name = #nm, .nr = SYS_##nm, .family = IOR_FAM_##fam,            \
			  .desc = { .kind = (k) | FAMILY_KIND(IOR_FAM_##fam), .fd = a_fd, .fd2 = a_fd2, .path = a_path,  \
				    .dirfd = a_dirfd, .path2 = a_path2, .dirfd2 = a_dirfd2, \
				    .flags = a_flags } },
	IOR_SYSCALL_TABLE(IOR_SC_ROW)
#undef IOR_SC_ROW
};
#undef N
#undef K_RETFD
#undef K_BYTES
#undef K_BUMP
#undef FAMILY_KIND

static const char *const family_names[IOR_FAM_COUNT] = {
	[IOR_FAM_OPEN] = "open",   [IOR_FAM_READ] = "read", [IOR_FAM_WRITE] = "write",
	[IOR_FAM_COPY] = "copy",   [IOR_FAM_FD] = "fd",     [IOR_FAM_FILE] = "file",
	[IOR_FAM_SYNC] = "sync",   [IOR_FAM_MMAP] = "mmap", [IOR_FAM_STAT] = "stat",
	[IOR_FAM_DIR] = "dir",     [IOR_FAM_NAME] = "name", [IOR_FAM_ATTR] = "attr",
	[IOR_FAM_CWD] = "cwd",     [IOR_FAM_ASYNC] = "async",
};

int ior_syscall_by_nr(int nr)
{
	static short by_nr[IOR_MAX_SYSCALLS];
	static int ready;

	if (nr < 0 || nr >= IOR_MAX_SYSCALLS)
		return -1;
	if (!ready) {
		for (int i = 0; i < IOR_MAX_SYSCALLS; i++)
			by_nr[i] = -1;
		for (int i = 0; i < IOR_SC_COUNT; i++)
			by_nr[ior_syscalls[i].nr] = (short)i;
		ready = 1;
	}
	return by_nr[nr];
}

int ior_syscall_by_name(const char *name)
{
	for (int i = 0; i < IOR_SC_COUNT; i++)
		if (strcmp(ior_syscalls[i].name, name) == 0)
			return i;
	return -1;
}

const char *ior_family_name(enum ior_family family)
{
	return (unsigned)family < IOR_FAM_COUNT ? family_names[family] : "?";
}
