// SPDX-License-Identifier: GPL-2.0
/*
 * storm: load for the reliability tests (tests/integration/reliability.py).
 * Every process or thread that does I/O writes its own pid and tid into its
 * own file, so the checker learns from the files alone which records must
 * exist and whose they are.
 *
 *   storm threads DIR N   N short-lived threads, started in waves of WAVE
 *                         that run at once; thread i opens DIR/tI, writes
 *                         "PID TID\n" in one write(2) and closes it
 *   storm forks DIR N     N child processes, one after another but several
 *                         alive at once; child i writes DIR/fI the same way;
 *                         every 10th child first forks a grandchild that
 *                         writes DIR/gI, and waits for it
 *   storm names N RATE    stat(2)s N distinct missing paths
 *                         /nonexistent-ior-storm/I-HEX (HEX: 96 pseudo-random
 *                         hex digits, I from 0 in order), RATE a second
 *                         (0: as fast as it can)
 *
 * Exit status: 0 when every call did what it should, 2 otherwise, 1 on usage.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAVE 100
#define ALIVE 16 /* forks: children alive at once */

static const char *work_dir;
static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

/* Opens DIR/NAME, writes "PID TID\n" in one call, closes it. 0 on success. */
static int write_own_file(const char *name)
{
	char path[4096], line[64];
	int fd, n, ok;

	snprintf(path, sizeof(path), "%s/%s", work_dir, name);
	n = snprintf(line, sizeof(line), "%d %ld\n", (int)getpid(), (long)syscall(SYS_gettid));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, line, (size_t)n) == n;
	return close(fd) == 0 && ok ? 0 : -1;
}

static void *thread_main(void *arg)
{
	char name[32];

	snprintf(name, sizeof(name), "t%ld", (long)(intptr_t)arg);
	if (write_own_file(name)) {
		pthread_mutex_lock(&fail_lock);
		failures++;
		pthread_mutex_unlock(&fail_lock);
	}
	return NULL;
}

static int run_threads(long n)
{
	pthread_t th[WAVE];

	for (long base = 0; base < n; base += WAVE) {
		int started = 0;

		for (long i = base; i < n && i < base + WAVE; i++) {
			if (pthread_create(&th[started], NULL, thread_main, (void *)(intptr_t)i)) {
				failures++;
				continue;
			}
			started++;
		}
		for (int i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	return failures ? 2 : 0;
}

static int reap_one(void)
{
	int status;

	if (wait(&status) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void child_main(long i)
{
	char name[32];
	int bad = 0;

	if (i % 10 == 0) {
		pid_t g = fork();

		if (g == 0) {
			snprintf(name, sizeof(name), "g%ld", i);
			_exit(write_own_file(name) ? 2 : 0);
		}
		if (g < 0 || reap_one())
			bad = 1;
	}
	snprintf(name, sizeof(name), "f%ld", i);
	if (write_own_file(name))
		bad = 1;
	_exit(bad ? 2 : 0);
}

static int run_forks(long n)
{
	int alive = 0;

	for (long i = 0; i < n; i++) {
		pid_t pid;

		if (alive == ALIVE) {
			if (reap_one())
				failures++;
			alive--;
		}
		pid = fork();
		if (pid == 0)
			child_main(i);
		if (pid < 0) {
			failures++;
			continue;
		}
		alive++;
	}
	while (alive-- > 0)
		if (reap_one())
			failures++;
	return failures ? 2 : 0;
}

static int run_names(long n, long rate)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct timespec t0, now;
	char path[256];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		int pos = snprintf(path, sizeof(path), "/nonexistent-ior-storm/%ld-", i);
		struct stat st;

		for (int k = 0; k < 96; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			path[pos++] = "0123456789abcdef"[x & 15];
		}
		path[pos] = '\0';
		if (stat(path, &st) == 0)
			failures++;
		if (rate > 0 && (i + 1) % 10 == 0) {
			/* keep to RATE a second: sleep until call i+1 is due */
			long long due = (long long)(i + 1) * 1000000000LL / rate, done;

			clock_gettime(CLOCK_MONOTONIC, &now);
			done = (now.tv_sec - t0.tv_sec) * 1000000000LL + (now.tv_nsec - t0.tv_nsec);
			if (due > done) {
				struct timespec d = { (time_t)((due - done) / 1000000000LL),
						      (long)((due - done) % 1000000000LL) };

				nanosleep(&d, NULL);
			}
		}
	}
	return failures ? 2 : 0;
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "storm: '%s' is not a number\n", s);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "threads") == 0) {
		work_dir = argv[2];
		return run_threads(number(argv[3]));
	}
	if (argc == 4 && strcmp(argv[1], "forks") == 0) {
		work_dir = argv[2];
		return run_forks(number(argv[3]));
	}
	if (argc == 4 && strcmp(argv[1], "names") == 0)
		return run_names(number(argv[2]), number(argv[3]));
	fprintf(stderr, "usage: storm threads DIR N | storm forks DIR N | storm names N RATE\n");
	return 1;
}
