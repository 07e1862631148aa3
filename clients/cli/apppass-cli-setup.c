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
#include "apppass-wipe.h"

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
    /* Empty input has no data pointer at all. */
    raw = g_bytes_get_size (bytes)
              ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
              : g_strdup ("");
    length = g_bytes_get_size (bytes);
  }
  if (too_long) {
    cli_error (_ ("The pasted text is far too long for a password. Copy only the password and "
                  "paste it again."));
    /* By length: a NUL typed at the prompt would end apppass_password_free()'s wipe. */
    apppass_wipe_free (raw, length);
    *status = EXIT_USAGE;
    return NULL;
  }
  password = apppass_password_normalize (raw, (gssize)length, &error);
  if (password == NULL) {
    cli_error ("%s", error->message);
    *status = EXIT_USAGE;
  }
  password = refuse_two_passwords (provider, raw, length, password, status);
  apppass_wipe_free (raw, length);
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
 * know that before relying on it. Said by verify's and setup's --help. */
static const char *
ca_file_text (void)
{
  return _ ("--ca-file: the certificate is trusted besides the system’s. If it is the "
            "server’s own certificate rather than a CA’s, it is trusted as a pin, like a "
            "certificate accepted in a mail client: its dates, host name and algorithm "
            "are not checked.");
}

static void
describe_ca_file (GOptionContext *context)
{
  g_option_context_set_description (context, ca_file_text ());
}

/* Shown, never obeyed: the words only, on the one line that says whose they are. */
static void
print_server_text (const char *server_text)
{
  g_autofree char *shown = apppass_display_text (server_text, -1);

  printf (_ ("The server said: %s\n"), shown);
}

/* common/ words it for every client; only the terminal has --ca-file to name. */
static gboolean
is_untrusted_certificate (const ApppassLoginOptions *options, const GError *error)
{
  g_autofree char *untrusted = g_strdup_printf (
      _ ("The certificate of %s is not trusted, so the password was not sent. If your mail "
         "program accepted this certificate, apppass can be given the same one."),
      options->host);

  return g_strcmp0 (error->message, untrusted) == 0;
}

/* Prints what the check found; returns the exit code of docs/design.md. */
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
            apppass_protocol_display_name (options->protocol), cli_explanation (result->diagnosis));
    print_server_text (result->server_text);
    if (result->diagnosis->url)
      printf (_ ("Page:     %s\n"), result->diagnosis->url);
    if (result->diagnosis->action == APPPASS_ACTION_OAUTH && result->diagnosis->provider) {
      printf ("\n");
      cli_print_oauth_help (result->diagnosis->provider, options->protocol);
    }
    return EXIT_REJECTED;
  case APPPASS_LOGIN_FAILED:
  default:
    cli_error ("%s", result->error->message);
    if (options->trusted_pem == NULL && is_untrusted_certificate (options, result->error))
      cli_error (_ ("If the server’s certificate (or its CA’s) is one you trust, give it with "
                    "--ca-file PEM."));
    return g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? EXIT_FAILURE_OTHER
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
      {"host", 0, 0, G_OPTION_ARG_STRING, &host, N_ ("The server’s host name"), N_ ("HOST")},
      {"port", 0, 0, G_OPTION_ARG_INT, &port, N_ ("The server’s port"), "N"},
      {"security", 0, 0, G_OPTION_ARG_STRING, &security_word, N_ ("tls, starttls or none"), "S"},
      {"user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("The login name"), N_ ("USER")},
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
      {"host", 0, 0, G_OPTION_ARG_STRING, &host, N_ ("The server’s host name"), N_ ("HOST")},
      {"user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("The login name"), N_ ("USER")},
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

static void
describe_setup (GOptionContext *context)
{
  g_autofree char *text = g_strconcat (
      _ ("SECURITY is tls, starttls or none; a server’s own SECURITY wins over --security. For "
         "example: --imap imap.example.org:993:tls --smtp smtp.example.org:587:starttls"),
      "\n\n", ca_file_text (), NULL);

  g_option_context_set_description (context, text);
}

static void
server_free (CliServer *server)
{
  g_free (server->host);
  g_free (server->origin);
  g_free (server);
}

/* Splits "HOST", "HOST:PORT", "HOST:PORT:SECURITY" or "[V6]:PORT:SECURITY";
 * a bare IPv6 address is all host. */
static gboolean
split_server (const char *text, char **host, char **port, char **security)
{
  const char *rest;

  if (text[0] == '[') {
    const char *end = strchr (text, ']');

    if (end == NULL || (end[1] != '\0' && end[1] != ':'))
      return FALSE;
    *host = g_strndup (text + 1, end - text - 1);
    rest = end[1] ? end + 2 : NULL;
  } else if (g_hostname_is_ip_address (text)) {
    *host = g_strdup (text);
    return TRUE;
  } else {
    const char *colon = strchr (text, ':');

    *host = colon ? g_strndup (text, colon - text) : g_strdup (text);
    rest = colon ? colon + 1 : NULL;
  }
  if (rest) {
    const char *colon = strchr (rest, ':');

    *port = colon ? g_strndup (rest, colon - rest) : g_strdup (rest);
    *security = colon ? g_strdup (colon + 1) : NULL;
  }
  return **host != '\0' && (*security == NULL || strchr (*security, ':') == NULL);
}

/* The host part of a --imap or --pop3 value, for recognising the provider. */
static char *
option_host (const char *text)
{
  char *host = NULL, *port = NULL, *security = NULL;

  if (text == NULL || !split_server (text, &host, &port, &security)) {
    g_free (host);
    host = NULL;
  }
  g_free (port);
  g_free (security);
  return host;
}

/* From an option: the server's own SECURITY wins over --security. */
static CliServer *
server_from_option (ApppassProtocol protocol, const char *text, ApppassSecurity security)
{
  g_autofree char *host = NULL, *port_word = NULL, *security_word = NULL;
  guint64 port = 0;
  CliServer *server;

  if (!split_server (text, &host, &port_word, &security_word) || !apppass_host_is_valid (host) ||
      (port_word && *port_word &&
       !g_ascii_string_to_unsigned (port_word, 10, 1, 65535, &port, NULL)) ||
      (security_word && !apppass_security_from_string (security_word, &security, NULL)))
    return NULL;
  server = g_new0 (CliServer, 1);
  server->protocol = protocol;
  server->host = g_steal_pointer (&host);
  server->security = security;
  server->port = port ? (guint16)port : apppass_protocol_default_port (protocol, security);
  return server;
}

static CliServer *
server_from_provider (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *host;
  guint16 port;
  ApppassSecurity security;
  CliServer *server;

  if (provider == NULL ||
      !apppass_provider_get_server (provider, protocol, &host, &port, &security))
    return NULL;
  server = g_new0 (CliServer, 1);
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
  char *ca_file; /* absolute, for the tools' files */
} Setup;

/* The protocol the explanation and steps are for: the first server's. */
static ApppassProtocol
intro_protocol (const Setup *s)
{
  const CliServer *first = s->servers->len > 0 ? g_ptr_array_index (s->servers, 0) : NULL;

  return first ? first->protocol : APPPASS_PROTOCOL_IMAP;
}

static void
print_heading (const Setup *s)
{
  if (s->provider)
    printf ("%s — %s\n\n", apppass_provider_get_name (s->provider), s->address);
  else
    printf ("%s\n\n", s->address);
}

/* What is needed and how to get it. Of an unknown provider nothing is
 * known: no claim that it wants an app password, only what setup does. */
static void
print_intro (const Setup *s)
{
  ApppassDiagnosis d = {APPPASS_CAUSE_APP_PASSWORD_REQUIRED,
                        APPPASS_ACTION_APP_PASSWORD,
                        s->provider,
                        NULL,
                        NULL,
                        TRUE};
  g_autofree char *explanation = NULL;
  /* Steps in data mention no buttons: the terminal has none; offer_page() prints the address. */
  g_auto (GStrv) steps = NULL;

  if (s->provider == NULL) {
    printf (_ ("apppass does not know this mail provider, so it cannot say whether it wants an "
               "app password. If it does, create one on the provider’s website (look for “app "
               "passwords” in its security settings) and paste it here; otherwise paste the "
               "account’s password. apppass logs in with it before it stores anything.\n\n"));
    return;
  }
  explanation = apppass_diagnosis_explain (&d, intro_protocol (s));
  steps = apppass_provider_get_steps_for (s->provider, intro_protocol (s));
  printf ("%s\n\n", explanation);
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
    /* GIO's reason ("Error resolving …") means nothing to the user. */
    if (g_app_info_launch_default_for_uri (url, NULL, NULL))
      fputs (_ ("It was opened in your web browser.\n"), stdout);
    else
      fputs (_ ("No web browser could be opened: copy the address into one.\n"), stdout);
  }
  printf ("\n");
  fflush (stdout);
}

/* After a rejected paste: the likely slips, before the same steps again. */
static void
hint_rejected_paste (const Setup *s)
{
  g_autofree char *hint = s->provider ? apppass_provider_get_password_hint (s->provider) : NULL;

  if (hint)
    printf (_ ("Check that you copied the whole app password (%s), that it was made for this "
               "account, and that it has not been revoked on the app password page. If in "
               "doubt, make a new one and run setup again.\n"),
            hint);
  else
    printf (_ ("Check that you copied the whole password, that it is for this account, and that "
               "it has not been revoked. If in doubt, make a new one and run setup again.\n"));
}

/* Proves the password on every server; the exit code, EXIT_DONE when all accepted. */
static int
verify_all (const Setup *s, const char *password)
{
  for (guint i = 0; i < s->servers->len; i++) {
    const CliServer *server = g_ptr_array_index (s->servers, i);
    ApppassLoginOptions options = {server->protocol, server->host, server->port, server->security,
                                   s->address,       s->pem,       NULL,         0};
    g_autoptr (ApppassLoginResult) result = NULL;
    int status;

    printf (_ ("Checking %s at %s…\n"), apppass_protocol_display_name (server->protocol),
            server->host);
    fflush (stdout);
    result = apppass_login_check_sync (&options, password, NULL);
    status = report_result (&options, result);
    if (status == EXIT_REJECTED && result->diagnosis->action == APPPASS_ACTION_APP_PASSWORD)
      hint_rejected_paste (s);
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
    const CliServer *server = g_ptr_array_index (s->servers, i);
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

static void
print_config (const Setup *s)
{
  const CliServer *in = NULL, *out = NULL;

  for (guint i = 0; i < s->servers->len; i++) {
    const CliServer *server = g_ptr_array_index (s->servers, i);

    if (server->protocol == APPPASS_PROTOCOL_SMTP)
      out = server;
    else if (in == NULL || server->protocol == APPPASS_PROTOCOL_IMAP)
      in = server;
  }
  cli_print_tool_setups (s->address, in, out, s->ca_file);
}

/* Servers from the options, else from the provider database. */
static gboolean
collect_servers (Setup *s, const char *imap, const char *pop3, const char *smtp,
                 ApppassSecurity security)
{
  const char *given[] = {imap, pop3, smtp};

  for (guint p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    CliServer *server = NULL;

    if (given[p]) {
      server = server_from_option ((ApppassProtocol)p, given[p], security);
      if (server == NULL) {
        cli_error (_ ("“%s” is not a server: write HOST, HOST:PORT or HOST:PORT:SECURITY "
                      "(tls, starttls or none)."),
                   given[p]);
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
      ((CliServer *)g_ptr_array_index (s->servers, 0))->protocol == APPPASS_PROTOCOL_SMTP) {
    cli_error (_ ("The mail servers of %s are not known. Give them with --imap (or --pop3) and "
                  "--smtp."),
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
    const CliServer *server = g_ptr_array_index (s->servers, i);
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

/* Takes the servers whose protocol takes OAuth 2.0 only out of @s, saying
 * why and what works instead, before any password is asked for. FALSE when
 * none is left. */
static gboolean
set_oauth_only_aside (Setup *s)
{
  g_autoptr (GString) names = g_string_new (NULL);
  const CliServer *next;

  for (guint i = 0; i < s->servers->len; i++) {
    const CliServer *server = g_ptr_array_index (s->servers, i);

    if (cli_protocol_is_oauth_only (s->provider, server->protocol))
      g_string_append_printf (names, "%s%s", names->len ? ", " : "",
                              apppass_protocol_display_name (server->protocol));
  }
  for (guint i = s->servers->len; i-- > 0;) {
    if (cli_protocol_is_oauth_only (s->provider,
                                    ((CliServer *)g_ptr_array_index (s->servers, i))->protocol))
      g_ptr_array_remove_index (s->servers, i);
  }
  printf (_ ("%s takes no passwords from mail programs (%s), not even app passwords: only "
             "OAuth 2.0 sign-in. So apppass asks for no password for it.\n"),
          apppass_provider_get_name (s->provider), names->str);
  cli_print_oauth_tools (s->provider);
  if (s->servers->len == 0)
    return FALSE;
  next = g_ptr_array_index (s->servers, 0);
  if (apppass_provider_admin_decides (s->provider, next->protocol))
    printf (_ ("For %s a password or app password may still work, where your organisation’s "
               "administrator allows it. If you have one, paste it below to set up %s.\n\n"),
            apppass_protocol_display_name (next->protocol),
            apppass_protocol_display_name (next->protocol));
  return TRUE;
}

static void
setup_clear (Setup *s)
{
  g_free (s->address);
  g_clear_pointer (&s->servers, g_ptr_array_unref);
  g_free (s->pem);
  g_free (s->ca_file);
}

static int
run_setup (Setup *s)
{
  int status = EXIT_DONE;
  gboolean had_oauth_only = FALSE;
  char *password;

  for (guint i = 0; i < s->servers->len; i++)
    had_oauth_only |= cli_protocol_is_oauth_only (
        s->provider, ((CliServer *)g_ptr_array_index (s->servers, i))->protocol);
  print_heading (s);
  if (had_oauth_only && !set_oauth_only_aside (s)) {
    cli_error (_ ("No password was asked for, sent or stored."));
    return EXIT_NOT_SENT;
  }
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
  g_autofree char *ca_file = NULL, *given_host = NULL;
  GOptionEntry entries[] = {
      {"imap", 0, 0, G_OPTION_ARG_STRING, &imap, N_ ("The IMAP server"),
       N_ ("HOST[:PORT[:SECURITY]]")},
      {"pop3", 0, 0, G_OPTION_ARG_STRING, &pop3, N_ ("The POP3 server"),
       N_ ("HOST[:PORT[:SECURITY]]")},
      {"smtp", 0, 0, G_OPTION_ARG_STRING, &smtp, N_ ("The SMTP server"),
       N_ ("HOST[:PORT[:SECURITY]]")},
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
  describe_setup (context);
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
  s.ca_file = ca_file ? g_canonicalize_filename (ca_file, NULL) : NULL;
  given_host = option_host (imap ? imap : pop3);
  s.provider = apppass_provider_db_identify (apppass_provider_db_get_default (),
                                             APPPASS_PROTOCOL_IMAP, given_host, s.address);
  if (read_ca_file (ca_file, &s.pem, &status) && collect_servers (&s, imap, pop3, smtp, security) &&
      plain_text_allowed (&s, security_word != NULL && security == APPPASS_SECURITY_NONE))
    status = run_setup (&s);
  setup_clear (&s);
  return status;
}
