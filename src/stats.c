// SPDX-License-Identifier: GPL-2.0
/*
 * The dashboard's model. Per syscall a fixed array indexed like
 * ior_syscalls[]; per file and per process a growing row array found
 * through an open-addressing hash index (slots hold row index + 1, 0 is
 * empty; the index doubles at half load), so an event costs one string
 * hash and one integer hash. File names live in one arena addressed by
 * offset, so growing it never invalidates a row. Rows are never removed
 * (until stats_reset); past the caps events go to the "[other]" rows.
 * The timeline is a ring of STATS_TIMELINE per-second buckets keyed by
 * the event's own time, so live tracing and recorded files draw the same.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "stats.h"
#include "util.h"
#include "syscalls.h"
#include "tally.h"

#define NAMES_CAP_BYTES (64u << 20) /* file names held, in total, before "[other]" */

struct file_row {
	struct stats_vals v;
	uint32_t hash;
	uint32_t len;
	size_t off;        /* name in names */
};

struct proc_row {
	struct stats_vals v;
	uint32_t pid;
	char comm[17];     /* the latest name the process had, zero-padded */
};

struct index {
	uint32_t *slots;   /* row index + 1; 0 empty */
	size_t mask;       /* slots - 1; 0 when not allocated */
};

struct stats {
	struct stats_opts opts;
	struct stats_totals tot;
	struct stats_sc sc[IOR_SC_COUNT];

	struct file_row *files;
	size_t nfiles, files_alloc;
	struct index file_idx;
	char *names;
	size_t names_len, names_cap;
	struct stats_vals file_other;

	struct proc_row *procs;
	size_t nprocs, procs_alloc;
	struct index proc_idx;
	struct stats_vals proc_other;

	uint64_t tl_sec[STATS_TIMELINE];
	uint64_t tl[3][STATS_TIMELINE]; /* by enum stats_series */
	/* the second of the latest event that counted, in ns [tl_lo, tl_hi), and
	 * its bucket: the next events of that second skip the division */
	uint64_t tl_lo, tl_hi;
	size_t tl_i;
};

unsigned stats_bucket(uint64_t v)
{
	return util_log2_bucket(v);
}

uint64_t stats_bucket_lo(unsigned b)
{
	return b == 0 ? 0 : 1ull << (b < 63 ? b : 63);
}

uint64_t stats_bucket_hi(unsigned b)
{
	return b >= 63 ? UINT64_MAX : 1ull << (b + 1);
}

static void vals_merge(struct stats_vals *v, const struct stats_vals *w)
{
	v->count = util_sat_add(v->count, w->count);
	v->dur_ns = util_sat_add(v->dur_ns, w->dur_ns);
	v->gap_ns = util_sat_add(v->gap_ns, w->gap_ns);
	v->bytes = util_sat_add(v->bytes, w->bytes);
	v->errors = util_sat_add(v->errors, w->errors);
	if (w->dur_max_ns > v->dur_max_ns)
		v->dur_max_ns = w->dur_max_ns;
}

/* FNV-1a, then a final mix so the low bits (the slot) depend on every byte. */
static inline uint32_t hash_u32(uint32_t x)
{
	uint64_t h = (uint64_t)x * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

/* Makes room for n + 1 rows at half load. 0 or -ENOMEM. */
static int index_reserve(struct index *ix, size_t n, uint32_t (*rehash)(const void *, size_t),
			 const void *rows)
{
	size_t want = ix->mask ? ix->mask + 1 : 0;

	if ((n + 1) * 2 <= want)
		return 0;
	if (!want)
		want = 256;
	while ((n + 1) * 2 > want)
		want *= 2;
	uint32_t *slots = calloc(want, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t at = rehash(rows, i) & (want - 1);

		while (slots[at])
			at = (at + 1) & (want - 1);
		slots[at] = (uint32_t)(i + 1);
	}
	free(ix->slots);
	ix->slots = slots;
	ix->mask = want - 1;
	return 0;
}

static uint32_t file_rehash(const void *rows, size_t i)
{
	return ((const struct file_row *)rows)[i].hash;
}

static uint32_t proc_rehash(const void *rows, size_t i)
{
	return hash_u32(((const struct proc_row *)rows)[i].pid);
}

static int grow(void **arr, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc ? *alloc : 64;
	void *p;

	if (need <= *alloc)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*alloc = n;
	return 0;
}

struct stats *stats_new(const struct stats_opts *opts)
{
	struct stats *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (opts)
		s->opts = *opts;
	if (!s->opts.files_cap)
		s->opts.files_cap = STATS_DEFAULT_FILES;
	if (!s->opts.procs_cap)
		s->opts.procs_cap = STATS_DEFAULT_PROCS;
	return s;
}

void stats_free(struct stats *s)
{
	if (!s)
		return;
	free(s->files);
	free(s->file_idx.slots);
	free(s->names);
	free(s->procs);
	free(s->proc_idx.slots);
	free(s);
}

void stats_reset(struct stats *s)
{
	struct stats_opts opts = s->opts;

	free(s->files);
	free(s->file_idx.slots);
	free(s->names);
	free(s->procs);
	free(s->proc_idx.slots);
	memset(s, 0, sizeof(*s));
	s->opts = opts;
}

/* The row of path (len bytes, util_hash hash), created if there is room;
 * NULL: use "[other]". */
static struct stats_vals *file_row(struct stats *s, const char *path, size_t len, uint64_t hash)
{
	uint32_t h = (uint32_t)hash;
	size_t at;

	if (s->file_idx.mask) {
		for (at = h & s->file_idx.mask; s->file_idx.slots[at];
		     at = (at + 1) & s->file_idx.mask) {
			struct file_row *r = &s->files[s->file_idx.slots[at] - 1];

			if (r->hash == h && r->len == len && util_mem_eq(s->names + r->off, path, len))
				return &r->v;
		}
	}
	if (s->nfiles >= s->opts.files_cap || s->names_len + len + 1 > NAMES_CAP_BYTES ||
	    len > UINT32_MAX)
		return NULL;
	if (grow((void **)&s->files, &s->files_alloc, s->nfiles + 1, sizeof(*s->files)) ||
	    grow((void **)&s->names, &s->names_cap, s->names_len + len + 1, 1) ||
	    index_reserve(&s->file_idx, s->nfiles, file_rehash, s->files))
		return NULL;
	struct file_row *r = &s->files[s->nfiles];

	memset(r, 0, sizeof(*r));
	r->hash = h;
	r->len = (uint32_t)len;
	r->off = s->names_len;
	memcpy(s->names + s->names_len, path, len + 1);
	s->names_len += len + 1;
	for (at = h & s->file_idx.mask; s->file_idx.slots[at]; at = (at + 1) & s->file_idx.mask)
		;
	s->file_idx.slots[at] = (uint32_t)++s->nfiles;
	s->tot.files = s->nfiles;
	return &r->v;
}

/* The row of pid, created if there is room; NULL: use "[other]". comm: a
 * task name in 17 readable bytes (NUL-ended; bytes after the NUL ignored),
 * the row's name when it is made, and after that when rename is set. */
static struct stats_vals *proc_row(struct stats *s, uint32_t pid, const char *comm, bool rename)
{
	uint32_t h = hash_u32(pid);
	uint64_t cw[2];
	size_t at;

	util_comm_words(comm, cw);

	if (s->proc_idx.mask) {
		for (at = h & s->proc_idx.mask; s->proc_idx.slots[at];
		     at = (at + 1) & s->proc_idx.mask) {
			struct proc_row *r = &s->procs[s->proc_idx.slots[at] - 1];

			if (r->pid == pid) {
				/* compared as the words util_comm_words gives */
				if (rename && comm[0] && (util_load64((unsigned char *)r->comm) != cw[0] ||
						util_load64((unsigned char *)r->comm + 8) != cw[1]))
					memcpy(r->comm, cw, 16);
				return &r->v;
			}
		}
	}
	if (s->nprocs >= s->opts.procs_cap ||
	    grow((void **)&s->procs, &s->procs_alloc, s->nprocs + 1, sizeof(*s->procs)) ||
	    index_reserve(&s->proc_idx, s->nprocs, proc_rehash, s->procs))
		return NULL;
	struct proc_row *r = &s->procs[s->nprocs];

	memset(r, 0, sizeof(*r));
	r->pid = pid;
	memcpy(r->comm, cw, 16);
	for (at = h & s->proc_idx.mask; s->proc_idx.slots[at]; at = (at + 1) & s->proc_idx.mask)
		;
	s->proc_idx.slots[at] = (uint32_t)++s->nprocs;
	s->tot.procs = s->nprocs;
	return &r->v;
}

enum { RW_READ = 1, RW_WRITE = 2 };

/* Whether bytes of syscall sc count as read, written or both. */
static unsigned rw_of(int sc)
{
	if (sc < 0 || sc >= IOR_SC_COUNT)
		return 0;
	switch (ior_syscalls[sc].family) {
	case IOR_FAM_READ:
	case IOR_FAM_ATTR:
		return RW_READ;
	case IOR_FAM_WRITE:
		return RW_WRITE;
	case IOR_FAM_COPY:
		return RW_READ | RW_WRITE;
	default:
		return 0;
	}
}

static void count_bytes(struct stats *s, int sc, uint64_t bytes)
{
	unsigned rw = bytes ? rw_of(sc) : 0;

	if (rw & RW_READ)
		s->tot.read_bytes = util_sat_add(s->tot.read_bytes, bytes);
	if (rw & RW_WRITE)
		s->tot.write_bytes = util_sat_add(s->tot.write_bytes, bytes);
}

/* Moves the timeline bucket of sec to sec if sec is newer; 0 when sec is too old. */
static uint64_t timeline_slot(struct stats *s, uint64_t sec)
{
	size_t i = sec % STATS_TIMELINE;

	if (s->tl_sec[i] == sec)
		return sec;
	if (s->tl_sec[i] > sec)
		return 0;
	s->tl_sec[i] = sec;
	for (int k = 0; k < 3; k++)
		s->tl[k][i] = 0;
	return sec;
}

void stats_add_times(struct stats *s, const struct ior_event *ev)
{
	size_t i;

	if (!ev->time_ns)
		return;
	if (!s->tot.first_ns || ev->time_ns < s->tot.first_ns)
		s->tot.first_ns = ev->time_ns;
	if (ev->time_ns > s->tot.last_ns)
		s->tot.last_ns = ev->time_ns;
	if (ev->time_ns - s->tl_lo < s->tl_hi - s->tl_lo) {
		i = s->tl_i; /* the bucket still holds that second: only a newer one moves it */
	} else {
		uint64_t sec = timeline_slot(s, ev->time_ns / 1000000000u);

		if (!sec)
			return;
		i = sec % STATS_TIMELINE;
		s->tl_lo = sec * 1000000000u;
		s->tl_hi = s->tl_lo + 1000000000u;
		s->tl_i = i;
	}
	unsigned rw = ev->bytes ? rw_of(ev->sc) : 0;

	s->tl[STATS_SERIES_EVENTS][i]++;
	if (rw & RW_READ)
		s->tl[STATS_SERIES_READ][i] += ev->bytes;
	if (rw & RW_WRITE)
		s->tl[STATS_SERIES_WRITE][i] += ev->bytes;
}

void stats_add_cell(struct stats *s, const struct ior_cell *c)
{
	struct stats_vals w = {
		.count = c->count,
		.dur_ns = c->dur_ns,
		.gap_ns = c->gap_ns,
		.bytes = c->bytes,
		.errors = c->errors,
		.dur_max_ns = c->dur_max_ns,
	};
	struct stats_vals *v;

	if (!c->count)
		return;
	vals_merge(&s->tot.v, &w);
	if (c->sc >= 0 && c->sc < IOR_SC_COUNT) {
		struct stats_sc *x = &s->sc[c->sc];

		if (!x->v.count || c->dur_min_ns < x->dur_min_ns)
			x->dur_min_ns = c->dur_min_ns;
		if (c->gap_max_ns > x->gap_max_ns)
			x->gap_max_ns = c->gap_max_ns;
		vals_merge(&x->v, &w);
		for (unsigned b = c->dur_lo; b <= c->dur_hi; b++)
			x->hist_dur[b] += c->hist_dur[b];
		for (unsigned b = c->gap_lo; b <= c->gap_hi; b++)
			x->hist_gap[b] += c->hist_gap[b];
		count_bytes(s, c->sc, c->bytes);
	}
	if (c->path) {
		v = file_row(s, c->path, c->path_len, c->path_hash);
		if (!v) {
			v = &s->file_other;
			s->tot.files_folded = util_sat_add(s->tot.files_folded, c->count);
		}
		vals_merge(v, &w);
	}
	v = proc_row(s, c->pid, c->comm, c->latest_comm);
	if (!v) {
		v = &s->proc_other;
		s->tot.procs_folded = util_sat_add(s->tot.procs_folded, c->count);
	}
	vals_merge(v, &w);
}

void stats_add_event(struct stats *s, const struct ior_event *ev)
{
	struct ior_cell c;

	stats_add_times(s, ev);
	ior_cell_of_event(&c, ev);
	stats_add_cell(s, &c);
}

int stats_event_fn(void *ctx, const struct ior_event *ev)
{
	stats_add_event(ctx, ev);
	return 0;
}

void stats_add_aggregate(struct stats *s, const struct agg_entry *e)
{
	struct stats_vals w = {
		.count = e->count,
		.dur_ns = e->dur_ns,
		.gap_ns = e->gap_ns,
		.bytes = e->bytes,
		.dur_max_ns = e->dur_max_ns,
	};
	int sc = e->syscall ? ior_syscall_by_name(e->syscall) : -1;
	struct stats_vals *v;

	if (!e->count)
		return;
	s->tot.aggregated = true;
	vals_merge(&s->tot.v, &w);
	if (sc >= 0) {
		struct stats_sc *c = &s->sc[sc];
		uint64_t gmax = 0;

		if (!c->v.count || e->dur_min_ns < c->dur_min_ns)
			c->dur_min_ns = e->dur_min_ns;
		for (unsigned b = 0; b < STATS_HIST_BUCKETS; b++) {
			c->hist_dur[b] = util_sat_add(c->hist_dur[b], e->hist_dur[b]);
			c->hist_gap[b] = util_sat_add(c->hist_gap[b], e->hist_gap[b]);
			if (e->hist_gap[b])
				gmax = stats_bucket_hi(b) - 1;
		}
		/* aggregates keep no gap maximum: the top bucket's bound stands in */
		if (gmax > c->gap_max_ns)
			c->gap_max_ns = gmax;
		vals_merge(&c->v, &w);
		count_bytes(s, sc, e->bytes);
	} else if (!agg_entry_is_other(e)) {
		s->tot.unknown_sc = util_sat_add(s->tot.unknown_sc, e->count);
	}
	if (e->path && !agg_entry_is_other(e)) {
		size_t len = strlen(e->path);

		v = file_row(s, e->path, len, util_hash(e->path, len));
		if (!v) {
			v = &s->file_other;
			s->tot.files_folded = util_sat_add(s->tot.files_folded, e->count);
		}
		vals_merge(v, &w);
	} else if (e->path) {
		vals_merge(&s->file_other, &w);
	}
	char comm[17] = "";

	if (e->comm)
		strncpy(comm, e->comm, sizeof(comm) - 1);
	v = agg_entry_is_other(e) ? NULL : proc_row(s, e->pid, comm, true);
	if (!v) {
		v = &s->proc_other;
		if (!agg_entry_is_other(e))
			s->tot.procs_folded = util_sat_add(s->tot.procs_folded, e->count);
	}
	vals_merge(v, &w);
}

const struct stats_totals *stats_totals(const struct stats *s)
{
	return &s->tot;
}

const struct stats_sc *stats_syscall(const struct stats *s, int sc)
{
	static const struct stats_sc none;

	return sc >= 0 && sc < IOR_SC_COUNT ? &s->sc[sc] : &none;
}

void stats_timeline(const struct stats *s, enum stats_series which, uint64_t end_sec,
		    uint64_t *out, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint64_t sec = end_sec - n + k;
		size_t i = sec % STATS_TIMELINE;

		out[k] = end_sec >= n - k && s->tl_sec[i] == sec ? s->tl[which][i] : 0;
	}
}

uint64_t stats_percentile(const uint64_t hist[STATS_HIST_BUCKETS], double p, uint64_t lo,
			  uint64_t hi)
{
	uint64_t total = 0, cum = 0, rank, v;

	for (unsigned b = 0; b < STATS_HIST_BUCKETS; b++)
		total = util_sat_add(total, hist[b]);
	if (!total || p <= 0)
		return 0;
	if (p > 100)
		p = 100;
	rank = (uint64_t)((double)total * p / 100.0);
	if ((double)rank < (double)total * p / 100.0)
		rank++;
	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < STATS_HIST_BUCKETS; b++) {
		if (!hist[b])
			continue;
		if (cum + hist[b] >= rank) {
			double lo_b = (double)stats_bucket_lo(b), hi_b = (double)stats_bucket_hi(b);
			double frac = (double)(rank - cum) / (double)hist[b];
			double x = lo_b + (hi_b - lo_b) * frac;

			v = x >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)x;
			if (v < lo)
				v = lo;
			if (v > hi)
				v = hi;
			return v;
		}
		cum += hist[b];
	}
	return hi;
}

/* ---- snapshots ---------------------------------------------------------- */

static int table_push(struct stats_table *t, const char *name, size_t len, uint64_t id,
		      const struct stats_vals *v, bool other)
{
	if (grow((void **)&t->rows, &t->cap, t->n + 1, sizeof(*t->rows)))
		return -ENOMEM;
	if (grow((void **)&t->names, &t->names_cap, t->names_len + len + 1, 1))
		return -ENOMEM;
	memcpy(t->names + t->names_len, name, len);
	t->names[t->names_len + len] = '\0';
	/* names may move while pushing: keep offsets, fix pointers at the end */
	t->rows[t->n] = (struct stats_row){ .name = (const char *)(uintptr_t)t->names_len,
					    .id = id, .v = *v, .other = other };
	t->names_len += len + 1;
	t->n++;
	return 0;
}

static void table_fix_names(struct stats_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->rows[i].name = t->names + (uintptr_t)t->rows[i].name;
}

/* Length of the directory part of path: "/a/b" -> "/a", "/a" -> "/", "x" -> "x". */
static size_t dir_len(const char *path, size_t len)
{
	const char *slash = memrchr(path, '/', len);

	if (!slash)
		return len;
	return slash == path ? 1 : (size_t)(slash - path);
}

static uint32_t u32_at(const void *arr, size_t i)
{
	return ((const uint32_t *)arr)[i];
}

static int snapshot_dirs(const struct stats *s, struct stats_table *t)
{
	struct index ix = { 0 };
	uint32_t *hashes = NULL;
	size_t hashes_alloc = 0;
	int err = 0;

	for (size_t i = 0; i < s->nfiles && !err; i++) {
		const struct file_row *f = &s->files[i];
		const char *path = s->names + f->off;
		size_t len = dir_len(path, f->len);
		uint32_t h = (uint32_t)util_hash(path, len);
		size_t at;
		bool found = false;

		if (ix.mask) {
			for (at = h & ix.mask; ix.slots[at]; at = (at + 1) & ix.mask) {
				struct stats_row *r = &t->rows[ix.slots[at] - 1];
				const char *name = t->names + (uintptr_t)r->name;

				if (hashes[ix.slots[at] - 1] == h && strlen(name) == len &&
				    !memcmp(name, path, len)) {
					vals_merge(&r->v, &f->v);
					r->id++;
					found = true;
					break;
				}
			}
		}
		if (found)
			continue;
		if (grow((void **)&hashes, &hashes_alloc, t->n + 1, sizeof(*hashes)) ||
		    index_reserve(&ix, t->n, u32_at, hashes) ||
		    table_push(t, path, len, 1, &f->v, false)) {
			err = -ENOMEM;
			break;
		}
		hashes[t->n - 1] = h;
		for (at = h & ix.mask; ix.slots[at]; at = (at + 1) & ix.mask)
			;
		ix.slots[at] = (uint32_t)t->n;
	}
	free(ix.slots);
	free(hashes);
	return err;
}

int stats_snapshot(const struct stats *s, enum stats_view view, struct stats_table *t)
{
	int err = 0;

	t->n = 0;
	t->names_len = 0;
	t->view = view;
	switch (view) {
	case STATS_VIEW_SYSCALLS:
		for (int i = 0; i < IOR_SC_COUNT && !err; i++)
			if (s->sc[i].v.count)
				err = table_push(t, ior_syscalls[i].name,
						 strlen(ior_syscalls[i].name), (uint64_t)i,
						 &s->sc[i].v, false);
		break;
	case STATS_VIEW_FILES:
		for (size_t i = 0; i < s->nfiles && !err; i++)
			err = table_push(t, s->names + s->files[i].off, s->files[i].len, 1,
					 &s->files[i].v, false);
		break;
	case STATS_VIEW_DIRS:
		err = snapshot_dirs(s, t);
		break;
	case STATS_VIEW_PROCS:
		for (size_t i = 0; i < s->nprocs && !err; i++)
			err = table_push(t, s->procs[i].comm, strlen(s->procs[i].comm),
					 s->procs[i].pid, &s->procs[i].v, false);
		break;
	}
	if (!err && (view == STATS_VIEW_FILES || view == STATS_VIEW_DIRS) && s->file_other.count)
		err = table_push(t, STATS_OTHER, strlen(STATS_OTHER), 0, &s->file_other, true);
	if (!err && view == STATS_VIEW_PROCS && s->proc_other.count)
		err = table_push(t, STATS_OTHER, strlen(STATS_OTHER), 0, &s->proc_other, true);
	table_fix_names(t);
	return err;
}

uint64_t stats_avg(const struct stats_vals *v)
{
	return v->count ? v->dur_ns / v->count : 0;
}

bool stats_key_default_desc(enum stats_key key)
{
	return key != STATS_KEY_NAME;
}

static uint64_t key_value(const struct stats_row *r, enum stats_key key)
{
	switch (key) {
	case STATS_KEY_ID: return r->id;
	case STATS_KEY_COUNT: return r->v.count;
	case STATS_KEY_DUR: return r->v.dur_ns;
	case STATS_KEY_AVG: return stats_avg(&r->v);
	case STATS_KEY_MAX: return r->v.dur_max_ns;
	case STATS_KEY_GAP: return r->v.gap_ns;
	case STATS_KEY_BYTES: return r->v.bytes;
	case STATS_KEY_ERRORS: return r->v.errors;
	case STATS_KEY_NAME: break;
	}
	return 0;
}

struct sort_by {
	enum stats_key key;
	bool desc;
};

static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct stats_row *a = pa, *b = pb;
	const struct sort_by *by = ctx;
	enum stats_key sort_key = by->key;
	int c = 0;

	/* "[other]" always sorts last: it is not a peer of the named rows */
	if (a->other != b->other)
		return a->other ? 1 : -1;
	if (sort_key == STATS_KEY_NAME) {
		c = strcmp(a->name, b->name);
	} else {
		uint64_t x = key_value(a, sort_key), y = key_value(b, sort_key);

		c = x < y ? -1 : x > y;
	}
	if (by->desc)
		c = -c;
	if (!c)
		c = strcmp(a->name, b->name);
	if (!c)
		c = a->id < b->id ? -1 : a->id > b->id;
	return c;
}

void stats_table_sort(struct stats_table *t, enum stats_key key, bool desc)
{
	struct sort_by by = { key, desc };

	if (t->n > 1)
		qsort_r(t->rows, t->n, sizeof(*t->rows), row_cmp, &by);
}

long stats_table_find(const struct stats_table *t, const char *name, uint64_t id)
{
	bool by_id = t->view == STATS_VIEW_SYSCALLS || t->view == STATS_VIEW_PROCS;

	for (size_t i = 0; i < t->n; i++)
		if ((!by_id || t->rows[i].id == id) && !strcmp(t->rows[i].name, name))
			return (long)i;
	return -1;
}

void stats_table_free(struct stats_table *t)
{
	free(t->rows);
	free(t->names);
	memset(t, 0, sizeof(*t));
}
