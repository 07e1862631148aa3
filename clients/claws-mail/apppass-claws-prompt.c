/* apppass for Claws Mail — one dialog for the user, not two
 *
 * After a failed IMAP or POP3 login Claws opens its own modal "Input
 * password" prompt, which would freeze our dialog behind it. When apppass
 * takes the failure, that prompt, for the same server and user, is closed as
 * if cancelled; Claws then simply waits for the next check.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-claws.h"

#include <string.h>

/* The prompt opens within a second of the log line; look a while longer. */
#define WATCH_MS    100
#define WATCH_TIMES 150

typedef struct {
  char *server;
  char *user;
  guint times;
} Suppress;

static GSList *active;
static guint prompt_source;

static void
suppress_free (Suppress *s)
{
  g_free (s->server);
  g_free (s->user);
  g_free (s);
}

static gboolean
label_mentions (GtkWidget *widget, const Suppress *s)
{
  gboolean found = FALSE;

  if (GTK_IS_LABEL (widget)) {
    const char *text = gtk_label_get_text (GTK_LABEL (widget));

    return strstr (text, s->server) && (s->user == NULL || strstr (text, s->user));
  }
  if (GTK_IS_CONTAINER (widget)) {
    g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

    for (GList *l = children; l && !found; l = l->next)
      found = label_mentions (l->data, s);
  }
  return found;
}

static gboolean
close_prompt (const Suppress *s)
{
  const char *title = g_dgettext ("claws-mail", "Input password");
  g_autoptr (GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l; l = l->next) {
    GtkWindow *w = l->data;

    if (GTK_IS_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) && gtk_window_get_modal (w) &&
        g_strcmp0 (gtk_window_get_title (w), title) == 0 && label_mentions (GTK_WIDGET (w), s)) {
      gtk_window_close (w);
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
    if (close_prompt (s) || ++s->times >= WATCH_TIMES) {
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

void
claws_prompt_suppress (const PrefsAccount *account)
{
  Suppress *s = g_new0 (Suppress, 1);

  s->server = g_strdup (account->recv_server ? account->recv_server : "");
  s->user = account->userid && *account->userid ? g_strdup (account->userid) : NULL;
  active = g_slist_prepend (active, s);
  /* It may be open already: the log line often arrives inside its loop. */
  scan ();
  if (active && prompt_source == 0)
    prompt_source = g_timeout_add (WATCH_MS, tick, NULL);
}

void
claws_prompt_stop (void)
{
  g_clear_handle_id (&prompt_source, g_source_remove);
  g_slist_free_full (g_steal_pointer (&active), (GDestroyNotify)suppress_free);
}
