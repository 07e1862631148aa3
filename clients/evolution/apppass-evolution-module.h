/* apppass for Evolution — the module's entry, what Evolution's module loader calls
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>
#include <gmodule.h>

G_BEGIN_DECLS

G_MODULE_EXPORT void e_module_load (GTypeModule *module);
G_MODULE_EXPORT void e_module_unload (GTypeModule *module);

G_END_DECLS
