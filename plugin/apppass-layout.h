/* apppass — the dialog's layouts: one for each action it offers
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-dialog-private.h"

G_BEGIN_DECLS

/* A label that wraps within the dialog, named @name (apppass-a11y.h). */
GtkWidget *apppass_layout_label (const char *text, const char *name);
GtkWidget *apppass_layout_button (const char *label, const char *name);
/* Without rebuilding the button's label widget where the text stays. */
void apppass_layout_set_button_label (GtkWidget *button, const char *label);

char *apppass_layout_title (ApppassDialog *self);
char *apppass_layout_explanation (ApppassDialog *self);
/* (nullable): where the dialog's mode has no main button */
const char *apppass_layout_primary_label (ApppassDialog *self);

/* The layout of self->mode, in place of the one shown. */
void apppass_layout_build_body (ApppassDialog *self);
void apppass_layout_switch_mode (ApppassDialog *self, ApppassAction mode);
/* The page shown once a password was saved, built only then. */
void apppass_layout_add_saved_page (ApppassDialog *self, const char *text);

G_END_DECLS
