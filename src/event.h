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
};

/* A consumer of events: return 0 to go on, a negative errno to stop. */
typedef int (*ior_event_fn)(void *ctx, const struct ior_event *ev);

#endif /* IOR_EVENT_H */
