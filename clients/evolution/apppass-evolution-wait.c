/* apppass for Evolution — logins that wait for the dialog's answer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Evolution's login runs in a worker thread that blocks until a password
 * prompt answers. When apppass takes the failure, that login waits here: a
 * verified, stored password lets it go on at once (so Evolution logs in
 * without a restart); a dialog closed without one lets it fail as before. */

#include "apppass-evolution-wait.h"

typedef struct {
  char *account_id;
  ApppassProtocol protocol;
  ApppassEvolutionWaitDone done;
  gpointer data;
} Wait;

static GList *waits;

static void
end (Wait *w, const char *password)
{
  waits = g_list_remove (waits, w);
  w->done (w->data, password);
  g_free (w->account_id);
  g_free (w);
}

void
apppass_evolution_wait_add (const char *account_id, ApppassProtocol protocol,
                            ApppassEvolutionWaitDone done, gpointer data)
{
  Wait *w = g_new0 (Wait, 1);

  w->account_id = g_strdup (account_id);
  w->protocol = protocol;
  w->done = done;
  w->data = data;
  waits = g_list_append (waits, w);
}

/* Ends @account_id's waits: those of one side, or all of them. */
static guint
end_matching (const char *account_id, gboolean any_protocol, ApppassProtocol protocol,
              const char *password)
{
  guint n = 0;
  GList *l = waits;

  while (l) {
    Wait *w = l->data;

    l = l->next;
    if (g_strcmp0 (w->account_id, account_id) == 0 && (any_protocol || w->protocol == protocol)) {
      end (w, password);
      n++;
    }
  }
  return n;
}

guint
apppass_evolution_wait_saved (const char *account_id, ApppassProtocol protocol,
                              const char *password)
{
  return end_matching (account_id, FALSE, protocol, password);
}

void
apppass_evolution_wait_ended (const char *account_id)
{
  end_matching (account_id, TRUE, 0, NULL);
}

gboolean
apppass_evolution_wait_pending (const char *account_id, ApppassProtocol protocol)
{
  for (GList *l = waits; l; l = l->next) {
    Wait *w = l->data;

    if (g_strcmp0 (w->account_id, account_id) == 0 && w->protocol == protocol)
      return TRUE;
  }
  return FALSE;
}

gboolean
apppass_evolution_wait_drop (gpointer data)
{
  for (GList *l = waits; l; l = l->next) {
    Wait *w = l->data;

    if (w->data == data) {
      waits = g_list_remove (waits, w);
      g_free (w->account_id);
      g_free (w);
      return TRUE;
    }
  }
  return FALSE;
}

void
apppass_evolution_wait_end_all (void)
{
  while (waits)
    end (waits->data, NULL);
}

static void
on_dialog_destroyed (GtkWidget *dialog, gpointer id)
{
  (void)dialog;
  apppass_evolution_wait_ended (id);
}

static void
on_shown (ApppassFlow *flow, ApppassDialog *dialog, gpointer data)
{
  (void)flow;
  (void)data;
  g_signal_connect_data (dialog, "destroy", G_CALLBACK (on_dialog_destroyed),
                         g_strdup (apppass_dialog_get_account_id (dialog)),
                         (GClosureNotify)(void (*) (void))g_free, 0);
}

/* Also for a queued account whose dialog was never shown. */
static void
on_finished (ApppassFlow *flow, const char *id, int outcome, gpointer data)
{
  (void)flow;
  (void)outcome;
  (void)data;
  apppass_evolution_wait_ended (id);
}

void
apppass_evolution_wait_watch (ApppassFlow *flow)
{
  g_signal_connect (flow, "dialog-shown", G_CALLBACK (on_shown), NULL);
  g_signal_connect (flow, "dialog-finished", G_CALLBACK (on_finished), NULL);
}
