/* apppass — errors shared by the common library
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-error.h"
#include "apppass-intl.h"

#include <gio/gio.h>

/* By hand rather than G_DEFINE_QUARK: clang-format splits the macro's bare
 * name at the dashes, and the spaces then become part of the quark's string. */
GQuark
apppass_error_quark (void)
{
  return g_quark_from_static_string ("apppass-error-quark");
}

/* Every layer's cancellation looks the same, so a caller tests one code. */
GError *
apppass_error_new_cancelled (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("The check was cancelled."));
}
