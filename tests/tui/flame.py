#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""End-to-end tests of the dashboard's Flame tab, driven in tmux.

./ior --testflames (a fixed synthetic machine, src/flamedemo.c, no root
needed) runs in a detached tmux pane of 80x24 and one of 200x50; keys go in
with send-keys, the screen comes back with capture-pane (-e for colours),
and every number asserted is computed from the synthetic table: 3654
events, rsync 1600, nginx 1106, postgres 931, ... --testliveflames must
grow while keeping its siblings in place. The CLI must refuse to combine
them with the headless modes.

Then a real recording: `ior -flamegraph -name X -- twocomm DIR` (needs root
and BPF, or passwordless sudo; without them that check fails, never skips),
viewed with `ior -view X.ior.zst`: on the Flame tab, the value the status
line shows for every task (the root's children), and for the widest
directory frames above the widest task, must equal the sums of the matching
lines of `ior -folded X.ior.zst`, for -count count and duration. And live
(root): `ior -- twocomm DIR` draws the traced tasks, and choosing a new scope
restarts the flamegraph with the statistics.

Environment: IOR (default ./ior), BUILD (default build), CC (default cc).
Ends with "tui-flame: N passed, N failed, N skipped of N registered"; exit
status 0 only when every registered check ran and passed.
"""
import os
import re
import shutil
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
tuilib.configure("ior-flame-%d" % os.getpid(), "FLAMETEST$ ")

# the synthetic set (src/flamedemo.c), count and duration per task
TOTAL = 3654
COUNT = {"rsync": 1600, "nginx": 1106, "postgres": 931, "ev\\x1b[31mil": 9, "bash": 8}
DURATION = {"rsync": 400000000, "nginx": 5944000, "postgres": 77850000, "bash": 1033000,
            "ev\\x1b[31mil": 9000}
TOTAL_DUR = sum(DURATION.values())
# background colours (256-colour palette) by kind of frame, as tui_flame.c sets them
PAL_COMM = {203, 209, 167, 215, 173, 210}
PAL_PATH = {185, 149, 186, 143, 191, 150}
PAL_SYSCALL = {75, 111, 117, 81, 68, 153}
MATCH_BG = 201



STATUS = re.compile(r"^ > (?:(comm|path|syscall) )?(.*?) \| (\d+) (events|ns|bytes)(?: \([^)]*\))?"
                    r" \| ([\d.]+)% of all(?: \| ([\d.]+)% of zoom)?( \| too narrow to draw)?")


def status(screen):
    """The status line: (kind, full name, value, unit, % of all, % of zoom, hidden)."""
    for line in screen.split("\n"):
        m = STATUS.match(line)
        if m:
            return (m.group(1) or "", m.group(2), int(m.group(3)), m.group(4), float(m.group(5)),
                    float(m.group(6)) if m.group(6) else None, bool(m.group(7)))
    raise AssertionError("no status line on the screen:\n" + screen)


def wait_status(p, name, timeout=5):
    """Waits until the status line shows the frame named name; returns status()."""
    s = p.wait(lambda x: any(STATUS.match(l) and STATUS.match(l).group(2) == name
                             for l in x.split("\n")), timeout, "the status line on %r" % name)
    return status(s)


def flame_rows(screen):
    """The flamegraph's rows, bottom ("all") first."""
    lines = screen.split("\n")
    for i, line in enumerate(lines):
        if STATUS.match(line):
            return [l for l in reversed(lines[:i])]
    raise AssertionError("no status line on the screen:\n" + screen)


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def backgrounds(line):
    """Background colour (256-palette index, or None) of each column of a capture -e line."""
    out, bg, i = [], None, 0
    while i < len(line):
        m = SGR.match(line, i)
        if m:
            ps = [int(x) if x else 0 for x in m.group(1).split(";")]
            j = 0
            while j < len(ps):
                if ps[j] == 0 or ps[j] == 49:
                    bg = None
                elif ps[j] == 48 and j + 2 < len(ps) and ps[j + 1] == 5:
                    bg = ps[j + 2]
                    j += 2
                elif ps[j] == 38 and j + 2 < len(ps) and ps[j + 1] == 5:
                    j += 2
                j += 1
            i = m.end()
            continue
        if line[i] == "\x1b":  # another sequence: skip it
            i += 1
            continue
        out.append(bg)
        i += 1
    return out


def colored_rows(p):
    """The rows of capture -e, aligned with screen().split("\\n")."""
    return p.colored().split("\n")


def bg_at(p, pattern):
    """The background of the first frame label matching pattern (flame rows, bottom up)."""
    plain = p.screen()
    lines = plain.split("\n")
    colored = colored_rows(p)
    for row in flame_rows(plain):
        m = re.search(pattern, row)
        if m:
            return backgrounds(colored[lines.index(row)])[m.start()]
    raise AssertionError("no %r in the flamegraph:\n%s" % (pattern, plain))


def start(p, args=""):
    """Starts the synthetic flamegraph; returns the first screen that shows its title and
    its status line (the title is drawn first: a capture may come in between)."""
    p.run("clear; %s --testflames %s; echo ior-exit=$?" % (IOR, args))
    return p.wait(lambda s: re.search(r"metric: .* total: ", s)
                  and any(STATUS.match(l) for l in s.split("\n")), 5, "the flamegraph's title and status line")


# ---- the synthetic flamegraph at 80x24 -----------------------------------------------

def small_session():
    p = Pane("small", 80, 24)
    try:
        def opens():
            s = start(p)
            expect("metric: count  stack: comm,path,tracepoint  total: 3654 events" in s, "title", s)
            expect("synthetic data (--testflames)" in s, "the header says what this is", s)
            st = status(s)
            expect(st[1:4] == ("all", TOTAL, "events") and st[4] == 100.0, "root selected: %r" % (st,), s)
            rows = flame_rows(s)
            expect(rows[0].startswith("all"), "the root at the bottom: %r" % rows[0], s)
            # bash (8) and ev..il (9) are narrower than a column; then nginx, postgres, rsync
            # at floor(80 * offset / 3654): 17 -> 0, 1123 -> 24, 2054 -> 44
            comms = rows[1]
            expect(comms.find("nginx") == 0 and comms.find("postgres") == 24 and comms.find("rsync") == 44,
                   "tasks in name order, widths by count: %r" % comms, s)
            # paths, one frame per directory, bottom to top
            expect(rows[2].find("/usr/") < rows[2].find("/var/") and "/home/" in rows[2] and "/mnt/" in rows[2],
                   "first path level: %r" % rows[2], s)
            expect(any("postgresql/" in r for r in rows) and any("pg_wa" in r for r in rows), "deeper levels", s)
            # 40 photos of 20 events each are far narrower than 3 columns: one slot each side
            expect(sum(r.count("\u2026 40 frames") for r in rows) == 2, "narrow frames merged", s)
            expect(s.count("\x1b") == 0, "no raw escape reaches the screen", s)
        check("--testflames: opens on Flame, tasks in name order, widths by count, paths per level", opens)

        def navigate():
            p.keys("Up")
            st = wait_status(p, "rsync")
            expect(st[0] == "comm" and st[2] == 1600 and st[4] == 43.79, "up: the widest task %r" % (st,))
            p.keys("Left")
            st = wait_status(p, "postgres")
            expect(st[2] == 931 and st[4] == 25.48, "left: postgres %r" % (st,))
            p.keys("h")
            st = wait_status(p, "nginx")
            expect(st[2] == 1106 and st[4] == 30.27, "h: nginx %r" % (st,))
            p.keys("Left")
            st = wait_status(p, "ev\\x1b[31mil")
            expect(st[2] == 9 and st[6], "the hostile name, escaped, too narrow to draw: %r" % (st,))
            p.keys("Left", "Left")
            st = wait_status(p, "bash")
            expect(st[2] == 8, "bash %r" % (st,))
            p.keys("Right", "Right", "l")
            wait_status(p, "postgres")
            p.keys("Up")
            st = wait_status(p, "/var/")
            expect(st[0] == "path" and st[2] == 931, "up: a path frame %r" % (st,))
            p.keys("k")
            st = wait_status(p, "/var/lib/")
            expect(st[2] == 931, "k: /var/ then lib/ reads /var/lib/ %r" % (st,))
            p.keys("Down", "j")
            wait_status(p, "postgres")
            p.keys("Up", "Up")
            wait_status(p, "/var/lib/")  # up again follows the way it came down
            p.keys("Down", "Down", "Down", "Down")
            st = wait_status(p, "all")
            expect(st[2] == TOTAL, "down to the root and no further")
        check("arrows and h/j/k/l: children, parents, siblings; the status line follows", navigate)

        def zoom():
            p.keys("Up", "Up", "Up")  # the way back up is remembered: postgres, /var/, lib/
            wait_status(p, "/var/lib/")
            p.keys("Enter")
            s = p.wait_text("zoom: postgres > /var/ > lib/")
            st = status(s)
            expect(st[5] == 100.0 and st[4] == 25.48, "zoomed: 100%% of zoom, 25.48%% of all %r" % (st,), s)
            rows = flame_rows(s)
            expect(rows[0].startswith("/var/lib/"), "the zoomed frame at the bottom, full width: %r" % rows[0], s)
            expect(rows[1].startswith("postgresql/"), "its child spans the width: %r" % rows[1], s)
            expect("nginx" not in s and "rsync" not in s, "nothing outside the zoom", s)
            p.keys("Down")
            time.sleep(0.2)
            expect(status(p.screen())[1] == "/var/lib/", "down stops at the zoomed frame")
            p.keys("Up")
            st = wait_status(p, "/var/lib/postgresql/")
            expect(st[5] == 100.0, "%r" % (st,))
            p.keys("Escape")
            s = p.wait_text(re.compile(r"zoom: postgres > /var/\s*$", re.M))
            expect(status(s)[1] == "/var/lib/postgresql/", "esc: one level out, the selection stays", s)
            p.keys("Escape", "Escape")
            s = p.wait_gone("zoom:")
            expect(flame_rows(s)[0].startswith("all"), "back to the root", s)
            p.keys("Escape")  # nothing left to zoom out of: nothing happens
            time.sleep(0.2)
            expect(flame_rows(p.screen())[0].startswith("all"), "esc at the root", p.screen())
        check("enter zooms into the frame, esc zooms out one level at a time", zoom)

        def metric():
            p.keys("Down", "Down", "Down")
            wait_status(p, "postgres")
            p.keys("m")
            s = p.wait_text("metric: duration")
            st = status(s)
            expect(st[2:4] == (DURATION["postgres"], "ns"), "postgres' duration %r" % (st,), s)
            expect("total: 485ms" in s, "the total in the title", s)
            p.keys("Up")
            st = wait_status(p, "/var/")
            expect(st[2] == DURATION["postgres"], "%r" % (st,))
            p.keys("m")
            s = p.wait_text("metric: durationToPrev")
            p.keys("m")
            s = p.wait_text("metric: bytes")
            st = status(s)
            expect(st[3] == "bytes" and st[2] == 400 * 8192 + 120 * 8192 + 80 * 8192 + 300 * 8192,
                   "postgres' bytes %r" % (st,), s)
            p.keys("m")
            s = p.wait_text("metric: count")
            expect(status(s)[2] == 931, "back to count, same frame", s)
            p.keys("M")
            p.wait_text("metric: bytes")
            p.keys("M", "M", "M")
            p.wait_text("metric: count")
        check("m / M cycle the metric (count, duration, durationToPrev, bytes); values follow", metric)

        def fields():
            p.keys("F")
            s = p.wait_text("stack: path,tracepoint,comm")
            st = status(s)
            expect(st[1] == "all", "a new order starts at the root %r" % (st,), s)
            rows = flame_rows(s)
            expect("/home/" in rows[1] and "/var/" in rows[1] and "nginx" not in rows[1],
                   "paths at the bottom: %r" % rows[1], s)
            p.keys("F")
            p.wait_text("stack: tracepoint,comm,path")
            p.keys("F")
            p.wait_text("stack: comm,path,tracepoint")
            p.keys("f")
            s = p.wait_text("Flame: stack order")
            expect("stack (bottom to top): comm,path,tracepoint" in s, "the prompt starts with the order", s)
            p.keys("C-u")
            p.literal("comm,comm")
            p.keys("Enter")
            s = p.wait_text('field "comm" appears twice')
            p.keys("Escape")
            s = p.wait_gone("Flame: stack order")
            expect("stack: comm,path,tracepoint" in s, "esc keeps the order", s)
            p.keys("f", "C-u")
            p.literal("tracepoint,comm")
            p.keys("Enter")
            s = p.wait_text("stack: tracepoint,comm ")
            rows = flame_rows(s)
            expect(re.match(r"cl\u2026 .*\bpread64 .*\bread .*\bwrite\b", rows[1]) is not None,
                   "syscalls at the bottom, in name order: %r" % rows[1], s)
            p.keys("Up")
            st = wait_status(p, "write")
            expect(st[0] == "syscall" and st[2] == 800 + 300 + 500 + 3 + 1 + 9, "write %r" % (st,))
            p.keys("f", "C-u")
            p.literal("comm,path,tracepoint")
            p.keys("Enter")
            p.wait_text("stack: comm,path,tracepoint ")
        check("F rotates the stack order, f types one (refused when wrong)", fields)

        def colours():
            s = p.screen()
            comm = bg_at(p, r"^nginx ")
            expect(comm in PAL_COMM, "a task's colour is a comm colour: %r" % comm, s)
            expect(bg_at(p, r"\bpostgres\b") in PAL_COMM, "every task", s)
            path = bg_at(p, r"/usr/")
            expect(path in PAL_PATH, "a path colour: %r" % path, s)
            # the same name, the same colour: /var/ under nginx and under postgres
            lines = s.split("\n")
            y = lines.index(flame_rows(s)[2])
            var = [m.start() for m in re.finditer(r"/var/", lines[y])]
            bgs = backgrounds(colored_rows(p)[y])
            expect(len(var) == 2 and bgs[var[0]] == bgs[var[1]] and bgs[var[0]] in PAL_PATH,
                   "/var/ twice, one colour: %r" % [bgs[x] for x in var], s)
            expect(bg_at(p, r"\bpread64\b") in PAL_SYSCALL, "a syscall colour", s)
        check("colours: by kind of frame (comm, path, syscall), the same name the same colour", colours)

        def search():
            p.keys("/")
            p.wait_text("Flame: highlight frames matching")
            p.literal("nginx/")
            p.keys("Enter")
            s = p.wait_text('search "nginx/": 8 frames, 30.3% of all')
            expect(bg_at(p, r"\bnginx/") == MATCH_BG, "matching frames highlighted", s)
            expect(bg_at(p, r"\bpostgresql/") != MATCH_BG, "others not", s)
            p.keys("/", "C-u")
            p.literal("([")
            p.keys("Enter")
            p.wait_text("not a regular expression")
            p.keys("Escape")
            p.wait_gone("Flame: highlight frames matching")
            expect('search "nginx/"' in p.screen(), "a bad regex keeps the old one", p.screen())
            p.keys("Escape")
            s = p.wait_gone('search "nginx/"')
            expect("highlight cleared" in s, "esc at the root clears the highlight", s)
        check("/ highlights frames matching a regex, counts their share; esc clears it", search)

        def hostile():
            p.keys("Up", "Left", "Left", "Left", "Left", "Right")
            wait_status(p, "ev\\x1b[31mil")
            p.keys("Enter")
            s = p.wait_text("zoom: ev\\x1b[31mil")
            expect("bad\\nname" in s and "\\x1b]0\\x3bowned" in s, "escaped paths", s)
            expect("\x1b" not in s and "\x07" not in s, "no control byte on screen", s)
            expect(not p.colored().count("\x1b]"), "no OSC sequence reached the terminal")
            p.keys("Escape")
            p.wait_gone("zoom:")
        check("names with terminal escapes are drawn escaped", hostile)

        def help_and_globals():
            p.keys("H")
            s = p.wait_text("Flame keys")
            for t in ["zoom into the frame", "next / previous metric", "rotate the stack order",
                      "type the stack order", "highlight frames (regex)", "sibling frame"]:
                expect(t in s, "help lists %r" % t, s)
            expect(status(s)[1], "the flame still has its status line", s)
            p.keys("H")
            p.wait_gone("Flame keys")
            p.keys("r")
            p.wait_text("refreshed")
            p.keys("p")
            p.wait_text("process selection is not available")
            p.keys("1")
            p.wait_text("Top syscalls")
            p.keys("8")
            p.wait_text("total: 3654 events")
            p.keys("Tab")
            p.wait_text("Top syscalls")
            p.keys("BTab")
            p.wait_text("total: 3654 events")
        check("help lists the Flame keys; global keys (H r p 1 8 tab) still work there", help_and_globals)

        def quits():
            p.keys("q")
            s = p.wait_text("ior-exit=0")
            expect(s.rstrip().endswith(tuilib.PROMPT.rstrip()), "back at the shell", s)
        check("q quits with status 0", quits)

        def options():
            start(p, "-count duration -fields path,comm")
            s = p.wait_text("metric: duration  stack: path,comm  total: 485ms")
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("-count and -fields set the starting metric and order", options)
    finally:
        p.kill()


# ---- wide ------------------------------------------------------------------------------

def wide_session():
    p = Pane("wide", 200, 50)
    try:
        def wide():
            s = start(p)
            rows = flame_rows(s)
            # floor(200 * offset / 3654): nginx 0, postgres 61, rsync 112
            expect(rows[1].find("nginx") == 0 and rows[1].find("postgres") == 61
                   and rows[1].find("rsync") == 112, "proportional at 200 wide: %r" % rows[1], s)
            expect("0000000100000000" in s, "long names show more", s)
            p.keys("Up", "Up", "Up", "Up", "Up")
            wait_status(p, "/home/alice/photos/2024/")
            p.keys("Enter")
            s = p.wait_text("zoom: rsync > /home/ > alice/ > photos/ > 2024/")
            rows = flame_rows(s)
            # 40 photos of 20 in 800: 5 columns each, drawn one by one, in name order
            expect(rows[1].startswith("img") and rows[1].count("img") == 40 and "\u2026 40" not in rows[1],
                   "every photo drawn: %r" % rows[1], s)
            p.keys("Up")
            st = wait_status(p, "/home/alice/photos/2024/img_0001.jpg")
            expect(st[2] == 20 and st[5] == 2.5, "%r" % (st,))
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("a wide terminal (200x50): more frames drawn; zoomed, every photo", wide)
    finally:
        p.kill()


# ---- live ------------------------------------------------------------------------------

def live_session():
    p = Pane("live", 80, 24)
    try:
        def live():
            p.run("clear; %s --testliveflames; echo ior-exit=$?" % IOR)
            s = p.wait_text("synthetic data (--testliveflames)")
            p.wait_text("metric: count")
            p.keys("Up")
            st1 = wait_status(p, "rsync")
            pos1 = flame_rows(p.screen())[1]
            time.sleep(1.5)
            s = p.screen()
            st2 = status(s)
            expect(st2[1] == "rsync" and st2[2] > st1[2], "grows, the selection stays: %r -> %r" % (st1, st2), s)
            pos2 = flame_rows(s)[1]
            order = lambda r: [n for n in ("nginx", "postgres", "rsync") if n in r]  # noqa: E731
            expect(order(pos1) == order(pos2) == ["nginx", "postgres", "rsync"],
                   "siblings keep their order: %r / %r" % (pos1, pos2), s)
            p.keys("Up", "Up", "Up", "Up", "Enter")
            s = p.wait_text("zoom: rsync > /home/ > alice/ > photos/ > 2024/")
            n1 = status(s)[2]
            time.sleep(1.0)
            s = p.screen()
            expect(status(s)[2] > n1, "new photos keep coming under the zoom", s)
            p.keys("q")
            p.wait_text("ior-exit=0")
        check("--testliveflames: values grow a few times a second, order and selection stay", live)
    finally:
        p.kill()


# ---- the command line --------------------------------------------------------------------

def cli_checks():
    def refuses(args, msg):
        r = subprocess.run([IOR] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           stdin=subprocess.DEVNULL, timeout=10)
        expect(r.returncode == 2, "%s: exit status %d, not 2" % (" ".join(args), r.returncode))
        expect(r.stderr.strip() == "ior: " + msg, "%s: %r" % (" ".join(args), r.stderr))

    def cli():
        refuses(["--testflames", "-plain"], "-plain cannot be combined with --testflames")
        refuses(["-plain", "--testflames"], "--testflames cannot be combined with -plain")
        refuses(["--testliveflames", "-flamegraph", "-name", "x"],
                "-flamegraph cannot be combined with --testliveflames")
        refuses(["--testflames", "-parquet", "x.parquet"], "-parquet cannot be combined with --testflames")
        refuses(["--testflames", "--testliveflames"], "--testliveflames cannot be combined with --testflames")
        refuses(["--testflames", "-pid", "1"], "-pid, -tid, -comm and -duration only go with tracing modes")
        refuses(["--testliveflames", "--", "true"], "a COMMAND after -- only goes with tracing modes")
        refuses(["--testflames", "-count", "lines"],
                "-count: unknown metric 'lines' (use count, duration, durationToPrev, bytes)")
        r = subprocess.run([IOR, "--testflames"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, stdin=subprocess.DEVNULL, timeout=10)
        expect(r.returncode != 0 and "needs a terminal" in r.stderr, "no terminal: %r" % r.stderr)
    check("the CLI refuses --testflames/--testliveflames with headless modes, clearly", cli)


# ---- a real recording, viewed ---------------------------------------------------------------

def as_root(cmd):
    if os.geteuid() == 0:
        return cmd
    return ["sudo", "-n"] + cmd


def build_twocomm():
    out = os.path.join(BUILD, "workload", "twocomm")
    src = os.path.join(HERE, "..", "workload", "twocomm.c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-o", out, src], check=True)
    return os.path.abspath(out)


def folded_sums(rec, metric, depth):
    """{stack prefix of depth frames: sum} from ior -folded."""
    r = subprocess.run([IOR, "-folded", rec, "-count", metric], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, check=True)
    sums = {}
    for line in r.stdout.splitlines():
        stack, value = line.rsplit(" ", 1)
        frames = stack.split(";")
        if len(frames) < depth:
            continue
        key = ";".join(frames[:depth])
        sums[key] = sums.get(key, 0) + int(value)
    return sums


def path_frames(path):
    """A path's frames as folded.c splits it: "/tmp/x/" -> ["/tmp/", "x/"]."""
    return re.findall(r"/?[^/]+/?|/", path)


def recorded():
    tmp = tempfile.mkdtemp(prefix="ior-flame-")
    p = None
    try:
        if os.geteuid() != 0 and subprocess.run(["sudo", "-n", "true"], stderr=subprocess.DEVNULL).returncode:
            raise AssertionError("recording needs root (BPF): run as root or with passwordless sudo")
        work = build_twocomm()
        rec = os.path.join(tmp, "rec")
        times = os.path.join(tmp, "times.txt")
        r = subprocess.run(as_root([IOR, "-flamegraph", "-name", rec, "--", work, "-r", times, tmp]),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        expect(r.returncode == 0, "recording failed: %s" % r.stderr)
        rec += ".ior.zst"
        if os.geteuid() != 0:
            subprocess.run(["sudo", "-n", "chmod", "0644", rec], check=True)
        counts = folded_sums(rec, "count", 1)
        durs = folded_sums(rec, "duration", 1)
        total = sum(counts.values())
        # the values the tab must show for iorA and iorB are what twocomm did:
        # 7 calls each (openat, 5 writes, close), taking no longer than it timed
        timed = {}
        for line in open(times):
            comm, _, ns = line.split()
            timed[comm] = timed.get(comm, 0) + int(ns)
        for comm in ("iorA", "iorB"):
            expect(counts.get(comm) == 7, "%s made 7 calls, the recording has %r" % (comm, counts))
            expect(0 < durs[comm] <= timed[comm], "%s: %d ns recorded, twocomm timed %d ns"
                   % (comm, durs[comm], timed[comm]))

        p = Pane("view", 80, 24)
        p.run("clear; %s -view %s; echo ior-exit=$?" % (IOR, rec))
        p.wait_text("recorded (aggregated)")
        p.keys("8")
        s = p.wait_text("total: %d events" % total)
        expect(status(s)[2] == total, "the root is the folded total", s)

        def walk(metric_sums, unit):
            """Visits every task leftwards then rightwards; checks each value."""
            seen = {}
            p.keys("Up")
            time.sleep(0.2)
            st = status(p.screen())
            seen[st[1]] = st[2]
            for key in ("Left", "Right"):
                last = None
                while True:
                    p.keys(key)
                    time.sleep(0.15)
                    st = status(p.screen())
                    if st[1] == last:
                        break
                    last = st[1]
                    expect(st[0] == "comm" and st[3] == unit, "a task, in %s: %r" % (unit, st))
                    seen[st[1]] = st[2]
            expect(seen == metric_sums, "every task's value equals its folded sum:\n tui    %r\n folded %r"
                   % (sorted(seen.items()), sorted(metric_sums.items())))

        walk(counts, "events")
        widest = max(counts.items(), key=lambda kv: (kv[1], -sorted(counts).index(kv[0])))[0]
        # two levels up from the widest task: the path so far equals the folded prefix's sum
        for _ in range(len(counts)):
            if status(p.screen())[1] == widest:
                break
            p.keys("Right")
            time.sleep(0.15)
        wait_status(p, widest)
        for level in (1, 2):
            p.keys("Up")
            time.sleep(0.2)
            st = status(p.screen())
            expect(st[0] == "path", "a path frame: %r" % (st,))
            frames = path_frames(st[1])
            expect(len(frames) == level, "%r is %d directory level(s)" % (st[1], level))
            want = folded_sums(rec, "count", 1 + level).get(";".join([widest] + frames))
            expect(st[2] == want, "%s: tui %d, folded %r" % (st[1], st[2], want))
        p.keys("Down", "Down", "Down")
        wait_status(p, "all")
        p.keys("m")
        p.wait_text("metric: duration")
        walk(durs, "ns")
        p.keys("q")
        p.wait_text("ior-exit=0")
    finally:
        if p:
            p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def live_reset():
    """Live (root): the flamegraph shows what was traced, and restarts with the statistics."""
    tmp = tempfile.mkdtemp(prefix="ior-flame-")
    idle = subprocess.Popen(["sleep", "300"])
    p = None
    try:
        if os.geteuid() != 0:
            raise AssertionError("live tracing needs root (BPF)")
        work = build_twocomm()
        p = Pane("reset", 80, 24)
        p.run("clear; %s -- %s %s; echo ior-exit=$?" % (IOR, work, tmp))
        p.wait_text("COMMAND exited with status 0", 10)
        p.keys("8")
        s = p.wait_text(re.compile(r"total: \d+ events"))
        rows = flame_rows(s)
        expect(re.search(r"\biorA\s+iorB\s+twocomm", rows[1]) is not None, "the traced tasks: %r" % rows[1], s)
        p.keys("p")
        p.wait_text("Trace which process?")
        p.literal("%d sleep" % idle.pid)
        p.wait_text("1 of ")
        p.keys("Enter")
        s = p.wait_text("scope changed: statistics restarted")
        s = p.wait_text("total: 0 events")
        expect("nothing traced yet" in s, "the flamegraph restarted", s)
        p.keys("q")
        p.wait_text("ior-exit=0")
    finally:
        idle.kill()
        idle.wait()
        if p:
            p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


# the checks above, each run once: fewer run means a session stopped early
CHECKS = 16


def main():
    tuilib.session(small_session)
    tuilib.session(wide_session)
    tuilib.session(live_session)
    tuilib.session(cli_checks)
    check("-view of a recorded .ior.zst: every task's value equals -folded's sum (count, duration)",
          recorded)
    check("live (root): the Flame tab draws the traced tasks and restarts with a new scope", live_reset)
    tmux("kill-server", check=False)
    return tuilib.summary("tui-flame", CHECKS)


if __name__ == "__main__":
    sys.exit(main())
