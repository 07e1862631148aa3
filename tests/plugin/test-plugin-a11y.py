#!/usr/bin/env python3
"""apppass: the plugin's dialogs and account page as a screen reader and a
keyboard user meet them, over AT-SPI in a real GTK process, in English, Dutch
and Latvian: every control has a name, every button its own mnemonic; the
page button, the password field and "Check and save" work through AT-SPI
alone, against the project's test server.

Runs inside tests/lib/x-session.sh (Xvfb, private D-Bus session).
SPDX-License-Identifier: GPL-3.0-or-later"""
import hashlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_atspi as at  # noqa: E402
from apppass_testlib import GOOD_PASSWORD, PASTED, Tap, end_process  # noqa: E402

DEMO = os.environ["APPPASS_PLUGIN_DEMO"]
LOCALES = {"en": ("C.UTF-8", "C"), "nl": ("nl_NL.UTF-8", "nl"), "lv": ("lv_LV.UTF-8", "lv")}
GOOD_SHA = hashlib.sha256(GOOD_PASSWORD.encode()).hexdigest()


class Demo:
    def __init__(self, what, lang, localedir):
        env = dict(os.environ)
        env["LC_ALL"], env["LANGUAGE"] = LOCALES[lang]
        env["APPPASS_LOCALEDIR"] = localedir
        env.pop("NO_AT_BRIDGE", None)
        # stderr to a file: the demo's own test server inherits it
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([DEMO, what], stdout=subprocess.PIPE, stderr=self.err,
                                     stdin=subprocess.DEVNULL, env=env, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr = ""
        self.seen = []

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix, timeout=30):
        """The first line not taken yet that starts with prefix, in any order."""
        end = time.monotonic() + timeout
        while True:
            for i, line in enumerate(self.seen):
                if line.startswith(prefix):
                    return self.seen.pop(i)
            try:
                self.seen.append(self.lines.get(timeout=max(0.01, end - time.monotonic())))
            except queue.Empty:
                return None

    def stop(self):
        """Ends the demo (which stops its test server); returns its stderr."""
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            end_process(self.proc)
        self.err.seek(0)
        return self.err.read()


def check_controls(tap, root, label):
    ctl = at.controls(root)
    unnamed = [c.get_role_name() for c in ctl if not (c.get_name() or "").strip()]
    tap.ok(ctl and not unnamed, f"{label}: every control has an accessible name",
           f"unnamed: {unnamed}")
    bindings = {}
    missing = []
    for c in ctl:
        if c.get_role() in (at.Atspi.Role.PUSH_BUTTON, at.Atspi.Role.CHECK_BOX):
            key = at.key_binding(c).split(";")[0].lower()
            if not key:
                missing.append(c.get_name())
            bindings.setdefault(key, []).append(c.get_name())
    twice = {k: v for k, v in bindings.items() if k and len(v) > 1}
    tap.ok(not missing and not twice, f"{label}: every button has a mnemonic of its own",
           f"missing: {missing}; shared: {twice}")


def main():
    tap = Tap()
    localedir = tempfile.mkdtemp(prefix="apppass-locale-")
    for lang in ("nl", "lv"):
        os.makedirs(os.path.join(localedir, lang, "LC_MESSAGES"))
        shutil.copy(os.environ[f"APPPASS_TEST_{lang.upper()}_GMO"],
                    os.path.join(localedir, lang, "LC_MESSAGES", "apppass.mo"))
    for lang in ("en", "nl", "lv"):
        for what in ("app-password", "honest", "oauth", "web-login", "enable-access", "unknown",
                     "page"):
            demo = Demo(what, lang, localedir)
            label = f"{lang} {what}"
            try:
                if not tap.ok(demo.expect("ready"), f"{label}: demo starts"):
                    continue
                app = at.find_app("apppass-plugin-demo")
                if not tap.ok(app is not None, f"{label}: the process is on the AT-SPI bus"):
                    continue
                ident = "apppass-account-page" if what == "page" else "apppass-dialog"
                root = at.find_id(app, ident)
                if not tap.ok(root is not None, f"{label}: found by accessible id {ident}"):
                    continue
                check_controls(tap, root, label)
                if what == "app-password":
                    drive_app_password(tap, demo, root, label)
                elif what in ("web-login", "enable-access"):
                    at.press(at.find_id(root, "apppass-page-button"))
                    tap.ok(demo.expect("opened https://"), f"{label}: page button opens the page")
                    at.press(at.find_id(root, "apppass-primary-button"))
                    tap.ok(demo.expect("retried"), f"{label}: Try again retries the login")
                    tap.ok(demo.expect("finished retried"), f"{label}: and closes")
            finally:
                err = demo.stop()
                tap.ok(GOOD_PASSWORD not in err, f"{label}: password not in the demo's stderr")
    return tap.done()


def drive_app_password(tap, demo, root, label):
    at.press(at.find_id(root, "apppass-page-button"))
    tap.ok(demo.expect("opened ") == "opened https://myaccount.google.com/apppasswords",
           f"{label}: page button opens Google's app password page")
    entry = at.find_id(root, "apppass-password-entry")
    tap.ok(entry is not None and entry.get_role() == at.Atspi.Role.PASSWORD_TEXT,
           f"{label}: the password field is a password text")
    at.set_text(entry, PASTED)
    note = at.find_id(root, "apppass-note")
    tap.ok(note is not None and note.get_name(), f"{label}: the note describes the paste")
    primary = at.find_id(root, "apppass-primary-button")
    tap.ok(at.wait_for(lambda: primary.get_state_set().contains(at.Atspi.StateType.SENSITIVE)),
           f"{label}: Check and save is enabled")
    at.press(primary)
    line = demo.expect("stored ")
    tap.ok(line == f"stored sha256={GOOD_SHA}", f"{label}: the verified password is stored",
           line)
    tap.ok(demo.expect("retried"), f"{label}: the client retries")
    tap.ok(demo.expect("finished saved"), f"{label}: the dialog closes itself as saved")


if __name__ == "__main__":
    sys.exit(main())
