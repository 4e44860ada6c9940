// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_iorzst into DIR: a few small valid
 * .ior.zst files (no entries; some entries with metadata; the "[other]"
 * entry and hostile strings), and each one's decompressed record stream
 * prefixed with 'R', the harness's raw mode. Usage: seed_iorzst DIR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "agg.h"
#include "iorzst.h"
#include "syscalls.h"

static int add(struct agg *agg, const char *comm, const char *path, int sc, uint64_t dur)
{
	struct ior_event ev = { .sc = sc, .duration_ns = dur, .gap_ns = dur / 3, .pid = 42,
				.tid = 43, .bytes = dur * 2, .has_flags = sc == IOR_SC_openat,
				.flags = 0x241 };

	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.path = path;
	return agg_add(agg, &ev);
}

static int seed(const char *dir, const char *name, const struct agg *agg,
		const struct iorzst_kv *meta, size_t n)
{
	char path[4096];
	unsigned char *z = NULL, *raw = NULL;
	size_t zlen, rawcap;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.ior.zst", dir, name);
	remove(path);
	rc = iorzst_write(path, agg, meta, n);
	if (rc)
		return rc;
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	z = malloc(1 << 20);
	zlen = z ? fread(z, 1, 1 << 20, f) : 0;
	fclose(f);
	rawcap = 1 << 22;
	raw = malloc(rawcap);
	if (!z || !raw) {
		free(z);
		free(raw);
		return -ENOMEM;
	}
	raw[0] = 'R';
	rawcap = ZSTD_decompress(raw + 1, rawcap - 1, z, zlen);
	if (!ZSTD_isError(rawcap)) {
		snprintf(path, sizeof(path), "%s/%s.raw", dir, name);
		f = fopen(path, "wb");
		if (f) {
			fwrite(raw, 1, rawcap + 1, f);
			fclose(f);
		}
	}
	free(z);
	free(raw);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct iorzst_kv meta[] = {
		{ "host", "seed" }, { "kernel", "6.1.0" }, { "start_ns", "1" }, { "end_ns", "2" },
		{ "cmdline", "ior -flamegraph -name seed" }, { "lost.ringbuf", "0" },
	};
	struct agg *empty = agg_new(0), *small = agg_new(0), *other = agg_new(2);
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: seed_iorzst DIR\n");
		return 2;
	}
	if (!empty || !small || !other)
		goto cleanup;
	if (add(small, "cat", "/etc/passwd", IOR_SC_openat, 1500) ||
	    add(small, "cat", "/etc/passwd", IOR_SC_read, 70) ||
	    add(small, "sync", NULL, IOR_SC_sync, 3000000) ||
	    add(other, "a;b", "/t/x\ny", IOR_SC_write, 5) ||
	    add(other, "\xff\xfe", "/t/<&>", IOR_SC_read, 1) ||
	    add(other, "c", "pipe:[9]", IOR_SC_read, 1u << 31) ||
	    add(other, "d", "", IOR_SC_close, 0))
		goto cleanup;
	if (seed(argv[1], "empty", empty, NULL, 0) || seed(argv[1], "small", small, meta, 6) ||
	    seed(argv[1], "other", other, meta, 2))
		goto cleanup;
	rc = 0;
cleanup:
	agg_free(empty);
	agg_free(small);
	agg_free(other);
	if (rc)
		fprintf(stderr, "seed_iorzst: cannot write the seeds into %s\n", argv[1]);
	return rc;
}
