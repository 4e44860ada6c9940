#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""End-to-end tests of ior's dashboard, driven in tmux.

The real ./ior runs in a detached tmux pane of 80x24 (and one of 200x50);
keys go in with send-keys and what the screen shows comes back with
capture-pane, so these check what a user sees. The traced workload is
tests/tui/iortui.c: it does its I/O in phases, each released by a SIGUSR1,
so every expected row is exact (1000 one-byte writes to DIR/file, 10
pwrite64 to DIR/other, 2 openat). Needs root and BPF, like the integration
tests; without them the tests fail, never skip.

Environment: IOR (default ./ior), BUILD (default build), CC (default cc).
Ends with "tui: N passed, N failed, N skipped of N registered"; exit status
0 only when every registered check ran and passed.
"""
import glob
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
tuilib.configure("ior-e2e-%d" % os.getpid(), "TUITEST$ ")



def build_workload():
    src = os.path.join(HERE, "iortui.c")
    out = os.path.join(BUILD, "tui", "iortui")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-o", out, src], check=True)
    return os.path.abspath(out)


def row(screen, pattern):
    """The first line matching pattern (a regex), or None."""
    for line in screen.split("\n"):
        if re.search(pattern, line):
            return line
    return None


SGR_RE = re.compile(r"\x1b\[([0-9;]*)m")


def highlighted_lines(colored):
    """For each line of a capture -e screen: its text, and whether its first
    character is drawn highlighted (reverse video or a background colour).
    tmux writes an attribute only where it changes, so the state runs on
    from line to line."""
    out, bg, rev = [], False, False
    for line in colored.split("\n"):
        first, text, i = None, [], 0
        while i < len(line):
            m = SGR_RE.match(line, i)
            if m:
                ps = [int(x) if x else 0 for x in m.group(1).split(";")]
                j = 0
                while j < len(ps):
                    c = ps[j]
                    if c == 0:
                        bg = rev = False
                    elif c == 7:
                        rev = True
                    elif c == 27:
                        rev = False
                    elif c == 49:
                        bg = False
                    elif 40 <= c <= 47 or 100 <= c <= 107:
                        bg = True
                    elif c in (38, 48) and j + 1 < len(ps):
                        if c == 48:
                            bg = True
                        j += 2 if ps[j + 1] == 5 else 4
                    j += 1
                i = m.end()
                continue
            if first is None:
                first = bg or rev
            text.append(line[i])
            i += 1
        out.append(("".join(text), bool(first)))
    return out


def selected_row(p, header, want, timeout=5):
    """The highlighted table row below header (the selection), once it
    starts with want; fails naming what was selected instead."""
    end = time.time() + timeout
    got = None
    while time.time() < end:
        lines = highlighted_lines(p.colored())
        at = [i for i, (x, _) in enumerate(lines) if x.startswith(header)]
        got = None
        for x, lit in lines[at[0] + 1:] if at else []:
            if lit and x.strip():
                got = x
                break
        if got is not None and got.startswith(want):
            return got
        time.sleep(0.05)
    raise AssertionError("the selected row is %r, not one starting %r; the screen was:\n%s"
                         % (got, want, p.screen()))


def first_data_row(screen, header):
    lines = screen.split("\n")
    for i, line in enumerate(lines):
        if header in line:
            return lines[i + 1] if i + 1 < len(lines) else ""
    raise AssertionError("no table header %r on the screen:\n%s" % (header, screen))


class Workload:
    def __init__(self, binary, nwrites=1000, phases=3):
        self.dir = tempfile.mkdtemp(prefix="ior-tui-")
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


def tab_markers():
    # what only that tab's body shows
    return {
        "1": "Top syscalls",
        "2": "FAMILY",
        "3": " FILE",
        "4": "PID COMM",
        "5": "duration: p50",
        "6": "6 Stream",
        "8": "8 Flame",
    }


def main_session(binary):
    p = Pane("main", 80, 24)
    w = Workload(binary)
    d = w.dir
    try:
        p.run("%s -pid %d; echo ior-exit=$?" % (IOR, w.pid))

        check("starts in the dashboard, Overview tab, help hidden", lambda: (
            p.wait_text("1 Overview 2 Syscalls 3 Files 4 Processes 5 Latency+Gaps 6 Stream 8 Flame"),
            p.wait_text("Top syscalls"),
            expect("press H for help" in p.screen(), "footer hint", p.screen()),
            expect(p.alternate(), "the dashboard uses the alternate screen"),
            expect(p.size() == "80x24", "pane is 80x24: " + p.size())))

        w.release()  # phase 1: 2 openat, 1000 write, 10 pwrite64

        def overview():
            s = p.wait_text(re.compile(r"syscalls 1012 "), 10)
            expect(row(s, r"^ SYSCALL\s+COUNT\s+TOTAL\s+PID COMM\s+COUNT$") is not None,
                   "the top syscalls' and top processes' column headers", s)
            expect(row(s, r"^\s+COUNT\s+TOTAL\s+BYTES\s+FILE$") is not None, "the top files' header", s)
            expect(row(s, r"^ write\s+1000\s") is not None, "top syscalls: write 1000", s)
            expect(row(s, r"^ pwrite64\s+10\s") is not None, "top syscalls: pwrite64 10", s)
            expect(row(s, r"%d iortui\s+1012" % w.pid) is not None, "top processes", s)
            expect(row(s, r"1001 .*%s/file" % re.escape(d)) is not None, "top files (openat + writes)", s)
            expect("traced process %d" % w.pid in s, "what is traced", s)
            expect("written 1.01K" in s, "bytes written (1030 B)", s)
            expect("lost   nothing" in s, "no loss", s)
        check("Overview: totals, top syscalls/processes/files, scope, loss", overview)

        def syscalls():
            p.keys("2")
            s = p.wait_text("FAMILY")
            first = first_data_row(s, "SYSCALL")
            expect(re.match(r"write\s+write\s+1000\s", first) is not None, "first row write 1000: " + first, s)
            expect(row(s, r"^pwrite64\s+write\s+10\s.*\s30B\s+0$") is not None, "pwrite64 row", s)
            expect(row(s, r"^openat\s+open\s+2\s") is not None, "openat row", s)
            expect(row(s, r"^write\s+write\s+1000\s.*\s1000B\s+0$") is not None, "write bytes and errors", s)
            expect("COUNT\u25bc" in s, "sorted by COUNT, descending", s)
        check("Syscalls: exact rows, sorted by count", syscalls)

        def sorting():
            p.keys("h", "h")  # COUNT -> FAMILY -> SYSCALL
            p.keys("s")
            s = p.wait_text("SYSCALL\u25b2")
            first = first_data_row(s, "SYSCALL")
            expect(first.startswith("openat"), "s on SYSCALL: A-Z, openat first: " + first, s)
            p.keys("S")
            s = p.wait_text("SYSCALL\u25bc")
            first = first_data_row(s, "SYSCALL")
            expect(first.startswith("write "), "S on SYSCALL: Z-A, write first: " + first, s)
            p.keys("l", "l", "S")  # COUNT, reversed: the fewest first
            s = p.wait_text("COUNT\u25b2")
            first = first_data_row(s, "SYSCALL")
            expect(first.startswith("openat"), "S on COUNT: fewest first: " + first, s)
            p.keys("s")
            s = p.wait_text("COUNT\u25bc")
            expect(first_data_row(s, "SYSCALL").startswith("write "), "s on COUNT again", s)
        check("Syscalls: h/l select a column, s and S sort by it", sorting)

        def selection():
            # rows: write 1000, pwrite64 10, openat 2; the selection starts on the first
            expect(selected_row(p, "SYSCALL", "write ").startswith("write "), "write selected")
            for key, want in (("j", "pwrite64 "), ("k", "write "), ("Down", "pwrite64 "),
                              ("Down", "openat "), ("Up", "pwrite64 "), ("Up", "write ")):
                p.keys(key)
                selected_row(p, "SYSCALL", want)
            expect("FAMILY" in p.screen(), "still on Syscalls", p.screen())
        check("Syscalls: j/k and arrows move the selection without leaving the tab", selection)

        def files():
            p.keys("3")
            s = p.wait_text(" FILE")
            first = first_data_row(s, "FILE")
            expect(re.match(r"\s+1001\s.*\s1000B\s+0 %s/file$" % re.escape(d), first) is not None,
                   "first row: DIR/file, its openat and 1000 writes: " + first, s)
            expect(row(s, r"^\s+11\s.*\s30B\s+0 %s/other$" % re.escape(d)) is not None, "DIR/other", s)
            p.keys("d")
            s = p.wait_text("DIRECTORY")
            first = first_data_row(s, "DIRECTORY")
            expect(re.match(r"\s+1012\s.*\s1.01K\s+0\s+2 %s$" % re.escape(d), first) is not None,
                   "grouped: DIR with 2 files, 1012 calls: " + first, s)
            expect("files grouped by directory" in s, "footer says so", s)
            p.keys("d")
            s = p.wait_text(" FILE")
            expect("DIRECTORY" not in s, "d again: single files", s)
        check("Files: exact rows, d toggles grouping by directory", files)

        def procs():
            p.keys("4")
            s = p.wait_text("PID COMM")
            first = first_data_row(s, "PID COMM")
            expect(re.match(r"\s*%d iortui\s+1012\s" % w.pid, first) is not None, "iortui row: " + first, s)
        check("Processes: the workload's row", procs)

        def latency():
            p.keys("5")
            s = p.wait_text("write: 1000 calls")
            expect("duration: p50" in s and "gap: p50" in s, "both histograms", s)
            expect(re.search(r"\d+(ns|us|ms)-\d", s) is not None, "bucket labels", s)
            p.keys("j")
            s = p.wait_text("pwrite64: 10 calls")
            p.keys("k")
            p.wait_text("write: 1000 calls")
        check("Latency+Gaps: histograms and percentiles of the selected syscall", latency)

        def tabs():
            m = tab_markers()
            for k in ["1", "2", "3", "4", "5", "6", "8"]:
                p.keys(k)
                p.wait_text(m[k])
            p.keys("1")
            p.wait_text(m["1"])
            p.keys("7")
            p.wait_text(m["6"])
            p.keys("Tab")
            p.wait_text(m["8"])
            p.keys("Tab")
            p.wait_text(m["1"])
            p.keys("BTab")
            p.wait_text(m["8"])
            p.keys("BTab")
            p.wait_text(m["6"])
            p.keys("1")
            p.wait_text(m["1"])
            for k in ["Right", "l", "Left", "h"]:
                p.keys(k)
                time.sleep(0.2)
                expect(m["1"] in p.screen(), "%s must not switch tabs" % k, p.screen())
        check("tabs: digits, 7 = Stream, tab / shift+tab cycle, left/right/h/l stay", tabs)

        def help_toggle():
            p.keys("H")
            s = p.wait_text("\u2500 Keys")
            expect("H: hide help" in s and "press H for help" not in s, "help shown", s)
            expect("trace a process / thread" in s and "probes on/off by family" in s, "global keys", s)
            p.keys("3")
            s = p.wait_text("Files keys")
            expect("group by directory" in s, "tab keys", s)
            p.keys("H")
            s = p.wait_text("press H for help")
            expect("Keys" not in s, "help hidden again", s)
            p.keys("1")
        check("H toggles the help sections; hidden by default", help_toggle)

        def export_record_refresh_keys():
            # the pane's shell started in this process's directory
            before = set(glob.glob("ior-stream-*.csv"))
            p.keys("e")
            s = p.wait_text(re.compile(r"exported \d+ rows to ior-stream-"))
            new = set(glob.glob("ior-stream-*.csv")) - before
            for f in new:
                os.remove(f)
            expect(len(new) == 1, "e wrote one ior-stream-*.csv in the working directory", s)
            p.keys("R")
            p.wait_text("Record a Parquet file")
            p.keys("Escape")
            p.wait_gone("Record a Parquet file")
            p.keys("r")
            p.wait_text("refreshed")
        check("e exports a CSV, R asks for a recording's name (esc cancels), r refreshes",
              export_record_refresh_keys)

        def probes():
            m = re.search(r"probes: (\d+)/(\d+)", p.screen())
            expect(m and m.group(1) == m.group(2), "every probe on at first", p.screen())
            total = int(m.group(2))
            p.keys("2", "o")
            s = p.wait_text("Probes: which syscalls")
            expect("[x] write " in s or re.search(r"\[x\] open \(6/6 on\)", s), "dialog lists families", s)
            # open family (7 lines), read family (6 lines), then the write family line and write
            p.keys(*(["j"] * 14))
            p.keys("Space")
            s = p.wait_text("write: off")
            p.keys("Escape")
            p.wait_gone("Probes: which syscalls")
            w.release()  # phase 2: 1000 writes (not traced now) and 10 pwrite64
            s = p.wait(lambda x: row(x, r"^pwrite64\s+write\s+20\s") is not None, 10, "pwrite64 20")
            expect(row(s, r"^write\s+write\s+1000\s") is not None, "write stays at 1000", s)
            expect("probes: %d/%d" % (total - 1, total) in s, "the header counts the probe off", s)
            p.keys("o", *(["j"] * 14))
            p.keys("f")
            p.wait_text("family write: all on")
            p.keys("Escape")
            p.wait_gone("Probes: which syscalls")
        check("o: the probe dialog switches a syscall off (its events stop) and on", probes)

        def selector():
            p.keys("p")
            s = p.wait_text("Trace which process?")
            expect("all processes (the whole system)" in s, "all on top", s)
            p.literal("iortui")
            s = p.wait(lambda x: row(x, r"\d+ of \d+ match") and "whole system" not in x, 5,
                       "the filtered list")
            expect(row(s, r"%d iortui" % w.pid) is not None, "the workload listed", s)
            expect("kthreadd" not in s and "whole system" not in s, "others filtered out", s)
            p.keys("Enter")
            s = p.wait_text("scope changed: statistics restarted")
            expect("scope: process %d (iortui)" % w.pid in s, "the header shows the scope", s)
            p.wait_text("nothing traced yet")
            w.release()  # phase 3
            s = p.wait(lambda x: row(x, r"^write\s+write\s+1000\s") is not None, 10, "write 1000 again")
            expect(row(s, r"^pwrite64\s+write\s+10\s") is not None, "pwrite64 restarted at 10", s)
        check("p: the process selector filters, enter re-scopes and restarts statistics", selector)

        def thread_selector():
            p.keys("t")
            s = p.wait_text("Trace which thread?")
            expect(row(s, r"%d iortui \(process %d\)" % (w.pid, w.pid)) is not None, "thread listed", s)
            p.literal("zzzz-no-such")
            s = p.wait_text("0 of ")
            p.keys("Escape")
            s = p.wait_gone("Trace which thread?")
            expect("process %d (iortui)" % w.pid in s, "esc keeps the scope", s)
        check("t: the thread selector lists the process's threads; esc cancels", thread_selector)

        def back_to_all():
            p.keys("p")
            p.wait_text("Trace which process?")
            p.keys("Enter")
            p.wait_text("scope: all processes")
        check("p: choosing all traces the whole system again", back_to_all)

        def resize():
            tmux("resize-window", "-t", "main", "-x", "120", "-y", "40")
            s = p.wait(lambda x: len(x.split("\n")[0].rstrip()) > 80 or "MAX" in x, 5, "a wider frame")
            p.keys("3")
            s = p.wait_text("MAX")
            expect(len(s.split("\n")) >= 40, "40 rows used", s)
            tmux("resize-window", "-t", "main", "-x", "30", "-y", "8")
            p.wait_text("too small")
            tmux("resize-window", "-t", "main", "-x", "80", "-y", "24")
            # the whole frame, footer included: a capture can land while the
            # terminal is still receiving it, the header drawn and not yet the rest
            s = p.wait(lambda x: " FILE" in x and "press H for help" in x, 5,
                       "the frame at 80x24 with its footer")
            expect(len(s.split("\n")[0].rstrip()) <= 80, "back at 80x24", s)
        check("resize: the frame follows the terminal, too small says so", resize)

        def quit_restores():
            p.keys("q")
            s = p.wait_text("ior-exit=0")
            expect(not p.alternate(), "the alternate screen is left")
            expect(re.search(r"ior: \d+ syscalls in", s), "the summary is printed", s)
            expect(s.rstrip().endswith(tuilib.PROMPT.rstrip()), "back at the shell prompt", s)
        check("q quits and restores the terminal", quit_restores)
    finally:
        w.stop()
        p.kill()


def quit_paths(binary):
    p = Pane("quit", 80, 24)
    try:
        def ctrl_c():
            p.run("%s -pid 1; echo ior-exit=$?" % IOR)
            p.wait_text("Top syscalls")
            p.keys("C-c")
            p.wait_text("ior-exit=0")
            expect(not p.alternate(), "terminal restored")
        check("ctrl+c quits and restores the terminal", ctrl_c)

        def sigterm():
            p.run("clear; %s -pid 1 & echo ior-pid=$!; fg; echo ior-exit=$?" % IOR)
            s = p.wait_text("Top syscalls")
            out = subprocess.run(["pgrep", "-n", "-f", "^%s -pid 1$" % re.escape(IOR)],
                                 stdout=subprocess.PIPE, text=True).stdout.split()
            expect(out, "ior's pid")
            os.kill(int(out[0]), signal.SIGTERM)
            s = p.wait_text("ior-exit=")
            expect("ior-exit=0" in s, "SIGTERM is a normal stop: exit status 0", s)
            expect(not p.alternate(), "terminal restored after SIGTERM")
            expect(s.rstrip().endswith(tuilib.PROMPT.rstrip()), "back at the shell prompt", s)
        check("SIGTERM quits and restores the terminal", sigterm)

        def command_mode():
            d = tempfile.mkdtemp(prefix="ior-tui-")
            try:
                p.run("clear; %s -- %s %s 1000 0; echo ior-exit=$?" % (IOR, binary, d))
                s = p.wait_text("COMMAND exited with status 0", 10)
                p.keys("2")
                s = p.wait(lambda x: row(x, r"^write\s+write\s+1000\s") is not None, 5, "write 1000")
                p.keys("q")
                p.wait_text("ior-exit=0")
            finally:
                shutil.rmtree(d, ignore_errors=True)
        check("-- COMMAND: traced from its start, its exit shown, the view stays", command_mode)
    finally:
        p.kill()


def wide_session(binary):
    p = Pane("wide", 200, 50)
    w = Workload(binary, phases=1)
    try:
        p.run("%s -pid %d; echo ior-exit=$?" % (IOR, w.pid))

        def wide():
            p.wait_text("Top syscalls")
            w.release()
            s = p.wait(lambda x: re.search(r"syscalls 1012 ", x), 10, "1012 syscalls")
            p.keys("3")
            s = p.wait_text(" FILE")
            head = row(s, r"COUNT")
            expect("MAX" in head, "all columns at 200 wide: " + head, s)
            expect(row(s, r"%s/file$" % re.escape(w.dir)) is not None, "full path", s)
            p.keys("H")
            s = p.wait_text("Keys")
            expect(len(row(s, "tab S-tab")) > 100, "help in several columns", s)
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("a wide terminal (200x50): every column, help in columns", wide)
    finally:
        w.stop()
        p.kill()


SELFCOST_RE = re.compile(r"^ ior's BPF programs: (\d+\.\d) ms/s \((\d+\.\d\d)% of a CPU\), "
                         r"(\d+) ns per run$")


SELFCPU_RE = re.compile(r"^ ior itself: (\d+\.\d) ms/s \((\d+\.\d\d)% of a CPU\), "
                        r"(\d+) ns per event$")


def selfcost_line(screen):
    """(index, ms/s, percent, ns per run) of the Overview's self-cost line, or None."""
    for i, line in enumerate(screen.split("\n")):
        m = SELFCOST_RE.match(line.rstrip())
        if m:
            return i, float(m.group(1)), float(m.group(2)), int(m.group(3))
    return None


def selfcost_session(binary):
    """The Overview's line on what ior's own BPF programs cost: positive
    figures under a workload (iortui making 1-byte writes in a loop), the
    error without CAP_SYS_ADMIN, and no line without a tracer."""
    p = Pane("selfcost", 80, 24)
    d = tempfile.mkdtemp(prefix="ior-tui-")
    load = subprocess.Popen(["sh", "-c", 'while :; do "$0" "$1" 200000 0 || exit 1; done', binary, d],
                            start_new_session=True)
    try:
        p.run("%s; echo ior-exit=$?" % IOR)

        def live():
            s = p.wait(lambda x: (selfcost_line(x) or (0, 0))[1] > 0, 10, "a positive ms/s figure")
            i, ms, pct, ns = selfcost_line(s)
            lines = s.split("\n")
            expect(lines[i - 1].startswith(" in calls "), "right under the in-calls total", s)
            expect(0 < pct <= 100.0 * (os.cpu_count() or 1), "a plausible share of a CPU: %r" % pct, s)
            expect(abs(pct - ms / 10) <= 0.0101, "%.2f%% is %.1f ms/s of 1000" % (pct, ms), s)
            expect(0 < ns < 1000000, "a plausible average run: %d ns" % ns, s)
            # the line under it: ior's own CPU over the events it took in
            s = p.wait(lambda x: len(x.split("\n")) > i + 1 and SELFCPU_RE.match(x.split("\n")[i + 1].rstrip()),
                       10, "ior's own CPU line under the BPF line")
            m = SELFCPU_RE.match(s.split("\n")[i + 1].rstrip())
            cms, cpct, cns = float(m.group(1)), float(m.group(2)), int(m.group(3))
            expect(0 < cpct <= 100.0 * (os.cpu_count() or 1), "a plausible share of a CPU: %r" % cpct, s)
            expect(abs(cpct - cms / 10) <= 0.0101, "%.2f%% is %.1f ms/s of 1000" % (cpct, cms), s)
            expect(0 < cns < 1000000, "a plausible CPU time per event: %d ns" % cns, s)
            time.sleep(2.5)  # later figures: still positive while the load runs
            s = p.screen()
            now = selfcost_line(s)
            expect(now is not None and now[1] > 0 and now[2] > 0, "still positive", s)
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("Overview: ior's BPF programs' ms/s, share of a CPU and ns per run, live", live)

        def unavailable():
            p.run("clear; setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin -- %s; "
                  "echo ior-exit=$?" % IOR)
            s = p.wait_text("Top syscalls")
            s = p.wait_text("ior's BPF programs: run-time stats unavailable (Operation not permitted)")
            expect(selfcost_line(s) is None, "no figures", s)
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("Overview: without CAP_SYS_ADMIN the BPF run time is said to be unavailable", unavailable)

        def no_tracer():
            p.run("clear; %s --testflames; echo ior-exit=$?" % IOR)
            p.wait_text("8 Flame")
            p.keys("1")
            s = p.wait_text("Top syscalls")
            expect("ior's BPF programs" not in s, "no BPF line without a tracer", s)
            expect("ior itself" not in s, "no own-CPU line without a tracer", s)
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("Overview: no BPF run-time line without a live tracer (--testflames)", no_tracer)
    finally:
        os.killpg(load.pid, signal.SIGTERM)
        load.wait()
        shutil.rmtree(d, ignore_errors=True)
        p.kill()


# the checks above, each run once: fewer run means a session stopped early
CHECKS = 24

def main():
    if os.geteuid() != 0:
        print("FAIL tui: the dashboard tests need root (BPF); run them with sudo", flush=True)
        print("tui: 0 passed, 1 failed, %d skipped of %d registered" % (CHECKS, CHECKS))
        return 1
    binary = build_workload()
    try:
        tuilib.session(main_session, binary)
        tuilib.session(quit_paths, binary)
        tuilib.session(wide_session, binary)
        tuilib.session(selfcost_session, binary)
    finally:
        tmux("kill-server", check=False)
    return tuilib.summary("tui", CHECKS)


if __name__ == "__main__":
    sys.exit(main())
