"""apppass tests: the pieces of an end-to-end run with the real Evolution —
accounts as .source files, a real gnome-keyring, Evolution with the module
loaded from the build tree (EDS_EXTRA_PREFIXES), a recorder as the https
handler, and Evolution's windows seen over AT-SPI. Used by test-evolution.py
and demo.py. Runs inside tests/lib/x-session.sh (Xvfb, private D-Bus session).

SPDX-License-Identifier: GPL-3.0-or-later"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "claws-mail"))
import claws_e2e  # noqa: E402
from claws_e2e import at, lib  # noqa: E402,F401

SCHEMA_ATTRIBUTE = "e-source-uid"

ACCOUNT = """[Data Source]
DisplayName={name}
Enabled=true
Parent=

[Mail Account]
BackendName={backend}
IdentityUid={uid}-identity
NeedsInitialSetup=false

[Authentication]
Host=127.0.0.1
Port={port}
User={user}
Method=none
RememberPassword=true
ProxyUid={proxy}

[Security]
Method={security}

[Offline]
StaySynchronized=false

[Refresh]
Enabled=true
IntervalMinutes=60
"""

IDENTITY = """[Data Source]
DisplayName={name}
Enabled=true
Parent={uid}

[Mail Identity]
Address={address}
Name=Ann Tester

[Mail Submission]
TransportUid={uid}-transport
"""

TRANSPORT = """[Data Source]
DisplayName={name}
Enabled=true
Parent={uid}

[Mail Transport]
BackendName=smtp

[Authentication]
Host=127.0.0.1
Port={smtp_port}
User={user}
Method=PLAIN
RememberPassword=true

[Security]
Method={smtp_security}
"""

SECURITY = {False: "none", True: "ssl-on-alternate-port"}


class EvoLab(claws_e2e.Lab):
    """Dovecot, test servers, the keyring and Evolution's profile in $HOME."""

    def __init__(self, module, shots):
        super().__init__(None, shots)
        self.module = module
        self.prefix = os.path.join(self.work, "prefix")
        modules = os.path.join(self.prefix, "lib", "evolution", "modules")
        os.makedirs(modules)
        self.control_center_log = self.fake_control_center()
        if module:
            os.symlink(module, os.path.join(modules, "module-apppass.so"))
        self.sources = os.path.join(os.environ["XDG_CONFIG_HOME"], "evolution", "sources")
        os.makedirs(self.sources, exist_ok=True)
        self.uris = os.path.join(self.work, "opened-uris")
        self.register_browser()
        self.start_keyring()
        self.evolutions = []

    def fake_control_center(self):
        """A stand-in gnome-control-center on Evolution's PATH that records
        the panel it was asked to open."""
        bindir = os.path.join(self.prefix, "bin")
        os.makedirs(bindir, exist_ok=True)
        log = os.path.join(self.work, "control-center")
        script = os.path.join(bindir, "gnome-control-center")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n")
        os.chmod(script, 0o755)
        return log

    def register_browser(self):
        """A stand-in browser for https links, and Evolution as the mail client
        (so it does not ask to become one)."""
        apps = os.path.join(os.environ["XDG_DATA_HOME"], "applications")
        os.makedirs(apps, exist_ok=True)
        script, self.uris = self.recorder()
        with open(os.path.join(apps, "apppass-recorder.desktop"), "w") as f:
            f.write("[Desktop Entry]\nType=Application\nName=URI recorder\n"
                    f"Exec={script} %u\nMimeType=x-scheme-handler/https;x-scheme-handler/http;\n"
                    "NoDisplay=true\n")
        with open(os.path.join(os.environ["XDG_CONFIG_HOME"], "mimeapps.list"), "w") as f:
            f.write("[Default Applications]\n"
                    "x-scheme-handler/https=apppass-recorder.desktop\n"
                    "x-scheme-handler/http=apppass-recorder.desktop\n"
                    "x-scheme-handler/mailto=org.gnome.Evolution.desktop\n")

    def start_keyring(self):
        # A non-empty unlock password: an empty one makes the daemon ask a GUI prompt.
        subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"],
                       input=b"apppass-test-unlock", stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True, timeout=30)
        at.wait_for(lambda: subprocess.run(
            ["secret-tool", "search", "apppass", "probe"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode in (0, 1), 10)

    def account(self, uid, address, server, tls=False, smtp_tls=False, protocol="imap",
                password="wrongpassword123", proxy="system-proxy", extra=""):
        """Writes the account's three .source files and stores its password
        (as Evolution would after "Remember this password")."""
        service = {("imap", False): "imap", ("imap", True): "imaps",
                   ("pop3", False): "pop3", ("pop3", True): "pop3s"}[(protocol, tls)]
        values = dict(uid=uid, name=address, address=address, user=address,
                      backend="imapx" if protocol == "imap" else "pop",
                      port=server.ports[service], security=SECURITY[tls], proxy=proxy,
                      smtp_port=server.ports["smtps" if smtp_tls else "smtp"],
                      smtp_security=SECURITY[smtp_tls])
        for suffix, template in (("", ACCOUNT), ("-identity", IDENTITY),
                                 ("-transport", TRANSPORT)):
            with open(os.path.join(self.sources, f"{uid}{suffix}.source"), "w") as f:
                f.write(template.format(**values) + (extra if suffix == "" else ""))
        if password is not None:
            for source in (uid, uid + "-transport"):
                store_password(source, password)
        return uid

    def online_account(self, address, server, password="wrongpassword123"):
        """An IMAP and SMTP account in GNOME Online Accounts (its accounts.conf
        and its password in the keyring, as goa-daemon keeps them); E-D-S
        makes Evolution's sources for it."""
        goa = os.path.join(os.environ["XDG_CONFIG_HOME"], "goa-1.0")
        os.makedirs(goa, exist_ok=True)
        account = "account_1764000000_0"
        with open(os.path.join(goa, "accounts.conf"), "w") as f:
            f.write(f"[Account {account}]\nProvider=imap_smtp\nIdentity={address}\n"
                    f"PresentationIdentity={address}\nEnabled=true\nMailEnabled=true\n"
                    f"EmailAddress={address}\nName=Bob Tester\n"
                    f"ImapHost=127.0.0.1:{server.ports['imap']}\nImapUserName={address}\n"
                    "ImapUseSsl=false\nImapUseTls=false\nImapAcceptSslErrors=false\n"
                    f"SmtpHost=127.0.0.1:{server.ports['smtp']}\nSmtpUseAuth=true\n"
                    f"SmtpUserName={address}\nSmtpAuthLogin=false\nSmtpAuthPlain=true\n"
                    "SmtpUseSsl=false\nSmtpUseTls=false\nSmtpAcceptSslErrors=false\n")
        secret = "{'imap-password': <'%s'>, 'smtp-password': <'%s'>}" % (password, password)
        subprocess.run(["secret-tool", "store", "--label", f"GOA imap_smtp credentials",
                        "xdg:schema", "org.gnome.OnlineAccounts",
                        "goa-identity", f"imap_smtp:gen0:{account}"],
                       input=secret.encode(), check=True, timeout=30, stdout=subprocess.DEVNULL)
        self.goa_conf = os.path.join(goa, "accounts.conf")

    def proxy_source(self, uid, port):
        """An Evolution proxy (ESourceProxy) pointing at a SOCKS proxy on loopback."""
        with open(os.path.join(self.sources, uid + ".source"), "w") as f:
            f.write("[Data Source]\nDisplayName=apppass test proxy\nEnabled=true\nParent=\n\n"
                    f"[Proxy]\nMethod=manual\nSocksHost=127.0.0.1\nSocksPort={port}\n"
                    "IgnoreHosts=\n")
        return uid

    def remove_accounts(self):
        """Ends Evolution's services too: the next flow starts from a registry
        that reads the folder afresh."""
        shutdown()
        for name in os.listdir(self.sources):
            os.unlink(os.path.join(self.sources, name))
        if getattr(self, "goa_conf", None) and os.path.exists(self.goa_conf):
            os.unlink(self.goa_conf)

    def source_text(self, uid):
        path = os.path.join(self.sources, uid + ".source")
        return open(path).read() if os.path.exists(path) else ""

    def second_prefix(self):
        """Another prefix with its own copy of the module: Evolution then finds
        (and loads) it twice, as with a packaged copy and a local build."""
        prefix = os.path.join(self.work, "prefix2")
        modules = os.path.join(prefix, "lib", "evolution", "modules")
        os.makedirs(modules, exist_ok=True)
        shutil.copy(self.module, os.path.join(modules, "module-apppass.so"))
        return prefix

    def start_evolution(self, extra_prefix=None):
        log = os.path.join(self.work, f"evolution-{len(self.logs)}.out")
        self.logs.append(log)
        prefixes = self.prefix + (":" + extra_prefix if extra_prefix else "")
        evo = Evolution(prefixes, log, os.path.join(self.prefix, "bin"))
        self.evolutions.append(evo)
        app = at.find_app(EVOLUTION_APP_NAMES, 90)
        return evo, app

    def screenshot(self, acc, name):
        """Without a window manager a later window may cover the one we want:
        raise it first."""
        title = at.name(acc) or ""
        subprocess.run(["xdotool", "search", "--name", "^" + re.escape(title) + "$",
                        "windowraise"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=10)
        time.sleep(0.5)
        return super().screenshot(acc, name)

    def stop(self):
        for evo in self.evolutions:
            evo.stop()
        shutdown()
        super().stop()


def store_password(uid, password):
    """As E-D-S stores it: libsecret, attribute e-source-uid (stdin, not argv)."""
    subprocess.run(["secret-tool", "store", "--label", f"Evolution Data Source {uid}",
                    SCHEMA_ATTRIBUTE, uid], input=password.encode(), check=True, timeout=30,
                   stdout=subprocess.DEVNULL)


def stored_password(uid):
    """The password E-D-S keeps for source uid, or None (never printed)."""
    r = subprocess.run(["secret-tool", "lookup", SCHEMA_ATTRIBUTE, uid],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30)
    return r.stdout.decode() if r.returncode == 0 else None


SESSION_SERVICES = ("evolution", "goa-daemon", "goa-identity-se")


def session_pids():
    """The PIDs of Evolution's and Online Accounts' processes on this test's
    own D-Bus session: never those of anyone else on the machine."""
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").encode()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            comm = open(f"/proc/{entry}/comm").read().strip()
            environ = open(f"/proc/{entry}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        if bus and comm.startswith(SESSION_SERVICES) and \
                b"DBUS_SESSION_BUS_ADDRESS=" + bus in environ:
            pids.append(int(entry))
    return pids


def shutdown():
    """Ends Evolution, E-D-S and goa-daemon of this session (the bus starts
    them again when asked)."""
    pids = session_pids()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    at.wait_for(lambda: not [p for p in pids if os.path.exists(f"/proc/{p}")], 15)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# The name Evolution gives AT-SPI: its program name up to 3.46 (Debian 12),
# its application id by 3.56 (Debian 13).
EVOLUTION_APP_NAMES = ("evolution", "org.gnome.Evolution")


class Evolution:
    """Evolution on the test's display, logging to a file."""

    def __init__(self, prefixes, log, bindir):
        env = dict(os.environ)
        env.update(EDS_EXTRA_PREFIXES=prefixes, PATH=bindir + ":" + env["PATH"], WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS="1",
                   WEBKIT_DISABLE_COMPOSITING_MODE="1")
        env.pop("NO_AT_BRIDGE", None)  # AT-SPI drives the test
        self.log = open(log, "w")
        self.path = log
        self.process = subprocess.Popen(["evolution", "--force-online", "-c", "mail"], env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)

    def mapped(self, name):
        return lib.mapped(self.process.pid, name)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return open(self.path, errors="replace").read()

    def quit(self, timeout=60):
        """Evolution's own Quit, as File → Quit does it; False (and the
        process ended by force) when it did not quit in time."""
        if self.process.poll() is None:
            subprocess.run(["evolution", "--quit"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=timeout)
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            self.stop()
            return False

    def stop(self):
        if self.process.poll() is None:
            lib.end_process(self.process, 15)
        self.log.close()


def windows(app):
    return [w for w in at.children(app) if at.showing(w)]


def our_dialog(app, timeout=60):
    return at.wait_for(lambda: next((w for w in windows(app)
                                     if at.ident(w) == "apppass-dialog"), None), timeout)


def evolution_prompt(app):
    """Evolution's own password prompt, if it is on screen."""
    for w in windows(app):
        if at.ident(w) == "apppass-dialog":
            continue
        for acc in at.walk(w):
            if at.role(acc) == at.Atspi.Role.PASSWORD_TEXT:
                return w
    return None


def all_text(window):
    """Every label's words in window, in order."""
    return " ".join(at.name(a) or "" for a in at.walk(window)
                    if at.role(a) == at.Atspi.Role.LABEL)


def alert_bar_says(app, words):
    """Whether one of Evolution's message bars (EAlertBar) shows words."""
    return any(words in all_text(w) for w in windows(app) if at.ident(w) != "apppass-dialog")


def button(window, label):
    return next((a for a in at.walk(window) if at.role(a) == at.Atspi.Role.PUSH_BUTTON
                 and (at.name(a) or "").replace("_", "") == label and at.showing(a)), None)


def save_app_password(dialog, pasted=lib.PASTED):
    claws_e2e.save_app_password(dialog, pasted)


def dialog_opens(tap, app, what, evo):
    """apppass's dialog once it is on screen (tap line what, with Evolution's
    output when it is not), or None."""
    return claws_e2e.dialog_opens(tap, app, what, 90, lambda: evo.output()[-3000:])


save_and_log_in = claws_e2e.save_and_log_in
open_oauth_side = claws_e2e.open_oauth_side
back_to_app_password = claws_e2e.back_to_app_password


def accept_certificate(app, timeout=90):
    """Presses "Accept Permanently" in Evolution's certificate trust prompt."""
    found = at.wait_for(lambda: next((b for w in windows(app)
                                      for b in [button(w, "Accept Permanently")] if b), None),
                        timeout)
    return found is not None and at.press(found)


def send_message(app, lab, to, subject):
    """A message through Evolution's composer (opened by a mailto: link, as a
    browser would), sent with its Send button."""
    subprocess.run(["evolution", f"mailto:{to}?subject={subject.replace(' ', '%20')}"
                    "&body=Hello%20from%20the%20apppass%20tests."],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    composer = at.wait_for(lambda: next((w for w in windows(app)
                                         if subject in (at.name(w) or "")), None), 60)
    if composer is None:
        return False
    send = at.wait_for(lambda: button(composer, "Send"), 20)
    return send is not None and at.press(send)


def open_account_page(app, account_name, words=None):
    """Edit → Accounts, the account, Edit, then apppass's page in the editor.
    Returns (editor window, our page) or (None, None). words(msgid) gives
    Evolution's label for msgid in the language it runs in (English by default)."""
    say = words or (lambda msgid: msgid.replace("_", ""))
    main = at.wait_for(lambda: next((w for w in windows(app) if at.name(w) == say("Mail")), None), 30)
    item = next((a for a in at.walk(main) if at.role(a) == at.Atspi.Role.MENU_ITEM
                 and (at.name(a) or "").replace("_", "") == say("_Accounts")), None) if main else None
    if item is None or not at.press(item):
        return None, None
    accounts = at.wait_for(lambda: next((w for w in windows(app)
                                         if at.name(w) == say("Evolution Accounts")), None), 20)
    if accounts is None:
        return None, None
    group = next(a for a in at.walk(accounts) if at.role(a) == at.Atspi.Role.TABLE_CELL
                 and at.name(a) == say("Mail Accounts"))
    group.get_action_iface().do_action(0)  # expand or contract
    cell = at.wait_for(lambda: next((a for a in at.walk(accounts)
                                     if at.role(a) == at.Atspi.Role.TABLE_CELL
                                     and at.name(a) == account_name), None), 10)
    if cell is None:
        return None, None
    cell.get_component_iface().grab_focus()  # the row under the cursor is selected
    at.press(button(accounts, say("_Edit")))
    editor = at.wait_for(lambda: next((w for w in windows(app)
                                       if at.name(w) == say("Account Editor")), None), 20)
    if editor is None:
        return None, None
    tab = next((t for t in at.walk(editor) if at.role(t) == at.Atspi.Role.PAGE_TAB
                and any(at.ident(a) == "apppass-account-page" for a in at.walk(t))), None)
    if tab is None:
        return editor, None
    at.Atspi.Selection.select_child(tab.get_parent(), tab.get_index_in_parent())
    return editor, at.find_id(editor, "apppass-account-page", 10)


def cancel_prompts(app):
    """Cancels Evolution's own password prompts: while one is open, Evolution
    does not quit on request."""
    for _ in range(5):
        prompt = evolution_prompt(app)
        cancel = button(prompt, "Cancel") if prompt else None
        if cancel is None:
            return
        at.press(cancel)
        time.sleep(1)
