/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -plain sink: one line per event on a stream, every string escaped so
 * that file names can neither break the line format nor reach the terminal
 * raw. Line format (documented in README.md):
 *   TIME COMM PID TID SYSCALL fd=FD ret=RET bytes=N dur=NS gap=NS flags=F path=P path2=P
 */
#ifndef IOR_PLAIN_H
#define IOR_PLAIN_H

#include <stdio.h>

#include "event.h"

struct plain {
	int fd;                  /* where the lines go */
	const char *path_filter; /* -path: keep calls whose path or path2 is under it; NULL: all */
	unsigned long long printed;
	char *buf;               /* PLAIN_BUF_BYTES: lines not written yet */
	size_t len;
};

/* The size of p->buf, the buffer plain_event formats lines into; it writes
 * them out once fewer bytes than the longest line could take are left. */
#define PLAIN_BUF_BYTES (2u << 20)

/* ior_event_fn: formats ev into p's buffer, writing the buffer out when it
 * is full. Returns -EPIPE once output fails. */
int plain_event(void *p, const struct ior_event *ev);

/* Writes out what p holds; 0, or -EPIPE once output fails. */
int plain_flush(struct plain *p);

/* Formats one event line (with '\n') into buf; returns its length. */
size_t plain_format(char *buf, size_t cap, const struct ior_event *ev);

#endif /* IOR_PLAIN_H */
