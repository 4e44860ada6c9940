// SPDX-License-Identifier: GPL-2.0
/*
 * User-space ingest throughput on one core, without the kernel: a Parquet
 * recording read the way `ior -view FILE.parquet` reads it (pqread, one row
 * at a time) and fed to the dashboard's model the way the dashboard feeds
 * it (tui_feed_event: the statistics, the Stream tab's ring and shared
 * filter, the Flame tab's aggregate; what the tally summed is added after
 * every 2048 events, as after each pump), with no terminal.
 *
 *   ingest [-n ROWS] [-r REPS] [-c STREAM_CAP] [-d DIR] [FILE.parquet]
 *
 * Without FILE it first writes ROWS storm-like rows (stormrows.h; default
 * 5000000) to a temporary file in DIR (default /tmp), removed at the end.
 * Each of REPS repetitions (default 5) decodes the whole file twice: alone,
 * then feeding a fresh model whose Stream ring keeps STREAM_CAP rows
 * (default 0: the dashboard's default). Prints one line per measurement,
 *   ingest: Parquet decoding alone: N events, X events/s (median of R, one core; range A-B)
 *   ingest: decoding + stats + flame + stream (cap C): N events, Y events/s (...)
 * where a rate is events over the thread's CPU time from opening the file
 * to closing it (building and freeing the model are not counted). The
 * process is pinned to the CPU it starts on.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parquet.h"
#include "pqread.h"
#include "stormrows.h"
#include "stream.h"
#include "tally.h"
#include "tui_impl.h"
#include "tui_stream.h"

#define REPS_MAX 99
#define PUMP_EVENTS 2048 /* the dashboard adds what it summed after each pump of this many */

static volatile uint64_t sink; /* where decoding alone puts what it read */

/*
 * The dashboard's model as tui_run builds it for a recorded file, minus the
 * terminal and the tabs that only draw: the full statistics, the shared
 * stream (ring, filter, recorder) and the Flame tab's copy of the feed.
 */
struct model {
	struct tui ui;
	struct tui_source src;
	void *flame_tab;
};

static int model_new(struct model *m, const char *label, uint32_t stream_cap)
{
	memset(m, 0, sizeof(*m));
	m->src.kind = TUI_SOURCE_ROWS;
	m->src.label = label;
	m->src.fd = -1;
	m->src.stream_cap = stream_cap;
	m->ui.src = &m->src;
	m->ui.stats = stats_new(NULL);
	m->ui.feed.stats = m->ui.stats;
	m->ui.feed.path_filter = m->src.path_filter;
	m->ui.feed.tally = tally_new();
	if (!m->ui.stats)
		return -ENOMEM;
	m->ui.stream = tui_stream_new(&m->ui, m->src.stream_cap);
	m->ui.feed.stream = m->ui.stream;
	m->flame_tab = tui_tab_flame.init(&m->ui); /* sets ui.feed.flame */
	return m->ui.stream && m->ui.feed.flame && m->ui.feed.tally ? 0 : -ENOMEM;
}

static void model_free(struct model *m)
{
	char msg[TUI_MSG_MAX + 1100];

	if (m->flame_tab)
		tui_tab_flame.free(m->flame_tab);
	tui_stream_free(m->ui.stream, msg, sizeof(msg));
	stats_free(m->ui.feed.stats);
	tally_free(m->ui.feed.tally);
}

/*
 * Reads every row of path, feeding each to feed (NULL: decoding alone).
 * Sets *events to the rows read and *seconds to the CPU time. Returns 0, or
 * 1 after printing why not.
 */
static int read_all(const char *path, struct tui_feed *feed, uint64_t *events, double *seconds)
{
	char err[PQREAD_ERR_MAX];
	struct pqread *rd;
	struct ior_event ev;
	uint64_t n = 0, sum = 0;
	double t0 = storm_cpu_seconds();
	int rc;

	if (pqread_open(path, &rd, err, sizeof(err))) {
		fprintf(stderr, "ingest: %s\n", err);
		return 1;
	}
	while ((rc = pqread_next(rd, &ev)) == 1) {
		if (feed) {
			tui_feed_event(feed, &ev);
			if (n % PUMP_EVENTS == PUMP_EVENTS - 1)
				tui_feed_flush(feed);
		} else {
			sum += ev.duration_ns; /* a use of the row, so none of it is skipped */
		}
		n++;
	}
	if (rc < 0) {
		fprintf(stderr, "ingest: %s\n", pqread_error(rd));
		pqread_close(rd);
		return 1;
	}
	pqread_close(rd);
	if (feed)
		tui_feed_flush(feed);
	*seconds = storm_cpu_seconds() - t0;
	*events = n;
	sink = sum;
	return 0;
}

/* Writes rows storm-like rows to path. Returns 0, or 1 after printing why not. */
static int write_storm(const char *path, unsigned long rows)
{
	struct storm_rows gen;
	struct parquet_writer *w;
	int err, cerr;

	err = parquet_writer_open(path, &w);
	if (err) {
		fprintf(stderr, "ingest: %s: %s\n", path, strerror(-err));
		return 1;
	}
	storm_rows_init(&gen);
	for (unsigned long i = 0; i < rows && !err; i++) {
		err = parquet_writer_add(w, storm_rows_next(&gen));
		if (!err && i % 1000000 == 999999) /* ior flushes every second */
			err = parquet_writer_flush(w);
	}
	cerr = parquet_writer_close(w);
	err = err ? err : cerr;
	if (err) {
		fprintf(stderr, "ingest: %s: %s\n", path, strerror(-err));
		unlink(path);
		return 1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One line: the median rate of the repetitions, and their range. */
static void report(const char *what, uint64_t events, double *rate, int reps)
{
	qsort(rate, (size_t)reps, sizeof(*rate), cmp_double);
	printf("ingest: %s: %llu events, %.0f events/s (median of %d, one core; range %.0f-%.0f)\n",
	       what, (unsigned long long)events,
	       reps % 2 ? rate[reps / 2] : (rate[reps / 2 - 1] + rate[reps / 2]) / 2, reps, rate[0],
	       rate[reps - 1]);
}

/* A whole number in [min, max] from all of s; else exits with usage. */
static unsigned long number(const char *s, unsigned long min, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < min || v > max) {
		fprintf(stderr, "ingest: %s must be a whole number from %lu to %lu, not '%s'\n", what,
			min, max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long rows = 5000000, cap = 0;
	int reps = 5, opt, rc = 1;
	const char *dir = "/tmp", *file = NULL;
	double decode[REPS_MAX], full[REPS_MAX];
	uint64_t n_decode = 0, n_full = 0;
	char tmp[PATH_MAX], what[128];
	cpu_set_t one;

	while ((opt = getopt(argc, argv, "n:r:c:d:h")) != -1) {
		switch (opt) {
		case 'n': rows = number(optarg, 1, 1000000000, "-n ROWS"); break;
		case 'r': reps = (int)number(optarg, 1, REPS_MAX, "-r REPS"); break;
		case 'c': cap = number(optarg, 100, 2000000, "-c STREAM_CAP"); break;
		case 'd': dir = optarg; break;
		default:
			fprintf(opt == 'h' ? stdout : stderr,
				"usage: ingest [-n ROWS] [-r REPS] [-c STREAM_CAP] [-d DIR] [FILE.parquet]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, "ingest: one recording at most\n");
		return 2;
	}
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one); /* best effort: the rates are per CPU second anyway */

	if (optind < argc) {
		file = argv[optind];
	} else {
		snprintf(tmp, sizeof(tmp), "%s/ingest.%d.parquet", dir, (int)getpid());
		if (write_storm(tmp, rows))
			return 1;
		file = tmp;
	}
	for (int i = 0; i < reps; i++) {
		struct model m;
		uint64_t fed;

		if (read_all(file, NULL, &n_decode, &decode[i]))
			goto out;
		if (model_new(&m, file, (uint32_t)cap)) {
			fprintf(stderr, "ingest: out of memory for the model\n");
			model_free(&m);
			goto out;
		}
		if (read_all(file, &m.ui.feed, &n_full, &full[i])) {
			model_free(&m);
			goto out;
		}
		fed = m.ui.feed.events;
		model_free(&m);
		if (fed != n_full || n_full != n_decode) {
			fprintf(stderr, "ingest: the model got %llu of %llu events\n",
				(unsigned long long)fed, (unsigned long long)n_decode);
			goto out;
		}
		decode[i] = decode[i] > 0 ? (double)n_decode / decode[i] : 0;
		full[i] = full[i] > 0 ? (double)n_full / full[i] : 0;
	}
	report("Parquet decoding alone", n_decode, decode, reps);
	snprintf(what, sizeof(what), "decoding + stats + flame + stream (cap %lu)",
		 cap ? cap : (unsigned long)STREAM_DEFAULT_CAP);
	report(what, n_full, full, reps);
	rc = 0;
out:
	if (file == tmp)
		unlink(tmp);
	return rc;
}
