/* apppass — the password rule of docs/design.md ("Password rule")
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest password apppass accepts, in bytes after normalizing. */
#define APPPASS_PASSWORD_MAX_BYTES 256

/**
 * apppass_password_normalize:
 * @text: the pasted text
 * @length: its length in bytes, or -1 if nul-terminated
 * @error: return location for an %APPPASS_ERROR
 *
 * Removes every Unicode White_Space character, the invisible format
 * characters U+180E, U+200B–U+200D, U+2060 and U+FEFF and the bidi controls
 * U+061C, U+200E, U+200F, U+202A–U+202E and U+2066–U+2069; nothing else
 * changes. Invalid UTF-8, control characters, variation selectors, other
 * format characters (Unicode Cf), an empty result and a result of
 * more than %APPPASS_PASSWORD_MAX_BYTES bytes are refused with a message that
 * says what to do (and never repeats the text).
 *
 * Returns: (transfer full): the password, to be freed with
 * apppass_password_free(), or %NULL with @error set.
 */
char *apppass_password_normalize (const char *text, gssize length, GError **error);

/* TRUE for the characters the rule removes. */
gboolean apppass_password_is_removed_char (gunichar c);

/* Overwrites the password's bytes before freeing them. */
void apppass_password_free (char *password);

G_END_DECLS
