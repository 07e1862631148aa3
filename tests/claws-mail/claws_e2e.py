"""apppass tests: the pieces of an end-to-end run with the real Claws Mail —
Dovecot and the project's test server on loopback, throwaway profiles, Claws
itself, and its windows seen over AT-SPI. Used by test-claws.py and demo.py.

SPDX-License-Identifier: GPL-3.0-or-later"""
import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import apppass_atspi as at  # noqa: E402
import apppass_testlib as lib  # noqa: E402
import claws_profile as cp  # noqa: E402

import gi  # noqa: E402

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402

# APPPASS_VALGRIND=1 (check.sh --full): Claws runs under Valgrind's memcheck,
# many times slower, so every wait of the tests is lengthened as much; see
# valgrind_prefix() and valgrind_verdict().
VALGRIND = os.environ.get("APPPASS_VALGRIND") == "1"
SLOW = 10 if VALGRIND else 1

if VALGRIND:
    _wait_for = at.wait_for

    def _slow_wait_for(predicate, timeout=20.0, step=0.1):
        return _wait_for(predicate, timeout * SLOW, step)

    # apppass_atspi's own helpers (find_app, find_id) look it up here too.
    at.wait_for = _slow_wait_for


class Lab(lib.DovecotLab):
    """A folder with Dovecot, test servers and Claws profiles; stop() ends them all."""

    def __init__(self, plugin, shots):
        super().__init__("apppass-claws-")
        self.plugin = plugin
        self.shots = shots
        self.logs = []

    def recorder(self):
        """A stand-in browser: records the URIs Claws asks it to open."""
        path = os.path.join(self.work, "opened-uris")
        script = os.path.join(self.work, "record-uri")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{path}'\n")
        os.chmod(script, 0o755)
        return script, path

    def profile(self, name, address, server, password="wrongpassword123", protocol="imap",
                tls=False, smtp_tls=False, passphrase=None, plugin=None, extra=""):
        root = tempfile.mkdtemp(dir=self.work, prefix=name + "-")
        script, uris = self.recorder()
        service = {("imap", False): "imap", ("imap", True): "imaps",
                   ("pop3", False): "pop3", ("pop3", True): "pop3s"}[(protocol, tls)]
        account = dict(id=1, name=name, address=address, protocol=protocol, host="127.0.0.1",
                       port=server.ports[service], ssl=1 if tls else 0,
                       smtp_port=server.ports["smtps" if smtp_tls else "smtp"],
                       smtp_ssl=1 if smtp_tls else 0, password=password, extra=extra)
        rc = cp.write_profile(root, [account], plugin or self.plugin, script,
                              primary_passphrase_prefs(passphrase) if passphrase else "")
        if tls:
            self.accept_certificate(rc, server.ports[service])
        if smtp_tls:
            self.accept_certificate(rc, server.ports["smtps"])
        return rc, uris

    def profile_many(self, name, server, count):
        """count IMAP accounts on the same server, "NAME1" <user1@gmail.com> …"""
        root = tempfile.mkdtemp(dir=self.work, prefix=name + "-")
        script, uris = self.recorder()
        accounts = [dict(id=i, name=f"{name}{i}", address=f"user{i}@gmail.com", protocol="imap",
                         host="127.0.0.1", port=server.ports["imap"],
                         smtp_port=server.ports["smtp"], password="wrongpassword123")
                    for i in range(1, count + 1)]
        return cp.write_profile(root, accounts, self.plugin, script), uris

    def accept_certificate(self, rc, port):
        """As if the user had accepted the server's certificate in Claws, which
        keeps it as DER in certs/HOST.PORT.cert."""
        os.makedirs(os.path.join(rc, "certs"), exist_ok=True)
        subprocess.run(["openssl", "x509", "-in", os.path.join(self.dovecot, "certs", "server.pem"),
                        "-outform", "DER", "-out",
                        os.path.join(rc, "certs", f"127.0.0.1.{port}.cert")], check=True)

    def start_claws(self, rc, *args):
        log = os.path.join(self.work, f"claws-{len(self.logs)}.out")
        self.logs.append(log)
        prefix = valgrind_prefix(self.work, len(self.logs)) if VALGRIND else ()
        # GLib's slice allocator keeps per-thread caches that memcheck would
        # report as lost when Claws' threads end: plain malloc under valgrind.
        env = dict(os.environ, G_SLICE="always-malloc", G_DEBUG="gc-friendly") \
            if VALGRIND else None
        claws = cp.Claws(rc, log, *(args or ("--receive-all",)), prefix=prefix,
                         quit_timeout=30 * SLOW, env=env)
        app = at.find_app("claws-mail", 60)
        return claws, app

    def screenshot(self, acc, name):
        os.makedirs(self.shots, exist_ok=True)
        ext = acc.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)
        root = Gdk.get_default_root_window()
        pixbuf = Gdk.pixbuf_get_from_window(root, ext.x, ext.y, ext.width, ext.height)
        path = os.path.join(self.shots, name + ".png")
        if pixbuf:
            pixbuf.savev(path, "png", [], [])
        return path


def primary_passphrase_prefs(passphrase, rounds=1000):
    """clawsrc lines for a primary passphrase, as Claws writes them (under its
    older name, "master")."""
    salt = os.urandom(64)
    kd = hashlib.pbkdf2_hmac("sha1", passphrase.encode(), salt, rounds, 64)
    return ("use_master_passphrase=1\n"
            f"master_passphrase={{PBKDF2-HMAC-SHA1,{rounds}}}{base64.b64encode(kd).decode()}\n"
            f"master_passphrase_salt={base64.b64encode(salt).decode()}\n"
            f"master_passphrase_pbkdf2_rounds={rounds}\n")


def answer_claws_prompt(app, text, timeout=30):
    """Types into Claws' own input dialog and presses its OK button."""
    prompt = at.wait_for(lambda: claws_prompt(app), timeout)
    if prompt is None:
        return False
    entry = next(a for a in at.walk(prompt) if at.role(a) == at.Atspi.Role.PASSWORD_TEXT)
    at.set_text(entry, text)
    ok = next((a for a in at.walk(prompt) if at.role(a) == at.Atspi.Role.PUSH_BUTTON
               and a.get_name().replace("_", "") == "OK"), None)
    return ok is not None and at.press(ok)


def press_claws_button(window, label):
    """Presses the button of one of Claws' own windows by its label."""
    button = next((a for a in at.walk(window) if at.role(a) == at.Atspi.Role.PUSH_BUTTON
                   and a.get_name().replace("_", "") == label), None)
    return button is not None and at.press(button)


def windows(app):
    return [w for w in at.children(app) if at.showing(w)]


def claws_prompt(app):
    """Claws' own password prompt, if it is on screen."""
    for w in windows(app):
        if at.role(w) == at.Atspi.Role.DIALOG and at.ident(w) != "apppass-dialog":
            for acc in at.walk(w):
                if at.role(acc) == at.Atspi.Role.PASSWORD_TEXT:
                    return w
    return None


def our_dialog(app, timeout=60):
    return at.wait_for(lambda: next((w for w in windows(app)
                                     if at.ident(w) == "apppass-dialog"), None),
                       timeout)


def inbox_total(rc):
    """Messages Claws counted in the IMAP INBOX (written to folderlist.xml at exit)."""
    text = open(os.path.join(rc, "folderlist.xml")).read()
    for tag in re.findall(r"<folderitem [^>]*>", text):
        if 'name="INBOX"' in tag:
            m = re.search(r' total="(\d+)"', tag)
            return int(m.group(1)) if m else None
    return None


def save_app_password(dialog, pasted=lib.PASTED):
    """Pastes into apppass's dialog and presses "Check and save"."""
    entry = at.find_id(dialog, "apppass-password-entry")
    primary = at.find_id(dialog, "apppass-primary-button")
    at.set_text(entry, pasted)
    at.wait_for(lambda: primary.get_state_set().contains(at.Atspi.StateType.SENSITIVE), 10)
    at.press(primary)


def dialog_opens(tap, app, what, timeout=60, detail=None):
    """apppass's dialog once it is on screen (tap line what, with detail()
    when it is not), or None."""
    dialog = our_dialog(app, timeout)
    return dialog if tap.ok(dialog is not None, what, detail() if detail else "") else None


def save_and_log_in(tap, dialog, server, what, login="imap:matched"):
    """Saves the app password in dialog; tap line what: apppass's check and
    then the client's own login used it (two logins of the kind login)."""
    save_app_password(dialog)
    return tap.ok(at.wait_for(lambda: server.logins().count(login) >= 2, 60), what,
                  server.logins())


def open_oauth_side(tap, dialog, label):
    """Follows the dialog's link to its OAuth 2.0 side; False (and a failed
    tap line) when the dialog offers none."""
    link = at.find_id(dialog, "apppass-oauth-link", 3)
    if not tap.ok(link is not None, f"{label}: it also offers OAuth 2.0 sign-in"):
        return False
    at.press(link)
    return True


def back_to_app_password(tap, lab, dialog, back, label, shot):
    """The OAuth 2.0 side on screen (screenshot shot), then its link back:
    the password field returns."""
    lab.screenshot(dialog, shot)
    if back is not None:
        at.press(back)
    tap.ok(at.find_id(dialog, "apppass-password-entry", 5) is not None,
           f"{label}: and back to the password field")


class Socks5Proxy:
    """A SOCKS5 proxy on loopback (no authentication) that records where each
    connection went: proof that a login took the account's proxy."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.targets = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _read(self, s, n):
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    def _handle(self, client):
        try:
            _, n = self._read(client, 2)
            self._read(client, n)
            client.sendall(b"\x05\x00")
            _, cmd, _, kind = self._read(client, 4)
            if kind == 1:
                host = socket.inet_ntoa(self._read(client, 4))
            elif kind == 3:
                host = self._read(client, self._read(client, 1)[0]).decode()
            else:
                host = socket.inet_ntop(socket.AF_INET6, self._read(client, 16))
            port = int.from_bytes(self._read(client, 2), "big")
            upstream = socket.create_connection((host, port), timeout=10)
            upstream.settimeout(None)
            self.targets.append(f"{host}:{port}")
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
        except OSError:
            client.close()
            return
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        lib.pump(a, b)
        # Either side ending ends the relay both ways, as a proxy does.
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        self.sock.close()


# ---- Valgrind ---------------------------------------------------------------

SUPPRESSIONS = os.path.join(HERE, "valgrind.supp")


def valgrind_prefix(work, n):
    """memcheck, reporting definite leaks as errors, with Claws' and GTK's own
    known ones suppressed; one XML report per run of Claws."""
    return ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
            "--errors-for-leak-kinds=definite", f"--suppressions={SUPPRESSIONS}",
            "--num-callers=40", "--gen-suppressions=all", "--child-silent-after-fork=yes",
            "--xml=yes",
            f"--xml-file={os.path.join(work, f'valgrind-{n}.xml')}",
            f"--log-file={os.path.join(work, f'valgrind-{n}.log')}"]


ROOT = os.path.dirname(lib.SRC)


def _ours(frame):
    """A frame in apppass.so, or in a source file of this repository."""
    folder = frame.findtext("dir")
    return (frame.findtext("obj") or "").endswith("/apppass.so") or (
        folder is not None and os.path.realpath(folder).startswith(ROOT + os.sep))


def _describe(error):
    what = error.findtext("what") or error.findtext("xwhat/text") or error.findtext("kind")
    frames = [f"{f.findtext('fn') or '???'} ({os.path.basename(f.findtext('obj') or '')}"
              f"{':' + f.findtext('file') + ':' + f.findtext('line') if f.findtext('file') else ''})"
              for f in error.iter("frame")][:12]
    return what + "\n  " + "\n  ".join(frames)


def valgrind_verdict(work):
    """Reads every report: (complete, errors in our code, errors elsewhere).
    An error is ours when a frame of its stack (for a leak: where the block
    was allocated) is in apppass.so or our sources."""
    ours, theirs, complete = [], [], True
    for name in sorted(n for n in os.listdir(work) if re.match(r"valgrind-\d+\.xml$", n)):
        try:
            root = ElementTree.parse(os.path.join(work, name)).getroot()
        except ElementTree.ParseError:
            complete = False  # Claws was killed before valgrind finished
            continue
        for error in root.iter("error"):
            (ours if any(_ours(f) for f in error.iter("frame")) else theirs).append(
                f"{name}: {_describe(error)}")
    return complete, ours, theirs


def cut_off(window, screen=(1280, 1024)):
    """What of a window does not fit: the window beyond the test's screen, or a
    label or button of it reaching past the window's edges (a text too wide
    in a language)."""
    problems = []
    box = window.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)
    if box.x < 0 or box.y < 0 or box.x + box.width > screen[0] or box.y + box.height > screen[1]:
        problems.append(f"window at {box.x},{box.y} {box.width}x{box.height}")
    for acc in at.walk(window):
        if not at.showing(acc) or at.role(acc) not in (at.Atspi.Role.LABEL,
                                                       at.Atspi.Role.PUSH_BUTTON):
            continue
        e = acc.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)
        if e.x < box.x or e.x + e.width > box.x + box.width:
            problems.append(f"{at.name(acc)!r} reaches past the window")
    return problems
