// SPDX-License-Identifier: GPL-2.0
/*
 * pathset: file operations on names chosen by the caller, for ior's -path
 * filter. Each OP is done in order, relative to DIR:
 *   w:NAME       openat(O_CREAT|O_WRONLY|O_TRUNC), one 5-byte write, close
 *   d:NAME       openat(O_RDONLY|O_DIRECTORY), close
 *   r:FROM:TO    renameat FROM to TO
 *
 * Usage: pathset DIR OP...
 * Exit status: 0 when every OP went through, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int op_do(int dirfd, char *op)
{
	char *to;
	int fd;

	if (op[0] == 'w' && op[1] == ':') {
		fd = (int)syscall(SYS_openat, dirfd, op + 2, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || syscall(SYS_write, fd, "line\n", 5) != 5)
			return -1;
		return (int)syscall(SYS_close, fd);
	}
	if (op[0] == 'd' && op[1] == ':') {
		fd = (int)syscall(SYS_openat, dirfd, op + 2, O_RDONLY | O_DIRECTORY);
		return fd < 0 ? -1 : (int)syscall(SYS_close, fd);
	}
	if (op[0] == 'r' && op[1] == ':' && (to = strchr(op + 2, ':'))) {
		*to++ = '\0';
		return (int)syscall(SYS_renameat, dirfd, op + 2, dirfd, to);
	}
	fprintf(stderr, "pathset: bad op '%s'\n", op);
	return -1;
}

int main(int argc, char **argv)
{
	int dirfd;

	if (argc < 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: pathset DIR OP...\n");
		return 1;
	}
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (dirfd < 0)
		return 2;
	for (int i = 2; i < argc; i++)
		if (op_do(dirfd, argv[i]))
			return 2;
	return 0;
}
