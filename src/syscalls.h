/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of syscalls ior traces. Each line says how to decode one
 * syscall: its family (probe groups and summaries), the decoding kind bits
 * (ior.h) and which arguments hold the fd, a second fd, a path string and
 * its dirfd, a second path string and its dirfd, and flags (0..5, or N).
 * Adding a syscall is one line here.
 */
#ifndef IOR_SYSCALLS_H
#define IOR_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

#include "ior.h"

enum ior_family {
	IOR_FAM_OPEN, IOR_FAM_READ, IOR_FAM_WRITE, IOR_FAM_COPY, IOR_FAM_FD,
	IOR_FAM_FILE, IOR_FAM_SYNC, IOR_FAM_MMAP, IOR_FAM_STAT, IOR_FAM_DIR,
	IOR_FAM_NAME, IOR_FAM_ATTR, IOR_FAM_CWD, IOR_FAM_ASYNC,
	IOR_FAM_COUNT
};

#define N IOR_ARG_NONE
#define K_RETFD IOR_K_RET_FD
#define K_BYTES IOR_K_BYTES
#define K_BUMP IOR_K_BUMP

/* X(name, family, kind, fd, fd2, path, dirfd, path2, dirfd2, flags) */
#define IOR_SYSCALL_TABLE(X) \
	X(open,              OPEN,  K_RETFD,          N, N, 0, N, N, N, 1) \
	X(openat,            OPEN,  K_RETFD,          N, N, 1, 0, N, N, 2) \
	X(openat2,           OPEN,  K_RETFD | IOR_K_HOW_FLAGS, N, N, 1, 0, N, N, N) \
	X(creat,             OPEN,  K_RETFD | IOR_K_CREAT, N, N, 0, N, N, N, N) \
	X(open_by_handle_at, OPEN,  K_RETFD,          0, N, N, N, N, N, 2) \
	X(name_to_handle_at, OPEN,  0,                N, N, 1, 0, N, N, 4) \
	X(read,              READ,  K_BYTES,          0, N, N, N, N, N, N) \
	X(pread64,           READ,  K_BYTES,          0, N, N, N, N, N, N) \
	X(readv,             READ,  K_BYTES,          0, N, N, N, N, N, N) \
	X(preadv,            READ,  K_BYTES,          0, N, N, N, N, N, N) \
	X(preadv2,           READ,  K_BYTES,          0, N, N, N, N, N, 5) \
	X(write,             WRITE, K_BYTES,          0, N, N, N, N, N, N) \
	X(pwrite64,          WRITE, K_BYTES,          0, N, N, N, N, N, N) \
	X(writev,            WRITE, K_BYTES,          0, N, N, N, N, N, N) \
	X(pwritev,           WRITE, K_BYTES,          0, N, N, N, N, N, N) \
	X(pwritev2,          WRITE, K_BYTES,          0, N, N, N, N, N, 5) \
	X(sendfile,          COPY,  K_BYTES,          1, 0, N, N, N, N, N) \
	X(copy_file_range,   COPY,  K_BYTES,          0, 2, N, N, N, N, 5) \
	X(splice,            COPY,  K_BYTES,          0, 2, N, N, N, N, 5) \
	X(tee,               COPY,  K_BYTES,          0, 1, N, N, N, N, 3) \
	X(vmsplice,          COPY,  K_BYTES,          0, N, N, N, N, N, 3) \
	X(close,             FD,    IOR_K_CLOSE,               0, N, N, N, N, N, N) \
	X(close_range,       FD,    IOR_K_CLOSE,               N, N, N, N, N, N, 2) \
	X(dup,               FD,    K_RETFD,          0, N, N, N, N, N, N) \
	X(dup2,              FD,    K_RETFD,          0, N, N, N, N, N, N) \
	X(dup3,              FD,    K_RETFD,          0, N, N, N, N, N, 2) \
	X(fcntl,             FD,    IOR_K_FCNTL,      0, N, N, N, N, N, N) \
	X(lseek,             FILE,  0,                0, N, N, N, N, N, N) \
	X(ftruncate,         FILE,  0,                0, N, N, N, N, N, N) \
	X(truncate,          FILE,  0,                N, N, 0, N, N, N, N) \
	X(fallocate,         FILE,  0,                0, N, N, N, N, N, 1) \
	X(fadvise64,         FILE,  0,                0, N, N, N, N, N, N) \
	X(readahead,         FILE,  0,                0, N, N, N, N, N, N) \
	X(flock,             FILE,  0,                0, N, N, N, N, N, N) \
	X(ioctl,             FILE,  0,                0, N, N, N, N, N, N) \
	X(fsync,             SYNC,  0,                0, N, N, N, N, N, N) \
	X(fdatasync,         SYNC,  0,                0, N, N, N, N, N, N) \
	X(sync,              SYNC,  0,                N, N, N, N, N, N, N) \
	X(syncfs,            SYNC,  0,                0, N, N, N, N, N, N) \
	X(sync_file_range,   SYNC,  0,                0, N, N, N, N, N, 3) \
	X(mmap,              MMAP,  0,                4, N, N, N, N, N, 3) \
	X(msync,             MMAP,  0,                N, N, N, N, N, N, 2) \
	X(munmap,            MMAP,  0,                N, N, N, N, N, N, N) \
	X(stat,              STAT,  0,                N, N, 0, N, N, N, N) \
	X(lstat,             STAT,  0,                N, N, 0, N, N, N, N) \
	X(fstat,             STAT,  0,                0, N, N, N, N, N, N) \
	X(newfstatat,        STAT,  0,                N, N, 1, 0, N, N, 3) \
	X(statx,             STAT,  0,                N, N, 1, 0, N, N, 2) \
	X(statfs,            STAT,  0,                N, N, 0, N, N, N, N) \
	X(fstatfs,           STAT,  0,                0, N, N, N, N, N, N) \
	X(access,            STAT,  0,                N, N, 0, N, N, N, N) \
	X(faccessat,         STAT,  0,                N, N, 1, 0, N, N, N) \
	X(faccessat2,        STAT,  0,                N, N, 1, 0, N, N, 3) \
	X(readlink,          STAT,  0,                N, N, 0, N, N, N, N) \
	X(readlinkat,        STAT,  0,                N, N, 1, 0, N, N, N) \
	X(getdents,          DIR,   0,                0, N, N, N, N, N, N) \
	X(getdents64,        DIR,   0,                0, N, N, N, N, N, N) \
	X(mkdir,             NAME,  0,                N, N, 0, N, N, N, N) \
	X(mkdirat,           NAME,  0,                N, N, 1, 0, N, N, N) \
	X(rmdir,             NAME,  K_BUMP,           N, N, 0, N, N, N, N) \
	X(unlink,            NAME,  K_BUMP,           N, N, 0, N, N, N, N) \
	X(unlinkat,          NAME,  K_BUMP,           N, N, 1, 0, N, N, 2) \
	X(rename,            NAME,  K_BUMP,           N, N, 0, N, 1, N, N) \
	X(renameat,          NAME,  K_BUMP,           N, N, 1, 0, 3, 2, N) \
	X(renameat2,         NAME,  K_BUMP,           N, N, 1, 0, 3, 2, 4) \
	X(link,              NAME,  0,                N, N, 0, N, 1, N, N) \
	X(linkat,            NAME,  0,                N, N, 1, 0, 3, 2, 4) \
	X(symlink,           NAME,  IOR_K_PATH2_RAW,  N, N, 1, N, 0, N, N) \
	X(symlinkat,         NAME,  IOR_K_PATH2_RAW,  N, N, 2, 1, 0, N, N) \
	X(mknod,             NAME,  0,                N, N, 0, N, N, N, N) \
	X(mknodat,           NAME,  0,                N, N, 1, 0, N, N, N) \
	X(chmod,             ATTR,  0,                N, N, 0, N, N, N, N) \
	X(fchmod,            ATTR,  0,                0, N, N, N, N, N, N) \
	X(fchmodat,          ATTR,  0,                N, N, 1, 0, N, N, N) \
	X(chown,             ATTR,  0,                N, N, 0, N, N, N, N) \
	X(fchown,            ATTR,  0,                0, N, N, N, N, N, N) \
	X(lchown,            ATTR,  0,                N, N, 0, N, N, N, N) \
	X(fchownat,          ATTR,  0,                N, N, 1, 0, N, N, 4) \
	X(utime,             ATTR,  0,                N, N, 0, N, N, N, N) \
	X(utimes,            ATTR,  0,                N, N, 0, N, N, N, N) \
	X(futimesat,         ATTR,  0,                N, N, 1, 0, N, N, N) \
	X(utimensat,         ATTR,  0,                N, N, 1, 0, N, N, 3) \
	X(setxattr,          ATTR,  0,                N, N, 0, N, N, N, 4) \
	X(lsetxattr,         ATTR,  0,                N, N, 0, N, N, N, 4) \
	X(fsetxattr,         ATTR,  0,                0, N, N, N, N, N, 4) \
	X(getxattr,          ATTR,  K_BYTES,          N, N, 0, N, N, N, N) \
	X(lgetxattr,         ATTR,  K_BYTES,          N, N, 0, N, N, N, N) \
	X(fgetxattr,         ATTR,  K_BYTES,          0, N, N, N, N, N, N) \
	X(listxattr,         ATTR,  K_BYTES,          N, N, 0, N, N, N, N) \
	X(llistxattr,        ATTR,  K_BYTES,          N, N, 0, N, N, N, N) \
	X(flistxattr,        ATTR,  K_BYTES,          0, N, N, N, N, N, N) \
	X(removexattr,       ATTR,  0,                N, N, 0, N, N, N, N) \
	X(lremovexattr,      ATTR,  0,                N, N, 0, N, N, N, N) \
	X(fremovexattr,      ATTR,  0,                0, N, N, N, N, N, N) \
	X(chdir,             CWD,   IOR_K_CWD_RESULT, N, N, 0, N, N, N, N) \
	X(fchdir,            CWD,   0,                0, N, N, N, N, N, N) \
	X(getcwd,            CWD,   0,                N, N, N, N, N, N, N) \
	X(io_uring_setup,    ASYNC, K_RETFD,          N, N, N, N, N, N, N) \
	X(io_uring_enter,    ASYNC, 0,                0, N, N, N, N, N, 3) \
	X(io_uring_register, ASYNC, 0,                0, N, N, N, N, N, N) \
	X(io_setup,          ASYNC, 0,                N, N, N, N, N, N, N) \
	X(io_destroy,        ASYNC, 0,                N, N, N, N, N, N, N) \
	X(io_submit,         ASYNC, 0,                N, N, N, N, N, N, N) \
	X(io_getevents,      ASYNC, 0,                N, N, N, N, N, N, N) \
	X(io_pgetevents,     ASYNC, 0,                N, N, N, N, N, N, N) \
	X(io_cancel,         ASYNC, 0,                N, N, N, N, N, N, N)

/* Index of each syscall in the table: IOR_SC_read, IOR_SC_write, ... */
enum ior_sc {
#define IOR_SC_ENUM(name, fam, kind, fd, fd2, path, dirfd, path2, dirfd2, flags) IOR_SC_##name,
	IOR_SYSCALL_TABLE(IOR_SC_ENUM)
#undef IOR_SC_ENUM
	IOR_SC_COUNT
};

#undef N
#undef K_RETFD
#undef K_BYTES
#undef K_BUMP

struct ior_syscall {
	const char *name;
	int nr;                   /* this architecture's syscall number */
	enum ior_family family;
	struct ior_sc_desc desc;  /* decoding, as the BPF side reads it */
};

/* The table, indexed by enum ior_sc. */
extern const struct ior_syscall ior_syscalls[IOR_SC_COUNT];

/* Table index of syscall number nr, or -1 if ior does not trace it. */
int ior_syscall_by_nr(int nr);
/* Table index of the syscall named name, or -1. */
int ior_syscall_by_name(const char *name);
/* Name of a family ("open", "read", ...). */
const char *ior_family_name(enum ior_family family);

#endif /* IOR_SYSCALLS_H */
