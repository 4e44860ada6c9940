/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-space half of "a path crosses the ring buffer once per file":
 * file id -> path, as sent by the kernel in IOR_REC_PATH records.
 */
#ifndef IOR_PATHCACHE_H
#define IOR_PATHCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pathcache;

/* A cache holding up to about 2*cap paths; NULL on allocation failure. */
struct pathcache *pathcache_new(size_t cap);
void pathcache_free(struct pathcache *pc);

/*
 * Stores a copy of path (len bytes, no NUL needed) as the path of id,
 * replacing any earlier one. Returns 1 when the cache just rotated its
 * generations (the caller must then ask the kernel to re-send paths),
 * 0 otherwise, -ENOMEM on allocation failure.
 */
int pathcache_put(struct pathcache *pc, uint32_t id, const char *path, size_t len);

/*
 * Rotations so far. A rotation retires the generation before old rather
 * than freeing it: pathcache_release(pc, r) frees the tables retired by
 * rotations up to r, once nothing can name their ids any more.
 */
uint64_t pathcache_rotations(const struct pathcache *pc);
void pathcache_release(struct pathcache *pc, uint64_t rotations);

/* The path of id, or NULL. Valid until a put for id replaces it or its
 * table is freed (pathcache_release, or past the retired tables' bound). */
const char *pathcache_get(const struct pathcache *pc, uint32_t id);

/* pathcache_get that also sets *len (its strlen) and *hash (util_hash). */
const char *pathcache_get_key(const struct pathcache *pc, uint32_t id, uint32_t *len,
			      uint64_t *hash);

/* Number of ids currently known. */
size_t pathcache_count(const struct pathcache *pc);

/*
 * Builds the display path of an IOR_REC_PATH record into out (cap bytes):
 * components leaf first -> "/a/b/c"; pipe/socket/anon names as /proc shows
 * them; " (deleted)" appended; "[truncated]" prefixed when the kernel's walk
 * stopped early. Returns the length, or -ENAMETOOLONG.
 */
int pathcache_format(char *out, size_t cap, unsigned kind, unsigned pflags, uint64_t ino,
		     const char *data, size_t len);

#endif /* IOR_PATHCACHE_H */
