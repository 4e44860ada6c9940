// SPDX-License-Identifier: GPL-2.0
/*
 * The aggregation table: entries in one growable array (insertion order),
 * found through an open-addressing index of (32 hash bits, entry number)
 * slots, so a hit costs one hash of the key fields and one comparison.
 * Key strings are interned in a second table, so memory grows with the
 * distinct strings, and histograms store only the span of buckets in use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "syscalls.h"
#include "tally.h"
#include "util.h"

#define HASH_NULL 0x2545f4914f6cdd1dull /* path of an event that names no file */
#define UNKNOWN_SC "unknown"

/* Buckets lo .. lo+n-1 of a histogram; c is NULL while n is 0. */
struct hist {
	uint64_t *c;
	uint8_t lo;
	uint8_t n;
};

struct entry {
	uint64_t hash;
	uint64_t cw[2];       /* comm zero-padded, when comm_len <= 16 */
	const char *comm;     /* interned */
	const char *path;     /* interned, or NULL */
	const char *syscall;  /* interned */
	uint32_t comm_len;
	uint32_t path_len;
	uint32_t pid;
	uint32_t tid;
	int32_t flags;
	bool has_flags;
	uint8_t fold;         /* enum fold: the level the key was made at */
	uint64_t count;
	uint64_t dur;
	uint64_t gap;
	uint64_t bytes;
	uint64_t dur_min;     /* UINT64_MAX while count is 0 */
	uint64_t dur_max;
	struct hist hdur;
	struct hist hgap;
};

/* A key being looked up: strings not yet interned, except syscall. */
struct key {
	uint64_t cw[2];
	const char *comm;
	const char *path;
	const char *syscall;
	size_t comm_len;
	size_t path_len;
	uint64_t hcomm;
	uint64_t hpath;
	uint64_t hsc;
	uint64_t hash;
	uint32_t pid;
	uint32_t tid;
	int32_t flags;
	bool has_flags;
};

/*
 * How much of a key past the cap is kept: the whole key, the key with its
 * path cut to the directory ("/tmp/x/"), the key with its path replaced
 * by "[other files]", or nothing (the "[other]" entry).
 */
enum fold { FOLD_NONE, FOLD_DIR, FOLD_FILES, FOLD_OTHER };

struct slot {
	uint32_t hash;  /* low bits of the entry's hash */
	uint32_t idx;   /* entry number + 1; 0: empty */
};

struct istr {
	uint64_t hash;
	char *s;        /* NULL: empty slot */
	size_t len;
};

struct agg {
	struct entry *entries;
	size_t nentries;
	size_t alloc;
	struct slot *slots;
	size_t mask;
	struct istr *strs;
	size_t smask;
	size_t nstrs;
	const char *sc_name[IOR_SC_COUNT + 1]; /* interned; the last: unknown */
	uint64_t sc_hash[IOR_SC_COUNT + 1];
	struct entry other;
	size_t cap;
	size_t fold_cap;          /* keys allowed at FOLD_DIR, and again at FOLD_FILES */
	size_t nkeys[FOLD_OTHER]; /* keys held at each level but the "[other]" entry */
	uint64_t events;
	uint64_t folded[FOLD_OTHER + 1]; /* events per level; [FOLD_NONE] unused */
};

/* The hash of a comm of up to 16 bytes from its zero-padded words. */
static void comm_words_hash(struct key *k)
{
	k->hcomm = util_mum(k->cw[0] ^ UTIL_MUL2, k->cw[1] ^ k->comm_len ^ UTIL_MUL3);
}

/* Sets the comm's words (zero-padded, if it has up to 16 bytes) and hash. */
static void comm_hash(struct key *k)
{
	k->cw[0] = k->cw[1] = 0;
	if (k->comm_len > 16) {
		k->hcomm = util_hash(k->comm, k->comm_len);
		return;
	}
	memcpy(k->cw, k->comm, k->comm_len);
	comm_words_hash(k);
}

static void key_hash(struct key *k)
{
	uint64_t a = k->hcomm ^ (((uint64_t)k->pid << 32) | k->tid);
	uint64_t b = k->hpath ^ k->hsc ^
		     ((uint64_t)(uint32_t)k->flags | ((uint64_t)k->has_flags << 32));

	k->hash = util_mum(util_mum(a ^ UTIL_MUL1, b ^ UTIL_MUL2), UTIL_MUL3);
}

unsigned agg_bucket(uint64_t v)
{
	return util_log2_bucket(v);
}

bool agg_entry_is_other(const struct agg_entry *e)
{
	return e->comm && e->path && e->syscall && strcmp(e->comm, AGG_OTHER) == 0 &&
	       strcmp(e->path, AGG_OTHER) == 0 && strcmp(e->syscall, AGG_OTHER) == 0;
}

/* ---- interned strings ----------------------------------------------- */

static int strs_grow(struct agg *agg)
{
	size_t n = (agg->smask + 1) * 2;
	struct istr *t = calloc(n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i <= agg->smask; i++) {
		struct istr *o = &agg->strs[i];
		size_t j;

		if (!o->s)
			continue;
		for (j = o->hash & (n - 1); t[j].s; j = (j + 1) & (n - 1))
			;
		t[j] = *o;
	}
	free(agg->strs);
	agg->strs = t;
	agg->smask = n - 1;
	return 0;
}

/* The interned copy of p[0..len) whose util_hash is h; NULL on ENOMEM. */
static const char *intern(struct agg *agg, const char *p, size_t len, uint64_t h)
{
	size_t j;
	char *s;

	for (j = h & agg->smask; agg->strs[j].s; j = (j + 1) & agg->smask) {
		struct istr *o = &agg->strs[j];

		if (o->hash == h && o->len == len && util_mem_eq(o->s, p, len))
			return o->s;
	}
	if ((agg->nstrs + 1) * 2 > agg->smask + 1) {
		if (strs_grow(agg))
			return NULL;
		for (j = h & agg->smask; agg->strs[j].s; j = (j + 1) & agg->smask)
			;
	}
	s = malloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, p, len);
	s[len] = '\0';
	agg->strs[j] = (struct istr){ .hash = h, .s = s, .len = len };
	agg->nstrs++;
	return s;
}

/* ---- histograms ----------------------------------------------------- */

/* Makes h cover buckets lo..hi (inclusive). */
static int hist_cover(struct hist *h, unsigned lo, unsigned hi)
{
	unsigned olo = h->lo, ohi = h->lo + h->n - 1;
	uint64_t *c;

	if (h->n) {
		if (lo >= olo && hi <= ohi)
			return 0;
		lo = lo < olo ? lo : olo;
		hi = hi > ohi ? hi : ohi;
	}
	c = calloc(hi - lo + 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (h->n)
		memcpy(c + (olo - lo), h->c, h->n * sizeof(*c));
	free(h->c);
	h->c = c;
	h->lo = (uint8_t)lo;
	h->n = (uint8_t)(hi - lo + 1);
	return 0;
}

static inline int hist_cover1(struct hist *h, unsigned b)
{
	if (b - h->lo < h->n)
		return 0;
	return hist_cover(h, b, b);
}

/* Caller made sure h covers b. */
static inline void hist_inc(struct hist *h, unsigned b, uint64_t n)
{
	uint64_t *c = &h->c[b - h->lo];

	*c = util_sat_add(*c, n);
}

static void hist_export(const struct hist *h, uint64_t out[AGG_HIST_BUCKETS])
{
	memset(out, 0, AGG_HIST_BUCKETS * sizeof(*out));
	if (h->n)
		memcpy(out + h->lo, h->c, h->n * sizeof(*out));
}

/* ---- the table ------------------------------------------------------ */

struct agg *agg_new(size_t cap)
{
	struct agg *agg = calloc(1, sizeof(*agg));

	if (!agg)
		return NULL;
	if (cap == 0)
		cap = AGG_DEFAULT_CAP;
	/* entry numbers are 32-bit: exact and folded keys together must fit */
	if (cap > UINT32_MAX / 2)
		cap = UINT32_MAX / 2;
	agg->cap = cap;
	agg->fold_cap = cap / 4 ? cap / 4 : 1;
	agg->mask = 1023;
	agg->smask = 1023;
	agg->slots = calloc(agg->mask + 1, sizeof(*agg->slots));
	agg->strs = calloc(agg->smask + 1, sizeof(*agg->strs));
	if (!agg->slots || !agg->strs) {
		agg_free(agg);
		return NULL;
	}
	agg->other = (struct entry){
		.comm = AGG_OTHER, .path = AGG_OTHER, .syscall = AGG_OTHER,
		.comm_len = sizeof(AGG_OTHER) - 1, .path_len = sizeof(AGG_OTHER) - 1,
		.dur_min = UINT64_MAX,
	};
	return agg;
}

void agg_free(struct agg *agg)
{
	if (!agg)
		return;
	for (size_t i = 0; i < agg->nentries; i++) {
		free(agg->entries[i].hdur.c);
		free(agg->entries[i].hgap.c);
	}
	free(agg->other.hdur.c);
	free(agg->other.hgap.c);
	if (agg->strs)
		for (size_t i = 0; i <= agg->smask; i++)
			free(agg->strs[i].s);
	free(agg->strs);
	free(agg->slots);
	free(agg->entries);
	free(agg);
}

static bool entry_matches(const struct entry *e, const struct key *k)
{
	if (e->hash != k->hash || e->pid != k->pid || e->tid != k->tid ||
	    e->syscall != k->syscall || e->has_flags != k->has_flags ||
	    (k->has_flags && e->flags != k->flags) || e->comm_len != k->comm_len)
		return false;
	if (k->comm_len <= 16 ? e->cw[0] != k->cw[0] || e->cw[1] != k->cw[1]
			      : memcmp(e->comm, k->comm, k->comm_len) != 0)
		return false;
	if (!e->path || !k->path)
		return !e->path && !k->path;
	return e->path_len == k->path_len && util_mem_eq(e->path, k->path, k->path_len);
}

static int slots_grow(struct agg *agg)
{
	size_t n = (agg->mask + 1) * 2;
	struct slot *t = calloc(n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < agg->nentries; i++) {
		uint64_t h = agg->entries[i].hash;
		size_t j;

		for (j = h & (n - 1); t[j].idx; j = (j + 1) & (n - 1))
			;
		t[j] = (struct slot){ .hash = (uint32_t)h, .idx = (uint32_t)i + 1 };
	}
	free(agg->slots);
	agg->slots = t;
	agg->mask = n - 1;
	return 0;
}

/* Creates the entry of k at slot j, a key of level fold; NULL on ENOMEM. */
static struct entry *entry_insert(struct agg *agg, const struct key *k, size_t j,
				  enum fold fold)
{
	struct entry *e;
	const char *comm, *path = NULL;

	if (agg->nentries == agg->alloc) {
		size_t n = agg->alloc ? agg->alloc * 2 : 256;
		struct entry *t = realloc(agg->entries, n * sizeof(*t));

		if (!t)
			return NULL;
		agg->entries = t;
		agg->alloc = n;
	}
	comm = intern(agg, k->comm, k->comm_len, k->hcomm);
	if (k->path)
		path = intern(agg, k->path, k->path_len, k->hpath);
	if (!comm || (k->path && !path))
		return NULL;
	if ((agg->nentries + 1) * 2 > agg->mask + 1) {
		if (slots_grow(agg))
			return NULL;
		for (j = k->hash & agg->mask; agg->slots[j].idx; j = (j + 1) & agg->mask)
			;
	}
	e = &agg->entries[agg->nentries];
	*e = (struct entry){
		.hash = k->hash, .cw = { k->cw[0], k->cw[1] },
		.comm = comm, .path = path, .syscall = k->syscall,
		.comm_len = (uint32_t)k->comm_len, .path_len = (uint32_t)k->path_len,
		.pid = k->pid, .tid = k->tid, .flags = k->has_flags ? k->flags : 0,
		.has_flags = k->has_flags, .dur_min = UINT64_MAX,
		/* a key without a path kept in the last budget lost nothing */
		.fold = (uint8_t)(k->path ? fold : FOLD_NONE),
	};
	agg->slots[j] = (struct slot){ .hash = (uint32_t)k->hash,
				       .idx = (uint32_t)++agg->nentries };
	agg->nkeys[fold]++;
	return e;
}

/* The entry of k, or NULL with *j set to the empty slot where k belongs. */
static struct entry *entry_find(struct agg *agg, const struct key *k, size_t *j)
{
	for (*j = k->hash & agg->mask; agg->slots[*j].idx; *j = (*j + 1) & agg->mask) {
		const struct slot *s = &agg->slots[*j];

		if (s->hash == (uint32_t)k->hash && entry_matches(&agg->entries[s->idx - 1], k))
			return &agg->entries[s->idx - 1];
	}
	return NULL;
}

/* The entry of k at level fold: the existing one (whatever level made it),
 * or a new one while that level has room (NULL with *full set when it has
 * none, or on ENOMEM). */
static struct entry *entry_at(struct agg *agg, const struct key *k, enum fold fold, bool *full)
{
	size_t j, room = fold == FOLD_NONE ? agg->cap : agg->fold_cap;
	struct entry *e = entry_find(agg, k, &j);

	*full = false;
	if (e)
		return e;
	if (agg->nkeys[fold] >= room) {
		*full = true;
		return NULL;
	}
	return entry_insert(agg, k, j, fold);
}

/* k with its path replaced by len bytes at path. */
static void key_with_path(struct key *out, const struct key *k, const char *path, size_t len)
{
	*out = *k;
	out->path = path;
	out->path_len = len;
	out->hpath = util_hash(path, len);
	key_hash(out);
}

/*
 * The entry of k, created if new. Past the cap the least valuable field
 * goes first: the path is cut to its directory, then replaced by "[other
 * files]", comm, ids, syscall and flags kept exact; only when those keys
 * run out of room too does the event go to the "[other]" entry. *fold
 * says which happened. NULL on ENOMEM.
 */
static struct entry *entry_get(struct agg *agg, const struct key *k, enum fold *fold)
{
	const char *slash;
	struct entry *e;
	struct key cut;
	bool full;

	e = entry_at(agg, k, FOLD_NONE, &full);
	/* a folded key seen again (merged from a file) counts as folded again */
	*fold = e ? (enum fold)e->fold : FOLD_NONE;
	if (!full)
		return e;
	slash = k->path ? memrchr(k->path, '/', k->path_len) : NULL;
	if (slash) {
		*fold = FOLD_DIR;
		key_with_path(&cut, k, k->path, (size_t)(slash - k->path) + 1);
		e = entry_at(agg, &cut, FOLD_DIR, &full);
		if (!full)
			return e;
	}
	/* a key that names no file loses nothing here: it is not counted as folded */
	*fold = k->path ? FOLD_FILES : FOLD_NONE;
	if (k->path)
		key_with_path(&cut, k, AGG_OTHER_FILES, sizeof(AGG_OTHER_FILES) - 1);
	else
		cut = *k;
	e = entry_at(agg, &cut, FOLD_FILES, &full);
	if (!full)
		return e;
	*fold = FOLD_OTHER;
	return &agg->other;
}

static int sc_intern(struct agg *agg, int sc)
{
	unsigned i = sc >= 0 && sc < IOR_SC_COUNT ? (unsigned)sc : IOR_SC_COUNT;
	const char *name = i < IOR_SC_COUNT ? ior_syscalls[i].name : UNKNOWN_SC;
	size_t len = strlen(name);
	uint64_t h = util_hash(name, len);

	agg->sc_name[i] = intern(agg, name, len, h);
	agg->sc_hash[i] = h;
	return agg->sc_name[i] ? (int)i : -ENOMEM;
}

/* Sets k from an event's or a cell's key fields (comm in 17 bytes, NUL-ended;
 * path NULL or path_len bytes hashing to hpath). 0 or -ENOMEM. */
static int key_init(struct agg *agg, struct key *k, int sc, const char *comm, const char *path,
		    size_t path_len, uint64_t hpath, uint32_t pid, uint32_t tid, int32_t flags,
		    bool has_flags)
{
	unsigned sci = sc >= 0 && sc < IOR_SC_COUNT ? (unsigned)sc : IOR_SC_COUNT;

	if (!agg->sc_name[sci] && sc_intern(agg, sc) < 0)
		return -ENOMEM;
	k->comm = comm;
	k->comm_len = util_comm_words(comm, k->cw);
	comm_words_hash(k);
	k->path = path;
	k->path_len = path ? path_len : 0;
	k->hpath = path ? hpath : HASH_NULL;
	k->syscall = agg->sc_name[sci];
	k->hsc = agg->sc_hash[sci];
	k->pid = pid;
	k->tid = tid;
	k->flags = has_flags ? flags : 0;
	k->has_flags = has_flags;
	key_hash(k);
	return 0;
}

/* Adds n events with these sums and extremes to e. */
static void entry_add(struct agg *agg, struct entry *e, enum fold fold, uint64_t n, uint64_t dur,
		      uint64_t gap, uint64_t bytes, uint64_t dur_min, uint64_t dur_max)
{
	e->count = util_sat_add(e->count, n);
	e->dur = util_sat_add(e->dur, dur);
	e->gap = util_sat_add(e->gap, gap);
	e->bytes = util_sat_add(e->bytes, bytes);
	if (dur_min < e->dur_min)
		e->dur_min = dur_min;
	if (dur_max > e->dur_max)
		e->dur_max = dur_max;
	agg->events = util_sat_add(agg->events, n);
	agg->folded[fold] = util_sat_add(agg->folded[fold], n);
}

int agg_add(struct agg *agg, const struct ior_event *ev)
{
	unsigned bd = agg_bucket(ev->duration_ns), bg = agg_bucket(ev->gap_ns);
	uint64_t hpath = 0;
	size_t path_len = ev->path ? ior_event_path_key(ev, &hpath) : 0;
	struct key k;
	struct entry *e;
	enum fold fold;

	if (path_len > UINT32_MAX)
		return -ENAMETOOLONG;
	if (key_init(agg, &k, ev->sc, ev->comm, ev->path, path_len, hpath, ev->pid, ev->tid,
		     ev->flags, ev->has_flags))
		return -ENOMEM;
	e = entry_get(agg, &k, &fold);
	if (!e || hist_cover1(&e->hdur, bd) || hist_cover1(&e->hgap, bg))
		return -ENOMEM;
	entry_add(agg, e, fold, 1, ev->duration_ns, ev->gap_ns, ev->bytes, ev->duration_ns,
		  ev->duration_ns);
	hist_inc(&e->hdur, bd, 1);
	hist_inc(&e->hgap, bg, 1);
	return 0;
}

int agg_add_cell(struct agg *agg, const struct ior_cell *c)
{
	struct key k;
	struct entry *e;
	enum fold fold;

	if (!c->count)
		return 0;
	if (key_init(agg, &k, c->sc, c->comm, c->path, c->path_len, c->path_hash, c->pid, c->tid,
		     c->flags, c->has_flags))
		return -ENOMEM;
	e = entry_get(agg, &k, &fold);
	if (!e || hist_cover(&e->hdur, c->dur_lo, c->dur_hi) ||
	    hist_cover(&e->hgap, c->gap_lo, c->gap_hi))
		return -ENOMEM;
	entry_add(agg, e, fold, c->count, c->dur_ns, c->gap_ns, c->bytes, c->dur_min_ns,
		  c->dur_max_ns);
	for (unsigned b = c->dur_lo; b <= c->dur_hi; b++)
		hist_inc(&e->hdur, b, c->hist_dur[b]);
	for (unsigned b = c->gap_lo; b <= c->gap_hi; b++)
		hist_inc(&e->hgap, b, c->hist_gap[b]);
	return 0;
}

int agg_event(void *agg, const struct ior_event *ev)
{
	return agg_add(agg, ev);
}

/* Makes h cover the non-zero buckets of v. */
static int hist_cover_all(struct hist *h, const uint64_t v[AGG_HIST_BUCKETS])
{
	int lo = -1, hi = -1;

	for (int i = 0; i < AGG_HIST_BUCKETS; i++)
		if (v[i]) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	return lo < 0 ? 0 : hist_cover(h, (unsigned)lo, (unsigned)hi);
}

static void hist_add_all(struct hist *h, const uint64_t v[AGG_HIST_BUCKETS])
{
	for (unsigned i = 0; i < AGG_HIST_BUCKETS; i++)
		if (v[i])
			hist_inc(h, i, v[i]);
}

int agg_merge_entry(struct agg *agg, const struct agg_entry *src)
{
	struct entry *e;
	struct key k;
	enum fold fold = FOLD_OTHER;

	if (!src->comm || !src->syscall)
		return -EINVAL;
	if (src->count == 0)
		return 0;
	if (agg_entry_is_other(src)) {
		e = &agg->other;
	} else {
		size_t sclen = strlen(src->syscall);

		k.comm = src->comm;
		k.comm_len = strlen(src->comm);
		comm_hash(&k);
		k.path = src->path;
		k.path_len = src->path ? strlen(src->path) : 0;
		k.hpath = src->path ? util_hash(src->path, k.path_len) : HASH_NULL;
		if (k.comm_len > UINT32_MAX || k.path_len > UINT32_MAX)
			return -ENAMETOOLONG;
		k.hsc = util_hash(src->syscall, sclen);
		k.syscall = intern(agg, src->syscall, sclen, k.hsc);
		if (!k.syscall)
			return -ENOMEM;
		k.pid = src->pid;
		k.tid = src->tid;
		k.flags = src->has_flags ? src->flags : 0;
		k.has_flags = src->has_flags;
		key_hash(&k);
		e = entry_get(agg, &k, &fold);
	}
	if (!e || hist_cover_all(&e->hdur, src->hist_dur) ||
	    hist_cover_all(&e->hgap, src->hist_gap))
		return -ENOMEM;
	entry_add(agg, e, fold, src->count, src->dur_ns, src->gap_ns, src->bytes, src->dur_min_ns,
		  src->dur_max_ns);
	hist_add_all(&e->hdur, src->hist_dur);
	hist_add_all(&e->hgap, src->hist_gap);
	return 0;
}

int agg_merge(void *agg, const struct agg_entry *e)
{
	return agg_merge_entry(agg, e);
}

static void entry_export(const struct entry *e, struct agg_entry *out)
{
	out->comm = e->comm;
	out->path = e->path;
	out->syscall = e->syscall;
	out->pid = e->pid;
	out->tid = e->tid;
	out->flags = e->flags;
	out->has_flags = e->has_flags;
	out->count = e->count;
	out->dur_ns = e->dur;
	out->gap_ns = e->gap;
	out->bytes = e->bytes;
	out->dur_min_ns = e->count ? e->dur_min : 0;
	out->dur_max_ns = e->dur_max;
	hist_export(&e->hdur, out->hist_dur);
	hist_export(&e->hgap, out->hist_gap);
}

int agg_foreach(const struct agg *agg, agg_entry_fn fn, void *ctx)
{
	struct agg_entry out;
	int rc;

	for (size_t i = 0; i < agg->nentries; i++) {
		if (!agg->entries[i].count)
			continue;
		entry_export(&agg->entries[i], &out);
		rc = fn(ctx, &out);
		if (rc)
			return rc;
	}
	if (agg->other.count) {
		entry_export(&agg->other, &out);
		return fn(ctx, &out);
	}
	return 0;
}

size_t agg_count(const struct agg *agg)
{
	return agg->nentries;
}

size_t agg_cap(const struct agg *agg)
{
	return agg->cap;
}

uint64_t agg_events(const struct agg *agg)
{
	return agg->events;
}

uint64_t agg_folded(const struct agg *agg)
{
	return agg->folded[FOLD_OTHER];
}

uint64_t agg_folded_dir(const struct agg *agg)
{
	return agg->folded[FOLD_DIR];
}

uint64_t agg_folded_files(const struct agg *agg)
{
	return agg->folded[FOLD_FILES];
}
