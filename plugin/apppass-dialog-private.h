/* apppass — what the dialog's own files share: its fields and its view functions
 *
 * Why: the dialog is one widget written in two files, its states in
 * apppass-dialog.c and its layouts in apppass-layout.c; they share its
 * fields here, and no other file includes this.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-check.h"
#include "apppass-dialog.h"

G_BEGIN_DECLS

struct _ApppassDialog {
  GtkDialog parent;

  ApppassClient *client;
  ApppassAccount *account;
  ApppassDiagnosis diagnosis;
  ApppassAction mode;
  ApppassDialogState state;
  gboolean finished;
  gboolean password_valid;
  guint close_delay;
  guint close_source;
  ApppassCheck *check;
  GCancellable *cancellable; /* the running check's */
  char *oauth_label;
  gboolean switched;

  GtkWidget *icon, *title, *stack, *body, *explanation;
  GtkWidget *entry, *note, *spinner, *status, *saved;
  GtkWidget *primary, *not_now, *never, *switched_page;
};

static inline const char *
apppass_dialog_provider_name (ApppassDialog *self)
{
  return self->diagnosis.provider ? apppass_provider_get_name (self->diagnosis.provider) : NULL;
}

static inline ApppassPolicy
apppass_dialog_provider_policy (ApppassDialog *self)
{
  return self->diagnosis.provider
             ? apppass_provider_get_policy_for (self->diagnosis.provider, self->account->protocol)
             : APPPASS_POLICY_TWO_STEP;
}

static inline const char *
apppass_dialog_provider_page (ApppassDialog *self, ApppassPage page)
{
  return self->diagnosis.provider ? apppass_provider_get_page (self->diagnosis.provider, page)
                                  : NULL;
}

/* apppass-dialog.c: the view's state */
void apppass_dialog_show_status (ApppassDialog *self, const char *text, gboolean is_error);
void apppass_dialog_update_primary (ApppassDialog *self);

G_END_DECLS
