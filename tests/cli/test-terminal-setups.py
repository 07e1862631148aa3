#!/usr/bin/env python3
"""apppass tests: the lines `apppass setup` prints work in the real mbsync,
msmtp and neomutt, exactly as printed.

SPDX-License-Identifier: GPL-3.0-or-later

Runs inside tests/lib/keyring-session.sh (a private HOME and an unlocked
gnome-keyring). Two accounts are set up, one after the other, as a user
would: ann@gmail.com with Google's servers from a providers.d file that
points them at the test server, and bob@googlemail.com with --imap and
--smtp given, IMAP over TLS and SMTP with STARTTLS. Each test server hands
a logged-in session to a real Dovecot holding the mailbox and keeps the
messages it is given. The printed lines are appended, unchanged, to the
files their headers name; then mbsync -a syncs both mailboxes into
Maildirs, msmtp sends from both accounts, and neomutt opens each INBOX,
every one of them getting the password through `apppass lookup`."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import apppass_testlib as lib  # noqa: E402

CLI = os.environ["APPPASS_CLI"]
ANN, BOB = "ann@gmail.com", "bob@googlemail.com"
HOME = os.environ["HOME"]
tap = lib.Tap()
lab = lib.DovecotLab("apppass-terminal-")
work, ca = lab.work, lab.ca
# The printed lines call `apppass lookup` by name, as on an installed system.
# The tools look for their files in ~/.config, as on a desktop.
env = dict(os.environ, PATH=os.path.dirname(CLI) + os.pathsep + os.environ["PATH"],
           XDG_CONFIG_HOME=os.path.join(HOME, ".config"))


def scenario_for(user):
    """Gmail's answers for another user: the scenario names the one it accepts."""
    text = open(os.path.join(lib.SRC, "server", "scenarios", "gmail.ini")).read()
    path = os.path.join(work, "gmail-" + user)
    with open(path + ".ini", "w") as f:
        f.write(re.sub(r"(?m)^user=.*$", "user=" + user, text))
    return path


def setup(args):
    p = subprocess.run([CLI, "setup", *args], input=lib.PASTED.encode(), capture_output=True,
                       env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def files_of(printed):
    """The printed lines by the file their "# ~/…" header names, in order."""
    sections, current = [], None
    for line in printed.split("Lines for your mail programs", 1)[-1].splitlines(True)[1:]:
        m = re.match(r"# (~/\S+)$", line.rstrip("\n"))
        if m:
            current = [m.group(1), ""]
            sections.append(current)
        elif current:
            current[1] += line
    return sections


def append_printed(printed):
    written = []
    for name, text in files_of(printed):
        path = os.path.join(HOME, name[2:])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as f:
            f.write(f"# {name}\n{text}")
        os.chmod(path, 0o600)
        written.append(name)
    return written


def tool(args, stdin=b"", timeout=120):
    p = subprocess.run(args, input=stdin, capture_output=True, env=env, cwd=HOME,
                       timeout=timeout)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def maildir_holds(account, text):
    inbox = os.path.join(HOME, "Mail", account, "INBOX")
    for sub in ("cur", "new"):
        folder = os.path.join(inbox, sub)
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            if text in open(os.path.join(folder, name), errors="replace").read():
                return True
    return False


def sent(user):
    spool = os.path.join(work, "spool-" + user, "sent")
    return [open(os.path.join(spool, n)).read() for n in sorted(os.listdir(spool))] \
        if os.path.isdir(spool) else []


def neomutt_screen(*extra):
    """neomutt on a pseudo-terminal until its index shows the welcome message;
    then it is told to quit. Returns the screen text."""
    def child():
        os.chdir(HOME)
        os.execvpe("neomutt", ["neomutt", "-n", *extra],
                   dict(env, TERM="xterm", COLUMNS="100", LINES="30"))

    pid, fd, screen, quitting, _ = lib.converse_in_pty(child, b"Welcome to apppass", b"qy")
    if not quitting:
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)
    return screen.decode("utf-8", "replace")


try:
    ann = lab.start_server("gmail", "spool-" + ANN)
    bob = lab.start_server(scenario_for(BOB), "spool-" + BOB)

    providers = os.path.join(env["XDG_CONFIG_HOME"], "apppass", "providers.d")
    os.makedirs(providers)
    with open(os.path.join(providers, "google.ini"), "w") as f:
        f.write(f"[Provider]\nId=google\nImapServer=localhost:{ann.ports['imaps']}:tls\n"
                f"SmtpServer=localhost:{ann.ports['smtps']}:tls\n")

    # The user's own neomutt file: the lines go there, not into a new one that would hide it.
    with open(os.path.join(HOME, ".neomuttrc"), "w") as f:
        f.write("set sort = date\n")
    status, out_ann, err = setup([ANN, "--ca-file", ca])
    tap.ok(status == 0, "setup ann (servers from the provider file): exit 0", out_ann + err)
    written = append_printed(out_ann)
    tap.ok(written == ["~/.mbsyncrc", "~/.msmtprc", "~/.config/neomutt/ann-gmail-com.neomuttrc",
                       "~/.neomuttrc"],
           "setup prints lines for mbsync, msmtp and neomutt, under the files they go in "
           "(neomutt's: the one it reads)", written)
    tap.ok("IMAPAccount ann-gmail-com" in out_ann and "account ann-gmail-com" in out_ann,
           "the account is named after the address", out_ann)
    tap.ok("account default : ann-gmail-com" in out_ann,
           "the first msmtp account is the default one", out_ann)

    # --security for the server without its own; IMAP's own ":tls" wins over it.
    status, out_bob, err = setup([BOB, "--imap", f"localhost:{bob.ports['imaps']}:tls",
                                  "--smtp", f"localhost:{bob.ports['smtp']}",
                                  "--security", "starttls", "--ca-file", ca])
    tap.ok(status == 0, "setup bob (IMAP over TLS, SMTP with STARTTLS): exit 0", out_bob + err)
    append_printed(out_bob)
    tap.ok("tls_starttls on" in out_bob and "SSLType IMAPS" in out_bob,
           "each server keeps its own security", out_bob)
    tap.ok("account default" not in out_bob.replace("already names a default account", ""),
           "the second account does not name msmtp's default again", out_bob)

    def new_logins():
        """The logins each server saw since the last call."""
        seen = [s.logins() for s in (ann, bob)]
        result = [now[count:] for now, count in zip(seen, counts)]
        counts[:] = [len(now) for now in seen]
        return result
    counts = [0, 0]
    new_logins()

    # mbsync: both channels, as printed
    status, out = tool(["mbsync", "-a"])
    tap.ok(status == 0, "mbsync -a runs with the printed lines", out)
    tap.ok(maildir_holds("ann-gmail-com", "Welcome to apppass"),
           "mbsync: ann's INBOX is synced into ~/Mail/ann-gmail-com", out)
    tap.ok(maildir_holds("bob-googlemail-com", "Welcome to apppass"),
           "mbsync: bob's INBOX is synced into ~/Mail/bob-googlemail-com", out)
    logins = new_logins()
    tap.ok(logins == [["imap:matched"], ["imap:matched"]],
           "mbsync logged in to each server with the stored password", logins)

    # msmtp: the default account, and the second by name
    message = "From: {0}\r\nTo: carol@example.org\r\nSubject: From {0} through msmtp\r\n\r\nHi\r\n"
    status, out = tool(["msmtp", "carol@example.org"], message.format(ANN).encode())
    tap.ok(status == 0, "msmtp RECIPIENT sends through the default account", out)
    tap.ok(any("From ann@gmail.com through msmtp" in m for m in sent(ANN)),
           "ann's server keeps the message", sent(ANN))
    status, out = tool(["msmtp", "-a", "bob-googlemail-com", "carol@example.org"],
                       message.format(BOB).encode())
    tap.ok(status == 0, "msmtp -a bob-googlemail-com sends with STARTTLS", out)
    tap.ok(any("From bob@googlemail.com through msmtp" in m for m in sent(BOB)),
           "bob's server keeps the message", sent(BOB))
    logins = new_logins()
    tap.ok(logins == [["smtp:matched"], ["smtp:matched"]],
           "msmtp logged in to each server with the stored password", logins)

    # neomutt: the account read last opens at start; ann's INBOX through its folder-hook
    screen = neomutt_screen()
    tap.ok("Welcome to apppass" in screen, "neomutt opens bob's INBOX and shows the message",
           screen[-2000:])
    ann_inbox = f"imaps://ann%40gmail.com@localhost:{ann.ports['imaps']}/INBOX"
    screen = neomutt_screen("-f", ann_inbox)
    tap.ok("Welcome to apppass" in screen, "neomutt opens ann's INBOX with ann's password",
           screen[-2000:])

    logins = new_logins()
    tap.ok(all(x == "imap:matched" for x in logins[0] + logins[1]) and logins[0] and logins[1],
           "neomutt logged in to each server with the stored password", logins)

    # neomutt sends (batch mode) through the account read last: bob's, with STARTTLS
    status, out = tool(["neomutt", "-n", "-s", "Sent by neomutt", "carol@example.org"],
                       b"Hi from neomutt\n")
    tap.ok(status == 0 and any("Sent by neomutt" in m for m in sent(BOB)),
           "neomutt sends through bob's SMTP server, which keeps the message", out)
    logins = new_logins()
    # (reading its files, neomutt also opens each account's IMAP connection)
    tap.ok("smtp:matched" in logins[1] and "smtp:matched" not in logins[0]
           and all(x.endswith(":matched") for x in logins[0] + logins[1]),
           "neomutt logged in to bob's SMTP server with the stored password", logins)

    forms = lib.secret_forms(lib.GOOD_PASSWORD, ANN) + lib.secret_forms(lib.GOOD_PASSWORD, BOB)
    hits = [h for h in lib.scan_tree(HOME, forms) if "/keyrings/" not in h[0]]
    tap.ok(not hits, "no file in HOME but the keyring holds the password", hits)
    tap.ok(not lib.find_secret(out_ann + out_bob, forms), "setup's output does not hold it")
finally:
    lab.stop()
    lib.rmtree(work)
sys.exit(tap.done())
