/* apppass fuzzing — a server's words made safe to show: valid UTF-8, nothing
 * a terminal or a label acts on, within the bounds, and the same when made
 * safe again. The first byte, when there is one, picks a shorter bound.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>
#include <string.h>

#include "apppass-display.h"

int LLVMFuzzerTestOneInput (const unsigned char *data, size_t size);

static void
check (const char *shown, guint max)
{
  guint chars = 0, word = 0;

  if (!g_utf8_validate (shown, -1, NULL) || shown[0] == ' ')
    abort ();
  for (const char *p = shown; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    GUnicodeType type = g_unichar_type (c);

    if (g_unichar_iscntrl (c) || type == G_UNICODE_FORMAT || type == G_UNICODE_LINE_SEPARATOR ||
        type == G_UNICODE_PARAGRAPH_SEPARATOR || (c == ' ' && (p[1] == ' ' || p[1] == '\0')))
      abort ();
    word = c == ' ' ? 0 : word + 1;
    if (++chars > max || word > APPPASS_DISPLAY_MAX_WORD)
      abort ();
  }
}

int
LLVMFuzzerTestOneInput (const unsigned char *data, size_t size)
{
  guint max = size ? 1 + data[0] * 8u : APPPASS_DISPLAY_MAX_CHARS;
  char *shown = apppass_display_text_max ((const char *)data, (gssize)size, max);
  char *again = apppass_display_text_max (shown, -1, max);

  check (shown, max);
  if (strcmp (again, shown) != 0)
    abort ();
  g_free (again);
  g_free (shown);
  shown = apppass_display_text ((const char *)data, (gssize)size);
  check (shown, APPPASS_DISPLAY_MAX_CHARS);
  g_free (shown);
  return 0;
}
