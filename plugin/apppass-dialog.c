/* apppass — the dialog shown when an account's login failed
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-dialog.h"

#include "apppass-display.h"
#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-login-process.h"
#include "apppass-password.h"
#include "apppass-widget.h"

enum {
  RESPONSE_PRIMARY = 1,
  RESPONSE_NOT_NOW,
  RESPONSE_NEVER
};

/* Room for a server's words that keeps the dialog within a 1024 px high screen. */
#define SERVER_TEXT_MAX        240
#define DEFAULT_CLOSE_DELAY_MS 2500

struct _ApppassDialog {
  GtkDialog parent;

  ApppassClient *client;
  ApppassAccount *account;
  ApppassDiagnosis diagnosis;
  ApppassAction mode;
  ApppassDialogState state;
  gboolean finished;
  gboolean saving;
  gboolean password_valid;
  guint close_delay;
  guint close_source;
  guint publish_source;
  GCancellable *cancellable;
  char *password;
  char *oauth_label;
  gboolean switched;

  GtkWidget *icon, *title, *stack, *body, *explanation;
  GtkWidget *entry, *note, *spinner, *status, *saved;
  GtkWidget *primary, *not_now, *never, *switched_page;
};

enum {
  FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (ApppassDialog, apppass_dialog, GTK_TYPE_DIALOG)

/* ---- small helpers ------------------------------------------------------ */

static const char *
provider_name (ApppassDialog *self)
{
  return self->diagnosis.provider ? apppass_provider_get_name (self->diagnosis.provider) : NULL;
}

static ApppassPolicy
provider_policy (ApppassDialog *self)
{
  return self->diagnosis.provider
             ? apppass_provider_get_policy_for (self->diagnosis.provider, self->account->protocol)
             : APPPASS_POLICY_TWO_STEP;
}

static const char *
provider_page (ApppassDialog *self, ApppassPage page)
{
  return self->diagnosis.provider ? apppass_provider_get_page (self->diagnosis.provider, page)
                                  : NULL;
}

/* Accessible ids and names are given once the dialog is complete, in a
 * main-loop dispatch of their own, not as each widget is made: an accessible object, once
 * it exists, reports every later change (texts, packing, showing), and while
 * a screen reader or an AT-SPI test listens that made building and showing
 * the dialog in one main-loop event twice as dear. */
static void
name_widget (GtkWidget *widget, const char *name)
{
  gtk_widget_set_name (widget, name);
  g_object_set_data (G_OBJECT (widget), "apppass-id-pending", GINT_TO_POINTER (TRUE));
}

static void
name_for_screen_readers (GtkWidget *widget, const char *name)
{
  g_object_set_data_full (G_OBJECT (widget), "apppass-a11y-name-pending", g_strdup (name), g_free);
}

static void
publish_names (GtkWidget *widget, gpointer data)
{
  g_autofree char *a11y_name = g_object_steal_data (G_OBJECT (widget), "apppass-a11y-name-pending");

  if (g_object_steal_data (G_OBJECT (widget), "apppass-id-pending")) {
    g_autofree char *name = g_strdup (gtk_widget_get_name (widget));

    apppass_widget_set_id (widget, name);
  }
  if (a11y_name)
    apppass_widget_set_a11y_name (widget, a11y_name);
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), publish_names, data);
}

static gboolean
publish_pending_names (gpointer data)
{
  ApppassDialog *self = data;

  self->publish_source = 0;
  publish_names (GTK_WIDGET (self), NULL);
  return G_SOURCE_REMOVE;
}

/* In the next main-loop iteration, ahead of the first frame and of any X or
 * D-Bus event that could let a screen reader ask for a name not yet given. */
static void
schedule_publish (ApppassDialog *self)
{
  if (self->publish_source == 0)
    self->publish_source = g_idle_add_full (G_PRIORITY_HIGH, publish_pending_names, self, NULL);
}

static GtkWidget *
wrapped_label (const char *text, const char *name)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  /* A word wider than the label (a server's, a provider file's) breaks
   * instead of widening the dialog past the screen. */
  gtk_label_set_line_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 64);
  gtk_label_set_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  name_widget (label, name);
  return label;
}

static GtkWidget *
mnemonic_button (const char *label, const char *name)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  name_widget (button, name);
  return button;
}

static void
show_status (ApppassDialog *self, const char *text, gboolean is_error)
{
  GtkStyleContext *style = gtk_widget_get_style_context (self->status);

  gtk_label_set_text (GTK_LABEL (self->status), text ? text : "");
  gtk_widget_set_visible (self->status, text && *text);
  if (is_error)
    gtk_style_context_add_class (style, GTK_STYLE_CLASS_ERROR);
  else
    gtk_style_context_remove_class (style, GTK_STYLE_CLASS_ERROR);
}

static void
open_page (ApppassDialog *self, const char *uri)
{
  g_autoptr (GError) error = NULL;

  if (!apppass_client_open_uri (self->client, uri, &error)) {
    g_autofree char *text =
        g_strdup_printf (_ ("The page could not be opened (%s). Its address is %s"),
                         error ? error->message : "?", uri);
    show_status (self, text, TRUE);
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
  GtkWidget *button = mnemonic_button (label, name);

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
  name_widget (button, name);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  g_signal_connect (button, "activate-link", G_CALLBACK (on_activate_link), self);
  return button;
}

/* ---- the password field's note ---------------------------------------- */

static char *
describe_count (ApppassDialog *self, const char *password, gboolean usual)
{
  g_autofree char *hint = NULL;
  glong count = g_utf8_strlen (password, -1);

  if (usual && self->diagnosis.provider)
    hint = apppass_provider_get_password_hint (self->diagnosis.provider);
  if (hint)
    return g_steal_pointer (&hint);
  return g_strdup_printf (apppass_ngettext ("%ld character", "%ld characters", count), count);
}

static char *
describe_paste (ApppassDialog *self, const char *text, gboolean *valid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *count = NULL, *first = NULL, *hint = NULL;
  char *password;
  gboolean usual = TRUE;
  glong removed;

  *valid = FALSE;
  if (*text == '\0')
    return g_strdup ("");
  password = apppass_password_normalize (text, -1, &error);
  if (password == NULL)
    return g_strdup (error->message);
  *valid = TRUE;
  if (self->diagnosis.provider)
    usual = apppass_provider_password_has_usual_shape (self->diagnosis.provider, password);
  removed = g_utf8_strlen (text, -1) - g_utf8_strlen (password, -1);
  count = describe_count (self, password, usual);
  apppass_password_free (password);
  first = removed > 0 ? g_strdup_printf (_ ("%s — spaces removed"), count) : g_strdup (count);
  if (usual || !self->diagnosis.provider)
    return g_steal_pointer (&first);
  hint = apppass_provider_get_password_hint (self->diagnosis.provider);
  if (hint == NULL)
    return g_steal_pointer (&first);
  return g_strdup_printf (_ ("%s\nApp passwords from %s usually have %s: check that all of it "
                             "was copied."),
                          first, provider_name (self), hint);
}

static void
update_primary (ApppassDialog *self)
{
  gboolean ready = self->state != APPPASS_DIALOG_STATE_CHECKING;

  if (self->mode == APPPASS_ACTION_APP_PASSWORD)
    ready = ready && self->password_valid;
  gtk_widget_set_sensitive (self->primary, ready);
}

static void
on_entry_changed (GtkEditable *editable, ApppassDialog *self)
{
  g_autofree char *note =
      describe_paste (self, gtk_entry_get_text (GTK_ENTRY (editable)), &self->password_valid);

  gtk_label_set_text (GTK_LABEL (self->note), note);
  gtk_widget_set_visible (self->note, *note != '\0');
  if (self->state == APPPASS_DIALOG_STATE_FAILED) {
    self->state = APPPASS_DIALOG_STATE_ASKING;
    show_status (self, NULL, FALSE);
  }
  update_primary (self);
}

static void
on_show_toggled (GtkToggleButton *toggle, ApppassDialog *self)
{
  gtk_entry_set_visibility (GTK_ENTRY (self->entry), gtk_toggle_button_get_active (toggle));
}

/* ---- the layouts ---------------------------------------------------------- */

static char *
title_for (ApppassDialog *self)
{
  const char *client = apppass_client_get_name (self->client);
  const char *name = provider_name (self);

  switch (self->mode) {
  case APPPASS_ACTION_APP_PASSWORD:
    if (self->diagnosis.cause == APPPASS_CAUSE_NOT_AUTH) /* by hand: nothing seen */
      return name ? g_strdup_printf (_ ("An app password from %s for %s"), name, client)
                  : g_strdup_printf (_ ("An app password for %s"), client);
    if (name == NULL)
      return g_strdup_printf (_ ("The server needs an app password for %s"), client);
    if (!self->diagnosis.server_named_cause)
      return g_strdup_printf (_ ("%s refused the password that %s sent"), name, client);
    if (provider_policy (self) == APPPASS_POLICY_USER_CHOSEN)
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
  name_widget (list, "steps");
  for (guint i = 0; steps[i]; i++) {
    g_autofree char *text = g_strdup_printf ("%u. %s", i + 1, steps[i]);

    gtk_box_pack_start (GTK_BOX (list), wrapped_label (text, "step"), FALSE, FALSE, 0);
  }
  gtk_box_pack_start (box, list, FALSE, FALSE, 0);
}

static gboolean
offers_oauth (ApppassDialog *self)
{
  g_autofree char *help = apppass_client_get_oauth_help (self->client, self->account);

  /* A client that switches in one step needs no page of the provider's:
   * Yahoo has none on mail programs and OAuth, Evolution has its sign-in. */
  return (provider_page (self, APPPASS_PAGE_OAUTH) && help) ||
         apppass_client_can_switch_to_oauth (self->client, self->account);
}

/* A link button needs an address; ours are handled before it is opened. */
static const char *
oauth_link_uri (ApppassDialog *self)
{
  for (ApppassPage page = APPPASS_PAGE_OAUTH; page > APPPASS_PAGE_APP_PASSWORD; page--)
    if (provider_page (self, page))
      return provider_page (self, page);
  return provider_page (self, APPPASS_PAGE_APP_PASSWORD)
             ? provider_page (self, APPPASS_PAGE_APP_PASSWORD)
             : "https://invalid.invalid/";
}

static void switch_mode (ApppassDialog *self, ApppassAction mode);

static gboolean
on_oauth_link (GtkLinkButton *button, ApppassDialog *self)
{
  (void)button;
  switch_mode (self, APPPASS_ACTION_OAUTH);
  return TRUE;
}

static gboolean
on_app_password_link (GtkLinkButton *button, ApppassDialog *self)
{
  (void)button;
  switch_mode (self, APPPASS_ACTION_APP_PASSWORD);
  return TRUE;
}

/* Came from the app-password layout (Microsoft 365's SMTP, where a tenant
 * may still take app passwords): the way back to it. */
static void
add_app_password_link (ApppassDialog *self, GtkBox *box)
{
  const char *page = provider_page (self, APPPASS_PAGE_APP_PASSWORD);
  GtkWidget *link;

  if (self->diagnosis.action != APPPASS_ACTION_APP_PASSWORD)
    return;
  link = link_button (self,
                      self->account->protocol == APPPASS_PROTOCOL_SMTP
                          ? _ ("Paste an app password for sending _instead")
                          : _ ("Paste an app password _instead"),
                      page ? page : provider_page (self, APPPASS_PAGE_OAUTH), "app-password-link");
  g_signal_handlers_disconnect_matched (link, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  g_signal_connect (link, "activate-link", G_CALLBACK (on_app_password_link), self);
  gtk_box_pack_start (box, link, FALSE, FALSE, 0);
}

static void
add_password_field (ApppassDialog *self, GtkBox *box)
{
  gboolean mail_password = provider_policy (self) == APPPASS_POLICY_USER_CHOSEN;
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *label =
      gtk_label_new_with_mnemonic (mail_password ? _ ("Mail _password:") : _ ("App _password:"));
  GtkWidget *show = gtk_check_button_new_with_mnemonic (_ ("S_how password"));

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  self->entry = gtk_entry_new ();
  name_widget (self->entry, "password-entry");
  gtk_entry_set_visibility (GTK_ENTRY (self->entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (self->entry), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (self->entry), 24);
  gtk_widget_set_hexpand (self->entry, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->entry);
  name_for_screen_readers (self->entry, gtk_label_get_text (GTK_LABEL (label)));
  name_widget (show, "show-toggle");
  g_signal_connect (self->entry, "changed", G_CALLBACK (on_entry_changed), self);
  g_signal_connect (show, "toggled", G_CALLBACK (on_show_toggled), self);
  gtk_grid_attach (GTK_GRID (grid), label, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->entry, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), show, 1, 1, 1, 1);
  gtk_box_pack_start (box, grid, FALSE, FALSE, 0);
  self->note = wrapped_label ("", "note");
  gtk_widget_set_no_show_all (self->note, TRUE);
  gtk_box_pack_start (box, self->note, FALSE, FALSE, 0);
}

static void
build_app_password (ApppassDialog *self, GtkBox *box)
{
  const char *page = provider_page (self, APPPASS_PAGE_APP_PASSWORD);
  const char *two_step = provider_page (self, APPPASS_PAGE_TWO_STEP);
  const char *name = provider_name (self);

  if (page) {
    g_autofree char *label = provider_policy (self) == APPPASS_POLICY_USER_CHOSEN
                                 ? g_strdup_printf (_ ("_Open the mail password page of %s"), name)
                                 : g_strdup_printf (_ ("_Open the app password page of %s"), name);
    gtk_box_pack_start (box, page_button (self, label, page, "page-button"), FALSE, FALSE, 0);
  }
  if (two_step && provider_policy (self) == APPPASS_POLICY_TWO_STEP)
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
    gtk_box_pack_start (box, wrapped_label (text, "session-note"), FALSE, FALSE, 0);
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
  const char *page = provider_page (self, APPPASS_PAGE_OAUTH);
  const char *client_page = provider_page (self, APPPASS_PAGE_OAUTH_CLIENT);

  if (help)
    gtk_box_pack_start (box, wrapped_label (help, "oauth-help"), FALSE, FALSE, 0);
  if (client_page && apppass_client_oauth_needs_client_id (self->client)) {
    g_autofree char *label =
        g_strdup_printf (_ ("Open the _client ID registration page of %s"), provider_name (self));
    gtk_box_pack_start (box, page_button (self, label, client_page, "client-id-button"), FALSE,
                        FALSE, 0);
  }
  if (page) {
    g_autofree char *label =
        g_strdup_printf (_ ("_Open the page of %s about mail programs"), provider_name (self));
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
    label = g_strdup_printf (_ ("_Open the sign-in check page of %s"), provider_name (self));
  else
    label = g_strdup_printf (_ ("_Open the mail access settings of %s"), provider_name (self));
  gtk_box_pack_start (box, page_button (self, label, page, "page-button"), FALSE, FALSE, 0);
}

static char *
explanation_for (ApppassDialog *self)
{
  if (self->mode == APPPASS_ACTION_OAUTH && self->diagnosis.action != APPPASS_ACTION_OAUTH)
    return g_strdup_printf (_ ("Instead of an app password, %s can sign in to %s in your browser "
                               "with OAuth 2.0. This also works for accounts that cannot create "
                               "app passwords."),
                            apppass_client_get_name (self->client), provider_name (self));
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
static const char *
primary_label (ApppassDialog *self)
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
static void
set_button_label (GtkWidget *button, const char *label)
{
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) != 0)
    gtk_button_set_label (GTK_BUTTON (button), label);
}

static void
build_primary (ApppassDialog *self)
{
  const char *label = primary_label (self);

  gtk_widget_set_visible (self->primary, label != NULL);
  if (label)
    set_button_label (self->primary, label);
}

static void
build_body (ApppassDialog *self)
{
  g_autofree char *title = title_for (self);
  g_autofree char *explanation = explanation_for (self);
  GtkBox *box;

  if (self->body)
    gtk_widget_destroy (self->body);
  self->entry = self->note = NULL;
  self->password_valid = FALSE;
  self->body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  box = GTK_BOX (self->body);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  self->explanation = wrapped_label (explanation, "explanation");
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
  update_primary (self);
  show_status (self, NULL, FALSE);
  if (self->entry)
    gtk_widget_grab_focus (self->entry);
  schedule_publish (self);
}

static void
switch_mode (ApppassDialog *self, ApppassAction mode)
{
  self->mode = mode;
  build_body (self);
}

/* Built only when a password was saved: most dialogs never get there, and
 * its symbolic icon and widgets (each with an accessible object, busy work
 * when a screen reader or test listens) cost every dialog's first frame. */
static void
add_saved_page (ApppassDialog *self, const char *text)
{
  GtkWidget *box;

  if (self->saved) {
    gtk_label_set_text (GTK_LABEL (self->saved), text);
    return;
  }
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->saved = wrapped_label (text, "saved");
  gtk_box_pack_start (GTK_BOX (box),
                      gtk_image_new_from_icon_name ("emblem-ok-symbolic", GTK_ICON_SIZE_DND), FALSE,
                      FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), self->saved, TRUE, TRUE, 0);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_show_all (box);
  gtk_stack_add_named (GTK_STACK (self->stack), box, "saved");
  schedule_publish (self);
}

/* ---- state ---------------------------------------------------------------- */

static void
set_state (ApppassDialog *self, ApppassDialogState state)
{
  gboolean checking = state == APPPASS_DIALOG_STATE_CHECKING;

  self->state = state;
  if (checking)
    gtk_spinner_start (GTK_SPINNER (self->spinner));
  else
    gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, checking);
  set_button_label (self->not_now, checking ? _ ("_Cancel") : _ ("_Not now"));
  gtk_widget_set_sensitive (self->never, !checking);
  if (self->entry)
    gtk_widget_set_sensitive (self->entry, !checking);
  update_primary (self);
  if (state == APPPASS_DIALOG_STATE_SAVED) {
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "saved");
    gtk_widget_hide (self->primary);
    gtk_widget_hide (self->never);
    set_button_label (self->not_now, _ ("_Close"));
    gtk_widget_grab_focus (self->not_now);
  }
}

static void
finish (ApppassDialog *self, ApppassDialogOutcome outcome)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->close_source, g_source_remove);
  g_signal_emit (self, signals[FINISHED], 0, outcome);
}

static gboolean
close_after_saved (gpointer data)
{
  ApppassDialog *self = data;

  self->close_source = 0;
  finish (self, APPPASS_DIALOG_SAVED);
  return G_SOURCE_REMOVE;
}

static void
forget_password (ApppassDialog *self)
{
  g_clear_pointer (&self->password, apppass_password_free);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (ApppassDialog) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean stored = apppass_client_store_password_finish (APPPASS_CLIENT (source), result, &error);

  forget_password (self);
  self->saving = FALSE;
  if (self->finished)
    return;
  if (!stored) {
    text = g_strdup_printf (_ ("The server accepted the password, but %s could not save it: %s"),
                            apppass_client_get_name (self->client), error->message);
    set_state (self, APPPASS_DIALOG_STATE_FAILED);
    show_status (self, text, TRUE);
    return;
  }
  text = g_strdup_printf (_ ("Saved. %s will use it from now on."),
                          apppass_client_get_name (self->client));
  add_saved_page (self, text);
  show_status (self, NULL, FALSE);
  set_state (self, APPPASS_DIALOG_STATE_SAVED);
  apppass_client_retry_login (self->client, self->account);
  self->close_source = g_timeout_add (self->close_delay, close_after_saved, self);
}

static char *
rejected_text (ApppassLoginResult *result)
{
  /* A server's words are shown, never trusted: plain text, no link. */
  g_autofree char *said = apppass_display_text_max (result->server_text, -1, SERVER_TEXT_MAX);
  const ApppassDiagnosis *d = result->diagnosis;

  if (d && d->cause != APPPASS_CAUSE_APP_PASSWORD_REQUIRED &&
      d->cause != APPPASS_CAUSE_CREDENTIALS_REJECTED && d->cause != APPPASS_CAUSE_NOT_AUTH)
    return g_strdup_printf (_ ("The server did not accept this password, so nothing was saved. "
                               "%s"),
                            d->explanation);
  if (*said == '\0')
    return g_strdup (_ ("The server did not accept this password, so nothing was saved. Check "
                        "that you copied all of it."));
  return g_strdup_printf (_ ("The server did not accept this password, so nothing was saved. "
                             "Check that you copied all of it. The server said: “%s”"),
                          said);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (ApppassDialog) self = data;
  g_autoptr (ApppassLoginResult) login = apppass_login_check_isolated_finish (result);
  g_autofree char *text = NULL;

  (void)source;
  if (self->finished) {
    forget_password (self);
    return;
  }
  if (login->outcome == APPPASS_LOGIN_ACCEPTED) {
    show_status (self, _ ("The server accepted the password. Saving it…"), FALSE);
    /* Saving is short and may already have happened when a Cancel came:
     * it is not cancelled, so the dialog never says "not saved" wrongly. */
    self->saving = TRUE;
    apppass_client_store_password (self->client, self->account, self->password, NULL, on_stored,
                                   g_object_ref (self));
    return;
  }
  forget_password (self);
  if (g_error_matches (login->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    set_state (self, APPPASS_DIALOG_STATE_ASKING);
    show_status (self, _ ("The check was cancelled. Nothing was saved."), FALSE);
    g_clear_object (&self->cancellable);
    self->cancellable = g_cancellable_new ();
    return;
  }
  if (login->outcome == APPPASS_LOGIN_REJECTED)
    text = rejected_text (login);
  else
    text = g_strdup_printf (_ ("The password could not be checked, so nothing was saved. %s"),
                            login->error ? login->error->message : "");
  set_state (self, APPPASS_DIALOG_STATE_FAILED);
  show_status (self, text, TRUE);
}

static void
start_check (ApppassDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  ApppassLoginOptions options = apppass_account_login_options (self->account);

  forget_password (self);
  self->password =
      apppass_password_normalize (gtk_entry_get_text (GTK_ENTRY (self->entry)), -1, &error);
  if (self->password == NULL) {
    show_status (self, error->message, TRUE);
    return;
  }
  set_state (self, APPPASS_DIALOG_STATE_CHECKING);
  text = g_strdup_printf (_ ("Checking the password with %s…"), self->account->host);
  show_status (self, text, FALSE);
  apppass_login_check_isolated (&options, self->password, self->cancellable, on_checked,
                                g_object_ref (self));
}

static void
on_undo (GtkButton *button, ApppassDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  (void)button;
  if (!apppass_client_undo_oauth_switch (self->client, self->account->id, &error)) {
    text = g_strdup_printf (_ ("The account could not be switched back: %s"),
                            error ? error->message : "?");
    show_status (self, text, TRUE);
    return;
  }
  self->switched = FALSE;
  g_clear_pointer (&self->switched_page, gtk_widget_destroy);
  gtk_widget_show (self->never);
  build_body (self);
  set_state (self, APPPASS_DIALOG_STATE_ASKING);
  text = g_strdup_printf (_ ("Switched back: %s signs in with the stored password again."),
                          apppass_client_get_name (self->client));
  show_status (self, text, FALSE);
}

static char *
switched_text (ApppassDialog *self)
{
  g_autofree char *name = apppass_client_get_oauth_name (self->client, self->account);
  const char *client = apppass_client_get_name (self->client);

  if (apppass_client_oauth_needs_client_id (self->client))
    return g_strdup_printf (_ ("Saved. %s now signs in to this account with OAuth 2.0."), client);
  return g_strdup_printf (
      _ ("Switched. %s now signs in to %s in its own window; your stored password was kept, in "
         "case you switch back."),
      client, name ? name : (provider_name (self) ? provider_name (self) : _ ("the server")));
}

/* The client's own sign-in takes over from here; the dialog stays so that
 * the switch can be undone at once. */
static void
show_switched (ApppassDialog *self)
{
  g_autofree char *text = switched_text (self);

  self->switched = TRUE;
  self->switched_page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_pack_start (GTK_BOX (self->switched_page), wrapped_label (text, "oauth-switched"), FALSE,
                      FALSE, 0);
  if (apppass_client_can_undo_oauth_switch (self->client, self->account->id)) {
    GtkWidget *undo = mnemonic_button (_ ("_Undo"), "undo-button");

    gtk_widget_set_halign (undo, GTK_ALIGN_START);
    g_signal_connect (undo, "clicked", G_CALLBACK (on_undo), self);
    gtk_box_pack_start (GTK_BOX (self->switched_page), undo, FALSE, FALSE, 0);
  }
  gtk_widget_show_all (self->switched_page);
  gtk_stack_add_named (GTK_STACK (self->stack), self->switched_page, "switched");
  gtk_stack_set_visible_child (GTK_STACK (self->stack), self->switched_page);
  gtk_widget_hide (self->primary);
  gtk_widget_hide (self->never);
  set_button_label (self->not_now, _ ("_Close"));
  show_status (self, NULL, FALSE);
  schedule_publish (self);
}

static void
switch_to_oauth (ApppassDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (apppass_client_switch_to_oauth (self->client, self->account, &error)) {
    show_switched (self);
    return;
  }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    show_status (self, _ ("Nothing was changed."), FALSE);
    return;
  }
  text = g_strdup_printf (_ ("The account could not be switched to OAuth 2.0: %s"),
                          error ? error->message : "?");
  show_status (self, text, TRUE);
}

static gboolean
switch_to_oauth_later (gpointer data)
{
  ApppassDialog *self = data;

  if (!self->finished && !self->switched)
    switch_to_oauth (self);
  return G_SOURCE_REMOVE;
}

static void
on_primary (ApppassDialog *self)
{
  switch (self->mode) {
  case APPPASS_ACTION_APP_PASSWORD:
    start_check (self);
    break;
  case APPPASS_ACTION_OAUTH:
    /* A client may open its own settings window and wait for it: not inside
     * this button's handler, which a screen reader's click waits for. */
    g_idle_add_full (G_PRIORITY_DEFAULT, switch_to_oauth_later, g_object_ref (self),
                     g_object_unref);
    break;
  default:
    apppass_client_retry_login (self->client, self->account);
    finish (self, APPPASS_DIALOG_RETRIED);
    break;
  }
}

static void
apppass_dialog_response (GtkDialog *dialog, int response)
{
  ApppassDialog *self = APPPASS_DIALOG (dialog);

  if (self->state == APPPASS_DIALOG_STATE_CHECKING) {
    /* Escape, closing and Cancel stop the check; the dialog stays. */
    if (response != RESPONSE_PRIMARY && !self->saving)
      g_cancellable_cancel (self->cancellable);
    return;
  }
  if (self->switched)
    finish (self, APPPASS_DIALOG_RETRIED);
  else if (self->state == APPPASS_DIALOG_STATE_SAVED)
    finish (self, APPPASS_DIALOG_SAVED);
  else if (response == RESPONSE_PRIMARY)
    on_primary (self);
  else if (response == RESPONSE_NEVER)
    finish (self, APPPASS_DIALOG_NEVER);
  else
    finish (self, APPPASS_DIALOG_NOT_NOW);
}

/* ---- construction --------------------------------------------------------- */

static GtkWidget *
build_header (ApppassDialog *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  PangoAttrList *big = pango_attr_list_new ();
  g_autofree char *who = NULL;
  GtkWidget *account;

  self->icon = gtk_image_new_from_icon_name ("dialog-password", GTK_ICON_SIZE_DIALOG);
  gtk_widget_set_valign (self->icon, GTK_ALIGN_START);
  self->title = wrapped_label ("", "title");
  pango_attr_list_insert (big, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (big, pango_attr_scale_new (PANGO_SCALE_LARGE));
  gtk_label_set_attributes (GTK_LABEL (self->title), big);
  pango_attr_list_unref (big);
  if (self->account->address && g_strcmp0 (self->account->address, self->account->display_name))
    who = g_strdup_printf (_ ("Account: %s (%s)"), self->account->display_name,
                           self->account->address);
  else
    who = g_strdup_printf (_ ("Account: %s"), self->account->display_name);
  account = wrapped_label (who, "account");
  gtk_style_context_add_class (gtk_widget_get_style_context (account), GTK_STYLE_CLASS_DIM_LABEL);
  gtk_box_pack_start (GTK_BOX (texts), self->title, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (texts), account, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (header), self->icon, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (header), texts, TRUE, TRUE, 0);
  return header;
}

static GtkWidget *
build_status_row (ApppassDialog *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  self->spinner = gtk_spinner_new ();
  name_widget (self->spinner, "spinner");
  name_for_screen_readers (self->spinner, _ ("Checking"));
  gtk_widget_set_no_show_all (self->spinner, TRUE);
  gtk_widget_set_valign (self->spinner, GTK_ALIGN_START);
  self->status = wrapped_label ("", "status");
  gtk_label_set_selectable (GTK_LABEL (self->status), TRUE);
  gtk_widget_set_can_focus (self->status, FALSE);
  gtk_widget_set_no_show_all (self->status, TRUE);
  gtk_box_pack_start (GTK_BOX (row), self->spinner, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), self->status, TRUE, TRUE, 0);
  return row;
}

static void
build_buttons (ApppassDialog *self)
{
  GtkDialog *dialog = GTK_DIALOG (self);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkWidget *area = gtk_dialog_get_action_area (dialog);

  self->never = mnemonic_button (_ ("_Don’t offer this for this account"), "never-button");
  gtk_dialog_add_action_widget (dialog, self->never, RESPONSE_NEVER);
  gtk_button_box_set_child_secondary (GTK_BUTTON_BOX (area), self->never, TRUE);
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->not_now = mnemonic_button (_ ("_Not now"), "not-now-button");
  gtk_dialog_add_action_widget (dialog, self->not_now, RESPONSE_NOT_NOW);
  self->primary =
      mnemonic_button (primary_label (self) ? primary_label (self) : "", "primary-button");
  gtk_widget_set_can_default (self->primary, TRUE);
  gtk_dialog_add_action_widget (dialog, self->primary, RESPONSE_PRIMARY);
  gtk_dialog_set_default_response (dialog, RESPONSE_PRIMARY);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->primary),
                               GTK_STYLE_CLASS_SUGGESTED_ACTION);
}

ApppassDialog *
apppass_dialog_new (ApppassClient *client, const ApppassAccount *account,
                    const ApppassDiagnosis *diagnosis)
{
  ApppassDialog *self = g_object_new (APPPASS_TYPE_DIALOG, "use-header-bar", FALSE, NULL);
  GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (self));
  GtkWindow *parent = apppass_client_get_parent_window (client);

  apppass_intl_init ();
  name_widget (GTK_WIDGET (self), "dialog");
  self->client = g_object_ref (client);
  self->account = apppass_account_copy (account);
  self->diagnosis = *diagnosis;
  self->diagnosis.explanation = g_strdup (diagnosis->explanation);
  self->mode = diagnosis->action;
  gtk_container_set_border_width (GTK_CONTAINER (self), 6);
  gtk_box_set_spacing (GTK_BOX (content), 12);
  gtk_container_set_border_width (GTK_CONTAINER (content), 12);
  gtk_box_pack_start (GTK_BOX (content), build_header (self), FALSE, FALSE, 0);
  self->stack = gtk_stack_new ();
  gtk_stack_set_vhomogeneous (GTK_STACK (self->stack), FALSE);
  gtk_box_pack_start (GTK_BOX (content), self->stack, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (content), build_status_row (self), FALSE, FALSE, 0);
  build_buttons (self);
  gtk_widget_show_all (content);
  build_body (self);
  set_state (self, APPPASS_DIALOG_STATE_ASKING);
  schedule_publish (self);
  if (parent)
    apppass_dialog_set_parent (self, parent);
  return self;
}

void
apppass_dialog_set_parent (ApppassDialog *self, GtkWindow *parent)
{
  g_return_if_fail (APPPASS_IS_DIALOG (self));
  if (parent == NULL || parent == GTK_WINDOW (self))
    return;
  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
  gtk_window_set_modal (GTK_WINDOW (self), gtk_window_get_modal (parent));
}

void
apppass_dialog_update (ApppassDialog *self, const ApppassDiagnosis *diagnosis)
{
  g_autofree char *explanation = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (APPPASS_IS_DIALOG (self));
  if (self->state != APPPASS_DIALOG_STATE_ASKING)
    return;
  g_free (self->diagnosis.explanation);
  self->diagnosis = *diagnosis;
  self->diagnosis.explanation = g_strdup (diagnosis->explanation);
  if (diagnosis->action != self->mode) {
    switch_mode (self, diagnosis->action);
    return;
  }
  title = title_for (self);
  explanation = explanation_for (self);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  gtk_label_set_text (GTK_LABEL (self->explanation), explanation);
}

const char *
apppass_dialog_get_account_id (ApppassDialog *self)
{
  return self->account->id;
}

ApppassAction
apppass_dialog_get_action (ApppassDialog *self)
{
  return self->mode;
}

ApppassDialogState
apppass_dialog_get_state (ApppassDialog *self)
{
  return self->state;
}

void
apppass_dialog_set_close_delay (ApppassDialog *self, guint milliseconds)
{
  self->close_delay = milliseconds;
}

static void
apppass_dialog_dispose (GObject *object)
{
  ApppassDialog *self = APPPASS_DIALOG (object);

  /* Callbacks still on their way hold a reference: they must not touch
   * the widgets, which are gone after this. */
  self->finished = TRUE;
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->close_source, g_source_remove);
  g_clear_handle_id (&self->publish_source, g_source_remove);
  G_OBJECT_CLASS (apppass_dialog_parent_class)->dispose (object);
}

static void
apppass_dialog_finalize (GObject *object)
{
  ApppassDialog *self = APPPASS_DIALOG (object);

  forget_password (self);
  g_free (self->oauth_label);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  apppass_account_free (self->account);
  g_free (self->diagnosis.explanation);
  G_OBJECT_CLASS (apppass_dialog_parent_class)->finalize (object);
}

/* GtkDialog answers a close with a response, then destroys the window; ours
 * stays until its owner destroys it, and a running check is only cancelled. */
static gboolean
apppass_dialog_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  (void)widget;
  (void)event;
  return TRUE;
}

static void
apppass_dialog_class_init (ApppassDialogClass *klass)
{
  GTK_WIDGET_CLASS (klass)->delete_event = apppass_dialog_delete_event;
  G_OBJECT_CLASS (klass)->dispose = apppass_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = apppass_dialog_finalize;
  GTK_DIALOG_CLASS (klass)->response = apppass_dialog_response;
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
apppass_dialog_init (ApppassDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->close_delay = DEFAULT_CLOSE_DELAY_MS;
}
