"""Driving ior's dashboard in tmux, shared by the dashboard test scripts.

A private tmux server (its own socket, no config) runs each Pane: a plain
shell at a fixed size in which a test starts ior, types keys and reads the
screen with capture-pane. check() runs one named check and counts it;
session() runs a group of checks, a crash outside them leaving the rest
unrun; summary() prints the closing "LABEL: N passed, N failed, N skipped of
N registered" line, where registered is the number of checks the script
pins and skipped the ones that never ran.
"""
import os
import subprocess
import time
import traceback

SOCK = "ior-tui-%d" % os.getpid()
PROMPT = "TUITEST$ "
passed = 0
failed = 0


def configure(sock, prompt):
    """Names this script's tmux server and its shells' prompt."""
    global SOCK, PROMPT
    SOCK, PROMPT = sock, prompt


def tmux(*args, check=True):
    r = subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def kill_server():
    tmux("kill-server", check=False)


class Pane:
    """A tmux session running a plain shell at a fixed size (in cwd, if given)."""

    def __init__(self, name, w, h, cwd=None, home="/root"):
        self.name = name
        where = ["-c", cwd] if cwd else []
        tmux("new-session", "-d", "-s", name, "-x", str(w), "-y", str(h), *where,
             "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=tmux-256color LANG=C.UTF-8 "
             "HOME=%s PS1='%s' bash --norc --noprofile" % (home, PROMPT))
        tmux("set-option", "-t", name, "status", "off")
        tmux("set-option", "-t", name, "window-size", "manual")
        tmux("resize-window", "-t", name, "-x", str(w), "-y", str(h))
        self.wait(lambda s: PROMPT.rstrip() in s, 5, "the shell prompt")

    def screen(self):
        return tmux("capture-pane", "-p", "-t", self.name)

    def colored(self):
        """The screen with its SGR escape sequences (colours)."""
        return tmux("capture-pane", "-p", "-e", "-t", self.name)

    def lines(self):
        return self.screen().split("\n")

    def keys(self, *keys):
        for k in keys:
            tmux("send-keys", "-t", self.name, k)
            time.sleep(0.05)

    def literal(self, text):
        tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.05)

    def run(self, cmdline):
        self.literal(cmdline)
        tmux("send-keys", "-t", self.name, "Enter")

    def wait(self, pred, timeout, what):
        end = time.time() + timeout
        s = ""
        while time.time() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.03)
        raise AssertionError("timed out waiting for %s; the screen was:\n%s" % (what, s))

    def wait_text(self, text, timeout=5):
        if isinstance(text, str):
            return self.wait(lambda s: text in s, timeout, repr(text))
        return self.wait(lambda s: text.search(s) is not None, timeout, text.pattern)

    def wait_gone(self, text, timeout=5):
        return self.wait(lambda s: text not in s, timeout, "%r to disappear" % text)

    def size(self):
        return tmux("display-message", "-p", "-t", self.name, "#{pane_width}x#{pane_height}").strip()

    def alternate(self):
        return tmux("display-message", "-p", "-t", self.name, "#{alternate_on}").strip() == "1"

    def kill(self):
        tmux("kill-session", "-t", self.name, check=False)


def check(name, fn):
    """Runs one named check; an exception is its failure, reported and counted."""
    global passed, failed
    try:
        fn()
        passed += 1
        print("ok   %s" % name, flush=True)
    except Exception as e:  # noqa: BLE001 - every failure is reported
        failed += 1
        msg = str(e) if isinstance(e, AssertionError) else traceback.format_exc()
        print("FAIL %s: %s" % (name, msg), flush=True)


def expect(cond, what, screen=""):
    if not cond:
        raise AssertionError(what + ("\nthe screen was:\n" + screen if screen else ""))


def session(fn, *args):
    """Runs fn(*args), a group of checks; an exception outside a check (the
    pane could not start, a set-up step failed) is reported, and the checks
    it kept from running count as skipped in summary()."""
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 - reported; its unrun checks fail the suite
        print("FAIL %s stopped before its checks ran:\n%s" % (fn.__name__, traceback.format_exc()),
              flush=True)


def summary(label, registered):
    """Prints the closing line; the exit status: 0 only when every one of the
    registered checks ran and passed."""
    skipped = max(registered - passed - failed, 0)
    print("%s: %d passed, %d failed, %d skipped of %d registered"
          % (label, passed, failed, skipped, registered))
    if passed + failed > registered:
        print("%s: %d checks ran, more than the %d registered: update the count"
              % (label, passed + failed, registered))
        return 1
    return 0 if passed == registered else 1
