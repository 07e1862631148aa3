/* apppass for Evolution — logins that wait for the dialog's answer
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-flow.h"

G_BEGIN_DECLS

/* Logins of Evolution's that wait for the dialog's answer, all on the main thread. */
typedef void (*ApppassEvolutionWaitDone) (gpointer data, const char *password);
/* @done runs once: with the new, verified password, or with %NULL when the
 * dialog ended without one (or the wait was dropped). */
void apppass_evolution_wait_add (const char *account_id, ApppassProtocol protocol,
                                 ApppassEvolutionWaitDone done, gpointer data);
guint apppass_evolution_wait_saved (const char *account_id, ApppassProtocol protocol,
                                    const char *password);
void apppass_evolution_wait_ended (const char *account_id);
gboolean apppass_evolution_wait_pending (const char *account_id, ApppassProtocol protocol);
gboolean apppass_evolution_wait_drop (gpointer data);
void apppass_evolution_wait_end_all (void);
/* Watches @flow's dialogs so that a closed or destroyed one ends its waits. */
void apppass_evolution_wait_watch (ApppassFlow *flow);

G_END_DECLS
