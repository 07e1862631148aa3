#!/usr/bin/env python3
"""apppass in the real Claws Mail: a throwaway profile, Claws on a private
Xvfb display with the plugin autoloaded, the project's test server in front
of a real Dovecot mailbox.

Gmail with two-step on: Claws' login fails, apppass's dialog (and not Claws'
own password prompt) appears; its page button opens Google's app password
page through Claws' URI command; a wrong paste keeps the dialog open and
stores nothing; "abcd efgh ijkl mnop" is checked, stored in Claws' password
store, and Claws' next login uses it and reads the mailbox; after a restart
Claws logs in with no dialog. Yahoo's [AUTHENTICATIONFAILED] gets the
app-password dialog; Gmail's "Too many simultaneous connections" gets
nothing; an unknown provider's plain rejection gets Claws' own prompt, not
ours. Refusals in words the diagnosis does not know (Fastmail over IMAP and
SMTP, Gmail's POP3 -ERR [AUTH] with "too many" in it, Yahoo's SMTP 535 "Too
many bad auth attempts"): Claws' own verdict says the login was refused, so
the dialog appears and the app password is checked, stored and used; at
Outlook.com the same refusal gets the OAuth explanation, at an unknown
provider Claws' own prompt. Afterwards the whole profile and every log is searched for the password
in every form. Screenshots of the dialog in Claws go to the build folder.

APPPASS_TEST_ONLY=gmail,yahoo runs the flows named. APPPASS_VALGRIND=1
(tests/check.sh --full) runs every Claws under Valgrind's memcheck and fails
on a memory error or a definite leak with a frame in apppass.so.

Runs inside tests/lib/x-session.sh (Xvfb, private D-Bus session).
SPDX-License-Identifier: GPL-3.0-or-later"""
import gettext
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import claws_e2e as e2e  # noqa: E402
import claws_pages  # noqa: E402
from claws_e2e import at, lib, our_dialog, claws_prompt, inbox_total  # noqa: E402

tap = lib.Tap()
lab = e2e.Lab(os.environ["APPPASS_CLAWS_PLUGIN"],
              os.path.join(os.environ.get("G_TEST_BUILDDIR", "/tmp"), "screenshots",
                           "claws-mail"))


def start_profile(scenario, name, address, **profile):
    """A test server, a Claws profile with an account on it and Claws
    started: (server, rc, claws, app)."""
    server = lab.start_server(scenario)
    rc, _ = lab.profile(name, address, server, **profile)
    claws, app = lab.start_claws(rc)
    return server, rc, claws, app


def gmail_flow():
    server = lab.start_server("gmail")
    rc, uris = lab.profile("Gmail", "ann@gmail.com", server)
    claws, app = lab.start_claws(rc)
    try:
        dialog = our_dialog(app)
        if not tap.ok(dialog is not None, "Gmail: apppass's dialog opens in Claws"):
            return rc
        tap.ok("Google" in dialog.get_name() and "Claws Mail" in dialog.get_name(),
               "Gmail: its title names Google and Claws Mail", dialog.get_name())
        tap.ok(at.wait_for(lambda: claws_prompt(app) is None, 3),
               "Gmail: Claws' own password prompt is not shown")
        lab.screenshot(dialog, "dialog")
        at.press(at.find_id(dialog, "apppass-page-button"))
        opened = at.wait_for(lambda: os.path.exists(uris) and open(uris).read().split(), 10)
        tap.ok(opened == ["https://myaccount.google.com/apppasswords"],
               "Gmail: the page button opens Google's app password page via Claws", opened)
        store = os.path.join(rc, "passwordstorerc")
        before = open(store).read()
        entry = at.find_id(dialog, "apppass-password-entry")
        primary = at.find_id(dialog, "apppass-primary-button")
        at.set_text(entry, "aaaa bbbb cccc dddd")
        at.press(primary)
        status = at.wait_for(lambda: at.find_id(dialog, "apppass-status", 1), 30)
        at.wait_for(lambda: "nothing was saved" in (status.get_name() or ""), 30)
        tap.ok(status is not None and "nothing was saved" in (status.get_name() or ""),
               "Gmail: a wrong paste keeps the dialog open and says nothing was saved",
               status.get_name() if status else None)
        tap.ok(open(store).read() == before, "Gmail: a wrong paste stores nothing")
        lab.screenshot(dialog, "dialog-refused")
        at.set_text(entry, lib.PASTED)
        at.wait_for(lambda: primary.get_state_set().contains(at.Atspi.StateType.SENSITIVE), 10)
        at.press(primary)
        matched = at.wait_for(lambda: server.logins().count("imap:matched") >= 2, 60)
        tap.ok(matched, "Gmail: apppass's check and then Claws' own login used the app password",
               server.logins())
        gone = at.wait_for(lambda: our_dialog(app, 0.1) is None, 30)
        tap.ok(gone, "Gmail: the dialog closes itself after saving")
        tap.ok(open(store).read() != before, "Gmail: Claws' password store changed")
    finally:
        claws.quit()
    tap.ok(inbox_total(rc) == 1, "Gmail: Claws read the mailbox (1 message in INBOX)",
           inbox_total(rc))
    logins = len(server.logins())
    claws, app = lab.start_claws(rc)
    try:
        again = at.wait_for(lambda: server.logins()[logins:].count("imap:matched") >= 1, 60)
        tap.ok(again, "Gmail: after a restart Claws logs in with the stored password",
               server.logins())
        time.sleep(3)
        tap.ok(our_dialog(app, 0.5) is None and claws_prompt(app) is None,
               "Gmail: and no dialog appears")
    finally:
        claws.quit()
    return rc


def pop3_flow():
    server = lab.start_server("gmail")
    rc, _ = lab.profile("GmailPOP", "ann@gmail.com", server, protocol="pop3")
    inbox = os.path.join(os.path.dirname(rc), "Mail", "inbox")
    claws, app = lab.start_claws(rc)
    try:
        dialog = e2e.dialog_opens(tap, app, "POP3: apppass's dialog opens for Gmail's -ERR")
        if dialog is None:
            return
        e2e.save_and_log_in(tap, dialog, server,
                            "POP3: the check and then Claws' own login used the app password",
                            login="pop3:matched")
        fetched = at.wait_for(lambda: [n for n in os.listdir(inbox) if n.isdigit()], 30)
        tap.ok(fetched, "POP3: Claws fetched the message into its inbox", os.listdir(inbox))
    finally:
        claws.quit()


def tls_flow():
    """Implicit TLS with the test CA's certificate, which Claws already accepted
    (it keeps it as DER in certs/HOST.PORT.cert): apppass's check trusts it too."""
    server, rc, claws, app = start_profile("gmail", "GmailTLS", "ann@gmail.com", tls=True)
    try:
        dialog = e2e.dialog_opens(tap, app, "TLS: apppass's dialog opens")
        if dialog is None:
            return
        e2e.save_and_log_in(tap, dialog, server,
                            "TLS: the accepted certificate counts: checked, saved, Claws logs in")
    finally:
        claws.quit()


QUEUED = """AF:
NF:0
PS:10
SRH:1
SFN:
DSR:
MID:
CFG:
PT:0
S:ann@gmail.com
RQ:
SSV:127.0.0.1
NSV:
SSH:
R:<bob@example.org>
MAID:1
X-Claws-End-Special-Headers: 1
From: Test User <ann@gmail.com>
To: bob@example.org
Subject: Queued before the app password
Message-ID: <queued-1@apppass.invalid>

This message waited in Claws' queue.
"""


def smtp_flow(scenario="gmail", address="ann@gmail.com", label="SMTP",
              answer="Gmail's 534"):
    """Gmail's 534 when Claws sends its queue: our dialog instead of Claws' error
    alert; after saving, the queue is sent."""
    server = lab.start_server(scenario)
    rc, _ = lab.profile(label.replace(" ", ""), address, server, protocol="pop3",
                        smtp_tls=True)
    queue = os.path.join(os.path.dirname(rc), "Mail", "queue")
    with open(os.path.join(queue, "1"), "w") as f:
        f.write(QUEUED.replace("ann@gmail.com", address))
    spool = os.path.join(lab.work, "spool", "sent")
    claws, app = lab.start_claws(rc, "--send")
    try:
        dialog = our_dialog(app)
        if not tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
                      f"{label}: {answer} opens apppass's app-password dialog"):
            return
        tap.ok(at.wait_for(lambda: claws_prompt(app) is None and len(e2e.windows(app)) == 2, 5),
               f"{label}: Claws' own error alert is not left on screen",
               [w.get_name() for w in e2e.windows(app)])
        if scenario == "gmail":
            lab.screenshot(dialog, "dialog-smtp")
        e2e.save_and_log_in(tap, dialog, server,
                            f"{label}: the check and then Claws' own send used the app password",
                            login="smtp:matched")
        sent = at.wait_for(lambda: os.path.isdir(spool) and any(
            "Queued before the app password" in open(os.path.join(spool, n)).read()
            for n in os.listdir(spool)), 30)
        tap.ok(sent, f"{label}: the queued message reached the server")
        tap.ok(at.wait_for(lambda: not [n for n in os.listdir(queue) if n.isdigit()], 30),
               f"{label}: and left Claws' queue", os.listdir(queue))
    finally:
        claws.quit()


def refused_flow(scenario, name, address, protocol="imap"):
    """A refusal in words the diagnosis does not know (the scenario's), at a
    provider whose policy calls for an app password: Claws' own verdict ("LOGIN
    error", POP3's -ERR after PASS) says the login was refused, and that is
    enough. The dialog, a paste, "Check and save", Claws' password store, and
    Claws' next login with it."""
    server = lab.start_server(scenario)
    rc, _ = lab.profile(name, address, server, protocol=protocol)
    store = os.path.join(rc, "passwordstorerc")
    before = open(store).read()
    claws, app = lab.start_claws(rc)
    try:
        dialog = our_dialog(app)
        if not tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
                      f"{name}: a refusal in unknown words opens the app-password dialog",
                      server.logins()):
            return
        tap.ok(at.wait_for(lambda: claws_prompt(app) is None, 3),
               f"{name}: Claws' own password prompt is not shown")
        e2e.save_and_log_in(tap, dialog, server,
                            f"{name}: checked, saved, and Claws' next login used the app password",
                            login=f"{protocol}:matched")
        tap.ok(open(store).read() != before, f"{name}: Claws' password store changed")
    finally:
        claws.quit()
    if protocol == "imap":
        tap.ok(inbox_total(rc) == 1, f"{name}: Claws read the mailbox (1 message in INBOX)",
               inbox_total(rc))


def oauth_refused_flow():
    """Outlook.com refusing in unknown words: the refusal is judged by its
    policy (OAuth 2.0 only), so the OAuth explanation, with no password field."""
    server, rc, claws, app = start_profile("outlook-plain", "OutlookPlain", "cat@outlook.com")
    try:
        dialog = our_dialog(app)
        tap.ok(dialog is not None and at.find_id(dialog, "apppass-oauth-help", 5) is not None
               and at.find_id(dialog, "apppass-password-entry", 1) is None,
               "Outlook: a refusal in unknown words gets the OAuth 2.0 explanation, no "
               "password field", server.logins())
        if dialog:
            lab.screenshot(dialog, "dialog-oauth-refused")
    finally:
        claws.quit()


def passphrase_flow():
    """A primary passphrase protects Claws' password store: Claws asks for it
    (its own prompt, answered here) before it logs in; then the flow goes on as
    usual, and what apppass saves is stored encrypted."""
    server = lab.start_server("gmail")
    rc, _ = lab.profile("GmailLocked", "ann@gmail.com", server, passphrase="open sesame")
    store = os.path.join(rc, "passwordstorerc")
    claws, app = lab.start_claws(rc)
    try:
        tap.ok(e2e.answer_claws_prompt(app, "open sesame"),
               "passphrase: Claws asks for its primary passphrase")
        dialog = e2e.dialog_opens(tap, app, "passphrase: apppass's dialog opens")
        if dialog is None:
            return
        e2e.save_and_log_in(tap, dialog, server,
                            "passphrase: the password is saved and Claws logs in with it")
        tap.ok(claws_prompt(app) is None, "passphrase: no second prompt")
        text = open(store).read()
        tap.ok(lib.GOOD_PASSWORD not in text and "recv {" in text,
               "passphrase: Claws' store keeps it encrypted")
    finally:
        claws.quit()


def many_flow(count, label, timings=None):
    """count accounts on one server failing together: their dialogs come one
    at a time, each naming its own account, none twice, none missed."""
    server = lab.start_server("gmail")
    rc, _ = lab.profile_many("Work", server, count)
    if timings:
        os.environ["APPPASS_TIMINGS"] = timings
    try:
        claws, app = lab.start_claws(rc)
    finally:
        os.environ.pop("APPPASS_TIMINGS", None)
    seen, most = [], 0
    try:
        while True:
            dialog = our_dialog(app, 60 if not seen else 15)
            if dialog is None:
                break
            most = max(most, len([w for w in e2e.windows(app)
                                  if at.ident(w) == "apppass-dialog"]))
            account = at.find_id(dialog, "apppass-account", 2)
            seen.append((at.name(account) if account else None) or "?")
            at.press(at.find_id(dialog, "apppass-not-now-button"))
            at.wait_for(lambda: account_shown(app) != seen[-1], 10)
    finally:
        claws.quit()
    names = sorted(re.sub(r".*: (Work\d+).*", r"\1", s) for s in seen)
    tap.ok(names == sorted(f"Work{i}" for i in range(1, count + 1)),
           f"{label}: each of {count} failing accounts gets its dialog once", seen)
    tap.ok(most == 1, f"{label}: never two dialogs at once", most)


def account_shown(app):
    dialog = our_dialog(app, 0.1)
    label = at.find_id(dialog, "apppass-account", 1) if dialog else None
    return at.name(label) if label else None


def load_flow():
    """50 accounts failing within a second; the time the plugin holds Claws'
    main loop per logged line is printed (a figure, not a pass mark)."""
    timings = os.path.join(lab.work, "timings")
    many_flow(50, "load", timings)
    figures = dict(line.split("=") for line in open(timings).read().split()) \
        if os.path.exists(timings) else {}
    tap.ok(figures.get("events"), "load: the plugin measured its time per logged line")
    if figures:
        print(f"# load: {figures['events']} logged lines; our code held the main loop "
              f"median {int(figures['median_us']) / 1000:.3f} ms, "
              f"99th percentile {int(figures['p99_us']) / 1000:.3f} ms, "
              f"max {int(figures['max_us']) / 1000:.3f} ms per line", flush=True)


def proxy_flow():
    """An account that connects through its own SOCKS5 proxy: apppass's check
    takes the same proxy (the proxy saw every login the server saw)."""
    server = lab.start_server("gmail")
    proxy = e2e.Socks5Proxy()
    extra = ("use_proxy=1\nuse_default_proxy=0\nproxy_type=1\nproxy_host=127.0.0.1\n"
             f"proxy_port={proxy.port}\n")
    rc, _ = lab.profile("GmailProxy", "ann@gmail.com", server, extra=extra)
    claws, app = lab.start_claws(rc)
    try:
        dialog = e2e.dialog_opens(tap, app, "proxy: apppass's dialog opens")
        if dialog is None:
            return
        through = len(proxy.targets)
        e2e.save_and_log_in(tap, dialog, server, "proxy: checked, saved, and Claws logs in")
        tap.ok(len(proxy.targets) >= through + 2 and
               len(proxy.targets) >= len(server.events("connect")),
               "proxy: apppass's check went through the account's proxy",
               f"{proxy.targets} / {len(server.events('connect'))} connections")
    finally:
        claws.quit()
        proxy.stop()


def yahoo_flow():
    """Yahoo's plain [AUTHENTICATIONFAILED] means "app password" at Yahoo. "Not
    now" is kept with the account: after a restart apppass stays quiet and
    Claws' own prompt is back."""
    server, rc, claws, app = start_profile("yahoo", "Yahoo", "bob@yahoo.com")
    try:
        dialog = our_dialog(app)
        tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
               "Yahoo: [AUTHENTICATIONFAILED] opens the app-password dialog")
        # Claws' prompt may flash for one poll interval before apppass closes it
        tap.ok(at.wait_for(lambda: claws_prompt(app) is None, 3),
               "Yahoo: Claws' own prompt is not shown")
        if dialog:
            at.press(at.find_id(dialog, "apppass-not-now-button"))
            tap.ok(at.wait_for(lambda: our_dialog(app, 0.1) is None, 10),
                   "Yahoo: \"Not now\" closes the dialog")
    finally:
        claws.quit()
    accountrc = open(os.path.join(rc, "accountrc")).read()
    tap.ok("privacy_prefs=" in accountrc and "apppass" in accountrc,
           "Yahoo: apppass's settings are saved with the account in accountrc")
    claws, app = lab.start_claws(rc)
    try:
        prompt = at.wait_for(lambda: claws_prompt(app), 30)
        tap.ok(prompt is not None and our_dialog(app, 1) is None,
               "Yahoo: after a restart, snoozed: Claws' own prompt, not ours")
        if prompt:
            e2e.press_claws_button(prompt, "Cancel")
    finally:
        claws.quit()


def twice_flow():
    """The plugin listed twice: Claws refuses the second load; one dialog; and
    quitting Claws with the dialog open ends cleanly."""
    server = lab.start_server("gmail")
    rc, _ = lab.profile("Twice", "ann@gmail.com", server,
                        plugin=lab.plugin + ":" + lab.plugin)
    claws, app = lab.start_claws(rc)
    try:
        dialog = our_dialog(app)
        time.sleep(2)
        dialogs = [w for w in e2e.windows(app) if at.ident(w) == "apppass-dialog"]
        tap.ok(dialog is not None and len(dialogs) == 1,
               "twice: loaded twice, Claws keeps one plugin and shows one dialog")
    finally:
        status = claws.quit()
    output = open(lab.logs[-1]).read()
    # Claws' own criticals (a failed IMAP session) are its business; ours,
    # GTK's and GObject's would point at the plugin.
    ours = [line for line in output.splitlines()
            if any(k in line for k in ("apppass-CRITICAL", "apppass-WARNING", "Gtk-CRITICAL",
                                       "GLib-GObject-CRITICAL", "GLib-CRITICAL",
                                       "Segmentation"))]
    tap.ok("Plugin already loaded" in output, "twice: Claws says the plugin is already loaded")
    tap.ok(status == 0 and not ours,
           "twice: quitting with the dialog open unloads the plugin cleanly",
           f"exit {status}: {ours}")


def quiet_flow(scenario, name, address, expect_claws_prompt):
    server, rc, claws, app = start_profile(scenario, name, address)
    try:
        at.wait_for(lambda: server.logins(), 60)
        prompt = at.wait_for(lambda: claws_prompt(app), 15) if expect_claws_prompt else None
        time.sleep(3)
        tap.ok(our_dialog(app, 0.5) is None, f"{name}: apppass shows nothing")
        if expect_claws_prompt:
            tap.ok(prompt is not None, f"{name}: Claws' own password prompt is shown")
            if prompt:
                lab.screenshot(prompt, f"claws-prompt-{scenario}")
    finally:
        # Claws does not quit while its own modal prompt waits
        prompt = claws_prompt(app)
        if prompt:
            e2e.press_claws_button(prompt, "Cancel")
        claws.quit()
    return rc


def combos_showing(window, text):
    """Claws' own combo boxes (GtkComboBox) whose chosen entry reads text."""
    return [a for a in at.walk(window) if at.role(a) == at.Atspi.Role.COMBO_BOX
            and (at.name(a) or "") == text]


def press_last(window, label):
    """The window's last button called label: the preferences' own Cancel
    and OK come after those of its pages (Auto-configure has a Cancel)."""
    buttons = [a for a in at.walk(window) if at.role(a) == at.Atspi.Role.PUSH_BUTTON
               and (at.name(a) or "").replace("_", "") == label]
    return bool(buttons) and at.press(buttons[-1])


def prefs_window(app, timeout=30):
    return at.wait_for(lambda: next((w for w in e2e.windows(app)
                                     if (at.name(w) or "").endswith("Account preferences")),
                                    None), timeout)


def oauth_texts(lang):
    """Our strings as the user sees them in lang (from the build's .mo), and the
    environment that makes Claws and apppass speak it."""
    if lang is None:
        return gettext.NullTranslations().gettext, None
    localedir = claws_pages.catalogues(lab)
    locale = {"nl": "nl_NL.UTF-8", "lv": "lv_LV.UTF-8"}[lang]
    env = dict(os.environ, LC_ALL=locale, LANGUAGE=lang, APPPASS_LOCALEDIR=localedir)
    return gettext.translation("apppass", localedir, [lang]).gettext, env


CLAWS_OAUTH_HELP = (
    "Claws Mail can sign in with OAuth 2.0, but it comes without the “client ID” that %s "
    "asks of every program that signs in this way. You get one by registering an "
    "application with %s (free of charge; %s may ask you to create a developer account "
    "first), and then enter its client ID, and where %s gives one its client secret, on this "
    "account’s OAuth2 page. The OAuth2 settings open with OAuth2 already chosen for "
    "receiving and sending; nothing changes until you press OK.")


def oauth_flow(lang=None, protocol="imap"):
    """Outlook.com takes no passwords. Claws Mail can sign in with OAuth 2.0
    but ships no client ID: the dialog says so, opens Microsoft's page for
    registering one, and its button opens the account's preferences on the
    OAuth2 page with OAuth2 already set for receiving and sending and Outlook
    chosen, in Claws' own fields; Cancel leaves accountrc as it was. In lang
    (nl, lv) the user reads our catalogue's words; for a POP3 account the
    button sets POP3's authentication."""
    _, env = oauth_texts(lang)
    tag = "OAuth" + (f" {lang}" if lang else "") + (" POP3" if protocol == "pop3" else "")
    shot = "oauth" + (f"-{lang}" if lang else "") + ("-pop3" if protocol == "pop3" else "")
    server = lab.start_server("outlook")
    rc, uris = lab.profile("Outlook" + (lang or "") + protocol, "cat@outlook.com", server,
                           protocol=protocol)
    accountrc = os.path.join(rc, "accountrc")
    claws = claws_pages.lab_claws(lab, rc, env, "--receive-all")
    app = at.find_app("claws-mail", 60)
    try:
        dialog = our_dialog(app)
        if not tap.ok(dialog is not None, f"{tag}: Outlook.com's refusal opens the dialog"):
            return
        help_label = at.find_id(dialog, "apppass-oauth-help", 5)
        help_text = at.name(help_label) or "" if help_label else ""
        tap.ok(help_text == _(CLAWS_OAUTH_HELP) % (("Outlook.com",) * 4),
               f"{tag}: the dialog says Claws Mail needs a client ID from Outlook.com",
               help_text)
        def recorded():  # the recorder's file is shared by every profile of the run
            return open(uris).read().split() if os.path.exists(uris) else []
        earlier = len(recorded())
        register = at.find_id(dialog, "apppass-client-id-button", 5)
        tap.ok(register is not None and at.name(register).replace("_", "") ==
               _("Open the _client ID registration page of %s").replace("_", "")
               % "Outlook.com", f"{tag}: the registration button reads so",
               at.name(register) if register else None)
        if register is not None:
            at.press(register)
        opened = at.wait_for(lambda: recorded()[earlier:], 10)
        tap.ok(opened == ["https://learn.microsoft.com/entra/identity-platform/"
                          "quickstart-register-app"],
               f"{tag}: its button opens Microsoft's app registration page", opened)
        primary = at.find_id(dialog, "apppass-primary-button", 5)
        label = (at.name(primary) or "").replace("_", "") if primary else ""
        tap.ok(label == _("Open the OAuth2 _settings in %s").replace("_", "") % "Claws Mail",
               f"{tag}: one button opens Claws' OAuth2 settings", label)
        problems = e2e.cut_off(dialog)
        tap.ok(not problems, f"{tag}: nothing of the dialog is cut off", problems)
        lab.screenshot(dialog, shot)
        before = open(accountrc).read()
        at.press(primary)
        prefs = prefs_window(app)
        if not tap.ok(prefs is not None, f"{tag}: the account's preferences open",
                      [at.name(w) for w in e2e.windows(app)]):
            return
        time.sleep(1)
        oauth_combos = [a for a in at.walk(prefs) if at.role(a) == at.Atspi.Role.COMBO_BOX
                        and (at.name(a) or "").lower() == "oauth2"]
        tap.ok(len(oauth_combos) == 2,
               f"{tag}: receiving and sending authentication are set to OAuth2",
               [at.name(a) for a in at.walk(prefs) if at.role(a) == at.Atspi.Role.COMBO_BOX])
        provider = [c for c in combos_showing(prefs, "MS Outlook") if at.showing(c)]
        tap.ok(provider, f"{tag}: the OAuth2 page is shown with Outlook chosen as provider",
               [at.name(a) for a in at.walk(prefs) if at.role(a) == at.Atspi.Role.COMBO_BOX])
        lab.screenshot(prefs, shot + "-prefs")
        pressed = press_last(prefs, "Cancel")
        tap.ok(at.wait_for(lambda: prefs_window(app, 0.1) is None, 10),
               f"{tag}: Cancel closes the preferences",
               [pressed] + [at.name(a) for a in at.walk(prefs)
                            if at.role(a) == at.Atspi.Role.PUSH_BUTTON])
        tap.ok(open(accountrc).read() == before, f"{tag}: Cancel leaves accountrc unchanged")
        status = at.find_id(dialog, "apppass-status", 5)
        tap.ok(status is not None and _("Nothing was changed.") in (at.name(status) or ""),
               f"{tag}: the dialog says nothing was changed",
               at.name(status) if status else None)
        # Again, with OK: Claws saves its own fields.
        at.press(at.find_id(dialog, "apppass-primary-button", 5))
        prefs = prefs_window(app)
        if prefs is not None:
            press_last(prefs, "OK")
        receive = "use_pop_auth=1" if protocol == "pop3" else "imap_auth_method=256"
        saved = at.wait_for(lambda: receive in open(accountrc).read(), 15)
        text = open(accountrc).read()
        if protocol == "pop3":
            saved = saved and "pop_auth_method=2" in text
        tap.ok(saved and "smtp_auth_method=32" in text and "oauth2_auth_provider=2" in text,
               f"{tag}: OK saves OAuth2 for receiving and sending, provider Outlook, in "
               "accountrc", [line for line in text.splitlines() if "auth" in line])
        switched = at.find_id(dialog, "apppass-oauth-switched", 10)
        tap.ok(switched is not None, f"{tag}: and the dialog says so")
    finally:
        for w in e2e.windows(app):
            if (at.name(w) or "").endswith("Account preferences"):
                press_last(w, "Cancel")
        claws.quit()


def microsoft365_smtp_flow():
    """Microsoft 365 SMTP where the tenant still takes passwords: the dialog
    for the refused send offers both ways, an app password to paste and the
    OAuth2 settings, and goes back and forth between them."""
    server = lab.start_server("microsoft365")
    address = "cat@contoso.onmicrosoft.com"
    rc, _ = lab.profile("M365", address, server, protocol="pop3", smtp_tls=True)
    queue = os.path.join(os.path.dirname(rc), "Mail", "queue")
    with open(os.path.join(queue, "1"), "w") as f:
        f.write(QUEUED.replace("ann@gmail.com", address))
    claws, app = lab.start_claws(rc, "--send")
    try:
        dialog = our_dialog(app)
        if not tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
                      "M365 SMTP: the refused send opens the app-password dialog",
                      server.logins()):
            return
        if not e2e.open_oauth_side(tap, dialog, "M365 SMTP"):
            return
        primary = at.wait_for(lambda: next((b for b in [at.find_id(dialog, "apppass-primary-"
                                                                   "button", 1)]
                                            if b and "OAuth2" in (at.name(b) or "")), None), 10)
        back = at.find_id(dialog, "apppass-app-password-link", 3)
        tap.ok(primary is not None and back is not None
               and at.find_id(dialog, "apppass-password-entry", 1) is None,
               "M365 SMTP: the OAuth 2.0 side has the button to Claws' OAuth2 settings and the "
               "way back to the app password",
               [at.ident(a) for a in at.walk(dialog) if at.ident(a)])
        e2e.back_to_app_password(tap, lab, dialog, back, "M365 SMTP", "oauth-microsoft365-smtp")
    finally:
        claws.quit()


def scan():
    forms = lib.secret_forms(lib.GOOD_PASSWORD, "ann@gmail.com")
    # Every profile, Claws' output and the test servers' folders; Dovecot's
    # own files and the sent-mail spool are not ours to judge.
    hits = lib.scan_tree(lab.work, forms, skip=(lab.dovecot, os.path.join(lab.work, "spool")))
    tap.ok(not hits, "the password, plain or base64, is in no file of the profiles or logs",
           hits)


def valgrind_check():
    """Under APPPASS_VALGRIND=1: every run of Claws was under memcheck."""
    complete, ours, theirs = e2e.valgrind_verdict(lab.work)
    tap.ok(complete, "valgrind: every run of Claws ended with a complete report")
    tap.ok(not ours, "valgrind: no memory error and no definite leak in apppass's code",
           "\n".join(ours))
    print(f"# valgrind: {len(theirs)} errors outside apppass's code (Claws', GTK's: "
          "not judged; tests/claws-mail/valgrind.supp keeps the known ones quiet)", flush=True)
    for line in "\n".join(theirs).splitlines()[:60]:
        print(f"#   {line}", flush=True)


# APPPASS_TEST_ONLY=gmail,twice runs those flows only (and the final scan).
only = set(filter(None, os.environ.get("APPPASS_TEST_ONLY", "").split(",")))


def wanted(name):
    return not only or name in only


try:
    if wanted("gmail"):
        gmail_flow()
    if wanted("pop3"):
        pop3_flow()
    if wanted("tls"):
        tls_flow()
    if wanted("proxy"):
        proxy_flow()
    if wanted("passphrase"):
        passphrase_flow()
    if wanted("smtp"):
        smtp_flow()
    if wanted("yahoo"):
        yahoo_flow()
    if wanted("many"):
        many_flow(3, "several accounts")
    if wanted("load"):
        load_flow()
    if wanted("twice"):
        twice_flow()
    if wanted("fastmail"):
        refused_flow("fastmail-plain", "Fastmail", "eve@fastmail.com")
    if wanted("fastmail-smtp"):
        smtp_flow("fastmail-plain", "eve@fastmail.com", "Fastmail SMTP",
                  "a 554 to AUTH in unknown words")
    if wanted("yahoo-smtp"):
        smtp_flow("yahoo", "bob@yahoo.com", "Yahoo SMTP",
                  "Yahoo's \"535 5.7.0 (#AUTH005) Too many bad auth attempts.\"")
    if wanted("gmail-pop3-refused"):
        refused_flow("gmail-plain", "GmailTooMany", "ann@gmail.com", protocol="pop3")
    if wanted("outlook-refused"):
        oauth_refused_flow()
    if wanted("unknown-refused"):
        quiet_flow("unknown-plain", "OtherPlain", "dan@example.org", True)
    if wanted("busy"):
        quiet_flow("gmail-busy", "Busy", "ann@gmail.com", False)
    if wanted("unknown"):
        quiet_flow("unknown", "Other", "dan@example.org", True)
    if wanted("page"):
        claws_pages.page_flow(lab, tap)
    if wanted("page-applied"):
        claws_pages.applied_flow(lab, tap)
    if wanted("page-by-hand"):
        claws_pages.by_hand_flow(lab, tap)
    for lang, locale in (("nl", "nl_NL.UTF-8"), ("lv", "lv_LV.UTF-8")):
        if wanted("page-" + lang):
            claws_pages.language_flow(lab, tap, lang, locale)
    if wanted("oauth"):
        oauth_flow()
    for lang in ("nl", "lv"):
        if wanted("oauth-" + lang):
            oauth_flow(lang)
    if wanted("oauth-pop3"):
        oauth_flow(protocol="pop3")
    if wanted("microsoft365-smtp"):
        microsoft365_smtp_flow()
    scan()
    if e2e.VALGRIND:
        valgrind_check()
finally:
    lab.stop()
sys.exit(tap.done())
