"""apppass tests: a throwaway Claws Mail profile, and Claws Mail running on it.

SPDX-License-Identifier: GPL-3.0-or-later"""
import os
import subprocess
import time

FOLDERLIST = """<?xml version="1.0" encoding="UTF-8"?>
<folderlist>
  <folder type="mh" name="Mailbox" path="{mail}" collapsed="0" sort="0">
    <folderitem type="normal" collapsed="0">
      <folderitem type="inbox" name="inbox" path="inbox"/>
      <folderitem type="outbox" name="sent" path="sent"/>
      <folderitem type="queue" name="queue" path="queue"/>
      <folderitem type="draft" name="draft" path="draft"/>
      <folderitem type="trash" name="trash" path="trash"/>
    </folderitem>
  </folder>
{imap}</folderlist>
"""

IMAP_FOLDER = """  <folder type="imap" name="{name}" account_id="{id}" collapsed="0" sort="0">
    <folderitem type="normal" collapsed="0">
      <folderitem type="inbox" name="INBOX" path="INBOX"/>
    </folderitem>
  </folder>
"""


def write_profile(root, accounts, plugin, uri_recorder, extra_common=""):
    """plugin: the plugin's path (several, separated by ':', load it as often;
    empty: no plugin);
    accounts: dicts with id, name, address, protocol ('imap' or 'pop3'),
    host, port, ssl (0 none, 1 TLS, 2 STARTTLS), smtp_port, smtp_ssl, password."""
    rc = os.path.join(root, "claws")
    mail = os.path.join(root, "Mail")
    for d in (rc, mail):
        os.makedirs(d, exist_ok=True)
    for sub in ("inbox", "sent", "queue", "draft", "trash"):
        os.makedirs(os.path.join(mail, sub), exist_ok=True)
    with open(os.path.join(rc, "clawsrc"), "w") as f:
        f.write("[Common]\nconfig_version=4\n"
                f"uri_open_command={uri_recorder} '%s'\ncmds_use_system_default=0\n"
                "no_receive_error_panel=1\nautochk_newmail=0\nconfirm_on_exit=0\n"
                "show_tips=0\nwork_offline=0\nenable_log_standard=1\n"
                "warn_queued_on_exit=0\nclean_trash_at_exit=0\n" + extra_common +
                "\n[Plugins_GTK3]\n" + "".join(p + "\n" for p in plugin.split(":") if p))
    with open(os.path.join(rc, "accountrc"), "w") as f:
        for i, a in enumerate(accounts):
            protocol = {"pop3": 0, "imap": 1}[a["protocol"]]
            f.write(f"[Account: {a['id']}]\nconfig_version=4\naccount_name={a['name']}\n"
                    f"is_default={1 if i == 0 else 0}\nname=Test User\naddress={a['address']}\n"
                    f"protocol={protocol}\nreceive_server={a['host']}\n"
                    f"smtp_server={a.get('smtp_host', a['host'])}\nuser_id={a['address']}\n"
                    f"ssl_imap={a.get('ssl', 0)}\nssl_pop={a.get('ssl', 0)}\n"
                    f"ssl_smtp={a.get('smtp_ssl', 0)}\nset_imapport=1\nimap_port={a['port']}\n"
                    f"set_popport=1\npop_port={a['port']}\nset_smtpport=1\n"
                    f"smtp_port={a.get('smtp_port', 25)}\nuse_smtp_auth=1\nsmtp_auth_method=0\n"
                    "imap_auth_method=0\nrecv_at_getall=1\nuse_tls_sni=1\n"
                    "ssl_certs_auto_accept=0\nrmmail=0\n" + a.get("extra", "") +
                    f"account_id={a['id']}\n\n")
    with open(os.path.join(rc, "passwordstorerc"), "w") as f:
        for a in accounts:
            f.write(f"[account:{a['id']}]\nrecv {a['password']}\n\n")
    imap = "".join(IMAP_FOLDER.format(name=a["name"], id=a["id"]) for a in accounts
                   if a["protocol"] == "imap")
    with open(os.path.join(rc, "folderlist.xml"), "w") as f:
        f.write(FOLDERLIST.format(mail=mail, imap=imap))
    return rc


class Claws:
    """Claws Mail on the current display, with its output in a file; prefix:
    a command that runs it (valgrind and its options); env: its environment."""

    def __init__(self, rc, log_path, *args, prefix=(), quit_timeout=30, env=None):
        self.rc = rc
        self.quit_timeout = quit_timeout
        self.log = open(log_path, "a")
        self.process = subprocess.Popen(
            [*prefix, "claws-mail", "--alternate-config-dir", rc, *args],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    def quit(self, timeout=None):
        timeout = timeout or self.quit_timeout
        if self.process.poll() is None:
            subprocess.run(["claws-mail", "--alternate-config-dir", self.rc, "--exit"],
                           stdout=self.log, stderr=subprocess.STDOUT, timeout=timeout)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def alive(self):
        return self.process.poll() is None
