#!/usr/bin/env python3
"""Fails when a catalogue misses a string of the code, has it fuzzy or empty,
or "translates" it by copying the English text.

The list of strings is made afresh from the sources (xgettext over
po/POTFILES.in), so a string added to the code and not to po/ is caught.
Usage: check-po.py SOURCE_ROOT"""
import os
import re
import subprocess
import sys
import tempfile

LANGS = ["nl", "lv"]
# Strings that read the same in every language: --help's placeholders and
# column headers that Dutch and Latvian write as English does.
SAME_EVERYWHERE = {"ID", "HOST"}


def unquote(chunk):
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', chunk)
    text = "".join(parts)
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def entries(path):
    """(msgctxt, msgid) -> (msgstr, fuzzy) for every entry but the header."""
    text = open(path, encoding="utf-8").read()
    result = {}
    for block in re.split(r"\n\s*\n", text):
        if block.lstrip().startswith("#~"):
            continue
        fuzzy = any(l.startswith("#,") and "fuzzy" in l for l in block.splitlines())
        ctx = re.search(r'^msgctxt((?:\s*".*")+)', block, re.M)
        mid = re.search(r'^msgid((?:\s*".*")+)', block, re.M)
        mstr = re.search(r'^msgstr((?:\s*".*")+)', block, re.M)
        plural = re.search(r'^msgstr\[0\]((?:\s*".*")+)', block, re.M)
        if not mid:
            continue
        key = (unquote(ctx.group(1)) if ctx else None, unquote(mid.group(1)))
        if key[1] == "":
            continue
        value = unquote((mstr or plural).group(1)) if (mstr or plural) else ""
        result[key] = (value, fuzzy)
    return result


def main():
    root = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "apppass.pot")
        subprocess.run(["xgettext", "--package-name=apppass", "--from-code=UTF-8",
                        "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
                        "--keyword=NC_:1c,2", "--keyword=g_dngettext:2,3",
                        "--keyword=apppass_ngettext:1,2",
                        "--directory=" + root, "-f", os.path.join(root, "po", "POTFILES.in"),
                        "-o", pot], check=True)
        wanted = entries(pot)
    failures = 0
    if len(wanted) < 10:
        print(f"FAIL: only {len(wanted)} strings found in the sources")
        return 1
    for lang in LANGS:
        have = entries(os.path.join(root, "po", lang + ".po"))
        for key in wanted:
            got = have.get(key)
            problem = None
            if got is None:
                problem = "missing"
            elif got[1]:
                problem = "fuzzy"
            elif got[0] == "":
                problem = "empty"
            elif got[0] == key[1] and key[1] not in SAME_EVERYWHERE:
                problem = "copied from English"
            if problem:
                failures += 1
                print(f"FAIL {lang}: {problem}: {key[1][:70]!r}")
        print(f"{lang}: {len(wanted)} strings checked")
    print(f"{len(wanted) * len(LANGS) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
