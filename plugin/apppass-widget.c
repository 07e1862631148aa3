/* apppass — small widget helpers shared by the dialog and the account page
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-widget.h"

void
apppass_widget_set_id (GtkWidget *widget, const char *name)
{
  g_autofree char *id = g_strconcat ("apppass-", name, NULL);

  gtk_widget_set_name (widget, name);
  atk_object_set_accessible_id (gtk_widget_get_accessible (widget), id);
}

void
apppass_widget_set_a11y_name (GtkWidget *widget, const char *name)
{
  atk_object_set_name (gtk_widget_get_accessible (widget), name);
}
