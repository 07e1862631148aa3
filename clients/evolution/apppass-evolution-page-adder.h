/* apppass for Evolution — the extension that adds our page to each mail account's editor
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

void apppass_evolution_page_adder_type_register (GTypeModule *module);

G_END_DECLS
