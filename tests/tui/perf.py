#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Measures the dashboard's cost and responsiveness (a measurement, not a test).

1. idle: ior's dashboard tracing a sleeping process (nothing to trace) for
   SECONDS; its CPU time (utime + stime from /proc/PID/stat) over wall time.
2. under load: ior's dashboard tracing the whole system while bench/storm
   makes pwrite/pread calls as fast as it can; keys alternate between tabs
   2 and 3 and the time until the pane shows the new tab is measured
   (tmux send-keys to capture-pane, so it includes tmux's own latency and
   the polling step of about 5 ms). Prints the storm's rate, what ior's
   footer said, ior's CPU share, and key latency min/median/p95/max.

Usage (root): tests/tui/perf.py [SECONDS]   env IOR, STORM (build/bench/storm),
STORM_THREADS (default: cores - 1)
"""
import os
import statistics
import subprocess
import sys
import time

IOR = os.path.abspath(os.environ.get("IOR", "./ior"))
STORM = os.path.abspath(os.environ.get("STORM", "build/bench/storm"))
SOCK = "ior-perf-%d" % os.getpid()
TICK = os.sysconf("SC_CLK_TCK")


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null"] + list(args),
                          stdout=subprocess.PIPE, text=True, check=True).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "p")


def wait(text, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        s = screen()
        if text in s:
            return s
        time.sleep(0.002)
    raise SystemExit("timed out waiting for %r" % text)


def ior_pid():
    out = subprocess.run(["pgrep", "-n", "-f", "^" + IOR], stdout=subprocess.PIPE, text=True).stdout
    return int(out.split()[0])


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def start(args):
    tmux("new-session", "-d", "-s", "p", "-x", "80", "-y", "24",
         "env LANG=C.UTF-8 TERM=tmux-256color %s %s" % (IOR, args))
    tmux("set-option", "-t", "p", "status", "off")
    wait("Top syscalls")
    return ior_pid()


def key_latency(n):
    lat = []
    for i in range(n):
        tab, marker = ("3", " FILE") if i % 2 == 0 else ("2", "FAMILY")
        a = time.perf_counter()
        tmux("send-keys", "-t", "p", tab)
        wait(marker)
        lat.append((time.perf_counter() - a) * 1000)
        time.sleep(0.1)
    lat.sort()
    return "min %.1f median %.1f p95 %.1f max %.1f (n=%d)" % (
        lat[0], statistics.median(lat), lat[int(len(lat) * 0.95) - 1], lat[-1], len(lat))


def main():
    secs = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    sleeper = subprocess.Popen(["sleep", "3600"])
    try:
        pid = start("-pid %d" % sleeper.pid)
        time.sleep(1)
        t0, c0 = time.time(), cpu_ticks(pid)
        time.sleep(secs)
        t1, c1 = time.time(), cpu_ticks(pid)
        print("idle: ior used %.2f%% of a core over %.0f s (%d ticks)"
              % (100.0 * (c1 - c0) / TICK / (t1 - t0), t1 - t0, c1 - c0))
        print("idle: key to screen, ms: " + key_latency(20))
        tmux("kill-server")
    finally:
        sleeper.kill()

    pid = start("")
    threads = os.environ.get("STORM_THREADS", str(max(1, (os.cpu_count() or 2) - 1)))
    storm = subprocess.Popen([STORM, "-t", threads, "-n", "1000000000"],
                             stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        t0, c0 = time.time(), cpu_ticks(pid)
        lat = key_latency(40)
        t1, c1 = time.time(), cpu_ticks(pid)
        foot = screen().rstrip().split("\n")[-1]
        print("load: footer: %s" % foot.strip())
        print("load: ior used %.0f%% of a core" % (100.0 * (c1 - c0) / TICK / (t1 - t0)))
        print("load: key to screen, ms: " + lat)
    finally:
        storm.kill()
        storm.wait()
        tmux("kill-server")


if __name__ == "__main__":
    main()
