/* apppass for Evolution — failures that carry the server's words
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The wrappers of the mail session's authenticate_sync, which sees the errors
 * carrying the server's words, and of its user_alert. */
void apppass_evolution_session_hook_install (void);
void apppass_evolution_session_hook_remove (void);

G_END_DECLS
