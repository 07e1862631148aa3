/* apppass — accessible ids and names, given after a window is built
 *
 * Why later: an accessible object, once it exists, reports every later change
 * (texts, packing, showing) to whoever listens. While a screen reader or an
 * AT-SPI test listened, naming each widget as it was made doubled the cost of
 * building and showing the dialog, so names wait here until it is complete.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The widget name now (tests in this process find it), its accessible id
 * ("apppass-" + @name) at the next publish. */
void apppass_a11y_set_id_later (GtkWidget *widget, const char *name);
/* What a screen reader says for @widget, given at the next publish. */
void apppass_a11y_set_name_later (GtkWidget *widget, const char *name);

/* Publishes the pending ids and names under @root in the next main-loop
 * iteration, ahead of the first frame and of any X or D-Bus event that could
 * let a screen reader ask for a name not yet given. Once per iteration. */
void apppass_a11y_publish_soon (GtkWidget *root);
/* For @root's dispose: forgets a publish still to come. */
void apppass_a11y_cancel_publish (GtkWidget *root);

G_END_DECLS
