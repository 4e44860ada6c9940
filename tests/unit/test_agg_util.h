/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the aggregation, .ior.zst, folded and SVG tests: a
 * list of deep-copied entries (strings owned by the list), collected from
 * an agg or a reader callback, sortable by key and comparable field by field.
 */
#ifndef IOR_TEST_AGG_UTIL_H
#define IOR_TEST_AGG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"

struct entry_list {
	struct agg_entry *v;
	size_t n;
	size_t cap;
};

/* agg_entry_fn: appends a deep copy of e to the entry_list ctx. */
int entry_list_add(void *ctx, const struct agg_entry *e);
/* Appends every entry of agg, in agg_foreach order. */
int entry_list_collect(const struct agg *agg, struct entry_list *l);
/* Sorts by comm, pid, tid, path (NULL first), syscall, flags. */
void entry_list_sort(struct entry_list *l);
/* 1 if both hold the same entries in the same order, else 0. */
int entry_list_equal(const struct entry_list *a, const struct entry_list *b);
void entry_list_free(struct entry_list *l);

/* Reads a whole file into *buf (caller frees); its length, or -1. */
long test_read_file(const char *path, unsigned char **buf);
/* Writes len bytes to a new file at path; 0 or -1. */
int test_write_file(const char *path, const void *buf, size_t len);
/* Number of entries in directory dir, "." and ".." not counted. */
int test_dir_count(const char *dir);
/* Removes dir and the plain files in it. */
void test_rm_dir(const char *dir);

/* ior -folded's text of agg for fields and metric (NULL: the defaults);
 * caller frees. NULL for a bad field list or metric, or on failure. */
char *test_fold(const struct agg *agg, const char *fields, const char *metric);

/*
 * Feeds every file in the source tree's folder sub (e.g.
 * "tests/fuzz/regress/iorzst") to fn, a libFuzzer entry point that aborts
 * on a broken contract. The folder is found from the checkout the unit
 * tests were built in (IOR_TEST_SRCDIR), never from the working directory,
 * so a run from elsewhere replays the same files. The number of files
 * replayed, or -1 if the folder or one of its files cannot be read.
 */
int test_replay_dir(const char *sub, int (*fn)(const uint8_t *data, size_t size));

#endif /* IOR_TEST_AGG_UTIL_H */
