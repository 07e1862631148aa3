/* apppass tests — files that are not files, and plain text from provider data,
 * through the real apppass command
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every run of the command has a deadline (a hang fails the test instead of
 * blocking it) and an address-space limit (a read without bound fails the
 * test instead of eating the machine's memory). */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apppass-file.h"
#include "apppass-provider.h"
#include "apppass-test-server-driver.h"

#define DEADLINE_SECONDS 10
#define MEMORY_LIMIT     (512u * 1024 * 1024)

typedef struct {
  gboolean timed_out;
  gboolean exited; /* FALSE when killed by a signal */
  int status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *r)
{
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static char *work_dir;   /* removed at exit */
static char *config_dir; /* XDG_CONFIG_HOME of the command */

static void
limit_memory (gpointer data)
{
  struct rlimit limit = {MEMORY_LIMIT, MEMORY_LIMIT};

  (void)data;
#ifndef __SANITIZE_ADDRESS__
  /* AddressSanitizer's shadow memory alone is terabytes of address space:
   * there the deadline is the bound. */
  setrlimit (RLIMIT_AS, &limit);
#else
  (void)limit;
#endif
}

typedef struct {
  gboolean done;
  GBytes *out, *err;
} Exchange;

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer data)
{
  Exchange *x = data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &x->out, &x->err, NULL);
  x->done = TRUE;
}

static char *
text_of (GBytes *bytes)
{
  gsize size = bytes ? g_bytes_get_size (bytes) : 0;

  return size ? g_strndup (g_bytes_get_data (bytes, NULL), size) : g_strdup ("");
}

/* Runs apppass with @argv and @input; @extra_env adds "NAME=value" pairs. */
static Run *
run_bounded (const char *const *argv, const char *input, const char *const *extra_env)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GBytes) nothing = g_bytes_new (NULL, 0);
  g_autoptr (GError) error = NULL;
  g_autofree char *empty = g_build_filename (work_dir, "no-system-config", NULL);
  gint64 deadline = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;
  Exchange x = {0};
  Run *r = g_new0 (Run, 1);

  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", empty, TRUE);
  for (guint i = 0; extra_env && extra_env[i]; i++) {
    g_auto (GStrv) pair = g_strsplit (extra_env[i], "=", 2);

    g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
  }
  g_subprocess_launcher_set_child_setup (launcher, limit_memory, NULL, NULL);
  g_ptr_array_add (args, (gpointer)g_getenv ("APPPASS_CLI"));
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (args, (gpointer)argv[i]);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *)args->pdata, &error);
  g_assert_no_error (error);
  /* Written whole before reading: the input is far below a pipe's buffer,
   * and a command that exits without reading it (EPIPE) keeps its output.
   * GSubprocess then only closes the pipe. */
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), input ? input : "",
                             input ? strlen (input) : 0, NULL, NULL, NULL);
  g_subprocess_communicate_async (process, nothing, NULL, on_communicated, &x);
  while (!x.done && g_get_monotonic_time () < deadline) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  }
  if (!x.done) {
    r->timed_out = TRUE;
    g_subprocess_force_exit (process);
    while (!x.done)
      g_main_context_iteration (NULL, TRUE);
  }
  g_subprocess_wait (process, NULL, NULL);
  r->exited = g_subprocess_get_if_exited (process);
  r->status = r->exited ? g_subprocess_get_exit_status (process) : -1;
  r->out = text_of (x.out);
  r->err = text_of (x.err);
  g_clear_pointer (&x.out, g_bytes_unref);
  g_clear_pointer (&x.err, g_bytes_unref);
  g_test_message ("exit %d%s\nstdout: %.400s\nstderr: %.2000s", r->status,
                  r->timed_out ? " (timed out)" : "", r->out, r->err);
  return r;
}

static void
assert_finished (const Run *r)
{
  g_assert_false (r->timed_out);
  g_assert_true (r->exited);
}

/* ---- the things that are not files --------------------------------------- */

typedef struct {
  const char *name;  /* in the work folder */
  const char *words; /* what the message says about it */
} NotAFile;

static const NotAFile not_files[] = {
    {"fifo", "named pipe"},
    {"zero", "device"},
    {"folder", "folder"},
    {"huge.pem", "too large"},
};

static char *
work_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static void
make_not_files (void)
{
  g_autofree char *fifo = work_path ("fifo");
  g_autofree char *zero = work_path ("zero");
  g_autofree char *folder = work_path ("folder");
  g_autofree char *huge = work_path ("huge.pem");
  g_autofree char *filler = g_strnfill (APPPASS_FILE_MAX_CA + 1, 'A');
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_file_set_contents (huge, filler, -1, &error);
  g_assert_no_error (error);
}

static void
test_ca_file (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (not_files); i++) {
    g_autofree char *path = work_path (not_files[i].name);
    const char *verify[] = {"verify",          "--protocol", "imap", "--host",
                            "127.0.0.1",       "--port",     "1",    "--user",
                            "ann@example.org", "--ca-file",  path,   NULL};
    const char *setup[] = {"setup",       "ann@example.org", "--imap", "127.0.0.1:1", "--smtp",
                           "127.0.0.1:1", "--ca-file",       path,     NULL};
    g_autoptr (Run) v = NULL;
    g_autoptr (Run) s = NULL;

    g_test_message ("--ca-file %s", not_files[i].name);
    v = run_bounded (verify, TEST_GOOD_PASSWORD "\n", NULL);
    assert_finished (v);
    g_assert_cmpint (v->status, ==, 2);
    g_assert_nonnull (strstr (v->err, path));
    g_assert_nonnull (strstr (v->err, not_files[i].words));
    s = run_bounded (setup, TEST_GOOD_PASSWORD "\n", NULL);
    assert_finished (s);
    g_assert_cmpint (s->status, ==, 2);
    g_assert_nonnull (strstr (s->err, path));
    g_assert_nonnull (strstr (s->err, not_files[i].words));
  }
}

static char *
providers_dir (void)
{
  char *dir = g_build_filename (config_dir, "apppass", "providers.d", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static void
put_provider (const char *name, const char *text)
{
  g_autofree char *dir = providers_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
clear_providers (void)
{
  g_autofree char *dir = providers_dir ();
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL) {
    g_autofree char *path = g_build_filename (dir, name, NULL);

    if (g_remove (path) != 0)
      g_rmdir (path);
  }
}

/* A FIFO, a device and a folder named *.ini, and a file past the bound. */
/* How many providers are built in, so the count follows the data. */
static guint
builtin_count (void)
{
  const char *none[] = {NULL};
  g_autoptr (ApppassProviderDb) db = apppass_provider_db_new (none);

  return apppass_provider_db_list (db)->len;
}

static void
test_providers_d (void)
{
  g_autofree char *dir = providers_dir ();
  g_autofree char *fifo = work_path ("fifo");
  g_autofree char *fifo_ini = g_build_filename (dir, "fifo.ini", NULL);
  g_autofree char *zero_ini = g_build_filename (dir, "zero.ini", NULL);
  g_autofree char *folder_ini = g_build_filename (dir, "folder.ini", NULL);
  g_autofree char *big_ini = g_build_filename (dir, "big.ini", NULL);
  g_autofree char *padding = g_strnfill (APPPASS_FILE_MAX_PROVIDER, '#');
  g_autofree char *big = g_strdup_printf (
      "%s\n[Provider]\nId=bigcorp\nName=Big Corp\nDomains=big.example\nPolicy=always\n", padding);
  const char *argv[] = {"providers", "--json", NULL};
  const char *text_argv[] = {"providers", NULL};
  const char *diagnose[] = {"diagnose", "--protocol", "imap", "--host", "imap.gmail.com", NULL};
  g_autoptr (Run) r = NULL;
  g_autoptr (Run) t = NULL;
  g_autoptr (Run) d = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *ids = NULL;
  GString *id_list = g_string_new (NULL);
  JsonArray *array;

  g_assert_cmpint (symlink (fifo, fifo_ini), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero_ini), ==, 0);
  g_assert_cmpint (g_mkdir (folder_ini, 0700), ==, 0);
  put_provider ("big.ini", big);
  put_provider ("good.ini", "[Provider]\nId=goodcorp\nName=Good Corp\nDomains=good.example\n"
                            "Policy=always\n");
  r = run_bounded (argv, NULL, NULL);
  assert_finished (r);
  g_assert_cmpint (r->status, ==, 0);
  node = json_from_string (r->out, NULL);
  g_assert_nonnull (node);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (
        id_list, "%s ",
        json_object_get_string_member (json_array_get_object_element (array, i), "id"));
  ids = g_string_free (id_list, FALSE);
  g_assert_cmpuint (json_array_get_length (array), ==, builtin_count () + 1);
  g_assert_nonnull (strstr (ids, "goodcorp "));
  g_assert_null (strstr (ids, "bigcorp "));
  g_assert_nonnull (strstr (r->err, "fifo.ini” is a named pipe"));
  g_assert_nonnull (strstr (r->err, "zero.ini” is a device"));
  g_assert_nonnull (strstr (r->err, "folder.ini” is a folder"));
  g_assert_nonnull (strstr (r->err, "big.ini” is too large"));
  t = run_bounded (text_argv, NULL, NULL);
  assert_finished (t);
  g_assert_cmpint (t->status, ==, 0);
  d = run_bounded (diagnose, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n",
                   NULL);
  assert_finished (d);
  g_assert_cmpint (d->status, ==, 0);
  clear_providers ();
}

/* ---- plain text and other domains from provider data --------------------- */

static char **
record_events (TestServer *server)
{
  g_autofree char *record = test_server_record (server);

  return g_strsplit (g_strstrip (record), "\n", -1);
}

static void
test_setup_none_from_file (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autofree char *ca = test_cert_path ("ca");
  g_autofree char *file =
      g_strdup_printf ("[Provider]\nId=google\n"
                       "ImapServer=127.0.0.1:%u:none\n"
                       "SmtpServer=127.0.0.1:%u:tls\n",
                       test_server_port (server, "imap"), test_server_port (server, "smtps"));
  g_autofree char *dir = providers_dir ();
  g_autofree char *path = g_build_filename (dir, "plain.ini", NULL);
  /* Storing fails at once without a Secret Service: the test never writes
   * to a real keyring. What matters is whether the password went out. */
  const char *env[] = {"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/apppass-test", NULL};
  const char *refused_argv[] = {"setup", "ann@gmail.com", "--ca-file", ca, NULL};
  const char *asked_argv[] = {"setup",      "ann@gmail.com", "--ca-file", ca,
                              "--security", "none",          NULL};
  g_autoptr (Run) refused = NULL;
  g_autoptr (Run) asked = NULL;
  g_auto (GStrv) events = NULL;
  g_auto (GStrv) logins = NULL;

  put_provider ("plain.ini", file);
  refused = run_bounded (refused_argv, TEST_GOOD_PASSWORD "\n", env);
  assert_finished (refused);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, path));
  g_assert_nonnull (strstr (refused->err, "--security none"));
  g_assert_null (strstr (refused->out, "Checking"));
  events = record_events (server);
  g_assert_cmpstr (events[0], ==, NULL); /* not even a connection */

  asked = run_bounded (asked_argv, TEST_GOOD_PASSWORD "\n", env);
  assert_finished (asked);
  logins = test_server_logins (server);
  g_assert_cmpuint (g_strv_length (logins), >=, 1);
  g_assert_cmpstr (logins[0], ==, "imap:matched");
  g_assert_nonnull (strstr (asked->out, "accepted the password"));
  clear_providers ();
}

/* A variant's server is provider data too: Zoho's EU data centre set to
 * plain text by a file gets no password unless the user says so. */
static void
test_setup_none_from_variant (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autofree char *ca = test_cert_path ("ca");
  g_autofree char *file = g_strdup_printf ("[Provider]\nId=zoho\n\n[Variant eu]\n"
                                           "ImapServer=127.0.0.1:%u:none\n",
                                           test_server_port (server, "imap"));
  g_autofree char *dir = providers_dir ();
  g_autofree char *path = g_build_filename (dir, "plain-eu.ini", NULL);
  const char *env[] = {"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/apppass-test", NULL};
  const char *argv[] = {"setup", "ann@zohomail.eu", "--ca-file", ca, NULL};
  g_autoptr (Run) refused = NULL;
  g_auto (GStrv) events = NULL;

  put_provider ("plain-eu.ini", file);
  refused = run_bounded (argv, TEST_GOOD_PASSWORD "\n", env);
  assert_finished (refused);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, path));
  g_assert_nonnull (strstr (refused->err, "--security none"));
  events = record_events (server);
  g_assert_cmpstr (events[0], ==, NULL);
  clear_providers ();
}

/* `apppass providers --json` with one file in providers.d: Google's one
 * mark (every provider's marks are counted: there must be no other). */
static JsonObject *
only_google_mark (JsonNode **node)
{
  const char *argv[] = {"providers", "--json", NULL};
  g_autoptr (Run) j = run_bounded (argv, NULL, NULL);
  JsonObject *google_mark = NULL;
  JsonArray *array;
  guint marked = 0;

  assert_finished (j);
  g_assert_cmpint (j->status, ==, 0);
  *node = json_from_string (j->out, NULL);
  g_assert_nonnull (*node);
  array = json_node_get_array (*node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonObject *o = json_array_get_object_element (array, i);
    JsonArray *overrides = json_object_get_array_member (o, "overrides");

    g_assert_nonnull (overrides);
    marked += json_array_get_length (overrides);
    if (g_str_equal (json_object_get_string_member (o, "id"), "google") &&
        json_array_get_length (overrides) > 0)
      google_mark = json_array_get_object_element (overrides, 0);
  }
  g_assert_cmpuint (marked, ==, 1);
  g_assert_nonnull (google_mark);
  return google_mark;
}

static void
test_providers_marks_override (void)
{
  g_autofree char *dir = providers_dir ();
  g_autofree char *path = g_build_filename (dir, "moved.ini", NULL);
  const char *text_argv[] = {"providers", NULL};
  g_autoptr (Run) t = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *mark;

  /* Google's page moved to another domain; its two-step page moved within
   * google.com, which is not marked. */
  put_provider ("moved.ini", "[Provider]\nId=google\n"
                             "AppPasswordUrl=https://google.com.example.net/apppasswords\n"
                             "TwoStepUrl=https://support.google.com/accounts/answer/185839\n");
  mark = only_google_mark (&node);
  g_assert_cmpstr (json_object_get_string_member (mark, "page"), ==, "app_password_url");
  g_assert_cmpstr (json_object_get_string_member (mark, "url"), ==,
                   "https://google.com.example.net/apppasswords");
  g_assert_cmpstr (json_object_get_string_member (mark, "file"), ==, path);
  t = run_bounded (text_argv, NULL, NULL);
  assert_finished (t);
  g_assert_nonnull (strstr (t->out, path));
  g_assert_nonnull (strstr (t->out, "https://google.com.example.net/apppasswords"));
  clear_providers ();
}

/* A variant is a way round the mark: a file that adds one for gmail.com
 * with its own page is marked too; the built-in variants (Zoho's data
 * centres on zoho.eu, zoho.in…) are not. */
static void
test_providers_marks_variant_override (void)
{
  g_autofree char *dir = providers_dir ();
  g_autofree char *path = g_build_filename (dir, "variant.ini", NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *mark;

  put_provider ("variant.ini", "[Provider]\nId=google\n\n[Variant x]\nDomains=gmail.com\n"
                               "AppPasswordUrl=https://evil.example.net/apppasswords\n");
  mark = only_google_mark (&node);
  g_assert_cmpstr (json_object_get_string_member (mark, "variant"), ==, "x");
  g_assert_cmpstr (json_object_get_string_member (mark, "url"), ==,
                   "https://evil.example.net/apppasswords");
  g_assert_cmpstr (json_object_get_string_member (mark, "file"), ==, path);
  clear_providers ();
}

/* The bound is exact, a link to a regular file is fine, nothing is left open. */
static void
test_reader (void)
{
  g_autofree char *exact = work_path ("exact");
  g_autofree char *link = work_path ("link");
  g_autofree char *empty = work_path ("empty");
  g_autofree char *fifo = work_path ("fifo");
  g_autofree char *text = g_strnfill (1000, 'x');
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *none = NULL;
  gsize length = 0;

  g_file_set_contents (exact, text, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink (exact, link), ==, 0);
  data = apppass_file_read_regular (link, 1000, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 1000);
  g_assert_cmpstr (data, ==, text);
  none = apppass_file_read_regular (exact, 999, &length, &error);
  g_assert_null (none);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, exact));
  g_clear_error (&error);
  g_free (data);
  data = apppass_file_read_regular (empty, 10, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 0);
  g_assert_cmpstr (data, ==, "");
  for (guint i = 0; i < 2000; i++) {
    g_autofree char *refused = apppass_file_read_regular (fifo, 10, NULL, &error);

    g_assert_null (refused);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
    g_clear_error (&error);
  }
  /* 2000 refusals leaked no descriptor: another open still gets a low one. */
  {
    int fd = open (exact, O_RDONLY | O_CLOEXEC);

    g_assert_cmpint (fd, <, 100);
    close (fd);
  }
}

static void
remove_work_dir (void)
{
  g_autofree char *quoted = g_shell_quote (work_dir);
  g_autofree char *command = g_strdup_printf ("rm -rf %s", quoted);

  (void)!system (command);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  /* Most runs end before reading their standard input: writing it must give
   * EPIPE, not kill the test. */
  signal (SIGPIPE, SIG_IGN);
  work_dir = g_dir_make_tmp ("apppass-files-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_work_dir);
  config_dir = g_build_filename (work_dir, "config", NULL);
  make_not_files ();
  g_test_add_func ("/files/reader", test_reader);
  g_test_add_func ("/files/ca-file", test_ca_file);
  g_test_add_func ("/files/providers-d", test_providers_d);
  g_test_add_func ("/files/setup-none-from-file", test_setup_none_from_file);
  g_test_add_func ("/files/setup-none-from-variant", test_setup_none_from_variant);
  g_test_add_func ("/files/providers-override", test_providers_marks_override);
  g_test_add_func ("/files/providers-variant-override", test_providers_marks_variant_override);
  return g_test_run ();
}
