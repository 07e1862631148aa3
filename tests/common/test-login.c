/* apppass tests — the login check, against the project's test server
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "apppass-error.h"
#include "apppass-login-process.h"
#include "apppass-login.h"
#include "apppass-test-server-driver.h"
#include "apppass-test-util.h"

#include <glib/gstdio.h>
#include <grp.h>
#include <unistd.h>

typedef struct {
  ApppassProtocol protocol;
  ApppassSecurity security;
  const char *service; /* the test server's port name */
} Route;

static const Route routes[] = {
    {APPPASS_PROTOCOL_IMAP, APPPASS_SECURITY_TLS, "imaps"},
    {APPPASS_PROTOCOL_IMAP, APPPASS_SECURITY_STARTTLS, "imap"},
    {APPPASS_PROTOCOL_POP3, APPPASS_SECURITY_TLS, "pop3s"},
    {APPPASS_PROTOCOL_POP3, APPPASS_SECURITY_STARTTLS, "pop3"},
    {APPPASS_PROTOCOL_SMTP, APPPASS_SECURITY_TLS, "smtps"},
    {APPPASS_PROTOCOL_SMTP, APPPASS_SECURITY_STARTTLS, "smtp"},
};

/* Ann's login at @server over @route, trusting @pem. */
static ApppassLoginOptions
route_options (TestServer *server, const Route *route, const char *pem, GProxyResolver *resolver)
{
  ApppassLoginOptions options = {
      .protocol = route->protocol,
      .host = "127.0.0.1",
      .port = test_server_port (server, route->service),
      .security = route->security,
      .user = "ann@gmail.com",
      .trusted_pem = pem,
      .proxy_resolver = resolver,
      .timeout_ms = 10000,
  };

  return options;
}

static ApppassLoginResult *
check (TestServer *server, const Route *route, const char *password, const char *anchor,
       guint timeout_ms)
{
  g_autofree char *pem = anchor ? test_cert_pem (anchor) : NULL;
  ApppassLoginOptions options = route_options (server, route, pem, NULL);

  if (timeout_ms)
    options.timeout_ms = timeout_ms;
  return apppass_login_check_sync (&options, password, NULL);
}

static void
assert_logins (TestServer *server, const char *expected)
{
  g_auto (GStrv) logins = test_server_logins (server);
  g_autofree char *joined = g_strjoinv (" ", logins);

  g_assert_cmpstr (joined, ==, expected);
}

/* Gmail with two-step on: the right app password passes everywhere, the old one is refused
 * with Gmail's own words, read as "app password required". */
static void
test_gmail_all_routes (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    g_autoptr (ApppassLoginResult) good = check (server, &routes[i], TEST_GOOD_PASSWORD, "ca", 0);
    g_autoptr (ApppassLoginResult) bad = check (server, &routes[i], TEST_BAD_PASSWORD, "ca", 0);

    g_test_message ("%s", routes[i].service);
    g_assert_no_error (good->error);
    g_assert_cmpint (good->outcome, ==, APPPASS_LOGIN_ACCEPTED);
    g_assert_cmpint (bad->outcome, ==, APPPASS_LOGIN_REJECTED);
    g_assert_error (bad->error, APPPASS_ERROR, APPPASS_ERROR_REJECTED);
    g_assert_nonnull (strstr (bad->server_text, "pplication-specific password required"));
    g_assert_cmpint (bad->diagnosis->cause, ==, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
    g_assert_cmpstr (bad->diagnosis->url, ==, "https://myaccount.google.com/apppasswords");
  }
  assert_logins (server, "imap:matched imap:unmatched imap:matched imap:unmatched "
                         "pop3:matched pop3:unmatched pop3:matched pop3:unmatched "
                         "smtp:matched smtp:unmatched smtp:matched smtp:unmatched");
}

static void
test_other_providers (void)
{
  struct {
    const char *scenario;
    const char *user;
    ApppassCause cause;
    ApppassAction action;
  } cases[] = {
      {"gmail-2sv-off", "ann@gmail.com", APPPASS_CAUSE_CREDENTIALS_REJECTED,
       APPPASS_ACTION_APP_PASSWORD},
      {"yahoo", "bob@yahoo.com", APPPASS_CAUSE_CREDENTIALS_REJECTED, APPPASS_ACTION_APP_PASSWORD},
      {"outlook", "cat@outlook.com", APPPASS_CAUSE_CREDENTIALS_REJECTED, APPPASS_ACTION_OAUTH},
      {"unknown", "dan@example.org", APPPASS_CAUSE_CREDENTIALS_REJECTED, APPPASS_ACTION_NONE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *scenario = test_scenario (cases[i].scenario);
    g_autoptr (TestServer) server = test_server_start (scenario, "server");
    g_autofree char *pem = test_cert_pem ("ca");
    ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP,
                                   "127.0.0.1",
                                   test_server_port (server, "imaps"),
                                   APPPASS_SECURITY_TLS,
                                   cases[i].user,
                                   pem,
                                   NULL,
                                   10000};
    g_autoptr (ApppassLoginResult) r = apppass_login_check_sync (&options, TEST_BAD_PASSWORD, NULL);

    g_test_message ("%s: %s", cases[i].scenario, r->server_text);
    g_assert_cmpint (r->outcome, ==, APPPASS_LOGIN_REJECTED);
    g_assert_cmpint (r->diagnosis->cause, ==, cases[i].cause);
    g_assert_cmpint (r->diagnosis->action, ==, cases[i].action);
  }
}

/* Certificates that must stop the password before it leaves. */
static void
test_untrusted_certificates (void)
{
  struct {
    const char *cert, *anchor, *needle;
  } cases[] = {
      {"server", NULL, "not trusted"},       /* unknown CA */
      {"server", "other-ca", "not trusted"}, /* the wrong anchor */
      {"wrong-host", "ca", "not for"},       /* a trusted CA, another host */
      {"expired", "ca", "expired"},          /* a trusted CA, out of date */
      {"self-signed", NULL, "not trusted"},  /* nobody vouches for it */
  };
  g_autofree char *scenario = test_scenario ("gmail");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (TestServer) server = test_server_start (scenario, cases[i].cert);

    for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
      g_autoptr (ApppassLoginResult) result =
          check (server, &routes[r], TEST_GOOD_PASSWORD, cases[i].anchor, 0);

      g_test_message ("%s/%s on %s: %s", cases[i].cert, cases[i].anchor, routes[r].service,
                      result->error ? result->error->message : "accepted");
      g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_FAILED);
      g_assert_error (result->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
      g_assert_nonnull (strstr (result->error->message, cases[i].needle));
      g_assert_false (result->password_sent);
    }
    /* The server's own record: not one password arrived. */
    assert_logins (server, "");
  }
}

/* The certificate the user accepted in the mail client is enough on its own. */
static void
test_accepted_self_signed (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "self-signed");
  g_autoptr (ApppassLoginResult) r =
      check (server, &routes[0], TEST_GOOD_PASSWORD, "self-signed", 0);

  g_assert_cmpint (r->outcome, ==, APPPASS_LOGIN_ACCEPTED);
}

/* Gmail's scenario with some keys set: GROUP, KEY, VALUE, … up to a NULL
 * group (so a NULL group also ends the list early). */
static G_GNUC_NULL_TERMINATED char *
gmail_with (const char *group, ...)
{
  g_autofree char *base = test_scenario ("gmail");
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  va_list ap;

  g_assert_true (g_key_file_load_from_data (keys, base, -1, G_KEY_FILE_NONE, NULL));
  va_start (ap, group);
  for (const char *g = group; g != NULL; g = va_arg (ap, const char *)) {
    const char *key = va_arg (ap, const char *);

    g_key_file_set_string (keys, g, key, va_arg (ap, const char *));
  }
  va_end (ap);
  return g_key_file_to_data (keys, NULL, NULL);
}

/* Gmail's scenario with every service in @mode (see the test server's modes). */
static char *
scenario_with_mode (const char *mode)
{
  return gmail_with ("imap", "mode", mode, "pop3", "mode", mode, "smtp", "mode", mode, NULL);
}

/* Every STARTTLS route, with the server's STARTTLS in @mode, fails before the
 * password is sent and says @why. */
static void
assert_starttls_fails (const char *mode, const char *why)
{
  g_autofree char *scenario = scenario_with_mode (mode);
  g_autoptr (TestServer) server = test_server_start (scenario, "server");

  for (guint r = 1; r < G_N_ELEMENTS (routes); r += 2) {
    g_autoptr (ApppassLoginResult) result = check (server, &routes[r], TEST_GOOD_PASSWORD, "ca", 0);

    g_test_message ("%s: %s", routes[r].service, result->error ? result->error->message : "");
    g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_FAILED);
    g_assert_error (result->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
    g_assert_nonnull (strstr (result->error->message, why));
    g_assert_false (result->password_sent);
  }
  assert_logins (server, "");
}

/* STARTTLS that the server does not offer never falls back to plain text. */
static void
test_starttls_stripped (void)
{
  assert_starttls_fails ("strip-starttls", "does not offer STARTTLS");
}

/* Offered, then refused (an injected error): said as it happened. */
static void
test_starttls_refused (void)
{
  assert_starttls_fails ("refuse-starttls", "refused STARTTLS");
}

/* A server that speaks only TLS 1.0 or 1.1, with a trusted certificate: the
 * password stays here. TLS 1.2 from the same server passes. */
static void
test_old_tls (void)
{
  const char *versions[] = {"TLS1.0", "TLS1.1", "TLS1.2"};
  g_autofree char *scenario = test_scenario ("gmail");

  for (guint v = 0; v < G_N_ELEMENTS (versions); v++) {
    g_autofree char *priority = g_strconcat ("NORMAL:-VERS-ALL:+VERS-", versions[v], NULL);
    g_autofree char *named = g_strdup_printf ("TLS %s", versions[v] + 3);
    g_autoptr (TestServer) server = test_server_start_with_priority (scenario, "server", priority);

    for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
      g_autoptr (ApppassLoginResult) result =
          check (server, &routes[r], TEST_GOOD_PASSWORD, "ca", 0);

      g_test_message ("%s on %s: %s", versions[v], routes[r].service,
                      result->error ? result->error->message : "accepted");
      if (v == 2) {
        g_assert_no_error (result->error);
        continue;
      }
      g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_FAILED);
      g_assert_error (result->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
      g_assert_nonnull (strstr (result->error->message, named));
      g_assert_false (result->password_sent);
    }
    assert_logins (server, v == 2 ? "imap:matched imap:matched pop3:matched pop3:matched "
                                    "smtp:matched smtp:matched"
                                  : "");
  }
}

/* The command says it, in the user's language, and exits 4 (not sent). */
static void
test_old_tls_cli (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server =
      test_server_start_with_priority (scenario, "server", "NORMAL:-VERS-ALL:+VERS-TLS1.1");
  g_autofree char *port = g_strdup_printf ("%u", test_server_port (server, "imaps"));
  g_autofree char *ca = test_cert_path ("ca");
  g_autofree char *dir = g_strconcat ("APPPASS_LOCALEDIR=", test_locale_dir (), NULL);
  const char *argv[] = {"verify", "--protocol", "imap",          "--host",    "127.0.0.1", "--port",
                        port,     "--user",     "ann@gmail.com", "--ca-file", ca,          NULL};
  /* The language comes from LC_ALL: glibc 2.41 (Debian 13) ignores LANGUAGE
   * when the locale is C.UTF-8. */
  const struct {
    const char *locale, *needle;
  } cases[] = {{"LC_ALL=C.UTF-8", "offered only an old version of TLS (TLS 1.1)"},
               {"LC_ALL=nl_NL.UTF-8", "bood alleen een oude TLS-versie aan (TLS 1.1)"},
               {"LC_ALL=lv_LV.UTF-8", "piedāvāja tikai vecu TLS versiju (TLS 1.1)"}};

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const char *env[] = {dir, "LANGUAGE", "LC_MESSAGES", "LANG", cases[i].locale, NULL};
    g_autoptr (GBytes) input = g_bytes_new_static (TEST_GOOD_PASSWORD, strlen (TEST_GOOD_PASSWORD));
    g_autoptr (TestRun) run = test_run_cli (argv, input, env);

    g_test_message ("%s: %d %s", cases[i].locale, run->status, run->err);
    g_assert_cmpint (run->status, ==, 4);
    g_assert_nonnull (strstr (run->err, cases[i].needle));
  }
  assert_logins (server, "");
}

/* A scenario that accepts @password, with IMAP's @capability and LOGINDISABLED
 * or not, and SMTP offering only @smtp_mechanisms (or Gmail's with %NULL). */
static char *
scenario_for_password (const char *password, const char *capability, gboolean login_disabled,
                       const char *smtp_mechanisms)
{
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, password, -1);

  return gmail_with ("scenario", "password-sha256", sha, "imap", "capability", capability, "imap",
                     "login-disabled", login_disabled ? "true" : "false",
                     smtp_mechanisms ? "smtp" : NULL, "mechanisms", smtp_mechanisms, NULL);
}

/* UTF-8 goes to IMAP as a literal (the test server, like RFC 3501, refuses
 * 8-bit quoted strings), with or without LITERAL+; quotes and backslashes
 * are escaped; AUTHENTICATE PLAIN with and without SASL-IR; POP3 and SMTP
 * take the bytes as they are. */
static void
test_password_characters (void)
{
  const char *passwords[] = {"Pāroļu-vārds✓9ü", "ab\"cd\\ef{3}", "ĀĒĪŪ"};
  const struct {
    const char *capability;
    gboolean login_disabled;
  } servers[] = {
      {"IMAP4rev1 AUTH=PLAIN", FALSE},
      {"IMAP4rev1 LITERAL+ AUTH=PLAIN", FALSE},
      {"IMAP4rev1 AUTH=PLAIN SASL-IR", TRUE},
      {"IMAP4rev1 AUTH=PLAIN", TRUE},
  };

  for (guint p = 0; p < G_N_ELEMENTS (passwords); p++) {
    for (guint v = 0; v < G_N_ELEMENTS (servers); v++) {
      g_autofree char *scenario = scenario_for_password (passwords[p], servers[v].capability,
                                                         servers[v].login_disabled, NULL);
      g_autoptr (TestServer) server = test_server_start (scenario, "server");

      for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
        g_autoptr (ApppassLoginResult) result = NULL;

        if (v > 0 && routes[r].protocol != APPPASS_PROTOCOL_IMAP)
          continue;
        result = check (server, &routes[r], passwords[p], "ca", 0);
        g_test_message ("password %u, server %u, %s: %s", p, v, routes[r].service,
                        result->error ? result->error->message : "accepted");
        g_assert_no_error (result->error);
        g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
      }
      assert_logins (server, v > 0 ? "imap:matched imap:matched"
                                   : "imap:matched imap:matched pop3:matched pop3:matched "
                                     "smtp:matched smtp:matched");
    }
  }
}

/* `--host h:p`: GIO connects to p, and the message names p, not the default. */
static void
test_host_with_port (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autofree char *pem = test_cert_pem ("ca");
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", test_server_port (server, "imaps"));
  ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP, "127.0.0.1:1", 0,    APPPASS_SECURITY_TLS,
                                 "ann@gmail.com",       NULL,          NULL, 5000};
  g_autoptr (ApppassLoginResult) refused =
      apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);
  g_autoptr (ApppassLoginResult) accepted = NULL;

  g_test_message ("%s", refused->error->message);
  g_assert_error (refused->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
  g_assert_nonnull (strstr (refused->error->message, "on port 1."));
  /* The certificate is checked against the host, without the port. */
  options.host = host;
  options.trusted_pem = pem;
  accepted = apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);
  g_assert_no_error (accepted->error);
  g_assert_cmpint (accepted->outcome, ==, APPPASS_LOGIN_ACCEPTED);
}

/* A CA file with several certificates: each one is trusted, not the first alone. */
static void
test_several_anchors (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autofree char *other = test_cert_pem ("other-ca");
  g_autofree char *ca = test_cert_pem ("ca");
  g_autofree char *self = test_cert_pem ("self-signed");
  struct {
    const char *cert;
    char *pem;
  } cases[] = {
      {"server", g_strconcat (other, ca, NULL)},
      {"server", g_strconcat (other, self, ca, NULL)},
      {"self-signed", g_strconcat (ca, other, self, NULL)},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (TestServer) server = test_server_start (scenario, cases[i].cert);

    for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
      ApppassLoginOptions options = route_options (server, &routes[r], cases[i].pem, NULL);
      g_autoptr (ApppassLoginResult) result =
          apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);

      g_test_message ("case %u on %s: %s", i, routes[r].service,
                      result->error ? result->error->message : "accepted");
      g_assert_no_error (result->error);
    }
    g_free (cases[i].pem);
  }
}

/* A file whose second certificate is cut short, or that holds none: a clear
 * error, and no password sent. */
static void
test_bad_anchors (void)
{
  g_autofree char *ca = test_cert_pem ("ca");
  g_autofree char *other = test_cert_pem ("other-ca");
  g_autofree char *half = g_strndup (other, strlen (other) / 2);
  g_autofree char *cut = g_strconcat (ca, half, NULL);
  const char *files[] = {cut, "not a certificate\n", ""};

  for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
    ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP, "127.0.0.1", 1,    APPPASS_SECURITY_TLS,
                                   "ann@gmail.com",       files[i],    NULL, 5000};
    g_autoptr (ApppassLoginResult) result =
        apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);

    g_test_message ("file %u: %s", i, result->error->message);
    g_assert_error (result->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
    g_assert_nonnull (strstr (result->error->message, "could not be read"));
    g_assert_false (result->password_sent);
  }
}

/* Servers that misbehave end in a clear failure within the timeout. */
static void
test_misbehaving_servers (void)
{
  const char *modes[] = {"silent",  "close-after-greeting", "close-mid-login", "huge-line", "slow",
                         "endless", "half-reply",           "half-reply-close"};
  /* What the person is told for each (after a 1 MiB line, SMTP's reader
   * gives up and the server hangs up: either is said). An endless reply ends
   * at the size limit, or at the deadline where it comes slower than that. */
  const char *told[] = {"did not answer",
                        "closed the connection",
                        "closed the connection",
                        "could not be understood|closed the connection",
                        "did not answer",
                        "far more than a login needs|did not answer|could not be understood",
                        "did not answer",
                        "closed the connection|could not be understood|rejected the password"};

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++) {
    g_autofree char *scenario = scenario_with_mode (modes[m]);
    g_autoptr (TestServer) server = test_server_start (scenario, "server");

    for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (ApppassLoginResult) result =
          check (server, &routes[r], TEST_GOOD_PASSWORD, "ca", 1500);
      gint64 elapsed_ms = (g_get_monotonic_time () - start) / 1000;

      g_test_message ("%s on %s: %s (%" G_GINT64_FORMAT " ms)", modes[m], routes[r].service,
                      result->error ? result->error->message : "-", elapsed_ms);
      g_assert_cmpint (result->outcome, !=, APPPASS_LOGIN_ACCEPTED);
      g_assert_nonnull (result->error);
      g_assert_true (g_utf8_validate (result->error->message, -1, NULL));
      g_assert_true (g_regex_match_simple (told[m], result->error->message, 0, 0));
      /* Bounded by the deadline, with room for a loaded machine; never a hang. */
      g_assert_cmpint (elapsed_ms, <, 1500 + 5000);
      /* Silent, or gone after the greeting: the password never left. */
      if (m < 2)
        g_assert_false (result->password_sent);
    }
    if (m < 2)
      assert_logins (server, "");
  }
}

static void
test_non_utf8_answer (void)
{
  g_autofree char *scenario = scenario_with_mode ("non-utf8");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autoptr (ApppassLoginResult) r = check (server, &routes[0], TEST_BAD_PASSWORD, "ca", 0);

  g_assert_cmpint (r->outcome, !=, APPPASS_LOGIN_ACCEPTED);
  if (r->server_text)
    g_assert_true (g_utf8_validate (r->server_text, -1, NULL));
}

/* (A name that does not resolve is not tested: asking DNS would leave this machine.) */
static void
test_refused (void)
{
  ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP, "127.0.0.1", 1,    APPPASS_SECURITY_TLS,
                                 "ann@gmail.com",       NULL,        NULL, 5000};
  g_autoptr (ApppassLoginResult) refused =
      apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);

  g_assert_error (refused->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
  g_assert_nonnull (strstr (refused->error->message, "refused"));
  g_assert_false (refused->password_sent);
}

typedef struct {
  GMainLoop *loop;
  ApppassLoginResult *result;
  /* apppass_login_check_finish() unless set */
  ApppassLoginResult *(*finish) (GAsyncResult *result);
} AsyncWait;

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncWait *wait = data;

  (void)source;
  wait->result = (wait->finish ? wait->finish : apppass_login_check_finish) (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
cancel_now (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* The async API: accepted against a good server; cancel really cancels a stuck check. */
static void
test_async_and_cancel (void)
{
  g_autofree char *good_scenario = test_scenario ("gmail");
  g_autofree char *silent_scenario = scenario_with_mode ("silent");
  g_autoptr (TestServer) good = test_server_start (good_scenario, "server");
  g_autoptr (TestServer) silent = test_server_start (silent_scenario, "server");
  g_autofree char *pem = test_cert_pem ("ca");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AsyncWait wait = {g_main_loop_new (NULL, FALSE), NULL, NULL};
  ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP,
                                 "127.0.0.1",
                                 test_server_port (good, "imaps"),
                                 APPPASS_SECURITY_TLS,
                                 "ann@gmail.com",
                                 pem,
                                 NULL,
                                 10000};
  gint64 start;

  apppass_login_check (&options, TEST_GOOD_PASSWORD, NULL, on_checked, &wait);
  g_main_loop_run (wait.loop);
  g_assert_cmpint (wait.result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
  g_clear_pointer (&wait.result, apppass_login_result_free);

  options.port = test_server_port (silent, "imaps");
  options.timeout_ms = 60000;
  start = g_get_monotonic_time ();
  apppass_login_check (&options, TEST_GOOD_PASSWORD, cancellable, on_checked, &wait);
  g_timeout_add (200, cancel_now, cancellable);
  g_main_loop_run (wait.loop);
  g_assert_error (wait.result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 5000);
  g_clear_pointer (&wait.result, apppass_login_result_free);
  g_main_loop_unref (wait.loop);
}

/* ---- a resolver that never answers: DNS must end at the deadline or cancel ---- */

typedef GResolver StuckResolver;
typedef GResolverClass StuckResolverClass;
GType stuck_resolver_get_type (void);
G_DEFINE_TYPE (StuckResolver, stuck_resolver, G_TYPE_RESOLVER)

static GList *
stuck_lookup (GResolver *resolver, const char *host, GResolverNameLookupFlags flags,
              GCancellable *cancellable, GError **error)
{
  (void)resolver, (void)host, (void)flags;
  while (!g_cancellable_is_cancelled (cancellable))
    g_usleep (10 * 1000);
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static GList *
stuck_lookup_plain (GResolver *resolver, const char *host, GCancellable *cancellable,
                    GError **error)
{
  return stuck_lookup (resolver, host, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, cancellable, error);
}

static void
stuck_resolver_class_init (StuckResolverClass *klass)
{
  klass->lookup_by_name = stuck_lookup_plain;
  klass->lookup_by_name_with_flags = stuck_lookup;
}

static void
stuck_resolver_init (StuckResolver *resolver)
{
  (void)resolver;
}

/* (No real DNS server is asked: the name goes to a resolver of the test's.) */
static void
test_dns_deadline_and_cancel (void)
{
  g_autoptr (GResolver) saved = g_resolver_get_default ();
  g_autoptr (GResolver) stuck = g_object_new (stuck_resolver_get_type (), NULL);
  ApppassLoginOptions options = {APPPASS_PROTOCOL_IMAP,
                                 "imap.stuck.test",
                                 993,
                                 APPPASS_SECURITY_TLS,
                                 "ann@gmail.com",
                                 NULL,
                                 NULL,
                                 1000};
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AsyncWait wait = {g_main_loop_new (NULL, FALSE), NULL, NULL};
  g_autoptr (ApppassLoginResult) timed_out = NULL;
  gint64 start = g_get_monotonic_time ();

  g_resolver_set_default (stuck);
  timed_out = apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);
  g_assert_error (timed_out->error, APPPASS_ERROR, APPPASS_ERROR_NOT_SENT);
  g_assert_nonnull (strstr (timed_out->error->message, "did not answer"));
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 1000 + 5000);
  options.timeout_ms = 60000;
  apppass_login_check (&options, TEST_GOOD_PASSWORD, cancellable, on_checked, &wait);
  g_timeout_add (200, cancel_now, cancellable);
  g_main_loop_run (wait.loop);
  g_assert_error (wait.result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_pointer (&wait.result, apppass_login_result_free);
  g_main_loop_unref (wait.loop);
  g_resolver_set_default (saved);
}

/* ---- a proxy resolver that says which address it was asked about ---------- */

typedef struct {
  GObject parent_instance;
  char *asked;
} RecordingResolver;
typedef GObjectClass RecordingResolverClass;
static void recording_resolver_iface_init (GProxyResolverInterface *iface);
GType recording_resolver_get_type (void);
G_DEFINE_TYPE_WITH_CODE (RecordingResolver, recording_resolver, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                recording_resolver_iface_init))

static char **
recording_lookup (GProxyResolver *resolver, const char *uri, GCancellable *cancellable,
                  GError **error)
{
  RecordingResolver *self = (RecordingResolver *)resolver;

  (void)cancellable, (void)error;
  g_free (self->asked);
  self->asked = g_strdup (uri);
  return g_strdupv ((char *[]){"direct://", NULL});
}

static void
recording_lookup_async (GProxyResolver *resolver, const char *uri, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer data)
{
  g_autoptr (GTask) task = g_task_new (resolver, cancellable, callback, data);

  g_task_return_pointer (task, recording_lookup (resolver, uri, cancellable, NULL),
                         (GDestroyNotify)g_strfreev);
}

static char **
recording_lookup_finish (GProxyResolver *resolver, GAsyncResult *result, GError **error)
{
  (void)resolver;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
recording_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->lookup = recording_lookup;
  iface->lookup_async = recording_lookup_async;
  iface->lookup_finish = recording_lookup_finish;
}

static void
recording_resolver_finalize (GObject *object)
{
  g_free (((RecordingResolver *)object)->asked);
  G_OBJECT_CLASS (recording_resolver_parent_class)->finalize (object);
}

static void
recording_resolver_class_init (RecordingResolverClass *klass)
{
  klass->finalize = recording_resolver_finalize;
}

static void
recording_resolver_init (RecordingResolver *self)
{
  (void)self;
}

/* Through the helper, as the mail clients check: the account's proxy is
 * asked about the host and the port in "host:port", not the default port. */
static void
test_host_with_port_isolated (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autofree char *pem = test_cert_pem ("ca");
  guint16 port = test_server_port (server, "imaps");
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *expected = g_strdup_printf ("imap://127.0.0.1:%u", port);
  RecordingResolver *resolver = g_object_new (recording_resolver_get_type (), NULL);
  ApppassLoginOptions options = {
      APPPASS_PROTOCOL_IMAP,       host, 0, APPPASS_SECURITY_TLS, "ann@gmail.com", pem,
      G_PROXY_RESOLVER (resolver), 10000};
  AsyncWait wait = {g_main_loop_new (NULL, FALSE), NULL, apppass_login_check_isolated_finish};

  apppass_login_check_isolated (&options, TEST_GOOD_PASSWORD, NULL, on_checked, &wait);
  g_main_loop_run (wait.loop);
  g_assert_cmpstr (resolver->asked, ==, expected);
  g_assert_no_error (wait.result->error);
  g_assert_cmpint (wait.result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
  g_clear_pointer (&wait.result, apppass_login_result_free);
  g_main_loop_unref (wait.loop);
  g_object_unref (resolver);
}

/* ---- a SOCKS5 proxy on loopback: the account's proxy is used -------------- */

static gint proxied;

static void
splice_done (GObject *source, GAsyncResult *result, gpointer loop)
{
  (void)source;
  g_io_stream_splice_finish (result, NULL);
  g_main_loop_quit (loop);
}

static gboolean
read_exact (GInputStream *in, guint8 *buffer, gsize length)
{
  gsize got = 0;

  return g_input_stream_read_all (in, buffer, length, &got, NULL, NULL) && got == length;
}

/* Relays @a and @b until either closes, in this thread. */
static void
splice_here (GIOStream *a, GIOStream *b)
{
  GMainContext *context = g_main_context_new ();
  GMainLoop *loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  g_io_stream_splice_async (a, b, G_IO_STREAM_SPLICE_NONE, G_PRIORITY_DEFAULT, NULL, splice_done,
                            loop);
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (context);
  g_main_loop_unref (loop);
  g_main_context_unref (context);
}

/* RFC 1928 without authentication: CONNECT to an IPv4 address or a name. */
static gboolean
socks_serve (GThreadedSocketService *service, GSocketConnection *connection, GObject *source,
             gpointer data)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint8 head[4], methods[255], addr[256], port[2], reply[10] = {5, 0, 0, 1};
  g_autofree char *host = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) target = NULL;

  (void)service, (void)source, (void)data;
  if (!read_exact (in, head, 2) || !read_exact (in, methods, head[1]) ||
      !g_output_stream_write_all (out, "\x05\x00", 2, NULL, NULL, NULL) ||
      !read_exact (in, head, 4))
    return TRUE;
  if (head[3] == 1 && read_exact (in, addr, 4))
    host = g_strdup_printf ("%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
  else if (head[3] == 3 && read_exact (in, addr, 1) && read_exact (in, addr + 1, addr[0]))
    host = g_strndup ((char *)addr + 1, addr[0]);
  if (host == NULL || !read_exact (in, port, 2))
    return TRUE;
  g_socket_client_set_enable_proxy (client, FALSE);
  target =
      g_socket_client_connect_to_host (client, host, (guint16)(port[0] << 8 | port[1]), NULL, NULL);
  reply[1] = target ? 0 : 5;
  if (!g_output_stream_write_all (out, reply, sizeof reply, NULL, NULL, NULL) || !target)
    return TRUE;
  g_atomic_int_inc (&proxied);
  splice_here (G_IO_STREAM (connection), G_IO_STREAM (target));
  return TRUE;
}

static guint16
start_socks (GSocketService *socks)
{
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (socks), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (socks, "run", G_CALLBACK (socks_serve), NULL);
  g_socket_service_start (socks);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Every route through the proxy; the async API keeps the main loop turning,
 * which the proxy's listener needs. */
static void
test_proxy (void)
{
  g_autofree char *scenario = test_scenario ("gmail");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autoptr (GSocketService) socks = g_threaded_socket_service_new (8);
  g_autofree char *uri = g_strdup_printf ("socks5://127.0.0.1:%u", start_socks (socks));
  g_autoptr (GProxyResolver) resolver = g_simple_proxy_resolver_new (uri, NULL);
  g_autofree char *pem = test_cert_pem ("ca");
  AsyncWait wait = {g_main_loop_new (NULL, FALSE), NULL, NULL};

  for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
    ApppassLoginOptions options = route_options (server, &routes[r], pem, resolver);

    apppass_login_check (&options, TEST_GOOD_PASSWORD, NULL, on_checked, &wait);
    g_main_loop_run (wait.loop);
    g_test_message ("%s: %s", routes[r].service,
                    wait.result->error ? wait.result->error->message : "accepted");
    g_assert_cmpint (wait.result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
    g_clear_pointer (&wait.result, apppass_login_result_free);
  }
  /* Every check went through the proxy. */
  g_assert_cmpint (g_atomic_int_get (&proxied), ==, G_N_ELEMENTS (routes));
  g_socket_service_stop (socks);
  g_main_loop_unref (wait.loop);
}

/* AUTHENTICATE PLAIN where LOGIN is disabled, AUTH LOGIN where PLAIN is not
 * offered, and plain text where (and only where) the account says "none". */
static void
test_mechanisms_and_plain_text (void)
{
  g_autofree char *scenario = gmail_with ("imap", "login-disabled", "true", "smtp", "mechanisms",
                                          "LOGIN", "smtp", "plain-auth", "true", NULL);
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  const Route plain[] = {{APPPASS_PROTOCOL_IMAP, APPPASS_SECURITY_NONE, "imap"},
                         {APPPASS_PROTOCOL_POP3, APPPASS_SECURITY_NONE, "pop3"},
                         {APPPASS_PROTOCOL_SMTP, APPPASS_SECURITY_NONE, "smtp"}};
  g_autofree char *record = NULL;

  for (guint r = 0; r < G_N_ELEMENTS (routes); r += 2) {
    g_autoptr (ApppassLoginResult) result = check (server, &routes[r], TEST_GOOD_PASSWORD, "ca", 0);

    g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
  }
  for (guint r = 0; r < G_N_ELEMENTS (plain); r++) {
    g_autoptr (ApppassLoginResult) result = check (server, &plain[r], TEST_GOOD_PASSWORD, NULL, 0);

    g_test_message ("%s: %s", plain[r].service, result->error ? result->error->message : "ok");
    g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
  }
  record = test_server_record (server);
  g_assert_nonnull (strstr (record, "\"mechanism\":\"AUTHENTICATE PLAIN\""));
  g_assert_nonnull (strstr (record, "\"mechanism\":\"AUTH LOGIN\""));
  g_assert_null (strstr (record, "\"mechanism\":\"LOGIN\""));
  g_assert_nonnull (strstr (record, "\"tls\":false,\"matched\":true"));
}

/* A TAB in the EHLO reply's AUTH line once sent libetpan's parser into an
 * endless loop that no deadline could stop (found by fuzz-login-reply). The
 * check runs in a child that is killed if it does not end; the server lives
 * here, so that the child leaves nothing behind. */
static void
test_ehlo_tab_child (void)
{
  ApppassLoginOptions options = {APPPASS_PROTOCOL_SMTP,
                                 "127.0.0.1",
                                 (guint16)atoi (g_getenv ("APPPASS_TEST_PORT")),
                                 APPPASS_SECURITY_TLS,
                                 "ann@gmail.com",
                                 g_getenv ("APPPASS_TEST_PEM"),
                                 NULL,
                                 5000};
  g_autoptr (ApppassLoginResult) result =
      apppass_login_check_sync (&options, TEST_GOOD_PASSWORD, NULL);

  g_assert_no_error (result->error);
  g_assert_cmpint (result->outcome, ==, APPPASS_LOGIN_ACCEPTED);
}

static void
test_ehlo_tab (void)
{
  g_autofree char *base = test_scenario ("gmail");
  g_autofree char *scenario = g_strconcat (base, "\n[smtp]\nmechanisms=PLAIN\\tLOGIN\n", NULL);
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autofree char *port = g_strdup_printf ("%u", test_server_port (server, "smtps"));
  g_autofree char *pem = test_cert_pem ("ca");

  g_setenv ("APPPASS_TEST_PORT", port, TRUE);
  g_setenv ("APPPASS_TEST_PEM", pem, TRUE);
  g_test_trap_subprocess ("/login/ehlo-tab/subprocess", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  assert_logins (server, "smtp:matched");
}

#ifndef __SANITIZE_ADDRESS__
/* ---- what a process holding a password leaves in its memory ---------------- */

#define SCAN_PASSWORD "Qx7-memscan-Zr4w9Kp2"

static guint
count_in (const char *data, gsize length, const char *needle)
{
  gsize n = strlen (needle);
  guint found = 0;

  for (const char *p = data; (p = memmem (p, length - (gsize)(p - data), needle, n)) != NULL;
       p += n)
    found++;
  return found;
}

/* The password as it was given, in base64 (AUTH LOGIN) and inside SASL
 * PLAIN's base64 "\0user\0password". */
static guint
count_password (const char *core, gsize length, const char *user, const char *password)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *)password, strlen (password));
  g_autofree char *plain_raw = g_strdup_printf ("_%s_%s", user, password);
  g_autofree char *plain = NULL;
  guint plain_count, b64_count, sasl_count;

  plain_raw[0] = '\0';
  plain_raw[1 + strlen (user)] = '\0';
  plain = g_base64_encode ((const guchar *)plain_raw, strlen (user) + strlen (password) + 2);
  plain_count = count_in (core, length, password);
  b64_count = count_in (core, length, b64);
  sasl_count = count_in (core, length, plain);
  g_test_message ("copies: plain %u, base64 %u, SASL PLAIN %u", plain_count, b64_count, sasl_count);
  return plain_count + b64_count + sasl_count;
}

/* Runs @argv under gdb with @input on its standard input, stops it where it
 * calls exit(), and writes its core to @core; returns what gdb printed. (As
 * root: no one else may attach to a process that made itself non-dumpable,
 * which is the point.) */
static char *
run_to_exit_under_gdb (const char *const *argv, GBytes *input, const char *core)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) args = NULL;
  g_autofree char *gcore = g_strdup_printf ("gcore %s", core);
  g_autoptr (GSubprocess) gdb = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GError) error = NULL;
  const char *const commands[] = {
      "set startup-with-shell off", "set breakpoint pending on", "break exit", "run", gcore, "kill",
  };

  g_strv_builder_add_many (builder, "gdb", "-batch", "-nx", "-q", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_strv_builder_add_many (builder, "-ex", commands[i], NULL);
  g_strv_builder_add (builder, "--args");
  g_strv_builder_addv (builder, (const char **)argv);
  args = g_strv_builder_end (builder);
  gdb = g_subprocess_newv ((const char *const *)args,
                           G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_MERGE,
                           &error);
  g_assert_no_error (error);
  g_subprocess_communicate (gdb, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

/* How many copies of the password the program's memory holds when it ends. */
static guint
copies_at_exit (const char *const *argv, GBytes *input, const char *user, const char *password)
{
  g_autofree char *dir = g_dir_make_tmp ("apppass-core-XXXXXX", NULL);
  g_autofree char *core = g_build_filename (dir, "core", NULL);
  g_autofree char *said = run_to_exit_under_gdb (argv, input, core);
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (core, FALSE, NULL);
  guint copies;

  g_test_message ("%s", said);
  g_assert_nonnull (mapped);
  copies = count_password (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                           user, password);
  g_clear_pointer (&mapped, g_mapped_file_unref);
  /* The core holds whatever the process held: gone at once. */
  g_unlink (core);
  g_rmdir (dir);
  return copies;
}

static void
drop_to_nobody (gpointer data)
{
  (void)data;
  if (geteuid () == 0 && (setgroups (0, NULL) != 0 || setresgid (65534, 65534, 65534) != 0 ||
                          setresuid (65534, 65534, 65534) != 0))
    _exit (127);
}

/* Started as an ordinary user and left waiting for its password on standard
 * input: it must have made itself non-dumpable (the kernel then gives its
 * /proc/PID files to root, so that processes of its user can neither read its
 * memory nor attach to it) and set its core file size to 0. */
/* A copy of @program that nobody may run: the build tree may be where only
 * its owner gets in (/root/…, as in the Debian 13 root). */
static char *
copy_for_nobody (const char *program, char **dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) from = g_file_new_for_path (program);
  g_autofree char *base = g_path_get_basename (program);
  char *copy;
  g_autoptr (GFile) to = NULL;

  *dir = g_dir_make_tmp ("apppass-nobody-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (*dir, 0755), ==, 0);
  copy = g_build_filename (*dir, base, NULL);
  to = g_file_new_for_path (copy);
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (copy, 0755), ==, 0);
  return copy;
}

static void
assert_protected_while_waiting (const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL, *limits_path = NULL, *limits = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *program = copy_for_nobody (argv[0], &dir);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  GStatBuf st = {0};

  g_ptr_array_add (args, program);
  for (guint i = 1; argv[i]; i++)
    g_ptr_array_add (args, (gpointer)argv[i]);
  g_ptr_array_add (args, NULL);
  g_subprocess_launcher_set_child_setup (launcher, drop_to_nobody, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *)args->pdata, &error);
  g_assert_no_error (error);
  status = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  limits_path = g_strdup_printf ("/proc/%s/limits", g_subprocess_get_identifier (process));
  /* Until it has come that far: at once, unless the machine is loaded. */
  for (guint i = 0; i < 1000 && g_stat (status, &st) == 0 && st.st_uid != 0; i++)
    g_usleep (10 * 1000);
  g_assert_true (g_file_get_contents (limits_path, &limits, NULL, NULL));
  g_test_message ("%s: /proc owner %u\n%s", argv[0], (guint)st.st_uid, limits);
  g_assert_cmpuint (st.st_uid, ==, 0);
  g_assert_true (g_regex_match_simple ("^Max core file size +0 ", limits, G_REGEX_MULTILINE, 0));
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_unlink (program);
  g_rmdir (dir);
}

/* The helper's request: a key file, a NUL, the password (apppass-login-process.c). */
static GBytes *
helper_request (TestServer *server, const Route *route, const char *password)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autofree char *pem = test_cert_pem ("ca");
  g_autofree char *text = NULL;
  GByteArray *request = g_byte_array_new ();
  gsize length;

  g_key_file_set_string (keys, "request", "protocol", apppass_protocol_to_string (route->protocol));
  g_key_file_set_string (keys, "request", "host", "127.0.0.1");
  g_key_file_set_integer (keys, "request", "port", test_server_port (server, route->service));
  g_key_file_set_string (keys, "request", "security", apppass_security_to_string (route->security));
  g_key_file_set_string (keys, "request", "user", "ann@gmail.com");
  g_key_file_set_integer (keys, "request", "timeout", 10000);
  g_key_file_set_string (keys, "request", "trusted-pem", pem);
  text = g_key_file_to_data (keys, &length, NULL);
  g_byte_array_append (request, (const guint8 *)text, length + 1);
  g_byte_array_append (request, (const guint8 *)password, strlen (password));
  return g_byte_array_free_to_bytes (request);
}

/* The login helper, on every route and mechanism, accepted and refused: at
 * its exit no copy of the password, plain or base64, is left in memory
 * (libetpan's write buffer, Cyrus SASL's and the PASS line on libetpan's
 * stack each kept one), and it could not have been dumped or read. */
static void
test_helper_memory (void)
{
  const char *helper = g_getenv ("APPPASS_LOGIN_HELPER");
  const char *const argv[] = {helper, NULL};
  const char *passwords[] = {SCAN_PASSWORD, "Qx7-memscan-Zr4w9Kp2-ĀŠ"};

  g_assert_nonnull (helper);
  assert_protected_while_waiting (argv);
  for (guint p = 0; p < G_N_ELEMENTS (passwords); p++) {
    for (guint login_disabled = 0; login_disabled < 2; login_disabled++) {
      /* SMTP: AUTH LOGIN the second time round. */
      g_autofree char *scenario = scenario_for_password (
          SCAN_PASSWORD, "IMAP4rev1 AUTH=PLAIN", login_disabled, login_disabled ? "LOGIN" : NULL);
      g_autoptr (TestServer) server = test_server_start (scenario, "server");
      char **logins = NULL;

      for (guint r = 0; r < G_N_ELEMENTS (routes); r++) {
        g_autoptr (GBytes) request = helper_request (server, &routes[r], passwords[p]);

        g_test_message ("password %u, variant %u, %s", p, login_disabled, routes[r].service);
        g_assert_cmpuint (copies_at_exit (argv, request, "ann@gmail.com", passwords[p]), ==, 0);
      }
      /* The first password is accepted, the second refused: both were sent. */
      g_assert_cmpuint (g_strv_length (logins = test_server_logins (server)), ==,
                        G_N_ELEMENTS (routes));
      g_clear_pointer (&logins, g_strfreev);
    }
  }
}

/* The command: non-dumpable and without core files as well. */
static void
test_cli_protected (void)
{
  g_autofree char *scenario =
      scenario_for_password (SCAN_PASSWORD, "IMAP4rev1 AUTH=PLAIN", FALSE, NULL);
  g_autoptr (TestServer) server = test_server_start (scenario, "server");
  g_autofree char *port = g_strdup_printf ("%u", test_server_port (server, "imaps"));
  g_autofree char *ca = test_cert_path ("ca");
  const char *const argv[] = {g_getenv ("APPPASS_CLI"),
                              "verify",
                              "--protocol",
                              "imap",
                              "--host",
                              "127.0.0.1",
                              "--port",
                              port,
                              "--user",
                              "ann@gmail.com",
                              "--ca-file",
                              ca,
                              NULL};
  g_autoptr (GBytes) input = g_bytes_new_static (SCAN_PASSWORD "\n", strlen (SCAN_PASSWORD) + 1);
  const char *const waiting[] = {argv[0], "normalize", NULL};

  g_assert_nonnull (argv[0]);
  assert_protected_while_waiting (waiting);
  g_assert_cmpuint (copies_at_exit (argv, input, "ann@gmail.com", SCAN_PASSWORD), ==, 0);
  assert_logins (server, "imap:matched");
}

#endif /* __SANITIZE_ADDRESS__ */

/* ---- scripted servers in memory: what tests/fuzz/fuzz-login-reply.c found -- */

/* The check against a server that says @script whatever it is asked, then hangs up. */
static ApppassLoginResult *
check_script (ApppassProtocol protocol, ApppassSecurity security, const char *script,
              guint timeout_ms)
{
  g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (script, -1, NULL);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GIOStream) io = g_simple_io_stream_new (in, out);
  ApppassLoginOptions options = {protocol,        "127.0.0.1", 0,    security,
                                 "ann@gmail.com", NULL,        NULL, timeout_ms};

  return apppass_login_check_over_stream_sync (&options, TEST_GOOD_PASSWORD, io, NULL);
}

static void
test_scripted_child (void)
{
  struct {
    ApppassProtocol protocol;
    const char *script;
    ApppassLoginOutcome outcome;
  } cases[] = {
      /* OK to CAPABILITY without a capability list: libetpan crashed */
      {APPPASS_PROTOCOL_IMAP, "* OK hi\r\n1 OK CAPABILITY done\r\n2 OK LOGIN done\r\n",
       APPPASS_LOGIN_ACCEPTED},
      {APPPASS_PROTOCOL_IMAP, "* OK hi\r\n1 OK CAPABILITY done\r\n2 NO [ALERT] go away\r\n",
       APPPASS_LOGIN_REJECTED},
      /* [ALERT] or [PARSE] with only blanks after it: libetpan copied no text, and crashed */
      {APPPASS_PROTOCOL_IMAP, "* OK hi\r\n1 OK [PARSE] \r\n2 NO [ALERT]\r\n",
       APPPASS_LOGIN_REJECTED},
      {APPPASS_PROTOCOL_IMAP, "* OK hi\r\n1 OK x\r\n2 NO [alert]  \t \n", APPPASS_LOGIN_REJECTED},
      {APPPASS_PROTOCOL_IMAP, "* OK hi\r\n1 OK x\r\n2 NO [ALERT]", APPPASS_LOGIN_REJECTED},
      {APPPASS_PROTOCOL_IMAP, "* OK hi\r\n1 OK x\r\n* NO [ALERT]\r\n2 NO [ALERT] x\r\n",
       APPPASS_LOGIN_REJECTED},
      /* a TAB in the AUTH line: libetpan looped for ever */
      {APPPASS_PROTOCOL_SMTP,
       "220 hi\r\n250-x\r\n250-AUTH PLAIN\tLOGIN\r\n250 OK\r\n535 5.7.8 no\r\n",
       APPPASS_LOGIN_REJECTED},
      {APPPASS_PROTOCOL_SMTP, "220 hi\r\n250-x\r\n250-AUTH\tFOO\r\n250 OK\r\n",
       APPPASS_LOGIN_FAILED},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (ApppassLoginResult) r =
        check_script (cases[i].protocol, APPPASS_SECURITY_NONE, cases[i].script, 5000);

    g_test_message ("case %u: %s", i, r->error ? r->error->message : "accepted");
    g_assert_cmpint (r->outcome, ==, cases[i].outcome);
  }
  /* STLS refused, and a CAPA list the server never ends: libetpan's
   * mailpop3_capa() read empty lines at the end for ever, growing its list
   * until memory ran out or the deadline came (found by fuzz-login-reply).
   * The end of the connection is the answer, not the deadline. */
  for (guint i = 0; i < 2; i++) {
    g_autoptr (ApppassLoginResult) r = check_script (
        APPPASS_PROTOCOL_POP3, APPPASS_SECURITY_STARTTLS,
        i ? "+OK hi\r\n-ERR no\r\n+OK\r\nSTLS\r\n" : "+OK hi\r\n-ERR no\r\n+OK\r\n", 2000);

    g_test_message ("CAPA cut short %u: %s", i, r->error->message);
    g_assert_cmpint (r->outcome, ==, APPPASS_LOGIN_FAILED);
    g_assert_nonnull (strstr (r->error->message, "closed the connection"));
    g_assert_false (r->password_sent);
  }
}

/* In a child: a hang is a failure there, not a stuck test. */
static void
test_scripted (void)
{
  g_test_trap_subprocess ("/login/scripted/subprocess", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A hostile answer: the server's text is kept as sent, for the diagnosis,
 * but the error message built from it holds only display-safe text. */
static void
test_hostile_answer_message (void)
{
  g_autofree char *scenario = test_scenario ("hostile-title");
  g_autoptr (TestServer) server = test_server_start (scenario, "server");

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    g_autoptr (ApppassLoginResult) r = NULL;

    if (routes[i].security != APPPASS_SECURITY_TLS)
      continue;
    r = check (server, &routes[i], TEST_BAD_PASSWORD, "ca", 0);
    g_test_message ("%s: %s", routes[i].service, r->error->message);
    g_assert_cmpint (r->outcome, ==, APPPASS_LOGIN_REJECTED);
    g_assert_nonnull (strchr (r->server_text, '\x1b'));
    g_assert_nonnull (strstr (r->error->message, "Login failed"));
    for (const char *p = r->error->message; *p; p++)
      g_assert_cmpint ((guchar)*p, >=, 0x20);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/login/gmail-all-routes", test_gmail_all_routes);
  g_test_add_func ("/login/other-providers", test_other_providers);
  g_test_add_func ("/login/untrusted-certificates", test_untrusted_certificates);
  g_test_add_func ("/login/accepted-self-signed", test_accepted_self_signed);
  g_test_add_func ("/login/starttls-stripped", test_starttls_stripped);
  g_test_add_func ("/login/starttls-refused", test_starttls_refused);
  g_test_add_func ("/login/old-tls", test_old_tls);
  g_test_add_func ("/login/old-tls/cli", test_old_tls_cli);
  g_test_add_func ("/login/password-characters", test_password_characters);
  g_test_add_func ("/login/host-with-port", test_host_with_port);
  g_test_add_func ("/login/host-with-port/isolated", test_host_with_port_isolated);
  g_test_add_func ("/login/several-anchors", test_several_anchors);
  g_test_add_func ("/login/bad-anchors", test_bad_anchors);
#ifndef __SANITIZE_ADDRESS__
  /* A core of an AddressSanitizer build holds its 2 TiB of shadow memory:
   * these scans run in the plain build, which is the one users get. */
  g_test_add_func ("/login/helper-memory", test_helper_memory);
  g_test_add_func ("/login/cli-protected", test_cli_protected);
#endif
  g_test_add_func ("/login/misbehaving-servers", test_misbehaving_servers);
  g_test_add_func ("/login/non-utf8-answer", test_non_utf8_answer);
  g_test_add_func ("/login/hostile-answer-message", test_hostile_answer_message);
  g_test_add_func ("/login/refused", test_refused);
  g_test_add_func ("/login/async-and-cancel", test_async_and_cancel);
  g_test_add_func ("/login/dns-deadline-and-cancel", test_dns_deadline_and_cancel);
  g_test_add_func ("/login/proxy", test_proxy);
  g_test_add_func ("/login/mechanisms-and-plain-text", test_mechanisms_and_plain_text);
  g_test_add_func ("/login/ehlo-tab", test_ehlo_tab);
  g_test_add_func ("/login/ehlo-tab/subprocess", test_ehlo_tab_child);
  g_test_add_func ("/login/scripted", test_scripted);
  g_test_add_func ("/login/scripted/subprocess", test_scripted_child);
  return g_test_run ();
}
