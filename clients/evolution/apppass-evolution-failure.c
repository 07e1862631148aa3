/* apppass for Evolution — one path from "a login failed" to the flow
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Evolution tells of a failed login in two places: its credentials prompter
 * asks for another password after a rejection (apppass-evolution-prompter.c),
 * and the mail session's authenticate_sync returns an error with the server's
 * words in it (apppass-evolution-session.c). Each hands what it knows to
 * apppass_evolution_failure_report(), which decides once for both: the
 * account's explanation of Online Accounts, apppass's dialog with the login
 * waiting for its answer, or Evolution's own handling (with the server's
 * [ALERT], if apppass held one back, shown after all). */

#include "apppass-evolution-failure.h"

#include "apppass-evolution-alerts.h"
#include "apppass-evolution-goa.h"

/* Camel's SMTP AUTH fails with CANT_AUTHENTICATE when the server refused it,
 * and keeps no reply it does not expect: Gmail's 534 becomes "Bad
 * authentication response from server". And an Online Accounts account's
 * rejected password ends in "doesn't support prompt for credentials", as
 * Evolution may not ask for one. Either is a refused login: words that name
 * no cause are a rejection, judged by the provider's policy. */
static ApppassContext
context_of (ApppassEvolutionClient *client, const ApppassEvolutionFailure *failure,
            const char *account_id, ApppassProtocol protocol)
{
  gboolean refused = failure->refused ||
                     (protocol == APPPASS_PROTOCOL_SMTP && failure->cant_authenticate) ||
                     (failure->cannot_prompt &&
                      apppass_evolution_client_is_online_account (client, account_id, protocol));

  return refused ? APPPASS_CONTEXT_REFUSED : APPPASS_CONTEXT_NONE;
}

ApppassEvolutionTaken
apppass_evolution_failure_report (ApppassEvolutionClient *client,
                                  const ApppassEvolutionFailure *failure,
                                  ApppassEvolutionWaitDone done, gpointer data)
{
  g_autofree char *held = NULL;
  g_autofree char *account_id = NULL;
  const char *text = failure->server_text;
  ApppassProtocol protocol;
  ApppassContext context;

  if (failure->first_sign_in || apppass_evolution_client_is_quitting (client) ||
      !apppass_evolution_client_find_account (client, failure->uid, &account_id, &protocol)) {
    apppass_evolution_alerts_show (failure->uid);
    return APPPASS_EVOLUTION_LEFT_TO_EVOLUTION;
  }
  /* A rejected-password prompt has no words of the server's: those of the
   * [ALERT] that came just before it, if any. */
  if (text == NULL)
    text = held = apppass_evolution_alerts_peek (failure->uid);
  context = context_of (client, failure, account_id, protocol);
  if (apppass_evolution_goa_explain (client, account_id, protocol, text, context)) {
    apppass_evolution_alerts_forget (failure->uid);
    return APPPASS_EVOLUTION_EXPLAINED;
  }
  if (!apppass_flow_login_failed_in_context (apppass_evolution_client_get_flow (client), account_id,
                                             protocol, text, context)) {
    apppass_evolution_alerts_show (failure->uid);
    return APPPASS_EVOLUTION_LEFT_TO_EVOLUTION;
  }
  apppass_evolution_alerts_forget (failure->uid);
  apppass_evolution_wait_add (account_id, protocol, done, data);
  return APPPASS_EVOLUTION_WAITING;
}
