/* apppass — the dialog shown when an account's login failed
 *
 * A view: its buttons start or cancel an ApppassCheck (apppass-check.c), and
 * it shows that controller's state (set_state, report_error) in its own
 * words. What it shows for each action is in apppass-layout.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-dialog-private.h"

#include "apppass-a11y.h"
#include "apppass-display.h"
#include "apppass-intl.h"
#include "apppass-layout.h"

enum {
  RESPONSE_PRIMARY = 1,
  RESPONSE_NOT_NOW,
  RESPONSE_NEVER
};

/* Room for a server's words that keeps the dialog within a 1024 px high screen. */
#define SERVER_TEXT_MAX        240
#define DEFAULT_CLOSE_DELAY_MS 2500

enum {
  FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (ApppassDialog, apppass_dialog, GTK_TYPE_DIALOG)

void
apppass_dialog_show_status (ApppassDialog *self, const char *text, gboolean is_error)
{
  GtkStyleContext *style = gtk_widget_get_style_context (self->status);

  gtk_label_set_text (GTK_LABEL (self->status), text ? text : "");
  gtk_widget_set_visible (self->status, text && *text);
  if (is_error)
    gtk_style_context_add_class (style, GTK_STYLE_CLASS_ERROR);
  else
    gtk_style_context_remove_class (style, GTK_STYLE_CLASS_ERROR);
}

void
apppass_dialog_update_primary (ApppassDialog *self)
{
  gboolean ready = self->state != APPPASS_DIALOG_STATE_CHECKING;

  if (self->mode == APPPASS_ACTION_APP_PASSWORD)
    ready = ready && self->password_valid;
  gtk_widget_set_sensitive (self->primary, ready);
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
  apppass_layout_set_button_label (self->not_now, checking ? _ ("_Cancel") : _ ("_Not now"));
  gtk_widget_set_sensitive (self->never, !checking);
  if (self->entry)
    gtk_widget_set_sensitive (self->entry, !checking);
  apppass_dialog_update_primary (self);
  if (state == APPPASS_DIALOG_STATE_SAVED) {
    gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "saved");
    gtk_widget_hide (self->primary);
    gtk_widget_hide (self->never);
    apppass_layout_set_button_label (self->not_now, _ ("_Close"));
    gtk_widget_grab_focus (self->not_now);
  }
}

static void
finish (ApppassDialog *self, ApppassDialogOutcome outcome)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  if (self->cancellable)
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
show_saved (ApppassDialog *self)
{
  g_autofree char *text = g_strdup_printf (_ ("Saved. %s will use it from now on."),
                                           apppass_client_get_name (self->client));

  apppass_layout_add_saved_page (self, text);
  apppass_dialog_show_status (self, NULL, FALSE);
  set_state (self, APPPASS_DIALOG_STATE_SAVED);
  self->close_source = g_timeout_add (self->close_delay, close_after_saved, self);
}

static char *
rejected_text (const ApppassLoginResult *result)
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

/* Why the controller's run ended without a stored password, in the words of
 * this dialog. */
static void
report_error (ApppassDialog *self, const GError *error)
{
  const ApppassLoginResult *login = apppass_check_get_login (self->check);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    set_state (self, APPPASS_DIALOG_STATE_ASKING);
    apppass_dialog_show_status (self, _ ("The check was cancelled. Nothing was saved."), FALSE);
    return;
  }
  if (g_error_matches (error, APPPASS_CHECK_ERROR, APPPASS_CHECK_ERROR_NOT_STORED))
    text = g_strdup_printf (_ ("The server accepted the password, but %s could not save it: %s"),
                            apppass_client_get_name (self->client), error->message);
  else if (login == NULL) { /* a paste the password rule refused: nothing was sent */
    apppass_dialog_show_status (self, error->message, TRUE);
    return;
  } else if (login->outcome == APPPASS_LOGIN_REJECTED)
    text = rejected_text (login);
  else
    text = g_strdup_printf (_ ("The password could not be checked, so nothing was saved. %s"),
                            error->message);
  set_state (self, APPPASS_DIALOG_STATE_FAILED);
  apppass_dialog_show_status (self, text, TRUE);
}

static void
on_saved (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (ApppassDialog) self = data;
  g_autoptr (GError) error = NULL;
  gboolean saved = apppass_check_save_finish (APPPASS_CHECK (source), result, &error);

  if (self->finished)
    return;
  if (saved)
    show_saved (self);
  else
    report_error (self, error);
}

/* The steps of a run that go on: its end comes to on_saved(). */
static void
on_check_state (ApppassCheck *check, GParamSpec *pspec, ApppassDialog *self)
{
  g_autofree char *text = NULL;

  (void)pspec;
  if (self->finished)
    return;
  if (apppass_check_get_state (check) == APPPASS_CHECK_CHECKING) {
    set_state (self, APPPASS_DIALOG_STATE_CHECKING);
    text = g_strdup_printf (_ ("Checking the password with %s…"), self->account->host);
    apppass_dialog_show_status (self, text, FALSE);
  } else if (apppass_check_get_state (check) == APPPASS_CHECK_VERIFIED) {
    apppass_dialog_show_status (self, _ ("The server accepted the password. Saving it…"), FALSE);
  }
}

static void
start_check (ApppassDialog *self)
{
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  apppass_check_save_async (self->check, gtk_entry_get_text (GTK_ENTRY (self->entry)),
                            self->cancellable, on_saved, g_object_ref (self));
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
    apppass_dialog_show_status (self, text, TRUE);
    return;
  }
  self->switched = FALSE;
  g_clear_pointer (&self->switched_page, gtk_widget_destroy);
  gtk_widget_show (self->never);
  apppass_layout_build_body (self);
  set_state (self, APPPASS_DIALOG_STATE_ASKING);
  text = g_strdup_printf (_ ("Switched back: %s signs in with the stored password again."),
                          apppass_client_get_name (self->client));
  apppass_dialog_show_status (self, text, FALSE);
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
      client,
      name ? name
           : (apppass_dialog_provider_name (self) ? apppass_dialog_provider_name (self)
                                                  : _ ("the server")));
}

/* The client's own sign-in takes over from here; the dialog stays so that
 * the switch can be undone at once. */
static void
show_switched (ApppassDialog *self)
{
  g_autofree char *text = switched_text (self);

  self->switched = TRUE;
  self->switched_page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_pack_start (GTK_BOX (self->switched_page), apppass_layout_label (text, "oauth-switched"),
                      FALSE, FALSE, 0);
  if (apppass_client_can_undo_oauth_switch (self->client, self->account->id)) {
    GtkWidget *undo = apppass_layout_button (_ ("_Undo"), "undo-button");

    gtk_widget_set_halign (undo, GTK_ALIGN_START);
    g_signal_connect (undo, "clicked", G_CALLBACK (on_undo), self);
    gtk_box_pack_start (GTK_BOX (self->switched_page), undo, FALSE, FALSE, 0);
  }
  gtk_widget_show_all (self->switched_page);
  gtk_stack_add_named (GTK_STACK (self->stack), self->switched_page, "switched");
  gtk_stack_set_visible_child (GTK_STACK (self->stack), self->switched_page);
  gtk_widget_hide (self->primary);
  gtk_widget_hide (self->never);
  apppass_layout_set_button_label (self->not_now, _ ("_Close"));
  apppass_dialog_show_status (self, NULL, FALSE);
  apppass_a11y_publish_soon (GTK_WIDGET (self));
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
    apppass_dialog_show_status (self, _ ("Nothing was changed."), FALSE);
    return;
  }
  text = g_strdup_printf (_ ("The account could not be switched to OAuth 2.0: %s"),
                          error ? error->message : "?");
  apppass_dialog_show_status (self, text, TRUE);
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
    if (response != RESPONSE_PRIMARY &&
        apppass_check_get_state (self->check) == APPPASS_CHECK_CHECKING)
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
  self->title = apppass_layout_label ("", "title");
  pango_attr_list_insert (big, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (big, pango_attr_scale_new (PANGO_SCALE_LARGE));
  gtk_label_set_attributes (GTK_LABEL (self->title), big);
  pango_attr_list_unref (big);
  if (self->account->address && g_strcmp0 (self->account->address, self->account->display_name))
    who = g_strdup_printf (_ ("Account: %s (%s)"), self->account->display_name,
                           self->account->address);
  else
    who = g_strdup_printf (_ ("Account: %s"), self->account->display_name);
  account = apppass_layout_label (who, "account");
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
  apppass_a11y_set_id_later (self->spinner, "spinner");
  apppass_a11y_set_name_later (self->spinner, _ ("Checking"));
  gtk_widget_set_no_show_all (self->spinner, TRUE);
  gtk_widget_set_valign (self->spinner, GTK_ALIGN_START);
  self->status = apppass_layout_label ("", "status");
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

  self->never = apppass_layout_button (_ ("_Don’t offer this for this account"), "never-button");
  gtk_dialog_add_action_widget (dialog, self->never, RESPONSE_NEVER);
  gtk_button_box_set_child_secondary (GTK_BUTTON_BOX (area), self->never, TRUE);
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->not_now = apppass_layout_button (_ ("_Not now"), "not-now-button");
  gtk_dialog_add_action_widget (dialog, self->not_now, RESPONSE_NOT_NOW);
  self->primary = apppass_layout_button (
      apppass_layout_primary_label (self) ? apppass_layout_primary_label (self) : "",
      "primary-button");
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
  apppass_a11y_set_id_later (GTK_WIDGET (self), "dialog");
  self->client = g_object_ref (client);
  self->account = apppass_account_copy (account);
  self->diagnosis = *diagnosis;
  self->diagnosis.explanation = g_strdup (diagnosis->explanation);
  self->mode = diagnosis->action;
  self->check = apppass_check_new (client, account);
  g_signal_connect_object (self->check, "notify::state", G_CALLBACK (on_check_state), self, 0);
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
  apppass_layout_build_body (self);
  set_state (self, APPPASS_DIALOG_STATE_ASKING);
  apppass_a11y_publish_soon (GTK_WIDGET (self));
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
    apppass_layout_switch_mode (self, diagnosis->action);
    return;
  }
  title = apppass_layout_title (self);
  explanation = apppass_layout_explanation (self);
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
  apppass_a11y_cancel_publish (GTK_WIDGET (self));
  G_OBJECT_CLASS (apppass_dialog_parent_class)->dispose (object);
}

static void
apppass_dialog_finalize (GObject *object)
{
  ApppassDialog *self = APPPASS_DIALOG (object);

  g_clear_object (&self->check);
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
  self->close_delay = DEFAULT_CLOSE_DELAY_MS;
}
