#!/usr/bin/env python3
"""apppass tests: faults around `apppass setup`, `verify` and `lookup`.

SPDX-License-Identifier: GPL-3.0-or-later

Runs inside tests/lib/keyring-session.sh (a private D-Bus session with an unlocked
gnome-keyring). The network drops mid-check (a relay on loopback resets the
connection after the greeting or just before the login command, or swallows
everything from there on); the keyring is absent (no bus at all, or a bus
without a Secret Service); the keyring is locked. Each time: the command ends
within a bound, says what happened, stores no password the server did not
accept, deletes or changes none, and the server's record shows that no
password reached it where the check was cut before the login."""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

CLI = os.environ["APPPASS_CLI"]
tap = lib.Tap()
work, certs, ca = lib.work_with_certs("apppass-faults-")
outputs = []  # every output, none of which may hold the password


def run(args, stdin_text="", env=None, bound=30):
    """Runs the command; returns (status, stdout, stderr, seconds)."""
    start = time.monotonic()
    try:
        p = subprocess.run([CLI, *args], input=stdin_text.encode(), capture_output=True,
                           timeout=bound, env=env)
        status, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        status, out, err = "hung", e.stdout or b"", e.stderr or b""
    out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    outputs.append((" ".join(args[:2]), out + err))
    told = [line for line in err.splitlines() if line.strip()]
    print(f"# apppass {args[0]}: {told[0] if told else '(nothing on stderr)'}", flush=True)
    return status, out, err, time.monotonic() - start


def secret_tool_lookup(protocol, user, env=None):
    p = subprocess.run(["secret-tool", "lookup", "protocol", protocol, "user", user],
                       capture_output=True, timeout=30, env=env)
    return p.stdout.decode()


def logins_of(server, user):
    return [e for e in server.events("login") if e.get("user") == user]


# ---- a relay on loopback that drops the connection mid-check ----------------

def tls_records(data):
    """(record types, bytes used) of the whole TLS records at the start of data."""
    types, used = [], 0
    while len(data) - used >= 5:
        length = struct.unpack("!H", data[used + 3:used + 5])[0]
        if len(data) - used < 5 + length:
            break
        types.append(data[used])
        used += 5 + length
    return types, used


class Relay:
    """Forwards one client at a time to the test server, until the client's
    login: in plain text its LOGIN, PASS or AUTH command; over implicit TLS
    (1.3) its third application-data record (Finished, then CAPABILITY / USER /
    EHLO, then the login). `after_greeting` cuts at the client's first command
    instead. There it resets both connections, or (`blackhole`) forwards
    nothing more and keeps them open."""

    def __init__(self, upstream_port, tls, after_greeting=False, blackhole=False):
        self.upstream_port, self.tls = upstream_port, tls
        self.after_greeting, self.blackhole = after_greeting, blackhole
        self.cut = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self.serve, daemon=True).start()

    def at_login(self, pending, sent_records):
        if not self.tls:
            lines = pending.split(b"\n")[:-1]
            words = [line.split(b" ")[1:2] if line[:1].isdigit() else line.split(b" ")[:1]
                     for line in lines]
            verbs = [w[0].upper() for w in words if w]
            if self.after_greeting:
                return bool(lines)
            return any(v in (b"LOGIN", b"AUTHENTICATE", b"PASS", b"AUTH", b"USER") for v in verbs)
        types, _ = tls_records(pending)
        app = sent_records + sum(1 for t in types if t == 23)
        return app >= (2 if self.after_greeting else 3)

    def serve(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=lib.pump, args=(server, client), daemon=True).start()
            self.pump_client(client, server)

    def pump_client(self, client, server):
        pending, sent_records = b"", 0
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                pending += data
                if self.at_login(pending, sent_records):
                    self.cut += 1
                    self.drop(client, server)
                    return
                if self.tls:
                    types, used = tls_records(pending)
                    sent_records += sum(1 for t in types if t == 23)
                    server.sendall(pending[:used])
                    pending = pending[used:]
                elif b"\n" in pending:
                    end = pending.rindex(b"\n") + 1
                    server.sendall(pending[:end])
                    pending = pending[end:]
        except OSError:
            pass

    def drop(self, client, server):
        if self.blackhole:
            self.held += [client, server]  # open, silent: only the deadline ends it
            return
        for s in (client, server):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()  # a reset, as when a network path dies

    def close(self):
        self.listener.close()
        for s in self.held:
            s.close()


def test_network_drops(server):
    routes = [("imap", "imaps", True), ("pop3", "pop3s", True), ("smtp", "smtps", True),
              ("imap", "imap", False), ("pop3", "pop3", False), ("smtp", "smtp", False)]
    for protocol, service, tls in routes:
        for after_greeting in (True, False):
            where = "after the greeting" if after_greeting else "at the login"
            user = f"drop-{protocol}-{service}-{int(after_greeting)}@gmail.com"
            relay = Relay(server.ports[service], tls, after_greeting=after_greeting)
            security = "tls" if tls else "none"
            args = ["verify", "--protocol", protocol, "--host", "127.0.0.1", "--port",
                    str(relay.port), "--security", security, "--user", user, "--ca-file", ca]
            status, out, err, took = run(args, lib.PASTED + "\n")
            relay.close()
            what = f"drop {where}, {protocol} over {security}"
            tap.ok(relay.cut == 1, f"{what}: the relay cut the connection", relay.cut)
            tap.ok(status == 4 and took < 10, f"{what}: exit 4 within 10 s ({took:.1f} s)",
                   f"{status}\n{out}{err}")
            tap.ok("127.0.0.1" in err and ("closed the connection" in err or
                                           "connection to" in err),
                   f"{what}: says the server closed the connection", err)
            tap.ok(not logins_of(server, user), f"{what}: no password reached the server",
                   logins_of(server, user))


def test_network_black_hole(server):
    """The path goes silent at the login: only the check's 20 s deadline ends it."""
    user = "blackhole@gmail.com"
    relay = Relay(server.ports["imaps"], True, blackhole=True)
    status, out, err, took = run(["setup", user, "--imap", f"127.0.0.1:{relay.port}",
                                  "--smtp", f"127.0.0.1:{server.ports['smtps']}",
                                  "--ca-file", ca], lib.PASTED + "\n", bound=60)
    relay.close()
    tap.ok(relay.cut == 1, "black hole: the relay swallowed the login", relay.cut)
    tap.ok(status == 4 and 15 < took < 35,
           f"black hole: setup gives up at the deadline with exit 4 ({took:.1f} s)",
           f"{status}\n{out}{err}")
    tap.ok("did not answer within 20 seconds" in err and "Nothing was stored" in err,
           "black hole: says the server did not answer and nothing was stored", err)
    tap.ok(secret_tool_lookup("imap", user) == "" and secret_tool_lookup("smtp", user) == "",
           "black hole: nothing stored, not even the SMTP password")
    tap.ok(not logins_of(server, user), "black hole: no password reached the server")


def test_drop_during_setup(server):
    """setup proves IMAP, then SMTP: a drop on SMTP stores neither."""
    user = "drop-setup@gmail.com"
    relay = Relay(server.ports["smtps"], True)
    status, out, err, took = run(["setup", user, "--imap", f"127.0.0.1:{server.ports['imaps']}",
                                  "--smtp", f"127.0.0.1:{relay.port}", "--ca-file", ca],
                                 lib.PASTED + "\n")
    relay.close()
    tap.ok(status == 4 and took < 15, f"setup with SMTP dropped: exit 4 ({took:.1f} s)",
           f"{status}\n{out}{err}")
    tap.ok("Nothing was stored" in err, "setup with SMTP dropped: says nothing was stored", err)
    tap.ok(secret_tool_lookup("imap", user) == "",
           "setup with SMTP dropped: the proven IMAP password is not stored alone either")
    tap.ok([e["protocol"] for e in logins_of(server, user)] == ["imap"],
           "setup with SMTP dropped: only the IMAP check reached the server")


# ---- the keyring absent and locked -----------------------------------------

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={path}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def bare_bus():
    """A session bus with no services to start: no Secret Service on it."""
    config = os.path.join(work, "bare-bus.conf")
    with open(config, "w") as f:
        f.write(BUS_CONFIG.format(path=os.path.join(work, "bare-bus")))
    bus = subprocess.Popen(["timeout", "300", "dbus-daemon", "--config-file", config, "--nofork",
                            "--print-address=1"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    address = bus.stdout.readline().decode().strip()
    return bus, address


def test_keyring_absent(server):
    bus, address = bare_bus()
    try:
        for what, bus_address in (("no session bus", "unix:path=/nonexistent/apppass-bus"),
                                  ("a bus without a Secret Service", address)):
            env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus_address)
            env.pop("DISPLAY", None)
            user = "absent@gmail.com"
            status, out, err, took = run(
                ["setup", user, "--imap", f"127.0.0.1:{server.ports['imaps']}",
                 "--smtp", f"127.0.0.1:{server.ports['smtps']}", "--ca-file", ca],
                lib.PASTED + "\n", env=env)
            tap.ok(status == 4 and took < 15, f"{what}: setup exits 4 within 15 s ({took:.1f} s)",
                   f"{status}\n{out}{err}")
            tap.ok("No keyring is running" in err and "could not be stored" in err,
                   f"{what}: setup says the password works but no keyring is running", err)
            tap.ok("PassCmd" not in out, f"{what}: setup prints no configuration to use")
            status, out, err, took = run(["lookup", "--protocol", "imap", "--host", "127.0.0.1",
                                          "--user", user], env=env)
            tap.ok(status == 4 and took < 15 and out == "" and "No keyring is running" in err,
                   f"{what}: lookup exits 4, says so, prints nothing ({took:.1f} s)",
                   f"{status}\n{err}")
        tap.ok(secret_tool_lookup("imap", "absent@gmail.com") == "",
               "keyring absent: nothing reached the real keyring either")
    finally:
        bus.kill()
        bus.wait()


def gdbus(*args):
    p = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                        *args], capture_output=True, timeout=30)
    return p.returncode, p.stdout.decode()


def items_of(user):
    """(unlocked, locked) item paths the Secret Service lists for user."""
    _, text = gdbus("--object-path", "/org/freedesktop/secrets", "--method",
                    "org.freedesktop.Secret.Service.SearchItems", json.dumps({"user": user}))
    lists = re.findall(r"\[([^\]]*)\]", text) + ["", ""]
    return re.findall(r"'([^']*)'", lists[0]), re.findall(r"'([^']*)'", lists[1])


def item_modified(path):
    _, text = gdbus("--object-path", path, "--method", "org.freedesktop.DBus.Properties.Get",
                    "org.freedesktop.Secret.Item", "Modified")
    return text.strip()


def test_keyring_locked(server):
    user = "locked@gmail.com"
    setup = ["setup", user, "--imap", f"127.0.0.1:{server.ports['imaps']}",
             "--smtp", f"127.0.0.1:{server.ports['smtps']}", "--ca-file", ca]
    status, out, err, _ = run(setup, lib.PASTED + "\n")
    tap.ok(status == 0, "locked: a password is stored first, unlocked", f"{status}\n{err}")
    unlocked, _ = items_of(user)
    before = {path: item_modified(path) for path in unlocked}
    _, alias = gdbus("--object-path", "/org/freedesktop/secrets", "--method",
                     "org.freedesktop.Secret.Service.ReadAlias", "default")
    collection = alias.split("'")[1] if "'" in alias else ""
    code, _ = gdbus("--object-path", "/org/freedesktop/secrets", "--method",
                    "org.freedesktop.Secret.Service.Lock", f"['{collection}']")
    now_unlocked, locked = items_of(user)
    tap.ok(code == 0 and len(before) == 2 and not now_unlocked and sorted(locked) == sorted(before),
           "locked: the keyring is locked, with the two items in it", (before, locked))

    status, out, err, took = run(["lookup", "--protocol", "imap", "--host", "127.0.0.1",
                                  "--user", user])
    tap.ok(status == 4 and out == "" and "locked" in err and took < 15,
           f"locked: lookup exits 4, says the keyring is locked, no prompt ({took:.1f} s)",
           f"{status}\n{err}")
    status, out, err, took = run(setup, lib.PASTED + "\n")
    tap.ok(status == 4 and took < 20,
           f"locked: setup exits 4 without waiting for an unlock prompt ({took:.1f} s)",
           f"{status}\n{out}{err}")
    tap.ok("locked" in err and "could not be stored" in err,
           "locked: setup says the password works but the keyring is locked", err)
    still_unlocked, still_locked = items_of(user)
    after = {path: item_modified(path) for path in still_locked}
    tap.ok(not still_unlocked and after == before,
           "locked: nothing deleted, nothing added, nothing changed", (before, after))


# Gmail's answers, with SMTP AUTH offered in plain text too (for the routes
# whose commands the relay reads).
scenario = os.path.join(work, "gmail-plain-auth")
with open(os.path.join(lib.SRC, "server", "scenarios", "gmail.ini")) as f:
    text = f.read()
with open(scenario + ".ini", "w") as f:
    f.write(text + "\n[smtp]\nplain-auth=true\n")
server = lib.TestServer(scenario, certs)
try:
    test_network_drops(server)
    test_drop_during_setup(server)
    test_network_black_hole(server)
    test_keyring_absent(server)
    test_keyring_locked(server)  # last: it leaves the keyring locked
    forms = lib.secret_forms(lib.GOOD_PASSWORD, "x@gmail.com")
    leaks = [(what, lib.find_secret(text, forms)) for what, text in outputs]
    tap.ok(not [leak for leak in leaks if leak[1]], "no output holds the password",
           [leak for leak in leaks if leak[1]])
finally:
    server.stop()
    lib.rmtree(work)
sys.exit(tap.done())
