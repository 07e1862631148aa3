/* apppass — the password rule of docs/design.md ("Password rule")
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-password.h"

#include <string.h>

#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-wipe.h"

gboolean
apppass_password_is_removed_char (gunichar c)
{
  /* Unicode White_Space, listed by hand: g_unichar_isspace() misses U+000B
   * and U+0085 and counts other characters. */
  if ((c >= 0x0009 && c <= 0x000D) || c == 0x0020 || c == 0x0085 || c == 0x00A0 || c == 0x1680 ||
      (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
      c == 0x3000)
    return TRUE;
  /* Invisible format characters that web pages put between groups. */
  if (c == 0x180E || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF)
    return TRUE;
  /* Bidi controls: copying from a page in (or next to) a right-to-left
   * language brings them along, and nobody types them. */
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

static gboolean
is_refused_control (gunichar c)
{
  return g_unichar_type (c) == G_UNICODE_CONTROL;
}

/* Variation selectors and format characters not removed above: invisible,
 * not typed, and neither keeping nor dropping one is surely what the
 * provider meant, so the user is asked to copy again. */
static gboolean
is_refused_format (gunichar c)
{
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
         g_unichar_type (c) == G_UNICODE_FORMAT;
}

char *
apppass_password_normalize (const char *text, gssize length, GError **error)
{
  const char *end, *p;
  GString *out;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  if (length < 0)
    length = (gssize)strlen (text);
  /* GLib's validator calls a NUL invalid; it is a control character here. */
  if (memchr (text, '\0', (gsize)length) != NULL) {
    g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_CONTROL_CHARACTER,
                 _ ("The pasted text contains an invisible control character (U+%04X). "
                    "Copy only the password from the provider’s page and paste it again."),
                 0);
    return NULL;
  }
  if (!g_utf8_validate_len (text, (gsize)length, &end)) {
    g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_INVALID_TEXT,
                 _ ("The pasted text is not valid UTF-8 (at byte %u). Copy the password again "
                    "from the provider’s page and paste it as text."),
                 (guint)(end - text));
    return NULL;
  }

  out = g_string_sized_new ((gsize)length + 1);
  for (p = text; p < text + length; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (apppass_password_is_removed_char (c))
      continue;
    if (is_refused_control (c)) {
      g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_CONTROL_CHARACTER,
                   _ ("The pasted text contains an invisible control character (U+%04X). "
                      "Copy only the password from the provider’s page and paste it again."),
                   c);
      goto refuse;
    }
    if (is_refused_format (c)) {
      g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_CONTROL_CHARACTER,
                   _ ("The pasted text contains an invisible format character (U+%04X) that "
                      "is not part of a password. Copy only the password from the provider’s "
                      "page and paste it again."),
                   c);
      goto refuse;
    }
    g_string_append_len (out, p, g_utf8_next_char (p) - p);
  }

  if (out->len == 0) {
    g_set_error_literal (error, APPPASS_ERROR, APPPASS_ERROR_EMPTY,
                         _ ("The pasted text is empty once spaces are removed. "
                            "Copy the password from the provider’s page and paste it."));
    goto refuse;
  }
  if (out->len > APPPASS_PASSWORD_MAX_BYTES) {
    g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_TOO_LONG,
                 _ ("The pasted text is too long for a password (%u bytes; at most %d). Copy "
                    "only the password and paste it again."),
                 (guint)out->len, APPPASS_PASSWORD_MAX_BYTES);
    goto refuse;
  }
  return g_string_free (out, FALSE);

refuse:
  apppass_wipe (out->str, out->allocated_len);
  g_string_free (out, TRUE);
  return NULL;
}

void
apppass_password_free (char *password)
{
  if (password == NULL)
    return;
  apppass_wipe_free (password, strlen (password));
}
