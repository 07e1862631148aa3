#!/usr/bin/env python3
"""apppass in the real Evolution: accounts as .source files, a real unlocked
gnome-keyring, Evolution on a private Xvfb display with the module loaded
from the build tree, the project's test server in front of a real Dovecot.

Gmail with two-step on (IMAP): Evolution's stored password is rejected;
apppass's dialog (and not Evolution's password prompt, nor its message bar
with the [ALERT]) appears; the page button opens Google's page through the
desktop's https handler; a wrong paste keeps the dialog and the keyring
unchanged; "abcd efgh ijkl mnop" is checked, stored under the account's
source, and Evolution's next login uses it, without a restart; after a
restart Evolution logs in with no dialog. POP3's -ERR reaches Evolution's
prompt without words: Google's policy decides. SMTP 534 (an error to Evolution,
no prompt): the dialog appears for the transport, the password is stored
under the transport source and the message is sent. Yahoo's plain rejection
gets the app-password dialog. TLS with a test-CA certificate the user
accepted in Evolution: the check trusts it. "Not now" is kept in the
.source file; Evolution quits with the dialog open; the account editor's
page; the account's own proxy; an account of GNOME Online Accounts gets an explanation and a button
instead of a password field; two copies of the module load as one. An
unknown provider's plain rejection gets Evolution's own prompt. Refusals in
words the diagnosis does not know (Fastmail over IMAP and an SMTP 554 to
AUTH, Gmail's POP3 -ERR [AUTH] with "too many", Yahoo's SMTP 535 "Too many
bad auth attempts") get the dialog, are checked, stored and used; at
Outlook.com the OAuth explanation, at an unknown provider Evolution's own
prompt. OAuth 2.0 in English, Dutch and Latvian: the one-click switch to
Evolution's own sign-in for Outlook.com and Yahoo (the sign-in window, quiet
after a restart, Undo in the dialog and on the account page), a collection
switched and restored with its account, a Microsoft 365 account for which
Evolution has no sign-in told what to do in Evolution's own menu words, and
Microsoft 365 SMTP offering the app password beside the OAuth explanation.
Then every file Evolution wrote is searched for the password in every form.

Runs inside tests/lib/x-session.sh. SPDX-License-Identifier: GPL-3.0-or-later"""
import gettext
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import evolution_e2e as e2e  # noqa: E402
import evolution_pages  # noqa: E402
from evolution_e2e import at, lib, our_dialog, evolution_prompt  # noqa: E402

tap = lib.Tap()
lab = e2e.EvoLab(os.environ["APPPASS_EVOLUTION_MODULE"],
                 os.path.join(os.environ.get("G_TEST_BUILDDIR", "/tmp"), "screenshots",
                              "evolution"))


def opened_uris():
    return open(lab.uris).read().split() if os.path.exists(lab.uris) else []


def status_text(dialog):
    status = at.find_id(dialog, "apppass-status", 1)
    return (status.get_name() or "") if status else ""


def start_account(scenario, uid, address, **account):
    """A test server, an account of Evolution's on it and Evolution started:
    (server, the account's uid, evo, app)."""
    server = lab.start_server(scenario)
    uid = lab.account(uid, address, server, **account)
    evo, app = lab.start_evolution()
    return server, uid, evo, app


def gmail_flow():
    server, uid, evo, app = start_account("gmail", "gmail", "ann@gmail.com")
    try:
        dialog = e2e.dialog_opens(tap, app, "Gmail: apppass's dialog opens in Evolution", evo)
        if dialog is None:
            return
        tap.ok("Google" in dialog.get_name() and "Evolution" in dialog.get_name(),
               "Gmail: its title names Google and Evolution", dialog.get_name())
        tap.ok(at.wait_for(lambda: "needs an app password" in (at.name(dialog) or ""), 10),
               "Gmail: the server's [ALERT], which Evolution passes on after the rejection, "
               "makes it the app-password explanation", at.name(dialog))
        tap.ok(at.wait_for(lambda: evolution_prompt(app) is None, 3),
               "Gmail: Evolution's own password prompt is not shown")
        tap.ok(not e2e.alert_bar_says(app, "Application-specific"),
               "Gmail: Evolution's message bar does not repeat the [ALERT]")
        lab.screenshot(dialog, "dialog")
        at.press(at.find_id(dialog, "apppass-page-button"))
        opened = at.wait_for(opened_uris, 10)
        tap.ok(opened == ["https://myaccount.google.com/apppasswords"],
               "Gmail: the page button opens Google's app password page (https handler)", opened)
        entry = at.find_id(dialog, "apppass-password-entry")
        primary = at.find_id(dialog, "apppass-primary-button")
        at.set_text(entry, "aaaa bbbb cccc dddd")
        at.press(primary)
        refused = at.wait_for(lambda: "nothing was saved" in status_text(dialog), 30)
        tap.ok(refused, "Gmail: a wrong paste keeps the dialog open and says nothing was saved",
               status_text(dialog))
        tap.ok(e2e.stored_password(uid) == "wrongpassword123",
               "Gmail: a wrong paste leaves the keyring as it was")
        e2e.save_and_log_in(tap, dialog, server,
                            "Gmail: apppass's check and then Evolution's own login used the app "
                            "password, without a restart")
        tap.ok(at.wait_for(lambda: e2e.stored_password(uid) == lib.GOOD_PASSWORD, 10),
               "Gmail: the keyring holds abcdefghijklmnop under the account's source")
        tap.ok(e2e.stored_password(uid + "-transport") == "wrongpassword123",
               "Gmail: the transport's password is untouched (only the checked side is stored)")
        gone = at.wait_for(lambda: our_dialog(app, 0.1) is None, 30)
        tap.ok(gone, "Gmail: the dialog closes itself after saving")
        time.sleep(2)
        tap.ok(evolution_prompt(app) is None, "Gmail: no Evolution prompt follows ours")
    finally:
        tap.ok(evo.quit(), "Gmail: Evolution quits cleanly")
    logins = len(server.logins())
    evo, app = lab.start_evolution()
    try:
        again = at.wait_for(lambda: server.logins()[logins:].count("imap:matched") >= 1, 90)
        tap.ok(again, "Gmail: after a restart Evolution logs in with the stored password",
               server.logins())
        time.sleep(3)
        tap.ok(our_dialog(app, 0.5) is None and evolution_prompt(app) is None,
               "Gmail: and no dialog appears")
    finally:
        evo.quit()
        lab.remove_accounts()


def pop3_flow():
    """POP3's -ERR reaches Evolution's prompt without the server's words: the
    provider's policy (Google: an app password) decides."""
    server, uid, evo, app = start_account("gmail", "pop", "ann@gmail.com", protocol="pop3")
    try:
        dialog = e2e.dialog_opens(tap, app, "POP3: apppass's dialog opens for Gmail's -ERR", evo)
        if dialog is None:
            return
        tap.ok(evolution_prompt(app) is None, "POP3: Evolution's own prompt is not shown")
        e2e.save_and_log_in(tap, dialog, server,
                            "POP3: checked, saved, and Evolution logs in with it",
                            login="pop3:matched")
        tap.ok(e2e.stored_password(uid) == lib.GOOD_PASSWORD, "POP3: stored in the keyring")
    finally:
        evo.quit()
        lab.remove_accounts()


def smtp_flow(scenario="gmail", address="ann@gmail.com", label="SMTP", answer="Gmail's 534"):
    """Gmail's 534 is an error to Evolution (no prompt, the same error at every
    send); apppass takes it for the transport source."""
    server = lab.start_server(scenario)
    # Like Gmail, the test server offers AUTH only over TLS.
    uid = lab.account(label.lower().replace(" ", "-"), address, server, smtp_tls=True,
                      password=None)
    e2e.store_password(uid, lib.GOOD_PASSWORD)
    e2e.store_password(uid + "-transport", "wrongpassword123")
    evo, app = lab.start_evolution()
    try:
        at.wait_for(lambda: server.logins().count("imap:matched") >= 1, 90)
        subject = f"apppass {label} test"
        sent = e2e.send_message(app, lab, "bob@example.org", subject)
        tap.ok(sent, f"{label}: a message is written and sent in Evolution's composer")
        # Evolution asks about the test certificate unless the TLS flow already accepted it.
        e2e.accept_certificate(app, 20)
        dialog = our_dialog(app, 90)
        if not tap.ok(dialog is not None, f"{label}: apppass's dialog opens for {answer}",
                      [(at.name(w), e2e.all_text(w)[:300]) for w in e2e.windows(app)]
                      + server.events() + [evo.output()[-3000:]]
                      + [evo.output()[-3000:]]):
            return
        tap.ok(at.find_id(dialog, "apppass-password-entry", 2) is not None,
               f"{label}: it asks for an app password", dialog.get_name())
        if scenario == "gmail":
            tap.ok("Google" in dialog.get_name(), "SMTP: its title names Google",
                   dialog.get_name())
        if scenario == "gmail":
            lab.screenshot(dialog, "dialog-smtp")
        e2e.save_app_password(dialog)
        spool = os.path.join(lab.work, "spool", "sent")
        sent = at.wait_for(lambda: os.path.isdir(spool) and any(
            subject in open(os.path.join(spool, n), errors="replace").read()
            for n in os.listdir(spool)), 90)
        tap.ok(sent and server.logins().count("smtp:matched") >= 2,
               f"{label}: checked, saved, and Evolution sent the message with it, no restart",
               [(at.name(w), e2e.all_text(w)[:300]) for w in e2e.windows(app)]
               + server.events())
        tap.ok(e2e.stored_password(uid + "-transport") == lib.GOOD_PASSWORD,
               f"{label}: the keyring holds it under the transport source")
        time.sleep(2)
        tap.ok(evolution_prompt(app) is None and our_dialog(app, 0.5) is None,
               f"{label}: no other prompt or dialog follows")
    finally:
        evo.quit()
        lab.remove_accounts()


def yahoo_flow():
    """Yahoo answers a plain [AUTHENTICATIONFAILED]; its policy (an app
    password for every mail program) makes it ours."""
    server, uid, evo, app = start_account("yahoo", "yahoo", "bob@yahoo.com")
    try:
        dialog = e2e.dialog_opens(tap, app,
                                  "Yahoo: apppass's dialog opens for a plain rejection", evo)
        if dialog is None:
            return
        tap.ok("Yahoo" in dialog.get_name(), "Yahoo: its title names Yahoo", dialog.get_name())
        tap.ok(evolution_prompt(app) is None, "Yahoo: Evolution's own prompt is not shown")
        e2e.save_and_log_in(tap, dialog, server, "Yahoo: checked, saved, and Evolution logs in")
        tap.ok(e2e.stored_password(uid) == lib.GOOD_PASSWORD, "Yahoo: stored in the keyring")
    finally:
        evo.quit()
        lab.remove_accounts()


def not_now_flow():
    """ "Not now" is kept in the account's .source file ([App Password]), so
    after a restart Evolution's own prompt handles the failure until the
    snooze ends; Evolution quits cleanly with apppass's dialog open."""
    server, uid, evo, app = start_account("yahoo", "notnow", "bob@yahoo.com")
    try:
        dialog = e2e.dialog_opens(tap, app, "Not now: apppass's dialog opens", evo)
        if dialog is None:
            return
        at.press(at.find_id(dialog, "apppass-not-now-button"))
        tap.ok(at.wait_for(lambda: our_dialog(app, 0.1) is None, 10), "Not now: the dialog closes")
        kept = at.wait_for(lambda: "[App Password]" in lab.source_text(uid)
                           and "SnoozedUntil=" in lab.source_text(uid), 30)
        tap.ok(kept, "Not now: the snooze is saved in the account's .source file",
               lab.source_text(uid))
        tap.ok(e2e.stored_password(uid) == "wrongpassword123",
               "Not now: the stored password is untouched")
    finally:
        e2e.cancel_prompts(app)
        tap.ok(evo.quit(), "Not now: Evolution quits cleanly")
    evo, app = lab.start_evolution()
    try:
        prompt = at.wait_for(lambda: evolution_prompt(app), 90)
        tap.ok(prompt is not None and our_dialog(app, 1) is None,
               "Not now: after a restart, Evolution's own prompt handles it (snoozed)")
    finally:
        e2e.cancel_prompts(app)
        tap.ok(evo.quit(), "Not now: Evolution quits cleanly after its own prompt",
               [(at.name(w), e2e.all_text(w)[:200]) for w in e2e.windows(app)])
    lab.remove_accounts()
    server, _, evo, app = start_account("yahoo", "quit", "bob@yahoo.com")
    try:
        dialog = our_dialog(app, 90)
        tap.ok(dialog is not None, "quit: apppass's dialog opens",
               [(at.name(w), e2e.all_text(w)[:200]) for w in e2e.windows(app)] + server.events())
    finally:
        tap.ok(evo.quit(), "quit: Evolution quits cleanly with apppass's dialog open",
               evo.output()[-2000:])
        lab.remove_accounts()


def page_flow():
    """Our page in Evolution's account editor: it shows the detected provider,
    its "Check login" logs in with the stored password, and turning the help
    off is saved in the account's .source file when the editor's OK is pressed."""
    with evolution_pages.account_page(lab, tap, "page", "page: apppass's page is in the account "
                                      "editor") as (server, uid, app, editor, page):
        if page is None:
            return
        names = " ".join(at.name(a) or "" for a in at.walk(page))
        tap.ok("Detected: Google" in names, "page: it shows the detected provider", names)
        lab.screenshot(editor, "account-page")
        logins = server.logins().count("imap:matched")
        at.press(at.find_id(page, "apppass-check-button"))
        checked = at.wait_for(lambda: server.logins().count("imap:matched") > logins, 30)
        result = at.find_id(page, "apppass-check-result", 10)
        said = result is not None and at.wait_for(lambda: "accepted" in (at.name(result) or ""),
                                                  30)
        tap.ok(checked and said, "page: Check login logs in with the stored password and says so",
               at.name(result) if result else None)
        toggle = at.find_id(page, "apppass-enabled-toggle")
        at.press(toggle)
        at.press(e2e.button(editor, "OK"))
        saved = at.wait_for(lambda: "Enabled=0" in lab.source_text(uid), 20)
        tap.ok(saved, "page: turning the help off is saved in the account's .source file",
               lab.source_text(uid))


def online_accounts_flow():
    """An account kept by GNOME Online Accounts: Evolution cannot store a
    password for it, so instead of the password field the user gets an
    explanation and a button that opens Online Accounts."""
    server = lab.start_server("yahoo")
    lab.online_account("bob@yahoo.com", server)
    evo, app = lab.start_evolution()
    try:
        window = at.wait_for(lambda: next((w for w in e2e.windows(app)
                                           if at.ident(w) == "apppass-online-accounts"), None), 90)
        if not tap.ok(window is not None, "Online Accounts: the explanation appears",
                      [(at.name(w), e2e.all_text(w)[:200]) for w in e2e.windows(app)]
                      + server.events() + [evo.output()[-1500:]]):
            return
        tap.ok(our_dialog(app, 1) is None and evolution_prompt(app) is None,
               "Online Accounts: no password field is offered (neither ours nor Evolution's)")
        lab.screenshot(window, "online-accounts")
        at.press(e2e.button(window, "Open Online Accounts"))
        opened = at.wait_for(lambda: os.path.exists(lab.control_center_log)
                             and open(lab.control_center_log).read().split(), 10)
        tap.ok(opened == ["online-accounts"], "Online Accounts: its button opens Online Accounts",
               opened)
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def twice_flow():
    """Evolution finds the module twice (two prefixes): both copies load, the
    second does nothing, one dialog appears and the flow works."""
    server = lab.start_server("yahoo")
    lab.account("twice", "bob@yahoo.com", server)
    evo, app = lab.start_evolution(lab.second_prefix())
    try:
        dialog = our_dialog(app, 90)
        loaded = evo.mapped("module-apppass.so")
        tap.ok(len(loaded) == 2, "twice: Evolution loaded both copies of the module", loaded)
        if not tap.ok(dialog is not None, "twice: apppass's dialog opens"):
            return
        time.sleep(2)
        ours = [w for w in e2e.windows(app) if at.ident(w) == "apppass-dialog"]
        tap.ok(len(ours) == 1, "twice: one dialog, not two", len(ours))
        e2e.save_and_log_in(tap, dialog, server, "twice: checked, saved, and Evolution logs in")
        tap.ok("register" not in evo.output() and "CRITICAL **: " + "apppass" not in evo.output(),
               "twice: no type registered twice, no critical from apppass",
               [l for l in evo.output().splitlines() if "apppass" in l or "register" in l][:10])
    finally:
        tap.ok(evo.quit(), "twice: Evolution quits cleanly")
        lab.remove_accounts()


def proxy_flow():
    """The account's own proxy (an ESourceProxy, SOCKS5 here): Evolution and
    apppass's check both go through it."""
    proxy = e2e.claws_e2e.Socks5Proxy()
    server = lab.start_server("yahoo")
    lab.proxy_source("apppass-proxy", proxy.port)
    lab.account("proxied", "bob@yahoo.com", server, proxy="apppass-proxy")
    target = f"127.0.0.1:{server.ports['imap']}"
    evo, app = lab.start_evolution()
    try:
        dialog = e2e.dialog_opens(tap, app, "proxy: apppass's dialog opens", evo)
        if dialog is None:
            return
        before = proxy.targets.count(target)
        tap.ok(before >= 1, "proxy: Evolution's own login went through the account's proxy",
               proxy.targets)
        e2e.save_and_log_in(tap, dialog, server, "proxy: checked, saved, and Evolution logs in")
        # Evolution logs in again on its open connection: the new one is ours.
        tap.ok(proxy.targets.count(target) >= before + 1,
               "proxy: apppass's check went through it too", proxy.targets)
    finally:
        evo.quit()
        proxy.stop()
        lab.remove_accounts()


def tls_flow():
    """Implicit TLS with the test CA's certificate: the user accepts it in
    Evolution's own trust prompt; apppass's check then trusts it too."""
    server, _, evo, app = start_account("gmail", "tls", "ann@gmail.com", tls=True)
    try:
        accepted = e2e.accept_certificate(app)
        tap.ok(accepted, "TLS: Evolution asks about the test certificate and the user accepts it")
        dialog = e2e.dialog_opens(tap, app, "TLS: apppass's dialog opens", evo)
        if dialog is None:
            return
        e2e.save_and_log_in(tap, dialog, server,
                            "TLS: the accepted certificate counts: checked, saved, "
                            "Evolution logs in")
    finally:
        evo.quit()
        lab.remove_accounts()


def refused_flow(scenario, uid, address, protocol="imap"):
    """A refusal in words the diagnosis does not know, at a provider whose
    policy calls for an app password: Evolution's rejected login says it was
    refused. The dialog, a paste, "Check and save", the keyring, and
    Evolution's next login with it."""
    server = lab.start_server(scenario)
    name = f"{uid} ({scenario}, {protocol.upper()})"
    uid = lab.account(uid, address, server, protocol=protocol)
    evo, app = lab.start_evolution()
    try:
        dialog = our_dialog(app, 90)
        if not tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
                      f"{name}: a refusal in unknown words opens the app-password dialog",
                      evo.output()[-3000:]):
            return
        tap.ok(evolution_prompt(app) is None, f"{name}: Evolution's own prompt is not shown")
        e2e.save_and_log_in(tap, dialog, server,
                            f"{name}: checked, saved, and Evolution logs in with it",
                            login=f"{protocol}:matched")
        tap.ok(e2e.stored_password(uid) == lib.GOOD_PASSWORD, f"{name}: stored in the keyring")
    finally:
        evo.quit()
        lab.remove_accounts()


def oauth_refused_flow():
    """Outlook.com refusing in unknown words: judged by its policy (OAuth 2.0
    only), the OAuth explanation, with no password field."""
    server, _, evo, app = start_account("outlook-plain", "outlook-plain", "cat@outlook.com")
    try:
        dialog = our_dialog(app, 90)
        tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 1) is None
               and "OAuth 2.0" in e2e.all_text(dialog),
               "Outlook: a refusal in unknown words gets the OAuth 2.0 explanation, no password "
               "field", (e2e.all_text(dialog) if dialog else None, evo.output()[-2000:]))
        tap.ok(evolution_prompt(app) is None, "Outlook: Evolution's own prompt is not shown")
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def unknown_refused_flow():
    """An unknown provider refusing in unknown words: Evolution's own prompt."""
    server, _, evo, app = start_account("unknown-plain", "unknown-plain", "dan@example.org")
    try:
        prompt = at.wait_for(lambda: evolution_prompt(app), 90)
        tap.ok(prompt is not None and our_dialog(app, 1) is None,
               "unknown provider, unknown words: Evolution's own prompt, not apppass's dialog",
               evo.output()[-2000:])
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def unknown_flow():
    """A self-hosted server's plain rejection is not ours: Evolution's own
    password prompt appears, as without apppass."""
    server, _, evo, app = start_account("unknown", "unknown", "dan@example.org")
    try:
        prompt = at.wait_for(lambda: evolution_prompt(app), 90)
        tap.ok(prompt is not None, "unknown provider: Evolution's own password prompt appears",
               evo.output()[-3000:])
        tap.ok(our_dialog(app, 1) is None, "unknown provider: apppass's dialog does not")
        if prompt is not None:
            lab.screenshot(prompt, "evolution-own-prompt")
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def source_method(uid):
    """The [Authentication] Method= of a .source file."""
    text, group = lab.source_text(uid), None
    for line in text.splitlines():
        if line.startswith("["):
            group = line
        elif group == "[Authentication]" and line.startswith("Method="):
            return line[len("Method="):]
    return None


def window_texts(window):
    """Every name and text in window (E-D-S's sign-in window shows its page's address)."""
    out = []
    for acc in at.walk(window):
        try:
            out += [at.name(acc) or "", at.text_of(acc) or ""]
        except Exception:  # noqa: BLE001 - a web view's parts come and go
            pass
    return [t for t in out if t]


def sign_in_window(app, words):
    """Evolution's own OAuth 2.0 sign-in window (E-D-S's prompter), by its title."""
    return next((w for w in e2e.windows(app) if at.ident(w) != "apppass-dialog"
                 and words in (at.name(w) or "")), None)


LOCALES = {"nl": "nl_NL.UTF-8", "lv": "lv_LV.UTF-8"}


class Language:
    """Evolution and apppass in lang (None: as the test runs) for one flow:
    ours() gives our catalogue's words from the build's .mo, eds() and
    evolution() those of evolution-data-server and Evolution (without the
    mnemonic's underscore), so that widgets are found by what the user reads."""

    def __init__(self, lang):
        self.lang = lang
        self.saved = {}
        if lang is None:
            self.ours = self.eds = gettext.NullTranslations().gettext
            self.evolution = plain
            return
        folder = os.path.join(lab.work, "locale")
        os.makedirs(os.path.join(folder, lang, "LC_MESSAGES"), exist_ok=True)
        with open(os.environ[f"APPPASS_TEST_{lang.upper()}_GMO"], "rb") as source, \
                open(os.path.join(folder, lang, "LC_MESSAGES", "apppass.mo"), "wb") as target:
            target.write(source.read())
        self.env = dict(LC_ALL=LOCALES[lang], LANGUAGE=lang, APPPASS_LOCALEDIR=folder)
        self.ours = gettext.translation("apppass", folder, [lang]).gettext
        self.eds = gettext.translation("evolution-data-server", languages=[lang]).gettext
        evolution = gettext.translation("evolution", languages=[lang]).gettext
        self.evolution = lambda msgid: plain(evolution(msgid))

    def __enter__(self):
        for key, value in getattr(self, "env", {}).items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value
        return self

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def tag(self, name):
        return f"{name} {self.lang}" if self.lang else name

    def suffix(self):
        return f"-{self.lang}" if self.lang else ""


def plain(label):
    """A label as AT-SPI names it: without the mnemonic's underscore."""
    return (label or "").replace("_", "")


def cancel_sign_in(app, lang):
    """Cancels Evolution's own sign-in windows (not our dialog)."""
    for w in e2e.windows(app):
        cancel = e2e.button(w, plain(lang.eds("_Cancel"))) \
            if at.ident(w) != "apppass-dialog" else None
        if cancel is not None:
            at.press(cancel)


def oauth_flow(name="Outlook.com", scenario="outlook", address="cat@outlook.com",
               service="Outlook", sign_in_host="login.live.com", lang=None):
    """Outlook.com takes no passwords: the dialog's one button switches the
    account's sources to Evolution's own Microsoft sign-in (E-D-S's Outlook
    service), which opens its window; Undo gives the password methods back;
    after a restart apppass stays quiet for the switched account, and the
    account page offers the way back. In lang (nl, lv) the same, with our
    words checked against our catalogue and Evolution's found by its own."""
    with Language(lang) as language:
        oauth_steps(name, scenario, address, service, sign_in_host, language)


def oauth_steps(name, scenario, address, service, sign_in_host, language):
    _ = language.ours
    name_tag = name
    name = language.tag(name)
    shot = language.suffix()
    server, uid, evo, app = start_account(scenario, "oauth-" + scenario + shot, address)
    try:
        dialog = e2e.dialog_opens(tap, app, f"OAuth {name}: apppass's dialog opens", evo)
        if dialog is None:
            return
        link = at.find_id(dialog, "apppass-oauth-link", 3)
        if link is not None:  # Yahoo: app passwords first, OAuth 2.0 the other way
            lab.screenshot(dialog, "oauth-link-" + scenario + shot)
            at.press(link)
            time.sleep(1)
        primary = at.find_id(dialog, "apppass-primary-button")
        label = (at.name(primary) or "").replace("_", "")
        tap.ok(label == plain(_("_Switch to %s sign-in")) % name_tag,
               f"OAuth {name}: the dialog's one button offers Evolution's own sign-in", label)
        problems = e2e.claws_e2e.cut_off(dialog)
        tap.ok(not problems, f"OAuth {name}: nothing of the dialog is cut off", problems)
        lab.screenshot(dialog, "oauth-" + scenario + shot)
        at.press(primary)
        switched = at.find_id(dialog, "apppass-oauth-switched", 20)
        tap.ok(switched is not None, f"OAuth {name}: the dialog says the account was switched")
        methods = (source_method(uid), source_method(uid + "-transport"))
        tap.ok(methods == (service, service),
               f"OAuth {name}: the .source files name {service} for receiving and sending",
               methods)
        tap.ok("RememberPassword=true" in lab.source_text(uid)
               and "RememberPassword=true" in lab.source_text(uid + "-transport"),
               f"OAuth {name}: the remember-password choice stays as it was")
        tap.ok(e2e.stored_password(uid) == "wrongpassword123"
               and e2e.stored_password(uid + "-transport") == "wrongpassword123",
               f"OAuth {name}: no stored password was deleted")
        window = at.wait_for(lambda: sign_in_window(app, service), 30)
        lab.screenshot(dialog, "oauth-switched" + shot)
        tap.ok(window is not None, f"OAuth {name}: Evolution shows its own sign-in window",
               [at.name(w) for w in e2e.windows(app)])
        if window is not None:
            texts = at.wait_for(lambda: [t for t in window_texts(window)
                                               if t.startswith(f"https://{sign_in_host}/")],
                                30)
            tap.ok(texts, f"OAuth {name}: the window opens {sign_in_host} (no network: its page "
                   "cannot load)",
                   window_texts(window))
            lab.screenshot(window, "oauth-sign-in" + shot)
        undo = at.find_id(dialog, "apppass-undo-button", 5)
        if tap.ok(undo is not None and plain(at.name(undo)) == plain(_("_Undo")),
                  f"OAuth {name}: the dialog offers Undo", at.name(undo) if undo else None):
            at.press(undo)
            back = at.wait_for(lambda: (source_method(uid), source_method(uid + "-transport"))
                               == ("none", "PLAIN"), 20)
            tap.ok(back, f"OAuth {name}: Undo gives receiving and sending their password "
                   "methods back", (source_method(uid), source_method(uid + "-transport")))
            tap.ok("oauth-previous" not in lab.source_text(uid).lower(),
                   f"OAuth {name}: and forgets what it undid")
            primary = at.find_id(dialog, "apppass-primary-button", 10)
            at.press(primary)
            tap.ok(at.wait_for(lambda: source_method(uid) == service, 20),
                   f"OAuth {name}: switched again", source_method(uid))
        close = e2e.button(dialog, plain(_("_Close")))
        if close is not None:
            at.press(close)
        cancel_sign_in(app, language)
    finally:
        tap.ok(evo.quit(), f"OAuth {name}: Evolution quits cleanly")
    logins = len(server.logins())
    evo, app = lab.start_evolution()
    try:
        quiet = our_dialog(app, 20) is None
        tap.ok(quiet and source_method(uid) == service,
               f"OAuth {name}: after a restart apppass stays quiet for the switched account",
               [source_method(uid), [at.name(w) for w in e2e.windows(app)],
                evo.output()[-2000:]])
        tap.ok(not server.logins()[logins:],
               f"OAuth {name}: and Evolution sends the server no password", server.logins())
        time.sleep(2)
        cancel_sign_in(app, language)
        editor, page = e2e.open_account_page(app, address, language.evolution)
        undo = at.find_id(page, "apppass-oauth-undo-button", 5) if page else None
        if tap.ok(undo is not None, f"OAuth {name}: the account page offers the way back",
                  [at.name(w) for w in e2e.windows(app)]):
            lab.screenshot(editor, "oauth-account-page" + shot)
            at.press(undo)
            at.press(e2e.button(editor, language.evolution("_OK")))
            back = at.wait_for(lambda: (source_method(uid), source_method(uid + "-transport"))
                               == ("none", "PLAIN"), 20)
            tap.ok(back, f"OAuth {name}: Undo on the account page, saved with the editor's OK, "
                   "gives the password methods back",
                   (source_method(uid), source_method(uid + "-transport")))
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def yahoo_oauth_flow(lang=None):
    """The same for Yahoo, where this Evolution has Yahoo's service: its dialog asks
    for an app password first and offers OAuth 2.0 as the other way."""
    oauth_flow("Yahoo Mail", "yahoo", "bob@yahoo.com", "Yahoo", "api.login.yahoo.com", lang)


def evolution_words(lang, *msgids):
    """Evolution's own words in lang: a menu path as its menus show it."""
    catalogue = gettext.translation("evolution", languages=[lang]) if lang \
        else gettext.NullTranslations()
    return " → ".join(plain(catalogue.pgettext(*m) if isinstance(m, tuple)
                            else catalogue.gettext(m)) for m in msgids)


def eds_service(backend, host):
    """The OAuth 2.0 service this evolution-data-server would use for @host,
    asked from it as the module asks (None: it has none). Its answers differ
    by release: 3.56 (Debian 13) serves Microsoft 365's servers with its
    Outlook service, 3.46 (Debian 12) does not."""
    import gi
    gi.require_version("EDataServer", "1.2")
    from gi.repository import EDataServer
    service = EDataServer.OAuth2Services.new().guess(backend, host)
    return service.get_name() if service else None


# An organisation's own provider that takes only OAuth 2.0, on servers no
# evolution-data-server has a service for, as an administrator would add it.
NO_SERVICE_PROVIDER = """[Provider]
Id=example-university
Name=Example University
Domains=example-university.edu;
ImapHosts=imap.example-university.edu;
SmtpHosts=smtp.example-university.edu;
ImapServer=imap.example-university.edu:993:tls
SmtpServer=smtp.example-university.edu:465:tls
Policy=oauth-only
"""
NO_SERVICE_HOST = "imap.example-university.edu"

NO_SERVICE_HELP = (
    "This Evolution has no OAuth 2.0 sign-in for this account’s servers. Add the account in "
    "Settings → Online Accounts, or, for Microsoft 365, as an “Exchange Web Services” account "
    "with “OAuth2 (Office365)” authentication (package evolution-ews): in Evolution, File → "
    "New → Mail Account.")


def oauth_none_flow(lang=None):
    """A provider that takes only OAuth 2.0 on servers evolution-data-server
    has no service for (an organisation's own, from providers.d): the dialog
    says what to do, naming Evolution's menus as Evolution shows them in the
    user's language, and offers no switch."""
    folder = os.path.join(os.environ["XDG_CONFIG_HOME"], "apppass", "providers.d")
    os.makedirs(folder, exist_ok=True)
    provider_file = os.path.join(folder, "example-university.ini")
    with open(provider_file, "w") as f:
        f.write(NO_SERVICE_PROVIDER)
    with Language(lang) as language:
        name = language.tag("no service")
        tap.ok(eds_service("imapx", NO_SERVICE_HOST) is None,
               f"OAuth {name}: evolution-data-server has no service for {NO_SERVICE_HOST}")
        # The test server answers as Exchange does: a refusal in plain words.
        server, uid, evo, app = start_account("microsoft365", "edu" + language.suffix(),
                                              "dan@example-university.edu")
        try:
            dialog = our_dialog(app, 90)
            if not tap.ok(dialog is not None, f"OAuth {name}: apppass's dialog opens for "
                          "Example University", evo.output()[-3000:]):
                return
            help_label = at.find_id(dialog, "apppass-oauth-help", 5)
            text = (at.name(help_label) or "") if help_label else ""
            tap.ok(text == language.ours(NO_SERVICE_HELP),
                   f"OAuth {name}: the dialog says what to do instead", text)
            path = evolution_words(lang, "_File", "_New", ("New", "Mail Acco_unt"))
            tap.ok(path in text, f"OAuth {name}: in Evolution's own words ({path})", text)
            primary = at.find_id(dialog, "apppass-primary-button", 1)
            tap.ok(primary is None or not at.showing(primary),
                   f"OAuth {name}: no switch button", at.name(primary) if primary else None)
            tap.ok(at.find_id(dialog, "apppass-password-entry", 1) is None,
                   f"OAuth {name}: and no password field")
            lab.screenshot(dialog, "oauth-none" + language.suffix())
            tap.ok(source_method(uid) == "none", f"OAuth {name}: the account is unchanged",
                   source_method(uid))
        finally:
            e2e.cancel_prompts(app)
            evo.quit()
            lab.remove_accounts()
            os.remove(provider_file)


def oauth_microsoft365_flow():
    """Microsoft 365 over IMAP (OAuth 2.0 only): the dialog offers the switch
    exactly where this evolution-data-server has a service for Microsoft 365's
    servers, which is a fact of the release (asked from it at run time)."""
    service = eds_service("imapx", "outlook.office365.com")
    server, uid, evo, app = start_account("microsoft365", "m365", "cat@contoso.onmicrosoft.com")
    try:
        dialog = our_dialog(app, 90)
        if not tap.ok(dialog is not None, "OAuth Microsoft 365: apppass's dialog opens",
                      evo.output()[-3000:]):
            return
        primary = at.find_id(dialog, "apppass-primary-button", 2)
        switch = primary is not None and at.showing(primary)
        tap.ok(switch == (service is not None),
               "OAuth Microsoft 365: a switch is offered exactly where evolution-data-server "
               f"has a service for outlook.office365.com (here: {service})",
               at.name(primary) if primary else None)
        tap.ok(at.find_id(dialog, "apppass-password-entry", 1) is None,
               "OAuth Microsoft 365: and no password field")
        tap.ok(source_method(uid) == "none", "OAuth Microsoft 365: the account is unchanged",
               source_method(uid))
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


COLLECTION = """[Data Source]
DisplayName={address}
Enabled=true
Parent=

[Collection]
BackendName=none
Identity={address}
CalendarEnabled=false
ContactsEnabled=false
MailEnabled=true

[Authentication]
Host=127.0.0.1
Port={port}
User={address}
Method=none
RememberPassword=true
"""


def oauth_collection_flow():
    """An account under a collection source (as Evolution's wizard and its
    collection backends make them): the switch changes the collection's
    method too, and Undo gives it back."""
    server = lab.start_server("outlook")
    address = "cat@outlook.com"
    uid = lab.account("coll", address, server)
    collection = uid + "-collection"
    with open(os.path.join(lab.sources, collection + ".source"), "w") as f:
        f.write(COLLECTION.format(address=address, port=server.ports["imap"]))
    path = os.path.join(lab.sources, uid + ".source")
    text = open(path).read().replace("Parent=\n", f"Parent={collection}\n", 1)
    with open(path, "w") as f:
        f.write(text)
    e2e.store_password(collection, "wrongpassword123")
    methods = lambda: (source_method(uid), source_method(uid + "-transport"),  # noqa: E731
                       source_method(collection))
    evo, app = lab.start_evolution()
    try:
        dialog = e2e.dialog_opens(tap, app, "OAuth collection: apppass's dialog opens", evo)
        if dialog is None:
            return
        at.press(at.find_id(dialog, "apppass-primary-button"))
        switched = at.wait_for(lambda: methods() == ("Outlook",) * 3, 20)
        tap.ok(switched, "OAuth collection: the account, its transport and its collection "
               "now name Outlook", methods())
        tap.ok(e2e.stored_password(collection) == "wrongpassword123",
               "OAuth collection: the collection's stored password is kept")
        undo = at.find_id(dialog, "apppass-undo-button", 10)
        if tap.ok(undo is not None, "OAuth collection: the dialog offers Undo"):
            at.press(undo)
            back = at.wait_for(lambda: methods() == ("none", "PLAIN", "none"), 20)
            tap.ok(back, "OAuth collection: Undo gives all three their methods back", methods())
        cancel_sign_in(app, Language(None))
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def microsoft365_smtp_flow():
    """Microsoft 365 SMTP where the tenant may still take passwords: the dialog
    for the refused send offers both the app password and OAuth 2.0. The OAuth
    side offers the switch where this evolution-data-server has a service for
    Microsoft 365's servers (3.56 has), else says what to do; either way it
    leads back to the password field."""
    service = eds_service("smtp", "smtp.office365.com")
    server = lab.start_server("microsoft365")
    address = "cat@contoso.onmicrosoft.com"
    uid = lab.account("m365-smtp", address, server, smtp_tls=True, password=None)
    # The test server lets IMAP in with the right password, so that only
    # sending is refused, as in smtp_flow.
    e2e.store_password(uid, lib.GOOD_PASSWORD)
    e2e.store_password(uid + "-transport", "wrongpassword123")
    evo, app = lab.start_evolution()
    try:
        at.wait_for(lambda: server.logins().count("imap:matched") >= 1, 90)
        subject = "apppass M365 SMTP test"
        sent = e2e.send_message(app, lab, "bob@example.org", subject)
        tap.ok(sent, "M365 SMTP: a message is written and sent in Evolution's composer")
        e2e.accept_certificate(app, 20)
        dialog = our_dialog(app, 90)
        if not tap.ok(dialog is not None and at.find_id(dialog, "apppass-password-entry", 2),
                      "M365 SMTP: the refused send opens the app-password dialog",
                      server.events() + [evo.output()[-2000:]]):
            return
        if not e2e.open_oauth_side(tap, dialog, "M365 SMTP"):
            return
        help_label = at.find_id(dialog, "apppass-oauth-help", 10)
        back = at.find_id(dialog, "apppass-app-password-link", 3)
        primary = at.find_id(dialog, "apppass-primary-button", 1)
        switch = primary is not None and at.showing(primary)
        says_how = help_label is not None and at.name(help_label) == NO_SERVICE_HELP
        tap.ok(switch == (service is not None) and says_how == (service is None)
               and back is not None,
               "M365 SMTP: the OAuth 2.0 side offers the switch exactly where Evolution has a "
               f"service for smtp.office365.com (here: {service}), else says how, and leads "
               "back to the app password",
               [at.ident(a) for a in at.walk(dialog) if at.ident(a)])
        e2e.back_to_app_password(tap, lab, dialog, back, "M365 SMTP", "oauth-microsoft365-smtp")
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def scan():
    forms = lib.secret_forms(lib.GOOD_PASSWORD, "ann@gmail.com")
    home = os.environ["HOME"]
    # The keyring's own file is where the password belongs (it is encrypted).
    keyrings = os.path.join(os.environ["XDG_DATA_HOME"], "keyrings")
    hits = lib.scan_tree(home, forms, skip=(keyrings,))
    hits += lib.scan_tree(lab.work, forms, skip=(lab.dovecot, os.path.join(lab.work, "spool")))
    tap.ok(not hits, "the password, plain or base64, is in no .source file, cache or log", hits)


# TLS first: Evolution keeps an accepted certificate by host name, so the
# flows after it are not asked again.
FLOWS = {"tls": tls_flow, "gmail": gmail_flow, "pop3": pop3_flow, "smtp": smtp_flow,
         "yahoo": yahoo_flow, "notnow": not_now_flow, "page": page_flow,
         "goa": online_accounts_flow, "twice": twice_flow, "proxy": proxy_flow,
         "unknown": unknown_flow,
         "fastmail": lambda: refused_flow("fastmail-plain", "fastmail", "eve@fastmail.com"),
         "fastmail-smtp": lambda: smtp_flow("fastmail-plain", "eve@fastmail.com",
                                            "Fastmail SMTP", "a 554 to AUTH in unknown words"),
         "yahoo-smtp": lambda: smtp_flow("yahoo", "bob@yahoo.com", "Yahoo SMTP",
                                         "Yahoo's 535 \"Too many bad auth attempts\""),
         "gmail-pop3-refused": lambda: refused_flow("gmail-plain", "gmailpop", "ann@gmail.com",
                                                    "pop3"),
         "outlook-refused": oauth_refused_flow,
         "unknown-refused": unknown_refused_flow,
         "page-dialog": lambda: evolution_pages.page_dialog_flow(lab, tap),
         "oauth": oauth_flow, "yahoo-oauth": yahoo_oauth_flow,
         "oauth-nl": lambda: oauth_flow(lang="nl"), "oauth-lv": lambda: oauth_flow(lang="lv"),
         "yahoo-oauth-nl": lambda: yahoo_oauth_flow("nl"),
         "yahoo-oauth-lv": lambda: yahoo_oauth_flow("lv"),
         "oauth-none": oauth_none_flow, "oauth-none-nl": lambda: oauth_none_flow("nl"),
         "oauth-none-lv": lambda: oauth_none_flow("lv"),
         "oauth-collection": oauth_collection_flow,
         "oauth-microsoft365": oauth_microsoft365_flow,
         "microsoft365-smtp": microsoft365_smtp_flow}

# The OAuth 2.0 flows run as a test of their own (test-evolution-oauth), next
# to the others, so that neither runs for a quarter of an hour alone.
OAUTH = {name for name in FLOWS if "oauth" in name or name == "microsoft365-smtp"}

try:
    # APPPASS_TEST_ONLY=gmail,fastmail runs those flows only (and the final scan);
    # APPPASS_TEST_GROUP=oauth the OAuth 2.0 flows, =main all the others.
    only = set(filter(None, os.environ.get("APPPASS_TEST_ONLY", "").split(",")))
    group = os.environ.get("APPPASS_TEST_GROUP", "")
    if group and not only:
        only = OAUTH if group == "oauth" else set(FLOWS) - OAUTH
    for name, flow in FLOWS.items():
        if not only or name in only:
            flow()
    scan()
finally:
    lab.stop()
sys.exit(tap.done())
