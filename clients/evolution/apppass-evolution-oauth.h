/* apppass for Evolution — one step to Evolution's own OAuth 2.0 sign-in, and back
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-client.h"

G_BEGIN_DECLS

/* The ApppassClient interface's oauth methods of the Evolution adapter. */
char *apppass_evolution_oauth_get_help (ApppassClient *client, const ApppassAccount *account);
char *apppass_evolution_oauth_get_name (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_evolution_oauth_can_switch (ApppassClient *client, const ApppassAccount *account);
gboolean apppass_evolution_oauth_switch (ApppassClient *client, const ApppassAccount *account,
                                         GError **error);
gboolean apppass_evolution_oauth_can_undo (ApppassClient *client, const char *account_id);
gboolean apppass_evolution_oauth_undo (ApppassClient *client, const char *account_id,
                                       GError **error);
/* While the account editor (an EMailConfigNotebook) is open for @account_id,
 * Undo changes its copies of the sources, which its OK writes. */
void apppass_evolution_oauth_editor_opened (const char *account_id, GObject *notebook);
/* From our page's commit: an Undo pressed in the editor goes into @sources. */
void apppass_evolution_oauth_editor_commit (const char *account_id, GQueue *sources);

G_END_DECLS
