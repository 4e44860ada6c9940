// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pathcache.c: formatting of kernel path records (component
 * order, pseudo files, deleted and truncated marks, capacity) and the id ->
 * path map (replacement, generation rotation, look-ups in the old table).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ior.h"
#include "pathcache.h"
#include "util.h"

static int fmt(char *out, size_t cap, unsigned kind, unsigned pflags, uint64_t ino,
	       const char *data, size_t len)
{
	return pathcache_format(out, cap, kind, pflags, ino, data, len);
}

TEST(pathcache_format_components_leaf_first)
{
	char out[64];
	static const char data[] = "file.txt\0sub\0tmp"; /* + final NUL */

	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_NAMES, 0, 0, data, sizeof(data)), 17);
	CHECK_EQ_STR(out, "/tmp/sub/file.txt");
}

TEST(pathcache_format_root_and_one_component)
{
	char out[64];

	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_NAMES, 0, 0, "", 0), 1);
	CHECK_EQ_STR(out, "/");
	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_NAMES, 0, 0, "etc", 4), 4);
	CHECK_EQ_STR(out, "/etc");
}

TEST(pathcache_format_pseudo_files)
{
	char out[64];

	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_PIPE, 0, 8271, "", 0), 11);
	CHECK_EQ_STR(out, "pipe:[8271]");
	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_SOCKET, 0, 18446744073709551615ull, "", 0), 29);
	CHECK_EQ_STR(out, "socket:[18446744073709551615]");
	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_ANON, 0, 3, "[eventfd]", 10), 20);
	CHECK_EQ_STR(out, "anon_inode:[eventfd]");
}

TEST(pathcache_format_marks)
{
	char out[64];
	static const char data[] = "b\0a";

	CHECK(fmt(out, sizeof(out), IOR_PATH_NAMES, IOR_PATH_DELETED, 0, data, sizeof(data)) > 0);
	CHECK_EQ_STR(out, "/a/b (deleted)");
	CHECK(fmt(out, sizeof(out), IOR_PATH_NAMES, IOR_PATH_TRUNCATED, 0, data, sizeof(data)) > 0);
	CHECK_EQ_STR(out, "[truncated]/a/b");
}

TEST(pathcache_format_hostile_bytes_kept)
{
	char out[64];
	static const char data[] = "new\nline \xff\"q\0dir";

	CHECK(fmt(out, sizeof(out), IOR_PATH_NAMES, 0, 0, data, sizeof(data)) > 0);
	CHECK_EQ_STR(out, "/dir/new\nline \xff\"q");
}

TEST(pathcache_format_capacity)
{
	char out[8];
	static const char data[] = "abc\0xyz"; /* "/xyz/abc" is 8 bytes + NUL */

	CHECK_EQ_INT(fmt(out, sizeof(out), IOR_PATH_NAMES, 0, 0, data, sizeof(data)), -ENAMETOOLONG);
	char fits[9];
	CHECK_EQ_INT(fmt(fits, sizeof(fits), IOR_PATH_NAMES, 0, 0, data, sizeof(data)), 8);
	CHECK_EQ_STR(fits, "/xyz/abc");
}

TEST(pathcache_put_get_replace)
{
	struct pathcache *pc = pathcache_new(16);

	CHECK(pc != NULL);
	CHECK(pathcache_get(pc, 7) == NULL);
	CHECK(pathcache_get(pc, 0) == NULL);
	CHECK_EQ_INT(pathcache_put(pc, 7, "/a/b", 4), 0);
	CHECK_EQ_STR(pathcache_get(pc, 7), "/a/b");
	CHECK_EQ_INT(pathcache_put(pc, 7, "/renamed", 8), 0);
	CHECK_EQ_STR(pathcache_get(pc, 7), "/renamed");
	CHECK_EQ_UINT(pathcache_count(pc), 1);
	CHECK_EQ_INT(pathcache_put(pc, 0, "/ignored", 8), 0);
	CHECK_EQ_UINT(pathcache_count(pc), 1);
	pathcache_free(pc);
}

TEST(pathcache_get_key_length_and_hash)
{
	struct pathcache *pc = pathcache_new(2);
	uint64_t hash = 1;
	uint32_t len = 1;

	CHECK(pc != NULL);
	CHECK(pathcache_get_key(pc, 9, &len, &hash) == NULL);
	CHECK_EQ_UINT(len, 1);
	CHECK_EQ_INT(pathcache_put(pc, 9, "/var/log/syslog", 15), 0);
	CHECK_EQ_STR(pathcache_get_key(pc, 9, &len, &hash), "/var/log/syslog");
	CHECK_EQ_UINT(len, 15);
	CHECK(hash == util_hash("/var/log/syslog", 15));
	/* an embedded NUL ends the path: the key is that of what readers see */
	CHECK_EQ_INT(pathcache_put(pc, 9, "/a\0bc", 5), 0);
	CHECK_EQ_STR(pathcache_get_key(pc, 9, &len, &hash), "/a");
	CHECK_EQ_UINT(len, 2);
	CHECK(hash == util_hash("/a", 2));
	/* after a rotation (cap 2) the key still comes with the path from old */
	CHECK_EQ_INT(pathcache_put(pc, 10, "/x", 2), 0);
	CHECK_EQ_INT(pathcache_put(pc, 11, "/yy", 3), 1);
	CHECK_EQ_STR(pathcache_get_key(pc, 10, &len, &hash), "/x");
	CHECK_EQ_UINT(len, 2);
	CHECK(hash == util_hash("/x", 2));
	pathcache_free(pc);
}

TEST(pathcache_rotation_keeps_previous_generation)
{
	struct pathcache *pc = pathcache_new(4);
	char name[32];
	int rotations = 0;

	CHECK(pc != NULL);
	for (uint32_t id = 1; id <= 4; id++) {
		snprintf(name, sizeof(name), "/f%u", id);
		CHECK_EQ_INT(pathcache_put(pc, id, name, strlen(name)), 0);
	}
	/* the fifth id fills the table: it rotates, ids 1..4 stay readable */
	rotations += pathcache_put(pc, 5, "/f5", 3);
	CHECK_EQ_INT(rotations, 1);
	CHECK_EQ_STR(pathcache_get(pc, 1), "/f1");
	CHECK_EQ_STR(pathcache_get(pc, 4), "/f4");
	CHECK_EQ_STR(pathcache_get(pc, 5), "/f5");
	CHECK_EQ_UINT(pathcache_count(pc), 5);
	/* a second rotation drops the first generation */
	for (uint32_t id = 6; id <= 9; id++) {
		snprintf(name, sizeof(name), "/f%u", id);
		rotations += pathcache_put(pc, id, name, strlen(name));
	}
	CHECK_EQ_INT(rotations, 2);
	CHECK_EQ_UINT(pathcache_rotations(pc), 2);
	/* the second rotation retires the first generation: readable until
	 * released (events in other rings may name it), then gone */
	CHECK_EQ_STR(pathcache_get(pc, 1), "/f1");
	pathcache_release(pc, 1);
	CHECK_EQ_STR(pathcache_get(pc, 1), "/f1"); /* retired by rotation 2 */
	pathcache_release(pc, 2);
	CHECK(pathcache_get(pc, 1) == NULL);
	CHECK(pathcache_get(pc, 4) == NULL);
	CHECK_EQ_STR(pathcache_get(pc, 5), "/f5");
	CHECK_EQ_STR(pathcache_get(pc, 9), "/f9");
	CHECK_EQ_UINT(pathcache_count(pc), 5);
	pathcache_free(pc);
}

TEST(pathcache_retired_tables_are_bounded)
{
	/* cap 4: retired tables keep at most 65536 entries (more than 4 x cap) */
	struct pathcache *pc = pathcache_new(4);
	char name[32];

	CHECK(pc != NULL);
	for (uint32_t id = 1; id <= 200000; id++) {
		snprintf(name, sizeof(name), "/g%u", id);
		CHECK(pathcache_put(pc, id, name, strlen(name)) >= 0);
	}
	/* never released: the newest 65536 retired entries stay, older go */
	CHECK(pathcache_get(pc, 1) == NULL);
	CHECK(pathcache_get(pc, 200000 - 8 - 65536 - 4) == NULL);
	CHECK_EQ_STR(pathcache_get(pc, 200000 - 8 - 65536 + 4), "/g134460");
	CHECK_EQ_STR(pathcache_get(pc, 200000), "/g200000");
	pathcache_release(pc, pathcache_rotations(pc));
	CHECK(pathcache_get(pc, 200000 - 8 - 65536 + 4) == NULL);
	pathcache_free(pc);
}

TEST(pathcache_many_ids)
{
	struct pathcache *pc = pathcache_new(5000);
	char name[32], want[32];

	CHECK(pc != NULL);
	for (uint32_t id = 1; id <= 5000; id++) {
		snprintf(name, sizeof(name), "/d/%u", id * 7919u);
		CHECK_EQ_INT(pathcache_put(pc, id * 7919u, name, strlen(name)), 0);
	}
	for (uint32_t id = 1; id <= 5000; id++) {
		snprintf(want, sizeof(want), "/d/%u", id * 7919u);
		CHECK_EQ_STR(pathcache_get(pc, id * 7919u), want);
	}
	CHECK(pathcache_get(pc, 7918) == NULL);
	pathcache_free(pc);
}
