/* apppass — the dialog's layouts: one for each action it offers
 *
 * Why a file of its own: what the dialog shows for an app password, for
 * OAuth 2.0, for a sign-in check or for switched-off access (titles, steps,
 * the provider's pages, the password field) is most of its code and changes
 * with the providers; the dialog's states and its controller do not.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-layout.h"

#include "apppass-a11y.h"
#include "apppass-intl.h"
#include "apppass-note.h"

GtkWidget *
apppass_layout_label (const char *text, const char *name)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  /* A word wider than the label (a server's, a provider file's) breaks
   * instead of widening the dialog past the screen. */
  gtk_label_set_line_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 64);
  gtk_label_set_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  apppass_a11y_set_id_later (label, name);
  return label;
}

GtkWidget *
apppass_layout_button (const char *label, const char *name)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  apppass_a11y_set_id_later (button, name);
  return button;
}

static void
open_page (ApppassDialog *self, const char *uri)
{
  g_autoptr (GError) error = NULL;

  if (!apppass_client_open_uri (self->client, uri, &error)) {
    g_autofree char *text =
        g_strdup_printf (_ ("The page could not be opened (%s). Its address is %s"),
                         error ? error->message : "?", uri);
    apppass_dialog_show_status (self, text, TRUE);
  }
}

static void
on_page_button (GtkButton *button, ApppassDialog *self)
{
  open_page (self, g_object_get_data (G_OBJECT (button), "apppass-uri"));
}

static gboolean
on_activate_link (GtkLinkButton *button, ApppassDialog *self)
{
  open_page (self, gtk_link_button_get_uri (button));
  return TRUE;
}

static GtkWidget *
page_button (ApppassDialog *self, const char *label, const char *uri, const char *name)
{
  GtkWidget *button = apppass_layout_button (label, name);

  g_object_set_data_full (G_OBJECT (button), "apppass-uri", g_strdup (uri), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_page_button), self);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, uri);
  return button;
}

static GtkWidget *
link_button (ApppassDialog *self, const char *label, const char *uri, const char *name)
{
  GtkWidget *button = gtk_link_button_new_with_label (uri, label);

  gtk_button_set_use_underline (GTK_BUTTON (button), TRUE);
  apppass_a11y_set_id_later (button, name);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_signal_connect (button, "activate-link", G_CALLBACK (on_activate_link), self);
  return button;
}

static void
on_entry_changed (GtkEditable *editable, ApppassDialog *self)
{
  g_autofree char *note = apppass_note_for_paste (
      self->diagnosis.provider, gtk_entry_get_text (GTK_ENTRY (editable)), &self->password_valid);

  gtk_label_set_text (GTK_LABEL (self->note), note);
  gtk_widget_set_visible (self->note, *note != '\0');
  if (self->state == APPPASS_DIALOG_STATE_FAILED) {
    self->state = APPPASS_DIALOG_STATE_ASKING;
    apppass_dialog_show_status (self, NULL, FALSE);
  }
  apppass_dialog_update_primary (self);
}

static void
on_show_toggled (GtkToggleButton *toggle, ApppassDialog *self)
{
  gtk_entry_set_visibility (GTK_ENTRY (self->entry), gtk_toggle_button_get_active (toggle));
}

char *
apppass_layout_title (ApppassDialog *self)
{
  const char *client = apppass_client_get_name (self->client);
  const char *name = apppass_dialog_provider_name (self);

  switch (self->mode) {
  case APPPASS_ACTION_APP_PASSWORD:
    if (self->diagnosis.cause == APPPASS_CAUSE_NOT_AUTH) /* by hand: nothing seen */
      return name ? g_strdup_printf (_ ("An app password from %s for %s"), name, client)
                  : g_strdup_printf (_ ("An app password for %s"), client);
    if (name == NULL)
      return g_strdup_printf (_ ("The server needs an app password for %s"), client);
    if (!self->diagnosis.server_named_cause)
      return g_strdup_printf (_ ("%s refused the password that %s sent"), name, client);
    if (apppass_dialog_provider_policy (self) == APPPASS_POLICY_USER_CHOSEN)
      return g_strdup_printf (_ ("%s needs a mail password for %s"), name, client);
    return g_strdup_printf (_ ("%s needs an app password for %s"), name, client);
  case APPPASS_ACTION_OAUTH:
    return g_strdup_printf (_ ("%s needs OAuth 2.0 sign-in in %s"), name ? name : _ ("The server"),
                            client);
  case APPPASS_ACTION_WEB_LOGIN:
    return g_strdup_printf (_ ("%s wants you to confirm this sign-in"),
                            name ? name : _ ("The server"));
  case APPPASS_ACTION_ENABLE_ACCESS:
  default:
    return g_strdup_printf (_ ("%s access is switched off for this account"),
                            apppass_protocol_display_name (self->account->protocol));
  }
}

static void
add_steps (ApppassDialog *self, GtkBox *box)
{
  g_auto (GStrv) steps = NULL;
  GtkWidget *list;

  if (self->diagnosis.provider == NULL)
    return;
  steps = apppass_provider_get_steps_for (self->diagnosis.provider, self->account->protocol);
  if (steps == NULL || steps[0] == NULL)
    return;
  list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  apppass_a11y_set_id_later (list, "steps");
  for (guint i = 0; steps[i]; i++) {
    g_autofree char *text = g_strdup_printf ("%u. %s", i + 1, steps[i]);

    gtk_box_pack_start (GTK_BOX (list), apppass_layout_label (text, "step"), FALSE, FALSE, 0);
  }
  gtk_box_pack_start (box, list, FALSE, FALSE, 0);
}

static gboolean
offers_oauth (ApppassDialog *self)
{
  g_autofree char *help = apppass_client_get_oauth_help (self->client, self->account);

  /* A client that switches in one step needs no page of the provider's:
   * Yahoo has none on mail programs and OAuth, Evolution has its sign-in. */
  return (apppass_dialog_provider_page (self, APPPASS_PAGE_OAUTH) && help) ||
         apppass_client_can_switch_to_oauth (self->client, self->account);
}

/* A link button needs an address; ours are handled before it is opened. */
static const char *
oauth_link_uri (ApppassDialog *self)
{
  for (ApppassPage page = APPPASS_PAGE_OAUTH; page > APPPASS_PAGE_APP_PASSWORD; page--)
    if (apppass_dialog_provider_page (self, page))
      return apppass_dialog_provider_page (self, page);
  return apppass_dialog_provider_page (self, APPPASS_PAGE_APP_PASSWORD)
             ? apppass_dialog_provider_page (self, APPPASS_PAGE_APP_PASSWORD)
             : "https://invalid.invalid/";
}

static gboolean
on_oauth_link (GtkLinkButton *button, ApppassDialog *self)
{
  (void)button;
  apppass_layout_switch_mode (self, APPPASS_ACTION_OAUTH);
  return TRUE;
}

static gboolean
on_app_password_link (GtkLinkButton *button, ApppassDialog *self)
{
  (void)button;
  apppass_layout_switch_mode (self, APPPASS_ACTION_APP_PASSWORD);
  return TRUE;
}

/* Came from the app-password layout (Microsoft 365's SMTP, where a tenant
 * may still take app passwords): the way back to it. */
static void
add_app_password_link (ApppassDialog *self, GtkBox *box)
{
  const char *page = apppass_dialog_provider_page (self, APPPASS_PAGE_APP_PASSWORD);
  GtkWidget *link;

  if (self->diagnosis.action != APPPASS_ACTION_APP_PASSWORD)
    return;
  link = link_button (self,
                      self->account->protocol == APPPASS_PROTOCOL_SMTP
                          ? _ ("Paste an app password for sending _instead")
                          : _ ("Paste an app password _instead"),
                      page ? page : apppass_dialog_provider_page (self, APPPASS_PAGE_OAUTH),
                      "app-password-link");
  g_signal_handlers_disconnect_matched (link, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  g_signal_connect (link, "activate-link", G_CALLBACK (on_app_password_link), self);
  gtk_box_pack_start (box, link, FALSE, FALSE, 0);
}

static void
add_password_field (ApppassDialog *self, GtkBox *box)
{
  gboolean mail_password = apppass_dialog_provider_policy (self) == APPPASS_POLICY_USER_CHOSEN;
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *label =
      gtk_label_new_with_mnemonic (mail_password ? _ ("Mail _password:") : _ ("App _password:"));
  GtkWidget *show = gtk_check_button_new_with_mnemonic (_ ("S_how password"));

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  self->entry = gtk_entry_new ();
  apppass_a11y_set_id_later (self->entry, "password-entry");
  gtk_entry_set_visibility (GTK_ENTRY (self->entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (self->entry), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (self->entry), 24);
  gtk_widget_set_hexpand (self->entry, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->entry);
  apppass_a11y_set_name_later (self->entry, gtk_label_get_text (GTK_LABEL (label)));
  apppass_a11y_set_id_later (show, "show-toggle");
  g_signal_connect (self->entry, "changed", G_CALLBACK (on_entry_changed), self);
  g_signal_connect (show, "toggled", G_CALLBACK (on_show_toggled), self);
  gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->entry, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), show, 1, 1, 1, 1);
  gtk_box_pack_start (box, grid, FALSE, FALSE, 0);
  self->note = apppass_layout_label ("", "note");
  gtk_widget_set_no_show_all (self->note, TRUE);
  gtk_box_pack_start (box, self->note, FALSE, FALSE, 0);
}

static void
build_app_password (ApppassDialog *self, GtkBox *box)
{
  const char *page = apppass_dialog_provider_page (self, APPPASS_PAGE_APP_PASSWORD);
  const char *two_step = apppass_dialog_provider_page (self, APPPASS_PAGE_TWO_STEP);
  const char *name = apppass_dialog_provider_name (self);

  if (page) {
    g_autofree char *label = apppass_dialog_provider_policy (self) == APPPASS_POLICY_USER_CHOSEN
                                 ? g_strdup_printf (_ ("_Open the mail password page of %s"), name)
                                 : g_strdup_printf (_ ("_Open the app password page of %s"), name);
    gtk_box_pack_start (box, page_button (self, label, page, "page-button"), FALSE, FALSE, 0);
  }
  if (two_step && apppass_dialog_provider_policy (self) == APPPASS_POLICY_TWO_STEP)
    gtk_box_pack_start (box,
                        link_button (self, _ ("Two-step verification is off? _Turn it on first"),
                                     two_step, "two-step-link"),
                        FALSE, FALSE, 0);
  add_steps (self, box);
  add_password_field (self, box);
  if (!self->account->remember_password) {
    g_autofree char *text = g_strdup_printf (
        _ ("%s is set not to remember this account’s password: it will use the new one until "
           "you quit."),
        apppass_client_get_name (self->client));
    gtk_box_pack_start (box, apppass_layout_label (text, "session-note"), FALSE, FALSE, 0);
  }
  if (offers_oauth (self)) {
    GtkWidget *oauth = link_button (self, _ ("Use OAuth 2.0 sign-_in instead"),
                                    oauth_link_uri (self), "oauth-link");

    g_signal_handlers_disconnect_matched (oauth, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    g_signal_connect (oauth, "activate-link", G_CALLBACK (on_oauth_link), self);
    gtk_box_pack_start (box, oauth, FALSE, FALSE, 0);
  }
}

static void
build_oauth (ApppassDialog *self, GtkBox *box)
{
  g_autofree char *help = apppass_client_get_oauth_help (self->client, self->account);
  const char *page = apppass_dialog_provider_page (self, APPPASS_PAGE_OAUTH);
  const char *client_page = apppass_dialog_provider_page (self, APPPASS_PAGE_OAUTH_CLIENT);

  if (help)
    gtk_box_pack_start (box, apppass_layout_label (help, "oauth-help"), FALSE, FALSE, 0);
  if (client_page && apppass_client_oauth_needs_client_id (self->client)) {
    g_autofree char *label = g_strdup_printf (_ ("Open the _client ID registration page of %s"),
                                              apppass_dialog_provider_name (self));
    gtk_box_pack_start (box, page_button (self, label, client_page, "client-id-button"), FALSE,
                        FALSE, 0);
  }
  if (page) {
    g_autofree char *label = g_strdup_printf (_ ("_Open the page of %s about mail programs"),
                                              apppass_dialog_provider_name (self));
    gtk_box_pack_start (box, page_button (self, label, page, "page-button"), FALSE, FALSE, 0);
  }
  add_app_password_link (self, box);
}

static void
build_open_page (ApppassDialog *self, GtkBox *box)
{
  const char *page = self->diagnosis.url;
  g_autofree char *label = NULL;

  if (page == NULL)
    return;
  if (self->mode == APPPASS_ACTION_WEB_LOGIN)
    label = g_strdup_printf (_ ("_Open the sign-in check page of %s"),
                             apppass_dialog_provider_name (self));
  else
    label = g_strdup_printf (_ ("_Open the mail access settings of %s"),
                             apppass_dialog_provider_name (self));
  gtk_box_pack_start (box, page_button (self, label, page, "page-button"), FALSE, FALSE, 0);
}

char *
apppass_layout_explanation (ApppassDialog *self)
{
  if (self->mode == APPPASS_ACTION_OAUTH && self->diagnosis.action != APPPASS_ACTION_OAUTH)
    return g_strdup_printf (_ ("Instead of an app password, %s can sign in to %s in your browser "
                               "with OAuth 2.0. This also works for accounts that cannot create "
                               "app passwords."),
                            apppass_client_get_name (self->client),
                            apppass_dialog_provider_name (self));
  return g_strdup (self->diagnosis.explanation);
}

/* The sign-in the client switches to, named where it says which. */
static const char *
oauth_switch_label (ApppassDialog *self)
{
  g_autofree char *name = apppass_client_get_oauth_name (self->client, self->account);

  g_free (self->oauth_label);
  if (apppass_client_oauth_needs_client_id (self->client))
    self->oauth_label = g_strdup_printf (_ ("Open the OAuth2 _settings in %s"),
                                         apppass_client_get_name (self->client));
  else if (name)
    self->oauth_label = g_strdup_printf (_ ("_Switch to %s sign-in"), name);
  else
    self->oauth_label = g_strdup (_ ("_Switch to OAuth 2.0"));
  return self->oauth_label;
}

/* NULL where the mode has no main button. */
const char *
apppass_layout_primary_label (ApppassDialog *self)
{
  switch (self->mode) {
  case APPPASS_ACTION_APP_PASSWORD:
    return _ ("Check and _save");
  case APPPASS_ACTION_OAUTH:
    if (!apppass_client_can_switch_to_oauth (self->client, self->account))
      return NULL;
    return oauth_switch_label (self);
  default:
    return _ ("_Try again");
  }
}

/* GtkButton rebuilds its label widget on every change, even to the same text. */
void
apppass_layout_set_button_label (GtkWidget *button, const char *label)
{
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) != 0)
    gtk_button_set_label (GTK_BUTTON (button), label);
}

static void
build_primary (ApppassDialog *self)
{
  const char *label = apppass_layout_primary_label (self);

  gtk_widget_set_visible (self->primary, label != NULL);
  if (label)
    apppass_layout_set_button_label (self->primary, label);
}

void
apppass_layout_build_body (ApppassDialog *self)
{
  g_autofree char *title = apppass_layout_title (self);
  g_autofree char *explanation = apppass_layout_explanation (self);
  GtkBox *box;

  if (self->body)
    gtk_widget_destroy (self->body);
  self->entry = self->note = NULL;
  self->password_valid = FALSE;
  self->body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  box = GTK_BOX (self->body);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  self->explanation = apppass_layout_label (explanation, "explanation");
  gtk_box_pack_start (box, self->explanation, FALSE, FALSE, 0);
  if (self->mode == APPPASS_ACTION_APP_PASSWORD)
    build_app_password (self, box);
  else if (self->mode == APPPASS_ACTION_OAUTH)
    build_oauth (self, box);
  else
    build_open_page (self, box);
  gtk_widget_show_all (self->body);
  gtk_stack_add_named (GTK_STACK (self->stack), self->body, "ask");
  gtk_stack_set_visible_child (GTK_STACK (self->stack), self->body);
  build_primary (self);
  apppass_dialog_update_primary (self);
  apppass_dialog_show_status (self, NULL, FALSE);
  if (self->entry)
    gtk_widget_grab_focus (self->entry);
  apppass_a11y_publish_soon (GTK_WIDGET (self));
}

void
apppass_layout_switch_mode (ApppassDialog *self, ApppassAction mode)
{
  self->mode = mode;
  apppass_layout_build_body (self);
}

/* Built only when a password was saved: most dialogs never get there, and
 * its symbolic icon and widgets (each with an accessible object, busy work
 * when a screen reader or test listens) cost every dialog's first frame. */
void
apppass_layout_add_saved_page (ApppassDialog *self, const char *text)
{
  GtkWidget *box;

  if (self->saved) {
    gtk_label_set_text (GTK_LABEL (self->saved), text);
    return;
  }
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->saved = apppass_layout_label (text, "saved");
  gtk_box_pack_start (GTK_BOX (box),
                      gtk_image_new_from_icon_name ("emblem-ok-symbolic", GTK_ICON_SIZE_DND), FALSE,
                      FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), self->saved, TRUE, TRUE, 0);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_show_all (box);
  gtk_stack_add_named (GTK_STACK (self->stack), box, "saved");
  apppass_a11y_publish_soon (GTK_WIDGET (self));
}
