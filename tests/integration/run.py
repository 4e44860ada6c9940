#!/usr/bin/env python3
"""Integration tests of ior: run the real binary over real workloads and
assert the exact records it prints with -plain.

The workloads (tests/workload/*.c, built by make into $WORKLOAD_DIR) log
what they did; this script runs them under `ior -plain -- ...`, parses every
stdout line strictly and compares. It needs root and a kernel where ior can
load its BPF programs: when it cannot run, it says why and fails.

Usage (from the repository root, as `make integration` does):
    IOR=./ior WORKLOAD_DIR=build/workload python3 tests/integration/run.py [NAME...]
    python3 tests/integration/run.py --self-test   # the parser alone, no root

The last line is `integration: N passed, N failed, N skipped of N registered`
(skipped: not run, because NAMEs chose others or the tests could not start),
after the number of traced runs of ior behind the cases (several cases check
slices of one run). The exit status is 1 when any test failed, the tests
could not run, or a full run ran fewer than it registered.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# absolute: some runs start in the test directory
IOR = os.path.abspath(os.environ.get("IOR", "./ior"))
WORKLOAD_DIR = os.path.abspath(os.environ.get("WORKLOAD_DIR", "build/workload"))
# bench/storm: 1-byte pwrite/pread pairs as fast as one thread can make them
STORM = os.path.abspath(os.environ.get("STORM", "build/bench/storm"))
KEEP = os.environ.get("IOR_TEST_KEEP") == "1"  # keep the temp dirs of failing tests

# ---- the -plain line format ------------------------------------------------

# Invisible characters that reorder or hide text (bidi controls, zero-width and
# other format characters, U+2028/9): ior writes them as \uXXXX / \UXXXXXXXX.
INVISIBLE = (r"\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
             r"\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f")
# A quoted path: escapes \\ \" \n \t \r \xHH \uXXXX \UXXXXXXXX; raw control bytes,
# C1 controls and invisible characters never appear.
_QSTR = (r'"(?:[^"\\\x00-\x1f\x7f-\x9f' + INVISIBLE + r']|\\[\\"ntr]|\\x[0-9a-f]{2}'
         r'|\\u[0-9a-f]{4}|\\U[0-9a-f]{8})*"')
_INVISIBLE_RE = re.compile("[" + INVISIBLE + "]")
RECORD_RE = re.compile(
    r"^(?P<time>\d+\.\d{9}) (?P<comm>\S+) (?P<pid>\d+) (?P<tid>\d+) (?P<sc>[a-z0-9_]+)"
    r" fd=(?P<fd>-|-?\d+) ret=(?P<ret>-?\d+) bytes=(?P<bytes>\d+)"
    r" dur=(?P<dur>\d+) gap=(?P<gap>\d+) flags=(?P<flags>-|0x[0-9a-f]+)"
    r" path=(?P<path>-|" + _QSTR + r") path2=(?P<path2>-|" + _QSTR + r")\Z"
)
SUMMARY_RE = re.compile(r"^ior: (\d+) syscalls in ([0-9.]+) s \((\d+)/s\); lost: (.*)$")
# The line after it: ior's own CPU time.
OWN_CPU_RE = re.compile(r"^ior: own CPU (\d+\.\d{3}) s: (\d+\.\d{3}) s to start, (\d+\.\d{3}) s tracing"
                        r"(?: \((\d+) ns a syscall\))?; user (\d+\.\d{3}) s, system (\d+\.\d{3}) s$")


def is_summary(line):
    """True for either line of ior's end-of-run summary."""
    return bool(SUMMARY_RE.match(line) or OWN_CPU_RE.match(line))


COMMAND_LEFT_RE = re.compile(r"^ior: COMMAND '.*' \(pid \d+\) is still running; ior stopped "
                             r"tracing it and leaves it running$")


def is_command_left(line):
    """True for the line ior prints when it stops before COMMAND ends."""
    return bool(COMMAND_LEFT_RE.match(line))


# The name of the last line (integration-portable when run with IOR_BPF=portable).
SUITE = os.environ.get("IOR_TEST_SUITE", "integration")

# Fields compared between a logged call and a record.
KEY_FIELDS = ("sc", "pid", "tid", "fd", "ret", "bytes", "flags", "path", "path2")


def escape(raw, space_too=False):
    """Escapes bytes the way the -plain contract says (without the quotes)."""
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c < 0x80:
            if c == 0x5C:
                out.append("\\\\")
            elif c == 0x22:
                out.append('\\"')
            elif c == 0x0A:
                out.append("\\n")
            elif c == 0x09:
                out.append("\\t")
            elif c == 0x0D:
                out.append("\\r")
            elif c < 0x20 or c == 0x7F or (space_too and c == 0x20):
                out.append("\\x%02x" % c)
            else:
                out.append(chr(c))
            i += 1
            continue
        n = 2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 0
        if n:
            try:
                ch = raw[i:i + n].decode("utf-8")  # strict: no overlong, no surrogate
                if _INVISIBLE_RE.match(ch):
                    cp = ord(ch)
                    ch = "\\u%04x" % cp if cp <= 0xFFFF else "\\U%08x" % cp
                elif 0x80 <= ord(ch) <= 0x9F:
                    ch = "\\x%02x\\x%02x" % (raw[i], raw[i + 1])
                out.append(ch)
                i += n
                continue
            except UnicodeDecodeError:
                pass
        out.append("\\x%02x" % c)
        i += 1
    return "".join(out)


def read_varint(data, i):
    """The unsigned LEB128 varint at data[i] (.ior.zst records, Thrift compact
    integers) and the index after it."""
    n = shift = 0
    while True:
        c = data[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def quote(raw):
    """The path column for raw bytes, or '-' for None."""
    return "-" if raw is None else '"' + escape(raw) + '"'


def unquote(field):
    """Bytes of a quoted path column (already validated by RECORD_RE), or None for '-'."""
    if field == "-":
        return None
    s = field[1:-1]
    out = bytearray()
    i = 0
    simple = {"\\": 0x5C, '"': 0x22, "n": 0x0A, "t": 0x09, "r": 0x0D}
    while i < len(s):
        if s[i] == "\\":
            if s[i + 1] == "x":
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
            elif s[i + 1] in "uU":
                digits = 4 if s[i + 1] == "u" else 8
                out += chr(int(s[i + 2:i + 2 + digits], 16)).encode("utf-8")
                i += 2 + digits
            else:
                out.append(simple[s[i + 1]])
                i += 2
        else:
            out += s[i].encode("utf-8")
            i += 1
    return bytes(out)


def parse_record(line):
    """A dict for one -plain line (bytes or str), or None if it breaks the format."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            return None
    m = RECORD_RE.match(line)
    if not m:
        return None
    rec = m.groupdict()
    rec["line"] = line
    rec["time_ns"] = int(rec["time"].replace(".", ""))
    for k in ("pid", "tid", "ret", "bytes", "dur", "gap"):
        rec[k] = int(rec[k])
    rec["fd"] = None if rec["fd"] == "-" else int(rec["fd"])
    rec["flags"] = None if rec["flags"] == "-" else rec["flags"]
    rec["raw_path"] = unquote(rec["path"])
    rec["raw_path2"] = unquote(rec["path2"])
    return rec


def parse_summary(stderr):
    """The counters of ior's end-of-run summary line by label, or None if absent."""
    for line in stderr.splitlines():
        m = SUMMARY_RE.match(line.strip())
        if m:
            counters = {label: int(n) for n, label in re.findall(r"(\d+) ([a-z][a-z -]*[a-z])", m.group(4))}
            counters["syscalls"] = int(m.group(1))
            return counters
    return None


def key_of(rec):
    return tuple(rec[k] for k in KEY_FIELDS)


def under(raw, directory):
    """True when path bytes raw name directory or something inside it."""
    return raw is not None and (raw == directory or raw.startswith(directory + b"/")
                                or raw == directory + b" (deleted)")


# ---- running ior ------------------------------------------------------------

class TestFailure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def session_members(sid):
    """Pids of the processes in session sid (read from /proc)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 3 and int(fields[3]) == sid:
            pids.append(int(name))
    return pids


# ior runs that traced and ended with their summary line: several test cases
# are slices of one run, so the suite says how many runs stand behind them
TRACED_RUNS = 0


class IorRun:
    """One finished run of ior: status, parsed stdout, stderr, timing."""

    def __init__(self, args, status, elapsed, out, err, wall0, wall1, leftovers):
        self.args = args
        self.status = status  # None: timed out
        self.elapsed = elapsed
        self.stdout = out
        self.stderr = err.decode("utf-8", "replace")
        self.wall0, self.wall1 = wall0, wall1
        self.leftovers = leftovers  # processes still in ior's session after it exited
        self.records, self.bad_lines = [], []
        for raw in out.splitlines():
            rec = parse_record(raw)
            if rec is None:
                self.bad_lines.append(raw)
            else:
                self.records.append(rec)
        self.summary = parse_summary(self.stderr)
        if self.summary is not None:
            global TRACED_RUNS
            TRACED_RUNS += 1

    def describe(self):
        return "ior %s" % " ".join(os.fsdecode(a) for a in self.args)

    def stderr_tail(self, n=8):
        lines = self.stderr.strip().splitlines()
        return "\n".join("    stderr| " + x for x in lines[-n:]) or "    (stderr empty)"

    def check_ran(self, want_status):
        check(self.status is not None,
              "%s did not exit within its timeout\n%s" % (self.describe(), self.stderr_tail()))
        check(self.status == want_status, "%s exited %s, expected %s\n%s"
              % (self.describe(), self.status, want_status, self.stderr_tail()))

    def check_lines(self):
        check(not self.bad_lines, "%d stdout line(s) do not parse as -plain records, e.g.:\n%s"
              % (len(self.bad_lines), "\n".join("    %r" % x for x in self.bad_lines[:5])))

    def check_summary(self):
        check(self.summary is not None,
              "no summary line 'ior: N syscalls in ...; lost: ...' on stderr\n%s" % self.stderr_tail())
        for label in ("ring-buffer drops", "path drops"):
            check(label in self.summary, "summary has no '%s' counter: %s" % (label, self.summary))
            check(self.summary[label] == 0, "summary reports %d %s" % (self.summary[label], label))


def run_ior(args, cwd=None, pass_fds=(), timeout=60, stdin=b""):
    """Runs IOR with args (str or bytes) in its own session, stdin bytes on its
    stdin; stdout/stderr go to files, not pipes, so a command ior leaves
    running cannot hold the test up."""
    with tempfile.TemporaryFile() as inp, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        inp.write(stdin)
        inp.seek(0)
        wall0, t0 = time.time(), time.monotonic()
        proc = subprocess.Popen([IOR] + args, stdin=inp, stdout=out, stderr=err,
                                cwd=cwd, pass_fds=pass_fds, start_new_session=True)
        try:
            status = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        elapsed = time.monotonic() - t0
        wall1 = time.time()
        leftovers = []
        for pid in session_members(proc.pid):
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    leftovers.append((pid, f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()))
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        out.seek(0)
        err.seek(0)
        return IorRun(args, status, elapsed, out.read(), err.read(), wall0, wall1, leftovers)


def workload(name):
    return os.path.abspath(os.path.join(WORKLOAD_DIR, name))


class Scratch:
    """A fresh directory under /tmp (its real path); removed at the end unless
    the test failed and IOR_TEST_KEEP=1 asks to keep it for a look."""

    def __init__(self, tag):
        self.base = os.path.realpath(tempfile.mkdtemp(prefix="ior-it-%s-" % tag))
        self.dir = os.path.join(self.base, "work")
        os.mkdir(self.dir)
        self.failed = False

    def remove(self):
        if not self.failed or not KEEP:
            shutil.rmtree(self.base, ignore_errors=True)


# ---- the scripted workload (iowork) ------------------------------------------

# Sections of tests/workload/iowork.c, each checked as its own test case.
IOWORK_SECTIONS = ("open", "rw", "fd", "meta", "names", "copy", "pipe", "mmap", "dir",
                   "hostile", "lexical", "renamedir", "replace", "anon", "deep", "thread",
                   "fork", "scm", "clonefiles", "exec", "end")
IOWORK_EXIT = 7
PREOPEN_FD = 40


def fmt_expected(e):
    return ("%s pid=%d tid=%d fd=%s ret=%d bytes=%d flags=%s path=%s path2=%s"
            % (e["sc"], e["pid"], e["tid"], "-" if e["fd"] is None else e["fd"], e["ret"],
               e["bytes"], e["flags"] or "-", e["path"], e["path2"]))


def nearest(e, records, anchor=None, n=3):
    """The records most like expected call e: same thread and syscall first,
    then most fields equal, then closest to time anchor (ns) when known."""
    def score(r):
        same = sum(1 for k in KEY_FIELDS if r[k] == e[k])
        near = -abs(r["time_ns"] - anchor) if anchor is not None else 0
        return (r["tid"] == e["tid"], r["sc"] == e["sc"], same, near)
    return sorted(records, key=score, reverse=True)[:n]


PARQUET_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "parquet")


def unescape_parquet(s):
    """The bytes behind a string ior wrote to Parquet: valid UTF-8 as is,
    '\\\\' for a backslash and '\\xHH' for each byte that is not UTF-8."""
    if s is None:
        return None
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\" and s[i + 1:i + 2] == "\\":
            out += b"\\"
            i += 2
        elif s[i] == "\\" and s[i + 1:i + 2] == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += s[i].encode("utf-8")
            i += 1
    return bytes(out)


def parquet_records(path):
    """The rows of an ior Parquet file as DuckDB reads them, shaped like
    parse_record's dicts (time in microseconds, as DuckDB gives it)."""
    proc = subprocess.run(["node", os.path.join(PARQUET_DIR, "dump.mjs"), path],
                          capture_output=True, timeout=120)
    check(proc.returncode == 0, "DuckDB could not read %s: %s"
          % (path, proc.stderr.decode(errors="replace")[-2000:]))
    records = []
    for line in proc.stdout.decode().splitlines():
        row = json.loads(line)
        rec = {"sc": row["syscall"], "pid": row["pid"], "tid": row["tid"], "fd": row["fd"],
               "ret": int(row["ret"]), "bytes": int(row["bytes"]), "dur": int(row["dur"]),
               "gap": int(row["gap"]), "time_ns": int(row["time_us"]) * 1000,
               "flags": None if row["flags"] is None else "0x%x" % (row["flags"] & 0xffffffff),
               "raw_path": unescape_parquet(row["path"]), "raw_path2": unescape_parquet(row["path2"]),
               "comm": row["comm"]}
        rec["path"], rec["path2"] = quote(rec["raw_path"]), quote(rec["raw_path2"])
        rec["line"] = "parquet row: " + line
        records.append(rec)
    return records


class IoworkResult:
    """The iowork run, and the match of its log against ior's records:
    printed by -plain, or recorded by -parquet and read back with DuckDB."""

    def __init__(self, mode="plain"):
        self.error = None
        self.mode = mode
        self.scratch = Scratch("iowork-" + mode)
        try:
            self._run()
        except TestFailure as e:
            self.error = str(e)
        except OSError as e:
            self.error = "could not run iowork: %s" % e

    def _run(self):
        d = self.scratch.dir
        self.dir_raw = d.encode()
        log = os.path.join(self.scratch.base, "iowork.log")
        fd = os.open(os.path.join(d, "preopened.txt"), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"opened by the test driver\n")
        os.dup2(fd, PREOPEN_FD, inheritable=True)
        os.close(fd)
        out = ["-plain"]
        if self.mode == "parquet":
            self.parquet = os.path.join(self.scratch.base, "iowork.parquet")
            out = ["-parquet", self.parquet]
        try:
            self.run = run_ior(out + ["--", workload("iowork"), d, log, str(PREOPEN_FD)],
                               cwd=d, pass_fds=(PREOPEN_FD,), timeout=60)
        finally:
            os.close(PREOPEN_FD)
        if self.mode == "parquet":
            check(self.run.stdout == b"", "-parquet printed on stdout: %r" % self.run.stdout[:200])
            self.run.records = parquet_records(self.parquet)
        self.expected, markers = [], {}
        with open(log, "rb") as f:
            for line in f:
                e = json.loads(line)
                if "exit" in e:
                    markers[e["pid"]] = e["exit"]
                    continue
                for k in ("path", "path2"):
                    e["raw_" + k] = None if e[k] is None else bytes.fromhex(e[k])
                    e[k] = quote(e["raw_" + k])
                self.expected.append(e)
        # the status iowork's first process logged just before exiting
        self.exit_marker = markers.get(self.expected[0]["pid"]) if self.expected else None
        self._match()

    def _match(self):
        pids = {e["pid"] for e in self.expected}
        self.kept = [r for r in self.run.records
                     if r["pid"] in pids or under(r["raw_path"], self.dir_raw)
                     or under(r["raw_path2"], self.dir_raw)]
        by_key = {}
        for r in sorted(self.kept, key=lambda r: r["time_ns"]):
            by_key.setdefault(key_of(r), []).append(r)
        used = set()
        self.matched, self.missing, self.order_errors = {}, [], []
        last_time = {}  # tid -> entry time of the previous matched call
        for e in sorted(self.expected, key=lambda e: (e["tid"], e["seq"])):
            cands = [r for r in by_key.get(key_of(e), []) if id(r) not in used]
            if not cands:
                self.missing.append(e)
                continue
            # DuckDB gives Parquet times in microseconds: calls may share one
            strict = self.mode == "plain"
            after = [r for r in cands if r["time_ns"] > last_time.get(e["tid"], -1)
                     or (not strict and r["time_ns"] == last_time.get(e["tid"], -1))]
            r = after[0] if after else cands[0]
            if not after:
                self.order_errors.append((e, r))
            used.add(id(r))
            self.matched[id(e)] = r
            last_time[e["tid"]] = r["time_ns"]
        self.unexpected = [r for r in self.kept if id(r) not in used
                           and (under(r["raw_path"], self.dir_raw) or under(r["raw_path2"], self.dir_raw))]

    def check_section(self, section):
        check(self.error is None, self.error or "")
        entries = [e for e in self.expected if e["sec"] == section]
        check(entries, "iowork logged no calls for section '%s' (did it stop early? exit marker %s)\n%s"
              % (section, self.exit_marker, self.run.stderr_tail()))
        check(self.kept, "ior printed no records of iowork's processes (%d records in all)\n%s"
              % (len(self.run.records), self.run.stderr_tail()))
        problems = []
        missing = {id(e) for e in self.missing}
        for e in entries:
            if id(e) in missing:
                # the record of the same thread's previous matched call, for context
                before = [x for x in self.expected if x["tid"] == e["tid"] and x["seq"] < e["seq"]
                          and id(x) in self.matched]
                anchor = self.matched[id(max(before, key=lambda x: x["seq"]))]["time_ns"] if before else None
                lines = ["  expected: " + fmt_expected(e), "  nearest records:"]
                lines += ["    " + r["line"] for r in nearest(e, self.kept, anchor)]
                problems.append("\n".join(lines))
                continue
            r = self.matched[id(e)]
            if r["dur"] <= 0:
                problems.append("  dur is not > 0:\n    " + r["line"])
            if not (self.run.wall0 - 2) * 1e9 <= r["time_ns"] <= (self.run.wall1 + 2) * 1e9:
                problems.append("  time is outside the run (%.3f..%.3f):\n    %s"
                                % (self.run.wall0, self.run.wall1, r["line"]))
        for e, r in self.order_errors:
            if e["sec"] == section:
                problems.append("  out of order on tid %d: call #%d matched a record timed before"
                                " the previous call's:\n    %s" % (e["tid"], e["seq"], r["line"]))
        shown = problems[:15]
        if len(problems) > len(shown):
            shown.append("  ... and %d more" % (len(problems) - len(shown)))
        check(not problems, "%d problem(s) with the %d calls iowork logged in this section:\n%s"
              % (len(problems), len(entries), "\n".join(shown)))


_iowork = {}


def iowork(mode="plain"):
    if mode not in _iowork:
        _iowork[mode] = IoworkResult(mode)
    return _iowork[mode]


def make_iowork_run_test(mode):
    def test():
        w = iowork(mode)
        check(w.error is None, w.error or "")
        check(w.exit_marker == IOWORK_EXIT, "iowork did not finish its script (exit marker %s)\n%s"
              % (w.exit_marker, w.run.stderr_tail()))
        w.run.check_ran(IOWORK_EXIT)
        w.run.check_lines()
        w.run.check_summary()
        if mode == "parquet":
            check(len(w.run.records) == w.run.summary["syscalls"],
                  "the recording holds %d rows but ior traced %d syscalls"
                  % (len(w.run.records), w.run.summary["syscalls"]))
    return test


def make_iowork_unexpected_test(mode):
    def test():
        w = iowork(mode)
        check(w.error is None, w.error or "")
        check(not w.unexpected, "%d record(s) under the test directory that iowork did not log:\n%s"
              % (len(w.unexpected), "\n".join("    " + r["line"] for r in w.unexpected[:30])))
    return test


def make_section_test(section, mode="plain"):
    def test():
        iowork(mode).check_section(section)
    return test


# ---- focused cases --------------------------------------------------------------

def test_exit_status_3():
    run = run_ior(["-plain", "--", "sh", "-c", "exit 3"], timeout=30)
    run.check_ran(3)
    run.check_lines()


def test_exit_status_0():
    run = run_ior(["-plain", "--", "true"], timeout=30)
    run.check_ran(0)
    run.check_lines()
    run.check_summary()


def test_duration():
    run = run_ior(["-plain", "-duration", "1", "--", "sleep", "30"], timeout=20)
    check(run.status is not None, "ior -duration 1 did not stop within 20 s")
    check(run.elapsed < 5, "ior -duration 1 took %.1f s" % run.elapsed)
    check(run.elapsed >= 0.9, "ior -duration 1 stopped after only %.2f s" % run.elapsed)
    run.check_ran(0)
    run.check_lines()
    run.check_summary()


def test_own_cpu():
    # COMMAND burns a second of CPU with hardly a syscall: ior's own figure
    # (RUSAGE_SELF) must not include it, as a children's figure would
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1: pass\n"
    run = run_ior(["-plain", "--", sys.executable, "-c", burn], timeout=60)
    run.check_ran(0)
    run.check_summary()
    lines = [x for x in run.stderr.splitlines() if x.startswith("ior: own CPU")]
    check(len(lines) == 1, "expected one 'ior: own CPU' line, got %d\n%s" % (len(lines), run.stderr_tail()))
    m = OWN_CPU_RE.match(lines[0])
    check(m and m.group(4), "the own CPU line does not parse: %r" % lines[0])
    total, start, tracing, ns, user, system = (float(x) for x in m.groups())
    events = run.summary["syscalls"]
    check(abs(total - (start + tracing)) <= 0.0015, "%s: start + tracing != total" % lines[0])
    check(abs(total - (user + system)) <= 0.0015, "%s: user + system != total" % lines[0])
    check(abs(ns * events / 1e9 - tracing) <= 0.0005 + 0.5 * events / 1e9,
          "%s: %d ns a syscall over %d syscalls is not the tracing time" % (lines[0], ns, events))
    check(start > 0, "%s: loading the BPF programs took no CPU?" % lines[0])
    check(tracing < 0.5, "%s: COMMAND's second of CPU is counted as ior's" % lines[0])


BAD_FLAGS = {
    "duration-abc": ["-plain", "-duration", "abc", "--", "true"],
    "duration-negative": ["-plain", "-duration", "-1", "--", "true"],
    "duration-trailing": ["-plain", "-duration", "1x", "--", "true"],
    "duration-missing": ["-plain", "-duration"],
    "unknown-flag": ["-plain", "-nope", "--", "true"],
    "no-command": ["-plain", "--"],
    "pid-zero": ["-plain", "-pid", "0"],
}


def make_bad_flag_test(args):
    def test():
        run = run_ior(args, timeout=10)
        check(run.status is not None, "ior %s did not exit within 10 s" % " ".join(args))
        check(run.status != 0, "ior %s exited 0" % " ".join(args))
        check(run.stdout == b"", "ior %s printed on stdout: %r" % (" ".join(args), run.stdout[:200]))
        lines = run.stderr.splitlines()
        check(len(lines) == 1 and lines[0].startswith("ior: "),
              "ior %s: stderr should be one line starting with 'ior: ', got %d line(s):\n%s"
              % (" ".join(args), len(lines), run.stderr_tail()))
    return test


def test_comm_filter():
    s = Scratch("comm")
    try:
        run = run_ior(["-plain", "-comm", "iorA", "--", workload("twocomm"), s.dir], timeout=30)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        a, b = os.path.join(s.dir, "a.txt").encode(), os.path.join(s.dir, "b.txt").encode()
        others = [r for r in run.records if r["comm"] != "iorA"]
        check(not others, "-comm iorA let through %d record(s) of other tasks:\n%s"
              % (len(others), "\n".join("    " + r["line"] for r in others[:10])))
        check(not [r for r in run.records if r["raw_path"] == b],
              "records of the filtered-out process (b.txt) were printed")
        recs = [r for r in run.records if r["raw_path"] == a]
        got = sorted((r["sc"], r["bytes"]) for r in recs)
        want = sorted([("openat", 0), ("close", 0)] + [("write", 5)] * 5)
        check(got == want, "records for a.txt: got %s, expected %s\n%s"
              % (got, want, "\n".join("    " + r["line"] for r in recs)))
        opened = [r for r in recs if r["sc"] == "openat"][0]
        check(opened["fd"] == opened["ret"] and opened["flags"] == "0x241",
              "openat record of a.txt: " + opened["line"])
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


def check_threads(nthreads, nwrites):
    """nthreads threads x nwrites 1-byte writes: every write reported on its
    thread with its file, each thread's first call with gap 0, gaps that agree
    with the times and durations of consecutive records."""
    s = Scratch("threads")
    try:
        log = os.path.join(s.base, "threads.log")
        run = run_ior(["-plain", "--", workload("threads"), s.dir, log, str(nthreads), str(nwrites)],
                      timeout=120)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        with open(log) as f:
            workers = [json.loads(x) for x in f]
        check(len(workers) == nthreads, "threads logged %d workers, expected %d" % (len(workers), nthreads))
        problems = []
        for w in workers:
            path = quote(bytes.fromhex(w["path"]))
            mine = sorted((r for r in run.records if r["tid"] == w["tid"]), key=lambda r: r["time_ns"])
            writes = [r for r in mine if r["sc"] == "write"]
            good = [r for r in writes if r["pid"] == w["pid"] and r["fd"] == w["fd"] and r["ret"] == 1
                    and r["bytes"] == 1 and r["path"] == path and r["path2"] == "-" and r["flags"] is None]
            if len(writes) != nwrites or len(good) != nwrites:
                bad = [r for r in writes if r not in good]
                problems.append("tid %d: %d write records, %d of them right (fd=%d bytes=1 path=%s)%s"
                                % (w["tid"], len(writes), len(good), w["fd"], path,
                                   "".join("\n    " + r["line"] for r in bad[:3])))
            if not mine:
                continue
            first = mine[0]
            if first["sc"] != "openat" or first["gap"] != 0:
                problems.append("tid %d: first traced call should be openat with gap=0:\n    %s"
                                % (w["tid"], first["line"]))
            worst = 0
            for prev, cur in zip(mine, mine[1:]):
                want_gap = cur["time_ns"] - (prev["time_ns"] + prev["dur"])
                if abs(cur["gap"] - want_gap) > abs(worst):
                    worst = cur["gap"] - want_gap
                    worst_pair = (prev, cur)
            if abs(worst) > 1000:
                problems.append("tid %d: gap disagrees with time and dur of the previous record by"
                                " %d ns:\n    %s\n    %s" % (w["tid"], worst, worst_pair[0]["line"],
                                                          worst_pair[1]["line"]))
            closes = [r for r in mine if r["sc"] == "close" and r["path"] == path]
            if len(closes) != 1:
                problems.append("tid %d: %d close records for %s" % (w["tid"], len(closes), path))
        check(not problems, "\n".join(problems))
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


def test_threads():
    check_threads(4, 1000)


def test_threads_load():
    check_threads(4, 50000)


def test_comm_escape():
    """A task name with a space, tab, quote, backslash, 0xff and 0x01 is escaped, never quoted."""
    s = Scratch("commesc")
    try:
        name = b'a b\t"\\\xff\x01z'
        run = run_ior(["-plain", "--", workload("twocomm"), s.dir, name], timeout=30)
        run.check_ran(0)
        run.check_lines()
        want = escape(name, space_too=True)
        recs = [r for r in run.records if r["raw_path"] == os.path.join(s.dir, "c.txt").encode()]
        check(sorted(r["sc"] for r in recs) == ["close", "openat", "write"],
              "records for c.txt: %s" % "".join("\n    " + r["line"] for r in recs))
        bad = [r for r in recs if r["comm"] != want]
        check(not bad, "comm should be %s:%s" % (want, "".join("\n    " + r["line"] for r in bad)))
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


def test_pid_filter():
    """-pid P -duration 2 attaches to a running process and reports only it."""
    s = Scratch("pid")
    loop = ["sh", "-c", 'while :; do echo x >> "$1"; sleep 0.05; done', "sh"]
    target = subprocess.Popen(loop + [os.path.join(s.dir, "target.txt")], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, start_new_session=True)
    other = subprocess.Popen(loop + [os.path.join(s.dir, "other.txt")], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(0.2)
        run = run_ior(["-plain", "-pid", str(target.pid), "-duration", "2"], timeout=20)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        check(run.elapsed < 6, "ior -pid -duration 2 took %.1f s" % run.elapsed)
        foreign = [r for r in run.records if r["pid"] != target.pid]
        check(not foreign, "-pid %d let through %d record(s) of other processes, e.g.:%s"
              % (target.pid, len(foreign), "".join("\n    " + r["line"] for r in foreign[:5])))
        path = quote(os.path.join(s.dir, "target.txt").encode())
        writes = [r for r in run.records if r["sc"] == "write" and r["path"] == path]
        check(len(writes) >= 5, "only %d write records for %s in 2 s" % (len(writes), path))
        bad = [r for r in writes if (r["fd"], r["ret"], r["bytes"]) != (1, 2, 2)]
        check(not bad, "writes of 'x\\n' through fd 1:%s" % "".join("\n    " + r["line"] for r in bad[:5]))
    except TestFailure:
        s.failed = True
        raise
    finally:
        for proc in (target, other):
            proc.kill()
            proc.wait()
        s.remove()


def test_migrating_thread_order():
    """A thread that moves to the next CPU before each of its writes has its
    calls recorded in the rings of alternating CPUs, while another thread
    writes without pause: ior prints the moving thread's calls in its own
    order (openat, the 3000 writes of 1, 2, ... 100, 1, ... bytes, close),
    with rising times, and every write of the other thread."""
    nwrites = 3000
    s = Scratch("migrate")
    try:
        log = os.path.join(s.base, "migrate.log")
        run = run_ior(["-plain", "--", workload("migrate"), s.dir, log, str(nwrites)], timeout=120)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        with open(log) as f:
            info = json.loads(f.read())
        check(info["cpus"] >= 2, "the workload saw %d CPU(s): nothing migrates" % info["cpus"])
        path = quote(os.path.join(s.dir, "m.txt").encode())
        mine = [r for r in run.records if r["tid"] == info["tid"] and r["path"] == path]
        got = [(r["sc"], r["ret"]) for r in mine]
        want = ([("openat", info["fd"])] + [("write", 1 + i % 100) for i in range(nwrites)]
                + [("close", 0)])
        if got != want:
            at = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
            check(False, "the moving thread's calls on m.txt, in output order, differ from its own "
                  "order at call %d of %d (got %d calls):%s"
                  % (at, len(want), len(got), "".join("\n    " + r["line"] for r in mine[max(0, at - 2):at + 3])))
        back = [(a, b) for a, b in zip(mine, mine[1:]) if b["time_ns"] <= a["time_ns"]]
        check(not back, "times go back in output order:\n    %s\n    %s"
              % (back[0][0]["line"], back[0][1]["line"]) if back else "")
        other = quote(os.path.join(s.dir, "o.txt").encode())
        writes = [r for r in run.records if r["tid"] == info["other_tid"] and r["path"] == other
                  and r["sc"] == "write"]
        check(len(writes) == info["other_writes"] and all(r["ret"] == 1 for r in writes),
              "the other thread made %d writes; %d write records on o.txt"
              % (info["other_writes"], len(writes)))
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


def test_small_rings_keep_up():
    """Small event rings (-ringbuf 4: 2 MiB per CPU on two CPUs, what the
    default 32 MiB gives each CPU of a 16-core host) under a storm of 1-byte
    pwrite64/pread64 pairs from one thread: each ring wakes the reader when
    it passes a quarter full, and ior prints the calls the storm thread makes
    on its file in order — openat, unlink, the setup pwrite64, the 400000
    calls of its loop, each of 1 byte, and close — every one of them, or,
    when a loaded machine keeps ior from draining in time, every one that
    is not counted among the ring-buffer drops."""
    n = 400000
    s = Scratch("rings")
    try:
        res = os.path.join(s.base, "storm.out")
        run = run_ior(["-plain", "-ringbuf", "4", "--", STORM, "-n", str(n), "-p", s.dir,
                       "-o", res], timeout=120)
        run.check_ran(0)
        run.check_lines()
        check(run.summary is not None, "no summary line\n" + run.stderr_tail())
        drops = run.summary["ring-buffer drops"]
        for label in ("path drops", "unpaired exits", "lost entries", "unknown paths"):
            check(run.summary[label] == 0, "%s: %s" % (label, run.summary))
        with open(res) as f:
            check(f.read().startswith("storm: 1 threads, %d syscalls," % n), "storm did not finish")
        prefix = os.path.join(s.dir, "ior-storm.").encode()
        mine = [r for r in run.records if r["raw_path"] and r["raw_path"].startswith(prefix)]
        check(len(mine) > 3 and mine[0]["sc"] == "openat",
              "no openat of the storm's file first: %s" % [r["line"] for r in mine[:3]])
        fd = mine[0]["ret"]
        got = [(r["sc"], r["fd"], r["ret"], r["bytes"]) for r in mine]
        want = ([("openat", fd, fd, 0), ("unlink", None, 0, 0), ("pwrite64", fd, 1, 1)]
                + [("pwrite64" if i % 2 == 0 else "pread64", fd, 1, 1) for i in range(n)]
                + [("close", fd, 0, 0)])
        if drops:
            print("    (a loaded machine: %d ring-buffer drops)" % drops)
            # what was printed is the storm's own sequence with drops-many calls at most left out
            check(len(want) - len(got) <= drops, "%d of the storm's calls missing, %d drops counted"
                  % (len(want) - len(got), drops))
            rest = iter(want)
            at = next((i for i, g in enumerate(got) if not any(g == w for w in rest)), None)
            check(at is None, "call %d printed is not the storm's next call: %s"
                  % (at or 0, mine[at]["line"] if at is not None else ""))
        elif got != want:
            at = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
            check(False, "the storm's calls on its file differ from its own at call %d of %d "
                  "(got %d calls):%s" % (at, len(want), len(got),
                                         "".join("\n    " + r["line"] for r in mine[max(0, at - 2):at + 3])))
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


class LiveIor:
    """ior started with args in its own session, its stdout and stderr going
    to temporary files, for a test that acts while it runs; killed on leaving
    the with block if it still runs."""

    def __init__(self, args):
        self.args = args

    def __enter__(self):
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([IOR] + self.args, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=self.err, start_new_session=True)
        self.pid = self.proc.pid
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.out.close()
        self.err.close()

    def stdout_now(self):
        self.out.seek(0)
        return self.out.read()

    def finish(self, timeout=20):
        """Waits for ior to exit 0; its run, stdout parsed, with a summary."""
        status = self.proc.wait(timeout)
        check(status == 0, "ior %s exited %s" % (" ".join(self.args[:1]), status))
        self.err.seek(0)
        run = IorRun(self.args, status, 0, self.stdout_now(), self.err.read(), 0, 0, [])
        run.check_lines()
        check(run.summary is not None, "no summary\n%s" % run.stderr_tail())
        return run


def losses_counted_exactly(s):
    """Losses are counted, never silent: a 400000-call storm under -plain
    -ringbuf 1 (256 KiB per CPU) while ior is stopped (SIGSTOP until the
    storm has finished) overflows its ring; the lines ior prints plus the
    ring-buffer drops it reports are exactly the calls the same storm makes
    under an unstopped ior, which loses none (calls waiting in a batch
    count as dropped when the batch finds no room).

    The reference is anchored on the storm itself: traced with rings large
    enough to hold every event even if ior read none (128 MiB), ior must
    show exactly the pwrite64/pread64 calls of the storm's worker thread
    (the n the storm reports for its loop, and one before it), and no drop; the calls around that
    loop (the loader's, the thread's start) are what that run shows."""
    n = 400000
    res = os.path.join(s.base, "storm.out")
    full = run_ior(["-plain", "-ringbuf", "128", "--", STORM, "-n", str(n), "-p", s.dir, "-o", res],
                   timeout=120)
    full.check_ran(0)
    full.check_lines()
    check(full.summary is not None, "no summary line\n" + full.stderr_tail())
    made = re.match(r"storm: 1 threads, (\d+) syscalls,", open(res).read())
    check(made and int(made.group(1)) == n, "the storm's report: %r" % open(res).read())
    loop = [r for r in full.records if r["sc"] in ("pwrite64", "pread64") and r["tid"] != r["pid"]]
    # the worker's calls: a pwrite64 that sets its file up, then the n of its loop
    check(full.summary["ring-buffer drops"] == 0 and len(loop) == n + 1,
          "%d of the storm worker's %d pwrite64/pread64 calls shown, %d ring-buffer drops"
          % (len(loop), n + 1, full.summary["ring-buffer drops"]))
    check(len(full.records) == full.summary["syscalls"],
          "%d lines for %s syscalls" % (len(full.records), full.summary["syscalls"]))
    full_calls = len(full.records)
    os.unlink(res)
    with LiveIor(["-plain", "-ringbuf", "1", "--", STORM, "-n", str(n), "-p", s.dir,
                  "-o", res]) as ior:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ior.stdout_now() and ior.proc.poll() is None:
            time.sleep(0.01)
        os.kill(ior.pid, signal.SIGSTOP)
        while time.monotonic() < deadline and not (
                os.path.exists(res) and open(res).read().startswith("storm:")):
            time.sleep(0.05)
        os.kill(ior.pid, signal.SIGCONT)
        run = ior.finish(60)
    drops = run.summary["ring-buffer drops"]
    check(drops > n // 4, "only %d ring-buffer drops while ior was stopped" % drops)
    for label in ("path drops", "unpaired exits", "lost entries", "unknown paths"):
        check(run.summary[label] == 0, "%s: %s" % (label, run.summary))
    check(len(run.records) == run.summary["syscalls"],
          "%d lines for %d syscalls" % (len(run.records), run.summary["syscalls"]))
    check(len(run.records) + drops == full_calls,
          "%d lines + %d drops, the storm makes %d calls" % (len(run.records), drops, full_calls))


CPU1_ONLINE = "/sys/devices/system/cpu/cpu1/online"


# Python lines: open (create, truncate) the file named by sys.argv[N] as fd,
# then write b'abc' to it three times.
THREE_WRITES = ("fd = os.open(sys.argv[%d], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)\n"
                "for _ in range(3):\n"
                "    os.write(fd, b'abc')\n")


def run_batch_on_cpu1(s, offline):
    """ior -plain -- a command pinned to CPU 1 that waits on a FIFO, then
    opens its file, makes three 3-byte writes, closes it and _exits: ior is
    stopped (SIGSTOP) from before the FIFO is written until the command has
    finished, and CPU 1 is taken offline meanwhile when offline. Returns the
    run and the command's calls on its file."""
    fifo = os.path.join(s.dir, "fifo-%d" % offline)
    path = os.path.join(s.dir, "cpu1-%d.txt" % offline)
    os.mkfifo(fifo)
    script = ("import os, sys\n"
              "os.sched_setaffinity(0, {1})\n"
              "r = os.open(sys.argv[1], os.O_RDONLY)\n"
              "os.read(r, 1)\n" + THREE_WRITES % 2 +
              "os.close(fd)\n"
              "os._exit(0)\n")
    with LiveIor(["-plain", "--", sys.executable, "-c", script, fifo, path]) as ior:
        with open(fifo, "wb") as w:  # returns once the command opened it
            os.kill(ior.pid, signal.SIGSTOP)
            w.write(b"x")
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not (
                    os.path.exists(path) and os.path.getsize(path) == 9):
                time.sleep(0.01)
            time.sleep(0.2)  # its close and _exit
            if offline:
                with open(CPU1_ONLINE, "w") as f:
                    f.write("0")
            os.kill(ior.pid, signal.SIGCONT)
            run = ior.finish()
        finally:
            if ior.proc.poll() is None:
                os.kill(ior.pid, signal.SIGCONT)
            if offline:
                with open(CPU1_ONLINE, "w") as f:
                    f.write("1")
    return run, [r["sc"] for r in run.records if r["raw_path"] == path.encode()]


def offline_cpu_batch_counted(s):
    """Calls left in the batch of a CPU that went offline cannot be sent
    (ior_flush cannot run there) and count as ring-buffer drops: with CPU 1
    offline at the end, the command's openat (sent at once, it has a path
    string) is printed, and its three writes and close are the 4 drops; with
    CPU 1 online, all five calls are printed and nothing is dropped."""
    run, calls = run_batch_on_cpu1(s, False)
    check_calls("CPU 1 online: the command's calls on its file", calls,
                ["openat", "write", "write", "write", "close"])
    check(run.summary["ring-buffer drops"] == 0, "CPU 1 online: %s" % run.summary)
    run, calls = run_batch_on_cpu1(s, True)
    check_calls("CPU 1 offline: the command's calls on its file", calls, ["openat"])
    check(run.summary["ring-buffer drops"] == 4,
          "CPU 1 offline: %d ring-buffer drops, want 4 (three writes and a close): %s"
          % (run.summary["ring-buffer drops"], run.summary))


def check_calls(what, got, want, ok=True):
    """Fails unless ok and the calls got are want, listing both."""
    check(ok and got == want, "%s:\n    %s\nexpected:\n    %s"
          % (what, "\n    ".join(map(str, got)), "\n    ".join(map(str, want))))


def quiet_cpu_delivers(s):
    """A call waits in its CPU's batch until the batch fills, or until ior
    sends the batch of a CPU that went quiet: a command that makes three
    3-byte writes to its file and then blocks opening a FIFO shows its
    openat and the three writes on ior -plain's output while it is still
    blocked (within 10 s; they would wait for the end otherwise), then its
    close once released: exactly those calls on its file, in order."""
    fifo = os.path.join(s.dir, "fifo")
    path = os.path.join(s.dir, "quiet.txt")
    os.mkfifo(fifo)
    script = ("import os, sys\n" + THREE_WRITES % 1 +
              "r = os.open(sys.argv[2], os.O_RDONLY)\n"
              "os.read(r, 1)\n"
              "os.close(fd)\n")
    with LiveIor(["-plain", "--", sys.executable, "-c", script, path, fifo]) as ior:
        deadline = time.monotonic() + 10
        shown = 0
        while time.monotonic() < deadline and ior.proc.poll() is None:
            shown = sum(1 for line in ior.stdout_now().splitlines()
                        if b" write " in line and path.encode() in line)
            if shown == 3:
                break
            time.sleep(0.05)
        check(shown == 3, "%d of the 3 writes shown while the command was blocked" % shown)
        with open(fifo, "wb") as w:
            w.write(b"x")
        run = ior.finish()
    run.check_summary()
    mine = [(r["sc"], r["ret"], r["bytes"]) for r in run.records if r["raw_path"] == path.encode()]
    fd = mine[0][1] if mine else None
    want = [("openat", fd, 0)] + [("write", 3, 3)] * 3 + [("close", 0, 0)]
    check_calls("the command's calls on its file", mine, want, fd is not None and fd >= 0)


def test_in_flight_at_start():
    """A call in flight when tracing starts began outside the trace: a process
    blocked in read() on a FIFO before ior attaches, released after, shows
    neither that read nor a loss; what it does next is traced exactly."""
    s = Scratch("inflight")
    fifo = os.path.join(s.dir, "fifo")
    after = os.path.join(s.dir, "after.txt")
    os.mkfifo(fifo)
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import os, sys\n"
         "f = os.open(sys.argv[1], os.O_RDWR)\n"  # its own writer: read() then blocks
         "sys.stdout.write('ready\\n'); sys.stdout.flush()\n"
         "os.read(f, 1)\n"
         "g = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)\n"
         "os.write(g, b'after\\n')\n"
         "os.close(g)\n",
         fifo, after], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=True)
    ior = None
    try:
        check(child.stdout.readline() == b"ready\n", "the blocked reader did not start")
        time.sleep(0.2)  # into its read()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            ior = subprocess.Popen([IOR, "-plain", "-path", s.dir], stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=err, start_new_session=True)
            # ior traces once this process's own opens of probe files show
            deadline = time.monotonic() + 30
            seen = False
            for n in range(100000):
                probe = os.path.join(s.dir, "probe-%d" % n)
                os.close(os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600))
                out.seek(0)
                if b"probe-" in out.read():
                    seen = True
                    break
                check(time.monotonic() < deadline and ior.poll() is None,
                      "ior -plain did not show its first traced call within 30 s")
                time.sleep(0.05)
            check(seen, "no probe seen")
            with open(fifo, "wb") as w:
                w.write(b"x")
            check(child.wait(20) == 0, "the released reader failed")
            time.sleep(0.3)
            ior.send_signal(signal.SIGINT)
            check(ior.wait(20) == 0, "ior -plain exited %s on SIGINT" % ior.returncode)
            out.seek(0)
            err.seek(0)
            run = IorRun(["-plain", "-path", s.dir], 0, 0, out.read(), err.read(), 0, 0, [])
        run.check_lines()
        run.check_summary()
        for label in ("unpaired exits", "lost entries"):
            check(run.summary.get(label) == 0, "summary reports %s %s: %s"
                  % (run.summary.get(label), label, run.stderr_tail(2)))
        mine = [(r["sc"], r["raw_path"], r["ret"], r["bytes"])
                for r in run.records if r["pid"] == child.pid]
        fd = mine[0][2] if mine else None
        want = [("openat", after.encode(), fd, 0), ("write", after.encode(), 6, 6),
                ("close", after.encode(), 0, 0)]
        check_calls("the released reader's calls", mine, want, fd is not None and fd >= 0)
    except TestFailure:
        s.failed = True
        raise
    finally:
        for proc in (child, ior):
            if proc and proc.poll() is None:
                proc.kill()
                proc.wait()
        s.remove()


def test_stdin_passthrough():
    """The command reads ior's stdin."""
    s = Scratch("stdin")
    try:
        out = os.path.join(s.dir, "in.txt")
        # sh's read builtin reads fd 0 a byte at a time; echo writes the line at once
        run = run_ior(["-plain", "--", "sh", "-c", 'read line; echo "$line" > "$1"', "sh", out], timeout=30,
                      stdin=b"hello from stdin\n")
        run.check_ran(0)
        run.check_lines()
        with open(out, "rb") as f:
            got = f.read()
        check(got == b"hello from stdin\n", "the command read %r from stdin" % got)
        writes = [r for r in run.records if r["sc"] == "write" and r["raw_path"] == out.encode()]
        check(len(writes) == 1 and (writes[0]["fd"], writes[0]["bytes"]) == (1, 17),
              "write records for in.txt:%s" % "".join("\n    " + r["line"] for r in writes))
        reads = [r for r in run.records if r["sc"] == "read" and r["fd"] == 0 and r["bytes"] == 1]
        check(len(reads) == 17, "%d one-byte reads of fd 0, expected 17" % len(reads))
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


def test_missing_command():
    """A command that cannot be started: non-zero exit, a message, no records."""
    run = run_ior(["-plain", "--", "/nonexistent-ior-test/cmd"], timeout=10)
    check(run.status is not None and run.status != 0, "ior exited %s" % run.status)
    check(run.stdout == b"", "stdout: %r" % run.stdout[:200])
    check(any(line.startswith("ior: ") and "/nonexistent-ior-test/cmd" in line
              for line in run.stderr.splitlines()),
          "no 'ior: ...' line naming the command on stderr\n" + run.stderr_tail())


# ---- -flamegraph (.ior.zst) and -folded ------------------------------------------

def path_frames(path):
    """The frames ior's folded output gives a path: one per directory level,
    each keeping its trailing slash ("/tmp/", "x/", "a.txt")."""
    parts = [p for p in path.split("/") if p]
    return ["/" + parts[0] + "/"] + [p + "/" for p in parts[1:-1]] + [parts[-1]]


def folded(artifact, *args):
    """Runs ior -folded on artifact; returns {stack: value}."""
    proc = subprocess.run([IOR, "-folded", artifact] + list(args), capture_output=True, timeout=30)
    check(proc.returncode == 0, "ior -folded %s exited %d: %s"
          % (" ".join(args), proc.returncode, proc.stderr.decode(errors="replace")))
    out = {}
    for line in proc.stdout.decode("utf-8", "surrogateescape").splitlines():
        stack, _, value = line.rpartition(" ")
        check(stack and value.isdigit(), "bad folded line %r" % line)
        check(stack not in out, "stack printed twice: %r" % stack)
        out[stack] = int(value)
    return out


class FlameRun:
    """twocomm traced with -flamegraph -name into a scratch directory; timed
    tells the durations twocomm measured around each of its calls, summed
    by (comm, syscall): the kernel's time of a call lies within its own."""

    def __init__(self):
        self.scratch = Scratch("flame")
        self.name = os.path.join(self.scratch.base, "run")
        self.artifact = self.name + ".ior.zst"
        times = os.path.join(self.scratch.dir, "times.txt")
        self.run = run_ior(["-flamegraph", "-name", self.name, "--", workload("twocomm"),
                            "-r", times, self.scratch.dir], timeout=30)
        self.a = path_frames(os.path.join(self.scratch.dir, "a.txt"))
        self.b = path_frames(os.path.join(self.scratch.dir, "b.txt"))
        self.timed = {}
        if os.path.exists(times):
            for line in open(times):
                comm, sc, ns = line.split()
                self.timed[comm, sc] = int(ns)


_flame = None


def flame():
    global _flame
    if _flame is None:
        _flame = FlameRun()
    return _flame


def test_flame_written():
    f = flame()
    f.run.check_ran(0)
    check(f.run.stdout == b"", "-flamegraph printed on stdout: %r" % f.run.stdout[:200])
    f.run.check_summary()
    check(os.path.isfile(f.artifact), "%s was not written" % f.artifact)
    st = os.stat(f.artifact)
    check(st.st_mode & 0o777 == 0o600, "%s has mode %o, expected 600" % (f.artifact, st.st_mode & 0o777))
    check(any(line.startswith("ior: wrote " + f.artifact) for line in f.run.stderr.splitlines()),
          "no 'ior: wrote ...' line\n" + f.run.stderr_tail())
    leftovers = [n for n in os.listdir(f.scratch.base) if n not in ("work", "run.ior.zst")]
    check(not leftovers, "temporary files left next to the artifact: %s" % leftovers)
    meta = subprocess.run(["zstd", "-dc", f.artifact], capture_output=True, timeout=30).stdout
    check(os.uname().release.encode() in meta, "the kernel release is not in the metadata")
    check(b"-flamegraph -name " + f.name.encode() in meta, "the command line is not in the metadata")
    check(b"lost.ringbuf_drops" in meta, "the loss counters are not in the metadata")


def test_flame_counts():
    """comm,path,tracepoint with -count count and bytes: exactly what twocomm did."""
    f = flame()
    for metric, writes, other in (("count", 5, 1), ("bytes", 25, 0)):
        got = folded(f.artifact, "-fields", "comm,path,tracepoint", "-count", metric)
        for comm, frames in (("iorA", f.a), ("iorB", f.b)):
            prefix = ";".join([comm] + frames) + ";"
            mine = {k[len(prefix):]: v for k, v in got.items() if k.startswith(prefix)}
            want = {"write": writes}
            if other:
                want.update({"openat": other, "close": other})
            check(mine == want, "-count %s for %s: got %s, expected %s" % (metric, prefix, mine, want))
        strays = [k for k in got if ";".join(f.a) in k and not k.startswith("iorA;")]
        check(not strays, "a.txt stacks under another comm: %s" % strays)


def test_flame_orders_and_metrics():
    """tracepoint,path,comm order gives the same values, reversed, for all four
    metrics, each anchored on what twocomm did: its calls' counts and bytes;
    durations above 0 and within the times twocomm measured around the
    calls; gaps above 0 except before iorB's first call (a new thread's
    first call has none), where the stack is absent."""
    f = flame()
    check(len(f.timed) == 6, "twocomm's report of its timed calls: %r" % f.timed)
    calls = {"openat": 1, "write": 5, "close": 1}
    for metric in ("count", "duration", "durationToPrev", "bytes"):
        fwd = folded(f.artifact, "-fields", "comm,path,tracepoint", "-count", metric)
        rev = folded(f.artifact, "-fields", "tracepoint,path,comm", "-count", metric)
        for comm, frames in (("iorA", f.a), ("iorB", f.b)):
            for sc in ("openat", "write", "close"):
                k1 = ";".join([comm] + frames + [sc])
                k2 = ";".join([sc] + frames + [comm])
                v1, v2 = fwd.get(k1), rev.get(k2)
                check(v1 == v2, "-count %s: %s=%s but %s=%s" % (metric, k1, v1, k2, v2))
                if metric == "count":
                    check(v1 == calls[sc], "-count count: %s=%s, twocomm made %d" % (k1, v1, calls[sc]))
                elif metric == "duration":
                    check(v1 is not None and 0 < v1 <= f.timed[comm, sc],
                          "-count duration: %s=%s ns, twocomm timed its calls at %d ns"
                          % (k1, v1, f.timed[comm, sc]))
                elif metric == "durationToPrev":
                    first = comm == "iorB" and sc == "openat"
                    check(v1 is None if first else v1 is not None and v1 > 0,
                          "-count durationToPrev: %s=%s" % (k1, v1))
                else:
                    check(v1 == (25 if sc == "write" else None), "-count bytes: %s=%s" % (k1, v1))
        check(sum(fwd.values()) == sum(rev.values()),
              "-count %s: totals differ between field orders" % metric)


def test_flame_svg():
    import xml.etree.ElementTree as ET
    f = flame()
    out = os.path.join(f.scratch.base, "flame.svg")
    proc = subprocess.run([IOR, "-folded", f.artifact, "-svg", out], capture_output=True, timeout=30)
    check(proc.returncode == 0, "-svg exited %d: %s" % (proc.returncode, proc.stderr))
    try:
        root = ET.parse(out).getroot()
    except ET.ParseError as e:
        raise TestFailure("the SVG is not well-formed XML: %s" % e)
    stacks = folded(f.artifact)
    frames = {tuple(k.split(";")[:i + 1]) for k in stacks for i in range(len(k.split(";")))}
    groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "f"]
    check(len(groups) == len(frames) + 1, "%d frame elements for %d distinct frames (+1 root)"
          % (len(groups), len(frames)))
    # what twocomm did, in the frames' titles: each task's 7 calls on its file
    titles = [g.findtext("{http://www.w3.org/2000/svg}title") or "" for g in groups]
    for comm, name in (("iorA", "a.txt"), ("iorB", "b.txt")):
        for title in ("%s (7 events, " % comm, "%s (7 events, " % os.path.join(f.scratch.dir, name)):
            check(sum(1 for t in titles if t.startswith(title)) == 1, "no frame titled %r" % title)
    for sc, n in (("openat", 1), ("write", 5), ("close", 1)):
        check(sum(1 for t in titles if t.startswith("%s (%d events, " % (sc, n))) >= 2,
              "no %s frame of %d events under each task" % (sc, n))
    again = subprocess.run([IOR, "-folded", f.artifact, "-svg", out], capture_output=True, timeout=30)
    check(again.returncode != 0 and b"exists" in again.stderr, "an existing SVG was overwritten")
    os.unlink(out)


def test_flame_refuses_existing():
    f = flame()
    before = open(f.artifact, "rb").read()
    run = run_ior(["-flamegraph", "-name", f.name, "--", "true"], timeout=30)
    check(run.status not in (0, None), "ior exited %s over an existing %s" % (run.status, f.artifact))
    lines = run.stderr.splitlines()
    check(len(lines) == 1 and lines[0].startswith("ior: ") and "exists" in lines[0],
          "expected one 'ior: ... exists' line, got:\n" + run.stderr_tail())
    check(run.summary is None, "ior traced before refusing")
    check(open(f.artifact, "rb").read() == before, "the existing file was modified")


def test_folded_bad_files():
    f = flame()
    good = open(f.artifact, "rb").read()
    cases = {"empty": b"", "garbage": b"not an ior file at all\n" * 10,
             "truncated": good[:len(good) // 2], "flipped": good[:20] + bytes([good[20] ^ 0xff]) + good[21:]}
    for name, data in cases.items():
        path = os.path.join(f.scratch.base, name + ".ior.zst")
        with open(path, "wb") as out:
            out.write(data)
        proc = subprocess.run([IOR, "-folded", path], capture_output=True, timeout=30)
        lines = proc.stderr.decode(errors="replace").splitlines()
        check(proc.returncode != 0 and proc.returncode < 128,
              "%s file: exit %d (a crash is >= 128)" % (name, proc.returncode))
        check(len(lines) == 1 and lines[0].startswith("ior: ") and path in lines[0],
              "%s file: expected one 'ior: ...' line naming it, got %r" % (name, lines))
        check(proc.stdout == b"", "%s file: printed stacks: %r" % (name, proc.stdout[:100]))
        os.unlink(path)


def test_parquet_sigkill():
    """SIGKILL a live -parquet recording after a few flushes: the file must
    still open in DuckDB with the rows of the workload up to a flush."""
    s = Scratch("pqkill")
    try:
        out = os.path.join(s.base, "killed.parquet")
        target = os.path.join(s.dir, "f")
        script = "while :; do echo x >> %s; sleep 0.01; done" % target
        proc = subprocess.Popen([IOR, "-parquet", out, "--", "sh", "-c", script],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(3.5)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rows = parquet_records(out)
        writes = [r for r in rows if r["sc"] == "write" and r["raw_path"] == target.encode()]
        check(len(writes) >= 100, "only %d writes of %s survived 3 s of recording" % (len(writes), target))
        check(all(r["bytes"] == 2 and r["ret"] == 2 for r in writes), "a write row is wrong")
        check(len(rows) > len(writes), "no other rows")
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


# ---- the runner -----------------------------------------------------------------

TESTS = [("exit-status-3", test_exit_status_3), ("exit-status-0", test_exit_status_0),
         ("duration", test_duration), ("own-cpu", test_own_cpu)]
TESTS += [("bad-flag:" + name, make_bad_flag_test(args)) for name, args in BAD_FLAGS.items()]
TESTS += [("missing-command", test_missing_command), ("stdin-passthrough", test_stdin_passthrough),
          ("comm-filter", test_comm_filter), ("comm-escape", test_comm_escape),
          ("pid-filter", test_pid_filter), ("in-flight-at-start", test_in_flight_at_start),
          ("migrating-thread-order", test_migrating_thread_order),
          ("small-rings-keep-up", test_small_rings_keep_up),
          ("threads", test_threads),
          ("threads-load", test_threads_load), ("iowork:run", make_iowork_run_test("plain"))]
TESTS += [("iowork:" + sec, make_section_test(sec)) for sec in IOWORK_SECTIONS]
TESTS += [("iowork:no-unexpected", make_iowork_unexpected_test("plain"))]
# the same workload recorded with -parquet and read back with DuckDB: the same exact rows
TESTS += [("parquet:iowork:run", make_iowork_run_test("parquet"))]
TESTS += [("parquet:iowork:" + sec, make_section_test(sec, "parquet")) for sec in IOWORK_SECTIONS]
TESTS += [("parquet:iowork:no-unexpected", make_iowork_unexpected_test("parquet")),
          ("parquet:sigkill", test_parquet_sigkill)]
def scratch_test(tag, body):
    """A test running body(scratch) in a fresh directory, removed afterwards
    (kept when it failed and IOR_TEST_KEEP=1)."""
    def test():
        s = Scratch(tag)
        try:
            body(s)
        except TestFailure:
            s.failed = True
            raise
        finally:
            s.remove()
    return test


# batches of records: sent from a quiet CPU, counted when lost
TESTS += [("quiet-cpu-delivers", scratch_test("quiet", quiet_cpu_delivers)),
          ("losses-counted-exactly", scratch_test("losses", losses_counted_exactly)),
          ("offline-cpu-batch-counted", scratch_test("cpu1", offline_cpu_batch_counted))]


def run_with_env(env, fn):
    """fn() with extra environment variables set for the ior it starts."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return fn()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


KERNEL_AGG_RE = re.compile(r"^ior: wrote .*: (\d+) entries from (\d+) syscalls, (\d+) aggregated in the kernel$")


def make_kernel_agg_test(env, kernel):
    """threads (6 x 400 one-byte writes) under -flamegraph with env set: the
    .ior.zst holds exactly 400 writes and 400 bytes per thread and file, and
    the calls aggregated in the kernel are as `kernel` expects: "all" (every
    write), "none" (the map is off) or "some" (a one-entry map: the rest came
    as records)."""
    nthreads, nwrites = 6, 400

    def body(s):
        log = os.path.join(s.base, "threads.log")
        name = os.path.join(s.base, "k")
        run = run_with_env(env, lambda: run_ior(
            ["-flamegraph", "-name", name, "--", workload("threads"), s.dir, log,
             str(nthreads), str(nwrites)], timeout=60))
        run.check_ran(0)
        run.check_summary()
        check(run.summary["unknown paths"] == 0, "unknown paths: %s" % run.summary)
        wrote = [KERNEL_AGG_RE.match(x) for x in run.stderr.splitlines()]
        wrote = [m for m in wrote if m]
        check(len(wrote) == 1, "no 'ior: wrote ...' line\n" + run.stderr_tail())
        in_kernel = int(wrote[0].group(3))
        total = nthreads * nwrites
        want = {"all": in_kernel >= total, "none": in_kernel == 0,
                "some": 0 < in_kernel < total}[kernel]
        check(want, "%d calls aggregated in the kernel, expected %s of the %d writes"
              % (in_kernel, kernel, total))
        with open(log) as f:
            workers = [json.loads(x) for x in f]
        check(len(workers) == nthreads, "threads logged %d workers" % len(workers))
        # every entry's histograms agree with its count and its min/max
        # durations, whether the kernel or ior's user space bucketed them
        hc = subprocess.run([workload("histcheck"), name + ".ior.zst"], capture_output=True)
        check(hc.returncode == 0, "histograms: %s%s" % (hc.stdout.decode(errors="replace"),
                                                      hc.stderr.decode(errors="replace")))
        m = re.match(rb"histcheck: \d+ entries, (\d+) calls\n$", hc.stdout)
        check(m and int(m.group(1)) >= total, "histcheck read: %r" % hc.stdout)
        for metric in ("count", "bytes"):
            got = folded(name + ".ior.zst", "-fields", "tid,path,tracepoint", "-count", metric)
            for w in workers:
                frames = path_frames(os.fsdecode(bytes.fromhex(w["path"])))
                key = ";".join(["tid %d" % w["tid"]] + frames + ["write"])
                check(got.get(key) == nwrites, "-count %s: %s=%s, expected %d"
                      % (metric, key, got.get(key), nwrites))
    return scratch_test("kagg", body)


def kernel_agg_bad_env(s):
    """A bad IOR_AGG_ENTRIES, IOR_PATHCACHE_CAP, IOR_SLOTS, IOR_AGG_CAP or
    IOR_SNAPSHOT_S: one line naming it, exit 1, no file."""
    for var, value in (("IOR_AGG_ENTRIES", "lots"), ("IOR_AGG_ENTRIES", "-1"),
                       ("IOR_PATHCACHE_CAP", "0"), ("IOR_SLOTS", "3"), ("IOR_AGG_CAP", "0"),
                       ("IOR_AGG_CAP", "12abc"), ("IOR_SNAPSHOT_S", "-1"),
                       ("IOR_SNAPSHOT_S", "86401")):
        name = os.path.join(s.base, "k")
        run = run_with_env({var: value}, lambda: run_ior(
            ["-flamegraph", "-name", name, "--", "true"], timeout=30))
        lines = run.stderr.splitlines()
        check(run.status == 1 and len(lines) == 1 and lines[0].startswith("ior: " + var)
              and value in lines[0], "%s=%s: exit %s, stderr %r" % (var, value, run.status, lines))
        check(not os.path.exists(name + ".ior.zst"), "%s=%s: a file was written" % (var, value))


def kernel_agg_exec(s):
    """A thread that execs keeps its tid but changes comm: its writes to the
    same stdout before and after exec stay apart (sh: 3 writes, printf: 1)."""
    name = os.path.join(s.base, "x")
    out = os.path.join(s.dir, "out.txt")
    run = run_ior(["-flamegraph", "-name", name, "--", "sh", "-c",
                   'exec >"$1"; echo 1; echo 2; echo 3; exec printf "4\\n5\\n%s\\n" 6', "sh", out],
                  timeout=30)
    run.check_ran(0)
    with open(out) as f:
        check(f.read() == "1\n2\n3\n4\n5\n6\n", "the command wrote something else")
    got = folded(name + ".ior.zst", "-fields", "comm,path,tracepoint", "-count", "count")
    frames = ";".join(path_frames(out))
    for comm, n in (("sh", 3), ("printf", 1)):
        key = "%s;%s;write" % (comm, frames)
        check(got.get(key) == n, "%s=%s, expected %d" % (key, got.get(key), n))
    tids = folded(name + ".ior.zst", "-fields", "tid,comm,tracepoint", "-count", "count")
    writers = {k.split(";")[0] for k in tids if k.endswith(";write")}
    check(len(writers) == 1, "writes from more than one thread: %s" % sorted(tids))


def test_bpf_builds():
    """IOR_BPF picks the BPF build: 'portable' always loads; 'fast' loads on
    Linux 6.2 and later (bpf_rdonly_cast) and is refused with one line before;
    anything else is refused with one line naming the variable."""
    release = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())
    s = Scratch("builds")
    out = os.path.join(s.dir, "hi.txt")
    for build, loads in (("portable", True), ("fast", release >= (6, 2)), ("quick", False)):
        run = run_with_env({"IOR_BPF": build}, lambda: run_ior(
            ["-plain", "--", "sh", "-c", 'echo hi > "$1"', "sh", out], timeout=30))
        if loads:
            run.check_ran(0)
            run.check_lines()
            run.check_summary()
            writes = [(r["fd"], r["ret"], r["bytes"], r["path"]) for r in run.records if r["sc"] == "write"]
            check(writes == [(1, 3, 3, quote(out.encode()))],
                  "IOR_BPF=%s: write records %s" % (build, writes))
        else:
            lines = run.stderr.splitlines()
            check(run.status == 1 and len(lines) == 1 and lines[0].startswith("ior: "),
                  "IOR_BPF=%s: exit %s, stderr %r" % (build, run.status, lines))
            if build == "quick":
                check("IOR_BPF" in lines[0] and "'quick'" in lines[0], "message: %r" % lines[0])
    s.remove()


THREAD_EXEC = """
import os, sys, threading
def go():
    os.execv("/bin/sh", ["sh", "-c", 'echo x > "$1"', "sh", sys.argv[1]])
t = threading.Thread(target=go)
t.start()
t.join()
"""


def thread_exec(s):
    """A thread other than the leader execs: the kernel gives it the
    leader's tid. Its state in ior moves with it, so nothing goes unpaired
    and sh's first traced call has the gap since the thread's last call
    before exec (a fresh state would say 0); sh's write is reported once."""
    out = os.path.join(s.dir, "x.txt")
    run = run_ior(["-plain", "--", sys.executable, "-c", THREAD_EXEC, out], timeout=60)
    run.check_ran(0)
    run.check_lines()
    run.check_summary()
    for label in ("unpaired exits", "died in call", "lost entries"):
        check(run.summary[label] == 0, "%s: %s" % (label, run.summary))
    sh = sorted((r for r in run.records if r["comm"] == "sh"), key=lambda r: r["time_ns"])
    check(sh, "no record of sh")
    leader = sh[0]["pid"]
    check(all(r["pid"] == leader and r["tid"] == leader for r in sh),
          "sh records on another pid/tid than %d" % leader)
    check(sh[0]["gap"] > 0, "sh's first call has gap 0: the exec'ing thread's state was lost\n    "
          + sh[0]["line"])
    writes = [(r["fd"], r["bytes"], r["path"]) for r in sh if r["sc"] == "write"]
    check(writes == [(1, 2, quote(out.encode()))], "sh's writes: %s" % writes)


TESTS += [("bpf-builds", test_bpf_builds), ("exec-from-thread", scratch_test("texec", thread_exec))]
# One thread slot: the first thread holds it, every other keeps its state in
# task storage, the path a thread takes when another holds its slot.
TESTS += [("one-slot:threads", lambda: run_with_env({"IOR_SLOTS": "1"}, test_threads)),
          ("one-slot:exec-from-thread",
           lambda: run_with_env({"IOR_SLOTS": "1"}, scratch_test("texec1", thread_exec))),
          ("one-slot:kernel-agg", lambda: run_with_env({"IOR_SLOTS": "1"}, make_kernel_agg_test({}, "all")))]
TESTS += [("flame:kernel-agg", make_kernel_agg_test({}, "all")),
          ("flame:kernel-agg-exec", scratch_test("kaggexec", kernel_agg_exec)),
          ("flame:kernel-agg-bad-env", scratch_test("kaggenv", kernel_agg_bad_env)),
          ("flame:kernel-agg-off", make_kernel_agg_test({"IOR_AGG_ENTRIES": "0"}, "none")),
          ("flame:kernel-agg-full", make_kernel_agg_test({"IOR_AGG_ENTRIES": "1"}, "some")),
          ("flame:kernel-agg-rotating-paths", make_kernel_agg_test({"IOR_PATHCACHE_CAP": "2"}, "all"))]
TESTS += [("flame:written", test_flame_written), ("flame:counts", test_flame_counts),
          ("flame:orders-metrics", test_flame_orders_and_metrics), ("flame:svg", test_flame_svg),
          ("flame:refuses-existing", test_flame_refuses_existing),
          ("flame:bad-files", test_folded_bad_files)]


def preflight():
    """Why the tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "not root: ior needs root to load BPF programs (run the tests as root)"
    if not (os.path.isfile(IOR) and os.access(IOR, os.X_OK)):
        return "IOR=%s is not an executable file (build it with make)" % IOR
    for name in ("iowork", "threads", "twocomm"):
        if not os.access(workload(name), os.X_OK):
            return "workload %s is missing (make builds it)" % workload(name)
    if not os.access("/sys/kernel/btf/vmlinux", os.R_OK):
        return "this kernel has no BTF (/sys/kernel/btf/vmlinux), so ior cannot load its BPF programs"
    run = run_ior(["-plain", "--", "true"], timeout=30)
    if run.status is None or run.status != 0 or run.summary is None:
        return ("ior could not trace even `true` (BPF unavailable?): exit %s\n%s"
                % (run.status, run.stderr_tail()))
    return None


# ---- filters mean what they say; one convention for paths -----------------------

def file_calls(recs, path):
    """(comm, syscall, bytes) of the records naming path, in order."""
    return [(r["comm"], r["sc"], r["bytes"]) for r in recs if r["raw_path"] == path]


def test_comm_follows_renames():
    """-comm iorN while one process is renamed by prctl and execs out of and
    back into the name: only the calls made under the name, and every
    record's comm is iorN (the execve that left the name returns as iorZ)."""
    s = Scratch("commexec")
    try:
        for name in ("iorN", "iorZ"):
            os.symlink(workload("commexec"), os.path.join(s.dir, name))
        run = run_ior(["-plain", "-comm", "iorN", "--", os.path.join(s.dir, "iorN"), s.dir],
                      timeout=30)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        others = [r for r in run.records if r["comm"] != "iorN"]
        check(not others, "-comm iorN let through %d record(s) of other names:\n%s"
              % (len(others), "\n".join("    " + r["line"] for r in others[:10])))
        want = [("iorN", "openat", 0), ("iorN", "write", 5), ("iorN", "close", 0)]
        for f in ("n1.txt", "n2.txt", "n3.txt"):
            got = file_calls(run.records, os.path.join(s.dir, f).encode())
            check(got == want, "%s: got %s, expected %s" % (f, got, want))
        for f in ("o1.txt", "o2.txt"):
            got = file_calls(run.records, os.path.join(s.dir, f).encode())
            check(not got, "%s, written under another name, was shown: %s" % (f, got))
    except TestFailure:
        s.failed = True
        raise
    finally:
        s.remove()


TESTS += [("comm-follows-renames", test_comm_follows_renames)]


PATHSET_OPS = ["d:t", "w:t/in.txt", "w:tx.txt", "w:u/t/in.txt", "w:u/mv.txt", "r:u/mv.txt:t/mv.txt"]


def make_path_under_test(spelling):
    """-path DIR/t, however spelt (absolute, relative to ior's working
    directory, with . and ..): exactly the calls on DIR/t itself and under
    it, by path or by path2 (a rename into it); not DIR/tx.txt (the same
    prefix, another name) nor DIR/u/t/in.txt (t deeper down)."""
    def body(s):
        for d in ("t", "u", "u/t"):
            os.mkdir(os.path.join(s.dir, d))
        arg = os.path.join(s.dir, "t") if spelling == "absolute" else spelling
        run = run_ior(["-plain", "-path", arg, "--", workload("pathset"), s.dir] + PATHSET_OPS,
                      cwd=s.dir, timeout=30)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        t, u = os.path.join(s.dir, "t").encode(), os.path.join(s.dir, "u").encode()
        got = [(r["sc"], r["raw_path"], r["raw_path2"]) for r in run.records]
        want = [("openat", t, None), ("close", t, None),
                ("openat", t + b"/in.txt", None), ("write", t + b"/in.txt", None),
                ("close", t + b"/in.txt", None),
                ("renameat", u + b"/mv.txt", t + b"/mv.txt")]
        check(got == want, "-path %s: got\n%s\nexpected\n%s"
              % (arg, "\n".join("    " + r["line"] for r in run.records),
                 "\n".join("    %s" % (w,) for w in want)))
    return scratch_test("path", body)


TESTS += [("path-under:" + sp, make_path_under_test(sp))
          for sp in ("absolute", "t", "./t/../t/")]


def test_comm_none_running():
    """-comm of a name no task has: traced all the same, with one line on
    stderr saying so; a name that is running (a renamed child of this test)
    gets no such line."""
    absent = "iorNoSuchTask"
    run = run_ior(["-plain", "-comm", absent, "-duration", "0.5"], timeout=30)
    run.check_ran(0)
    run.check_summary()
    lines = [x for x in run.stderr.splitlines() if not is_summary(x)]
    want = "ior: no task named %s is running now; tracing the ones that start" % absent
    check(lines == [want], "stderr besides the summary: %r, expected [%r]" % (lines, want))
    # a thread named iorBusyTask: a child that renames itself and waits
    child = subprocess.Popen(["python3", "-c", "import ctypes,sys; ctypes.CDLL(None).prctl(15, b'iorBusyTask', 0, 0, 0);"
                              " print(flush=True); sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        child.stdout.readline()
        run = run_ior(["-plain", "-comm", "iorBusyTask", "-duration", "0.5"], timeout=30)
    finally:
        child.stdin.close()
        child.wait()
    run.check_ran(0)
    lines = [x for x in run.stderr.splitlines() if not is_summary(x)]
    check(lines == [], "a running iorBusyTask still got stderr lines %r" % lines)


def test_pid_none_running():
    """-pid of a process that does not exist is refused before tracing."""
    with open("/proc/sys/kernel/pid_max") as f:
        pid = int(f.read()) - 1
    while os.path.exists("/proc/%d" % pid):
        pid -= 1
    run = run_ior(["-plain", "-pid", str(pid)], timeout=30)
    run.check_ran(2)
    check(run.stderr == "ior: -pid %d: no such process\n" % pid, "stderr: %r" % run.stderr)
    check(run.stdout == b"", "stdout: %r" % run.stdout)


TESTS += [("comm-none-running", test_comm_none_running),
          ("pid-none-running", test_pid_none_running)]


def fdswap_tally(s, calls):
    """Runs fdswap (at least CALLS preads on an fd another thread swaps
    between a.bin and b.bin and closes, each outcome at least 100 times)
    under ior -plain; returns the per-call comparison
    with the workload's log: counts of "right" (the file read), "wrong"
    (the other file), "ebadf-path" (EBADF naming a file), "ebadf" (EBADF, no
    file), "ok-nopath" (a successful call naming no file)."""
    log = os.path.join(s.base, "fdswap.log")
    run = run_ior(["-plain", "--", workload("fdswap"), s.dir, str(calls), log], timeout=300)
    run.check_ran(0)
    run.check_lines()
    run.check_summary()
    with open(log) as f:
        found = f.read().strip()
    calls = len(found)
    for c in "ABE":
        check(found.count(c) >= 100, "the workload logged %d %s calls" % (found.count(c), c))
    reads = sorted((r for r in run.records if r["sc"] == "pread64" and r["tid"] == r["pid"] and r["fd"] == 100),
                   key=lambda r: r["time_ns"])
    check(len(reads) == calls, "%d pread64 records for %d calls" % (len(reads), calls))
    files = {b"A": os.path.join(s.dir, "a.bin").encode(), b"B": os.path.join(s.dir, "b.bin").encode()}
    tally = {"right": 0, "wrong": 0, "ebadf-path": 0, "ebadf": 0, "ok-nopath": 0}
    for c, r in zip(found.encode(), reads):
        c = bytes([c])
        if c == b"E":
            check(r["ret"] == -9, "EBADF logged, record says: " + r["line"])
            tally["ebadf-path" if r["raw_path"] is not None else "ebadf"] += 1
        else:
            check(r["ret"] == 1, "a byte read, record says: " + r["line"])
            if r["raw_path"] is None:
                tally["ok-nopath"] += 1
            else:
                check(r["raw_path"] in files.values(), "a read of " + r["line"])
                tally["right" if r["raw_path"] == files[c] else "wrong"] += 1
    return tally


def test_fd_swapped():
    """An fd swapped and closed by another thread during the calls: every
    pread that failed with EBADF names no file, every one that read a byte
    names a file (a.bin or b.bin). How many name the other file is printed
    (docs/tracing.md has the figure), not asserted: ior reads the fd at the
    call's entry, the kernel a moment later."""
    def body(s):
        tally = fdswap_tally(s, 20000)
        print("    fdswap: %s" % tally)
        check(tally["ebadf-path"] == 0 and tally["ok-nopath"] == 0,
              "EBADF calls naming a file or reads naming none: %s" % tally)
    scratch_test("fdswap", body)()


TESTS += [("fd-swapped", test_fd_swapped)]


def make_rootview_test(mode):
    """rootview's calls from another root name files one way, whether by fd
    or by string, successful or failed: under chroot DIR/x the host's path
    (DIR/x/etc/...), ".." stopping at the new root; after pivot_root in a
    new mount namespace the namespace's own view (/etc/...), which also
    proves that paths walked before the pivot are not reused."""
    def body(s):
        run = run_ior(["-plain", "--", workload("rootview"), mode, s.dir], timeout=30)
        run.check_ran(0)
        run.check_lines()
        run.check_summary()
        root = os.path.join(s.dir, "x").encode() if mode == "chroot" else b""
        mine = [r for r in run.records if r["comm"] == "rootview"]
        got = [(r["sc"], r["ret"], r["raw_path"], r["raw_path2"]) for r in mine[-8:]]
        cfile, moved = root + b"/etc/cfile", root + b"/etc/moved"
        want = [("chdir", 0, root or b"/", None),
                ("openat", 3, cfile, None), ("read", 6, cfile, None), ("close", 0, cfile, None),
                ("openat", -2, root + b"/etc/nonexist", None), ("newfstatat", 0, cfile, None),
                ("openat", -2, root + b"/etc/nonexist2", None), ("renameat", 0, cfile, moved)]
        check(got == want, "rootview %s: got\n%s\nexpected\n%s"
              % (mode, "\n".join("    " + r["line"] for r in mine[-8:]),
                 "\n".join("    %s" % (w,) for w in want)))
    return scratch_test("rootview", body)


TESTS += [("rootview:" + m, make_rootview_test(m)) for m in ("chroot", "pivot")]


def self_test():
    """Checks the parser and the escaping on hand-written lines."""
    good = ('1764198583.123456789 my\\x20prog 12 13 openat fd=3 ret=3 bytes=0 dur=1200 gap=0'
            ' flags=0x241 path="/tmp/a b/\\"q\\"\\\\\\n\\t\\r\\x01\\xff\U0001F600" path2=-')
    rec = parse_record(good.encode("utf-8"))
    assert rec is not None, "good line rejected"
    assert rec["comm"] == "my\\x20prog" and rec["pid"] == 12 and rec["tid"] == 13
    assert rec["fd"] == 3 and rec["flags"] == "0x241" and rec["path2"] == "-"
    raw = b'/tmp/a b/"q"\\\n\t\r\x01\xff\xf0\x9f\x98\x80'
    assert rec["raw_path"] == raw, rec["raw_path"]
    assert quote(raw) == rec["path"], (quote(raw), rec["path"])
    assert rec["time_ns"] == 1764198583123456789
    anon = parse_record("1.000000001 a 1 1 mmap fd=-1 ret=140737 bytes=0 dur=5 gap=7 flags=0x22 path=- path2=-")
    assert anon and anon["fd"] == -1 and anon["raw_path"] is None
    pipe = parse_record('1.000000001 a 1 1 read fd=3 ret=-9 bytes=0 dur=5 gap=7 flags=- path="pipe:[123]" path2=-')
    assert pipe and pipe["raw_path"] == b"pipe:[123]" and pipe["flags"] is None and pipe["ret"] == -9
    bad = [
        "1.00000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path=- path2=-",   # 8 decimals
        "1.000000001 a b 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path=- path2=-",  # space in comm
        '1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path="a"b" path2=-',  # bare quote
        '1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path="a\\q" path2=-',  # bad escape
        '1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path="a\\xFF" path2=-',  # upper hex
        "1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path=/a path2=-",  # unquoted
        "1.000000001 a 1 1 read fd=3 ret=1 bytes=-1 dur=5 gap=7 flags=- path=- path2=-",  # negative bytes
        "1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=0 path=- path2=-",  # flags not hex
        "1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path=- path2=- x",  # trailing
        "1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path=- path2=-\n",  # newline
    ]
    for line in bad:
        assert parse_record(line) is None, "accepted: %r" % line
    assert parse_record(b'1.000000001 a 1 1 read fd=3 ret=1 bytes=1 dur=5 gap=7 flags=- path="\xff" path2=-') is None
    assert escape(b"\xc0\xaf") == "\\xc0\\xaf"          # overlong '/'
    assert escape(b"\xed\xa0\x80") == "\\xed\\xa0\\x80"  # surrogate
    assert escape(b"\xe2\x82") == "\\xe2\\x82"          # cut short
    assert escape(b"a b", space_too=True) == "a\\x20b"
    s = parse_summary("x\nior: 1234 syscalls in 2.001 s (617/s); lost: 0 ring-buffer drops, 3 path drops,"
                      " 0 unpaired exits, 0 lost entries, 0 died in call, 0 unreadable strings,"
                      " 0 recursion misses\n")
    assert s == {"syscalls": 1234, "ring-buffer drops": 0, "path drops": 3, "unpaired exits": 0,
                 "lost entries": 0, "died in call": 0, "unreadable strings": 0,
                 "recursion misses": 0}, s
    assert parse_summary("ior: done\n") is None
    print("self-test: parser and escaping OK")


def run_tests(tests, selected):
    """Runs each (name, test) for which selected(name) is true, printing
    PASS/FAIL lines (a crash in a test is that test's failure); returns
    (passed, failed)."""
    global TRACED_RUNS
    passed = failed = TRACED_RUNS = 0
    for name, test in tests:
        if not selected(name):
            continue
        t0 = time.monotonic()
        try:
            test()
        except Exception as e:  # a crash in one test is that test's failure
            failed += 1
            print("FAIL %s (%.1fs)" % (name, time.monotonic() - t0))
            msg = str(e) if isinstance(e, TestFailure) else "%s: %s" % (type(e).__name__, e)
            for line in msg.splitlines():
                print("    " + line)
        else:
            passed += 1
            print("PASS %s (%.1fs)" % (name, time.monotonic() - t0))
        sys.stdout.flush()
    return passed, failed


def summary_line(suite, passed, failed, registered, runs=True):
    """The closing line: N passed, N failed, N skipped of N registered, where
    skipped counts the registered tests that did not run (left out by name,
    or the suite could not start), preceded (runs) by how many traced runs
    of ior stand behind the cases; returns the exit status, 0 only when
    every registered test ran and passed."""
    skipped = registered - passed - failed
    if runs:
        print("(%d traced runs of ior, each to its summary line, behind these %d test cases)"
              % (TRACED_RUNS, passed + failed))
    print("%s: %d passed, %d failed, %d skipped of %d registered"
          % (suite, passed, failed, skipped, registered))
    return 0 if failed == 0 and passed == registered else 1


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    wanted = set(argv[1:])
    unknown = wanted - {name for name, _ in TESTS}
    if unknown:
        print("run.py: unknown test(s) %s; tests are: %s"
              % (", ".join(sorted(unknown)), ", ".join(n for n, _ in TESTS)), file=sys.stderr)
        return 2
    why = preflight()
    if why:
        print("%s: cannot run the BPF tests: %s" % (SUITE, why))
        print("%s: 0 passed, 1 failed, %d skipped of %d registered" % (SUITE, len(TESTS), len(TESTS)))
        return 1
    passed, failed = run_tests(TESTS, lambda name: not wanted or name in wanted)
    if _flame is not None:
        _flame.scratch.failed = failed > 0
        _flame.scratch.remove()
    for w in _iowork.values():
        w.scratch.failed = failed > 0
        if failed and KEEP:
            print("(iowork files kept in %s)" % w.scratch.base)
        w.scratch.remove()
    status = summary_line(SUITE, passed, failed, len(TESTS))
    return 1 if failed or (not wanted and status) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
