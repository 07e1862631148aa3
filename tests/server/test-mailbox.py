#!/usr/bin/env python3
"""apppass tests: the test server serves a real mailbox after a login.

SPDX-License-Identifier: GPL-3.0-or-later

Behind an accepted login the test server hands the session to a loopback
Dovecot holding the mailbox (IMAP, POP3) and takes messages itself (SMTP), so
real mail clients can use it. curl, with its credentials on standard input
(`-K -`), fetches the welcome message over IMAP and POP3 and sends one over
SMTP; a wrong password gets Gmail's exact answer; a stripped STARTTLS makes
curl refuse, and no password reaches the server."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

USER = "ann@gmail.com"
tap = lib.Tap()
lab = lib.DovecotLab("apppass-mailbox-")
work, ca = lab.work, lab.ca


def curl(url, password, *extra, verbose_to=None):
    """curl with the credentials on stdin; its verbose log (which holds them
    base64-encoded) goes to a file the caller reads and deletes."""
    config = f'user = "{USER}:{password}"\n'
    args = ["curl", "-sS", "-K", "-", "--cacert", ca, "--max-time", "20", *extra, url]
    if verbose_to:
        args.insert(1, "-v")
    with open(verbose_to or os.devnull, "wb") as err:
        p = subprocess.run(args, input=config.encode(), stdout=subprocess.PIPE, stderr=err,
                           timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


try:
    gmail = lab.start_server("gmail")
    p = gmail.ports

    status, out = curl(f"imaps://127.0.0.1:{p['imaps']}/INBOX;UID=1", lib.GOOD_PASSWORD)
    tap.ok(status == 0 and "Welcome to apppass" in out, "IMAP: the message is fetched", out)
    status, out = curl(f"imap://127.0.0.1:{p['imap']}/INBOX;UID=1", lib.GOOD_PASSWORD,
                       "--ssl-reqd")
    tap.ok(status == 0 and "Welcome to apppass" in out, "IMAP with STARTTLS: fetched", out)
    status, out = curl(f"pop3s://127.0.0.1:{p['pop3s']}/1", lib.GOOD_PASSWORD)
    tap.ok(status == 0 and "Welcome to apppass" in out, "POP3: the message is fetched", out)
    message = os.path.join(work, "message.eml")
    with open(message, "w") as f:
        f.write("From: ann@gmail.com\r\nTo: bob@example.org\r\nSubject: Sent through apppass's "
                "test server\r\n\r\n.a line that starts with a dot\r\n")
    status, out = curl(f"smtps://127.0.0.1:{p['smtps']}", lib.GOOD_PASSWORD,
                       "--mail-from", USER, "--mail-rcpt", "bob@example.org", "-T", message)
    spool = os.path.join(work, "spool", "sent")
    sent = [open(os.path.join(spool, n)).read() for n in sorted(os.listdir(spool))] \
        if os.path.isdir(spool) else []
    tap.ok(status == 0 and len(sent) == 1 and "Sent through apppass" in sent[0],
           "SMTP: the message is taken and kept", out)
    tap.ok(sent and "\n.a line that starts with a dot" in sent[0] and "..a line" not in sent[0],
           "SMTP: dot-stuffing is undone", sent)
    tap.ok([e["event"] for e in gmail.events("message")] == ["message"],
           "the record holds the message")

    log = os.path.join(work, "curl.log")
    status, _ = curl(f"imaps://127.0.0.1:{p['imaps']}/INBOX;UID=1", "wrongpassword1",
                     verbose_to=log)
    text = open(log, encoding="utf-8", errors="replace").read()
    os.unlink(log)
    tap.ok(status != 0 and "Application-specific password required" in text,
           "a wrong password gets Gmail's answer, word for word")
    tap.ok(gmail.logins() == ["imap:matched", "imap:matched", "pop3:matched", "smtp:matched",
                              "imap:unmatched"], "the record shows every login", gmail.logins())

    stripped = lab.start_server("gmail-strip-starttls")
    for proto in ("imap", "pop3", "smtp"):
        url = f"{proto}://127.0.0.1:{stripped.ports[proto]}/"
        status, _ = curl(url, lib.GOOD_PASSWORD, "--ssl-reqd")
        tap.ok(status != 0, f"{proto}: curl refuses a server without STARTTLS")
    tap.ok(stripped.logins() == [], "and no password reached that server", stripped.logins())

    forms = lib.secret_forms(lib.GOOD_PASSWORD, USER)
    hits = lib.scan_tree(work, forms, skip=[log])
    tap.ok(not hits, "no record, log or spool file holds the password", hits)
finally:
    lab.stop()
    lib.rmtree(work)
sys.exit(tap.done())
