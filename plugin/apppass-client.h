/* apppass — what a mail client's adapter provides to the shared plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "apppass-account.h"
#include "apppass-protocol.h"

G_BEGIN_DECLS

#define APPPASS_TYPE_CLIENT (apppass_client_get_type ())
G_DECLARE_INTERFACE (ApppassClient, apppass_client, APPPASS, CLIENT, GObject)

/**
 * ApppassClientInterface:
 *
 * Methods not marked (optional) are required: a wrapper whose method is
 * missing logs a critical naming it and returns %NULL/%FALSE (an async one
 * calls back with %G_IO_ERROR_NOT_SUPPORTED). A missing optional method gives
 * the wrapper's default: %NULL or %FALSE, and %G_IO_ERROR_NOT_SUPPORTED where
 * the wrapper takes an error. Every wrapper checks that @client is one.
 *
 * @get_name: the client's name as users know it ("Claws Mail")
 * @describe_account: (transfer full) (nullable): the account @id's @protocol side
 * @store_password: store @password where the client reads it for @account;
 *   may fail (a locked store, a refused write) and must then change nothing
 * @retry_login: make the client log in to @account again now
 * @open_uri: show @uri in the user's browser
 * @get_parent_window: (nullable): the window our dialogs belong to
 * @get_setting: (transfer full) (nullable): apppass's setting @key for account @id
 * @set_setting: save it with the account (@value %NULL removes it)
 * @lookup_password: (optional): the password the client has for @account
 * @get_oauth_help: (optional) (transfer full): how to switch @account to
 *   OAuth 2.0 in this client, in its own words; %NULL where it cannot
 * @can_switch_to_oauth: (optional): whether @switch_to_oauth can do it for @account
 * @switch_to_oauth: (optional): switch @account to OAuth 2.0 in one step;
 *   %FALSE with @error set where that failed
 * @get_oauth_name: (optional) (transfer full): the sign-in @switch_to_oauth
 *   switches to, as its button says it ("Outlook.com")
 * @can_undo_oauth_switch: (optional): whether the account @id was switched by
 *   @switch_to_oauth and still uses that sign-in
 * @undo_oauth_switch: (optional): give the account @id its earlier sign-in back
 * @oauth_needs_client_id: (optional): whether the client's OAuth 2.0 needs a
 *   client ID the user registers with the provider (it ships none); its
 *   @switch_to_oauth then opens the client's own settings, and fails with
 *   G_IO_ERROR_CANCELLED where the user cancels them
 */
struct _ApppassClientInterface {
  GTypeInterface parent;

  const char *(*get_name) (ApppassClient *client);
  ApppassAccount *(*describe_account) (ApppassClient *client, const char *id,
                                       ApppassProtocol protocol);
  void (*store_password) (ApppassClient *client, const ApppassAccount *account,
                          const char *password, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*store_password_finish) (ApppassClient *client, GAsyncResult *result, GError **error);
  void (*retry_login) (ApppassClient *client, const ApppassAccount *account);
  gboolean (*open_uri) (ApppassClient *client, const char *uri, GError **error);
  GtkWindow *(*get_parent_window) (ApppassClient *client);
  char *(*get_setting) (ApppassClient *client, const char *id, const char *key);
  void (*set_setting) (ApppassClient *client, const char *id, const char *key, const char *value);
  void (*lookup_password) (ApppassClient *client, const ApppassAccount *account,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
  char *(*lookup_password_finish) (ApppassClient *client, GAsyncResult *result, GError **error);
  char *(*get_oauth_help) (ApppassClient *client, const ApppassAccount *account);
  gboolean (*can_switch_to_oauth) (ApppassClient *client, const ApppassAccount *account);
  gboolean (*switch_to_oauth) (ApppassClient *client, const ApppassAccount *account,
                               GError **error);
  char *(*get_oauth_name) (ApppassClient *client, const ApppassAccount *account);
  gboolean (*can_undo_oauth_switch) (ApppassClient *client, const char *id);
  gboolean (*undo_oauth_switch) (ApppassClient *client, const char *id, GError **error);
  gboolean (*oauth_needs_client_id) (ApppassClient *client);
};

const char *apppass_client_get_name (ApppassClient *client);
ApppassAccount *apppass_client_describe_account (ApppassClient *client, const char *id,
                                                 ApppassProtocol protocol);
void apppass_client_store_password (ApppassClient *client, const ApppassAccount *account,
                                    const char *password, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean apppass_client_store_password_finish (ApppassClient *client, GAsyncResult *result,
                                               GError **error);
void apppass_client_retry_login (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_client_open_uri (ApppassClient *client, const char *uri, GError **error);
GtkWindow *apppass_client_get_parent_window (ApppassClient *client);
char *apppass_client_get_setting (ApppassClient *client, const char *id, const char *key);
void apppass_client_set_setting (ApppassClient *client, const char *id, const char *key,
                                 const char *value);
gboolean apppass_client_can_lookup_password (ApppassClient *client);
void apppass_client_lookup_password (ApppassClient *client, const ApppassAccount *account,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
char *apppass_client_lookup_password_finish (ApppassClient *client, GAsyncResult *result,
                                             GError **error);
char *apppass_client_get_oauth_help (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_client_can_switch_to_oauth (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_client_switch_to_oauth (ApppassClient *client, const ApppassAccount *account,
                                         GError **error);
char *apppass_client_get_oauth_name (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_client_can_undo_oauth_switch (ApppassClient *client, const char *id);
gboolean apppass_client_undo_oauth_switch (ApppassClient *client, const char *id, GError **error);
gboolean apppass_client_oauth_needs_client_id (ApppassClient *client);

G_END_DECLS
