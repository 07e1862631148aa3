#!/usr/bin/env python3
"""apppass benchmark: the login check's wall time against curl doing the same
IMAP login (credentials from stdin, `-K -`) to the same loopback Dovecot over
TLS. Medians of several runs in this process, and their ratio. A figure, not
a pass mark."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import apppass_testlib as lib  # noqa: E402

RUNS = 15
work = tempfile.mkdtemp(prefix="apppass-bench-")
os.chmod(work, 0o755)
dovecot = os.path.join(work, "dovecot")
os.mkdir(dovecot)
subprocess.run(["bash", os.path.join(lib.SRC, "server", "start-dovecot.sh"), dovecot],
               check=True, stdout=subprocess.DEVNULL, timeout=60)
try:
    ports = dict(line.strip().split("=", 1)
                 for line in open(os.path.join(dovecot, "dovecot-ports")) if "=" in line)
    password = open(os.path.join(dovecot, "backend-password")).read().strip()
    ca = os.path.join(dovecot, "certs", "ca.pem")
    port = ports["imaps"]
    user = "ann@gmail.com"

    def apppass():
        return subprocess.run(
            [os.environ["APPPASS_CLI"], "verify", "--protocol", "imap", "--host", "127.0.0.1",
             "--port", port, "--security", "tls", "--user", user, "--ca-file", ca],
            input=password.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def curl():
        # LOGIN, NOOP, LOGOUT: the same exchange as the check
        return subprocess.run(
            ["curl", "-sS", "-K", "-", "--cacert", ca, "-X", "NOOP", f"imaps://127.0.0.1:{port}/"],
            input=f'user = "{user}:{password}"\n'.encode(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def median(run):
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                sys.exit(f"benchmark run failed with exit {result.returncode}")
        return statistics.median(times)

    median(apppass)  # warm caches for both
    ours, theirs = median(apppass), median(curl)
    print(f"login check (apppass verify, IMAP over TLS to Dovecot): {ours * 1000:.1f} ms median "
          f"of {RUNS}")
    print(f"curl doing the same login:                              {theirs * 1000:.1f} ms median")
    print(f"apppass takes {ours / theirs:.2f} times curl's time")
finally:
    subprocess.run(["bash", os.path.join(lib.SRC, "server", "stop-dovecot.sh"), dovecot],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lib.rmtree(work)
