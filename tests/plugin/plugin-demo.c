/* apppass tests — one of the plugin's dialogs in a process of its own, for
 * tests that drive it over AT-SPI and for looking at it by eye.
 *
 *   apppass-plugin-demo app-password|honest|oauth|web-login|enable-access|unknown|page
 *
 * Starts the project's test server (Gmail, two-step on), reports a failed
 * login of a test account to the flow, and prints what the adapter is asked
 * to do, one line each: "ready", "opened URI", "stored sha256=HEX",
 * "retried", "switched", "finished OUTCOME". A stored password is printed
 * only as its SHA-256, never as itself.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "apppass-account-page.h"
#include "apppass-flow.h"
#include "apppass-test-client.h"
#include "apppass-test-server-driver.h"
#include "apppass-test-util.h"

typedef struct {
  const char *name;
  const char *host;
  const char *user;
  const char *text;
} Demo;

static const Demo demos[] = {
    {"app-password", NULL, "ann@gmail.com",
     "a1 NO [ALERT] Application-specific password required: "
     "https://support.google.com/accounts/answer/185833 (Failure)"},
    {"honest", NULL, "ann@gmail.com", NULL},
    {"oauth", "outlook.office365.com", "ann@outlook.com", "a1 NO AUTHENTICATE failed."},
    {"web-login", NULL, "ann@gmail.com",
     "a1 NO [WEBALERT https://accounts.google.com/x] Web login required."},
    {"enable-access", NULL, "ann@gmail.com",
     "a1 NO [ALERT] Your account is not enabled for IMAP use. (Failure)"},
    {"unknown", "mail.example.org", "bob@example.org",
     "a1 NO Application-specific password required"},
    {"page", NULL, "ann@gmail.com", NULL},
};

static GMainLoop *loop;
static guint reported_opened, reported_retried, reported_switched;
static gboolean reported_stored;

static gboolean
report (gpointer data)
{
  TestClient *client = data;
  const char *stored = test_client_get_stored (client, "1", APPPASS_PROTOCOL_IMAP);

  for (; reported_opened < client->opened->len; reported_opened++)
    printf ("opened %s\n", (char *)client->opened->pdata[reported_opened]);
  for (; reported_retried < client->retried->len; reported_retried++)
    printf ("retried\n");
  for (; reported_switched < client->switched->len; reported_switched++)
    printf ("switched\n");
  if (stored && !reported_stored) {
    g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, stored, -1);

    printf ("stored sha256=%s\n", sum);
    reported_stored = TRUE;
  }
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit (gpointer data)
{
  (void)data;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
on_finished (ApppassFlow *flow, const char *id, int outcome, TestClient *client)
{
  static const char *const words[] = {"saved", "retried", "not-now", "never"};

  (void)flow;
  (void)id;
  report (client);
  printf ("finished %s\n", words[outcome]);
  fflush (stdout);
  g_timeout_add (200, quit, NULL);
}

static void
show_page (ApppassFlow *flow)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);

  gtk_window_set_title (GTK_WINDOW (window), "Account preferences");
  gtk_container_add (GTK_CONTAINER (window),
                     apppass_account_page_new (flow, "1", APPPASS_PROTOCOL_IMAP));
  gtk_widget_show_all (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (TestServer) server = NULL;
  g_autoptr (TestClient) client = NULL;
  g_autoptr (ApppassFlow) flow = NULL;
  ApppassAccount account = {0};
  const Demo *demo = NULL;
  g_autofree char *scenario = NULL;

  g_set_prgname ("apppass-plugin-demo");
  gtk_init (&argc, &argv);
  /* for the test helpers: the source folder from G_TEST_SRCDIR */
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; argc == 2 && i < G_N_ELEMENTS (demos); i++)
    if (g_str_equal (argv[1], demos[i].name))
      demo = &demos[i];
  if (demo == NULL) {
    fprintf (stderr, "usage: apppass-plugin-demo app-password|honest|oauth|web-login|"
                     "enable-access|unknown|page\n");
    return 2;
  }
  scenario = test_scenario ("gmail");
  server = test_server_start (scenario, "server");
  client = test_client_new ();
  client->oauth = g_str_equal (demo->name, "oauth");
  account.id = "1";
  account.display_name = "Work";
  account.address = (char *)demo->user;
  account.user = (char *)demo->user;
  account.protocol = APPPASS_PROTOCOL_IMAP;
  account.host = demo->host ? (char *)demo->host : "127.0.0.1";
  account.port = test_server_port (server, "imaps");
  account.security = APPPASS_SECURITY_TLS;
  account.trusted_pem = test_cert_pem ("ca");
  account.remember_password = TRUE;
  test_client_add_account (client, &account);
  g_free (account.trusted_pem);
  gtk_widget_show (client->window);
  flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_signal_connect (flow, "dialog-finished", G_CALLBACK (on_finished), client);
  if (g_str_equal (demo->name, "page"))
    show_page (flow);
  else if (!apppass_flow_login_failed (flow, "1", APPPASS_PROTOCOL_IMAP, demo->text))
    return 1;
  loop = g_main_loop_new (NULL, FALSE);
  /* a terminated demo still stops its test server */
  g_unix_signal_add (SIGTERM, quit, NULL);
  g_timeout_add (50, report, client);
  printf ("ready\n");
  fflush (stdout);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  return 0;
}
