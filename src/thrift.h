/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A writer of the Thrift compact protocol, the encoding of all Parquet
 * metadata (page headers and the file footer). It appends to a bytebuf and
 * remembers, per open struct, the last field id written, because compact
 * field headers store the id as a delta from it. Only what Parquet needs is
 * here: i32, i64, bool, binary, structs and lists. Errors are the bytebuf's
 * (sticky -ENOMEM); a nesting deeper than THRIFT_DEPTH_MAX is a bug and
 * aborts.
 */
#ifndef IOR_THRIFT_H
#define IOR_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytebuf.h"

/* Compact protocol type ids (field headers and list element types). */
enum thrift_type {
	THRIFT_TRUE = 1,   /* a bool field whose value is true */
	THRIFT_FALSE = 2,  /* a bool field whose value is false */
	THRIFT_BYTE = 3,
	THRIFT_I16 = 4,
	THRIFT_I32 = 5,
	THRIFT_I64 = 6,
	THRIFT_DOUBLE = 7,
	THRIFT_BINARY = 8,
	THRIFT_LIST = 9,
	THRIFT_SET = 10,
	THRIFT_MAP = 11,
	THRIFT_STRUCT = 12,
};

#define THRIFT_DEPTH_MAX 8

struct thrift {
	struct bytebuf *out;
	int depth;                          /* open structs */
	int16_t last_id[THRIFT_DEPTH_MAX];  /* last field id, per open struct */
};

/* Starts a top-level struct (FileMetaData, PageHeader, ...) on out. */
void thrift_begin(struct thrift *t, struct bytebuf *out);
/* Ends the innermost open struct: writes its stop byte. */
void thrift_end(struct thrift *t);

/* Field header of field id with type (id > 0). */
void thrift_field(struct thrift *t, int16_t id, enum thrift_type type);
void thrift_i32(struct thrift *t, int16_t id, int32_t v);
void thrift_i64(struct thrift *t, int16_t id, int64_t v);
void thrift_bool(struct thrift *t, int16_t id, bool v);
void thrift_binary(struct thrift *t, int16_t id, const void *p, size_t n);
void thrift_string(struct thrift *t, int16_t id, const char *s);
/* Field header of a struct field, and opens it: close with thrift_end. */
void thrift_struct(struct thrift *t, int16_t id);
/* Field header of a list of n elements of type elem; then write exactly n
 * elements with thrift_elem_* or, for structs, thrift_elem_struct. */
void thrift_list(struct thrift *t, int16_t id, enum thrift_type elem, uint32_t n);
void thrift_elem_i32(struct thrift *t, int32_t v);
void thrift_elem_binary(struct thrift *t, const void *p, size_t n);
/* Opens a struct that is a list element: close with thrift_end. */
void thrift_elem_struct(struct thrift *t);

#endif /* IOR_THRIFT_H */
