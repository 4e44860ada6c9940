// SPDX-License-Identifier: GPL-2.0
/*
 * commexec: one process whose task name changes both ways, for ior's -comm
 * filter. Started as DIR/iorN (a symlink to this program, so its name is
 * "iorN"), it writes n1.txt, renames itself "iorOther" by prctl and writes
 * o1.txt, renames itself back and writes n2.txt, then execs DIR/iorZ (name
 * "iorZ"), which writes o2.txt and execs DIR/iorN again, which writes
 * n3.txt. Each file gets one openat, one 5-byte write and one close.
 *
 * Usage: commexec DIR [out|in]   (DIR/iorN and DIR/iorZ link to commexec)
 * Exit status: 0 when everything went through, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	return fd >= 0 && syscall(SYS_write, fd, "line\n", 5) == 5 && syscall(SYS_close, fd) == 0
		       ? 0
		       : -1;
}

static int exec_as(const char *dir, const char *name, const char *stage)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	execl(path, path, dir, stage, (char *)NULL);
	return 2;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "";

	if (argc < 2 || argc > 3 || dir[0] != '/') {
		fprintf(stderr, "usage: commexec DIR [out|in]\n");
		return 1;
	}
	if (argc == 2) {
		if (write_file(dir, "n1.txt") || prctl(PR_SET_NAME, "iorOther", 0, 0, 0) ||
		    write_file(dir, "o1.txt") || prctl(PR_SET_NAME, "iorN", 0, 0, 0) ||
		    write_file(dir, "n2.txt"))
			return 2;
		return exec_as(dir, "iorZ", "out");
	}
	if (strcmp(argv[2], "out") == 0)
		return write_file(dir, "o2.txt") ? 2 : exec_as(dir, "iorN", "in");
	if (strcmp(argv[2], "in") == 0)
		return write_file(dir, "n3.txt") ? 2 : 0;
	fprintf(stderr, "usage: commexec DIR [out|in]\n");
	return 1;
}
