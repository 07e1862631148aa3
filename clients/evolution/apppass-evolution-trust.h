/* apppass for Evolution — a server certificate the user accepted in Evolution
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The server certificate the user accepted in Evolution for @host, as PEM. */
char *apppass_evolution_trust_dup_accepted (const char *host, guint16 port);

G_END_DECLS
