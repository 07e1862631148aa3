/* apppass tests: the common error domain
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-error.h"

#include <gio/gio.h>

/* The quark's string is what other programs and logs see; clang-format once
 * split G_DEFINE_QUARK's bare name into "apppass - error - quark". */
static void
test_quark_string (void)
{
  g_assert_cmpstr (g_quark_to_string (APPPASS_ERROR), ==, "apppass-error-quark");
  g_assert_true (g_quark_try_string ("apppass-error-quark") == APPPASS_ERROR);
}

/* Every cancelled operation is GLib's cancellation, not a code of ours. */
static void
test_cancelled (void)
{
  g_autoptr (GError) error = apppass_error_new_cancelled ();

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, !=, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error/quark-string", test_quark_string);
  g_test_add_func ("/error/cancelled", test_cancelled);
  return g_test_run ();
}
