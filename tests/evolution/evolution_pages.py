"""apppass tests: "Create an app password…" on our page in Evolution's account
editor: the dialog sits over the editor it came from (transient for it),
takes real typing and saves. Used by test-evolution.py.

SPDX-License-Identifier: GPL-3.0-or-later"""
import contextlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "claws-mail"))
import claws_pages as pages  # noqa: E402
import evolution_e2e as e2e  # noqa: E402
from evolution_e2e import at, lib, our_dialog  # noqa: E402


@contextlib.contextmanager
def account_page(lab, tap, name, what):
    """A Gmail account on the test server, named `name`, with the right password
    stored, and Evolution's account editor open on our page, for the with-block:
    (server, account uid, app, editor, page), the page None if it is not there
    (the test line `what` says so). Then Evolution quits, without the account."""
    server = lab.start_server("gmail")
    uid = lab.account(name, "ann@gmail.com", server, password=None)
    e2e.store_password(uid, lib.GOOD_PASSWORD)
    evo, app = lab.start_evolution()
    try:
        editor, page = e2e.open_account_page(app, "ann@gmail.com")
        tap.ok(page is not None, what)
        yield server, uid, app, editor, page
    finally:
        e2e.cancel_prompts(app)
        evo.quit()
        lab.remove_accounts()


def page_dialog_flow(lab, tap):
    with account_page(lab, tap, "pagedialog", "page dialog: apppass's page is in the account "
                      "editor") as (server, uid, app, editor, page):
        if page is None:
            return
        problems = pages.layout_problems(editor, page, size=None)
        tap.ok(not problems, "page dialog: in the editor as it opens, nothing is cut off, no "
               "horizontal scroll bar", problems)
        lab.screenshot(editor, "evolution-account-page")
        logins = server.logins().count("imap:matched")
        at.press(at.find_id(page, "apppass-create-button"))
        dialog = our_dialog(app, 20)
        if not tap.ok(dialog is not None, "page dialog: \"Create an app password…\" opens it"):
            return
        editor_x = pages.x_window(at.name(editor))
        dialog_x = pages.x_window(at.name(dialog))
        tap.ok(dialog_x is not None and pages.transient_for(dialog_x) == editor_x,
               "page dialog: transient for the account editor, not the main window",
               f"{dialog_x} -> {dialog_x and pages.transient_for(dialog_x)}, editor {editor_x}")
        lab.screenshot(dialog, "dialog-from-page")
        checked = pages.type_and_check(tap, "page dialog: it takes typing", dialog, dialog_x,
                                       lambda: server.logins().count("imap:matched") > logins)
        if checked is None:
            return
        gone = at.wait_for(lambda: our_dialog(app, 0.1) is None, 30)
        tap.ok(checked and gone and e2e.stored_password(uid) == lib.GOOD_PASSWORD,
               "page dialog: checked, saved, closed", server.logins())
        at.press(e2e.button(editor, "Cancel"))
