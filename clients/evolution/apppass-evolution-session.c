/* apppass for Evolution — failures that carry the server's words
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Some answers are errors to Evolution, not rejected passwords: Gmail's
 * "[ALERT] Application-specific password required" as the tagged reply, an
 * SMTP 534. Evolution shows no prompt for them, only the same error again at
 * every check. The mail session's authenticate_sync is where both kinds end,
 * in a worker thread; this wrapper lets the error through unless apppass takes
 * it, and after a verified password was stored it logs in once more. The
 * session's user_alert is wrapped too, for the [ALERT] Gmail sends before its
 * rejection (held in apppass-evolution-alerts.c). The class's vtable is
 * patched, so it is done once, and undone only when it is still ours. */

#include "apppass-evolution-session.h"

#include "apppass-evolution-alerts.h"
#include "apppass-evolution-extension.h"
#include "apppass-evolution-failure.h"
#include "apppass-evolution-wait.h"

#include <mail/e-mail-ui-session.h>

#include "apppass-diagnosis.h"

typedef gboolean (*AuthenticateSync) (CamelSession *session, CamelService *service,
                                      const char *mechanism, GCancellable *cancellable,
                                      GError **error);

typedef void (*UserAlert) (CamelSession *session, CamelService *service, CamelSessionAlertType type,
                           const char *message);

static AuthenticateSync original;
static UserAlert original_alert;

/* One failed login, handed from the worker thread to the main thread. */
typedef struct {
  GMutex lock;
  GCond cond;
  ApppassEvolutionClient *client;
  ApppassEvolutionFailure failure;
  gboolean answered;
  gboolean saved;
} Ask;

static void
ask_free (Ask *ask)
{
  g_mutex_clear (&ask->lock);
  g_cond_clear (&ask->cond);
  g_object_unref (ask->client);
  g_free ((char *)ask->failure.uid);
  g_free ((char *)ask->failure.server_text);
}

static void
answer (Ask *ask, gboolean saved)
{
  g_mutex_lock (&ask->lock);
  ask->answered = TRUE;
  ask->saved = saved;
  g_cond_broadcast (&ask->cond);
  g_mutex_unlock (&ask->lock);
  g_atomic_rc_box_release_full (ask, (GDestroyNotify)ask_free);
}

static void
on_answer (gpointer data, const char *password)
{
  answer (data, password != NULL);
}

static gboolean
ask_in_main (gpointer data)
{
  Ask *ask = data;

  if (apppass_evolution_failure_report (ask->client, &ask->failure, on_answer, ask) !=
      APPPASS_EVOLUTION_WAITING)
    answer (ask, FALSE);
  return G_SOURCE_REMOVE;
}

/* Blocks this worker thread until the user answered apppass's dialog (or the
 * login was cancelled). TRUE when a verified password is now stored. */
static gboolean
ask_user (ApppassEvolutionClient *client, CamelService *service, const GError *error,
          GCancellable *cancellable)
{
  Ask *ask = g_atomic_rc_box_new0 (Ask);
  gboolean saved;

  g_mutex_init (&ask->lock);
  g_cond_init (&ask->cond);
  ask->client = g_object_ref (client);
  ask->failure.uid = g_strdup (camel_service_get_uid (service));
  ask->failure.server_text = g_strdup (error->message);
  ask->failure.cant_authenticate =
      g_error_matches (error, CAMEL_SERVICE_ERROR, CAMEL_SERVICE_ERROR_CANT_AUTHENTICATE);
  ask->failure.cannot_prompt = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_atomic_rc_box_acquire (ask); /* the main thread's */
  g_main_context_invoke (NULL, ask_in_main, ask);
  g_mutex_lock (&ask->lock);
  while (!ask->answered && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&ask->cond, &ask->lock, g_get_monotonic_time () + G_TIME_SPAN_SECOND / 4);
  saved = ask->answered && ask->saved;
  g_mutex_unlock (&ask->lock);
  g_atomic_rc_box_release_full (ask, (GDestroyNotify)ask_free);
  return saved;
}

static gboolean
worth_asking (const GError *error, GCancellable *cancellable)
{
  return error && error->message && !g_cancellable_is_cancelled (cancellable) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Camel's SMTP AUTH leaves the rest of a multi-line reply (Gmail's 534 has
 * two lines) unread, so a second AUTH on that connection reads the old
 * answer. Camel 3.46's SMTP transport opens a new connection and
 * authenticates again when told the connection was lost
 * (CAMEL_SMTP_TRANSPORT_ERROR_CONNECTION_LOST, code 0 of its private quark). */
static gboolean
ask_smtp_to_reconnect (GError **error)
{
  g_set_error_literal (error, g_quark_from_static_string ("camel-smtp-transport-error-quark"), 0,
                       "apppass: the password changed, log in again");
  return FALSE;
}

static gboolean
authenticate_sync (CamelSession *session, CamelService *service, const char *mechanism,
                   GCancellable *cancellable, GError **error)
{
  ApppassEvolutionClient *client;
  GError *local_error = NULL;

  if (original (session, service, mechanism, cancellable, &local_error))
    return TRUE;
  client = apppass_evolution_extension_get_client (e_shell_get_default ());
  if (client == NULL || !worth_asking (local_error, cancellable) ||
      !ask_user (client, service, local_error, cancellable)) {
    g_propagate_error (error, local_error);
    return FALSE;
  }
  g_clear_error (&local_error);
  if (CAMEL_IS_TRANSPORT (service))
    return ask_smtp_to_reconnect (error);
  return original (session, service, mechanism, cancellable, error);
}

/* Whether the alert explains a login failure apppass may take. Runs in
 * Camel's thread, so it asks only thread-safe things (the registry, the
 * pure diagnosis); the flow decides when the failure itself arrives. */
static gboolean
alert_may_be_ours (ApppassEvolutionClient *client, CamelService *service, const char *text)
{
  g_autofree char *account_id = NULL;
  ApppassProtocol protocol;
  ApppassCause cause;

  if (!apppass_evolution_client_find_account (client, camel_service_get_uid (service), &account_id,
                                              &protocol))
    return FALSE;
  cause = apppass_classify (protocol, text, -1);
  return cause != APPPASS_CAUSE_NOT_AUTH && cause != APPPASS_CAUSE_TEMPORARY;
}

/* Evolution passes IMAP alerts on from its main loop, so Gmail's often comes
 * just after the rejection it explains: the dialog already open for that
 * login then shows the server's words. */
static gboolean
update_dialog (ApppassEvolutionClient *client, CamelService *service, const char *text)
{
  g_autofree char *account_id = NULL;
  ApppassProtocol protocol;

  return apppass_evolution_client_find_account (client, camel_service_get_uid (service),
                                                &account_id, &protocol) &&
         apppass_evolution_wait_pending (account_id, protocol) &&
         apppass_flow_login_failed (apppass_evolution_client_get_flow (client), account_id,
                                    protocol, text);
}

/* An [ALERT] that explains a failure apppass takes is shown in apppass's
 * dialog, not also in Evolution's message bar (where it would stay after the
 * problem was solved). From another thread, it is held back until the
 * failure comes. */
static void
user_alert (CamelSession *session, CamelService *service, CamelSessionAlertType type,
            const char *message)
{
  ApppassEvolutionClient *client = apppass_evolution_extension_get_client (e_shell_get_default ());

  if (client && service && message && g_main_context_is_owner (NULL) &&
      update_dialog (client, service, message))
    return;
  if (client && service && message && alert_may_be_ours (client, service, message)) {
    apppass_evolution_alerts_hold (session, service, type, message, original_alert);
    return;
  }
  original_alert (session, service, type, message);
}

void
apppass_evolution_session_hook_install (void)
{
  CamelSessionClass *klass = g_type_class_ref (E_TYPE_MAIL_UI_SESSION);

  if (klass->authenticate_sync != authenticate_sync) {
    original = klass->authenticate_sync;
    klass->authenticate_sync = authenticate_sync;
  }
  if (klass->user_alert != user_alert) {
    original_alert = klass->user_alert;
    klass->user_alert = user_alert;
  }
  g_type_class_unref (klass);
}

void
apppass_evolution_session_hook_remove (void)
{
  CamelSessionClass *klass = g_type_class_peek (E_TYPE_MAIL_UI_SESSION);

  if (klass && klass->authenticate_sync == authenticate_sync)
    klass->authenticate_sync = original;
  if (klass && klass->user_alert == user_alert)
    klass->user_alert = original_alert;
}
