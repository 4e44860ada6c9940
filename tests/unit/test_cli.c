// SPDX-License-Identifier: GPL-2.0
/* Unit tests for cli.c: spellings, strict values, conflicts and their messages. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "harness.h"

/* argv arrays of string literals, as a shell would pass (never written to) */
#pragma GCC diagnostic ignored "-Wdiscarded-qualifiers"
#define ARGV(...) ((char *[]){ "ior", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "ior", __VA_ARGS__ }) / sizeof(char *)))

static char err[512];

static int parse(int argc, char **argv, struct cli *c)
{
	err[0] = '\0';
	return cli_parse(argc, argv, c, err, sizeof(err));
}

#define PARSE(c, ...) parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (c))

TEST(cli_spellings)
{
	struct cli c;

	CHECK_EQ_INT(PARSE(&c, "-plain", "-duration", "2.5"), 0);
	CHECK_EQ_INT(c.mode, CLI_PLAIN);
	CHECK_EQ_UINT(c.duration_ns, 2500000000ull);
	CHECK_EQ_INT(PARSE(&c, "--plain", "--duration=7", "--comm=nginx", "-path", "/var"), 0);
	CHECK_EQ_UINT(c.duration_ns, 7000000000ull);
	CHECK_EQ_STR(c.comm, "nginx");
	CHECK_EQ_STR(c.path, "/var");
	CHECK_EQ_INT(PARSE(&c, "-plain", "-path", "//var/./log/../lib/"), 0);
	CHECK_EQ_STR(c.path, "/var/lib");
	CHECK_EQ_STR(c.fields, "comm,path,tracepoint");
	CHECK_EQ_STR(c.count, "count");
	CHECK_EQ_INT(PARSE(&c, "-ringbuf", "64"), 0);
	CHECK_EQ_UINT(c.ringbuf_bytes, 64u << 20);
	CHECK_EQ_INT(c.mode, CLI_TUI);
}

TEST(cli_command_after_double_dash)
{
	char *argv[] = { "ior", "-plain", "--", "sh", "-c", "exit 3", NULL };
	struct cli c;

	/* c.cmd points into argv: keep the array alive while checking it */
	CHECK_EQ_INT(parse(6, argv, &c), 0);
	CHECK(c.cmd == &argv[3]);
	CHECK_EQ_STR(c.cmd[0], "sh");
	CHECK_EQ_STR(c.cmd[1], "-c");
	CHECK_EQ_STR(c.cmd[2], "exit 3");
	CHECK(c.cmd[3] == NULL);
	CHECK_EQ_INT(PARSE(&c, "-plain", "--"), -22);
	CHECK_EQ_STR(err, "-- must be followed by a COMMAND to run");
}

TEST(cli_bad_values)
{
	struct cli c;

	CHECK_EQ_INT(PARSE(&c, "-plain", "-duration", "abc"), -22);
	CHECK_EQ_STR(err, "-duration needs a number of seconds (like 10 or 0.5), not 'abc'");
	CHECK_EQ_INT(PARSE(&c, "-duration", "-1"), -22);
	CHECK_EQ_INT(PARSE(&c, "-duration", "5s"), -22);
	CHECK_EQ_INT(PARSE(&c, "-plain", "-duration", "0"), -22);
	CHECK_EQ_STR(err, "-duration needs more than 0 seconds, not '0'");
	CHECK_EQ_INT(PARSE(&c, "-plain", "-duration", "0.0000000001"), -22);
	CHECK_EQ_INT(PARSE(&c, "-pid", "0"), -22);
	CHECK_EQ_STR(err, "-pid needs a positive process or thread id, not '0'");
	CHECK_EQ_INT(PARSE(&c, "-pid", "12abc"), -22);
	CHECK_EQ_INT(PARSE(&c, "-comm", "a-name-longer-than-15"), -22);
	CHECK_EQ_INT(PARSE(&c, "-ringbuf", "3"), -22);
	CHECK_EQ_INT(PARSE(&c, "-fields", "comm,bogus"), -22);
	CHECK_EQ_STR(err, "-fields: unknown field 'bogus' (use comm, pid, tid, path, tracepoint, flags)");
	CHECK_EQ_INT(PARSE(&c, "-count", "latency"), -22);
	CHECK_EQ_INT(PARSE(&c, "-nope"), -22);
	CHECK_EQ_STR(err, "unknown option '-nope' (see ior -help)");
	CHECK_EQ_INT(PARSE(&c, "-duration"), -22);
	CHECK_EQ_STR(err, "-duration needs a value");
	CHECK_EQ_INT(PARSE(&c, "-plain=1"), -22);
	CHECK_EQ_INT(PARSE(&c, "stray"), -22);
}

TEST(cli_conflicts)
{
	struct cli c;

	CHECK_EQ_INT(PARSE(&c, "-plain", "-parquet", "x.parquet"), -22);
	CHECK_EQ_STR(err, "-parquet cannot be combined with -plain");
	CHECK_EQ_INT(PARSE(&c, "-parquet", "x.parquet", "-comm", "a"), -22);
	CHECK_EQ_INT(PARSE(&c, "-flamegraph"), -22);
	CHECK_EQ_STR(err, "-flamegraph needs -name NAME (the output is NAME.ior.zst)");
	CHECK_EQ_INT(PARSE(&c, "-plain", "-name", "x"), -22);
	CHECK_EQ_INT(PARSE(&c, "--testflames", "-plain"), -22);
	CHECK_EQ_INT(PARSE(&c, "-view", "x.parquet", "--", "ls"), -22);
	CHECK_EQ_INT(PARSE(&c, "-plain", "-pid", "1", "--", "ls"), -22);
	CHECK_EQ_INT(PARSE(&c, "-flamegraph", "-name", "run"), 0);
	CHECK_EQ_STR(c.name, "run");
}

TEST(cli_pid_must_exist)
{
	struct cli c;
	char self[32];

	snprintf(self, sizeof(self), "%d", (int)getpid());
	CHECK_EQ_INT(PARSE(&c, "-plain", "-pid", self), 0);
	CHECK_EQ_UINT(c.pid, (unsigned)getpid());
	/* pid_max is at most 2^22: this id cannot exist */
	CHECK_EQ_INT(PARSE(&c, "-plain", "-pid", "1000000000"), -22);
	CHECK_EQ_STR(err, "-pid 1000000000: no such process");
	CHECK_EQ_INT(PARSE(&c, "-plain", "-tid", "1000000000"), -22);
	CHECK_EQ_STR(err, "-tid 1000000000: no such thread");
}

TEST(cli_path_made_absolute)
{
	char cwd[PATH_MAX], want[PATH_MAX + 8];
	struct cli c;

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(want, sizeof(want), "%s/b", strcmp(cwd, "/") ? cwd : "");
	CHECK_EQ_INT(PARSE(&c, "-plain", "-path", "a/../b/."), 0);
	CHECK_EQ_STR(c.path, want);
	CHECK_EQ_INT(PARSE(&c, "-plain", "-path", ""), -EINVAL);
}

TEST(cli_comm_running_finds_threads)
{
	int ready[2], found, prefix;
	ssize_t got;
	char c;
	pid_t child;

	CHECK_EQ_INT(cli_comm_running("iorNoSuchTask"), 0);
	/* the caller's own tasks do not count */
	CHECK_EQ_INT(prctl(PR_SET_NAME, "iorUnitSelf", 0, 0, 0), 0);
	CHECK_EQ_INT(cli_comm_running("iorUnitSelf"), 0);
	CHECK_EQ_INT(pipe(ready), 0);
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		prctl(PR_SET_NAME, "iorUnitChild", 0, 0, 0);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	got = read(ready[0], &c, 1);
	close(ready[0]);
	found = cli_comm_running("iorUnitChild");
	prefix = cli_comm_running("iorUnitChil");
	/* the child goes before any check can return */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	CHECK_EQ_INT(got, 1);
	CHECK_EQ_INT(found, 1);
	CHECK_EQ_INT(prefix, 0);
}
