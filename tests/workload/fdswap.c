// SPDX-License-Identifier: GPL-2.0
/*
 * fdswap: an fd that another thread swaps between two files, and closes,
 * while this thread reads through it, for how ior names the file of a call
 * whose fd changes under it. DIR/a.bin holds 'A' bytes, DIR/b.bin 'B'
 * bytes; F starts as a copy of a's fd. The main thread makes one-byte
 * preads on F at offset 0; after the first, a second thread (on another
 * CPU when there is one) starts looping dup2(a, F), dup2(b, F), close(F).
 * The preads go on, at least CALLS and until each outcome was seen 100
 * times (at most 20 x CALLS), and each is logged, one character per call,
 * with what it found: A, B, or E (failed with EBADF).
 *
 * Usage: fdswap DIR CALLS LOG   (LOG gets the characters and a newline)
 * Exit status: 0 when every pread returned 1 byte or EBADF, 2 otherwise,
 * 1 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SWAP_FD 100

static int fd_a, fd_b;
static atomic_int started, done;

/* Runs the calling thread on the nth CPU it may use, when there is one:
 * the two threads then race on two CPUs instead of taking turns on one. */
static void pin_to(int nth)
{
	cpu_set_t allowed, one;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || nth--)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
		return;
	}
}

static void *swapper(void *arg)
{
	(void)arg;
	pin_to(1);
	atomic_store(&started, 1);
	while (!atomic_load(&done)) {
		dup2(fd_a, SWAP_FD);
		dup2(fd_b, SWAP_FD);
		close(SWAP_FD);
	}
	return NULL;
}

static int make_file(const char *dir, const char *name, char fill)
{
	char path[PATH_MAX], buf[64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = fill;
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	long calls = argc == 4 ? strtol(argv[2], NULL, 10) : 0, n = 0, seen[3] = { 0 };
	pthread_t thread;
	char *log;
	FILE *out;

	if (argc != 4 || argv[1][0] != '/' || calls <= 0 || calls > 1000000) {
		fprintf(stderr, "usage: fdswap DIR CALLS LOG\n");
		return 1;
	}
	log = malloc(20 * (size_t)calls + 1);
	fd_a = make_file(argv[1], "a.bin", 'A');
	fd_b = make_file(argv[1], "b.bin", 'B');
	if (!log || fd_a < 0 || fd_b < 0 || dup2(fd_a, SWAP_FD) != SWAP_FD)
		return 2;
	/* the first pread, made before the swapping starts, reads a.bin */
	for (; n < 20 * calls && (n < calls || seen[0] < 100 || seen[1] < 100 || seen[2] < 100);
	     n++) {
		char c = 0;
		long r = syscall(SYS_pread64, SWAP_FD, &c, 1, 0);

		if (r == 1 && (c == 'A' || c == 'B'))
			log[n] = c;
		else if (r < 0 && errno == EBADF)
			log[n] = 'E';
		else
			return 2;
		seen[log[n] == 'A' ? 0 : log[n] == 'B' ? 1 : 2]++;
		if (n == 0) {
			/* the new thread inherits every CPU this one may use */
			if (pthread_create(&thread, NULL, swapper, NULL))
				return 2;
			pin_to(0);
		}
		while (!atomic_load(&started))
			sched_yield();
	}
	atomic_store(&done, 1);
	pthread_join(thread, NULL);
	log[n] = '\n';
	out = fopen(argv[3], "w");
	if (!out || fwrite(log, 1, (size_t)n + 1, out) != (size_t)n + 1 || fclose(out))
		return 2;
	return 0;
}
