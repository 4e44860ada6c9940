#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A -parquet recording is a complete Parquet file at every instant
(docs/parquet-saves.md), asserted on the real binary under the syscall
storm (build/bench/storm: 1-byte pwrite/pread as fast as one thread can):

- kill:file-changed:N     SIGKILL the moment FILE's inode or size changes
                          (a save just completed): DuckDB and hyparquet read
                          all of FILE's rows, as many as its footer says, and
                          no fewer than the save before the change
- kill:sibling-growing:N  SIGKILL the moment the sibling .FILE.ior-swap grows
                          (a save is being written): the same for FILE; the
                          leftover sibling makes a new run on FILE refuse
                          with one `ior: ` line, exit 2, the sibling
                          untouched
- readers:during-recording  DuckDB and hyparquet open FILE over and over while
                          ior records (200 passes and 5 s at least, so over
                          several saves): no read fails, the row counts never
                          go down, the file holds every syscall traced, the
                          sibling is gone at the end
- enospc:tmpfs-2m         on a 2 MiB tmpfs: exit 1, one line naming the file,
                          the rows kept and lost and the error; kept + lost =
                          the syscalls traced; DuckDB reads exactly the rows
                          kept; the file fills at least 75% of the tmpfs; no
                          sibling left

Usage (from the repository root, as root, after make and
tests/parquet/install.sh):
    IOR=./ior STORM=build/bench/storm python3 tests/integration/savesafe.py [NAME...]
The last line is `savesafe: N passed, N failed`.
"""

import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as it  # noqa: E402  the integration suite's helpers

IOR = it.IOR
STORM = it.STORM
check = it.check
TestFailure = it.TestFailure
PARQUET_DIR = os.path.join(HERE, "..", "parquet")
KILL_RUNS = 12          # of each kind
TMPFS_BYTES = 2 << 20
TMPFS_KEPT_MIN = 0.75   # docs/parquet-saves.md: what a full disk keeps


# ---- reading files ------------------------------------------------------------

def thrift_skip(b, i, t):
    """Skips a Thrift compact value of type t at b[i]; returns the next index."""
    if t in (1, 2):                 # booleans live in the field header
        return i
    if t == 3:
        return i + 1
    if t in (4, 5, 6):
        return it.read_varint(b, i)[1]
    if t == 7:
        return i + 8
    if t == 8:
        n, i = it.read_varint(b, i)
        return i + n
    if t in (9, 10):
        h = b[i]
        i += 1
        n, et = h >> 4, h & 15
        if n == 15:
            n, i = it.read_varint(b, i)
        for _ in range(n):
            i = thrift_skip(b, i, et)
        return i
    if t == 12:
        while True:
            h = b[i]
            i += 1
            if h == 0:
                return i
            if h >> 4 == 0:
                i = it.read_varint(b, i)[1]
            i = thrift_skip(b, i, h & 15)
    raise TestFailure("footer: Thrift type %d" % t)


def footer_rows(fd):
    """num_rows of the FileMetaData of the Parquet file open as fd (read by
    this test's own parser: field 3 of the footer's Thrift struct)."""
    size = os.fstat(fd).st_size
    tail = os.pread(fd, 8, size - 8)
    check(len(tail) == 8 and tail[4:] == b"PAR1", "the file does not end with PAR1")
    n = struct.unpack("<I", tail[:4])[0]
    b = os.pread(fd, n, size - 8 - n)
    i, field = 0, 0
    while b[i]:
        h = b[i]
        i += 1
        field = field + (h >> 4) if h >> 4 else None
        if field is None:
            raise TestFailure("footer: long field header")
        if field == 3 and h & 15 == 6:
            z, _ = it.read_varint(b, i)
            return (z >> 1) ^ -(z & 1)
        i = thrift_skip(b, i, h & 15)
    raise TestFailure("footer without num_rows")


def read_counts(path, duckdb_only=False):
    """Rows of path as DuckDB and hyparquet read them (count.mjs)."""
    proc = subprocess.run(["node", os.path.join(PARQUET_DIR, "count.mjs")]
                          + (["--duckdb-only"] if duckdb_only else []) + [path],
                          capture_output=True, timeout=300)
    out = json.loads(proc.stdout.decode().splitlines()[0]) if proc.stdout else {}
    check(proc.returncode == 0 and "error" not in out,
          "a reader could not read %s: %s %s" % (path, out.get("error"), proc.stderr.decode()[-500:]))
    check(duckdb_only or out["duckdb"] == out["hyparquet"], "DuckDB read %s rows, hyparquet %s"
          % (out.get("duckdb"), out.get("hyparquet")))
    return out["duckdb"]


def stat_of(path):
    try:
        st = os.stat(path)
        return st.st_ino, st.st_size
    except FileNotFoundError:
        return None


def swap_of(path):
    d, base = os.path.split(path)
    return os.path.join(d, "." + base + ".ior-swap")


# ---- running ior --------------------------------------------------------------

def start_recording(out, workdir):
    """ior -parquet out -- storm, in its own session; waits for a first save
    that holds rows."""
    proc = subprocess.Popen([IOR, "-parquet", out, "--", STORM, "-t", "1", "-n", "1000000000",
                             "-p", workdir], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TestFailure("ior ended: %s" % proc.stderr.read().decode()[-2000:])
        st = stat_of(out)
        if st and st[1] > 2048:
            return proc
        time.sleep(0.01)
    stop_all(proc)
    raise TestFailure("no save with rows within 30 s")


def stop_all(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()


def held_rows(path):
    """The rows of the save path names now, read from an fd held meanwhile."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return footer_rows(fd)
    finally:
        os.close(fd)


def make_kill_test(run, mode):
    """SIGKILL at the worst instant: right after FILE changed (file-changed)
    or while a save grows the sibling (sibling-growing)."""
    def body(s):
        out = os.path.join(s.base, "k.parquet")
        swap = swap_of(out)
        rnd = random.Random(run)
        proc = start_recording(out, s.dir)
        try:
            time.sleep(rnd.uniform(0.0, 1.5))
            before = stat_of(out)
            rows_before = held_rows(out)
            deadline = time.monotonic() + 20
            seen = None
            if mode == "file-changed":
                while time.monotonic() < deadline:
                    st = stat_of(out)
                    if st != before:
                        os.kill(proc.pid, signal.SIGKILL)
                        seen = st
                        break
            else:
                last = stat_of(swap)
                while time.monotonic() < deadline:
                    st = stat_of(swap)
                    if st and last and st[0] == last[0] and st[1] != last[1]:
                        os.kill(proc.pid, signal.SIGKILL)
                        seen = st
                        break
                    last = st
            check(seen is not None, "no change seen in 20 s")
        finally:
            stop_all(proc)
        check(proc.returncode == -signal.SIGKILL, "ior ended with %s before the kill" % proc.returncode)
        rows = read_counts(out)
        check(rows == held_rows(out), "the readers read %d rows, the footer says %d"
              % (rows, held_rows(out)))
        check(rows >= rows_before, "%d rows, fewer than the %d of an earlier save" % (rows, rows_before))
        check(rows > 0, "no rows")
        if mode == "sibling-growing" and run == 0:
            check_leftover(s, out, swap)
    return it.scratch_test("kill", body)


def check_leftover(s, out, swap):
    """A sibling left by a kill: a new run refuses FILE, and once FILE is
    gone refuses because of the sibling, leaving it as it was."""
    check(stat_of(swap) is not None, "no sibling left by the kill")
    size = stat_of(swap)[1]
    r = it.run_ior(["-parquet", out, "--", "true"], timeout=30)
    lines = r.stderr.splitlines()
    check(r.status == 2 and len(lines) == 1 and lines[0].startswith("ior: ") and out in lines[0],
          "an existing FILE: exit %s, %s" % (r.status, lines))
    os.unlink(out)
    r = it.run_ior(["-parquet", out, "--", "true"], timeout=30)
    lines = r.stderr.splitlines()
    check(r.status == 2 and lines == ["ior: cannot create %s: %s exists, left by an ior killed while "
                                      "recording to %s; delete it or choose another name"
                                      % (out, swap, out)],
          "a leftover sibling: exit %s, %s" % (r.status, lines))
    check(stat_of(out) is None and stat_of(swap)[1] == size, "the refused run touched the files")


def test_readers():
    def body(s):
        out = os.path.join(s.base, "r.parquet")
        proc = start_recording(out, s.dir)
        try:
            loop = subprocess.run(["node", os.path.join(PARQUET_DIR, "readloop.mjs"), out, "200", "5", "300"],
                                  capture_output=True, timeout=400)
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                raise TestFailure("ior did not end within 60 s of SIGINT")
        finally:
            stop_all(proc)
        err = proc.stderr.read().decode()
        check(loop.returncode == 0, "the reader loop crashed: %s" % loop.stderr.decode()[-2000:])
        res = json.loads(loop.stdout.decode())
        check(res["failures"] == 0, "%d of %d reads failed: %s" % (res["failures"], res["passes"], res["errors"]))
        check(res["passes"] >= 200, "only %d reads in 300 s" % res["passes"])
        check(res["rows"] == sorted(res["rows"]), "the row count went down between reads")
        check(len(set(res["rows"])) >= 3, "fewer than 3 saves seen: %s" % sorted(set(res["rows"])))
        summary = it.parse_summary(err)
        check(summary is not None and any(x.startswith("ior: wrote " + out) for x in err.splitlines()),
              "no clean end:\n" + err)
        check(read_counts(out, True) == summary["syscalls"], "the file lacks rows of the %d syscalls"
              % summary["syscalls"])
        check(stat_of(swap_of(out)) is None, "the sibling is still there")
    it.scratch_test("readers", body)()


def test_enospc_tmpfs():
    def body(s):
        d = os.path.join(s.base, "small")
        os.mkdir(d)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d,mode=0755" % TMPFS_BYTES, "tmpfs", d],
                           capture_output=True, text=True)
        check(r.returncode == 0, "cannot mount a tmpfs: %s" % r.stderr.strip())
        try:
            out = os.path.join(d, "full.parquet")
            r = it.run_ior(["-parquet", out, "--", STORM, "-t", "1", "-n", "20000000", "-p", s.dir],
                           timeout=120)
            check(r.status == 1, "ior exited %s on a full disk" % r.status)
            # the storm goes on: ior stops on the full disk and leaves COMMAND running
            lines = [x for x in r.stderr.splitlines() if not it.is_summary(x) and not it.is_command_left(x)]
            m = [re.match(r"ior: cannot write (.*): No space left on device; it keeps (\d+) rows "
                             r"\(its last complete save\), (\d+) traced rows are not in it$", x) for x in lines]
            check(len(lines) == 1 and m[0] and m[0].group(1) == out,
                  "expected one closing line, got:\n%s" % r.stderr)
            kept, lost = int(m[0].group(2)), int(m[0].group(3))
            check(kept + lost == r.summary["syscalls"], "kept %d + lost %d != %d syscalls traced"
                  % (kept, lost, r.summary["syscalls"]))
            check(lost > 0, "nothing lost: the disk never filled")
            check(read_counts(out) == kept, "the file does not hold the %d rows kept" % kept)
            size = os.stat(out).st_size
            check(size >= TMPFS_KEPT_MIN * TMPFS_BYTES, "the file takes %d bytes, under %.0f%% of the "
                  "%d-byte disk" % (size, 100 * TMPFS_KEPT_MIN, TMPFS_BYTES))
            check(sorted(os.listdir(d)) == ["full.parquet"], "files left: %s" % os.listdir(d))
            print("    kept %d rows in %d bytes (%.0f%% of the tmpfs), %d lost"
                  % (kept, size, 100.0 * size / TMPFS_BYTES, lost))
        finally:
            subprocess.run(["umount", "-l", d], capture_output=True)
    it.scratch_test("enospc2m", body)()


TESTS = []
TESTS += [("kill:file-changed:%d" % i, make_kill_test(i, "file-changed")) for i in range(KILL_RUNS)]
TESTS += [("kill:sibling-growing:%d" % i, make_kill_test(i, "sibling-growing")) for i in range(KILL_RUNS)]
TESTS += [("readers:during-recording", test_readers), ("enospc:tmpfs-2m", test_enospc_tmpfs)]


def main(argv):
    wanted = set(argv[1:])
    if os.geteuid() != 0:
        print("savesafe: cannot run: not root")
        print("savesafe: 0 passed, 1 failed, %d skipped of %d registered" % (len(TESTS), len(TESTS)))
        return 1
    for path in (IOR, STORM):
        if not os.access(path, os.X_OK):
            print("savesafe: cannot run: %s is missing (make builds it)" % path)
            print("savesafe: 0 passed, 1 failed, %d skipped of %d registered" % (len(TESTS), len(TESTS)))
            return 1
    passed, failed = it.run_tests(
        TESTS, lambda name: not wanted or any(name == w or name.startswith(w) for w in wanted))
    return it.summary_line("savesafe", passed, failed, len(TESTS), runs=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
