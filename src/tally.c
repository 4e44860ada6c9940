// SPDX-License-Identifier: GPL-2.0
/*
 * The tally: at most TALLY_CELLS cells in creation order, found through
 * 2 * TALLY_CELLS slots of open addressing (cell index + 1; 0 empty). Cell
 * paths are copied into one buffer, emptied with the cells at each flush.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "util.h"

#define SLOTS (2 * TALLY_CELLS)
#define NO_PATH SIZE_MAX

/* What an event's lookup and count touch comes first: the histograms, at
 * the end of the cell, take a line or two of their 1 KiB. */
struct tcell {
	uint64_t hash;
	uint64_t cw[2];   /* comm as util_comm_words gives it */
	uint64_t last;    /* sequence number of the cell's latest event */
	size_t path_off;  /* in paths; NO_PATH: none */
	uint8_t pid_at;   /* its pid's slot in mark_latest_names */
	struct ior_cell c;
};

struct tally {
	struct tcell cells[TALLY_CELLS];
	uint8_t slots[SLOTS];
	size_t n;
	uint64_t seq;
	char *paths;
	size_t paths_len, paths_cap;
};

_Static_assert(TALLY_CELLS < 256, "slots hold a cell index + 1 in a byte");
_Static_assert((SLOTS & (SLOTS - 1)) == 0, "slots are a power of two");
_Static_assert(TALLY_BUCKETS == 64, "buckets as util_log2_bucket");

static void values_of_event(struct ior_cell *c, const struct ior_event *ev)
{
	unsigned bd = util_log2_bucket(ev->duration_ns), bg = util_log2_bucket(ev->gap_ns);

	c->count = 1;
	c->dur_ns = c->dur_min_ns = c->dur_max_ns = ev->duration_ns;
	c->gap_ns = c->gap_max_ns = ev->gap_ns;
	c->bytes = ev->bytes;
	c->errors = ev->ret < 0;
	c->dur_lo = c->dur_hi = (uint8_t)bd;
	c->gap_lo = c->gap_hi = (uint8_t)bg;
	c->hist_dur[bd] = 1;
	c->hist_gap[bg] = 1;
}

/* An event's key, as cells compare it. */
struct tkey {
	uint64_t cw[2];      /* comm as util_comm_words gives it */
	uint64_t path_hash;
	const char *path;
	uint32_t path_len;
	uint32_t pid;
	uint32_t tid;
	int sc;
	int32_t flags;       /* 0 unless has_flags */
	bool has_flags;
};

/*
 * Sets k from ev and returns its hash, made from the values themselves:
 * read back from k, fields stored apart would be loaded as one word, which
 * waits for both stores to retire (a stall of a dozen cycles an event).
 */
static uint64_t key_of(struct tkey *k, const struct ior_event *ev)
{
	uint64_t cw[2], path_hash = 0, a, b, c;
	uint32_t pid = ev->pid, tid = ev->tid, path_len = 0;
	int32_t flags = ev->has_flags ? ev->flags : 0;
	int sc = ev->sc;

	util_comm_words(ev->comm, cw);
	if (ev->path) {
		size_t len = ior_event_path_key(ev, &path_hash);

		path_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	}
	a = cw[0] ^ ((uint64_t)pid << 32 | tid);
	b = cw[1] ^ (ev->path ? path_hash : UTIL_MUL3);
	c = (uint64_t)(uint32_t)sc << 33 ^ (uint64_t)ev->has_flags << 32 ^ (uint32_t)flags;
	k->cw[0] = cw[0];
	k->cw[1] = cw[1];
	k->path = ev->path;
	k->path_len = path_len;
	k->path_hash = path_hash;
	k->pid = pid;
	k->tid = tid;
	k->sc = sc;
	k->has_flags = ev->has_flags;
	k->flags = flags;
	return util_mum(util_mum(a ^ UTIL_MUL1, b ^ UTIL_MUL2), c ^ UTIL_MUL3);
}

/* Sets c's key from k (c->path is k's, not a copy). */
static void cell_key(struct ior_cell *c, const struct tkey *k)
{
	c->pid = k->pid;
	c->tid = k->tid;
	c->sc = k->sc;
	c->has_flags = k->has_flags;
	c->flags = k->flags;
	c->latest_comm = true;
	memcpy(c->comm, k->cw, 16);
	c->comm[16] = '\0';
	c->path = k->path;
	c->path_len = k->path_len;
	c->path_hash = k->path_hash;
}

void ior_cell_of_event(struct ior_cell *c, const struct ior_event *ev)
{
	struct tkey k;

	key_of(&k, ev);
	cell_key(c, &k);
	values_of_event(c, ev);
}

struct tally *tally_new(void)
{
	return calloc(1, sizeof(struct tally));
}

void tally_free(struct tally *t)
{
	if (!t)
		return;
	free(t->paths);
	free(t);
}

size_t tally_count(const struct tally *t)
{
	return t->n;
}

static bool key_matches(const struct tally *t, const struct tcell *x, const struct tkey *k,
			uint64_t hash)
{
	if (x->hash != hash || x->c.pid != k->pid || x->c.tid != k->tid || x->c.sc != k->sc ||
	    x->c.has_flags != k->has_flags || x->c.flags != k->flags || x->cw[0] != k->cw[0] ||
	    x->cw[1] != k->cw[1])
		return false;
	if (!k->path || x->path_off == NO_PATH)
		return !k->path && x->path_off == NO_PATH;
	return x->c.path_len == k->path_len && x->c.path_hash == k->path_hash &&
	       util_mem_eq(t->paths + x->path_off, k->path, k->path_len);
}

/* Copies the key's path into paths; its offset, or NO_PATH on ENOMEM. */
static size_t keep_path(struct tally *t, const char *path, size_t len)
{
	size_t off = t->paths_len;

	if (t->paths_cap - t->paths_len < len + 1) {
		size_t cap = t->paths_cap ? t->paths_cap : 4096;
		char *p;

		while (cap - t->paths_len < len + 1)
			cap *= 2;
		p = realloc(t->paths, cap);
		if (!p)
			return NO_PATH;
		t->paths = p;
		t->paths_cap = cap;
	}
	memcpy(t->paths + off, path, len);
	t->paths[off + len] = '\0';
	t->paths_len += len + 1;
	return off;
}

int tally_add(struct tally *t, const struct ior_event *ev)
{
	struct tkey k;
	uint64_t hash;
	size_t at;

	hash = key_of(&k, ev);
	for (at = hash & (SLOTS - 1); t->slots[at]; at = (at + 1) & (SLOTS - 1)) {
		struct tcell *x = &t->cells[t->slots[at] - 1];

		if (!key_matches(t, x, &k, hash))
			continue;
		struct ior_cell *c = &x->c;
		unsigned bd = util_log2_bucket(ev->duration_ns), bg = util_log2_bucket(ev->gap_ns);

		c->count++;
		c->dur_ns = util_sat_add(c->dur_ns, ev->duration_ns);
		c->gap_ns = util_sat_add(c->gap_ns, ev->gap_ns);
		c->bytes = util_sat_add(c->bytes, ev->bytes);
		c->errors += ev->ret < 0;
		if (ev->duration_ns < c->dur_min_ns)
			c->dur_min_ns = ev->duration_ns;
		if (ev->duration_ns > c->dur_max_ns)
			c->dur_max_ns = ev->duration_ns;
		if (ev->gap_ns > c->gap_max_ns)
			c->gap_max_ns = ev->gap_ns;
		/* a bucket enters the range at 0 */
		for (; bd < c->dur_lo; c->dur_lo--)
			c->hist_dur[c->dur_lo - 1] = 0;
		for (; bd > c->dur_hi; c->dur_hi++)
			c->hist_dur[c->dur_hi + 1] = 0;
		for (; bg < c->gap_lo; c->gap_lo--)
			c->hist_gap[c->gap_lo - 1] = 0;
		for (; bg > c->gap_hi; c->gap_hi++)
			c->hist_gap[c->gap_hi + 1] = 0;
		c->hist_dur[bd]++;
		c->hist_gap[bg]++;
		x->last = ++t->seq;
		return 0;
	}
	if (t->n == TALLY_CELLS)
		return -ENOSPC;
	struct tcell *x = &t->cells[t->n];

	x->path_off = NO_PATH;
	if (k.path && (x->path_off = keep_path(t, k.path, k.path_len)) == NO_PATH)
		return -ENOMEM;
	cell_key(&x->c, &k);
	x->c.path = NULL; /* pointed into ev; set again from paths at the flush */
	x->hash = hash;
	x->cw[0] = k.cw[0];
	x->cw[1] = k.cw[1];
	x->last = ++t->seq;
	values_of_event(&x->c, ev);
	t->slots[at] = (uint8_t)++t->n;
	return 0;
}

/*
 * Sets latest_comm on the cells whose task name is the one their process's
 * latest event carried: per pid (a table of SLOTS slots, as there are at
 * most TALLY_CELLS pids), the cell with the latest event; a cell of that pid
 * with the same name is the latest name too.
 */
static void mark_latest_names(struct tally *t)
{
	uint8_t latest[SLOTS] = { 0 }; /* cell index + 1 */

	for (size_t i = 0; i < t->n; i++) {
		struct tcell *x = &t->cells[i];
		size_t at = (size_t)(((uint64_t)x->c.pid * UTIL_MUL1) >> 57) & (SLOTS - 1);

		while (latest[at] && t->cells[latest[at] - 1].c.pid != x->c.pid)
			at = (at + 1) & (SLOTS - 1);
		if (!latest[at] || t->cells[latest[at] - 1].last < x->last)
			latest[at] = (uint8_t)(i + 1);
		x->pid_at = (uint8_t)at;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct tcell *x = &t->cells[i];
		const struct tcell *y = &t->cells[latest[x->pid_at] - 1];

		x->c.latest_comm = y->cw[0] == x->cw[0] && y->cw[1] == x->cw[1];
	}
}

void tally_flush(struct tally *t, void (*fn)(void *ctx, const struct ior_cell *c), void *ctx)
{
	mark_latest_names(t);
	for (size_t i = 0; i < t->n; i++) {
		struct tcell *x = &t->cells[i];

		x->c.path = x->path_off == NO_PATH ? NULL : t->paths + x->path_off;
		fn(ctx, &x->c);
	}
	t->n = 0;
	t->paths_len = 0;
	memset(t->slots, 0, sizeof(t->slots));
}
