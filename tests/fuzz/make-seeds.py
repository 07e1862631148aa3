#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the tests' own tables:
make-seeds.py SOURCE_ROOT OUT_DIR"""
import configparser
import os
import sys

root, out = sys.argv[1], sys.argv[2]
for name in ("diagnosis", "password", "provider"):
    os.makedirs(os.path.join(out, name), exist_ok=True)

table = configparser.RawConfigParser(interpolation=None, strict=False)
table.read(os.path.join(root, "tests", "data", "server-answers.ini"), encoding="utf-8")
for i, section in enumerate(table.sections()):
    text = table[section].get("text", "").encode("utf-8", "surrogateescape")
    protocol = {"imap": 0, "pop3": 1, "smtp": 2}.get(table[section].get("protocol"), 0)
    with open(os.path.join(out, "diagnosis", f"{i:03}"), "wb") as f:
        f.write(bytes([protocol]) + text)

for i, text in enumerate(["abcd efgh ijkl mnop", "abcd\u00a0efgh\u2009ijkl\u200bmnop",
                          "xxxx-xxxx-xxxx-xxxx", "bridge_pass_word", "\t \n", "a" * 300,
                          "pa\x01ss", "\ufeffsecret\u3000"]):
    with open(os.path.join(out, "password", f"{i:03}"), "wb") as f:
        f.write(text.encode("utf-8"))

providers = os.path.join(root, "common", "providers")
for name in sorted(os.listdir(providers)):
    if name.endswith(".ini"):
        with open(os.path.join(providers, name), "rb") as src, \
                open(os.path.join(out, "provider", name), "wb") as dst:
            dst.write(src.read())
