// SPDX-License-Identifier: GPL-2.0
/*
 * The CSV writer: a 64 KiB buffer in front of a file descriptor and the
 * first error that happened to it. Quoting follows RFC 4180 section 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

#define CSV_BUF (64u << 10)

struct csv_writer {
	int fd;
	int err;
	bool row_open;     /* a field was written in the current record */
	uint64_t rows;
	size_t len;
	char buf[CSV_BUF];
};

int csv_writer_create(const char *path, struct csv_writer **out)
{
	struct csv_writer *w;

	if (!path || !out)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		int e = -errno;

		free(w);
		return e;
	}
	*out = w;
	return 0;
}

int csv_writer_fd(int fd, struct csv_writer **out)
{
	struct csv_writer *w;

	if (fd < 0 || !out)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	*out = w;
	return 0;
}

static void flush_buf(struct csv_writer *w)
{
	size_t off = 0;

	while (!w->err && off < w->len) {
		ssize_t k = write(w->fd, w->buf + off, w->len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			w->err = k < 0 ? -errno : -EIO;
		else
			off += (size_t)k;
	}
	w->len = 0;
}

static void put(struct csv_writer *w, const char *s, size_t n)
{
	while (!w->err && n) {
		size_t k = CSV_BUF - w->len < n ? CSV_BUF - w->len : n;

		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		if (w->len == CSV_BUF)
			flush_buf(w);
	}
}

void csv_field(struct csv_writer *w, const char *s, size_t len)
{
	bool quote = false;

	if (w->err)
		return;
	if (w->row_open)
		put(w, ",", 1);
	w->row_open = true;
	if (!s)
		return;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		put(w, s, len);
		return;
	}
	put(w, "\"", 1);
	for (size_t i = 0, from = 0; i <= len; i++) {
		if (i == len || s[i] == '"') {
			put(w, s + from, i - from + (i < len ? 1 : 0));
			if (i < len)
				put(w, "\"", 1); /* the quote doubled */
			from = i + 1;
		}
	}
	put(w, "\"", 1);
}

void csv_field_str(struct csv_writer *w, const char *s)
{
	csv_field(w, s, s ? strlen(s) : 0);
}

void csv_field_u64(struct csv_writer *w, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);

	csv_field(w, buf, (size_t)n);
}

void csv_field_i64(struct csv_writer *w, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);

	csv_field(w, buf, (size_t)n);
}

void csv_end_row(struct csv_writer *w)
{
	if (w->err)
		return;
	put(w, "\r\n", 2);
	w->row_open = false;
	w->rows++;
}

int csv_writer_error(const struct csv_writer *w)
{
	return w->err;
}

uint64_t csv_writer_rows(const struct csv_writer *w)
{
	return w->rows;
}

int csv_writer_close(struct csv_writer *w)
{
	int err;

	if (!w)
		return 0;
	flush_buf(w);
	if (!w->err && fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS)
		w->err = -errno;
	if (close(w->fd) < 0 && !w->err && errno != EINTR)
		w->err = -errno;
	err = w->err;
	free(w);
	return err;
}
