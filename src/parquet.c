// SPDX-License-Identifier: GPL-2.0
/*
 * The Parquet writer: per-column buffers for the rows of the open row group,
 * their encoding into zstd-compressed v1 data pages (strings as a PLAIN
 * dictionary page plus RLE_DICTIONARY pages, falling back to PLAIN when the
 * dictionary grows past DICT_BYTES; integers DELTA_BINARY_PACKED; NULLs as
 * RLE definition levels; pages zstd would not shrink as raw zstd frames),
 * and the footer: a Thrift compact FileMetaData that lists every row group,
 * with column statistics and key-value metadata.
 *
 * File layout. The file is always
 *     PAR1 | sealed row groups | open row group | footer | length | PAR1
 * Rows collect in the open row group; each data page of an integer column,
 * or of a string column in dictionary mode, is encoded as soon as its
 * PAGE_ROWS rows are in. A save by exchange (below) writes the open row
 * group and seals it where it lies: a reader may take the footer of one
 * save from FILE and read row groups from the next (DuckDB opens the file
 * twice a query), so a save must leave every byte the previous footer
 * points to as it is, and each save is thus a row group of its own (the
 * footer grows by some 850 bytes a save: see parquet_flush_due). A save in
 * place writes the open row group (its dictionary pages, the pages encoded
 * so far and the rows after them, encoded then) with a new footer over the
 * previous version of itself, and truncates the file should it have shrunk;
 * there the open row group is sealed once flush has written it
 * PARQUET_FLUSHES_PER_GROUP times or it takes OPEN_BYTES. Either way it is
 * also sealed once it holds PARQUET_ROWS_PER_GROUP rows or its strings
 * take PARQUET_GROUP_BYTES (add seals it in memory; out holds it until the
 * next write).
 *
 * Saving by exchange. Readers find the footer from the end of the file, and
 * Linux may cut a write short when a fatal signal arrives, so no ordering
 * of writes into the file itself keeps it valid while a save rewrites its
 * tail. Two inodes each hold a complete file instead: FILE (the last
 * completed save) and its sibling .FILE.ior-swap in the same directory.
 * A save brings the sibling up to date (the sealed row groups it lacks,
 * copied from FILE; the open row group and footer, from memory), truncates
 * and fdatasyncs it, and exchanges the two names with renameat2
 * (RENAME_EXCHANGE), the one atomic step; the next save updates the other
 * inode. A kill or a power cut at any instant leaves FILE one complete save;
 * a reader that opened FILE keeps reading that save until the next one
 * writes into its inode, PARQUET_SAVE_GAP_NS or more later (tick never
 * saves sooner; close waits for it). Close removes the sibling. File
 * systems without RENAME_EXCHANGE, and a disk too full for the sibling,
 * make the writer save in place: the new bytes are allocated first, so a
 * full disk leaves the file as the last save made it, but a kill during
 * such a save can tear its tail.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "bytebuf.h"
#include "parquet.h"
#include "pqenc.h"
#include "syscalls.h"
#include "version.h"
#include "thrift.h"
#include "util.h"

#define CREATED_BY "ior version " IOR_VERSION
#define PAGE_ROWS PARQUET_PAGE_ROWS
#define PAGE_BYTES (1u << 20)     /* PLAIN string bytes per data page */
#define DICT_BYTES (1u << 20)     /* dictionary page size before falling back */
#define PENDING_BYTES (32u << 20) /* sealed row groups kept before a write */
#define OPEN_BYTES (8u << 20)     /* an open row group this big is sealed */
#define STAT_MAX 256              /* longer string min/max are not written */
#define STR_MAX (1u << 20)        /* longest string value accepted */
#define COPY_CHUNK (1u << 20)     /* bytes copied by read and write at once */
#define FIRST_ROW_BYTES 16        /* a row's guessed size before the file has one */
#define ZSTD_LEVEL 1
/*
 * A data page of at least ZSTD_RAW_MIN bytes that zstd shrinks by less than
 * 1/ZSTD_GAIN (delta-packed times and durations: about 0.2%) makes its
 * column's next ZSTD_SKIP data pages go out as zstd frames of raw blocks
 * before zstd is tried again: trying costs more than all the rest of such a
 * page's encoding. Smaller pages cost little either way and say little of
 * the pages after them (a first page of one repeated path, then many).
 */
#define ZSTD_RAW_MIN 4096
#define ZSTD_GAIN 32
#define ZSTD_SKIP 15

/* Parquet enums (parquet.thrift). */
enum { TYPE_INT32 = 1, TYPE_INT64 = 2, TYPE_BYTE_ARRAY = 6 };
enum { ENC_PLAIN = 0, ENC_RLE = 3, ENC_DELTA_BINARY_PACKED = 5, ENC_RLE_DICTIONARY = 8 };
enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };
enum { CODEC_ZSTD = 6 };
enum { REPETITION_REQUIRED = 0, REPETITION_OPTIONAL = 1 };
enum { CONVERTED_UTF8 = 0 };

enum column_id {
	COL_TIME, COL_PID, COL_TID, COL_COMM, COL_SYSCALL, COL_FD, COL_PATH,
	COL_PATH2, COL_FLAGS, COL_RET, COL_BYTES, COL_DURATION, COL_GAP,
	NCOLS
};

enum logical { LOGICAL_NONE, LOGICAL_STRING, LOGICAL_TIMESTAMP_NS };

/* The schema, in file order (DESIGN.md section 4). */
static const struct column_def {
	const char *name;
	uint8_t type;
	uint8_t logical;
	bool optional;
} column_defs[NCOLS] = {
	[COL_TIME] = { "time_ns", TYPE_INT64, LOGICAL_TIMESTAMP_NS, false },
	[COL_PID] = { "pid", TYPE_INT32, LOGICAL_NONE, false },
	[COL_TID] = { "tid", TYPE_INT32, LOGICAL_NONE, false },
	[COL_COMM] = { "comm", TYPE_BYTE_ARRAY, LOGICAL_STRING, false },
	[COL_SYSCALL] = { "syscall", TYPE_BYTE_ARRAY, LOGICAL_STRING, false },
	[COL_FD] = { "fd", TYPE_INT32, LOGICAL_NONE, true },
	[COL_PATH] = { "path", TYPE_BYTE_ARRAY, LOGICAL_STRING, true },
	[COL_PATH2] = { "path2", TYPE_BYTE_ARRAY, LOGICAL_STRING, true },
	[COL_FLAGS] = { "flags", TYPE_INT32, LOGICAL_NONE, true },
	[COL_RET] = { "ret", TYPE_INT64, LOGICAL_NONE, false },
	[COL_BYTES] = { "bytes", TYPE_INT64, LOGICAL_NONE, false },
	[COL_DURATION] = { "duration_ns", TYPE_INT64, LOGICAL_NONE, false },
	[COL_GAP] = { "duration_to_prev_ns", TYPE_INT64, LOGICAL_NONE, false },
};

/*
 * A string column of the open row group. In dictionary mode each value is
 * an index into entries whose bytes sit back to back in bytes, found again
 * through an open-addressing table; last short-cuts a value equal to the
 * previous one (the common case: one process hammering one file). Once the
 * dictionary outgrows DICT_BYTES the column turns PLAIN for the rest of the
 * row group: bytes then holds the PLAIN encoding of every value so far.
 */
struct dict_entry {
	uint64_t hash;
	uint32_t off;
	uint32_t len;
};

/*
 * A memo maps what the caller knows of a raw value (the syscall number,
 * the task name's two words, a path's hash) to its dictionary entry,
 * skipping the escape scan, the hash and the probe. Only values stored
 * unescaped are memoised; an entry is empty when index is UINT32_MAX.
 */
#define MEMO_BITS 6
#define MEMO_SLOTS (1u << MEMO_BITS)

struct memo {
	uint64_t key;
	uint64_t key2;
	uint32_t len;
	uint32_t index;
};

struct strcol {
	bool plain;
	uint32_t *idx;            /* per value, dictionary mode */
	struct dict_entry *ent;
	uint32_t nent, ent_cap;
	uint32_t *slots;          /* entry + 1, or 0 for a free slot */
	uint32_t nslots;          /* a power of two, at least twice nent */
	uint32_t last;            /* entry of the previous value, or UINT32_MAX */
	struct bytebuf bytes;
	struct memo memo[MEMO_SLOTS];
	unsigned memo_last;       /* the slot the previous value used */
};

/* Values of one column for the rows of the open row group. NULLs are only
 * in def (optional columns): the value arrays are dense. */
struct column {
	uint32_t nvals;
	uint8_t *def;    /* per row: 1 value, 0 NULL */
	int32_t *i32;
	int64_t *i64;
	struct strcol s;
	/* Data pages of the open row group encoded as soon as their rows were
	 * in (integer and dictionary columns), so that a flush or a seal only
	 * encodes the rows after them: they cover the first stored_rows rows
	 * and stored_vals values, in stored_usize bytes before compression. */
	struct bytebuf stored;
	uint32_t stored_rows, stored_vals;
	uint64_t stored_usize;
	unsigned stored_enc;       /* bit per Encoding they use */
	struct pqenc_range stored_range; /* integers: of the stored values */
	uint8_t zraw;              /* data pages left to store raw (ZSTD_SKIP) */
};

/* What the footer says of one column chunk, gathered while encoding it. */
struct chunk {
	uint64_t dict_off;         /* 0: no dictionary page */
	uint64_t data_off;
	uint64_t size, usize;      /* compressed, uncompressed; headers included */
	unsigned encodings;        /* bit per Encoding used */
	uint64_t nulls;
	bool minmax;
	uint8_t min[8], max[8];    /* integers, PLAIN (little-endian) */
	const uint8_t *smin, *smax; /* strings: point into the column's bytes */
	uint32_t sminlen, smaxlen;
};

/*
 * The file on disk is PAR1, the sealed row groups up to data_end, then the
 * open row group as last flushed (open_len bytes, none if open_flushed is
 * 0), then the footer. In memory: sealed row groups not yet written (out,
 * to be written at data_end) and the rows of the open row group (col[]).
 */
struct parquet_writer {
	int dirfd;                /* the directory of both names */
	char *name, *swap_name;   /* in dirfd; one allocation */
	int fd;                   /* FILE: its last completed save */
	int swap_fd;              /* the sibling; -1: saves go in place */
	int in_place;             /* 0, or why saves go in place (-errno) */
	uint64_t swap_prefix;     /* bytes of sealed row groups the sibling holds */
	uint64_t swap_size;
	uint64_t swap_ns;         /* tick's clock when the sibling was last FILE; 0: never */
	uint64_t clock_ns;        /* the latest now_ns given to tick; 0: none yet */
	int err;                  /* first error, sticky */
	uint64_t rows;            /* accepted by add */
	uint64_t refused;         /* rows add refused (an error) */
	uint64_t raw_pages;       /* data pages stored as raw zstd blocks */
	uint64_t data_end;        /* end of the sealed row groups on disk */
	uint64_t file_size;
	struct bytebuf out;       /* sealed row groups not yet written */
	struct bytebuf groups;    /* Thrift RowGroup of every sealed row group */
	uint32_t ngroups;         /* sealed row groups */
	uint64_t sealed_rows;
	uint32_t nbuf;            /* rows of the open row group */
	uint32_t open_flushed;    /* of them, in the file */
	uint32_t open_flushes;    /* writes of the open row group */
	uint64_t open_len;        /* its bytes in the file, at data_end */
	struct bytebuf open_meta; /* its Thrift RowGroup, as the file's footer has it */
	struct bytebuf page;      /* the page being built, uncompressed */
	struct bytebuf zpage;     /* and compressed */
	struct bytebuf hdr;       /* its header */
	struct bytebuf esc;       /* an escaped string */
	uint32_t *levels;         /* PAGE_ROWS definition levels */
	ZSTD_CCtx *zc;
	/* the syscall column's dictionary entry of each syscall in the open
	 * row group, UINT32_MAX for none yet: a lookup by number */
	uint32_t sc_index[IOR_SC_COUNT];
	struct parquet_kv *kv;    /* one allocation: array, then the strings */
	size_t nkv;
	bool kv_dirty;            /* kv changed since the last footer */
	uint64_t footer_len;      /* the last footer's FileMetaData bytes */
	uint64_t file_rows;       /* rows in the file after the last flush */
	uint64_t tick_ns;         /* the last flush by parquet_writer_tick; 0: not started */
	struct column col[NCOLS];
};

static int fail(struct parquet_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

/* Byte-wise unsigned order, a proper prefix first: Parquet's order for
 * STRING (and BYTE_ARRAY) statistics. */
static int bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = alen && blen ? memcmp(a, b, alen < blen ? alen : blen) : 0;

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* ---- strings ----------------------------------------------------------- */

long parquet_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t n = util_utf8_len(s + i, len - i);

		if (n == 1 && s[i] == '\\') {
			if (cap - o < 2)
				return -ENOSPC;
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else if (n) {
			if (cap - o < n)
				return -ENOSPC;
			memcpy(dst + o, s + i, n);
			o += n;
		} else {
			if (cap - o < 4)
				return -ENOSPC;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[s[i] >> 4];
			dst[o++] = hex[s[i] & 15];
			n = 1;
		}
		i += n;
	}
	return (long)o;
}

/* The common all-ASCII path stays cheap: eight bytes per step. */
bool parquet_needs_escape(const char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	/* eight bytes at a time: any high bit, or any byte equal to '\\' */
	for (; i + 8 <= len; i += 8) {
		uint64_t w, x;

		memcpy(&w, u + i, 8);
		x = w ^ (ones * '\\');
		if ((w | ((x - ones) & ~x)) & highs)
			return true;
	}
	for (; i < len; i++)
		if (u[i] >= 0x80 || u[i] == '\\')
			return true;
	return false;
}

static int dict_rehash(struct strcol *s, uint32_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t e = 0; e < s->nent; e++) {
		uint32_t i = (uint32_t)s->ent[e].hash & (nslots - 1);

		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = e + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = nslots;
	return 0;
}

/* Index of the entry holding p[0..len) (its util_hash h when have_h), added if new. */
static int dict_put(struct strcol *s, const char *p, uint32_t len, bool have_h, uint64_t h,
		    uint32_t *index)
{
	struct dict_entry *e;
	uint32_t i;

	if (s->last != UINT32_MAX) {
		e = &s->ent[s->last];
		if (e->len == len && util_mem_eq(s->bytes.data + e->off, p, len)) {
			*index = s->last;
			return 0;
		}
	}
	if ((uint64_t)(s->nent + 1) * 2 > s->nslots &&
	    dict_rehash(s, s->nslots ? s->nslots * 2 : 1024))
		return -ENOMEM;
	if (!have_h)
		h = util_hash(p, len);
	for (i = (uint32_t)h & (s->nslots - 1); s->slots[i]; i = (i + 1) & (s->nslots - 1)) {
		e = &s->ent[s->slots[i] - 1];
		if (e->hash == h && e->len == len && util_mem_eq(s->bytes.data + e->off, p, len)) {
			*index = s->last = s->slots[i] - 1;
			return 0;
		}
	}
	if (s->nent == s->ent_cap) {
		uint32_t cap = s->ent_cap ? s->ent_cap * 2 : 256;
		struct dict_entry *ent = realloc(s->ent, cap * sizeof(*ent));

		if (!ent)
			return -ENOMEM;
		s->ent = ent;
		s->ent_cap = cap;
	}
	s->ent[s->nent] = (struct dict_entry){ h, (uint32_t)s->bytes.len, len };
	bytebuf_put(&s->bytes, p, len);
	if (s->bytes.err)
		return s->bytes.err;
	s->slots[i] = ++s->nent;
	*index = s->last = s->nent - 1;
	return 0;
}

/* Turns the column PLAIN: re-encodes the nvals values so far. */
static int dict_give_up(struct strcol *s, uint32_t nvals)
{
	struct bytebuf plain = { 0 };

	for (uint32_t v = 0; v < nvals; v++) {
		const struct dict_entry *e = &s->ent[s->idx[v]];

		bytebuf_le32(&plain, e->len);
		bytebuf_put(&plain, s->bytes.data + e->off, e->len);
	}
	if (plain.err) {
		bytebuf_free(&plain);
		return -ENOMEM;
	}
	bytebuf_free(&s->bytes);
	s->bytes = plain;
	s->plain = true;
	s->last = UINT32_MAX;
	return 0;
}

static void memo_clear(struct strcol *s)
{
	for (unsigned i = 0; i < MEMO_SLOTS; i++)
		s->memo[i].index = UINT32_MAX;
	s->memo_last = 0;
}

static void strcol_reset(struct strcol *s)
{
	memo_clear(s);
	if (s->nent && s->slots)
		memset(s->slots, 0, s->nslots * sizeof(*s->slots));
	s->nent = 0;
	s->last = UINT32_MAX;
	s->plain = false;
	s->bytes.len = 0;
}

static void strcol_free(struct strcol *s)
{
	free(s->idx);
	free(s->ent);
	free(s->slots);
	bytebuf_free(&s->bytes);
}

/* ---- buffering rows ---------------------------------------------------- */

static void put_null(struct parquet_writer *w, enum column_id c)
{
	w->col[c].def[w->nbuf] = 0;
}

/*
 * Appends p[0..len) to column c (hash: its util_hash, or NULL). Returns
 * its dictionary entry when the bytes stored are p's own (nothing to
 * escape), else UINT32_MAX.
 */
static uint32_t put_str(struct parquet_writer *w, enum column_id c, const char *p, size_t len,
			const uint64_t *hash)
{
	struct column *col = &w->col[c];
	struct strcol *s = &col->s;
	bool raw = true;
	uint32_t index;
	int err;

	if (col->def)
		col->def[w->nbuf] = 1;
	if (parquet_needs_escape(p, len)) {
		long n;

		w->esc.len = 0;
		if (!bytebuf_room(&w->esc, 4 * len)) {
			fail(w, -ENOMEM);
			return UINT32_MAX;
		}
		n = parquet_escape((char *)w->esc.data, w->esc.cap, p, len);
		if (n < 0) {
			fail(w, (int)n);
			return UINT32_MAX;
		}
		p = (const char *)w->esc.data;
		len = (size_t)n;
		raw = false;
	}
	if (s->plain) {
		bytebuf_le32(&s->bytes, (uint32_t)len);
		bytebuf_put(&s->bytes, p, len);
		col->nvals++;
		if (s->bytes.err)
			fail(w, s->bytes.err);
		return UINT32_MAX;
	}
	err = dict_put(s, p, (uint32_t)len, raw && hash, hash ? *hash : 0, &index);
	if (err) {
		fail(w, err);
		return UINT32_MAX;
	}
	s->idx[col->nvals++] = index;
	if (s->bytes.len + 4ull * s->nent > DICT_BYTES) {
		err = dict_give_up(s, col->nvals);
		if (err)
			fail(w, err);
		return UINT32_MAX;
	}
	return raw ? index : UINT32_MAX;
}

/* Appends the value of dictionary entry index to column c. */
static void put_index(struct parquet_writer *w, enum column_id c, uint32_t index)
{
	struct column *col = &w->col[c];

	if (col->def)
		col->def[w->nbuf] = 1;
	col->s.idx[col->nvals++] = index;
	col->s.last = index;
}

/*
 * The memo slot of (key, key2): both keys multiplied into the high bits the
 * slot is taken from, so small keys (syscall numbers) and words that differ
 * only in their low bytes (task names) spread over the slots.
 */
static unsigned memo_slot(uint64_t key, uint64_t key2)
{
	uint64_t h = (key ^ (key >> 31)) * 0x9e3779b97f4a7c15ull ^ key2 * 0xc2b2ae3d27d4eb4full;

	h ^= h >> 29;
	return (unsigned)((h * 0xbf58476d1ce4e5b9ull) >> (64 - MEMO_BITS));
}

/*
 * Appends p[0..len) to column c through the column's memo under (key,
 * key2). exact: the keys alone identify the bytes; otherwise they are
 * compared with the entry's (a hash names its bytes only almost surely).
 * Inlined: each call site's constant column and exact fold the checks away.
 */
static inline __attribute__((always_inline)) void
put_memo(struct parquet_writer *w, enum column_id c, const char *p, size_t len, uint64_t key,
	 uint64_t key2, bool exact, const uint64_t *hash)
{
	struct strcol *s = &w->col[c].s;
	unsigned slot = s->memo_last;
	struct memo *m = &s->memo[slot];
	uint32_t index;

	/* a run of one value: its slot without hashing the keys again */
	if (m->key != key || m->key2 != key2) {
		slot = memo_slot(key, key2);
		m = &s->memo[slot];
	}
	s->memo_last = slot;
	if (!s->plain && m->index != UINT32_MAX && m->key == key && m->key2 == key2 &&
	    m->len == len &&
	    (exact || util_mem_eq(s->bytes.data + s->ent[m->index].off, p, len))) {
		put_index(w, c, m->index);
		return;
	}
	index = put_str(w, c, p, len, hash);
	if (index != UINT32_MAX && !s->plain)
		*m = (struct memo){ key, key2, (uint32_t)len, index };
}

/* Appends syscall sc's name to the syscall column. */
static void put_syscall(struct parquet_writer *w, int sc)
{
	const struct strcol *s = &w->col[COL_SYSCALL].s;
	uint32_t index = w->sc_index[sc];
	const char *name;

	if (index != UINT32_MAX && !s->plain) {
		put_index(w, COL_SYSCALL, index);
		return;
	}
	name = ior_syscalls[sc].name;
	index = put_str(w, COL_SYSCALL, name, strlen(name), NULL);
	if (index != UINT32_MAX && !s->plain)
		w->sc_index[sc] = index;
}

/* ---- encoding a row group ---------------------------------------------- */

/*
 * Compresses w->page (a page of column col) and appends it with its header
 * to dst. A data page of a column whose pages zstd barely shrinks is stored
 * raw (ZSTD_GAIN, ZSTD_SKIP).
 */
static void page_emit(struct parquet_writer *w, struct column *col, struct bytebuf *dst,
		      struct chunk *ch, int type, uint32_t nvalues, int encoding)
{
	static const uint8_t empty[1];
	size_t bound = ZSTD_compressBound(w->page.len);
	bool raw = type == PAGE_DATA && col->zraw;
	struct thrift t;
	size_t z;

	if (w->err)
		return;
	if (pqenc_zstd_raw_bound(w->page.len) > bound)
		bound = pqenc_zstd_raw_bound(w->page.len);
	w->zpage.len = 0;
	if (!bytebuf_room(&w->zpage, bound)) {
		fail(w, -ENOMEM);
		return;
	}
	if (raw) {
		col->zraw--;
		z = pqenc_zstd_raw(w->zpage.data, w->page.data, w->page.len);
		w->raw_pages++;
	} else {
		z = ZSTD_compressCCtx(w->zc, w->zpage.data, bound,
				      w->page.len ? w->page.data : empty, w->page.len, ZSTD_LEVEL);
		if (ZSTD_isError(z)) {
			fail(w, -ENOMEM); /* dst holds the bound: only memory can fail */
			return;
		}
		if (type == PAGE_DATA && w->page.len >= ZSTD_RAW_MIN &&
		    z * ZSTD_GAIN > w->page.len * (ZSTD_GAIN - 1))
			col->zraw = ZSTD_SKIP;
	}
	w->hdr.len = 0;
	thrift_begin(&t, &w->hdr);
	thrift_i32(&t, 1, type);
	thrift_i32(&t, 2, (int32_t)w->page.len);
	thrift_i32(&t, 3, (int32_t)z);
	thrift_struct(&t, type == PAGE_DATA ? 5 : 7);
	thrift_i32(&t, 1, (int32_t)nvalues);
	thrift_i32(&t, 2, encoding);
	if (type == PAGE_DATA) {
		thrift_i32(&t, 3, ENC_RLE); /* definition levels */
		thrift_i32(&t, 4, ENC_RLE); /* repetition levels (none) */
	}
	thrift_end(&t);
	thrift_end(&t);
	bytebuf_put(dst, w->hdr.data, w->hdr.len);
	bytebuf_put(dst, w->zpage.data, z);
	ch->size += w->hdr.len + z;
	ch->usize += w->hdr.len + w->page.len;
	ch->encodings |= 1u << encoding;
	if (w->hdr.err || dst->err)
		fail(w, -ENOMEM);
}

/* The statistics of an integer column: the range of its values (empty if
 * it has none). */
static void int_stats(const struct pqenc_range *range, struct chunk *ch)
{
	if (range->min > range->max)
		return;
	for (int k = 0; k < 8; k++) {
		ch->min[k] = (uint8_t)((uint64_t)range->min >> (8 * k));
		ch->max[k] = (uint8_t)((uint64_t)range->max >> (8 * k));
	}
	ch->minmax = true;
}

static void str_stats_one(struct chunk *ch, const uint8_t *p, uint32_t len)
{
	if (!ch->minmax) {
		ch->smin = ch->smax = p;
		ch->sminlen = ch->smaxlen = len;
		ch->minmax = true;
		return;
	}
	if (bytes_cmp(p, len, ch->smin, ch->sminlen) < 0) {
		ch->smin = p;
		ch->sminlen = len;
	}
	if (bytes_cmp(p, len, ch->smax, ch->smaxlen) > 0) {
		ch->smax = p;
		ch->smaxlen = len;
	}
}

static void str_stats(const struct column *col, struct chunk *ch)
{
	const struct strcol *s = &col->s;

	if (!s->plain) {
		for (uint32_t e = 0; e < s->nent; e++)
			str_stats_one(ch, s->bytes.data + s->ent[e].off, s->ent[e].len);
	} else {
		for (size_t pos = 0; pos + 4 <= s->bytes.len;) {
			const uint8_t *b = s->bytes.data + pos;
			uint32_t len = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;

			str_stats_one(ch, b + 4, len);
			pos += 4 + (size_t)len;
		}
	}
	/* Long bounds would bloat every footer; leave them out. */
	if (ch->minmax && (ch->sminlen > STAT_MAX || ch->smaxlen > STAT_MAX))
		ch->minmax = false;
}

static void dictionary_page(struct parquet_writer *w, enum column_id c, struct chunk *ch)
{
	const struct strcol *s = &w->col[c].s;

	w->page.len = 0;
	for (uint32_t e = 0; e < s->nent; e++) {
		bytebuf_le32(&w->page, s->ent[e].len);
		bytebuf_put(&w->page, s->bytes.data + s->ent[e].off, s->ent[e].len);
	}
	page_emit(w, &w->col[c], &w->out, ch, PAGE_DICTIONARY, s->nent, ENC_PLAIN);
}

/* Rows [r, end) of a PLAIN string column that fit one page, starting at
 * byte pos of its values; at least one row. */
static uint32_t plain_page_rows(const struct column *col, uint32_t r, uint32_t end, size_t pos)
{
	size_t bytes = 0;
	uint32_t n = 0;

	for (; r + n < end && n < PAGE_ROWS; n++) {
		const uint8_t *b;
		uint32_t len;

		if (col->def && !col->def[r + n])
			continue;
		b = col->s.bytes.data + pos + bytes;
		len = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
		if (n && bytes + 4 + len > PAGE_BYTES)
			break;
		bytes += 4 + (size_t)len;
	}
	return n;
}

/*
 * Encodes rows [r, end) of column c (their values from *v, PLAIN strings
 * from byte *pos) as data pages onto dst, adding up in ch; dictionary
 * indices take index_width bits. An integer column's range is extended
 * over the values.
 */
static void pages_encode(struct parquet_writer *w, enum column_id c, struct bytebuf *dst,
			 struct chunk *ch, uint32_t r, uint32_t end, uint32_t *v, size_t *pos,
			 bool dict, unsigned index_width, struct pqenc_range *range)
{
	const struct column_def *d = &column_defs[c];
	struct column *col = &w->col[c];

	while (r < end && !w->err) {
		uint32_t n = end - r < PAGE_ROWS ? end - r : PAGE_ROWS;
		uint32_t nv = n;
		int encoding;

		if (d->type == TYPE_BYTE_ARRAY && !dict)
			n = nv = plain_page_rows(col, r, end, *pos);
		w->page.len = 0;
		if (col->def) {
			size_t at = w->page.len;
			uint8_t first = col->def[r];
			uint32_t len;

			bytebuf_le32(&w->page, 0);
			if (!memchr(col->def + r, !first, n)) {
				/* all values or all NULLs: one RLE run, as pqenc_rle
				 * writes it, without copying the levels */
				nv = first ? n : 0;
				bytebuf_uleb(&w->page, (uint64_t)n << 1);
				bytebuf_byte(&w->page, first);
			} else {
				nv = 0;
				for (uint32_t i = 0; i < n; i++)
					nv += w->levels[i] = col->def[r + i];
				pqenc_rle(&w->page, w->levels, n, 1);
			}
			len = (uint32_t)(w->page.len - at - 4);
			if (!w->page.err)
				for (int k = 0; k < 4; k++)
					w->page.data[at + k] = (uint8_t)(len >> (8 * k));
		}
		if (nv == 0) {
			encoding = ENC_PLAIN; /* nothing but NULLs */
		} else if (dict) {
			encoding = ENC_RLE_DICTIONARY;
			bytebuf_byte(&w->page, (uint8_t)index_width);
			pqenc_rle(&w->page, col->s.idx + *v, nv, index_width);
		} else if (d->type == TYPE_BYTE_ARRAY) {
			size_t start = *pos;

			encoding = ENC_PLAIN;
			for (uint32_t i = 0; i < nv; i++) {
				const uint8_t *b = col->s.bytes.data + *pos;

				*pos += 4 + (size_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
			}
			bytebuf_put(&w->page, col->s.bytes.data + start, *pos - start);
		} else if (d->type == TYPE_INT64) {
			encoding = ENC_DELTA_BINARY_PACKED;
			pqenc_delta_i64(&w->page, col->i64 + *v, nv, range);
		} else {
			encoding = ENC_DELTA_BINARY_PACKED;
			pqenc_delta_i32(&w->page, col->i32 + *v, nv, range);
		}
		if (w->page.err)
			fail(w, -ENOMEM);
		page_emit(w, col, dst, ch, PAGE_DATA, n, encoding);
		*v += nv;
		r += n;
	}
}

/* The bit width of the dictionary indices of a string column. */
static unsigned index_width_of(const struct column *col)
{
	return col->s.nent > 1 ? pqenc_bit_width(col->s.nent - 1) : 1;
}

/* Whether column c keeps pages encoded ahead (integers, and strings while
 * they are in dictionary mode: PLAIN pages end by bytes, not rows). */
static bool stores_pages(const struct parquet_writer *w, enum column_id c)
{
	return column_defs[c].type != TYPE_BYTE_ARRAY || !w->col[c].s.plain;
}

static void stored_clear(struct column *col)
{
	col->stored_range = (struct pqenc_range){ INT64_MAX, INT64_MIN };
	col->stored.len = 0;
	col->stored_rows = col->stored_vals = 0;
	col->stored_usize = 0;
	col->stored_enc = 0;
}

/* Encodes the open row group's rows since the stored pages, whole pages
 * only, onto them: called as each PAGE_ROWS-th row comes in. */
static void pages_store(struct parquet_writer *w)
{
	uint32_t end = w->nbuf - w->nbuf % PAGE_ROWS;

	for (int c = 0; c < NCOLS && !w->err; c++) {
		struct column *col = &w->col[c];
		struct chunk acc = { 0 };
		size_t pos = 0;

		if (!stores_pages(w, (enum column_id)c) || col->stored_rows >= end)
			continue;
		pages_encode(w, (enum column_id)c, &col->stored, &acc, col->stored_rows, end,
			     &col->stored_vals, &pos, column_defs[c].type == TYPE_BYTE_ARRAY,
			     index_width_of(col), &col->stored_range);
		col->stored_rows = end;
		col->stored_usize += acc.usize;
		col->stored_enc |= acc.encodings;
	}
}

static void chunk_encode(struct parquet_writer *w, enum column_id c, struct chunk *ch)
{
	const struct column_def *d = &column_defs[c];
	struct column *col = &w->col[c];
	bool dict = d->type == TYPE_BYTE_ARRAY && !col->s.plain && col->nvals > 0;
	uint32_t r = 0, v = 0; /* the first row and value not in a page yet */
	size_t pos = 0;        /* PLAIN strings: first byte of the page's values */
	struct pqenc_range range = col->stored_range; /* integers */

	memset(ch, 0, sizeof(*ch));
	ch->nulls = w->nbuf - col->nvals;
	if (col->def)
		ch->encodings |= 1u << ENC_RLE; /* definition levels */
	if (d->type == TYPE_BYTE_ARRAY)
		str_stats(col, ch);
	if (dict) {
		ch->dict_off = w->data_end + w->out.len;
		dictionary_page(w, c, ch);
	}
	ch->data_off = w->data_end + w->out.len;
	if (col->stored_rows && stores_pages(w, c)) {
		bytebuf_put(&w->out, col->stored.data, col->stored.len);
		if (w->out.err)
			fail(w, -ENOMEM);
		ch->size += col->stored.len;
		ch->usize += col->stored_usize;
		ch->encodings |= col->stored_enc;
		r = col->stored_rows;
		v = col->stored_vals;
	}
	pages_encode(w, c, &w->out, ch, r, w->nbuf, &v, &pos, dict, index_width_of(col),
		     d->type == TYPE_BYTE_ARRAY ? NULL : &range);
	if (d->type != TYPE_BYTE_ARRAY)
		int_stats(&range, ch);
}

/* Appends the Thrift RowGroup of the encoded chunks to meta. */
static void rowgroup_meta(struct parquet_writer *w, const struct chunk *ch, struct bytebuf *meta)
{
	uint64_t size = 0, usize = 0;
	struct thrift t;

	thrift_begin(&t, meta);
	thrift_list(&t, 1, THRIFT_STRUCT, NCOLS);
	for (int c = 0; c < NCOLS; c++) {
		const struct column_def *d = &column_defs[c];
		const struct chunk *k = &ch[c];

		thrift_elem_struct(&t);          /* ColumnChunk */
		thrift_i64(&t, 2, 0);            /* file_offset: deprecated, 0 */
		thrift_struct(&t, 3);            /* ColumnMetaData */
		thrift_i32(&t, 1, d->type);
		thrift_list(&t, 2, THRIFT_I32, (uint32_t)__builtin_popcount(k->encodings));
		for (int e = 0; e < 32; e++)
			if (k->encodings & (1u << e))
				thrift_elem_i32(&t, e);
		thrift_list(&t, 3, THRIFT_BINARY, 1);
		thrift_elem_binary(&t, d->name, strlen(d->name));
		thrift_i32(&t, 4, CODEC_ZSTD);
		thrift_i64(&t, 5, w->nbuf);
		thrift_i64(&t, 6, (int64_t)k->usize);
		thrift_i64(&t, 7, (int64_t)k->size);
		thrift_i64(&t, 9, (int64_t)k->data_off);
		if (k->dict_off)
			thrift_i64(&t, 11, (int64_t)k->dict_off);
		thrift_struct(&t, 12);           /* Statistics */
		thrift_i64(&t, 3, (int64_t)k->nulls);
		if (k->minmax && d->type == TYPE_BYTE_ARRAY) {
			thrift_binary(&t, 5, k->smax, k->smaxlen);
			thrift_binary(&t, 6, k->smin, k->sminlen);
		} else if (k->minmax) {
			size_t n = d->type == TYPE_INT64 ? 8 : 4;

			thrift_binary(&t, 5, k->max, n);
			thrift_binary(&t, 6, k->min, n);
		}
		thrift_end(&t);
		thrift_end(&t);
		thrift_end(&t);
		size += k->size;
		usize += k->usize;
	}
	thrift_i64(&t, 2, (int64_t)usize);
	thrift_i64(&t, 3, w->nbuf);
	thrift_i64(&t, 5, (int64_t)(ch[0].dict_off ? ch[0].dict_off : ch[0].data_off));
	thrift_i64(&t, 6, (int64_t)size);
	thrift_end(&t);
	if (meta->err)
		fail(w, -ENOMEM);
}

/* Encodes the rows of the open row group onto w->out, its RowGroup into
 * meta (cleared first). */
static void group_encode(struct parquet_writer *w, struct bytebuf *meta)
{
	struct chunk ch[NCOLS];

	for (int c = 0; c < NCOLS && !w->err; c++)
		chunk_encode(w, (enum column_id)c, &ch[c]);
	if (w->err)
		return;
	meta->len = 0;
	rowgroup_meta(w, ch, meta);
}

/* The open row group is now sealed: a new, empty one opens. */
static void group_close(struct parquet_writer *w)
{
	w->ngroups++;
	w->sealed_rows += w->nbuf;
	w->nbuf = 0;
	w->open_flushed = 0;
	w->open_flushes = 0;
	w->open_len = 0;
	w->open_meta.len = 0;
	for (int c = 0; c < NCOLS; c++) {
		w->col[c].nvals = 0;
		strcol_reset(&w->col[c].s);
		stored_clear(&w->col[c]);
	}
	memset(w->sc_index, 0xff, sizeof(w->sc_index));
}

/* Seals the open row group in memory: encoded onto out, listed in groups. */
static void group_seal(struct parquet_writer *w)
{
	size_t at = w->groups.len;

	group_encode(w, &w->open_meta);
	bytebuf_put(&w->groups, w->open_meta.data, w->open_meta.len);
	if (w->groups.err)
		fail(w, -ENOMEM);
	if (w->err) {
		w->groups.len = at;
		return;
	}
	group_close(w);
}

/* ---- the footer and the file -------------------------------------------- */

static void schema_element(struct thrift *t, const struct column_def *d)
{
	thrift_elem_struct(t);
	thrift_i32(t, 1, d->type);
	thrift_i32(t, 3, d->optional ? REPETITION_OPTIONAL : REPETITION_REQUIRED);
	thrift_string(t, 4, d->name);
	if (d->logical == LOGICAL_STRING) {
		thrift_i32(t, 6, CONVERTED_UTF8);
		thrift_struct(t, 10);   /* LogicalType */
		thrift_struct(t, 1);    /* STRING */
		thrift_end(t);
		thrift_end(t);
	} else if (d->logical == LOGICAL_TIMESTAMP_NS) {
		thrift_struct(t, 10);   /* LogicalType */
		thrift_struct(t, 8);    /* TIMESTAMP */
		thrift_bool(t, 1, true); /* isAdjustedToUTC */
		thrift_struct(t, 2);    /* unit */
		thrift_struct(t, 3);    /* NANOS */
		thrift_end(t);
		thrift_end(t);
		thrift_end(t);
		thrift_end(t);
	}
	thrift_end(t);
}

static void footer_encode(struct parquet_writer *w, struct bytebuf *b)
{
	size_t start = b->len;
	struct thrift t;

	thrift_begin(&t, b);
	thrift_i32(&t, 1, 1);                       /* version */
	thrift_list(&t, 2, THRIFT_STRUCT, NCOLS + 1);
	thrift_elem_struct(&t);                     /* the root */
	thrift_string(&t, 4, "schema");
	thrift_i32(&t, 5, NCOLS);
	thrift_end(&t);
	for (int c = 0; c < NCOLS; c++)
		schema_element(&t, &column_defs[c]);
	thrift_i64(&t, 3, (int64_t)(w->sealed_rows + w->open_flushed));
	thrift_list(&t, 4, THRIFT_STRUCT, w->ngroups + (w->open_flushed > 0));
	bytebuf_put(b, w->groups.data, w->groups.len);
	if (w->open_flushed)
		bytebuf_put(b, w->open_meta.data, w->open_meta.len);
	if (w->nkv) {
		thrift_list(&t, 5, THRIFT_STRUCT, (uint32_t)w->nkv);
		for (size_t i = 0; i < w->nkv; i++) {
			thrift_elem_struct(&t);
			thrift_string(&t, 1, w->kv[i].key);
			if (w->kv[i].value)
				thrift_string(&t, 2, w->kv[i].value);
			thrift_end(&t);
		}
	}
	thrift_string(&t, 6, CREATED_BY);
	thrift_list(&t, 7, THRIFT_STRUCT, NCOLS);
	for (int c = 0; c < NCOLS; c++) {
		thrift_elem_struct(&t);                 /* ColumnOrder */
		thrift_struct(&t, 1);                   /* TYPE_ORDER */
		thrift_end(&t);
		thrift_end(&t);
	}
	thrift_end(&t);
	bytebuf_le32(b, (uint32_t)(b->len - start));
	bytebuf_put(b, "PAR1", 4);
}


static int write_at(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t k = pwrite(fd, p, n, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -EIO;
		p += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

/*
 * Allocates the blocks of [size, end) without changing the file's size, so
 * that a full disk fails here, before any byte is overwritten. File systems
 * without fallocate are written to as they are.
 */
static int reserve(int fd, uint64_t size, uint64_t end)
{
	int rc;

	if (end <= size)
		return 0;
	do
		rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)size, (off_t)(end - size));
	while (rc < 0 && errno == EINTR);
	if (rc < 0 && errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
		return -errno;
	return 0;
}

/* Copies [off, end) of file from to the same place in file to. */
static int copy_range(struct parquet_writer *w, int from, int to, uint64_t off, uint64_t end)
{
	bool kernel = true;

	while (off < end) {
		size_t n = end - off < COPY_CHUNK ? (size_t)(end - off) : COPY_CHUNK;
		loff_t in = (loff_t)off, out = (loff_t)off;
		ssize_t k = -1;

		if (kernel) {
			k = copy_file_range(from, &in, to, &out, n, 0);
			if (k < 0 && errno != EINTR && errno != ENOSPC && errno != EDQUOT &&
			    errno != EIO && errno != EFBIG) {
				kernel = false; /* not supported here: read and write */
				continue;
			}
		} else {
			w->page.len = 0;
			if (!bytebuf_room(&w->page, n))
				return -ENOMEM;
			k = pread(from, w->page.data, n, (off_t)off);
			if (k > 0) {
				int err = write_at(to, w->page.data, (size_t)k, off);

				if (err)
					return err;
			}
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -EIO; /* the file is shorter than the writer knows */
		off += (uint64_t)k;
	}
	return 0;
}

/* Whether name in the directory is the file open as fd (a user may have
 * moved another file there during the recording). */
static bool names_fd(const struct parquet_writer *w, const char *name, int fd)
{
	struct stat a, b;

	return fstatat(w->dirfd, name, &a, AT_SYMLINK_NOFOLLOW) == 0 && fstat(fd, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Removes the sibling's name, if it still names the sibling. */
static void swap_unlink(struct parquet_writer *w)
{
	if (names_fd(w, w->swap_name, w->swap_fd))
		unlinkat(w->dirfd, w->swap_name, 0);
}

/* Saves go in place from now on (why: a negative errno): the sibling and
 * its blocks are given up. */
static void swap_drop(struct parquet_writer *w, int why)
{
	if (ftruncate(w->swap_fd, 0) == 0)
		swap_unlink(w);
	close(w->swap_fd);
	w->swap_fd = -1;
	w->in_place = why;
}

/*
 * Makes the sibling, now complete, durable and FILE, in one atomic step;
 * the old FILE is the sibling from now on.
 */
static int swap_exchange(struct parquet_writer *w)
{
	int fd;

	if (fdatasync(w->swap_fd) < 0)
		return -errno;
	/* never exchange away a file that is not ior's: one moved to FILE's
	 * name or the sibling's during the recording is left where it is */
	if (!names_fd(w, w->name, w->fd) || !names_fd(w, w->swap_name, w->swap_fd))
		return -EEXIST;
	if (renameat2(w->dirfd, w->swap_name, w->dirfd, w->name, RENAME_EXCHANGE) < 0)
		return -errno;
	/* the exchange itself survives a power cut before the old FILE,
	 * now the sibling, is written to */
	if (fsync(w->dirfd) < 0 && errno != EBADF)
		return -errno;
	fd = w->fd;
	w->fd = w->swap_fd;
	w->swap_fd = fd;
	w->swap_prefix = w->data_end;
	w->swap_size = w->file_size;
	w->swap_ns = w->clock_ns;
	return 0;
}

/*
 * Writes out (end - at bytes) at offset at of the sibling, after the bytes
 * of FILE it lacks before at; truncates it to end, makes it durable and
 * exchanges it with FILE. On an error FILE is untouched.
 */
static int save_swap(struct parquet_writer *w, uint64_t at, uint64_t end)
{
	int err;

	err = reserve(w->swap_fd, w->swap_size, end);
	if (!err && w->swap_prefix < at)
		err = copy_range(w, w->fd, w->swap_fd, w->swap_prefix, at);
	if (!err)
		err = write_at(w->swap_fd, w->out.data, w->out.len, at);
	if (!err && ftruncate(w->swap_fd, (off_t)end) < 0)
		err = -errno;
	return err ? err : swap_exchange(w);
}

/* Writes out at offset at of FILE itself and truncates it to end. */
static int save_in_place(struct parquet_writer *w, uint64_t at, uint64_t end)
{
	int err = reserve(w->fd, w->file_size, end);

	if (!err)
		err = write_at(w->fd, w->out.data, w->out.len, at);
	if (!err && end < w->file_size && ftruncate(w->fd, (off_t)end) < 0)
		err = -errno;
	return err;
}

/* Writes out at offset at, by exchange while the sibling is there. */
static int save(struct parquet_writer *w, uint64_t at)
{
	uint64_t end = at + w->out.len;
	int err;

	if (w->swap_fd >= 0) {
		err = save_swap(w, at, end);
		if (err == -EINVAL || err == -ENOSYS)
			err = -EINVAL; /* no RENAME_EXCHANGE on this file system */
		else if (err != -ENOSPC && err != -EDQUOT)
			return err;
		/* the space the sibling takes may be what the save lacks */
		swap_drop(w, err);
	}
	return save_in_place(w, at, end);
}

/*
 * Brings the file up to date: the sealed row groups of out, the open row
 * group (encoded again if it has rows the file lacks), a footer listing
 * them all. With nothing but new key-value metadata, only the footer is
 * written, after the open row group already in the file.
 */
static int commit(struct parquet_writer *w)
{
	size_t sealed = w->out.len;
	uint64_t at = w->data_end, open_len = w->open_len;
	int err;

	if (sealed || w->nbuf != w->open_flushed) {
		if (w->nbuf)
			group_encode(w, &w->open_meta);
		if (w->err)
			return w->err;
		open_len = w->out.len - sealed;
	} else {
		at += open_len;
	}
	w->open_flushed = w->nbuf; /* what the footer will list */
	size_t before_footer = w->out.len;

	footer_encode(w, &w->out);
	if (w->out.err)
		return fail(w, -ENOMEM);
	/* the footer ends with its length (4 bytes) and PAR1 */
	uint64_t footer_len = w->out.len - before_footer - 8;

	err = save(w, at);
	if (err)
		return fail(w, err);
	bool by_exchange = w->swap_fd >= 0;

	w->file_size = at + w->out.len;
	if (at == w->data_end && w->nbuf)
		w->open_flushes++;
	w->data_end += sealed;
	w->open_len = open_len;
	w->out.len = 0;
	w->kv_dirty = false;
	w->footer_len = footer_len;
	w->file_rows = w->rows;
	/* A save by exchange seals the open row group where it lies: a
	 * reader may have the footer of this save from FILE and read the
	 * row groups from the next one (DuckDB opens the file twice), so the
	 * next save must leave every byte this footer points to as it is.
	 * In place, sealing it only now and then keeps the footer from
	 * growing by a row group a flush, and bounds what each flush writes
	 * again. */
	if (w->nbuf && (by_exchange || w->open_flushes >= PARQUET_FLUSHES_PER_GROUP ||
			w->open_len >= OPEN_BYTES)) {
		w->data_end += w->open_len;
		bytebuf_put(&w->groups, w->open_meta.data, w->open_meta.len);
		if (w->groups.err)
			return fail(w, -ENOMEM);
		group_close(w);
	}
	return 0;
}

/* ---- the API ------------------------------------------------------------ */

static void writer_free(struct parquet_writer *w)
{
	for (int c = 0; c < NCOLS; c++) {
		free(w->col[c].def);
		free(w->col[c].i32);
		free(w->col[c].i64);
		strcol_free(&w->col[c].s);
		bytebuf_free(&w->col[c].stored);
	}
	bytebuf_free(&w->out);
	bytebuf_free(&w->groups);
	bytebuf_free(&w->open_meta);
	bytebuf_free(&w->page);
	bytebuf_free(&w->zpage);
	bytebuf_free(&w->hdr);
	bytebuf_free(&w->esc);
	free(w->levels);
	free(w->kv);
	ZSTD_freeCCtx(w->zc);
	if (w->swap_fd >= 0)
		close(w->swap_fd);
	if (w->fd >= 0)
		close(w->fd);
	if (w->dirfd >= 0)
		close(w->dirfd);
	free(w->name);
	free(w);
}

static int writer_alloc(struct parquet_writer *w)
{
	const size_t rows = PARQUET_ROWS_PER_GROUP;

	w->zc = ZSTD_createCCtx();
	w->levels = malloc(PAGE_ROWS * sizeof(*w->levels));
	if (!w->zc || !w->levels)
		return -ENOMEM;
	memset(w->sc_index, 0xff, sizeof(w->sc_index));
	for (int c = 0; c < NCOLS; c++) {
		const struct column_def *d = &column_defs[c];
		struct column *col = &w->col[c];

		col->s.last = UINT32_MAX;
		memo_clear(&col->s);
		stored_clear(col);
		if (d->optional && !(col->def = malloc(rows)))
			return -ENOMEM;
		if (d->type == TYPE_INT32 && !(col->i32 = malloc(rows * sizeof(int32_t))))
			return -ENOMEM;
		if (d->type == TYPE_INT64 && !(col->i64 = malloc(rows * sizeof(int64_t))))
			return -ENOMEM;
		if (d->type == TYPE_BYTE_ARRAY && !(col->s.idx = malloc(rows * sizeof(uint32_t))))
			return -ENOMEM;
	}
	return 0;
}

int parquet_swap_path(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int dir = slash ? (int)(slash - path + 1) : 0;
	int n;

	if (!path[dir])
		return -EISDIR;
	n = snprintf(buf, len, "%.*s.%s" PARQUET_SWAP_SUFFIX, dir, path, path + dir);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Opens path's directory and keeps both names in it. */
static int names_open(struct parquet_writer *w, const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	char *dir;

	if (!blen)
		return -EISDIR;
	dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	if (!dir)
		return -ENOMEM;
	/* readable, not O_PATH: an exchange is made durable by fsync on it */
	w->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0 && errno == EACCES)
		w->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (w->dirfd < 0)
		return -errno;
	w->name = malloc(2 * blen + sizeof(PARQUET_SWAP_SUFFIX) + 2);
	if (!w->name)
		return -ENOMEM;
	memcpy(w->name, base, blen + 1);
	w->swap_name = w->name + blen + 1;
	sprintf(w->swap_name, ".%s" PARQUET_SWAP_SUFFIX, base);
	return 0;
}

static int swap_create(struct parquet_writer *w)
{
	w->swap_fd = openat(w->dirfd, w->swap_name,
			    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->swap_fd < 0)
		return -errno;
	util_give_fd_to_sudo_user(w->swap_fd);
	w->swap_prefix = w->swap_size = w->swap_ns = 0;
	return 0;
}

/*
 * Learns at once whether the file system can exchange two names: the new
 * sibling, made a copy of FILE, is exchanged with it. Without
 * RENAME_EXCHANGE saves go in place from the start.
 */
static int swap_probe(struct parquet_writer *w)
{
	int err = copy_range(w, w->fd, w->swap_fd, 0, w->file_size);

	if (!err)
		err = swap_exchange(w);
	if (err == -EINVAL || err == -ENOSYS) {
		swap_drop(w, -EINVAL);
		return 0;
	}
	return err;
}

/*
 * Creates FILE already holding an empty Parquet file: written under the
 * sibling's name, then hard-linked as FILE (which fails if FILE exists), so
 * that no reader ever finds FILE empty. A file system without hard links
 * gets FILE created and written in place. Then a fresh sibling.
 */
static int file_create(struct parquet_writer *w, bool *created)
{
	struct stat st;
	int err;

	if (fstatat(w->dirfd, w->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return -EEXIST;
	if (errno != ENOENT)
		return -errno;
	err = swap_create(w);
	if (err)
		return err;
	w->fd = w->swap_fd;
	w->swap_fd = -1;
	bytebuf_put(&w->out, "PAR1", 4);
	err = commit(w);
	if (!err && fdatasync(w->fd) < 0)
		err = -errno;
	if (!err && linkat(w->dirfd, w->swap_name, w->dirfd, w->name, 0) < 0)
		err = -errno;
	if (!err)
		*created = true;
	unlinkat(w->dirfd, w->swap_name, 0);
	if (err == -EEXIST || (err && err != -EPERM && err != -EOPNOTSUPP && err != -EMLINK))
		return err;
	if (err) {
		close(w->fd);
		w->fd = openat(w->dirfd, w->name,
			       O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (w->fd < 0)
			return -errno;
		*created = true;
		w->data_end = w->file_size = 0;
		bytebuf_put(&w->out, "PAR1", 4);
		w->in_place = err;
		return commit(w);
	}
	err = swap_create(w);
	if (!err)
		err = swap_probe(w);
	return err;
}

int parquet_writer_open(const char *path, struct parquet_writer **out)
{
	struct parquet_writer *w;
	bool created = false;
	int err;

	if (!path || !out)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = w->swap_fd = w->dirfd = -1;
	err = writer_alloc(w);
	if (!err)
		err = names_open(w, path);
	if (!err)
		err = file_create(w, &created);
	if (err)
		goto cleanup;
	util_give_fd_to_sudo_user(w->fd);
	*out = w;
	return 0;
cleanup:
	if (w->swap_fd >= 0)
		unlinkat(w->dirfd, w->swap_name, 0);
	if (created)
		unlinkat(w->dirfd, w->name, 0);
	writer_free(w);
	return err;
}

/* Bytes the string columns of the open row group hold. */
static size_t string_bytes(const struct parquet_writer *w)
{
	return w->col[COL_COMM].s.bytes.len + w->col[COL_SYSCALL].s.bytes.len +
	       w->col[COL_PATH].s.bytes.len + w->col[COL_PATH2].s.bytes.len;
}

/*
 * Appends ev's integer columns. Every count is read before the first value
 * is stored and written back after the last, and the definition levels
 * (bytes, which may alias anything) come last: the compiler then loads
 * each array's address and count once, not again after every store.
 */
static void put_numbers(struct parquet_writer *w, const struct ior_event *ev)
{
	struct column *col = w->col;
	const uint32_t n = w->nbuf; /* a required column holds a value per row */
	uint32_t nfd = col[COL_FD].nvals, nflags = col[COL_FLAGS].nvals;

	col[COL_TIME].i64[n] = (int64_t)ev->time_ns;
	col[COL_RET].i64[n] = ev->ret;
	col[COL_BYTES].i64[n] = (int64_t)ev->bytes;
	col[COL_DURATION].i64[n] = (int64_t)ev->duration_ns;
	col[COL_GAP].i64[n] = (int64_t)ev->gap_ns;
	col[COL_PID].i32[n] = (int32_t)ev->pid;
	col[COL_TID].i32[n] = (int32_t)ev->tid;
	/* stored either way; a NULL's place is taken by the next value */
	col[COL_FD].i32[nfd] = ev->has_fd ? ev->fd : 0;
	col[COL_FLAGS].i32[nflags] = ev->has_flags ? ev->flags : 0;
	nfd += ev->has_fd;
	nflags += ev->has_flags;
	col[COL_TIME].nvals = col[COL_RET].nvals = col[COL_BYTES].nvals = n + 1;
	col[COL_DURATION].nvals = col[COL_GAP].nvals = n + 1;
	col[COL_PID].nvals = col[COL_TID].nvals = n + 1;
	col[COL_FD].nvals = nfd;
	col[COL_FLAGS].nvals = nflags;
	col[COL_FD].def[n] = ev->has_fd;
	col[COL_FLAGS].def[n] = ev->has_flags;
}

static int row_add(struct parquet_writer *w, const struct ior_event *ev);

int parquet_writer_add(struct parquet_writer *w, const struct ior_event *ev)
{
	if (!w)
		return -EINVAL;
	int err = row_add(w, ev);

	if (err)
		w->refused++;
	return err;
}

/*
 * Whether a save may write into the sibling at now_ns (tick's clock): a
 * reader may hold it open from when it was FILE, so not before
 * PARQUET_SAVE_GAP_NS has passed since.
 */
static bool save_gap_passed(const struct parquet_writer *w, uint64_t now_ns)
{
	return w->swap_fd < 0 || !w->swap_ns || now_ns >= w->swap_ns + PARQUET_SAVE_GAP_NS;
}

static int row_add(struct parquet_writer *w, const struct ior_event *ev)
{
	if (!ev || ev->sc < 0 || ev->sc >= IOR_SC_COUNT)
		return -EINVAL;
	size_t path_len = 0;
	uint64_t cw[2];
	size_t comm_len;

	if (ev->path) {
		path_len = ev->path_known ? ev->path_len : strnlen(ev->path, STR_MAX + 1);
		if (path_len > STR_MAX)
			return -EINVAL;
	}
	if (ev->path2 && strnlen(ev->path2, STR_MAX + 1) > STR_MAX)
		return -EINVAL;
	if (w->err)
		return w->err;
	put_numbers(w, ev);
	comm_len = util_comm_words(ev->comm, cw);
	put_memo(w, COL_COMM, ev->comm, comm_len, cw[0], cw[1], true, NULL);
	put_syscall(w, ev->sc);
	if (ev->path && ev->path_known)
		put_memo(w, COL_PATH, ev->path, path_len, ev->path_hash, 0, false, &ev->path_hash);
	else if (ev->path)
		put_str(w, COL_PATH, ev->path, path_len, NULL);
	else
		put_null(w, COL_PATH);
	if (ev->path2)
		put_str(w, COL_PATH2, ev->path2, strlen(ev->path2), NULL);
	else
		put_null(w, COL_PATH2);
	if (w->err)
		return w->err;
	w->nbuf++;
	w->rows++;
	if (w->nbuf % PAGE_ROWS == 0)
		pages_store(w);
	if (w->nbuf == PARQUET_ROWS_PER_GROUP || string_bytes(w) >= PARQUET_GROUP_BYTES) {
		group_seal(w);
		if (!w->err && w->out.len >= PENDING_BYTES && save_gap_passed(w, w->clock_ns))
			commit(w);
	}
	return w->err;
}

bool parquet_flush_due(uint64_t since_ns, uint64_t footer_bytes, uint64_t new_bytes)
{
	if (since_ns < PARQUET_FLUSH_NS)
		return false;
	return footer_bytes < PARQUET_FOOTER_CHEAP || new_bytes >= footer_bytes ||
	       since_ns >= PARQUET_FLUSH_MAX_NS;
}

/*
 * Bytes of new rows worth a save of their own: PARQUET_SAVE_BYTES, or an
 * eighth of the space left on the disk if less, so that the saves shrink as
 * it fills; never less than PARQUET_SAVE_BYTES_MIN, nor than the footer
 * every save writes again. Once the disk cannot hold a second copy of the
 * file and PARQUET_SWAP_ROOM more, the sibling is given up (its blocks
 * too) and saves go in place: a save by exchange would soon fail for want
 * of room, losing every row since the previous one.
 */
static uint64_t save_budget(struct parquet_writer *w)
{
	uint64_t budget = PARQUET_SAVE_BYTES, avail;
	struct statvfs st;

	if (fstatvfs(w->fd, &st) == 0) {
		avail = (uint64_t)st.f_bavail * st.f_frsize;
		if (w->swap_fd >= 0 && avail + w->swap_size < 2 * w->file_size + PARQUET_SWAP_ROOM) {
			avail += w->swap_size;
			swap_drop(w, -ENOSPC);
		}
		if (avail / 8 < budget)
			budget = avail / 8;
	}
	if (budget < PARQUET_SAVE_BYTES_MIN)
		budget = PARQUET_SAVE_BYTES_MIN;
	return budget > w->footer_len ? budget : w->footer_len;
}

int parquet_writer_tick(struct parquet_writer *w, uint64_t now_ns)
{
	uint64_t rows, since, new_bytes, data;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	w->clock_ns = now_ns;
	if (!w->tick_ns) {
		w->tick_ns = now_ns ? now_ns : 1;
		return 0;
	}
	since = now_ns > w->tick_ns ? now_ns - w->tick_ns : 0;
	/* the new rows at the file's bytes a row, or FIRST_ROW_BYTES before
	 * the file has any */
	rows = w->rows - w->file_rows;
	data = w->file_size - w->footer_len - 12; /* less PAR1 at each end and the length */
	if (w->file_rows)
		new_bytes = (uint64_t)((unsigned __int128)rows * data / w->file_rows);
	else
		new_bytes = rows * FIRST_ROW_BYTES;
	bool due = parquet_flush_due(since, w->footer_len, new_bytes);

	if (!due && new_bytes < PARQUET_SAVE_BYTES_MIN)
		return 0;
	if (new_bytes < save_budget(w) && !due)
		return 0;
	if (!save_gap_passed(w, now_ns))
		return 0;
	w->tick_ns = now_ns;
	return parquet_writer_flush(w);
}

/* Sleeps until a save may write into the sibling (save_gap_passed), tick's
 * clock being CLOCK_MONOTONIC. */
static void save_gap_wait(const struct parquet_writer *w)
{
	uint64_t now = util_now_ns(CLOCK_MONOTONIC);
	struct timespec left;

	if (w->swap_fd < 0 || !w->swap_ns || now < w->swap_ns ||
	    now >= w->swap_ns + PARQUET_SAVE_GAP_NS)
		return;
	now = w->swap_ns + PARQUET_SAVE_GAP_NS - now;
	left.tv_sec = (time_t)(now / 1000000000u);
	left.tv_nsec = (long)(now % 1000000000u);
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

/* Whether the file lacks rows, sealed row groups or key-value metadata. */
static bool save_pending(const struct parquet_writer *w)
{
	return w->out.len || w->nbuf != w->open_flushed || w->kv_dirty;
}

int parquet_writer_flush(struct parquet_writer *w)
{
	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (save_pending(w)) {
		save_gap_wait(w);
		commit(w);
	}
	return w->err;
}

static bool kv_same(const struct parquet_kv *a, const char *key, const char *value)
{
	if (strcmp(a->key, key))
		return false;
	if (!a->value || !value)
		return a->value == value;
	return strcmp(a->value, value) == 0;
}

/* Copies s, escaped like the columns' strings, to *at; returns the copy. */
static char *kv_copy(char **at, const char *s)
{
	char *d = *at;
	long n;

	if (!s)
		return NULL;
	n = parquet_escape(d, 4 * strlen(s) + 1, s, strlen(s));
	d[n] = '\0';
	*at += n + 1;
	return d;
}

int parquet_writer_set_kv(struct parquet_writer *w, const struct parquet_kv *kv, size_t n)
{
	struct parquet_kv *copy;
	size_t size = n * sizeof(*copy);
	char *at;

	if (!w || (!kv && n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!kv[i].key)
			return -EINVAL;
		size += 4 * strlen(kv[i].key) + 1;
		if (kv[i].value)
			size += 4 * strlen(kv[i].value) + 1;
	}
	if (w->err)
		return w->err;
	copy = malloc(size ? size : 1);
	if (!copy)
		return fail(w, -ENOMEM);
	at = (char *)(copy + n);
	for (size_t i = 0; i < n; i++) {
		copy[i].key = kv_copy(&at, kv[i].key);
		copy[i].value = kv_copy(&at, kv[i].value);
	}
	if (n != w->nkv)
		w->kv_dirty = true;
	for (size_t i = 0; i < n && !w->kv_dirty; i++)
		if (!kv_same(&w->kv[i], copy[i].key, copy[i].value))
			w->kv_dirty = true;
	free(w->kv);
	w->kv = copy;
	w->nkv = n;
	return 0;
}

int parquet_writer_close(struct parquet_writer *w)
{
	int err;

	if (!w)
		return 0;
	parquet_writer_flush(w);
	/* a save by exchange is durable already */
	if (!w->err && w->swap_fd < 0 && fsync(w->fd) < 0)
		fail(w, -errno);
	if (w->swap_fd >= 0) {
		swap_unlink(w);
		close(w->swap_fd);
		w->swap_fd = -1;
	}
	if (close(w->fd) < 0)
		fail(w, -errno);
	w->fd = -1;
	err = w->err;
	writer_free(w);
	return err;
}

uint64_t parquet_writer_saved_rows(const struct parquet_writer *w)
{
	return w ? w->file_rows : 0;
}

uint64_t parquet_writer_lost_rows(const struct parquet_writer *w)
{
	return w ? w->rows + w->refused - w->file_rows : 0;
}

int parquet_writer_in_place(const struct parquet_writer *w)
{
	return w ? w->in_place : 0;
}

uint64_t parquet_writer_raw_pages(const struct parquet_writer *w)
{
	return w ? w->raw_pages : 0;
}

uint64_t parquet_writer_rows(const struct parquet_writer *w)
{
	return w ? w->rows : 0;
}
