"""apppass tests: our page in Claws Mail's account preferences, reached as a
user reaches it (Configuration → Edit accounts → a double click on the
account → "App password"), with real pointer and keyboard input where a
modal window decides what takes input. Used by test-claws.py.

SPDX-License-Identifier: GPL-3.0-or-later"""
import contextlib
import gettext
import os
import re
import subprocess

import claws_e2e as e2e
from claws_e2e import at, lib, our_dialog

# Claws' own default size for its preferences windows (prefswindow.c).
DEFAULT_SIZE = (700, 550)


def window(app, name, timeout=20):
    return at.wait_for(lambda: next((w for w in e2e.windows(app) if name(w.get_name() or "")),
                                    None), timeout)


def x_window(title):
    """The X window of a top-level window, by its exact title."""
    found = subprocess.run(["xdotool", "search", "--name", "^" + re.escape(title) + "$"],
                           capture_output=True, text=True).stdout.split()
    return int(found[-1]) if found else None


def transient_for(xid):
    out = subprocess.run(["xprop", "-id", str(xid), "WM_TRANSIENT_FOR"],
                         capture_output=True, text=True).stdout
    m = re.search(r"window id # (0x[0-9a-f]+)", out)
    return int(m.group(1), 16) if m else None


def click(acc, double=False):
    """A real pointer click in the middle of acc."""
    e = acc.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)
    subprocess.run(["xdotool", "mousemove", "--sync", str(e.x + e.width // 2),
                    str(e.y + e.height // 2), "click",
                    *(["--repeat", "2", "--delay", "80"] if double else []), "1"], check=True)


def type_into(xid, text):
    """Real key presses into the X window xid; the text goes on stdin."""
    subprocess.run(["xdotool", "windowfocus", "--sync", str(xid)], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", "--file", "-"], input=text.encode(),
                   check=True)


def key(xid, name):
    subprocess.run(["xdotool", "windowfocus", "--sync", str(xid)], check=True)
    subprocess.run(["xdotool", "key", name], check=True)


def type_and_check(tap, what, dialog, dialog_x, checked):
    """Types the pasted password with real key presses into dialog (X window
    dialog_x), checks that it arrived (tap line what), presses Return and waits
    for checked(): whether it was checked, or None when the typing did not
    arrive (the dialog is then dismissed with "Not now")."""
    entry = at.find_id(dialog, "apppass-password-entry")
    type_into(dialog_x, lib.PASTED)
    typed = at.wait_for(lambda: entry.get_text_iface().get_character_count() == len(
        lib.PASTED), 5)
    if not tap.ok(typed, what, entry.get_text_iface().get_character_count()):
        at.press(at.find_id(dialog, "apppass-not-now-button"))
        return None
    key(dialog_x, "Return")
    return bool(at.wait_for(checked, 60))


def cell(root, name):
    return at.wait_for(lambda: next((a for a in at.walk(root)
                                     if at.role(a) == at.Atspi.Role.TABLE_CELL
                                     and a.get_name() == name and at.showing(a)), None), 10)


def button(root, label):
    return next((a for a in at.walk(root) if at.role(a) == at.Atspi.Role.PUSH_BUTTON
                 and (a.get_name() or "").replace("_", "") == label and at.showing(a)), None)


def open_account_page(app, account, page_name="App password"):
    """Configuration → Edit accounts, the account opened with a double click,
    then the "App password" page: (edit accounts, preferences, our page)."""
    menu = at.wait_for(lambda: next((a for a in at.walk(app)
                                     if at.role(a) == at.Atspi.Role.MENU_ITEM
                                     and (a.get_name() or "").startswith("Edit accounts")),
                                    None), 30)
    at.press(menu)
    accounts = window(app, lambda n: n == "Edit accounts")
    if accounts is None:
        return None, None, None
    row = cell(accounts, account)
    if row is None:
        return accounts, None, None
    click(row, double=True)
    prefs = window(app, lambda n: n.endswith("Account preferences"))
    entry = cell(prefs, page_name) if prefs else None
    if entry is None:  # not there, or not in the language of the test
        return accounts, prefs, None
    click(entry)
    return accounts, prefs, at.find_id(prefs, "apppass-account-page", 10)


def extents(acc):
    return acc.get_component_iface().get_extents(at.Atspi.CoordType.SCREEN)


def layout_problems(prefs, page, size=DEFAULT_SIZE):
    """What does not fit: the preferences window not at the client's default
    size, a horizontal scroll bar on our page, a text of ours reaching past
    the page's visible part."""
    problems = []
    actual = extents(prefs)
    if size and (actual.width, actual.height) != size:
        problems.append(f"window {actual.width}x{actual.height}")
    pane = page
    while pane is not None and at.role(pane) != at.Atspi.Role.SCROLL_PANE:
        pane = pane.get_parent()
    if pane is None:
        return problems + ["no scrolled window around the page"]
    for bar in at.walk(pane):
        if at.role(bar) == at.Atspi.Role.SCROLL_BAR and at.showing(bar):
            e = extents(bar)
            if e.width > e.height:
                problems.append("horizontal scroll bar shown")
    view = extents(pane)
    for acc in at.walk(page):
        if at.showing(acc) and at.role(acc) in (at.Atspi.Role.LABEL, at.Atspi.Role.PUSH_BUTTON,
                                                at.Atspi.Role.CHECK_BOX,
                                                at.Atspi.Role.COMBO_BOX):
            e = extents(acc)
            if e.x < view.x or e.x + e.width > view.x + view.width:
                problems.append(f"{at.name(acc)!r} reaches {e.x + e.width - view.x - view.width}"
                                " px past the page")
    return problems


def fail_first_login(lab, tap, rc, label, env=None):
    """Claws' first login fails, our dialog comes and gets "Not now": the
    account has a last problem to show."""
    claws = lab_claws(lab, rc, env, "--receive-all")
    app = at.find_app("claws-mail", 60)
    dialog = our_dialog(app)
    tap.ok(dialog is not None, f"{label}: the failed login opens apppass's dialog first")
    if dialog:
        at.press(at.find_id(dialog, "apppass-not-now-button"))
        at.wait_for(lambda: our_dialog(app, 0.1) is None, 10)
    return claws, app


def lab_claws(lab, rc, env, *args):
    log = os.path.join(lab.work, f"claws-{len(lab.logs)}.out")
    lab.logs.append(log)
    return e2e.cp.Claws(rc, log, *args, quit_timeout=30, env=env)


def close_windows(prefs, accounts):
    """Claws does not quit while its account windows are open."""
    if prefs is not None and at.showing(prefs):
        at.press(button(prefs, "Cancel"))
        at.wait_for(lambda: not at.showing(prefs), 10)
    if accounts is not None and at.showing(accounts):
        at.press(button(accounts, "Close"))


def gmail_profile(lab, **profile):
    """The test server as Gmail and a Claws profile with its account: (server, rc)."""
    server = lab.start_server("gmail")
    rc, _ = lab.profile("Gmail", "ann@gmail.com", server, **profile)
    return server, rc


def online_claws(lab, rc, env=None):
    """Claws started online (so no login at start): (claws, its AT-SPI app)."""
    claws = lab_claws(lab, rc, env, "--online")
    return claws, at.find_app("claws-mail", 60)


@contextlib.contextmanager
def account_page(claws, app, tap, what, page_name="App password"):
    """Our page in the Gmail account's preferences for the with-block, which
    gets (edit accounts, preferences, our page), the page None if it did not
    open (the test line `what` says so); then the windows close and Claws quits."""
    accounts = prefs = None
    try:
        accounts, prefs, page = open_account_page(app, "Gmail", page_name)
        tap.ok(page is not None, what)
        yield accounts, prefs, page
    finally:
        close_windows(prefs, accounts)
        claws.quit()


def check_login(page, done):
    """Presses the page's Check login and waits until done(its result): the result."""
    at.press(at.find_id(page, "apppass-check-button"))
    result = at.find_id(page, "apppass-check-result", 10)
    at.wait_for(lambda: done(at.name(result) or ""), 30)
    return at.name(result) or ""


def explanation(dialog):
    label = at.find_id(dialog, "apppass-explanation", 5)
    return (at.name(label) if label else None) or ""


def page_flow(lab, tap):
    """The settings-panel path with the preferences open, as a user meets it."""
    server, rc = gmail_profile(lab)
    store = os.path.join(rc, "passwordstorerc")
    before = open(store).read()
    claws, app = fail_first_login(lab, tap, rc, "page")
    with account_page(claws, app, tap, "page: Edit accounts → Edit → App password shows our "
                      "page") as (accounts, prefs, page):
        if page is None:
            return
        problems = layout_problems(prefs, page)
        tap.ok(not problems, "page: at Claws' default size nothing is cut off, no horizontal "
               "scroll bar", problems)
        lab.screenshot(prefs, "claws-account-page-en")
        prefs_x = x_window(prefs.get_name())

        at.press(at.find_id(page, "apppass-create-button"))
        dialog = our_dialog(app, 10)
        if not tap.ok(dialog is not None, "page: \"Create an app password…\" opens the dialog"):
            return
        tap.ok("Two-step verification" in explanation(dialog) or "Google" in dialog.get_name(),
               "page: by hand after a failed login, it says what was seen",
               explanation(dialog))
        dialog_x = x_window(dialog.get_name())
        tap.ok(dialog_x is not None and transient_for(dialog_x) == prefs_x,
               "page: the dialog is transient for the account preferences, not the main window",
               f"{dialog_x} -> {dialog_x and transient_for(dialog_x)}, preferences {prefs_x}")
        checked = type_and_check(
            tap, "page: the dialog takes typing while the modal preferences are open", dialog,
            dialog_x, lambda: server.logins().count("imap:matched") >= 1)
        if checked is None:
            return
        tap.ok(checked, "page: Return checks the password with the server", server.logins())
        gone = at.wait_for(lambda: our_dialog(app, 0.1) is None, 30)
        tap.ok(gone and open(store).read() != before, "page: saved, and the dialog closes itself")

        said = check_login(page, lambda text: "accepted" in text)
        tap.ok("accepted" in said, "page: Check login says the server accepted the saved "
               "password", said)

        at.press(button(prefs, "OK"))
        closed = at.wait_for(lambda: not at.showing(prefs), 10)
        tap.ok(closed, "page: OK closes the preferences")
        at.press(button(accounts, "Close"))
        # The Basic page writes its own (old) password entry back on OK: a
        # reverted store would fail this login and bring the dialog back.
        logged_in = at.wait_for(lambda: server.logins().count("imap:matched") >= 3, 60)
        tap.ok(logged_in and our_dialog(app, 2) is None,
               "page: with the windows closed, Claws logs in with the password apppass saved, "
               "not the one the Basic page held", server.logins())


def applied_flow(lab, tap):
    """The password and the server changed on Basic, Apply, then Check login:
    Claws freed the strings the account still pointed to (it edits a shallow
    copy until OK); the check must use the account as Claws uses it, with the
    password just applied, not freed memory (once: 'The server "" was not
    found')."""
    server, rc = gmail_profile(lab)
    # Freed memory filled with a byte of its own and not kept in glibc's
    # per-thread cache, so that reading it shows every time, not once in a while.
    env = dict(os.environ, MALLOC_PERTURB_="85", GLIBC_TUNABLES="glibc.malloc.tcache_count=0")
    claws, app = online_claws(lab, rc, env)
    with account_page(claws, app, tap, "applied: our page opens") as (_, prefs, page):
        if page is None:
            return
        click(cell(prefs, "Basic"))
        fields = at.wait_for(lambda: [a for a in at.walk(prefs) if at.showing(a) and at.role(a) in (
            at.Atspi.Role.TEXT, at.Atspi.Role.PASSWORD_TEXT)], 10)
        hosts = [a for a in fields if at.text_of(a) == "127.0.0.1"]
        password = next((a for a in fields if at.role(a) == at.Atspi.Role.PASSWORD_TEXT), None)
        if not tap.ok(len(hosts) == 2 and password,
                      "applied: the Basic page shows the two servers and the password"):
            return
        at.set_text(password, lib.GOOD_PASSWORD)
        # Longer than before, both: Claws' new strings cannot take the place
        # of the freed ones (which Claws gives to one another otherwise).
        for host in hosts:
            at.set_text(host, "mail.server-name-longer-than-before.invalid")
        at.press(button(prefs, "Apply"))
        click(cell(prefs, "App password"))
        text = check_login(page, lambda text: text and "…" not in text)
        tap.ok("accepted" in text and 'server ""' not in text,
               "applied: after Apply on Basic, Check login checks the password just applied "
               "against the account as Claws uses it", text)
        tap.ok(server.logins() == ["imap:matched"], "applied: one login, with that password",
               server.logins())


def by_hand_flow(lab, tap):
    """The dialog by hand says what is known: before any failure, and after
    an accepted Check login, it names no cause."""
    _, rc = gmail_profile(lab, password=lib.GOOD_PASSWORD)
    claws, app = online_claws(lab, rc)
    try:
        with account_page(claws, app, tap, "by hand: our page opens") as (_, _, page):
            if page is None:
                return
            for when in ("with no problem seen", "after an accepted Check login"):
                if when.startswith("after"):
                    check_login(page, lambda text: "accepted" in text)
                at.press(at.find_id(page, "apppass-create-button"))
                dialog = our_dialog(app, 10)
                text = explanation(dialog) if dialog else ""
                tap.ok(dialog is not None and "No login problem has been seen" in text
                       and "Two-step verification is on" not in text,
                       f"by hand: {when}, the dialog claims no cause", text)
                if dialog:
                    lab.screenshot(dialog, "dialog-by-hand")
                    at.press(at.find_id(dialog, "apppass-not-now-button"))
                    at.wait_for(lambda: our_dialog(app, 0.1) is None, 10)
    finally:
        # The test wrote the password there itself, in plain text: not a leak
        # for the final scan to find.
        for name in ("passwordstorerc", "passwordstorerc.bak"):
            if os.path.exists(os.path.join(rc, name)):
                os.remove(os.path.join(rc, name))


def catalogues(lab):
    """Our nl and lv catalogues from the build tree, laid out for bindtextdomain()."""
    folder = os.path.join(lab.work, "locale")
    for lang in ("nl", "lv"):
        os.makedirs(os.path.join(folder, lang, "LC_MESSAGES"), exist_ok=True)
        with open(os.environ[f"APPPASS_TEST_{lang.upper()}_GMO"], "rb") as source, \
                open(os.path.join(folder, lang, "LC_MESSAGES", "apppass.mo"), "wb") as target:
            target.write(source.read())
    return folder


def language_flow(lab, tap, lang, locale):
    """The page in another language, at Claws' default size (Claws itself has
    no catalogue for these, apppass does)."""
    _, rc = gmail_profile(lab)
    localedir = catalogues(lab)
    env = dict(os.environ, LC_ALL=locale, LANGUAGE=lang, APPPASS_LOCALEDIR=localedir)
    page_name = gettext.translation("apppass", localedir, [lang]).gettext("App password")
    claws, app = fail_first_login(lab, tap, rc, lang, env)
    with account_page(claws, app, tap, f"{lang}: our page opens", page_name) as (_, prefs, page):
        if page is None:
            return
        create = at.find_id(page, "apppass-create-button")
        tap.ok(create is not None and "app password" not in (at.name(create) or ""),
               f"{lang}: the page is in {lang}", at.name(create))
        problems = layout_problems(prefs, page)
        tap.ok(not problems, f"{lang}: at Claws' default size nothing is cut off, no "
               "horizontal scroll bar", problems)
        lab.screenshot(prefs, f"claws-account-page-{lang}")
