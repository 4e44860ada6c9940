/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct ior_event is the unit every part of ior speaks: one completed
 * syscall, decoded. Live tracing and recorded files are sources of it; the
 * plain printer, statistics and recorders are sinks. Strings in an event
 * are owned by its source and valid only during the sink callback.
 */
#ifndef IOR_EVENT_H
#define IOR_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

struct ior_event {
	uint64_t time_ns;     /* wall-clock time of entry, ns since the epoch */
	uint64_t duration_ns; /* exit - entry on the same thread */
	uint64_t gap_ns;      /* entry - previous traced exit; 0 for the first */
	int64_t ret;          /* return value, negative errno on failure */
	uint64_t bytes;       /* bytes transferred, else 0 */
	uint32_t pid;         /* process (tgid) */
	uint32_t tid;         /* thread */
	int32_t fd;           /* valid when has_fd */
	int32_t flags;        /* valid when has_flags */
	bool has_fd;
	bool has_flags;
	int sc;               /* index in ior_syscalls[] */
	char comm[17];
	const char *path;     /* NULL when the syscall names no file */
	const char *path2;    /* second path, or NULL */
	/* strlen(path) and util_hash(path, path_len), when path_known: a
	 * source that has them at hand (a path cache entry, a dictionary
	 * entry) sets them once, so sinks do not hash every event's path */
	uint64_t path_hash;
	uint32_t path_len;
	bool path_known;
};

/* The length and util_hash of ev->path (not NULL): stored or computed. */
static inline size_t ior_event_path_key(const struct ior_event *ev, uint64_t *hash)
{
	size_t len;

	if (ev->path_known) {
		*hash = ev->path_hash;
		return ev->path_len;
	}
	len = strlen(ev->path);
	*hash = util_hash(ev->path, len);
	return len;
}

/* A consumer of events: return 0 to go on, a negative errno to stop. */
typedef int (*ior_event_fn)(void *ctx, const struct ior_event *ev);

#endif /* IOR_EVENT_H */
