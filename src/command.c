// SPDX-License-Identifier: GPL-2.0
/*
 * Starting COMMAND so that ior traces all of it and none of ior: the child
 * does ior's part of the set-up (its standard streams, the handshake) before
 * its pid enters the follow set, and only exec's after; and giving COMMAND
 * the signal dispositions, mask and open-file limit it would have had
 * without ior.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "command.h"

/* The signals whose dispositions ior sets, in the order of command_env.act. */
static const int taken_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };

_Static_assert(sizeof(taken_signals) / sizeof(taken_signals[0]) ==
		       sizeof(((struct command_env *)0)->act) / sizeof(((struct command_env *)0)->act[0]),
	       "one saved disposition per taken signal");

void command_take_signals(struct command_env *env, sigset_t *sigfd_mask)
{
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(taken_signals) / sizeof(taken_signals[0]); i++) {
		int sig = taken_signals[i];
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		/* an ignored SIGCHLD would reap COMMAND behind ior's back; ignored
		 * stop signals would never reach the signalfd */
		sa.sa_handler = sig == SIGPIPE ? SIG_IGN : SIG_DFL;
		sigaction(sig, &sa, &env->act[i]);
		if (sig != SIGPIPE)
			sigaddset(&block, sig);
	}
	*sigfd_mask = block;
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &env->mask);
}

unsigned long command_raise_nofile(struct command_env *env)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim))
		return 0;
	env->nofile = lim;
	env->nofile_saved = true;
	if (lim.rlim_cur < lim.rlim_max) {
		struct rlimit raised = { .rlim_cur = lim.rlim_max, .rlim_max = lim.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
			lim.rlim_cur = lim.rlim_max;
	}
	return lim.rlim_cur == RLIM_INFINITY ? (unsigned long)-1 : (unsigned long)lim.rlim_cur;
}

int command_resolve(const char *cmd, char *buf, size_t cap)
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

		/* an empty element is the working directory, as for execvp */
		if (snprintf(buf, cap, "%.*s/%s", len ? (int)len : 1, len ? p : ".", cmd) < (int)cap &&
		    !stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
			return 0;
		if (!end)
			return -ENOENT;
		p = end + 1;
	}
}

/*
 * The child's side. Everything before the ready byte is ior's work and runs
 * untraced; after command_go only calls no tracer records (signal state,
 * limits, prctl) stand between the wait and execv.
 */
static void __attribute__((noreturn))
child_run(const char *path, char **argv, const struct command_env *env, bool quiet, pid_t parent,
	  int ready_fd, int status_fd)
{
	sigset_t go;
	int sig, e;
	char one = 1;

	/* until COMMAND runs, a child of a dead ior has nothing to do */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	if (quiet) {
		/* under the dashboard COMMAND must neither write over it nor read its keys */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
	}
	if (write(ready_fd, &one, 1) != 1)
		_exit(127);
	sigemptyset(&go);
	sigaddset(&go, SIGUSR1);
	if (sigwait(&go, &sig))
		_exit(127);
	for (size_t i = 0; i < sizeof(taken_signals) / sizeof(taken_signals[0]); i++)
		sigaction(taken_signals[i], &env->act[i], NULL);
	if (env->nofile_saved)
		setrlimit(RLIMIT_NOFILE, &env->nofile);
	/* from here on COMMAND outlives ior: a traced job is not killed because its observer went away */
	prctl(PR_SET_PDEATHSIG, 0);
	sigprocmask(SIG_SETMASK, &env->mask, NULL);
	execv(path, argv);
	e = errno;
	if (write(status_fd, &e, sizeof(e)) != sizeof(e))
		fprintf(stderr, "ior: cannot run '%s': %s\n", argv[0], strerror(e));
	_exit(127);
}

int command_fork(struct command *cmd, const char *path, char **argv,
		 const struct command_env *env, bool quiet)
{
	int ready[2], status[2];
	pid_t parent = getpid();

	cmd->pid = -1;
	cmd->status = -1;
	cmd->ready_fd = cmd->status_fd = -1;
	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	if (pipe2(status, O_CLOEXEC)) {
		int e = -errno;

		close(ready[0]);
		close(ready[1]);
		return e;
	}
	pid_t pid = fork();

	if (pid == 0)
		child_run(path, argv, env, quiet, parent, ready[1], status[1]);
	int e = pid < 0 ? -errno : 0;

	close(ready[1]);
	close(status[1]);
	cmd->ready_fd = ready[0];
	cmd->status_fd = status[0];
	cmd->pid = pid;
	if (e)
		command_close(cmd);
	return e;
}

int command_wait_ready(struct command *cmd)
{
	char one;
	ssize_t n;

	do
		n = read(cmd->ready_fd, &one, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	return n < 0 ? -errno : -ECHILD;
}

int command_go(struct command *cmd, int sigfd)
{
	struct pollfd p[2] = { { .fd = cmd->status_fd, .events = POLLIN },
			       { .fd = sigfd, .events = POLLIN } };

	if (kill(cmd->pid, SIGUSR1))
		return errno;
	for (;;) {
		int n = poll(p, 2, -1), e;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (p[0].revents)
			return read(cmd->status_fd, &e, sizeof(e)) == sizeof(e) ? e : 0;
		if (p[1].revents)
			return 0;
	}
}

bool command_reap(struct command *cmd)
{
	int status;

	if (cmd->pid <= 0)
		return false;
	if (cmd->status >= 0)
		return true;
	if (waitpid(cmd->pid, &status, WNOHANG) != cmd->pid)
		return false;
	if (WIFEXITED(status))
		cmd->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		cmd->status = 128 + WTERMSIG(status);
	return cmd->status >= 0;
}

/* The signal set on line `key` of /proc/PID/status ("SigIgn:\t0000000000000002"). */
static bool status_mask(FILE *f, const char *key, unsigned long long *mask)
{
	char line[256];
	size_t klen = strlen(key);

	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen)) {
			char *end;

			*mask = strtoull(line + klen, &end, 16);
			return end != line + klen;
		}
	return false;
}

bool command_ignores(const struct command *cmd, int sig)
{
	char path[64];
	unsigned long long ign = 0;
	bool known;
	FILE *f;

	if (cmd->pid <= 0 || cmd->status >= 0 || sig < 1 || sig > 64)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cmd->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	known = status_mask(f, "SigIgn:", &ign);
	fclose(f);
	return known && (ign >> (sig - 1) & 1);
}

void command_abort(struct command *cmd)
{
	if (cmd->pid > 0 && cmd->status < 0) {
		kill(cmd->pid, SIGKILL);
		waitpid(cmd->pid, NULL, 0);
		cmd->status = 128 + SIGKILL;
	}
	command_close(cmd);
}

void command_close(struct command *cmd)
{
	if (cmd->ready_fd >= 0)
		close(cmd->ready_fd);
	if (cmd->status_fd >= 0)
		close(cmd->status_fd);
	cmd->ready_fd = cmd->status_fd = -1;
}
