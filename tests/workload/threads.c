// SPDX-License-Identifier: GPL-2.0
/*
 * threads: several threads, released together by a barrier, each opening
 * its own file DIR/tN.txt and writing it one byte per write(2); all files
 * stay open until every thread has written, so the fds differ. When they
 * are done the main thread logs each one's tid, fd and path (path as hex) as
 * one JSON line to LOG, so the checker knows which records are whose.
 *
 * Usage: threads DIR LOG [NTHREADS [NWRITES]]   (defaults 4 and 1000)
 * Exit status: 0 when every write went through, 2 otherwise, 1 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_THREADS 64

struct worker {
	pthread_t thread;
	int index;
	int ok;
	long tid;
	int fd;
	char path[PATH_MAX];
};

static const char *work_dir;
static long writes_per_thread = 1000;
static pthread_barrier_t start_line;

/* The worker's only syscalls are openat, the writes and close: it logs nothing itself. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	long written = 0;

	w->tid = syscall(SYS_gettid);
	snprintf(w->path, sizeof(w->path), "%s/t%d.txt", work_dir, w->index);
	pthread_barrier_wait(&start_line);
	/* the first traced syscall of this thread */
	w->fd = (int)syscall(SYS_openat, AT_FDCWD, w->path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	/* every thread holds its file open while all of them write */
	pthread_barrier_wait(&start_line);
	while (w->fd >= 0 && written < writes_per_thread && syscall(SYS_write, w->fd, "x", 1) == 1)
		written++;
	pthread_barrier_wait(&start_line);
	w->ok = w->fd >= 0 && written == writes_per_thread && syscall(SYS_close, w->fd) == 0;
	return NULL;
}

static int log_worker(int log_fd, const struct worker *w)
{
	char hex[2 * PATH_MAX + 1], line[2 * PATH_MAX + 256];
	int n;

	for (n = 0; w->path[n]; n++)
		snprintf(hex + 2 * n, 3, "%02x", (unsigned char)w->path[n]);
	hex[2 * n] = '\0';
	n = snprintf(line, sizeof(line),
		     "{\"pid\":%d,\"tid\":%ld,\"fd\":%d,\"writes\":%ld,\"path\":\"%s\"}\n",
		     (int)getpid(), w->tid, w->fd, writes_per_thread, hex);
	return n > 0 && (size_t)n < sizeof(line) && write(log_fd, line, (size_t)n) == n ? 0 : -1;
}

static long parse_count(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return -1;
	return v;
}

int main(int argc, char **argv)
{
	static struct worker workers[MAX_THREADS];
	long nthreads = 4;
	int status = 0, log_fd;

	if (argc < 3 || argc > 5 || argv[1][0] != '/' ||
	    (argc > 3 && (nthreads = parse_count(argv[3], MAX_THREADS)) < 0) ||
	    (argc > 4 && (writes_per_thread = parse_count(argv[4], 10000000)) < 0)) {
		fprintf(stderr, "usage: threads DIR LOG [NTHREADS [NWRITES]]\n");
		return 1;
	}
	work_dir = argv[1];
	log_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (log_fd < 0) {
		fprintf(stderr, "threads: cannot open %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	pthread_barrier_init(&start_line, NULL, (unsigned int)nthreads);
	for (int i = 0; i < nthreads; i++) {
		workers[i] = (struct worker){ .index = i };
		if (pthread_create(&workers[i].thread, NULL, worker_run, &workers[i]) != 0) {
			fprintf(stderr, "threads: pthread_create failed\n");
			return 2;
		}
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(workers[i].thread, NULL);
		if (!workers[i].ok || log_worker(log_fd, &workers[i]) != 0)
			status = 2;
	}
	if (status)
		fprintf(stderr, "threads: a worker failed\n");
	return status;
}
