// SPDX-License-Identifier: GPL-2.0
/*
 * The Parquet reader. At open, the footer (Thrift compact FileMetaData) is
 * parsed once, with every length and count checked against the bytes that
 * remain, into a `struct group` per row group (where each of ior's 13
 * column chunks lies) and the key-value pairs. pqread_next then decodes a
 * row group at a time, column by column, into `struct rcol` arrays of one
 * slot per row: integers as int64, strings as offsets into the column's
 * arena of NUL-terminated values with parquet_escape undone, the syscall
 * as its index in ior_syscalls[]. Pages are read one at a time (pread, so
 * a file that shrinks under us gives an error, not SIGBUS) and every size
 * a page or row group claims is checked against PQREAD_* limits before
 * anything is allocated for it.
 *
 * What is read is what ior's writer emits and a little more, so that a
 * recording rewritten by another tool (DuckDB with zstd, say) still opens:
 * ior's columns in any order among others, required or optional; data
 * pages v1 and v2; PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY (with a
 * dictionary page) and DELTA_BINARY_PACKED values; RLE definition levels;
 * zstd or no compression; time_ns in ns, us or ms. Anything else (other
 * codecs or encodings, nested or repeated columns, encrypted footers) is
 * refused with a sentence naming it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "bytebuf.h"
#include "pqread.h"
#include "syscalls.h"
#include "thrift.h"

#define TC_DEPTH_MAX 24            /* Thrift nesting; ior's footer needs 7 */
#define HEADER_WINDOW (64u << 10)  /* longest page header */
#define SC_UNKNOWN UINT32_MAX      /* syscall column: a name ior does not know */

/* Parquet enums (parquet.thrift). */
enum { TYPE_INT32 = 1, TYPE_INT64 = 2, TYPE_BYTE_ARRAY = 6 };
enum { REP_REQUIRED = 0, REP_OPTIONAL = 1, REP_REPEATED = 2 };
enum { CODEC_NONE = 0, CODEC_ZSTD = 6 };
enum {
	ENC_PLAIN = 0, ENC_PLAIN_DICTIONARY = 2, ENC_RLE = 3, ENC_DELTA_BINARY_PACKED = 5,
	ENC_RLE_DICTIONARY = 8,
};
enum { PAGE_DATA = 0, PAGE_INDEX = 1, PAGE_DICTIONARY = 2, PAGE_DATA_V2 = 3 };

static const char *const type_names[] = {
	"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
	"FIXED_LEN_BYTE_ARRAY",
};
static const char *const codec_names[] = {
	"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW",
};
static const char *const encoding_names[] = {
	"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
	"DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
	"RLE_DICTIONARY", "BYTE_STREAM_SPLIT",
};

static const char *enum_name(const char *const *names, size_t n, int32_t v, char *buf,
			     size_t len)
{
	if (v >= 0 && (size_t)v < n)
		return names[v];
	snprintf(buf, len, "an unknown one (%d)", (int)v);
	return buf;
}
#define ENUM_NAME(names, v, buf) enum_name(names, sizeof(names) / sizeof(names[0]), v, buf, sizeof(buf))

/* ior's columns (DESIGN.md section 4), as parquet.c writes them. */
enum col_id {
	C_TIME, C_PID, C_TID, C_COMM, C_SYSCALL, C_FD, C_PATH, C_PATH2, C_FLAGS, C_RET,
	C_BYTES, C_DURATION, C_GAP, NCOLS
};

static const struct {
	const char *name;
	uint8_t type;
} columns[NCOLS] = {
	[C_TIME] = { "time_ns", TYPE_INT64 },
	[C_PID] = { "pid", TYPE_INT32 },
	[C_TID] = { "tid", TYPE_INT32 },
	[C_COMM] = { "comm", TYPE_BYTE_ARRAY },
	[C_SYSCALL] = { "syscall", TYPE_BYTE_ARRAY },
	[C_FD] = { "fd", TYPE_INT32 },
	[C_PATH] = { "path", TYPE_BYTE_ARRAY },
	[C_PATH2] = { "path2", TYPE_BYTE_ARRAY },
	[C_FLAGS] = { "flags", TYPE_INT32 },
	[C_RET] = { "ret", TYPE_INT64 },
	[C_BYTES] = { "bytes", TYPE_INT64 },
	[C_DURATION] = { "duration_ns", TYPE_INT64 },
	[C_GAP] = { "duration_to_prev_ns", TYPE_INT64 },
};

/* Where one of ior's column chunks lies: its pages are [start, start + size). */
struct chunk {
	uint64_t start, size;
	uint8_t codec;
};

struct group {
	uint64_t rows;
	struct chunk chunk[NCOLS];
};

struct kv {
	const char *key, *value;
};

/* bytes before each path in its arena: its length (u32) and hash (u64) */
#define PATH_KEY_BYTES 12

/*
 * One column of the decoded row group: a slot per row. present is 1 for a
 * value, 0 for NULL. Integer columns fill i64; string columns fill str
 * with offsets into arena (each value NUL-terminated), except the syscall
 * column, whose str holds table indexes (SC_UNKNOWN for names ior does not
 * know). dict holds the dictionary of the chunk being decoded, in the same
 * form (int64 bit patterns or str values).
 */
struct rcol {
	uint8_t *present;
	int64_t *i64;
	uint32_t *str;
	struct bytebuf arena;
	uint64_t *dict;
	uint32_t ndict, dict_cap;
};

struct pqread {
	char *name;                /* the file, for error sentences */
	int fd;                    /* -1 over memory */
	const uint8_t *mem;
	uint64_t size;
	uint64_t data_end;         /* where the footer starts */
	uint64_t rows;             /* what the footer says */
	struct group *groups;
	uint32_t ngroups;
	struct kv *kv;             /* pairs, strings in kvbuf */
	size_t nkv;
	char *kvbuf;
	bool optional[NCOLS];
	int64_t time_scale;        /* time_ns in the file's unit times this is ns */
	bool has_time;             /* time_ns statistics cover every non-empty row group */
	int64_t tmin, tmax;
	/* the row group being read */
	struct rcol col[NCOLS];
	uint32_t cap_rows;         /* slots allocated in col[] and scratch */
	uint32_t *scratch;         /* decoded levels or dictionary indexes */
	uint32_t next_group;
	uint32_t row, group_rows;
	uint64_t group_bytes;      /* string bytes decoded for it */
	uint64_t skipped;
	struct bytebuf raw;        /* bytes read from the file (not over memory) */
	uint64_t raw_off;          /* ... from this offset */
	struct bytebuf page;       /* a decompressed page */
	ZSTD_DCtx *zd;
	int err;                   /* sticky */
	char errbuf[PQREAD_ERR_MAX];
};

__attribute__((format(printf, 3, 4)))
static int fail(struct pqread *r, int rc, const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return r->err;
	va_start(ap, fmt);
	vsnprintf(r->errbuf, sizeof(r->errbuf), fmt, ap);
	va_end(ap);
	r->err = rc;
	return rc;
}

static int fail_nomem(struct pqread *r)
{
	return fail(r, -ENOMEM, "cannot read %s: out of memory", r->name);
}

/* ---- strings ------------------------------------------------------------ */

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Undoes parquet_escape: \\ is one backslash and \xHH (lower-case hex) the
 * byte HH. Any other backslash, which ior's writer never leaves, is kept
 * as it is. Writes at most len bytes to dst; returns how many.
 */
static size_t unescape(char *dst, const uint8_t *src, size_t len)
{
	const uint8_t *bs = memchr(src, '\\', len);
	size_t o, i;

	if (!bs) {
		memcpy(dst, src, len);
		return len;
	}
	o = i = (size_t)(bs - src);
	memcpy(dst, src, i);
	while (i < len) {
		if (src[i] == '\\' && i + 1 < len && src[i + 1] == '\\') {
			dst[o++] = '\\';
			i += 2;
		} else if (src[i] == '\\' && i + 3 < len && src[i + 1] == 'x' &&
			   hexval(src[i + 2]) >= 0 && hexval(src[i + 3]) >= 0) {
			dst[o++] = (char)(hexval(src[i + 2]) << 4 | hexval(src[i + 3]));
			i += 4;
		} else {
			dst[o++] = (char)src[i++];
		}
	}
	return o;
}

/* ---- Thrift compact protocol ------------------------------------------- */

/* A cursor over Thrift bytes [p, end). The first problem is kept in why
 * and moves p to end, so every later read fails too. */
struct tc {
	const uint8_t *p, *end;
	int depth;
	const char *why;
	bool short_input;  /* why is that the bytes ran out */
};

struct tfield {
	int16_t id;
	uint8_t type;
};

static bool tc_fail(struct tc *c, const char *why)
{
	if (!c->why)
		c->why = why;
	c->p = c->end;
	return false;
}

/* A failure for want of bytes: the value may go on past the cursor's end. */
static bool tc_short(struct tc *c, const char *why)
{
	if (!c->why)
		c->short_input = true;
	return tc_fail(c, why);
}

static bool tc_need(struct tc *c, size_t n)
{
	return (size_t)(c->end - c->p) >= n || tc_short(c, "it ends inside a value");
}

/* Steps over n bytes. */
static bool tc_bytes(struct tc *c, size_t n)
{
	if (!tc_need(c, n))
		return false;
	c->p += n;
	return true;
}

static bool tc_enter(struct tc *c)
{
	return ++c->depth <= TC_DEPTH_MAX || tc_fail(c, "it nests too deeply");
}

static bool tc_uleb(struct tc *c, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned shift = 0;; shift += 7) {
		uint8_t b;

		if (c->p == c->end)
			return tc_short(c, "it ends inside a number");
		b = *c->p++;
		if (shift == 63 && b > 1)
			return tc_fail(c, "a number has more than 64 bits");
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return true;
}

static bool tc_i64(struct tc *c, int64_t *out)
{
	uint64_t u;

	if (!tc_uleb(c, &u))
		return false;
	*out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return true;
}

static bool tc_i32(struct tc *c, int32_t *out)
{
	int64_t v;

	if (!tc_i64(c, &v))
		return false;
	if (v < INT32_MIN || v > INT32_MAX)
		return tc_fail(c, "a 32-bit number is out of range");
	*out = (int32_t)v;
	return true;
}

static bool tc_binary(struct tc *c, const uint8_t **p, size_t *n)
{
	uint64_t len;

	if (!tc_uleb(c, &len))
		return false;
	if (len > (uint64_t)(c->end - c->p))
		return tc_short(c, "a string runs past its end");
	*p = c->p;
	*n = (size_t)len;
	c->p += len;
	return true;
}

static bool valid_type(uint8_t t)
{
	return t >= THRIFT_TRUE && t <= THRIFT_STRUCT;
}

/* A list (or set) header: element type and count. Every element takes at
 * least a byte, so a count above the bytes left is a lie. */
static bool tc_list(struct tc *c, uint8_t *elem, uint32_t *n)
{
	uint64_t size;
	uint8_t b;

	if (!tc_need(c, 1))
		return false;
	b = *c->p++;
	size = b >> 4;
	if (size == 15 && !tc_uleb(c, &size))
		return false;
	*elem = b & 15;
	if (!valid_type(*elem))
		return tc_fail(c, "a list has an unknown element type");
	if (size > (uint64_t)(c->end - c->p))
		return tc_short(c, "a list counts more elements than it has bytes");
	*n = (uint32_t)size;
	return true;
}

/* Next field header of the open struct: false at its stop byte, or on an
 * error (c->why is then set). */
static bool tc_field(struct tc *c, int16_t *last, struct tfield *f)
{
	uint8_t b;

	if (!tc_need(c, 1))
		return false;
	b = *c->p++;
	if (b == 0)
		return false;
	f->type = b & 15;
	if (b >> 4) {
		int id = *last + (b >> 4);

		if (id > INT16_MAX)
			return tc_fail(c, "a field id is out of range");
		f->id = (int16_t)id;
	} else {
		int64_t id;

		if (!tc_i64(c, &id))
			return false;
		if (id < INT16_MIN || id > INT16_MAX)
			return tc_fail(c, "a field id is out of range");
		f->id = (int16_t)id;
	}
	if (!valid_type(f->type))
		return tc_fail(c, "a field has an unknown type");
	*last = f->id;
	return true;
}

static bool tc_skip(struct tc *c, uint8_t type, bool elem);

static bool tc_skip_struct(struct tc *c)
{
	struct tfield f;
	int16_t last = 0;

	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f))
		if (!tc_skip(c, f.type, false))
			return false;
	c->depth--;
	return !c->why;
}

/* Skips a value of type: a field's (elem false: a bool is in the header)
 * or a list, set or map element's (a bool is a byte). */
static bool tc_skip(struct tc *c, uint8_t type, bool elem)
{
	const uint8_t *p;
	uint64_t u;
	uint32_t n;
	size_t len;
	uint8_t et;

	switch (type) {
	case THRIFT_TRUE:
	case THRIFT_FALSE:
		return elem ? tc_bytes(c, 1) : true;
	case THRIFT_BYTE:
		return tc_bytes(c, 1);
	case THRIFT_I16:
	case THRIFT_I32:
	case THRIFT_I64:
		return tc_uleb(c, &u);
	case THRIFT_DOUBLE:
		return tc_bytes(c, 8);
	case THRIFT_BINARY:
		return tc_binary(c, &p, &len);
	case THRIFT_LIST:
	case THRIFT_SET:
		if (!tc_enter(c) || !tc_list(c, &et, &n))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!tc_skip(c, et, true))
				return false;
		c->depth--;
		return true;
	case THRIFT_MAP:
		if (!tc_enter(c) || !tc_uleb(c, &u))
			return false;
		et = 0;
		if (u) {
			if (!tc_need(c, 1))
				return false;
			et = *c->p++;
		}
		if (u > (uint64_t)(c->end - c->p) / 2)
			return tc_short(c, "a map counts more pairs than it has bytes");
		if (u && (!valid_type(et >> 4) || !valid_type(et & 15)))
			return tc_fail(c, "a map has an unknown element type");
		for (uint64_t i = 0; i < u; i++)
			if (!tc_skip(c, et >> 4, true) || !tc_skip(c, et & 15, true))
				return false;
		c->depth--;
		return true;
	case THRIFT_STRUCT:
		return tc_skip_struct(c);
	}
	return tc_fail(c, "a field has an unknown type");
}

static bool f_type(struct tc *c, const struct tfield *f, uint8_t type)
{
	return f->type == type || tc_fail(c, "a field has the wrong type");
}

static bool f_i32(struct tc *c, const struct tfield *f, int32_t *v)
{
	return f_type(c, f, THRIFT_I32) && tc_i32(c, v);
}

static bool f_i64(struct tc *c, const struct tfield *f, int64_t *v)
{
	return f_type(c, f, THRIFT_I64) && tc_i64(c, v);
}

static bool f_binary(struct tc *c, const struct tfield *f, const uint8_t **p, size_t *n)
{
	return f_type(c, f, THRIFT_BINARY) && tc_binary(c, p, n);
}

static bool f_bool(struct tc *c, const struct tfield *f, bool *v)
{
	if (f->type != THRIFT_TRUE && f->type != THRIFT_FALSE)
		return tc_fail(c, "a field has the wrong type");
	*v = f->type == THRIFT_TRUE;
	return true;
}

static bool f_list(struct tc *c, const struct tfield *f, uint8_t elem, uint32_t *n)
{
	uint8_t et;

	if (!f_type(c, f, THRIFT_LIST) || !tc_list(c, &et, n))
		return false;
	return et == elem || tc_fail(c, "a list has the wrong element type");
}

/* ---- the footer ---------------------------------------------------------- */

struct schema_el {
	const uint8_t *name;
	size_t namelen;
	int32_t type, repetition, children; /* -1: absent */
	int32_t converted;                  /* ConvertedType, -1: absent */
	int unit;                           /* TimeUnit of a TIMESTAMP: 1 ms, 2 us, 3 ns; 0 none */
};

/*
 * The TimeUnit of a LogicalType TIMESTAMP (LogicalType field 8 holds
 * TimestampType, whose field 2 is the TimeUnit union: 1 MILLIS, 2 MICROS,
 * 3 NANOS, each an empty struct). Other logical types are skipped.
 * depth_left says how many levels of this walk remain.
 */
static bool parse_unit(struct tc *c, int *unit, int depth_left)
{
	static const int16_t want[] = { 8, 2 }; /* LogicalType.TIMESTAMP, TimestampType.unit */
	struct tfield f;
	int16_t last = 0;

	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f)) {
		bool ok;

		if (depth_left > 0 && f.id == want[2 - depth_left] && f.type == THRIFT_STRUCT) {
			ok = parse_unit(c, unit, depth_left - 1);
		} else {
			if (depth_left == 0 && f.id >= 1 && f.id <= 3 && f.type == THRIFT_STRUCT)
				*unit = f.id;
			ok = tc_skip(c, f.type, false);
		}
		if (!ok)
			return false;
	}
	c->depth--;
	return !c->why;
}

static bool parse_schema_el(struct tc *c, struct schema_el *e)
{
	struct tfield f;
	int16_t last = 0;
	bool ok;

	*e = (struct schema_el){ .type = -1, .repetition = -1, .children = -1, .converted = -1 };
	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f)) {
		switch (f.id) {
		case 1:
			ok = f_i32(c, &f, &e->type);
			break;
		case 3:
			ok = f_i32(c, &f, &e->repetition);
			break;
		case 4:
			ok = f_binary(c, &f, &e->name, &e->namelen);
			break;
		case 5:
			ok = f_i32(c, &f, &e->children);
			break;
		case 6:
			ok = f_i32(c, &f, &e->converted);
			break;
		case 10:
			ok = f_type(c, &f, THRIFT_STRUCT) && parse_unit(c, &e->unit, 2);
			break;
		default:
			ok = tc_skip(c, f.type, false);
			break;
		}
		if (!ok)
			return false;
	}
	c->depth--;
	return !c->why;
}

/* What the footer says of one column chunk. */
struct colmeta {
	bool other_file;   /* ColumnChunk.file_path set */
	bool has_meta;
	int32_t type, codec, npath;
	const uint8_t *path;
	size_t pathlen;
	int64_t nvalues, csize, data_off, dict_off; /* -1: absent */
	bool has_min, has_max;
	int64_t min, max;  /* statistics of an INT64 column */
};

static int64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Statistics: max_value (5) and min_value (6) win over the older max (1)
 * and min (2); only 8-byte values are taken (INT64 bounds). */
static bool parse_stats(struct tc *c, struct colmeta *m)
{
	struct tfield f;
	int16_t last = 0;
	bool new_min = false, new_max = false;

	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f)) {
		const uint8_t *p;
		size_t n;

		if (f.id < 1 || f.id > 6 || f.id == 3 || f.id == 4) {
			if (!tc_skip(c, f.type, false))
				return false;
			continue;
		}
		if (!f_binary(c, &f, &p, &n))
			return false;
		if (n != 8)
			continue;
		if ((f.id == 1 && !new_max) || f.id == 5) {
			m->max = le64(p);
			m->has_max = true;
			new_max |= f.id == 5;
		} else if ((f.id == 2 && !new_min) || f.id == 6) {
			m->min = le64(p);
			m->has_min = true;
			new_min |= f.id == 6;
		}
	}
	c->depth--;
	return !c->why;
}

static bool parse_column_meta(struct tc *c, struct colmeta *m)
{
	struct tfield f;
	int16_t last = 0;
	uint32_t n;
	bool ok;

	if (!tc_enter(c))
		return false;
	m->has_meta = true;
	while (tc_field(c, &last, &f)) {
		switch (f.id) {
		case 1:
			ok = f_i32(c, &f, &m->type);
			break;
		case 3:
			ok = f_list(c, &f, THRIFT_BINARY, &n);
			m->npath = ok ? (int32_t)n : 0;
			for (uint32_t i = 0; ok && i < n; i++)
				ok = tc_binary(c, &m->path, &m->pathlen);
			break;
		case 4:
			ok = f_i32(c, &f, &m->codec);
			break;
		case 5:
			ok = f_i64(c, &f, &m->nvalues);
			break;
		case 7:
			ok = f_i64(c, &f, &m->csize);
			break;
		case 9:
			ok = f_i64(c, &f, &m->data_off);
			break;
		case 11:
			ok = f_i64(c, &f, &m->dict_off);
			break;
		case 12:
			ok = f_type(c, &f, THRIFT_STRUCT) && parse_stats(c, m);
			break;
		default:
			ok = tc_skip(c, f.type, false);
			break;
		}
		if (!ok)
			return false;
	}
	c->depth--;
	return !c->why;
}

static bool parse_column_chunk(struct tc *c, struct colmeta *m)
{
	struct tfield f;
	int16_t last = 0;
	bool ok;

	*m = (struct colmeta){ .type = -1, .codec = -1, .nvalues = -1, .csize = -1,
			       .data_off = -1, .dict_off = -1 };
	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f)) {
		if (f.id == 1) {
			m->other_file = true;
			ok = tc_skip(c, f.type, false);
		} else if (f.id == 3) {
			ok = f_type(c, &f, THRIFT_STRUCT) && parse_column_meta(c, m);
		} else {
			ok = tc_skip(c, f.type, false);
		}
		if (!ok)
			return false;
	}
	c->depth--;
	return !c->why;
}

/* What open learns from the schema: which leaf holds each of ior's columns. */
struct layout {
	uint32_t nleaves;
	int32_t leaf_of[NCOLS];   /* -1: none */
	int8_t col_of_leaf[PQREAD_COLUMNS_MAX]; /* -1: not one of ior's */
};

__attribute__((format(printf, 3, 4)))
static int corrupt(struct pqread *r, int rc, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return fail(r, rc, "%s is corrupt: %s", r->name, why);
}

/* Checks the chunk of column k in row group g (1-based in sentences) and
 * notes where it lies. */
static int chunk_check(struct pqread *r, const struct colmeta *m, int k, uint32_t g,
		       struct chunk *ch)
{
	const char *name = columns[k].name;
	char buf[32];
	uint64_t start;

	if (m->other_file)
		return fail(r, -ENOTSUP,
			    "%s keeps column '%s' of row group %u in another file; ior reads "
			    "single-file Parquet", r->name, name, g);
	if (!m->has_meta || m->type < 0 || m->codec < 0 || m->nvalues < 0 || m->csize < 0 ||
	    m->data_off < 0)
		return corrupt(r, -EINVAL, "the metadata of column '%s' in row group %u is incomplete",
			       name, g);
	if (m->type != columns[k].type)
		return corrupt(r, -EINVAL, "column '%s' of row group %u has type %s, the schema %s",
			       name, g, ENUM_NAME(type_names, m->type, buf), type_names[columns[k].type]);
	if (m->npath != 1 || m->pathlen != strlen(name) || memcmp(m->path, name, m->pathlen))
		return corrupt(r, -EINVAL,
			       "the path of column '%s' in row group %u does not match the schema",
			       name, g);
	if (m->codec != CODEC_NONE && m->codec != CODEC_ZSTD)
		return fail(r, -ENOTSUP,
			    "%s is compressed with %s (column '%s'); ior reads zstd-compressed and "
			    "uncompressed Parquet, as it writes it",
			    r->name, ENUM_NAME(codec_names, m->codec, buf), name);
	start = (uint64_t)m->data_off;
	if (m->dict_off > 0 && m->dict_off < m->data_off)
		start = (uint64_t)m->dict_off;
	if (start < 4 || start > r->data_end || (uint64_t)m->csize > r->data_end - start)
		return corrupt(r, -EINVAL, "column '%s' of row group %u lies outside the file's data",
			       name, g);
	ch->start = start;
	ch->size = (uint64_t)m->csize;
	ch->codec = (uint8_t)m->codec;
	return 0;
}

static int parse_row_group(struct pqread *r, struct tc *c, const struct layout *lay,
			   uint32_t g, struct group *grp)
{
	int64_t nvalues[NCOLS] = { 0 }, rows = -1;
	bool has_min[NCOLS] = { false }, has_max[NCOLS] = { false };
	int64_t min = 0, max = 0;
	struct tfield f;
	int16_t last = 0;
	bool seen_columns = false;
	uint32_t n;
	int rc;

	if (!tc_enter(c))
		return corrupt(r, -EINVAL, "its footer is malformed (%s)", c->why);
	while (tc_field(c, &last, &f)) {
		bool ok;

		if (f.id == 1) {
			ok = f_list(c, &f, THRIFT_STRUCT, &n);
			if (ok && n != lay->nleaves)
				return corrupt(r, -EINVAL,
					       "row group %u lists %u columns, the schema %u", g, n,
					       lay->nleaves);
			for (uint32_t i = 0; ok && i < n; i++) {
				struct colmeta m;
				int k = lay->col_of_leaf[i];

				ok = parse_column_chunk(c, &m);
				if (!ok || k < 0)
					continue;
				rc = chunk_check(r, &m, k, g, &grp->chunk[k]);
				if (rc)
					return rc;
				nvalues[k] = m.nvalues;
				has_min[k] = m.has_min;
				has_max[k] = m.has_max;
				if (k == C_TIME) {
					min = m.min;
					max = m.max;
				}
			}
			seen_columns = ok;
		} else if (f.id == 3) {
			ok = f_i64(c, &f, &rows);
		} else {
			ok = tc_skip(c, f.type, false);
		}
		if (!ok)
			break;
	}
	c->depth--;
	if (c->why)
		return corrupt(r, -EINVAL, "its footer is malformed (%s)", c->why);
	if (!seen_columns || rows < 0)
		return corrupt(r, -EINVAL, "row group %u has no %s", g,
			       seen_columns ? "row count" : "columns");
	if ((uint64_t)rows > PQREAD_GROUP_ROWS_MAX)
		return fail(r, -ENOTSUP,
			    "%s has %lld rows in row group %u; ior reads at most %u a row group",
			    r->name, (long long)rows, g, PQREAD_GROUP_ROWS_MAX);
	for (int k = 0; k < NCOLS; k++)
		if (nvalues[k] != rows)
			return corrupt(r, -EINVAL,
				       "column '%s' of row group %u has %lld values for %lld rows",
				       columns[k].name, g, (long long)nvalues[k], (long long)rows);
	grp->rows = (uint64_t)rows;
	if (rows > 0) {
		if (!has_min[C_TIME] || !has_max[C_TIME] || min > max) {
			r->has_time = false; /* absent or nonsense: not used */
		} else if (r->has_time) {
			r->tmin = min < r->tmin ? min : r->tmin;
			r->tmax = max > r->tmax ? max : r->tmax;
		}
	}
	return 0;
}

static int parse_row_groups(struct pqread *r, struct tc *c, const struct layout *lay)
{
	struct tfield f = { 4, THRIFT_LIST };
	uint64_t total = 0;
	uint32_t n, cap = 0;
	int rc;

	if (!f_list(c, &f, THRIFT_STRUCT, &n))
		return corrupt(r, -EINVAL, "its footer is malformed (%s)", c->why);
	r->has_time = true;
	r->tmin = INT64_MAX;
	r->tmax = INT64_MIN;
	for (uint32_t g = 0; g < n; g++) {
		/* grown as row groups parse, not from the count: an empty
		 * struct is one byte, a valid row group hundreds */
		if (g == cap) {
			struct group *more;

			cap = cap ? cap * 2 : 16;
			more = realloc(r->groups, cap * sizeof(*more));
			if (!more)
				return fail_nomem(r);
			r->groups = more;
		}
		memset(&r->groups[g], 0, sizeof(r->groups[g]));
		rc = parse_row_group(r, c, lay, g + 1, &r->groups[g]);
		if (rc)
			return rc;
		r->ngroups++;
		total += r->groups[g].rows;
	}
	if (total != r->rows)
		return corrupt(r, -EINVAL, "its footer counts %llu rows, its row groups %llu",
			       (unsigned long long)r->rows, (unsigned long long)total);
	if (total == 0)
		r->has_time = false;
	return 0;
}

/* Reads the key-value list into r->kv, strings unescaped into r->kvbuf. */
static int parse_kv(struct pqread *r, struct tc *c, const struct tfield *lf)
{
	struct rawkv {
		const uint8_t *k, *v;
		size_t klen, vlen;
		bool has_v;
	} *raw;
	size_t bytes = 0;
	uint32_t n;
	char *at;

	if (!f_list(c, lf, THRIFT_STRUCT, &n))
		return corrupt(r, -EINVAL, "its footer is malformed (%s)", c->why);
	if (r->kv)
		return corrupt(r, -EINVAL, "its footer has two key-value lists");
	if (n > PQREAD_KV_MAX)
		return fail(r, -ENOTSUP, "%s has %u key-value pairs; ior reads at most %u", r->name,
			    n, PQREAD_KV_MAX);
	raw = calloc(n ? n : 1, sizeof(*raw));
	if (!raw)
		return fail_nomem(r);
	for (uint32_t i = 0; i < n; i++) {
		struct tfield f;
		int16_t last = 0;
		bool has_k = false;

		if (!tc_enter(c))
			break;
		while (tc_field(c, &last, &f)) {
			bool ok;

			if (f.id == 1) {
				ok = f_binary(c, &f, &raw[i].k, &raw[i].klen);
				has_k = true;
			} else if (f.id == 2) {
				ok = f_binary(c, &f, &raw[i].v, &raw[i].vlen);
				raw[i].has_v = true;
			} else {
				ok = tc_skip(c, f.type, false);
			}
			if (!ok)
				break;
		}
		c->depth--;
		if (c->why)
			break;
		if (!has_k) {
			free(raw);
			return corrupt(r, -EINVAL, "a key-value pair of its footer has no key");
		}
		bytes += raw[i].klen + 1 + raw[i].vlen + 1;
	}
	if (c->why) {
		free(raw);
		return corrupt(r, -EINVAL, "its footer is malformed (%s)", c->why);
	}
	r->kv = calloc(n ? n : 1, sizeof(*r->kv));
	r->kvbuf = malloc(bytes ? bytes : 1);
	if (!r->kv || !r->kvbuf) {
		free(raw);
		return fail_nomem(r);
	}
	at = r->kvbuf;
	for (uint32_t i = 0; i < n; i++) {
		r->kv[i].key = at;
		at += unescape(at, raw[i].k, raw[i].klen);
		*at++ = '\0';
		if (raw[i].has_v) {
			r->kv[i].value = at;
			at += unescape(at, raw[i].v, raw[i].vlen);
			*at++ = '\0';
		}
	}
	r->nkv = n;
	free(raw);
	return 0;
}

/*
 * ior writes time_ns as TIMESTAMP(NANOS); a file rewritten by another tool
 * may hold it in micro- or milliseconds (DuckDB writes microseconds): the
 * logical type, or else the legacy converted type, says which.
 */
static int64_t time_scale(const struct schema_el *e)
{
	enum { CONVERTED_TIMESTAMP_MILLIS = 9, CONVERTED_TIMESTAMP_MICROS = 10 };

	if (e->unit == 1 || (!e->unit && e->converted == CONVERTED_TIMESTAMP_MILLIS))
		return 1000000;
	if (e->unit == 2 || (!e->unit && e->converted == CONVERTED_TIMESTAMP_MICROS))
		return 1000;
	return 1;
}

/* Matches the schema's leaves to ior's columns; the sentence for a file
 * ior did not write says what is missing or different. */
static int check_schema(struct pqread *r, const struct schema_el *el, uint32_t n,
			struct layout *lay)
{
	char buf[32];

	if (n == 0)
		return corrupt(r, -EINVAL, "its schema is empty");
	for (uint32_t i = 1; i < n; i++)
		if (el[i].children > 0)
			return fail(r, -EINVAL,
				    "%s is a Parquet file but not one ior wrote (it has nested columns)",
				    r->name);
	if (el[0].children != (int32_t)(n - 1))
		return corrupt(r, -EINVAL, "its schema's root counts %d columns but %u follow",
			       (int)el[0].children, n - 1);
	lay->nleaves = n - 1;
	for (int k = 0; k < NCOLS; k++)
		lay->leaf_of[k] = -1;
	for (uint32_t i = 1; i < n; i++) {
		const struct schema_el *e = &el[i];

		lay->col_of_leaf[i - 1] = -1;
		if (!e->name)
			return corrupt(r, -EINVAL, "column %u of its schema has no name", i);
		if (e->type < 0)
			return corrupt(r, -EINVAL, "column %u of its schema has no type", i);
		if (e->repetition < -1 || e->repetition > REP_REPEATED)
			return corrupt(r, -EINVAL, "column %u of its schema has an unknown repetition",
				       i);
		for (int k = 0; k < NCOLS; k++) {
			if (e->namelen != strlen(columns[k].name) ||
			    memcmp(e->name, columns[k].name, e->namelen))
				continue;
			if (lay->leaf_of[k] >= 0)
				return fail(r, -EINVAL,
					    "%s is a Parquet file but not one ior wrote (two columns "
					    "are named '%s')", r->name, columns[k].name);
			if (e->type != columns[k].type)
				return fail(r, -EINVAL,
					    "%s is a Parquet file but not one ior wrote (column '%s' "
					    "is %s, not %s)", r->name, columns[k].name,
					    ENUM_NAME(type_names, e->type, buf),
					    type_names[columns[k].type]);
			if (e->repetition == REP_REPEATED)
				return fail(r, -EINVAL,
					    "%s is a Parquet file but not one ior wrote (column '%s' "
					    "is repeated)", r->name, columns[k].name);
			lay->leaf_of[k] = (int32_t)(i - 1);
			lay->col_of_leaf[i - 1] = (int8_t)k;
			r->optional[k] = e->repetition == REP_OPTIONAL;
			if (k == C_TIME)
				r->time_scale = time_scale(e);
		}
	}
	for (int k = 0; k < NCOLS; k++)
		if (lay->leaf_of[k] < 0)
			return fail(r, -EINVAL,
				    "%s is a Parquet file but not one ior wrote (no column '%s')",
				    r->name, columns[k].name);
	return 0;
}

/*
 * Parses FileMetaData. The row groups are parsed last, whatever their
 * place in the footer, because matching their column chunks needs the
 * schema; until then they are only skipped (which checks their structure).
 */
static int parse_footer(struct pqread *r, const uint8_t *p, size_t len)
{
	struct tc c = { .p = p, .end = p + len };
	struct tc groups = { 0 };
	struct schema_el *el = NULL;
	struct layout *lay = NULL;
	uint32_t nel = 0;
	bool has_rows = false, has_groups = false;
	struct tfield f;
	int16_t last = 0;
	int rc = 0;

	if (!tc_enter(&c))
		goto malformed;
	while (tc_field(&c, &last, &f)) {
		bool ok;

		switch (f.id) {
		case 2:
			if (el) {
				rc = corrupt(r, -EINVAL, "its footer has two schemas");
				goto cleanup;
			}
			ok = f_list(&c, &f, THRIFT_STRUCT, &nel);
			if (!ok)
				break;
			if (nel > PQREAD_COLUMNS_MAX + 1) {
				rc = fail(r, -EINVAL, "%s is a Parquet file but not one ior wrote (it "
					  "has %u columns)", r->name, nel - 1);
				goto cleanup;
			}
			el = calloc(nel ? nel : 1, sizeof(*el));
			if (!el) {
				rc = fail_nomem(r);
				goto cleanup;
			}
			for (uint32_t i = 0; ok && i < nel; i++)
				ok = parse_schema_el(&c, &el[i]);
			break;
		case 3: {
			int64_t rows;

			ok = f_i64(&c, &f, &rows);
			if (ok && rows < 0) {
				rc = corrupt(r, -EINVAL, "its footer counts %lld rows", (long long)rows);
				goto cleanup;
			}
			r->rows = (uint64_t)rows;
			has_rows = true;
			break;
		}
		case 4:
			groups = c;
			groups.depth = 0;
			has_groups = true;
			ok = tc_skip(&c, f.type, false);
			break;
		case 5:
			rc = parse_kv(r, &c, &f);
			if (rc)
				goto cleanup;
			ok = true;
			break;
		default:
			ok = tc_skip(&c, f.type, false);
			break;
		}
		if (!ok)
			break;
	}
	if (c.why)
		goto malformed;
	if (!el || !has_rows || !has_groups) {
		rc = corrupt(r, -EINVAL, "its footer has no %s",
			     !el ? "schema" : !has_rows ? "row count" : "row groups");
		goto cleanup;
	}
	lay = calloc(1, sizeof(*lay));
	if (!lay) {
		rc = fail_nomem(r);
		goto cleanup;
	}
	rc = check_schema(r, el, nel, lay);
	if (rc)
		goto cleanup;
	rc = parse_row_groups(r, &groups, lay);
	goto cleanup;
malformed:
	rc = corrupt(r, -EINVAL, "its footer is malformed (%s)", c.why);
cleanup:
	free(el);
	free(lay);
	return rc;
}

/* ---- reading the file ------------------------------------------------------ */

/*
 * Makes n bytes at off (within the file) available at *out: a pointer into
 * the memory the reader was given, or into r->raw, which keeps the last
 * range read (a page header's window often holds the next small pages).
 */
static int fetch(struct pqread *r, uint64_t off, size_t n, const uint8_t **out)
{
	size_t got = 0;

	if (r->mem) {
		*out = r->mem + off;
		return 0;
	}
	if (off >= r->raw_off && n <= r->raw.len && off - r->raw_off <= r->raw.len - n) {
		*out = r->raw.data + (off - r->raw_off);
		return 0;
	}
	r->raw.len = 0;
	if (!bytebuf_room(&r->raw, n ? n : 1))
		return fail_nomem(r);
	while (got < n) {
		ssize_t k = pread(r->fd, r->raw.data + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(r, -errno, "cannot read %s: %s", r->name, strerror(errno));
		if (k == 0)
			return fail(r, -EIO,
				    "%s became shorter while it was read (is it being rewritten?)",
				    r->name);
		got += (size_t)k;
	}
	r->raw_off = off;
	r->raw.len = n;
	*out = r->raw.data;
	return 0;
}

static int reader_init(struct pqread *r)
{
	const uint8_t *p;
	uint8_t head[4], tail[8];
	uint32_t flen;
	int rc;

	if (r->size == 0)
		return fail(r, -EINVAL, "%s is empty (0 bytes), not a Parquet file", r->name);
	if (r->size < 4)
		return fail(r, -EINVAL, "%s is not a Parquet file: it is only %llu bytes long",
			    r->name, (unsigned long long)r->size);
	rc = fetch(r, 0, 4, &p);
	if (rc)
		return rc;
	memcpy(head, p, 4);
	if (memcmp(head, "PAR1", 4))
		return fail(r, -EINVAL, "%s is not a Parquet file: it does not start with PAR1",
			    r->name);
	if (r->size < 12)
		return fail(r, -EINVAL, "%s is truncated: %llu bytes are too few for a Parquet file",
			    r->name, (unsigned long long)r->size);
	rc = fetch(r, r->size - 8, 8, &p);
	if (rc)
		return rc;
	memcpy(tail, p, 8);
	if (memcmp(tail + 4, "PARE", 4) == 0)
		return fail(r, -ENOTSUP, "%s is an encrypted Parquet file; ior cannot read it",
			    r->name);
	if (memcmp(tail + 4, "PAR1", 4))
		return fail(r, -EINVAL,
			    "%s is truncated: it does not end with PAR1 (was its writer killed "
			    "while writing?)", r->name);
	flen = le32(tail);
	if (flen == 0 || flen > r->size - 12)
		return corrupt(r, -EINVAL, "its footer length (%u bytes) does not fit the file "
			       "(%llu bytes)", flen, (unsigned long long)r->size);
	if (flen > PQREAD_FOOTER_MAX)
		return fail(r, -ENOTSUP, "%s has a footer of %u bytes; ior reads footers up to %u",
			    r->name, flen, PQREAD_FOOTER_MAX);
	r->data_end = r->size - 8 - flen;
	rc = fetch(r, r->data_end, flen, &p);
	if (rc)
		return rc;
	rc = parse_footer(r, p, flen); /* p may point into r->raw: nothing fetches meanwhile */
	bytebuf_free(&r->raw);
	return rc;
}

/* ---- decoding values --------------------------------------------------------- */

/* w (0..64) bits at bit pos of p, least significant first; the caller
 * checked that bytes up to (pos + w + 7) / 8 exist, and end is where the
 * buffer ends. */
static inline uint64_t bits_get(const uint8_t *p, const uint8_t *end, uint64_t pos, unsigned w)
{
	const uint8_t *b = p + (pos >> 3);
	unsigned shift = (unsigned)(pos & 7), got = 0;
	uint64_t v = 0;

	/* the usual case: one unaligned 8-byte load holds all w bits */
	if (w <= 56 && end - b >= 8) {
		memcpy(&v, b, 8);
		return (v >> shift) & ((1ull << w) - 1);
	}

	while (got < w) {
		v |= (uint64_t)(*b++ >> shift) << got;
		got += 8 - shift;
		shift = 0;
	}
	return w == 64 ? v : v & ((1ull << w) - 1);
}

static bool uleb(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	struct tc c = { .p = *p, .end = end };

	if (!tc_uleb(&c, out))
		return false;
	*p = c.p;
	return true;
}

/*
 * n values of the RLE/bit-packed hybrid of bit width w (0..32) at [p, end)
 * into out. A run longer than needed is cut. Returns NULL, or why not.
 */
static const char *rle_decode(const uint8_t *p, const uint8_t *end, unsigned w, uint32_t *out,
			      size_t n)
{
	unsigned vbytes = (w + 7) / 8;
	size_t i = 0;

	while (i < n) {
		uint64_t h, take;

		if (!uleb(&p, end, &h))
			return "its levels or indexes end early";
		if (h & 1) {
			uint64_t groups = h >> 1, need;

			take = groups < (n - i + 7) / 8 ? groups * 8 : n - i;
			need = (take * w + 7) / 8;
			if (need > (uint64_t)(end - p))
				return "a bit-packed run ends early";
			for (uint64_t k = 0; k < take; k++)
				out[i + k] = (uint32_t)bits_get(p, end, k * w, w);
			p += need; /* a run cut short ends the page's values */
		} else {
			uint32_t v = 0;

			if ((size_t)(end - p) < vbytes)
				return "a run ends early";
			for (unsigned k = 0; k < vbytes; k++)
				v |= (uint32_t)p[k] << (8 * k);
			p += vbytes;
			if (w < 32 && v >> w)
				return "a run's value is wider than its bit width";
			take = h >> 1 < n - i ? h >> 1 : n - i;
			for (uint64_t k = 0; k < take; k++)
				out[i + k] = v;
		}
		i += take;
	}
	return NULL;
}

/*
 * One miniblock: take deltas of w bits at p (the caller checked their
 * bytes exist), each plus min, summed from prev into out. Returns the last
 * value. Apart from the delta decoder so that prev and the loop stay in
 * registers; when 8 bytes can be loaded past the last delta, the loop needs
 * no bounds checks.
 */
static __attribute__((noinline)) uint64_t miniblock_decode(const uint8_t *p, const uint8_t *end,
							   unsigned w, uint64_t take,
							   uint64_t min, uint64_t prev,
							   bool is32, int64_t *out)
{
	if (w == 0) {
		for (uint64_t k = 0; k < take; k++) {
			prev += min;
			out[k] = is32 ? (int32_t)(uint32_t)prev : (int64_t)prev;
		}
		return prev;
	}
	if (w <= 56 && (uint64_t)(end - p) >= (take * w + 7) / 8 + 8) {
		const uint64_t mask = (1ull << w) - 1;
		uint64_t pos = 0, v;

		for (uint64_t k = 0; k < take; k++, pos += w) {
			memcpy(&v, p + (pos >> 3), 8);
			prev += min + ((v >> (pos & 7)) & mask);
			out[k] = (int64_t)prev;
		}
		if (is32)
			for (uint64_t k = 0; k < take; k++)
				out[k] = (int32_t)(uint32_t)out[k];
		return prev;
	}
	for (uint64_t k = 0; k < take; k++) {
		prev += min + bits_get(p, end, k * w, w);
		out[k] = is32 ? (int32_t)(uint32_t)prev : (int64_t)prev;
	}
	return prev;
}

/* n DELTA_BINARY_PACKED values (of width 32 or 64) at [p, end) into out. */
static const char *delta_decode(const uint8_t *p, const uint8_t *end, bool is32, int64_t *out,
				size_t n)
{
	uint64_t block, minis, total, per, prev;
	int64_t first;
	size_t i = 1;

	if (!uleb(&p, end, &block) || !uleb(&p, end, &minis) || !uleb(&p, end, &total) ||
	    !uleb(&p, end, &prev))
		return "its DELTA_BINARY_PACKED header ends early";
	first = (int64_t)(prev >> 1) ^ -(int64_t)(prev & 1);
	if (block == 0 || block % 128 || block > 65536 || minis == 0 || block % minis ||
	    (block / minis) % 32)
		return "its DELTA_BINARY_PACKED block layout is invalid";
	if (total != n)
		return "its DELTA_BINARY_PACKED value count differs from the page's";
	if (n == 0)
		return NULL;
	per = block / minis;
	prev = (uint64_t)first;
	out[0] = is32 ? (int32_t)(uint32_t)prev : (int64_t)prev;
	while (i < n) {
		const uint8_t *widths;
		uint64_t z, min;

		if (!uleb(&p, end, &z))
			return "a DELTA_BINARY_PACKED block ends early";
		min = (z >> 1) ^ -(z & 1);
		if ((uint64_t)(end - p) < minis)
			return "a DELTA_BINARY_PACKED block ends early";
		widths = p;
		p += minis;
		for (uint64_t m = 0; m < minis && i < n; m++) {
			unsigned w = widths[m];
			uint64_t take = per < n - i ? per : n - i;
			uint64_t full = per * w / 8, need = (take * w + 7) / 8;

			if (w > (is32 ? 32u : 64u))
				return "a DELTA_BINARY_PACKED miniblock is too wide";
			if (need > (uint64_t)(end - p))
				return "a DELTA_BINARY_PACKED miniblock ends early";
			prev = miniblock_decode(p, end, w, take, min, prev, is32, out + i);
			i += take;
			p += full < (uint64_t)(end - p) ? full : (uint64_t)(end - p);
		}
	}
	return NULL;
}

/* ---- decoding pages ------------------------------------------------------- */

struct page_header {
	int32_t type, usize, csize;          /* -1: absent */
	bool has_data, has_dict, has_v2;
	int32_t nvalues, encoding, def_enc;  /* data (v1, v2) and dictionary pages */
	int32_t nulls, nrows, def_len, rep_len; /* v2 */
	bool compressed;                     /* v2 */
};

static bool parse_sub_header(struct tc *c, struct page_header *h, int kind)
{
	struct tfield f;
	int16_t last = 0;
	bool ok;

	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f)) {
		int32_t *slot = NULL;

		switch (kind * 16 + f.id) {
		case PAGE_DATA * 16 + 1:
		case PAGE_DICTIONARY * 16 + 1:
		case PAGE_DATA_V2 * 16 + 1:
			slot = &h->nvalues;
			break;
		case PAGE_DATA * 16 + 2:
		case PAGE_DICTIONARY * 16 + 2:
		case PAGE_DATA_V2 * 16 + 4:
			slot = &h->encoding;
			break;
		case PAGE_DATA * 16 + 3:
			slot = &h->def_enc;
			break;
		case PAGE_DATA_V2 * 16 + 2:
			slot = &h->nulls;
			break;
		case PAGE_DATA_V2 * 16 + 3:
			slot = &h->nrows;
			break;
		case PAGE_DATA_V2 * 16 + 5:
			slot = &h->def_len;
			break;
		case PAGE_DATA_V2 * 16 + 6:
			slot = &h->rep_len;
			break;
		}
		if (slot)
			ok = f_i32(c, &f, slot);
		else if (kind == PAGE_DATA_V2 && f.id == 7)
			ok = f_bool(c, &f, &h->compressed);
		else
			ok = tc_skip(c, f.type, false);
		if (!ok)
			return false;
	}
	c->depth--;
	return !c->why;
}

static bool parse_page_header(struct tc *c, struct page_header *h)
{
	struct tfield f;
	int16_t last = 0;
	bool ok;

	*h = (struct page_header){ .type = -1, .usize = -1, .csize = -1, .nvalues = -1,
				   .encoding = -1, .def_enc = -1, .nulls = -1, .nrows = -1,
				   .def_len = -1, .rep_len = -1, .compressed = true };
	if (!tc_enter(c))
		return false;
	while (tc_field(c, &last, &f)) {
		switch (f.id) {
		case 1:
			ok = f_i32(c, &f, &h->type);
			break;
		case 2:
			ok = f_i32(c, &f, &h->usize);
			break;
		case 3:
			ok = f_i32(c, &f, &h->csize);
			break;
		case 5:
			ok = f_type(c, &f, THRIFT_STRUCT) && parse_sub_header(c, h, PAGE_DATA);
			h->has_data = true;
			break;
		case 7:
			ok = f_type(c, &f, THRIFT_STRUCT) && parse_sub_header(c, h, PAGE_DICTIONARY);
			h->has_dict = true;
			break;
		case 8:
			ok = f_type(c, &f, THRIFT_STRUCT) && parse_sub_header(c, h, PAGE_DATA_V2);
			h->has_v2 = true;
			break;
		default:
			ok = tc_skip(c, f.type, false);
			break;
		}
		if (!ok)
			return false;
	}
	c->depth--;
	return !c->why;
}

/* Where decoding a column chunk is: for error sentences and limits. */
struct pos {
	int k;           /* column */
	uint32_t g;      /* row group, 0-based */
	uint64_t rows;   /* of the row group */
	uint8_t codec;
};

__attribute__((format(printf, 4, 5)))
static int col_corrupt(struct pqread *r, const struct pos *at, int rc, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (rc == -ENOTSUP)
		return fail(r, rc, "%s uses what ior does not read: column '%s' of row group %u %s",
			    r->name, columns[at->k].name, at->g + 1, why);
	return fail(r, rc, "%s is corrupt: column '%s' of row group %u: %s", r->name,
		    columns[at->k].name, at->g + 1, why);
}

static int bad_encoding(struct pqread *r, const struct pos *at, int32_t enc)
{
	char buf[32];

	return col_corrupt(r, at, -ENOTSUP,
			   "is encoded as %s (ior reads PLAIN, dictionary and DELTA_BINARY_PACKED "
			   "pages, as it writes them)", ENUM_NAME(encoding_names, enc, buf));
}

/* The ulen bytes a page's clen bytes at src stand for, in *out. */
static int page_inflate(struct pqread *r, const struct pos *at, bool compressed,
			const uint8_t *src, size_t clen, size_t ulen, const uint8_t **out)
{
	unsigned long long fsize;
	size_t n;

	if (!compressed || at->codec == CODEC_NONE) {
		if (clen != ulen)
			return col_corrupt(r, at, -EINVAL,
					   "an uncompressed page says it is %zu bytes and %zu bytes",
					   clen, ulen);
		*out = src;
		return 0;
	}
	fsize = ZSTD_getFrameContentSize(src, clen);
	if (fsize == ZSTD_CONTENTSIZE_ERROR)
		return col_corrupt(r, at, -EINVAL, "a page is not zstd data");
	if (fsize != ZSTD_CONTENTSIZE_UNKNOWN && fsize != ulen)
		return col_corrupt(r, at, -EINVAL,
				   "a page's zstd frame holds %llu bytes, its header says %zu", fsize,
				   ulen);
	if (r->page.cap < ulen && !bytebuf_room(&r->page, ulen))
		return fail_nomem(r);
	if (!r->page.data && !bytebuf_room(&r->page, 1))
		return fail_nomem(r);
	n = ZSTD_decompressDCtx(r->zd, r->page.data, ulen, src, clen);
	if (ZSTD_isError(n))
		return col_corrupt(r, at, -EINVAL, "zstd says \"%s\"", ZSTD_getErrorName(n));
	if (n != ulen)
		return col_corrupt(r, at, -EINVAL, "a page holds %zu bytes, its header says %zu", n,
				   ulen);
	*out = r->page.data;
	return 0;
}

/* Stores the string p[0..len) of column k (escapes undone) as *out: an
 * offset into the arena, or for the syscall column the table index. */
static int store_string(struct pqread *r, const struct pos *at, const uint8_t *p, size_t len,
			uint32_t *out)
{
	struct rcol *col = &r->col[at->k];
	size_t off, n;

	if (at->k == C_SYSCALL) {
		char name[32];
		int sc;

		*out = SC_UNKNOWN;
		if (len >= sizeof(name))
			return 0;
		n = unescape(name, p, len);
		name[n] = '\0';
		sc = strlen(name) == n ? ior_syscall_by_name(name) : -1;
		if (sc >= 0)
			*out = (uint32_t)sc;
		return 0;
	}
	if (len + 1 > PQREAD_GROUP_BYTES_MAX - r->group_bytes)
		return fail(r, -ENOTSUP,
			    "%s has more than %u MiB of strings in row group %u; ior reads at most "
			    "that much a row group", r->name, PQREAD_GROUP_BYTES_MAX >> 20, at->g + 1);
	/* a path is preceded by its key (length, hash: see ior_event), made
	 * once per dictionary entry rather than by every sink for every row */
	size_t key = at->k == C_PATH ? PATH_KEY_BYTES : 0;

	if (!bytebuf_room(&col->arena, key + len + 1))
		return fail_nomem(r);
	off = col->arena.len + key;
	n = unescape((char *)col->arena.data + off, p, len);
	col->arena.data[off + n] = '\0';
	if (key) {
		uint32_t plen = (uint32_t)strlen((const char *)col->arena.data + off);
		uint64_t h = util_hash(col->arena.data + off, plen);

		memcpy(col->arena.data + off - key, &plen, sizeof(plen));
		memcpy(col->arena.data + off - sizeof(h), &h, sizeof(h));
	}
	col->arena.len += key + n + 1;
	r->group_bytes += n + 1;
	*out = (uint32_t)off;
	return 0;
}

static int dictionary_page(struct pqread *r, const struct pos *at, const struct page_header *h,
			   const uint8_t *p, size_t len)
{
	struct rcol *col = &r->col[at->k];
	const uint8_t *end = p + len;
	uint32_t n;
	int rc;

	if (h->nvalues < 0 || h->encoding < 0)
		return col_corrupt(r, at, -EINVAL, "its dictionary page header is incomplete");
	if (h->encoding != ENC_PLAIN && h->encoding != ENC_PLAIN_DICTIONARY)
		return bad_encoding(r, at, h->encoding);
	n = (uint32_t)h->nvalues;
	if (n > at->rows)
		return col_corrupt(r, at, -EINVAL,
				   "its dictionary has more entries (%u) than the row group rows",
				   n);
	if ((uint64_t)n * 4 > len)
		return col_corrupt(r, at, -EINVAL, "its dictionary page is shorter than its entries");
	if (n > col->dict_cap) {
		uint64_t *d = realloc(col->dict, n * sizeof(*d));

		if (!d)
			return fail_nomem(r);
		col->dict = d;
		col->dict_cap = n;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (columns[at->k].type == TYPE_BYTE_ARRAY) {
			uint32_t slen, v;

			if (end - p < 4 || le32(p) > (size_t)(end - p - 4))
				return col_corrupt(r, at, -EINVAL,
						   "its dictionary page is shorter than its entries");
			slen = le32(p);
			rc = store_string(r, at, p + 4, slen, &v);
			if (rc)
				return rc;
			col->dict[i] = v;
			p += 4 + (size_t)slen;
		} else if (columns[at->k].type == TYPE_INT32) {
			if (end - p < 4)
				return col_corrupt(r, at, -EINVAL,
						   "its dictionary page is shorter than its entries");
			col->dict[i] = (uint64_t)(int64_t)(int32_t)le32(p);
			p += 4;
		} else {
			if (end - p < 8)
				return col_corrupt(r, at, -EINVAL,
						   "its dictionary page is shorter than its entries");
			col->dict[i] = (uint64_t)le64(p);
			p += 8;
		}
	}
	col->ndict = n;
	return 0;
}

/* Decodes nv values of encoding enc at [p, end) into slots row.. of the
 * column, densely (spread over the NULLs afterwards). */
static int page_values(struct pqread *r, const struct pos *at, int32_t enc, const uint8_t *p,
		       const uint8_t *end, uint64_t row, uint32_t nv, bool has_dict)
{
	struct rcol *col = &r->col[at->k];
	uint8_t type = columns[at->k].type;
	const char *why;
	int rc;

	if (nv == 0)
		return 0;
	if (enc == ENC_PLAIN_DICTIONARY || enc == ENC_RLE_DICTIONARY) {
		if (!has_dict)
			return col_corrupt(r, at, -EINVAL,
					   "a dictionary-encoded page has no dictionary page");
		if (p == end || *p > 32)
			return col_corrupt(r, at, -EINVAL, "bad bit width of dictionary indexes");
		why = rle_decode(p + 1, end, *p, r->scratch, nv);
		if (why)
			return col_corrupt(r, at, -EINVAL, "%s", why);
		for (uint32_t i = 0; i < nv; i++) {
			uint32_t x = r->scratch[i];

			if (x >= col->ndict)
				return col_corrupt(r, at, -EINVAL,
						   "a dictionary index is out of range");
			if (type == TYPE_BYTE_ARRAY)
				col->str[row + i] = (uint32_t)col->dict[x];
			else
				col->i64[row + i] = (int64_t)col->dict[x];
		}
		return 0;
	}
	if (enc == ENC_DELTA_BINARY_PACKED && type != TYPE_BYTE_ARRAY) {
		why = delta_decode(p, end, type == TYPE_INT32, col->i64 + row, nv);
		return why ? col_corrupt(r, at, -EINVAL, "%s", why) : 0;
	}
	if (enc != ENC_PLAIN)
		return bad_encoding(r, at, enc);
	if (type == TYPE_BYTE_ARRAY) {
		for (uint32_t i = 0; i < nv; i++) {
			uint32_t slen;

			if (end - p < 4 || le32(p) > (size_t)(end - p - 4))
				return col_corrupt(r, at, -EINVAL, "a page is shorter than its values");
			slen = le32(p);
			rc = store_string(r, at, p + 4, slen, &col->str[row + i]);
			if (rc)
				return rc;
			p += 4 + (size_t)slen;
		}
		return 0;
	}
	if ((uint64_t)nv * (type == TYPE_INT32 ? 4 : 8) > (uint64_t)(end - p))
		return col_corrupt(r, at, -EINVAL, "a page is shorter than its values");
	for (uint32_t i = 0; i < nv; i++)
		col->i64[row + i] = type == TYPE_INT32 ? (int32_t)le32(p + 4 * (size_t)i)
						       : le64(p + 8 * (size_t)i);
	return 0;
}

/* Definition levels of n rows (bit width 1) into present[row..]; counts
 * the values in *nv. */
static int page_levels(struct pqread *r, const struct pos *at, const uint8_t *p,
		       const uint8_t *end, uint64_t row, uint32_t n, uint32_t *nv)
{
	uint8_t *present = r->col[at->k].present + row;
	const char *why = rle_decode(p, end, 1, r->scratch, n);

	if (why)
		return col_corrupt(r, at, -EINVAL, "%s", why);
	*nv = 0;
	for (uint32_t i = 0; i < n; i++) {
		present[i] = (uint8_t)r->scratch[i];
		*nv += r->scratch[i];
	}
	return 0;
}

/* Moves the nv dense values at slots row.. to the rows present says hold
 * values (from the back, so nothing is overwritten before it moves). */
static void spread(struct rcol *col, uint64_t row, uint32_t n, uint32_t nv)
{
	const uint8_t *present = col->present + row;
	uint32_t j = nv;

	if (nv == n)
		return;
	for (uint32_t i = n; i-- > 0;) {
		if (col->i64)
			col->i64[row + i] = present[i] ? col->i64[row + --j] : 0;
		else
			col->str[row + i] = present[i] ? col->str[row + --j] : 0;
	}
}

/* A data page (v1 or v2) of the column: fills slots *row.. and advances
 * *row by its rows. body is the page's bytes as stored (clen of them). */
static int data_page(struct pqread *r, const struct pos *at, const struct page_header *h,
		     const uint8_t *body, size_t clen, uint64_t *row, bool has_dict)
{
	bool v2 = h->type == PAGE_DATA_V2;
	const uint8_t *p, *end;
	size_t levels = 0;
	uint32_t n, nv = 0;
	int rc;

	if (h->nvalues < 0 || h->encoding < 0 ||
	    (v2 ? h->nulls < 0 || h->nrows < 0 || h->def_len < 0 || h->rep_len < 0
		: r->optional[at->k] && h->def_enc < 0))
		return col_corrupt(r, at, -EINVAL, "a data page header is incomplete");
	n = (uint32_t)h->nvalues;
	if (n > at->rows - *row)
		return col_corrupt(r, at, -EINVAL,
				   "a page holds %u values, more than the row group's %llu rows "
				   "left", n, (unsigned long long)(at->rows - *row));
	if (v2) {
		if (h->rep_len != 0 || h->nrows != h->nvalues)
			return col_corrupt(r, at, -EINVAL, "a v2 page has repetition levels");
		levels = (size_t)h->def_len;
		if (levels > clen || levels > (size_t)h->usize)
			return col_corrupt(r, at, -EINVAL, "a v2 page's levels exceed the page");
		if (!r->optional[at->k] && levels)
			return col_corrupt(r, at, -EINVAL,
					   "a v2 page of a required column has levels");
		rc = page_inflate(r, at, h->compressed, body + levels, clen - levels,
				  (size_t)h->usize - levels, &p);
		if (rc)
			return rc;
		end = p + ((size_t)h->usize - levels);
		if (r->optional[at->k]) {
			rc = page_levels(r, at, body, body + levels, *row, n, &nv);
			if (rc)
				return rc;
		}
	} else {
		rc = page_inflate(r, at, true, body, clen, (size_t)h->usize, &p);
		if (rc)
			return rc;
		end = p + h->usize;
		if (r->optional[at->k]) {
			uint32_t len;

			if (h->def_enc != ENC_RLE)
				return col_corrupt(r, at, -ENOTSUP,
						   "has definition levels that are not RLE");
			if (end - p < 4 || (len = le32(p)) > (size_t)(end - p - 4))
				return col_corrupt(r, at, -EINVAL, "its definition levels run past "
						   "their page");
			rc = page_levels(r, at, p + 4, p + 4 + len, *row, n, &nv);
			if (rc)
				return rc;
			p += 4 + (size_t)len;
		}
	}
	if (!r->optional[at->k]) {
		memset(r->col[at->k].present + *row, 1, n);
		nv = n;
	}
	if (v2 && (uint32_t)h->nulls != n - nv)
		return col_corrupt(r, at, -EINVAL, "a v2 page miscounts its NULLs");
	rc = page_values(r, at, h->encoding, p, end, *row, nv, has_dict);
	if (rc)
		return rc;
	spread(&r->col[at->k], *row, n, nv);
	*row += n;
	return 0;
}

/* Decodes the pages of column k in row group g into r->col[k]. */
static int load_column(struct pqread *r, int k, uint32_t g)
{
	const struct chunk *ch = &r->groups[g].chunk[k];
	const struct pos at = { k, g, r->groups[g].rows, ch->codec };
	uint64_t pos = ch->start, end = ch->start + ch->size, row = 0;
	bool has_dict = false;
	int rc;

	r->col[k].ndict = 0;
	while (row < at.rows) {
		struct page_header h;
		const uint8_t *win, *body;
		size_t wlen, hlen, clen;
		struct tc c;

		if (pos >= end)
			return col_corrupt(r, &at, -EINVAL, "its pages end after %llu of its %llu rows",
					   (unsigned long long)row, (unsigned long long)at.rows);
		wlen = end - pos < HEADER_WINDOW ? (size_t)(end - pos) : HEADER_WINDOW;
		rc = fetch(r, pos, wlen, &win);
		if (rc)
			return rc;
		c = (struct tc){ .p = win, .end = win + wlen };
		if (!parse_page_header(&c, &h)) {
			if (wlen == HEADER_WINDOW && c.short_input)
				return col_corrupt(r, &at, -ENOTSUP,
						   "has a page header longer than %u KiB",
						   HEADER_WINDOW >> 10);
			return col_corrupt(r, &at, -EINVAL, "a page header is malformed (%s)",
					   c.why ? c.why : "?");
		}
		hlen = (size_t)(c.p - win);
		pos += hlen;
		if (h.type < 0 || h.usize < 0 || h.csize < 0)
			return col_corrupt(r, &at, -EINVAL, "a page header is incomplete");
		if ((uint32_t)h.usize > PQREAD_PAGE_MAX || (uint32_t)h.csize > PQREAD_PAGE_MAX)
			return col_corrupt(r, &at, -ENOTSUP, "has a page of more than %u MiB",
					   PQREAD_PAGE_MAX >> 20);
		clen = (size_t)h.csize;
		if (clen > end - pos)
			return col_corrupt(r, &at, -EINVAL,
					   "a page runs past the end of its column chunk");
		rc = fetch(r, pos, clen, &body); /* often within win, already read */
		if (rc)
			return rc;
		switch (h.type) {
		case PAGE_INDEX:
			break;
		case PAGE_DICTIONARY: {
			const uint8_t *p;

			if (!h.has_dict)
				return col_corrupt(r, &at, -EINVAL,
						   "a dictionary page has no dictionary header");
			if (has_dict || row)
				return col_corrupt(r, &at, -EINVAL,
						   "a dictionary page follows other pages");
			rc = page_inflate(r, &at, true, body, clen, (size_t)h.usize, &p);
			if (!rc)
				rc = dictionary_page(r, &at, &h, p, (size_t)h.usize);
			if (rc)
				return rc;
			has_dict = true;
			break;
		}
		case PAGE_DATA:
		case PAGE_DATA_V2:
			if (h.type == PAGE_DATA ? !h.has_data : !h.has_v2)
				return col_corrupt(r, &at, -EINVAL,
						   "a data page has no data page header");
			rc = data_page(r, &at, &h, body, clen, &row, has_dict);
			if (rc)
				return rc;
			break;
		default:
			return col_corrupt(r, &at, -EINVAL, "a page has an unknown type (%d)",
					   (int)h.type);
		}
		pos += clen;
	}
	return 0;
}

static int reserve_rows(struct pqread *r, uint64_t rows)
{
	if (rows <= r->cap_rows)
		return 0;
	free(r->scratch);
	r->scratch = malloc(rows * sizeof(*r->scratch));
	if (!r->scratch)
		return fail_nomem(r);
	for (int k = 0; k < NCOLS; k++) {
		struct rcol *col = &r->col[k];

		free(col->present);
		free(col->i64);
		free(col->str);
		col->i64 = NULL;
		col->str = NULL;
		col->present = malloc(rows);
		if (columns[k].type == TYPE_BYTE_ARRAY)
			col->str = malloc(rows * sizeof(*col->str));
		else
			col->i64 = malloc(rows * sizeof(*col->i64));
		if (!col->present || (!col->str && !col->i64)) {
			r->cap_rows = 0;
			return fail_nomem(r);
		}
	}
	r->cap_rows = (uint32_t)rows;
	return 0;
}

static int load_group(struct pqread *r, uint32_t g)
{
	uint64_t rows = r->groups[g].rows;
	int rc;

	r->row = r->group_rows = 0;
	if (rows == 0)
		return 0;
	rc = reserve_rows(r, rows);
	if (rc)
		return rc;
	r->group_bytes = 0;
	for (int k = 0; k < NCOLS; k++) {
		r->col[k].arena.len = 0;
		rc = load_column(r, k, g);
		if (rc)
			return rc;
	}
	r->group_rows = (uint32_t)rows;
	return 0;
}

/* ---- the API -------------------------------------------------------------- */

static int reader_new(const char *name, struct pqread **out, char *err, size_t errlen)
{
	struct pqread *r = calloc(1, sizeof(*r));

	if (r) {
		r->fd = -1;
		r->name = strdup(name);
		r->zd = ZSTD_createDCtx();
	}
	if (!r || !r->name || !r->zd) {
		pqread_close(r);
		if (err && errlen)
			snprintf(err, errlen, "cannot read %s: out of memory", name);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

/* Ends an open: hands r out, or reports and frees it. */
static int open_done(struct pqread *r, int rc, struct pqread **out, char *err, size_t errlen)
{
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s", r->errbuf);
		pqread_close(r);
		return rc;
	}
	if (err && errlen)
		err[0] = '\0';
	*out = r;
	return 0;
}

int pqread_open_mem(const void *buf, size_t len, const char *name, struct pqread **out,
		    char *err, size_t errlen)
{
	struct pqread *r;
	int rc;

	if (!name)
		name = "(memory)";
	if (!out || (!buf && len)) {
		if (err && errlen)
			snprintf(err, errlen, "cannot read %s: invalid arguments", name);
		return -EINVAL;
	}
	rc = reader_new(name, &r, err, errlen);
	if (rc)
		return rc;
	r->mem = buf ? buf : (const uint8_t *)"";
	r->size = len;
	return open_done(r, reader_init(r), out, err, errlen);
}

int pqread_open(const char *path, struct pqread **out, char *err, size_t errlen)
{
	struct pqread *r;
	struct stat st;
	int rc;

	if (!path || !out) {
		if (err && errlen)
			snprintf(err, errlen, "cannot read a Parquet file: invalid arguments");
		return -EINVAL;
	}
	rc = reader_new(path, &r, err, errlen);
	if (rc)
		return rc;
	/* O_NONBLOCK: a FIFO must not hang the open (it is refused below) */
	r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (r->fd < 0)
		rc = fail(r, -errno, "cannot open %s: %s", path, strerror(errno));
	else if (fstat(r->fd, &st))
		rc = fail(r, -errno, "cannot read %s: %s", path, strerror(errno));
	else if (S_ISDIR(st.st_mode))
		rc = fail(r, -EISDIR, "%s is a directory, not a Parquet file", path);
	else if (!S_ISREG(st.st_mode))
		rc = fail(r, -EINVAL, "%s is not a regular file", path);
	if (!rc) {
		r->size = (uint64_t)st.st_size;
		rc = reader_init(r);
	}
	return open_done(r, rc, out, err, errlen);
}

int pqread_next(struct pqread *r, struct ior_event *ev)
{
	if (!r || !ev)
		return -EINVAL;
	if (r->err)
		return r->err;
	for (;;) {
		const struct rcol *col = r->col;
		uint32_t i;
		int rc;

		while (r->row == r->group_rows) {
			if (r->next_group == r->ngroups)
				return 0;
			rc = load_group(r, r->next_group++);
			if (rc)
				return rc;
		}
		i = r->row++;
		if (!col[C_SYSCALL].present[i] || col[C_SYSCALL].str[i] == SC_UNKNOWN) {
			r->skipped++;
			continue;
		}
		/* every field set one by one: a memset of the whole event costs
		 * more than the rest of this function */
		ev->sc = (int)col[C_SYSCALL].str[i];
		ev->time_ns = (uint64_t)col[C_TIME].i64[i] * (uint64_t)r->time_scale;
		ev->pid = (uint32_t)col[C_PID].i64[i];
		ev->tid = (uint32_t)col[C_TID].i64[i];
		ev->has_fd = col[C_FD].present[i];
		ev->fd = (int32_t)col[C_FD].i64[i];
		ev->has_flags = col[C_FLAGS].present[i];
		ev->flags = (int32_t)col[C_FLAGS].i64[i];
		ev->ret = col[C_RET].i64[i];
		ev->bytes = (uint64_t)col[C_BYTES].i64[i];
		ev->duration_ns = (uint64_t)col[C_DURATION].i64[i];
		ev->gap_ns = (uint64_t)col[C_GAP].i64[i];
		memset(ev->comm, 0, sizeof(ev->comm));
		if (col[C_COMM].present[i]) {
			const char *s = (const char *)col[C_COMM].arena.data + col[C_COMM].str[i];

			memcpy(ev->comm, s, strnlen(s, sizeof(ev->comm) - 1));
		}
		ev->path = NULL;
		ev->path_known = col[C_PATH].present[i];
		if (ev->path_known) {
			const uint8_t *at = col[C_PATH].arena.data + col[C_PATH].str[i];

			memcpy(&ev->path_len, at - PATH_KEY_BYTES, sizeof(ev->path_len));
			memcpy(&ev->path_hash, at - sizeof(ev->path_hash), sizeof(ev->path_hash));
			ev->path = (const char *)at;
		}
		ev->path2 = col[C_PATH2].present[i]
				    ? (const char *)col[C_PATH2].arena.data + col[C_PATH2].str[i]
				    : NULL;
		return 1;
	}
}

const char *pqread_error(const struct pqread *r)
{
	return r ? r->errbuf : "";
}

uint64_t pqread_rows(const struct pqread *r)
{
	return r ? r->rows : 0;
}

uint64_t pqread_skipped(const struct pqread *r)
{
	return r ? r->skipped : 0;
}

const char *pqread_kv(const struct pqread *r, const char *key)
{
	if (!r || !key)
		return NULL;
	for (size_t i = 0; i < r->nkv; i++)
		if (strcmp(r->kv[i].key, key) == 0)
			return r->kv[i].value;
	return NULL;
}

int pqread_kv_at(const struct pqread *r, size_t i, const char **key, const char **value)
{
	if (!r || i >= r->nkv)
		return -ENOENT;
	if (key)
		*key = r->kv[i].key;
	if (value)
		*value = r->kv[i].value;
	return 0;
}

int pqread_time_range(const struct pqread *r, uint64_t *min_ns, uint64_t *max_ns)
{
	int64_t lo, hi;

	if (!r || !r->has_time || __builtin_mul_overflow(r->tmin, r->time_scale, &lo) ||
	    __builtin_mul_overflow(r->tmax, r->time_scale, &hi))
		return -ENOENT;
	if (min_ns)
		*min_ns = (uint64_t)lo;
	if (max_ns)
		*max_ns = (uint64_t)hi;
	return 0;
}

void pqread_close(struct pqread *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (int k = 0; k < NCOLS; k++) {
		free(r->col[k].present);
		free(r->col[k].i64);
		free(r->col[k].str);
		free(r->col[k].dict);
		bytebuf_free(&r->col[k].arena);
	}
	free(r->scratch);
	bytebuf_free(&r->raw);
	bytebuf_free(&r->page);
	ZSTD_freeDCtx(r->zd);
	free(r->groups);
	free(r->kv);
	free(r->kvbuf);
	free(r->name);
	free(r);
}
