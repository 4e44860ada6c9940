#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Reliability and safety tests of ior (issue 9): bad command lines, untrusted
recordings, output files that must never be clobbered, hostile file names,
signals, full disks, broken pipes, thread and fork storms.

Every requirement is asserted on the real binary:
- cli:*        each invalid command line exits non-zero with exactly one
               `ior: ` line naming the problem, before anything is traced,
               run or created (no summary line, the directory stays empty)
- file:*       truncated, corrupt, foreign, wrong-version, empty and 10 GiB
               sparse .ior.zst and Parquet files given to -folded and -view:
               one error line naming the file, exit 1 (no crash, < 128), no
               hang, peak RSS under 200 MB (from wait4's rusage); corrupt
               Parquet pages found while the dashboard runs, in tmux
- out:*        an existing file, a symlink to a file elsewhere and a dangling
               symlink in place of -parquet FILE, N.ior.zst and -svg OUT: a
               clear error, the target untouched, no temporary file left;
               mode 0600 under umask 0; a symlink planted during a
               -flamegraph run is not replaced at the end, nor after a
               snapshot was written (by later snapshots or the end)
- names:*      an escape sequence in a file name reaches neither the terminal
               (dashboard in tmux, live and -view of a Parquet recording) nor
               -plain's stdout raw; paths past the kernel walk limit (8 KiB
               of names) and path arguments longer than 4095 bytes start with
               `[truncated]`, never silently cut
- signal:*     SIGINT/SIGTERM/SIGHUP during -parquet and -flamegraph (with
               and without COMMAND), COMMAND killed by SIGSEGV: a clean drain
               (every write of the workload is in the file), 128+N exit
- enospc:*     -parquet, -flamegraph and the dashboard's R recorder on a full
               256 KiB tmpfs: one message naming the file and the error (R's
               with the rows kept, exactly those DuckDB reads, and lost), the
               Parquet file still readable by DuckDB with a prefix of the rows,
               no .ior.zst temporary file, the dashboard tracing on; a disk
               that fills after a -flamegraph snapshot: the file keeps exactly
               the calls before, the line says what is kept and lost, exit 1
- snapshot:*   -flamegraph killed with SIGKILL after its first snapshot: the
               file opens, says partial, holds the calls up to the snapshot; a
               run with a snapshot every second counts each call once
- cap:*        a small key cap (IOR_AGG_CAP) overrun by new files: paths fold
               into their directory, comm/syscall/counts/bytes stay exact, the
               folded counts agree in the closing line, metadata and -view
- sigpipe:*    `ior -plain | head -1` ends within 2 s even when nothing is
               traced, with no message but the summary
- plainout:*   -plain's stdout is /dev/full, a full 1 MiB tmpfs, closed or
               read-only: one `ior: ` line naming it, exit 1, every line in
               the file whole, lines in it + lines lost = syscalls; a FIFO
               whose reader stops reading: SIGINT and -duration still end ior
               within 3 s (SIGINT also with stderr into the same FIFO), its
               ring buffers drained meanwhile (no drops),
               lines read + lines lost = syscalls; a reader that starts 3 s
               late gets every one of COMMAND's ~5 MB of lines
- storm:*      2000 short-lived threads and 500 forks (with grandchildren),
               each writing once: every write reported exactly once with its
               pid, tid and path, no ring-buffer drops, COMMAND's exit status

Usage (from the repository root, as root, after make and
tests/parquet/install.sh):
    IOR=./ior WORKLOAD_DIR=build/workload python3 tests/integration/reliability.py [NAME...]
The last line is `reliability: N passed, N failed, N skipped of N registered`
(skipped: left out by NAMEs); exit status 1 when any
test failed or the tests could not run.
"""

import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as it  # noqa: E402  the integration suite's helpers (run_ior, Scratch, ...)
sys.path.append(os.path.join(HERE, "..", "tui"))  # after HERE: tests/tui has a run.py too
import tuilib  # noqa: E402
from tuilib import Pane, tmux  # noqa: E402

IOR = it.IOR
check = it.check
TestFailure = it.TestFailure
RSS_MAX_KB = 200 * 1024
tuilib.configure("ior-reliability-%d" % os.getpid(), "RELTEST$ ")
HOSTILE = b"\x1b[2J\x1b]0;pwned\x07name"   # clears the screen, sets the title
HOSTILE_SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07name"


def storm():
    return it.workload("storm")


# ---- running ior with limits -------------------------------------------------

class Result:
    def __init__(self, args, status, elapsed, out, err, rss_kb):
        self.args, self.status, self.elapsed = args, status, elapsed
        self.stdout, self.stderr, self.rss_kb = out, err.decode("utf-8", "replace"), rss_kb
        self.lines = self.stderr.splitlines()

    def describe(self):
        return "ior " + " ".join(os.fsdecode(a) for a in self.args)


def run_limited(args, timeout=30, cwd=None, stdin=subprocess.DEVNULL, umask=None):
    """Runs IOR in its own session; returns a Result with the exit status
    (128+N for signal N, None on timeout) and the peak RSS from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        pre = (lambda: os.umask(umask)) if umask is not None else None
        proc = subprocess.Popen([IOR] + args, stdin=stdin, stdout=out, stderr=err, cwd=cwd,
                                start_new_session=True, preexec_fn=pre)
        status = None
        while True:
            pid, wstatus, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(wstatus)
                status = code if code >= 0 else 128 - code
                break
            if time.monotonic() - t0 > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, _, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        proc.returncode = status if status is not None else -9
        elapsed = time.monotonic() - t0
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything ior left behind
        except OSError:
            pass
        out.seek(0)
        err.seek(0)
        return Result(args, status, elapsed, out.read(), err.read(), ru.ru_maxrss)


def check_one_error(r, *words, status=None):
    """A refusal: exit non-zero (or exactly status), no crash, no hang,
    nothing on stdout, exactly one `ior: ` line holding every word."""
    check(r.status is not None, "%s did not exit within its timeout" % r.describe())
    check(r.status != 0 and r.status < 128,
          "%s exited %d (0 is success, >= 128 a crash)\n%s" % (r.describe(), r.status, r.stderr))
    if status is not None:
        check(r.status == status, "%s exited %d, expected %d" % (r.describe(), r.status, status))
    check(r.stdout == b"", "%s printed on stdout: %r" % (r.describe(), r.stdout[:200]))
    check(len(r.lines) == 1 and r.lines[0].startswith("ior: "),
          "%s: expected exactly one 'ior: ' line on stderr, got %d:\n%s"
          % (r.describe(), len(r.lines), "\n".join("    " + x for x in r.lines[:10])))
    for w in words:
        check(w in r.lines[0], "%s: the message does not name %r: %s" % (r.describe(), w, r.lines[0]))


scratch_test = it.scratch_test


def listing(d):
    return sorted(os.listdir(d))


# ---- 1. the command line ---------------------------------------------------------

def free_pid():
    """A pid no process or thread has right now."""
    with open("/proc/sys/kernel/pid_max") as f:
        top = int(f.read())
    for pid in range(top - 1, 300, -1):
        if not os.path.exists("/proc/%d" % pid):
            return pid
    raise TestFailure("no free pid")


def fixtures(base):
    """Commands that cannot be executed, in base/fix; returns {name: path}."""
    fix = os.path.join(base, "fix")
    os.makedirs(os.path.join(fix, "adir"), exist_ok=True)
    paths = {"directory": os.path.join(fix, "adir")}
    marker = os.path.join(base, "RAN")   # any of them that runs creates it
    for name, body, mode in (("noexec", b"#!/bin/sh\ntouch %s\n" % marker.encode(), 0o644),
                             ("badinterp", b"#!/nonexistent-ior/interp\ntouch %s\n" % marker.encode(), 0o755),
                             ("garbage", bytes(range(7, 71)), 0o755)):
        p = os.path.join(fix, name)
        with open(p, "wb") as f:
            f.write(body)
        os.chmod(p, mode)
        paths[name] = p
    paths["missing"] = "/nonexistent-ior-dir/cmd"
    paths["not-in-path"] = "ior-no-such-command-%d" % os.getpid()
    return paths, marker


CLI_CASES = {
    # name: (args, words the one line must hold)
    "unknown-flag": (["-plain", "-bogus", "--", "true"], ["-bogus"]),
    "unknown-flag-long": (["--bogus=1", "-plain"], ["--bogus"]),
    "duration-abc": (["-plain", "-duration", "abc", "--", "true"], ["-duration", "abc"]),
    "duration-negative": (["-plain", "-duration", "-1", "--", "true"], ["-duration", "-1"]),
    "duration-unit": (["-plain", "-duration", "5s", "--", "true"], ["-duration", "5s"]),
    "duration-zero": (["-plain", "-duration", "0", "--", "true"], ["-duration", "0"]),
    "duration-below-1ns": (["-plain", "-duration", "0.0000000001", "--", "true"], ["-duration"]),
    "duration-huge": (["-plain", "-duration", "99999999999999999999", "--", "true"], ["-duration"]),
    "duration-missing": (["-plain", "-duration"], ["-duration"]),
    "fields-unknown": (["-folded", "x.ior.zst", "-fields", "comm,bogus"], ["-fields", "bogus"]),
    "fields-empty-name": (["-folded", "x.ior.zst", "-fields", "comm,,path"], ["-fields"]),
    "count-unknown": (["-folded", "x.ior.zst", "-count", "latency"], ["-count", "latency"]),
    "modes-plain-flamegraph": (["-plain", "-flamegraph", "-name", "out", "--", "true"],
                               ["-flamegraph", "-plain"]),
    "modes-plain-parquet": (["-plain", "-parquet", "out.parquet", "--", "true"], ["-parquet", "-plain"]),
    "modes-parquet-flamegraph": (["-parquet", "out.parquet", "-flamegraph", "-name", "out", "--", "true"],
                                 ["-flamegraph", "-parquet"]),
    "modes-view-folded": (["-view", "x.ior.zst", "-folded", "x.ior.zst"], ["-folded", "-view"]),
    "parquet-filter": (["-parquet", "out.parquet", "-comm", "sh", "--", "true"], ["-comm"]),
    "pid-missing": (["-plain", "-pid", "FREEPID"], ["-pid", "FREEPID", "no such process"]),
    "tid-missing": (["-plain", "-tid", "FREEPID"], ["-tid", "FREEPID"]),
    "pid-zero": (["-plain", "-pid", "0"], ["-pid"]),
    "pid-with-command": (["-plain", "-pid", "1", "--", "true"], ["-pid", "COMMAND"]),
    "flamegraph-no-name": (["-flamegraph", "--", "true"], ["-name"]),
    "name-without-flamegraph": (["-plain", "-name", "out", "--", "true"], ["-name"]),
    "dashdash-no-command": (["-plain", "--"], ["COMMAND"]),
    "dashdash-no-command-parquet": (["-parquet", "out.parquet", "--"], ["COMMAND"]),
    "dashdash-no-command-flamegraph": (["-flamegraph", "-name", "out", "--"], ["COMMAND"]),
    "flamegraph-missing-dir": (["-flamegraph", "-name", "nodir/out", "--", "true"], ["nodir/out.ior.zst"]),
    "parquet-missing-dir": (["-parquet", "nodir/out.parquet", "--", "true"], ["nodir/out.parquet"]),
    "svg-without-folded": (["-plain", "-svg", "out.svg", "--", "true"], ["-svg"]),
    "fields-twice": (["-plain", "-fields", "comm,path,comm", "--", "true"], ["-fields", "'comm'", "twice"]),
    "duration-past-max": (["-plain", "-duration", "1000000000", "--", "true"],
                          ["-duration", "at most 315360000 seconds", "1000000000"]),
    "parquet-stdout": (["-parquet", "-", "--", "true"], ["-parquet", "regular file", "'-'"]),
    "parquet-device": (["-parquet", "/dev/null", "--", "true"], ["-parquet", "regular file", "/dev/null"]),
}

# the three headless tracing modes a COMMAND that cannot run is refused in
CMD_MODES = {"plain": ["-plain"], "parquet": ["-parquet", "out.parquet"],
             "flamegraph": ["-flamegraph", "-name", "out"]}
CMD_CASES = ("missing", "not-in-path", "directory", "noexec", "badinterp", "garbage")


def make_cli_test(args, words):
    def body(s):
        pid = str(free_pid())
        a = [x.replace("FREEPID", pid) for x in args]
        w = [x.replace("FREEPID", pid) for x in words]
        r = run_limited(a, timeout=10, cwd=s.dir)
        check_one_error(r, *w, status=2)
        check(listing(s.dir) == [], "%s created %s" % (r.describe(), listing(s.dir)))
    return scratch_test("cli", body)


def make_cmd_test(kind, mode):
    def body(s):
        cmds, marker = fixtures(s.base)
        r = run_limited(CMD_MODES[mode] + ["--", cmds[kind], "arg"], timeout=10, cwd=s.dir)
        check_one_error(r, "cannot run", cmds[kind], status=2)
        check(listing(s.dir) == [], "%s created %s" % (r.describe(), listing(s.dir)))
        check(not os.path.exists(marker), "the command ran")
    return scratch_test("cmd", body)


def test_dashboard_no_tty():
    """The dashboard without a terminal: refused before COMMAND starts."""
    def body(s):
        r = run_limited(["--", "sh", "-c", "echo ran > ran.txt"], timeout=10, cwd=s.dir)
        check_one_error(r, "terminal")
        check(listing(s.dir) == [], "COMMAND ran or a file was created: %s" % listing(s.dir))
    scratch_test("notty", body)()


# ---- 2. untrusted files for -folded and -view --------------------------------------

class Recordings:
    """A small good .ior.zst and a good Parquet file of the same workload."""

    def __init__(self):
        self.scratch = it.Scratch("goodrec")
        d = self.scratch.base
        self.iorzst = os.path.join(d, "good.ior.zst")
        self.parquet = os.path.join(d, "good.parquet")
        work = "for i in 1 2 3 4 5 6 7 8; do echo line$i >> %s/f; done" % self.scratch.dir
        r1 = it.run_ior(["-flamegraph", "-name", self.iorzst[:-8], "--", "sh", "-c", work], timeout=30)
        r2 = it.run_ior(["-parquet", self.parquet, "--", "sh", "-c", work], timeout=30)
        self.error = None
        if r1.status != 0 or r2.status != 0 or not os.path.isfile(self.iorzst) \
                or not os.path.isfile(self.parquet):
            self.error = "could not record the good files: %s / %s\n%s%s" % (
                r1.status, r2.status, r1.stderr_tail(), r2.stderr_tail())

    def need(self):
        check(self.error is None, self.error or "")
        return self


_recordings = None


def recordings():
    global _recordings
    if _recordings is None:
        _recordings = Recordings()
    return _recordings.need()


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c", "-"], input=data, capture_output=True, check=True).stdout


def unzstd(path):
    return subprocess.run(["zstd", "-q", "-dc", path], capture_output=True, check=True).stdout


def varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sparse(path, size, head=b"", tail=b""):
    """A sparse file of size bytes: head at 0, tail at the end, zeros between."""
    with open(path, "wb") as f:
        f.truncate(size)
        f.write(head)
        if tail:
            f.seek(size - len(tail))
            f.write(tail)


def iorzst_cases(d, good_path):
    """{name: path} of bad .ior.zst files written into d."""
    good = open(good_path, "rb").read()
    raw = unzstd(good_path)
    cases = {
        "empty": b"",
        "one-byte": good[:1],
        "not-zstd": b"definitely not a recording\n" * 20,
        "truncated-half": good[:len(good) // 2],
        "truncated-last-byte": good[:-1],
        "flipped-byte": good[:len(good) // 2] + bytes([good[len(good) // 2] ^ 0x55]) + good[len(good) // 2 + 1:],
        "wrong-magic": zstd(b"PK\x03\x04" + raw[4:]),
        "wrong-version": zstd(raw[:8] + b"\x02\x00" + raw[10:]),
        "cut-record-stream": zstd(raw[:len(raw) // 2]),
        "trailing-data": zstd(raw + b"\x01"),
        "record-too-long": zstd(raw[:10] + b"\x04" + varint((4 << 20) + 1)),
        "string-too-long": zstd(raw[:10] + b"\x01" + varint(12) + varint(1 << 30) + b"k" * 8),
        "end-count-wrong": zstd(raw[:10] + b"\x03\x02\x05\x00"),
        "kind-zero": zstd(raw[:10] + b"\x00\x00"),
    }
    out = {}
    for name, data in cases.items():
        p = os.path.join(d, name + ".ior.zst")
        with open(p, "wb") as f:
            f.write(data)
        out[name] = p
    # 10 GiB of zeros behind a zstd magic (or a whole good file): no reading to the end
    p = os.path.join(d, "sparse-zstd-magic.ior.zst")
    sparse(p, 10 << 30, head=b"\x28\xb5\x2f\xfd")
    out["sparse-zstd-magic"] = p
    p = os.path.join(d, "sparse-after-good.ior.zst")
    sparse(p, 10 << 30, head=good)
    out["sparse-after-good"] = p
    # a zstd bomb: 2 GiB of records a reader skips, then no end record
    p = os.path.join(d, "bomb.ior.zst")
    rec = b"\x04" + varint(4 << 20) + bytes(4 << 20)
    with open(p, "wb") as f:
        z = subprocess.Popen(["zstd", "-q", "-c", "-3", "-"], stdin=subprocess.PIPE, stdout=f)
        z.stdin.write(raw[:10])
        for _ in range(512):
            z.stdin.write(rec)
        z.stdin.close()
        z.wait()
    out["bomb"] = p
    return out


def parquet_cases(d, good_path):
    """{name: path} of bad Parquet files written into d (each refused when opened)."""
    good = open(good_path, "rb").read()
    flen = int.from_bytes(good[-8:-4], "little")
    footer_at = len(good) - 8 - flen
    cases = {
        "empty": b"",
        "magic-only": b"PAR1",
        "two-magics": b"PAR1PAR1",
        "truncated-half": good[:len(good) // 2],
        "truncated-last-byte": good[:-1],
        "wrong-tail-magic": good[:-4] + b"PAR2",
        "footer-length-huge": good[:-8] + (0x7FFFFFF0).to_bytes(4, "little") + b"PAR1",
        "footer-length-past-start": good[:-8] + (len(good)).to_bytes(4, "little") + b"PAR1",
        "footer-zeroed": good[:footer_at] + bytes(flen) + good[-8:],
        "footer-garbage": good[:footer_at] + bytes((i * 37 + 11) & 0xFF for i in range(flen)) + good[-8:],
        "footer-half": good[:footer_at] + good[footer_at:footer_at + flen // 2]
        + (flen // 2).to_bytes(4, "little") + b"PAR1",
    }
    out = {}
    for name, data in cases.items():
        p = os.path.join(d, name + ".parquet")
        with open(p, "wb") as f:
            f.write(data)
        out[name] = p
    p = os.path.join(d, "sparse-footer-1000.parquet")
    sparse(p, 10 << 30, head=b"PAR1", tail=(1000).to_bytes(4, "little") + b"PAR1")
    out["sparse-footer-1000"] = p
    p = os.path.join(d, "sparse-footer-16m.parquet")
    sparse(p, 10 << 30, head=b"PAR1", tail=(16 << 20).to_bytes(4, "little") + b"PAR1")
    out["sparse-footer-16m"] = p
    return out


def check_bad_file(args, path):
    r = run_limited(args, timeout=30)
    check_one_error(r, os.path.basename(path))
    check(r.elapsed < 20, "%s took %.1f s" % (r.describe(), r.elapsed))
    check(r.rss_kb < RSS_MAX_KB, "%s peaked at %d MB of RSS" % (r.describe(), r.rss_kb // 1024))
    check(r.status == 1, "%s exited %d, expected 1" % (r.describe(), r.status))


_bad_files = {}


def bad_file(kind, name):
    """The bad file name of kind ("iorzst" or "parquet"), all of a kind written at once."""
    if kind not in _bad_files:
        rec = recordings()
        d = os.path.join(rec.scratch.base, "bad-" + kind)
        os.mkdir(d)
        make = iorzst_cases if kind == "iorzst" else parquet_cases
        _bad_files[kind] = make(d, rec.iorzst if kind == "iorzst" else rec.parquet)
    return _bad_files[kind][name]


def make_iorzst_file_test(name):
    def body(s):
        path = bad_file("iorzst", name)
        check_bad_file(["-folded", path], path)
        check_bad_file(["-view", path], path)   # said before the dashboard needs a terminal
        svg = os.path.join(s.dir, "out.svg")
        check_bad_file(["-folded", path, "-svg", svg], path)
        check(not os.path.exists(svg), "an SVG was written for a bad file")
    return scratch_test("badzst", body)


def make_parquet_file_test(name):
    def body(s):
        path = bad_file("parquet", name)
        check_bad_file(["-view", path], path)
    return scratch_test("badpq", body)


def test_file_not_regular():
    """A FIFO (no writer: opening it must not block), a directory, /dev/zero."""
    def body(s):
        fifo = os.path.join(s.dir, "fifo.ior.zst")
        os.mkfifo(fifo)
        for args, path in ((["-view", fifo], fifo), (["-folded", fifo], fifo),
                           (["-view", s.dir], s.dir), (["-folded", s.dir], s.dir),
                           (["-view", "/dev/zero"], "/dev/zero"), (["-folded", "/dev/zero"], "/dev/zero"),
                           (["-view", s.dir + "/missing.parquet"], "missing.parquet")):
            r = run_limited(args, timeout=10)
            check_one_error(r, path, status=1)
    scratch_test("notreg", body)()


def test_view_good_file_no_tty():
    """A good recording without a terminal: one line saying so, exit 1."""
    rec = recordings()
    for path in (rec.iorzst, rec.parquet):
        r = run_limited(["-view", path], timeout=10)
        check_one_error(r, "terminal", status=1)


def make_view_pages_test(kind):
    """A Parquet file whose footer is fine but whose pages are not (every
    byte before the footer flipped; or the good footer at the end of a
    10 GiB sparse file, pointing at zeros): the error comes while the
    dashboard reads the rows; it must end the dashboard, restore the
    terminal, print one line naming the file, exit 1, in bounded memory."""
    def body(s):
        good = open(recordings().parquet, "rb").read()
        flen = int.from_bytes(good[-8:-4], "little")
        footer_at = len(good) - 8 - flen
        bad = os.path.join(s.dir, "pages.parquet")
        if kind == "flipped":
            data = bytearray(good)
            for i in range(4, footer_at):
                data[i] ^= 0x5A
            with open(bad, "wb") as f:
                f.write(bytes(data))
        else:
            sparse(bad, 10 << 30, head=b"PAR1", tail=good[footer_at:])
        p = Pane("pages", 100, 30, cwd=s.dir)
        try:
            p.run("/usr/bin/time -f rss=%%M -o rss.txt %s -view pages.parquet 2>err.txt; "
                  "echo view-exit=$?" % IOR)
            screen = p.wait_text(re.compile(r"view-exit=\d+"), 20)
            status = re.search(r"view-exit=(\d+)", screen).group(1)
            check(status == "1", "exit status %s, expected 1\n%s" % (status, screen))
            check(not p.alternate(), "the terminal was left in the alternate screen")
            lines = open(os.path.join(s.dir, "err.txt"), errors="replace").read().splitlines()
            check(len(lines) == 1 and lines[0].startswith("ior: ") and "pages.parquet" in lines[0],
                  "expected one 'ior: ' line naming the file, got %r" % lines)
            rss = open(os.path.join(s.dir, "rss.txt")).read()
            m = re.search(r"rss=(\d+)", rss)
            check(m and int(m.group(1)) < RSS_MAX_KB, "peak RSS: %r" % rss)
        except AssertionError as e:
            raise TestFailure(str(e))
        finally:
            p.kill()
    return scratch_test("pqpages", body)


# ---- 3. output files -------------------------------------------------------------

PRECIOUS = b"precious, must survive\n"


def plant(s, kind, path):
    """Puts an existing file, a symlink to a file elsewhere, or a dangling
    symlink at path; returns a function asserting it is all untouched."""
    elsewhere = os.path.join(s.base, "elsewhere")
    os.makedirs(elsewhere, exist_ok=True)
    target = os.path.join(elsewhere, "target.txt")
    with open(target, "wb") as f:
        f.write(PRECIOUS)
    os.chmod(target, 0o644)
    missing = os.path.join(elsewhere, "missing.txt")
    if kind == "existing":
        with open(path, "wb") as f:
            f.write(PRECIOUS)
        os.chmod(path, 0o644)
    elif kind == "symlink":
        os.symlink(target, path)
    else:
        os.symlink(missing, path)
    before = listing(os.path.dirname(path))

    def untouched():
        if kind == "existing":
            st = os.lstat(path)
            check(stat.S_ISREG(st.st_mode) and open(path, "rb").read() == PRECIOUS
                  and st.st_mode & 0o777 == 0o644, "the existing %s was modified" % path)
        else:
            check(os.path.islink(path) and os.readlink(path) == (target if kind == "symlink" else missing),
                  "the planted symlink %s was replaced or changed" % path)
        check(open(target, "rb").read() == PRECIOUS and os.stat(target).st_mode & 0o777 == 0o644,
              "the file the symlink points to was written or chmod'ed")
        check(not os.path.exists(missing), "the dangling symlink was followed: %s exists" % missing)
        check(listing(os.path.dirname(path)) == before, "files appeared next to %s: %s"
              % (path, sorted(set(listing(os.path.dirname(path))) - set(before))))
    return untouched


def make_out_test(output, kind):
    def body(s):
        d = s.dir
        ran = os.path.join(s.base, "ran.txt")
        cmd = ["--", "sh", "-c", "echo ran > %s" % ran]
        if output == "parquet":
            path = os.path.join(d, "out.parquet")
            args = ["-parquet", path] + cmd
        elif output == "flamegraph":
            path = os.path.join(d, "out.ior.zst")
            args = ["-flamegraph", "-name", os.path.join(d, "out")] + cmd
        else:
            path = os.path.join(d, "out.svg")
            args = ["-folded", recordings().iorzst, "-svg", path]
        untouched = plant(s, kind, path)
        r = run_limited(args, timeout=20)
        check_one_error(r, path)
        check("exists" in r.lines[0], "the message does not say the file exists: %s" % r.lines[0])
        untouched()
        check(not os.path.exists(ran), "COMMAND ran although its output was refused")
    return scratch_test("out", body)


def test_out_modes():
    """Each output is created 0600 even under umask 0; no temporary file is left."""
    def body(s):
        d = s.dir
        r1 = run_limited(["-parquet", os.path.join(d, "a.parquet"), "--", "true"], umask=0)
        r2 = run_limited(["-flamegraph", "-name", os.path.join(d, "b"), "--", "true"], umask=0)
        r3 = run_limited(["-folded", recordings().iorzst, "-svg", os.path.join(d, "c.svg")], umask=0)
        for r in (r1, r2, r3):
            check(r.status == 0, "%s exited %s\n%s" % (r.describe(), r.status, r.stderr))
        check(listing(d) == ["a.parquet", "b.ior.zst", "c.svg"], "files: %s" % listing(d))
        for name in listing(d):
            mode = os.stat(os.path.join(d, name)).st_mode & 0o777
            check(mode == 0o600, "%s has mode %o under umask 0, expected 600" % (name, mode))
    scratch_test("modes", body)()


def test_out_flamegraph_race():
    """A symlink planted at N.ior.zst while -flamegraph runs is not replaced:
    the run ends with an error naming the file, no temporary file left.
    COMMAND is started only once ior traces, after its start-up check of the
    output name; it says so by a file and waits for the symlink to be
    planted, so the plant always lands between that check and the write."""
    def body(s):
        d = s.dir
        name = os.path.join(d, "race")
        path = name + ".ior.zst"
        started, planted = os.path.join(s.base, "started"), os.path.join(s.base, "planted")
        waiter = 'touch "$1"; while [ ! -e "$2" ]; do sleep 0.05; done'
        proc = subprocess.Popen([IOR, "-flamegraph", "-name", name, "--", "sh", "-c", waiter,
                                 "sh", started, planted],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        end = time.monotonic() + 60
        while not os.path.exists(started) and proc.poll() is None and time.monotonic() < end:
            time.sleep(0.02)
        if not os.path.exists(started):
            proc.kill()
            out, err = proc.communicate(timeout=20)
            raise TestFailure("COMMAND never started (ior exited %s):\n%s"
                              % (proc.returncode, err.decode(errors="replace")))
        untouched = plant(s, "symlink", path)
        open(planted, "w").close()
        out, err = proc.communicate(timeout=60)
        lines = err.decode(errors="replace").splitlines()
        check(proc.returncode not in (0, None), "ior exited %s" % proc.returncode)
        bad = [x for x in lines if path in x]
        check(len(bad) == 1 and "exists" in bad[0] and bad[0].startswith("ior: "),
              "expected one 'ior: ... exists' line naming %s, got:\n%s" % (path, "\n".join(lines)))
        untouched()
    scratch_test("race", body)()


def test_out_flamegraph_race_snapshot():
    """After -flamegraph's first snapshot (IOR_SNAPSHOT_S=1) the file is moved
    away and a symlink planted in its place: later snapshots and the final
    write leave the symlink alone, the run ends with one line naming the
    file, the moved snapshot stays whole, no temporary file is left."""
    def body(s):
        d = s.dir
        name = os.path.join(d, "race")
        path = name + ".ior.zst"
        moved = os.path.join(s.base, "moved.ior.zst")
        proc = subprocess.Popen([IOR, "-flamegraph", "-name", name, "--", "sleep", "4"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env=dict(os.environ, IOR_SNAPSHOT_S="1"))
        t0 = time.monotonic()
        while not os.path.exists(path) and time.monotonic() - t0 < 30 and proc.poll() is None:
            time.sleep(0.02)
        check(os.path.exists(path), "no snapshot was written")
        os.rename(path, moved)
        untouched = plant(s, "symlink", path)
        out, err = proc.communicate(timeout=60)
        lines = err.decode(errors="replace").splitlines()
        check(proc.returncode == 1, "ior exited %s, expected 1" % proc.returncode)
        bad = [x for x in lines if path in x]
        check(len(bad) == 1 and bad[0].startswith("ior: ") and "another file took its place" in bad[0],
              "expected one 'ior: ... another file took its place' line naming %s, got:\n%s"
              % (path, "\n".join(lines)))
        untouched()
        check(iorzst_meta(moved).get("partial") == "snapshot", "the moved snapshot is not whole")
        it.folded(moved)
    scratch_test("race-snap", body)()


# ---- 4. hostile names --------------------------------------------------------------

HOSTILE_LOOP = ('f=$(printf "%s/\\033[2J\\033]0;pwned\\007name"); '
                'while :; do echo x >> "$f"; sleep 0.1; done')


def escapes_ok(colored):
    """Only SGR sequences (colours) may be in the pane; no other ESC."""
    rest = re.sub(r"\x1b\[[0-9;]*m", "", colored)
    return "\x1b" not in rest and "\x07" not in rest


def check_pane_clean(p, what):
    screen = p.screen()
    check(HOSTILE_SHOWN in screen, "%s: the name is not shown escaped as %s:\n%s"
          % (what, HOSTILE_SHOWN, screen))
    check(escapes_ok(p.colored()), "%s: an escape sequence other than SGR reached the pane" % what)
    title = tmux("display-message", "-p", "-t", p.name, "#{pane_title}").strip()
    check("pwned" not in title, "%s: the name set the terminal title to %r" % (what, title))
    check(" ior " in screen.split("\n")[0], "%s: the screen was cleared:\n%s" % (what, screen))


def test_names_dashboard_live():
    def body(s):
        script = os.path.join(s.base, "loop.sh")
        with open(script, "w") as f:
            f.write(HOSTILE_LOOP % s.dir + "\n")
        p = Pane("hostile", 120, 30, cwd=s.dir)
        try:
            p.run("%s -- sh %s; echo ior-exit=$?" % (IOR, script))
            p.wait_text("events/s", 10)
            p.keys("3")
            try:
                p.wait_text(HOSTILE_SHOWN, 10)
            except AssertionError as e:
                raise TestFailure(str(e))
            check_pane_clean(p, "Files tab")
            p.keys("6", "f")
            p.wait_text("Filter rows")
            p.literal("syscall=write")
            p.keys("Enter")
            # the loop's writes to the name stream on; the FILE column shows
            # the end of the name, escaped (its start is cut to fit)
            try:
                screen = p.wait(lambda x: re.search(r" write .*\\x07name ", x), 10,
                                "a write row of the name")
            except AssertionError as e:
                raise TestFailure(str(e))
            check(escapes_ok(p.colored()), "Stream tab: an escape sequence reached the pane")
            title = tmux("display-message", "-p", "-t", p.name, "#{pane_title}").strip()
            check("pwned" not in title, "Stream tab: the name set the terminal title to %r" % title)
            check(" ior " in screen.split("\n")[0], "Stream tab: the screen was cleared:\n" + screen)
            p.keys("q")
            p.wait_text(re.compile(r"ior-exit=\d+"), 10)
        except AssertionError as e:
            raise TestFailure(str(e))
        finally:
            p.kill()
    scratch_test("hostile", body)()


def test_names_dashboard_view_parquet():
    """The same name recorded with -parquet, then shown by -view."""
    def body(s):
        rec = os.path.join(s.base, "hostile.parquet")
        work = HOSTILE_LOOP.replace("while :; do", "for i in 1 2 3; do") % s.dir
        r = it.run_ior(["-parquet", rec, "--", "sh", "-c", work], timeout=30)
        r.check_ran(0)
        rows = it.parquet_records(rec)
        want = os.path.join(s.dir, "").encode() + HOSTILE
        check(sum(1 for x in rows if x["raw_path"] == want and x["sc"] == "write") == 3,
              "the Parquet file does not hold the 3 writes with the name intact")
        p = Pane("hostileview", 120, 30, cwd=s.base)
        try:
            p.run("%s -view hostile.parquet; echo ior-exit=$?" % IOR)
            p.wait_text("Overview", 10)
            p.keys("3")
            p.wait_text(HOSTILE_SHOWN, 10)
            check_pane_clean(p, "-view, Files tab")
            p.keys("q")
            p.wait_text(re.compile(r"ior-exit=0\n"), 10)
        except AssertionError as e:
            raise TestFailure(str(e))
        finally:
            p.kill()
    scratch_test("hostileview", body)()


def test_names_plain():
    def body(s):
        work = HOSTILE_LOOP.replace("while :; do", "for i in 1 2; do") % s.dir
        r = it.run_ior(["-plain", "--", "sh", "-c", work], timeout=30)
        r.check_ran(0)
        r.check_lines()
        check(b"\x1b" not in r.stdout and b"\x07" not in r.stdout, "a raw ESC or BEL is on stdout")
        want = os.path.join(s.dir, "").encode() + HOSTILE
        writes = [x for x in r.records if x["raw_path"] == want and x["sc"] == "write"]
        check(len(writes) == 2, "%d write records of the hostile name, expected 2" % len(writes))
        check(HOSTILE_SHOWN in writes[0]["path"], "escaped as %s" % writes[0]["path"])
    scratch_test("hostileplain", body)()


INVISIBLE_NAME = b"rtl\xe2\x80\xaetxt.exe\xe2\x80\x8b\xef\xbb\xbf\xe2\x81\xa6"


def test_names_invisible():
    """A file name with a right-to-left override, a zero-width space, a BOM
    and an isolate: -plain writes them as \\u escapes (no raw byte of them
    on stdout, every line in the format), Parquet keeps the exact bytes."""
    def body(s):
        path = os.path.join(s.dir, "").encode() + INVISIBLE_NAME
        cmd = ["sh", "-c", 'echo x > "$1"', "sh", os.fsdecode(path)]
        r = it.run_ior(["-plain", "--"] + cmd, timeout=30)
        r.check_ran(0)
        r.check_lines()
        for raw in (b"\xe2\x80\xae", b"\xe2\x80\x8b", b"\xef\xbb\xbf", b"\xe2\x81\xa6"):
            check(raw not in r.stdout, "a raw %r is on stdout" % raw)
        opens = [x for x in r.records if x["raw_path"] == path and x["sc"] == "openat"]
        check(len(opens) == 1, "%d openat records of the name, expected 1" % len(opens))
        check(opens[0]["path"] == '"%s/rtl\\u202etxt.exe\\u200b\\ufeff\\u2066"' % s.dir,
              "shown as %s" % opens[0]["path"])
        out = os.path.join(s.base, "names.parquet")
        r = it.run_ior(["-parquet", out, "--"] + cmd, timeout=30)
        r.check_ran(0)
        rows = [x for x in it.parquet_records(out) if x["raw_path"] == path]
        calls = [x["sc"] for x in rows]
        check(calls.count("openat") == 1 and calls.count("write") == 1,
              "Parquet rows of the exact name: %s" % calls)
    scratch_test("invisible", body)()


class DeepChain:
    """A chain of 40 directories with 250-byte names (over 10 KB, past the
    8 KiB walk limit and PATH_MAX), made with *at calls from a dirfd."""
    LEVELS, NAME = 40, "D" * 250

    def __init__(self, s):
        self.top = os.path.join(s.dir, "chain")
        os.mkdir(self.top)
        fd = os.open(self.top, os.O_RDONLY | os.O_DIRECTORY)
        for _ in range(self.LEVELS):
            os.mkdir(self.NAME, dir_fd=fd)
            nfd = os.open(self.NAME, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        self.dirfd = fd
        self.real = "/".join([self.top] + [self.NAME] * self.LEVELS) + "/deep.txt"
        f = os.open("deep.txt", os.O_RDWR | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(f, b"deep\n")
        self.fd = f

    def close(self):
        os.close(self.fd)
        os.close(self.dirfd)


MARK = b"[truncated]"


def check_deep_path(raw, real, what):
    check(raw is not None and raw.startswith(MARK + b"/"),
          "%s: the path is not marked [truncated]: %r..." % (what, raw[:80] if raw else raw))
    check(real.endswith(raw[len(MARK):]), "%s: the path after the mark is not the end of the real"
          " path: ...%r" % (what, raw[-80:]))


def test_names_deep():
    """Paths past the walk limit: marked, never silently cut, in -plain and Parquet.
    Also path arguments of 5000 bytes (cut at 4095 bytes: marked) and of
    exactly 4095 (whole: not marked)."""
    def body(s):
        chain = DeepChain(s)
        long5000, long4095 = "Q" * 5000, "R" * 4095
        script = ("echo x >&9; cat deep.txt > /dev/null; stat %s >/dev/null 2>&1; "
                  "cd %s; stat %s >/dev/null 2>&1; stat %s >/dev/null 2>&1; true"
                  % ("Z" * 300, s.dir, long5000, long4095))
        saved = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
        os.dup2(chain.fd, 9, inheritable=True)
        try:
            os.fchdir(chain.dirfd)   # COMMAND starts in the deep directory
            plain = it.run_ior(["-plain", "--", "sh", "-c", script], pass_fds=(9,), timeout=30)
            pq = os.path.join(s.base, "deep.parquet")
            pqrun = it.run_ior(["-parquet", pq, "--", "sh", "-c", script], pass_fds=(9,), timeout=30)
        finally:
            os.fchdir(saved)
            os.close(saved)
            os.close(9)
            chain.close()
        plain.check_ran(0)
        plain.check_lines()
        plain.check_summary()
        pqrun.check_ran(0)
        for recs, label in ((plain.records, "-plain"), (it.parquet_records(pq), "Parquet")):
            # sh's `>&9` dup2s fd 9 onto 1: the write goes through fd 1 to deep.txt
            writes = [r for r in recs if r["sc"] == "write" and r["raw_path"]
                      and r["raw_path"].endswith(b"/deep.txt")]
            check(len(writes) == 1, "%s: %d writes to deep.txt, expected 1" % (label, len(writes)))
            check_deep_path(writes[0]["raw_path"], chain.real.encode(), label + " write via fd 9")
            opens = [r for r in recs if r["sc"] in ("openat", "open") and r["raw_path"]
                     and r["raw_path"].endswith(b"/deep.txt") and r["ret"] >= 0]
            check(len(opens) == 1, "%s: %d opens of deep.txt" % (label, len(opens)))
            check_deep_path(opens[0]["raw_path"], chain.real.encode(), label + " relative open")
            zs = [r for r in recs if r["raw_path"] and r["raw_path"].endswith(b"Z" * 300)]
            check(zs, "%s: no stat of the 300-byte name in the deep directory" % label)
            for r in zs:
                check_deep_path(r["raw_path"], os.path.dirname(chain.real).encode() + b"/" + b"Z" * 300,
                                label + " relative stat from the deep cwd")
            # a path in the chain without the mark must be whole: one of the chain's
            # directories high enough to fit (sh walks up with ".." to find its cwd)
            real = chain.real.encode()
            cut = [r for r in recs if r["raw_path"] and DeepChain.NAME.encode() in r["raw_path"]
                   and not r["raw_path"].startswith(MARK) and not real.startswith(r["raw_path"] + b"/")]
            check(not cut, "%s: %d path(s) inside the chain neither whole nor marked, e.g. %r...%r"
                  % (label, len(cut), cut and cut[0]["raw_path"][:60], cut and cut[0]["raw_path"][-60:]))
            full5000 = (s.dir + "/" + long5000).encode()
            qs = [r for r in recs if r["raw_path"] and b"QQQQ" in r["raw_path"]]
            check(qs, "%s: no record of the 5000-byte path argument" % label)
            for r in qs:
                raw = r["raw_path"]
                check(raw.startswith(MARK) and full5000.startswith(raw[len(MARK):]),
                      "%s: the 5000-byte argument (cut at 4095) is not marked: %r...%r"
                      % (label, raw[:60], raw[-20:]))
            rs = [r for r in recs if r["raw_path"] and b"RRRR" in r["raw_path"]]
            check(rs and all(r["raw_path"] == (s.dir + "/" + long4095).encode() for r in rs),
                  "%s: the 4095-byte argument is not reported whole and unmarked" % label)
    scratch_test("deep", body)()


# ---- 5. signals and faults ------------------------------------------------------------

LOOP = "while :; do echo x >> %s; sleep 0.01; done"


def count_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def parquet_writes(path, target):
    rows = it.parquet_records(path)
    return rows, [r for r in rows if r["sc"] == "write" and r["raw_path"] == target.encode()]


def folded_writes(artifact, target):
    stacks = it.folded(artifact, "-fields", "path,tracepoint")
    return stacks.get(";".join(it.path_frames(target) + ["write"]), 0)


def default_stop_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def signal_run(args, sig, settle=1.2):
    """Starts ior with args, sends sig after settle seconds; returns
    (status, stderr lines, summary)."""
    with tempfile.TemporaryFile() as err:
        # the default dispositions, whatever started the tests (nohup, a
        # background job): COMMAND must die of the signal ior passes on
        proc = subprocess.Popen([IOR] + args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True, preexec_fn=default_stop_signals)
        time.sleep(settle)
        proc.send_signal(sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise TestFailure("ior did not end within 15 s of %s" % sig.name)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        err.seek(0)
        text = err.read().decode(errors="replace")
    status = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    return status, text.splitlines(), it.parse_summary(text)


def check_clean_end(status, want, lines, summary, output):
    check(status == want, "ior exited %d, expected %d\n%s" % (status, want, "\n".join(lines)))
    check(summary is not None, "no summary line:\n" + "\n".join(lines))
    check(summary["ring-buffer drops"] == 0 and summary["path drops"] == 0, "losses: %s" % summary)
    check(any(x.startswith("ior: wrote " + output) for x in lines), "no 'ior: wrote %s' line:\n%s"
          % (output, "\n".join(lines)))


def make_signal_test(output, sig, with_command=True):
    """sig during a run: ior drains and completes its file. With COMMAND
    the signal is passed on, COMMAND dies of it, ior exits 128+sig."""
    def body(s):
        target = os.path.join(s.dir, "f")
        if with_command:
            cmd = ["--", "sh", "-c", LOOP % target]
            want = 128 + sig
        else:
            cmd = []
            want = 0
            loop = subprocess.Popen(["sh", "-c", LOOP % target], start_new_session=True)
        try:
            if output == "parquet":
                out = os.path.join(s.base, "sig.parquet")
                status, lines, summary = signal_run(["-parquet", out] + cmd, sig)
            else:
                out = os.path.join(s.base, "sig.ior.zst")
                status, lines, summary = signal_run(["-flamegraph", "-name", out[:-8]] + cmd, sig)
        finally:
            if not with_command:
                loop.kill()
                loop.wait()
        check_clean_end(status, want, lines, summary, out)
        if output == "parquet":
            rows, writes = parquet_writes(out, target)
            check(len(rows) == summary["syscalls"], "%d rows but %d syscalls traced"
                  % (len(rows), summary["syscalls"]))
            if with_command:
                check(len(writes) == count_lines(target), "%d write rows for %d lines written"
                      % (len(writes), count_lines(target)))
            else:
                check(len(writes) >= 20, "only %d writes recorded system-wide" % len(writes))
        else:
            n = folded_writes(out, target)
            if with_command:
                check(n == count_lines(target), "%d writes in the .ior.zst for %d lines written"
                      % (n, count_lines(target)))
            else:
                check(n >= 20, "only %d writes recorded system-wide" % n)
    return scratch_test("sig", body)


def make_segv_test(output):
    def body(s):
        target = os.path.join(s.dir, "f")
        cmd = ["--", "sh", "-c", "echo a >> %s; echo b >> %s; kill -SEGV $$" % (target, target)]
        if output == "parquet":
            out = os.path.join(s.base, "segv.parquet")
            r = it.run_ior(["-parquet", out] + cmd, timeout=30)
        else:
            out = os.path.join(s.base, "segv.ior.zst")
            r = it.run_ior(["-flamegraph", "-name", out[:-8]] + cmd, timeout=30)
        check_clean_end(r.status, 128 + signal.SIGSEGV, r.stderr.splitlines(), r.summary, out)
        if output == "parquet":
            rows, writes = parquet_writes(out, target)
            check(len(rows) == r.summary["syscalls"], "%d rows, %d syscalls" % (len(rows), r.summary["syscalls"]))
            check(len(writes) == 2, "%d write rows, expected 2" % len(writes))
        else:
            check(folded_writes(out, target) == 2, "the .ior.zst does not hold the 2 writes")
    return scratch_test("segv", body)


class Tmpfs:
    """A 256 KiB (or size) tmpfs mounted on a fresh directory; unmounted by close()."""

    def __init__(self, s, size="256k"):
        self.dir = os.path.join(s.base, "small")
        os.mkdir(self.dir)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % size, "tmpfs", self.dir],
                           capture_output=True, text=True)
        check(r.returncode == 0, "cannot mount a tmpfs: %s" % r.stderr.strip())

    def fill(self):
        fd = os.open(os.path.join(self.dir, "filler"), os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while os.write(fd, bytes(4096)) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    def close(self):
        subprocess.run(["umount", "-l", self.dir], capture_output=True)


def storm_stats_prefix(rows):
    """Indices of the storm's stat calls in file order; must be 0..K-1."""
    idx = []
    for r in rows:
        raw = r["raw_path"]
        if raw and raw.startswith(b"/nonexistent-ior-storm/") and r["sc"] in ("newfstatat", "stat", "statx"):
            idx.append(int(raw.split(b"/")[2].split(b"-")[0]))
    return idx


def check_enospc_line(lines, path):
    full = [x for x in lines if "No space left on device" in x]
    check(len(full) == 1 and full[0].startswith("ior: ") and path in full[0],
          "expected one 'ior: ' line naming %s and ENOSPC, got:\n%s" % (path, "\n".join(lines)))
    others = [x for x in lines if x not in full and not it.is_summary(x) and not it.is_command_left(x)]
    check(not others, "other messages besides the summary: %s" % others)


def test_enospc_parquet():
    def body(s):
        fs = Tmpfs(s)
        try:
            out = os.path.join(fs.dir, "full.parquet")
            r = it.run_ior(["-parquet", out, "--", storm(), "names", "30000", "1500"], timeout=40)
            check(r.status not in (0, None), "ior exited %s on a full disk" % r.status)
            check(r.elapsed < 15, "ior took %.1f s: it did not stop at the full disk" % r.elapsed)
            check_enospc_line(r.stderr.splitlines(), out)
            rows = it.parquet_records(out)   # DuckDB must open it
            idx = storm_stats_prefix(rows)
            check(idx, "the file holds no row of the workload: no flush succeeded before the disk"
                  " filled (%d rows)" % len(rows))
            check(idx == list(range(len(idx))), "the workload's rows are not a prefix 0..%d: %s..."
                  % (len(idx) - 1, idx[:20]))
            check(len(idx) < 30000, "all 30000 rows fit: the disk never filled")
            check(listing(fs.dir) == ["full.parquet"], "files left: %s" % listing(fs.dir))
        finally:
            fs.close()
    scratch_test("enospc-pq", body)()


def test_enospc_flamegraph():
    def body(s):
        fs = Tmpfs(s)
        try:
            fs.fill()
            name = os.path.join(fs.dir, "fg")
            r = it.run_ior(["-flamegraph", "-name", name, "--", storm(), "names", "2000", "0"], timeout=40)
            check(r.status not in (0, None), "ior exited %s on a full disk" % r.status)
            check_enospc_line(r.stderr.splitlines(), name + ".ior.zst")
            check(listing(fs.dir) == ["filler"], "files left on the full disk: %s" % listing(fs.dir))
        finally:
            fs.close()
    scratch_test("enospc-fg", body)()


def test_enospc_dashboard():
    """R records into a full disk: the recording stops with a message naming
    the file, DuckDB reads it, the dashboard keeps tracing."""
    def body(s):
        fs = Tmpfs(s)
        p = None
        try:
            p = Pane("enospc", 240, 30, cwd=fs.dir)
            p.run("%s -- %s names 60000 1500; echo ior-exit=$?" % (IOR, storm()))
            p.wait_text("events/s", 10)
            p.keys("R")
            p.wait_text("Record a Parquet file", 5)
            p.keys("C-u")
            p.literal("rec.parquet")
            p.keys("Enter")
            p.wait_text("recording to rec.parquet", 5)
            screen = p.wait_text("No space left on device", 20)
            counts = re.search(r"recording rec\.parquet failed: No space left on device; it keeps (\d+) "
                               r"rows, (\d+) recorded rows are not in it", screen)
            check(counts, "the message does not name the file, the rows kept and lost:\n" + screen)
            time.sleep(1.5)
            foot = p.screen().rstrip("\n").split("\n")[-1]
            m = re.search(r"(\d[\d,]*) events/s", foot)
            check(m and int(m.group(1).replace(",", "")) > 100,
                  "the dashboard stopped tracing after the failed recording: %r" % foot)
            rows = it.parquet_records(os.path.join(fs.dir, "rec.parquet"))
            check(rows and len(rows) == int(counts.group(1)), "the recording holds %d rows, the message "
                  "says %s" % (len(rows), counts.group(1)))
            check(int(counts.group(2)) > 0, "no row lost on a full disk")
            idx = storm_stats_prefix(rows)
            check(idx and idx == list(range(idx[0], idx[0] + len(idx))),
                  "the recorded rows are not one run of consecutive calls")
            p.keys("q")
            p.wait_text(re.compile(r"ior-exit=\d+"), 10)
        except AssertionError as e:
            raise TestFailure(str(e))
        finally:
            if p:
                p.kill()
            fs.close()
    scratch_test("enospc-tui", body)()


# ---- -flamegraph snapshots and key cap ---------------------------------------------

def iorzst_meta(path):
    """The metadata of an .ior.zst file as {key: value} (zstd decompresses,
    the records are parsed here: kind, varint length, payload)."""
    r = subprocess.run(["zstd", "-dcq", path], capture_output=True, timeout=30)
    check(r.returncode == 0, "zstd cannot decompress %s: %s" % (path, r.stderr))
    data, pos, meta = r.stdout, 10, {}
    while pos < len(data):
        kind = data[pos]
        n, pos = it.read_varint(data, pos + 1)
        end = pos + n
        if kind == 1:
            strings = []
            for _ in range(2):
                length, pos = it.read_varint(data, pos)
                strings.append(data[pos:pos + length].decode(errors="replace"))
                pos += length
            meta[strings[0]] = strings[1]
        pos = end
    return meta


def lines_in(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def write_counts(artifact, comm, target):
    """-folded counts (calls, bytes) of comm's writes to target."""
    key = ";".join([comm] + it.path_frames(target) + ["write"])
    return (folded_get(artifact, "count", key), folded_get(artifact, "bytes", key))


def folded_get(artifact, metric, key):
    return it.folded(artifact, "-fields", "comm,path,tracepoint", "-count", metric).get(key, 0)


APPEND_LOOP = 'while :; do echo x >> "$1"; sleep 0.01; done'


def test_snapshot_sigkill():
    """-flamegraph killed with SIGKILL after its first snapshot (10 s): the
    file is there, ior -folded and -view open it, it says it is a partial
    snapshot, and it holds the workload's writes up to the snapshot: at
    least those done 3 s before the snapshot was due, at most those done
    when ior was killed, 2 bytes each; no temporary file is left."""
    def body(s):
        name = os.path.join(s.base, "k")
        path = name + ".ior.zst"
        target = os.path.join(s.dir, "appended")
        proc = subprocess.Popen([IOR, "-flamegraph", "-name", name, "--", "sh", "-c", APPEND_LOOP,
                                 "sh", target], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        t0 = time.monotonic()
        try:
            # the first snapshot is due 10 s after tracing starts, later than t0
            time.sleep(7)
            before = lines_in(target)
            while not os.path.exists(path) and time.monotonic() - t0 < 90:
                time.sleep(0.05)
            check(os.path.exists(path), "no snapshot after %.0f s" % (time.monotonic() - t0))
            time.sleep(0.5)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        at_kill = lines_in(target)
        meta = iorzst_meta(path)
        check(meta.get("partial") == "snapshot", "the file does not say it is partial: %s" % meta)
        check(int(meta["end_ns"]) > int(meta["start_ns"]), "end_ns %s, start_ns %s"
              % (meta["end_ns"], meta["start_ns"]))
        check("lost.ringbuf_drops" in meta, "no loss counters in the snapshot: %s" % meta)
        calls, nbytes = write_counts(path, "sh", target)
        check(before >= 100, "the workload wrote only %d lines in 7 s" % before)
        check(before <= calls <= at_kill, "the snapshot holds %d writes of %s: expected from %d "
              "(done 3 s before the snapshot) to %d (done at the kill)" % (calls, target, before, at_kill))
        check(nbytes == 2 * calls, "%d writes but %d bytes" % (calls, nbytes))
        hc = subprocess.run([it.workload("histcheck"), path], capture_output=True)
        check(hc.returncode == 0, "histograms: %s" % hc.stdout.decode(errors="replace"))
        check(listing(s.base) == sorted(["k.ior.zst", os.path.basename(s.dir)]),
              "files left: %s" % listing(s.base))
        view_shows(s, path, "partial: the run's last snapshot")
    scratch_test("snapkill", body)()


def test_snapshot_final_exact():
    """Snapshots every second (IOR_SNAPSHOT_S=1) over a 3 s run of 300
    appends: the kernel-aggregated writes are collected at every snapshot
    and at the end, and the final file counts each exactly once: 300 writes,
    600 bytes; its histograms agree with its counts; no partial mark."""
    def body(s):
        name = os.path.join(s.base, "x")
        target = os.path.join(s.dir, "appended")
        script = 'i=0; while [ $i -lt 300 ]; do echo x >> "$1"; sleep 0.01; i=$((i+1)); done'
        r = it.run_with_env({"IOR_SNAPSHOT_S": "1"}, lambda: it.run_ior(
            ["-flamegraph", "-name", name, "--", "sh", "-c", script, "sh", target], timeout=120))
        r.check_ran(0)
        path = name + ".ior.zst"
        check(lines_in(target) == 300, "the workload wrote %d lines" % lines_in(target))
        check(write_counts(path, "sh", target) == (300, 600), "writes/bytes of %s: %s, expected "
              "(300, 600)" % (target, write_counts(path, "sh", target)))
        check("partial" not in iorzst_meta(path), "the final file says it is partial")
        hc = subprocess.run([it.workload("histcheck"), path], capture_output=True)
        check(hc.returncode == 0, "histograms: %s" % hc.stdout.decode(errors="replace"))
    scratch_test("snapexact", body)()


def view_shows(s, path, text):
    """ior -view path shows text (the status line) in the dashboard."""
    p = Pane("view", 200, 30, cwd=s.base)
    try:
        p.run("%s -view %s" % (IOR, path))
        p.wait_text(text, 15)
        p.keys("q")
        p.wait_gone(" ior ", 10)
    except AssertionError as e:
        raise TestFailure("-view %s: %s" % (path, e))
    finally:
        p.kill()


SNAPSHOT_LINE = re.compile(r"^ior: cannot write (.*): No space left on device; it keeps the snapshot "
                           r"taken [\d.]+ s into the run \((\d+) syscalls\); the (\d+) syscalls after "
                           r"it are lost$")


def test_enospc_flamegraph_snapshot():
    """The disk fills after a snapshot (IOR_SNAPSHOT_S=1): the final write
    fails, the file keeps the last snapshot that fit (exactly the 150
    writes before the disk filled, none of the 100 after), one line says
    how many syscalls it holds and how many are lost (together: the
    summary's count, the held ones: the file's), exit 1, no temporary."""
    def body(s):
        fs = Tmpfs(s)
        try:
            name = os.path.join(fs.dir, "fg")
            path = name + ".ior.zst"
            target = os.path.join(s.dir, "appended")
            script = ('i=0; while [ $i -lt 150 ]; do echo x >> "$1"; i=$((i+1)); done; sleep 4; '
                      'dd if=/dev/zero of="$2/filler" bs=4096 2>/dev/null; '
                      'i=0; while [ $i -lt 100 ]; do echo x >> "$1"; i=$((i+1)); done')
            r = it.run_with_env({"IOR_SNAPSHOT_S": "1"}, lambda: it.run_ior(
                ["-flamegraph", "-name", name, "--", "sh", "-c", script, "sh", target, fs.dir],
                timeout=60))
            check(r.status == 1, "ior exited %s on a full disk, expected 1" % r.status)
            lines = r.stderr.splitlines()
            check_enospc_line(lines, path)
            m = [SNAPSHOT_LINE.match(x) for x in lines]
            m = [x for x in m if x]
            check(len(m) == 1 and m[0].group(1) == path,
                  "the line does not say what the file keeps:\n%s" % "\n".join(lines))
            kept, lost = int(m[0].group(2)), int(m[0].group(3))
            check(lines_in(target) == 250, "the workload wrote %d lines" % lines_in(target))
            check(write_counts(path, "sh", target) == (150, 300),
                  "the file holds %s writes/bytes of %s, expected the 150 before the disk filled"
                  % (write_counts(path, "sh", target), target))
            total = sum(it.folded(path).values())
            check(kept == total, "the line says %d syscalls are kept, the file holds %d" % (kept, total))
            check(kept + lost == r.summary["syscalls"], "kept %d + lost %d != the summary's %d syscalls"
                  % (kept, lost, r.summary["syscalls"]))
            check(lost >= 100, "only %d syscalls lost: the 100 writes after the fill are more" % lost)
            check(iorzst_meta(path).get("partial") == "snapshot", "the kept file is not marked partial")
            check(listing(fs.dir) == ["fg.ior.zst", "filler"], "files left: %s" % listing(fs.dir))
        finally:
            fs.close()
    scratch_test("enospc-fgsnap", body)()


CAP_LINE = re.compile(r"; past the key cap \((\d+)\) (\d+) syscalls had their file folded into its "
                      r"directory, (\d+) into \[other files\], (\d+) into \[other\]$")


def test_cap_folds_files_first():
    """IOR_AGG_CAP=200, then 400 distinct files created in churn/, then
    twocomm in other/: past the cap the paths fold into their directory but
    comm and syscall stay exact: churn/'s 400 opens and closes are all
    counted under sh, iorA and iorB keep exactly their 5 writes (25 bytes),
    1 openat and 1 close each under other/; the closing line's folded
    counts equal the file's metadata and the calls under folded paths;
    -view shows them."""
    def body(s):
        churn, other = os.path.join(s.dir, "churn"), os.path.join(s.dir, "other")
        os.mkdir(churn)
        os.mkdir(other)
        name = os.path.join(s.base, "cap")
        path = name + ".ior.zst"
        script = ('i=0; while [ $i -lt 400 ]; do : > "$1/tmp$i"; i=$((i+1)); done; exec "$2" "$3"')
        r = it.run_with_env({"IOR_AGG_CAP": "200"}, lambda: it.run_ior(
            ["-flamegraph", "-name", name, "--", "sh", "-c", script, "sh", churn,
             it.workload("twocomm"), other], timeout=60))
        r.check_ran(0)
        m = [CAP_LINE.search(x) for x in r.stderr.splitlines()]
        m = [x for x in m if x]
        check(len(m) == 1, "no folded counts in the closing line:\n" + r.stderr_tail())
        cap, in_dir, in_files, in_other = (int(x) for x in m[0].groups())
        check(cap == 200 and in_dir > 0, "cap %d, %d folded into directories" % (cap, in_dir))
        meta = iorzst_meta(path)
        check((meta.get("agg.cap"), meta.get("agg.folded_dir"), meta.get("agg.folded_files"),
               meta.get("agg.folded")) == tuple(str(x) for x in (cap, in_dir, in_files, in_other)),
              "metadata %s disagrees with the closing line" % meta)
        check("partial" not in meta, "the final file says it is partial")
        stacks = it.folded(path, "-fields", "comm,path,tracepoint", "-count", "count")
        under_dir = sum(v for k, v in stacks.items() if k.split(";")[-2].endswith("/"))
        under_files = sum(v for k, v in stacks.items() if "[other files]" in k.split(";"))
        under_other = sum(v for k, v in stacks.items() if k.startswith("[other];"))
        check((under_dir, under_files, under_other) == (in_dir, in_files, in_other),
              "calls under folded paths %s, the closing line says %s"
              % ((under_dir, under_files, under_other), (in_dir, in_files, in_other)))
        prefix = ";".join(["sh"] + it.path_frames(churn + "/x")[:-1])
        for sc in ("openat", "close"):
            n = sum(v for k, v in stacks.items() if k.startswith(prefix + ";") and k.endswith(";" + sc))
            check(n == 400, "sh made %d %s calls in churn/, expected 400" % (n, sc))
        folded_other = ";".join(it.path_frames(other + "/x")[:-1])
        for comm in ("iorA", "iorB"):
            for sc, calls in (("openat", 1), ("write", 5), ("close", 1)):
                key = "%s;%s;%s" % (comm, folded_other, sc)
                check(stacks.get(key) == calls, "%s=%s, expected %d: %s"
                      % (key, stacks.get(key), calls,
                         sorted(k for k in stacks if k.startswith(comm + ";"))))
            key = "%s;%s;write" % (comm, folded_other)
            check(folded_get(path, "bytes", key) == 25, "%s: not 25 bytes" % key)
        view_shows(s, path, "key cap: %d calls' files folded into their directory, %d into "
                   "[other files], %d into [other]" % (in_dir, in_files, in_other))
    scratch_test("cap", body)()


def sigpipe_run(args, head_after):
    """ior args | head -1, head started head_after seconds after ior (by then
    an idle COMMAND's records all sit in the pipe, and none follow): returns
    (seconds from head's exit to ior's, ior's status, ior's stderr)."""
    with tempfile.TemporaryFile() as err:
        ior = subprocess.Popen([IOR] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=err, start_new_session=True)
        time.sleep(head_after)
        head = subprocess.Popen(["head", "-1"], stdin=ior.stdout, stdout=subprocess.DEVNULL)
        ior.stdout.close()
        try:
            # an idle host may do no file I/O for a long time: give a
            # system-wide ior something to print until head has its line
            give_up = time.monotonic() + 20
            while head.poll() is None:
                if time.monotonic() > give_up:
                    raise TestFailure("head got no line from ior in 20 s")
                with open(os.devnull, "w") as sink:
                    sink.write("x")
                subprocess.run(["true"])
                time.sleep(0.1)
            t_head = time.monotonic()
            try:
                ior.wait(10)
            except subprocess.TimeoutExpired:
                raise TestFailure("ior kept running 10 s after head exited")
            lag = time.monotonic() - t_head
        finally:
            for proc in (ior, head):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            try:
                os.killpg(ior.pid, signal.SIGKILL)
            except OSError:
                pass
        err.seek(0)
        return lag, ior.returncode, err.read().decode(errors="replace")


def make_sigpipe_test(args, head_after=1.5):
    def test():
        lag, status, err = sigpipe_run(args, head_after)
        check(lag < 2.0, "ior took %.1f s to notice that head exited" % lag)
        check(status in (0, 141, -signal.SIGPIPE), "ior exited %s" % status)
        lines = err.splitlines()
        noise = [x for x in lines if not it.is_summary(x) and not it.is_command_left(x)]
        check(not noise, "messages other than the summary: %s" % noise)
        if "--" in args:
            # COMMAND does not write to the pipe head closed: it runs on, and ior says so
            check(sum(map(it.is_command_left, lines)) == 1, "no 'COMMAND ... still running' line:\n"
                  + err)
    return test


# ---- -plain's stdout: errors said, a stalled reader never holds ior ------------------

def run_to(args, stdout, close_stdout=False, timeout=60):
    """Runs IOR args with stdout (a file object), or with fd 1 closed; a Result."""
    with tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen([IOR] + args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err,
                                start_new_session=True,
                                preexec_fn=(lambda: os.close(1)) if close_stdout else None)
        try:
            status = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
        elapsed = time.monotonic() - t0
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
        err.seek(0)
        return Result(args, status, elapsed, b"", err.read(), 0)


def check_write_error(r, reason):
    """exit 1, one `ior: cannot write to stdout: REASON; N output lines lost`
    line, the summary's two lines and nothing else; returns (N, summary)."""
    check(r.status == 1, "%s exited %s, expected 1\n%s" % (r.describe(), r.status, r.stderr))
    # a COMMAND that outlives the run is said in one more line
    errors = [x for x in r.lines if not it.is_summary(x) and not it.is_command_left(x)]
    check(len(errors) == 1 and len(r.lines) - sum(map(it.is_command_left, r.lines)) == 3,
          "expected one error line and the summary, got:\n%s"
          % r.stderr)
    m = re.match(r"^ior: cannot write to stdout: %s; (\d+) output lines lost$" % re.escape(reason),
                 errors[0])
    check(m, "the error line does not say %r and the lines lost: %s" % (reason, errors[0]))
    summary = it.parse_summary(r.stderr)
    check(summary["output lines"] == int(m.group(1)), "the error line and the summary disagree:\n%s"
          % r.stderr)
    return int(m.group(1)), summary


def test_plainout_dev_full():
    with open("/dev/full", "wb") as full:
        r = run_to(["-plain", "--", "sh", "-c", "echo a > /dev/null; echo b > /dev/null"], full)
    lost, summary = check_write_error(r, "No space left on device")
    check(lost == summary["syscalls"] > 0, "%d lines lost of %d syscalls: every one is lost on /dev/full"
          % (lost, summary["syscalls"]))


def test_plainout_enospc():
    """A 1 MiB tmpfs fills while -plain writes ~5 MB of lines: the file holds
    whole lines only, and they plus the lines lost are every syscall."""
    def body(s):
        fs = Tmpfs(s, "1m")
        try:
            out = os.path.join(fs.dir, "lines")
            with open(out, "wb") as f:
                r = run_to(["-plain", "--", storm(), "names", "20000", "0"], f, timeout=40)
            lost, summary = check_write_error(r, "No space left on device")
            with open(out, "rb") as f:
                data = f.read()
            check(len(data) > 512 * 1024, "only %d bytes in the file: the disk never filled" % len(data))
            check(data.endswith(b"\n"), "the file ends with a cut line: %r" % data[-200:])
            lines = data.split(b"\n")[:-1]
            bad = [x for x in lines if it.parse_record(x) is None]
            check(not bad, "%d lines of the file do not parse, e.g. %r" % (len(bad), bad[:2]))
            check(len(lines) + lost == summary["syscalls"], "%d lines in the file + %d lost != %d syscalls"
                  % (len(lines), lost, summary["syscalls"]))
        finally:
            fs.close()
    scratch_test("enospc-plain", body)()


def test_plainout_closed():
    r = run_to(["-plain", "--", "true"], subprocess.DEVNULL, close_stdout=True)
    check_one_error(r, "stdout is closed", status=1)


def test_plainout_read_only():
    with open(os.devnull, "rb") as ro:
        r = run_to(["-plain", "--", "true"], ro)
    check_one_error(r, "stdout is open for reading only", status=1)


def read_some(fd, timeout):
    """One read of what fd (a FIFO) holds, waiting up to timeout s; b"" at EOF."""
    import select
    ready, _, _ = select.select([fd], [], [], timeout)
    check(ready, "nothing to read from ior within %.0f s" % timeout)
    return os.read(fd, 1 << 20)


def read_to_eof(fd, timeout):
    """Everything fd (a FIFO) gives until its writers are gone."""
    data = b""
    while True:
        chunk = read_some(fd, timeout)
        if not chunk:
            return data
        data += chunk


def stalled_reader_run(s, args, stall, sig, stderr_too=False):
    """ior -plain -pid WORKLOAD ARGS > FIFO (2>&1 with stderr_too). The reader
    takes ior's first write, then reads nothing more until ior has exited;
    sig (or None) goes to ior stall seconds after that first write. Returns
    (seconds from the first write (sig: from sig) to ior's exit, exit status,
    every byte ior wrote, stderr lines, summary)."""
    fifo = os.path.join(s.base, "out.fifo")
    os.mkfifo(fifo)
    loop = subprocess.Popen(["sh", "-c", 'while :; do echo x >> "$0"; done', os.path.join(s.dir, "f")],
                            start_new_session=True)
    rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    proc = None
    try:
        with open(fifo, "wb") as w, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([IOR, "-plain", "-pid", str(loop.pid)] + args,
                                    stdin=subprocess.DEVNULL, stdout=w,
                                    stderr=w if stderr_too else err, start_new_session=True)
            w.close()
            data = read_some(rfd, 30)
            t0 = time.monotonic()
            time.sleep(stall)
            if sig is not None:
                proc.send_signal(sig)
                t0 = time.monotonic()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                raise TestFailure("ior kept running 30 s with a reader that stopped reading")
            elapsed = time.monotonic() - t0
            data += read_to_eof(rfd, 10)
            err.seek(0)
            text = err.read().decode(errors="replace")
    finally:
        os.close(rfd)
        loop.kill()
        loop.wait()
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
    return elapsed, proc.returncode, data, text.splitlines(), it.parse_summary(text)


def check_stalled_accounting(status, data, lines, summary):
    """exit 0, only the summary; whole lines that parse; lines read + lines
    lost = syscalls; lines lost, but no ring-buffer drops."""
    check(status == 0, "ior exited %s\n%s" % (status, "\n".join(lines)))
    check(summary is not None and all(it.is_summary(x) for x in lines),
          "expected only the summary on stderr:\n%s" % "\n".join(lines))
    check(data.endswith(b"\n"), "the reader got a cut line: %r" % data[-200:])
    records = data.split(b"\n")[:-1]
    bad = [x for x in records if it.parse_record(x) is None]
    check(not bad, "%d lines do not parse, e.g. %r" % (len(bad), bad[:2]))
    lost = summary["output lines"]
    check(lost > 0, "no lines lost, though the reader stopped: %s" % summary)
    check(len(records) + lost == summary["syscalls"], "%d lines read + %d lost != %d syscalls"
          % (len(records), lost, summary["syscalls"]))
    check(summary["ring-buffer drops"] == 0 and summary["path drops"] == 0,
          "the rings were not drained while stdout was stalled: %s" % summary)


def test_plainout_stalled_sigint():
    def body(s):
        elapsed, status, data, lines, summary = stalled_reader_run(s, [], 1.5, signal.SIGINT)
        check(elapsed < 3.0, "ior took %.2f s after SIGINT to exit (bound: 3 s)" % elapsed)
        check_stalled_accounting(status, data, lines, summary)
    scratch_test("stall-int", body)()


def test_plainout_stalled_stderr_too():
    """2>&1 into the stalled FIFO: ior's last messages cannot hold it either."""
    def body(s):
        elapsed, status, data, _, _ = stalled_reader_run(s, [], 1.5, signal.SIGINT, stderr_too=True)
        check(elapsed < 3.0, "ior took %.2f s after SIGINT to exit (bound: 3 s)" % elapsed)
        check(status == 0, "ior exited %s" % status)
    scratch_test("stall-2", body)()


def test_plainout_stalled_duration():
    def body(s):
        elapsed, status, data, lines, summary = stalled_reader_run(s, ["-duration", "2"], 0, None)
        check(elapsed < 2 + 3.0, "ior ran %.2f s past its first line with -duration 2 (bound: 5 s)"
              % elapsed)
        check_stalled_accounting(status, data, lines, summary)
    scratch_test("stall-dur", body)()


def test_plainout_slow_reader_gets_all():
    """COMMAND makes 20000 calls (~5 MB of lines, more than ior's buffer and
    the pipe hold, less than half its rings) and exits while nobody reads:
    ior waits for the reader, which gets every line."""
    def body(s):
        fifo = os.path.join(s.base, "out.fifo")
        os.mkfifo(fifo)
        rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            with open(fifo, "wb") as w, tempfile.TemporaryFile() as err:
                proc = subprocess.Popen([IOR, "-plain", "--", storm(), "names", "20000", "0"],
                                        stdin=subprocess.DEVNULL, stdout=w, stderr=err,
                                        start_new_session=True)
                w.close()
                time.sleep(3)
                check(proc.poll() is None, "ior exited before its reader read its lines")
                data = read_to_eof(rfd, 30)
                proc.wait(30)
                err.seek(0)
                text = err.read().decode(errors="replace")
        finally:
            os.close(rfd)
        check(proc.returncode == 0, "ior exited %s\n%s" % (proc.returncode, text))
        summary = it.parse_summary(text)
        records = [it.parse_record(x) for x in data.split(b"\n")[:-1]]
        check(data.endswith(b"\n") and None not in records, "cut or bad lines")
        check(summary["output lines"] == 0 and len(records) == summary["syscalls"],
              "%d lines read for %d syscalls: %s" % (len(records), summary["syscalls"], summary))
        stats = [r for r in records if r["raw_path"] and r["raw_path"].startswith(b"/nonexistent-ior-storm/")]
        check(len(stats) == 20000, "%d of the 20000 stat lines" % len(stats))
    scratch_test("slow-reader", body)()


# ---- 6. thread and fork storms ---------------------------------------------------------

def check_storm(s, run, files, want_status):
    run.check_ran(want_status)
    run.check_lines()
    run.check_summary()
    check(run.summary.get("unknown paths", 0) == 0, "unknown paths: %s" % run.summary)
    d = s.dir.encode()
    writes = {}
    for r in run.records:
        if r["sc"] == "write" and r["raw_path"] and r["raw_path"].startswith(d + b"/"):
            writes.setdefault(r["raw_path"], []).append(r)
    problems = []
    for name in files:
        path = os.path.join(s.dir, name)
        with open(path, "rb") as f:
            content = f.read()
        pid, tid = (int(x) for x in content.split())
        got = writes.pop(path.encode(), [])
        if len(got) != 1:
            problems.append("%s: %d write records, expected 1" % (name, len(got)))
            continue
        r = got[0]
        if (r["pid"], r["tid"], r["bytes"], r["ret"]) != (pid, tid, len(content), len(content)):
            problems.append("%s: pid %d tid %d bytes %d, expected pid %d tid %d bytes %d\n    %s"
                            % (name, r["pid"], r["tid"], r["bytes"], pid, tid, len(content), r["line"]))
    for path, recs in writes.items():
        problems.append("write records for a file nobody wrote: %r (%d)" % (path, len(recs)))
    check(not problems, "%d problem(s):\n%s" % (len(problems), "\n".join(problems[:15])))


def test_storm_threads():
    def body(s):
        run = it.run_ior(["-plain", "--", storm(), "threads", s.dir, "2000"], timeout=60)
        files = listing(s.dir)
        check(len(files) == 2000, "the workload wrote %d files, expected 2000" % len(files))
        check_storm(s, run, files, 0)
        tids = {int(open(os.path.join(s.dir, f)).read().split()[1]) for f in files}
        check(len(tids) == 2000, "only %d distinct thread ids" % len(tids))
    scratch_test("threads", body)()


def test_storm_forks():
    """500 children (50 with a grandchild) under sh, which exits 5 after
    them: every process is followed, ior exits with sh's status."""
    def body(s):
        run = it.run_ior(["-plain", "--", "sh", "-c", '"$0" forks "$1" 500 && exit 5', storm(), s.dir],
                         timeout=60)
        files = listing(s.dir)
        check(len(files) == 550, "the workload wrote %d files, expected 550" % len(files))
        check(len([f for f in files if f.startswith("g")]) == 50, "grandchildren's files missing")
        check_storm(s, run, files, 5)
        pids = {int(open(os.path.join(s.dir, f)).read().split()[0]) for f in files}
        check(len(pids) == 550, "only %d distinct pids" % len(pids))
    scratch_test("forks", body)()


# ---- the runner ----------------------------------------------------------------------

TESTS = [("cli:" + name, make_cli_test(*case)) for name, case in CLI_CASES.items()]
TESTS += [("cli:cmd-%s:%s" % (kind, mode), make_cmd_test(kind, mode))
          for kind in CMD_CASES for mode in CMD_MODES]
TESTS += [("cli:dashboard-no-tty", test_dashboard_no_tty)]
TESTS += [("file:iorzst:" + name, make_iorzst_file_test(name)) for name in (
    "empty", "one-byte", "not-zstd", "truncated-half", "truncated-last-byte", "flipped-byte",
    "wrong-magic", "wrong-version", "cut-record-stream", "trailing-data", "record-too-long",
    "string-too-long", "end-count-wrong", "kind-zero", "sparse-zstd-magic", "sparse-after-good",
    "bomb")]
TESTS += [("file:parquet:" + name, make_parquet_file_test(name)) for name in (
    "empty", "magic-only", "two-magics", "truncated-half", "truncated-last-byte", "wrong-tail-magic",
    "footer-length-huge", "footer-length-past-start", "footer-zeroed", "footer-garbage",
    "footer-half", "sparse-footer-1000", "sparse-footer-16m")]
TESTS += [("file:not-regular", test_file_not_regular),
          ("file:view-no-tty", test_view_good_file_no_tty),
          ("file:parquet:dashboard:pages-flipped", make_view_pages_test("flipped")),
          ("file:parquet:dashboard:sparse-good-footer", make_view_pages_test("sparse"))]
TESTS += [("out:%s:%s" % (output, kind), make_out_test(output, kind))
          for output in ("parquet", "flamegraph", "svg") for kind in ("existing", "symlink", "dangling")]
TESTS += [("out:mode-0600", test_out_modes), ("out:flamegraph-race", test_out_flamegraph_race),
          ("out:flamegraph-race-snapshot", test_out_flamegraph_race_snapshot)]
TESTS += [("names:dashboard-live", test_names_dashboard_live),
          ("names:dashboard-view-parquet", test_names_dashboard_view_parquet),
          ("names:plain", test_names_plain), ("names:deep-and-long", test_names_deep)]
TESTS += [("signal:%s:%s" % (sig.name, output), make_signal_test(output, sig))
          for output in ("parquet", "flamegraph") for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
TESTS += [("signal:SIGTERM:parquet:system-wide", make_signal_test("parquet", signal.SIGTERM, False)),
          ("signal:SIGINT:flamegraph:system-wide", make_signal_test("flamegraph", signal.SIGINT, False)),
          ("signal:command-segv:parquet", make_segv_test("parquet")),
          ("signal:command-segv:flamegraph", make_segv_test("flamegraph"))]
TESTS += [("enospc:parquet", test_enospc_parquet), ("enospc:flamegraph", test_enospc_flamegraph),
          ("enospc:flamegraph-snapshot", test_enospc_flamegraph_snapshot),
          ("enospc:dashboard-recorder", test_enospc_dashboard)]
TESTS += [("snapshot:sigkill", test_snapshot_sigkill), ("snapshot:final-exact", test_snapshot_final_exact), ("cap:folds-files-first", test_cap_folds_files_first)]
TESTS += [("sigpipe:idle-command", make_sigpipe_test(["-plain", "--", "sh", "-c",
                                                      "echo hi > /dev/null; sleep 30"])),
          ("sigpipe:busy-command", make_sigpipe_test(["-plain", "--", "sh", "-c",
                                                      "while :; do echo x > /dev/null; done"])),
          ("sigpipe:system-wide", make_sigpipe_test(["-plain"], 0.0))]
TESTS += [("plainout:dev-full", test_plainout_dev_full), ("plainout:enospc", test_plainout_enospc),
          ("plainout:closed", test_plainout_closed), ("plainout:read-only", test_plainout_read_only),
          ("plainout:stalled-sigint", test_plainout_stalled_sigint),
          ("plainout:stalled-stderr-too", test_plainout_stalled_stderr_too),
          ("plainout:stalled-duration", test_plainout_stalled_duration),
          ("plainout:slow-reader-gets-all", test_plainout_slow_reader_gets_all)]
TESTS += [("storm:threads-2000", test_storm_threads), ("storm:forks-500", test_storm_forks)]


# ---- COMMAND outlives ior; ior's signals whatever it inherited -----------------

STILL_RE = re.compile(r"^ior: COMMAND 'sh' \(pid (\d+)\) is still running; ior stopped tracing it "
                      r"and leaves it running$")
COUNT_LOOP = "for i in 1 2 3 4 5 6; do echo $i >> %s; sleep 0.5; done"
COUNTED = "".join("%d\n" % i for i in range(1, 7))


def inherited(ignore=(), block=(), nofile=None):
    """A preexec function giving the child the dispositions, mask and
    open-file soft limit a shell, nohup or a background job would."""
    def pre():
        for sig in ignore:
            signal.signal(sig, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, set(block))
        if nofile is not None:
            soft, hard = nofile
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return pre


def start_ior(args, pre=None, stdout=subprocess.DEVNULL):
    """ior in a process group of its own (not a new session: COMMAND may
    outlive it there), stderr to a file; returns (proc, stderr file)."""
    err = tempfile.TemporaryFile()
    def setup():
        os.setpgid(0, 0)
        if pre:
            pre()
    proc = subprocess.Popen([IOR] + args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err,
                            preexec_fn=setup, restore_signals=False)
    return proc, err


def finish_ior(proc, err, timeout, what):
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise TestFailure("ior did not end within %d s of %s" % (timeout, what))
    err.seek(0)
    lines = err.read().decode(errors="replace").splitlines()
    err.close()
    status = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    return status, lines


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pid, timeout):
    t0 = time.monotonic()
    while alive(pid):
        if time.monotonic() - t0 > timeout:
            return False
        time.sleep(0.05)
    return True


def still_running(lines):
    """COMMAND's pid from ior's 'still running' line; fails without one."""
    m = [STILL_RE.match(x) for x in lines]
    m = [x for x in m if x]
    check(len(m) == 1, "no single 'COMMAND ... is still running' line:\n" + "\n".join(lines))
    return int(m[0].group(1))


def output_args(s, output):
    if output == "plain":
        return []
    if output == "parquet":
        return ["-parquet", os.path.join(s.base, "c.parquet")]
    return ["-flamegraph", "-name", os.path.join(s.base, "c")]


def make_duration_command_test(output):
    """-duration 1 with a COMMAND that runs 3 s: ior stops after 1 s, says
    that COMMAND goes on, and COMMAND finishes its six lines."""
    def body(s):
        target = os.path.join(s.dir, "count")
        t0 = time.monotonic()
        proc, err = start_ior(output_args(s, output) + ["-plain"] * (output == "plain") +
                              ["-duration", "1", "--", "sh", "-c", COUNT_LOOP % target])
        status, lines = finish_ior(proc, err, 15, "-duration 1")
        took = time.monotonic() - t0
        pid = still_running(lines)
        check(status == 0, "ior exited %d\n%s" % (status, "\n".join(lines)))
        check(took < 2.9, "ior took %.1f s to stop after -duration 1: COMMAND's 3 s?" % took)
        check(alive(pid), "COMMAND (pid %d) did not outlive ior" % pid)
        check(wait_gone(pid, 20), "COMMAND (pid %d) did not finish" % pid)
        with open(target) as f:
            got = f.read()
        check(got == COUNTED, "COMMAND wrote %r, not its six lines" % got)
        if output != "plain":
            check(any(x.startswith("ior: wrote ") for x in lines), "no 'ior: wrote' line:\n"
                  + "\n".join(lines))
    return scratch_test("dur", body)


def test_command_survives_sigkill():
    """ior killed by SIGKILL while COMMAND runs: COMMAND is not killed with it."""
    def body(s):
        target = os.path.join(s.dir, "count")
        proc, err = start_ior(["-parquet", os.path.join(s.base, "k.parquet"), "--", "sh", "-c",
                               COUNT_LOOP % target])
        t0 = time.monotonic()
        while not os.path.exists(target) and time.monotonic() - t0 < 10:
            time.sleep(0.02)
        check(os.path.exists(target), "COMMAND never started")
        kids = [int(x) for x in open("/proc/%d/task/%d/children" % (proc.pid, proc.pid)).read().split()]
        check(len(kids) == 1, "ior has children %s, expected COMMAND alone" % kids)
        proc.kill()
        proc.wait()
        err.close()
        check(wait_gone(kids[0], 20), "COMMAND (pid %d) did not finish" % kids[0])
        with open(target) as f:
            got = f.read()
        check(got == COUNTED, "COMMAND wrote %r after ior was killed, not its six lines" % got)
    scratch_test("kill", body)()


def make_inherited_stop_test(sig):
    """ior started with SIGINT, SIGTERM and SIGHUP ignored (nohup, a
    background job) still stops on sig, with its summary, status 0."""
    def test():
        proc, err = start_ior(["-plain", "-pid", "1"],
                              inherited(ignore=(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)))
        time.sleep(1.5)
        proc.send_signal(sig)
        status, lines = finish_ior(proc, err, 5, sig.name)
        check(status == 0, "ior exited %d after %s\n%s" % (status, sig.name, "\n".join(lines)))
        check(it.parse_summary("\n".join(lines)) is not None, "no summary:\n" + "\n".join(lines))
    return test


def test_inherited_command_ignores():
    """With SIGINT ignored from its parent, COMMAND ignores it as it would
    without ior: ior stops at once on SIGINT (passing it on would do
    nothing), completes its file and leaves COMMAND running."""
    def body(s):
        target = os.path.join(s.dir, "count")
        out = os.path.join(s.base, "i.parquet")
        proc, err = start_ior(["-parquet", out, "--", "sh", "-c", COUNT_LOOP % target],
                              inherited(ignore=(signal.SIGINT, signal.SIGHUP)))
        t0 = time.monotonic()
        while not os.path.exists(target) and time.monotonic() - t0 < 10:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        status, lines = finish_ior(proc, err, 5, "SIGINT")
        pid = still_running(lines)
        check(status == 0, "ior exited %d\n%s" % (status, "\n".join(lines)))
        check(any(x.startswith("ior: wrote " + out) for x in lines), "no 'ior: wrote' line:\n"
              + "\n".join(lines))
        check(wait_gone(pid, 20), "COMMAND (pid %d) did not finish" % pid)
        with open(target) as f:
            check(f.read() == COUNTED, "COMMAND did not write its six lines")
    scratch_test("ign", body)()


def test_inherited_sigchld_ignored():
    """An ignored SIGCHLD inherited would let the kernel reap COMMAND behind
    ior's back: ior still ends with COMMAND and returns its status."""
    proc, err = start_ior(["-plain", "--", "sh", "-c", "exit 3"], inherited(ignore=(signal.SIGCHLD,)))
    status, lines = finish_ior(proc, err, 10, "COMMAND's exit")
    check(status == 3, "ior exited %d, not COMMAND's 3\n%s" % (status, "\n".join(lines)))


# COMMAND reads its own state before it does anything else (a shell's mask
# changes while it waits for its children)
PROBE = ["grep", "-hE", "^(SigBlk|SigIgn|Max open files)", "/proc/self/status", "/proc/self/limits"]


def test_command_gets_its_signals():
    """COMMAND's signal mask, ignored signals and open-file limits are what
    they would be without ior (a nohup'ed job with a low soft fd limit),
    though ior itself handles SIGINT/SIGHUP/SIGCHLD and raises its limit."""
    def body(s):
        pre = inherited(ignore=(signal.SIGINT, signal.SIGHUP, signal.SIGPIPE),
                        block=(signal.SIGUSR2, signal.SIGQUIT), nofile=(20, 4096))
        want = subprocess.run(PROBE, preexec_fn=pre, restore_signals=False, check=True,
                              stdout=subprocess.PIPE, text=True).stdout
        traced = os.path.join(s.dir, "traced")
        with open(traced, "w") as out:
            proc, err = start_ior(["-flamegraph", "-name", os.path.join(s.base, "p"), "--"] + PROBE,
                                  pre, stdout=out)
            status, lines = finish_ior(proc, err, 15, "COMMAND's exit")
        check(status == 0, "ior exited %d\n%s" % (status, "\n".join(lines)))
        with open(traced) as t:
            got = t.read()
        blk = re.search(r"^SigBlk:\s+([0-9a-f]+)$", want, re.M)
        ign = re.search(r"^SigIgn:\s+([0-9a-f]+)$", want, re.M)
        # what inherited() set (more may come from whoever started the tests)
        check(blk and int(blk.group(1), 16) & 0x804 == 0x804 and
              ign and int(ign.group(1), 16) & 0x1003 == 0x1003 and
              re.search(r"^Max open files\s+20\s+4096\s", want, re.M),
              "the probe without ior: %r" % want)
        check(got == want, "COMMAND under ior has\n%s\nwithout ior\n%s" % (got, want))
    scratch_test("sigs", body)()


def test_low_fd_limit():
    """A soft open-file limit of 20 is raised for ior (it needs more),
    not for COMMAND; a hard limit of 20 is named as the cause."""
    r = run_limited(["-plain", "-duration", "0.2"], timeout=20)
    check(r.status == 0, "ior does not run at all: %s" % r.stderr)
    proc, err = start_ior(["-plain", "-duration", "0.5", "-pid", "1"], inherited(nofile=(20, 4096)))
    status, lines = finish_ior(proc, err, 15, "-duration 0.5")
    check(status == 0 and it.parse_summary("\n".join(lines)) is not None,
          "ior with ulimit -Sn 20 exited %d:\n%s" % (status, "\n".join(lines)))
    proc, err = start_ior(["-plain", "-duration", "0.5", "-pid", "1"], inherited(nofile=(20, 20)))
    status, lines = finish_ior(proc, err, 15, "-duration 0.5")
    check(status == 1, "ior with ulimit -n 20 exited %d" % status)
    check(len(lines) == 1 and lines[0].startswith("ior: ") and "open-file limit (ulimit -n) is 20"
          in lines[0] and "5.17" not in lines[0], "not one line naming the fd limit:\n" + "\n".join(lines))


def folded_pipe(args, reader, cwd):
    """ior ARGS | READER (a shell command); (ior's status, its stderr, reader's output)."""
    ior = subprocess.Popen([IOR] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                           stdin=subprocess.DEVNULL)
    rd = subprocess.Popen(["sh", "-c", reader], stdin=ior.stdout, stdout=subprocess.PIPE)
    ior.stdout.close()
    out = rd.communicate(timeout=30)[0]
    err = ior.stderr.read().decode(errors="replace")
    ior.stderr.close()
    return ior.wait(30), err, out


def test_outputs_to_stdout():
    """'-' is standard output for -svg (no file named '-'); /dev/stdout, a
    FIFO and /dev/null are streams, not files ior would overwrite; a reader
    that goes away (| head) ends -folded and -svg quietly with status 0;
    a full device is one error line and status 1."""
    def body(s):
        rec = recordings().iorzst
        status, err, out = folded_pipe(["-folded", rec, "-svg", "-"], "cat", s.dir)
        check(status == 0 and err == "", "-svg -: status %d, %r" % (status, err))
        check(out.startswith(b"<?xml") and out.rstrip().endswith(b"</svg>"), "-svg -: no SVG on stdout")
        check(listing(s.dir) == [], "-svg - created %s" % listing(s.dir))
        whole = out
        status, err, out = folded_pipe(["-folded", rec, "-svg", "/dev/stdout"], "cat", s.dir)
        check(status == 0 and err == "" and out == whole, "-svg /dev/stdout: status %d, %r" % (status, err))
        fifo = os.path.join(s.base, "fifo")
        os.mkfifo(fifo)
        rd = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
        r = run_limited(["-folded", rec, "-svg", fifo], timeout=30)
        check(r.status == 0 and r.stderr == "", "-svg FIFO: status %s, %r" % (r.status, r.stderr))
        check(rd.communicate(timeout=30)[0] == whole, "the FIFO's reader got another SVG")
        r = run_limited(["-folded", rec, "-svg", "/dev/null"], timeout=30)
        check(r.status == 0 and r.stderr == "", "-svg /dev/null: status %s, %r" % (r.status, r.stderr))
        for args in (["-folded", rec], ["-folded", rec, "-svg", "-"]):
            status, err, out = folded_pipe(args, "head -c 1", s.dir)
            check(status == 0 and err == "", "%s | head -c 1: status %d, %r" % (" ".join(args[2:]) or
                                                                                "-folded", status, err))
        with open("/dev/full", "wb") as full:
            r = subprocess.run([IOR, "-folded", rec], stdout=full, stderr=subprocess.PIPE, timeout=30)
        lines = r.stderr.decode().splitlines()
        check(r.returncode == 1 and len(lines) == 1 and "No space left on device" in lines[0],
              "-folded > /dev/full: status %d, %r" % (r.returncode, lines))
    scratch_test("stdout", body)()


def test_version_and_help():
    """-version names the commit ior was built from; -help lists -h and -version."""
    r = run_limited(["-version"], timeout=10)
    out = r.stdout.decode()
    m = re.match(r"^ior \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(?:-dirty)?|unknown)\)\n$", out)
    check(r.status == 0 and m is not None, "-version printed %r" % out)
    root = os.path.dirname(os.path.dirname(HERE))
    head = subprocess.run(["git", "-C", root, "rev-parse", "--short=12", "HEAD"],
                          capture_output=True, text=True)
    if head.returncode == 0:
        check(m.group(1).split("-")[0] == head.stdout.strip(),
              "-version says commit %s, the checkout is at %s" % (m.group(1), head.stdout.strip()))
    r = run_limited(["-help"], timeout=10)
    out = r.stdout.decode()
    check(r.status == 0 and re.search(r"^  -h, -help\s", out, re.M) and
          re.search(r"^  -version\s", out, re.M), "-help does not list -h and -version:\n" + out)


def test_readme_quick_start():
    """The README's two set-up commands are plain `make run` and `make test`,
    which work as written for root (no sudo: a root-only machine may have
    none) and go through sudo for another user (make's SUDO, seen by a user
    with no rights, from a copy of the Makefile it can read)."""
    root = os.path.dirname(os.path.dirname(HERE))
    with open(os.path.join(root, "README.md")) as f:
        readme = f.read()
    m = re.search(r"## Quick start[^\n]*\n\n```sh\n(.*?)```", readme, re.S)
    check(m is not None, "no Quick start code block in README.md")
    cmds = [x.split("#")[0].strip() for x in m.group(1).strip().split("\n")]
    check(cmds == ["make run", "make test"], "the quick start's commands: %r" % cmds)
    with open(os.path.join(root, "Makefile")) as f:
        mk = f.read()
    for target in ("run", "test"):
        recipe = re.search(r"^%s:[^\n]*\n\t(\S*)" % target, mk, re.M)
        check(recipe is not None and "$(SUDO)" in recipe.group(0),
              "make %s does not run through $(SUDO)" % target)
    probe = ["make", "-s", "--no-print-directory", "-f", "Makefile", "--eval",
             "print-sudo: ; @echo '[$(SUDO)]'", "print-sudo"]
    d = tempfile.mkdtemp(prefix="ior-mk-")
    try:
        os.chmod(d, 0o755)
        shutil.copy(os.path.join(root, "Makefile"), d)
        os.chmod(os.path.join(d, "Makefile"), 0o644)
        as_root = subprocess.run(probe, cwd=d, capture_output=True, text=True, timeout=30)
        as_user = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
                                 + probe, cwd=d, capture_output=True, text=True, timeout=30)
    finally:
        shutil.rmtree(d)
    check(as_root.stdout == "[]\n", "as root make's SUDO is %r %s" % (as_root.stdout, as_root.stderr))
    check(as_user.stdout == "[sudo]\n", "as nobody make's SUDO is %r %s" % (as_user.stdout, as_user.stderr))


TESTS += [("readme:quick-start", test_readme_quick_start)]
TESTS += [("names:invisible-characters", test_names_invisible),
          ("out:stdout-and-streams", test_outputs_to_stdout),
          ("cli:version-and-help", test_version_and_help)]
TESTS += [("command:duration-leaves-it:" + o, make_duration_command_test(o))
          for o in ("plain", "parquet", "flamegraph")]
TESTS += [("command:survives-sigkill", test_command_survives_sigkill),
          ("command:gets-its-signals-and-limits", test_command_gets_its_signals),
          ("inherit:command-ignores-sigint", test_inherited_command_ignores),
          ("inherit:sigchld-ignored", test_inherited_sigchld_ignored),
          ("inherit:low-fd-limit", test_low_fd_limit)]
TESTS += [("inherit:ignored-%s" % sig.name.lower(), make_inherited_stop_test(sig))
          for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]


def preflight():
    if os.geteuid() != 0:
        return "not root: ior needs root to load BPF programs (run the tests as root)"
    if not (os.path.isfile(IOR) and os.access(IOR, os.X_OK)):
        return "IOR=%s is not an executable file (build it with make)" % IOR
    if not os.access(storm(), os.X_OK):
        return "workload %s is missing (make builds it)" % storm()
    for tool in ("zstd", "node", "tmux", "mount"):
        if not shutil.which(tool):
            return "%s is not installed" % tool
    if not os.access("/usr/bin/time", os.X_OK):
        return "/usr/bin/time is not installed (the package time): the RSS bounds need it"
    r = it.run_ior(["-plain", "--", "true"], timeout=30)
    if r.status != 0 or r.summary is None:
        return "ior could not trace even `true` (BPF unavailable?): exit %s\n%s" % (r.status, r.stderr_tail())
    return None


def main(argv):
    wanted = set(argv[1:])
    names = {name for name, _ in TESTS}
    unknown = {w for w in wanted if w not in names and not any(n.startswith(w) for n in names)}
    if unknown:
        print("reliability.py: unknown test(s) %s" % ", ".join(sorted(unknown)), file=sys.stderr)
        return 2
    why = preflight()
    if why:
        print("reliability: cannot run: " + why)
        print("reliability: 0 passed, 1 failed, %d skipped of %d registered" % (len(TESTS), len(TESTS)))
        return 1
    passed = failed = 0
    t_all = time.monotonic()
    try:
        passed, failed = it.run_tests(
            TESTS, lambda name: not wanted or any(name == w or name.startswith(w) for w in wanted))
    finally:
        tuilib.kill_server()
        if _recordings is not None:
            _recordings.scratch.remove()
    print("(%.0f s)" % (time.monotonic() - t_all))
    status = it.summary_line("reliability", passed, failed, len(TESTS), runs=False)
    return 1 if failed or (not wanted and status) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
