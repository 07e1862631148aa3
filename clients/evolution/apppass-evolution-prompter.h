/* apppass for Evolution — the prompt for a rejected password
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Our ECredentialsPrompterImpl: the prompt Evolution shows when a stored
 * password is rejected. */
void apppass_evolution_prompter_type_register (GTypeModule *module);

G_END_DECLS
