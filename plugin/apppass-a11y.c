/* apppass — accessible ids and names, given after a window is built
 *
 * See apppass-a11y.h for why they wait.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-a11y.h"

#include "apppass-widget.h"

#define ID_PENDING   "apppass-id-pending"
#define NAME_PENDING "apppass-a11y-name-pending"
#define SOURCE       "apppass-a11y-publish-source"

void
apppass_a11y_set_id_later (GtkWidget *widget, const char *name)
{
  gtk_widget_set_name (widget, name);
  g_object_set_data (G_OBJECT (widget), ID_PENDING, GINT_TO_POINTER (TRUE));
}

void
apppass_a11y_set_name_later (GtkWidget *widget, const char *name)
{
  g_object_set_data_full (G_OBJECT (widget), NAME_PENDING, g_strdup (name), g_free);
}

static void
publish_names (GtkWidget *widget, gpointer data)
{
  g_autofree char *a11y_name = g_object_steal_data (G_OBJECT (widget), NAME_PENDING);

  if (g_object_steal_data (G_OBJECT (widget), ID_PENDING)) {
    g_autofree char *name = g_strdup (gtk_widget_get_name (widget));

    apppass_widget_set_id (widget, name);
  }
  if (a11y_name)
    apppass_widget_set_a11y_name (widget, a11y_name);
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), publish_names, data);
}

static gboolean
publish_pending_names (gpointer data)
{
  GtkWidget *root = data;

  g_object_steal_data (G_OBJECT (root), SOURCE);
  publish_names (root, NULL);
  return G_SOURCE_REMOVE;
}

static void
remove_source (gpointer source)
{
  g_source_remove (GPOINTER_TO_UINT (source));
}

void
apppass_a11y_publish_soon (GtkWidget *root)
{
  guint source;

  if (g_object_get_data (G_OBJECT (root), SOURCE))
    return;
  source = g_idle_add_full (G_PRIORITY_HIGH, publish_pending_names, root, NULL);
  g_object_set_data_full (G_OBJECT (root), SOURCE, GUINT_TO_POINTER (source), remove_source);
}

void
apppass_a11y_cancel_publish (GtkWidget *root)
{
  g_object_set_data (G_OBJECT (root), SOURCE, NULL);
}
