#!/usr/bin/env python3
"""apppass benchmark: what the plugin adds to Claws Mail's start. Figures,
never a pass mark.

1. Instructions, under callgrind (collection switched on only inside Claws'
   plugin_load() for our plugin): the whole load of apppass.so (dlopen,
   relocation, Claws' checks) and, within it, our plugin_init().
2. Claws' start with and without the plugin, runs interleaved, each on a
   fresh copy of the same throwaway profile (one IMAP account on loopback, no
   mail check at start), NO_AT_BRIDGE=1, on the Xvfb display of x-session.sh.

   Start-up ends when Claws answers on its control socket: Claws registers
   that socket's handler as the very last step before gtk_main(), after the
   GTK3 plugins are loaded and the main window is shown, so the first answer
   comes from the first turn of the main loop. The clock runs from just before
   the fork of claws-mail to the answer. At that moment VmRSS and VmHWM are
   read from /proc/PID/status, and the main thread's time on the CPU from
   /proc/PID/schedstat (less disturbed than wall time by other work on the
   machine).

APPPASS_BENCH_RUNS sets the runs per variant (3 unless set; check.sh --full
sets 7); APPPASS_BENCH_CALLGRIND=0 skips the callgrind part."""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "claws-mail"))
import claws_profile as cp  # noqa: E402

RUNS = int(os.environ.get("APPPASS_BENCH_RUNS", "3"))
PLUGIN = os.environ["APPPASS_CLAWS_PLUGIN"]
work = tempfile.mkdtemp(prefix="apppass-bench-claws-")


def make_profile(name, plugin):
    """A fresh profile; the account's port is a closed loopback port (nothing
    connects at start: no --receive-all, no check on start-up)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    root = tempfile.mkdtemp(dir=work, prefix=name + "-")
    account = dict(id=1, name="Bench", address="ann@example.org", protocol="imap",
                   host="127.0.0.1", port=port, smtp_port=port, password="unused-in-bench")
    return cp.write_profile(root, [account], plugin, "/bin/true")


def control_socket(runtime, deadline):
    """Connects to Claws' control socket as soon as it listens."""
    folder = os.path.join(runtime, "claws-mail")
    while time.monotonic() < deadline:
        names = [n for n in os.listdir(folder) if not n.endswith(".lock")] \
            if os.path.isdir(folder) else []
        if names:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(os.path.join(folder, names[0]))
                return s
            except OSError:
                s.close()
        time.sleep(0.002)
    raise RuntimeError("Claws' control socket did not appear")


def ask(sock, command, timeout):
    """Sends one command and reads the answer to the end."""
    sock.settimeout(timeout)
    sock.sendall(command.encode() + b"\n")
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk


def proc_status(pid):
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return int(fields["VmRSS"][0]), int(fields["VmHWM"][0])


def main_thread_cpu(pid):
    return int(open(f"/proc/{pid}/schedstat").read().split()[0]) / 1e9


def quit_claws(process, runtime, timeout):
    try:
        sock = control_socket(runtime, time.monotonic() + 5)
        ask(sock, "exit", timeout)
        sock.close()
        process.wait(timeout=timeout)
    except (OSError, RuntimeError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()


def start_once(template, prefix=(), timeout=60):
    """One start of Claws on a copy of @template: (seconds, cpu seconds, RSS KiB, HWM KiB)."""
    root = tempfile.mkdtemp(dir=work)
    shutil.copytree(os.path.dirname(template), root, dirs_exist_ok=True)
    rc = os.path.join(root, "claws")
    folders = os.path.join(rc, "folderlist.xml")
    text = open(folders).read().replace(os.path.dirname(template), root)
    open(folders, "w").write(text)
    runtime = os.path.join(root, "runtime")
    os.mkdir(runtime, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime, NO_AT_BRIDGE="1")
    log = open(os.path.join(root, "claws.out"), "w")
    start = time.perf_counter()
    process = subprocess.Popen([*prefix, "claws-mail", "--alternate-config-dir", rc],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=env)
    try:
        sock = control_socket(runtime, time.monotonic() + timeout)
        ask(sock, "get_display", timeout)
        elapsed = time.perf_counter() - start
        sock.close()
        rss, hwm = proc_status(process.pid)
        cpu = main_thread_cpu(process.pid)
        loaded = "/apppass.so" in open(f"/proc/{process.pid}/maps").read()
    finally:
        quit_claws(process, runtime, timeout)
        log.close()
    if loaded != (PLUGIN in open(os.path.join(rc, "clawsrc")).read()):
        sys.exit(f"bench: apppass.so {'is' if loaded else 'is not'} loaded, unlike the profile says")
    return elapsed, cpu, rss, hwm


def callgrind(template):
    """Instructions under callgrind from exec until Claws enters gtk_main(): the
    whole start-up, the load of apppass.so in it (Claws' plugin_load(), with
    the dlopen()), and our plugin_init() within that. None where absent."""
    out = os.path.join(tempfile.mkdtemp(dir=work), "callgrind.out")
    start_once(template, ["valgrind", "--tool=callgrind", "--dump-before=gtk_main",
                          f"--callgrind-out-file={out}"], timeout=300)
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                           out + ".1"], capture_output=True, text=True, check=True).stdout

    def figure(pattern):
        m = re.search(r"^\s*([\d,]+) " + pattern, text, re.M)
        return int(m.group(1).replace(",", "")) if m else None

    return (figure(r".*PROGRAM TOTALS"),
            figure(r".*:plugin_load \[/usr/bin/claws-mail\]$"),
            figure(r".*:plugin_init \[.*/apppass\.so\]$"))


def report_callgrind(without, with_plugin, cpu_without=None):
    """cpu_without: the median CPU time of Claws' start without the plugin,
    to put the added instructions in milliseconds at the same rate."""
    total_without, _, _ = without
    total, load, init = with_plugin
    if None in (total_without, total, load, init):
        print(f"callgrind: figures not found: {without} {with_plugin}")
        return
    print("callgrind, instructions from exec until Claws enters its main loop:")
    print(f"  Claws' start without the plugin   {total_without:>14,}")
    print(f"  Claws' start with the plugin      {total:>14,}   +{total - total_without:,} "
          f"(ratio {total / total_without:.4f})")
    print(f"  of which loading apppass.so       {load:>14,}   (dlopen and Claws' checks)")
    print(f"  of which our plugin_init()        {init:>14,}")
    if cpu_without:
        added = (total - total_without) / total_without * cpu_without * 1000
        print(f"  the added instructions at the rate of Claws' own start here "
              f"({cpu_without * 1000:.0f} ms on CPU without the plugin): {added:.1f} ms")


def median(values):
    return statistics.median(values)


def report(without, with_plugin):
    def column(runs, i):
        return [r[i] for r in runs]

    rows = [("start-up (exec to main loop)", 0, 1000, "ms"),
            ("main thread on CPU", 1, 1000, "ms"),
            ("VmRSS at start-up", 2, 1 / 1024, "MiB"),
            ("VmHWM at start-up", 3, 1 / 1024, "MiB")]
    print(f"Claws Mail start, median of {len(without)} runs each, interleaved "
          "(min..max in brackets):")
    for label, i, scale, unit in rows:
        a, b = column(without, i), column(with_plugin, i)
        ma, mb = median(a) * scale, median(b) * scale
        print(f"  {label:30} without {ma:8.1f} {unit} [{min(a) * scale:.1f}..{max(a) * scale:.1f}]"
              f"   with {mb:8.1f} {unit} [{min(b) * scale:.1f}..{max(b) * scale:.1f}]"
              f"   {mb - ma:+.2f} {unit}, ratio {mb / ma:.3f}")


def main():
    without = make_profile("without", "")
    with_plugin = make_profile("with", PLUGIN)
    instructions = None
    if os.environ.get("APPPASS_BENCH_CALLGRIND", "1") != "0":
        instructions = callgrind(without), callgrind(with_plugin)
    # Warm the caches (fontconfig, the dynamic loader's) for both.
    start_once(without)
    start_once(with_plugin)
    runs = {"without": [], "with": []}
    for _ in range(RUNS):
        runs["without"].append(start_once(without))
        runs["with"].append(start_once(with_plugin))
    cpu = median([r[1] for r in runs["without"]]) if RUNS else None
    if instructions:
        report_callgrind(*instructions, cpu)
    if RUNS:
        report(runs["without"], runs["with"])
    print("aims: the plugin adds under 5 ms and under 2 MiB to Claws' start")


try:
    main()
finally:
    if not os.environ.get("APPPASS_BENCH_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
