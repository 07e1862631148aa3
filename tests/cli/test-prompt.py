#!/usr/bin/env python3
"""apppass tests: the no-echo prompt of `apppass verify` through a real pseudo-terminal.

SPDX-License-Identifier: GPL-3.0-or-later

A user runs `apppass verify` from an interactive bash or dash and pastes
Google's password as a web page wrapped it, on two lines. The whole paste must
be one password (the test server's record says whether it got the right one)
and nothing of it may reach the shell: no command run, nothing echoed, nothing
in bash's history. A paste of two whole passwords is refused before anything
is sent. Ctrl-C, SIGTERM and SIGHUP at the prompt give the terminal its echo
and canonical mode back, under both shells (dash restores nothing itself) and
with no shell at all. The password is never printed, not even in a failure's
details."""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

CLI = os.environ["APPPASS_CLI"]
USER = "ann@gmail.com"
SECOND = "qrst uvwx yzab cdef"  # another whole Google-shaped password
FRAGMENTS = sorted({w for text in (lib.PASTED, SECOND) for w in text.split()} |
                   {lib.GOOD_PASSWORD}, key=len, reverse=True)
tap = lib.Tap()
work, certs, ca = lib.work_with_certs("apppass-prompt-")
PROMPT = b"PROMPT> "


def mask(data):
    """Text safe to print: every piece of a test password replaced."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    for fragment in FRAGMENTS:
        text = text.replace(fragment, "[pw]")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def shell_env(shell):
    env = dict(os.environ, PS1=PROMPT.decode(), TERM="dumb", LC_ALL="C.UTF-8", LANGUAGE="C",
               HISTFILE=os.path.join(work, f"{shell}.history"), HISTSIZE="100",
               HISTFILESIZE="100", CLI=CLI)
    for name in ("ENV", "PROMPT_COMMAND", "BASH_ENV", "INPUTRC"):
        env.pop(name, None)
    return env


class Terminal:
    """A program on a pseudo-terminal; what it writes is kept as one screen."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        self.screen = b""

    def read_until(self, pattern, timeout=30):
        """Reads until pattern (bytes regex) matches the screen after mark; TRUE if it did."""
        deadline = time.monotonic() + timeout
        while True:
            if re.search(pattern, self.screen[self.mark:]):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    return False
                if not chunk:
                    return False
                self.screen += chunk

    mark = 0

    def set_mark(self):
        self.mark = len(self.screen)

    def send(self, data):
        os.write(self.fd, data)

    def child_running(self, exe):
        """The pid of a child of this terminal's process that runs exe, or None."""
        try:
            children = open(f"/proc/{self.pid}/task/{self.pid}/children").read().split()
        except OSError:
            return None
        for child in children:
            try:
                if os.readlink(f"/proc/{child}/exe") == os.path.realpath(exe):
                    return int(child)
            except OSError:
                pass
        return None

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


class Shell(Terminal):
    def __init__(self, shell):
        argv = ["bash", "--norc", "--noprofile", "-i"] if shell == "bash" else ["dash", "-i"]
        super().__init__(argv, shell_env(shell))
        self.name = shell
        if not self.read_until(re.escape(PROMPT)):
            raise RuntimeError(f"{shell} showed no prompt: {mask(self.screen)}")

    def run_verify(self, port, extra=""):
        """Types the command; returns once its password prompt shows."""
        self.set_mark()
        self.send(f'"$CLI" verify --protocol imap --host 127.0.0.1 --port {port} '
                  f'--user {USER} --ca-file {ca}{extra}; echo "STATUS=$?"\r'.encode())
        return self.read_until(rb"Password \(not shown\): ")

    def status(self):
        """The command's exit status as the shell saw it, or None."""
        if not self.read_until(rb"STATUS=\d+"):
            return None
        return int(re.findall(rb"STATUS=(\d+)", self.screen[self.mark:])[-1])

    def run_marked(self, command):
        """Runs a command after which the shell prints MARK; returns its output."""
        self.set_mark()
        self.send(command.encode() + b"; echo MA''RK\r")
        self.read_until(rb"\nMARK\r?\n")
        return self.screen[self.mark:]

    def exit(self):
        """Ends the shell the way a user does, so bash writes its history."""
        self.send(b"exit\r")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.pid = -1
                break
            time.sleep(0.05)
        os.close(self.fd)


def history(shell):
    path = os.path.join(work, f"{shell}.history")
    return open(path, "rb").read() if os.path.exists(path) else b""


def paste_two_lines(shell, server, bursts):
    """(a) The two-line paste at the prompt, from one shell."""
    before = len(server.events("login"))
    sh = Shell(shell)
    try:
        ok = tap.ok(sh.run_verify(server.ports["imaps"]), f"{shell}: the prompt shows",
                    mask(sh.screen))
        start = len(sh.screen)
        if bursts:
            first, second = lib.PASTED[:9], lib.PASTED[10:]
            sh.send(first.encode() + b"\r")
            time.sleep(0.03)
            sh.send(second.encode() + b"\r")
        else:
            sh.send(b"abcd efgh\rijkl mnop\r")
        status = sh.status() if ok else None
        how = "in two bursts" if bursts else "at once"
        tap.ok(status == 0, f"{shell}: a paste on two lines {how} is one password the server "
               "accepts (exit 0)", mask(sh.screen))
        logins = server.logins()[before:]
        tap.ok(logins == ["imap:matched"], f"{shell}: the server got the whole password, once",
               logins)
        time.sleep(0.3)
        out = sh.run_marked("echo AFTER")
        tap.ok(b"MARK" in out, f"{shell}: the shell runs the next command", mask(sh.screen))
        after = sh.screen[start:]
        tap.ok(not re.search(rb"not found|No such|ijkl|mnop", after),
               f"{shell}: nothing of the paste ran as a command or was echoed", mask(after))
        sh.exit()
        if shell == "bash":
            tap.ok(b"echo AFTER" in history(shell) and b"ijkl" not in history(shell)
                   and b"mnop" not in history(shell),
                   "bash: the history holds the commands, nothing of the paste",
                   mask(history(shell)))
    finally:
        if sh.pid > 0:
            sh.close()


def paste_two_passwords(shell, server):
    """(b) Two whole passwords in one paste: refused, nothing sent."""
    before = len(server.events("login"))
    sh = Shell(shell)
    try:
        ok = sh.run_verify(server.ports["imaps"])
        start = len(sh.screen)
        sh.send(lib.PASTED.encode() + b"\r" + SECOND.encode() + b"\r")
        status = sh.status() if ok else None
        tap.ok(status == 2, f"{shell}: a paste of two passwords is refused with exit 2",
               mask(sh.screen))
        tap.ok(b"two passwords" in sh.screen[sh.mark:], f"{shell}: the message says why",
               mask(sh.screen))
        tap.ok(len(server.events("login")) == before, f"{shell}: nothing was sent to the server",
               server.logins()[before:])
        out = sh.run_marked("echo AFTER")
        tap.ok(b"MARK" in out and not re.search(rb"not found|qrst|uvwx", sh.screen[start:]),
               f"{shell}: nothing of it reached the shell", mask(sh.screen[start:]))
    finally:
        sh.close()


def modes_on(stty):
    return (re.search(rb"(?<![-\w])echo(?![\w])", stty) is not None
            and re.search(rb"(?<![-\w])icanon(?![\w])", stty) is not None
            and b"-echo " not in stty and b"-icanon" not in stty)


def interrupt_in_shell(shell, sig, server):
    """(c) A signal at the prompt, under a shell: echo and icanon are on again."""
    name = signal.Signals(sig).name
    sh = Shell(shell)
    try:
        ok = sh.run_verify(server.ports["imaps"])
        if sig == signal.SIGINT:
            sh.send(b"\x03")
            # A shell drops the rest of a command list the user interrupted: ask again.
            if ok and sh.read_until(re.escape(PROMPT)):
                sh.set_mark()
                sh.send(b'echo "STATUS=$?"\r')
        else:
            pid = sh.child_running(CLI) if ok else None
            if pid:
                os.kill(pid, sig)
        status = sh.status() if ok else None
        tap.ok(status == 128 + sig, f"{shell}: {name} at the prompt ends the command by that "
               f"signal (status {128 + sig})", f"status {status}: {mask(sh.screen)}")
        stty = sh.run_marked("stty -a")
        tap.ok(modes_on(stty), f"{shell}: after {name} the terminal has echo and icanon again",
               mask(stty))
    finally:
        sh.close()


def stop_and_continue(shell, server):
    """Ctrl-Z at the prompt: the shell has echo and icanon while the command is stopped;
    after fg the prompt is shown again and still takes the paste unseen."""
    before = len(server.events("login"))
    sh = Shell(shell)
    try:
        ok = sh.run_verify(server.ports["imaps"])
        sh.send(b"\x1a")
        stopped = ok and sh.read_until(re.escape(PROMPT))
        stty = sh.run_marked("stty -a") if stopped else b""
        tap.ok(modes_on(stty), f"{shell}: while the command is stopped by Ctrl-Z the terminal "
               "has echo and icanon", mask(sh.screen))
        sh.set_mark()
        sh.send(b"fg\r")
        again = sh.read_until(rb"Password \(not shown\): ")
        start = len(sh.screen)
        sh.send(lib.PASTED.encode() + b"\r")
        done = again and sh.read_until(rb"accepted the password")
        tap.ok(done and server.logins()[before:] == ["imap:matched"],
               f"{shell}: after fg the prompt shows again and the paste is taken",
               mask(sh.screen))
        tap.ok(not re.search(rb"abcd|efgh|ijkl|mnop", sh.screen[start:]),
               f"{shell}: after fg the paste is not echoed", mask(sh.screen[start:]))
    finally:
        sh.close()


def interrupt_alone(sig, server):
    """(c) The same with no shell: the terminal's own settings after the command died."""
    name = signal.Signals(sig).name
    term = Terminal([CLI, "verify", "--protocol", "imap", "--host", "127.0.0.1", "--port",
                     str(server.ports["imaps"]), "--user", USER, "--ca-file", ca],
                    shell_env("none"))
    slave = None
    try:
        shown = term.read_until(rb"Password \(not shown\): ")
        slave = os.open(os.readlink(f"/proc/{term.pid}/fd/0"), os.O_RDWR | os.O_NOCTTY)
        quiet = termios.tcgetattr(slave)[3]
        if sig == signal.SIGINT:
            term.send(b"\x03")
        else:
            os.kill(term.pid, sig)
        _, wait_status = os.waitpid(term.pid, 0)
        term.pid = -1
        lflag = termios.tcgetattr(slave)[3]
        tap.ok(shown and not quiet & termios.ECHO and os.WTERMSIG(wait_status) == sig,
               f"no shell: the prompt had echo off; {name} ended the command",
               mask(term.screen))
        tap.ok(lflag & termios.ECHO and lflag & termios.ICANON,
               f"no shell: after {name} the terminal has echo and icanon again",
               f"lflag {lflag:#o}")
    finally:
        if slave is not None:
            os.close(slave)
        if term.pid > 0:
            term.close()
        else:
            os.close(term.fd)


def stdin_cases():
    """The same rule for a password on standard input; a closed port tells "sent" (exit 4,
    connection refused) from "refused as input" (exit 2) without a server."""
    port = lib_free_port()
    cases = [
        (USER, lib.PASTED + "\n" + SECOND + "\n", 2, "Google: two 16-letter lines are refused"),
        (USER, "abcd efgh\nijkl mnop\n", 4, "Google: two halves are joined"),
        ("ann@example.org", "abcdefghijkl\nmnopqrstuvwx\n", 2,
         "unknown provider: two lines of 12 characters are refused"),
        ("ann@example.org", "abcd efgh\nijkl mnop\n", 4,
         "unknown provider: two lines of 8 characters are joined"),
        ("ann@example.org", "abcdefghijkl\n\n", 4, "one line and an empty one is one password"),
    ]
    for user, text, want, what in cases:
        p = subprocess.run([CLI, "verify", "--protocol", "imap", "--host", "127.0.0.1", "--port",
                            str(port), "--user", user, "--ca-file", ca],
                           input=text.encode(), capture_output=True, timeout=60,
                           env=shell_env("none"))
        tap.ok(p.returncode == want, f"stdin: {what} (exit {want})",
               f"exit {p.returncode}: {mask(p.stderr)}")


def lib_free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


server = lib.TestServer("gmail", certs)
try:
    for shell in ("bash", "dash"):
        paste_two_lines(shell, server, bursts=False)
    paste_two_lines("dash", server, bursts=True)
    for shell in ("bash", "dash"):
        paste_two_passwords(shell, server)
    for shell in ("bash", "dash"):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            interrupt_in_shell(shell, sig, server)
    for shell in ("bash", "dash"):
        stop_and_continue(shell, server)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        interrupt_alone(sig, server)
    stdin_cases()
    recorded = open(server.record).read() if os.path.exists(server.record) else ""
    tap.ok(not any(f in recorded for f in FRAGMENTS), "the server's record holds no password")
finally:
    server.stop()
    lib.rmtree(work)
sys.exit(tap.done())
