#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the tests' own tables:
make-seeds.py SOURCE_ROOT OUT_DIR"""
import configparser
import os
import sys

root, out = sys.argv[1], sys.argv[2]
for name in ("diagnosis", "password", "provider", "login-reply", "display"):
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

# display: the hostile scenarios' answers, bytes as the test server sends them.
scenarios = os.path.join(root, "tests", "server", "scenarios")
for name in sorted(os.listdir(scenarios)):
    if name.startswith("hostile-"):
        for line in open(os.path.join(scenarios, name), encoding="utf-8"):
            if line.startswith("reject=-ERR "):
                text = line[len("reject=-ERR "):].rstrip("\n").encode()
                for byte in range(256):
                    text = text.replace(b"{x%02x}" % byte, bytes([byte]))
                with open(os.path.join(out, "display", name), "wb") as f:
                    f.write(b"\xff" + text)

providers = os.path.join(root, "common", "providers")
for name in sorted(os.listdir(providers)):
    if name.endswith(".ini"):
        with open(os.path.join(providers, name), "rb") as src, \
                open(os.path.join(out, "provider", name), "wb") as dst:
            dst.write(src.read())


# login-reply: the server's whole side of a login, as the test server plays
# each scenario (tests/server/scenarios) and with each answer of the table.
# First byte: protocol (0 IMAP, 1 POP3, 2 SMTP) + 3 * STARTTLS + 6 * read size.
IMAP, POP3, SMTP = 0, 1, 2
GREETING = {IMAP: "* OK IMAP4rev1 apppass test server", POP3: "+OK apppass test server ready",
            SMTP: "220 apppass test server ESMTP"}


def crlf(text):
    return "".join(line.rstrip("\r") + "\r\n" for line in text.replace("\\r\\n", "\n").split("\n")
                   if line.strip())


def imap_tagged(text, tag):
    """An answer from the table or a scenario as the reply to the command tagged `tag`."""
    lines = []
    for line in crlf(text.replace("{tag}", tag)).splitlines():
        words = line.split(" ", 2) + ["", ""]
        if line.startswith("*"):
            pass
        elif words[0].upper() in ("NO", "BAD", "OK"):
            line = f"{tag} {line}"
        elif words[1].upper() in ("NO", "BAD", "OK"):
            line = f"{tag} {line.split(' ', 1)[1]}"
        else:
            line = f"{tag} NO {line}"
        lines.append(line)
    return "".join(line + "\r\n" for line in lines)


def conversation(protocol, starttls, reject, settings):
    """The server's side, in order; `reject` None means the password is accepted."""
    greeting = crlf(settings.get("greeting", GREETING[protocol]))
    if protocol == IMAP:
        caps = settings.get("capability", "IMAP4rev1 AUTH=PLAIN SASL-IR ID")
        if starttls:
            return [greeting, f"* CAPABILITY {caps} STARTTLS\r\n1 OK CAPABILITY completed\r\n",
                    "2 OK Begin TLS negotiation now\r\n"]
        answer = (imap_tagged(reject, "2") if reject is not None else
                  "2 OK [CAPABILITY IMAP4rev1] Logged in\r\n* BYE Logging out\r\n3 OK LOGOUT\r\n")
        return [greeting, f"* CAPABILITY {caps}\r\n1 OK CAPABILITY completed\r\n", answer]
    if protocol == POP3:
        if starttls:
            return [greeting, "+OK Begin TLS negotiation\r\n"]
        answer = crlf(reject) if reject is not None else "+OK Logged in.\r\n+OK Bye\r\n"
        return [greeting, "+OK send PASS\r\n", answer]
    mechanisms = settings.get("mechanisms", "PLAIN LOGIN")
    if starttls:
        return [greeting, "250-apppass test server\r\n250-STARTTLS\r\n250 ENHANCEDSTATUSCODES\r\n",
                "220 2.0.0 Ready to start TLS\r\n"]
    answer = crlf(reject) if reject is not None else "235 2.7.0 Accepted\r\n221 2.0.0 Bye\r\n"
    return [greeting, f"250-apppass test server\r\n250-AUTH {mechanisms}\r\n"
            "250 ENHANCEDSTATUSCODES\r\n", answer]


seeds = []
scenarios = os.path.join(root, "tests", "server", "scenarios")
for name in sorted(os.listdir(scenarios)):
    scenario = configparser.RawConfigParser(interpolation=None, strict=False)
    scenario.read(os.path.join(scenarios, name), encoding="utf-8")
    for protocol, section in enumerate(("imap", "pop3", "smtp")):
        settings = dict(scenario[section]) if scenario.has_section(section) else {}
        default = {IMAP: "{tag} NO [AUTHENTICATIONFAILED] Authentication failed.",
                   POP3: "-ERR [AUTH] Authentication failed.",
                   SMTP: "535 5.7.8 Authentication failed"}[protocol]
        for starttls in (0, 1):
            for reject in (settings.get("reject", default), None):
                seeds.append((protocol + 3 * starttls,
                              conversation(protocol, starttls, reject, settings)))
for section in table.sections():
    protocol = {"imap": IMAP, "pop3": POP3, "smtp": SMTP}.get(table[section].get("protocol"))
    text = table[section].get("text")
    if protocol is not None and text:
        seeds.append((protocol, conversation(protocol, 0, text, {})))

for i, (mode, parts) in enumerate(seeds):
    data = "".join(parts).encode("utf-8", "surrogateescape")
    with open(os.path.join(out, "login-reply", f"{i:03}"), "wb") as f:
        f.write(bytes([mode + 6 * (i % 4)]) + data)
