/* apppass — our page in each account's preferences
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-account-page.h"

#include "apppass-check.h"
#include "apppass-intl.h"
#include "apppass-settings.h"
#include "apppass-widget.h"

struct _ApppassAccountPage {
  GtkBox parent;

  ApppassFlow *flow;
  char *account_id;
  ApppassProtocol protocol;
  GCancellable *cancellable;

  GtkWidget *enabled, *snooze, *provider, *last_problem;
  GtkWidget *create, *check, *spinner, *result;
  GtkWidget *oauth_row;
};

G_DEFINE_TYPE (ApppassAccountPage, apppass_account_page, GTK_TYPE_BOX)

static const guint snooze_choices[] = {15, 60, 240, 1440, 10080};

static ApppassClient *
client_of (ApppassAccountPage *self)
{
  return apppass_flow_get_client (self->flow);
}

static char *
snooze_text (guint minutes)
{
  if (minutes % 1440 == 0)
    return g_strdup_printf (apppass_ngettext ("%u day", "%u days", minutes / 1440), minutes / 1440);
  if (minutes % 60 == 0)
    return g_strdup_printf (apppass_ngettext ("%u hour", "%u hours", minutes / 60), minutes / 60);
  return g_strdup_printf (apppass_ngettext ("%u minute", "%u minutes", minutes), minutes);
}

static GtkWidget *
build_snooze (guint current)
{
  GtkWidget *combo = gtk_combo_box_text_new ();
  gboolean found = FALSE;
  char id[16];

  for (guint i = 0; i < G_N_ELEMENTS (snooze_choices); i++) {
    g_autofree char *text = snooze_text (snooze_choices[i]);

    g_snprintf (id, sizeof id, "%u", snooze_choices[i]);
    gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), id, text);
    found = found || snooze_choices[i] == current;
  }
  g_snprintf (id, sizeof id, "%u", current);
  if (!found) {
    g_autofree char *text = snooze_text (current);

    gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), id, text);
  }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), id);
  return combo;
}

static GtkWidget *
build_provider (ApppassAccountPage *self, const char *chosen)
{
  ApppassProviderDb *db = apppass_provider_db_get_default ();
  const GPtrArray *list = apppass_provider_db_list (db);
  g_autoptr (ApppassAccount) account =
      apppass_client_describe_account (client_of (self), self->account_id, self->protocol);
  const ApppassProvider *detected =
      account ? apppass_provider_db_identify (db, account->protocol, account->host,
                                              account->address ? account->address : account->user)
              : NULL;
  GtkWidget *combo = gtk_combo_box_text_new ();
  g_autofree char *automatic =
      detected ? g_strdup_printf (_ ("Detected: %s"), apppass_provider_get_name (detected))
               : g_strdup (_ ("Detected: none"));

  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), "", automatic);
  for (guint i = 0; i < list->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (list, i);

    gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), apppass_provider_get_id (p),
                               apppass_provider_get_name (p));
  }
  if (!chosen || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), chosen))
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), "");
  return combo;
}

/* The page lives in the client's preferences window (Claws: 700 px wide with
 * its page list): texts wrap instead of widening the page past it. */
static void
wrap_within (GtkWidget *label, int max_chars)
{
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_line_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), max_chars);
}

static void
attach_row (GtkGrid *grid, int row, const char *mnemonic, GtkWidget *value, const char *name)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  wrap_within (label, 34);
  if (gtk_widget_get_can_focus (value) || GTK_IS_COMBO_BOX (value))
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), value);
  apppass_widget_set_a11y_name (value, gtk_label_get_text (GTK_LABEL (label)));
  apppass_widget_set_id (value, name);
  gtk_widget_set_halign (value, GTK_ALIGN_START);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, value, 1, row, 1, 1);
}

static void
show_result (ApppassAccountPage *self, const char *text, gboolean is_error)
{
  GtkStyleContext *style = gtk_widget_get_style_context (self->result);

  gtk_label_set_text (GTK_LABEL (self->result), text);
  if (is_error)
    gtk_style_context_add_class (style, GTK_STYLE_CLASS_ERROR);
  else
    gtk_style_context_remove_class (style, GTK_STYLE_CLASS_ERROR);
}

static void
set_checking (ApppassAccountPage *self, gboolean checking)
{
  gtk_widget_set_visible (self->spinner, checking);
  if (checking)
    gtk_spinner_start (GTK_SPINNER (self->spinner));
  else
    gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_sensitive (self->check, !checking);
}

/* An accepted login ends the last problem: the dialog by hand no longer
 * speaks of it. */
static void
record_accepted (ApppassAccountPage *self)
{
  g_autoptr (ApppassSettings) settings = apppass_settings_load (client_of (self), self->account_id);

  settings->last_ok_time = g_get_real_time () / G_USEC_PER_SEC;
  apppass_settings_save (settings, client_of (self), self->account_id);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (ApppassAccountPage) self = data;
  g_autoptr (GError) error = NULL;
  const ApppassLoginResult *login = apppass_check_get_login (APPPASS_CHECK (source));
  gboolean accepted = apppass_check_stored_finish (APPPASS_CHECK (source), result, &error);
  g_autofree char *text = NULL;

  if (self->flow == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_checking (self, FALSE);
  if (accepted) {
    show_result (self, _ ("The server accepted the saved password."), FALSE);
    record_accepted (self);
    return;
  }
  if (login == NULL) /* nothing stored, or the store could not be read */
    show_result (self, error->message,
                 !g_error_matches (error, APPPASS_CHECK_ERROR, APPPASS_CHECK_ERROR_NOTHING_STORED));
  else if (login->outcome == APPPASS_LOGIN_REJECTED && login->diagnosis) {
    text = g_strdup_printf (_ ("The server refused the saved password. %s"),
                            login->diagnosis->explanation);
    show_result (self, text, TRUE);
  } else {
    text = g_strdup_printf (_ ("The login could not be checked. %s"), error->message);
    show_result (self, text, TRUE);
  }
}

static void
on_check (GtkButton *button, ApppassAccountPage *self)
{
  g_autoptr (ApppassAccount) account =
      apppass_client_describe_account (client_of (self), self->account_id, self->protocol);
  g_autoptr (ApppassCheck) check = NULL;

  (void)button;
  if (account == NULL)
    return;
  set_checking (self, TRUE);
  show_result (self, _ ("Checking the saved password…"), FALSE);
  check = apppass_check_new (client_of (self), account);
  apppass_check_stored_async (check, self->cancellable, on_checked, g_object_ref (self));
}

static void
on_create (GtkButton *button, ApppassAccountPage *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

  (void)button;
  apppass_account_page_commit (self);
  /* Over the preferences the user is in, which may be modal. */
  apppass_flow_open_over (self->flow, self->account_id, self->protocol,
                          GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL);
}

static GtkWidget *
build_buttons (ApppassAccountPage *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  self->create = gtk_button_new_with_mnemonic (_ ("Create an _app password…"));
  apppass_widget_set_id (self->create, "create-button");
  g_signal_connect (self->create, "clicked", G_CALLBACK (on_create), self);
  self->check = gtk_button_new_with_mnemonic (_ ("Check _login"));
  apppass_widget_set_id (self->check, "check-button");
  g_signal_connect (self->check, "clicked", G_CALLBACK (on_check), self);
  self->spinner = gtk_spinner_new ();
  apppass_widget_set_a11y_name (self->spinner, _ ("Checking"));
  gtk_widget_set_no_show_all (self->spinner, TRUE);
  gtk_box_pack_start (GTK_BOX (row), self->create, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), self->check, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), self->spinner, FALSE, FALSE, 0);
  gtk_widget_set_visible (self->check, apppass_client_can_lookup_password (client_of (self)));
  gtk_widget_set_no_show_all (self->check, TRUE);
  return row;
}

static void
on_oauth_undo (GtkButton *button, ApppassAccountPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  (void)button;
  if (!apppass_client_undo_oauth_switch (client_of (self), self->account_id, &error)) {
    text = g_strdup_printf (_ ("The account could not be switched back: %s"),
                            error ? error->message : "?");
    show_result (self, text, TRUE);
    return;
  }
  gtk_widget_hide (self->oauth_row);
  text = g_strdup_printf (_ ("Switched back: %s signs in with the stored password again."),
                          apppass_client_get_name (client_of (self)));
  show_result (self, text, FALSE);
}

/* Where apppass switched the account to OAuth 2.0: the way back. */
static GtkWidget *
build_oauth_undo (ApppassAccountPage *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_ ("apppass switched this account to OAuth 2.0 sign-in."));
  GtkWidget *undo = gtk_button_new_with_mnemonic (_ ("Switch _back to the password"));

  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  apppass_widget_set_id (undo, "oauth-undo-button");
  g_signal_connect (undo, "clicked", G_CALLBACK (on_oauth_undo), self);
  gtk_box_pack_start (GTK_BOX (row), label, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (row), undo, FALSE, FALSE, 0);
  gtk_widget_set_no_show_all (row, TRUE);
  gtk_widget_show (label);
  gtk_widget_show (undo);
  gtk_widget_set_visible (
      row, apppass_client_can_undo_oauth_switch (client_of (self), self->account_id));
  return row;
}

static void
build (ApppassAccountPage *self)
{
  g_autoptr (ApppassSettings) settings = apppass_settings_load (client_of (self), self->account_id);
  g_autofree char *last = apppass_settings_describe_last_problem (settings);
  GtkWidget *grid = gtk_grid_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  gtk_container_set_border_width (GTK_CONTAINER (self), 12);
  self->enabled =
      gtk_check_button_new_with_mnemonic (_ ("_Offer help when this account’s login fails"));
  apppass_widget_set_id (self->enabled, "enabled-toggle");
  wrap_within (gtk_bin_get_child (GTK_BIN (self->enabled)), 60);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->enabled), settings->enabled);
  gtk_box_pack_start (GTK_BOX (self), self->enabled, FALSE, FALSE, 0);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  self->snooze = build_snooze (settings->snooze_minutes);
  attach_row (GTK_GRID (grid), 0, _ ("After “Not now”, ask again _in:"), self->snooze, "snooze");
  self->provider = build_provider (self, settings->provider);
  attach_row (GTK_GRID (grid), 1, _ ("_Provider:"), self->provider, "provider");
  self->last_problem = gtk_label_new (last);
  gtk_label_set_selectable (GTK_LABEL (self->last_problem), TRUE);
  gtk_widget_set_can_focus (self->last_problem, FALSE);
  gtk_label_set_xalign (GTK_LABEL (self->last_problem), 0.0);
  wrap_within (self->last_problem, 40);
  attach_row (GTK_GRID (grid), 2, _ ("Last problem:"), self->last_problem, "last-problem");
  gtk_box_pack_start (GTK_BOX (self), grid, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (self), build_buttons (self), FALSE, FALSE, 0);
  self->oauth_row = build_oauth_undo (self);
  gtk_box_pack_start (GTK_BOX (self), self->oauth_row, FALSE, FALSE, 0);
  self->result = gtk_label_new ("");
  apppass_widget_set_id (self->result, "check-result");
  wrap_within (self->result, 60);
  gtk_label_set_xalign (GTK_LABEL (self->result), 0.0);
  gtk_box_pack_start (GTK_BOX (self), self->result, FALSE, FALSE, 0);
}

GtkWidget *
apppass_account_page_new (ApppassFlow *flow, const char *account_id, ApppassProtocol protocol)
{
  ApppassAccountPage *self = g_object_new (APPPASS_TYPE_ACCOUNT_PAGE, NULL);

  apppass_intl_init ();
  apppass_widget_set_id (GTK_WIDGET (self), "account-page");
  self->flow = g_object_ref (flow);
  self->account_id = g_strdup (account_id);
  self->protocol = protocol;
  build (self);
  return GTK_WIDGET (self);
}

void
apppass_account_page_commit (ApppassAccountPage *self)
{
  ApppassClient *client = client_of (self);
  g_autoptr (ApppassSettings) settings = apppass_settings_load (client, self->account_id);
  const char *snooze = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->snooze));
  const char *provider = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->provider));

  settings->enabled = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->enabled));
  if (snooze)
    settings->snooze_minutes = (guint)g_ascii_strtoull (snooze, NULL, 10);
  g_free (settings->provider);
  settings->provider = provider && *provider ? g_strdup (provider) : NULL;
  apppass_settings_save (settings, client, self->account_id);
}

static void
apppass_account_page_dispose (GObject *object)
{
  ApppassAccountPage *self = APPPASS_ACCOUNT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->flow);
  G_OBJECT_CLASS (apppass_account_page_parent_class)->dispose (object);
}

static void
apppass_account_page_finalize (GObject *object)
{
  ApppassAccountPage *self = APPPASS_ACCOUNT_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->account_id);
  G_OBJECT_CLASS (apppass_account_page_parent_class)->finalize (object);
}

static void
apppass_account_page_class_init (ApppassAccountPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = apppass_account_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = apppass_account_page_finalize;
}

static void
apppass_account_page_init (ApppassAccountPage *self)
{
  self->cancellable = g_cancellable_new ();
}
