/* apppass for Evolution — accounts whose password Online Accounts keeps
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-evolution-client.h"

G_BEGIN_DECLS

/* For such an account, a failure apppass would take gets an explanation and
 * a button to Online Accounts instead of the dialog. TRUE when shown (or
 * already on screen). */
gboolean apppass_evolution_goa_explain (ApppassEvolutionClient *client, const char *account_id,
                                        ApppassProtocol protocol, const char *server_text,
                                        ApppassContext context);

G_END_DECLS
