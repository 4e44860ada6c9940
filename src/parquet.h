/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming Parquet writer for ior events: one row per completed syscall,
 * with the columns of DESIGN.md section 4 (time_ns, pid, tid, comm, syscall,
 * fd, path, path2, flags, ret, bytes, duration_ns, duration_to_prev_ns).
 * Rows are buffered per column and written as row groups. Each save (a
 * flush) is complete before it replaces the previous one, by exchanging the
 * file with a sibling (see parquet.c), so at every instant the file on disk
 * is a complete Parquet file: the last completed save. Its strings are
 * valid UTF-8 (see parquet_escape).
 * Errors are sticky: the first one is kept, every later call does nothing
 * and returns it, and close reports it.
 */
#ifndef IOR_PARQUET_H
#define IOR_PARQUET_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* A row group is sealed (and later rows go to a new one) when it holds
 * PARQUET_ROWS_PER_GROUP rows, when its strings take PARQUET_GROUP_BYTES,
 * and at every save by exchange; saving in place, when flush has written it
 * PARQUET_FLUSHES_PER_GROUP times: until then each flush writes it again,
 * with its new rows, over its previous version.
 * Memory: about 80 bytes for each of PARQUET_ROWS_PER_GROUP rows, plus the
 * strings of the open row group and sealed row groups not yet written. */
#define PARQUET_ROWS_PER_GROUP 262144
/* Rows per data page. A page is encoded as soon as its rows are in (for the
 * integer columns and string columns in dictionary mode), so a flush or a
 * seal encodes at most this many rows of a column again. */
#define PARQUET_PAGE_ROWS 65536
#define PARQUET_GROUP_BYTES (64u << 20)
#define PARQUET_FLUSHES_PER_GROUP 60

struct parquet_writer;

struct parquet_kv {
	const char *key;   /* not NULL */
	const char *value; /* NULL: the key has no value */
};

/* The sibling of FILE that saves are written into, .FILE.ior-swap in
 * FILE's directory; it is removed at close. */
#define PARQUET_SWAP_SUFFIX ".ior-swap"

/*
 * Writes path's sibling name (see PARQUET_SWAP_SUFFIX) to buf. Returns 0;
 * -ENAMETOOLONG if it takes len bytes or more; -EISDIR if path ends in /.
 */
int parquet_swap_path(const char *path, char *buf, size_t len);

/*
 * Creates the file path holding an empty but valid Parquet file (never
 * replacing a file, never following a symlink; mode 0600, owned by the
 * sudo user when run by sudo), and its sibling. On success *out is the
 * writer; close it with parquet_writer_close. Returns 0; -EINVAL if path
 * or out is NULL; -EEXIST if path exists (a symlink too) or its sibling
 * does (left by a writer that was killed: it holds no row path lacks), or
 * another negative errno of open or write; -ENOMEM. On failure nothing it
 * created is left behind and *out is untouched.
 */
int parquet_writer_open(const char *path, struct parquet_writer **out);

/*
 * Buffers ev as one row (copying its strings, escaped as parquet_escape
 * says). A row group it seals is encoded in memory and reaches the file at
 * the next flush, or as soon as such row groups take 32 MiB.
 * Returns 0; -EINVAL (not sticky, nothing added) if w or ev is NULL, ev->sc
 * is no syscall of ior_syscalls[] or a path is longer than 1 MiB; else the
 * sticky error (-ENOMEM, or an
 * errno of writing such as -ENOSPC, -EIO, -EFBIG).
 */
int parquet_writer_add(struct parquet_writer *w, const struct ior_event *ev);

/*
 * Saves: writes every row not yet in the file (as part of the open row
 * group) and a footer that lists every row group, into the sibling, then
 * exchanges it with the file; first waits, if a tick saved less than
 * PARQUET_SAVE_GAP_NS ago, for the rest of that gap. When it returns 0 the file is a valid
 * Parquet file with every row added before the call, on disk (fdatasync).
 * Does nothing when there is no such row and the key-value metadata has
 * not changed since the last footer. Call it at least every second, or let
 * parquet_writer_tick call it. Returns 0, -EINVAL if w is NULL, or the
 * sticky error. When the disk has no room for the sibling, the sibling is
 * removed and this and later saves go in place (parquet_writer_in_place).
 */
int parquet_writer_flush(struct parquet_writer *w);

/*
 * The recorders' flush timer. Every flush writes the footer again, and the
 * footer lists every row group: past PARQUET_FOOTER_CHEAP bytes (some 300
 * row groups: five minutes of saves a second) rewriting it every second would cost more
 * than the rows it adds, so then a flush waits until the rows since the last
 * one are about as large as the footer, but never more than
 * PARQUET_FLUSH_MAX_NS. Between the timer's flushes, one is due as soon as
 * the new rows are estimated past a budget: PARQUET_SAVE_BYTES, or an eighth
 * of the free disk space if less (at least PARQUET_SAVE_BYTES_MIN), so that
 * a save is never large and a filling disk gets small saves. No save writes
 * into the sibling less than PARQUET_SAVE_GAP_NS after it was the file: a
 * reader that opened the file reads one save for at least that long. Once
 * the free space (the sibling's included) is under twice the file's size
 * plus PARQUET_SWAP_ROOM, the sibling is removed and saves go in place
 * (parquet_writer_in_place says -ENOSPC), never held back by the gap.
 */
#define PARQUET_FLUSH_NS 1000000000ull
#define PARQUET_FLUSH_MAX_NS 60000000000ull
#define PARQUET_FOOTER_CHEAP (256u << 10)
#define PARQUET_SAVE_BYTES (1u << 20)
#define PARQUET_SAVE_BYTES_MIN (16u << 10)
#define PARQUET_SAVE_GAP_NS 500000000ull
#define PARQUET_SWAP_ROOM (8u << 20)

/*
 * Whether a flush is due since_ns after the last one, with the last footer
 * footer_bytes long and about new_bytes of rows added since: at least
 * PARQUET_FLUSH_NS after it, and then while the footer is under
 * PARQUET_FOOTER_CHEAP, or new_bytes has reached it, or PARQUET_FLUSH_MAX_NS
 * has passed.
 */
bool parquet_flush_due(uint64_t since_ns, uint64_t footer_bytes, uint64_t new_bytes);

/*
 * Flushes w when parquet_flush_due or the budget says so and the sibling's
 * gap has passed, now_ns being CLOCK_MONOTONIC (the first call starts the
 * timer). The new rows' size is estimated from the bytes a row took in the
 * file so far. Returns what the flush returned, or 0 when none was due;
 * -EINVAL if w is NULL; the sticky error.
 */
int parquet_writer_tick(struct parquet_writer *w, uint64_t now_ns);

/*
 * Replaces the key-value metadata written in every later footer with the n
 * pairs of kv (copied and escaped as parquet_escape says, so the footer's
 * strings are valid UTF-8; n may be 0 to drop them all). The next flush writes a
 * footer even without new rows if the pairs differ from the last ones.
 * Returns 0; -EINVAL (not sticky) if w is NULL, kv is NULL with n > 0, or a
 * key is NULL; the sticky error, or -ENOMEM (which becomes sticky).
 */
int parquet_writer_set_kv(struct parquet_writer *w, const struct parquet_kv *kv, size_t n);

/*
 * Saves what the file lacks (parquet_writer_flush), removes the sibling,
 * closes the file and frees w (accepts NULL: returns 0). Returns 0, or the first error that ever
 * happened to w, including one of this final save, fsync or close. After
 * an error the file holds the rows of its last completed save
 * (parquet_writer_saved_rows, asked before close).
 */
int parquet_writer_close(struct parquet_writer *w);

/* Rows accepted by parquet_writer_add so far, flushed or not (0 for NULL). */
uint64_t parquet_writer_rows(const struct parquet_writer *w);

/* Rows in the file: those of the last completed save (0 for NULL). */
uint64_t parquet_writer_saved_rows(const struct parquet_writer *w);

/* Rows given to parquet_writer_add that are not in the file: accepted but
 * not saved yet, or refused by an error (0 for NULL). */
uint64_t parquet_writer_lost_rows(const struct parquet_writer *w);

/*
 * 0 while saves go by exchange; else why they go in place, where a kill
 * during a save can tear the file's tail: -ENOSPC or -EDQUOT (the disk had
 * no room for the sibling), -EINVAL (the file system cannot exchange two
 * names: no renameat2 RENAME_EXCHANGE), -EPERM, -EOPNOTSUPP or -EMLINK (it
 * has no hard links). 0 for NULL.
 */
int parquet_writer_in_place(const struct parquet_writer *w);

/* Data pages written as a zstd frame of raw blocks, not compressed: those
 * of columns zstd barely shrinks (delta-packed times and durations). The
 * tests use it to know that the readers they check met such pages. */
uint64_t parquet_writer_raw_pages(const struct parquet_writer *w);

/*
 * The string mapping of the file's STRING columns (comm, path, path2; the
 * syscall names are ASCII): bytes that form valid UTF-8 are kept as they are,
 * except a backslash, written as two backslashes; each byte that is not part
 * of valid UTF-8 (shortest form, no surrogates, at most U+10FFFF) is written
 * as the four characters \xHH (lower-case hex). The mapping is one-to-one, so
 * a reader can restore the original bytes. Writes the result of len bytes of
 * src to dst (cap bytes, at least 4 * len + 1 always suffice) and returns
 * its length, or -ENOSPC if it does not fit (dst then undefined). dst is not
 * NUL-terminated.
 */
long parquet_escape(char *dst, size_t cap, const char *src, size_t len);

/* True if parquet_escape would change s[0..len) (a backslash, or a byte of
 * 0x80 or more that may be part of invalid UTF-8). */
bool parquet_needs_escape(const char *s, size_t len);

#endif /* IOR_PARQUET_H */
