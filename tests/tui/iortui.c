// SPDX-License-Identifier: GPL-2.0
/*
 * iortui: the scripted workload of the dashboard's end-to-end tests. Its
 * I/O comes in phases, each released by a SIGUSR1 (waited for with
 * sigwaitinfo, which ior does not trace), so the test decides when events
 * happen and knows exactly which: a phase opens DIR/file and DIR/other
 * (openat, first phase only), makes NWRITES 1-byte write(2) calls on file
 * and 10 3-byte pwrite64(2) calls on other. Nothing else is traced: it
 * logs nothing and allocates nothing between phases.
 *
 * Usage: iortui DIR NWRITES PHASES   (PHASES 0: run one phase at once and exit)
 * Exit status: 0 when every call went through, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fd_file = -1, fd_other = -1;

static int phase(const char *dir, long nwrites)
{
	char path[4096];

	if (fd_file < 0) {
		snprintf(path, sizeof(path), "%s/file", dir);
		fd_file = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		snprintf(path, sizeof(path), "%s/other", dir);
		fd_other = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd_file < 0 || fd_other < 0)
			return -1;
	}
	for (long i = 0; i < nwrites; i++)
		if (syscall(SYS_write, fd_file, "x", 1) != 1)
			return -1;
	for (int i = 0; i < 10; i++)
		if (syscall(SYS_pwrite64, fd_other, "yyy", 3, (long)i * 3) != 3)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t set;
	long nwrites, phases;
	char *end;

	if (argc != 4)
		goto usage;
	nwrites = strtol(argv[2], &end, 10);
	if (*end || nwrites < 0)
		goto usage;
	phases = strtol(argv[3], &end, 10);
	if (*end || phases < 0)
		goto usage;
	if (phases == 0)
		return phase(argv[1], nwrites) ? 2 : 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (long p = 0; p < phases; p++) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0 || si.si_signo == SIGTERM)
			return 0;
		if (phase(argv[1], nwrites))
			return 2;
	}
	/* the last phase's events stay on screen: wait to be told to go */
	for (;;) {
		siginfo_t si;

		if (sigwaitinfo(&set, &si) < 0 || si.si_signo == SIGTERM)
			return 0;
	}
usage:
	fprintf(stderr, "usage: iortui DIR NWRITES PHASES\n");
	return 1;
}
