#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bring the domains and server host names of Thunderbird's ISPDB into our
provider files.

    import-ispdb.py ISPDB_DIR [--commit SHA] [--date YYYY-MM-DD] [--providers DIR]

ISPDB_DIR is a local copy of https://github.com/thunderbird/autoconfig (its
ispdb/*.xml files).  For each ISPDB file the script finds our provider whose
servers it describes and appends the domains and host names we lack to that
provider's Domains= / ImapHosts= / Pop3Hosts= / SmtpHosts= lines, or, when
the servers are those of a variant's Hosts= (a family with servers of its
own, such as gmx.com), to that variant's Domains= / Hosts=.  It records the
ISPDB commit in [Sources].  Nothing else in the files changes, and running it
again with the same input changes nothing.

Which provider an ISPDB file belongs to:
  - a variant whose Hosts= globs match one of its servers, else the provider
    whose *Hosts= globs or *Server hosts match one of them;
  - where several providers match (shared hosts such as
    outlook.office365.com), the one that already lists one of its domains;
    if none or several do, the file is left out and reported;
  - at a provider that has a HostOnly variant, domains we do not list yet
    are not added (only reported): they are organisations' custom domains
    on its servers, which that variant recognises by host (Google
    Workspace), not the provider's own mail domains.
"""

import argparse
import datetime
import fnmatch
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ISPDB_URL = "https://github.com/thunderbird/autoconfig"
HOST_KEYS = {"imap": "ImapHosts", "pop3": "Pop3Hosts", "smtp": "SmtpHosts"}
SERVER_KEYS = {"imap": "ImapServer", "pop3": "Pop3Server", "smtp": "SmtpServer"}
SECURITY = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
GROUP_RE = re.compile(r"^\[([^\]]+)\]\s*$")
KEY_RE = re.compile(r"^([A-Za-z0-9.\-]+)\s*=(.*)$")


class ImportError_(Exception):
    pass


# ---------------------------------------------------------------- ISPDB side


class IspdbFile:
    def __init__(self, name, domains, hosts, servers):
        self.name = name
        self.domains = domains  # ordered, lower case, unique
        self.hosts = hosts  # protocol -> ordered list of host names
        self.servers = servers  # set of (protocol, "host:port:security")

    def all_hosts(self):
        return [h for proto in HOST_KEYS for h in self.hosts[proto]]


def read_ispdb_file(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise ImportError_(f"{path}: not valid XML: {e}")
    domains = []
    for d in root.iter("domain"):
        name = (d.text or "").strip().lower()
        if name and name not in domains:
            domains.append(name)
    hosts = {proto: [] for proto in HOST_KEYS}
    servers = set()
    for tag in ("incomingServer", "outgoingServer"):
        for server in root.iter(tag):
            proto = server.get("type")
            host = (server.findtext("hostname") or "").strip().lower()
            # %EMAILDOMAIN% and friends are templates, not host names.
            if proto not in HOST_KEYS or not host or "%" in host:
                continue
            if host not in hosts[proto]:
                hosts[proto].append(host)
            port = (server.findtext("port") or "").strip()
            security = SECURITY.get((server.findtext("socketType") or "").strip())
            if port and security:
                servers.add((proto, f"{host}:{port}:{security}"))
    return IspdbFile(os.path.basename(path), domains, hosts, servers)


def read_ispdb(ispdb_dir):
    xml_dir = os.path.join(ispdb_dir, "ispdb")
    if not os.path.isdir(xml_dir):
        xml_dir = ispdb_dir
    if not os.path.isdir(xml_dir):
        raise ImportError_(f"{ispdb_dir}: no such directory")
    names = sorted(n for n in os.listdir(xml_dir) if n.endswith(".xml"))
    if not names:
        raise ImportError_(f"{xml_dir}: no ISPDB *.xml files there")
    return [read_ispdb_file(os.path.join(xml_dir, n)) for n in names]


def git(ispdb_dir, *args):
    return subprocess.run(["git", "-C", ispdb_dir, *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def ispdb_commit(ispdb_dir):
    # Only a checkout of its own: a copy inside another repository (ours)
    # would give that repository's commit.
    try:
        top = git(ispdb_dir, "rev-parse", "--show-toplevel")
        if os.path.realpath(top) == os.path.realpath(ispdb_dir):
            return git(ispdb_dir, "rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        pass
    raise ImportError_(
        f"{ispdb_dir} is not a git checkout of the ISPDB: say which commit it is with --commit"
    )


# ------------------------------------------------------------ our files' side


class ProviderFile:
    """The lines of one .ini file, edited in place so that comments, order
    and every other key stay exactly as they were."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.lines = self.text.split("\n")

    def groups(self):
        names, current = [], None
        for line in self.lines:
            m = GROUP_RE.match(line)
            if m:
                current = m.group(1)
                names.append(current)
        return names

    def _find(self, group, key):
        """(index of the key's line or None, index after the group's last key line)"""
        current, found, last = None, None, None
        for i, line in enumerate(self.lines):
            m = GROUP_RE.match(line)
            if m:
                current = m.group(1)
                if current == group:
                    last = i + 1
                continue
            if current != group:
                continue
            km = KEY_RE.match(line)
            if km:
                last = i + 1
                if km.group(1) == key:
                    found = i
        return found, last

    def get(self, group, key):
        i, _ = self._find(group, key)
        return None if i is None else KEY_RE.match(self.lines[i]).group(2)

    def get_list(self, group, key):
        value = self.get(group, key)
        return [] if not value else [v.strip() for v in value.split(";") if v.strip()]

    def set(self, group, key, value):
        line = f"{key}={value}"
        i, last = self._find(group, key)
        if i is not None:
            self.lines[i] = line
            return
        if last is None:
            # A new group goes at the end, after one blank line.
            while self.lines and self.lines[-1] == "":
                self.lines.pop()
            self.lines += ["", f"[{group}]", line, ""]
            return
        self.lines.insert(last, line)

    def set_list(self, group, key, values):
        self.set(group, key, "".join(v + ";" for v in values))

    def save(self):
        text = "\n".join(self.lines)
        if text != self.text:
            with open(self.path, "w", encoding="utf-8") as f:
                f.write(text)
            return True
        return False


def matches(name, globs):
    return any(fnmatch.fnmatchcase(name, g.lower()) for g in globs)


class Target:
    """Where an ISPDB file's facts go: a provider's [Provider] group or one of
    its [Variant NAME] groups."""

    def __init__(self, provider, variant=None):
        self.provider = provider
        self.variant = variant

    @property
    def group(self):
        return "Provider" if self.variant is None else f"Variant {self.variant}"

    def source_key(self, key):
        return key if self.variant is None else f"Variant.{self.variant}.{key}"

    def host_key(self, proto):
        return HOST_KEYS[proto] if self.variant is None else "Hosts"

    def host_globs(self, proto):
        return self.provider.file.get_list(self.group, self.host_key(proto))


class Provider:
    def __init__(self, path):
        self.file = ProviderFile(path)
        self.id = self.file.get("Provider", "Id") or os.path.basename(path)[:-4]
        self.variants = [
            g[len("Variant ") :] for g in self.file.groups() if g.startswith("Variant ")
        ]

    def variant_hosts(self, variant):
        return self.file.get_list(f"Variant {variant}", "Hosts")

    def hosts(self):
        globs = []
        for proto in HOST_KEYS:
            globs += self.file.get_list("Provider", HOST_KEYS[proto])
            server = self.file.get("Provider", SERVER_KEYS[proto])
            if server:
                globs.append(server.split(":")[0].strip())
        # A loopback server (Proton Bridge) says nothing about whose it is.
        return [g for g in globs if not re.match(r"^(127\.|::1$|localhost$)", g)]

    def domains(self):
        """Every domain glob of the file: the provider's and its variants'."""
        globs = self.file.get_list("Provider", "Domains")
        for v in self.variants:
            globs += self.file.get_list(f"Variant {v}", "Domains")
        return globs

    def has_host_only_variant(self):
        return any(
            (self.file.get(f"Variant {v}", "HostOnly") or "").strip() == "true"
            for v in self.variants
        )

    def target_for(self, entry):
        hosts = entry.all_hosts()
        for v in self.variants:
            if any(matches(h, self.variant_hosts(v)) for h in hosts):
                return Target(self, v)
        if any(matches(h, self.hosts()) for h in hosts):
            return Target(self)
        return None

    def knows_a_domain_of(self, entry):
        return any(matches(d, self.domains()) for d in entry.domains)


def choose_target(entry, providers, notes):
    targets = [t for t in (p.target_for(entry) for p in providers) if t]
    if not targets:
        return None
    if len(targets) > 1:
        knowing = [t for t in targets if t.provider.knows_a_domain_of(entry)]
        if len(knowing) != 1:
            ids = ", ".join(t.provider.id for t in targets)
            notes.append(f"{entry.name}: its servers are shared by {ids}; left out")
            return None
        return knowing[0]
    return targets[0]


def ispdb_source(date, commit, names):
    return f"{date} {ISPDB_URL} (ISPDB commit {commit[:7]}: {', '.join(sorted(names))})"


def merge_source(old, new):
    """Replace the ISPDB part of a [Sources] value and keep the other
    sources it names (they are separated by " + ")."""
    if not old or old.startswith("unknown"):
        return new
    parts = [p.strip() for p in old.split(" + ")]
    kept = [p for p in parts if ISPDB_URL not in p]
    if len(kept) == len(parts):
        return " + ".join([new] + kept)
    out, placed = [], False
    for p in parts:
        if ISPDB_URL in p:
            if not placed:
                out.append(new)
                placed = True
        else:
            out.append(p)
    return " + ".join(out)


def apply(target, entries, providers, date, commit, notes):
    """Write @entries' domains and hosts into @target's group."""
    prov = target.provider
    f = prov.file
    others = [g for p in providers if p is not prov for g in p.domains()]
    domains = f.get_list(target.group, "Domains")
    added = []
    for e in entries:
        for d in e.domains:
            if not matches(d, prov.domains() + added) and not matches(d, others):
                added.append(d)
    if added and target.variant is None and prov.has_host_only_variant():
        notes.append(f"{prov.id}: {', '.join(added)} left out: organisations' own domains "
                     "on its servers, which its HostOnly variant recognises by host")
        added = []
    if added:
        f.set_list(target.group, "Domains", domains + added)
    names = [e.name for e in entries]
    f.set("Sources", target.source_key("Domains"),
          merge_source(f.get("Sources", target.source_key("Domains")),
                       ispdb_source(date, commit, names)))

    for proto in HOST_KEYS:
        key = target.host_key(proto)
        listed = [e.name for e in entries if e.hosts[proto]]
        if not listed:
            continue
        globs = f.get_list(target.group, key)
        new = []
        for e in entries:
            for h in e.hosts[proto]:
                if not matches(h, globs + new):
                    new.append(h)
        if new:
            f.set_list(target.group, key, globs + new)
        f.set("Sources", target.source_key(key),
              merge_source(f.get("Sources", target.source_key(key)),
                           ispdb_source(date, commit, listed)))
        server = f.get(target.group, SERVER_KEYS[proto])
        confirming = [e.name for e in entries if server and (proto, server.strip()) in e.servers]
        if confirming:
            skey = target.source_key(SERVER_KEYS[proto])
            f.set("Sources", skey,
                  merge_source(f.get("Sources", skey), ispdb_source(date, commit, confirming)))


def run(ispdb_dir, providers_dir, commit, date):
    entries = read_ispdb(ispdb_dir)
    paths = sorted(
        os.path.join(providers_dir, n) for n in os.listdir(providers_dir) if n.endswith(".ini")
    )
    if not paths:
        raise ImportError_(f"{providers_dir}: no provider files (*.ini) there")
    providers = [Provider(p) for p in paths]
    notes, plan = [], {}
    for e in entries:
        t = choose_target(e, providers, notes)
        if t:
            plan.setdefault((t.provider.id, t.variant), (t, []))[1].append(e)
    for t, es in plan.values():
        apply(t, es, providers, date, commit, notes)
    changed = [p.file.path for p in providers if p.file.save()]
    return plan, notes, changed


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ispdb", help="a local copy of thunderbird/autoconfig (or its ispdb/ folder)")
    ap.add_argument("--commit", help="the ISPDB commit (default: git rev-parse HEAD in ISPDB)")
    ap.add_argument("--date", help="date checked, YYYY-MM-DD (default: today, UTC)")
    ap.add_argument("--providers", default=os.path.dirname(os.path.abspath(__file__)),
                    help="folder of our provider files (default: this script's)")
    args = ap.parse_args(argv)
    try:
        commit = args.commit or ispdb_commit(args.ispdb)
        if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
            raise ImportError_(f"--commit {commit!r} is not a git commit id")
        date = args.date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise ImportError_(f"--date {date!r} is not YYYY-MM-DD")
        plan, notes, changed = run(args.ispdb, args.providers, commit, date)
    except (ImportError_, OSError) as e:
        print(f"import-ispdb: {e}", file=sys.stderr)
        return 1
    for t, es in sorted(plan.values(), key=lambda v: (v[0].provider.id, v[0].variant or "")):
        print(f"{t.provider.id} [{t.group}]: {', '.join(e.name for e in es)}")
    for n in notes:
        print(f"note: {n}")
    print(f"{len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
