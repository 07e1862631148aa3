#!/usr/bin/env python3
"""apppass tests: the login check against a real Dovecot on loopback.

SPDX-License-Identifier: GPL-3.0-or-later

Dovecot serves IMAP, POP3 and submission with TLS (implicit and STARTTLS) and
one passwd-file user; `apppass verify` must be accepted with its password and
rejected with another, over every route."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

CLI = os.environ["APPPASS_CLI"]
tap = lib.Tap()
work = tempfile.mkdtemp(prefix="apppass-dovecot-")
started = False
try:
    ports = {name: int(port) for name, port in lib.start_dovecot(work).items()}
    started = True
    password = open(os.path.join(work, "backend-password")).read().strip()
    ca = os.path.join(work, "certs", "ca.pem")
    routes = [("imap", "imaps", "tls"), ("imap", "imap", "starttls"),
              ("pop3", "pop3s", "tls"), ("pop3", "pop3", "starttls"),
              ("smtp", "submission", "starttls")]
    if "submissions" in ports:
        routes.append(("smtp", "submissions", "tls"))

    def verify_args(protocol, port, security, user):
        return [CLI, "verify", "--protocol", protocol, "--host", "127.0.0.1", "--port",
                str(ports[port]), "--security", security, "--user", user, "--ca-file", ca]

    for protocol, port, security in routes:
        args = verify_args(protocol, port, security, "ann@gmail.com")
        good = subprocess.run(args, input=password.encode(), capture_output=True, timeout=60)
        tap.ok(good.returncode == 0, f"{protocol} {security}: Dovecot accepts the password",
               good.stdout.decode() + good.stderr.decode())
        bad = subprocess.run(args, input=b"not-the-password", capture_output=True, timeout=60)
        tap.ok(bad.returncode == 3, f"{protocol} {security}: Dovecot rejects another",
               bad.stdout.decode() + bad.stderr.decode())
        text = bad.stdout.decode() + bad.stderr.decode()
        tap.ok(password not in text, f"{protocol} {security}: no password in the output")
    # A password that is not ASCII: IMAP sends it as a literal (RFC 3501), the
    # others as UTF-8 bytes. passwd-file is read again when it changes.
    utf8_password = "Pāroļu-vārds✓9ü"
    passwd_path = os.path.join(work, "passwd")
    with open(passwd_path, "a", encoding="utf-8") as passwd:
        passwd.write(f"uni@example.org:{{PLAIN}}{utf8_password}::::::\n")
    # Dovecot looks at passwd-file again at most once a second (its
    # last_sync_time): a login within the second of the last one would not
    # see the new user yet.
    time.sleep(1.1)
    for protocol, port, security in routes:
        args = verify_args(protocol, port, security, "uni@example.org")
        good = subprocess.run(args, input=utf8_password.encode(), capture_output=True, timeout=60)
        tap.ok(good.returncode == 0, f"{protocol} {security}: Dovecot accepts a UTF-8 password",
               good.stdout.decode() + good.stderr.decode())
finally:
    if started:
        lib.stop_dovecot(work)
    lib.rmtree(work)
sys.exit(tap.done())
