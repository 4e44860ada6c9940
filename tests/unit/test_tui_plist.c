// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the selectors' model (tui_plist.c): case-insensitive
 * substring filtering, and reading processes and threads from a /proc
 * (the real one: this test process and its threads must be there).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "tui_plist.h"

TEST(plist_filter_substring_any_case)
{
	struct plist l = { 0 };
	size_t idx[8];

	CHECK_EQ_INT(plist_add(&l, 1, 1, "systemd", "1 systemd  /sbin/init"), 0);
	CHECK_EQ_INT(plist_add(&l, 42, 42, "postgres", "42 postgres  postgres -D /var/lib/pg"), 0);
	CHECK_EQ_INT(plist_add(&l, 43, 43, "iortui", "43 iortui  ./iortui /tmp/x 1000 3"), 0);
	CHECK_EQ_UINT(plist_filter(&l, "", idx, 8), 3);
	CHECK_EQ_UINT(plist_filter(&l, NULL, idx, 8), 3);
	CHECK_EQ_UINT(plist_filter(&l, "POST", idx, 8), 1);
	CHECK_EQ_UINT(idx[0], 1);
	CHECK_EQ_UINT(plist_filter(&l, "4", idx, 8), 2); /* "42", "43" */
	CHECK_EQ_UINT(plist_filter(&l, "43 io", idx, 8), 1);
	CHECK_EQ_UINT(idx[0], 2);
	CHECK_EQ_UINT(plist_filter(&l, "/", idx, 8), 3);
	CHECK_EQ_UINT(plist_filter(&l, "nomatch", idx, 8), 0);
	CHECK_EQ_UINT(plist_filter(&l, "i", idx, 1), 3); /* counts past cap, writes cap */
	CHECK(plist_match("all processes", "ALL"));
	CHECK(!plist_match("all", "alll"));
	plist_free(&l);
	CHECK_EQ_UINT(l.n, 0);
}

static void *idle_thread(void *arg)
{
	pthread_barrier_t *b = arg;

	pthread_barrier_wait(b);
	pthread_barrier_wait(b);
	return NULL;
}

TEST(plist_scan_proc)
{
	struct plist l = { 0 };
	uint32_t me = (uint32_t)getpid();
	pthread_barrier_t b;
	pthread_t th;
	bool found = false;
	size_t threads = 0;
	char q[32];
	size_t idx[4];

	CHECK_EQ_INT(plist_scan(&l, "/proc", false, 0, 0), 0);
	for (size_t i = 0; i < l.n; i++)
		found = found || l.v[i].pid == me;
	CHECK(found);
	for (size_t i = 1; i < l.n; i++)
		CHECK(l.v[i - 1].pid < l.v[i].pid);
	snprintf(q, sizeof(q), "%u ", me);
	CHECK(plist_filter(&l, q, idx, 4) >= 1);
	/* ior leaves itself out */
	CHECK_EQ_INT(plist_scan(&l, "/proc", false, 0, me), 0);
	for (size_t i = 0; i < l.n; i++)
		CHECK(l.v[i].pid != me);

	pthread_barrier_init(&b, NULL, 2);
	CHECK_EQ_INT(pthread_create(&th, NULL, idle_thread, &b), 0);
	pthread_barrier_wait(&b);
	CHECK_EQ_INT(plist_scan(&l, "/proc", true, me, 0), 0);
	for (size_t i = 0; i < l.n; i++) {
		CHECK_EQ_UINT(l.v[i].pid, me);
		threads++;
	}
	pthread_barrier_wait(&b);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&b);
	CHECK(threads >= 2);
	CHECK_EQ_INT(plist_scan(&l, "/nonexistent-proc", false, 0, 0) < 0, 1);
	plist_free(&l);
}
