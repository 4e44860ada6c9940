// SPDX-License-Identifier: GPL-2.0
/*
 * ior's entry point: parse and check the command line, start COMMAND if
 * one is given, load the tracer, run one event loop (ring buffer, signals,
 * the deadline) until the run ends, drain, and print the loss summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "agg.h"
#include "cli.h"
#include "command.h"
#include "flamedemo.h"
#include "folded.h"
#include "iorzst.h"
#include "parquet.h"
#include "pathutil.h"
#include "plain.h"
#include "pqread.h"
#include "svg.h"
#include "tracer.h"
#include "tui.h"
#include "util.h"
#include "version.h"

#define POLL_MS 50
/* How long a run stopped by a signal or -duration lets a slow reader take
 * the lines still buffered, so that ior ends within a second. */
#define SETTLE_MS 500
/* A sink waits for a slow reader while every ring is less full than this
 * (percent); past it, lines are dropped rather than events in the kernel. */
#define WAIT_BACKLOG_PCT 50

/*
 * Where a headless run's events go: the -plain printer, the aggregator
 * behind -flamegraph, the Parquet recorder. tick runs after every drain
 * of the ring buffer (at least every POLL_MS) and returns 0, a positive
 * value while output waits for a slow reader, or -errno; finish once,
 * after the final drain, with the loss counters.
 */
struct run;

struct sink {
	ior_event_fn event;
	int (*tick)(void *ctx);
	int (*finish)(void *ctx, const struct tracer_stats *stats);
	void *ctx;
	/* The dashboard: runs its own loop instead of run_loop (NULL: headless). */
	int (*drive)(struct run *r, const struct cli *c);
	/* out_fd is a stream whose reader may stall or go away: its room
	 * wakes the loop, its reader's going stops the run at once. */
	bool watch_out;
	int out_fd;
	/* Output lines the sink could not write, for the summary (NULL: none). */
	uint64_t (*lines_lost)(void *ctx);
	/* Once tracing runs: how the sink may wait for its output's reader
	 * (may_wait(wait_ctx), a wait ended when wake_fd is readable). */
	void (*allow_wait)(void *ctx, bool (*may_wait)(void *), void *wait_ctx, int wake_fd);
	/* Aggregate fd-based calls in the kernel and take the entries here at
	 * the end of the run (NULL: every call comes as an event). */
	tracer_agg_fn agg;
	/* Told the tracer once it is loaded, before the first event (may be NULL). */
	void (*started)(void *ctx, struct tracer *t);
};

/* -flamegraph's default ring-buffer size */
#define FLAME_RINGBUF (16u << 20)

struct run {
	struct tracer *tracer;
	int sigfd;
	int stopfd;       /* readable while a stop signal waits in sigfd; never read */
	int epfd;
	struct command cmd; /* pid 0: no COMMAND */
	int signals;      /* stop requests received */
	uint64_t deadline; /* -duration's end, monotonic ns; 0: none */
	bool stopping;    /* the loop has ended: the final drain */
	int out_fd;       /* the sink's out_fd, watched; -1: not */
	uint64_t start_ns;
	double start_cpu; /* ior's CPU seconds when tracing began */
	const struct sink *sink;
};

/* COMMAND's executable, found by main before any mode starts. */
static char command_path[4096];

/* Reads pending signals; returns true when the run must stop. */
static bool handle_signals(struct run *r)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			if (command_reap(&r->cmd))
				stop = true;
			continue;
		}
		/* SIGINT, SIGTERM, SIGHUP */
		r->signals++;
		if (r->cmd.pid > 0 && r->cmd.status < 0 && r->signals == 1 &&
		    !command_ignores(&r->cmd, (int)si.ssi_signo)) {
			/* let COMMAND end on its own; a terminal's Ctrl-C reached it already */
			if (si.ssi_code == SI_USER || si.ssi_code == SI_QUEUE)
				kill(r->cmd.pid, (int)si.ssi_signo);
			continue;
		}
		stop = true;
	}
	return stop;
}

/* The CPU time ior's threads have used so far, in seconds. */
static int own_cpu(double *user, double *sys)
{
	uint64_t u, s;
	int err = util_own_cpu_ns(&u, &s);

	if (err)
		return err;
	*user = (double)u / 1e9;
	*sys = (double)s / 1e9;
	return 0;
}

/* How long ior's last messages wait for room in a stalled stderr. */
#define STDERR_WAIT_MS 200

/*
 * A stderr that is a pipe, FIFO or terminal is replaced, in ior only, by a
 * non-blocking opening of it (COMMAND keeps its own), after waiting up to
 * STDERR_WAIT_MS for room: a reader of stderr that stalled (2>&1 into the
 * stalled pipe of -plain) then costs ior's last messages, not its exit.
 */
static void stderr_unblock(void)
{
	struct pollfd out = { .fd = STDERR_FILENO, .events = POLLOUT };
	struct stat st;
	int fd;

	if (fstat(STDERR_FILENO, &st) ||
	    !(S_ISFIFO(st.st_mode) || (S_ISCHR(st.st_mode) && isatty(STDERR_FILENO))))
		return;
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	dup2(fd, STDERR_FILENO);
	close(fd);
	poll(&out, 1, STDERR_WAIT_MS);
}

static void print_summary(struct run *r, const struct tracer_stats *stats)
{
	const struct tracer_stats s = *stats;
	double secs = (double)(util_now_ns(CLOCK_MONOTONIC) - r->start_ns) / 1e9;
	char lines_lost[48] = "";

	/* one write for the line: a non-blocking stderr takes it whole or not at all */
	if (r->sink->lines_lost)
		snprintf(lines_lost, sizeof(lines_lost), ", %" PRIu64 " output lines",
			 r->sink->lines_lost(r->sink->ctx));

	fprintf(stderr,
		"ior: %" PRIu64 " syscalls in %.3f s (%.0f/s); lost: %" PRIu64 " ring-buffer drops, "
		"%" PRIu64 " path drops, %" PRIu64 " unpaired exits, %" PRIu64 " lost entries, "
		"%" PRIu64 " died in call, %" PRIu64 " unreadable strings, %" PRIu64
		" recursion misses, %" PRIu64 " unknown paths%s\n",
		s.events, secs, secs > 0 ? (double)s.events / secs : 0.0, s.rb_drops, s.path_drops,
		s.unpaired_exits, s.lost_enters, s.died_in_call, s.str_faults, s.recursion_misses,
		s.unknown_paths, lines_lost);
	/* every thread of ior, the sinks' last writes included; COMMAND's
	 * time and the BPF programs' (run by the traced threads) not */
	double user, sys;

	if (own_cpu(&user, &sys) == 0) {
		double traced = user + sys - r->start_cpu;

		fprintf(stderr, "ior: own CPU %.3f s: %.3f s to start, %.3f s tracing", user + sys,
			r->start_cpu, traced);
		if (s.events)
			fprintf(stderr, " (%.0f ns a syscall)", traced * 1e9 / (double)s.events);
		fprintf(stderr, "; user %.3f s, system %.3f s\n", user, sys);
	}
}

/*
 * Waits up to POLL_MS (less when deadline, monotonic ns or 0 for none,
 * comes sooner) for the ring, a signal or room in the output. Returns 1
 * once the deadline has passed, 0, -EPIPE when the output's reader went
 * away, or -errno; sets *stop when a signal ends the run.
 */
static int run_wait(struct run *r, uint64_t deadline, bool *stop)
{
	struct epoll_event evs[4];
	int timeout = POLL_MS;

	if (deadline) {
		uint64_t now = util_now_ns(CLOCK_MONOTONIC);

		if (now >= deadline)
			return 1;
		if (deadline - now < (uint64_t)POLL_MS * 1000000u)
			timeout = (int)((deadline - now) / 1000000u) + 1;
	}
	int n = epoll_wait(r->epfd, evs, 4, timeout);

	if (n < 0 && errno != EINTR)
		return -errno;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.fd == r->sigfd && handle_signals(r))
			*stop = true;
		/* the reader of -plain's pipe is gone (| head): stop now, not at
		 * the next write, which may never come on an idle system */
		if (evs[i].data.fd == r->out_fd && r->out_fd >= 0 &&
		    (evs[i].events & (EPOLLERR | EPOLLHUP)))
			return -EPIPE;
	}
	return 0;
}

static int run_loop(struct run *r, uint64_t duration_ns)
{
	r->deadline = duration_ns ? r->start_ns + duration_ns : 0;
	for (;;) {
		bool stop = false;
		int err = run_wait(r, r->deadline, &stop);

		if (err > 0)
			break;
		if (err < 0)
			return err;
		err = tracer_consume(r->tracer);
		if (err < 0)
			return err;
		if (r->sink->tick && (err = r->sink->tick(r->sink->ctx)) < 0)
			return err;
		if (stop)
			break;
	}
	return 0;
}

/* COMMAND ended the run by exiting, no signal asked ior to stop. */
static bool run_ended_by_command(const struct run *r)
{
	return r->cmd.pid > 0 && r->cmd.status >= 0 && r->signals == 0;
}

/*
 * Whether a sink may wait for its output's slow reader. While tracing, as
 * long as the run goes on and every ring is under WAIT_BACKLOG_PCT full:
 * the backlog then waits in the kernel, where it costs nothing, and past
 * that ior drops lines rather than let the kernel drop events. In the
 * final drain only when COMMAND ended the run (a signal still ends a wait).
 */
static bool run_may_wait(void *ctx)
{
	struct run *r = ctx;

	if (r->stopping)
		return run_ended_by_command(r);
	if (r->deadline && util_now_ns(CLOCK_MONOTONIC) >= r->deadline)
		return false;
	return tracer_backlog_pct(r->tracer) < WAIT_BACKLOG_PCT;
}

/*
 * After the final drain: lets a slow reader take the output still
 * buffered. When COMMAND ended the run on its own, as long as the reader
 * keeps it waiting; after a signal or -duration for SETTLE_MS at most. A
 * stop signal ends the wait at once.
 */
static int run_settle(struct run *r)
{
	uint64_t deadline = run_ended_by_command(r)
				    ? 0
				    : util_now_ns(CLOCK_MONOTONIC) + (uint64_t)SETTLE_MS * 1000000u;

	for (;;) {
		bool stop = false;
		int err = r->sink->tick(r->sink->ctx);

		if (err <= 0)
			return err;
		err = run_wait(r, deadline, &stop);
		if (err || stop)
			return err < 0 ? err : 0;
	}
}

static int plain_tick(void *ctx)
{
	return plain_flush(ctx);
}

static int plain_finish(void *ctx, const struct tracer_stats *stats)
{
	struct plain *p = ctx;
	int err = plain_flush(p);

	(void)stats;
	if (err < 0 && err != -EPIPE)
		fprintf(stderr, "ior: cannot write to stdout: %s; %llu output lines lost\n",
			strerror(-err), plain_lost(p));
	return err < 0 ? err : 0;
}

static uint64_t plain_lines_lost(void *ctx)
{
	return plain_lost(ctx);
}

static void plain_allow_wait(void *ctx, bool (*may_wait)(void *), void *wait_ctx, int wake_fd)
{
	struct plain *p = ctx;

	p->may_wait = may_wait;
	p->wait_ctx = wait_ctx;
	p->wake_fd = wake_fd;
}

/*
 * A tracing run without the dashboard: start COMMAND if any, load the
 * tracer, loop until the run ends, drain, let the sink finish, summarise.
 */
static int run_headless(const struct cli *c, const struct sink *sink)
{
	const char *cmdpath = command_path;
	char err[512];
	struct run r = { .sigfd = -1, .stopfd = -1, .epfd = -1, .out_fd = -1, .sink = sink,
			 .cmd = { .status = -1, .ready_fd = -1, .status_fd = -1 } };
	struct command_env env = { .nofile_saved = false };
	double user, sys;
	struct tracer_stats stats;
	sigset_t mask;
	int ret = 1;

	command_take_signals(&env, &mask);
	command_raise_nofile(&env);
	r.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r.sigfd < 0 || r.epfd < 0) {
		fprintf(stderr, "ior: cannot set up the event loop: %s\n", strerror(errno));
		goto cleanup;
	}

	struct tracer_opts topts = {
		.pid = c->pid,
		.tid = c->tid,
		.comm = c->comm,
		.follow = c->cmd != NULL,
		/* records are rare when the kernel aggregates: a smaller ring
		 * (its pages are mapped twice and count in ior's RSS) */
		.ringbuf_bytes = c->ringbuf_bytes ? c->ringbuf_bytes : sink->agg ? FLAME_RINGBUF : 0,
		.kernel_agg = sink->agg != NULL,
		.sink = sink->event,
		.sink_ctx = sink->ctx,
	};
	if (tracer_new(&topts, &r.tracer, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		goto cleanup;
	}
	if (sink->started)
		sink->started(sink->ctx, r.tracer);
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.fd = r.sigfd;
	epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.sigfd, &ev);
	ev.data.fd = tracer_fd(r.tracer);
	epoll_ctl(r.epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	/* edge-triggered: a wake-up each time a full output gains room, none
	 * while it has room; EPOLLERR/EPOLLHUP, a reader gone, come anyway */
	if (sink->watch_out) {
		struct epoll_event oev = { .events = EPOLLOUT | EPOLLET, .data.fd = sink->out_fd };

		if (epoll_ctl(r.epfd, EPOLL_CTL_ADD, sink->out_fd, &oev) == 0)
			r.out_fd = sink->out_fd;
	}

	r.start_ns = util_now_ns(CLOCK_MONOTONIC);
	if (own_cpu(&user, &sys) == 0)
		r.start_cpu = user + sys;
	if (c->cmd) {
		/* COMMAND's own set-up is done before its pid is followed, so that
		 * ior's calls in it are never traced, and it exec's only after */
		int e = command_fork(&r.cmd, cmdpath, c->cmd, &env, sink->drive != NULL);

		if (!e)
			e = command_wait_ready(&r.cmd);
		if (e) {
			fprintf(stderr, "ior: cannot start '%s': %s\n", c->cmd[0], strerror(-e));
			command_abort(&r.cmd);
			goto cleanup;
		}
		if (tracer_follow(r.tracer, r.cmd.pid)) {
			fprintf(stderr, "ior: cannot follow process %d\n", (int)r.cmd.pid);
			command_abort(&r.cmd);
			goto cleanup;
		}
		/* a COMMAND that cannot be executed is refused like a bad option:
		 * one line, nothing printed or written (the sink never saw an event) */
		e = command_go(&r.cmd, r.sigfd);
		if (e) {
			/* ENOENT for a file that is there: its #! interpreter is missing */
			fprintf(stderr, "ior: cannot run '%s': %s\n", c->cmd[0],
				e == ENOENT && access(cmdpath, F_OK) == 0
					? "its interpreter (the #! line) does not exist"
					: strerror(e));
			waitpid(r.cmd.pid, NULL, 0);
			r.cmd.status = 127;
			ret = 2;
			goto cleanup;
		}
	}

	/* a wait for the reader ends on a stop signal, not on COMMAND's SIGCHLD */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	r.stopfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sink->allow_wait && r.stopfd >= 0)
		sink->allow_wait(sink->ctx, run_may_wait, &r, r.stopfd);
	int loop_err = sink->drive ? sink->drive(&r, c) : run_loop(&r, c->duration_ns);

	r.stopping = true;
	tracer_stop(r.tracer);
	if (loop_err != -EPIPE) {
		int drain_err = tracer_consume(r.tracer);

		if (loop_err >= 0)
			loop_err = drain_err;
		if (loop_err >= 0 && sink->agg)
			loop_err = tracer_collect_agg(r.tracer, sink->agg, sink->ctx);
		if (loop_err >= 0 && r.out_fd >= 0)
			loop_err = run_settle(&r);
	}
	tracer_stats(r.tracer, &stats);
	stderr_unblock();
	int finish_err = sink->finish ? sink->finish(sink->ctx, &stats) : 0;

	print_summary(&r, &stats);
	/* a sink that failed said so itself, naming its file */
	if (loop_err < 0 && loop_err != -EPIPE && !sink->drive && finish_err == 0)
		fprintf(stderr, "ior: %s\n", strerror(-loop_err));
	if (r.cmd.pid > 0 && !command_reap(&r.cmd))
		fprintf(stderr, "ior: COMMAND '%s' (pid %d) is still running; ior stopped tracing it "
				"and leaves it running\n", c->cmd[0], (int)r.cmd.pid);
	ret = r.cmd.status >= 0 ? r.cmd.status : 0;
	if ((loop_err < 0 && loop_err != -EPIPE) || (finish_err < 0 && finish_err != -EPIPE))
		ret = 1;
cleanup:
	command_close(&r.cmd);
	tracer_free(r.tracer);
	if (r.epfd >= 0)
		close(r.epfd);
	if (r.sigfd >= 0)
		close(r.sigfd);
	if (r.stopfd >= 0)
		close(r.stopfd);
	return ret;
}

static int run_plain(const struct cli *c)
{
	static char lines[PLAIN_BUF_BYTES];
	struct plain plain;
	int e, ret;

	/* before anything is opened: a closed stdout's number would be reused */
	e = plain_open(&plain, STDOUT_FILENO, lines, c->path);
	if (e) {
		if (e == -EBADF)
			fprintf(stderr, "ior: stdout is closed; -plain writes its lines there\n");
		else if (e == -EACCES)
			fprintf(stderr, "ior: stdout is open for reading only; -plain writes its lines there\n");
		else
			fprintf(stderr, "ior: cannot open stdout again to write it without blocking: %s\n",
				strerror(-e));
		return 1;
	}
	const struct sink sink = {
		.event = plain_event,
		.tick = plain_tick,
		.finish = plain_finish,
		.ctx = &plain,
		.watch_out = plain.out != PLAIN_OUT_FILE && !plain.err,
		.out_fd = plain.fd,
		.lines_lost = plain_lines_lost,
		.allow_wait = plain_allow_wait,
	};

	/* lines are formatted into `lines` and written from there (no stdio
	 * copy); the ticks write what a pass printed */
	ret = run_headless(c, &sink);
	plain_close(&plain);
	return ret;
}

/* Hands an output file to the sudo user, saying so if that fails. */
static void give_to_sudo_user(const char *path)
{
	int e = util_give_to_sudo_user(path);

	if (e)
		fprintf(stderr, "ior: warning: cannot hand %s to the sudo user: %s\n", path, strerror(-e));
}

/* The command line as one string, arguments with odd bytes single-quoted. */
static void join_cmdline(char *buf, size_t cap, int argc, char **argv)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && pos + 1 < cap; i++) {
		const char *a = argv[i];
		bool plain = *a != '\0';

		for (const char *p = a; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%",
				    *p))
				plain = false;
		if (i)
			buf[pos++] = ' ';
		if (plain) {
			pos += (size_t)snprintf(buf + pos, cap - pos, "%s", a);
		} else {
			if (pos + 1 < cap)
				buf[pos++] = '\'';
			for (const char *p = a; *p && pos + 5 < cap; p++) {
				if (*p == '\'') {
					memcpy(buf + pos, "'\\''", 4);
					pos += 4;
				} else {
					buf[pos++] = *p;
				}
			}
			if (pos + 1 < cap)
				buf[pos++] = '\'';
		}
		if (pos >= cap)
			pos = cap - 1;
		buf[pos] = '\0';
	}
}

/* Seconds between -flamegraph's snapshots of its aggregate (IOR_SNAPSHOT_S). */
#define FLAME_SNAPSHOT_S 10
/* A snapshot that took t delays the next by at least this many t: the
 * event loop, which drains the ring buffers, spends at most 1/(N+1) on them. */
#define FLAME_SNAPSHOT_SHARE 9

/*
 * State of a -flamegraph run: the aggregate, what its file's metadata
 * says, and the file itself, rewritten with a snapshot of the aggregate
 * every interval so that a run that cannot write at its end (a full disk,
 * SIGKILL) still leaves the last snapshot.
 */
struct flame_run {
	struct agg *agg;
	const struct cli *cli;
	const char *out;
	const char *cmdline;
	uint64_t start_wall_ns;
	struct tracer *tracer;     /* set once tracing starts */
	struct iorzst_owned own;   /* the file at out, once a write succeeded */
	uint64_t interval_ns;      /* between snapshots; 0: none */
	uint64_t next_ns;          /* CLOCK_MONOTONIC time of the next snapshot */
	/* the snapshot the file holds: when it was taken (it holds every call
	 * collected by then, and those drained while it was written) and the
	 * calls in it */
	uint64_t snap_wall_ns;
	uint64_t snap_events;
	int drain_err;             /* the first error of a drain during a snapshot */
};

/* -path: does a call on path (and path2) pass? */
static bool path_wanted(const struct cli *c, const char *path, const char *path2)
{
	const char *want = c->path;

	return !want || path_under(path, want) || path_under(path2, want);
}

static int flame_event(void *ctx, const struct ior_event *ev)
{
	struct flame_run *f = ctx;

	return path_wanted(f->cli, ev->path, ev->path2) ? agg_add(f->agg, ev) : 0;
}

static int flame_kernel_entry(void *ctx, const struct agg_entry *e, const char *path2)
{
	struct flame_run *f = ctx;

	return path_wanted(f->cli, e->path, path2) ? agg_merge_entry(f->agg, e) : 0;
}

/*
 * The metadata every file ior records carries: who, where, when, how, and
 * (at the end of a run) every loss counter. Strings point into m or into
 * the caller's cli and cmdline, which must outlive m's use.
 */
struct run_meta {
	struct { const char *key, *value; } kv[40];
	size_t n;
	char num[24][24];
	size_t nnum;
	char command[4096];
	struct utsname uts;
};

static void meta_str(struct run_meta *m, const char *key, const char *value)
{
	if (m->n < sizeof(m->kv) / sizeof(m->kv[0])) {
		m->kv[m->n].key = key;
		m->kv[m->n].value = value;
		m->n++;
	}
}

static void meta_u64(struct run_meta *m, const char *key, uint64_t v)
{
	if (m->nnum < sizeof(m->num) / sizeof(m->num[0])) {
		snprintf(m->num[m->nnum], sizeof(m->num[0]), "%llu", (unsigned long long)v);
		meta_str(m, key, m->num[m->nnum++]);
	}
}

static void meta_build(struct run_meta *m, const struct cli *c, const char *cmdline,
		       uint64_t start_wall_ns, const struct tracer_stats *st)
{
	memset(m, 0, sizeof(*m));
	if (uname(&m->uts))
		memset(&m->uts, 0, sizeof(m->uts));
	if (c->cmd) {
		int argc = 0;

		while (c->cmd[argc])
			argc++;
		join_cmdline(m->command, sizeof(m->command), argc, c->cmd);
	}
	meta_str(m, "ior.version", IOR_VERSION);
	meta_str(m, "ior.commit", ior_commit());
	meta_str(m, "host", m->uts.nodename);
	meta_str(m, "kernel", m->uts.release);
	meta_u64(m, "start_ns", start_wall_ns);
	if (st)
		meta_u64(m, "end_ns", util_now_ns(CLOCK_REALTIME));
	meta_str(m, "cmdline", cmdline);
	if (c->cmd)
		meta_str(m, "command", m->command);
	if (c->pid)
		meta_u64(m, "filter.pid", c->pid);
	if (c->tid)
		meta_u64(m, "filter.tid", c->tid);
	if (c->comm)
		meta_str(m, "filter.comm", c->comm);
	if (c->path)
		meta_str(m, "filter.path", c->path);
	if (!st)
		return;
	meta_u64(m, "lost.ringbuf_drops", st->rb_drops);
	meta_u64(m, "lost.path_drops", st->path_drops);
	meta_u64(m, "lost.unpaired_exits", st->unpaired_exits);
	meta_u64(m, "lost.lost_entries", st->lost_enters);
	meta_u64(m, "lost.died_in_call", st->died_in_call);
	meta_u64(m, "lost.unreadable_strings", st->str_faults);
	meta_u64(m, "lost.recursion_misses", st->recursion_misses);
	meta_u64(m, "lost.unknown_paths", st->unknown_paths);
}

/* Writes the aggregate to f->out, a snapshot when partial; 0 or -errno. */
static int flame_write(struct flame_run *f, const struct tracer_stats *st, bool partial)
{
	struct iorzst_kv kv[sizeof(((struct run_meta *)0)->kv) / sizeof(((struct run_meta *)0)->kv[0])];
	struct run_meta m;
	int err;

	meta_build(&m, f->cli, f->cmdline, f->start_wall_ns, st);
	if (partial)
		meta_str(&m, "partial", "snapshot");
	meta_u64(&m, "agg.cap", agg_cap(f->agg));
	meta_u64(&m, "agg.folded_dir", agg_folded_dir(f->agg));
	meta_u64(&m, "agg.folded_files", agg_folded_files(f->agg));
	meta_u64(&m, "agg.folded", agg_folded(f->agg));
	for (size_t i = 0; i < m.n; i++) {
		kv[i].key = m.kv[i].key;
		kv[i].value = m.kv[i].value;
	}
	err = iorzst_write_owned(f->out, &f->own, f->agg, kv, m.n);
	if (!err)
		give_to_sudo_user(f->out);
	return err;
}

/* Between two stretches of a snapshot's write: keep the ring buffers drained. */
static int flame_drain(void *ctx)
{
	struct flame_run *f = ctx;
	int n = tracer_consume(f->tracer);

	/* the run's own error (an event the aggregate could not take), kept
	 * apart from the snapshot's write, which the next interval retries */
	if (n < 0 && !f->drain_err)
		f->drain_err = n;
	return n < 0 ? n : 0;
}

static void flame_started(void *ctx, struct tracer *t)
{
	struct flame_run *f = ctx;

	f->tracer = t;
	f->own.between = flame_drain;
	f->own.between_ctx = f;
	f->next_ns = util_now_ns(CLOCK_MONOTONIC) + f->interval_ns;
}

/*
 * Every interval: takes in what the kernel aggregated so far and rewrites
 * the file with the whole aggregate. A snapshot that cannot be written
 * (a full disk) leaves the previous one and is tried again next interval;
 * the closing line says what the file holds.
 */
static int flame_tick(void *ctx)
{
	struct flame_run *f = ctx;
	uint64_t begin = util_now_ns(CLOCK_MONOTONIC), wall, cost, pause;
	struct tracer_stats st;
	int err;

	if (!f->interval_ns || begin < f->next_ns)
		return 0;
	err = tracer_collect_agg(f->tracer, flame_kernel_entry, f);
	if (err)
		return err;
	tracer_stats(f->tracer, &st);
	wall = util_now_ns(CLOCK_REALTIME);
	err = flame_write(f, &st, true);
	if (f->drain_err)
		return f->drain_err;
	if (!err) {
		f->snap_wall_ns = wall;
		f->snap_events = f->own.events;
	}
	cost = util_now_ns(CLOCK_MONOTONIC) - begin;
	pause = cost * FLAME_SNAPSHOT_SHARE;
	f->next_ns = begin + cost + (pause > f->interval_ns ? pause : f->interval_ns);
	return 0;
}

/* The closing line of a run whose file could not be written at the end. */
static void flame_say_lost(const struct flame_run *f, int err)
{
	unsigned long long all = agg_events(f->agg);

	if (err == -EEXIST && f->own.written)
		fprintf(stderr, "ior: cannot write %s: another file took its place during the run and "
			"was left alone; this run's %llu syscalls are not in it\n", f->out, all);
	else if (f->own.written)
		fprintf(stderr, "ior: cannot write %s: %s; it keeps the snapshot taken %.1f s into "
			"the run (%llu syscalls); the %llu syscalls after it are lost\n", f->out,
			strerror(-err), (double)(f->snap_wall_ns - f->start_wall_ns) / 1e9,
			(unsigned long long)f->snap_events, all - f->snap_events);
	else
		fprintf(stderr, "ior: cannot write %s: %s; no snapshot was written before, so the "
			"run's %llu syscalls are lost\n", f->out, strerror(-err), all);
}

static int flame_finish(void *ctx, const struct tracer_stats *st)
{
	struct flame_run *f = ctx;
	char folded[200] = "";
	int err;

	f->own.between = NULL; /* tracing has stopped: nothing to drain */
	err = flame_write(f, st, false);
	if (err) {
		flame_say_lost(f, err);
		return err;
	}
	if (agg_folded_dir(f->agg) || agg_folded_files(f->agg) || agg_folded(f->agg))
		snprintf(folded, sizeof(folded), "; past the key cap (%zu) %llu syscalls had their "
			 "file folded into its directory, %llu into [other files], %llu into [other]",
			 agg_cap(f->agg), (unsigned long long)agg_folded_dir(f->agg),
			 (unsigned long long)agg_folded_files(f->agg),
			 (unsigned long long)agg_folded(f->agg));
	fprintf(stderr, "ior: wrote %s: %zu entries from %llu syscalls, %llu aggregated in the kernel%s\n",
		f->out, agg_count(f->agg), (unsigned long long)agg_events(f->agg),
		(unsigned long long)st->kernel_agg, folded);
	return 0;
}

static int run_flamegraph(const struct cli *c, int argc, char **argv)
{
	char out[4096], cmdline[8192];
	struct flame_run f = { .cli = c, .out = out, .cmdline = cmdline };
	int ret, e;

	if (snprintf(out, sizeof(out), "%s.ior.zst", c->name) >= (int)sizeof(out)) {
		fprintf(stderr, "ior: -name is too long\n");
		return 2;
	}
	e = iorzst_check_new(out);
	if (e == -EEXIST) {
		fprintf(stderr, "ior: %s already exists; choose another -name or move it away\n", out);
		return 2;
	}
	if (e) {
		/* -ENOENT here is a missing directory, not a missing file */
		fprintf(stderr, "ior: cannot create %s: %s\n", out, strerror(-e));
		return 2;
	}
	long cap, interval_s;
	char why[160];

	if (util_env_long("IOR_AGG_CAP", AGG_DEFAULT_CAP, 1, UINT32_MAX / 2, &cap, why, sizeof(why)) ||
	    util_env_long("IOR_SNAPSHOT_S", FLAME_SNAPSHOT_S, 0, 86400, &interval_s, why,
			  sizeof(why))) {
		fprintf(stderr, "ior: %s\n", why);
		return 1;
	}
	f.interval_ns = (uint64_t)interval_s * 1000000000u;
	join_cmdline(cmdline, sizeof(cmdline), argc, argv);
	f.agg = agg_new((size_t)cap);
	if (!f.agg) {
		fprintf(stderr, "ior: out of memory\n");
		return 1;
	}
	f.start_wall_ns = util_now_ns(CLOCK_REALTIME);
	const struct sink sink = {
		.event = flame_event,
		.tick = flame_tick,
		.finish = flame_finish,
		.ctx = &f,
		.agg = flame_kernel_entry,
		.started = flame_started,
	};

	ret = run_headless(c, &sink);
	agg_free(f.agg);
	return ret;
}

/* State of a -parquet run: the writer, flushed at least once a second. */
struct parquet_run {
	struct parquet_writer *w;
	const struct cli *cli;
	const char *cmdline;
	uint64_t start_wall_ns;
	bool said_in_place;
};

static int set_meta(struct parquet_writer *w, const struct run_meta *m)
{
	struct parquet_kv kv[sizeof(m->kv) / sizeof(m->kv[0])];

	for (size_t i = 0; i < m->n; i++) {
		kv[i].key = m->kv[i].key;
		kv[i].value = m->kv[i].value;
	}
	return parquet_writer_set_kv(w, kv, m->n);
}

static int parquet_event(void *ctx, const struct ior_event *ev)
{
	return parquet_writer_add(((struct parquet_run *)ctx)->w, ev);
}

/* Says once that saves went in place, where a kill can tear the file. */
static void parquet_in_place_note(struct parquet_run *p)
{
	int why = parquet_writer_in_place(p->w);

	if (!why || p->said_in_place || why == -ENOSPC || why == -EDQUOT)
		return;
	p->said_in_place = true;
	fprintf(stderr, "ior: %s: this file system cannot %s (%s); saving in place, so a kill "
			"during a save can leave the file unreadable\n", p->cli->file,
		why == -EINVAL ? "exchange two files atomically" : "hard-link a file",
		strerror(-why));
}

static int parquet_tick(void *ctx)
{
	struct parquet_run *p = ctx;
	int err = parquet_writer_tick(p->w, util_now_ns(CLOCK_MONOTONIC));

	parquet_in_place_note(p);
	return err;
}

static int parquet_finish(void *ctx, const struct tracer_stats *st)
{
	struct parquet_run *p = ctx;
	uint64_t saved, lost;
	struct run_meta m;
	int err;

	meta_build(&m, p->cli, p->cmdline, p->start_wall_ns, st);
	set_meta(p->w, &m);
	parquet_writer_flush(p->w);
	parquet_in_place_note(p);
	saved = parquet_writer_saved_rows(p->w);
	lost = parquet_writer_lost_rows(p->w);
	err = parquet_writer_close(p->w);
	p->w = NULL;
	give_to_sudo_user(p->cli->file);
	if (err) {
		fprintf(stderr, "ior: cannot write %s: %s; it keeps %llu rows (its last complete save), "
				"%llu traced rows are not in it\n", p->cli->file, strerror(-err),
			(unsigned long long)saved, (unsigned long long)lost);
		return err;
	}
	fprintf(stderr, "ior: wrote %s: %llu rows\n", p->cli->file, (unsigned long long)saved);
	return 0;
}

/* The message for parquet_writer_open's error e on file. */
static void parquet_open_error(const char *file, int e)
{
	char swap[4096];
	struct stat st;

	if (e == -EEXIST && lstat(file, &st) < 0 && parquet_swap_path(file, swap, sizeof(swap)) == 0) {
		fprintf(stderr, "ior: cannot create %s: %s exists, left by an ior killed while "
				"recording to %s; delete it or choose another name\n", file, swap, file);
		return;
	}
	fprintf(stderr, "ior: cannot create %s: %s%s\n", file, strerror(-e),
		e == -EEXIST ? " (ior never overwrites a recording)" : "");
}

static int run_parquet(const struct cli *c, int argc, char **argv)
{
	char cmdline[8192];
	struct parquet_run p = { .cli = c, .cmdline = cmdline };
	struct run_meta m;
	int ret, e;

	join_cmdline(cmdline, sizeof(cmdline), argc, argv);
	e = parquet_writer_open(c->file, &p.w);
	if (e) {
		parquet_open_error(c->file, e);
		return 2;
	}
	parquet_in_place_note(&p);
	p.start_wall_ns = util_now_ns(CLOCK_REALTIME);
	parquet_writer_tick(p.w, util_now_ns(CLOCK_MONOTONIC)); /* starts its flush timer */
	meta_build(&m, c, cmdline, p.start_wall_ns, NULL);
	set_meta(p.w, &m);
	const struct sink sink = {
		.event = parquet_event,
		.tick = parquet_tick,
		.finish = parquet_finish,
		.ctx = &p,
	};
	ret = run_headless(c, &sink);
	if (p.w) {
		/* tracing never started: leave no empty recording behind */
		parquet_writer_close(p.w);
		unlink(c->file);
	}
	return ret;
}

/* -folded FILE [-svg OUT]: folded stacks or an SVG from a .ior.zst file. */
static int run_folded(const struct cli *c)
{
	char err[IORZST_ERR_MAX];
	struct folded_spec spec;
	struct folded *f;
	FILE *out = stdout;
	int ret = 1, e;

	folded_spec_default(&spec);
	if (folded_parse_fields(c->fields, &spec, err, sizeof(err)) ||
	    folded_parse_count(c->count, &spec, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		return 2;
	}
	f = folded_new(&spec);
	if (!f) {
		fprintf(stderr, "ior: out of memory\n");
		return 1;
	}
	if (iorzst_read(c->file, NULL, folded_entry, f, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		goto cleanup;
	}
	if (c->svg) {
		/* standard output, a terminal, a pipe or a socket is a stream, not a
		 * file to overwrite */
		bool to_stdout = !strcmp(c->svg, "-") || !strcmp(c->svg, "/dev/stdout");
		bool stream = to_stdout || util_is_stream(c->svg);
		int fd = to_stdout ? dup(STDOUT_FILENO)
			 : stream ? open(c->svg, O_WRONLY | O_CLOEXEC)
				  : open(c->svg, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd < 0) {
			fprintf(stderr, "ior: cannot create %s: %s%s\n", c->svg, strerror(errno),
				errno == EEXIST ? " (ior never overwrites a file)" : "");
			goto cleanup;
		}
		out = fdopen(fd, "w");
		if (!out) {
			close(fd);
			fprintf(stderr, "ior: cannot write %s: %s\n", c->svg, strerror(errno));
			goto cleanup;
		}
		e = svg_write(f, NULL, out);
		errno = 0;
		if (fclose(out) && !e)
			e = errno ? -errno : -EIO;
		if (e == -EPIPE && stream)
			goto quiet; /* the reader went away: quiet, like -plain */
		if (e) {
			fprintf(stderr, "ior: cannot write %s: %s\n", c->svg, strerror(-e));
			if (!stream)
				unlink(c->svg);
			goto cleanup;
		}
		if (!stream)
			give_to_sudo_user(c->svg);
	} else {
		e = folded_write(f, stdout);
		if (fflush(stdout) && !e)
			e = -errno;
		if (e == -EPIPE)
			goto quiet; /* the reader went away (| head): what it wanted it has */
		if (e) {
			fprintf(stderr, "ior: cannot write the folded stacks: %s\n", strerror(-e));
			goto cleanup;
		}
	}
quiet:
	ret = 0;
cleanup:
	folded_free(f);
	return ret;
}

/*
 * The dashboard over the live tracer: the run behind tui_source callbacks.
 * pump answers signals (a stop signal ends the dashboard; COMMAND's exit
 * and the -duration deadline only stop tracing, so what was traced stays
 * on screen), then drains a bounded number of records so keys are never
 * kept waiting.
 */
struct live {
	struct run *r;
	void *feed;          /* the dashboard's feed while it runs; NULL after */
	uint64_t deadline;   /* monotonic ns; 0: none */
	bool stopped;
	char status[96];
	char command[256];
};

static int live_event(void *ctx, const struct ior_event *ev)
{
	struct live *lv = ctx;

	return lv->feed ? tui_feed_event(lv->feed, ev) : 0;
}

static int live_pump(void *ctx, struct tui_feed *feed, unsigned budget)
{
	struct live *lv = ctx;
	struct run *r = lv->r;
	struct signalfd_siginfo si;

	lv->feed = feed;
	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD)
			return -ECANCELED; /* SIGINT, SIGTERM, SIGHUP: quit */
		if (command_reap(&r->cmd))
			snprintf(lv->status, sizeof(lv->status), "COMMAND exited with status %d",
				 r->cmd.status);
	}
	if (lv->deadline && !lv->stopped && util_now_ns(CLOCK_MONOTONIC) >= lv->deadline) {
		tracer_stop(r->tracer);
		lv->stopped = true;
		snprintf(lv->status, sizeof(lv->status), "tracing stopped (-duration)");
	}
	return tracer_consume_n(r->tracer, budget);
}

static void live_counters(void *ctx, struct tracer_stats *out)
{
	tracer_stats(((struct live *)ctx)->r->tracer, out);
}

static void live_set_scope(void *ctx, uint32_t pid, uint32_t tid)
{
	tracer_set_scope(((struct live *)ctx)->r->tracer, pid, tid);
}

static void live_set_probe(void *ctx, int sc, bool on)
{
	tracer_set_probe(((struct live *)ctx)->r->tracer, sc, on);
}

static bool live_probe_enabled(void *ctx, int sc)
{
	return tracer_probe_enabled(((struct live *)ctx)->r->tracer, sc);
}

static const char *live_status(void *ctx)
{
	struct live *lv = ctx;

	return lv->status[0] ? lv->status : NULL;
}

static struct live live_run;

static int live_drive(struct run *r, const struct cli *c)
{
	struct live *lv = &live_run;
	struct tui_source src = {
		.kind = TUI_SOURCE_LIVE,
		.label = "live",
		.ctx = lv,
		.fd = r->epfd,
		.pump = live_pump,
		.counters = live_counters,
		.set_scope = live_set_scope,
		.set_probe = live_set_probe,
		.probe_enabled = live_probe_enabled,
		.status = live_status,
		.tracer = r->tracer,
		.pid = c->pid,
		.tid = c->tid,
		.comm = c->comm,
		.path_filter = c->path,
		.command = c->cmd ? lv->command : NULL,
		.stream_cap = c->stream_cap,
		.fields = c->fields,
		.count = c->count,
	};
	char err[256];
	size_t used = 0;
	int e;

	lv->r = r;
	lv->deadline = c->duration_ns ? r->start_ns + c->duration_ns : 0;
	for (char **a = c->cmd; a && *a && used + 1 < sizeof(lv->command); a++)
		used += (size_t)snprintf(lv->command + used, sizeof(lv->command) - used, "%s%s",
					 used ? " " : "", *a);
	e = tui_run(&src, err, sizeof(err));
	lv->feed = NULL; /* the final drain has nowhere to go */
	if (e)
		fprintf(stderr, "ior: %s\n", err);
	return e;
}

static int run_dashboard(const struct cli *c)
{
	const struct sink sink = {
		.event = live_event,
		.ctx = &live_run,
		.drive = live_drive,
	};

	/* said before COMMAND is started or anything traced (tui_run checks again) */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ior: the dashboard needs a terminal; use -plain to print every "
				"syscall instead\n");
		return 1;
	}
	return run_headless(c, &sink);
}

/* -view of a .ior.zst file: its entries, fed to the dashboard in one go. */
struct view_agg {
	struct agg *agg;
	struct tui_feed *feed;
	uint64_t start_ns, end_ns;
	bool fed;
	bool partial;                 /* a snapshot of a run that had not ended */
	uint64_t folded_dir, folded_files, folded_other; /* by the recording's key cap */
	char status[256];             /* what the dashboard's status says of these */
};

static int view_meta(void *ctx, const char *key, const char *value)
{
	struct view_agg *v = ctx;
	long long n;
	char *end;

	if (strcmp(key, "partial") == 0)
		v->partial = true;
	n = strtoll(value, &end, 10);
	if (*value && !*end && n > 0) {
		if (strcmp(key, "start_ns") == 0)
			v->start_ns = (uint64_t)n;
		else if (strcmp(key, "end_ns") == 0)
			v->end_ns = (uint64_t)n;
		else if (strcmp(key, "agg.folded_dir") == 0)
			v->folded_dir = (uint64_t)n;
		else if (strcmp(key, "agg.folded_files") == 0)
			v->folded_files = (uint64_t)n;
		else if (strcmp(key, "agg.folded") == 0)
			v->folded_other = (uint64_t)n;
	}
	return 0;
}

/* The status line of a recording that is a snapshot or met its key cap. */
static const char *view_status(void *ctx)
{
	struct view_agg *v = ctx;
	size_t len = 0;

	if (v->status[0] || (!v->partial && !v->folded_dir && !v->folded_files && !v->folded_other))
		return v->status[0] ? v->status : NULL;
	if (v->partial)
		len = (size_t)snprintf(v->status, sizeof(v->status), "partial: the run's last snapshot");
	if (v->folded_dir || v->folded_files || v->folded_other)
		snprintf(v->status + len, sizeof(v->status) - len,
			 "%skey cap: %llu calls' files folded into their directory, %llu into "
			 "[other files], %llu into [other]", len ? "; " : "",
			 (unsigned long long)v->folded_dir, (unsigned long long)v->folded_files,
			 (unsigned long long)v->folded_other);
	return v->status;
}

static int view_merge(void *ctx, const struct agg_entry *e)
{
	return agg_merge(((struct view_agg *)ctx)->agg, e);
}

static int view_feed_entry(void *ctx, const struct agg_entry *e)
{
	tui_feed_aggregate(((struct view_agg *)ctx)->feed, e);
	return 0;
}

static int view_agg_pump(void *ctx, struct tui_feed *feed, unsigned budget)
{
	struct view_agg *v = ctx;

	(void)budget;
	if (v->fed)
		return 0;
	v->fed = true;
	v->feed = feed;
	agg_foreach(v->agg, view_feed_entry, v);
	return agg_count(v->agg) ? (int)(agg_count(v->agg) > 0x7fffffff ? 0x7fffffff
									   : agg_count(v->agg))
				  : 0;
}

/* -view of a Parquet file: its rows, read a row group at a time as the
 * dashboard pumps them. */
struct view_rows {
	struct pqread *rd;
	char status[96];
};

static int view_rows_pump(void *ctx, struct tui_feed *feed, unsigned budget)
{
	struct view_rows *v = ctx;
	struct ior_event ev;
	unsigned n = 0;
	int rc = 0;

	while (n < budget && (rc = pqread_next(v->rd, &ev)) == 1) {
		tui_feed_event(feed, &ev);
		n++;
	}
	return rc < 0 ? rc : (int)n;
}

static const char *view_rows_status(void *ctx)
{
	struct view_rows *v = ctx;
	uint64_t skipped = pqread_skipped(v->rd);

	if (!skipped)
		return NULL;
	snprintf(v->status, sizeof(v->status), "%llu rows skipped: syscalls this ior does not know",
		 (unsigned long long)skipped);
	return v->status;
}

/* A key-value pair of the file holding nanoseconds ("start_ns"): 0 if absent or not a number. */
static uint64_t view_meta_ns(const struct pqread *rd, const char *key)
{
	const char *s = pqread_kv(rd, key);
	unsigned long long n;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoull(s, &end, 10);
	return *end || errno ? 0 : n;
}

static int view_parquet(const struct cli *c)
{
	char err[PQREAD_ERR_MAX];
	struct view_rows v = { 0 };
	uint64_t start, end;
	int e;

	if (pqread_open(c->file, &v.rd, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		return 1;
	}
	struct tui_source src = {
		.kind = TUI_SOURCE_ROWS,
		.label = c->file,
		.ctx = &v,
		.fd = -1,
		.pump = view_rows_pump,
		.status = view_rows_status,
		.path_filter = c->path,
		.stream_cap = c->stream_cap,
		.fields = c->fields,
		.count = c->count,
	};
	/* the traced window as the recording noted it, else the rows' own span */
	start = view_meta_ns(v.rd, "start_ns");
	end = view_meta_ns(v.rd, "end_ns");
	if ((start && end > start) || pqread_time_range(v.rd, &start, &end) == 0)
		src.span_ns = end > start ? end - start : 0;
	e = tui_run(&src, err, sizeof(err));
	if (e)
		fprintf(stderr, "ior: %s\n", pqread_error(v.rd)[0] ? pqread_error(v.rd) : err);
	pqread_close(v.rd);
	return e ? 1 : 0;
}

static int run_view(const struct cli *c)
{
	static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char magic[4] = { 0 };
	char err[IORZST_ERR_MAX];
	struct view_agg v = { 0 };
	struct stat st = { 0 };
	int fd, ret = 1;
	ssize_t n;

	/* O_NONBLOCK: a FIFO must not hang the open; only regular files are read */
	fd = open(c->file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ior: cannot open %s: %s\n", c->file, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "ior: %s is %s\n", c->file,
			S_ISDIR(st.st_mode) ? "a directory, not a recording" : "not a regular file");
		close(fd);
		return 1;
	}
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n == 4 && memcmp(magic, "PAR1", 4) == 0)
		return view_parquet(c);
	if (n != 4 || memcmp(magic, zstd_magic, 4) != 0) {
		fprintf(stderr, "ior: %s is neither an .ior.zst nor a Parquet file\n", c->file);
		return 1;
	}
	v.agg = agg_new(AGG_DEFAULT_CAP);
	if (!v.agg) {
		fprintf(stderr, "ior: out of memory\n");
		return 1;
	}
	if (iorzst_read(c->file, view_meta, view_merge, &v, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		goto cleanup;
	}
	struct tui_source src = {
		.kind = TUI_SOURCE_AGGREGATE,
		.label = c->file,
		.ctx = &v,
		.fd = -1,
		.pump = view_agg_pump,
		.status = view_status,
		.path_filter = c->path,
		.fields = c->fields,
		.count = c->count,
	};
	if (v.end_ns > v.start_ns)
		src.span_ns = v.end_ns - v.start_ns;
	if (tui_run(&src, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		goto cleanup;
	}
	ret = 0;
cleanup:
	agg_free(v.agg);
	return ret;
}

/* --testflames, --testliveflames: the dashboard on synthetic data, no tracing. */
static int run_testflames(const struct cli *c)
{
	struct flamedemo *d;
	struct tui_source src;
	char err[256];
	int e;

	e = flamedemo_new(c->mode == CLI_TESTLIVEFLAMES, &d);
	if (e) {
		fprintf(stderr, "ior: cannot start the synthetic data: %s\n", strerror(-e));
		return 1;
	}
	flamedemo_source(d, &src);
	src.fields = c->fields;
	src.count = c->count;
	src.path_filter = c->path;
	e = tui_run(&src, err, sizeof(err));
	flamedemo_free(d);
	if (e) {
		fprintf(stderr, "ior: %s\n", err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[512];
	struct cli c;

	if (cli_parse(argc, argv, &c, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		return 2;
	}
	if (c.help) {
		cli_usage();
		return 0;
	}
	if (c.version) {
		printf("ior %s (commit %s)\n", IOR_VERSION, ior_commit());
		return 0;
	}
	/* before any output file is created or anything traced */
	if (c.cmd) {
		int e = command_resolve(c.cmd[0], command_path, sizeof(command_path));

		if (e) {
			fprintf(stderr, "ior: cannot run '%s': %s\n", c.cmd[0], strerror(-e));
			return 2;
		}
	}
	/* a COMMAND given is not running yet: only a name traced system-wide is checked */
	if (c.comm && !c.cmd && (c.mode == CLI_PLAIN || c.mode == CLI_FLAMEGRAPH ||
				 c.mode == CLI_TUI) && cli_comm_running(c.comm) == 0) {
		char name[4 * 16 + 1];

		util_escape(name, sizeof(name), c.comm, strlen(c.comm), UTIL_ESC_SPACE);
		fprintf(stderr, "ior: no task named %s is running now; tracing the ones that start\n",
			name);
	}
	switch (c.mode) {
	case CLI_PLAIN:
		return run_plain(&c);
	case CLI_FLAMEGRAPH:
		return run_flamegraph(&c, argc, argv);
	case CLI_PARQUET:
		return run_parquet(&c, argc, argv);
	case CLI_FOLDED:
		signal(SIGPIPE, SIG_IGN);
		return run_folded(&c);
	case CLI_TUI:
		return run_dashboard(&c);
	case CLI_VIEW:
		return run_view(&c);
	case CLI_TESTFLAMES:
	case CLI_TESTLIVEFLAMES:
		return run_testflames(&c);
	default:
		fprintf(stderr, "ior: this mode is not available in this build yet; use -plain to "
				"print every syscall\n");
		return 2;
	}
}
