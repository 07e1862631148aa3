/* apppass — one controller for "check this password, store it, let the client retry"
 *
 * The dialog and the account page both need the same sequence and the same
 * promises (nothing stored that the server did not accept; a store that was
 * not cancelled once it began), so it lives here once and they only show its
 * state, as GNOME Online Accounts' dialogs show their provider's.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-client.h"

G_BEGIN_DECLS

/**
 * ApppassCheckState:
 * @APPPASS_CHECK_IDLE: nothing runs (also after a cancelled run)
 * @APPPASS_CHECK_CHECKING: logging in to the server with the password
 * @APPPASS_CHECK_VERIFIED: the server accepted it; storing it (not cancellable)
 * @APPPASS_CHECK_STORED: stored, and the client was asked to log in again
 * @APPPASS_CHECK_FAILED: see apppass_check_get_error()
 */
typedef enum {
  APPPASS_CHECK_IDLE,
  APPPASS_CHECK_CHECKING,
  APPPASS_CHECK_VERIFIED,
  APPPASS_CHECK_STORED,
  APPPASS_CHECK_FAILED,
} ApppassCheckState;

GType apppass_check_state_get_type (void);
#define APPPASS_TYPE_CHECK_STATE (apppass_check_state_get_type ())

/* Failures of the sequence itself; the login check's are %APPPASS_ERROR ones
 * (REJECTED, NOT_SENT), a cancelled run is %G_IO_ERROR_CANCELLED. */
#define APPPASS_CHECK_ERROR (apppass_check_error_quark ())
typedef enum {
  APPPASS_CHECK_ERROR_NOT_STORED, /* accepted, but the client's store refused: the message is the
                                     store's */
  APPPASS_CHECK_ERROR_NOTHING_STORED, /* apppass_check_stored_async(): the client has no password */
} ApppassCheckError;
GQuark apppass_check_error_quark (void);

#define APPPASS_TYPE_CHECK (apppass_check_get_type ())
G_DECLARE_FINAL_TYPE (ApppassCheck, apppass_check, APPPASS, CHECK, GObject)

ApppassCheck *apppass_check_new (ApppassClient *client, const ApppassAccount *account);

/* Normalises @pasted (the password rule), logs in to the account's server with
 * it, stores it through the client only if the server accepted it, then asks
 * the client to log in again (unless @cancellable was cancelled meanwhile).
 * Cancelling stops the login check; a store already begun completes. */
void apppass_check_save_async (ApppassCheck *check, const char *pasted, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean apppass_check_save_finish (ApppassCheck *check, GAsyncResult *result, GError **error);

/* Logs in with the password the client already has; stores nothing. */
void apppass_check_stored_async (ApppassCheck *check, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean apppass_check_stored_finish (ApppassCheck *check, GAsyncResult *result, GError **error);

/* Also the "state" property, notified on every change. */
ApppassCheckState apppass_check_get_state (ApppassCheck *check);
/* (nullable): why the last run failed */
const GError *apppass_check_get_error (ApppassCheck *check);
/* (nullable): the last login check's answer: the server's words and their diagnosis */
const ApppassLoginResult *apppass_check_get_login (ApppassCheck *check);
const ApppassAccount *apppass_check_get_account (ApppassCheck *check);

G_END_DECLS
