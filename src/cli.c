// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing. Options are a table: name, whether a value follows,
 * and a setter; "-opt", "--opt", "-opt=value" and "--opt value" all work.
 * Cross-option rules (conflicting modes, filters a mode refuses) are
 * checked once everything is parsed.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "pathutil.h"
#include "util.h"

struct opt {
	const char *name;
	bool takes_value;
	int (*set)(struct cli *c, const char *value, char *err, size_t errlen);
};

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int set_mode(struct cli *c, enum cli_mode mode, const char *flag, char *err, size_t errlen)
{
	static const char *const names[] = {
		[CLI_PLAIN] = "-plain",		[CLI_FLAMEGRAPH] = "-flamegraph",
		[CLI_PARQUET] = "-parquet",	[CLI_VIEW] = "-view",
		[CLI_FOLDED] = "-folded",	[CLI_TESTFLAMES] = "--testflames",
		[CLI_TESTLIVEFLAMES] = "--testliveflames",
	};

	if (c->mode != CLI_TUI && c->mode != mode)
		return fail(err, errlen, "%s cannot be combined with %s", flag, names[c->mode]);
	c->mode = mode;
	return 0;
}

static int id_value(const char *flag, const char *v, uint32_t *out, char *err, size_t errlen)
{
	long n;

	if (util_parse_long(v, 1, 0x3fffffff, &n))
		return fail(err, errlen, "%s needs a positive process or thread id, not '%s'", flag, v);
	*out = (uint32_t)n;
	return 0;
}

static int o_plain(struct cli *c, const char *v, char *e, size_t n)
{
	(void)v;
	return set_mode(c, CLI_PLAIN, "-plain", e, n);
}

static int o_flamegraph(struct cli *c, const char *v, char *e, size_t n)
{
	(void)v;
	return set_mode(c, CLI_FLAMEGRAPH, "-flamegraph", e, n);
}

static int o_testflames(struct cli *c, const char *v, char *e, size_t n)
{
	(void)v;
	return set_mode(c, CLI_TESTFLAMES, "--testflames", e, n);
}

static int o_testliveflames(struct cli *c, const char *v, char *e, size_t n)
{
	(void)v;
	return set_mode(c, CLI_TESTLIVEFLAMES, "--testliveflames", e, n);
}

static int file_mode(struct cli *c, enum cli_mode mode, const char *flag, const char *v, char *e,
		     size_t n)
{
	if (!*v)
		return fail(e, n, "%s needs a file name", flag);
	if (set_mode(c, mode, flag, e, n))
		return -EINVAL;
	c->file = v;
	return 0;
}

static int o_parquet(struct cli *c, const char *v, char *e, size_t n)
{
	return file_mode(c, CLI_PARQUET, "-parquet", v, e, n);
}

static int o_view(struct cli *c, const char *v, char *e, size_t n)
{
	return file_mode(c, CLI_VIEW, "-view", v, e, n);
}

static int o_folded(struct cli *c, const char *v, char *e, size_t n)
{
	return file_mode(c, CLI_FOLDED, "-folded", v, e, n);
}

static int o_name(struct cli *c, const char *v, char *e, size_t n)
{
	if (!*v)
		return fail(e, n, "-name needs a name");
	c->name = v;
	return 0;
}

static int o_svg(struct cli *c, const char *v, char *e, size_t n)
{
	if (!*v)
		return fail(e, n, "-svg needs a file name");
	c->svg = v;
	return 0;
}

static int o_pid(struct cli *c, const char *v, char *e, size_t n)
{
	return id_value("-pid", v, &c->pid, e, n);
}

static int o_tid(struct cli *c, const char *v, char *e, size_t n)
{
	return id_value("-tid", v, &c->tid, e, n);
}

static int o_comm(struct cli *c, const char *v, char *e, size_t n)
{
	size_t len = strlen(v);

	if (len == 0 || len > 15)
		return fail(e, n, "-comm needs a task name of 1 to 15 bytes, not '%s'", v);
	c->comm = v;
	return 0;
}

/*
 * -path DIR: made absolute against ior's working directory and normalised
 * lexically (as ior reports paths), so that it compares with reported
 * paths component by component.
 */
static int o_path(struct cli *c, const char *v, char *e, size_t n)
{
	char cwd[PATH_MAX];

	if (!*v)
		return fail(e, n, "-path needs a directory or file name");
	if (v[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return fail(e, n, "-path '%s': cannot read the working directory to make it absolute "
				  "(%s); give an absolute path", v, strerror(errno));
	if (path_join(c->path_abs, sizeof(c->path_abs), v[0] == '/' ? NULL : cwd, v) < 0)
		return fail(e, n, "-path '%s' is longer than %zu bytes once made absolute", v,
			    sizeof(c->path_abs) - 1);
	c->path = c->path_abs;
	return 0;
}

static int o_duration(struct cli *c, const char *v, char *e, size_t n)
{
	int err = util_parse_seconds(v, &c->duration_ns);

	if (err == -ERANGE)
		return fail(e, n, "-duration is at most %llu seconds (ten years), not '%s'",
			    (unsigned long long)UTIL_SECONDS_MAX, v);
	if (err)
		return fail(e, n, "-duration needs a number of seconds (like 10 or 0.5), not '%s'", v);
	/* 0 would mean "no deadline": a run the user asked to be short would never end */
	if (c->duration_ns == 0)
		return fail(e, n, "-duration needs more than 0 seconds, not '%s'", v);
	return 0;
}

static int list_has(const char *const *list, const char *word, size_t len)
{
	for (; *list; list++)
		if (strlen(*list) == len && strncmp(*list, word, len) == 0)
			return 1;
	return 0;
}

static int o_fields(struct cli *c, const char *v, char *e, size_t n)
{
	static const char *const known[] = { "comm", "pid", "tid", "path", "tracepoint", "flags", NULL };
	const char *p = v;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (!list_has(known, p, len))
			return fail(e, n, "-fields: unknown field '%.*s' (use comm, pid, tid, path, "
					  "tracepoint, flags)", (int)len, p);
		for (const char *q = v; q < p;) {
			const char *qend = strchr(q, ',');

			if ((size_t)(qend - q) == len && !strncmp(q, p, len))
				return fail(e, n, "-fields: '%.*s' appears twice; give each field once",
					    (int)len, p);
			q = qend + 1;
		}
		if (!end)
			break;
		p = end + 1;
	}
	c->fields = v;
	return 0;
}

static int o_count(struct cli *c, const char *v, char *e, size_t n)
{
	static const char *const known[] = { "count", "duration", "durationToPrev", "bytes", NULL };

	if (!list_has(known, v, strlen(v)))
		return fail(e, n, "-count: unknown metric '%s' (use count, duration, durationToPrev, "
				  "bytes)", v);
	c->count = v;
	return 0;
}

static int o_ringbuf(struct cli *c, const char *v, char *e, size_t n)
{
	long mib;

	if (util_parse_long(v, 1, 1024, &mib) || (mib & (mib - 1)))
		return fail(e, n, "-ringbuf needs a power of two of MiB from 1 to 1024, not '%s'", v);
	c->ringbuf_bytes = (uint32_t)mib << 20;
	return 0;
}

static int o_stream_cap(struct cli *c, const char *v, char *e, size_t n)
{
	long rows;

	/* the ring takes about 224 bytes a row (docs/dashboard.md), twice that while paused */
	if (util_parse_long(v, 100, 2000000, &rows))
		return fail(e, n, "-stream-cap needs a number of rows from 100 to 2000000, not '%s'", v);
	c->stream_cap = (uint32_t)rows;
	return 0;
}

static int o_help(struct cli *c, const char *v, char *e, size_t n)
{
	(void)v, (void)e, (void)n;
	c->help = true;
	return 0;
}

static int o_version(struct cli *c, const char *v, char *e, size_t n)
{
	(void)v, (void)e, (void)n;
	c->version = true;
	return 0;
}

static const struct opt opts[] = {
	{ "plain", false, o_plain },
	{ "flamegraph", false, o_flamegraph },
	{ "name", true, o_name },
	{ "parquet", true, o_parquet },
	{ "view", true, o_view },
	{ "folded", true, o_folded },
	{ "svg", true, o_svg },
	{ "testflames", false, o_testflames },
	{ "testliveflames", false, o_testliveflames },
	{ "pid", true, o_pid },
	{ "tid", true, o_tid },
	{ "comm", true, o_comm },
	{ "path", true, o_path },
	{ "duration", true, o_duration },
	{ "fields", true, o_fields },
	{ "count", true, o_count },
	{ "ringbuf", true, o_ringbuf },
	{ "stream-cap", true, o_stream_cap },
	{ "h", false, o_help },
	{ "help", false, o_help },
	{ "version", false, o_version },
};

static const struct opt *opt_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static int check_rules(struct cli *c, char *err, size_t errlen)
{
	bool live = c->mode == CLI_TUI || c->mode == CLI_PLAIN || c->mode == CLI_FLAMEGRAPH ||
		    c->mode == CLI_PARQUET;

	if (c->mode == CLI_FLAMEGRAPH && !c->name)
		return fail(err, errlen, "-flamegraph needs -name NAME (the output is NAME.ior.zst)");
	if (c->name && c->mode != CLI_FLAMEGRAPH)
		return fail(err, errlen, "-name only goes with -flamegraph");
	if (c->stream_cap && c->mode != CLI_TUI && c->mode != CLI_VIEW)
		return fail(err, errlen, "-stream-cap only goes with the dashboard (no mode flag, or "
					 "-view)");
	if (c->svg && c->mode != CLI_FOLDED)
		return fail(err, errlen, "-svg only goes with -folded FILE");
	if (c->mode == CLI_PARQUET && (!strcmp(c->file, "-") || util_is_stream(c->file)))
		return fail(err, errlen, "-parquet needs a regular file, not '%s': a Parquet file is "
					 "completed by rewriting its end as it grows, which a pipe or terminal "
					 "cannot take (record to a file, then read it)", c->file);
	if (c->mode == CLI_PARQUET && (c->comm || c->path || c->pid || c->tid))
		return fail(err, errlen, "-parquet records every row and refuses the filters -comm, "
					 "-path, -pid and -tid");
	if (!live && c->cmd)
		return fail(err, errlen, "a COMMAND after -- only goes with tracing modes");
	if (!live && (c->pid || c->tid || c->comm || c->duration_ns))
		return fail(err, errlen, "-pid, -tid, -comm and -duration only go with tracing modes");
	if (c->cmd && (c->pid || c->tid))
		return fail(err, errlen, "-pid and -tid cannot be combined with -- COMMAND (ior traces "
					 "the command and its descendants)");
	if (c->pid && kill((pid_t)c->pid, 0) && errno == ESRCH)
		return fail(err, errlen, "-pid %u: no such process", c->pid);
	if (c->tid) {
		char proc[64];
		struct stat st;

		snprintf(proc, sizeof(proc), "/proc/%u", c->tid);
		if (stat(proc, &st))
			return fail(err, errlen, "-tid %u: no such thread", c->tid);
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->fields = "comm,path,tracepoint";
	c->count = "count";
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *name, *eq, *value = NULL;
		const struct opt *o;
		size_t len;

		if (strcmp(arg, "--") == 0) {
			if (i + 1 >= argc)
				return fail(err, errlen, "-- must be followed by a COMMAND to run");
			c->cmd = &argv[i + 1];
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			return fail(err, errlen, "unexpected argument '%s' (a COMMAND goes after --)", arg);
		name = arg + (arg[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = opt_find(name, len);
		if (!o)
			return fail(err, errlen, "unknown option '%s' (see ior -help)", arg);
		if (o->takes_value) {
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return fail(err, errlen, "%s needs a value", arg);
		} else if (eq) {
			return fail(err, errlen, "%.*s takes no value", (int)(eq - arg), arg);
		}
		if (o->set(c, value, err, errlen))
			return -EINVAL;
	}
	if (c->help || c->version)
		return 0;
	return check_rules(c, err, errlen);
}

/* Is a thread of process pid (a /proc entry's name) named name? */
static bool comm_in_process(const char *pid, const char *name)
{
	char path[300], comm[32];
	struct dirent *de;
	bool found = false;
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%s/task", pid);
	tasks = opendir(path);
	if (!tasks)
		return false;
	while (!found && (de = readdir(tasks))) {
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task/%s/comm", pid, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			found = strcmp(comm, name) == 0;
		}
		fclose(f);
	}
	closedir(tasks);
	return found;
}

int cli_comm_running(const char *name)
{
	struct dirent *de;
	bool found = false;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -errno;
	while (!found && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == (long)getpid())
			continue;
		found = comm_in_process(de->d_name, name);
	}
	closedir(proc);
	return found;
}

void cli_usage(void)
{
	fputs("usage: ior [OPTIONS] [-- COMMAND [ARG...]]\n"
	      "Traces file-I/O syscalls with BPF: which process, which file, which syscall\n"
	      "spends the time, inside each syscall (latency) and between them (gap).\n"
	      "\n"
	      "Modes:\n"
	      "  (none)                 live dashboard\n"
	      "  -plain                 one line per completed syscall on stdout\n"
	      "  -flamegraph -name N    aggregate and write N.ior.zst when the run ends\n"
	      "  -parquet FILE          stream one row per syscall into FILE\n"
	      "  -view FILE             dashboard over a recorded .ior.zst or .parquet\n"
	      "  -folded FILE [-svg OUT] folded stacks (or an SVG flamegraph) from a .ior.zst\n"
	      "  --testflames, --testliveflames   dashboard flamegraph on synthetic data\n"
	      "Scope and filters:\n"
	      "  -pid P  -tid T  -comm NAME   trace one process, thread or task name (in the kernel)\n"
	      "  -path DIR              keep syscalls on DIR or on files under it (made absolute)\n"
	      "  -duration SECONDS      stop after SECONDS (default: Ctrl-C or COMMAND exit)\n"
	      "  -- COMMAND ARG...      run COMMAND, trace it and its descendants, exit with its status\n"
	      "Flamegraphs:\n"
	      "  -fields LIST           stack order, default comm,path,tracepoint\n"
	      "  -count METRIC          count | duration | durationToPrev | bytes\n"
	      "Tuning:\n"
	      "  -ringbuf MIB           event ring buffers' total, a power of two (default 32,\n"
	      "                         -flamegraph 16), shared out between the CPUs\n"
	      "  -stream-cap ROWS       rows the dashboard's Stream tab keeps (default 100000)\n"
	      "Other:\n"
	      "  -h, -help              this help\n"
	      "  -version               ior's version and the git commit it was built from\n"
	      "Every option may be spelt -opt or --opt, with its value after a space or '='.\n",
	      stdout);
}
