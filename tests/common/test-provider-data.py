#!/usr/bin/env python3
"""apppass tests: the built-in provider files as data.

Every fact carries a dated public source (or says it is unknown), every
text the user reads is in English, Dutch and Latvian with the same steps,
no step names a button of ours (the terminal has none), user-chosen
providers tell the user to choose a password, no address domain is
claimed by two providers, and every Evolution menu path in the steps uses
Evolution's own words in that language (from its installed catalogue).

SPDX-License-Identifier: GPL-3.0-or-later"""
import configparser
import fnmatch
import gettext
import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from apppass_testlib import Tap  # noqa: E402

SRC = os.path.dirname(os.path.abspath(__file__))
PROVIDERS = os.path.join(SRC, "..", "..", "common", "providers")
FACT = re.compile(r"^(Policy|ImapPolicy|Pop3Policy|SmtpPolicy|AdminDecides|\w+Url|Domains|"
                  r"ImapHosts|Pop3Hosts|SmtpHosts|Hosts|ImapServer|Pop3Server|SmtpServer)$")
SOURCE = re.compile(r"^\d{4}-\d\d-\d\d https://\S+|^unknown: \S")
TEXTS = ("Steps", "AdminNote", "Unknown")
BUTTON = re.compile(r"button|knop|pog[au]", re.I)
CHOOSE = {"": re.compile(r"choose", re.I), "nl": re.compile(r"kies", re.I),
          "lv": re.compile(r"izdomājiet|izvēlieties", re.I)}


def load(path):
    cp = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    cp.optionxform = str
    cp.read(path, encoding="utf-8")
    return cp


def fact_groups(cp):
    """(group, prefix of its [Sources] keys) for [Provider] and each variant."""
    for g in cp.sections():
        if g == "Provider":
            yield g, ""
        elif g.startswith("Variant "):
            yield g, f"Variant.{g[len('Variant '):]}."


# "in Evolution: Edit → Accounts → Receiving Email / Sending Email → OAuth2"
EVOLUTION_PATH = re.compile(r"Evolution: ([^)]*)")


def evolution_words(lang):
    """Every label Evolution shows in @lang (English: its msgids), without
    mnemonic underscores. A missing catalogue is an error, not a skip."""
    if not lang:
        path = "/usr/share/locale/nl/LC_MESSAGES/evolution.mo"
        words = gettext.GNUTranslations(open(path, "rb"))._catalog.keys()
    else:
        path = f"/usr/share/locale/{lang}/LC_MESSAGES/evolution.mo"
        words = gettext.GNUTranslations(open(path, "rb"))._catalog.values()
    return {w.replace("_", "") for w in words if isinstance(w, str)}


def evolution_paths_wrong(cp):
    wrong = []
    for group, _ in fact_groups(cp):
        for key, value in cp[group].items():
            if key.split("[")[0] != "Steps":
                continue
            lang = key[len("Steps["):-1] if "[" in key else ""
            for path in EVOLUTION_PATH.findall(value):
                labels = [w for part in path.split(" → ") for w in part.split(" / ")]
                known = evolution_words(lang)
                wrong += [f"{group}: {key}: '{w}'" for w in labels
                          if w != "OAuth2" and w not in known]
    return wrong


def steps(value):
    return [s for s in value.split(";") if s.strip()]


def check_file(tap, path):
    name = os.path.basename(path)
    cp = load(path)
    sources = cp["Sources"] if cp.has_section("Sources") else {}
    missing, bad, texts, buttons = [], [], [], []
    for group, prefix in fact_groups(cp):
        for key, value in cp[group].items():
            if FACT.match(key) and prefix + key not in sources:
                missing.append(prefix + key)
            base = key.split("[")[0]
            if base in TEXTS and "[" not in key:
                for lang in ("nl", "lv"):
                    other = cp[group].get(f"{key}[{lang}]")
                    if other is None:
                        texts.append(f"{group}: {key}[{lang}] missing")
                    elif base == "Steps" and len(steps(other)) != len(steps(value)):
                        texts.append(f"{group}: {key}[{lang}] has {len(steps(other))} steps, "
                                     f"English {len(steps(value))}")
            if base == "Steps" and BUTTON.search(value):
                buttons.append(f"{group}: {key}")
    for key, value in sources.items():
        if not SOURCE.match(value):
            bad.append(f"{key}={value[:60]}")
    tap.ok(not missing, f"{name}: every fact has a [Sources] entry", "\n".join(missing))
    tap.ok(not bad, f"{name}: sources are 'YYYY-MM-DD https://…' or 'unknown: reason'",
           "\n".join(bad))
    tap.ok(not texts, f"{name}: Steps, AdminNote and Unknown are in nl and lv too",
           "\n".join(texts))
    tap.ok(not buttons, f"{name}: no step names a button", "\n".join(buttons))
    wrong = evolution_paths_wrong(cp)
    tap.ok(not wrong, f"{name}: Evolution's menu paths are in Evolution's own words",
           "\n".join(wrong))
    p = cp["Provider"]
    if p.get("Policy") == "user-chosen":
        wrong = [lang for lang, word in CHOOSE.items()
                 if not word.search(p.get("Steps" + (f"[{lang}]" if lang else ""), ""))
                 or "only once" in p.get("Steps", "")]
        tap.ok(not wrong, f"{name}: user-chosen steps have the user choose a password",
               ", ".join(wrong))
    return cp


def main():
    tap = Tap()
    paths = sorted(glob.glob(os.path.join(PROVIDERS, "*.ini")))
    tap.ok(len(paths) >= 25, "the built-in provider files are there", len(paths))
    files = {os.path.basename(p): check_file(tap, p) for p in paths}

    claims = []
    for name, cp in files.items():
        for group, _ in fact_groups(cp):
            claims += [(name, d) for d in cp[group].get("Domains", "").split(";") if d]
    twice = sorted({f"{d} ({a}) also matches {g} ({b})"
                    for a, d in claims if "*" not in d and "?" not in d
                    for b, g in claims if b != a and fnmatch.fnmatchcase(d, g)})
    tap.ok(not twice, "no address domain belongs to two providers", "\n".join(twice))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
