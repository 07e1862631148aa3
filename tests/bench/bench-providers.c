/* apppass benchmark — 10,000 provider files against the built-in providers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes N_FILES generated provider files (one in a hundred with wildcard
 * hosts, as an admin's file may have), then prints, for the built-in
 * database and for the one with every file, in the same run: loading time
 * (and per file), identification and diagnosis per call, and `apppass
 * diagnose` end to end when $APPPASS_CLI is set. Medians; nothing asserted. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "apppass-diagnosis.h"

#define N_FILES   10000
#define LOAD_RUNS 3
#define CALLS     20000
#define CLI_RUNS  3

static const char *const alert = "* NO [ALERT] Application-specific password required: "
                                 "https://support.google.com/accounts/answer/185833 (Failure)";

static void
write_files (const char *dir)
{
  for (guint i = 0; i < N_FILES; i++) {
    g_autofree char *path = g_strdup_printf ("%s/p%05u.ini", dir, i);
    g_autofree char *hosts = i % 100 == 0
                                 ? g_strdup_printf ("imap*.b%05u.example;*.mx.b%05u.example", i, i)
                                 : g_strdup_printf ("imap.b%05u.example", i);
    g_autofree char *text = g_strdup_printf (
        "[Provider]\nId=bench-%05u\nName=Bench Mail %u\nDomains=b%05u.example;b%05u.mail\n"
        "ImapHosts=%s\nSmtpHosts=smtp.b%05u.example\nImapServer=imap.b%05u.example:993:tls\n"
        "Policy=two-step\nAppPasswordUrl=https://b%05u.example/app-passwords\n",
        i, i, i, i, hosts, i, i, i);
    g_autoptr (GError) error = NULL;

    g_file_set_contents (path, text, -1, &error);
    g_assert_no_error (error);
  }
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median (double *values, guint n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[n / 2];
}

/* Milliseconds to load, median of LOAD_RUNS. */
static double
time_load (const char *const *dirs)
{
  double runs[LOAD_RUNS];

  for (guint r = 0; r < LOAD_RUNS; r++) {
    gint64 start = g_get_monotonic_time ();
    ApppassProviderDb *db = apppass_provider_db_new (dirs);

    runs[r] = (g_get_monotonic_time () - start) / 1000.0;
    g_assert_cmpuint (apppass_provider_db_list (db)->len, >=, 24);
    apppass_provider_db_free (db);
  }
  return median (runs, LOAD_RUNS);
}

typedef struct {
  const char *what, *host, *user;
} Query;

static const Query queries[] = {
    {"a built-in host", "imap.gmail.com", "ann@gmail.com"},
    {"a shared host", "outlook.office365.com", "ann@contoso.com"},
    {"the address only", "mail.example.net", "ann@yandex.ru"},
    {"an unknown account", "mail.example.net", "ann@example.net"},
};

/* Microseconds per call of identify (@q) or, with @q NULL, of diagnose. */
static double
time_round (const ApppassProviderDb *db, const Query *q)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < CALLS / 5; i++) {
    if (q)
      apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, q->host, q->user);
    else
      apppass_diagnosis_free (apppass_diagnose (db, APPPASS_PROTOCOL_IMAP, "imap.gmail.com",
                                                "ann@gmail.com", alert, -1));
  }
  return (double)(g_get_monotonic_time () - start) / (CALLS / 5);
}

/* Medians of 5 rounds, the two databases taking turns: a busy machine
 * slows both alike. */
static void
time_pair (const ApppassProviderDb *a, const ApppassProviderDb *b, const Query *q, double *ta,
           double *tb)
{
  double ra[5], rb[5];

  for (guint r = 0; r < 5; r++) {
    ra[r] = time_round (a, q);
    rb[r] = time_round (b, q);
  }
  *ta = median (ra, 5);
  *tb = median (rb, 5);
}

/* Milliseconds for `apppass diagnose` with XDG_CONFIG_HOME at @config. */
static double
time_cli (const char *cli, const char *config, const char *empty)
{
  double runs[CLI_RUNS];

  for (guint r = 0; r < CLI_RUNS; r++) {
    g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
        G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autoptr (GSubprocess) process = NULL;
    g_autoptr (GBytes) input = g_bytes_new_static (alert, strlen (alert));
    g_autoptr (GError) error = NULL;
    gint64 start = g_get_monotonic_time ();

    g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
    g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", empty, TRUE);
    process = g_subprocess_launcher_spawn (launcher, &error, cli, "diagnose", "--protocol", "imap",
                                           "--host", "imap.gmail.com", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate (process, input, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    runs[r] = (g_get_monotonic_time () - start) / 1000.0;
  }
  return median (runs, CLI_RUNS);
}

static void
remove_tree (const char *config, const char *dir)
{
  for (guint i = 0; i < N_FILES; i++) {
    g_autofree char *path = g_strdup_printf ("%s/p%05u.ini", dir, i);

    g_unlink (path);
  }
  g_rmdir (dir);
  {
    g_autofree char *apppass = g_path_get_dirname (dir);

    g_rmdir (apppass);
  }
  g_rmdir (config);
}

int
main (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config = g_dir_make_tmp ("apppass-bench-providers-XXXXXX", &error);
  g_autofree char *dir = NULL;
  const char *dirs[] = {NULL, NULL};
  ApppassProviderDb *builtin, *many;
  double load_builtin, load_many;

  g_assert_no_error (error);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  dir = g_build_filename (config, "apppass", "providers.d", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_files (dir);
  dirs[0] = dir;

  load_builtin = time_load (NULL);
  load_many = time_load (dirs);
  builtin = apppass_provider_db_new (NULL);
  printf ("load: %u built-in providers %.2f ms; with %u provider files %.1f ms "
          "(%.1f µs per file, %.0f times the built-ins)\n",
          apppass_provider_db_list (builtin)->len, load_builtin, N_FILES, load_many,
          (load_many - load_builtin) * 1000.0 / N_FILES, load_many / load_builtin);

  many = apppass_provider_db_new (dirs);
  g_assert_cmpuint (apppass_provider_db_list (many)->len, ==,
                    apppass_provider_db_list (builtin)->len + N_FILES);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++) {
    double a, b;

    time_pair (builtin, many, &queries[i], &a, &b);
    printf ("identify, %s: %.2f µs with the built-ins, %.2f µs with %u files (ratio %.2f)\n",
            queries[i].what, a, b, N_FILES, b / a);
  }
  {
    double a, b;

    time_pair (builtin, many, NULL, &a, &b);
    printf ("diagnose (library): %.2f µs with the built-ins, %.2f µs with %u files "
            "(ratio %.2f)\n",
            a, b, N_FILES, b / a);
  }
  if (g_getenv ("APPPASS_CLI")) {
    g_autofree char *empty = g_build_filename (config, "empty", NULL);
    double a, b;

    g_mkdir (empty, 0700);
    a = time_cli (g_getenv ("APPPASS_CLI"), empty, empty);
    b = time_cli (g_getenv ("APPPASS_CLI"), config, empty);
    printf ("apppass diagnose (command, end to end): %.1f ms with the built-ins, %.1f ms with "
            "%u files (ratio %.1f)\n",
            a, b, N_FILES, b / a);
    g_rmdir (empty);
  }
  apppass_provider_db_free (builtin);
  apppass_provider_db_free (many);
  remove_tree (config, dir);
  return 0;
}
