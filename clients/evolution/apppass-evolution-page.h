/* apppass for Evolution — our page in the account editor
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-evolution-client.h"

G_BEGIN_DECLS

void apppass_evolution_page_type_register (GTypeModule *module);
GtkWidget *apppass_evolution_page_new (ApppassEvolutionClient *client, ESource *account,
                                       ApppassProtocol protocol);

G_END_DECLS
