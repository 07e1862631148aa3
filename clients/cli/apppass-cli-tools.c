/* apppass — the terminal command: lines for mbsync, msmtp and neomutt, and
 * what works with them where a provider takes OAuth 2.0 only
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-cli.h"

#include <stdio.h>
#include <string.h>

#include "apppass-file.h"
#include "apppass-intl.h"

/* Each block is written for the version Debian 12 ships (isync 1.4.4,
 * msmtp 1.8.23, neomutt 20220429); tests/cli/test-terminal-setups.py runs them. */

#define MSMTP_CONFIG_MAX (1024 * 1024)

/* "ann@gmail.com" → "ann-gmail-com": a name every tool takes without quotes,
 * different for every address, so two accounts' lines never clash. */
char *
cli_account_name (const char *address)
{
  GString *name = g_string_new (NULL);

  for (const char *c = address; *c; c++) {
    if (g_ascii_isalnum (*c))
      g_string_append_c (name, g_ascii_tolower (*c));
    else if (name->len > 0 && name->str[name->len - 1] != '-')
      g_string_append_c (name, '-');
  }
  while (name->len > 0 && name->str[name->len - 1] == '-')
    g_string_truncate (name, name->len - 1);
  if (name->len == 0)
    g_string_append (name, "mail");
  return g_string_free (name, FALSE);
}

/* A shell word: bare where nothing in it means anything to a shell, which
 * keeps the lines readable and the quoting of the tools' own files simple. */
static char *
shell_word (const char *text)
{
  for (const char *c = text; *c; c++) {
    if (!g_ascii_isalnum (*c) && strchr ("@%+=:,./_-", *c) == NULL)
      return g_shell_quote (text);
  }
  return g_strdup (text);
}

static char *
lookup_command (const CliServer *server, const char *address)
{
  g_autofree char *host = shell_word (server->host);
  g_autofree char *user = shell_word (address);

  return g_strdup_printf ("apppass lookup --protocol %s --host %s --user %s",
                          apppass_protocol_to_string (server->protocol), host, user);
}

/* A double-quoted argument as all three tools read one. */
static char *
quoted (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const char *c = text; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c (out, '\\');
    g_string_append_c (out, *c);
  }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* "@setting @value", the value quoted, where there is a @value. */
static void
print_quoted_setting (const char *setting, const char *value)
{
  g_autofree char *text = value ? quoted (value) : NULL;

  if (text)
    printf ("%s %s\n", setting, text);
}

/* A path as the user knows it: "~/…" under the home folder. */
static char *
shown_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize n = strlen (home);

  if (strncmp (path, home, n) == 0 && path[n] == '/')
    return g_strconcat ("~", path + n, NULL);
  return g_strdup (path);
}

static gboolean
make_maildir (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), "Mail", name, NULL);

  return g_mkdir_with_parents (path, 0700) == 0;
}

/* The file a tool reads: its XDG file where that exists, else its dotfile. */
static char *
config_path (const char *xdg_name, const char *dotfile)
{
  char *path = g_build_filename (g_get_user_config_dir (), xdg_name, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  g_free (path);
  return g_build_filename (g_get_home_dir (), dotfile, NULL);
}

static void
print_mbsync (const CliServer *in, const char *address, const char *name, const char *ca_file)
{
  g_autofree char *command = lookup_command (in, address);
  g_autofree char *pass_cmd = quoted (command);

  /* isync 1.5 (Debian 13) reads $XDG_CONFIG_HOME/isyncrc where it exists. */
  g_autofree char *config = config_path ("isyncrc", ".mbsyncrc");
  g_autofree char *shown = shown_path (config);

  printf ("# %s\nIMAPAccount %s\nHost %s\nPort %u\nUser %s\nPassCmd %s\nSSLType %s\n", shown, name,
          in->host, in->port, address, pass_cmd,
          in->security == APPPASS_SECURITY_TLS        ? "IMAPS"
          : in->security == APPPASS_SECURITY_STARTTLS ? "STARTTLS"
                                                      : "None");
  print_quoted_setting ("CertificateFile", ca_file);
  /* mbsync 1.4 refuses a Maildir store whose folder does not exist. */
  if (!make_maildir (name))
    printf (_ ("# Make the folder ~/Mail/%s/ first: mbsync does not make it.\n"), name);
  /* Blank lines end sections in mbsync's file. */
  printf ("\nIMAPStore %s-remote\nAccount %s\n\n"
          "MaildirStore %s-local\nPath ~/Mail/%s/\nInbox ~/Mail/%s/INBOX\nSubFolders Verbatim\n\n"
          "Channel %s\nFar :%s-remote:\nNear :%s-local:\nPatterns *\nCreate Near\n"
          "SyncState *\n\n",
          name, name, name, name, name, name, name, name);
}

/* msmtp refuses a file that names its default account twice; an account
 * set up earlier may already be it. */
static gboolean
msmtp_has_default (const char *path)
{
  g_autofree char *text = apppass_file_read_regular (path, MSMTP_CONFIG_MAX, NULL, NULL);
  g_auto (GStrv) lines = text ? g_strsplit (text, "\n", -1) : NULL;

  for (guint i = 0; lines && lines[i]; i++) {
    g_auto (GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", 3);

    if (words[0] && words[1] && strcmp (words[0], "account") == 0 &&
        strcmp (words[1], "default") == 0)
      return TRUE;
  }
  return FALSE;
}

static void
print_msmtp (const CliServer *out, const char *address, const char *name, const char *ca_file)
{
  g_autofree char *command = lookup_command (out, address);
  g_autofree char *eval = quoted (command);
  g_autofree char *path = config_path ("msmtp/config", ".msmtprc");
  g_autofree char *shown = shown_path (path);

  printf ("# %s\naccount %s\nhost %s\nport %u\ntls %s\ntls_starttls %s\n", shown, name, out->host,
          out->port, out->security == APPPASS_SECURITY_NONE ? "off" : "on",
          out->security == APPPASS_SECURITY_STARTTLS ? "on" : "off");
  print_quoted_setting ("tls_trust_file", ca_file);
  /* Without TLS msmtp's "auth on" refuses every method that sends the password. */
  printf ("auth %s\nuser %s\nfrom %s\npasswordeval %s\n",
          out->security == APPPASS_SECURITY_NONE ? "plain" : "on", address, address, eval);
  if (msmtp_has_default (path))
    printf (_ ("# Your msmtp file already names a default account: send from this one with "
               "“msmtp -a %s”.\n"),
            name);
  else
    printf ("account default : %s\n", name);
  printf ("\n");
}

/* A regular expression that matches @text literally. */
static char *
regex_literal (const char *text)
{
  return g_regex_escape_string (text, -1);
}

static char *
imap_url (const CliServer *in, const char *address)
{
  g_autofree char *user = g_uri_escape_string (address, NULL, FALSE);

  return g_strdup_printf ("%s://%s@%s:%u/", in->security == APPPASS_SECURITY_TLS ? "imaps" : "imap",
                          user, in->host, in->port);
}

/* neomutt writes an IMAP folder's address in its own way (the user
 * unescaped, the port left out): the hook matches each form. */
static char *
folder_pattern (const CliServer *in, const char *address)
{
  g_autofree char *escaped = g_uri_escape_string (address, NULL, FALSE);
  g_autofree char *a = regex_literal (escaped), *b = regex_literal (address);
  g_autofree char *host = regex_literal (in->host);

  /* No leading "^": neomutt reads it as the current mailbox. */
  return g_strdup_printf ("imaps?://(%s|%s)@%s(:%u)?(/|$)", a, b, host, in->port);
}

static void
print_neomutt_account (const CliServer *in, const CliServer *out, const char *address,
                       const char *file, const char *ca_file)
{
  g_autofree char *from = quoted (address);

  printf ("# %s\n", file);
  /* First: "mailboxes" already connects to the server. */
  printf ("set ssl_force_tls = %s\n",
          (in == NULL || in->security != APPPASS_SECURITY_NONE) &&
                  (out == NULL || out->security != APPPASS_SECURITY_NONE)
              ? "yes"
              : "no");
  print_quoted_setting ("set ssl_ca_certificates_file =", ca_file);
  printf ("set from = %s\n", from);
  if (in) {
    g_autofree char *url = imap_url (in, address), *command = lookup_command (in, address);

    printf ("set folder = \"%s\"\nset spoolfile = \"+INBOX\"\nset imap_user = %s\n"
            "set imap_pass = \"`%s`\"\nmailboxes \"+INBOX\"\n",
            url, from, command);
  }
  if (out) {
    g_autofree char *user = g_uri_escape_string (address, NULL, FALSE);
    g_autofree char *command = lookup_command (out, address);

    printf ("set smtp_url = \"%s://%s@%s:%u/\"\nset smtp_pass = \"`%s`\"\n",
            out->security == APPPASS_SECURITY_TLS ? "smtps" : "smtp", user, out->host, out->port,
            command);
  }
  printf ("\n");
}

/* neomutt reads the first of its files that exists (neomutt(1), FILES):
 * a new one in front of it would hide the user's own. */
static char *
neomutt_rc_path (void)
{
  const char *config = g_get_user_config_dir (), *home = g_get_home_dir ();
  g_autofree char *xdg = g_build_filename (config, "neomutt", "neomuttrc", NULL);
  char *places[] = {
      g_strdup (xdg),
      g_build_filename (config, "neomutt", "muttrc", NULL),
      g_build_filename (config, "mutt", "neomuttrc", NULL),
      g_build_filename (config, "mutt", "muttrc", NULL),
      g_build_filename (home, ".neomutt", "neomuttrc", NULL),
      g_build_filename (home, ".neomutt", "muttrc", NULL),
      g_build_filename (home, ".mutt", "neomuttrc", NULL),
      g_build_filename (home, ".mutt", "muttrc", NULL),
      g_build_filename (home, ".neomuttrc", NULL),
      g_build_filename (home, ".muttrc", NULL),
  };
  char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (places); i++) {
    if (found == NULL && g_file_test (places[i], G_FILE_TEST_EXISTS))
      found = g_strdup (places[i]);
    g_free (places[i]);
  }
  return found ? found : g_steal_pointer (&xdg);
}

/* neomutt: the account in a file of its own, read at start and again
 * whenever one of its folders is opened, so that every account brings
 * its own servers, passwords and From. */
static void
print_neomutt (const CliServer *in, const CliServer *out, const char *address, const char *name,
               const char *ca_file)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "neomutt", NULL);
  g_autofree char *account = g_strdup_printf ("%s/%s.neomuttrc", dir, name);
  g_autofree char *file = shown_path (account);
  g_autofree char *source = quoted (file);
  g_autofree char *rc_path = neomutt_rc_path ();
  g_autofree char *rc = shown_path (rc_path);

  print_neomutt_account (in, out, address, file, ca_file);
  printf ("# %s\nsource %s\n", rc, source);
  if (in) {
    g_autofree char *pattern = folder_pattern (in, address);

    printf ("folder-hook '%s' 'source %s'\n", pattern, source);
  }
  printf ("\n");
}

void
cli_print_tool_setups (const char *address, const CliServer *in, const CliServer *out,
                       const char *ca_file)
{
  g_autofree char *name = cli_account_name (address);
  const CliServer *imap = in && in->protocol == APPPASS_PROTOCOL_IMAP ? in : NULL;

  fputs (_ ("Lines for your mail programs (add them to the files named):\n\n"), stdout);
  if (imap)
    print_mbsync (imap, address, name, ca_file);
  if (out)
    print_msmtp (out, address, name, ca_file);
  if (imap || out)
    print_neomutt (imap, out, address, name, ca_file);
  if (in && imap == NULL)
    printf (_ ("# mbsync and neomutt read mail over IMAP; for POP3 (%s) use a program such as "
               "fetchmail or getmail with the same lookup command.\n\n"),
            in->host);
}

/* ---- OAuth 2.0 in the terminal ------------------------------------------- */

gboolean
cli_protocol_is_oauth_only (const ApppassProvider *provider, ApppassProtocol protocol)
{
  return provider &&
         apppass_provider_get_policy_for (provider, protocol) == APPPASS_POLICY_OAUTH_ONLY;
}

/* Where Debian 12 puts neomutt's OAuth 2.0 helper, and where other
 * packages put it: only a path that is there is named. */
static const char *
neomutt_oauth_script (void)
{
  static const char *const places[] = {
      "/usr/share/doc/neomutt/oauth2/mutt_oauth2.py.gz",
      "/usr/share/doc/neomutt/oauth2/mutt_oauth2.py",
      "/usr/share/neomutt/oauth2/mutt_oauth2.py",
  };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++) {
    if (g_file_test (places[i], G_FILE_TEST_EXISTS))
      return places[i];
  }
  return NULL;
}

/* What Debian's packages of the three tools offer (checked against isync
 * 1.4.4, msmtp 1.8.23, neomutt 20220429 and libsasl2-modules-kdexoauth2
 * 22.12 of Debian 12): the tools take a token, but none ships a client ID. */
void
cli_print_oauth_tools (const ApppassProvider *provider)
{
  const char *url = apppass_provider_get_page (provider, APPPASS_PAGE_OAUTH);
  const char *script = neomutt_oauth_script ();

  fputs (_ ("What works in the terminal is OAuth 2.0 sign-in:\n"), stdout);
  fputs (_ ("  • neomutt has it built in: set imap_authenticators = \"oauthbearer:xoauth2\" and "
            "imap_oauth_refresh_command (and the same smtp_ settings) to a command that prints "
            "a fresh token."),
         stdout);
  if (script)
    printf (_ (" neomutt’s package has such a command here, with a README: %s\n"), script);
  else
    fputs (_ (" neomutt’s sources have such a command, mutt_oauth2.py, with a README "
              "(contrib/oauth2).\n"),
           stdout);
  fputs (_ ("  • msmtp: “auth oauthbearer” (or “auth xoauth2”) with passwordeval running that "
            "command.\n"),
         stdout);
  fputs (_ ("  • mbsync (isync): “AuthMechs XOAUTH2” with PassCmd running that command; isync "
            "needs the SASL plug-in of the Debian package libsasl2-modules-kdexoauth2 for it.\n"),
         stdout);
  fputs (_ ("None of them comes with a client ID: you register one with the provider first "
            "(mutt_oauth2.py’s README says how).\n"),
         stdout);
  if (url)
    printf (_ ("Provider’s page: %s\n"), url);
  printf ("\n");
}

/* For `diagnose`: the tools, and where this provider's sending still takes
 * an app password (Microsoft 365's SMTP, where the tenant allows it), that too. */
void
cli_print_oauth_help (const ApppassProvider *provider, ApppassProtocol protocol)
{
  cli_print_oauth_tools (provider);
  if (protocol == APPPASS_PROTOCOL_SMTP &&
      apppass_policy_has_app_passwords (
          apppass_provider_get_policy_for (provider, APPPASS_PROTOCOL_SMTP)))
    printf (_ ("For sending (SMTP), %s may still take a password or app password where your "
               "organisation’s administrator allows it: “apppass setup ADDRESS” checks one "
               "and stores it.\n"),
            apppass_provider_get_name (provider));
}

/* The terminal has no "password prompt of your mail program": the words of
 * docs/design.md's quiet case, said for a command. */
const char *
cli_explanation (const ApppassDiagnosis *d)
{
  if (d->action != APPPASS_ACTION_NONE || d->cause != APPPASS_CAUSE_CREDENTIALS_REJECTED)
    return d->explanation;
  return _ ("The server refused the user name or password. This looks like an ordinary wrong "
            "password: check it, and give the right one to the command that asked for it "
            "(“apppass verify” checks a password without storing it).");
}
