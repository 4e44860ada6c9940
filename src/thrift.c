// SPDX-License-Identifier: GPL-2.0
/*
 * Thrift compact protocol encoding. A field header is one byte
 * (delta << 4 | type) when the id is 1..15 above the previous id of the same
 * struct, else the type byte followed by the id as a zigzag varint. Integers
 * are zigzag varints, binaries a varint length and the bytes, a list header
 * one byte (size << 4 | type) below 15 elements, else 0xf0 | type and a
 * varint size. A bool field carries its value in the header's type.
 */
#include <stdlib.h>
#include <string.h>

#include "thrift.h"

static void push(struct thrift *t)
{
	if (t->depth >= THRIFT_DEPTH_MAX)
		abort(); /* a fixed schema nests at most 5 deep: a bug */
	t->last_id[t->depth++] = 0;
}

void thrift_begin(struct thrift *t, struct bytebuf *out)
{
	t->out = out;
	t->depth = 0;
	push(t);
}

void thrift_end(struct thrift *t)
{
	if (t->depth <= 0)
		abort();
	bytebuf_byte(t->out, 0);
	t->depth--;
}

void thrift_field(struct thrift *t, int16_t id, enum thrift_type type)
{
	int16_t *last = &t->last_id[t->depth - 1];
	int delta = id - *last;

	if (delta > 0 && delta <= 15) {
		bytebuf_byte(t->out, (uint8_t)(delta << 4 | type));
	} else {
		bytebuf_byte(t->out, (uint8_t)type);
		bytebuf_uleb(t->out, bytebuf_zigzag(id));
	}
	*last = id;
}

void thrift_i32(struct thrift *t, int16_t id, int32_t v)
{
	thrift_field(t, id, THRIFT_I32);
	bytebuf_uleb(t->out, bytebuf_zigzag(v));
}

void thrift_i64(struct thrift *t, int16_t id, int64_t v)
{
	thrift_field(t, id, THRIFT_I64);
	bytebuf_uleb(t->out, bytebuf_zigzag(v));
}

void thrift_bool(struct thrift *t, int16_t id, bool v)
{
	thrift_field(t, id, v ? THRIFT_TRUE : THRIFT_FALSE);
}

void thrift_binary(struct thrift *t, int16_t id, const void *p, size_t n)
{
	thrift_field(t, id, THRIFT_BINARY);
	thrift_elem_binary(t, p, n);
}

void thrift_string(struct thrift *t, int16_t id, const char *s)
{
	thrift_binary(t, id, s, strlen(s));
}

void thrift_struct(struct thrift *t, int16_t id)
{
	thrift_field(t, id, THRIFT_STRUCT);
	push(t);
}

void thrift_list(struct thrift *t, int16_t id, enum thrift_type elem, uint32_t n)
{
	thrift_field(t, id, THRIFT_LIST);
	if (n < 15) {
		bytebuf_byte(t->out, (uint8_t)(n << 4 | elem));
	} else {
		bytebuf_byte(t->out, (uint8_t)(0xf0 | elem));
		bytebuf_uleb(t->out, n);
	}
}

void thrift_elem_i32(struct thrift *t, int32_t v)
{
	bytebuf_uleb(t->out, bytebuf_zigzag(v));
}

void thrift_elem_binary(struct thrift *t, const void *p, size_t n)
{
	bytebuf_uleb(t->out, n);
	bytebuf_put(t->out, p, n);
}

void thrift_elem_struct(struct thrift *t)
{
	push(t);
}
