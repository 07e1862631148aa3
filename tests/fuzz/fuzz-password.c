/* apppass fuzzing — the password rule: what it keeps is valid UTF-8 without
 * the characters it removes, not too long, and the same when normalized again.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>
#include <string.h>

#include "apppass-password.h"

int LLVMFuzzerTestOneInput (const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput (const unsigned char *data, size_t size)
{
  GError *error = NULL;
  char *password = apppass_password_normalize ((const char *)data, (gssize)size, &error);
  char *again;

  if (password == NULL) {
    if (error == NULL || error->message == NULL || *error->message == '\0')
      abort ();
    g_error_free (error);
    return 0;
  }
  if (!g_utf8_validate (password, -1, NULL) || *password == '\0' ||
      strlen (password) > APPPASS_PASSWORD_MAX_BYTES)
    abort ();
  for (const char *p = password; *p; p = g_utf8_next_char (p))
    if (apppass_password_is_removed_char (g_utf8_get_char (p)))
      abort ();
  again = apppass_password_normalize (password, -1, NULL);
  if (again == NULL || strcmp (again, password) != 0)
    abort ();
  apppass_password_free (again);
  apppass_password_free (password);
  return 0;
}
