#!/usr/bin/env python3
"""apppass in the real Claws Mail: a throwaway profile, Claws on a private
Xvfb display with the plugin autoloaded, the project's test server in front
of a real Dovecot mailbox.

Gmail with two-step on: Claws' login fails, apppass's dialog (and not Claws'
own password prompt) appears; its page button opens Google's app password
page through Claws' URI command; a wrong paste keeps the dialog open and
stores nothing; "abcd efgh ijkl mnop" is checked, stored in Claws' password
store, and Claws' next login uses it and reads the mailbox; after a restart
Claws logs in with no dialog. Yahoo's [AUTHENTICATIONFAILED] gets the
app-password dialog; Gmail's "Too many simultaneous connections" gets
nothing; an unknown provider's plain rejection gets Claws' own prompt, not
ours. Afterwards the whole profile and every log is searched for the password
in every form. Screenshots of the dialog in Claws go to the build folder.

Runs inside tests/x-session.sh (Xvfb, private D-Bus session).
SPDX-License-Identifier: GPL-3.0-or-later"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import apppass_atspi as at  # noqa: E402
import apppass_testlib as lib  # noqa: E402
import claws_profile as cp  # noqa: E402

import gi  # noqa: E402

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402

PLUGIN = os.environ["APPPASS_CLAWS_PLUGIN"]
SHOTS = os.path.join(os.environ.get("G_TEST_BUILDDIR", tempfile.gettempdir()), "screenshots",
                     "claws-mail")
tap = lib.Tap()
work = tempfile.mkdtemp(prefix="apppass-claws-")
os.chmod(work, 0o755)
dovecot = os.path.join(work, "dovecot")
os.mkdir(dovecot)
servers = []
logs = []


def start_server(scenario):
    server = lib.TestServer(scenario, os.path.join(dovecot, "certs"),
                            workdir=tempfile.mkdtemp(dir=work),
                            extra_args=["--backend-imap", str(ports["imap"]),
                                        "--backend-pop3", str(ports["pop3"]),
                                        "--backend-user", "ann@gmail.com",
                                        "--backend-password-file",
                                        os.path.join(dovecot, "backend-password"),
                                        "--spool", os.path.join(work, "spool")])
    servers.append(server)
    return server


def recorder():
    path = os.path.join(work, "opened-uris")
    script = os.path.join(work, "record-uri")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{path}'\n")
    os.chmod(script, 0o755)
    return script, path


def profile(name, address, server, password="wrongpassword123"):
    root = tempfile.mkdtemp(dir=work, prefix=name + "-")
    script, uris = recorder()
    account = dict(id=1, name=name, address=address, protocol="imap", host="127.0.0.1",
                   port=server.ports["imap"], smtp_port=server.ports["smtp"], password=password)
    rc = cp.write_profile(root, [account], PLUGIN, script)
    return rc, uris


def start_claws(rc):
    log = os.path.join(work, f"claws-{len(logs)}.out")
    logs.append(log)
    claws = cp.Claws(rc, log, "--receive-all")
    app = at.find_app("claws-mail", 60)
    return claws, app


def windows(app):
    return [w for w in at.children(app) if at.showing(w)]


def claws_prompt(app):
    for w in windows(app):
        if w.get_role() == at.Atspi.Role.DIALOG and w.get_accessible_id() != "apppass-dialog":
            for acc in at.walk(w):
                if acc.get_role() == at.Atspi.Role.PASSWORD_TEXT:
                    return w
    return None


def our_dialog(app, timeout=60):
    return at.wait_for(lambda: next((w for w in windows(app)
                                     if w.get_accessible_id() == "apppass-dialog"), None),
                       timeout)


def screenshot(acc, name):
    os.makedirs(SHOTS, exist_ok=True)
    ext = acc.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)
    root = Gdk.get_default_root_window()
    pixbuf = Gdk.pixbuf_get_from_window(root, ext.x, ext.y, ext.width, ext.height)
    path = os.path.join(SHOTS, name + ".png")
    if pixbuf:
        pixbuf.savev(path, "png", [], [])
    return path


def inbox_total(rc):
    text = open(os.path.join(rc, "folderlist.xml")).read()
    for tag in re.findall(r"<folderitem [^>]*>", text):
        if 'name="INBOX"' in tag:
            m = re.search(r' total="(\d+)"', tag)
            return int(m.group(1)) if m else None
    return None


def gmail_flow():
    server = start_server("gmail")
    rc, uris = profile("Gmail", "ann@gmail.com", server)
    claws, app = start_claws(rc)
    try:
        dialog = our_dialog(app)
        if not tap.ok(dialog is not None, "Gmail: apppass's dialog opens in Claws"):
            return rc
        tap.ok("Google" in dialog.get_name() and "Claws Mail" in dialog.get_name(),
               "Gmail: its title names Google and Claws Mail", dialog.get_name())
        time.sleep(1)
        tap.ok(claws_prompt(app) is None, "Gmail: Claws' own password prompt is not shown")
        screenshot(dialog, "dialog")
        at.press(at.find_id(dialog, "apppass-page-button"))
        opened = at.wait_for(lambda: os.path.exists(uris) and open(uris).read().split(), 10)
        tap.ok(opened == ["https://myaccount.google.com/apppasswords"],
               "Gmail: the page button opens Google's app password page via Claws", opened)
        store = os.path.join(rc, "passwordstorerc")
        before = open(store).read()
        entry = at.find_id(dialog, "apppass-password-entry")
        primary = at.find_id(dialog, "apppass-primary-button")
        at.set_text(entry, "aaaa bbbb cccc dddd")
        at.press(primary)
        status = at.wait_for(lambda: at.find_id(dialog, "apppass-status", 1), 30)
        at.wait_for(lambda: "nothing was saved" in (status.get_name() or ""), 30)
        tap.ok(status is not None and "nothing was saved" in (status.get_name() or ""),
               "Gmail: a wrong paste keeps the dialog open and says nothing was saved",
               status.get_name() if status else None)
        tap.ok(open(store).read() == before, "Gmail: a wrong paste stores nothing")
        screenshot(dialog, "dialog-refused")
        at.set_text(entry, lib.PASTED)
        at.wait_for(lambda: primary.get_state_set().contains(at.Atspi.StateType.SENSITIVE), 10)
        at.press(primary)
        matched = at.wait_for(lambda: server.logins().count("imap:matched") >= 2, 60)
        tap.ok(matched, "Gmail: apppass's check and then Claws' own login used the app password",
               server.logins())
        gone = at.wait_for(lambda: our_dialog(app, 0.1) is None, 30)
        tap.ok(gone, "Gmail: the dialog closes itself after saving")
        tap.ok(open(store).read() != before, "Gmail: Claws' password store changed")
    finally:
        claws.quit()
    tap.ok(inbox_total(rc) == 1, "Gmail: Claws read the mailbox (1 message in INBOX)",
           inbox_total(rc))
    logins = len(server.logins())
    claws, app = start_claws(rc)
    try:
        again = at.wait_for(lambda: server.logins()[logins:].count("imap:matched") >= 1, 60)
        tap.ok(again, "Gmail: after a restart Claws logs in with the stored password",
               server.logins())
        time.sleep(3)
        tap.ok(our_dialog(app, 0.5) is None and claws_prompt(app) is None,
               "Gmail: and no dialog appears")
    finally:
        claws.quit()
    return rc


def yahoo_flow():
    server = start_server("yahoo")
    rc, _ = profile("Yahoo", "bob@yahoo.com", server)
    claws, app = start_claws(rc)
    try:
        dialog = our_dialog(app)
        tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
               "Yahoo: [AUTHENTICATIONFAILED] opens the app-password dialog")
        tap.ok(claws_prompt(app) is None, "Yahoo: Claws' own prompt is not shown")
    finally:
        claws.quit()
    return rc


def quiet_flow(scenario, name, address, expect_claws_prompt):
    server = start_server(scenario)
    rc, _ = profile(name, address, server)
    claws, app = start_claws(rc)
    try:
        at.wait_for(lambda: server.logins(), 60)
        prompt = at.wait_for(lambda: claws_prompt(app), 15) if expect_claws_prompt else None
        time.sleep(3)
        tap.ok(our_dialog(app, 0.5) is None, f"{name}: apppass shows nothing")
        if expect_claws_prompt:
            tap.ok(prompt is not None, f"{name}: Claws' own password prompt is shown")
            if prompt:
                screenshot(prompt, f"claws-prompt-{scenario}")
    finally:
        claws.quit()
    return rc


def scan():
    forms = lib.secret_forms(lib.GOOD_PASSWORD, "ann@gmail.com")
    # Every profile, Claws' output and the test servers' folders; Dovecot's
    # own files and the sent-mail spool are not ours to judge.
    hits = lib.scan_tree(work, forms, skip=(os.path.join(work, "dovecot"),
                                            os.path.join(work, "spool")))
    tap.ok(not hits, "the password, plain or base64, is in no file of the profiles or logs",
           hits)


try:
    subprocess.run(["bash", os.path.join(lib.SRC, "server", "start-dovecot.sh"), dovecot],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)
    ports = dict(line.strip().split("=", 1)
                 for line in open(os.path.join(dovecot, "dovecot-ports")) if "=" in line)
    gmail_flow()
    yahoo_flow()
    quiet_flow("gmail-busy", "Busy", "ann@gmail.com", False)
    quiet_flow("unknown", "Other", "dan@example.org", True)
    scan()
finally:
    for s in servers:
        s.stop()
    subprocess.run(["bash", os.path.join(lib.SRC, "server", "stop-dovecot.sh"), dovecot],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
sys.exit(tap.done())
