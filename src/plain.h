/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -plain sink: one line per event on a stream, every string escaped so
 * that file names can neither break the line format nor reach the terminal
 * raw. Line format (documented in README.md):
 *   TIME COMM PID TID SYSCALL fd=FD ret=RET bytes=N dur=NS gap=NS flags=F path=P path2=P
 *
 * Lines are formatted into a bounded buffer and written from it without
 * blocking. When the buffer is full the sink waits for the reader only as
 * long as its owner allows (may_wait: while the ring buffers have room);
 * then a line that finds no room is dropped whole and counted, so a
 * stalled reader costs lines, never ior's progress.
 */
#ifndef IOR_PLAIN_H
#define IOR_PLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* The most pipe pages whose fill plain_pipe follows. */
#define PLAIN_PIPE_PAGES 256

/*
 * The pages of a pipe that ior's own writes filled, oldest first. A pipe
 * keeps its bytes in pages: a write's last n % page bytes go into the last
 * page when they fit there, the rest into new pages. With the bytes still
 * queued (FIONREAD) this says how many pages are in use, so how much a
 * write surely puts in whole. It holds while ior is the only writer; a
 * write cut short says it is not, and the model waits for an empty pipe.
 */
struct plain_pipe {
	uint32_t fill[PLAIN_PIPE_PAGES]; /* bytes written into each page, a ring */
	unsigned first, count;
	size_t bytes;                    /* the sum of fill over the count pages */
	size_t page;                     /* the page size */
	unsigned pages;                  /* the pipe's capacity in pages; 0: not followed */
	bool valid;                      /* the pipe was seen empty since the model was last wrong */
};

/* How lines reach the output, decided once by plain_open from its type. */
enum plain_out {
	/* a regular file, /dev/null, /dev/full: write(2) never waits for a reader */
	PLAIN_OUT_FILE,
	/* a pipe, FIFO or terminal: written through ior's own non-blocking
	 * opening of it, so COMMAND and other writers of the same stdout keep
	 * their blocking one */
	PLAIN_OUT_STREAM,
	/* a socket: send(2) with MSG_DONTWAIT */
	PLAIN_OUT_SOCKET,
};

/*
 * buf holds the bytes not written yet, whole lines in order: [head, tail),
 * or once the end of buf is reached and the longest line fits before head
 * (wrapped), [head, end) and then [0, tail). The line being written may
 * have gone out in part (line_out bytes of it). A zeroed struct with fd
 * and buf set writes to a file, as plain_open would.
 */
struct plain {
	int fd;                     /* where the lines go */
	enum plain_out out;
	bool own_fd;                /* fd is ior's own opening: plain_close closes it */
	bool pipe;                  /* a pipe or FIFO: writes of PIPE_BUF bytes are whole or none */
	struct plain_pipe pipe_model;
	bool regular;               /* a regular file: a cut line can be truncated away */
	bool would_block;           /* the last write found no room: wait for plain_flush */
	/* With the buffer full: may plain_event wait for the reader? Asked
	 * again every PLAIN_WAIT_MS (NULL: never, the line is dropped). */
	bool (*may_wait)(void *ctx);
	void *wait_ctx;
	int wake_fd;                /* with may_wait: readable ends a wait (a signal came) */
	bool no_wait;               /* a wait was ended by wake_fd: none until plain_flush */
	int err;                    /* sticky: the first write error; -EPIPE: the reader went away */
	const char *path_filter;    /* -path: keep calls whose path or path2 is under it; NULL: all */
	unsigned long long printed; /* lines produced (that passed the filter) */
	unsigned long long written; /* lines of them whose newline reached fd */
	size_t line_out;            /* bytes written of the line whose newline has not been */
	char *buf;                  /* PLAIN_BUF_BYTES */
	size_t head, tail, end;
	bool wrapped;
};

/* How long one wait of plain_event for the reader lasts before may_wait
 * is asked again. */
#define PLAIN_WAIT_MS 5

/* The size of p->buf. A line is formatted in place when more bytes than
 * the longest line could take are free, else written out first or dropped. */
#define PLAIN_BUF_BYTES (2u << 20)

/*
 * Sets p up to write to fd with buf (PLAIN_BUF_BYTES, caller owns it) and
 * path_filter (NULL: every line). Returns 0, -EBADF when fd is closed,
 * -EACCES when it is open for reading only, or -errno when a pipe or
 * terminal cannot be opened again without blocking. A FIFO that has lost
 * its reader already is not an error: p then fails with -EPIPE at once.
 */
int plain_open(struct plain *p, int fd, char *buf, const char *path_filter);

/* Closes what plain_open opened; the lines not written stay counted. */
void plain_close(struct plain *p);

/* ior_event_fn: formats ev into p's buffer, writing it out when it is
 * full. Returns 0 (a line without room is dropped and counted), or p's
 * write error, which stops the drain: nothing can be written any more. */
int plain_event(void *p, const struct ior_event *ev);

/* Writes what p holds as far as the output takes it now. Returns 0 when
 * all of it went, 1 when lines wait for the reader, or p's write error.
 * After an error other than -EPIPE a regular file is cut back to the end
 * of its last whole line. */
int plain_flush(struct plain *p);

/* Lines produced that did not reach the output whole (dropped, waiting
 * in the buffer, or cut by a failed write). */
unsigned long long plain_lost(const struct plain *p);

/* Formats one event line (with '\n') into buf; returns its length. */
size_t plain_format(char *buf, size_t cap, const struct ior_event *ev);

#endif /* IOR_PLAIN_H */
