/* apppass — one account's apppass settings, kept by the mail client
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-settings.h"

#include "apppass-intl.h"

static gint64
get_int (ApppassClient *client, const char *id, const char *key, gint64 fallback, gint64 min,
         gint64 max)
{
  g_autofree char *text = apppass_client_get_setting (client, id, key);
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    return fallback;
  return value;
}

static void
set_int (ApppassClient *client, const char *id, const char *key, gint64 value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  apppass_client_set_setting (client, id, key, text);
}

ApppassSettings *
apppass_settings_load (ApppassClient *client, const char *id)
{
  ApppassSettings *s = g_new0 (ApppassSettings, 1);
  g_autofree char *cause = apppass_client_get_setting (client, id, "last-cause");

  s->enabled = get_int (client, id, "enabled", 1, 0, 1) != 0;
  s->snooze_minutes =
      get_int (client, id, "snooze-minutes", APPPASS_DEFAULT_SNOOZE_MINUTES, 0, 60 * 24 * 365);
  s->snoozed_until = get_int (client, id, "snoozed-until", 0, 0, G_MAXINT64);
  s->provider = apppass_client_get_setting (client, id, "provider");
  if (s->provider && *s->provider == '\0')
    g_clear_pointer (&s->provider, g_free);
  s->last_cause = APPPASS_CAUSE_NOT_AUTH;
  for (int c = 0; cause && c < APPPASS_N_CAUSES; c++)
    if (g_strcmp0 (cause, apppass_cause_to_string (c)) == 0)
      s->last_cause = c;
  s->last_protocol = get_int (client, id, "last-protocol", 0, 0, APPPASS_N_PROTOCOLS - 1);
  s->last_time = get_int (client, id, "last-time", 0, 0, G_MAXINT64);
  s->last_ok_time = get_int (client, id, "last-ok-time", 0, 0, G_MAXINT64);
  return s;
}

static const char *cause_summary (ApppassCause cause);

void
apppass_settings_save (const ApppassSettings *s, ApppassClient *client, const char *id)
{
  set_int (client, id, "enabled", s->enabled);
  set_int (client, id, "snooze-minutes", s->snooze_minutes);
  set_int (client, id, "snoozed-until", s->snoozed_until);
  apppass_client_set_setting (client, id, "provider", s->provider ? s->provider : "");
  apppass_client_set_setting (client, id, "last-cause", apppass_cause_to_string (s->last_cause));
  set_int (client, id, "last-protocol", s->last_protocol);
  set_int (client, id, "last-time", s->last_time);
  set_int (client, id, "last-ok-time", s->last_ok_time);
}

gboolean
apppass_settings_problem_stands (const ApppassSettings *s)
{
  return cause_summary (s->last_cause) != NULL && s->last_time > 0 &&
         s->last_time >= s->last_ok_time;
}

void
apppass_settings_free (ApppassSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->provider);
  g_free (settings);
}

static const char *
cause_summary (ApppassCause cause)
{
  switch (cause) {
  case APPPASS_CAUSE_APP_PASSWORD_REQUIRED:
    return _ ("The server asked for an app password");
  case APPPASS_CAUSE_OAUTH_REQUIRED:
    return _ ("The server asked for OAuth 2.0 sign-in");
  case APPPASS_CAUSE_WEB_LOGIN_REQUIRED:
    return _ ("The server asked for a sign-in in the browser");
  case APPPASS_CAUSE_ACCESS_DISABLED:
    return _ ("Mail access was switched off");
  case APPPASS_CAUSE_TEMPORARY:
    return _ ("The server was busy");
  case APPPASS_CAUSE_CREDENTIALS_REJECTED:
    return _ ("The server refused the password");
  case APPPASS_CAUSE_NOT_AUTH:
  default:
    return NULL;
  }
}

char *
apppass_settings_describe_last_problem (const ApppassSettings *s)
{
  const char *summary = cause_summary (s->last_cause);
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *time_text = NULL;

  apppass_intl_init ();
  if (summary == NULL || s->last_time <= 0)
    return g_strdup (_ ("None seen yet"));
  when = g_date_time_new_from_unix_local (s->last_time);
  time_text = when ? g_date_time_format (when, "%x %H:%M") : g_strdup ("?");
  /* TRANSLATORS: a problem, a protocol ("IMAP"), then a date and time */
  return g_strdup_printf (_ ("%s (%s) at %s"), summary,
                          apppass_protocol_display_name (s->last_protocol), time_text);
}
