#!/usr/bin/env python3
"""apppass's Debian packages over their life, inside the root that
tests/packages/test-packages.sh installed them into (run as root there, inside
tests/lib/x-session.sh).

Installed: the real Claws Mail loads the installed plugin, the real Evolution
the installed module (each checked in /proc/PID/maps), both run their own
copy of the installed login helper; each gets the Gmail dialog and saves the
app password. Then the packages are purged, and: their files are gone, Claws'
password store and the keyring are byte for byte as they were, and both
clients start again (Claws with the vanished plugin still named in its
profile) and log in with the password apppass saved, with no dialog.

SPDX-License-Identifier: GPL-3.0-or-later"""
import glob
import hashlib
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "evolution"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "claws-mail"))
import claws_e2e  # noqa: E402
import evolution_e2e as e2e  # noqa: E402
from evolution_e2e import at, lib  # noqa: E402

PACKAGES = ["apppass", "claws-mail-apppass-plugin", "evolution-plugin-apppass"]
PLUGIN = os.environ["APPPASS_CLAWS_PLUGIN"]
MODULE = os.environ["APPPASS_EVOLUTION_MODULE"]
HELPER = "/usr/libexec/apppass-login-helper"

tap = lib.Tap()
# No module of the lab's own: Evolution loads the installed one by itself.
lab = e2e.EvoLab(None, os.path.join(os.environ.get("G_TEST_BUILDDIR", "/tmp"), "screenshots",
                                    "packages"))


def digest(paths):
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.encode() + b"\0" + open(p, "rb").read())
    return h.hexdigest()


def claws_installed(server):
    rc, _ = lab.profile("Gmail", "ann@gmail.com", server, plugin=PLUGIN)
    claws, app = lab.start_claws(rc)
    try:
        pid = claws.process.pid
        tap.ok(at.wait_for(lambda: lib.mapped(pid, "apppass.so") == {PLUGIN}, 20),
               "Claws Mail loaded the installed plugin", lib.mapped(pid, "apppass.so"))
        dialog = claws_e2e.our_dialog(app)
        if not tap.ok(dialog is not None, "Claws Mail: apppass's dialog opens"):
            return rc
        claws_e2e.save_app_password(dialog)
        matched = at.wait_for(lambda: server.logins().count("imap:matched") >= 2, 60)
        tap.ok(matched, "Claws Mail: the installed helper's check, then Claws' login, used the "
               "app password", server.logins())
        tap.ok(at.wait_for(lambda: claws_e2e.our_dialog(app, 0.1) is None, 30),
               "Claws Mail: the dialog closes after saving")
    finally:
        tap.ok(claws.quit() == 0, "Claws Mail quits cleanly")
    return rc


def evolution_installed(server):
    uid = lab.account("gmail", "ann@gmail.com", server)
    evo, app = lab.start_evolution()
    try:
        tap.ok(at.wait_for(lambda: evo.mapped("module-apppass.so") == {MODULE}, 30),
               "Evolution loaded the installed module", evo.mapped("module-apppass.so"))
        dialog = e2e.our_dialog(app, 90)
        if not tap.ok(dialog is not None, "Evolution: apppass's dialog opens",
                      evo.output()[-2000:]):
            return uid
        e2e.save_app_password(dialog)
        tap.ok(at.wait_for(lambda: e2e.stored_password(uid) == lib.GOOD_PASSWORD, 60),
               "Evolution: the checked password is in the keyring under the account's source")
        tap.ok(at.wait_for(lambda: e2e.our_dialog(app, 0.1) is None, 30),
               "Evolution: the dialog closes after saving")
    finally:
        tap.ok(evo.quit(), "Evolution quits cleanly")
    return uid


def purge():
    r = subprocess.run(["apt-get", "purge", "-y", "-qq", *PACKAGES], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    tap.ok(r.returncode == 0, "apt-get purge removes the three packages",
           r.stdout.decode(errors="replace")[-2000:])
    left = [p for p in (PLUGIN, MODULE, HELPER, "/usr/bin/apppass") if os.path.exists(p)]
    tap.ok(not left, "their files are gone", left)
    for name in ("claws-mail", "evolution"):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], stdout=subprocess.PIPE)
        tap.ok(b"ok installed" in r.stdout, f"{name} itself stays installed")


def claws_after(rc, server):
    before = server.logins().count("imap:matched")
    claws, app = lab.start_claws(rc)
    try:
        tap.ok(app is not None and claws.alive(),
               "Claws Mail starts without the plugin its profile still names")
        tap.ok(at.wait_for(lambda: server.logins().count("imap:matched") > before, 60),
               "Claws Mail logs in with the password apppass saved", server.logins())
        time.sleep(2)
        tap.ok(claws_e2e.our_dialog(app, 0.1) is None and claws_e2e.claws_prompt(app) is None,
               "Claws Mail asks nothing")
    finally:
        tap.ok(claws.quit() == 0, "Claws Mail quits cleanly after the removal")


def evolution_after(uid, server):
    before = server.logins().count("imap:matched")
    evo, app = lab.start_evolution()
    try:
        tap.ok(app is not None and evo.process.poll() is None, "Evolution starts without the module")
        tap.ok(not evo.mapped("module-apppass.so"), "no apppass module is loaded")
        tap.ok(at.wait_for(lambda: server.logins().count("imap:matched") > before, 90),
               "Evolution logs in with the password apppass saved", server.logins())
        time.sleep(2)
        tap.ok(e2e.evolution_prompt(app) is None, "Evolution asks nothing")
    finally:
        tap.ok(evo.quit(), "Evolution quits cleanly after the removal")


try:
    claws_server = lab.start_server("gmail")
    rc = claws_installed(claws_server)
    evo_server = lab.start_server("gmail")
    uid = evolution_installed(evo_server)

    store = [os.path.join(rc, "passwordstorerc")]
    keyrings = glob.glob(os.path.join(os.environ["XDG_DATA_HOME"], "keyrings", "*"))
    keyrings = [k for k in keyrings if os.path.isfile(k)]
    tap.ok(keyrings, "the keyring has its files", keyrings)
    store_before, keyring_before = digest(store), digest(keyrings)

    purge()
    tap.ok(digest(store) == store_before, "Claws Mail's password store is untouched")
    tap.ok(digest(keyrings) == keyring_before, "the keyring's files are untouched")
    tap.ok(e2e.stored_password(uid) == lib.GOOD_PASSWORD,
           "the keyring still gives Evolution's account the saved password")

    claws_after(rc, claws_server)
    evolution_after(uid, evo_server)
finally:
    lab.stop()
sys.exit(tap.done())
