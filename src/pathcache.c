// SPDX-License-Identifier: GPL-2.0
/*
 * File id -> path map. Two open-addressing tables, `cur` and `old`: new
 * entries go to cur; when cur fills up it becomes old and the kernel is
 * asked to re-send paths. Events still in flight that name ids from before
 * the rotation find them in old. The previous old is retired, not freed:
 * events in other CPUs' rings may still name its ids, so it stays readable
 * until the reader says every ring was drained after that rotation
 * (pathcache_release), or until retired tables hold more than RETIRED_MAX
 * entries (then the oldest go, and a late event finds its path unknown).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ior.h"
#include "pathcache.h"
#include "util.h"

struct slot {
	uint32_t id; /* 0: empty */
	uint32_t len;
	char *path;
	uint64_t hash; /* util_hash(path, len) */
};

struct table {
	struct slot *slots;
	size_t mask;
	size_t count;
	uint64_t retired_at; /* the rotation that retired it */
};

#define RETIRED_MIN_ENTRIES (1u << 16)

struct pathcache {
	struct table cur, old;
	struct table *retired; /* oldest first */
	size_t nretired, retired_alloc, retired_entries;
	size_t cap;
	uint64_t rotations;
};

static int table_init(struct table *t, size_t cap)
{
	size_t n = 16;

	while (n < cap * 2)
		n <<= 1;
	t->slots = calloc(n, sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	t->mask = n - 1;
	t->count = 0;
	return 0;
}

static void table_fini(struct table *t)
{
	if (!t->slots)
		return;
	for (size_t i = 0; i <= t->mask; i++)
		free(t->slots[i].path);
	free(t->slots);
	t->slots = NULL;
}

static struct slot *table_find(const struct table *t, uint32_t id)
{
	size_t i = (id * 2654435761u) & t->mask;

	for (;;) {
		struct slot *s = &t->slots[i];

		if (s->id == id || s->id == 0)
			return s;
		i = (i + 1) & t->mask;
	}
}

struct pathcache *pathcache_new(size_t cap)
{
	struct pathcache *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->cap = cap ? cap : 1;
	if (table_init(&pc->cur, pc->cap) || table_init(&pc->old, 1)) {
		pathcache_free(pc);
		return NULL;
	}
	return pc;
}

void pathcache_free(struct pathcache *pc)
{
	if (!pc)
		return;
	table_fini(&pc->cur);
	table_fini(&pc->old);
	for (size_t i = 0; i < pc->nretired; i++)
		table_fini(&pc->retired[i]);
	free(pc->retired);
	free(pc);
}

/* Frees the n oldest retired tables. */
static void drop_retired(struct pathcache *pc, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pc->retired_entries -= pc->retired[i].count;
		table_fini(&pc->retired[i]);
	}
	memmove(pc->retired, pc->retired + n, (pc->nretired - n) * sizeof(*pc->retired));
	pc->nretired -= n;
}

/* Keeps t readable until released; 0 or -ENOMEM (t is then freed). */
static int retire(struct pathcache *pc, struct table *t)
{
	size_t max = 4 * pc->cap > RETIRED_MIN_ENTRIES ? 4 * pc->cap : RETIRED_MIN_ENTRIES;

	if (!t->count) {
		table_fini(t);
		return 0;
	}
	if (pc->nretired == pc->retired_alloc) {
		size_t n = pc->retired_alloc ? 2 * pc->retired_alloc : 8;
		struct table *r = realloc(pc->retired, n * sizeof(*r));

		if (!r) {
			table_fini(t);
			return -ENOMEM;
		}
		pc->retired = r;
		pc->retired_alloc = n;
	}
	t->retired_at = pc->rotations;
	pc->retired[pc->nretired++] = *t;
	pc->retired_entries += t->count;
	/* past the bound the oldest go (the newest stays) */
	size_t n = 0, entries = pc->retired_entries;

	while (n < pc->nretired - 1 && entries > max)
		entries -= pc->retired[n++].count;
	if (n)
		drop_retired(pc, n);
	return 0;
}

uint64_t pathcache_rotations(const struct pathcache *pc)
{
	return pc->rotations;
}

void pathcache_release(struct pathcache *pc, uint64_t rotations)
{
	size_t n = 0;

	while (n < pc->nretired && pc->retired[n].retired_at <= rotations)
		n++;
	if (n)
		drop_retired(pc, n);
}

int pathcache_put(struct pathcache *pc, uint32_t id, const char *path, size_t len)
{
	int rotated = 0;
	struct slot *s;
	char *copy;

	if (!id)
		return 0;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, path, len);
	copy[len] = '\0';

	s = table_find(&pc->cur, id);
	if (!s->id && pc->cur.count >= pc->cap) {
		struct table fresh;

		if (table_init(&fresh, pc->cap)) {
			free(copy);
			return -ENOMEM;
		}
		pc->rotations++;
		if (retire(pc, &pc->old)) {
			table_fini(&fresh);
			free(copy);
			return -ENOMEM;
		}
		pc->old = pc->cur;
		pc->cur = fresh;
		rotated = 1;
		s = table_find(&pc->cur, id);
	}
	if (s->id) {
		free(s->path);
	} else {
		s->id = id;
		pc->cur.count++;
	}
	s->path = copy;
	s->len = (uint32_t)strlen(copy);
	s->hash = util_hash(copy, s->len);
	return rotated;
}

static const struct slot *lookup(const struct pathcache *pc, uint32_t id)
{
	const struct slot *s;

	if (!id)
		return NULL;
	s = table_find(&pc->cur, id);
	if (s->id)
		return s;
	s = table_find(&pc->old, id);
	if (s->id)
		return s;
	for (size_t i = pc->nretired; i-- > 0;) {
		s = table_find(&pc->retired[i], id);
		if (s->id)
			return s;
	}
	return NULL;
}

const char *pathcache_get(const struct pathcache *pc, uint32_t id)
{
	const struct slot *s = lookup(pc, id);

	return s ? s->path : NULL;
}

const char *pathcache_get_key(const struct pathcache *pc, uint32_t id, uint32_t *len,
			      uint64_t *hash)
{
	const struct slot *s = lookup(pc, id);

	if (!s)
		return NULL;
	*len = s->len;
	*hash = s->hash;
	return s->path;
}

size_t pathcache_count(const struct pathcache *pc)
{
	return pc->cur.count + pc->old.count;
}

static int append(char *out, size_t cap, size_t *pos, const char *s, size_t n)
{
	if (*pos + n + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
	return 0;
}

int pathcache_format(char *out, size_t cap, unsigned kind, unsigned pflags, uint64_t ino,
		     const char *data, size_t len)
{
	size_t pos = 0;
	char num[48];
	int n;

	if (!cap)
		return -ENAMETOOLONG;
	out[0] = '\0';
	switch (kind) {
	case IOR_PATH_PIPE:
	case IOR_PATH_SOCKET:
		n = snprintf(num, sizeof(num), "%s:[%llu]", kind == IOR_PATH_PIPE ? "pipe" : "socket",
			     (unsigned long long)ino);
		return append(out, cap, &pos, num, (size_t)n) ?: (int)pos;
	case IOR_PATH_ANON:
		if (append(out, cap, &pos, "anon_inode:", 11) ||
		    append(out, cap, &pos, data, strnlen(data, len)))
			return -ENAMETOOLONG;
		return (int)pos;
	default:
		break;
	}
	if ((pflags & IOR_PATH_TRUNCATED) && append(out, cap, &pos, "[truncated]", 11))
		return -ENAMETOOLONG;
	/* components come leaf first: emit them from the last one back */
	size_t end = len;
	while (end > 0 && data[end - 1] == '\0')
		end--;
	if (end == 0 && append(out, cap, &pos, "/", 1))
		return -ENAMETOOLONG;
	while (end > 0) {
		size_t start = end;

		while (start > 0 && data[start - 1] != '\0')
			start--;
		if (append(out, cap, &pos, "/", 1) ||
		    append(out, cap, &pos, data + start, end - start))
			return -ENAMETOOLONG;
		end = start;
		while (end > 0 && data[end - 1] == '\0')
			end--;
	}
	if ((pflags & IOR_PATH_DELETED) && append(out, cap, &pos, " (deleted)", 10))
		return -ENAMETOOLONG;
	return (int)pos;
}
