/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An RFC 4180 CSV writer: fields separated by commas, records ended by
 * CRLF, a field quoted (and its quotes doubled) when it holds a comma, a
 * double quote, CR or LF. Bytes are written as given: the caller decides
 * the encoding of its strings. Errors are sticky: the first one is kept,
 * later calls do nothing, and csv_writer_close reports it.
 */
#ifndef IOR_CSV_H
#define IOR_CSV_H

#include <stddef.h>
#include <stdint.h>

struct csv_writer;

/*
 * Creates path (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600: never replaces a
 * file, never follows a symlink) and sets *out. Returns 0, -EINVAL (NULL
 * argument), -ENOMEM, or the negative errno of open (-EEXIST: it exists).
 */
int csv_writer_create(const char *path, struct csv_writer **out);

/* Wraps an open file descriptor (taken: close closes it). 0, -EINVAL or -ENOMEM. */
int csv_writer_fd(int fd, struct csv_writer **out);

/* One field of len bytes (quoted when needed); s NULL: an empty field. */
void csv_field(struct csv_writer *w, const char *s, size_t len);
/* A NUL-terminated field; NULL: empty. */
void csv_field_str(struct csv_writer *w, const char *s);
void csv_field_u64(struct csv_writer *w, uint64_t v);
void csv_field_i64(struct csv_writer *w, int64_t v);
/* Ends the record (CRLF); the next field starts a new one. */
void csv_end_row(struct csv_writer *w);

/* The sticky error: 0 or a negative errno. */
int csv_writer_error(const struct csv_writer *w);
/* Records ended so far. */
uint64_t csv_writer_rows(const struct csv_writer *w);

/*
 * Flushes, fsyncs and closes the file and frees w (NULL: returns 0).
 * Returns 0 or the first error (of a write, fsync or close).
 */
int csv_writer_close(struct csv_writer *w);

#endif /* IOR_CSV_H */
