/* apppass — the login check in a process of its own
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-login-process.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-password.h"
#include "apppass-provider.h"
#include "apppass-wipe.h"

/* The request is a key file ([request]), a NUL and the password; the result a
 * key file ([result]). */
#define MAX_MESSAGE (8 * 1024 * 1024)

/* One check: the options kept (strings owned), and the password until it
 * has been handed to the helper. */
typedef struct {
  GSubprocess *process;
  GCancellable *cancellable;
  gulong cancel_id;
  ApppassLoginOptions options;
  char *password;
  GSource *watchdog;
  gboolean overdue;
} Run;

static void
run_free (Run *run)
{
  if (run->watchdog)
    g_source_destroy (run->watchdog);
  g_clear_pointer (&run->watchdog, g_source_unref);
  if (run->cancel_id)
    g_cancellable_disconnect (run->cancellable, run->cancel_id);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->process);
  g_free ((char *)run->options.host);
  g_free ((char *)run->options.user);
  g_free ((char *)run->options.trusted_pem);
  g_clear_object (&run->options.proxy_resolver);
  apppass_password_free (run->password);
  g_free (run);
}

/* The address the account's proxy resolver is asked about; a port in the
 * host ("host:port") wins, as it does for the connection itself. */
static char *
server_uri (const ApppassLoginOptions *o)
{
  guint16 port;
  g_autofree char *host = apppass_login_options_get_server (o, &port);
  gboolean ipv6 = strchr (host, ':') != NULL;

  return g_strdup_printf ("%s://%s%s%s:%u", apppass_protocol_to_string (o->protocol),
                          ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
}

typedef struct {
  char *data;
  gsize size;
} Request;

/* The request holds the password: wiped, all of it, before it is freed. */
static void
request_free (Request *request)
{
  apppass_wipe_free (request->data, request->size);
  g_free (request);
}

static GBytes *
request_bytes (const ApppassLoginOptions *o, const char *proxy, const char *password)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL;
  Request *request;
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
  text = g_key_file_to_data (kf, &length, NULL);
  /* The password follows the key file after a NUL, as it is: never copied
   * into GKeyFile's or GString's buffers, which free without wiping. */
  request = g_new0 (Request, 1);
  request->size = length + 1 + strlen (password);
  request->data = g_malloc (request->size + 1);
  memcpy (request->data, text, length);
  request->data[length] = '\0';
  memcpy (request->data + length + 1, password, strlen (password) + 1);
  return g_bytes_new_with_free_func (request->data, request->size, (GDestroyNotify)request_free,
                                     request);
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
cancelled_result (void)
{
  ApppassLoginResult *r = g_new0 (ApppassLoginResult, 1);

  r->outcome = APPPASS_LOGIN_FAILED;
  r->error = apppass_error_new_cancelled ();
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
    r->diagnosis = apppass_diagnose_in_context (
        apppass_provider_db_get_default (), run->options.protocol, run->options.host,
        run->options.user, r->server_text ? r->server_text : "", -1, APPPASS_CONTEXT_REFUSED);
  return r;
}

/* The helper ended without an answer: crashed, killed, or past its time. */
static void
return_stopped (GTask *task)
{
  g_task_return_pointer (
      task,
      failed_result (APPPASS_ERROR_NOT_SENT, _ ("The login check stopped unexpectedly; nothing was "
                                                "saved.")),
      (GDestroyNotify)apppass_login_result_free);
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

  if (run->overdue) {
    g_subprocess_communicate_finish (G_SUBPROCESS (source), res, NULL, NULL, NULL);
    return_stopped (task);
    return;
  }
  if (g_cancellable_is_cancelled (run->cancellable)) {
    g_task_return_pointer (task, cancelled_result (), (GDestroyNotify)apppass_login_result_free);
    return;
  }
  /* The helper went before it read its request (a broken pipe): it stopped. */
  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &out, NULL, &error)) {
    return_stopped (task);
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

/* The helper ends its check at the deadline; one that is still there well
 * after it (frozen, stopped, starved) is ended, so the check never hangs. */
static gboolean
on_overdue (gpointer data)
{
  Run *run = data;

  run->overdue = TRUE;
  g_subprocess_force_exit (run->process);
  return G_SOURCE_REMOVE;
}

static void
start_watchdog (Run *run)
{
  guint timeout_ms =
      run->options.timeout_ms ? run->options.timeout_ms : APPPASS_LOGIN_DEFAULT_TIMEOUT_MS;

  run->watchdog = g_timeout_source_new (timeout_ms + 10000);
  g_source_set_callback (run->watchdog, on_overdue, run, NULL);
  g_source_attach (run->watchdog, g_main_context_get_thread_default ());
}

/* Writing the request to a helper that has already died raises SIGPIPE,
 * whose default action would end the mail client. Ignored, unless the client
 * handles it itself: what GLib's GSocket already does process-wide in every
 * program that uses it (Evolution does; a socket as the helper's stdin was
 * tried and changes nothing, since GSocket's class sets it). */
static void
survive_sigpipe (void)
{
  struct sigaction action;

  if (sigaction (SIGPIPE, NULL, &action) == 0 && action.sa_handler == SIG_DFL)
    signal (SIGPIPE, SIG_IGN);
}

static const char *
helper_path (void)
{
  const char *env = g_getenv ("APPPASS_LOGIN_HELPER");

  return env && *env ? env : APPPASS_LOGIN_HELPER;
}

static void
send_request (GTask *task, const char *proxy)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr (GBytes) request = request_bytes (&run->options, proxy, run->password);

  g_clear_pointer (&run->password, apppass_password_free);
  g_subprocess_communicate_async (run->process, request, NULL, on_communicated, task);
}

/* The account's resolver may be slow (PAC, libproxy): asked without blocking. */
static void
on_proxy (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Run *run = g_task_get_task_data (task);
  g_auto (GStrv) proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, NULL);
  const char *proxy =
      proxies && proxies[0] && !g_str_equal (proxies[0], "direct://") ? proxies[0] : NULL;

  if (g_cancellable_is_cancelled (run->cancellable)) {
    g_task_return_pointer (task, cancelled_result (), (GDestroyNotify)apppass_login_result_free);
    g_object_unref (task);
    return;
  }
  send_request (task, proxy);
}

static void
keep_options (Run *run, const ApppassLoginOptions *options, const char *password)
{
  run->options = *options;
  run->options.host = g_strdup (options->host);
  run->options.user = g_strdup (options->user);
  run->options.trusted_pem = g_strdup (options->trusted_pem);
  if (options->proxy_resolver)
    g_object_ref (options->proxy_resolver);
  run->password = g_strdup (password);
}

void
apppass_login_check_isolated (const ApppassLoginOptions *options, const char *password,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  Run *run = g_new0 (Run, 1);

  apppass_intl_init ();
  g_task_set_source_tag (task, apppass_login_check_isolated);
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);
  keep_options (run, options, password);
  run->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  run->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                   &error, helper_path (), NULL);
  if (run->process == NULL) {
    g_task_return_pointer (task, failed_result (APPPASS_ERROR_NOT_SENT, error->message),
                           (GDestroyNotify)apppass_login_result_free);
    g_object_unref (task);
    return;
  }
  run->cancel_id = g_cancellable_connect (run->cancellable, G_CALLBACK (on_cancelled), run, NULL);
  start_watchdog (run);
  survive_sigpipe ();
  if (options->proxy_resolver == NULL) {
    send_request (task, NULL);
    return;
  }
  uri = server_uri (options);
  g_proxy_resolver_lookup_async (options->proxy_resolver, uri, run->cancellable, on_proxy, task);
}

ApppassLoginResult *
apppass_login_check_isolated_finish (GAsyncResult *result)
{
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

/* ---- the helper's side --------------------------------------------------- */

void
apppass_protect_process (void)
{
  struct rlimit core;

  /* Only the soft limit: a program started from here may raise its own again
   * (execve() makes it dumpable again as well). */
  if (getrlimit (RLIMIT_CORE, &core) == 0) {
    core.rlim_cur = 0;
    setrlimit (RLIMIT_CORE, &core);
  }
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}

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

/* All of standard input, in one buffer of a size fixed up front, so that no
 * copy of the password is left behind by a growing buffer. */
static char *
read_request (GInputStream *in, gsize *length)
{
  char *buffer = g_malloc (MAX_MESSAGE);
  gsize filled = 0;
  gssize n;

  while (filled < MAX_MESSAGE &&
         (n = g_input_stream_read (in, buffer + filled, MAX_MESSAGE - filled, NULL, NULL)) > 0)
    filled += (gsize)n;
  *length = filled;
  return buffer;
}

static gboolean
read_options (GKeyFile *kf, ApppassLoginOptions *o)
{
  g_autofree char *protocol = g_key_file_get_string (kf, "request", "protocol", NULL);
  g_autofree char *security = g_key_file_get_string (kf, "request", "security", NULL);

  if (!apppass_protocol_from_string (protocol, &o->protocol, NULL) ||
      !apppass_security_from_string (security, &o->security, NULL))
    return FALSE;
  o->host = g_key_file_get_string (kf, "request", "host", NULL);
  o->user = g_key_file_get_string (kf, "request", "user", NULL);
  o->port = (guint16)g_key_file_get_integer (kf, "request", "port", NULL);
  o->timeout_ms = (guint)g_key_file_get_integer (kf, "request", "timeout", NULL);
  o->trusted_pem = g_key_file_get_string (kf, "request", "trusted-pem", NULL);
  return o->host != NULL;
}

int
apppass_login_helper_main (GInputStream *in, GOutputStream *out)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (ApppassLoginResult) result = NULL;
  g_autoptr (GProxyResolver) resolver = NULL;
  g_autofree char *proxy = NULL;
  ApppassLoginOptions o = {0};
  char *buffer, *password = NULL;
  gsize length, keys;

  buffer = read_request (in, &length);
  keys = strnlen (buffer, length);
  if (length < MAX_MESSAGE && keys < length &&
      g_key_file_load_from_data (kf, buffer, keys, G_KEY_FILE_NONE, NULL) && read_options (kf, &o))
    password = g_strndup (buffer + keys + 1, length - keys - 1);
  apppass_wipe_free (buffer, length);
  if (password == NULL)
    return 2;
  proxy = g_key_file_get_string (kf, "request", "proxy", NULL);
  if (proxy)
    o.proxy_resolver = resolver = g_simple_proxy_resolver_new (proxy, NULL);
  result = apppass_login_check_sync (&o, password, NULL);
  apppass_password_free (password);
  g_free ((char *)o.host);
  g_free ((char *)o.user);
  g_free ((char *)o.trusted_pem);
  write_result (out, result);
  return 0;
}
