/* apppass — from "this login failed" to one dialog at a time
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-client.h"
#include "apppass-dialog.h"

G_BEGIN_DECLS

#define APPPASS_TYPE_FLOW (apppass_flow_get_type ())
G_DECLARE_FINAL_TYPE (ApppassFlow, apppass_flow, APPPASS, FLOW, GObject)

ApppassFlow *apppass_flow_new (ApppassClient *client);
ApppassClient *apppass_flow_get_client (ApppassFlow *flow);

/**
 * apppass_flow_diagnose:
 * @server_text: (nullable): what the server answered; %NULL where the client
 *   lost it and knows only that the password was rejected
 *
 * What @account's failure means, with the provider the user chose on the
 * account page, if any. Changes nothing.
 */
ApppassDiagnosis *apppass_flow_diagnose (ApppassFlow *flow, const ApppassAccount *account,
                                         const char *server_text);

/* The same, with what the client knows about the failure: with
 * %APPPASS_CONTEXT_REFUSED, words that name no cause mean credentials-rejected. */
ApppassDiagnosis *apppass_flow_diagnose_in_context (ApppassFlow *flow,
                                                    const ApppassAccount *account,
                                                    const char *server_text,
                                                    ApppassContext context);

/**
 * apppass_flow_login_failed:
 * @account_id: the adapter's key for the account
 * @protocol: the side whose login failed
 * @server_text: (nullable): as for apppass_flow_diagnose()
 *
 * Shows the dialog, or queues it behind another account's, or updates the
 * one already open for this account. Stays quiet for action `none`, for an
 * account where the user turned the help off, and after "Not now" until the
 * account's snooze time has passed.
 *
 * Returns: %TRUE when apppass took the failure (the client should not show
 *   its own password prompt for it), %FALSE to leave it to the client
 */
gboolean apppass_flow_login_failed (ApppassFlow *flow, const char *account_id,
                                    ApppassProtocol protocol, const char *server_text);

/* The same, for a client that knows more than the server's words: pass
 * %APPPASS_CONTEXT_REFUSED where it saw the login refused (its own verdict). */
gboolean apppass_flow_login_failed_in_context (ApppassFlow *flow, const char *account_id,
                                               ApppassProtocol protocol, const char *server_text,
                                               ApppassContext context);

/* Whether apppass_flow_login_failed() would take this failure now, for a
 * client that hears the server's words before it reports the failed login
 * (Evolution shows an IMAP [ALERT] first). Changes nothing. */
gboolean apppass_flow_would_take (ApppassFlow *flow, const char *account_id,
                                  ApppassProtocol protocol, const char *server_text);
gboolean apppass_flow_would_take_in_context (ApppassFlow *flow, const char *account_id,
                                             ApppassProtocol protocol, const char *server_text,
                                             ApppassContext context);

/* The app-password dialog by hand (the account page's button): ignores the
 * snooze and the on/off setting. */
void apppass_flow_open (ApppassFlow *flow, const char *account_id, ApppassProtocol protocol);
/* The same, over @over (nullable): the window the user asked from (the
 * client's account preferences), which may be modal. */
void apppass_flow_open_over (ApppassFlow *flow, const char *account_id, ApppassProtocol protocol,
                             GtkWindow *over);

/* (nullable): the dialog on screen */
ApppassDialog *apppass_flow_get_dialog (ApppassFlow *flow);
guint apppass_flow_get_n_waiting (ApppassFlow *flow);

/* Closes every dialog without an answer: for a plugin being unloaded. */
void apppass_flow_close_all (ApppassFlow *flow);

/* For tests: real time in seconds, from @now instead of the clock. */
void apppass_flow_set_clock (ApppassFlow *flow, gint64 (*now) (gpointer data), gpointer data);

G_END_DECLS
