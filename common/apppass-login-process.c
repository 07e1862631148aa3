/* apppass — the login check in a process of its own
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-login-process.h"

#include <string.h>

#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-password.h"
#include "apppass-provider.h"

/* Request and result are key files: [request] and [result]. */
#define MAX_MESSAGE (8 * 1024 * 1024)

typedef struct {
  GSubprocess *process;
  GCancellable *cancellable;
  gulong cancel_id;
  ApppassProtocol protocol;
  char *host;
  char *user;
} Run;

static void
run_free (Run *run)
{
  if (run->cancel_id)
    g_cancellable_disconnect (run->cancellable, run->cancel_id);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->process);
  g_free (run->host);
  g_free (run->user);
  g_free (run);
}

static char *
proxy_for (const ApppassLoginOptions *o, GCancellable *cancellable)
{
  g_autofree char *uri = NULL;
  g_auto (GStrv) proxies = NULL;

  if (o->proxy_resolver == NULL)
    return NULL;
  uri = g_strdup_printf ("%s://%s:%u", apppass_protocol_to_string (o->protocol), o->host,
                         o->port ? o->port
                                 : apppass_protocol_default_port (o->protocol, o->security));
  proxies = g_proxy_resolver_lookup (o->proxy_resolver, uri, cancellable, NULL);
  if (proxies == NULL || proxies[0] == NULL || g_str_equal (proxies[0], "direct://"))
    return NULL;
  return g_strdup (proxies[0]);
}

static GBytes *
request_bytes (const ApppassLoginOptions *o, const char *password, GCancellable *cancellable)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *proxy = proxy_for (o, cancellable);
  char *data;
  gsize length;

  g_key_file_set_string (kf, "request", "protocol", apppass_protocol_to_string (o->protocol));
  g_key_file_set_string (kf, "request", "host", o->host);
  g_key_file_set_integer (kf, "request", "port", o->port);
  g_key_file_set_string (kf, "request", "security", apppass_security_to_string (o->security));
  g_key_file_set_string (kf, "request", "user", o->user ? o->user : "");
  g_key_file_set_integer (kf, "request", "timeout", (int)o->timeout_ms);
  if (o->trusted_pem)
    g_key_file_set_string (kf, "request", "trusted-pem", o->trusted_pem);
  if (proxy)
    g_key_file_set_string (kf, "request", "proxy", proxy);
  g_key_file_set_string (kf, "request", "password", password);
  data = g_key_file_to_data (kf, &length, NULL);
  g_key_file_remove_key (kf, "request", "password", NULL);
  /* The wiping free: the text holds the password. */
  return g_bytes_new_with_free_func (data, length, (GDestroyNotify)apppass_password_free, data);
}

static ApppassLoginResult *
failed_result (int code, const char *message)
{
  ApppassLoginResult *r = g_new0 (ApppassLoginResult, 1);

  r->outcome = APPPASS_LOGIN_FAILED;
  r->error = g_error_new_literal (APPPASS_ERROR, code, message);
  return r;
}

static ApppassLoginResult *
parse_result (Run *run, const char *text, gsize length)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *outcome = NULL, *message = NULL;
  ApppassLoginResult *r;
  int code;

  if (!g_key_file_load_from_data (kf, text, length, G_KEY_FILE_NONE, NULL) ||
      (outcome = g_key_file_get_string (kf, "result", "outcome", NULL)) == NULL)
    return failed_result (APPPASS_ERROR_NOT_SENT,
                          _ ("The login check stopped unexpectedly; nothing was saved."));
  r = g_new0 (ApppassLoginResult, 1);
  r->outcome = g_str_equal (outcome, "accepted")   ? APPPASS_LOGIN_ACCEPTED
               : g_str_equal (outcome, "rejected") ? APPPASS_LOGIN_REJECTED
                                                   : APPPASS_LOGIN_FAILED;
  r->password_sent = g_key_file_get_boolean (kf, "result", "password-sent", NULL);
  r->server_text = g_key_file_get_string (kf, "result", "server-text", NULL);
  message = g_key_file_get_string (kf, "result", "message", NULL);
  code = g_key_file_get_integer (kf, "result", "code", NULL);
  if (r->outcome != APPPASS_LOGIN_ACCEPTED)
    r->error = g_error_new_literal (APPPASS_ERROR, code, message ? message : "");
  if (r->outcome == APPPASS_LOGIN_REJECTED)
    r->diagnosis = apppass_diagnose (apppass_provider_db_get_default (), run->protocol, run->host,
                                     run->user, r->server_text ? r->server_text : "", -1);
  return r;
}

static void
on_communicated (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GTask) task = data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  const char *text;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &out, NULL, &error) ||
      g_cancellable_is_cancelled (run->cancellable)) {
    g_task_return_pointer (
        task,
        failed_result (APPPASS_ERROR_CANCELLED, g_cancellable_is_cancelled (run->cancellable)
                                                    ? _ ("The check was cancelled.")
                                                    : error->message),
        (GDestroyNotify)apppass_login_result_free);
    return;
  }
  text = out ? g_bytes_get_data (out, &length) : (length = 0, "");
  g_task_return_pointer (task, parse_result (run, text, MIN (length, MAX_MESSAGE)),
                         (GDestroyNotify)apppass_login_result_free);
}

static void
on_cancelled (GCancellable *cancellable, Run *run)
{
  (void)cancellable;
  g_subprocess_force_exit (run->process);
}

static const char *
helper_path (void)
{
  const char *env = g_getenv ("APPPASS_LOGIN_HELPER");

  return env && *env ? env : APPPASS_LOGIN_HELPER;
}

void
apppass_login_check_isolated (const ApppassLoginOptions *options, const char *password,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GError) error = NULL;
  Run *run = g_new0 (Run, 1);

  apppass_intl_init ();
  g_task_set_source_tag (task, apppass_login_check_isolated);
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);
  run->protocol = options->protocol;
  run->host = g_strdup (options->host);
  run->user = g_strdup (options->user);
  run->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  run->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                   &error, helper_path (), NULL);
  if (run->process == NULL) {
    g_task_return_pointer (task, failed_result (APPPASS_ERROR_NOT_SENT, error->message),
                           (GDestroyNotify)apppass_login_result_free);
    return;
  }
  run->cancel_id = g_cancellable_connect (run->cancellable, G_CALLBACK (on_cancelled), run, NULL);
  request = request_bytes (options, password, NULL);
  g_subprocess_communicate_async (run->process, request, NULL, on_communicated,
                                  g_steal_pointer (&task));
}

ApppassLoginResult *
apppass_login_check_isolated_finish (GAsyncResult *result)
{
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

/* ---- the helper's side --------------------------------------------------- */

static void
write_result (GOutputStream *out, const ApppassLoginResult *r)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  static const char *const outcomes[] = {"accepted", "rejected", "failed"};
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_string (kf, "result", "outcome", outcomes[r->outcome]);
  g_key_file_set_boolean (kf, "result", "password-sent", r->password_sent);
  if (r->server_text) {
    g_autofree char *valid = g_utf8_make_valid (r->server_text, -1);

    g_key_file_set_string (kf, "result", "server-text", valid);
  }
  if (r->error) {
    g_key_file_set_integer (kf, "result", "code", r->error->code);
    g_key_file_set_string (kf, "result", "message", r->error->message);
  }
  data = g_key_file_to_data (kf, &length, NULL);
  g_output_stream_write_all (out, data, length, NULL, NULL, NULL);
}

int
apppass_login_helper_main (GInputStream *in, GOutputStream *out)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GByteArray) buffer = g_byte_array_new ();
  g_autoptr (ApppassLoginResult) result = NULL;
  g_autofree char *protocol = NULL, *security = NULL, *host = NULL, *user = NULL;
  g_autofree char *pem = NULL, *proxy = NULL;
  g_autoptr (GProxyResolver) resolver = NULL;
  ApppassLoginOptions o = {0};
  char *password;
  guint8 chunk[4096];
  gssize n;

  while ((n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL)) > 0 &&
         buffer->len < MAX_MESSAGE)
    g_byte_array_append (buffer, chunk, (guint)n);
  if (!g_key_file_load_from_data (kf, (char *)buffer->data, buffer->len, G_KEY_FILE_NONE, NULL))
    return 2;
  memset (buffer->data, 0, buffer->len);
  protocol = g_key_file_get_string (kf, "request", "protocol", NULL);
  security = g_key_file_get_string (kf, "request", "security", NULL);
  host = g_key_file_get_string (kf, "request", "host", NULL);
  user = g_key_file_get_string (kf, "request", "user", NULL);
  pem = g_key_file_get_string (kf, "request", "trusted-pem", NULL);
  proxy = g_key_file_get_string (kf, "request", "proxy", NULL);
  password = g_key_file_get_string (kf, "request", "password", NULL);
  g_key_file_remove_key (kf, "request", "password", NULL);
  if (host == NULL || password == NULL ||
      !apppass_protocol_from_string (protocol, &o.protocol, NULL) ||
      !apppass_security_from_string (security, &o.security, NULL)) {
    apppass_password_free (password);
    return 2;
  }
  o.host = host;
  o.user = user;
  o.port = (guint16)g_key_file_get_integer (kf, "request", "port", NULL);
  o.timeout_ms = (guint)g_key_file_get_integer (kf, "request", "timeout", NULL);
  o.trusted_pem = pem;
  if (proxy)
    o.proxy_resolver = resolver = g_simple_proxy_resolver_new (proxy, NULL);
  result = apppass_login_check_sync (&o, password, NULL);
  apppass_password_free (password);
  write_result (out, result);
  return 0;
}
