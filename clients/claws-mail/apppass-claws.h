/* apppass for Claws Mail — the pieces of the plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-flow.h"
#include "apppass-intl.h"

/* Claws' headers want their feature macros first. */
#include <claws-features.h>

#include "account.h"
#include "prefs_account.h"

G_BEGIN_DECLS

/* The adapter: Claws' accounts, password store, URI command and window. */
#define APPPASS_CLAWS_TYPE_CLIENT (apppass_claws_client_get_type ())
G_DECLARE_FINAL_TYPE (ApppassClawsClient, apppass_claws_client, APPPASS_CLAWS, CLIENT, GObject)

ApppassClawsClient *apppass_claws_client_new (void);
/* Removes the retries still waiting: when the plugin unloads. */
void apppass_claws_client_cancel_retries (void);
/* The account's id as the flow knows it: Claws' account_id in decimal. */
char *apppass_claws_account_key (const PrefsAccount *account);
PrefsAccount *apppass_claws_account_from_key (const char *key);

/* The account's preferences window opened, saved (Apply, OK), closed: see
 * OpenPrefs in apppass-claws-client.c. */
void apppass_claws_client_prefs_opened (const PrefsAccount *account, GtkWindow *window);
void apppass_claws_client_prefs_saved (void);
void apppass_claws_client_prefs_closed (void);

/* Watching Claws' log for failed logins (apppass-claws-log.c). */
void apppass_claws_log_watch_start (ApppassFlow *flow);
void apppass_claws_log_watch_stop (void);
/* After apppass takes a failure, Claws' own "Input password" prompt for the
 * same login is closed, so the user answers one dialog only. */
void apppass_claws_prompt_suppress (const PrefsAccount *account);
void apppass_claws_send_error_suppress (void);
void apppass_claws_prompt_stop (void);

/* Claws' own OAuth 2.0 for an account (apppass-claws-oauth.c): the
 * ApppassClient interface's oauth methods. */
char *apppass_claws_oauth_get_help (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_claws_oauth_can_switch (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_claws_oauth_switch (ApppassClient *client, const ApppassAccount *account,
                                     GError **error);
gboolean apppass_claws_oauth_needs_client_id (ApppassClient *client);

/* Our page in each account's preferences (apppass-claws-page.c). */
void apppass_claws_page_register (ApppassFlow *flow);
void apppass_claws_page_unregister (void);

G_END_DECLS
