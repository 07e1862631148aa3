#!/usr/bin/env python3
"""apppass tests: `apppass verify`, `setup` and `lookup` end to end.

SPDX-License-Identifier: GPL-3.0-or-later

Runs inside tests/lib/keyring-session.sh (a private D-Bus session with an unlocked
gnome-keyring). The test server impersonates Gmail with two-step on. The user
pastes Google's grouped password into `apppass setup` through a real
pseudo-terminal; the password must end up in the keyring, findable by
`secret-tool lookup`, and nowhere else: every process the test starts runs
under strace, so the argv and environment of each exec are checked too."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

CLI = os.environ["APPPASS_CLI"]
USER = "ann@gmail.com"
tap = lib.Tap()
work, certs, ca = lib.work_with_certs("apppass-cli-flow-")
trace = os.path.join(work, "exec.trace")
recorded = os.path.join(work, "opened-urls")
outputs = []  # (what, text) of every output that must not hold the password


def run(args, stdin_text=None, expect_secret_out=False):
    """Runs the command under strace; returns (status, stdout, stderr)."""
    p = subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve", "-v", "-s", "65535",
                        "-o", trace + f".{len(outputs)}", CLI, *args],
                       input=(stdin_text or "").encode(), capture_output=True, timeout=60)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if not expect_secret_out:
        outputs.append((" ".join(args[:1]) + " stdout", out))
    outputs.append((" ".join(args[:1]) + " stderr", err))
    return p.returncode, out, err


def install_url_recorder():
    """Registers a desktop "browser" that only writes down the page it was asked to open."""
    apps = os.path.join(os.environ["XDG_DATA_HOME"], "applications")
    os.makedirs(apps, exist_ok=True)
    script = os.path.join(work, "record-url.sh")
    with open(script, "w") as f:
        f.write(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {recorded}\n')
    os.chmod(script, 0o755)
    with open(os.path.join(apps, "apppass-recorder.desktop"), "w") as f:
        f.write(f"[Desktop Entry]\nType=Application\nName=Recorder\nExec={script} %u\n"
                "MimeType=x-scheme-handler/https;\nNoDisplay=true\n")
    with open(os.path.join(os.environ["XDG_CONFIG_HOME"], "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\nx-scheme-handler/https=apppass-recorder.desktop\n")


def run_setup_in_pty(args, answer, desktop=False):
    """Runs `apppass setup` on a pseudo-terminal, answers its prompt, returns (status, screen)."""
    def child():
        if desktop:
            # A desktop session as GIO sees one; the "browser" is the recorder.
            os.environ["DISPLAY"] = ":99"
        os.execvp("strace", ["strace", "-f", "-qq", "-e", "trace=execve", "-v", "-s", "65535",
                             "-o", trace + ".pty", CLI, *args])

    pid, fd, screen, _, _ = lib.converse_in_pty(child, b"press Enter", answer.encode() + b"\r")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), screen.decode("utf-8", "replace")


def secret_tool_lookup(protocol, host):
    p = subprocess.run(["secret-tool", "lookup", "protocol", protocol, "server", host,
                        "user", USER], capture_output=True, timeout=30)
    return p.stdout.decode().strip()


server = lib.TestServer("gmail", certs)
try:
    imap = f"127.0.0.1:{server.ports['imaps']}"
    smtp = f"127.0.0.1:{server.ports['smtps']}"

    # verify: each protocol, the right and the wrong password, exit codes 0 and 3
    for protocol, port in (("imap", "imaps"), ("pop3", "pop3s"), ("smtp", "smtps")):
        base = ["verify", "--protocol", protocol, "--host", "127.0.0.1", "--port",
                str(server.ports[port]), "--user", USER, "--ca-file", ca]
        status, out, err = run(base, lib.PASTED + "\n")
        tap.ok(status == 0, f"verify {protocol}: the app password is accepted", out + err)
        status, out, err = run(base, "myOldPassword1\n")
        tap.ok(status == 3, f"verify {protocol}: the old password is rejected with exit 3",
               out + err)
        tap.ok("app password" in out, f"verify {protocol}: the diagnosis is printed", out)
    # verify without the CA: the password is not sent, exit 4
    before = len(server.events("login"))
    status, out, err = run(["verify", "--protocol", "imap", "--host", "127.0.0.1", "--port",
                            str(server.ports["imaps"]), "--user", USER], lib.PASTED)
    tap.ok(status == 4 and "not trusted" in err, "verify: an untrusted certificate gives exit 4",
           out + err)
    tap.ok("--ca-file" in err, "verify: the untrusted certificate's message names --ca-file", err)
    tap.ok(len(server.events("login")) == before, "verify: nothing was sent to it")

    # verify at an OAuth-only provider: what works in the terminal instead
    outlook = lib.TestServer("outlook", certs)
    try:
        status, out, err = run(["verify", "--protocol", "smtp", "--host", "127.0.0.1", "--port",
                                str(outlook.ports["smtps"]), "--user", "cat@outlook.com",
                                "--ca-file", ca], "myOldPassword1\n")
    finally:
        outlook.stop()
    tap.ok(status == 3 and "OAuth 2.0" in out and "mbsync" in out and "msmtp" in out
           and "neomutt" in out, "verify at Outlook.com: says what works for the terminal's tools",
           out + err)

    # setup through a pseudo-terminal: pastes the grouped password
    install_url_recorder()
    status, screen = run_setup_in_pty(["setup", USER, "--imap", imap, "--smtp", smtp,
                                       "--ca-file", ca], lib.PASTED, desktop=True)
    outputs.append(("setup screen", screen))
    tap.ok(status == 0, "setup: exit 0", screen)
    tap.ok("Google" in screen and "myaccount.google.com/apppasswords" in screen,
           "setup: names Google and shows its app-password page", screen)
    opened = open(recorded).read() if os.path.exists(recorded) else ""
    tap.ok(opened == "https://myaccount.google.com/apppasswords\n",
           "setup: on a desktop, opens Google's app-password page in the browser", opened)
    tap.ok("PassCmd" in screen and "passwordeval" in screen and "smtp_pass" in screen,
           "setup: prints lines for mbsync, msmtp and neomutt", screen)
    tap.ok(secret_tool_lookup("imap", "127.0.0.1") == lib.GOOD_PASSWORD,
           "secret-tool finds the IMAP password, spaces removed")
    tap.ok(secret_tool_lookup("smtp", "127.0.0.1") == lib.GOOD_PASSWORD,
           "secret-tool finds the SMTP password")

    # lookup: the stored password on stdout, exit 0; nothing stored: exit 1
    status, out, err = run(["lookup", "--protocol", "imap", "--host", "127.0.0.1", "--user",
                            USER], expect_secret_out=True)
    tap.ok(status == 0 and out == lib.GOOD_PASSWORD + "\n", "lookup prints the password", err)
    status, out, err = run(["lookup", "--protocol", "pop3", "--host", "127.0.0.1", "--user",
                            USER])
    tap.ok(status == 1 and out == "", "lookup of nothing stored: exit 1", err)

    # setup with a wrong paste: nothing stored, the old password kept
    status, screen = run_setup_in_pty(
        ["setup", USER, "--imap", imap, "--smtp", smtp, "--ca-file", ca], "wxyz wxyz wxyz wxyz")
    outputs.append(("setup screen (wrong paste)", screen))
    tap.ok(status == 3, "setup with a wrong password: exit 3", screen)
    tap.ok("Nothing was stored" in screen, "setup says nothing was stored", screen)
    tap.ok("whole app password (16 letters)" in screen and "revoked" in screen,
           "setup hints at the likely slips: part of the password, a revoked one", screen)
    tap.ok(secret_tool_lookup("imap", "127.0.0.1") == lib.GOOD_PASSWORD,
           "the stored password is unchanged")

    # the server's own record: the accepted logins were the pasted password
    logins = server.logins()
    tap.ok("imap:matched" in logins and "smtp:matched" in logins,
           "the server saw the right password over IMAP and SMTP", logins)

    # privacy: no form of the password in any output, exec argv/env, record or log
    forms = lib.secret_forms(lib.GOOD_PASSWORD, USER)
    leaks = [(what, lib.find_secret(text, forms)) for what, text in outputs]
    leaks = [leak for leak in leaks if leak[1]]
    tap.ok(not leaks, "no output but lookup's stdout holds the password", leaks)
    traces = "".join(open(os.path.join(work, f)).read() for f in os.listdir(work)
                     if f.startswith("exec.trace"))
    tap.ok("execve(" in traces, "the exec trace was recorded")
    tap.ok(not lib.find_secret(traces, forms), "no argv or environment of any exec holds it")
    hits = lib.scan_tree(work, forms, skip=[])
    hits += lib.scan_tree(server.dir, forms)
    tap.ok(not hits, "no file the test or the server wrote holds it", hits)
    home_hits = [h for h in lib.scan_tree(os.environ.get("HOME", "/nonexistent"), forms)
                 if not re.search(r"/keyrings/", h[0])]
    tap.ok(not home_hits, "no file in HOME but the keyring holds it", home_hits)
finally:
    server.stop()
    lib.rmtree(work)
sys.exit(tap.done())
