// SPDX-License-Identifier: GPL-2.0
/*
 * iowork: the scripted workload of ior's integration tests. It makes a fixed
 * sequence of file-I/O syscalls inside a fresh test directory, each one as a
 * raw syscall(2) so the kernel sees exactly the call named here, and after
 * each call appends to a log the record ior must print for it (JSON lines:
 * the ground truth tests/integration/run.py compares ior's output against).
 *
 * Usage: iowork DIR LOG PREOPEN_FD
 *   DIR         absolute, existing, empty directory; also the starting cwd
 *   LOG         log file, outside DIR (its own writes are not part of the test)
 *   PREOPEN_FD  an fd to DIR/preopened.txt opened before tracing started
 * (iowork --exec-child DIR LOG FD is how the script re-executes itself.)
 * Exit status: 7 when every step behaved as scripted, 2 when one did not
 * (the reason is on stderr), 1 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RWF_HIPRI
#define RWF_HIPRI 0x00000001
#endif
#ifndef RWF_DSYNC
#define RWF_DSYNC 0x00000002
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif

#define EXIT_SCRIPTED 7 /* every step behaved as scripted */
#define EXIT_BROKEN 2   /* a step did not: the test cannot be trusted */

#define NOFD LONG_MIN    /* the record's fd column is '-' */
#define NOFLAGS LONG_MIN /* the record's flags column is '-' */

/* Bytes ior reports for a call of the read/write/copy families. */
#define XFER(r) ((r) > 0 ? (r) : 0)

static const char *work_dir; /* DIR, absolute */
static const char *log_path;
static int log_fd = -1;
static const char *section = "setup";
static long log_seq;

/* Raw syscall, returning -errno on failure like the kernel does. */
static long raw_call(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);

	return r == -1 ? -(long)errno : r;
}

#define SC_ARGS(a, b, c, d, e, f, ...) (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f)
#define SC(nr, ...) raw_call((nr), SC_ARGS(__VA_ARGS__, 0, 0, 0, 0, 0, 0))

static void say(const char *msg)
{
	ssize_t unused = write(2, msg, strlen(msg));

	(void)unused;
}

/*
 * The log's last line: {"exit":N}, the status this process is about to exit
 * with, so the checker can tell ior's exit status from the workload's.
 */
static void log_exit(int status)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "{\"exit\":%d,\"pid\":%d}\n", status, (int)getpid());
	ssize_t unused = write(log_fd, line, (size_t)n);

	(void)unused;
}

/* A step did not behave as scripted: say which and stop with EXIT_BROKEN. */
static void need(int ok, const char *what, long got)
{
	char msg[512];

	if (ok)
		return;
	snprintf(msg, sizeof(msg), "iowork: [%s] %s: unexpected result %ld\n", section, what, got);
	say(msg);
	log_exit(EXIT_BROKEN);
	_exit(EXIT_BROKEN);
}

/* need() for a libc call that sets errno: ok is computed before errno is read. */
static void need_sys(int ok, const char *what)
{
	need(ok, what, ok ? 0 : errno);
}

/*
 * DIR/rel, in a bump arena that is never reused: the strings stay valid for
 * the whole run, shared by threads, and cost no syscall.
 */
static const char *in_dir(const char *rel)
{
	static char arena[1 << 20];
	static size_t used;
	size_t len = strlen(work_dir) + 1 + strlen(rel) + 1;
	size_t at = __atomic_fetch_add(&used, len, __ATOMIC_RELAXED);

	need(at + len <= sizeof(arena), "in_dir arena exhausted", (long)at);
	if (*rel)
		snprintf(arena + at, len, "%s/%s", work_dir, rel);
	else
		snprintf(arena + at, len, "%s", work_dir);
	return arena + at;
}

static size_t put_hex(char *out, size_t room, const char *s)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && n + 3 < room; p++) {
		out[n++] = digits[*p >> 4];
		out[n++] = digits[*p & 15];
	}
	out[n] = '\0';
	return n;
}

/*
 * Logs the record ior must print for the call just made by this thread.
 * Paths go into the log as hex of their raw bytes: the checker escapes them
 * itself as the -plain contract says, so non-UTF-8 names survive JSON.
 */
static void expect(const char *sc, long fd, long ret, long bytes, long flags, const char *path,
		   const char *path2)
{
	char line[3 * PATH_MAX + 512], fdbuf[32], flagsbuf[32], p1[2 * PATH_MAX + 8],
		p2[2 * PATH_MAX + 8];
	long seq = __atomic_fetch_add(&log_seq, 1, __ATOMIC_RELAXED);
	int n;

	if (fd == NOFD)
		snprintf(fdbuf, sizeof(fdbuf), "null");
	else
		snprintf(fdbuf, sizeof(fdbuf), "%ld", fd);
	if (flags == NOFLAGS)
		snprintf(flagsbuf, sizeof(flagsbuf), "null");
	else
		snprintf(flagsbuf, sizeof(flagsbuf), "\"0x%x\"", (unsigned int)flags);
	if (path) {
		p1[0] = '"';
		put_hex(p1 + 1, sizeof(p1) - 2, path);
		strcat(p1, "\"");
	} else {
		snprintf(p1, sizeof(p1), "null");
	}
	if (path2) {
		p2[0] = '"';
		put_hex(p2 + 1, sizeof(p2) - 2, path2);
		strcat(p2, "\"");
	} else {
		snprintf(p2, sizeof(p2), "null");
	}
	n = snprintf(line, sizeof(line),
		     "{\"sec\":\"%s\",\"seq\":%ld,\"sc\":\"%s\",\"pid\":%d,\"tid\":%ld,\"fd\":%s,"
		     "\"ret\":%ld,\"bytes\":%ld,\"flags\":%s,\"path\":%s,\"path2\":%s}\n",
		     section, seq, sc, (int)getpid(), (long)syscall(SYS_gettid), fdbuf, ret, bytes,
		     flagsbuf, p1, p2);
	need(n > 0 && (size_t)n < sizeof(line), "log line too long", n);
	need_sys(write(log_fd, line, (size_t)n) == n, "log write");
}

/* "pipe:[INO]" / "socket:[INO]" for fd, from fstat (the fstat is itself logged). */
static const char *anon_name(int fd, const char *kind)
{
	static _Thread_local char buf[4][64];
	static _Thread_local unsigned int next;
	char *out = buf[next++ % 4];
	struct stat st;
	long r = SC(SYS_fstat, fd, &st);

	need(r == 0, "fstat of pipe/socket", r);
	snprintf(out, 64, "%s:[%lu]", kind, (unsigned long)st.st_ino);
	expect("fstat", fd, r, 0, NOFLAGS, out, NULL);
	return out;
}

/*
 * The kernel's own name for fd, as readlink of /proc/self/fd/N gives it: the
 * ground truth for anonymous inodes and deleted files. (The readlink is
 * traced too, but its path is outside DIR and it is not logged.)
 */
static const char *proc_fd_name(int fd)
{
	static _Thread_local char buf[4][PATH_MAX];
	static _Thread_local unsigned int next;
	char *out = buf[next++ % 4], link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, PATH_MAX - 1);
	need(n > 0, "readlink /proc/self/fd", n);
	out[n] = '\0';
	return out;
}

/* ---- helpers for the most frequent calls: call, log, return ---------- */

static long do_openat(int dirfd, const char *rel, int flags, int mode, const char *want)
{
	long r = SC(SYS_openat, dirfd, rel, flags, mode);

	expect("openat", r >= 0 ? r : NOFD, r, 0, flags, want, NULL);
	return r;
}

static int open_ok(int dirfd, const char *rel, int flags, const char *want)
{
	long r = do_openat(dirfd, rel, flags, 0644, want);

	need(r >= 0, rel, r);
	return (int)r;
}

static long do_write(int fd, const char *data, const char *want)
{
	long r = SC(SYS_write, fd, data, strlen(data));

	expect("write", fd, r, XFER(r), NOFLAGS, want, NULL);
	return r;
}

static void write_ok(int fd, const char *data, const char *want)
{
	long r = do_write(fd, data, want);

	need(r == (long)strlen(data), "write", r);
}

static long do_read(int fd, void *buf, size_t len, const char *want)
{
	long r = SC(SYS_read, fd, buf, len);

	expect("read", fd, r, XFER(r), NOFLAGS, want, NULL);
	return r;
}

static void close_ok(int fd, const char *want)
{
	long r = SC(SYS_close, fd);

	expect("close", fd, r, 0, NOFLAGS, want, NULL);
	need(r == 0, "close", r);
}

/* A path-only call (stat, access, mkdir, unlink, ...): fd '-', flags '-'. */
static long path_call(const char *name, long r, const char *want)
{
	expect(name, NOFD, r, 0, NOFLAGS, want, NULL);
	return r;
}

/* ---- the script ------------------------------------------------------ */

static int dir_fd, sub_fd; /* DIR and DIR/sub, opened O_DIRECTORY */

static void script_open(void)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH };
	char buf[64];
	long r;
	int fd;

	section = "open";
	dir_fd = open_ok(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, in_dir(""));
	need(path_call("mkdir", SC(SYS_mkdir, "sub", 0755), in_dir("sub")) == 0, "mkdir sub", 0);
	sub_fd = open_ok(dir_fd, "sub", O_RDONLY | O_DIRECTORY, in_dir("sub"));

	fd = open_ok(AT_FDCWD, "a.txt", O_CREAT | O_WRONLY | O_TRUNC, in_dir("a.txt"));
	write_ok(fd, "hello world\n", in_dir("a.txt"));
	close_ok(fd, in_dir("a.txt"));

	/* legacy open(2) with a path that is not normalised */
	r = SC(SYS_open, "sub/../a.txt", O_RDONLY);
	expect("open", r >= 0 ? r : NOFD, r, 0, O_RDONLY, in_dir("a.txt"), NULL);
	need(r >= 0, "open sub/../a.txt", r);
	fd = (int)r;
	need(do_read(fd, buf, sizeof(buf), in_dir("a.txt")) == 12, "read a.txt", 0);
	close_ok(fd, in_dir("a.txt"));

	/* openat2 relative to a dirfd: flags come from struct open_how */
	r = SC(SYS_openat2, dir_fd, "a.txt", &how, sizeof(how));
	expect("openat2", r >= 0 ? r : NOFD, r, 0, O_RDONLY | O_CLOEXEC, in_dir("a.txt"), NULL);
	need(r >= 0, "openat2", r);
	close_ok((int)r, in_dir("a.txt"));

	/* creat: the flags ior reports are the implied O_CREAT|O_WRONLY|O_TRUNC */
	r = SC(SYS_creat, "c.txt", 0644);
	expect("creat", r >= 0 ? r : NOFD, r, 0, 0x241, in_dir("c.txt"), NULL);
	need(r >= 0, "creat", r);
	write_ok((int)r, "ccc", in_dir("c.txt"));
	close_ok((int)r, in_dir("c.txt"));

	/* relative to a dirfd */
	fd = open_ok(sub_fd, "rel.txt", O_CREAT | O_RDWR, in_dir("sub/rel.txt"));
	write_ok(fd, "relative\n", in_dir("sub/rel.txt"));
	close_ok(fd, in_dir("sub/rel.txt"));

	/* failures: fd '-', path = the argument made absolute and normalised */
	r = do_openat(AT_FDCWD, "nothere/./x/../missing.txt", O_RDONLY, 0,
		      in_dir("nothere/missing.txt"));
	need(r == -ENOENT, "openat missing", r);
	r = do_openat(sub_fd, "../missing2.txt", O_RDONLY, 0, in_dir("missing2.txt"));
	need(r == -ENOENT, "openat ../missing2", r);
	r = do_openat(AT_FDCWD, "sub//deeper/", O_RDONLY, 0, in_dir("sub/deeper"));
	need(r == -ENOENT, "openat sub//deeper/", r);
	r = SC(SYS_open, "/nonexistent-ior-test/y", O_RDONLY);
	expect("open", NOFD, r, 0, O_RDONLY, "/nonexistent-ior-test/y", NULL);
	need(r == -ENOENT, "open /nonexistent", r);
}

static void script_rw(void)
{
	const char *path = in_dir("rw.bin");
	char buf[256], b1[4], b2[6];
	struct iovec iov[2];
	long r;
	int fd, ro;

	section = "rw";
	fd = open_ok(AT_FDCWD, "rw.bin", O_CREAT | O_RDWR | O_TRUNC, path);
	write_ok(fd, "0123456789", path);

	r = SC(SYS_pwrite64, fd, "ABCDEFGHIJ", 10, 10);
	expect("pwrite64", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 10, "pwrite64", r);
	r = SC(SYS_pread64, fd, buf, 5, 3);
	expect("pread64", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 5, "pread64", r);

	iov[0] = (struct iovec){ .iov_base = (void *)"ab", .iov_len = 2 };
	iov[1] = (struct iovec){ .iov_base = (void *)"cdefg", .iov_len = 5 };
	r = SC(SYS_writev, fd, iov, 2);
	expect("writev", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 7, "writev", r);

	r = SC(SYS_pwritev, fd, iov, 2, 40, 0);
	expect("pwritev", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 7, "pwritev", r);

	r = SC(SYS_pwritev2, fd, iov, 2, 60, 0, RWF_DSYNC);
	expect("pwritev2", fd, r, XFER(r), RWF_DSYNC, path, NULL);
	need(r == 7, "pwritev2", r);

	r = SC(SYS_lseek, fd, 0, SEEK_SET);
	expect("lseek", fd, r, 0, NOFLAGS, path, NULL);
	need(r == 0, "lseek", r);

	iov[0] = (struct iovec){ .iov_base = b1, .iov_len = sizeof(b1) };
	iov[1] = (struct iovec){ .iov_base = b2, .iov_len = sizeof(b2) };
	r = SC(SYS_readv, fd, iov, 2);
	expect("readv", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 10, "readv", r);

	r = SC(SYS_preadv, fd, iov, 2, 20, 0);
	expect("preadv", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 10, "preadv", r);

	/* RWF_HIPRI is accepted (and ignored) for buffered reads */
	r = SC(SYS_preadv2, fd, iov, 2, 60, 0, RWF_HIPRI);
	expect("preadv2", fd, r, XFER(r), RWF_HIPRI, path, NULL);
	need(r == 7, "preadv2", r);

	r = SC(SYS_lseek, fd, 0, SEEK_END);
	expect("lseek", fd, r, 0, NOFLAGS, path, NULL);
	need(r == 67, "lseek end", r);
	r = do_read(fd, buf, sizeof(buf), path); /* at EOF: ret 0, bytes 0 */
	need(r == 0, "read at EOF", r);
	close_ok(fd, path);

	/* a failing call on a valid fd still names the file */
	ro = open_ok(AT_FDCWD, "rw.bin", O_RDONLY, path);
	r = do_write(ro, "nope", path);
	need(r == -EBADF, "write to O_RDONLY fd", r);
	close_ok(ro, path);

	/* a failing call on an fd that is not open: fd 999, no path */
	r = do_read(999, buf, 1, NULL);
	need(r == -EBADF, "read fd 999", r);
	r = SC(SYS_close, 999);
	expect("close", 999, r, 0, NOFLAGS, NULL, NULL);
	need(r == -EBADF, "close fd 999", r);
}

static void script_fd(int preopen_fd)
{
	const char *pre = in_dir("preopened.txt"), *out = in_dir("stdout.txt");
	const char *rpath;
	char buf[64];
	long r, flags;
	int fd, fd2, n, high;

	section = "fd";
	/* an fd opened by the test driver before ior started */
	write_ok(preopen_fd, "written through a pre-opened fd\n", pre);
	r = SC(SYS_pread64, preopen_fd, buf, 7, 0);
	expect("pread64", preopen_fd, r, XFER(r), NOFLAGS, pre, NULL);
	need(r == 7, "pread64 preopen", r);

	/* stdout redirected to a file: fd 1 must now resolve to that file */
	fd = open_ok(AT_FDCWD, "stdout.txt", O_CREAT | O_WRONLY | O_TRUNC, out);
	r = SC(SYS_dup2, fd, 1);
	expect("dup2", r >= 0 ? r : NOFD, r, 0, NOFLAGS, out, NULL);
	need(r == 1, "dup2 to stdout", r);
	write_ok(1, "to stdout\n", out);

	r = SC(SYS_dup, fd);
	expect("dup", r >= 0 ? r : NOFD, r, 0, NOFLAGS, out, NULL);
	need(r >= 0, "dup", r);
	write_ok((int)r, "via dup\n", out);
	close_ok((int)r, out);

	r = SC(SYS_dup3, fd, 60, O_CLOEXEC);
	expect("dup3", r >= 0 ? r : NOFD, r, 0, O_CLOEXEC, out, NULL);
	need(r == 60, "dup3", r);
	write_ok(60, "via dup3\n", out);
	close_ok(60, out);

	r = SC(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 50);
	expect("fcntl", r >= 0 ? r : NOFD, r, 0, NOFLAGS, out, NULL);
	need(r >= 50, "fcntl F_DUPFD_CLOEXEC", r);
	fd2 = (int)r;
	write_ok(fd2, "via F_DUPFD_CLOEXEC\n", out);
	close_ok(fd2, out);

	flags = SC(SYS_fcntl, fd, F_GETFL);
	expect("fcntl", fd, flags, 0, NOFLAGS, out, NULL);
	need(flags >= 0, "fcntl F_GETFL", flags);
	close_ok(fd, out);

	/* close_range: first only marks close-on-exec, then closes 100..102 */
	fd = open_ok(AT_FDCWD, "range.txt", O_CREAT | O_WRONLY, in_dir("range.txt"));
	for (n = 100; n <= 102; n++) {
		r = SC(SYS_dup2, fd, n);
		expect("dup2", r >= 0 ? r : NOFD, r, 0, NOFLAGS, in_dir("range.txt"), NULL);
		need(r == n, "dup2 range", r);
	}
	close_ok(fd, in_dir("range.txt"));
	r = SC(SYS_close_range, 100, 102, CLOSE_RANGE_CLOEXEC);
	expect("close_range", NOFD, r, 0, CLOSE_RANGE_CLOEXEC, NULL, NULL);
	need(r == 0, "close_range cloexec", r);
	write_ok(101, "still open\n", in_dir("range.txt"));
	r = SC(SYS_close_range, 100, 102, 0);
	expect("close_range", NOFD, r, 0, 0, NULL, NULL);
	need(r == 0, "close_range", r);
	/* 100 now names another file */
	fd = open_ok(AT_FDCWD, "after-range.txt", O_CREAT | O_WRONLY, in_dir("after-range.txt"));
	r = SC(SYS_dup2, fd, 100);
	expect("dup2", r >= 0 ? r : NOFD, r, 0, NOFLAGS, in_dir("after-range.txt"), NULL);
	need(r == 100, "dup2 100", r);
	close_ok(fd, in_dir("after-range.txt"));
	write_ok(100, "fd 100 reused\n", in_dir("after-range.txt"));
	close_ok(100, in_dir("after-range.txt"));

	/* fd reuse: the same number, another file */
	fd = open_ok(AT_FDCWD, "reuse1.txt", O_CREAT | O_WRONLY, in_dir("reuse1.txt"));
	write_ok(fd, "first\n", in_dir("reuse1.txt"));
	close_ok(fd, in_dir("reuse1.txt"));
	fd2 = open_ok(AT_FDCWD, "reuse2.txt", O_CREAT | O_WRONLY, in_dir("reuse2.txt"));
	need(fd2 == fd, "fd number reused", fd2);
	write_ok(fd2, "second\n", in_dir("reuse2.txt"));
	close_ok(fd2, in_dir("reuse2.txt"));

	/* a file unlinked while open */
	fd = open_ok(AT_FDCWD, "gone.txt", O_CREAT | O_RDWR, in_dir("gone.txt"));
	write_ok(fd, "before unlink\n", in_dir("gone.txt"));
	need(path_call("unlink", SC(SYS_unlink, "gone.txt"), in_dir("gone.txt")) == 0, "unlink", 0);
	{
		char gone[PATH_MAX + 16];

		snprintf(gone, sizeof(gone), "%s (deleted)", in_dir("gone.txt"));
		write_ok(fd, "after unlink\n", gone);
		close_ok(fd, gone);
	}

	/* a file renamed while open: later calls show the new name */
	fd = open_ok(AT_FDCWD, "old.txt", O_CREAT | O_RDWR, in_dir("old.txt"));
	write_ok(fd, "old name\n", in_dir("old.txt"));
	r = SC(SYS_rename, "old.txt", "new.txt");
	expect("rename", NOFD, r, 0, NOFLAGS, in_dir("old.txt"), in_dir("new.txt"));
	need(r == 0, "rename old new", r);
	rpath = in_dir("new.txt");
	write_ok(fd, "new name\n", rpath);

	/* a 64-bit return value */
	r = SC(SYS_lseek, fd, 5L << 30, SEEK_SET);
	expect("lseek", fd, r, 0, NOFLAGS, rpath, NULL);
	need(r == 5L << 30, "lseek 5 GiB", r);

	/* an fd number far past the first fd table (it grows on demand) */
	{
		struct rlimit lim;

		need(getrlimit(RLIMIT_NOFILE, &lim) == 0, "getrlimit NOFILE", 0);
		lim.rlim_cur = lim.rlim_max;
		need(setrlimit(RLIMIT_NOFILE, &lim) == 0, "setrlimit NOFILE", 0);
		high = lim.rlim_max > 65001 ? 65000 : (int)lim.rlim_max - 1;
		need(high >= 1000, "NOFILE hard limit below 1001", high);
	}
	r = SC(SYS_dup2, fd, high);
	expect("dup2", r >= 0 ? r : NOFD, r, 0, NOFLAGS, rpath, NULL);
	need(r == high, "dup2 high", r);
	r = SC(SYS_pwrite64, high, "high fd\n", 8, 0);
	expect("pwrite64", high, r, XFER(r), NOFLAGS, rpath, NULL);
	need(r == 8, "pwrite64 high fd", r);
	close_ok(high, rpath);
	close_ok(fd, rpath);
}

static void script_meta(void)
{
	const char *a = in_dir("a.txt");
	struct statx stx;
	struct stat st;
	struct statfs sfs;
	char buf[256];
	long r;
	int fd;

	section = "meta";
	r = SC(SYS_newfstatat, AT_FDCWD, "a.txt", &st, 0);
	expect("newfstatat", NOFD, r, 0, 0, a, NULL);
	need(r == 0, "newfstatat", r);
	r = SC(SYS_newfstatat, sub_fd, "rel.txt", &st, AT_SYMLINK_NOFOLLOW);
	expect("newfstatat", NOFD, r, 0, AT_SYMLINK_NOFOLLOW, in_dir("sub/rel.txt"), NULL);
	need(r == 0, "newfstatat dirfd", r);
	r = SC(SYS_newfstatat, AT_FDCWD, "no/such", &st, 0);
	expect("newfstatat", NOFD, r, 0, 0, in_dir("no/such"), NULL);
	need(r == -ENOENT, "newfstatat missing", r);

	fd = open_ok(AT_FDCWD, "a.txt", O_RDWR, a);
	r = SC(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);
	expect("newfstatat", fd, r, 0, AT_EMPTY_PATH, a, NULL);
	need(r == 0, "newfstatat AT_EMPTY_PATH", r);
	r = SC(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
	expect("statx", fd, r, 0, AT_EMPTY_PATH, a, NULL);
	need(r == 0, "statx AT_EMPTY_PATH", r);
	r = SC(SYS_statx, AT_FDCWD, "sub/rel.txt", 0, STATX_SIZE, &stx);
	expect("statx", NOFD, r, 0, 0, in_dir("sub/rel.txt"), NULL);
	need(r == 0, "statx path", r);

	need(path_call("stat", SC(SYS_stat, "a.txt", &st), a) == 0, "stat", 0);
	need(path_call("lstat", SC(SYS_lstat, "./a.txt", &st), a) == 0, "lstat", 0);
	r = SC(SYS_fstat, fd, &st);
	expect("fstat", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "fstat", r);
	need(path_call("statfs", SC(SYS_statfs, ".", &sfs), in_dir("")) == 0, "statfs", 0);
	r = SC(SYS_fstatfs, fd, &sfs);
	expect("fstatfs", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "fstatfs", r);

	need(path_call("access", SC(SYS_access, "a.txt", R_OK), a) == 0, "access", 0);
	r = path_call("access", SC(SYS_access, "missing", R_OK), in_dir("missing"));
	need(r == -ENOENT, "access missing", r);
	r = SC(SYS_faccessat, sub_fd, "rel.txt", R_OK);
	expect("faccessat", NOFD, r, 0, NOFLAGS, in_dir("sub/rel.txt"), NULL);
	need(r == 0, "faccessat", r);
	r = SC(SYS_faccessat2, AT_FDCWD, "a.txt", R_OK, AT_EACCESS);
	expect("faccessat2", NOFD, r, 0, AT_EACCESS, a, NULL);
	need(r == 0, "faccessat2", r);

	need(path_call("truncate", SC(SYS_truncate, "a.txt", 100), a) == 0, "truncate", 0);
	r = SC(SYS_ftruncate, fd, 50);
	expect("ftruncate", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "ftruncate", r);
	r = SC(SYS_fallocate, fd, 0, 0, 8192);
	expect("fallocate", fd, r, 0, 0, a, NULL);
	need(r == 0, "fallocate", r);
	r = SC(SYS_fsync, fd);
	expect("fsync", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "fsync", r);
	r = SC(SYS_fdatasync, fd);
	expect("fdatasync", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "fdatasync", r);
	r = SC(SYS_syncfs, fd);
	expect("syncfs", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "syncfs", r);
	r = SC(SYS_flock, fd, LOCK_EX);
	expect("flock", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "flock", r);
	r = SC(SYS_flock, fd, LOCK_UN);
	expect("flock", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "flock un", r);

	need(path_call("chmod", SC(SYS_chmod, "a.txt", 0600), a) == 0, "chmod", 0);
	r = SC(SYS_fchmod, fd, 0644);
	expect("fchmod", fd, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "fchmod", r);
	r = SC(SYS_fchmodat, dir_fd, "a.txt", 0640);
	expect("fchmodat", NOFD, r, 0, NOFLAGS, a, NULL);
	need(r == 0, "fchmodat", r);
	r = SC(SYS_utimensat, AT_FDCWD, "a.txt", NULL, 0);
	expect("utimensat", NOFD, r, 0, 0, a, NULL);
	need(r == 0, "utimensat", r);

	/* xattrs: whatever the file system answers is what ior must report */
	r = SC(SYS_setxattr, "a.txt", "user.ior", "v1", 2, 0);
	expect("setxattr", NOFD, r, 0, 0, a, NULL);
	r = SC(SYS_getxattr, "a.txt", "user.ior", buf, sizeof(buf));
	expect("getxattr", NOFD, r, XFER(r), NOFLAGS, a, NULL);
	r = SC(SYS_fgetxattr, fd, "user.ior", buf, sizeof(buf));
	expect("fgetxattr", fd, r, XFER(r), NOFLAGS, a, NULL);
	r = SC(SYS_listxattr, "a.txt", buf, sizeof(buf));
	expect("listxattr", NOFD, r, XFER(r), NOFLAGS, a, NULL);
	r = SC(SYS_removexattr, "a.txt", "user.ior");
	expect("removexattr", NOFD, r, 0, NOFLAGS, a, NULL);
	close_ok(fd, a);
}

static void script_names(void)
{
	char buf[256];
	long r;

	section = "names";
	need(path_call("mkdir", SC(SYS_mkdir, "d1", 0755), in_dir("d1")) == 0, "mkdir d1", 0);
	r = SC(SYS_mkdirat, dir_fd, "d2", 0755);
	expect("mkdirat", NOFD, r, 0, NOFLAGS, in_dir("d2"), NULL);
	need(r == 0, "mkdirat", r);
	need(path_call("rmdir", SC(SYS_rmdir, "d1"), in_dir("d1")) == 0, "rmdir", 0);
	r = SC(SYS_unlinkat, AT_FDCWD, "d2", AT_REMOVEDIR);
	expect("unlinkat", NOFD, r, 0, AT_REMOVEDIR, in_dir("d2"), NULL);
	need(r == 0, "unlinkat dir", r);
	r = path_call("mkdir", SC(SYS_mkdir, "a.txt", 0755), in_dir("a.txt"));
	need(r == -EEXIST, "mkdir existing", r);

	r = path_call("mknod", SC(SYS_mknod, "fifo", S_IFIFO | 0600, 0), in_dir("fifo"));
	need(r == 0, "mknod", r);
	need(path_call("unlink", SC(SYS_unlink, "fifo"), in_dir("fifo")) == 0, "unlink fifo", 0);

	r = SC(SYS_rename, "c.txt", "c2.txt");
	expect("rename", NOFD, r, 0, NOFLAGS, in_dir("c.txt"), in_dir("c2.txt"));
	need(r == 0, "rename", r);
	r = SC(SYS_renameat, dir_fd, "c2.txt", sub_fd, "c3.txt");
	expect("renameat", NOFD, r, 0, NOFLAGS, in_dir("c2.txt"), in_dir("sub/c3.txt"));
	need(r == 0, "renameat", r);
	r = SC(SYS_renameat2, sub_fd, "c3.txt", dir_fd, "c4.txt", RENAME_NOREPLACE);
	expect("renameat2", NOFD, r, 0, RENAME_NOREPLACE, in_dir("sub/c3.txt"), in_dir("c4.txt"));
	need(r == 0, "renameat2", r);
	r = SC(SYS_renameat2, AT_FDCWD, "c4.txt", AT_FDCWD, "a.txt", RENAME_NOREPLACE);
	expect("renameat2", NOFD, r, 0, RENAME_NOREPLACE, in_dir("c4.txt"), in_dir("a.txt"));
	need(r == -EEXIST, "renameat2 noreplace", r);
	r = SC(SYS_rename, "missing", "x");
	expect("rename", NOFD, r, 0, NOFLAGS, in_dir("missing"), in_dir("x"));
	need(r == -ENOENT, "rename missing", r);

	r = SC(SYS_link, "c4.txt", "c4.link");
	expect("link", NOFD, r, 0, NOFLAGS, in_dir("c4.txt"), in_dir("c4.link"));
	need(r == 0, "link", r);
	r = SC(SYS_linkat, dir_fd, "c4.txt", sub_fd, "c4.link2", 0);
	expect("linkat", NOFD, r, 0, 0, in_dir("c4.txt"), in_dir("sub/c4.link2"));
	need(r == 0, "linkat", r);
	/* symlink: path is the link made absolute, path2 the target as given */
	r = SC(SYS_symlink, "c4.txt", "c4.sym");
	expect("symlink", NOFD, r, 0, NOFLAGS, in_dir("c4.sym"), "c4.txt");
	need(r == 0, "symlink", r);
	r = SC(SYS_symlinkat, "../c4.txt", sub_fd, "s2");
	expect("symlinkat", NOFD, r, 0, NOFLAGS, in_dir("sub/s2"), "../c4.txt");
	need(r == 0, "symlinkat", r);
	r = path_call("readlink", SC(SYS_readlink, "c4.sym", buf, sizeof(buf)), in_dir("c4.sym"));
	need(r == 6, "readlink", r);
	r = SC(SYS_readlinkat, sub_fd, "s2", buf, sizeof(buf));
	expect("readlinkat", NOFD, r, 0, NOFLAGS, in_dir("sub/s2"), NULL);
	need(r == 9, "readlinkat", r);
	need(path_call("unlink", SC(SYS_unlink, "c4.link"), in_dir("c4.link")) == 0, "unlink", 0);
	r = SC(SYS_unlinkat, sub_fd, "c4.link2", 0);
	expect("unlinkat", NOFD, r, 0, 0, in_dir("sub/c4.link2"), NULL);
	need(r == 0, "unlinkat", r);
}

static void script_copy(void)
{
	const char *src = in_dir("src.bin"), *dst = in_dir("dst.bin");
	const char *p1, *p2;
	char data[200], buf[64];
	int in, out, pa[2], pb[2];
	long r;
	loff_t off_in = 0, off_out = 0;
	off_t off = 0;

	section = "copy";
	memset(data, 'z', sizeof(data) - 1);
	data[sizeof(data) - 1] = '\0';
	in = open_ok(AT_FDCWD, "src.bin", O_CREAT | O_RDWR | O_TRUNC, src);
	write_ok(in, data, src);
	out = open_ok(AT_FDCWD, "dst.bin", O_CREAT | O_RDWR | O_TRUNC, dst);

	r = SC(SYS_copy_file_range, in, &off_in, out, &off_out, 100, 0);
	expect("copy_file_range", in, r, XFER(r), 0, src, dst);
	need(r == 100, "copy_file_range", r);

	/* sendfile(out, in): fd and path are the input, path2 the output */
	r = SC(SYS_sendfile, out, in, &off, 50);
	expect("sendfile", in, r, XFER(r), NOFLAGS, src, dst);
	need(r == 50, "sendfile", r);

	need_sys(pipe2(pa, 0) == 0 && pipe2(pb, 0) == 0, "pipe2");
	p1 = anon_name(pa[0], "pipe");
	p2 = anon_name(pb[1], "pipe");
	off_in = 0;
	r = SC(SYS_splice, in, &off_in, pa[1], NULL, 64, 0);
	expect("splice", in, r, XFER(r), 0, src, p1);
	need(r == 64, "splice file->pipe", r);
	r = SC(SYS_tee, pa[0], pb[1], 16, SPLICE_F_NONBLOCK);
	expect("tee", pa[0], r, XFER(r), SPLICE_F_NONBLOCK, p1, p2);
	need(r == 16, "tee", r);
	off_out = 300;
	r = SC(SYS_splice, pa[0], NULL, out, &off_out, 64, 0);
	expect("splice", pa[0], r, XFER(r), 0, p1, dst);
	need(r == 64, "splice pipe->file", r);
	need(do_read(pb[0], buf, sizeof(buf), p2) == 16, "read tee copy", 0);
	close_ok(pa[0], p1);
	close_ok(pa[1], p1);
	close_ok(pb[0], p2);
	close_ok(pb[1], p2);
	close_ok(in, src);
	close_ok(out, dst);
}

static void script_pipe(void)
{
	const char *name;
	char buf[16];
	int p[2], avail = 0;
	long r;

	section = "pipe";
	need_sys(pipe2(p, 0) == 0, "pipe2");
	name = anon_name(p[1], "pipe");
	write_ok(p[1], "hello", name);
	r = SC(SYS_ioctl, p[0], FIONREAD, &avail);
	expect("ioctl", p[0], r, 0, NOFLAGS, name, NULL);
	need(r == 0 && avail == 5, "ioctl FIONREAD", avail);
	need(do_read(p[0], buf, sizeof(buf), name) == 5, "read pipe", 0);
	close_ok(p[1], name);
	need(do_read(p[0], buf, sizeof(buf), name) == 0, "read pipe EOF", 0);
	close_ok(p[0], name);
}

static void script_mmap(void)
{
	const char *path = in_dir("map.bin");
	volatile const char *mem;
	long r, addr;
	int fd;

	section = "mmap";
	fd = open_ok(AT_FDCWD, "map.bin", O_CREAT | O_RDWR | O_TRUNC, path);
	write_ok(fd, "mapped file contents\n", path);
	addr = SC(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("mmap", fd, addr, 0, MAP_SHARED, path, NULL);
	need(addr > 0, "mmap file", addr);
	mem = (volatile const char *)addr;
	need(mem[0] == 'm', "mapped byte", mem[0]);
	r = SC(SYS_msync, addr, 4096, MS_SYNC);
	expect("msync", NOFD, r, 0, MS_SYNC, NULL, NULL);
	need(r == 0, "msync", r);
	r = SC(SYS_munmap, addr, 4096);
	expect("munmap", NOFD, r, 0, NOFLAGS, NULL, NULL);
	need(r == 0, "munmap", r);
	close_ok(fd, path);

	addr = SC(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect("mmap", -1, addr, 0, MAP_PRIVATE | MAP_ANONYMOUS, NULL, NULL);
	need(addr > 0, "mmap anonymous", addr);
	r = SC(SYS_munmap, addr, 8192);
	expect("munmap", NOFD, r, 0, NOFLAGS, NULL, NULL);
	need(r == 0, "munmap anonymous", r);
}

static void script_dir(void)
{
	char buf[4096];
	long r;
	int fd;

	section = "dir";
	r = SC(SYS_getdents64, dir_fd, buf, sizeof(buf));
	expect("getdents64", dir_fd, r, 0, NOFLAGS, in_dir(""), NULL);
	need(r > 0, "getdents64", r);
	r = SC(SYS_getdents64, dir_fd, buf, sizeof(buf));
	expect("getdents64", dir_fd, r, 0, NOFLAGS, in_dir(""), NULL);
	need(r == 0, "getdents64 end", r);

	r = SC(SYS_chdir, "sub");
	expect("chdir", NOFD, r, 0, NOFLAGS, in_dir("sub"), NULL);
	need(r == 0, "chdir sub", r);
	r = SC(SYS_getcwd, buf, sizeof(buf));
	expect("getcwd", NOFD, r, 0, NOFLAGS, NULL, NULL);
	need(r == (long)strlen(in_dir("sub")) + 1, "getcwd", r);
	fd = open_ok(AT_FDCWD, "rel.txt", O_RDONLY, in_dir("sub/rel.txt"));
	need(do_read(fd, buf, 4, in_dir("sub/rel.txt")) == 4, "read rel.txt", 0);
	close_ok(fd, in_dir("sub/rel.txt"));
	r = do_openat(AT_FDCWD, "../nope.txt", O_RDONLY, 0, in_dir("nope.txt"));
	need(r == -ENOENT, "openat ../nope.txt", r);
	need(path_call("stat", SC(SYS_stat, "../a.txt", buf), in_dir("a.txt")) == 0, "stat ..", 0);
	r = SC(SYS_mkdir, "made-in-sub", 0700);
	need(path_call("mkdir", r, in_dir("sub/made-in-sub")) == 0, "mkdir in sub", r);
	r = SC(SYS_rmdir, "made-in-sub");
	need(path_call("rmdir", r, in_dir("sub/made-in-sub")) == 0, "rmdir in sub", r);

	r = SC(SYS_fchdir, dir_fd);
	expect("fchdir", dir_fd, r, 0, NOFLAGS, in_dir(""), NULL);
	need(r == 0, "fchdir", r);
	r = path_call("access", SC(SYS_access, "sub/rel.txt", F_OK), in_dir("sub/rel.txt"));
	need(r == 0, "access after fchdir", r);
	r = SC(SYS_chdir, "no-such-dir");
	expect("chdir", NOFD, r, 0, NOFLAGS, in_dir("no-such-dir"), NULL);
	need(r == -ENOENT, "chdir missing", r);
}

/* newline, tab, CR, a control byte, quote, backslash, space, 0xff, é and an emoji */
static const char hostile[] = "h\nt\tr\r\x01q\"b\\ s\xff-\xc3\xa9-\xf0\x9f\x98\x80.txt";

static void script_hostile(void)
{
	const char *path = in_dir(hostile);
	struct stat st;
	char buf[16];
	long r;
	int fd;

	section = "hostile";
	fd = open_ok(AT_FDCWD, hostile, O_CREAT | O_RDWR | O_TRUNC, path);
	write_ok(fd, "hostile", path);
	r = SC(SYS_pread64, fd, buf, 7, 0);
	expect("pread64", fd, r, XFER(r), NOFLAGS, path, NULL);
	need(r == 7, "pread64 hostile", r);
	close_ok(fd, path);
	r = SC(SYS_newfstatat, dir_fd, hostile, &st, 0);
	expect("newfstatat", NOFD, r, 0, 0, path, NULL);
	need(r == 0, "newfstatat hostile", r);
	fd = open_ok(AT_FDCWD, hostile, O_RDONLY, path);
	need(do_read(fd, buf, sizeof(buf), path) == 7, "read hostile", 0);
	close_ok(fd, path);

	/* hostile bytes in both paths of a rename and in a raw symlink target */
	r = SC(SYS_rename, hostile, "renamed\n\xfe");
	expect("rename", NOFD, r, 0, NOFLAGS, path, in_dir("renamed\n\xfe"));
	need(r == 0, "rename hostile", r);
	r = SC(SYS_symlink, hostile, "hostile-link");
	expect("symlink", NOFD, r, 0, NOFLAGS, in_dir("hostile-link"), hostile);
	need(r == 0, "symlink hostile target", r);

	/* strings near PATH_MAX: a long symlink target, a long missing path */
	{
		static char target[4001], rel[PATH_MAX];
		size_t room = PATH_MAX - 1 - strlen(work_dir) - 1 - 16, n = 0;

		memset(target, 'T', sizeof(target) - 1);
		r = SC(SYS_symlink, target, "long-link");
		expect("symlink", NOFD, r, 0, NOFLAGS, in_dir("long-link"), target);
		need(r == 0, "symlink long target", r);
		/* components of 200 bytes: the absolute path is just under PATH_MAX */
		while (n + 201 < room) {
			memset(rel + n, 'p', 200);
			rel[n + 200] = '/';
			n += 201;
		}
		memcpy(rel + n, "missing", 8);
		r = do_openat(AT_FDCWD, rel, O_RDONLY, 0, in_dir(rel));
		need(r == -ENOENT, "openat long missing path", r);
	}
}

/* Paths ior must normalise lexically: ".", "..", "//", absolute with a dirfd. */
static void script_lexical(void)
{
	const char *a = in_dir("a.txt");
	char path[PATH_MAX];
	struct stat st;
	long r;
	int fd;

	section = "lexical";
	need(path_call("stat", SC(SYS_stat, "sub/./../a.txt", &st), a) == 0, "stat sub/./../a.txt", 0);
	r = path_call("stat", SC(SYS_stat, ".//sub///rel.txt", &st), in_dir("sub/rel.txt"));
	need(r == 0, "stat .//sub///rel.txt", r);
	r = SC(SYS_newfstatat, sub_fd, "../sub/../a.txt", &st, 0);
	expect("newfstatat", NOFD, r, 0, 0, a, NULL);
	need(r == 0, "newfstatat ../sub/../a.txt", r);
	/* an absolute path ignores the dirfd */
	fd = open_ok(sub_fd, a, O_RDONLY, a);
	close_ok(fd, a);
	/* "/.." is "/" */
	snprintf(path, sizeof(path), "/..//..%s", a);
	need(path_call("access", SC(SYS_access, path, F_OK), a) == 0, "access /../..DIR/a.txt", 0);
	/* up out of DIR and back in by name */
	snprintf(path, sizeof(path), "sub/../../%s/a.txt", strrchr(work_dir, '/') + 1);
	need(path_call("stat", SC(SYS_stat, path, &st), a) == 0, "stat via ..", 0);
	r = path_call("stat", SC(SYS_stat, "sub/nonexist/../../missing", &st), in_dir("missing"));
	need(r == -ENOENT, "stat through a missing dir", r);
	/*
	 * Through a symlinked directory: an opened file shows its real path, a
	 * path-based call the path as given (made absolute, not resolved).
	 */
	r = SC(SYS_symlink, "sub", "subln");
	expect("symlink", NOFD, r, 0, NOFLAGS, in_dir("subln"), "sub");
	need(r == 0, "symlink subln", r);
	fd = open_ok(AT_FDCWD, "subln/rel.txt", O_RDONLY, in_dir("sub/rel.txt"));
	need(do_read(fd, path, 3, in_dir("sub/rel.txt")) == 3, "read via symlinked dir", 0);
	close_ok(fd, in_dir("sub/rel.txt"));
	r = path_call("stat", SC(SYS_stat, "subln/rel.txt", &st), in_dir("subln/rel.txt"));
	need(r == 0, "stat via symlinked dir", r);
	r = do_openat(AT_FDCWD, "subln/missing", O_RDONLY, 0, in_dir("subln/missing"));
	need(r == -ENOENT, "openat missing via symlinked dir", r);
	fd = open_ok(AT_FDCWD, "subln", O_RDONLY | O_DIRECTORY, in_dir("sub"));
	r = SC(SYS_newfstatat, fd, "rel.txt", &st, 0);
	expect("newfstatat", NOFD, r, 0, 0, in_dir("sub/rel.txt"), NULL);
	need(r == 0, "newfstatat via dirfd of symlinked dir", r);
	close_ok(fd, in_dir("sub"));
	r = SC(SYS_chdir, "subln");
	expect("chdir", NOFD, r, 0, NOFLAGS, in_dir("sub"), NULL);
	need(r == 0, "chdir subln", r);
	r = path_call("access", SC(SYS_access, "rel.txt", F_OK), in_dir("sub/rel.txt"));
	need(r == 0, "access in symlinked cwd", r);
	r = SC(SYS_fchdir, dir_fd);
	expect("fchdir", dir_fd, r, 0, NOFLAGS, in_dir(""), NULL);
	need(r == 0, "fchdir back", r);

	/* an O_PATH fd works with AT_EMPTY_PATH */
	fd = open_ok(AT_FDCWD, "a.txt", O_PATH, a);
	r = SC(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);
	expect("newfstatat", fd, r, 0, AT_EMPTY_PATH, a, NULL);
	need(r == 0, "newfstatat O_PATH", r);
	close_ok(fd, a);
}

/* A directory renamed while a file in it and the directory itself are open. */
static void script_renamedir(void)
{
	struct stat st;
	long r;
	int fd, rd, g;

	section = "renamedir";
	need(path_call("mkdir", SC(SYS_mkdir, "rd1", 0755), in_dir("rd1")) == 0, "mkdir rd1", 0);
	fd = open_ok(AT_FDCWD, "rd1/f.txt", O_CREAT | O_RDWR, in_dir("rd1/f.txt"));
	rd = open_ok(AT_FDCWD, "rd1", O_RDONLY | O_DIRECTORY, in_dir("rd1"));
	write_ok(fd, "in rd1\n", in_dir("rd1/f.txt"));
	r = SC(SYS_rename, "rd1", "rd2");
	expect("rename", NOFD, r, 0, NOFLAGS, in_dir("rd1"), in_dir("rd2"));
	need(r == 0, "rename rd1 rd2", r);
	write_ok(fd, "in rd2\n", in_dir("rd2/f.txt"));
	g = open_ok(rd, "g.txt", O_CREAT | O_WRONLY, in_dir("rd2/g.txt"));
	close_ok(g, in_dir("rd2/g.txt"));
	r = SC(SYS_newfstatat, rd, "f.txt", &st, 0);
	expect("newfstatat", NOFD, r, 0, 0, in_dir("rd2/f.txt"), NULL);
	need(r == 0, "newfstatat in renamed dir", r);
	r = SC(SYS_fchdir, rd);
	expect("fchdir", rd, r, 0, NOFLAGS, in_dir("rd2"), NULL);
	need(r == 0, "fchdir rd2", r);
	g = open_ok(AT_FDCWD, "f.txt", O_RDONLY, in_dir("rd2/f.txt"));
	close_ok(g, in_dir("rd2/f.txt"));
	r = SC(SYS_fchdir, dir_fd);
	expect("fchdir", dir_fd, r, 0, NOFLAGS, in_dir(""), NULL);
	need(r == 0, "fchdir back", r);
	close_ok(fd, in_dir("rd2/f.txt"));
	close_ok(rd, in_dir("rd2"));
}

/* A name replaced by rename and a hard link removed while files are open. */
static void script_replace(void)
{
	const char *victim = in_dir("victim.txt"), *gone;
	char buf[8];
	long r;
	int v, o, fd;

	section = "replace";
	v = open_ok(AT_FDCWD, "victim.txt", O_CREAT | O_RDWR, victim);
	write_ok(v, "victim\n", victim);
	o = open_ok(AT_FDCWD, "other.txt", O_CREAT | O_RDWR, in_dir("other.txt"));
	write_ok(o, "other\n", in_dir("other.txt"));
	r = SC(SYS_rename, "other.txt", "victim.txt");
	expect("rename", NOFD, r, 0, NOFLAGS, in_dir("other.txt"), victim);
	need(r == 0, "rename over victim", r);
	gone = proc_fd_name(v);
	need(strstr(gone, " (deleted)") != NULL, "replaced file shows as deleted", 0);
	write_ok(v, "still here\n", gone);
	write_ok(o, "renamed\n", victim);
	close_ok(v, gone);
	close_ok(o, victim);

	/* the name an fd was opened by is unlinked while another link remains */
	r = SC(SYS_link, "a.txt", "hl.txt");
	expect("link", NOFD, r, 0, NOFLAGS, in_dir("a.txt"), in_dir("hl.txt"));
	need(r == 0, "link hl", r);
	fd = open_ok(AT_FDCWD, "hl.txt", O_RDONLY, in_dir("hl.txt"));
	need(path_call("unlink", SC(SYS_unlink, "hl.txt"), in_dir("hl.txt")) == 0, "unlink hl", 0);
	gone = proc_fd_name(fd);
	r = SC(SYS_pread64, fd, buf, 4, 0);
	expect("pread64", fd, r, XFER(r), NOFLAGS, gone, NULL);
	need(r == 4, "pread64 unlinked link", r);
	close_ok(fd, gone);
}

/* Anonymous inodes and a file on another mount, named as /proc names them. */
static void script_anon(void)
{
	char shm[64], buf[16];
	const char *name;
	uint64_t val = 1;
	long r, addr;
	int fd;

	section = "anon";
	fd = eventfd(0, 0); /* eventfd2: not traced */
	need(fd >= 0, "eventfd", errno);
	name = proc_fd_name(fd);
	r = SC(SYS_write, fd, &val, sizeof(val));
	expect("write", fd, r, XFER(r), NOFLAGS, name, NULL);
	need(r == 8, "write eventfd", r);
	need(do_read(fd, &val, sizeof(val), name) == 8, "read eventfd", 0);
	close_ok(fd, name);

	fd = memfd_create("ior-memfd", 0); /* not traced */
	need(fd >= 0, "memfd_create", errno);
	name = proc_fd_name(fd);
	write_ok(fd, "in memory", name);
	addr = SC(SYS_mmap, NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	expect("mmap", fd, addr, 0, MAP_SHARED, name, NULL);
	need(addr > 0, "mmap memfd", addr);
	r = SC(SYS_munmap, addr, 4096);
	expect("munmap", NOFD, r, 0, NOFLAGS, NULL, NULL);
	close_ok(fd, name);

	/* an O_TMPFILE file never had a name: /proc shows DIR/#INO (deleted) */
	fd = (int)SC(SYS_openat, dir_fd, ".", O_TMPFILE | O_RDWR, 0600);
	need(fd >= 0, "openat O_TMPFILE", fd);
	name = proc_fd_name(fd);
	expect("openat", fd, fd, 0, O_TMPFILE | O_RDWR, name, NULL);
	write_ok(fd, "tmpfile", name);
	close_ok(fd, name);

	/* /dev (devtmpfs) and /proc are other mounts; /proc/self is a symlink */
	fd = open_ok(AT_FDCWD, "/dev/null", O_WRONLY, "/dev/null");
	write_ok(fd, "discarded", "/dev/null");
	close_ok(fd, "/dev/null");
	r = SC(SYS_openat, AT_FDCWD, "/proc/self/status", O_RDONLY, 0);
	need(r >= 0, "open /proc/self/status", r);
	name = proc_fd_name((int)r);
	expect("openat", r, r, 0, O_RDONLY, name, NULL);
	fd = (int)r;
	need(do_read(fd, buf, sizeof(buf), name) == sizeof(buf), "read /proc/self/status", 0);
	close_ok(fd, name);

	/* /dev/shm is its own (tmpfs) mount: the walk must cross into it */
	snprintf(shm, sizeof(shm), "/dev/shm/ior-iowork-%d", (int)getpid());
	fd = open_ok(AT_FDCWD, shm, O_CREAT | O_RDWR | O_TRUNC, shm);
	write_ok(fd, "on tmpfs", shm);
	r = SC(SYS_pread64, fd, buf, 2, 0);
	expect("pread64", fd, r, XFER(r), NOFLAGS, shm, NULL);
	need(r == 2, "pread64 shm", r);
	close_ok(fd, shm);
	need(path_call("unlink", SC(SYS_unlink, shm), shm) == 0, "unlink shm", 0);
}

/* Deeper than most walks go, and a 255-byte name. */
#define DEEP_LEVELS 200
static void script_deep(void)
{
	char cur[PATH_MAX], name[256];
	size_t len = strlen(work_dir);
	long r;
	int fd;

	section = "deep";
	need(len + 2 * DEEP_LEVELS + 16 < sizeof(cur), "DIR too long for the deep section", (long)len);
	memcpy(cur, work_dir, len + 1);
	for (int i = 0; i < DEEP_LEVELS; i++) {
		memcpy(cur + len, "/d", 3);
		len += 2;
		need(path_call("mkdir", SC(SYS_mkdir, "d", 0755), cur) == 0, "mkdir deep", i);
		r = SC(SYS_chdir, "d");
		expect("chdir", NOFD, r, 0, NOFLAGS, cur, NULL);
		need(r == 0, "chdir deep", r);
	}
	memcpy(cur + len, "/deep.txt", 10);
	fd = open_ok(AT_FDCWD, "deep.txt", O_CREAT | O_WRONLY, cur);
	write_ok(fd, "deep\n", cur);
	close_ok(fd, cur);
	r = SC(SYS_fchdir, dir_fd);
	expect("fchdir", dir_fd, r, 0, NOFLAGS, in_dir(""), NULL);
	need(r == 0, "fchdir back", r);
	memset(name, 'L', 251);
	memcpy(name + 251, ".txt", 5);
	fd = open_ok(AT_FDCWD, name, O_CREAT | O_WRONLY, in_dir(name));
	write_ok(fd, "long name\n", in_dir(name));
	close_ok(fd, in_dir(name));
}

/* ---- processes and threads ------------------------------------------- */

static void *thread_io(void *arg)
{
	const char *path = in_dir("thread.txt");
	long r;
	int fd;

	(void)arg;
	fd = open_ok(AT_FDCWD, "thread.txt", O_CREAT | O_WRONLY | O_TRUNC, path);
	write_ok(fd, "from a thread\n", path);
	write_ok(fd, "again\n", path);
	r = SC(SYS_fsync, fd);
	expect("fsync", fd, r, 0, NOFLAGS, path, NULL);
	need(r == 0, "thread fsync", r);
	close_ok(fd, path);
	return NULL;
}

static void wait_child(pid_t pid)
{
	int status;

	need_sys(waitpid(pid, &status, 0) == pid, "waitpid");
	need(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status", status);
}

/* SCM_RIGHTS: send fd over the unix socket sock. */
static void send_fd(int sock, int fd)
{
	char data = 'F';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(&ctl, 0, sizeof(ctl));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	need_sys(sendmsg(sock, &msg, 0) == 1, "sendmsg");
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;
	int fd;

	need_sys(recvmsg(sock, &msg, 0) == 1, "recvmsg");
	cm = CMSG_FIRSTHDR(&msg);
	need(cm && cm->cmsg_type == SCM_RIGHTS, "SCM_RIGHTS", 0);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * Processes sharing one fd table (clone with CLONE_FILES): an fd opened or
 * replaced by one is used by the other, so no per-process cache can be right.
 */
static void script_clone_files(void)
{
	const char *shared = in_dir("shared.txt"), *shared2 = in_dir("shared2.txt"),
		   *shared3 = in_dir("shared3.txt");
	int status, fd, fd2;
	long r;

	section = "clonefiles";
	r = SC(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	need(r >= 0, "clone", r);
	if (r == 0) {
		int own = open_ok(AT_FDCWD, "shared.txt", O_CREAT | O_WRONLY | O_TRUNC, shared);

		write_ok(own, "opened by the child\n", shared);
		_exit(own); /* tells the parent the number (>2; a failure exits 2) */
	}
	need(waitpid((pid_t)r, &status, 0) == r && WIFEXITED(status) && WEXITSTATUS(status) > 2,
	     "clone child", status);
	fd = WEXITSTATUS(status);
	write_ok(fd, "the parent writes the child's fd\n", shared);

	fd2 = open_ok(AT_FDCWD, "shared2.txt", O_CREAT | O_WRONLY | O_TRUNC, shared2);
	write_ok(fd2, "before\n", shared2);
	r = SC(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	need(r >= 0, "clone", r);
	if (r == 0) {
		int other = open_ok(AT_FDCWD, "shared3.txt", O_CREAT | O_WRONLY | O_TRUNC, shared3);
		long d = SC(SYS_dup2, other, fd2);

		expect("dup2", d >= 0 ? d : NOFD, d, 0, NOFLAGS, shared3, NULL);
		need(d == fd2, "dup2 in clone child", d);
		close_ok(other, shared3);
		_exit(0);
	}
	wait_child((pid_t)r);
	write_ok(fd2, "after the child replaced it\n", shared3);
	close_ok(fd2, shared3);
	close_ok(fd, shared);
}

/* The command's child execs (the fd survives exec) and forks a grandchild. */
static void script_exec(void)
{
	const char *path = in_dir("exec.txt");
	pid_t pid;
	int fd;

	section = "exec";
	fd = open_ok(AT_FDCWD, "exec.txt", O_CREAT | O_WRONLY | O_TRUNC | O_APPEND, path);
	write_ok(fd, "before exec\n", path);
	pid = fork();
	need(pid >= 0, "fork", errno);
	if (pid == 0) {
		char self[PATH_MAX], fdarg[16];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		need(n > 0, "readlink /proc/self/exe", errno);
		self[n] = '\0';
		snprintf(fdarg, sizeof(fdarg), "%d", fd);
		execl(self, "iowork", "--exec-child", work_dir, log_path, fdarg, (char *)NULL);
		need(0, "execl", errno);
	}
	wait_child(pid);
	write_ok(fd, "after the exec'd child\n", path);
	close_ok(fd, path);
}

static void script_procs(void)
{
	const char *inh = in_dir("inherited.txt"), *passed = in_dir("passed.txt");
	const char *sock_name;
	pthread_t th;
	char buf[4];
	pid_t pid;
	int fd, sv[2];
	long r;

	section = "thread";
	need(pthread_create(&th, NULL, thread_io, NULL) == 0, "pthread_create", 0);
	need(pthread_join(th, NULL) == 0, "pthread_join", 0);

	/* a forked child writing an fd its parent opened */
	section = "fork";
	fd = open_ok(AT_FDCWD, "inherited.txt", O_CREAT | O_WRONLY | O_TRUNC | O_APPEND, inh);
	write_ok(fd, "parent before fork\n", inh);
	pid = fork();
	need(pid >= 0, "fork", errno);
	if (pid == 0) {
		int own;

		write_ok(fd, "child\n", inh);
		close_ok(fd, inh);
		own = open_ok(AT_FDCWD, "child-own.txt", O_CREAT | O_WRONLY, in_dir("child-own.txt"));
		write_ok(own, "child's own file\n", in_dir("child-own.txt"));
		close_ok(own, in_dir("child-own.txt"));
		_exit(0);
	}
	wait_child(pid);
	write_ok(fd, "parent after child\n", inh);
	close_ok(fd, inh);

	/* an fd passed over a unix socket to a child, written there */
	section = "scm";
	need_sys(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	pid = fork();
	need(pid >= 0, "fork", errno);
	if (pid == 0) {
		int got;

		close(sv[0]); /* not traced */
		got = recv_fd(sv[1]);
		write_ok(got, "written through a passed fd\n", passed);
		close_ok(got, passed);
		sock_name = anon_name(sv[1], "socket");
		write_ok(sv[1], "k", sock_name);
		_exit(0);
	}
	close(sv[1]);
	fd = open_ok(AT_FDCWD, "passed.txt", O_CREAT | O_WRONLY | O_TRUNC, passed);
	send_fd(sv[0], fd);
	close_ok(fd, passed);
	sock_name = anon_name(sv[0], "socket");
	r = do_read(sv[0], buf, 1, sock_name);
	need(r == 1, "read socket", r);
	wait_child(pid);
	close_ok(sv[0], sock_name);

	script_clone_files();
	script_exec();
}

static int parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

/* iowork --exec-child DIR LOG FD: the program the exec section's child runs. */
static int exec_child(const char *fdarg)
{
	const char *path = in_dir("exec.txt");
	int fd = parse_fd(fdarg);
	pid_t pid;

	section = "exec";
	log_fd = open(log_path, O_WRONLY | O_APPEND);
	if (log_fd < 0 || fd < 0)
		return EXIT_BROKEN;
	write_ok(fd, "after exec\n", path);
	pid = fork();
	need(pid >= 0, "fork", errno);
	if (pid == 0) {
		write_ok(fd, "grandchild\n", path);
		close_ok(fd, path);
		_exit(0);
	}
	wait_child(pid);
	close_ok(fd, path);
	return 0;
}

int main(int argc, char **argv)
{
	int preopen_fd;

	if (argc == 5 && strcmp(argv[1], "--exec-child") == 0) {
		work_dir = argv[2];
		log_path = argv[3];
		return exec_child(argv[4]);
	}

	if (argc != 4 || argv[1][0] != '/' || (preopen_fd = parse_fd(argv[3])) < 0) {
		say("usage: iowork DIR LOG PREOPEN_FD (DIR absolute)\n");
		return 1;
	}
	work_dir = argv[1];
	log_path = argv[2];
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (log_fd < 0) {
		say("iowork: cannot open the log\n");
		return EXIT_BROKEN;
	}

	script_open();
	script_rw();
	script_fd(preopen_fd);
	script_meta();
	script_names();
	script_copy();
	script_pipe();
	script_mmap();
	script_dir();
	script_hostile();
	script_lexical();
	script_renamedir();
	script_replace();
	script_anon();
	script_deep();
	script_procs();

	section = "end";
	close_ok(sub_fd, in_dir("sub"));
	close_ok(dir_fd, in_dir(""));
	log_exit(EXIT_SCRIPTED);
	return EXIT_SCRIPTED;
}
