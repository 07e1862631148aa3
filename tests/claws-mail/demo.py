#!/usr/bin/env python3
"""apppass demo with the real Claws Mail (started by tests/demo.sh).

Without --headless: Claws opens on your display with a Gmail account whose
password Gmail now refuses; apppass's dialog explains why. The page button
would open Google's app password page: here the address is printed instead.
Paste  abcd efgh ijkl mnop  and press "Check and save"; Claws then reads the
mailbox. Close Claws to end the demo.

With --headless: the same on a private display, driven over AT-SPI; prints
one verdict line and leaves a screenshot.

SPDX-License-Identifier: GPL-3.0-or-later"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import claws_e2e as e2e  # noqa: E402
from claws_e2e import Gdk, at, inbox_total, lib, our_dialog  # noqa: E402

OUT = os.environ["APPPASS_DEMO_OUT"]


def screen(app, path):
    """Claws' windows and ours, as on screen: the smallest rectangle around them."""
    boxes = [w.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)
             for w in e2e.windows(app)]
    x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
    x1 = max(b.x + b.width for b in boxes)
    y1 = max(b.y + b.height for b in boxes)
    root = Gdk.get_default_root_window()
    pixbuf = Gdk.pixbuf_get_from_window(root, max(0, x0), max(0, y0), x1 - x0, y1 - y0)
    pixbuf.savev(path, "png", [], [])
    return path


def headless(lab, server, rc, uris):
    claws, app = lab.start_claws(rc)
    shot = os.path.join(OUT, "demo-claws-mail.png")
    verdict = "FAILED: the apppass dialog did not appear"
    try:
        dialog = our_dialog(app)
        if dialog is None:
            return verdict, None
        at.press(at.find_id(dialog, "apppass-page-button"))
        entry = at.find_id(dialog, "apppass-password-entry")
        at.set_text(entry, lib.PASTED)
        time.sleep(0.5)
        screen(app, shot)
        e2e.save_app_password(dialog)
        if not at.wait_for(lambda: server.logins().count("imap:matched") >= 2, 60):
            return "FAILED: Claws did not log in with the app password", shot
    finally:
        claws.quit()
    opened = open(uris).read().split() if os.path.exists(uris) else []
    if opened != ["https://myaccount.google.com/apppasswords"]:
        return f"FAILED: the page button opened {opened}", shot
    if inbox_total(rc) != 1:
        return "FAILED: Claws did not read the mailbox", shot
    return ("OK: Gmail refused the password, apppass explained it, opened Google's app "
            "password page, checked and saved 'abcd efgh ijkl mnop' as abcdefghijklmnop, "
            "and Claws Mail logged in and read 1 message"), shot


def interactive(lab, server, rc, uris):
    print("apppass demo: Claws Mail opens with a Gmail account that needs an app password.\n"
          "  In the apppass dialog, paste   abcd efgh ijkl mnop   and press \"Check and save\".\n"
          "  Close Claws Mail to end the demo.", flush=True)
    claws, _ = lab.start_claws(rc)
    try:
        return lib.demo_until_closed(claws.process, uris, "Claws would open {} in your browser",
                                     server, "Claws Mail")
    finally:
        claws.log.close()


def prepare(lab):
    server = lab.start_server("gmail")
    rc, uris = lab.profile("Gmail", "ann@gmail.com", server)
    return server, rc, uris


def main():
    os.makedirs(OUT, exist_ok=True)
    lab = e2e.Lab(os.environ["APPPASS_CLAWS_PLUGIN"], OUT)
    return lib.run_demo(lab, prepare, headless, interactive)

if __name__ == "__main__":
    sys.exit(main())
