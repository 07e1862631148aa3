"""apppass tests: shared pieces for the Python end-to-end tests.

SPDX-License-Identifier: GPL-3.0-or-later

The password the tests use is a constant of the tests; it reaches the
programs under test only through standard input or a terminal, never
through argv or the environment."""
import base64
import json
import os
import pty
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

GOOD_PASSWORD = "abcdefghijklmnop"
PASTED = "abcd efgh ijkl mnop"
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Tap:
    """TAP output, so meson counts every check."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            for line in str(detail).splitlines()[:40]:
                print(f"#   {line}", flush=True)
        return cond

    def done(self):
        print(f"1..{self.n}", flush=True)
        return 1 if self.failed else 0


def make_certs(directory):
    subprocess.run(["bash", os.path.join(SRC, "server", "make-certs.sh"), directory],
                   check=True, stdout=subprocess.DEVNULL)


def work_with_certs(prefix):
    """A new folder holding the test certificates in its certs/: (folder, certs, CA file)."""
    work = tempfile.mkdtemp(prefix=prefix)
    certs = os.path.join(work, "certs")
    os.mkdir(certs)
    make_certs(certs)
    return work, certs, os.path.join(certs, "ca.pem")


def start_dovecot(folder):
    """A real Dovecot on loopback, its files in folder (server/start-dovecot.sh):
    its ports by service name ("imap", "imaps", "pop3", …), as text."""
    subprocess.run(["bash", os.path.join(SRC, "server", "start-dovecot.sh"), folder],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)
    return dict(line.strip().split("=", 1) for line in open(os.path.join(folder, "dovecot-ports"))
                if "=" in line)


def stop_dovecot(folder):
    subprocess.run(["bash", os.path.join(SRC, "server", "stop-dovecot.sh"), folder],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


class DovecotLab:
    """A folder with a real Dovecot behind the test servers: a login they
    match is passed on to it, so a client reads real mail. stop() ends them."""

    def __init__(self, prefix):
        self.work = tempfile.mkdtemp(prefix=prefix)
        # Dovecot's own users must reach the folder inside.
        os.chmod(self.work, 0o755)
        self.dovecot = os.path.join(self.work, "dovecot")
        os.mkdir(self.dovecot)
        self.servers = []
        try:
            self.ports = start_dovecot(self.dovecot)
        except BaseException:
            rmtree(self.work)
            raise
        self.ca = os.path.join(self.dovecot, "certs", "ca.pem")

    def start_server(self, scenario, spool="spool"):
        """A test server in front of Dovecot's ann@gmail.com; what it delivers
        goes to the folder spool."""
        server = TestServer(scenario, os.path.join(self.dovecot, "certs"),
                            workdir=tempfile.mkdtemp(dir=self.work),
                            extra_args=["--backend-imap", str(self.ports["imap"]),
                                        "--backend-pop3", str(self.ports["pop3"]),
                                        "--backend-user", "ann@gmail.com",
                                        "--backend-password-file",
                                        os.path.join(self.dovecot, "backend-password"),
                                        "--spool", os.path.join(self.work, spool)])
        self.servers.append(server)
        return server

    def stop(self):
        for server in self.servers:
            server.stop()
        stop_dovecot(self.dovecot)


class TestServer:
    """The project's test mail server on loopback ports, impersonating a provider."""

    def __init__(self, scenario, certs, cert="server", workdir=None, extra_args=()):
        self.dir = workdir or tempfile.mkdtemp(prefix="apppass-server-")
        self.record = os.path.join(self.dir, "record.jsonl")
        ports_file = os.path.join(self.dir, "ports")
        scenario_path = os.path.join(SRC, "server", "scenarios", scenario + ".ini")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.process = subprocess.Popen(
            [os.environ["APPPASS_TEST_SERVER"], "--scenario", scenario_path,
             "--record", self.record, "--cert", os.path.join(certs, cert + ".pem"),
             "--key", os.path.join(certs, cert + "-key.pem"), "--ports-file", ports_file,
             *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for _ in range(500):
            if os.path.exists(ports_file):
                break
            if self.process.poll() is not None:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        self.ports = {}
        for line in open(ports_file):
            if "=" in line:
                key, value = line.strip().split("=", 1)
                self.ports[key] = int(value)

    def events(self, kind=None):
        if not os.path.exists(self.record):
            return []
        events = [json.loads(line) for line in open(self.record) if line.strip()]
        return [e for e in events if kind is None or e.get("event") == kind]

    def logins(self):
        return [f"{e['protocol']}:{'matched' if e['matched'] else 'unmatched'}"
                for e in self.events("login")]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def secret_forms(secret, user):
    """The password as it may travel: plain, and every base64 form it takes on
    the wire (the bare password for AUTH LOGIN, "\\0user\\0password" and
    "user\\0user\\0password" for AUTH PLAIN), each at all three alignments
    inside a longer base64 text: the part of the encoding that depends only
    on the secret."""
    forms = {secret}
    for payload in (secret, "\0" + user + "\0" + secret, user + "\0" + user + "\0" + secret):
        data = payload.encode()
        for pad in range(3):
            encoded = base64.b64encode(b"\xff" * pad + data).decode()
            start = -(-pad // 3) * 4 if pad else 0
            end = ((pad + len(data)) // 3) * 4
            inner = encoded[start:end]
            # Keep only the characters that carry bits of the password itself.
            if len(inner) >= 8:
                forms.add(inner[-12:] if len(inner) > 12 else inner)
            forms.add(base64.b64encode(data).decode().rstrip("="))
    return sorted(f for f in forms if len(f) >= 8)


def find_secret(text, forms):
    """The forms found in text (bytes or str)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return [f for f in forms if f in text]


def scan_tree(root, forms, skip=()):
    """Files under root that hold any form of the secret."""
    hits = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            if any(path.startswith(s) for s in skip):
                continue
            # Regular files only: a daemon's FIFO would block the read.
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            try:
                data = open(path, "rb").read()
            except OSError:
                continue
            found = find_secret(data, forms)
            if found:
                hits.append((path, found))
    return hits


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def pump(src, dst):
    """Copies what arrives on socket src to dst until src ends or either fails."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass


def mapped(pid, name):
    """The paths of the files called name that process pid has loaded (/proc/PID/maps)."""
    try:
        lines = open(f"/proc/{pid}/maps").read().splitlines()
    except OSError:
        return set()
    return {line.split()[-1] for line in lines if line.endswith("/" + name)}


def end_process(proc, timeout=10):
    """Terminates proc, and kills it if it has not ended within timeout seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def converse_in_pty(exec_child, marker, reply, timeout=60):
    """Runs exec_child() (which execs) on a pseudo-terminal and writes `reply`
    once `marker` has appeared in what the child wrote. Returns
    (pid, fd, screen, replied, timed_out); the caller waits for the child."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            exec_child()
        finally:
            os._exit(127)
    screen, replied = b"", False
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        if not replied and marker in screen:
            os.write(fd, reply)
            replied = True
    else:
        return pid, fd, screen, replied, True
    return pid, fd, screen, replied, False


def report_opened_uris(process, uris, line):
    """Prints line (with {} for the address) once for each address the client
    lists in the file uris, while process runs: the interactive demos show
    what the page button would open instead of opening a browser."""
    seen = set()

    def report():
        while process.poll() is None:
            if os.path.exists(uris):
                for uri in open(uris).read().split():
                    if uri not in seen:
                        seen.add(uri)
                        print("apppass demo: " + line.format(uri), flush=True)
            time.sleep(0.5)
    threading.Thread(target=report, daemon=True).start()


def demo_until_closed(process, uris, line, server, client):
    """The interactive demo once the client is up: reports the addresses it
    opens until the user closes it, then the verdict line."""
    report_opened_uris(process, uris, line)
    process.wait()
    ok = server.logins().count("imap:matched") >= 2
    return (f"OK: {client} logged in with the app password" if ok
            else f"ended: {client} did not log in with an app password"), None


def run_demo(lab, prepare, headless, interactive):
    """A demo from its lab: prepare(lab) sets up the account and returns the
    arguments for the half that runs (headless with --headless, else
    interactive), which returns (verdict, screenshot). Prints the verdict
    line; the exit status."""
    try:
        run = headless if "--headless" in sys.argv else interactive
        verdict, shot = run(lab, *prepare(lab))
    finally:
        lab.stop()
    print(f"apppass demo: {verdict}" + (f" (screenshot: {shot})" if shot else ""))
    return 0 if verdict.startswith("OK") else 1
