/* apppass for Evolution — one path from "a login failed" to the flow
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-evolution-client.h"
#include "apppass-evolution-wait.h"

G_BEGIN_DECLS

/* What Evolution knows of a failed login. */
typedef struct {
  const char *uid; /* of the CamelService, or of the ESource the prompt is for */
  /* (nullable): the server's words; without them, a held-back [ALERT]'s */
  const char *server_text;
  gboolean refused;           /* Evolution knows the server refused the password */
  gboolean first_sign_in;     /* a prompt with no password stored: not a failure */
  gboolean cant_authenticate; /* Camel's CANT_AUTHENTICATE */
  gboolean cannot_prompt;     /* Evolution may not ask (G_IO_ERROR_NOT_SUPPORTED) */
} ApppassEvolutionFailure;

typedef enum {
  APPPASS_EVOLUTION_LEFT_TO_EVOLUTION, /* not apppass's: Evolution handles it */
  APPPASS_EVOLUTION_EXPLAINED,         /* Online Accounts explained; the login ends */
  APPPASS_EVOLUTION_WAITING,           /* the dialog has it; @done will run */
} ApppassEvolutionTaken;

/* What becomes of @failure. For APPPASS_EVOLUTION_WAITING, @done runs with
 * @data once the dialog ends. */
ApppassEvolutionTaken apppass_evolution_failure_report (ApppassEvolutionClient *client,
                                                        const ApppassEvolutionFailure *failure,
                                                        ApppassEvolutionWaitDone done,
                                                        gpointer data);

G_END_DECLS
