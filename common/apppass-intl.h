/* apppass — translations
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

/* Binds the "apppass" text domain (UTF-8) once. The catalogue folder is
 * APPPASS_LOCALEDIR, unless the environment variable of the same name points
 * elsewhere: the tests use it to read the catalogues from the build tree. */
void apppass_intl_init (void);

/* Our catalogue, whatever the host program's own: GLib's g_dgettext() gives
 * up on every domain when the program called textdomain() and has no
 * catalogue of its own for the language (Claws Mail in Latvian). */
const char *apppass_gettext (const char *msgid) G_GNUC_FORMAT (1);
const char *apppass_ngettext (const char *msgid, const char *plural, gulong n) G_GNUC_FORMAT (1)
    G_GNUC_FORMAT (2);

#undef _
#define _(String) apppass_gettext (String)

G_END_DECLS
