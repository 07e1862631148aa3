/* apppass — one time limit for every step of a login check
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-deadline.h"

struct _ApppassDeadline {
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  GThread *timer;
  GMutex lock;
  GCond stop;
  gboolean stopping;
  gboolean expired;
  gint64 end_time;
};

static gpointer
timer_thread (gpointer data)
{
  ApppassDeadline *deadline = data;

  g_mutex_lock (&deadline->lock);
  while (!deadline->stopping) {
    if (!g_cond_wait_until (&deadline->stop, &deadline->lock, deadline->end_time)) {
      deadline->expired = !deadline->stopping;
      break;
    }
  }
  g_mutex_unlock (&deadline->lock);
  if (deadline->expired)
    g_cancellable_cancel (deadline->cancellable);
  return NULL;
}

static void
parent_cancelled (GCancellable *parent, gpointer data)
{
  (void)parent;
  g_cancellable_cancel (data);
}

ApppassDeadline *
apppass_deadline_new (GCancellable *parent, guint timeout_ms)
{
  ApppassDeadline *deadline = g_new0 (ApppassDeadline, 1);

  deadline->cancellable = g_cancellable_new ();
  g_mutex_init (&deadline->lock);
  g_cond_init (&deadline->stop);
  deadline->end_time = g_get_monotonic_time () + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
  if (parent) {
    deadline->parent = g_object_ref (parent);
    deadline->parent_handler =
        g_cancellable_connect (parent, G_CALLBACK (parent_cancelled), deadline->cancellable, NULL);
  }
  deadline->timer = g_thread_new ("apppass-deadline", timer_thread, deadline);
  return deadline;
}

GCancellable *
apppass_deadline_get_cancellable (ApppassDeadline *deadline)
{
  return deadline->cancellable;
}

gboolean
apppass_deadline_expired (ApppassDeadline *deadline)
{
  gboolean expired;

  g_mutex_lock (&deadline->lock);
  expired = deadline->expired;
  g_mutex_unlock (&deadline->lock);
  return expired;
}

void
apppass_deadline_free (ApppassDeadline *deadline)
{
  if (deadline == NULL)
    return;
  g_mutex_lock (&deadline->lock);
  deadline->stopping = TRUE;
  g_cond_signal (&deadline->stop);
  g_mutex_unlock (&deadline->lock);
  g_thread_join (deadline->timer);
  if (deadline->parent) {
    g_cancellable_disconnect (deadline->parent, deadline->parent_handler);
    g_object_unref (deadline->parent);
  }
  g_object_unref (deadline->cancellable);
  g_mutex_clear (&deadline->lock);
  g_cond_clear (&deadline->stop);
  g_free (deadline);
}
