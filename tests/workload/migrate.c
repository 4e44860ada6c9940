// SPDX-License-Identifier: GPL-2.0
/*
 * migrate: one thread that moves to the next CPU before every write, so
 * that its consecutive calls are recorded on different CPUs, while a
 * second thread writes its own file without pause on any CPU. The moving
 * thread opens DIR/m.txt and makes NWRITES writes, write i (from 0) of
 * 1 + i % 100 bytes, then closes it; the other thread writes DIR/o.txt one
 * byte at a time until the first is done. At the end the main thread
 * writes one JSON line to LOG: the moving thread's tid and fd, the number
 * of CPUs it went round and the other thread's tid and write count.
 *
 * Usage: migrate DIR LOG NWRITES
 * Exit status: 0 when every write went through, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *dir;
static long nwrites;
static volatile int done;
static long other_tid, other_writes;
static int other_ok = 1;

static void *other_run(void *arg)
{
	char path[PATH_MAX];
	int fd;

	(void)arg;
	other_tid = syscall(SYS_gettid);
	snprintf(path, sizeof(path), "%s/o.txt", dir);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) {
		other_ok = 0;
		return NULL;
	}
	while (!done) {
		if (syscall(SYS_write, fd, "o", 1) != 1) {
			other_ok = 0;
			break;
		}
		other_writes++;
	}
	syscall(SYS_close, fd);
	return NULL;
}

int main(int argc, char **argv)
{
	static char buf[100];
	char path[PATH_MAX], *end;
	cpu_set_t allowed;
	int cpus[CPU_SETSIZE], ncpus = 0, fd, ok = 1;
	long i;
	pthread_t other;

	if (argc != 4) {
		fprintf(stderr, "usage: migrate DIR LOG NWRITES\n");
		return 1;
	}
	dir = argv[1];
	nwrites = strtol(argv[3], &end, 10);
	if (*end || nwrites < 1 || nwrites > 10000000) {
		fprintf(stderr, "migrate: NWRITES must be a whole number from 1 to 10000000\n");
		return 1;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		perror("migrate: sched_getaffinity");
		return 1;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[ncpus++] = c;
	for (size_t k = 0; k < sizeof(buf); k++)
		buf[k] = 'm';
	if (pthread_create(&other, NULL, other_run, NULL)) {
		fprintf(stderr, "migrate: cannot start the other thread\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/m.txt", dir);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ok = fd >= 0;
	for (i = 0; ok && i < nwrites; i++) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(cpus[i % ncpus], &one);
		/* sched_setaffinity is not traced; it returns on the new CPU */
		if (sched_setaffinity(0, sizeof(one), &one) ||
		    syscall(SYS_write, fd, buf, (size_t)(1 + i % 100)) != 1 + i % 100)
			ok = 0;
	}
	if (fd >= 0 && syscall(SYS_close, fd))
		ok = 0;
	done = 1;
	pthread_join(other, NULL);
	FILE *log = fopen(argv[2], "w");

	if (!log || fprintf(log, "{\"tid\":%ld,\"fd\":%d,\"cpus\":%d,\"other_tid\":%ld,"
				 "\"other_writes\":%ld}\n",
			    (long)syscall(SYS_gettid), fd, ncpus, other_tid, other_writes) < 0 ||
	    fclose(log))
		ok = 0;
	return ok && other_ok ? 0 : 2;
}
