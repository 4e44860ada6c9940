#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""End-to-end tests of the dashboard's Stream tab, driven in tmux.

The real ./ior runs in a detached tmux pane (200x50) over the scripted
workload tests/tui/iortui.c (each phase, released by SIGUSR1: 2 openat in the
first, then 20 one-byte writes to DIR/file and 10 3-byte pwrite64 to
DIR/other). DIR's name holds a comma, a double quote and a newline, so every
path does. Checked, as a user sees them: live rows, pause, filters pushed
with enter on a cell (breadcrumb, matching rows only, the other tabs
filtered too), esc, c, f, / ? n N search with wrap-around, x and X CSV
exports compared row by row with the paused view (parsed with Python's csv
module), e from another tab, E with $EDITOR, R recording checked with DuckDB
(tests/parquet/dump.mjs), and the recording's stops (R, re-scoping, quit).
The same keys are then run against `-view trace.parquet` (a headless
-parquet recording of the workload) when this build reads Parquet files,
and against an aggregated .ior.zst, which has no rows.

Needs root and BPF, like tests/tui/run.py. Environment: IOR (default
./ior), BUILD (default build), CC (default cc). Ends with
"tui-stream: N passed, N failed, N skipped of N registered"; exit status 0
only when every registered check ran and passed.
"""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tuilib  # noqa: E402
from tuilib import Pane, check, expect, tmux  # noqa: E402,F401


IOR = os.path.abspath(os.environ.get("IOR", "./ior"))
BUILD = os.environ.get("BUILD", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
tuilib.configure("ior-stream-e2e-%d" % os.getpid(), "STREAMTEST$ ")
ODD = 'ior-stream-a,b"c\nd-'   # a comma, a quote and a newline in every path



def build_workload():
    src = os.path.join(HERE, "iortui.c")
    out = os.path.join(BUILD, "tui", "iortui")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-o", out, src], check=True)
    return os.path.abspath(out)


def shown(path):
    """A path as the dashboard draws it (util_escape: \\" and \\n)."""
    return path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


COLS = ["TIME", "COMM", "PID", "TID", "SYSCALL", "FD", "FILE", "RET", "BYTES", "LATENCY", "GAP"]


def stream_rows(screen):
    """The Stream tab's rows on screen, as dicts by column title (200 wide: every column)."""
    lines = screen.split("\n")
    for i, line in enumerate(lines):
        if re.match(r"^TIME\s+COMM\s+PID\s+TID\s+SYSCALL\s+FD FILE\s+RET\s+BYTES\s+LATENCY\s+GAP",
                    line):
            break
    else:
        raise AssertionError("no Stream header on the screen:\n" + screen)
    rows = []
    for line in lines[i + 1:-1]:
        if not re.match(r"^\d\d:\d\d:\d\d\.\d{6} ", line):
            break
        # TIME COMM PID TID SYSCALL FD FILE ... RET BYTES LATENCY GAP (the file may hold blanks)
        m = re.match(r"^(\S+) (.{15}) +(\d+) +(\d+) (\S+) +(-|-?\d+) (.*?) +(-?\d+\S*) +(\d+) +(\S+) +(\S+)$",
                     line.rstrip())
        expect(m is not None, "a Stream row: %r" % line, screen)
        rows.append(dict(zip(COLS, [m.group(1), m.group(2).strip()] + list(m.groups()[2:]))))
    return rows


def status(screen):
    for line in screen.split("\n"):
        if " PAUSED " in line or " LIVE " in line or " ROWS " in line:
            return line
    return ""


def footer(screen):
    lines = screen.rstrip("\n").split("\n")
    return lines[-1] if lines else ""


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    expect(rows and rows[0] == ["time", "time_ns", "comm", "pid", "tid", "syscall", "fd", "path",
                                "path2", "flags", "ret", "bytes", "latency_ns", "gap_ns"],
           "CSV header: %r" % (rows[:1],))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def parquet_rows(path):
    r = subprocess.run(["node", os.path.join(ROOT, "tests", "parquet", "dump.mjs"), path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expect(r.returncode == 0, "DuckDB reads %s: %s" % (path, r.stderr.strip()))
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def parquet_meta(path):
    """The file's key-value metadata, as DuckDB reads it."""
    js = ("import { DuckDBInstance } from '@duckdb/node-api';"
          "const db = await DuckDBInstance.create(':memory:'); const con = await db.connect();"
          "const r = await con.runAndReadAll(`select decode(key) as k, decode(value) as v from "
          "parquet_kv_metadata('${process.argv[1].replace(/'/g, \"''\")}')`);"
          "console.log(JSON.stringify(r.getRowObjectsJson()));")
    r = subprocess.run(["node", "--input-type=module", "-e", js, path], cwd=os.path.join(ROOT, "tests", "parquet"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expect(r.returncode == 0, "DuckDB reads the metadata of %s: %s" % (path, r.stderr.strip()))
    return {x["k"]: x["v"] for x in json.loads(r.stdout)}


def count_value(text):
    """A count as tui_fmt_count shows it ("950", "1.23M") as a number."""
    scale = {"K": 1e3, "M": 1e6, "G": 1e9}
    return float(text[:-1]) * scale[text[-1]] if text[-1] in scale else float(text)


def new_files(d, prefix, before):
    return sorted(f for f in os.listdir(d) if f.startswith(prefix) and f not in before)


def same_as_view(csv_rows, view_rows, screen):
    """x exports what the paused view lists: same rows, same order, same values."""
    expect(len(csv_rows) == len(view_rows),
           "CSV rows %d, view rows %d" % (len(csv_rows), len(view_rows)), screen)
    for c, v in zip(csv_rows, view_rows):
        expect(c["time"][11:26] == v["TIME"], "time %s vs %s" % (c["time"], v["TIME"]), screen)
        for col, key in (("PID", "pid"), ("TID", "tid"), ("SYSCALL", "syscall"), ("RET", "ret"),
                         ("BYTES", "bytes")):
            expect(c[key] == v[col], "%s %r vs %r" % (key, c[key], v[col]), screen)
        expect((c["fd"] or "-") == v["FD"], "fd %r vs %r" % (c["fd"], v["FD"]), screen)


class Workload:
    def __init__(self, binary, nwrites=20, phases=3):
        self.dir = tempfile.mkdtemp(prefix=ODD)
        self.proc = subprocess.Popen([binary, self.dir, str(nwrites), str(phases)])
        self.pid = self.proc.pid

    def release(self):
        os.kill(self.pid, signal.SIGUSR1)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def paused_filter_keys(p, w_pid, other, nrows, label):
    """The keys every row source shares: pause, three filters, pop, clear, search."""
    def pause():
        p.keys("Space")
        s = p.wait_text("PAUSED")
        expect("row %d of %d (of %d in the snapshot" % (nrows, nrows, nrows) in status(s),
               "paused on the tail: " + status(s), s)
        expect("space pauses" not in s and "enter on a cell filters" in s, "paused hint", s)
    check("%s: space pauses on the tail" % label, pause)

    def three_filters():
        p.keys("l", "l", "l")                          # COMM -> PID -> TID -> SYSCALL
        p.wait_text("column SYSCALL")
        p.keys("Enter")                                # the tail row is a pwrite64
        s = p.wait_text("filter: syscall~pwrite64")
        expect("row 10 of 10 " in status(s), "10 pwrite64 rows: " + status(s), s)
        rows = stream_rows(s)
        expect(len(rows) == 10 and all(r["SYSCALL"] == "pwrite64" for r in rows),
               "only pwrite64 rows remain", s)
        p.keys("h", "h", "Enter")                      # PID
        s = p.wait_text("filter: syscall~pwrite64 > pid=%d" % w_pid)
        p.keys("l", "l", "l", "l", "Enter")            # TID SYSCALL FD FILE
        want = 'filter: syscall~pwrite64 > pid=%d > file~"%s"' % (w_pid, shown(other))
        s = p.wait_text(want)
        expect("filter pushed: file~" in footer(s), "footer says so: " + footer(s), s)
        rows = stream_rows(s)
        expect(len(rows) == 10 and all(r["FILE"] == shown(other) for r in rows),
               "10 rows of DIR/other, its comma, quote and newline escaped", s)
    check("%s: enter on a cell pushes filters (breadcrumb, matching rows only)" % label,
          three_filters)

    def flame_follows():
        p.keys("8")
        s = p.wait_text(re.compile(r"total: 10 events"))
        expect("filter: syscall~pwrite64" in s, "the Flame tab shows the filter", s)
        p.keys("6")
        p.wait_text("column FILE")
    check("%s: the Flame tab draws only what the shared filter lets through" % label,
          flame_follows)

    def pop():
        p.keys("Escape")
        s = p.wait_text("filter popped: file~")
        expect("filter: syscall~pwrite64 > pid=%d" % w_pid in s and "> file~" not in s,
               "breadcrumb lost its last filter", s)
        expect(len(stream_rows(s)) == 10, "still 10 rows", s)
    check("%s: esc pops the last filter" % label, pop)

    def clear():
        p.keys("c")
        s = p.wait_text("filters cleared")
        expect("filter: none" in s, "breadcrumb empty", s)
        expect(re.search(r"row \d+ of %d " % nrows, status(s)), "all rows back: " + status(s), s)
        p.keys("8")
        s = p.wait(lambda x: re.search(r"total: (\d+) events", x) and
                   int(re.search(r"total: (\d+) events", x).group(1)) >= nrows, 5,
                   "the Flame tab's full total back")
        p.keys("6")
        p.wait_text("filter: none")
    check("%s: c clears the filters (the Flame tab's full total comes back)" % label, clear)

    def search():
        p.keys("g")
        s = p.wait(lambda x: "row 1 of %d " % nrows in status(x), 5, "row 1")
        p.keys("/")
        p.wait_text("Search forward")
        p.literal("PWRITE")
        p.keys("Enter")
        first_pw = nrows - 9
        s = p.wait(lambda x: "row %d of " % first_pw in status(x), 5, "the first pwrite64")
        expect("column SYSCALL" in status(s), "the match's column selected", s)
        p.keys("n")
        p.wait(lambda x: "row %d of " % (first_pw + 1) in status(x), 5, "n: the next one")
        p.keys("N", "N")
        s = p.wait(lambda x: "row %d of " % nrows in status(x), 5, "N wraps to the bottom")
        expect("search wrapped to the bottom" in footer(s), "footer says it wrapped", s)
        p.keys("?")
        p.wait_text("Search backward")
        p.literal("^openat$")
        p.keys("Enter")
        p.wait(lambda x: "row 2 of " in status(x), 5, "? finds the second openat")
        p.keys("n")
        p.wait(lambda x: "row 1 of " in status(x), 5, "n goes on backward")
        p.keys("n")
        s = p.wait(lambda x: "row 2 of " in status(x), 5, "n wraps around")
        expect("search wrapped to the bottom" in footer(s), "wrapped", s)
        p.keys("/")
        p.literal("(")
        p.keys("Enter")
        p.wait_text("bad regular expression")
        p.keys("Escape")
        p.wait_gone("Search forward")
    check("%s: / ? n N search every column with wrap-around" % label, search)

    def typed_filter():
        p.keys("f")
        p.wait_text("Filter rows")
        p.literal("syscall~pwrite64 bytes>=3 latency>=0 nosuch=1")
        p.keys("Enter")
        s = p.wait_text("unknown field 'nosuch'")
        p.keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
        p.keys("Enter")
        s = p.wait_text("filter: syscall~pwrite64 > bytes>=3 > latency>=0ns")
        expect("row " in status(s) and " of 10 " in status(s), "10 rows: " + status(s), s)
    check("%s: f types filters, a bad one is explained and nothing is pushed" % label,
          typed_filter)


def exports(p, out, other, label):
    """x and X on the paused view (filtered to the 10 pwrite64 rows); E opens the last one."""
    named = "named-%s.csv" % label.strip("-")
    def x_export():
        before = set(os.listdir(out))
        s = p.screen()
        view = stream_rows(s)
        p.keys("x")
        s = p.wait_text("exported 10 rows to ior-stream-")
        files = new_files(out, "ior-stream-", before)
        expect(len(files) == 1, "one new CSV: %r" % files, s)
        path = os.path.join(out, files[0])
        expect(os.stat(path).st_mode & 0o777 == 0o600, "mode 0600")
        rows = read_csv(path)
        same_as_view(rows, view, s)
        expect(all(r["path"] == other and r["path2"] == "" for r in rows),
               "the path's comma, quote and newline survive: %r" % rows[0]["path"])
        expect(all(r["syscall"] == "pwrite64" and r["bytes"] == "3" and r["fd"] == "4"
                   for r in rows), "pwrite64 rows")
        with open(path, "rb") as f:
            raw = f.read()
        expect(raw.count(b"\r\n") == 11, "CRLF records (11), the path's bare LF quoted")
    check("%s: x exports exactly the paused view as RFC 4180 CSV" % label, x_export)

    def x_named():
        view = stream_rows(p.screen())
        p.keys("X")
        p.wait_text("Export the paused rows as CSV")
        p.keys("C-u")
        p.literal(named)
        p.keys("Enter")
        s = p.wait_text("exported 10 rows to " + named)
        same_as_view(read_csv(os.path.join(out, named)), view, s)
        p.keys("X", "C-u")
        p.literal(named)
        p.keys("Enter")
        s = p.wait_text("ior never overwrites a file")
        expect("Export the paused rows" in s, "the prompt stays open", s)
        p.keys("Escape")
        p.wait_gone("Export the paused rows")
        expect(len(read_csv(os.path.join(out, named))) == 10, "named.csv untouched")
    check("%s: X asks for a name and never overwrites" % label, x_named)

    def edit():
        marker = os.path.join(out, "edited.csv")
        if os.path.exists(marker):
            os.unlink(marker)
        p.keys("E")
        s = p.wait_text("back from", 10)
        expect(os.path.exists(marker), "the editor ran on the last export", s)
        with open(marker, "rb") as a, open(os.path.join(out, named), "rb") as b:
            expect(a.read() == b.read(), "it got " + named)
        expect("PAUSED" in s and p.alternate(), "the dashboard is back", s)
    check("%s: E opens the last export in $EDITOR and comes back" % label, edit)


def live_session(binary, out, editor):
    p = Pane("live", 200, 50, out)
    w = Workload(binary)
    d = w.dir
    other = d + "/other"
    try:
        p.run("EDITOR=%s %s -pid %d; echo ior-exit=$?" % (editor, IOR, w.pid))
        p.wait_text("Top syscalls")
        w.release()   # phase 1: 2 openat, 20 write, 10 pwrite64
        p.wait_text(re.compile(r"syscalls 32 "), 10)

        def live():
            p.keys("6")
            s = p.wait_text("32 rows (cap 100,000)  dropped 0")
            expect(" LIVE " in status(s), "live mode: " + status(s), s)
            rows = stream_rows(s)
            expect(len(rows) == 32, "32 rows shown: %d" % len(rows), s)
            expect([r["SYSCALL"] for r in rows] == ["openat"] * 2 + ["write"] * 20 + ["pwrite64"] * 10,
                   "in order, oldest first", s)
            expect(rows[0]["FILE"] == shown(d + "/file") and rows[-1]["FILE"] == shown(other),
                   "paths escaped for the terminal", s)
            expect(all(r["PID"] == str(w.pid) and r["COMM"] == "iortui" for r in rows), "pid, comm", s)
            expect(rows[2]["FD"] == "3" and rows[2]["RET"] == "1" and rows[2]["BYTES"] == "1",
                   "a write's fd, ret, bytes", s)
        check("6: the live stream of rows, oldest first, the cap stated", live)

        paused_filter_keys(p, w.pid, other, 32, "live")

        def frozen():
            w.release()   # phase 2: 30 more rows reach the ring, not the paused view
            p.keys("2")
            s = p.wait(lambda x: re.search(r"^pwrite64\s+write\s+20\s", x, re.M), 10,
                       "Syscalls: pwrite64 20 (filtered: the ring's 20)")
            expect(not re.search(r"^write\s", s, re.M), "writes filtered out of Syscalls", s)
            expect("filter: syscall~pwrite64 > bytes>=3" in s.split("\n")[1],
                   "the header line shows the filter on every tab", s)
            p.keys("6")
            s = p.wait_text("PAUSED")
            expect("of 10 (of 32 in the snapshot" in status(s), "the pause snapshot is frozen", s)
        check("the filter is shared: other tabs count what passes; the paused view stays", frozen)

        exports(p, out, other, "live")

        def e_other_tab():
            p.keys("Space")
            p.wait_text(" LIVE ")
            before = set(os.listdir(out))
            p.keys("4", "e")
            s = p.wait_text("exported 20 rows to ior-stream-")
            expect("PID COMM" in s, "still on Processes", s)
            files = new_files(out, "ior-stream-", before)
            expect(len(files) == 1, "one new CSV: %r" % files, s)
            rows = read_csv(os.path.join(out, files[0]))
            expect(len(rows) == 20 and all(r["syscall"] == "pwrite64" and r["path"] == other
                                           for r in rows), "the filtered ring: 20 pwrite64 rows")
        check("e on another tab exports a fresh filtered snapshot", e_other_tab)

        def record():
            p.keys("R")
            p.wait_text("Record a Parquet file")
            s = p.wait_text(re.compile(r"file: ior-recording-\d{8}-\d{6}\.parquet"))
            p.keys("C-u")
            p.literal("rec.parquet")
            p.keys("Enter")
            s = p.wait_text("rec rec.parquet")
            expect("recording to rec.parquet (rows that pass the filter)" in footer(s), footer(s), s)
            w.release()   # phase 3: 20 writes (filtered out) and 10 pwrite64
            p.keys("2")
            p.wait(lambda x: re.search(r"^pwrite64\s+write\s+30\s", x, re.M), 10, "pwrite64 30")
            s = p.screen()
            expect("| rec rec.parquet" in footer(s), "footer keeps the path while recording", s)
            time.sleep(1.5)  # flushed at least once a second: readable while it grows
            rows = parquet_rows(os.path.join(out, "rec.parquet"))
            expect(len(rows) == 10, "10 rows already on disk: %d" % len(rows))
            p.keys("R")
            s = p.wait_text("recording stopped: 10 rows in rec.parquet")
            expect("| rec " not in footer(s), "footer slot cleared", s)
            rows = parquet_rows(os.path.join(out, "rec.parquet"))
            expect(len(rows) == 10, "DuckDB reads 10 rows: %d" % len(rows))
            expect(all(r["syscall"] == "pwrite64" and r["path"] == other and r["pid"] == w.pid and
                       r["bytes"] == "3" and r["fd"] == 4 for r in rows), "the filtered rows: %r" % rows[0])
            expect(os.stat(os.path.join(out, "rec.parquet")).st_mode & 0o777 == 0o600, "mode 0600")
            meta = parquet_meta(os.path.join(out, "rec.parquet"))
            want = "syscall~pwrite64 > bytes>=3 > latency>=0ns"
            expect(meta.get("tui.filter") == want and meta.get("tui.filter.end") == want and
                   meta.get("rows") == "10" and meta.get("recorded_by") == "dashboard (R)",
                   "metadata: %r" % meta)
        check("R records the rows that pass the filter; DuckDB reads them", record)

        def scope_stops():
            p.keys("R")
            p.wait_text("Record a Parquet file")
            p.keys("C-u")
            p.literal("rec2.parquet")
            p.keys("Enter")
            p.wait_text("rec rec2.parquet")
            p.keys("p")
            p.wait_text("Trace which process?")
            p.literal("iortui")
            p.wait(lambda x: re.search(r"%d iortui" % w.pid, x) and "whole system" not in x, 5, "list")
            p.keys("Enter")
            s = p.wait_text("recording stopped (scope changed): 0 rows in rec2.parquet")
            expect("scope changed: statistics restarted" in footer(s), footer(s), s)
            expect(parquet_rows(os.path.join(out, "rec2.parquet")) == [], "an empty, valid file")
            p.keys("6")
            s = p.wait_text("0 rows (cap 100,000)")
        check("choosing a process stops the recording and restarts the stream", scope_stops)

        def quit_stops():
            p.keys("R")
            p.wait_text("Record a Parquet file")
            p.keys("C-u")
            p.literal("rec3.parquet")
            p.keys("Enter")
            p.wait_text("rec rec3.parquet")
            p.keys("q")
            s = p.wait_text("ior-exit=0")
            expect("ior: recording stopped: 0 rows in rec3.parquet" in s, "said on quit", s)
            expect(not p.alternate(), "terminal restored", s)
            expect(parquet_rows(os.path.join(out, "rec3.parquet")) == [], "a valid file")
        check("quitting stops and finalises a running recording", quit_stops)
    finally:
        w.stop()
        p.kill()


def view_session(binary, out, editor):
    p = Pane("view", 200, 50, out)
    d = tempfile.mkdtemp(prefix=ODD)
    trace = os.path.join(out, "trace.parquet")
    try:
        r = subprocess.run([IOR, "-parquet", trace, "--", binary, d, "20", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("ior -parquet: %s" % r.stderr)
        rows = [x for x in parquet_rows(trace) if x["comm"] == "iortui"]
        n = len(rows)
        p.run("EDITOR=%s %s -view trace.parquet; echo ior-exit=$?" % (editor, IOR))
        p.wait_text("Top syscalls")

        def time_axis():
            s = p.screen()
            m = re.search(r"syscalls/s over the recording's (\S+) \(peak (\d+(?:\.\d+)?[KMG]?)/s\)", s)
            expect(m is not None, "the rate's title names the recording's own span", s)
            expect("last " not in s.split("Top syscalls")[0], "no 'last N s' of a recording", s)
            avg = re.search(r"syscalls \d+ \((\d+(?:\.\d+)?[KMG]?)/s\)", s)
            expect(avg is not None, "the average rate", s)
            expect(count_value(m.group(2)) >= count_value(avg.group(1)) * 0.99,
                   "peak %s/s under the average %s/s" % (m.group(2), avg.group(1)), s)
        check("-view trace.parquet: the rate over the recording's span, peak >= average", time_axis)
        p.keys("6")
        s = p.wait_text(re.compile(r"\d+ rows \(cap 100,000\)"))
        total = int(re.search(r"(\d+) rows \(cap", s).group(1).replace(",", ""))
        expect(total >= n, "the recorded rows are in the ring", s)

        def to_workload():
            # the recording holds the loader's and shell's syscalls too: keep the workload's
            p.keys("f")
            p.wait_text("Filter rows")
            p.literal("comm=iortui")
            p.keys("Enter")
            s = p.wait_text("filter pushed: comm=iortui (%d rows pass)" % n)
            expect("filter: comm=iortui" in s.split("\n")[3], "the breadcrumb", s)
            rows = stream_rows(s)
            expect(rows[-1]["SYSCALL"] == "pwrite64" and all(r["COMM"] == "iortui" for r in rows),
                   "iortui's rows, the tail a pwrite64", s)
            expect(" ROWS " in status(s), "a recorded file is not live: " + status(s), s)
        check("-view trace.parquet: the recorded rows stream, f filters them", to_workload)
        pid = int(rows[0]["pid"])
        other = d + "/other"
        # pause (n rows pass), then the shared keys; the comm filter is the stack's first
        p.keys("Space")
        s = p.wait_text("PAUSED")

        def three():
            p.keys("l", "l", "l", "Enter")
            s = p.wait_text("filter: comm=iortui > syscall~pwrite64")
            expect("row 10 of 10 " in status(s), status(s), s)
            p.keys("h", "h", "Enter")
            p.wait_text("> pid=%d" % pid)
            p.keys("l", "l", "l", "l", "Enter")
            p.wait_text('> file~"%s"' % shown(other))
            p.keys("Escape")
            s = p.wait_text("filter popped: file~")
            expect("filter: comm=iortui > syscall~pwrite64 > pid=%d" % pid in s, "popped", s)
        check("-view trace.parquet: enter pushes filters, esc pops", three)

        def search():
            p.keys("c")
            p.wait_text("filters cleared")
            p.keys("g", "/")
            p.literal("^pwrite64$")
            p.keys("Enter")
            s = p.wait(lambda x: "column SYSCALL" in status(x), 5, "a pwrite64 found")
            expect("search" in status(s), status(s), s)
            p.keys("f")
            p.literal("comm=iortui syscall=pwrite64")
            p.keys("Enter")
            s = p.wait(lambda x: " of 10 " in status(x), 5, "10 rows")
        check("-view trace.parquet: search and typed filters", search)

        exports(p, out, other, "-view")
        p.keys("q")
        p.wait_text("ior-exit=0")
    finally:
        p.kill()
        shutil.rmtree(d, ignore_errors=True)


def aggregated_session(binary, out):
    p = Pane("agg", 120, 30, out)
    d = tempfile.mkdtemp(prefix="ior-stream-agg-")
    try:
        r = subprocess.run([IOR, "-flamegraph", "-name", os.path.join(out, "agg"), "--", binary, d,
                            "5", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        expect(r.returncode == 0, "ior -flamegraph: " + r.stderr)

        def agg():
            p.run("%s -view agg.ior.zst; echo ior-exit=$?" % IOR)
            s = p.wait_text("Top syscalls")
            # a .ior.zst keeps no count of failed calls: unknown, never a false 0
            expect(re.search(r"errors n/a ", s) is not None, "Overview: errors n/a", s)
            p.keys("2")
            s = p.wait_text("FAMILY")
            rows = [x for x in s.split("\n") if re.match(r"^(write|openat|pwrite64)\s", x)]
            expect(rows and all(x.rstrip().endswith(" n/a") for x in rows),
                   "Syscalls: the ERRORS column says n/a", s)
            p.keys("6")
            p.wait_text("it has no rows to stream")
            p.keys("e")
            p.wait_text("CSV export: this recording is aggregated (.ior.zst): it has no rows")
            p.keys("R")
            p.wait_text("R records live tracing")
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("-view of an aggregated .ior.zst: no rows, e and R say why", agg)
    finally:
        p.kill()
        shutil.rmtree(d, ignore_errors=True)


def command_session(out):
    """ior -- COMMAND in the dashboard: COMMAND's standard streams go to
    /dev/null, set up by ior before COMMAND is traced, so no call of ior's
    (comm "ior", /dev/null) reaches the Stream tab or its CSV export; q
    leaves a COMMAND that is still running alive, and says so."""
    p = Pane("cmd", 200, 50, out)
    target = os.path.join(out, "cmd-target")
    try:
        p.run("%s -- sh -c 'cat /etc/hostname > %s; exec sleep 300'; echo ior-exit=$?"
              % (IOR, target))
        p.wait_text("Top syscalls")
        end = time.time() + 10
        while not os.path.exists(target) and time.time() < end:
            time.sleep(0.05)
        time.sleep(0.5)

        def no_ior_rows():
            before = set(os.listdir(out))
            p.keys("2", "e")
            s = p.wait_text(re.compile(r"exported \d+ rows to ior-stream-"))
            files = new_files(out, "ior-stream-", before)
            expect(len(files) == 1, "one new CSV: %r" % files, s)
            rows = read_csv(os.path.join(out, files[0]))
            comms = sorted({r["comm"] for r in rows})
            expect("ior" not in comms, "rows of ior's own calls: %r" % [
                (r["comm"], r["syscall"], r["path"]) for r in rows if r["comm"] == "ior"], s)
            expect(set(comms) <= {"sh", "cat", "sleep"}, "comms %r" % comms, s)
            # COMMAND's programs use their standard streams (/dev/null); none opens it
            expect(not [r for r in rows if r["path"] == "/dev/null" and r["syscall"] == "openat"],
                   "an openat of /dev/null: %r" % [
                       (r["comm"], r["syscall"]) for r in rows if r["path"] == "/dev/null"], s)
            host = [r for r in rows if r["path"] == "/etc/hostname" and r["syscall"] == "openat"]
            expect(len(host) == 1 and host[0]["comm"] == "cat" and int(host[0]["ret"]) >= 0,
                   "cat's one openat of /etc/hostname: %r" % host, s)
            made = [r for r in rows if r["path"] == target]
            expect([(r["comm"], r["syscall"]) for r in made][:1] == [("sh", "openat")],
                   "sh's openat of the target first: %r" % made, s)
        check("-- COMMAND: no call of ior's own before exec in the stream", no_ior_rows)

        def quit_leaves_command():
            p.keys("q")
            s = p.wait_text("ior-exit=0", 10)
            m = re.search(r"ior: COMMAND 'sh' \(pid (\d+)\) is still running", s)
            expect(m is not None, "no 'still running' line after q", s)
            pid = int(m.group(1))
            with open("/proc/%d/comm" % pid) as f:
                expect(f.read().strip() == "sleep", "pid %d is COMMAND's sleep" % pid, s)
            os.kill(pid, signal.SIGTERM)
        check("q with COMMAND running: COMMAND goes on, ior says so", quit_leaves_command)
    finally:
        p.kill()


# the checks above, as many as run (the shared ones once live, once on a
# recorded file): fewer run means a session stopped early
CHECKS = 26

def main():
    if os.geteuid() != 0:
        print("FAIL tui-stream: the dashboard tests need root (BPF); run them with sudo", flush=True)
        print("tui-stream: 0 passed, 1 failed, %d skipped of %d registered" % (CHECKS, CHECKS))
        return 1
    binary = build_workload()
    out = tempfile.mkdtemp(prefix="ior-stream-out-")
    editor = os.path.join(out, "fake-editor")
    with open(editor, "w") as f:
        f.write('#!/bin/sh\ncp "$1" "%s/edited.csv"\n' % out)
    os.chmod(editor, 0o755)
    try:
        tuilib.session(live_session, binary, out, editor)
        tuilib.session(view_session, binary, out, editor)
        tuilib.session(aggregated_session, binary, out)
        tuilib.session(command_session, out)
    finally:
        tmux("kill-server", check=False)
        shutil.rmtree(out, ignore_errors=True)
    return tuilib.summary("tui-stream", CHECKS)


if __name__ == "__main__":
    sys.exit(main())
