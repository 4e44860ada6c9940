/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native `.ior.zst` file: an aggregation (agg.h) plus a string
 * key/value list of metadata, in ior's own versioned record format inside a
 * zstd stream. docs/ior-zst-format.md specifies the bytes. Writing is
 * atomic and never replaces an existing file; reading streams with bounded
 * memory and turns every defect of the input into a one-sentence error.
 */
#ifndef IOR_IORZST_H
#define IOR_IORZST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"

#define IORZST_VERSION 1
#define IORZST_STRING_MAX (1u << 20)   /* longest string a reader accepts */
#define IORZST_RECORD_MAX (4u << 20)   /* longest record payload */
#define IORZST_ERR_MAX 512             /* a buffer this long holds any error */

struct iorzst_kv {
	const char *key;
	const char *value;
};

/*
 * Returns 0 if path names nothing yet and its directory exists, -EEXIST if
 * something (even a dangling symlink) is there, or another negative errno
 * from looking (-ENOENT: no such directory, ...). Creates nothing. Call it
 * before tracing so a run is not wasted on an unwritable name.
 */
int iorzst_check_new(const char *path);

/*
 * Writes agg (every entry of agg_foreach, in that order) and the n metadata
 * pairs meta[] to a new file at path, mode 0600. The data goes to a
 * temporary file in the same directory, is fsynced, and is then renamed to
 * path without ever replacing an existing file; the directory is fsynced
 * too. On failure nothing is left behind, except when only that last
 * directory fsync fails: the file is then in place and the error returned.
 * Returns 0, -EEXIST if path exists, -EINVAL for a NULL key or value, or
 * the negative errno of the step that failed (-ENOMEM, -ENOSPC, ...).
 */
int iorzst_write(const char *path, const struct agg *agg, const struct iorzst_kv *meta,
		 size_t n);

/* Entries written between two calls of iorzst_owned's between callback. */
#define IORZST_BETWEEN_ENTRIES 2048

/*
 * The file a run writes again and again (periodic snapshots, then its last
 * write): the device and inode of what ior last put at the path, and the
 * calls that file holds. The caller zeroes it and may set between.
 */
struct iorzst_owned {
	uint64_t dev;
	uint64_t ino;
	uint64_t events; /* the entries' counts in the file, summed */
	bool written;    /* false until a write succeeded */
	/*
	 * Called after every IORZST_BETWEEN_ENTRIES entries written (NULL:
	 * never), so that a long write does not hold up the caller's other
	 * work. It may add to the agg being written: entries are written as
	 * they are when their turn comes, new ones included, each consistent
	 * in itself. A non-zero return ends the write with that error.
	 */
	int (*between)(void *ctx);
	void *between_ctx;
};

/*
 * iorzst_write for a file written more than once. The first write (own
 * zeroed) is iorzst_write. A later one replaces the file at path only
 * while it is still the one own names: a file someone else put there is
 * never replaced nor lost (-EEXIST), and a path gone missing is created
 * anew. On any failure the file of the last successful write is left as
 * it was; on success own names the new file. Returns as iorzst_write, or
 * the between callback's error.
 */
int iorzst_write_owned(const char *path, struct iorzst_owned *own, const struct agg *agg,
		       const struct iorzst_kv *meta, size_t n);

/* Callbacks of the readers: return 0 to go on, non-zero to stop reading. */
typedef int (*iorzst_meta_fn)(void *ctx, const char *key, const char *value);

/*
 * Reads the file at path, calling meta_fn for each metadata pair and
 * entry_fn (may be agg_merge_entry-like) for each entry, in file order;
 * either callback may be NULL. Strings and entries passed to the callbacks
 * are valid only during the call. Memory stays bounded whatever the file.
 *
 * Returns 0 after a complete, well-formed file. Otherwise returns a
 * negative errno (-ENOENT, -EISDIR, -EINVAL for anything wrong inside the
 * file, -ENOMEM, ...) or the non-zero value a callback returned, and puts
 * one sentence naming path in err (errlen bytes, IORZST_ERR_MAX is
 * enough). Callbacks may have seen part of the data before an error.
 */
int iorzst_read(const char *path, iorzst_meta_fn meta_fn, agg_entry_fn entry_fn, void *ctx,
		char *err, size_t errlen);

/* The same, over len bytes at buf; name stands for the file in errors. */
int iorzst_read_mem(const void *buf, size_t len, const char *name, iorzst_meta_fn meta_fn,
		    agg_entry_fn entry_fn, void *ctx, char *err, size_t errlen);

#endif /* IOR_IORZST_H */
