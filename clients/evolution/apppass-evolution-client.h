/* apppass for Evolution — the adapter behind the shared plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <libedataserverui/libedataserverui.h>
#include <shell/e-shell.h>

#include "apppass-flow.h"

G_BEGIN_DECLS

/* Accounts are ESources, an account's id is its [Mail Account] source's UID;
 * passwords go through Evolution's credentials provider, settings into an
 * [App Password] group of that source. */
#define APPPASS_EVOLUTION_TYPE_CLIENT (apppass_evolution_client_get_type ())
G_DECLARE_FINAL_TYPE (ApppassEvolutionClient, apppass_evolution_client, APPPASS_EVOLUTION, CLIENT,
                      GObject)

ApppassEvolutionClient *apppass_evolution_client_new (EShell *shell);
/* While the account editor saves @source (its own copy of the account),
 * settings go into that copy, which the editor then writes. */
void apppass_evolution_client_set_editing_source (ApppassEvolutionClient *client, ESource *source);

/* The flow that shows this client's dialogs, made on first use, on the main thread. */
ApppassFlow *apppass_evolution_client_get_flow (ApppassEvolutionClient *client);
/* Evolution prepares to quit: logins waiting for a dialog end at once,
 * unanswered, and the dialogs close. */
void apppass_evolution_client_quit (ApppassEvolutionClient *client);
gboolean apppass_evolution_client_is_quitting (ApppassEvolutionClient *client);

/* Frees @credentials with the password in them wiped first. */
void apppass_evolution_credentials_free (ENamedParameters *credentials);
/* IMAP or POP3 for a [Mail Account] source; APPPASS_N_PROTOCOLS for others. */
ApppassProtocol apppass_evolution_client_receiving_protocol (ESource *account);
/* The account and side behind a CamelService's (or an ESource's) @uid: the
 * mail account source itself, or the transport source its identity sends with. */
gboolean apppass_evolution_client_find_account (ApppassEvolutionClient *client, const char *uid,
                                                char **account_id, ApppassProtocol *protocol);
/* Where the password for @account_id's @protocol side is kept (an account
 * inside a collection, such as a Google one, keeps it on the collection). */
ESource *apppass_evolution_client_ref_credentials_source (ApppassEvolutionClient *client,
                                                          const char *account_id,
                                                          ApppassProtocol protocol);
/* The source that logs in for @protocol (the account itself for
 * APPPASS_N_PROTOCOLS, its transport for SMTP); NULL where there is none. */
ESource *apppass_evolution_client_ref_side_source (ApppassEvolutionClient *client,
                                                   const char *account_id,
                                                   ApppassProtocol protocol);
/* Whether @account_id's password for @protocol is kept by GNOME Online
 * Accounts (or Ubuntu's), where Evolution cannot store one. */
gboolean apppass_evolution_client_is_online_account (ApppassEvolutionClient *client,
                                                     const char *account_id,
                                                     ApppassProtocol protocol);

G_END_DECLS
