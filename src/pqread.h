/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming reader of the Parquet files ior writes (parquet.h): it checks
 * the footer and the schema at open, then decodes one row group at a time
 * and hands out its rows as struct ior_event, with the strings' escapes
 * (parquet_escape) undone. Memory stays bounded whatever the file, and
 * every defect of an input becomes a one-sentence error naming the file.
 */
#ifndef IOR_PQREAD_H
#define IOR_PQREAD_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/*
 * Limits. Files beyond them are refused with a sentence saying so; ior's
 * writer stays far below every one (262144 rows and about 64 MiB of
 * strings a row group, pages of 65536 rows or 1 MiB of strings).
 */
#define PQREAD_ERR_MAX 512                 /* a buffer this long holds any error */
#define PQREAD_FOOTER_MAX (16u << 20)      /* bytes of the footer */
#define PQREAD_PAGE_MAX (256u << 20)       /* bytes of a page, compressed or not */
#define PQREAD_GROUP_ROWS_MAX (1u << 20)   /* rows of a row group */
#define PQREAD_GROUP_BYTES_MAX (256u << 20) /* decoded string bytes of a row group */
#define PQREAD_COLUMNS_MAX 1024            /* columns of the schema */
#define PQREAD_KV_MAX 65536                /* key-value metadata pairs */

struct pqread;

/*
 * Opens the Parquet file at path: reads and checks its footer (magic at
 * both ends, footer length, metadata), and checks that its schema is
 * ior's: the 13 columns of parquet.h by name and physical type, in any
 * order, each required or optional (other columns are ignored). No row is
 * decoded yet. On success *out is the reader (close it with pqread_close).
 *
 * Returns 0; or a negative errno with one sentence naming path in err
 * (errlen bytes; PQREAD_ERR_MAX is enough): -ENOENT, -EACCES, -EISDIR and
 * other errors of open and read; -EINVAL when the file is not a Parquet
 * file, is truncated or corrupt, or is a Parquet file but not one ior
 * wrote ("... not one ior wrote (no column 'syscall')"); -ENOTSUP for a
 * valid Parquet file that uses what ior's writer never does (a compression
 * codec other than zstd, an encrypted footer, nested columns, limits
 * above); -ENOMEM. *out is untouched on failure.
 */
int pqread_open(const char *path, struct pqread **out, char *err, size_t errlen);

/*
 * The same over the len bytes at buf, which must stay valid and unchanged
 * until pqread_close; name stands for the file in error sentences.
 */
int pqread_open_mem(const void *buf, size_t len, const char *name, struct pqread **out,
		    char *err, size_t errlen);

/*
 * Reads the next row into *ev. Its strings (path, path2) point into the
 * reader and stay valid until the next pqread_next or pqread_close; comm
 * is copied (cut to 16 bytes). time_ns is in nanoseconds even when the
 * file, rewritten by another tool, holds it in micro- or milliseconds. A NULL fd or flags gives has_fd / has_flags
 * false; a NULL path or path2 gives NULL; a NULL in a column ior always
 * fills gives 0 (or an empty comm).
 *
 * A row whose syscall is NULL or a name ior_syscall_by_name does not know
 * (a file from an ior that traces more syscalls) is skipped and counted in
 * pqread_skipped: the other rows stay readable.
 *
 * Returns 1 with a row, 0 after the last one, or a negative errno (-EINVAL
 * corrupt data, -ENOTSUP an encoding ior does not read, -ENOMEM, -EIO or
 * another errno of read) with a sentence in pqread_error. Errors are
 * sticky: every later call returns the same one. Rows delivered before an
 * error were read correctly.
 */
int pqread_next(struct pqread *r, struct ior_event *ev);

/* The sentence of the last error ("" if none). */
const char *pqread_error(const struct pqread *r);

/* Rows the footer announces (skipped rows included). */
uint64_t pqread_rows(const struct pqread *r);

/* Rows pqread_next skipped so far for an unknown or NULL syscall. */
uint64_t pqread_skipped(const struct pqread *r);

/*
 * The value of the first key-value metadata pair whose key is key (with
 * escapes undone, NUL-terminated, owned by r); NULL if there is no such
 * pair or it has no value.
 */
const char *pqread_kv(const struct pqread *r, const char *key);

/*
 * Pair i (0-based) of the key-value metadata, in file order: sets *key and
 * *value (NULL: the pair has no value), both owned by r. Returns 0, or
 * -ENOENT when there is no pair i.
 */
int pqread_kv_at(const struct pqread *r, size_t i, const char **key, const char **value);

/*
 * The smallest and largest time_ns of the file, from the column
 * statistics of its footer. Returns 0, or -ENOENT when the footer has no
 * statistics for every non-empty row group (or the file has no rows).
 */
int pqread_time_range(const struct pqread *r, uint64_t *min_ns, uint64_t *max_ns);

/* Closes the file and frees r (accepts NULL). */
void pqread_close(struct pqread *r);

#endif /* IOR_PQREAD_H */
