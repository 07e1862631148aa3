/* apppass for Evolution — [ALERT]s held back from Evolution's message bar
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <camel/camel.h>

G_BEGIN_DECLS

typedef void (*ApppassEvolutionAlertShow) (CamelSession *session, CamelService *service,
                                           CamelSessionAlertType type, const char *text);
/* Keeps @text for @service's failure to come; @show shows it in Evolution
 * if none comes within 30 seconds, or when apppass does not take it. */
void apppass_evolution_alerts_hold (CamelSession *session, CamelService *service,
                                    CamelSessionAlertType type, const char *text,
                                    ApppassEvolutionAlertShow show);
/* (nullable): the [ALERT] held for the service @uid, if it came in the last minute. */
char *apppass_evolution_alerts_peek (const char *uid);
/* Drops it (apppass's dialog shows it), or shows it in Evolution after all. */
void apppass_evolution_alerts_forget (const char *uid);
void apppass_evolution_alerts_show (const char *uid);

G_END_DECLS
