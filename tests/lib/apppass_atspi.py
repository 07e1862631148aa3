"""apppass tests: finding and driving windows over AT-SPI, as a screen reader
or a person at the keyboard would.

SPDX-License-Identifier: GPL-3.0-or-later"""
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

# The roles a person operates; each must carry a name a screen reader can say.
CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.TEXT, Atspi.Role.PASSWORD_TEXT, Atspi.Role.ENTRY,
    Atspi.Role.COMBO_BOX, Atspi.Role.LINK, Atspi.Role.SPIN_BUTTON,
}


def wait_for(predicate, timeout=20.0, step=0.1):
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > end:
            return value
        time.sleep(step)


def children(acc):
    try:
        count = acc.get_child_count()
    except gi.repository.GLib.Error:
        return []
    result = []
    for i in range(count):
        try:
            child = acc.get_child_at_index(i)
        except gi.repository.GLib.Error:
            continue
        if child is not None:
            result.append(child)
    return result


def walk(acc):
    yield acc
    for child in children(acc):
        yield from walk(child)


def find_app(name, timeout=20.0):
    """The application called name (or any of a tuple of names)."""
    names = (name,) if isinstance(name, str) else tuple(name)

    def look():
        desktop = Atspi.get_desktop(0)
        for app in children(desktop):
            if app.get_name() in names:
                return app
        return None
    return wait_for(look, timeout)


def showing(acc):
    """Whether acc is on screen; a window that went away meanwhile is not."""
    try:
        states = acc.get_state_set()
    except gi.repository.GLib.Error:
        return False
    return states.contains(Atspi.StateType.SHOWING) and states.contains(Atspi.StateType.VISIBLE)


def ident(acc):
    """The accessible id, or None for an object that went away meanwhile."""
    try:
        return acc.get_accessible_id()
    except gi.repository.GLib.Error:
        return None


def role(acc):
    try:
        return acc.get_role()
    except gi.repository.GLib.Error:
        return None


def name(acc):
    try:
        return acc.get_name()
    except gi.repository.GLib.Error:
        return None


def find_id(root, wanted, timeout=10.0):
    def look():
        for acc in walk(root):
            if ident(acc) == wanted and showing(acc):
                return acc
        return None
    return wait_for(look, timeout)


def controls(root):
    """The showing controls under root (a combo box's own parts count as the combo box)."""
    found = []

    def visit(acc):
        kind = role(acc)
        if kind in CONTROL_ROLES and showing(acc):
            found.append(acc)
        if kind == Atspi.Role.COMBO_BOX:
            return
        for child in children(acc):
            visit(child)
    visit(root)
    return found


def key_binding(acc):
    """The mnemonic of a control, as AT-SPI reports it ("<Alt>s"), or ""."""
    action = acc.get_action_iface()
    if action is None or action.get_n_actions() == 0:
        return ""
    return action.get_key_binding(0) or ""


def press(acc):
    action = acc.get_action_iface()
    names = [action.get_action_name(i) for i in range(action.get_n_actions())]
    index = names.index("click") if "click" in names else 0
    return action.do_action(index)


def set_text(acc, text):
    return acc.get_editable_text_iface().set_text_contents(text)


def text_of(acc):
    iface = acc.get_text_iface()
    if iface is None:
        return acc.get_name()
    # Called through the interface: AT-SPI 2.56 (Debian 13) gave Accessible a
    # get_text() of its own, which the short form would reach instead.
    return Atspi.Text.get_text(iface, 0, iface.get_character_count())
