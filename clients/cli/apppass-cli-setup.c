/* apppass — the terminal command: verify, setup, lookup
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-cli.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apppass-diagnosis.h"
#include "apppass-display.h"
#include "apppass-error.h"
#include "apppass-file.h"
#include "apppass-intl.h"
#include "apppass-keyring.h"
#include "apppass-login.h"
#include "apppass-password.h"
#include "apppass-provider.h"

#define PASSWORD_STDIN_LIMIT (64 * 1024)

/* ---- reading the password ----------------------------------------------- */

/* A paste that holds two passwords is refused rather than joined: the
 * server would only reject the two as one, and the user would not know
 * which of them was meant. */
static char *
refuse_two_passwords (const ApppassProvider *provider, const char *raw, gsize length,
                      char *password, int *status)
{
  if (password == NULL || !cli_paste_has_two_passwords (provider, raw, length))
    return password;
  cli_error (_ ("The pasted text holds two passwords, one on each line. Nothing was sent. Copy "
                "only the one password and paste it again."));
  apppass_password_free (password);
  *status = EXIT_USAGE;
  return NULL;
}

/* The pasted text, normalized; NULL after saying what was wrong. */
static char *
read_password (const ApppassProvider *provider, const char *prompt, int *status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  char *raw = NULL, *password;
  gsize length;
  gboolean too_long = FALSE;

  if (isatty (STDIN_FILENO)) {
    raw = cli_prompt_read_paste (prompt, &length, &too_long);
  } else {
    bytes = cli_read_stdin (PASSWORD_STDIN_LIMIT, &too_long, &error);
    if (bytes == NULL) {
      cli_error ("%s", error->message);
      *status = EXIT_FAILURE_OTHER;
      return NULL;
    }
    raw = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    length = g_bytes_get_size (bytes);
  }
  if (too_long) {
    cli_error (_ ("The pasted text is far too long for a password. Copy only the password and "
                  "paste it again."));
    apppass_password_free (raw);
    *status = EXIT_USAGE;
    return NULL;
  }
  password = apppass_password_normalize (raw, (gssize)length, &error);
  if (password == NULL) {
    cli_error ("%s", error->message);
    *status = EXIT_USAGE;
  }
  password = refuse_two_passwords (provider, raw, length, password, status);
  memset (raw, 0, length);
  g_free (raw);
  return password;
}

static gboolean
read_ca_file (const char *path, char **pem, int *status)
{
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    return TRUE;
  *pem = apppass_file_read_regular (path, APPPASS_FILE_MAX_CA, NULL, &error);
  if (*pem == NULL) {
    cli_error (_ ("Could not read the certificate file: %s"), error->message);
    *status = EXIT_USAGE;
    return FALSE;
  }
  return TRUE;
}

/* ---- verify ------------------------------------------------------------- */

/* A pin skips the checks a CA certificate gets; whoever gives one should
 * know that before relying on it. */
static void
describe_ca_file (GOptionContext *context)
{
  g_option_context_set_description (
      context, _ ("--ca-file: the certificate is trusted besides the system’s. If it is the "
                  "server’s own certificate rather than a CA’s, it is trusted as a pin, like a "
                  "certificate accepted in a mail client: its dates, host name and algorithm "
                  "are not checked."));
}

/* Shown, never obeyed: the words only, on the one line that says whose they are. */
static void
print_server_text (const char *server_text)
{
  g_autofree char *shown = apppass_display_text (server_text, -1);

  printf (_ ("The server said: %s\n"), shown);
}

/* Prints what the check found; returns the exit code of design.md. */
static int
report_result (const ApppassLoginOptions *options, const ApppassLoginResult *result)
{
  switch (result->outcome) {
  case APPPASS_LOGIN_ACCEPTED:
    printf (_ ("%s accepted the password for %s (%s).\n"), options->host, options->user,
            apppass_protocol_display_name (options->protocol));
    return EXIT_DONE;
  case APPPASS_LOGIN_REJECTED:
    printf (_ ("%s rejected the password for %s (%s).\n\n%s\n\n"), options->host, options->user,
            apppass_protocol_display_name (options->protocol), result->diagnosis->explanation);
    print_server_text (result->server_text);
    if (result->diagnosis->url)
      printf (_ ("Page:     %s\n"), result->diagnosis->url);
    return EXIT_REJECTED;
  case APPPASS_LOGIN_FAILED:
  default:
    cli_error ("%s", result->error->message);
    return g_error_matches (result->error, APPPASS_ERROR, APPPASS_ERROR_CANCELLED)
               ? EXIT_FAILURE_OTHER
               : EXIT_NOT_SENT;
  }
}

static gboolean
parse_port (int value, guint16 *port, int *status)
{
  if (value < 0 || value > 65535) {
    cli_error (_ ("The port must be a number from 1 to 65535."));
    *status = EXIT_USAGE;
    return FALSE;
  }
  *port = (guint16)value;
  return TRUE;
}

int
cli_verify (int argc, char **argv)
{
  g_autofree char *protocol_word = NULL, *host = NULL, *user = NULL, *security_word = NULL;
  g_autofree char *ca_file = NULL, *pem = NULL;
  int port = 0, timeout = 0, status = EXIT_DONE;
  GOptionEntry entries[] = {
      {"protocol", 0, 0, G_OPTION_ARG_STRING, &protocol_word, N_ ("imap, pop3 or smtp"), "P"},
      {"host", 0, 0, G_OPTION_ARG_STRING, &host, N_ ("The server’s host name"), "HOST"},
      {"port", 0, 0, G_OPTION_ARG_INT, &port, N_ ("The server’s port"), "N"},
      {"security", 0, 0, G_OPTION_ARG_STRING, &security_word, N_ ("tls, starttls or none"), "S"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("The login name"), "USER"},
      {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
       N_ ("A certificate to trust besides the system’s (PEM)"), "PEM"},
      {"timeout", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &timeout, NULL, "SECONDS"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr (GOptionContext) context =
      g_option_context_new (_ ("— log in with the password from standard input, store nothing"));
  g_autoptr (GError) error = NULL;
  g_autoptr (ApppassLoginResult) result = NULL;
  ApppassLoginOptions options = {0};
  char *password;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  describe_ca_file (context);
  if (!cli_parse (context, &argc, &argv))
    return EXIT_USAGE;
  if (protocol_word == NULL || host == NULL || user == NULL) {
    cli_error (_ ("verify needs --protocol, --host and --user."));
    return EXIT_USAGE;
  }
  if (!apppass_protocol_from_string (protocol_word, &options.protocol, &error) ||
      !apppass_security_from_string (security_word ? security_word : "tls", &options.security,
                                     &error)) {
    cli_error ("%s", error->message);
    return EXIT_USAGE;
  }
  if (!parse_port (port, &options.port, &status) || !read_ca_file (ca_file, &pem, &status))
    return status;
  options.host = host;
  options.user = user;
  options.trusted_pem = pem;
  options.timeout_ms = timeout > 0 ? (guint)timeout * 1000 : 0;
  password = read_password (apppass_provider_db_identify (apppass_provider_db_get_default (),
                                                          options.protocol, host, user),
                            _ ("Password (not shown): "), &status);
  if (password == NULL)
    return status;
  result = apppass_login_check_sync (&options, password, NULL);
  apppass_password_free (password);
  return report_result (&options, result);
}

/* ---- lookup ------------------------------------------------------------- */

int
cli_lookup (int argc, char **argv)
{
  g_autofree char *protocol_word = NULL, *host = NULL, *user = NULL;
  GOptionEntry entries[] = {
      {"protocol", 0, 0, G_OPTION_ARG_STRING, &protocol_word, N_ ("imap, pop3 or smtp"), "P"},
      {"host", 0, 0, G_OPTION_ARG_STRING, &host, N_ ("The server’s host name"), "HOST"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("The login name"), "USER"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr (GOptionContext) context =
      g_option_context_new (_ ("— print the stored password (for PassCmd and passwordeval)"));
  g_autoptr (GError) error = NULL;
  ApppassProtocol protocol;
  char *password;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return EXIT_USAGE;
  if (protocol_word == NULL || host == NULL || user == NULL) {
    cli_error (_ ("lookup needs --protocol, --host and --user."));
    return EXIT_USAGE;
  }
  if (!apppass_protocol_from_string (protocol_word, &protocol, &error)) {
    cli_error ("%s", error->message);
    return EXIT_USAGE;
  }
  password = apppass_keyring_lookup_sync (protocol, host, user, NULL, &error);
  if (password == NULL && error != NULL) {
    cli_error ("%s", error->message);
    return EXIT_NOT_SENT;
  }
  if (password == NULL) {
    cli_error (_ ("No password is stored for %s on %s (%s)."), user, host,
               apppass_protocol_display_name (protocol));
    return EXIT_FAILURE_OTHER;
  }
  printf ("%s\n", password);
  fflush (stdout);
  apppass_password_free (password);
  return EXIT_DONE;
}

/* ---- setup -------------------------------------------------------------- */

typedef struct {
  ApppassProtocol protocol;
  char *host;
  guint16 port;
  ApppassSecurity security;
  char *origin; /* the provider file that named it; NULL when given by the user */
} Server;

static void
server_free (Server *server)
{
  g_free (server->host);
  g_free (server->origin);
  g_free (server);
}

/* "HOST", "HOST:PORT" or "[V6]:PORT". */
static Server *
server_from_option (ApppassProtocol protocol, const char *text, ApppassSecurity security)
{
  Server *server = g_new0 (Server, 1);
  const char *colon = text[0] == '[' ? strstr (text, "]:") : strrchr (text, ':');
  guint64 port = 0;

  server->protocol = protocol;
  server->security = security;
  if (colon && text[0] == '[')
    colon++;
  if (colon && (strchr (text, ':') == colon || text[0] == '[')) {
    if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL)) {
      server_free (server);
      return NULL;
    }
    server->host = g_strndup (text + (text[0] == '['), colon - text - 2 * (text[0] == '['));
  } else {
    server->host = g_strdup (text);
  }
  server->port = port ? (guint16)port : apppass_protocol_default_port (protocol, security);
  return server;
}

static Server *
server_from_provider (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *host;
  guint16 port;
  ApppassSecurity security;
  Server *server;

  if (provider == NULL ||
      !apppass_provider_get_server (provider, protocol, &host, &port, &security))
    return NULL;
  server = g_new0 (Server, 1);
  server->protocol = protocol;
  server->host = g_strdup (host);
  server->port = port;
  server->security = security;
  server->origin = g_strdup (apppass_provider_get_server_origin (provider, protocol));
  return server;
}

typedef struct {
  char *address;
  const ApppassProvider *provider;
  GPtrArray *servers; /* incoming first, SMTP last */
  char *pem;
} Setup;

/* The protocol the explanation and steps are for: the first server's. */
static ApppassProtocol
intro_protocol (const Setup *s)
{
  const Server *first = s->servers->len > 0 ? g_ptr_array_index (s->servers, 0) : NULL;

  return first ? first->protocol : APPPASS_PROTOCOL_IMAP;
}

static void
print_intro (const Setup *s)
{
  ApppassDiagnosis d = {APPPASS_CAUSE_APP_PASSWORD_REQUIRED,
                        APPPASS_ACTION_APP_PASSWORD,
                        s->provider,
                        NULL,
                        NULL,
                        TRUE};
  g_autofree char *explanation = apppass_diagnosis_explain (&d, intro_protocol (s));
  /* Steps in data mention no buttons: the terminal has none; offer_page() prints the address. */
  g_auto (GStrv) steps =
      s->provider ? apppass_provider_get_steps_for (s->provider, intro_protocol (s)) : NULL;

  printf ("%s — %s\n\n%s\n\n", s->provider ? apppass_provider_get_name (s->provider) : "",
          s->address, explanation);
  for (guint i = 0; steps && steps[i]; i++)
    printf ("  %u. %s\n", i + 1, steps[i]);
  if (steps && steps[0])
    printf ("\n");
}

/* Opens the app-password page where there is a desktop; prints it always. */
static void
offer_page (const Setup *s)
{
  const char *url =
      s->provider ? apppass_provider_get_page (s->provider, APPPASS_PAGE_APP_PASSWORD) : NULL;

  if (url == NULL)
    return;
  printf (_ ("App password page: %s\n"), url);
  if (g_getenv ("DISPLAY") || g_getenv ("WAYLAND_DISPLAY")) {
    g_autoptr (GError) error = NULL;

    if (g_app_info_launch_default_for_uri (url, NULL, &error))
      fputs (_ ("It was opened in your web browser.\n"), stdout);
    else
      printf (_ ("Open it in your web browser (%s).\n"), error->message);
  }
  printf ("\n");
  fflush (stdout);
}

/* Proves the password on every server; the exit code, EXIT_DONE when all accepted. */
static int
verify_all (const Setup *s, const char *password)
{
  for (guint i = 0; i < s->servers->len; i++) {
    const Server *server = g_ptr_array_index (s->servers, i);
    ApppassLoginOptions options = {server->protocol, server->host, server->port, server->security,
                                   s->address,       s->pem,       NULL,         0};
    g_autoptr (ApppassLoginResult) result = NULL;
    int status;

    printf (_ ("Checking %s at %s…\n"), apppass_protocol_display_name (server->protocol),
            server->host);
    fflush (stdout);
    result = apppass_login_check_sync (&options, password, NULL);
    status = report_result (&options, result);
    if (status != EXIT_DONE) {
      cli_error (_ ("Nothing was stored; a password stored before is unchanged."));
      return status;
    }
  }
  return EXIT_DONE;
}

static int
store_all (const Setup *s, const char *password)
{
  for (guint i = 0; i < s->servers->len; i++) {
    const Server *server = g_ptr_array_index (s->servers, i);
    g_autoptr (GError) error = NULL;

    if (!apppass_keyring_store_sync (server->protocol, server->host, server->port, s->address,
                                     password, NULL, &error)) {
      cli_error (_ ("The password works, but it could not be stored: %s"), error->message);
      return EXIT_NOT_SENT;
    }
  }
  fputs (_ ("Stored in the keyring.\n\n"), stdout);
  return EXIT_DONE;
}

static char *
lookup_command (const Server *server, const char *address)
{
  g_autofree char *host = g_shell_quote (server->host);
  g_autofree char *user = g_shell_quote (address);

  return g_strdup_printf ("apppass lookup --protocol %s --host %s --user %s",
                          apppass_protocol_to_string (server->protocol), host, user);
}

static void
print_mbsync (const Server *in, const char *address)
{
  g_autofree char *command = lookup_command (in, address);

  printf ("# ~/.mbsyncrc\nIMAPAccount mail\nHost %s\nPort %u\nUser %s\nPassCmd \"%s\"\n"
          "TLSType %s\n\n",
          in->host, in->port, address, command,
          in->security == APPPASS_SECURITY_TLS        ? "IMAPS"
          : in->security == APPPASS_SECURITY_STARTTLS ? "STARTTLS"
                                                      : "None");
}

static void
print_msmtp (const Server *out, const char *address)
{
  g_autofree char *command = lookup_command (out, address);

  printf ("# ~/.msmtprc\naccount mail\nhost %s\nport %u\ntls %s\ntls_starttls %s\nauth on\n"
          "user %s\nfrom %s\npasswordeval \"%s\"\n\n",
          out->host, out->port, out->security == APPPASS_SECURITY_NONE ? "off" : "on",
          out->security == APPPASS_SECURITY_STARTTLS ? "on" : "off", address, address, command);
}

static void
print_neomutt (const Server *in, const Server *out, const char *address)
{
  g_autofree char *user = g_uri_escape_string (address, NULL, FALSE);

  printf ("# ~/.config/neomutt/neomuttrc\nset from = \"%s\"\n", address);
  if (in && in->protocol == APPPASS_PROTOCOL_IMAP) {
    g_autofree char *command = lookup_command (in, address);

    printf ("set folder = \"%s://%s@%s:%u/\"\nset imap_pass = \"`%s`\"\n",
            in->security == APPPASS_SECURITY_TLS ? "imaps" : "imap", user, in->host, in->port,
            command);
  }
  if (out) {
    g_autofree char *command = lookup_command (out, address);

    printf ("set smtp_url = \"%s://%s@%s:%u/\"\nset smtp_pass = \"`%s`\"\n",
            out->security == APPPASS_SECURITY_TLS ? "smtps" : "smtp", user, out->host, out->port,
            command);
  }
}

static void
print_config (const Setup *s)
{
  const Server *in = NULL, *out = NULL;

  for (guint i = 0; i < s->servers->len; i++) {
    const Server *server = g_ptr_array_index (s->servers, i);

    if (server->protocol == APPPASS_PROTOCOL_SMTP)
      out = server;
    else if (in == NULL || server->protocol == APPPASS_PROTOCOL_IMAP)
      in = server;
  }
  fputs (_ ("Lines for your mail programs:\n\n"), stdout);
  if (in && in->protocol == APPPASS_PROTOCOL_IMAP)
    print_mbsync (in, s->address);
  if (out)
    print_msmtp (out, s->address);
  print_neomutt (in, out, s->address);
}

/* Servers from the options, else from the provider database. */
static gboolean
collect_servers (Setup *s, const char *imap, const char *pop3, const char *smtp,
                 ApppassSecurity security)
{
  const char *given[] = {imap, pop3, smtp};

  for (guint p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    Server *server = NULL;

    if (given[p]) {
      server = server_from_option ((ApppassProtocol)p, given[p], security);
      if (server == NULL) {
        cli_error (_ ("“%s” is not a server: write HOST or HOST:PORT."), given[p]);
        return FALSE;
      }
    } else if (p == APPPASS_PROTOCOL_SMTP || (!imap && !pop3 && p == APPPASS_PROTOCOL_IMAP) ||
               (!imap && !pop3 && p == APPPASS_PROTOCOL_POP3 && s->servers->len == 0)) {
      server = server_from_provider (s->provider, (ApppassProtocol)p);
    }
    if (server)
      g_ptr_array_add (s->servers, server);
  }
  if (s->servers->len == 0 ||
      ((Server *)g_ptr_array_index (s->servers, 0))->protocol == APPPASS_PROTOCOL_SMTP) {
    cli_error (_ ("apppass does not know the mail servers of %s. Give them with --imap (or "
                  "--pop3) and --smtp."),
               s->address);
    return FALSE;
  }
  return TRUE;
}

/* Plain text only on the user's own word: a provider file, which anyone
 * with write access to a providers.d folder may have put there, cannot
 * choose it. */
static gboolean
plain_text_allowed (const Setup *s, gboolean user_said_none)
{
  for (guint i = 0; i < s->servers->len && !user_said_none; i++) {
    const Server *server = g_ptr_array_index (s->servers, i);
    g_autofree char *origin = NULL;

    if (server->security != APPPASS_SECURITY_NONE || server->origin == NULL)
      continue;
    origin = g_filename_display_name (server->origin);
    cli_error (_ ("The provider file %s says to send the password to %s (%s) without encryption "
                  "(security “none”). Nothing was sent. If you really want that, run the "
                  "command again with --security none."),
               origin, server->host, apppass_protocol_display_name (server->protocol));
    return FALSE;
  }
  return TRUE;
}

static void
setup_clear (Setup *s)
{
  g_free (s->address);
  g_clear_pointer (&s->servers, g_ptr_array_unref);
  g_free (s->pem);
}

static int
run_setup (Setup *s)
{
  int status = EXIT_DONE;
  char *password;

  print_intro (s);
  offer_page (s);
  password = read_password (
      s->provider, _ ("Paste the app password and press Enter (it is not shown): "), &status);
  if (password == NULL)
    return status;
  cli_warn_shape (s->provider, password);
  status = verify_all (s, password);
  if (status == EXIT_DONE)
    status = store_all (s, password);
  apppass_password_free (password);
  if (status == EXIT_DONE)
    print_config (s);
  return status;
}

int
cli_setup (int argc, char **argv)
{
  g_autofree char *imap = NULL, *pop3 = NULL, *smtp = NULL, *security_word = NULL;
  g_autofree char *ca_file = NULL;
  GOptionEntry entries[] = {
      {"imap", 0, 0, G_OPTION_ARG_STRING, &imap, N_ ("The IMAP server"), "HOST[:PORT]"},
      {"pop3", 0, 0, G_OPTION_ARG_STRING, &pop3, N_ ("The POP3 server"), "HOST[:PORT]"},
      {"smtp", 0, 0, G_OPTION_ARG_STRING, &smtp, N_ ("The SMTP server"), "HOST[:PORT]"},
      {"security", 0, 0, G_OPTION_ARG_STRING, &security_word,
       N_ ("tls, starttls or none, for the servers given here; none also lets a provider "
           "file’s unencrypted server be used"),
       "S"},
      {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
       N_ ("A certificate to trust besides the system’s (PEM)"), "PEM"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr (GOptionContext) context = g_option_context_new (
      _ ("ADDRESS — make, check and store an app password for a terminal mail setup"));
  g_autoptr (GError) error = NULL;
  ApppassSecurity security;
  Setup s = {0};
  int status = EXIT_USAGE;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  describe_ca_file (context);
  if (!cli_parse (context, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2 || strchr (argv[1], '@') == NULL) {
    cli_error (_ ("setup needs one mail address, like ann@example.org."));
    return EXIT_USAGE;
  }
  if (!apppass_security_from_string (security_word ? security_word : "tls", &security, &error)) {
    cli_error ("%s", error->message);
    return EXIT_USAGE;
  }
  s.address = g_strdup (argv[1]);
  s.servers = g_ptr_array_new_with_free_func ((GDestroyNotify)server_free);
  s.provider = apppass_provider_db_identify (apppass_provider_db_get_default (),
                                             APPPASS_PROTOCOL_IMAP, imap ? imap : pop3, s.address);
  if (read_ca_file (ca_file, &s.pem, &status) && collect_servers (&s, imap, pop3, smtp, security) &&
      plain_text_allowed (&s, security_word != NULL && security == APPPASS_SECURITY_NONE))
    status = run_setup (&s);
  setup_clear (&s);
  return status;
}
