/* apppass for Evolution — apppass's part of Evolution's shell
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-evolution-client.h"

G_BEGIN_DECLS

/* The extension of Evolution's EShell that owns the adapter. */
void apppass_evolution_extension_type_register (GTypeModule *module);
/* (nullable): @shell's adapter; from any thread. */
ApppassEvolutionClient *apppass_evolution_extension_get_client (EShell *shell);

G_END_DECLS
