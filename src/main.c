// SPDX-License-Identifier: GPL-2.0
/*
 * ior's entry point: parse and check the command line, start COMMAND if
 * one is given, load the tracer, run one event loop (ring buffer, signals,
 * the deadline) until the run ends, drain, and print the loss summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"
#include "plain.h"
#include "tracer.h"
#include "util.h"

#define POLL_MS 50

/*
 * Where a headless run's events go: the -plain printer, the aggregator
 * behind -flamegraph, the Parquet recorder. tick runs after every drain
 * of the ring buffer (at least every POLL_MS); finish once, after the
 * final drain, with the loss counters.
 */
struct sink {
	ior_event_fn event;
	int (*tick)(void *ctx);
	int (*finish)(void *ctx, const struct tracer_stats *stats);
	void *ctx;
};

struct run {
	struct tracer *tracer;
	int sigfd;
	int epfd;
	pid_t child;
	int child_status; /* exit status to return; -1 while running */
	int signals;      /* stop requests received */
	uint64_t start_ns;
	const struct sink *sink;
};

/* Finds COMMAND like execvp would; fills buf. 0, or -errno. */
static int resolve_command(const char *cmd, char *buf, size_t cap)
{
	const char *pathenv = getenv("PATH");
	struct stat st;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st))
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (access(cmd, X_OK))
			return -errno;
		snprintf(buf, cap, "%s", cmd);
		return 0;
	}
	if (!pathenv)
		pathenv = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = pathenv;;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (snprintf(buf, cap, "%.*s/%s", (int)len, len ? p : ".", cmd) < (int)cap &&
		    !stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
			return 0;
		if (!end)
			return -ENOENT;
		p = end + 1;
	}
}

/*
 * Forks COMMAND stopped before exec: it waits for SIGUSR1, sent once its
 * pid is in the follow set, so that its first syscall is already traced.
 */
static pid_t spawn_waiting(const char *path, char **argv, const sigset_t *orig_mask)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	sigset_t go;
	int sig;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&go);
	sigaddset(&go, SIGUSR1);
	if (sigwait(&go, &sig))
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, orig_mask, NULL);
	execv(path, argv);
	fprintf(stderr, "ior: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void reap_child(struct run *r)
{
	int status;

	if (r->child <= 0 || r->child_status >= 0)
		return;
	if (waitpid(r->child, &status, WNOHANG) != r->child)
		return;
	if (WIFEXITED(status))
		r->child_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->child_status = 128 + WTERMSIG(status);
}

/* Reads pending signals; returns true when the run must stop. */
static bool handle_signals(struct run *r)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap_child(r);
			if (r->child > 0 && r->child_status >= 0)
				stop = true;
			continue;
		}
		/* SIGINT, SIGTERM, SIGHUP */
		r->signals++;
		if (r->child > 0 && r->child_status < 0 && r->signals == 1) {
			/* let COMMAND end on its own; a terminal's Ctrl-C reached it already */
			if (si.ssi_code == SI_USER || si.ssi_code == SI_QUEUE)
				kill(r->child, (int)si.ssi_signo);
			continue;
		}
		stop = true;
	}
	return stop;
}

static void print_summary(struct run *r, const struct tracer_stats *stats)
{
	const struct tracer_stats s = *stats;
	double secs = (double)(util_now_ns(CLOCK_MONOTONIC) - r->start_ns) / 1e9;

	fprintf(stderr,
		"ior: %" PRIu64 " syscalls in %.3f s (%.0f/s); lost: %" PRIu64 " ring-buffer drops, "
		"%" PRIu64 " path drops, %" PRIu64 " unpaired exits, %" PRIu64 " lost entries, "
		"%" PRIu64 " died in call, %" PRIu64 " unreadable strings, %" PRIu64
		" recursion misses, %" PRIu64 " unknown paths\n",
		s.events, secs, secs > 0 ? (double)s.events / secs : 0.0, s.rb_drops, s.path_drops,
		s.unpaired_exits, s.lost_enters, s.died_in_call, s.str_faults, s.recursion_misses,
		s.unknown_paths);
}

static int run_loop(struct run *r, uint64_t duration_ns)
{
	uint64_t deadline = duration_ns ? r->start_ns + duration_ns : 0;
	struct epoll_event evs[4];
	int err = 0;

	for (;;) {
		int timeout = POLL_MS;
		bool stop = false;

		if (deadline) {
			uint64_t now = util_now_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				break;
			if (deadline - now < (uint64_t)POLL_MS * 1000000u)
				timeout = (int)((deadline - now) / 1000000u) + 1;
		}
		int n = epoll_wait(r->epfd, evs, 4, timeout);

		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++)
			if (evs[i].data.fd == r->sigfd && handle_signals(r))
				stop = true;
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

static int plain_tick(void *ctx)
{
	struct plain *p = ctx;

	return fflush(p->out) ? -EPIPE : 0;
}

static int plain_finish(void *ctx, const struct tracer_stats *stats)
{
	(void)stats;
	return plain_tick(ctx);
}

/*
 * A tracing run without the dashboard: start COMMAND if any, load the
 * tracer, loop until the run ends, drain, let the sink finish, summarise.
 */
static int run_headless(const struct cli *c, const struct sink *sink)
{
	char err[512], cmdpath[4096];
	struct run r = { .sigfd = -1, .epfd = -1, .child_status = -1, .sink = sink };
	struct tracer_stats stats;
	sigset_t mask, orig_mask;
	int ret = 1;

	if (c->cmd) {
		int e = resolve_command(c->cmd[0], cmdpath, sizeof(cmdpath));

		if (e) {
			fprintf(stderr, "ior: cannot run '%s': %s\n", c->cmd[0], strerror(-e));
			return 2;
		}
	}

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &orig_mask);
	sigdelset(&mask, SIGUSR1);
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
		.ringbuf_bytes = c->ringbuf_bytes,
		.sink = sink->event,
		.sink_ctx = sink->ctx,
	};
	if (tracer_new(&topts, &r.tracer, err, sizeof(err))) {
		fprintf(stderr, "ior: %s\n", err);
		goto cleanup;
	}
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.fd = r.sigfd;
	epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.sigfd, &ev);
	ev.data.fd = tracer_fd(r.tracer);
	epoll_ctl(r.epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);

	r.start_ns = util_now_ns(CLOCK_MONOTONIC);
	if (c->cmd) {
		r.child = spawn_waiting(cmdpath, c->cmd, &orig_mask);
		if (r.child < 0) {
			fprintf(stderr, "ior: cannot start '%s': %s\n", c->cmd[0], strerror(errno));
			goto cleanup;
		}
		if (tracer_follow(r.tracer, r.child)) {
			fprintf(stderr, "ior: cannot follow process %d\n", (int)r.child);
			kill(r.child, SIGKILL);
			goto cleanup;
		}
		kill(r.child, SIGUSR1);
	}

	int loop_err = run_loop(&r, c->duration_ns);

	tracer_stop(r.tracer);
	if (loop_err != -EPIPE)
		loop_err = tracer_consume(r.tracer);
	tracer_stats(r.tracer, &stats);
	int finish_err = sink->finish ? sink->finish(sink->ctx, &stats) : 0;

	print_summary(&r, &stats);
	if (loop_err < 0 && loop_err != -EPIPE)
		fprintf(stderr, "ior: %s\n", strerror(-loop_err));
	if (r.child > 0 && r.child_status < 0)
		reap_child(&r);
	ret = r.child > 0 ? (r.child_status >= 0 ? r.child_status : 0) : 0;
	if ((loop_err < 0 && loop_err != -EPIPE) || (finish_err < 0 && finish_err != -EPIPE))
		ret = 1;
cleanup:
	tracer_free(r.tracer);
	if (r.epfd >= 0)
		close(r.epfd);
	if (r.sigfd >= 0)
		close(r.sigfd);
	return ret;
}

static int run_plain(const struct cli *c)
{
	struct plain plain = { .out = stdout, .path_filter = c->path };
	const struct sink sink = {
		.event = plain_event,
		.tick = plain_tick,
		.finish = plain_finish,
		.ctx = &plain,
	};

	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	return run_headless(c, &sink);
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
		puts("ior 0.1.0");
		return 0;
	}
	switch (c.mode) {
	case CLI_PLAIN:
		return run_plain(&c);
	case CLI_TUI:
		fprintf(stderr, "ior: the live dashboard is not available in this build yet; use "
				"-plain to print every syscall\n");
		return 2;
	default:
		fprintf(stderr, "ior: this mode is not available in this build yet; use -plain to "
				"print every syscall\n");
		return 2;
	}
}
