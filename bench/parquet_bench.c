// SPDX-License-Identifier: GPL-2.0
/*
 * Parquet writer throughput and size on a syscall storm: the storm-like rows
 * of stormrows.h.
 * Usage: parquet_bench [ROWS [DIR [FLUSH_EVERY]]]: default 5000000 rows in
 * /tmp, a flush every 1000000 rows (ior flushes every second). Prints
 *   parquet: N rows, X rows/s, Y bytes/row
 * where rows/s is rows over the thread's CPU time (add, flush, close: one
 * core) and bytes/row the final file size over the rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet.h"
#include "stormrows.h"

int main(int argc, char **argv)
{
	unsigned long rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	unsigned long every = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
	struct storm_rows rows_gen;
	struct parquet_writer *w;
	char path[4096];
	struct stat st;
	double t0, t1;
	int err;

	snprintf(path, sizeof(path), "%s/parquet_bench.%d.parquet", dir, (int)getpid());
	err = parquet_writer_open(path, &w);
	if (err) {
		fprintf(stderr, "parquet_bench: %s: %s\n", path, strerror(-err));
		return 1;
	}
	storm_rows_init(&rows_gen);
	t0 = storm_cpu_seconds();
	for (unsigned long i = 0; i < rows && !err; i++) {
		err = parquet_writer_add(w, storm_rows_next(&rows_gen));
		if (!err && every && i % every == every - 1)
			err = parquet_writer_flush(w);
	}
	err = err ? err : parquet_writer_close(w);
	t1 = storm_cpu_seconds();
	if (err) {
		fprintf(stderr, "parquet_bench: %s: %s\n", path, strerror(-err));
		unlink(path);
		return 1;
	}
	if (stat(path, &st) < 0) {
		fprintf(stderr, "parquet_bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	unlink(path);
	printf("parquet: %lu rows, %.0f rows/s, %.2f bytes/row\n", rows,
	       (double)rows / (t1 - t0), (double)st.st_size / (double)(rows ? rows : 1));
	return 0;
}
