#!/usr/bin/env python3
"""apppass tests: common/providers/import-ispdb.py against a tiny ISPDB
(tests/data/ispdb) and tiny provider files (tests/data/ispdb-providers),
copied to a temporary folder so the real files are never touched.

SPDX-License-Identifier: GPL-3.0-or-later"""
import configparser
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from apppass_testlib import Tap  # noqa: E402

SRC = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(SRC, "..", "..", "common", "providers", "import-ispdb.py")
ISPDB = os.path.join(SRC, "..", "data", "ispdb")
PROVIDERS = os.path.join(SRC, "..", "data", "ispdb-providers")
COMMIT = "c6ad79659b5fc321d1593ec4c277815b83e5dec5"
URL = "https://github.com/thunderbird/autoconfig"


def run(providers, *extra):
    return subprocess.run(
        [sys.executable, SCRIPT, ISPDB, "--providers", providers, *extra],
        capture_output=True, text=True)


def snapshot(folder):
    return {n: open(os.path.join(folder, n), encoding="utf-8").read()
            for n in sorted(os.listdir(folder))}


def parse(text):
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str
    cp.read_string(text)
    return cp


def items(value):
    return [v for v in value.split(";") if v]


def main():
    tap = Tap()
    work = tempfile.mkdtemp(prefix="apppass-ispdb-")
    try:
        providers = os.path.join(work, "providers")
        shutil.copytree(PROVIDERS, providers)
        before = snapshot(providers)

        r = run(providers, "--commit", COMMIT, "--date", "2026-11-30")
        tap.ok(r.returncode == 0, "the import runs", r.stderr)
        first = snapshot(providers)
        ex = parse(first["example.ini"])
        p = ex["Provider"]

        tap.ok(items(p["Domains"]) == ["example.com", "example.net", "example.org", "hosted.org"],
               "ISPDB's domains of the provider's servers are added once, in order, lower case",
               p["Domains"])
        tap.ok(items(p["ImapHosts"]) == ["imap.example.com", "imap2.example.com"],
               "a host ISPDB lists and we lack is added", p["ImapHosts"])
        tap.ok(items(p["Pop3Hosts"]) == ["pop.example.com"], "a known host is not repeated",
               p["Pop3Hosts"])
        v = ex["Variant eu"]
        tap.ok(items(v.get("Domains", "")) == ["example.eu", "examplemail.eu"],
               "a family with servers of its own fills its variant's Domains", dict(v))
        tap.ok("example.eu" not in p["Domains"], "the family's domains stay out of [Provider]")
        s = ex["Sources"]
        tap.ok(s["Policy"] == "2026-11-30 https://example.com/help",
               "a hand-written source is left alone", s["Policy"])
        tap.ok(s["Domains"] == "2026-11-30 https://example.com/domains + 2026-11-30 " + URL
               + " (ISPDB commit c6ad796: example.com.xml, hosted.org.xml)",
               "the ISPDB part of a source is replaced and the other source kept", s["Domains"])
        tap.ok(s.get("Variant.eu.Domains", "").startswith("2026-11-30 " + URL + " (ISPDB commit c6ad796"),
               "the variant's Domains get their own source", dict(s))
        tap.ok("ImapServer" in s and "SmtpServer" not in s,
               "a server is sourced only where ISPDB has the same host, port and security",
               dict(s))
        tap.ok(first["example.ini"].startswith("# Example Mail: a comment that must survive\n")
               and "Steps=One.;Two.;\n" in first["example.ini"],
               "comments and other keys are kept as they were")

        tap.ok(first["shareda.ini"] == before["shareda.ini"],
               "a file on shared hosts goes nowhere when none of the sharers knows it")
        tap.ok("shared.org" not in first["sharedb.ini"], "nor to a sharer that does not know it")
        tap.ok("shared.org.xml" in r.stdout and "left out" in r.stdout,
               "the left-out file is reported", r.stdout)
        big = parse(first["bigmail.ini"])
        tap.ok(items(big["Provider"]["Domains"]) == ["bigmail.test"],
               "organisations' domains are not added where a HostOnly variant recognises them",
               big["Provider"]["Domains"])
        tap.ok("template.test" not in "".join(first.values()),
               "template host names (%EMAILDOMAIN%) match nothing")

        r2 = run(providers, "--commit", COMMIT, "--date", "2026-11-30")
        tap.ok(r2.returncode == 0 and snapshot(providers) == first,
               "running it again changes nothing", r2.stdout + r2.stderr)

        r3 = run(providers, "--date", "2026-11-30")
        tap.ok(r3.returncode != 0 and "--commit" in r3.stderr and snapshot(providers) == first,
               "without a git checkout or --commit it refuses clearly and changes nothing",
               r3.stderr)
        r4 = subprocess.run([sys.executable, SCRIPT, os.path.join(work, "absent"),
                             "--providers", providers, "--commit", COMMIT],
                            capture_output=True, text=True)
        tap.ok(r4.returncode != 0 and "no such directory" in r4.stderr
               and snapshot(providers) == first,
               "a missing ISPDB folder is a clear error and changes nothing", r4.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
