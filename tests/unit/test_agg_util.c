// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers of test_agg_util.h: deep-copied entry lists and small file
 * utilities for the tests of the aggregation and its file formats.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "folded.h"
#include "test_agg_util.h"

int entry_list_add(void *ctx, const struct agg_entry *e)
{
	struct entry_list *l = ctx;
	struct agg_entry *c;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct agg_entry *t = realloc(l->v, cap * sizeof(*t));

		if (!t)
			return -1;
		l->v = t;
		l->cap = cap;
	}
	c = &l->v[l->n];
	*c = *e;
	c->comm = strdup(e->comm);
	c->syscall = strdup(e->syscall);
	c->path = e->path ? strdup(e->path) : NULL;
	if (!c->comm || !c->syscall || (e->path && !c->path))
		return -1;
	l->n++;
	return 0;
}

int entry_list_collect(const struct agg *agg, struct entry_list *l)
{
	return agg_foreach(agg, entry_list_add, l);
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct agg_entry *a = pa, *b = pb;
	int c = strcmp(a->comm, b->comm);

	if (c)
		return c;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (!a->path != !b->path)
		return a->path ? 1 : -1;
	if (a->path && (c = strcmp(a->path, b->path)))
		return c;
	if ((c = strcmp(a->syscall, b->syscall)))
		return c;
	if (a->has_flags != b->has_flags)
		return a->has_flags ? 1 : -1;
	return a->flags < b->flags ? -1 : a->flags > b->flags;
}

void entry_list_sort(struct entry_list *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
}

int entry_list_equal(const struct entry_list *a, const struct entry_list *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct agg_entry *x = &a->v[i], *y = &b->v[i];

		if (entry_cmp(x, y) || x->count != y->count || x->dur_ns != y->dur_ns ||
		    x->gap_ns != y->gap_ns || x->bytes != y->bytes ||
		    x->dur_min_ns != y->dur_min_ns || x->dur_max_ns != y->dur_max_ns ||
		    memcmp(x->hist_dur, y->hist_dur, sizeof(x->hist_dur)) ||
		    memcmp(x->hist_gap, y->hist_gap, sizeof(x->hist_gap)))
			return 0;
	}
	return 1;
}

void entry_list_free(struct entry_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->v[i].comm);
		free((char *)l->v[i].syscall);
		free((char *)l->v[i].path);
	}
	free(l->v);
	*l = (struct entry_list){ 0 };
}

long test_read_file(const char *path, unsigned char **buf)
{
	FILE *f = fopen(path, "rb");
	long len;

	*buf = NULL;
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	*buf = malloc((size_t)len + 1);
	if (!*buf || fread(*buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	fclose(f);
	return len;
}

int test_write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wbx");

	if (!f)
		return -1;
	if (len && fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

int test_dir_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

void test_rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (unlink(path))
				rmdir(path);
		}
	closedir(d);
	rmdir(dir);
}

int test_replay_dir(const char *sub, int (*fn)(const uint8_t *data, size_t size))
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/%s", IOR_TEST_SRCDIR, sub);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[8192];
		unsigned char *buf;
		long len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = test_read_file(path, &buf);
		if (len < 0) {
			n = -1;
			break;
		}
		fn(buf, (size_t)len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

char *test_fold(const struct agg *agg, const char *fields, const char *metric)
{
	struct folded_spec spec;
	char err[256], *text = NULL;
	size_t len = 0;
	struct folded *f;
	FILE *out;

	folded_spec_default(&spec);
	if ((fields && folded_parse_fields(fields, &spec, err, sizeof(err))) ||
	    (metric && folded_parse_count(metric, &spec, err, sizeof(err))))
		return NULL;
	f = folded_new(&spec);
	out = open_memstream(&text, &len);
	if (!f || !out || agg_foreach(agg, folded_entry, f) || folded_write(f, out)) {
		if (out)
			fclose(out);
		folded_free(f);
		free(text);
		return NULL;
	}
	fclose(out);
	folded_free(f);
	return text;
}
