/* apppass for Evolution — accounts whose password Online Accounts keeps
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An account set up in GNOME Online Accounts gets its password from there;
 * Evolution's credentials provider cannot store one for it. Instead of a
 * password field, such an account's failure gets an explanation and a button
 * that opens Online Accounts, where the user signs in again. */

#include "apppass-evolution-goa.h"

#include "apppass-intl.h"

#include "apppass-widget.h"

enum {
  RESPONSE_OPEN = 1,
};

/* One explanation per account at a time. */
static GHashTable *shown;

static void
on_response (GtkDialog *dialog, int response, gpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = {"gnome-control-center", "online-accounts", NULL};

  (void)data;
  if (response == RESPONSE_OPEN &&
      !g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &error))
    g_warning ("apppass: Online Accounts could not be opened: %s", error->message);
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

/* Answered, or gone with its parent window: the account may be explained again. */
static void
on_destroyed (GtkWidget *dialog, gpointer id)
{
  (void)dialog;
  g_hash_table_remove (shown, id);
}

static GtkWidget *
explanation (ApppassClient *client, const ApppassAccount *account)
{
  GtkWidget *dialog = gtk_message_dialog_new (
      apppass_client_get_parent_window (client), GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_INFO,
      GTK_BUTTONS_NONE, _ ("The password of “%s” is kept in Online Accounts"),
      account->display_name);

  gtk_message_dialog_format_secondary_text (
      GTK_MESSAGE_DIALOG (dialog), "%s",
      _ ("The server refused the password. This account was set up in Online Accounts, which "
         "keeps its password, so Evolution cannot save a new one. Open Online Accounts and sign "
         "in to the account there again; if the provider asks for an app password, use it "
         "there."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _ ("_Not now"), GTK_RESPONSE_CLOSE);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _ ("Open _Online Accounts"), RESPONSE_OPEN);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), RESPONSE_OPEN);
  apppass_widget_set_id (dialog, "online-accounts");
  return dialog;
}

gboolean
apppass_evolution_goa_explain (ApppassEvolutionClient *client, const char *account_id,
                               ApppassProtocol protocol, const char *server_text,
                               ApppassContext context)
{
  g_autoptr (ApppassAccount) account = NULL;
  GtkWidget *dialog;

  if (!apppass_evolution_client_is_online_account (client, account_id, protocol))
    return FALSE;
  if (!apppass_flow_would_take_in_context (apppass_evolution_client_get_flow (client), account_id,
                                           protocol, server_text, context))
    return FALSE;
  if (shown == NULL)
    shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_contains (shown, account_id))
    return TRUE;
  account = apppass_client_describe_account (APPPASS_CLIENT (client), account_id, protocol);
  if (account == NULL)
    return FALSE;
  dialog = explanation (APPPASS_CLIENT (client), account);
  g_hash_table_add (shown, g_strdup (account_id));
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), NULL);
  g_signal_connect_data (dialog, "destroy", G_CALLBACK (on_destroyed), g_strdup (account_id),
                         (GClosureNotify)(void (*) (void))g_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}
