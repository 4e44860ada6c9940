/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small Parquet file builder for the tests of pqread.c: it writes rows
 * of ior events with the choices ior's writer never makes (no compression,
 * PLAIN or dictionary integers, data pages v2, other column orders, extra
 * or changed columns, other codecs or encodings) so that the reader's
 * support and refusals are both exercised, and the fuzzer gets seeds with
 * uncompressed pages. Built on thrift.c and pqenc.c. Header-only (static
 * functions) so the unit tests and tests/fuzz/seed_pqread.c share it.
 */
#ifndef IOR_TEST_PQBUILD_H
#define IOR_TEST_PQBUILD_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bytebuf.h"
#include "event.h"
#include "parquet.h"
#include "pqenc.h"
#include "syscalls.h"
#include "thrift.h"

/* Which field of an event a column holds. */
enum pqb_src {
	PQB_TIME, PQB_PID, PQB_TID, PQB_COMM, PQB_SYSCALL, PQB_FD, PQB_PATH, PQB_PATH2,
	PQB_FLAGS, PQB_RET, PQB_BYTES, PQB_DURATION, PQB_GAP,
	PQB_EXTRA, /* not an event field: the row number, or "x<row>" */
	PQB_NSRC
};

struct pqb_col {
	const char *name;
	int type;       /* 1 INT32, 2 INT64, 6 BYTE_ARRAY (or any number, for refusals) */
	bool optional;
	enum pqb_src src;
};

/* ior's schema, as parquet.c writes it */
static const struct pqb_col pqb_ior_cols[] = {
	{ "time_ns", 2, false, PQB_TIME },      { "pid", 1, false, PQB_PID },
	{ "tid", 1, false, PQB_TID },           { "comm", 6, false, PQB_COMM },
	{ "syscall", 6, false, PQB_SYSCALL },   { "fd", 1, true, PQB_FD },
	{ "path", 6, true, PQB_PATH },          { "path2", 6, true, PQB_PATH2 },
	{ "flags", 1, true, PQB_FLAGS },        { "ret", 2, false, PQB_RET },
	{ "bytes", 2, false, PQB_BYTES },       { "duration_ns", 2, false, PQB_DURATION },
	{ "duration_to_prev_ns", 2, false, PQB_GAP },
};
#define PQB_IOR_NCOLS (sizeof(pqb_ior_cols) / sizeof(pqb_ior_cols[0]))

struct pqb_opts {
	const struct pqb_col *cols; /* NULL: pqb_ior_cols */
	size_t ncols;
	bool all_optional;          /* every column OPTIONAL */
	int codec;                  /* 0 none, 6 zstd; others are declared, not applied */
	int int_encoding;           /* 0 PLAIN, 5 DELTA_BINARY_PACKED, 8 RLE_DICTIONARY */
	int str_encoding;           /* 0 PLAIN, 2 PLAIN_DICTIONARY, 8 RLE_DICTIONARY */
	int def_encoding;           /* v1 definition levels: 3 RLE (0 means 3) */
	bool v2;                    /* data pages v2 */
	uint32_t page_rows;         /* rows a data page (0: all of the group) */
	uint32_t group_rows;        /* rows a row group (0: one group) */
	const char *unknown_syscall;/* written for events with sc < 0 (NULL: a NULL) */
	const struct parquet_kv *kv;
	size_t nkv;
	int time_unit;              /* time_ns as TIMESTAMP: 1 ms, 2 us, 3 ns (0: no type) */
	bool time_converted_only;   /* ... told by the legacy converted type alone */
	/* lies, for the reader's limits: when non-zero they replace what data
	 * page headers say of their uncompressed size and values, and what
	 * the footer says of each row group's rows */
	int32_t lie_usize, lie_nvalues;
	int64_t lie_group_rows;
};

static inline const struct pqb_col *pqb_cols(const struct pqb_opts *o, size_t *n)
{
	*n = o->cols ? o->ncols : PQB_IOR_NCOLS;
	return o->cols ? o->cols : pqb_ior_cols;
}

/* The value of column src for ev (row r): false for NULL. Strings go to
 * str/len (escaped by the caller), integers to *v. */
static inline bool pqb_value(const struct ior_event *ev, uint64_t r, enum pqb_src src,
			     const struct pqb_opts *o, int64_t *v, const char **str, size_t *len)
{
	static char extra[32];

	*str = NULL;
	*v = 0;
	switch (src) {
	case PQB_TIME: *v = (int64_t)ev->time_ns; return true;
	case PQB_PID: *v = (int32_t)ev->pid; return true;
	case PQB_TID: *v = (int32_t)ev->tid; return true;
	case PQB_COMM: *str = ev->comm; *len = strnlen(ev->comm, sizeof(ev->comm)); return true;
	case PQB_SYSCALL:
		*str = ev->sc >= 0 && ev->sc < IOR_SC_COUNT ? ior_syscalls[ev->sc].name
							    : o->unknown_syscall;
		*len = *str ? strlen(*str) : 0;
		return *str != NULL;
	case PQB_FD: *v = ev->fd; return ev->has_fd;
	case PQB_PATH: *str = ev->path; *len = *str ? strlen(*str) : 0; return *str != NULL;
	case PQB_PATH2: *str = ev->path2; *len = *str ? strlen(*str) : 0; return *str != NULL;
	case PQB_FLAGS: *v = ev->flags; return ev->has_flags;
	case PQB_RET: *v = ev->ret; return true;
	case PQB_BYTES: *v = (int64_t)ev->bytes; return true;
	case PQB_DURATION: *v = (int64_t)ev->duration_ns; return true;
	case PQB_GAP: *v = (int64_t)ev->gap_ns; return true;
	case PQB_EXTRA:
	case PQB_NSRC:
		break;
	}
	*v = (int64_t)r;
	*len = (size_t)snprintf(extra, sizeof(extra), "x%llu", (unsigned long long)r);
	*str = extra;
	return true;
}

/* One PLAIN string: length, then the escaped bytes. */
static inline void pqb_plain_str(struct bytebuf *b, const char *s, size_t len)
{
	char *esc = malloc(4 * len + 1);
	long n = esc ? parquet_escape(esc, 4 * len + 1, s, len) : -1;

	if (n < 0) {
		b->err = -ENOMEM;
		free(esc);
		return;
	}
	bytebuf_le32(b, (uint32_t)n);
	bytebuf_put(b, esc, (size_t)n);
	free(esc);
}

/* Appends a page (header and body) to out; returns its header + body
 * sizes, compressed and not, through *csz and *usz. */
static inline void pqb_page(struct bytebuf *out, const struct pqb_opts *o, int type,
			    const struct bytebuf *levels, const struct bytebuf *vals,
			    uint32_t nvalues, uint32_t nnulls, int encoding, uint64_t *csz,
			    uint64_t *usz)
{
	struct bytebuf body = { 0 }, hdr = { 0 };
	size_t ulen = vals->len, clen;
	bool v2 = type == 3;
	struct thrift t;

	if (!v2 && levels->len) { /* v1: levels inside the (compressed) body */
		bytebuf_put(&body, levels->data, levels->len);
		ulen += levels->len;
	}
	bytebuf_put(&body, vals->data, vals->len);
	if (o->codec == 6 && !body.err) {
		size_t bound = ZSTD_compressBound(body.len);
		uint8_t *z = malloc(bound);

		clen = z ? ZSTD_compress(z, bound, body.len ? body.data : (const uint8_t *)"",
					 body.len, 1) : 0;
		body.len = 0;
		if (z && !ZSTD_isError(clen))
			bytebuf_put(&body, z, clen);
		free(z);
	}
	clen = body.len;
	if (v2) {
		ulen += levels->len;
		clen += levels->len;
	}
	if (type != 2 && o->lie_usize)
		ulen = (size_t)o->lie_usize;
	if (type != 2 && o->lie_nvalues)
		nvalues = (uint32_t)o->lie_nvalues;
	thrift_begin(&t, &hdr);
	thrift_i32(&t, 1, type);
	thrift_i32(&t, 2, (int32_t)ulen);
	thrift_i32(&t, 3, (int32_t)clen);
	if (type == 0) {
		thrift_struct(&t, 5);
		thrift_i32(&t, 1, (int32_t)nvalues);
		thrift_i32(&t, 2, encoding);
		thrift_i32(&t, 3, o->def_encoding ? o->def_encoding : 3);
		thrift_i32(&t, 4, 3);
		thrift_end(&t);
	} else if (type == 2) {
		thrift_struct(&t, 7);
		thrift_i32(&t, 1, (int32_t)nvalues);
		thrift_i32(&t, 2, encoding);
		thrift_end(&t);
	} else {
		thrift_struct(&t, 8);
		thrift_i32(&t, 1, (int32_t)nvalues);
		thrift_i32(&t, 2, (int32_t)nnulls);
		thrift_i32(&t, 3, (int32_t)nvalues);
		thrift_i32(&t, 4, encoding);
		thrift_i32(&t, 5, (int32_t)levels->len);
		thrift_i32(&t, 6, 0);
		thrift_bool(&t, 7, o->codec != 0);
		thrift_end(&t);
	}
	thrift_end(&t);
	bytebuf_put(out, hdr.data, hdr.len);
	if (v2)
		bytebuf_put(out, levels->data, levels->len);
	bytebuf_put(out, body.data, body.len);
	*csz += hdr.len + clen;
	*usz += hdr.len + ulen;
	if (hdr.err || body.err)
		out->err = -ENOMEM;
	bytebuf_free(&hdr);
	bytebuf_free(&body);
}

/* What the footer says of one column chunk. */
struct pqb_chunk {
	uint64_t dict_off, data_off, csize, usize;
	bool minmax;
	int64_t min, max;
};

/* Writes rows [r0, r0 + n) of column c as a column chunk. */
static inline void pqb_chunk(struct bytebuf *out, const struct pqb_opts *o, const struct pqb_col *c,
			     const struct ior_event *ev, uint64_t r0, uint32_t n,
			     struct pqb_chunk *ch)
{
	bool str = c->type == 6, opt = c->optional || o->all_optional;
	int enc = str ? o->str_encoding : o->int_encoding;
	bool dict = enc == 2 || enc == 8;
	uint32_t page = o->page_rows ? o->page_rows : (n ? n : 1);
	uint32_t *idx = calloc(n ? n : 1, sizeof(*idx)), nd = 0;
	uint64_t *dkey = calloc(n ? n : 1, sizeof(*dkey)); /* dictionary: row of the first use */
	struct bytebuf levels = { 0 }, vals = { 0 };
	int64_t v;
	const char *s;
	size_t len;

	memset(ch, 0, sizeof(*ch));
	if (!idx || !dkey) {
		out->err = -ENOMEM;
		goto done;
	}
	ch->min = INT64_MAX;
	ch->max = INT64_MIN;
	for (uint32_t i = 0; i < n; i++) {
		if (!pqb_value(&ev[r0 + i], r0 + i, c->src, o, &v, &s, &len))
			continue;
		if (!str) {
			ch->minmax = true;
			ch->min = v < ch->min ? v : ch->min;
			ch->max = v > ch->max ? v : ch->max;
		}
		if (!dict)
			continue;
		for (idx[i] = 0; idx[i] < nd; idx[i]++) {
			int64_t dv;
			const char *ds;
			size_t dlen;
			uint64_t dr = dkey[idx[i]];

			pqb_value(&ev[dr], dr, c->src, o, &dv, &ds, &dlen);
			if (str ? dlen == len && memcmp(ds, s, len) == 0 : dv == v)
				break;
		}
		if (idx[i] == nd)
			dkey[nd++] = r0 + i;
	}
	if (dict) {
		ch->dict_off = out->len;
		for (uint32_t d = 0; d < nd; d++) {
			pqb_value(&ev[dkey[d]], dkey[d], c->src, o, &v, &s, &len);
			if (str)
				pqb_plain_str(&vals, s, len);
			else if (c->type == 1)
				bytebuf_le32(&vals, (uint32_t)v);
			else
				bytebuf_le64(&vals, (uint64_t)v);
		}
		pqb_page(out, o, 2, &levels, &vals, nd, 0, enc == 2 ? 2 : 0, &ch->csize, &ch->usize);
	}
	ch->data_off = out->len;
	for (uint32_t p = 0; p < n || (p == 0 && n == 0); p += page) {
		uint32_t m = n - p < page ? n - p : page, nv = 0;
		uint32_t *lv = calloc(m ? m : 1, sizeof(*lv)), *di = calloc(m ? m : 1, sizeof(*di));
		int64_t *iv = calloc(m ? m : 1, sizeof(*iv));

		levels.len = vals.len = 0;
		if (!lv || !di || !iv) {
			out->err = -ENOMEM;
			free(lv);
			free(di);
			free(iv);
			break;
		}
		for (uint32_t i = 0; i < m; i++) {
			uint64_t r = r0 + p + i;

			lv[i] = pqb_value(&ev[r], r, c->src, o, &v, &s, &len);
			if (!lv[i])
				continue;
			di[nv] = idx[p + i];
			iv[nv] = v;
			nv++;
			if (dict)
				continue;
			if (str)
				pqb_plain_str(&vals, s, len);
			else if (enc == 0 && c->type == 1)
				bytebuf_le32(&vals, (uint32_t)v);
			else if (enc == 0)
				bytebuf_le64(&vals, (uint64_t)v);
		}
		if (opt) {
			if (!o->v2)
				bytebuf_le32(&levels, 0);
			pqenc_rle(&levels, lv, m, 1);
			if (!o->v2 && levels.len >= 4) {
				uint32_t l = (uint32_t)(levels.len - 4);

				memcpy(levels.data, &l, 4); /* little-endian hosts only */
			}
		}
		if (nv && dict) {
			unsigned w = nd > 1 ? pqenc_bit_width(nd - 1) : 1;

			bytebuf_byte(&vals, (uint8_t)w);
			pqenc_rle(&vals, di, nv, w);
		} else if (nv && !str && enc == 5 && c->type == 1) {
			int32_t *i32 = malloc(nv * sizeof(*i32));

			for (uint32_t i = 0; i32 && i < nv; i++)
				i32[i] = (int32_t)iv[i];
			if (i32)
				pqenc_delta_i32(&vals, i32, nv, NULL);
			free(i32);
		} else if (nv && !str && enc == 5) {
			pqenc_delta_i64(&vals, iv, nv, NULL);
		} else if (!nv && enc == 5 && !str) {
			pqenc_delta_i64(&vals, iv, 0, NULL);
		}
		pqb_page(out, o, o->v2 ? 3 : 0, &levels, &vals, m, m - nv,
			 dict ? (enc == 2 ? 2 : 8) : enc, &ch->csize, &ch->usize);
		free(lv);
		free(di);
		free(iv);
		if (n == 0)
			break;
	}
done:
	if (levels.err || vals.err)
		out->err = -ENOMEM;
	bytebuf_free(&levels);
	bytebuf_free(&vals);
	free(idx);
	free(dkey);
}

/* Builds a whole file of the n events ev into out (cleared first).
 * Returns 0 or -ENOMEM. */
static inline int pqb_build(struct bytebuf *out, const struct ior_event *ev, size_t n,
			    const struct pqb_opts *o)
{
	size_t ncols, group = o->group_rows ? o->group_rows : (n ? n : 1);
	const struct pqb_col *cols = pqb_cols(o, &ncols);
	size_t ngroups = n ? (n + group - 1) / group : 0;
	struct pqb_chunk *ch = calloc((ngroups ? ngroups : 1) * ncols, sizeof(*ch));
	struct bytebuf meta = { 0 };
	size_t start;
	struct thrift t;

	out->len = 0;
	if (!ch)
		return -ENOMEM;
	bytebuf_put(out, "PAR1", 4);
	for (size_t g = 0; g < ngroups; g++) {
		uint32_t rows = (uint32_t)(n - g * group < group ? n - g * group : group);

		for (size_t c = 0; c < ncols; c++)
			pqb_chunk(out, o, &cols[c], ev, g * group, rows, &ch[g * ncols + c]);
	}
	start = out->len;
	thrift_begin(&t, &meta);
	thrift_i32(&t, 1, 1);
	thrift_list(&t, 2, THRIFT_STRUCT, (uint32_t)ncols + 1);
	thrift_elem_struct(&t);
	thrift_string(&t, 4, "schema");
	thrift_i32(&t, 5, (int32_t)ncols);
	thrift_end(&t);
	for (size_t c = 0; c < ncols; c++) {
		thrift_elem_struct(&t);
		thrift_i32(&t, 1, cols[c].type);
		thrift_i32(&t, 3, cols[c].optional || o->all_optional ? 1 : 0);
		thrift_string(&t, 4, cols[c].name);
		if (cols[c].src == PQB_TIME && o->time_unit) {
			if (o->time_unit < 3)
				thrift_i32(&t, 6, o->time_unit == 1 ? 9 : 10);
			if (!o->time_converted_only) {
				thrift_struct(&t, 10);  /* LogicalType */
				thrift_struct(&t, 8);   /* TIMESTAMP */
				thrift_bool(&t, 1, true);
				thrift_struct(&t, 2);   /* unit */
				thrift_struct(&t, (int16_t)o->time_unit);
				thrift_end(&t);
				thrift_end(&t);
				thrift_end(&t);
				thrift_end(&t);
			}
		}
		thrift_end(&t);
	}
	thrift_i64(&t, 3, o->lie_group_rows ? o->lie_group_rows * (int64_t)ngroups : (int64_t)n);
	thrift_list(&t, 4, THRIFT_STRUCT, (uint32_t)ngroups);
	for (size_t g = 0; g < ngroups; g++) {
		uint64_t rows = n - g * group < group ? n - g * group : group;

		thrift_elem_struct(&t);
		thrift_list(&t, 1, THRIFT_STRUCT, (uint32_t)ncols);
		for (size_t c = 0; c < ncols; c++) {
			const struct pqb_chunk *k = &ch[g * ncols + c];

			thrift_elem_struct(&t);
			thrift_i64(&t, 2, 0);
			thrift_struct(&t, 3);
			thrift_i32(&t, 1, cols[c].type);
			thrift_list(&t, 2, THRIFT_I32, 1);
			thrift_elem_i32(&t, 0);
			thrift_list(&t, 3, THRIFT_BINARY, 1);
			thrift_elem_binary(&t, cols[c].name, strlen(cols[c].name));
			thrift_i32(&t, 4, o->codec);
			thrift_i64(&t, 5, o->lie_group_rows ? o->lie_group_rows : (int64_t)rows);
			thrift_i64(&t, 6, (int64_t)k->usize);
			thrift_i64(&t, 7, (int64_t)k->csize);
			thrift_i64(&t, 9, (int64_t)k->data_off);
			if (k->dict_off)
				thrift_i64(&t, 11, (int64_t)k->dict_off);
			if (k->minmax && cols[c].type == 2) {
				uint8_t lo[8], hi[8];

				for (int b = 0; b < 8; b++) {
					lo[b] = (uint8_t)((uint64_t)k->min >> (8 * b));
					hi[b] = (uint8_t)((uint64_t)k->max >> (8 * b));
				}
				thrift_struct(&t, 12);
				thrift_binary(&t, 5, hi, 8);
				thrift_binary(&t, 6, lo, 8);
				thrift_end(&t);
			}
			thrift_end(&t);
			thrift_end(&t);
		}
		thrift_i64(&t, 2, 0);
		thrift_i64(&t, 3, o->lie_group_rows ? o->lie_group_rows : (int64_t)rows);
		thrift_end(&t);
	}
	if (o->nkv) {
		thrift_list(&t, 5, THRIFT_STRUCT, (uint32_t)o->nkv);
		for (size_t i = 0; i < o->nkv; i++) {
			thrift_elem_struct(&t);
			thrift_string(&t, 1, o->kv[i].key);
			if (o->kv[i].value)
				thrift_string(&t, 2, o->kv[i].value);
			thrift_end(&t);
		}
	}
	thrift_string(&t, 6, "pqbuild");
	thrift_end(&t);
	bytebuf_put(out, meta.data, meta.len);
	bytebuf_le32(out, (uint32_t)(out->len - start));
	bytebuf_put(out, "PAR1", 4);
	free(ch);
	if (meta.err)
		out->err = -ENOMEM;
	bytebuf_free(&meta);
	return out->err;
}

#endif /* IOR_TEST_PQBUILD_H */
