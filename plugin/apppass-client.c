/* apppass — what a mail client's adapter provides to the shared plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-client.h"

G_DEFINE_INTERFACE (ApppassClient, apppass_client, G_TYPE_OBJECT)

static void
apppass_client_default_init (ApppassClientInterface *iface)
{
  (void)iface;
}

ApppassAccount *
apppass_account_copy (const ApppassAccount *account)
{
  ApppassAccount *copy = g_new0 (ApppassAccount, 1);

  *copy = *account;
  copy->id = g_strdup (account->id);
  copy->display_name = g_strdup (account->display_name);
  copy->address = g_strdup (account->address);
  copy->host = g_strdup (account->host);
  copy->user = g_strdup (account->user);
  copy->trusted_pem = g_strdup (account->trusted_pem);
  if (account->proxy_resolver)
    g_object_ref (account->proxy_resolver);
  return copy;
}

ApppassLoginOptions
apppass_account_login_options (const ApppassAccount *account)
{
  ApppassLoginOptions options = {
      .protocol = account->protocol,
      .host = account->host,
      .port = account->port,
      .security = account->security,
      .user = account->user,
      .trusted_pem = account->trusted_pem,
      .proxy_resolver = account->proxy_resolver,
  };

  return options;
}

void
apppass_account_free (ApppassAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->id);
  g_free (account->display_name);
  g_free (account->address);
  g_free (account->host);
  g_free (account->user);
  g_free (account->trusted_pem);
  g_clear_object (&account->proxy_resolver);
  g_free (account);
}

#define IFACE(c) APPPASS_CLIENT_GET_IFACE (c)

const char *
apppass_client_get_name (ApppassClient *client)
{
  return IFACE (client)->get_name (client);
}

ApppassAccount *
apppass_client_describe_account (ApppassClient *client, const char *id, ApppassProtocol protocol)
{
  return IFACE (client)->describe_account (client, id, protocol);
}

void
apppass_client_store_password (ApppassClient *client, const ApppassAccount *account,
                               const char *password, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  IFACE (client)->store_password (client, account, password, cancellable, callback, user_data);
}

gboolean
apppass_client_store_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  return IFACE (client)->store_password_finish (client, result, error);
}

void
apppass_client_retry_login (ApppassClient *client, const ApppassAccount *account)
{
  IFACE (client)->retry_login (client, account);
}

gboolean
apppass_client_open_uri (ApppassClient *client, const char *uri, GError **error)
{
  return IFACE (client)->open_uri (client, uri, error);
}

GtkWindow *
apppass_client_get_parent_window (ApppassClient *client)
{
  return IFACE (client)->get_parent_window (client);
}

char *
apppass_client_get_setting (ApppassClient *client, const char *id, const char *key)
{
  return IFACE (client)->get_setting (client, id, key);
}

void
apppass_client_set_setting (ApppassClient *client, const char *id, const char *key,
                            const char *value)
{
  IFACE (client)->set_setting (client, id, key, value);
}

gboolean
apppass_client_can_lookup_password (ApppassClient *client)
{
  return IFACE (client)->lookup_password != NULL;
}

void
apppass_client_lookup_password (ApppassClient *client, const ApppassAccount *account,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  IFACE (client)->lookup_password (client, account, cancellable, callback, user_data);
}

char *
apppass_client_lookup_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  return IFACE (client)->lookup_password_finish (client, result, error);
}

char *
apppass_client_get_oauth_help (ApppassClient *client, const ApppassAccount *account)
{
  if (IFACE (client)->get_oauth_help == NULL)
    return NULL;
  return IFACE (client)->get_oauth_help (client, account);
}

gboolean
apppass_client_can_switch_to_oauth (ApppassClient *client, const ApppassAccount *account)
{
  ApppassClientInterface *iface = IFACE (client);

  return iface->switch_to_oauth && iface->can_switch_to_oauth &&
         iface->can_switch_to_oauth (client, account);
}

gboolean
apppass_client_switch_to_oauth (ApppassClient *client, const ApppassAccount *account,
                                GError **error)
{
  return IFACE (client)->switch_to_oauth (client, account, error);
}

char *
apppass_client_get_oauth_name (ApppassClient *client, const ApppassAccount *account)
{
  if (IFACE (client)->get_oauth_name == NULL)
    return NULL;
  return IFACE (client)->get_oauth_name (client, account);
}

gboolean
apppass_client_can_undo_oauth_switch (ApppassClient *client, const char *id)
{
  ApppassClientInterface *iface = IFACE (client);

  return iface->undo_oauth_switch && iface->can_undo_oauth_switch &&
         iface->can_undo_oauth_switch (client, id);
}

gboolean
apppass_client_undo_oauth_switch (ApppassClient *client, const char *id, GError **error)
{
  return IFACE (client)->undo_oauth_switch (client, id, error);
}

gboolean
apppass_client_oauth_needs_client_id (ApppassClient *client)
{
  return IFACE (client)->oauth_needs_client_id && IFACE (client)->oauth_needs_client_id (client);
}
