// SPDX-License-Identifier: GPL-2.0
/* The slow paths of struct bytebuf: growing (doubling) and freeing. */
#include <errno.h>
#include <stdlib.h>

#include "bytebuf.h"

int bytebuf_grow(struct bytebuf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (b->err)
		return b->err;
	if (extra > SIZE_MAX / 2 - b->len)
		goto nomem;
	while (cap - b->len < extra)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p)
		goto nomem;
	b->data = p;
	b->cap = cap;
	return 0;
nomem:
	b->err = -ENOMEM;
	return b->err;
}

void bytebuf_free(struct bytebuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = 0;
}
