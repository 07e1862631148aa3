#!/usr/bin/env python3
"""apppass benchmark: from a failed login to apppass's dialog on screen, in
the real mail client (argument: claws or evolution). Figures, never a pass
mark (the aim is a median under 100 ms).

Each run starts the client afresh on a throwaway profile whose Gmail account
has a wrong password, in front of the project's test server (Gmail's
[ALERT] answer) on loopback. The plugin, with APPPASS_BENCH_DIALOG naming a
file, notes the time when the failure reaches apppass's flow (Claws: the log
line that decides it; Evolution: the prompt call or the rejected login with
its text) and writes the microseconds until the dialog's window is mapped
(the map-event of the X window). A second figure runs from the test server's
refusal (its record's monotonic time of the login) to the same moment: it
adds the client's own work before apppass hears of the failure. No AT-SPI
bridge (NO_AT_BRIDGE=1), as for a user without a screen reader; the display
is x-session.sh's Xvfb.

APPPASS_BENCH_RUNS sets the runs (5 unless set).
SPDX-License-Identifier: GPL-3.0-or-later"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "claws-mail"))
sys.path.insert(0, os.path.join(TESTS, "evolution"))

RUNS = int(os.environ.get("APPPASS_BENCH_RUNS", "5"))
CLIENT = sys.argv[1]


def wait_for_figure(path, server, timeout=90):
    """(from apppass's flow, from the server's refusal), in microseconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path) and open(path).read().strip():
            elapsed, mapped = (int(x) for x in open(path).read().split()[:2])
            refused = [e["at_us"] for e in server.events("login")
                       if not e["matched"] and e["at_us"] <= mapped]
            return elapsed, (mapped - max(refused)) if refused else None
        time.sleep(0.1)
    return None, None


def measure(lab, start_client, tidy=lambda: None):
    """RUNS figures against one test server; start_client(server, n, figure)
    starts the client for run n, and tidy() clears up after each run."""
    figures = []
    try:
        server = lab.start_server("gmail")
        for n in range(RUNS):
            figure = os.path.join(lab.work, f"figure-{n}")
            client = start_client(server, n, figure)
            try:
                figures.append(wait_for_figure(figure, server))
            finally:
                client.quit()
                tidy()
    finally:
        lab.stop()
    return figures


def claws_runs():
    import claws_e2e as e2e
    import claws_profile as cp

    lab = e2e.Lab(os.environ["APPPASS_CLAWS_PLUGIN"], "/nonexistent")

    def start(server, n, figure):
        rc, _ = lab.profile(f"Bench{n}", "ann@gmail.com", server)
        env = dict(os.environ, NO_AT_BRIDGE="1", APPPASS_BENCH_DIALOG=figure)
        return cp.Claws(rc, os.path.join(lab.work, f"claws-{n}.out"), "--receive-all", env=env)

    return measure(lab, start)


class QuietEvolution:
    """evolution_e2e.Evolution without the AT-SPI bridge."""

    def __init__(self, prefixes, log, bindir, figure):
        import evolution_e2e as e2e

        env = dict(os.environ, EDS_EXTRA_PREFIXES=prefixes,
                   PATH=bindir + ":" + os.environ["PATH"],
                   WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS="1",
                   WEBKIT_DISABLE_COMPOSITING_MODE="1", NO_AT_BRIDGE="1",
                   APPPASS_BENCH_DIALOG=figure)
        self.evolution = e2e.Evolution.__new__(e2e.Evolution)
        self.evolution.log = open(log, "w")
        self.evolution.path = log
        self.evolution.process = subprocess.Popen(
            ["evolution", "--force-online", "-c", "mail"], env=env, stdout=self.evolution.log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def evolution_runs():
    import evolution_e2e as e2e

    lab = e2e.EvoLab(os.environ["APPPASS_EVOLUTION_MODULE"], "/nonexistent")

    def start(server, n, figure):
        lab.account(f"bench{n}", "ann@gmail.com", server)
        return QuietEvolution(lab.prefix, os.path.join(lab.work, f"evolution-{n}.out"),
                              os.path.join(lab.prefix, "bin"), figure).evolution

    return measure(lab, start, lab.remove_accounts)


figures = claws_runs() if CLIENT == "claws" else evolution_runs()
name = {"claws": "Claws Mail", "evolution": "Evolution"}[CLIENT]
for label, index in (("the failure reaching apppass", 0), ("the server's refusal", 1)):
    got = [f[index] / 1000 for f in figures if f[index] is not None]
    print(f"{name}: from {label} to apppass's dialog mapped, {len(got)} of {RUNS} runs (ms): "
          + " ".join(f"{x:.1f}" for x in got))
    if got:
        print(f"{name}: median {statistics.median(got):.1f} ms, min {min(got):.1f} ms, "
              f"max {max(got):.1f} ms (aim: median under 100 ms)")
sys.exit(0 if all(f[0] is not None for f in figures) and len(figures) == RUNS else 1)
