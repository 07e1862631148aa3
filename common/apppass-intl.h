/* apppass — translations
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

/* Binds the "apppass" text domain (UTF-8) once. The catalogue folder is
 * APPPASS_LOCALEDIR, unless the environment variable of the same name points
 * elsewhere: the tests use it to read the catalogues from the build tree. */
void apppass_intl_init (void);

G_END_DECLS
