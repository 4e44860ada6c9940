// SPDX-License-Identifier: GPL-2.0
/* Formatting of -plain lines and the sink that writes them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plain.h"
#include "syscalls.h"
#include "util.h"

#define LINE_MAX_BYTES (8 * 4 * 12288 + 512)

static size_t put_quoted(char *buf, size_t cap, size_t pos, const char *key, const char *s)
{
	int n;

	if (pos >= cap)
		return pos;
	if (!s) {
		n = snprintf(buf + pos, cap - pos, " %s=-", key);
		return pos + (n > 0 ? (size_t)n : 0);
	}
	n = snprintf(buf + pos, cap - pos, " %s=\"", key);
	pos += n > 0 ? (size_t)n : 0;
	if (pos + 2 >= cap)
		return cap;
	pos += util_escape(buf + pos, cap - pos - 1, s, strlen(s), 0);
	buf[pos++] = '"';
	buf[pos] = '\0';
	return pos;
}

size_t plain_format(char *buf, size_t cap, const struct ior_event *ev)
{
	char comm[4 * sizeof(ev->comm) + 1], fd[16] = "-", flags[16] = "-";
	size_t pos;
	int n;

	util_escape(comm, sizeof(comm), ev->comm, strlen(ev->comm), UTIL_ESC_SPACE);
	if (ev->has_fd)
		snprintf(fd, sizeof(fd), "%" PRId32, ev->fd);
	if (ev->has_flags)
		snprintf(flags, sizeof(flags), "0x%" PRIx32, (uint32_t)ev->flags);
	n = snprintf(buf, cap,
		     "%" PRIu64 ".%09" PRIu64 " %s %" PRIu32 " %" PRIu32 " %s fd=%s ret=%" PRId64
		     " bytes=%" PRIu64 " dur=%" PRIu64 " gap=%" PRIu64 " flags=%s",
		     ev->time_ns / 1000000000u, ev->time_ns % 1000000000u, comm[0] ? comm : "-",
		     ev->pid, ev->tid, ior_syscalls[ev->sc].name, fd, ev->ret, ev->bytes,
		     ev->duration_ns, ev->gap_ns, flags);
	pos = n > 0 ? (size_t)n : 0;
	pos = put_quoted(buf, cap, pos, "path", ev->path);
	pos = put_quoted(buf, cap, pos, "path2", ev->path2);
	if (pos + 2 > cap)
		pos = cap - 2;
	buf[pos++] = '\n';
	buf[pos] = '\0';
	return pos;
}

int plain_event(void *ctx, const struct ior_event *ev)
{
	static char line[LINE_MAX_BYTES];
	struct plain *p = ctx;
	size_t len;

	if (p->path_filter && !(ev->path && strstr(ev->path, p->path_filter)) &&
	    !(ev->path2 && strstr(ev->path2, p->path_filter)))
		return 0;
	len = plain_format(line, sizeof(line), ev);
	if (fwrite(line, 1, len, p->out) != len)
		return -EPIPE;
	p->printed++;
	return 0;
}
