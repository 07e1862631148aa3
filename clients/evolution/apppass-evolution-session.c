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
 * rejection. The class's vtable is patched, so it is done once, and undone
 * only when it is still ours. */

#include "apppass-evolution.h"

#include <mail/e-mail-ui-session.h>

#include "apppass-diagnosis.h"

typedef gboolean (*AuthenticateSync) (CamelSession *session, CamelService *service,
                                      const char *mechanism, GCancellable *cancellable,
                                      GError **error);

typedef void (*UserAlert) (CamelSession *session, CamelService *service, CamelSessionAlertType type,
                           const char *message);

static AuthenticateSync original;
static UserAlert original_alert;

/* An [ALERT] held back from Evolution's message bar, per service UID: the
 * words the rejected-password prompt that follows it lacks. */
typedef struct {
  CamelSession *session;
  CamelService *service;
  CamelSessionAlertType type;
  char *text;
  gint64 when;
} Alert;

static GMutex alerts_lock;
static GHashTable *alerts;

/* One failed login, handed from the worker thread to the main thread. */
typedef struct {
  GMutex lock;
  GCond cond;
  char *uid;
  char *server_text;
  gboolean cant_authenticate;
  gboolean cannot_prompt;
  gboolean answered;
  gboolean saved;
} Ask;

static void
ask_free (Ask *ask)
{
  g_mutex_clear (&ask->lock);
  g_cond_clear (&ask->cond);
  g_free (ask->uid);
  g_free (ask->server_text);
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

/* Camel's SMTP AUTH fails with CANT_AUTHENTICATE when the server refused it,
 * and keeps no reply it does not expect: Gmail's 534 becomes "Bad
 * authentication response from server". And an Online Accounts account's
 * rejected password ends in "doesn't support prompt for credentials", as
 * Evolution may not ask for one. Either is a refused login: words that name
 * no cause are a rejection, judged by the provider's policy. */
static ApppassContext
context_of (const Ask *ask, const char *account_id, ApppassProtocol protocol)
{
  gboolean refused =
      (protocol == APPPASS_PROTOCOL_SMTP && ask->cant_authenticate) ||
      (ask->cannot_prompt && apppass_evolution_client_is_online_account (
                                 apppass_evolution_client_get (), account_id, protocol));

  return refused ? APPPASS_CONTEXT_REFUSED : APPPASS_CONTEXT_NONE;
}

static gboolean
ask_in_main (gpointer data)
{
  Ask *ask = data;
  g_autofree char *account_id = NULL;
  ApppassProtocol protocol;

  if (apppass_evolution_quitting () ||
      !apppass_evolution_client_find_account (apppass_evolution_client_get (), ask->uid,
                                              &account_id, &protocol)) {
    apppass_evolution_session_show_alert (ask->uid);
    answer (ask, FALSE);
  } else if (apppass_evolution_goa_explain (account_id, protocol, ask->server_text,
                                            context_of (ask, account_id, protocol))) {
    apppass_evolution_session_forget_alert (ask->uid);
    answer (ask, FALSE);
  } else if (apppass_flow_login_failed_in_context (apppass_evolution_flow_get (), account_id,
                                                   protocol, ask->server_text,
                                                   context_of (ask, account_id, protocol))) {
    apppass_evolution_session_forget_alert (ask->uid);
    apppass_evolution_wait_add (account_id, protocol, on_answer, ask);
  } else {
    apppass_evolution_session_show_alert (ask->uid);
    answer (ask, FALSE);
  }
  return G_SOURCE_REMOVE;
}

/* Blocks this worker thread until the user answered apppass's dialog (or the
 * login was cancelled). TRUE when a verified password is now stored. */
static gboolean
ask_user (CamelService *service, const GError *error, GCancellable *cancellable)
{
  Ask *ask = g_atomic_rc_box_new0 (Ask);
  gboolean saved;

  g_mutex_init (&ask->lock);
  g_cond_init (&ask->cond);
  ask->uid = g_strdup (camel_service_get_uid (service));
  ask->server_text = g_strdup (error->message);
  ask->cant_authenticate =
      g_error_matches (error, CAMEL_SERVICE_ERROR, CAMEL_SERVICE_ERROR_CANT_AUTHENTICATE);
  ask->cannot_prompt = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
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
  GError *local_error = NULL;

  if (original (session, service, mechanism, cancellable, &local_error))
    return TRUE;
  if (!worth_asking (local_error, cancellable) || !ask_user (service, local_error, cancellable)) {
    g_propagate_error (error, local_error);
    return FALSE;
  }
  g_clear_error (&local_error);
  if (CAMEL_IS_TRANSPORT (service))
    return ask_smtp_to_reconnect (error);
  return original (session, service, mechanism, cancellable, error);
}

static void
alert_free (Alert *alert)
{
  g_object_unref (alert->session);
  g_object_unref (alert->service);
  g_free (alert->text);
  g_free (alert);
}

static Alert *
steal_alert (const char *uid)
{
  gpointer alert = NULL;

  g_mutex_lock (&alerts_lock);
  if (alerts)
    g_hash_table_steal_extended (alerts, uid, NULL, &alert);
  g_mutex_unlock (&alerts_lock);
  return alert;
}

char *
apppass_evolution_session_peek_alert (const char *uid)
{
  Alert *alert;
  char *text = NULL;

  g_mutex_lock (&alerts_lock);
  alert = alerts ? g_hash_table_lookup (alerts, uid) : NULL;
  if (alert && g_get_monotonic_time () - alert->when < 60 * G_TIME_SPAN_SECOND)
    text = g_strdup (alert->text);
  g_mutex_unlock (&alerts_lock);
  return text;
}

void
apppass_evolution_session_forget_alert (const char *uid)
{
  Alert *alert = steal_alert (uid);

  if (alert)
    alert_free (alert);
}

void
apppass_evolution_session_show_alert (const char *uid)
{
  Alert *alert = steal_alert (uid);

  if (alert == NULL)
    return;
  original_alert (alert->session, alert->service, alert->type, alert->text);
  alert_free (alert);
}

/* No failed login followed the alert (so no dialog): Evolution shows it after all. */
static gboolean
show_late (gpointer uid)
{
  apppass_evolution_session_show_alert (uid);
  return G_SOURCE_REMOVE;
}

static void
keep_alert (CamelSession *session, CamelService *service, CamelSessionAlertType type,
            const char *text)
{
  Alert *alert = g_new0 (Alert, 1);
  const char *uid = camel_service_get_uid (service);

  alert->session = g_object_ref (session);
  alert->service = g_object_ref (service);
  alert->type = type;
  alert->text = g_strdup (text);
  alert->when = g_get_monotonic_time ();
  g_mutex_lock (&alerts_lock);
  if (alerts == NULL)
    alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)alert_free);
  g_hash_table_insert (alerts, g_strdup (uid), alert);
  g_mutex_unlock (&alerts_lock);
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 30, show_late, g_strdup (uid), g_free);
}

/* Whether the alert explains a login failure apppass may take. Runs in
 * Camel's thread, so it asks only thread-safe things (the registry, the
 * pure diagnosis); the flow decides when the failure itself arrives. */
static gboolean
alert_may_be_ours (CamelService *service, const char *text)
{
  g_autofree char *account_id = NULL;
  ApppassProtocol protocol;
  ApppassCause cause;

  if (!apppass_evolution_client_find_account (
          apppass_evolution_client_get (), camel_service_get_uid (service), &account_id, &protocol))
    return FALSE;
  cause = apppass_classify (protocol, text, -1);
  return cause != APPPASS_CAUSE_NOT_AUTH && cause != APPPASS_CAUSE_TEMPORARY;
}

/* Evolution passes IMAP alerts on from its main loop, so Gmail's often comes
 * just after the rejection it explains: the dialog already open for that
 * login then shows the server's words. */
static gboolean
update_dialog (CamelService *service, const char *text)
{
  g_autofree char *account_id = NULL;
  ApppassProtocol protocol;

  return apppass_evolution_client_find_account (apppass_evolution_client_get (),
                                                camel_service_get_uid (service), &account_id,
                                                &protocol) &&
         apppass_evolution_wait_pending (account_id, protocol) &&
         apppass_flow_login_failed (apppass_evolution_flow_get (), account_id, protocol, text);
}

/* An [ALERT] that explains a failure apppass takes is shown in apppass's
 * dialog, not also in Evolution's message bar (where it would stay after the
 * problem was solved). From another thread, it is held back until the
 * failure comes. */
static void
user_alert (CamelSession *session, CamelService *service, CamelSessionAlertType type,
            const char *message)
{
  if (service && message && g_main_context_is_owner (NULL) && update_dialog (service, message))
    return;
  if (service && message && alert_may_be_ours (service, message)) {
    keep_alert (session, service, type, message);
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
