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
 * Usage: twocomm DIR [NAME]
 * Exit status: 0 when the I/O went through, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITES 5

static int write_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	for (int i = 0; i < WRITES; i++)
		if (syscall(SYS_write, fd, "line\n", 5) != 5)
			return -1;
	return syscall(SYS_close, fd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 2 || argc > 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: twocomm DIR [NAME]\n");
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
	if (prctl(PR_SET_NAME, "iorA", 0, 0, 0) != 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (prctl(PR_SET_NAME, "iorB", 0, 0, 0) != 0)
			_exit(2);
		_exit(write_file(argv[1], "b.txt") == 0 ? 0 : 2);
	}
	if (write_file(argv[1], "a.txt") != 0)
		return 2;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 2;
	return 0;
}
