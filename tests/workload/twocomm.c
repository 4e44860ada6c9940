// SPDX-License-Identifier: GPL-2.0
/*
 * twocomm: two processes with different task names doing the same I/O, for
 * ior's -comm filter. The parent renames itself "iorA" and writes DIR/a.txt;
 * its child renames itself "iorB" and writes DIR/b.txt. Each opens its file,
 * makes WRITES one-line writes and closes it.
 *
 * With a NAME argument there is only one process: it renames itself NAME
 * (hostile bytes welcome: ior must escape them) and writes DIR/c.txt once.
 *
 * With -r REPORT, each of iorA's and iorB's calls is timed (CLOCK_MONOTONIC
 * read just before and after it, in user space: the kernel's own time of
 * the call lies within), and once both are done the parent renames itself
 * "twocomm" and writes REPORT: one line "COMM SYSCALL NS" per task and
 * syscall, NS the sum of that syscall's timed durations. The times travel
 * in memory shared before the fork, so iorA and iorB make no call but
 * their file's.
 *
 * Usage: twocomm [-r REPORT] DIR [NAME]
 * Exit status: 0 when the I/O went through, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITES 5

/* the summed durations of one task's calls: openat, write, close */
struct timed {
	unsigned long long ns[3];
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Makes the syscall and adds its duration to *sum. */
static long timed_call(unsigned long long *sum, long nr, long a, long b, long c, long d)
{
	unsigned long long t0 = now_ns();
	long r = syscall(nr, a, b, c, d);

	*sum += now_ns() - t0;
	return r;
}

static int write_file(const char *dir, const char *name, struct timed *t)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = (int)timed_call(&t->ns[0], SYS_openat, AT_FDCWD, (long)path,
			     O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	for (int i = 0; i < WRITES; i++)
		if (timed_call(&t->ns[1], SYS_write, fd, (long)"line\n", 5, 0) != 5)
			return -1;
	return timed_call(&t->ns[2], SYS_close, fd, 0, 0, 0) == 0 ? 0 : -1;
}

static int report(const char *file, const struct timed *t)
{
	static const char *const comms[] = { "iorA", "iorB" }, *const scs[] = { "openat", "write", "close" };
	FILE *f;

	if (prctl(PR_SET_NAME, "twocomm", 0, 0, 0) != 0 || !(f = fopen(file, "w")))
		return -1;
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < 3; i++)
			fprintf(f, "%s %s %llu\n", comms[c], scs[i], t[c].ns[i]);
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *report_file = NULL;
	struct timed own[2] = { 0 }, *t;
	int status;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		report_file = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || argc > 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: twocomm [-r REPORT] DIR [NAME]\n");
		return 1;
	}
	if (argc == 3) {
		char path[PATH_MAX];
		int fd;

		if (prctl(PR_SET_NAME, argv[2], 0, 0, 0) != 0)
			return 2;
		snprintf(path, sizeof(path), "%s/c.txt", argv[1]);
		fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || syscall(SYS_write, fd, "named\n", 6) != 6 || syscall(SYS_close, fd) != 0)
			return 2;
		return 0;
	}
	/* without -r no call is added: the times stay in the process's own memory */
	t = report_file ? mmap(NULL, 2 * sizeof(*t), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0) : own;
	if (t == MAP_FAILED)
		return 2;
	if (prctl(PR_SET_NAME, "iorA", 0, 0, 0) != 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (prctl(PR_SET_NAME, "iorB", 0, 0, 0) != 0)
			_exit(2);
		_exit(write_file(argv[1], "b.txt", &t[1]) == 0 ? 0 : 2);
	}
	if (write_file(argv[1], "a.txt", &t[0]) != 0)
		return 2;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 2;
	if (report_file && report(report_file, t) != 0)
		return 2;
	return 0;
}
