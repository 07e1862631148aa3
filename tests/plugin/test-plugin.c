/* apppass tests — the shared dialog, flow and account page, with real GTK
 * widgets under Xvfb, in the language of the environment (en, nl, lv). Every
 * state is also saved as a PNG under the build folder's screenshots/<lang>/.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "apppass-account-page.h"
#include "apppass-check.h"
#include "apppass-error.h"
#include "apppass-flow.h"
#include "apppass-intl.h"
#include "apppass-settings.h"
#include "apppass-test-client.h"
#include "apppass-test-server-driver.h"
#include "apppass-test-util.h"

static const char *lang = "en";

/* ---- helpers -------------------------------------------------------------- */

static void
find_all (GtkWidget *widget, gpointer data)
{
  GPtrArray *found = data;

  g_ptr_array_add (found, widget);
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), find_all, found);
}

static GPtrArray *
all_widgets (GtkWidget *root)
{
  GPtrArray *found = g_ptr_array_new ();

  find_all (root, found);
  return found;
}

static GtkWidget *
find (GtkWidget *root, const char *name)
{
  g_autoptr (GPtrArray) all = all_widgets (root);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (all->pdata[i]), name) == 0 &&
        gtk_widget_get_visible (all->pdata[i]))
      return all->pdata[i];
  return NULL;
}

static const char *
text_of (GtkWidget *root, const char *name)
{
  GtkWidget *w = find (root, name);

  g_assert_nonnull (w);
  if (GTK_IS_BUTTON (w))
    return gtk_button_get_label (GTK_BUTTON (w));
  return gtk_label_get_text (GTK_LABEL (w));
}

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end) {
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_usleep (2000);
  }
}

static gboolean
wake_up (gpointer data)
{
  (void)data;
  return G_SOURCE_CONTINUE;
}

/* One blocking main loop iteration that returns within 100 ms even when
 * nothing happens, so that a wait can time out. */
static void
iterate_once (void)
{
  guint tick = g_timeout_add (100, wake_up, NULL);

  g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static gboolean
wait_for_state (ApppassDialog *dialog, ApppassDialogState state)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (apppass_dialog_get_state (dialog) != state && g_get_monotonic_time () < end)
    iterate_once ();
  return apppass_dialog_get_state (dialog) == state;
}

static ApppassAccount *
account_new (const char *id, ApppassProtocol protocol, const char *host, guint16 port,
             const char *user)
{
  ApppassAccount *a = g_new0 (ApppassAccount, 1);

  a->id = g_strdup (id);
  a->display_name = g_strdup_printf ("Account %s", id);
  a->address = g_strdup (user);
  a->protocol = protocol;
  a->host = g_strdup (host);
  a->port = port;
  a->security = APPPASS_SECURITY_TLS;
  a->user = g_strdup (user);
  a->remember_password = TRUE;
  return a;
}

static void
add_account (TestClient *client, const char *id, const char *host, const char *user)
{
  g_autoptr (ApppassAccount) a = account_new (id, APPPASS_PROTOCOL_IMAP, host, 993, user);

  test_client_add_account (client, a);
}

static ApppassDialog *
dialog_for (TestClient *client, const char *host, const char *user, const char *text)
{
  g_autoptr (ApppassAccount) a = account_new ("1", APPPASS_PROTOCOL_IMAP, host, 993, user);
  g_autoptr (ApppassFlow) flow = NULL;
  g_autoptr (ApppassDiagnosis) d = NULL;
  ApppassDialog *dialog;

  test_client_add_account (client, a);
  flow = apppass_flow_new (APPPASS_CLIENT (client));
  d = apppass_flow_diagnose (flow, a, text);
  dialog = apppass_dialog_new (APPPASS_CLIENT (client), a, d);
  gtk_widget_show (GTK_WIDGET (dialog));
  iterate (50);
  return dialog;
}

/* A label allocated less than it needs shows cut-off text. */
static void
assert_nothing_cut_off (GtkWidget *window)
{
  g_autoptr (GPtrArray) all = all_widgets (window);

  for (guint i = 0; i < all->len; i++) {
    GtkWidget *w = all->pdata[i];
    GtkAllocation a;
    int min, nat;

    if (!GTK_IS_LABEL (w) || !gtk_widget_get_mapped (w) || !*gtk_label_get_text (GTK_LABEL (w)))
      continue;
    gtk_widget_get_allocation (w, &a);
    if (gtk_label_get_line_wrap (GTK_LABEL (w))) {
      gtk_widget_get_preferred_height_for_width (w, a.width, &min, &nat);
      if (a.height < nat)
        g_error ("label cut off (%d < %d px high): %s", a.height, nat,
                 gtk_label_get_text (GTK_LABEL (w)));
    } else {
      gtk_widget_get_preferred_width (w, &min, &nat);
      if (a.width < nat)
        g_error ("label cut off (%d < %d px wide): %s", a.width, nat,
                 gtk_label_get_text (GTK_LABEL (w)));
    }
  }
}

static void
screenshot (GtkWidget *window, const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", lang, NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width, height;
  cairo_surface_t *surface;
  cairo_t *cr;

  gtk_widget_queue_draw (window);
  iterate (100);
  assert_nothing_cut_off (window);
  width = gtk_widget_get_allocated_width (window);
  height = gtk_widget_get_allocated_height (window);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gtk_widget_draw (window, cr);
  cairo_destroy (cr);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("screenshot %s", path);
}

/* A control the user reaches; a combo box's own button counts as the combo box. */
static gboolean
is_control (GtkWidget *w)
{
  GtkWidget *parent = gtk_widget_get_parent (w);

  if (parent && gtk_widget_get_ancestor (parent, GTK_TYPE_COMBO_BOX))
    return FALSE;
  return GTK_IS_BUTTON (w) || GTK_IS_ENTRY (w) || GTK_IS_COMBO_BOX (w);
}

/* Every control named for screen readers; every button reachable by a mnemonic
 * of its own; the main button the default; Escape and Tab work. */
static void
assert_keyboard_and_names (GtkWidget *window)
{
  g_autoptr (GPtrArray) all = all_widgets (window);
  g_autoptr (GHashTable) keys = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < all->len; i++) {
    GtkWidget *w = all->pdata[i];
    const char *name;

    if (!is_control (w) || !gtk_widget_is_drawable (w))
      continue;
    name = atk_object_get_name (gtk_widget_get_accessible (w));
    if (name == NULL || *name == '\0')
      g_error ("a %s has no accessible name", G_OBJECT_TYPE_NAME (w));
    if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w))) {
      GtkWidget *label = gtk_bin_get_child (GTK_BIN (w));
      guint key;

      g_assert_true (GTK_IS_LABEL (label));
      key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (label)));
      if (key == GDK_KEY_VoidSymbol)
        g_error ("no mnemonic: %s", gtk_button_get_label (GTK_BUTTON (w)));
      if (g_hash_table_contains (keys, GUINT_TO_POINTER (key)))
        g_error ("mnemonic used twice: %s", gtk_button_get_label (GTK_BUTTON (w)));
      g_hash_table_add (keys, GUINT_TO_POINTER (key));
    }
  }
}

/* The order real Tab key presses (through the X server) visit the controls. */
static GPtrArray *
tab_order (GtkWindow *window)
{
  GPtrArray *order = g_ptr_array_new_with_free_func (g_free);

  gtk_window_present (window);
  iterate (100);
  gtk_window_set_focus (window, NULL);
  for (int i = 0; i < 40; i++) {
    GtkWidget *focus;

    gdk_test_simulate_key (gtk_widget_get_window (GTK_WIDGET (window)), -1, -1, GDK_KEY_Tab, 0,
                           GDK_KEY_PRESS);
    gdk_test_simulate_key (gtk_widget_get_window (GTK_WIDGET (window)), -1, -1, GDK_KEY_Tab, 0,
                           GDK_KEY_RELEASE);
    iterate (30);
    focus = gtk_window_get_focus (window);
    if (focus == NULL)
      continue;
    if (order->len && g_strcmp0 (order->pdata[0], gtk_widget_get_name (focus)) == 0)
      break;
    g_ptr_array_add (order, g_strdup (gtk_widget_get_name (focus)));
  }
  return order;
}

static int
index_of (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_strcmp0 (names->pdata[i], name) == 0)
      return (int)i;
  return -1;
}

/* A real key press, through the X server to the focused window. */
static void
press_key (GtkWidget *window, guint keyval)
{
  GdkWindow *w = gtk_widget_get_window (window);

  gtk_window_present (GTK_WINDOW (window));
  iterate (50);
  gdk_test_simulate_key (w, -1, -1, keyval, 0, GDK_KEY_PRESS);
  gdk_test_simulate_key (w, -1, -1, keyval, 0, GDK_KEY_RELEASE);
  iterate (50);
}

static void
on_finished (ApppassDialog *dialog, int outcome, int *out)
{
  (void)dialog;
  *out = outcome;
}

/* ---- the dialog's layouts ---------------------------------------------- */

static void
test_app_password (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog =
      dialog_for (client, "imap.gmail.com", "ann@gmail.com",
                  "a1 NO [ALERT] Application-specific password required: "
                  "https://support.google.com/accounts/answer/185833 (Failure)");
  g_autofree char *title =
      g_strdup_printf (_ ("%s needs an app password for %s"), "Google", "Test Mail");
  GtkWidget *steps = find (GTK_WIDGET (dialog), "steps");
  g_autoptr (GList) step_labels = gtk_container_get_children (GTK_CONTAINER (steps));
  GtkWidget *entry = find (GTK_WIDGET (dialog), "password-entry");
  g_autoptr (GPtrArray) order = NULL;
  g_autofree char *tooltip = NULL;

  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "title"), ==, title);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, title);
  if (g_str_equal (lang, "en"))
    g_assert_cmpstr (title, ==, "Google needs an app password for Test Mail");
  g_assert_nonnull (strstr (text_of (GTK_WIDGET (dialog), "explanation"), "Google"));
  g_assert_cmpuint (g_list_length (step_labels), ==, 4);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (step_labels->data), "1. "));
  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (entry)));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (dialog)) == entry);
  /* The tooltip shows the whole address the button opens. */
  tooltip = gtk_widget_get_tooltip_text (find (GTK_WIDGET (dialog), "page-button"));
  g_assert_cmpstr (tooltip, ==, "https://myaccount.google.com/apppasswords");
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "page-button")));
  g_assert_cmpuint (client->opened->len, ==, 1);
  g_assert_cmpstr (client->opened->pdata[0], ==, "https://myaccount.google.com/apppasswords");
  g_signal_emit_by_name (find (GTK_WIDGET (dialog), "two-step-link"), "clicked");
  g_assert_cmpuint (client->opened->len, ==, 2);
  g_assert_cmpstr (client->opened->pdata[1], ==,
                   "https://myaccount.google.com/signinoptions/two-step-verification");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (GTK_WIDGET (dialog), "show-toggle")),
                                TRUE);
  g_assert_true (gtk_entry_get_visibility (GTK_ENTRY (entry)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (GTK_WIDGET (dialog), "show-toggle")),
                                FALSE);
  g_assert_null (find (GTK_WIDGET (dialog), "oauth-link"));
  g_assert_false (gtk_widget_get_sensitive (find (GTK_WIDGET (dialog), "primary-button")));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (client->window));
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  order = tab_order (GTK_WINDOW (dialog));
  g_assert_cmpint (index_of (order, "page-button"), >=, 0);
  g_assert_cmpint (index_of (order, "page-button"), <, index_of (order, "password-entry"));
  g_assert_cmpint (index_of (order, "password-entry"), <, index_of (order, "show-toggle"));
  g_assert_cmpint (index_of (order, "show-toggle"), <, index_of (order, "not-now-button"));
  screenshot (GTK_WIDGET (dialog), "app-password");
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
test_honest (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog = dialog_for (client, "imap.gmail.com", "ann@gmail.com",
                                      "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
  g_autofree char *title =
      g_strdup_printf (_ ("%s refused the password that %s sent"), "Google", "Test Mail");

  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "title"), ==, title);
  if (g_str_equal (lang, "en"))
    g_assert_nonnull (strstr (text_of (GTK_WIDGET (dialog), "explanation"),
                              "otherwise the password may simply be wrong"));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "password-entry"));
  screenshot (GTK_WIDGET (dialog), "honest");
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
type_text (ApppassDialog *dialog, const char *text)
{
  gtk_entry_set_text (GTK_ENTRY (find (GTK_WIDGET (dialog), "password-entry")), text);
  iterate (20);
}

static void
test_note (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog = dialog_for (client, "imap.gmail.com", "ann@gmail.com",
                                      "a1 NO [ALERT] Application-specific password required");
  GtkWidget *primary = find (GTK_WIDGET (dialog), "primary-button");
  g_autofree char *spaces = g_strdup_printf (_ ("%s — spaces removed"), _ ("16 letters"));

  type_text (dialog, "abcd efgh ijkl mnop");
  g_assert_true (gtk_widget_get_sensitive (primary));
  if (g_str_equal (lang, "en"))
    g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "note"), ==, "16 letters — spaces removed");
  else
    g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "note"), !=, "16 letters — spaces removed");
  screenshot (GTK_WIDGET (dialog), "pasted");
  /* non-breaking spaces and a tab, as some pages copy them */
  type_text (dialog, "abcd\u00a0efgh\tijkl mnop\n");
  g_assert_true (gtk_widget_get_sensitive (primary));
  type_text (dialog, "abcdefghijklmnop");
  g_assert_true (gtk_widget_get_sensitive (primary));
  g_assert_null (strstr (text_of (GTK_WIDGET (dialog), "note"), "—"));
  type_text (dialog, "abcd efgh");
  g_assert_true (gtk_widget_get_sensitive (primary));
  g_assert_nonnull (strstr (text_of (GTK_WIDGET (dialog), "note"), "\n"));
  if (!g_str_equal (lang, "en"))
    g_assert_null (strstr (text_of (GTK_WIDGET (dialog), "note"), "characters"));
  screenshot (GTK_WIDGET (dialog), "short-paste");
  type_text (dialog, "abcd\x01");
  g_assert_false (gtk_widget_get_sensitive (primary));
  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "note"), !=, "");
  type_text (dialog, "");
  g_assert_false (gtk_widget_get_sensitive (primary));
  g_assert_null (find (GTK_WIDGET (dialog), "note"));
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
test_unknown (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog = dialog_for (client, "mail.example.org", "bob@example.org",
                                      "a1 NO Application-specific password required");
  g_autofree char *title =
      g_strdup_printf (_ ("The server needs an app password for %s"), "Test Mail");

  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "title"), ==, title);
  g_assert_null (find (GTK_WIDGET (dialog), "page-button"));
  g_assert_null (find (GTK_WIDGET (dialog), "steps"));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "password-entry"));
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  screenshot (GTK_WIDGET (dialog), "unknown");
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
test_oauth (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog;
  int outcome = -1;

  client->oauth = TRUE;
  dialog =
      dialog_for (client, "outlook.office365.com", "ann@outlook.com", "a1 NO AUTHENTICATE failed.");
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished), &outcome);
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_OAUTH);
  g_assert_null (find (GTK_WIDGET (dialog), "password-entry"));
  g_assert_nonnull (strstr (text_of (GTK_WIDGET (dialog), "oauth-help"), "Test Mail"));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "page-button"));
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  screenshot (GTK_WIDGET (dialog), "oauth");
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "primary-button")));
  iterate (20);
  g_assert_cmpuint (client->switched->len, ==, 1);
  /* The dialog stays, says what happened and offers the way back. */
  g_assert_cmpint (outcome, ==, -1);
  g_assert_nonnull (strstr (text_of (GTK_WIDGET (dialog), "oauth-switched"), "Test Mail"));
  g_assert_null (find (GTK_WIDGET (dialog), "primary-button"));
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "undo-button")));
  g_assert_cmpuint (client->switched->len, ==, 0);
  g_assert_null (find (GTK_WIDGET (dialog), "oauth-switched"));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "primary-button"));
  g_assert_nonnull (strstr (text_of (GTK_WIDGET (dialog), "status"), "Test Mail"));
  /* Switched again and closed: the client retries with its new sign-in. */
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "primary-button")));
  iterate (20);
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "not-now-button")));
  g_assert_cmpint (outcome, ==, APPPASS_DIALOG_RETRIED);
  g_assert_cmpuint (client->switched->len, ==, 1);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Microsoft 365 takes no passwords for IMAP, but its tenants may still let
 * mail programs send (SMTP) with one: for sending the dialog offers both, an
 * app password and the switch to OAuth 2.0, and lets the user go back and forth. */
static void
test_microsoft365_smtp_both (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassAccount) a =
      account_new ("1", APPPASS_PROTOCOL_SMTP, "smtp.office365.com", 587, "cat@contoso.com");
  g_autoptr (ApppassFlow) flow = NULL;
  g_autoptr (ApppassDiagnosis) d = NULL;
  ApppassDialog *dialog;

  client->oauth = TRUE;
  test_client_add_account (client, a);
  flow = apppass_flow_new (APPPASS_CLIENT (client));
  d = apppass_flow_diagnose (flow, a, "535 5.7.3 Authentication unsuccessful");
  dialog = apppass_dialog_new (APPPASS_CLIENT (client), a, d);
  gtk_widget_show (GTK_WIDGET (dialog));
  iterate (50);
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_nonnull (find (GTK_WIDGET (dialog), "password-entry"));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "oauth-link"));
  g_signal_emit_by_name (find (GTK_WIDGET (dialog), "oauth-link"), "clicked");
  iterate (20);
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_OAUTH);
  g_assert_nonnull (find (GTK_WIDGET (dialog), "primary-button"));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "app-password-link"));
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  screenshot (GTK_WIDGET (dialog), "microsoft365-smtp-oauth");
  g_signal_emit_by_name (find (GTK_WIDGET (dialog), "app-password-link"), "clicked");
  iterate (20);
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_nonnull (find (GTK_WIDGET (dialog), "password-entry"));
  g_assert_cmpuint (client->opened->len, ==, 0);
  gtk_widget_destroy (GTK_WIDGET (dialog));

  /* For receiving, OAuth 2.0 only: no way back to a password. */
  dialog =
      dialog_for (client, "outlook.office365.com", "cat@contoso.com", "a1 NO AUTHENTICATE failed.");
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_OAUTH);
  g_assert_null (find (GTK_WIDGET (dialog), "app-password-link"));
  g_assert_null (find (GTK_WIDGET (dialog), "password-entry"));
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Google offers OAuth 2.0 too: a second path for accounts without app passwords. */
static void
test_oauth_path (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog;

  client->oauth = TRUE;
  dialog = dialog_for (client, "imap.gmail.com", "ann@gmail.com",
                       "a1 NO [ALERT] Application-specific password required");
  g_assert_nonnull (find (GTK_WIDGET (dialog), "oauth-link"));
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  screenshot (GTK_WIDGET (dialog), "app-password-with-oauth");
  g_signal_emit_by_name (find (GTK_WIDGET (dialog), "oauth-link"), "clicked");
  iterate (20);
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, APPPASS_ACTION_OAUTH);
  g_assert_null (find (GTK_WIDGET (dialog), "password-entry"));
  g_assert_cmpuint (client->opened->len, ==, 0);
  screenshot (GTK_WIDGET (dialog), "oauth-instead");
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
check_open_page (const char *text, ApppassAction action, const char *url, const char *shot)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog = dialog_for (client, "imap.gmail.com", "ann@gmail.com", text);
  int outcome = -1;

  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished), &outcome);
  g_assert_cmpint (apppass_dialog_get_action (dialog), ==, action);
  g_assert_null (find (GTK_WIDGET (dialog), "password-entry"));
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "page-button")));
  g_assert_cmpuint (client->opened->len, ==, 1);
  g_assert_cmpstr (client->opened->pdata[0], ==, url);
  assert_keyboard_and_names (GTK_WIDGET (dialog));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (dialog)) ==
                 find (GTK_WIDGET (dialog), "primary-button"));
  screenshot (GTK_WIDGET (dialog), shot);
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "primary-button")));
  g_assert_cmpint (outcome, ==, APPPASS_DIALOG_RETRIED);
  g_assert_cmpuint (client->retried->len, ==, 1);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
test_web_login (void)
{
  check_open_page ("a1 NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login "
                   "required.",
                   APPPASS_ACTION_WEB_LOGIN, "https://support.google.com/mail/answer/78754",
                   "web-login");
}

static void
test_enable_access (void)
{
  check_open_page ("a1 NO [ALERT] Your account is not enabled for IMAP use. Please visit your "
                   "Gmail settings page and enable your account for IMAP access. (Failure)",
                   APPPASS_ACTION_ENABLE_ACCESS,
                   "https://mail.google.com/mail/u/0/#settings/fwdandpop", "enable-access");
}

static void
test_escape (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  ApppassDialog *dialog = dialog_for (client, "imap.gmail.com", "ann@gmail.com",
                                      "a1 NO [ALERT] Application-specific password required");
  int outcome = -1;

  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished), &outcome);
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (dialog)) ==
                 find (GTK_WIDGET (dialog), "primary-button"));
  press_key (GTK_WIDGET (dialog), GDK_KEY_Escape);
  iterate (20);
  g_assert_cmpint (outcome, ==, APPPASS_DIALOG_NOT_NOW);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* ---- checking and saving against the test server ---------------------- */

typedef struct {
  TestServer *server;
  TestClient *client;
  ApppassDialog *dialog;
  int outcome;
} Verify;

static void
verify_setup (Verify *v, const char *service, const char *extra)
{
  g_autofree char *base = test_scenario ("gmail");
  g_autofree char *scenario = g_strconcat (base, extra ? extra : "", NULL);
  g_autoptr (ApppassAccount) a = NULL;
  g_autoptr (ApppassDiagnosis) d = NULL;
  g_autoptr (ApppassFlow) flow = NULL;

  v->server = test_server_start (scenario, "server");
  v->client = test_client_new ();
  a = account_new ("7", APPPASS_PROTOCOL_IMAP, "127.0.0.1", test_server_port (v->server, service),
                   "ann@gmail.com");
  a->trusted_pem = test_cert_pem ("ca");
  test_client_add_account (v->client, a);
  flow = apppass_flow_new (APPPASS_CLIENT (v->client));
  d = apppass_flow_diagnose (flow, a, "a1 NO [ALERT] Application-specific password required");
  v->dialog = apppass_dialog_new (APPPASS_CLIENT (v->client), a, d);
  v->outcome = -1;
  g_signal_connect (v->dialog, "finished", G_CALLBACK (on_finished), &v->outcome);
  apppass_dialog_set_close_delay (v->dialog, 300);
  gtk_widget_show (GTK_WIDGET (v->dialog));
  iterate (50);
}

static void
verify_teardown (Verify *v)
{
  gtk_widget_destroy (GTK_WIDGET (v->dialog));
  g_object_unref (v->client);
  test_server_stop (v->server);
}

static void
press_primary (Verify *v)
{
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (v->dialog), "primary-button")));
}

static void
test_verify_saved (void)
{
  Verify v;
  g_auto (GStrv) logins = NULL;

  verify_setup (&v, "imaps", NULL);
  type_text (v.dialog, "abcd efgh ijkl mnop");
  press_primary (&v);
  g_assert_cmpint (apppass_dialog_get_state (v.dialog), ==, APPPASS_DIALOG_STATE_CHECKING);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_SAVED));
  g_assert_cmpstr (test_client_get_stored (v.client, "7", APPPASS_PROTOCOL_IMAP), ==,
                   TEST_GOOD_PASSWORD);
  g_assert_cmpuint (v.client->retried->len, ==, 1);
  g_assert_null (find (GTK_WIDGET (v.dialog), "status"));
  screenshot (GTK_WIDGET (v.dialog), "saved");
  while (v.outcome < 0)
    iterate_once ();
  g_assert_cmpint (v.outcome, ==, APPPASS_DIALOG_SAVED);
  logins = test_server_logins (v.server);
  g_assert_cmpstr (logins[0], ==, "imap:matched");
  verify_teardown (&v);
}

static void
test_verify_rejected (void)
{
  Verify v;
  const char *status;

  verify_setup (&v, "imaps", NULL);
  type_text (v.dialog, "wrong password 123");
  press_primary (&v);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_FAILED));
  status = text_of (GTK_WIDGET (v.dialog), "status");
  g_assert_nonnull (strstr (status, "Application-specific password required"));
  g_assert_null (test_client_get_stored (v.client, "7", APPPASS_PROTOCOL_IMAP));
  g_assert_cmpuint (v.client->retried->len, ==, 0);
  g_assert_cmpint (v.outcome, ==, -1);
  screenshot (GTK_WIDGET (v.dialog), "rejected");
  /* typing again clears the error and allows another try */
  type_text (v.dialog, "abcd efgh ijkl mnop");
  g_assert_cmpint (apppass_dialog_get_state (v.dialog), ==, APPPASS_DIALOG_STATE_ASKING);
  verify_teardown (&v);
}

static void
test_verify_cancel (void)
{
  Verify v;

  verify_setup (&v, "imaps", "\n[imap]\nmode=silent\n");
  type_text (v.dialog, "abcd efgh ijkl mnop");
  press_primary (&v);
  iterate (300);
  g_assert_cmpint (apppass_dialog_get_state (v.dialog), ==, APPPASS_DIALOG_STATE_CHECKING);
  g_assert_true (gtk_widget_get_visible (find (GTK_WIDGET (v.dialog), "spinner")));
  g_assert_false (gtk_widget_get_sensitive (find (GTK_WIDGET (v.dialog), "primary-button")));
  screenshot (GTK_WIDGET (v.dialog), "checking");
  /* Escape while checking cancels the check, not the dialog */
  press_key (GTK_WIDGET (v.dialog), GDK_KEY_Escape);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_ASKING));
  g_assert_cmpint (v.outcome, ==, -1);
  g_assert_null (test_client_get_stored (v.client, "7", APPPASS_PROTOCOL_IMAP));
  g_assert_true (gtk_widget_get_sensitive (find (GTK_WIDGET (v.dialog), "primary-button")));
  verify_teardown (&v);
}

static void
test_verify_store_fails (void)
{
  Verify v;

  verify_setup (&v, "imaps", NULL);
  v.client->store_fails = TRUE;
  type_text (v.dialog, "abcd efgh ijkl mnop");
  press_primary (&v);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_FAILED));
  g_assert_nonnull (strstr (text_of (GTK_WIDGET (v.dialog), "status"), "read-only"));
  g_assert_cmpuint (v.client->retried->len, ==, 0);
  verify_teardown (&v);
}

/* A certificate nobody accepted: the password is never sent. */
static void
test_verify_untrusted (void)
{
  Verify v;
  g_auto (GStrv) logins = NULL;
  g_autoptr (ApppassAccount) a = NULL;

  verify_setup (&v, "imaps", NULL);
  gtk_widget_destroy (GTK_WIDGET (v.dialog));
  a = apppass_client_describe_account (APPPASS_CLIENT (v.client), "7", APPPASS_PROTOCOL_IMAP);
  g_clear_pointer (&a->trusted_pem, g_free);
  test_client_add_account (v.client, a);
  {
    g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (v.client));
    g_autoptr (ApppassDiagnosis) d = apppass_flow_diagnose (flow, a, NULL);

    v.dialog = apppass_dialog_new (APPPASS_CLIENT (v.client), a, d);
  }
  gtk_widget_show (GTK_WIDGET (v.dialog));
  type_text (v.dialog, "abcd efgh ijkl mnop");
  press_primary (&v);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_FAILED));
  logins = test_server_logins (v.server);
  g_assert_cmpuint (g_strv_length (logins), ==, 0);
  g_assert_null (test_client_get_stored (v.client, "7", APPPASS_PROTOCOL_IMAP));
  screenshot (GTK_WIDGET (v.dialog), "untrusted");
  verify_teardown (&v);
}

/* A hostile server's [ALERT] with a link: shown as words, never as a link,
 * never opened. */
static void
test_verify_phishing (void)
{
  Verify v;
  g_autoptr (GPtrArray) all = NULL;
  const char *status;

  verify_setup (&v, "imaps",
                "\n[imap]\nreject=* NO [ALERT] Account locked: sign in at "
                "https://evil.example/unlock now\\r\\n{tag} NO [AUTHENTICATIONFAILED] Invalid "
                "credentials\n");
  type_text (v.dialog, "wrong password 123");
  press_primary (&v);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_FAILED));
  status = text_of (GTK_WIDGET (v.dialog), "status");
  g_assert_nonnull (strstr (status, "https://evil.example/unlock"));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (find (GTK_WIDGET (v.dialog), "status"))));
  all = all_widgets (GTK_WIDGET (v.dialog));
  for (guint i = 0; i < all->len; i++)
    if (GTK_IS_LINK_BUTTON (all->pdata[i]))
      g_assert_null (strstr (gtk_link_button_get_uri (all->pdata[i]), "evil.example"));
  for (guint i = 0; i < v.client->opened->len; i++)
    g_assert_null (strstr (v.client->opened->pdata[i], "evil.example"));
  g_assert_null (test_client_get_stored (v.client, "7", APPPASS_PROTOCOL_IMAP));
  verify_teardown (&v);
}

/* A server answer holding one word of 3,000 characters, an OSC title and a
 * bidi override: the dialog stays within a 1024 px screen, every label gets
 * the room it needs, and the status shows the words without the controls. */
static void
test_verify_long_word (void)
{
  Verify v;
  g_autofree char *word = g_strnfill (3000, 'W');
  g_autofree char *extra = g_strdup_printf (
      "\n[imap]\nreject=* NO [ALERT] Application-specific password required{x1b}]2;TITLE{x07} "
      "\u202e%s\\r\\n{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\n",
      word);
  const char *status;

  verify_setup (&v, "imaps", extra);
  type_text (v.dialog, "wrong password 123");
  press_primary (&v);
  g_assert_true (wait_for_state (v.dialog, APPPASS_DIALOG_STATE_FAILED));
  status = text_of (GTK_WIDGET (v.dialog), "status");
  g_assert_nonnull (strstr (status, "Application-specific password required WWWW"));
  test_assert_display_safe (status);
  screenshot (GTK_WIDGET (v.dialog), "long-word");
  g_test_message ("dialog with a 3,000-character word: %d × %d px",
                  gtk_widget_get_allocated_width (GTK_WIDGET (v.dialog)),
                  gtk_widget_get_allocated_height (GTK_WIDGET (v.dialog)));
  g_assert_cmpint (gtk_widget_get_allocated_width (GTK_WIDGET (v.dialog)), <=, 1024);
  g_assert_cmpint (gtk_widget_get_allocated_height (GTK_WIDGET (v.dialog)), <=, 1024);
  verify_teardown (&v);
}

/* ---- the flow: one dialog at a time, snooze, off ------------------------ */

static gint64 fake_now = 1800000000;

static gint64
clock_now (gpointer data)
{
  (void)data;
  return fake_now;
}

static guint
count_dialogs (void)
{
  g_autoptr (GList) tops = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = tops; l; l = l->next)
    if (APPPASS_IS_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      n++;
  return n;
}

static const char *gmail_alert = "a1 NO [ALERT] Application-specific password required";

static void
test_flow_queue (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < 5; i++) {
    g_autofree char *id = g_strdup_printf ("%d", i);
    g_autofree char *user = g_strdup_printf ("user%d@gmail.com", i);

    add_account (client, id, "imap.gmail.com", user);
  }
  for (int i = 0; i < 5; i++) {
    g_autofree char *id = g_strdup_printf ("%d", i);

    g_assert_true (apppass_flow_login_failed (flow, id, APPPASS_PROTOCOL_IMAP, gmail_alert));
    g_assert_cmpuint (count_dialogs (), ==, 1);
  }
  /* the same accounts again: updates, never a second dialog or queue entry */
  for (int i = 0; i < 5; i++) {
    g_autofree char *id = g_strdup_printf ("%d", i);

    g_assert_true (apppass_flow_login_failed (flow, id, APPPASS_PROTOCOL_IMAP, gmail_alert));
  }
  g_assert_cmpuint (apppass_flow_get_n_waiting (flow), ==, 4);
  while (apppass_flow_get_dialog (flow)) {
    ApppassDialog *dialog = apppass_flow_get_dialog (flow);

    iterate (20);
    g_assert_cmpuint (count_dialogs (), ==, 1);
    g_ptr_array_add (seen, g_strdup (apppass_dialog_get_account_id (dialog)));
    gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "not-now-button")));
  }
  iterate (20);
  g_assert_cmpuint (count_dialogs (), ==, 0);
  g_assert_cmpuint (seen->len, ==, 5);
  for (int i = 0; i < 5; i++) {
    g_autofree char *id = g_strdup_printf ("%d", i);

    g_assert_cmpstr (seen->pdata[i], ==, id);
  }
}

static void
on_finished_record (ApppassFlow *flow, const char *id, int outcome, GPtrArray *finished)
{
  (void)flow;
  (void)outcome;
  g_ptr_array_add (finished, g_strdup (id));
}

/* An account whose help was turned off while its dialog waited is dropped
 * from the queue, and says so: a client may have a login waiting on it. */
static void
test_flow_queue_turned_off (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_autoptr (GPtrArray) finished = g_ptr_array_new_with_free_func (g_free);

  add_account (client, "1", "imap.gmail.com", "user1@gmail.com");
  add_account (client, "2", "imap.gmail.com", "user2@gmail.com");
  g_signal_connect (flow, "dialog-finished", G_CALLBACK (on_finished_record), finished);
  g_assert_true (apppass_flow_login_failed (flow, "1", APPPASS_PROTOCOL_IMAP, gmail_alert));
  g_assert_true (apppass_flow_login_failed (flow, "2", APPPASS_PROTOCOL_IMAP, gmail_alert));
  g_assert_cmpuint (apppass_flow_get_n_waiting (flow), ==, 1);
  apppass_client_set_setting (APPPASS_CLIENT (client), "2", "enabled", "0");
  gtk_button_clicked (
      GTK_BUTTON (find (GTK_WIDGET (apppass_flow_get_dialog (flow)), "not-now-button")));
  iterate (20);
  g_assert_null (apppass_flow_get_dialog (flow));
  g_assert_cmpuint (finished->len, ==, 2);
  g_assert_cmpstr (finished->pdata[0], ==, "1");
  g_assert_cmpstr (finished->pdata[1], ==, "2");
}

static void
test_flow_snooze (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  ApppassDialog *dialog;

  apppass_flow_set_clock (flow, clock_now, NULL);
  add_account (client, "a", "imap.gmail.com", "ann@gmail.com");
  g_assert_true (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  dialog = apppass_flow_get_dialog (flow);
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "not-now-button")));
  g_assert_null (apppass_flow_get_dialog (flow));
  g_assert_false (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  fake_now += 59 * 60;
  g_assert_false (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  fake_now += 2 * 60;
  g_assert_true (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  /* a shorter snooze set on the account page */
  apppass_client_set_setting (APPPASS_CLIENT (client), "a", "snooze-minutes", "15");
  gtk_button_clicked (
      GTK_BUTTON (find (GTK_WIDGET (apppass_flow_get_dialog (flow)), "not-now-button")));
  fake_now += 16 * 60;
  g_assert_true (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  /* "Don't offer this for this account" */
  gtk_button_clicked (
      GTK_BUTTON (find (GTK_WIDGET (apppass_flow_get_dialog (flow)), "never-button")));
  fake_now += 365 * 24 * 3600;
  g_assert_false (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  g_assert_null (apppass_flow_get_dialog (flow));
}

/* By hand (the account page's button) the dialog says what is known: the
 * problem last seen while it stands, nothing before a failure or after an
 * accepted login; and it sits over the (modal) window it was asked from. */
static void
test_flow_by_hand (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  const ApppassProvider *google =
      apppass_provider_db_lookup (apppass_provider_db_get_default (), "google");
  g_autoptr (ApppassDiagnosis) seen =
      apppass_diagnosis_new (APPPASS_PROTOCOL_IMAP, google, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_autoptr (ApppassSettings) settings = NULL;
  GtkWidget *prefs = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  ApppassDialog *dialog;

  apppass_flow_set_clock (flow, clock_now, NULL);
  add_account (client, "a", "imap.gmail.com", "ann@gmail.com");
  gtk_window_set_modal (GTK_WINDOW (prefs), TRUE);
  gtk_widget_show (prefs);
  apppass_flow_open_over (flow, "a", APPPASS_PROTOCOL_IMAP, GTK_WINDOW (prefs));
  dialog = apppass_flow_get_dialog (flow);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (prefs));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "password-entry"));
  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "explanation"), !=, seen->explanation);
  screenshot (GTK_WIDGET (dialog), "by-hand");
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "not-now-button")));
  gtk_widget_destroy (prefs);

  fake_now += 2 * 3600; /* past "Not now" */
  g_assert_true (apppass_flow_login_failed (flow, "a", APPPASS_PROTOCOL_IMAP, gmail_alert));
  gtk_button_clicked (
      GTK_BUTTON (find (GTK_WIDGET (apppass_flow_get_dialog (flow)), "not-now-button")));
  apppass_flow_open (flow, "a", APPPASS_PROTOCOL_IMAP);
  dialog = apppass_flow_get_dialog (flow);
  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "explanation"), ==, seen->explanation);
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "not-now-button")));

  settings = apppass_settings_load (APPPASS_CLIENT (client), "a");
  settings->last_ok_time = fake_now + 60;
  apppass_settings_save (settings, APPPASS_CLIENT (client), "a");
  apppass_flow_open (flow, "a", APPPASS_PROTOCOL_IMAP);
  dialog = apppass_flow_get_dialog (flow);
  g_assert_cmpstr (text_of (GTK_WIDGET (dialog), "explanation"), !=, seen->explanation);
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "not-now-button")));
}

static void
test_flow_quiet (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_autoptr (ApppassSettings) settings = NULL;

  add_account (client, "g", "imap.gmail.com", "ann@gmail.com");
  add_account (client, "u", "mail.example.org", "bob@example.org");
  g_assert_false (apppass_flow_login_failed (flow, "g", APPPASS_PROTOCOL_IMAP,
                                             "a1 NO [ALERT] Too many simultaneous connections."));
  g_assert_false (apppass_flow_login_failed (flow, "u", APPPASS_PROTOCOL_IMAP,
                                             "a1 NO [AUTHENTICATIONFAILED] Invalid credentials"));
  g_assert_false (apppass_flow_login_failed (flow, "u", APPPASS_PROTOCOL_IMAP, NULL));
  g_assert_false (apppass_flow_login_failed (flow, "nobody", APPPASS_PROTOCOL_IMAP, gmail_alert));
  g_assert_cmpuint (count_dialogs (), ==, 0);
  /* the last problem is remembered for the account page */
  settings = apppass_settings_load (APPPASS_CLIENT (client), "g");
  g_assert_cmpint (settings->last_cause, ==, APPPASS_CAUSE_TEMPORARY);
  /* a rejection whose text the client lost, at Google: the honest dialog */
  g_assert_true (apppass_flow_login_failed (flow, "g", APPPASS_PROTOCOL_IMAP, NULL));
  g_assert_cmpint (apppass_dialog_get_action (apppass_flow_get_dialog (flow)), ==,
                   APPPASS_ACTION_APP_PASSWORD);
}

/* What the client knows counts: unknown words in a login it saw refused get
 * the dialog at Fastmail, the same words alone do not; busy is still busy. */
static void
test_flow_refused_context (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  const char *words = "a1 NO Sorry, that did not match our records";

  add_account (client, "f", "imap.fastmail.com", "eve@fastmail.com");
  add_account (client, "u", "mail.example.org", "bob@example.org");
  g_assert_false (apppass_flow_login_failed (flow, "f", APPPASS_PROTOCOL_IMAP, words));
  g_assert_false (apppass_flow_would_take_in_context (
      flow, "f", APPPASS_PROTOCOL_IMAP, "a1 NO [ALERT] Too many simultaneous connections.",
      APPPASS_CONTEXT_REFUSED));
  g_assert_false (apppass_flow_login_failed_in_context (flow, "u", APPPASS_PROTOCOL_IMAP, words,
                                                        APPPASS_CONTEXT_REFUSED));
  g_assert_cmpuint (count_dialogs (), ==, 0);
  g_assert_true (apppass_flow_would_take_in_context (flow, "f", APPPASS_PROTOCOL_IMAP, words,
                                                     APPPASS_CONTEXT_REFUSED));
  g_assert_true (apppass_flow_login_failed_in_context (flow, "f", APPPASS_PROTOCOL_IMAP, words,
                                                       APPPASS_CONTEXT_REFUSED));
  g_assert_cmpint (apppass_dialog_get_action (apppass_flow_get_dialog (flow)), ==,
                   APPPASS_ACTION_APP_PASSWORD);
}

/* apppass-login-helper processes of this test still running. */
static guint
helpers_running (void)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *parent = g_strdup_printf (" %d ", (int)getpid ());
  const char *name;
  guint n = 0;

  while (proc && (name = g_dir_read_name (proc)) != NULL) {
    g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
    g_autofree char *stat = NULL;
    const char *end;

    /* "pid (comm) state ppid …" */
    if (!g_file_get_contents (path, &stat, NULL, NULL) || !strstr (stat, "(apppass-login-h") ||
        (end = strrchr (stat, ')')) == NULL)
      continue;
    if (end[2] != 'Z' && g_str_has_prefix (end + 3, parent))
      n++;
  }
  return n;
}

/* The mail client's window closes while a check runs: the dialog goes with
 * it, the check's late answer touches nothing, the flow forgets the dialog,
 * and the helper process doing the check is ended, not left to time out. */
static void
test_verify_window_closed (void)
{
  g_autofree char *base = test_scenario ("gmail");
  g_autofree char *scenario = g_strconcat (base, "\n[imap]\nmode=silent\n", NULL);
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_autoptr (ApppassAccount) a = account_new ("7", APPPASS_PROTOCOL_IMAP, "127.0.0.1",
                                              test_server_port (server, "imaps"), "ann@gmail.com");
  ApppassDialog *dialog;

  a->trusted_pem = test_cert_pem ("ca");
  test_client_add_account (client, a);
  g_assert_true (apppass_flow_login_failed (flow, "7", APPPASS_PROTOCOL_IMAP, gmail_alert));
  dialog = apppass_flow_get_dialog (flow);
  type_text (dialog, "abcd efgh ijkl mnop");
  gtk_button_clicked (GTK_BUTTON (find (GTK_WIDGET (dialog), "primary-button")));
  iterate (200);
  g_assert_cmpint (apppass_dialog_get_state (dialog), ==, APPPASS_DIALOG_STATE_CHECKING);
  g_assert_cmpuint (helpers_running (), ==, 1);
  gtk_widget_destroy (g_steal_pointer (&client->window));
  g_assert_null (apppass_flow_get_dialog (flow));
  iterate (500);
  g_assert_cmpuint (helpers_running (), ==, 0);
  g_assert_null (test_client_get_stored (client, "7", APPPASS_PROTOCOL_IMAP));
}

/* ---- the account page ------------------------------------------------------ */

static void
test_account_page (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_autoptr (ApppassSettings) settings = NULL;
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *page;
  g_autofree char *detected = g_strdup_printf (_ ("Detected: %s"), "Yahoo Mail");

  add_account (client, "u", "mail.example.org", "bob@example.org");
  add_account (client, "y", "imap.mail.yahoo.com", "bob@yahoo.com");
  apppass_flow_set_clock (flow, clock_now, NULL);
  apppass_flow_login_failed (flow, "y", APPPASS_PROTOCOL_IMAP,
                             "a1 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials");
  apppass_flow_close_all (flow);
  page = apppass_account_page_new (flow, "y", APPPASS_PROTOCOL_IMAP);
  gtk_container_add (GTK_CONTAINER (window), page);
  gtk_widget_show_all (window);
  iterate (50);
  g_assert_cmpstr (
      gtk_combo_box_text_get_active_text (GTK_COMBO_BOX_TEXT (find (page, "provider"))), ==,
      detected);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find (page, "enabled-toggle"))));
  g_assert_cmpstr (gtk_combo_box_get_active_id (GTK_COMBO_BOX (find (page, "snooze"))), ==, "60");
  g_assert_cmpstr (text_of (page, "last-problem"), !=, _ ("None seen yet"));
  assert_keyboard_and_names (window);
  screenshot (window, "account-page");
  /* by hand: the same dialog */
  gtk_button_clicked (GTK_BUTTON (find (page, "create-button")));
  g_assert_nonnull (apppass_flow_get_dialog (flow));
  g_assert_cmpint (apppass_dialog_get_action (apppass_flow_get_dialog (flow)), ==,
                   APPPASS_ACTION_APP_PASSWORD);
  apppass_flow_close_all (flow);
  /* the settings are saved with the account, and the override counts */
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (find (page, "snooze")), "240");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find (page, "enabled-toggle")), FALSE);
  apppass_account_page_commit (APPPASS_ACCOUNT_PAGE (page));
  settings = apppass_settings_load (APPPASS_CLIENT (client), "y");
  g_assert_false (settings->enabled);
  g_assert_cmpuint (settings->snooze_minutes, ==, 240);
  gtk_widget_destroy (window);

  window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  page = apppass_account_page_new (flow, "u", APPPASS_PROTOCOL_IMAP);
  gtk_container_add (GTK_CONTAINER (window), page);
  gtk_widget_show_all (window);
  g_assert_cmpstr (text_of (page, "last-problem"), ==, _ ("None seen yet"));
  g_assert_false (
      apppass_flow_login_failed (flow, "u", APPPASS_PROTOCOL_IMAP, "a1 NO LOGIN failed"));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (find (page, "provider")), "fastmail");
  apppass_account_page_commit (APPPASS_ACCOUNT_PAGE (page));
  g_assert_true (
      apppass_flow_login_failed (flow, "u", APPPASS_PROTOCOL_IMAP, "a1 NO LOGIN failed"));
  apppass_flow_close_all (flow);
  gtk_widget_destroy (window);
}

static void
wait_for_label (GtkWidget *label, const char *prefix)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), prefix) &&
         g_get_monotonic_time () < end)
    iterate_once ();
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, prefix);
}

static void
test_account_page_check (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassFlow) flow = apppass_flow_new (APPPASS_CLIENT (client));
  g_autoptr (ApppassAccount) a = account_new ("7", APPPASS_PROTOCOL_IMAP, "127.0.0.1",
                                              test_server_port (server, "imaps"), "ann@gmail.com");
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *page, *result;
  g_autoptr (GAsyncResult) unused = NULL;

  a->trusted_pem = test_cert_pem ("ca");
  test_client_add_account (client, a);
  page = apppass_account_page_new (flow, "7", APPPASS_PROTOCOL_IMAP);
  gtk_container_add (GTK_CONTAINER (window), page);
  gtk_widget_show_all (window);
  result = find (page, "check-result");
  gtk_button_clicked (GTK_BUTTON (find (page, "check-button")));
  wait_for_label (result, _ ("No password is saved for this account yet."));
  g_hash_table_insert (client->stored, g_strdup ("7/imap"), g_strdup (TEST_GOOD_PASSWORD));
  gtk_button_clicked (GTK_BUTTON (find (page, "check-button")));
  wait_for_label (result, _ ("The server accepted the saved password."));
  screenshot (window, "account-page-checked");
  gtk_widget_destroy (window);
}

/* Microsoft 365: IMAP takes OAuth only, SMTP AUTH passwords where the tenant
 * allows; the SMTP dialog says who decides, with the date, and its steps are
 * for an app password, not the file's OAuth steps. */
static void
test_admin_decides_smtp (void)
{
  g_autoptr (TestClient) client = test_client_new ();
  g_autoptr (ApppassAccount) a =
      account_new ("1", APPPASS_PROTOCOL_SMTP, "smtp.office365.com", 587, "cat@contoso.com");
  g_autoptr (ApppassFlow) flow = NULL;
  g_autoptr (ApppassDiagnosis) d = NULL;
  g_autofree char *note = NULL;
  g_auto (GStrv) oauth_steps = NULL;
  ApppassDialog *dialog;
  GtkWidget *steps;
  g_autoptr (GList) step_labels = NULL;
  const char *explanation;

  test_client_add_account (client, a);
  flow = apppass_flow_new (APPPASS_CLIENT (client));
  d = apppass_flow_diagnose (flow, a, "535 5.7.3 Authentication unsuccessful");
  g_assert_cmpint (d->action, ==, APPPASS_ACTION_APP_PASSWORD);
  dialog = apppass_dialog_new (APPPASS_CLIENT (client), a, d);
  gtk_widget_show (GTK_WIDGET (dialog));
  iterate (50);
  note = apppass_provider_get_admin_note (d->provider);
  oauth_steps = apppass_provider_get_steps (d->provider);
  explanation = text_of (GTK_WIDGET (dialog), "explanation");
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (explanation, note));
  g_assert_nonnull (strstr (explanation, "2026-11-30"));
  steps = find (GTK_WIDGET (dialog), "steps");
  step_labels = gtk_container_get_children (GTK_CONTAINER (steps));
  g_assert_cmpuint (g_list_length (step_labels), >=, 2);
  g_assert_null (strstr (gtk_label_get_text (step_labels->data), oauth_steps[0]));
  g_assert_nonnull (find (GTK_WIDGET (dialog), "password-entry"));
  /* The two-step page is where Microsoft 365 users make app passwords. */
  g_signal_emit_by_name (find (GTK_WIDGET (dialog), "two-step-link"), "clicked");
  g_assert_cmpuint (client->opened->len, ==, 1);
  g_assert_cmpstr (client->opened->pdata[0], ==, "https://mysignins.microsoft.com/security-info");
  assert_nothing_cut_off (GTK_WIDGET (dialog));
  screenshot (GTK_WIDGET (dialog), "admin-decides-smtp");
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* ---- the controller alone: check -> store -> retry ---------------------- */

typedef struct {
  TestServer *server;
  TestClient *client;
  ApppassCheck *check;
  GString *states; /* "checking,verified,stored" */
  GError *error;
  gboolean done, ok;
} Run;

static void
on_state (ApppassCheck *check, GParamSpec *pspec, Run *run)
{
  GEnumClass *klass = g_type_class_ref (APPPASS_TYPE_CHECK_STATE);

  (void)pspec;
  g_string_append_printf (run->states, "%s%s", run->states->len ? "," : "",
                          g_enum_get_value (klass, apppass_check_get_state (check))->value_nick);
  g_type_class_unref (klass);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  if (g_async_result_is_tagged (result, apppass_check_save_async))
    run->ok = apppass_check_save_finish (APPPASS_CHECK (source), result, &run->error);
  else
    run->ok = apppass_check_stored_finish (APPPASS_CHECK (source), result, &run->error);
  run->done = TRUE;
}

static void
run_setup (Run *run, const char *extra)
{
  g_autofree char *base = test_scenario ("gmail");
  g_autofree char *scenario = g_strconcat (base, extra ? extra : "", NULL);
  g_autoptr (ApppassAccount) a = NULL;

  memset (run, 0, sizeof *run);
  run->server = test_server_start (scenario, "server");
  run->client = test_client_new ();
  a = account_new ("7", APPPASS_PROTOCOL_IMAP, "127.0.0.1", test_server_port (run->server, "imaps"),
                   "ann@gmail.com");
  a->trusted_pem = test_cert_pem ("ca");
  test_client_add_account (run->client, a);
  run->check = apppass_check_new (APPPASS_CLIENT (run->client), a);
  run->states = g_string_new ("");
  g_signal_connect (run->check, "notify::state", G_CALLBACK (on_state), run);
}

static void
run_save (Run *run, const char *pasted, GCancellable *cancellable)
{
  apppass_check_save_async (run->check, pasted, cancellable, on_run_done, run);
  while (!run->done)
    iterate_once ();
}

static void
run_teardown (Run *run)
{
  g_clear_error (&run->error);
  g_string_free (run->states, TRUE);
  g_object_unref (run->check);
  g_object_unref (run->client);
  test_server_stop (run->server);
}

static void
test_check_saved (void)
{
  Run run;

  run_setup (&run, NULL);
  run_save (&run, "abcd efgh ijkl mnop", NULL);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpstr (run.states->str, ==, "checking,verified,stored");
  g_assert_cmpint (apppass_check_get_state (run.check), ==, APPPASS_CHECK_STORED);
  g_assert_cmpstr (test_client_get_stored (run.client, "7", APPPASS_PROTOCOL_IMAP), ==,
                   TEST_GOOD_PASSWORD);
  g_assert_cmpuint (run.client->retried->len, ==, 1);
  run_teardown (&run);
}

/* The old password stays: only a verified one replaces it. */
static void
test_check_rejected (void)
{
  Run run;
  const ApppassLoginResult *login;

  run_setup (&run, NULL);
  g_hash_table_insert (run.client->stored, g_strdup ("7/imap"), g_strdup ("the old one"));
  run_save (&run, "wrong password 123", NULL);
  g_assert_error (run.error, APPPASS_ERROR, APPPASS_ERROR_REJECTED);
  g_assert_false (run.ok);
  g_assert_cmpstr (run.states->str, ==, "checking,failed");
  login = apppass_check_get_login (run.check);
  g_assert_nonnull (login);
  g_assert_nonnull (strstr (login->server_text, "Application-specific password required"));
  g_assert_error (apppass_check_get_error (run.check), APPPASS_ERROR, APPPASS_ERROR_REJECTED);
  g_assert_cmpstr (test_client_get_stored (run.client, "7", APPPASS_PROTOCOL_IMAP), ==,
                   "the old one");
  g_assert_cmpuint (run.client->retried->len, ==, 0);
  run_teardown (&run);
}

/* A bad paste never reaches the server. */
static void
test_check_bad_paste (void)
{
  Run run;
  g_auto (GStrv) logins = NULL;

  run_setup (&run, NULL);
  run_save (&run, " \t ", NULL);
  g_assert_error (run.error, APPPASS_ERROR, APPPASS_ERROR_EMPTY);
  g_assert_cmpstr (run.states->str, ==, "failed");
  logins = test_server_logins (run.server);
  g_assert_cmpuint (g_strv_length (logins), ==, 0);
  run_teardown (&run);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_check_cancel (void)
{
  Run run;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  run_setup (&run, "\n[imap]\nmode=silent\n");
  g_hash_table_insert (run.client->stored, g_strdup ("7/imap"), g_strdup ("the old one"));
  g_timeout_add (300, cancel_later, cancellable);
  run_save (&run, "abcd efgh ijkl mnop", cancellable);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (run.states->str, ==, "checking,idle");
  g_assert_cmpstr (test_client_get_stored (run.client, "7", APPPASS_PROTOCOL_IMAP), ==,
                   "the old one");
  g_assert_cmpuint (run.client->retried->len, ==, 0);
  run_teardown (&run);
}

static void
cancel_when_verified (ApppassCheck *check, GParamSpec *pspec, GCancellable *cancellable)
{
  (void)pspec;
  if (apppass_check_get_state (check) == APPPASS_CHECK_VERIFIED)
    g_cancellable_cancel (cancellable);
}

/* A Cancel that comes once the server accepted: the store goes on and is
 * reported, but the client is not told to log in for a view going away. */
static void
test_check_cancel_while_storing (void)
{
  Run run;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  run_setup (&run, NULL);
  g_signal_connect (run.check, "notify::state", G_CALLBACK (cancel_when_verified), cancellable);
  run_save (&run, "abcd efgh ijkl mnop", cancellable);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpstr (run.states->str, ==, "checking,verified,stored");
  g_assert_cmpstr (test_client_get_stored (run.client, "7", APPPASS_PROTOCOL_IMAP), ==,
                   TEST_GOOD_PASSWORD);
  g_assert_cmpuint (run.client->retried->len, ==, 0);
  run_teardown (&run);
}

static void
test_check_store_fails (void)
{
  Run run;

  run_setup (&run, NULL);
  run.client->store_fails = TRUE;
  run_save (&run, "abcd efgh ijkl mnop", NULL);
  g_assert_error (run.error, APPPASS_CHECK_ERROR, APPPASS_CHECK_ERROR_NOT_STORED);
  g_assert_nonnull (strstr (run.error->message, "read-only"));
  g_assert_cmpstr (run.states->str, ==, "checking,verified,failed");
  g_assert_null (test_client_get_stored (run.client, "7", APPPASS_PROTOCOL_IMAP));
  g_assert_cmpuint (run.client->retried->len, ==, 0);
  run_teardown (&run);
}

/* The account page's check: the stored password, nothing stored or retried. */
static void
test_check_stored (void)
{
  Run run;

  run_setup (&run, NULL);
  apppass_check_stored_async (run.check, NULL, on_run_done, &run);
  while (!run.done)
    iterate_once ();
  g_assert_error (run.error, APPPASS_CHECK_ERROR, APPPASS_CHECK_ERROR_NOTHING_STORED);
  g_assert_cmpstr (run.states->str, ==, "checking,failed");
  g_clear_error (&run.error);
  g_string_truncate (run.states, 0);
  run.done = FALSE;
  g_hash_table_insert (run.client->stored, g_strdup ("7/imap"), g_strdup (TEST_GOOD_PASSWORD));
  apppass_check_stored_async (run.check, NULL, on_run_done, &run);
  while (!run.done)
    iterate_once ();
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpstr (run.states->str, ==, "checking,verified");
  g_assert_cmpuint (run.client->retried->len, ==, 0);
  run_teardown (&run);
}

/* ---- the client interface's wrappers ---------------------------------------- */

/* An adapter that implements nothing: every wrapper must still answer. */
typedef struct {
  GObject parent;
} BareClient;
typedef GObjectClass BareClientClass;

static void
bare_client_iface_init (ApppassClientInterface *iface)
{
  (void)iface;
}
G_DEFINE_TYPE_WITH_CODE (BareClient, bare_client, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (APPPASS_TYPE_CLIENT, bare_client_iface_init))
static void
bare_client_class_init (BareClientClass *klass)
{
  (void)klass;
}
static void
bare_client_init (BareClient *self)
{
  (void)self;
}

static void
on_bare_stored (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;

  g_assert_false (apppass_client_store_password_finish (APPPASS_CLIENT (source), result, error));
}

static void
on_bare_looked_up (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;

  g_assert_null (apppass_client_lookup_password_finish (APPPASS_CLIENT (source), result, error));
}

static const ApppassAccount bare_account = {.id = (char *)"1", .host = (char *)"imap.example.org"};

static void
wait_for_error (GError **error)
{
  while (*error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (*error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
expect_missing (const char *method)
{
  g_autofree char *pattern = g_strdup_printf ("*BareClient*ApppassClient.%s*", method);

  g_test_expect_message ("apppass", G_LOG_LEVEL_CRITICAL, pattern);
}

/* A missing optional method gives its documented default, quietly. */
static void
test_client_optional_defaults (void)
{
  g_autoptr (ApppassClient) client = g_object_new (bare_client_get_type (), NULL);
  g_autoptr (GError) switched = NULL;
  g_autoptr (GError) undone = NULL;
  g_autoptr (GError) looked_up = NULL;

  g_assert_false (apppass_client_can_lookup_password (client));
  g_assert_null (apppass_client_get_oauth_help (client, &bare_account));
  g_assert_null (apppass_client_get_oauth_name (client, &bare_account));
  g_assert_false (apppass_client_can_switch_to_oauth (client, &bare_account));
  g_assert_false (apppass_client_switch_to_oauth (client, &bare_account, &switched));
  g_assert_error (switched, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (apppass_client_can_undo_oauth_switch (client, "1"));
  g_assert_false (apppass_client_undo_oauth_switch (client, "1", &undone));
  g_assert_error (undone, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (apppass_client_oauth_needs_client_id (client));
  apppass_client_lookup_password (client, &bare_account, NULL, on_bare_looked_up, &looked_up);
  wait_for_error (&looked_up);
}

/* A missing required method is a critical that names it, and a caller that
 * waits for a callback still gets one. */
static void
test_client_required_missing (void)
{
  g_autoptr (ApppassClient) client = g_object_new (bare_client_get_type (), NULL);
  g_autoptr (GError) stored = NULL;
  g_autoptr (GError) opened = NULL;

  expect_missing ("describe_account");
  g_assert_null (apppass_client_describe_account (client, "1", APPPASS_PROTOCOL_IMAP));
  expect_missing ("open_uri");
  g_assert_false (apppass_client_open_uri (client, "https://example.org/", &opened));
  g_assert_error (opened, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  expect_missing ("get_parent_window");
  g_assert_null (apppass_client_get_parent_window (client));
  expect_missing ("retry_login");
  apppass_client_retry_login (client, &bare_account);
  expect_missing ("store_password");
  apppass_client_store_password (client, &bare_account, "not-a-secret", NULL, on_bare_stored,
                                 &stored);
  g_test_assert_expected_messages ();
  wait_for_error (&stored);
}

/* Not a client at all: every wrapper refuses before calling through. */
static void
test_client_not_a_client (void)
{
  g_autoptr (GObject) plain = g_object_new (G_TYPE_OBJECT, NULL);

  g_test_expect_message ("apppass", G_LOG_LEVEL_CRITICAL, "*APPPASS_IS_CLIENT*");
  g_assert_null (apppass_client_get_name (NULL));
  g_test_expect_message ("apppass", G_LOG_LEVEL_CRITICAL, "*APPPASS_IS_CLIENT*");
  g_assert_false (apppass_client_can_lookup_password ((ApppassClient *)plain));
  g_test_expect_message ("apppass", G_LOG_LEVEL_CRITICAL, "*APPPASS_IS_CLIENT*");
  apppass_client_retry_login (NULL, NULL);
  g_test_assert_expected_messages ();
}

int
main (int argc, char **argv)
{
  g_setenv ("APPPASS_LOCALEDIR", test_locale_dir (), TRUE);
  g_setenv ("GTK_THEME", "Adwaita", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init() sets en_US.UTF-8; the language under test is the environment's */
  setlocale (LC_ALL, "");
  apppass_intl_init ();
  if (g_getenv ("APPPASS_TEST_LANG"))
    lang = g_getenv ("APPPASS_TEST_LANG");
  g_test_add_func ("/client/optional-defaults", test_client_optional_defaults);
  g_test_add_func ("/client/required-missing", test_client_required_missing);
  g_test_add_func ("/client/not-a-client", test_client_not_a_client);
  g_test_add_func ("/dialog/app-password", test_app_password);
  g_test_add_func ("/dialog/honest", test_honest);
  g_test_add_func ("/dialog/note", test_note);
  g_test_add_func ("/dialog/unknown", test_unknown);
  g_test_add_func ("/dialog/oauth", test_oauth);
  g_test_add_func ("/dialog/oauth-path", test_oauth_path);
  g_test_add_func ("/dialog/microsoft365-smtp-both", test_microsoft365_smtp_both);
  g_test_add_func ("/dialog/web-login", test_web_login);
  g_test_add_func ("/dialog/enable-access", test_enable_access);
  g_test_add_func ("/dialog/escape", test_escape);
  g_test_add_func ("/dialog/admin-decides-smtp", test_admin_decides_smtp);
  g_test_add_func ("/verify/saved", test_verify_saved);
  g_test_add_func ("/verify/rejected", test_verify_rejected);
  g_test_add_func ("/verify/cancel", test_verify_cancel);
  g_test_add_func ("/verify/store-fails", test_verify_store_fails);
  g_test_add_func ("/verify/untrusted", test_verify_untrusted);
  g_test_add_func ("/verify/phishing", test_verify_phishing);
  g_test_add_func ("/verify/long-word", test_verify_long_word);
  g_test_add_func ("/flow/queue", test_flow_queue);
  g_test_add_func ("/flow/queue-turned-off", test_flow_queue_turned_off);
  g_test_add_func ("/flow/window-closed", test_verify_window_closed);
  g_test_add_func ("/flow/snooze", test_flow_snooze);
  g_test_add_func ("/flow/quiet", test_flow_quiet);
  g_test_add_func ("/flow/refused-context", test_flow_refused_context);
  g_test_add_func ("/page/settings", test_account_page);
  g_test_add_func ("/page/check", test_account_page_check);
  g_test_add_func ("/flow/by-hand", test_flow_by_hand);
  g_test_add_func ("/check/saved", test_check_saved);
  g_test_add_func ("/check/rejected", test_check_rejected);
  g_test_add_func ("/check/bad-paste", test_check_bad_paste);
  g_test_add_func ("/check/cancel", test_check_cancel);
  g_test_add_func ("/check/cancel-while-storing", test_check_cancel_while_storing);
  g_test_add_func ("/check/store-fails", test_check_store_fails);
  g_test_add_func ("/check/stored", test_check_stored);
  return g_test_run ();
}
