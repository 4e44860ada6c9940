/* SPDX-License-Identifier: GPL-2.0 */
/*
 * COMMAND of `ior -- COMMAND`, and the process state ior changes for its
 * own sake (signal dispositions and mask, the open-file limit), which
 * COMMAND gets back before it runs. docs/command.md states the guarantees.
 */
#ifndef IOR_COMMAND_H
#define IOR_COMMAND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/* The signals that stop a tracing run (besides -duration and COMMAND's end). */
#define COMMAND_STOP_SIGNALS { SIGINT, SIGTERM, SIGHUP }

/*
 * What ior inherited and changes while it runs: the dispositions of the
 * signals it handles, its signal mask and RLIMIT_NOFILE. Filled by
 * command_take_signals; COMMAND is started with all of it restored.
 */
struct command_env {
	sigset_t mask;         /* the inherited mask */
	struct sigaction act[5]; /* SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE as inherited */
	struct rlimit nofile;  /* the inherited open-file limit */
	bool nofile_saved;
};

/*
 * Makes the stop signals and SIGCHLD ior's whatever it inherited: blocks
 * them (with SIGUSR1, which COMMAND's start uses) for a signalfd, sets a
 * disposition a background job or nohup left ignored back to the default,
 * and ignores SIGPIPE (write errors are handled where they happen). Saves
 * what it changed in env. Fills *sigfd_mask with the signals to read
 * through a signalfd. Never fails.
 */
void command_take_signals(struct command_env *env, sigset_t *sigfd_mask);

/*
 * Raises the soft open-file limit to the hard one, as BPF tools raise the
 * memlock limit: ior needs an fd per ring buffer and map, and a limit of a
 * few dozen would refuse its programs. Saves the inherited limit in env
 * for COMMAND. Returns the soft limit now in force (0 if unknown).
 */
unsigned long command_raise_nofile(struct command_env *env);

/* Finds COMMAND like execvp would; fills buf. 0, or -errno. */
int command_resolve(const char *cmd, char *buf, size_t cap);

/*
 * A started COMMAND. pid > 0 once forked; status is its exit status (or
 * 128 + signal) once reaped, -1 while it runs.
 */
struct command {
	pid_t pid;
	int status;
	int ready_fd;  /* read end: COMMAND has done its own set-up */
	int status_fd; /* read end, close-on-exec: errno of a failed exec */
};

/*
 * Forks COMMAND and lets it prepare (standard streams to /dev/null when
 * quiet, for the dashboard) while it is not traced yet; it then waits for
 * command_go. It is killed should ior die before that, and never after:
 * once COMMAND runs, ior's end does not end it. 0, or -errno.
 */
int command_fork(struct command *cmd, const char *path, char **argv,
		 const struct command_env *env, bool quiet);

/* Waits until the forked COMMAND is ready to be traced. 0, or -errno. */
int command_wait_ready(struct command *cmd);

/*
 * Lets COMMAND exec, and waits until it has (0) or failed to (its errno).
 * A signal for ior (readable on sigfd) ends the wait early with 0.
 */
int command_go(struct command *cmd, int sigfd);

/* Reaps COMMAND if it has ended (sets status); true once it has. */
bool command_reap(struct command *cmd);

/* True when COMMAND is running and ignores sig (SIG_IGN), so passing sig on does nothing. */
bool command_ignores(const struct command *cmd, int sig);

/* Kills and reaps a COMMAND that has not exec'd; closes the pipes. */
void command_abort(struct command *cmd);

/* Closes the pipes (COMMAND itself is left as it is). */
void command_close(struct command *cmd);

#endif
