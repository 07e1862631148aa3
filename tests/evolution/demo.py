#!/usr/bin/env python3
"""apppass demo with the real Evolution (started by tests/demo.sh --client
evolution), in a private D-Bus session with its own keyring and a throwaway
home, so your own Evolution accounts are never touched.

Without --headless: Evolution opens on your display with a Gmail account
whose stored password Gmail now refuses; apppass's dialog explains why. The
page button would open Google's app password page: here the address is
printed instead. Paste  abcd efgh ijkl mnop  and press "Check and save";
Evolution then logs in. Quit Evolution to end the demo.

With --headless: the same on a private display, driven over AT-SPI; prints
one verdict line and leaves a screenshot.

SPDX-License-Identifier: GPL-3.0-or-later"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evolution_e2e as e2e  # noqa: E402
from evolution_e2e import at, lib, our_dialog  # noqa: E402

OUT = os.environ["APPPASS_DEMO_OUT"]
UID = "demo-gmail"


def headless(lab, server):
    evo, app = lab.start_evolution()
    shot = None
    try:
        dialog = our_dialog(app, 90)
        if dialog is None:
            return "FAILED: the apppass dialog did not appear", None
        at.press(at.find_id(dialog, "apppass-page-button"))
        at.set_text(at.find_id(dialog, "apppass-password-entry"), lib.PASTED)
        time.sleep(0.5)
        shot = lab.screenshot(dialog, "demo-evolution")
        e2e.save_app_password(dialog)
        if not at.wait_for(lambda: server.logins().count("imap:matched") >= 2, 60):
            return "FAILED: Evolution did not log in with the app password", shot
    finally:
        evo.quit()
    opened = open(lab.uris).read().split() if os.path.exists(lab.uris) else []
    if opened != ["https://myaccount.google.com/apppasswords"]:
        return f"FAILED: the page button opened {opened}", shot
    if e2e.stored_password(UID) != lib.GOOD_PASSWORD:
        return "FAILED: the keyring does not hold the app password", shot
    return ("OK: Gmail refused the password, apppass explained it, opened Google's app "
            "password page, checked and saved 'abcd efgh ijkl mnop' as abcdefghijklmnop "
            "in the keyring, and Evolution logged in with it"), shot


def interactive(lab, server):
    print("apppass demo: Evolution opens with a Gmail account that needs an app password.\n"
          "  In the apppass dialog, paste   abcd efgh ijkl mnop   and press \"Check and save\".\n"
          "  Quit Evolution to end the demo.", flush=True)
    evo, _ = lab.start_evolution()
    return lib.demo_until_closed(evo.process, lab.uris, "your browser would open {}", server,
                                 "Evolution")


def prepare(lab):
    server = lab.start_server("gmail")
    lab.account(UID, "ann@gmail.com", server)
    return (server,)


def main():
    os.makedirs(OUT, exist_ok=True)
    lab = e2e.EvoLab(os.environ["APPPASS_EVOLUTION_MODULE"], OUT)
    return lib.run_demo(lab, prepare, headless, interactive)

if __name__ == "__main__":
    sys.exit(main())
