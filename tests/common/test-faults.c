/* apppass tests — faults around the login check's helper process
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plugins check a password in apppass-login-helper (see
 * apppass-login-process.h). Whatever happens to that process — killed, frozen,
 * missing, gone before it read its request — the check ends within a bound
 * with a result that says what happened, and says it was not accepted. */
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include "apppass-error.h"
#include "apppass-login-process.h"
#include "apppass-test-server-driver.h"

/* How long a check may take beyond its own timeout before the test calls it a hang. */
#define SLACK_MS 8000

typedef struct {
  GMainLoop *loop;
  ApppassLoginResult *result;
} Wait;

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *wait = data;

  (void)source;
  wait->result = apppass_login_check_isolated_finish (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
give_up (gpointer data)
{
  Wait *wait = data;

  g_main_loop_quit (wait->loop);
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until the check ends or @bound_ms pass; the result or NULL. */
static ApppassLoginResult *
wait_for_result (Wait *wait, guint bound_ms)
{
  guint timer = g_timeout_add (bound_ms, give_up, wait);

  if (wait->result == NULL)
    g_main_loop_run (wait->loop);
  g_source_remove (timer);
  return g_steal_pointer (&wait->result);
}

/* The helper this process started, found in /proc by its parent; 0 if none yet. */
static pid_t
find_helper (void)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *me = g_strdup_printf ("%d", (int)getpid ());
  const char *name;

  while (proc && (name = g_dir_read_name (proc)) != NULL) {
    g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
    g_autofree char *stat = NULL;
    g_auto (GStrv) fields = NULL;
    const char *end;

    if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
      continue;
    /* "pid (comm) state ppid …"; comm may hold spaces, so split after ')'. */
    end = strrchr (stat, ')');
    if (end == NULL || strstr (stat, "(apppass-login-h") == NULL)
      continue;
    fields = g_strsplit (end + 2, " ", 3);
    if (fields[0] && fields[1] && g_str_equal (fields[1], me))
      return (pid_t)atoi (name);
  }
  return 0;
}

static pid_t
wait_for_helper (void)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  pid_t pid;

  while ((pid = find_helper ()) == 0 && g_get_monotonic_time () < end) {
    g_main_context_iteration (NULL, FALSE);
    g_usleep (10 * 1000);
  }
  return pid;
}

static gboolean
helper_gone (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d", (int)pid);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_file_test (path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < end) {
    g_main_context_iteration (NULL, FALSE);
    g_usleep (10 * 1000);
  }
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A check against a server that accepts and then says nothing. */
static void
start_silent_check (TestServer *server, guint timeout_ms, GCancellable *cancellable, Wait *wait)
{
  g_autofree char *pem = test_cert_pem ("ca");
  ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP,
                                 "127.0.0.1",
                                 test_server_port (server, "imaps"),
                                 APPPASS_SECURITY_TLS,
                                 "ann@gmail.com",
                                 pem,
                                 NULL,
                                 timeout_ms};

  apppass_login_check_isolated (&options, TEST_GOOD_PASSWORD, cancellable, on_checked, wait);
}

/* start_silent_check, and the helper process it runs in. */
static pid_t
start_helper_check (TestServer *server, guint timeout_ms, GCancellable *cancellable, Wait *wait)
{
  pid_t helper;

  start_silent_check (server, timeout_ms, cancellable, wait);
  helper = wait_for_helper ();
  g_assert_cmpint (helper, >, 0);
  return helper;
}

static TestServer *
silent_server (void)
{
  g_autofree char *base = test_scenario ("gmail");
  g_autofree char *scenario = g_strconcat (base, "\n[imap]\nmode=silent\n", NULL);

  return test_server_start (scenario, "server");
}

static void
assert_not_accepted (const ApppassLoginResult *r, int code, const char *needle)
{
  g_assert_nonnull (r);
  g_test_message ("told: %s", r->error ? r->error->message : "(accepted)");
  g_assert_cmpint (r->outcome, ==, APPPASS_LOGIN_FAILED);
  g_assert_error (r->error, APPPASS_ERROR, code);
  g_assert_true (g_utf8_validate (r->error->message, -1, NULL));
  g_assert_nonnull (strstr (r->error->message, needle));
  g_assert_false (r->password_sent);
}

/* The helper dies mid-check (killed, or crashed): told at once, not "cancelled". */
static void
test_helper_killed (void)
{
  g_autoptr (TestServer) server = silent_server ();
  Wait wait = {g_main_loop_new (NULL, FALSE), NULL};
  g_autoptr (ApppassLoginResult) r = NULL;
  gint64 start;
  pid_t helper;

  helper = start_helper_check (server, 60000, NULL, &wait);
  g_usleep (300 * 1000); /* connected, waiting for the greeting */
  start = g_get_monotonic_time ();
  g_assert_cmpint (kill (helper, SIGKILL), ==, 0);
  r = wait_for_result (&wait, SLACK_MS);
  assert_not_accepted (r, APPPASS_ERROR_NOT_SENT, "stopped unexpectedly");
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 3000);
  g_main_loop_unref (wait.loop);
}

/* The helper is frozen (SIGSTOP, a debugger, a swapped-out machine): the
 * check still ends shortly after its own timeout, and the helper goes. */
static void
test_helper_frozen (void)
{
  g_autoptr (TestServer) server = silent_server ();
  Wait wait = {g_main_loop_new (NULL, FALSE), NULL};
  g_autoptr (ApppassLoginResult) r = NULL;
  pid_t helper;

  helper = start_helper_check (server, 1500, NULL, &wait);
  g_assert_cmpint (kill (helper, SIGSTOP), ==, 0);
  /* The watchdog's grace is 10 s beyond the timeout. */
  r = wait_for_result (&wait, 1500 + 10000 + SLACK_MS);
  if (r == NULL)
    kill (helper, SIGKILL);
  assert_not_accepted (r, APPPASS_ERROR_NOT_SENT, "stopped unexpectedly");
  g_assert_true (helper_gone (helper));
  g_main_loop_unref (wait.loop);
}

/* Cancelling (the dialog's Cancel, or the mail client closing the dialog)
 * ends the helper too: nothing keeps talking to the server. */
static void
test_cancel_ends_helper (void)
{
  g_autoptr (TestServer) server = silent_server ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Wait wait = {g_main_loop_new (NULL, FALSE), NULL};
  g_autoptr (ApppassLoginResult) r = NULL;
  pid_t helper;

  helper = start_helper_check (server, 60000, cancellable, &wait);
  g_cancellable_cancel (cancellable);
  r = wait_for_result (&wait, SLACK_MS);
  g_assert_cmpint (r->outcome, ==, APPPASS_LOGIN_FAILED);
  g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (r->password_sent);
  g_assert_true (helper_gone (helper));
  g_main_loop_unref (wait.loop);
}

/* A helper that is not there, or one that quits before reading its request:
 * a clear failure, and this process (the mail client) is not taken down by
 * SIGPIPE while it writes the request. */
static void
test_helper_broken (void)
{
  struct {
    const char *helper, *needle;
  } cases[] = {
      {"/nonexistent/apppass-login-helper", "apppass-login-helper"},
      {"/bin/true", "stopped unexpectedly"},
      {"/bin/false", "stopped unexpectedly"},
  };
  g_autofree char *saved = g_strdup (g_getenv ("APPPASS_LOGIN_HELPER"));
  g_autoptr (TestServer) server = silent_server ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Wait wait = {g_main_loop_new (NULL, FALSE), NULL};
    g_autoptr (ApppassLoginResult) r = NULL;

    g_setenv ("APPPASS_LOGIN_HELPER", cases[i].helper, TRUE);
    start_silent_check (server, 60000, NULL, &wait);
    /* The request is written from the main loop: by then the helper is gone. */
    g_usleep (300 * 1000);
    r = wait_for_result (&wait, SLACK_MS);
    assert_not_accepted (r, APPPASS_ERROR_NOT_SENT, cases[i].needle);
    g_main_loop_unref (wait.loop);
  }
  g_setenv ("APPPASS_LOGIN_HELPER", saved, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fault/helper-killed", test_helper_killed);
  g_test_add_func ("/fault/helper-frozen", test_helper_frozen);
  g_test_add_func ("/fault/cancel-ends-helper", test_cancel_ends_helper);
  g_test_add_func ("/fault/helper-broken", test_helper_broken);
  return g_test_run ();
}
