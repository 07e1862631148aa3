/* apppass tests — our strings are translated whatever the host program's
 * catalogues: a host that called textdomain() for a domain with no catalogue
 * in the user's language (Claws Mail has no Latvian one) must not take our
 * Latvian away. Runs once per language (LC_ALL from meson).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <locale.h>

#include "apppass-intl.h"
#include "apppass-test-util.h"

static const char *expected;

static void
host_without_catalogue (void)
{
  g_autofree char *empty = g_dir_make_tmp ("apppass-host-XXXXXX", NULL);

  /* What Claws Mail does at start, with a catalogue folder that has none. */
  bindtextdomain ("apppass-test-host", empty);
  textdomain ("apppass-test-host");
  apppass_intl_init ();
  g_assert_cmpstr (_ ("Check _login"), ==, expected);
  g_assert_cmpstr (apppass_ngettext ("%u day", "%u days", 2), !=, "%u days");
  g_rmdir (empty);
}

int
main (int argc, char **argv)
{
  g_setenv ("APPPASS_LOCALEDIR", test_locale_dir (), TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  expected = g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "lv") ? "_Pārbaudīt pieteikšanos"
                                                                    : "Aanmelding _controleren";
  g_test_add_func ("/intl/host-without-catalogue", host_without_catalogue);
  return g_test_run ();
}
