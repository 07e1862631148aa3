/* apppass — the note under the password field
 *
 * See apppass-note.h for why the field explains the paste.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-note.h"

#include "apppass-intl.h"
#include "apppass-password.h"

static char *
describe_count (const ApppassProvider *provider, const char *password, gboolean usual)
{
  g_autofree char *hint = NULL;
  glong count = g_utf8_strlen (password, -1);

  if (usual && provider)
    hint = apppass_provider_get_password_hint (provider);
  if (hint)
    return g_steal_pointer (&hint);
  return g_strdup_printf (apppass_ngettext ("%ld character", "%ld characters", count), count);
}

char *
apppass_note_for_paste (const ApppassProvider *provider, const char *text, gboolean *valid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *count = NULL, *first = NULL, *hint = NULL;
  char *password;
  gboolean usual = TRUE;
  glong removed;

  *valid = FALSE;
  if (*text == '\0')
    return g_strdup ("");
  password = apppass_password_normalize (text, -1, &error);
  if (password == NULL)
    return g_strdup (error->message);
  *valid = TRUE;
  if (provider)
    usual = apppass_provider_password_has_usual_shape (provider, password);
  removed = g_utf8_strlen (text, -1) - g_utf8_strlen (password, -1);
  count = describe_count (provider, password, usual);
  apppass_password_free (password);
  first = removed > 0 ? g_strdup_printf (_ ("%s — spaces removed"), count) : g_strdup (count);
  if (usual || !provider)
    return g_steal_pointer (&first);
  hint = apppass_provider_get_password_hint (provider);
  if (hint == NULL)
    return g_steal_pointer (&first);
  return g_strdup_printf (_ ("%s\nApp passwords from %s usually have %s: check that all of it "
                             "was copied."),
                          first, apppass_provider_get_name (provider), hint);
}
