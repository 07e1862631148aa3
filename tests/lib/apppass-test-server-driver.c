/* apppass tests — driving the project's test mail server
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-test-server-driver.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

static char *certs_dir;

static void
remove_tree (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileEnumerator) children = g_file_enumerate_children (
      file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL) {
    g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

    if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
      remove_tree (child);
    else
      g_unlink (child);
    g_object_unref (info);
  }
  g_rmdir (path);
}

static void
remove_certs (void)
{
  remove_tree (certs_dir);
}

static void
run_or_fail (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);

  g_assert_no_error (error);
  g_subprocess_wait_check (p, NULL, &error);
  g_assert_no_error (error);
}

const char *
test_certs_dir (void)
{
  if (certs_dir == NULL) {
    g_autoptr (GError) error = NULL;
    g_autofree char *script = g_test_build_filename (G_TEST_DIST, "server", "make-certs.sh", NULL);

    certs_dir = g_dir_make_tmp ("apppass-certs-XXXXXX", &error);
    g_assert_no_error (error);
    run_or_fail ((const char *[]){"bash", script, certs_dir, NULL});
    atexit (remove_certs);
  }
  return certs_dir;
}

char *
test_cert_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".pem", NULL);

  return g_build_filename (test_certs_dir (), file, NULL);
}

char *
test_cert_pem (const char *name)
{
  g_autofree char *path = test_cert_path (name);
  g_autoptr (GError) error = NULL;
  char *pem = NULL;

  g_file_get_contents (path, &pem, NULL, &error);
  g_assert_no_error (error);
  return pem;
}

char *
test_scenario (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".ini", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "server", "scenarios", file, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static gboolean
wait_for_ports (TestServer *server, const char *path)
{
  for (guint i = 0; i < 500; i++) {
    if (g_file_test (path, G_FILE_TEST_EXISTS))
      return g_key_file_load_from_file (server->ports, path, G_KEY_FILE_NONE, NULL);
    if (g_subprocess_get_identifier (server->process) == NULL)
      return FALSE;
    g_usleep (10 * 1000);
  }
  return FALSE;
}

TestServer *
test_server_start (const char *scenario, const char *cert)
{
  return test_server_start_with_priority (scenario, cert, NULL);
}

TestServer *
test_server_start_with_priority (const char *scenario, const char *cert, const char *priority)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  TestServer *server = g_new0 (TestServer, 1);
  g_autofree char *scenario_path = NULL, *ports_path = NULL, *cert_path = NULL;
  g_autofree char *key_name = g_strconcat (cert, "-key", NULL);
  g_autofree char *key_path = test_cert_path (key_name);
  const char *exe = g_getenv ("APPPASS_TEST_SERVER");

  g_assert_nonnull (exe);
  cert_path = test_cert_path (cert);
  server->dir = g_dir_make_tmp ("apppass-server-XXXXXX", &error);
  g_assert_no_error (error);
  scenario_path = g_build_filename (server->dir, "scenario.ini", NULL);
  ports_path = g_build_filename (server->dir, "ports", NULL);
  server->record_path = g_build_filename (server->dir, "record.jsonl", NULL);
  server->ports = g_key_file_new ();
  g_file_set_contents (scenario_path, scenario, -1, &error);
  g_assert_no_error (error);
  /* The server's own environment only: the client under test keeps its defaults. */
  if (priority)
    g_subprocess_launcher_setenv (launcher, "G_TLS_GNUTLS_PRIORITY", priority, TRUE);
  server->process = g_subprocess_launcher_spawn (
      launcher, &error, exe, "--scenario", scenario_path, "--record", server->record_path, "--cert",
      cert_path, "--key", key_path, "--ports-file", ports_path, NULL);
  g_assert_no_error (error);
  g_assert_true (wait_for_ports (server, ports_path));
  return server;
}

guint16
test_server_port (TestServer *server, const char *service)
{
  g_autoptr (GError) error = NULL;
  int port = g_key_file_get_integer (server->ports, "ports", service, &error);

  g_assert_no_error (error);
  return (guint16)port;
}

char *
test_server_record (TestServer *server)
{
  char *text = NULL;

  if (!g_file_get_contents (server->record_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

char **
test_server_logins (TestServer *server)
{
  g_autofree char *text = test_server_record (server);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *logins = g_ptr_array_new ();

  for (guint i = 0; lines[i]; i++) {
    g_autoptr (JsonNode) node = NULL;
    JsonObject *o;

    if (*lines[i] == '\0')
      continue;
    node = json_from_string (lines[i], NULL);
    g_assert_nonnull (node);
    o = json_node_get_object (node);
    if (g_strcmp0 (json_object_get_string_member (o, "event"), "login") != 0)
      continue;
    g_ptr_array_add (
        logins,
        g_strdup_printf ("%s:%s", json_object_get_string_member (o, "protocol"),
                         json_object_get_boolean_member (o, "matched") ? "matched" : "unmatched"));
  }
  g_ptr_array_add (logins, NULL);
  return (char **)g_ptr_array_free (logins, FALSE);
}

void
test_server_stop (TestServer *server)
{
  if (server == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->record_path);
  g_key_file_unref (server->ports);
  g_free (server);
}
