/* apppass — what a failed login's server answer means
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "apppass-protocol.h"
#include "apppass-provider.h"

G_BEGIN_DECLS

/* In docs/design.md's precedence order ("Precedence"): where a text fits several, the
 * first wins. */
typedef enum {
  APPPASS_CAUSE_APP_PASSWORD_REQUIRED,
  APPPASS_CAUSE_OAUTH_REQUIRED,
  APPPASS_CAUSE_WEB_LOGIN_REQUIRED,
  APPPASS_CAUSE_ACCESS_DISABLED,
  APPPASS_CAUSE_TEMPORARY,
  APPPASS_CAUSE_CREDENTIALS_REJECTED,
  APPPASS_CAUSE_NOT_AUTH,
} ApppassCause;

#define APPPASS_N_CAUSES 7

typedef enum {
  APPPASS_ACTION_APP_PASSWORD,
  APPPASS_ACTION_OAUTH,
  APPPASS_ACTION_WEB_LOGIN,
  APPPASS_ACTION_ENABLE_ACCESS,
  APPPASS_ACTION_NONE,
} ApppassAction;

/**
 * ApppassDiagnosis:
 * @cause: what the server's answer means
 * @action: what to offer the user
 * @provider: (nullable): the account's provider, owned by the database
 * @url: (nullable): the page for @action, always from the provider database
 * @explanation: a translated explanation naming the provider
 * @server_named_cause: %TRUE when the server itself asked for an app
 *   password; %FALSE when a plain rejection is read through the provider's
 *   policy, so the password may simply be wrong
 */
typedef struct {
  ApppassCause cause;
  ApppassAction action;
  const ApppassProvider *provider;
  const char *url;
  char *explanation;
  gboolean server_named_cause;
} ApppassDiagnosis;

/* Only this much of a server's answer is read: a hostile server may send more. */
#define APPPASS_DIAGNOSIS_MAX_TEXT (64 * 1024)

const char *apppass_cause_to_string (ApppassCause cause);
const char *apppass_action_to_string (ApppassAction action);

/**
 * ApppassContext:
 * @APPPASS_CONTEXT_NONE: only the server's words are known
 * @APPPASS_CONTEXT_REFUSED: the client knows that the login was refused (its
 *   own verdict: Claws Mail's "LOGIN error", POP3's -ERR after USER, PASS,
 *   APOP or AUTH, an SMTP 5xx to AUTH, Evolution's rejected login, our own
 *   login check): words that name no cause then mean credentials-rejected,
 *   never not-auth
 *
 * What the client knows about a failure besides the server's words.
 */
typedef enum {
  APPPASS_CONTEXT_NONE = 0,
  APPPASS_CONTEXT_REFUSED = 1 << 0,
} ApppassContext;

/**
 * apppass_classify:
 * @text: the server's answer: IMAP lines, a multi-line SMTP reply, POP3
 *   lines, with CRLFs; any bytes (invalid UTF-8 is repaired, not refused)
 * @length: its length, or -1 if nul-terminated
 *
 * Returns: the cause, by docs/design.md's precedence
 */
ApppassCause apppass_classify (ApppassProtocol protocol, const char *text, gssize length);
/* The same, with what the client knows about the failure (see ApppassContext). */
ApppassCause apppass_classify_in_context (ApppassProtocol protocol, const char *text, gssize length,
                                          ApppassContext context);

/* What to offer for @cause at @provider (nullable), by docs/design.md's table of actions,
 * read with the provider's Policy=. */
ApppassAction apppass_action_for (ApppassCause cause, const ApppassProvider *provider);
/* The same, read with the policy of the account's @protocol (SmtpPolicy=, …). */
ApppassAction apppass_action_for_protocol (ApppassCause cause, const ApppassProvider *provider,
                                           ApppassProtocol protocol);

/**
 * apppass_diagnose:
 * @db: the provider database
 * @host: (nullable): the server the account uses
 * @user: (nullable): the login name, usually the address
 *
 * Returns: (transfer full): free with apppass_diagnosis_free()
 */
ApppassDiagnosis *apppass_diagnose (const ApppassProviderDb *db, ApppassProtocol protocol,
                                    const char *host, const char *user, const char *text,
                                    gssize length);
/* The same, with what the client knows about the failure (see ApppassContext). */
ApppassDiagnosis *apppass_diagnose_in_context (const ApppassProviderDb *db,
                                               ApppassProtocol protocol, const char *host,
                                               const char *user, const char *text, gssize length,
                                               ApppassContext context);
/* The diagnosis of a known @cause at @provider (nullable): for an account
 * whose provider the user chose, or a failure whose text the client lost. */
ApppassDiagnosis *apppass_diagnosis_new (ApppassProtocol protocol, const ApppassProvider *provider,
                                         ApppassCause cause);
void apppass_diagnosis_free (ApppassDiagnosis *diagnosis);

/* The explanation for @diagnosis's cause, action, provider and
 * server_named_cause (its explanation field is not read): for saying why
 * before any login failed, as `apppass setup` does. */
char *apppass_diagnosis_explain (const ApppassDiagnosis *diagnosis, ApppassProtocol protocol);

/* The casefolded phrases that mean @cause, for tests and the pre-filter's checks. */
const char *const *apppass_cause_phrases (ApppassCause cause);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassDiagnosis, apppass_diagnosis_free)

G_END_DECLS
