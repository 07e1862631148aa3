#!/usr/bin/env python3
"""apppass tests: a hostile server's words never act on the user's terminal.

SPDX-License-Identifier: GPL-3.0-or-later

Runs inside tests/lib/keyring-session.sh. For each hostile scenario of the test
server (tests/server/scenarios/hostile-*.ini: an OSC title with a screen clear
and a fake success line, an OSC 8 hyperlink, C1 controls, a raw 0x9b byte,
bidi controls, DCS/APC/PM/SOS strings, a 5,000-character word), `apppass
verify` and `apppass setup` run on a real pseudo-terminal against IMAP, POP3
and SMTP, and every byte they write to it is checked: valid UTF-8, no ESC, no
BEL or other control character but the line ends, no C1 control, no bidi or
other format character, no word longer than a screen line; and the server's
readable words ("Login failed") are still there. `diagnose` gets the same
texts on stdin."""
import json
import re
import os
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

CLI = os.environ["APPPASS_CLI"]
USER = "ann@gmail.com"
WRONG = "wxyzwxyzwxyzwxyz"
SCENARIOS = ["hostile-title", "hostile-osc8", "hostile-c1", "hostile-raw-9b", "hostile-bidi",
             "hostile-dcs", "hostile-long-word"]
SCENARIOS = sys.argv[1:] or SCENARIOS  # a few of them, by name, while debugging
PORTS = {"imap": "imaps", "pop3": "pop3s", "smtp": "smtps"}
LONGEST_WORD = 100  # our own longest word is a URL well below this

tap = lib.Tap()
work, certs, ca = lib.work_with_certs("apppass-hostile-")


def run_in_pty(args, answer):
    """Runs the command on a pseudo-terminal; answers its password prompt once.
    Returns (exit status, every byte it wrote to the terminal)."""
    pid, fd, screen, _, timed_out = lib.converse_in_pty(
        lambda: os.execvp(CLI, [CLI, *args]), b"not shown)", answer.encode() + b"\r")
    if timed_out:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), screen


def problems(screen, words=True):
    """What in the bytes a terminal would act on, or cannot show safely."""
    found = []
    try:
        text = screen.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"invalid UTF-8 at byte {e.start}: {screen[e.start:e.start + 4]!r}"]
    for i, c in enumerate(text):
        code = ord(c)
        if c in "\r\n":
            continue
        if code < 0x20 or code == 0x7F:
            found.append(f"C0 control U+{code:04X} at {i}")
        elif 0x80 <= code <= 0x9F:
            found.append(f"C1 control U+{code:04X} at {i}")
        elif unicodedata.category(c) in ("Cf", "Zl", "Zp"):
            found.append(f"format character U+{code:04X} at {i}")
    longest = max((len(w) for w in text.split()), default=0)
    if words and longest > LONGEST_WORD:
        found.append(f"a word of {longest} characters")
    return found[:10]


def lines_of(screen):
    """The lines as the terminal shows them: a bare CR starts one over."""
    return re.split(r"\r*\n|\r", screen.decode("utf-8", "replace"))


def check(what, status, screen):
    shown = screen.decode("utf-8", "replace")
    tap.ok(status == 3, f"{what}: exit 3, the password rejected", shown[-2000:])
    bad = problems(screen)
    tap.ok(not bad, f"{what}: nothing on the terminal a terminal would act on",
           "\n".join(bad) + "\n" + repr(screen[-1500:]))
    tap.ok("Login failed" in shown, f"{what}: the server's words are still shown", shown[-2000:])
    # The server's words stay on the one line that says whose they are.
    fake = [line for line in lines_of(screen)
            if "FAKE-OK" in line and not line.startswith("The server said: ")]
    tap.ok(not fake, f"{what}: the server cannot start a line of its own", fake)


def verify(server, protocol, scenario):
    args = ["verify", "--protocol", protocol, "--host", "127.0.0.1", "--port",
            str(server.ports[PORTS[protocol]]), "--user", USER, "--ca-file", ca]
    status, screen = run_in_pty(args, WRONG)
    check(f"{scenario}: verify {protocol}", status, screen)


def setup(server, good, protocol, scenario):
    """setup with the hostile server for @protocol; SMTP is reached only after
    an incoming server accepted, so that one is the good (Gmail) server."""
    def at(s, p):
        return f"127.0.0.1:{s.ports[PORTS[p]]}"
    if protocol == "smtp":
        servers = ["--imap", at(good, "imap"), "--smtp", at(server, "smtp")]
    else:
        servers = [f"--{protocol}", at(server, protocol), "--smtp", at(good, "smtp")]
    status, screen = run_in_pty(["setup", USER, *servers, "--ca-file", ca], lib.PASTED)
    check(f"{scenario}: setup {protocol}", status, screen)
    tap.ok("Nothing was stored" in screen.decode("utf-8", "replace"),
           f"{scenario}: setup {protocol} says nothing was stored")


def scenario_text(scenario):
    """The scenario's POP3 answer as the bytes the server sends."""
    path = os.path.join(lib.SRC, "server", "scenarios", scenario + ".ini")
    for line in open(path, encoding="utf-8"):
        if line.startswith("reject=-ERR "):
            text = line[len("reject=-ERR "):].rstrip("\n").encode()
            for byte in range(256):
                text = text.replace(b"{x%02x}" % byte, bytes([byte]))
            return text
    raise RuntimeError(scenario)


def diagnose(scenario):
    for extra in ([], ["--json"]):
        p = subprocess.run([CLI, "diagnose", "--protocol", "imap", "--host", "imap.gmail.com",
                            "--user", USER, *extra], input=scenario_text(scenario),
                           capture_output=True, timeout=30)
        bad = problems(p.stdout + p.stderr, words=not extra)
        tap.ok(p.returncode == 0 and not bad,
               f"{scenario}: diagnose {' '.join(extra) or 'text'} prints nothing unsafe",
               "\n".join(bad) + repr(p.stdout[-500:]))
        if extra:
            tap.ok(json.loads(p.stdout)["cause"] == "credentials-rejected",
                   f"{scenario}: diagnose --json still reads the words", p.stdout[-500:])


os.environ.pop("DISPLAY", None)
os.environ.pop("WAYLAND_DISPLAY", None)
good = lib.TestServer("gmail", certs)
try:
    for scenario in SCENARIOS:
        server = lib.TestServer(scenario, certs)
        try:
            for protocol in ("imap", "pop3", "smtp"):
                verify(server, protocol, scenario)
                setup(server, good, protocol, scenario)
            logins = server.events("login")
            tap.ok(len(logins) >= 6, f"{scenario}: the hostile server saw every login",
                   server.logins())
        finally:
            server.stop()
        diagnose(scenario)
finally:
    good.stop()
    lib.rmtree(work)
sys.exit(tap.done())
