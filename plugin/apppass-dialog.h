/* apppass — the dialog shown when an account's login failed
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "apppass-client.h"
#include "apppass-diagnosis.h"

G_BEGIN_DECLS

/**
 * ApppassDialogOutcome:
 * @APPPASS_DIALOG_SAVED: a verified password was stored and the client retries
 * @APPPASS_DIALOG_RETRIED: the user fixed something at the provider and the client retries
 * @APPPASS_DIALOG_NOT_NOW: dismissed ("Not now", Escape, closed): ask again later
 * @APPPASS_DIALOG_NEVER: "Don't offer this for this account"
 */
typedef enum {
  APPPASS_DIALOG_SAVED,
  APPPASS_DIALOG_RETRIED,
  APPPASS_DIALOG_NOT_NOW,
  APPPASS_DIALOG_NEVER,
} ApppassDialogOutcome;

/* What the dialog is doing: for tests and for the adapters' own checks. */
typedef enum {
  APPPASS_DIALOG_STATE_ASKING,
  APPPASS_DIALOG_STATE_CHECKING,
  APPPASS_DIALOG_STATE_FAILED,
  APPPASS_DIALOG_STATE_SAVED,
} ApppassDialogState;

#define APPPASS_TYPE_DIALOG (apppass_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ApppassDialog, apppass_dialog, APPPASS, DIALOG, GtkDialog)

/* Non-modal, transient for the client's window; emits "finished" once, with
 * an ApppassDialogOutcome, and is then the caller's to destroy. */
ApppassDialog *apppass_dialog_new (ApppassClient *client, const ApppassAccount *account,
                                   const ApppassDiagnosis *diagnosis);

/* Puts the dialog over @parent: transient for it, and modal where @parent is
 * (a modal window's non-modal child takes no clicks or keys). */
void apppass_dialog_set_parent (ApppassDialog *dialog, GtkWindow *parent);

/* A second failure while the dialog is open: show the newer diagnosis,
 * keeping what the user typed. Ignored while a check runs. */
void apppass_dialog_update (ApppassDialog *dialog, const ApppassDiagnosis *diagnosis);

const char *apppass_dialog_get_account_id (ApppassDialog *dialog);
ApppassAction apppass_dialog_get_action (ApppassDialog *dialog);
ApppassDialogState apppass_dialog_get_state (ApppassDialog *dialog);

/* How long the success message stays before the dialog closes itself. */
void apppass_dialog_set_close_delay (ApppassDialog *dialog, guint milliseconds);

G_END_DECLS
