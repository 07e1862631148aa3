/* apppass — the terminal command: verbs and shared pieces
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-cli.h"

#include <errno.h>
#include <gio/gio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apppass-intl.h"
#include "apppass-login-process.h"
#include "apppass-provider.h"
#include "apppass-wipe.h"

#define CLI_DRAIN_LIMIT (64 * 1024 * 1024)

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
} Verb;

static const Verb verbs[] = {
    {"providers", cli_providers}, {"diagnose", cli_diagnose}, {"normalize", cli_normalize},
    {"verify", cli_verify},       {"setup", cli_setup},       {"lookup", cli_lookup},
};

void
cli_error (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "apppass: %s\n", message);
}

/* On stderr, when @password lacks @provider's usual shape; it is kept. */
void
cli_warn_shape (const ApppassProvider *provider, const char *password)
{
  g_autofree char *hint = NULL;

  if (provider == NULL || apppass_provider_password_has_usual_shape (provider, password))
    return;
  hint = apppass_provider_get_password_hint (provider);
  if (hint)
    cli_error (_ ("warning: this does not look like a %s app password (usually %s). "
                  "It was kept as it is."),
               apppass_provider_get_name (provider), hint);
  else
    cli_error (_ ("warning: this does not look like a %s app password. It was kept as it is."),
               apppass_provider_get_name (provider));
}

/* Reads what is left, so that the writer of a long pipe does not die of
 * SIGPIPE; gives up after a bound in case the input never ends. */
static void
drain_stdin (void)
{
  guint8 buffer[8192];
  gsize total = 0;

  while (total < CLI_DRAIN_LIMIT) {
    ssize_t n = read (STDIN_FILENO, buffer, sizeof buffer);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    total += (gsize)n;
  }
}

GBytes *
cli_read_stdin (gsize limit, gboolean *too_long, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  guint8 buffer[8192];

  *too_long = FALSE;
  for (;;) {
    ssize_t n = read (STDIN_FILENO, buffer, sizeof buffer);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Could not read standard input: %s"), g_strerror (errno));
      return NULL;
    }
    if (n == 0)
      break;
    if (data->len + (gsize)n > limit) {
      g_byte_array_append (data, buffer, (guint)(limit - data->len));
      *too_long = TRUE;
      drain_stdin ();
      break;
    }
    g_byte_array_append (data, buffer, (guint)n);
  }
  apppass_wipe (buffer, sizeof buffer);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

gboolean
cli_parse (GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  cli_error ("%s", error->message);
  fprintf (stderr, _ ("Try “apppass %s --help”.\n"), (*argv)[0]);
  return FALSE;
}

static void
print_usage (FILE *out)
{
  fputs (
      _ ("Usage:\n"
         "  apppass providers [--json]\n"
         "  apppass diagnose --protocol imap|pop3|smtp --host HOST [--user ADDRESS] [--json]\n"
         "  apppass normalize [--provider ID]\n"
         "  apppass verify --protocol P --host HOST [--port N] [--security tls|starttls|none]\n"
         "                 --user USER [--ca-file PEM]\n"
         "  apppass setup ADDRESS [--imap HOST[:PORT[:SECURITY]]] [--pop3 HOST[:PORT[:SECURITY]]]\n"
         "                [--smtp HOST[:PORT[:SECURITY]]] [--security tls|starttls|none]\n"
         "                [--ca-file PEM]\n"
         "  apppass lookup --protocol P --host HOST --user USER\n"
         "\n"
         "apppass helps when a mail provider wants an app password.\n"
         "Server answers and passwords are read from standard input, never from the\n"
         "command line. “apppass VERB --help” describes a verb.\n"),
      out);
}

int
main (int argc, char **argv)
{
  /* verify, setup, lookup and normalize hold a password. */
  apppass_protect_process ();
  setlocale (LC_ALL, "");
  apppass_intl_init ();
  g_set_prgname ("apppass");

  if (argc < 2) {
    print_usage (stderr);
    return EXIT_USAGE;
  }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0) {
    print_usage (stdout);
    return EXIT_DONE;
  }
  if (strcmp (argv[1], "--version") == 0) {
    printf ("apppass %s\n", APPPASS_VERSION);
    return EXIT_DONE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++) {
    if (strcmp (argv[1], verbs[i].name) == 0) {
      /* --help's "Usage:" line names the program: "apppass setup", not "apppass". */
      g_autofree char *name = g_strdup_printf ("apppass %s", verbs[i].name);

      g_set_prgname (name);
      return verbs[i].run (argc - 1, argv + 1);
    }
  }
  cli_error (_ ("unknown verb “%s”."), argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}
