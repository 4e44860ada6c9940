// SPDX-License-Identifier: GPL-2.0
/*
 * storm: the syscall-storm workload that bench/run.sh times under each
 * tracing configuration. Every thread owns one unlinked temp file and
 * alternates 1-byte pwrite and pread at offset 0, so each loop step is
 * exactly one cheap file-I/O syscall: the cost measured is the tracer's
 * per-syscall overhead, not the storage. Threads open their files first,
 * then a barrier releases them together and only the loop is timed.
 *
 *   storm [-t THREADS] [-n SYSCALLS_PER_THREAD] [-p DIR] [-o FILE]
 *
 * Prints one line (to stdout, or to FILE with -o, which keeps it apart from
 * the output of a tracer that runs storm as its child):
 *   storm: THREADS threads, TOTAL syscalls, SECONDS s, RATE syscalls/s
 * where TOTAL = THREADS x SYSCALLS_PER_THREAD and RATE = TOTAL / SECONDS.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STORM_MAX_THREADS 4096
#define STORM_MAX_SYSCALLS 1000000000000LL /* per thread */

/* One worker: its file, its share of the syscalls, and how it ended. */
struct storm_worker {
	pthread_t thread;
	const char *dir;
	long long count;
	pthread_barrier_t *start;
	int err;          /* 0, or the errno of the first failure */
	const char *what; /* which step failed */
};

static void usage(FILE *out)
{
	fprintf(out, "usage: storm [-t THREADS] [-n SYSCALLS_PER_THREAD] [-p DIR] [-o FILE]\n"
		     "  -t THREADS  worker threads, 1..%d (default 1)\n"
		     "  -n COUNT    syscalls per thread, alternating pwrite/pread (default 1000000)\n"
		     "  -p DIR      directory for the per-thread temp files (default /tmp)\n"
		     "  -o FILE     write the result line to FILE instead of stdout\n",
		STORM_MAX_THREADS);
}

/* Strict decimal parse: the whole string, within [min, max]; else -1. */
static int parse_count(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *storm_worker_run(void *arg)
{
	struct storm_worker *w = arg;
	char path[PATH_MAX];
	char byte = 'x';
	int fd = -1;
	long long i;

	/* Setup happens before the barrier; a failure still has to reach the
	 * barrier, or the other threads and main would wait forever. */
	if (snprintf(path, sizeof(path), "%s/ior-storm.XXXXXX", w->dir) >= (int)sizeof(path)) {
		w->err = ENAMETOOLONG;
		w->what = "temp file name";
	} else {
		fd = mkstemp(path);
		if (fd < 0) {
			w->err = errno;
			w->what = "create temp file";
		} else {
			unlink(path);
			if (pwrite(fd, &byte, 1, 0) != 1) {
				w->err = errno ? errno : EIO;
				w->what = "pwrite";
			}
		}
	}
	pthread_barrier_wait(w->start);
	if (w->err)
		goto out;

	for (i = 0; i < w->count; i++) {
		ssize_t r = (i & 1) ? pread(fd, &byte, 1, 0) : pwrite(fd, &byte, 1, 0);

		if (r != 1) {
			w->err = r < 0 ? errno : EIO;
			w->what = (i & 1) ? "pread" : "pwrite";
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	long long threads = 1, count = 1000000;
	const char *dir = "/tmp", *out_path = NULL;
	struct storm_worker *workers = NULL;
	pthread_barrier_t start;
	double t0, elapsed;
	FILE *out = stdout;
	int opt, ret = 1;
	long long i, started = 0;

	opterr = 0;
	while ((opt = getopt(argc, argv, "t:n:p:o:h")) != -1) {
		switch (opt) {
		case 't':
			if (parse_count(optarg, 1, STORM_MAX_THREADS, &threads)) {
				fprintf(stderr, "storm: -t wants a whole number from 1 to %d, not '%s'\n",
					STORM_MAX_THREADS, optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_count(optarg, 1, STORM_MAX_SYSCALLS, &count)) {
				fprintf(stderr, "storm: -n wants a whole number from 1 to %lld, not '%s'\n",
					STORM_MAX_SYSCALLS, optarg);
				return 2;
			}
			break;
		case 'p':
			if (!*optarg) {
				fprintf(stderr, "storm: -p wants a directory\n");
				return 2;
			}
			dir = optarg;
			break;
		case 'o':
			if (!*optarg) {
				fprintf(stderr, "storm: -o wants a file name\n");
				return 2;
			}
			out_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (optopt == 't' || optopt == 'n' || optopt == 'p' || optopt == 'o')
				fprintf(stderr, "storm: -%c needs a value\n", optopt);
			else
				fprintf(stderr, "storm: unknown option '-%c'\n", optopt);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "storm: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	/* Open the result file before the run, so a bad -o fails in a second
	 * rather than after the whole storm. */
	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			fprintf(stderr, "storm: cannot open '%s' for the result: %s\n", out_path,
				strerror(errno));
			return 1;
		}
	}

	workers = calloc((size_t)threads, sizeof(*workers));
	if (!workers) {
		fprintf(stderr, "storm: out of memory for %lld threads\n", threads);
		goto cleanup;
	}
	/* Main joins the barrier too: the clock starts when all are released. */
	if (pthread_barrier_init(&start, NULL, (unsigned)threads + 1)) {
		fprintf(stderr, "storm: pthread_barrier_init failed\n");
		goto cleanup;
	}
	for (i = 0; i < threads; i++) {
		int err;

		workers[i].dir = dir;
		workers[i].count = count;
		workers[i].start = &start;
		err = pthread_create(&workers[i].thread, NULL, storm_worker_run, &workers[i]);
		if (err) {
			/* The barrier counts threads+1 and cannot shrink: without all
			 * workers, nobody could pass it. Nothing to do but leave. */
			fprintf(stderr, "storm: cannot start thread %lld of %lld: %s\n", i + 1,
				threads, strerror(err));
			exit(1);
		}
		started++;
	}

	pthread_barrier_wait(&start);
	t0 = now_seconds();
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	elapsed = now_seconds() - t0;
	pthread_barrier_destroy(&start);

	for (i = 0; i < threads; i++) {
		if (workers[i].err) {
			fprintf(stderr, "storm: thread %lld: %s in %s failed: %s\n", i + 1,
				workers[i].what, dir, strerror(workers[i].err));
			goto cleanup;
		}
	}
	if (elapsed <= 0)
		elapsed = 1e-9;
	fprintf(out, "storm: %lld threads, %lld syscalls, %.3f s, %.0f syscalls/s\n", threads,
		threads * count, elapsed, (double)(threads * count) / elapsed);
	ret = 0;

cleanup:
	free(workers);
	if (fflush(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "storm: cannot write the result: %s\n", strerror(errno));
		ret = 1;
	}
	return ret;
}
