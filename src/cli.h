/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ior's command line: parsed strictly into struct cli, every value checked,
 * so that bad input is refused before anything is traced or written.
 */
#ifndef IOR_CLI_H
#define IOR_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cli_mode {
	CLI_TUI,        /* no mode flag: the live dashboard */
	CLI_PLAIN,      /* -plain */
	CLI_FLAMEGRAPH, /* -flamegraph -name N */
	CLI_PARQUET,    /* -parquet FILE */
	CLI_VIEW,       /* -view FILE */
	CLI_FOLDED,     /* -folded FILE */
	CLI_TESTFLAMES,
	CLI_TESTLIVEFLAMES,
};

struct cli {
	enum cli_mode mode;
	uint32_t pid, tid;
	const char *comm;
	const char *path;      /* -path: absolute and normalised (path_abs), or NULL */
	uint64_t duration_ns;  /* 0: until Ctrl-C or COMMAND exits */
	const char *name;      /* -name */
	const char *file;      /* -parquet / -view / -folded argument */
	const char *svg;
	const char *fields;    /* default comm,path,tracepoint */
	const char *count;     /* default count */
	uint32_t ringbuf_bytes;
	uint32_t stream_cap;   /* -stream-cap: rows the dashboard's Stream tab keeps; 0: default */
	char **cmd;            /* COMMAND ARG... after --, NULL-terminated; NULL if none */
	bool help, version;
	char path_abs[PATH_MAX]; /* what path points to */
};

/*
 * Parses argv. Returns 0, or -EINVAL with one sentence (no "ior: " prefix,
 * no newline) in err.
 */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);

/*
 * -comm: 1 when a thread of a running process other than ior is named
 * exactly name (its /proc/PID/task/TID/comm), 0 when none is, a negative
 * errno when /proc cannot be read.
 */
int cli_comm_running(const char *name);

/* Prints the usage text to stdout. */
void cli_usage(void);

#endif /* IOR_CLI_H */
