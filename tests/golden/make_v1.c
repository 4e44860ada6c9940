// SPDX-License-Identifier: GPL-2.0
/*
 * How tests/golden/v1.ior.zst was made: the .ior.zst writer of format
 * version 1 fed the scripted events below. Kept to document that file's
 * content; never rerun it to replace v1.ior.zst. The golden file stands
 * for every version-1 file already written, so a writer change must not
 * touch it, and a reader change that cannot read it fails the unit tests
 * (test_golden.c). A new format version gets a new golden file (v2.ior.zst
 * from a make_v2.c) next to this one, which stays.
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -Isrc tests/golden/make_v1.c src/iorzst.c \
 *      src/agg.c src/util.c src/syscalls.c -lzstd -o /tmp/make_v1
 *   /tmp/make_v1 /tmp/v1.ior.zst
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg.h"
#include "iorzst.h"
#include "syscalls.h"

struct step {
	const char *comm;
	uint32_t pid, tid;
	int sc;
	const char *path;
	int has_flags, flags;
	uint64_t dur_ns, gap_ns, bytes;
	unsigned times;
};

/* each step: `times` identical events */
static const struct step script[] = {
	{ "cat", 100, 100, IOR_SC_openat, "/etc/passwd", 1, O_RDONLY | O_CLOEXEC, 3000, 1000, 0, 2 },
	{ "cat", 100, 100, IOR_SC_read, "/etc/passwd", 0, 0, 500, 100, 4096, 5 },
	{ "cat", 100, 100, IOR_SC_read, "/etc/group", 0, 0, 700, 300, 1024, 1 },
	{ "db", 200, 201, IOR_SC_pwrite64, "/var/lib/db/data", 0, 0, 20000, 5000, 8192, 4 },
	{ "db", 200, 201, IOR_SC_fsync, "/var/lib/db/data", 0, 0, 2000000, 10, 0, 2 },
	{ "db", 200, 202, IOR_SC_pread64, "/var/lib/db/data", 0, 0, 9000, 40000, 8192, 3 },
	{ "db", 200, 202, IOR_SC_openat, "/tmp/a b;c", 1, O_WRONLY | O_CREAT | O_TRUNC, 6000, 7, 0, 1 },
	{ "db", 200, 201, IOR_SC_sync, NULL, 0, 0, 3000000, 2000, 0, 1 },
};

static const struct iorzst_kv meta[] = {
	{ "ior.version", "golden" },
	{ "ior.command", "make_v1" },
};

int main(int argc, char **argv)
{
	struct agg *agg = agg_new(0);
	int rc;

	if (argc != 2 || !agg) {
		fprintf(stderr, "usage: make_v1 OUT.ior.zst\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
		const struct step *s = &script[i];
		struct ior_event ev = { .pid = s->pid, .tid = s->tid, .sc = s->sc, .path = s->path,
					.has_flags = s->has_flags, .flags = s->flags,
					.duration_ns = s->dur_ns, .gap_ns = s->gap_ns,
					.bytes = s->bytes };

		snprintf(ev.comm, sizeof(ev.comm), "%s", s->comm);
		for (unsigned k = 0; k < s->times; k++)
			if (agg_add(agg, &ev))
				return 1;
	}
	rc = iorzst_write(argv[1], agg, meta, sizeof(meta) / sizeof(meta[0]));
	agg_free(agg);
	if (rc) {
		fprintf(stderr, "make_v1: cannot write %s: error %d\n", argv[1], rc);
		return 1;
	}
	return 0;
}
