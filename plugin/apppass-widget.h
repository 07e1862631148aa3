/* apppass — small widget helpers shared by the dialog and the account page
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Names @widget for tests in this process (its widget name) and for
 * assistive technology and tests driving a real client over AT-SPI (its
 * accessible id, "apppass-" + @name). */
void apppass_widget_set_id (GtkWidget *widget, const char *name);

/* The name a screen reader says for @widget. */
void apppass_widget_set_a11y_name (GtkWidget *widget, const char *name);

G_END_DECLS
