/* apppass for Evolution — our settings, an [App Password] group in the account's .source file
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <libedataserver/libedataserver.h>

G_BEGIN_DECLS

#define APPPASS_EVOLUTION_SOURCE_EXTENSION_APPPASS "App Password"
void apppass_evolution_settings_type_register (GTypeModule *module);
GType apppass_evolution_settings_get_type (void);
char *apppass_evolution_settings_dup (ESource *source, const char *key);
void apppass_evolution_settings_set (ESource *source, const char *key, const char *value);

G_END_DECLS
