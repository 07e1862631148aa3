#!/usr/bin/env python3
"""apppass benchmark: the login check's wall time against curl doing the same
IMAP login (credentials from stdin, `-K -`) to the same loopback Dovecot over
TLS, trusting the same test CA. The check runs twice: as `apppass verify`, and
as the mail-client plugins run it, the helper process with its request on
stdin. Runs alternate (a busy machine slows all three alike); medians of wall
time and of the process's own CPU time (user + system), and the ratios. A
figure, not a pass mark."""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

RUNS = 21
work = tempfile.mkdtemp(prefix="apppass-bench-")
os.chmod(work, 0o755)
dovecot = os.path.join(work, "dovecot")
os.mkdir(dovecot)
ports = lib.start_dovecot(dovecot)
try:
    password = open(os.path.join(dovecot, "backend-password")).read().strip()
    ca = os.path.join(dovecot, "certs", "ca.pem")
    port = ports["imaps"]
    user = "ann@gmail.com"

    def run(argv, stdin):
        """Wall seconds, standard output and exit code of one run."""
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        out, _ = proc.communicate(stdin)
        return time.perf_counter() - start, out, proc.returncode

    def apppass():
        return run([os.environ["APPPASS_CLI"], "verify", "--protocol", "imap", "--host",
                    "127.0.0.1", "--port", port, "--security", "tls", "--user", user,
                    "--ca-file", ca], password.encode())

    pem = open(ca).read()
    # The request the plugins send (apppass-login-process.c): a key file, a NUL, the password.
    request = ("[request]\nprotocol=imap\nhost=127.0.0.1\nport=%s\nsecurity=tls\nuser=%s\n"
               "timeout=20000\ntrusted-pem=%s\n" % (port, user, pem.replace("\n", "\\n")))

    def helper():
        wall, out, code = run([os.environ["APPPASS_LOGIN_HELPER"]],
                              request.encode() + b"\0" + password.encode())
        return wall, out, 0 if b"outcome=accepted" in out else 1

    def curl():
        # LOGIN, NOOP, LOGOUT: the same exchange as the check
        return run(["curl", "-sS", "-K", "-", "--cacert", ca, "-X", "NOOP",
                    f"imaps://127.0.0.1:{port}/"], f'user = "{user}:{password}"\n'.encode())

    runs = {"apppass verify": apppass, "login helper": helper, "curl": curl}
    wall = {name: [] for name in runs}
    cpu = {name: [] for name in runs}
    for i in range(RUNS + 1):  # the first round warms caches
        for name, one in runs.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            seconds, _, code = one()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if code != 0:
                sys.exit(f"benchmark run of {name} failed with exit {code}")
            if i > 0:
                wall[name].append(seconds * 1000)
                cpu[name].append((after.ru_utime + after.ru_stime - before.ru_utime -
                                  before.ru_stime) * 1000)
    med = {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in runs}
    print(f"IMAP login over TLS to Dovecot on loopback, medians of {RUNS} alternating runs:")
    for name, (w, c) in med.items():
        print(f"  {name:15s} {w:6.1f} ms wall, {c:5.1f} ms CPU")
    for name in ("apppass verify", "login helper"):
        print(f"{name} takes {med[name][0] / med['curl'][0]:.2f} times curl's wall time "
              f"({med[name][1] / med['curl'][1]:.2f} times its CPU time)")
finally:
    lib.stop_dovecot(dovecot)
    lib.rmtree(work)
