// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the Parquet reader (pqread.c): each input is a
 * whole file, opened with pqread_open_mem and read to its end. Besides
 * the sanitizers it checks the reader's contract: an error always comes
 * with a sentence, rows hold a valid syscall index and NUL-terminated
 * strings, a complete read delivers (or skips) exactly the rows the
 * footer announces, and the end or an error is sticky. test_pqread.c
 * includes this file to replay tests/fuzz/regress/pqread/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pqread.h"
#include "syscalls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ROWS_MAX (1u << 22)

static volatile size_t fuzz_pqread_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PQREAD_ERR_MAX] = "unset";
	struct pqread *r = NULL;
	struct ior_event ev;
	const char *key, *value;
	uint64_t rows = 0, lo, hi;
	size_t sum = 0;
	int rc;

	rc = pqread_open_mem(data, size, "fuzz.parquet", &r, err, sizeof(err));
	if (rc) {
		if (rc > 0 || r || !err[0])
			abort();
		return 0;
	}
	if (!r || err[0])
		abort();
	for (size_t i = 0; pqread_kv_at(r, i, &key, &value) == 0; i++)
		sum += strlen(key) + (value ? strlen(value) : 0);
	if (pqread_time_range(r, &lo, &hi) == 0 && (int64_t)lo > (int64_t)hi)
		abort();
	while ((rc = pqread_next(r, &ev)) == 1) {
		/* run-length encoding lets a few bytes stand for a million rows
		 * a row group: past this many, time is all a longer read tests */
		if (rows == FUZZ_ROWS_MAX) {
			pqread_close(r);
			return 0;
		}
		if (ev.sc < 0 || ev.sc >= IOR_SC_COUNT || !memchr(ev.comm, 0, sizeof(ev.comm)))
			abort();
		sum += ev.path ? strlen(ev.path) : 0;
		sum += ev.path2 ? strlen(ev.path2) : 0;
		rows++;
	}
	if (rc < 0 && !pqread_error(r)[0])
		abort();
	if (rc == 0 && rows + pqread_skipped(r) != pqread_rows(r))
		abort();
	if (pqread_next(r, &ev) != rc)
		abort();
	pqread_close(r);
	fuzz_pqread_sink = sum; /* the strlen calls must not be optimised away */
	return 0;
}
