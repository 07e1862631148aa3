/* apppass — wiping memory that held a password
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-wipe.h"

void
apppass_wipe (volatile void *data, gsize length)
{
  volatile char *p = data;

  while (length--)
    *p++ = '\0';
}

void
apppass_wipe_free (gpointer data, gsize length)
{
  if (data == NULL)
    return;
  apppass_wipe (data, length);
  g_free (data);
}
