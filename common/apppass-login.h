/* apppass — prove a password by logging in, the way the mail client will
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "apppass-diagnosis.h"
#include "apppass-protocol.h"

G_BEGIN_DECLS

#define APPPASS_LOGIN_DEFAULT_TIMEOUT_MS 20000

/**
 * ApppassLoginOptions:
 * @protocol: IMAP (LOGIN, or AUTHENTICATE PLAIN where LOGIN is disabled),
 *   POP3 (USER/PASS) or SMTP submission (EHLO, AUTH PLAIN or LOGIN)
 * @host: the server
 * @port: 0 for the default of @protocol and @security
 * @security: implicit TLS, STARTTLS (never falls back to plain text), or none
 * @user: the login name
 * @trusted_pem: (nullable): a certificate the user already accepted in the
 *   mail client (PEM), the only trust anchor added to the system's
 * @proxy_resolver: (nullable): the account's proxy; %NULL for the desktop's
 * @timeout_ms: for the whole check; 0 for %APPPASS_LOGIN_DEFAULT_TIMEOUT_MS
 */
typedef struct {
  ApppassProtocol protocol;
  const char *host;
  guint16 port;
  ApppassSecurity security;
  const char *user;
  const char *trusted_pem;
  GProxyResolver *proxy_resolver;
  guint timeout_ms;
} ApppassLoginOptions;

typedef enum {
  APPPASS_LOGIN_ACCEPTED,
  APPPASS_LOGIN_REJECTED,
  APPPASS_LOGIN_FAILED,
} ApppassLoginOutcome;

/**
 * ApppassLoginResult:
 * @outcome: accepted, rejected by the server, or failed before an answer
 * @server_text: (nullable): REJECTED: what the server answered
 * @diagnosis: (nullable): REJECTED: what that answer means
 * @error: (nullable): REJECTED: %APPPASS_ERROR_REJECTED; FAILED:
 *   %APPPASS_ERROR_NOT_SENT or %G_IO_ERROR_CANCELLED, with a message a
 *   person can act on (DNS, refused, timeout, TLS, STARTTLS, proxy)
 * @password_sent: %FALSE when the password never left this machine
 */
typedef struct {
  ApppassLoginOutcome outcome;
  char *server_text;
  ApppassDiagnosis *diagnosis;
  GError *error;
  gboolean password_sent;
} ApppassLoginResult;

ApppassLoginResult *apppass_login_check_sync (const ApppassLoginOptions *options,
                                              const char *password, GCancellable *cancellable);
/**
 * apppass_login_check_over_stream_sync:
 * @io: a connection to @options->host that the caller opened; TLS is started
 *   on it as @options->security says, exactly as on a connection of our own
 *
 * As apppass_login_check_sync(), over @io instead of a connection made from
 * @options->host and @options->port (@options->proxy_resolver is not used).
 * For tests that play the server's side without a network, such as
 * tests/fuzz/fuzz-login-reply.c; the mail clients never need it.
 */
ApppassLoginResult *apppass_login_check_over_stream_sync (const ApppassLoginOptions *options,
                                                          const char *password, GIOStream *io,
                                                          GCancellable *cancellable);
void apppass_login_check (const ApppassLoginOptions *options, const char *password,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
ApppassLoginResult *apppass_login_check_finish (GAsyncResult *result);

void apppass_login_result_free (ApppassLoginResult *result);

/* The host @options really connect to, and its port in @port: a port in
 * "host:port" wins over @options->port, and with neither it is the
 * protocol's default for @options->security. */
char *apppass_login_options_get_server (const ApppassLoginOptions *options, guint16 *port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassLoginResult, apppass_login_result_free)

G_END_DECLS
