// SPDX-License-Identifier: GPL-2.0
/*
 * floor: loads and attaches bench/floor.bpf.c (empty programs on the
 * sys_enter/sys_exit raw tracepoints), says "floor: attached" on stdout once
 * they are live, and holds them until SIGINT or SIGTERM. bench/run.sh runs
 * the storm while it waits, to measure the bare cost of the two hooks.
 * `floor -clock` attaches the clock pair instead: the two hooks reading the
 * clock at entry and exit, the least a per-call latency tracer does.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

/* libbpf's info and debug chatter would bury the one line that matters. */
static int floor_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel = NULL;
	sigset_t stop;
	int err, sig, ret = 1;
	bool clock;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-clock") != 0)) {
		fprintf(stderr, "usage: floor [-clock] (stop it with SIGINT or SIGTERM)\n");
		return 2;
	}
	clock = argc == 2;

	/* Block the stop signals before attaching, so one that comes early
	 * waits in sigwait instead of killing us with the programs attached
	 * (harmless, but then the exit status would lie). */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop, NULL)) {
		fprintf(stderr, "floor: sigprocmask: %s\n", strerror(errno));
		return 1;
	}

	libbpf_set_print(floor_libbpf_print);

	skel = floor_bpf__open();
	if (skel) {
		/* one pair only: the empty programs, or the clock pair */
		bpf_program__set_autoload(skel->progs.floor_enter, !clock);
		bpf_program__set_autoload(skel->progs.floor_exit, !clock);
		bpf_program__set_autoload(skel->progs.clock_enter, clock);
		bpf_program__set_autoload(skel->progs.clock_exit, clock);
		if (floor_bpf__load(skel)) {
			floor_bpf__destroy(skel);
			skel = NULL;
		}
	}
	if (!skel) {
		err = errno;
		fprintf(stderr, "floor: cannot load the BPF programs: %s (needs root and a kernel with BTF and tp_btf support)\n",
			strerror(err));
		goto cleanup;
	}
	err = floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "floor: cannot attach to the sys_enter/sys_exit raw tracepoints: %s\n",
			strerror(-err));
		goto cleanup;
	}

	printf("floor: attached\n");
	if (fflush(stdout)) {
		fprintf(stderr, "floor: cannot write to stdout: %s\n", strerror(errno));
		goto cleanup;
	}

	err = sigwait(&stop, &sig);
	if (err) {
		fprintf(stderr, "floor: sigwait: %s\n", strerror(err));
		goto cleanup;
	}
	ret = 0;

cleanup:
	floor_bpf__destroy(skel);
	return ret;
}
