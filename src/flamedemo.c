// SPDX-License-Identifier: GPL-2.0
/*
 * The synthetic machine behind --testflames / --testliveflames: one table
 * of rows (task, file, syscall, how many calls and what each costs),
 * expanded into events. The live source owns a timerfd: the dashboard
 * polls it, and each expiry adds one batch computed from the tick number
 * alone, so the drift is the same on every run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "flamedemo.h"
#include "syscalls.h"
#include "util.h"

#define STATIC_T0 1700000000000000000ull /* the static set's first event time */
#define STATIC_STEP 10000000ull          /* and 10 ms between its events: 36.5 s in all */
#define LIVE_STEP 1000ull                 /* a live batch is a burst */
#define MAX_TICKS_PER_PUMP 5

struct row {
	const char *comm;
	uint32_t pid;
	const char *path;   /* with "%04d" when files > 0 */
	int sc;
	unsigned n;         /* calls (per file) */
	uint32_t dur_ns, gap_ns, bytes;
	unsigned files;     /* 0: path as is; else img_0001 .. img_<files> */
};

static const struct row rows[] = {
	{ "postgres", 1201, "/var/lib/postgresql/16/main/base/16384/2619", IOR_SC_pread64, 400, 12000, 30000, 8192, 0 },
	{ "postgres", 1201, "/var/lib/postgresql/16/main/base/16384/2619", IOR_SC_pwrite64, 120, 40000, 50000, 8192, 0 },
	{ "postgres", 1201, "/var/lib/postgresql/16/main/base/16384/1259", IOR_SC_pread64, 80, 9000, 20000, 8192, 0 },
	{ "postgres", 1201, "/var/lib/postgresql/16/main/pg_wal/000000010000000000000001", IOR_SC_write, 300, 25000, 10000, 8192, 0 },
	{ "postgres", 1201, "/var/lib/postgresql/16/main/pg_wal/000000010000000000000001", IOR_SC_fdatasync, 30, 2000000, 100000, 0, 0 },
	{ "postgres", 1201, "/var/lib/postgresql/16/main/pg_wal/000000010000000000000001", IOR_SC_openat, 1, 30000, 0, 0, 0 },
	{ "nginx", 880, "/var/log/nginx/access.log", IOR_SC_write, 500, 3000, 200000, 180, 0 },
	{ "nginx", 880, "/var/log/nginx/error.log", IOR_SC_write, 3, 4000, 900000, 120, 0 },
	{ "nginx", 880, "/usr/share/nginx/html/index.html", IOR_SC_openat, 200, 15000, 100000, 0, 0 },
	{ "nginx", 880, "/usr/share/nginx/html/index.html", IOR_SC_read, 200, 5000, 1000, 1024, 0 },
	{ "nginx", 880, "/usr/share/nginx/html/index.html", IOR_SC_close, 200, 2000, 500, 0, 0 },
	{ "nginx", 880, "/etc/nginx/nginx.conf", IOR_SC_openat, 1, 20000, 0, 0, 0 },
	{ "nginx", 880, "/etc/nginx/nginx.conf", IOR_SC_read, 2, 6000, 1000, 2048, 0 },
	{ "rsync", 4242, "/home/alice/photos/2024/img_%04d.jpg", IOR_SC_read, 20, 200000, 5000, 65536, 40 },
	{ "rsync", 4242, "/mnt/backup/photos/2024/img_%04d.jpg", IOR_SC_write, 20, 300000, 5000, 65536, 40 },
	{ "bash", 3000, "/home/alice/.bash_history", IOR_SC_read, 3, 4000, 2000000, 512, 0 },
	{ "bash", 3000, "/home/alice/.bash_history", IOR_SC_write, 1, 8000, 5000000, 64, 0 },
	{ "bash", 3000, "/etc/passwd", IOR_SC_openat, 1, 10000, 300000, 0, 0 },
	{ "bash", 3000, "/etc/passwd", IOR_SC_read, 1, 3000, 1000, 1500, 0 },
	{ "bash", 3000, NULL, IOR_SC_fsync, 2, 500000, 1000000, 0, 0 },
	/* a task and files named to attack the terminal: they must show escaped */
	{ "ev\x1b[31mil", 666, "/tmp/bad\nname", IOR_SC_write, 7, 1000, 1000, 10, 0 },
	{ "ev\x1b[31mil", 666, "/tmp/\x1b]0;owned\x07", IOR_SC_write, 2, 1000, 1000, 10, 0 },
};

struct flamedemo {
	bool live;
	bool started;        /* the static set went out */
	int tfd;
	uint64_t tick;
	uint32_t rng;
	char status[64];
};

static void fill(struct ior_event *ev, const struct row *r, const char *path, uint64_t t,
		 uint32_t dur, uint32_t gap)
{
	memset(ev, 0, sizeof(*ev));
	ev->time_ns = t;
	ev->duration_ns = dur;
	ev->gap_ns = gap;
	ev->bytes = r->bytes;
	ev->ret = r->bytes ? (int64_t)r->bytes : 0;
	ev->pid = ev->tid = r->pid;
	ev->sc = r->sc;
	snprintf(ev->comm, sizeof(ev->comm), "%s", r->comm);
	ev->path = path;
}

/* n calls of row r on file number file (ignored by rows without files) from time *t; with
 * rng (live) their costs jitter, without (the static set) they are exact. */
static int emit(const struct row *r, unsigned file, unsigned n, uint64_t *t, uint32_t *rng,
		ior_event_fn fn, void *ctx)
{
	char path[256];
	struct ior_event ev;
	int rc;

	if (r->files) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(path, sizeof(path), r->path, (int)file);
#pragma GCC diagnostic pop
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t dur = r->dur_ns, gap = r->gap_ns;

		if (rng) { /* live: durations and gaps jitter by up to 10% */
			*rng = *rng * 1664525u + 1013904223u;
			dur = (uint32_t)((uint64_t)dur * (90 + (*rng >> 16) % 21) / 100);
			gap = (uint32_t)((uint64_t)gap * (90 + (*rng >> 8) % 21) / 100);
		}
		fill(&ev, r, r->files ? path : r->path, *t, dur, gap);
		*t += rng ? LIVE_STEP : STATIC_STEP;
		rc = fn(ctx, &ev);
		if (rc)
			return rc;
	}
	return 0;
}

int flamedemo_static(ior_event_fn fn, void *ctx)
{
	uint64_t t = STATIC_T0;
	int rc;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		for (unsigned f = 1; f <= (r->files ? r->files : 1); f++) {
			rc = emit(r, f, r->n, &t, NULL, fn, ctx);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* A triangle wave of period p: 0 .. p/2 .. 0. */
static unsigned tri(uint64_t k, unsigned p)
{
	unsigned m = (unsigned)(k % p);

	return m < p / 2 ? m : p - m;
}

/* Tick k's batch: the database and web server breathe, the backup moves to new photos. */
static int batch(struct flamedemo *d, uint64_t k, ior_event_fn fn, void *ctx)
{
	uint64_t t = util_now_ns(CLOCK_REALTIME);
	int rc = 0;

	rc = rc ? rc : emit(&rows[3], 0, 10 + tri(k, 20), &t, &d->rng, fn, ctx);
	rc = rc ? rc : emit(&rows[0], 0, 5 + tri(k + 7, 30), &t, &d->rng, fn, ctx);
	rc = rc ? rc : emit(&rows[6], 0, 5 + 2 * tri(k, 12), &t, &d->rng, fn, ctx);
	rc = rc ? rc : emit(&rows[13], 41 + (unsigned)(k / 3 % 500), 4, &t, &d->rng, fn, ctx);
	rc = rc ? rc : emit(&rows[14], 41 + (unsigned)(k / 3 % 500), 4, &t, &d->rng, fn, ctx);
	if (k % 10 == 0)
		rc = rc ? rc : emit(&rows[15], 0, 1, &t, &d->rng, fn, ctx);
	return rc;
}

struct counting {
	struct tui_feed *feed;
	int n;
};

static int count_feed(void *ctx, const struct ior_event *ev)
{
	struct counting *c = ctx;

	tui_feed_event(c->feed, ev);
	c->n++;
	return 0;
}

static int demo_pump(void *ctx, struct tui_feed *feed, unsigned budget)
{
	struct flamedemo *d = ctx;
	struct counting c = { .feed = feed };
	uint64_t expirations;

	(void)budget; /* batches are small */
	if (!d->started) {
		d->started = true;
		flamedemo_static(count_feed, &c);
		return c.n;
	}
	if (!d->live || read(d->tfd, &expirations, sizeof(expirations)) != sizeof(expirations))
		return 0;
	if (expirations > MAX_TICKS_PER_PUMP)
		expirations = MAX_TICKS_PER_PUMP;
	while (expirations--)
		batch(d, ++d->tick, count_feed, &c);
	return c.n;
}

static const char *demo_status(void *ctx)
{
	struct flamedemo *d = ctx;

	return d->status;
}

int flamedemo_new(bool live, struct flamedemo **out)
{
	struct flamedemo *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return -ENOMEM;
	d->live = live;
	d->tfd = -1;
	d->rng = 12345;
	snprintf(d->status, sizeof(d->status), "synthetic data (%s)",
		 live ? "--testliveflames" : "--testflames");
	if (live) {
		struct itimerspec its = {
			.it_interval = { .tv_nsec = FLAMEDEMO_TICK_MS * 1000000L },
			.it_value = { .tv_nsec = FLAMEDEMO_TICK_MS * 1000000L },
		};

		d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (d->tfd < 0 || timerfd_settime(d->tfd, 0, &its, NULL)) {
			int e = -errno;

			flamedemo_free(d);
			return e;
		}
	}
	*out = d;
	return 0;
}

void flamedemo_free(struct flamedemo *d)
{
	if (!d)
		return;
	if (d->tfd >= 0)
		close(d->tfd);
	free(d);
}

void flamedemo_source(struct flamedemo *d, struct tui_source *src)
{
	memset(src, 0, sizeof(*src));
	src->kind = d->live ? TUI_SOURCE_LIVE : TUI_SOURCE_ROWS;
	src->label = d->live ? "synthetic (--testliveflames)" : "synthetic (--testflames)";
	src->ctx = d;
	src->fd = d->tfd;
	src->pump = demo_pump;
	src->status = demo_status;
	src->start_tab = '8';
}
