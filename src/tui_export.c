// SPDX-License-Identifier: GPL-2.0
/*
 * CSV export from the dashboard: e (any tab) writes the ring's rows that
 * pass the shared filter now; x and X (Stream tab) write the paused view's
 * rows as they are listed; E opens the last file written in an editor.
 * Files are created new (O_EXCL | O_NOFOLLOW, 0600, handed to the sudo
 * user), never over an existing one. Strings are mapped to UTF-8 the way
 * the Parquet files map them (parquet_escape: valid UTF-8 as it is, a
 * backslash doubled, any other byte as \xHH), so every export is valid
 * UTF-8 and the original bytes can be restored.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "parquet.h"
#include "syscalls.h"
#include "tui_stream.h"
#include "util.h"

static const char *const header[] = {
	"time", "time_ns", "comm", "pid", "tid", "syscall", "fd", "path", "path2", "flags",
	"ret", "bytes", "latency_ns", "gap_ns",
};

void tui_export_header(struct csv_writer *w)
{
	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		csv_field_str(w, header[i]);
	csv_end_row(w);
}

/* A string field in the Parquet files' mapping (always valid UTF-8). */
static void field_mapped(struct csv_writer *w, const char *s)
{
	static char *buf;
	static size_t cap;
	size_t len;
	long n;

	if (!s) {
		csv_field(w, NULL, 0);
		return;
	}
	len = strlen(s);
	if (cap < 4 * len + 1) {
		char *nb = realloc(buf, 4 * len + 1);

		if (!nb) {
			csv_field(w, "?", 1);
			return;
		}
		buf = nb;
		cap = 4 * len + 1;
	}
	n = parquet_escape(buf, cap, s, len);
	csv_field(w, buf, n < 0 ? 0 : (size_t)n);
}

/* Local ISO 8601 with nanoseconds and the UTC offset; localtime once a second. */
static void fmt_time(char *buf, size_t n, uint64_t ns)
{
	static time_t cached = (time_t)-1;
	static char prefix[40], zone[8];
	time_t sec = (time_t)(ns / 1000000000u);

	if (sec != cached) {
		struct tm tm;
		long off;

		localtime_r(&sec, &tm);
		strftime(prefix, sizeof(prefix), "%Y-%m-%dT%H:%M:%S", &tm);
		off = tm.tm_gmtoff;
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
			 (off < 0 ? -off : off) / 3600 % 100, (off < 0 ? -off : off) / 60 % 60);
		cached = sec;
	}
	snprintf(buf, n, "%s.%09u%s", prefix, (unsigned)(ns % 1000000000u), zone);
}

void tui_export_record(struct csv_writer *w, const struct ior_event *ev)
{
	char t[64];

	fmt_time(t, sizeof(t), ev->time_ns);
	csv_field_str(w, t);
	csv_field_u64(w, ev->time_ns);
	field_mapped(w, ev->comm);
	csv_field_u64(w, ev->pid);
	csv_field_u64(w, ev->tid);
	csv_field_str(w, ev->sc >= 0 && ev->sc < IOR_SC_COUNT ? ior_syscalls[ev->sc].name : "");
	if (ev->has_fd)
		csv_field_i64(w, ev->fd);
	else
		csv_field(w, NULL, 0);
	field_mapped(w, ev->path);
	field_mapped(w, ev->path2);
	if (ev->has_flags)
		csv_field_i64(w, ev->flags);
	else
		csv_field(w, NULL, 0);
	csv_field_i64(w, ev->ret);
	csv_field_u64(w, ev->bytes);
	csv_field_u64(w, ev->duration_ns);
	csv_field_u64(w, ev->gap_ns);
	csv_end_row(w);
}

/* Creates name, or the first free ior-stream-<timestamp>[-N].csv when name is NULL. */
static int create(const char *name, char *path, size_t cap, struct csv_writer **w)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;
	int e;

	if (name) {
		snprintf(path, cap, "%s", name);
		return csv_writer_create(path, w);
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "ior-stream-%Y%m%d-%H%M%S", &tm);
	for (int i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(path, cap, "%s.csv", stamp);
		else
			snprintf(path, cap, "%s-%d.csv", stamp, i);
		e = csv_writer_create(path, w);
		if (e != -EEXIST)
			return e;
	}
	return -EEXIST;
}

int tui_export_rows(struct tui *ui, const char *name, const struct stream_ring *r,
		    const uint32_t *idx, size_t n, const struct stream_filters *fs, char *err,
		    size_t errlen)
{
	struct tui_stream *s = ui->stream;
	struct csv_writer *w = NULL;
	char path[1024];
	uint64_t rows;
	int e;

	if (name && !*name) {
		snprintf(err, errlen, "type a file name");
		return -EINVAL;
	}
	e = create(name, path, sizeof(path), &w);
	if (e) {
		snprintf(err, errlen, "CSV export: cannot create %s: %s%s", path, strerror(-e),
			 e == -EEXIST ? " (ior never overwrites a file)" : "");
		tui_message(ui, true, "%s", err);
		return e;
	}
	tui_export_header(w);
	for (size_t i = 0; i < n && !csv_writer_error(w); i++) {
		struct ior_event ev;

		if (!stream_ring_get(r, stream_ring_first(r) + (idx ? idx[i] : (uint64_t)i), &ev))
			continue;
		if (fs && !stream_filters_match(fs, &ev))
			continue;
		tui_export_record(w, &ev);
	}
	rows = csv_writer_rows(w) - 1;
	e = csv_writer_close(w);
	if (e) {
		unlink(path);
		snprintf(err, errlen, "CSV export to %s failed: %s (the file was removed)", path,
			 strerror(-e));
		tui_message(ui, true, "%s", err);
		return e;
	}
	util_give_to_sudo_user(path);
	if (s)
		snprintf(s->last_export, sizeof(s->last_export), "%s", path);
	tui_message(ui, false, "exported %llu rows to %s (E opens it)", (unsigned long long)rows,
		    path);
	return 0;
}

unsigned tui_stream_export_key(struct tui *ui, int key)
{
	struct tui_stream *s = ui->stream;
	char err[TUI_MSG_MAX];

	(void)key;
	if (!s) {
		tui_message(ui, true, "e: out of memory for the stream");
		return TUI_REDRAW;
	}
	if (!tui_stream_has_rows(ui, "CSV export"))
		return TUI_REDRAW;
	tui_export_rows(ui, NULL, s->ring, NULL, stream_ring_count(s->ring), &s->filters, err,
			sizeof(err));
	return TUI_REDRAW;
}

/* The editor the seed names: EDITOR, VISUAL, SUDO_EDITOR, else hx if installed, else vi. */
static const char *pick_editor(bool *shell)
{
	static const char *const vars[] = { "EDITOR", "VISUAL", "SUDO_EDITOR" };
	const char *path = getenv("PATH");

	*shell = true;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	*shell = false;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char buf[4096];

		if (len && snprintf(buf, sizeof(buf), "%.*s/hx", (int)len, p) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return "hx";
		if (!end)
			break;
		p = end + 1;
	}
	return "vi";
}

static void child_exec(const char *editor, bool shell, const char *file, bool own_pgrp)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGPIPE,
				    SIGTERM, SIGHUP };
	pid_t parent = getpgrp();
	sigset_t none;

	if (own_pgrp) {
		/* the editor gets the terminal in its own process group: its ctrl+c is its own */
		setpgid(0, 0);
		signal(SIGTTOU, SIG_IGN);
		if (tcsetpgrp(STDIN_FILENO, getpid()) < 0)
			setpgid(0, parent); /* stay in the foreground group rather than be stopped */
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (shell) {
		char cmd[4200];

		/* the variable may hold arguments ("code -w"): the shell splits it; the file is $1 */
		snprintf(cmd, sizeof(cmd), "%s \"$1\"", editor);
		execl("/bin/sh", "sh", "-c", cmd, "ior-editor", file, (char *)NULL);
	} else {
		execlp(editor, editor, file, (char *)NULL);
	}
	_exit(127);
}

unsigned tui_export_edit(struct tui *ui)
{
	struct tui_stream *s = ui->stream;
	const char *editor;
	sigset_t ttou, old;
	bool shell, own_pgrp;
	pid_t pid;
	int status = 0;

	if (!s || !s->last_export[0]) {
		tui_message(ui, true, "E: nothing exported yet (x, X or e write a CSV first)");
		return TUI_REDRAW;
	}
	editor = pick_editor(&shell);
	own_pgrp = tcgetpgrp(STDIN_FILENO) == getpgrp();
	def_prog_mode();
	endwin();
	pid = fork();
	if (pid == 0)
		child_exec(editor, shell, s->last_export, own_pgrp);
	if (pid > 0) {
		if (own_pgrp)
			setpgid(pid, pid);
		for (;;) {
			pid_t k = waitpid(pid, &status, WUNTRACED);

			if (k < 0 && errno == EINTR)
				continue;
			if (k == pid && WIFSTOPPED(status)) {
				kill(pid, SIGCONT); /* ctrl+z has no shell to go back to here */
				continue;
			}
			break;
		}
	}
	if (own_pgrp) {
		/* take the terminal back (from the background: SIGTTOU would stop us) */
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_BLOCK, &ttou, &old);
		tcsetpgrp(STDIN_FILENO, getpgrp());
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	flushinp();
	if (pid < 0)
		tui_message(ui, true, "E: cannot start %s: %s", editor, strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		tui_message(ui, true, "E: cannot run the editor '%s' (set EDITOR)", editor);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		tui_message(ui, true, "E: the editor '%s' ended with status %d", editor,
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	else
		tui_message(ui, false, "back from %s %s", editor, s->last_export);
	return TUI_LAYOUT | TUI_RESCAN;
}
