// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the .ior.zst reader. An input starting with 'R' is
 * a raw record stream (the bytes inside the zstd frame), compressed here
 * so the fuzzer reaches the record parser; any other input is a whole file.
 * What a successful read yields is merged into a small agg and drawn as
 * folded stacks and an SVG, so hostile strings pass through those too.
 * test_iorzst.c includes this file to replay tests/fuzz/regress/iorzst/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "agg.h"
#include "folded.h"
#include "iorzst.h"
#include "svg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_meta(void *ctx, const char *key, const char *value)
{
	size_t *n = ctx;

	*n += strlen(key) + strlen(value);
	return 0;
}

static int fuzz_entry(void *ctx, const struct agg_entry *e)
{
	struct agg *agg = ctx;

	if (!e->comm || !e->syscall || e->count == 0)
		abort();
	return agg_merge_entry(agg, e);
}

static int fuzz_meta_agg(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	(void)key;
	(void)value;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char err[IORZST_ERR_MAX];
	const void *in = data;
	size_t inlen = size, metalen = 0;
	void *packed = NULL;
	struct agg *agg;
	int rc;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	if (size > 0 && data[0] == 'R') {
		size_t bound = ZSTD_compressBound(size - 1);

		packed = malloc(bound);
		if (!packed)
			return 0;
		inlen = ZSTD_compress(packed, bound, data + 1, size - 1, 1);
		if (ZSTD_isError(inlen)) {
			free(packed);
			return 0;
		}
		in = packed;
	}

	/* meta only, then everything into an agg */
	rc = iorzst_read_mem(in, inlen, "fuzz.ior.zst", fuzz_meta, NULL, &metalen, err,
			     sizeof(err));
	if ((rc != 0) != (err[0] != '\0'))
		abort();
	agg = agg_new(64);
	if (!agg)
		abort();
	rc = iorzst_read_mem(in, inlen, "fuzz.ior.zst", fuzz_meta_agg, fuzz_entry, agg, err,
			     sizeof(err));
	if ((rc != 0) != (err[0] != '\0') || strlen(err) >= sizeof(err) - 1)
		abort();
	if (rc == 0) {
		static const char *const specs[][2] = {
			{ "comm,path,tracepoint", "count" },
			{ "flags,tid,pid,tracepoint,path,comm", "durationToPrev" },
		};

		for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
			struct folded_spec spec;
			struct folded *f;

			if (folded_parse_fields(specs[i][0], &spec, err, sizeof(err)) ||
			    folded_parse_count(specs[i][1], &spec, err, sizeof(err)))
				abort();
			f = folded_new(&spec);
			if (!f)
				abort();
			if (agg_foreach(agg, folded_entry, f) || folded_write(f, devnull) ||
			    svg_write(f, NULL, devnull))
				abort();
			folded_free(f);
		}
	}
	agg_free(agg);
	free(packed);
	return 0;
}
