/* apppass for Evolution — [ALERT]s held back from Evolution's message bar
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gmail sends "[ALERT] Application-specific password required" before it
 * rejects the password, and Evolution's rejected-password prompt that follows
 * lacks those words. The session's user_alert (apppass-evolution-session.c)
 * holds such an alert here, per service UID, until the failure comes: then
 * apppass's dialog shows it, or Evolution does after all. */

#include "apppass-evolution-alerts.h"

typedef struct {
  CamelSession *session;
  CamelService *service;
  CamelSessionAlertType type;
  char *text;
  gint64 when;
  ApppassEvolutionAlertShow show;
} Alert;

static GMutex alerts_lock;
static GHashTable *alerts;

static void
alert_free (Alert *alert)
{
  g_object_unref (alert->session);
  g_object_unref (alert->service);
  g_free (alert->text);
  g_free (alert);
}

static Alert *
steal_alert (const char *uid)
{
  gpointer alert = NULL;

  g_mutex_lock (&alerts_lock);
  if (alerts)
    g_hash_table_steal_extended (alerts, uid, NULL, &alert);
  g_mutex_unlock (&alerts_lock);
  return alert;
}

char *
apppass_evolution_alerts_peek (const char *uid)
{
  Alert *alert;
  char *text = NULL;

  g_mutex_lock (&alerts_lock);
  alert = alerts ? g_hash_table_lookup (alerts, uid) : NULL;
  if (alert && g_get_monotonic_time () - alert->when < 60 * G_TIME_SPAN_SECOND)
    text = g_strdup (alert->text);
  g_mutex_unlock (&alerts_lock);
  return text;
}

void
apppass_evolution_alerts_forget (const char *uid)
{
  Alert *alert = steal_alert (uid);

  if (alert)
    alert_free (alert);
}

void
apppass_evolution_alerts_show (const char *uid)
{
  Alert *alert = steal_alert (uid);

  if (alert == NULL)
    return;
  alert->show (alert->session, alert->service, alert->type, alert->text);
  alert_free (alert);
}

/* No failed login followed the alert (so no dialog): Evolution shows it after all. */
static gboolean
show_late (gpointer uid)
{
  apppass_evolution_alerts_show (uid);
  return G_SOURCE_REMOVE;
}

void
apppass_evolution_alerts_hold (CamelSession *session, CamelService *service,
                               CamelSessionAlertType type, const char *text,
                               ApppassEvolutionAlertShow show)
{
  Alert *alert = g_new0 (Alert, 1);
  const char *uid = camel_service_get_uid (service);

  alert->session = g_object_ref (session);
  alert->service = g_object_ref (service);
  alert->type = type;
  alert->text = g_strdup (text);
  alert->when = g_get_monotonic_time ();
  alert->show = show;
  g_mutex_lock (&alerts_lock);
  if (alerts == NULL)
    alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)alert_free);
  g_hash_table_insert (alerts, g_strdup (uid), alert);
  g_mutex_unlock (&alerts_lock);
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 30, show_late, g_strdup (uid), g_free);
}
