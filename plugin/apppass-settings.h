/* apppass — one account's apppass settings, kept by the mail client
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-client.h"
#include "apppass-diagnosis.h"

G_BEGIN_DECLS

#define APPPASS_DEFAULT_SNOOZE_MINUTES 60

/**
 * ApppassSettings:
 * @enabled: offer help when this account's login fails
 * @snooze_minutes: after "Not now", stay quiet this long
 * @snoozed_until: real time in seconds until which we stay quiet, or 0
 * @provider: (nullable): the provider id the user chose; %NULL to detect it
 * @last_cause: the last problem seen (%APPPASS_CAUSE_NOT_AUTH: none)
 * @last_protocol: the side where it was seen
 * @last_time: when, in real time seconds, or 0
 * @last_ok_time: when the server last accepted the saved or a new password
 *   (Check login, or a password saved by the dialog), or 0
 */
typedef struct {
  gboolean enabled;
  guint snooze_minutes;
  gint64 snoozed_until;
  char *provider;
  ApppassCause last_cause;
  ApppassProtocol last_protocol;
  gint64 last_time;
  gint64 last_ok_time;
} ApppassSettings;

ApppassSettings *apppass_settings_load (ApppassClient *client, const char *account_id);
void apppass_settings_save (const ApppassSettings *settings, ApppassClient *client,
                            const char *account_id);
void apppass_settings_free (ApppassSettings *settings);

/* "The server asked for an app password (IMAP), 24/11/2026 07:40", or "None
 * seen yet": translated. */
char *apppass_settings_describe_last_problem (const ApppassSettings *settings);

/* Whether the last problem seen still stands: seen, and no accepted login
 * since. */
gboolean apppass_settings_problem_stands (const ApppassSettings *settings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassSettings, apppass_settings_free)

G_END_DECLS
