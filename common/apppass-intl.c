/* apppass — translations
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-intl.h"

void
apppass_intl_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    const char *dir = g_getenv ("APPPASS_LOCALEDIR");

    bindtextdomain (GETTEXT_PACKAGE, dir && *dir ? dir : APPPASS_LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    g_once_init_leave (&done, 1);
  }
}

/* Plain dgettext(): g_dgettext()'s "should translate" test looks at the
 * host's default domain, which is not ours to judge. */
const char *
apppass_gettext (const char *msgid)
{
  return dgettext (GETTEXT_PACKAGE, msgid);
}

const char *
apppass_ngettext (const char *msgid, const char *plural, gulong n)
{
  return dngettext (GETTEXT_PACKAGE, msgid, plural, n);
}
