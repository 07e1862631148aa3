/* apppass for Claws Mail — one dialog for the user, not two
 *
 * After a failed IMAP login Claws opens its own modal "Input password"
 * prompt, and after a failed send a modal "Some errors occurred while sending
 * queued messages" alert; either would freeze our dialog behind it. When
 * apppass takes the failure, that window is closed as if cancelled; Claws
 * then simply waits for the next check (the queue keeps the message).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-claws.h"

#include <string.h>

/* The prompt opens within a second of the log line; look a while longer. */
#define WATCH_MS    100
#define WATCH_TIMES 150

/* A modal window of Claws whose labels hold every one of @needles. */
typedef struct {
  char *needles[3];
  guint times;
} Suppress;

static GSList *active;
static guint prompt_source;

static void
suppress_free (Suppress *s)
{
  for (guint i = 0; i < G_N_ELEMENTS (s->needles); i++)
    g_free (s->needles[i]);
  g_free (s);
}

static void
collect_labels (GtkWidget *widget, GString *text)
{
  if (GTK_IS_LABEL (widget)) {
    g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
    g_string_append_c (text, '\n');
  } else if (GTK_IS_CONTAINER (widget)) {
    g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

    for (GList *l = children; l; l = l->next)
      collect_labels (l->data, text);
  }
}

static gboolean
matches (GtkWindow *window, const Suppress *s)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (window)) || !gtk_window_get_modal (window))
    return FALSE;
  collect_labels (GTK_WIDGET (window), text);
  for (guint i = 0; i < G_N_ELEMENTS (s->needles) && s->needles[i]; i++)
    if (strstr (text->str, s->needles[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
close_window (const Suppress *s)
{
  g_autoptr (GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l; l = l->next) {
    if (matches (l->data, s)) {
      gtk_window_close (l->data);
      return TRUE;
    }
  }
  return FALSE;
}

static void
scan (void)
{
  for (GSList *l = active; l;) {
    Suppress *s = l->data;

    l = l->next;
    if (close_window (s) || ++s->times >= WATCH_TIMES) {
      active = g_slist_remove (active, s);
      suppress_free (s);
    }
  }
}

static gboolean
tick (gpointer data)
{
  (void)data;
  scan ();
  if (active)
    return G_SOURCE_CONTINUE;
  prompt_source = 0;
  return G_SOURCE_REMOVE;
}

static void
suppress (Suppress *s)
{
  active = g_slist_prepend (active, s);
  /* It may be open already: the log line often arrives inside its loop. */
  scan ();
  if (active && prompt_source == 0)
    prompt_source = g_timeout_add (WATCH_MS, tick, NULL);
}

void
apppass_claws_prompt_suppress (const PrefsAccount *account)
{
  Suppress *s = g_new0 (Suppress, 1);
  guint n = 0;

  s->needles[n++] = g_strdup (account->recv_server ? account->recv_server : "");
  if (account->userid && *account->userid)
    s->needles[n++] = g_strdup (account->userid);
  suppress (s);
}

void
apppass_claws_send_error_suppress (void)
{
  Suppress *s = g_new0 (Suppress, 1);
  const char *text =
      g_dgettext ("claws-mail", "Some errors occurred while sending queued messages.");

  /* both of Claws' variants: with and without the list of errors */
  s->needles[0] = g_strndup (text, strlen (text) - (g_str_has_suffix (text, ".") ? 1 : 0));
  suppress (s);
}

void
apppass_claws_prompt_stop (void)
{
  g_clear_handle_id (&prompt_source, g_source_remove);
  g_slist_free_full (g_steal_pointer (&active), (GDestroyNotify)suppress_free);
}
