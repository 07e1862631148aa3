/* apppass — what a mail client's adapter provides to the shared plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-client.h"

G_DEFINE_INTERFACE (ApppassClient, apppass_client, G_TYPE_OBJECT)

static void
apppass_client_default_init (ApppassClientInterface *iface)
{
  (void)iface;
}

#define IFACE(c) APPPASS_CLIENT_GET_IFACE (c)

/* An adapter that leaves out a method the plugin cannot do without is a
 * programming error: say which, and let the caller go on with the default. */
static gboolean
implements (ApppassClient *client, gconstpointer method, const char *name)
{
  if (method == NULL)
    g_critical ("%s does not implement ApppassClient.%s", G_OBJECT_TYPE_NAME (client), name);
  return method != NULL;
}

#define REQUIRED(client, method) implements (client, IFACE (client)->method, #method)

/* An async method that is not there still calls back, so no caller waits. */
static void
report_not_supported (ApppassClient *client, gpointer tag, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_task_report_new_error (client, callback, user_data, tag, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "%s cannot do this", G_OBJECT_TYPE_NAME (client));
}

static gboolean
set_not_supported (ApppassClient *client, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s cannot do this",
               G_OBJECT_TYPE_NAME (client));
  return FALSE;
}

const char *
apppass_client_get_name (ApppassClient *client)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (!REQUIRED (client, get_name))
    return G_OBJECT_TYPE_NAME (client);
  return IFACE (client)->get_name (client);
}

ApppassAccount *
apppass_client_describe_account (ApppassClient *client, const char *id, ApppassProtocol protocol)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (!REQUIRED (client, describe_account))
    return NULL;
  return IFACE (client)->describe_account (client, id, protocol);
}

void
apppass_client_store_password (ApppassClient *client, const ApppassAccount *account,
                               const char *password, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (APPPASS_IS_CLIENT (client));
  if (!REQUIRED (client, store_password) || !REQUIRED (client, store_password_finish))
    report_not_supported (client, apppass_client_store_password, callback, user_data);
  else
    IFACE (client)->store_password (client, account, password, cancellable, callback, user_data);
}

gboolean
apppass_client_store_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  if (g_async_result_is_tagged (result, apppass_client_store_password))
    return g_task_propagate_boolean (G_TASK (result), error);
  return IFACE (client)->store_password_finish (client, result, error);
}

void
apppass_client_retry_login (ApppassClient *client, const ApppassAccount *account)
{
  g_return_if_fail (APPPASS_IS_CLIENT (client));
  if (REQUIRED (client, retry_login))
    IFACE (client)->retry_login (client, account);
}

gboolean
apppass_client_open_uri (ApppassClient *client, const char *uri, GError **error)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  if (!REQUIRED (client, open_uri))
    return set_not_supported (client, error);
  return IFACE (client)->open_uri (client, uri, error);
}

GtkWindow *
apppass_client_get_parent_window (ApppassClient *client)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (!REQUIRED (client, get_parent_window))
    return NULL;
  return IFACE (client)->get_parent_window (client);
}

char *
apppass_client_get_setting (ApppassClient *client, const char *id, const char *key)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (!REQUIRED (client, get_setting))
    return NULL;
  return IFACE (client)->get_setting (client, id, key);
}

void
apppass_client_set_setting (ApppassClient *client, const char *id, const char *key,
                            const char *value)
{
  g_return_if_fail (APPPASS_IS_CLIENT (client));
  if (REQUIRED (client, set_setting))
    IFACE (client)->set_setting (client, id, key, value);
}

gboolean
apppass_client_can_lookup_password (ApppassClient *client)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  return IFACE (client)->lookup_password != NULL && IFACE (client)->lookup_password_finish != NULL;
}

void
apppass_client_lookup_password (ApppassClient *client, const ApppassAccount *account,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (APPPASS_IS_CLIENT (client));
  if (!apppass_client_can_lookup_password (client))
    report_not_supported (client, apppass_client_lookup_password, callback, user_data);
  else
    IFACE (client)->lookup_password (client, account, cancellable, callback, user_data);
}

char *
apppass_client_lookup_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (g_async_result_is_tagged (result, apppass_client_lookup_password))
    return g_task_propagate_pointer (G_TASK (result), error);
  return IFACE (client)->lookup_password_finish (client, result, error);
}

char *
apppass_client_get_oauth_help (ApppassClient *client, const ApppassAccount *account)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (IFACE (client)->get_oauth_help == NULL)
    return NULL;
  return IFACE (client)->get_oauth_help (client, account);
}

gboolean
apppass_client_can_switch_to_oauth (ApppassClient *client, const ApppassAccount *account)
{
  ApppassClientInterface *iface;

  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  iface = IFACE (client);
  return iface->switch_to_oauth && iface->can_switch_to_oauth &&
         iface->can_switch_to_oauth (client, account);
}

gboolean
apppass_client_switch_to_oauth (ApppassClient *client, const ApppassAccount *account,
                                GError **error)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  if (IFACE (client)->switch_to_oauth == NULL)
    return set_not_supported (client, error);
  return IFACE (client)->switch_to_oauth (client, account, error);
}

char *
apppass_client_get_oauth_name (ApppassClient *client, const ApppassAccount *account)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), NULL);
  if (IFACE (client)->get_oauth_name == NULL)
    return NULL;
  return IFACE (client)->get_oauth_name (client, account);
}

gboolean
apppass_client_can_undo_oauth_switch (ApppassClient *client, const char *id)
{
  ApppassClientInterface *iface;

  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  iface = IFACE (client);
  return iface->undo_oauth_switch && iface->can_undo_oauth_switch &&
         iface->can_undo_oauth_switch (client, id);
}

gboolean
apppass_client_undo_oauth_switch (ApppassClient *client, const char *id, GError **error)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  if (IFACE (client)->undo_oauth_switch == NULL)
    return set_not_supported (client, error);
  return IFACE (client)->undo_oauth_switch (client, id, error);
}

gboolean
apppass_client_oauth_needs_client_id (ApppassClient *client)
{
  g_return_val_if_fail (APPPASS_IS_CLIENT (client), FALSE);
  return IFACE (client)->oauth_needs_client_id && IFACE (client)->oauth_needs_client_id (client);
}
