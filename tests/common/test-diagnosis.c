/* apppass tests — the diagnosis of failed logins
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "apppass-diagnosis.h"
#include "apppass-prefilter.h"
#include "apppass-test-util.h"

static ApppassProviderDb *db;

static ApppassDiagnosis *
diagnose (ApppassProtocol protocol, const char *host, const char *user, const char *text)
{
  return apppass_diagnose (db, protocol, host, user, text, -1);
}

/* The url comes from the provider database, never from the server's text. */
static void
assert_url_from_db (const ApppassDiagnosis *d)
{
  gboolean found = FALSE;

  if (d->url == NULL)
    return;
  g_assert_nonnull (d->provider);
  for (guint page = 0; page < APPPASS_N_PAGES; page++)
    found |= g_strcmp0 (apppass_provider_get_page (d->provider, (ApppassPage)page), d->url) == 0;
  g_assert_true (found);
}

static void
test_table (void)
{
  g_autoptr (GPtrArray) answers = test_answers_load ();
  guint failures = 0;

  g_assert_cmpuint (answers->len, >=, 50);
  for (guint i = 0; i < answers->len; i++) {
    TestAnswer *a = g_ptr_array_index (answers, i);
    g_autoptr (ApppassDiagnosis) d = diagnose (a->protocol, a->host, a->user, a->text);
    const char *provider = d->provider ? apppass_provider_get_id (d->provider) : NULL;

    g_assert_cmpstr (a->source, !=, "");
    if (d->cause != a->cause || d->action != a->action || g_strcmp0 (provider, a->provider)) {
      g_test_message ("%s (%s): got %s/%s/%s, want %s/%s/%s", a->group, a->source,
                      apppass_cause_to_string (d->cause), apppass_action_to_string (d->action),
                      provider, apppass_cause_to_string (a->cause),
                      apppass_action_to_string (a->action), a->provider);
      failures++;
    }
    assert_url_from_db (d);
    g_assert_cmpstr (d->explanation, !=, "");
  }
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_table_covers (void)
{
  g_autoptr (GPtrArray) answers = test_answers_load ();
  guint causes[APPPASS_N_CAUSES] = {0}, protocols[APPPASS_N_PROTOCOLS] = {0};
  g_autoptr (GHashTable) providers = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < answers->len; i++) {
    TestAnswer *a = g_ptr_array_index (answers, i);

    causes[a->cause]++;
    protocols[a->protocol]++;
    if (a->provider)
      g_hash_table_add (providers, a->provider);
  }
  for (guint c = 0; c < APPPASS_N_CAUSES; c++)
    g_assert_cmpuint (causes[c], >, 0);
  for (guint p = 0; p < APPPASS_N_PROTOCOLS; p++)
    g_assert_cmpuint (protocols[p], >, 0);
  g_assert_cmpuint (g_hash_table_size (providers), >=, 10);
}

static void
test_gmail_alert (void)
{
  g_autoptr (ApppassDiagnosis) d =
      diagnose (APPPASS_PROTOCOL_IMAP, "imap.gmail.com", NULL,
                "* NO [ALERT] Application-specific password required: "
                "https://support.google.com/accounts/answer/185833 (Failure)\r\n"
                "A0002 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n");

  g_assert_cmpint (d->cause, ==, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_assert_cmpint (d->action, ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_cmpstr (apppass_provider_get_id (d->provider), ==, "google");
  g_assert_cmpstr (d->url, ==, "https://myaccount.google.com/apppasswords");
  g_assert_true (d->server_named_cause);
  g_assert_nonnull (strstr (d->explanation, "Google"));
}

/* A plain rejection at Google: our dialog, with the honest wording. */
static void
test_honest_variant (void)
{
  g_autoptr (ApppassDiagnosis) d =
      diagnose (APPPASS_PROTOCOL_IMAP, "imap.gmail.com", "ann@gmail.com",
                "A0002 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");

  g_assert_cmpint (d->cause, ==, APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (d->action, ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_false (d->server_named_cause);
  g_assert_nonnull (strstr (d->explanation, "may simply be wrong"));
}

static void
test_precedence (void)
{
  struct {
    const char *text;
    ApppassCause cause;
  } cases[] = {
      /* Yandex: "invalid credentials or IMAP is disabled" is access-disabled. */
      {"A1 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials or IMAP is disabled",
       APPPASS_CAUSE_ACCESS_DISABLED},
      /* App password wins over everything after it. */
      {"535 5.7.139 Authentication unsuccessful, basic authentication is disabled. Use an app "
       "password.",
       APPPASS_CAUSE_APP_PASSWORD_REQUIRED},
      {"535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
       APPPASS_CAUSE_OAUTH_REQUIRED},
      {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
       "Tenant.",
       APPPASS_CAUSE_ACCESS_DISABLED},
      {"* NO [WEBALERT https://accounts.google.com/signin/continue?x] Web login required.",
       APPPASS_CAUSE_WEB_LOGIN_REQUIRED},
      {"454 4.7.0 Too many login attempts, please try again later.", APPPASS_CAUSE_TEMPORARY},
      {"421 Service not available", APPPASS_CAUSE_TEMPORARY},
      {"535 Incorrect authentication data", APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {"a3 NO [TRYCREATE] Mailbox doesn't exist: Drafts", APPPASS_CAUSE_NOT_AUTH},
      {"", APPPASS_CAUSE_NOT_AUTH},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].text);
    g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_SMTP, cases[i].text, -1), ==,
                     cases[i].cause);
  }
}

static void
test_pop3_err (void)
{
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_POP3, "-ERR Sorry, that didn't work", -1), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_POP3, "-ERR [IN-USE] Mailbox locked", -1), ==,
                   APPPASS_CAUSE_TEMPORARY);
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_IMAP, "-ERR x", -1), ==,
                   APPPASS_CAUSE_NOT_AUTH);
}

static void
test_shapes_of_text (void)
{
  /* Mixed case, LF only, leading spaces, Chinese, invalid UTF-8 around it. */
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_IMAP,
                                     "a1 no [alert] APPLICATION-specific PASSWORD required", -1),
                   ==, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_SMTP, "250 ok\n   535 x\n", -1), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_SMTP,
                                     "535 Login Fail. Please enter your authorization code to "
                                     "login. 请使用授权码登录",
                                     -1),
                   ==, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_assert_cmpint (
      apppass_classify (APPPASS_PROTOCOL_IMAP, "\xff\xfe NO \x80 Invalid credentials \xc3", -1), ==,
      APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_IMAP,
                                     "\xd0\x9d\xd0\x95\xd0\x92\xd0\x95"
                                     "\xd0\xa0\xd0\x9d\xd0\xab\xd0\x99 \xd0\x9f\xd0\x90\xd0\xa0"
                                     "\xd0\x9e\xd0\x9b\xd0\xac",
                                     -1),
                   ==, APPPASS_CAUSE_CREDENTIALS_REJECTED); /* НЕВЕРНЫЙ ПАРОЛЬ */
  /* Embedded NUL: the text after it still counts when a length is given. */
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_IMAP, "x\0 Invalid credentials", 22), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
}

/* A hostile server's 1 MiB line: read up to the limit, no crash. */
static void
test_huge_text (void)
{
  gsize size = 1024 * 1024;
  g_autofree char *text = g_malloc (size + 1);
  g_autoptr (ApppassDiagnosis) d = NULL;

  memset (text, 'A', size);
  text[size] = '\0';
  memcpy (text + size - 40, "Application-specific password required", 38);
  d = diagnose (APPPASS_PROTOCOL_IMAP, "imap.gmail.com", NULL, text);
  /* Beyond APPPASS_DIAGNOSIS_MAX_TEXT: not read. */
  g_assert_cmpint (d->cause, ==, APPPASS_CAUSE_NOT_AUTH);
  memcpy (text + 100, "Invalid credentials", 19);
  g_clear_pointer (&d, apppass_diagnosis_free);
  d = diagnose (APPPASS_PROTOCOL_IMAP, "imap.gmail.com", NULL, text);
  g_assert_cmpint (d->cause, ==, APPPASS_CAUSE_CREDENTIALS_REJECTED);
}

static void
test_phishing_url_ignored (void)
{
  g_autoptr (ApppassDiagnosis) d =
      diagnose (APPPASS_PROTOCOL_IMAP, "imap.gmail.com", "ann@gmail.com",
                "* NO [ALERT] Application-specific password required: "
                "https://myaccount.google.com.evil.example/apppasswords (Failure)");

  g_assert_cmpstr (d->url, ==, "https://myaccount.google.com/apppasswords");
  g_assert_null (strstr (d->explanation, "evil"));
}

static void
test_actions_by_provider (void)
{
  const char *rejected = "A1 NO [AUTHENTICATIONFAILED] Authentication failed.";
  struct {
    const char *host, *user;
    ApppassAction action;
    const char *url_part;
  } cases[] = {
      {"imap.mail.yahoo.com", "bob@yahoo.com", APPPASS_ACTION_APP_PASSWORD, "yahoo"},
      {"outlook.office365.com", "ann@outlook.com", APPPASS_ACTION_OAUTH, NULL},
      {"outlook.office365.com", "cat@contoso.com", APPPASS_ACTION_OAUTH, NULL},
      {"mail.example.org", "x@example.org", APPPASS_ACTION_NONE, NULL},
      {"127.0.0.1", NULL, APPPASS_ACTION_NONE, NULL},
      {"127.0.0.1", "ann@proton.me", APPPASS_ACTION_APP_PASSWORD, NULL},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (ApppassDiagnosis) d =
        diagnose (APPPASS_PROTOCOL_IMAP, cases[i].host, cases[i].user, rejected);

    g_test_message ("%s %s", cases[i].host, cases[i].user);
    g_assert_cmpint (d->action, ==, cases[i].action);
    if (cases[i].url_part)
      g_assert_nonnull (strstr (d->url, cases[i].url_part));
    if (d->action == APPPASS_ACTION_NONE)
      g_assert_null (d->url);
  }
}

/* An unknown server that names the cause still gets the app-password action, without a page. */
static void
test_unknown_provider_named (void)
{
  g_autoptr (ApppassDiagnosis) d =
      diagnose (APPPASS_PROTOCOL_IMAP, "mail.example.org", "x@example.org",
                "A1 NO [ALERT] Application-specific password required");

  g_assert_cmpint (d->action, ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_null (d->provider);
  g_assert_null (d->url);
}

static ApppassCause
classify_refused (ApppassProtocol protocol, const char *text)
{
  return apppass_classify_in_context (protocol, text, -1, APPPASS_CONTEXT_REFUSED);
}

/* Words the table does not know, in a login the client saw refused: a
 * rejection, judged by each provider's policy; without that knowledge,
 * nothing to say. */
static void
test_refused_context (void)
{
  const char *words = "A1 NO Sorry, that did not match our records";
  struct {
    ApppassProtocol protocol;
    const char *host, *user;
    ApppassAction action;
  } cases[] = {
      {APPPASS_PROTOCOL_IMAP, "imap.fastmail.com", "eve@fastmail.com", APPPASS_ACTION_APP_PASSWORD},
      {APPPASS_PROTOCOL_IMAP, "imap.gmail.com", "ann@gmail.com", APPPASS_ACTION_APP_PASSWORD},
      {APPPASS_PROTOCOL_SMTP, "smtp.mail.yahoo.com", "bob@yahoo.com", APPPASS_ACTION_APP_PASSWORD},
      {APPPASS_PROTOCOL_IMAP, "outlook.office365.com", "cat@outlook.com", APPPASS_ACTION_OAUTH},
      {APPPASS_PROTOCOL_POP3, "mail.example.org", "dan@example.org", APPPASS_ACTION_NONE},
      {APPPASS_PROTOCOL_IMAP, "imap.comcast.net", "fay@comcast.net", APPPASS_ACTION_NONE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (ApppassDiagnosis) known = apppass_diagnose_in_context (
        db, cases[i].protocol, cases[i].host, cases[i].user, words, -1, APPPASS_CONTEXT_REFUSED);
    g_autoptr (ApppassDiagnosis) words_only =
        diagnose (cases[i].protocol, cases[i].host, cases[i].user, words);

    g_test_message ("%s", cases[i].host);
    g_assert_cmpint (known->cause, ==, APPPASS_CAUSE_CREDENTIALS_REJECTED);
    g_assert_cmpint (known->action, ==, cases[i].action);
    g_assert_false (known->server_named_cause);
    g_assert_cmpint (words_only->cause, ==, APPPASS_CAUSE_NOT_AUTH);
    g_assert_cmpint (words_only->action, ==, APPPASS_ACTION_NONE);
  }
  /* Lost words (Claws keeps only lines that may matter) are no different. */
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_IMAP, ""), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_IMAP, NULL), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
  /* What the words name still wins: the refusal had a reason. */
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_IMAP,
                                     "A1 NO [ALERT] Application-specific password required"),
                   ==, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_IMAP,
                                     "a NO [ALERT] Too many simultaneous connections. (Failure)"),
                   ==, APPPASS_CAUSE_TEMPORARY);
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_SMTP, "454 4.7.0 Sorry, come back soon"), ==,
                   APPPASS_CAUSE_TEMPORARY);
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_IMAP, "A1 NO [UNAVAILABLE] Sorry"), ==,
                   APPPASS_CAUSE_TEMPORARY);
  /* The same without its code, as Claws Mail logs it. */
  g_assert_cmpint (classify_refused (APPPASS_PROTOCOL_IMAP,
                                     "Maximum number of connections from user+IP exceeded "
                                     "(mail_max_userip_connections=16)"),
                   ==, APPPASS_CAUSE_TEMPORARY);
}

/* A code is the protocol's verdict: it decides before words of a temporary
 * problem, and a temporary code before a rejecting one. */
static void
test_codes_first (void)
{
  struct {
    ApppassProtocol protocol;
    const char *text;
    ApppassCause cause;
  } cases[] = {
      {APPPASS_PROTOCOL_IMAP, "A1 NO [AUTHENTICATIONFAILED] Too many failed attempts",
       APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_SMTP, "535 5.7.0 (#AUTH005) Too many bad auth attempts.",
       APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_SMTP, "535 Sorry, that did not match", APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_SMTP, "5.7.8 Sorry, that did not match",
       APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_POP3, "-ERR [AUTH] Too many failed logins, try again later",
       APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_IMAP, "A1 NO [AUTHORIZATIONFAILED] No", APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_SMTP, "454 4.7.0 Too many login attempts, please try again later.",
       APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_SMTP, "421 4.7.0 Closing connection", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_SMTP, "4.7.0 Come back later", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_SMTP, "535 5.7.8 Bad\r\n454 4.7.0 Busy", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_IMAP, "A1 NO [UNAVAILABLE] Authentication failed", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_IMAP, "A1 NO [INUSE] Mailbox in use", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_POP3, "-ERR [LOGIN-DELAY] Wait 15 minutes", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_POP3, "-ERR [SYS/TEMP] Invalid password", APPPASS_CAUSE_TEMPORARY},
      /* Codes are their protocol's: an IMAP line's digits and SMTP's brackets are words. */
      {APPPASS_PROTOCOL_IMAP, "535 hello", APPPASS_CAUSE_NOT_AUTH},
      {APPPASS_PROTOCOL_SMTP, "550 [AUTHENTICATIONFAILED]", APPPASS_CAUSE_CREDENTIALS_REJECTED},
      {APPPASS_PROTOCOL_SMTP, "550 [unavailable] x", APPPASS_CAUSE_TEMPORARY},
      {APPPASS_PROTOCOL_SMTP, "553 5.7.1 Sender address rejected", APPPASS_CAUSE_NOT_AUTH},
      /* Names a cause: docs/design.md's first-wins order, before any code. */
      {APPPASS_PROTOCOL_SMTP,
       "535 5.7.139 Authentication unsuccessful, basic authentication is "
       "disabled.",
       APPPASS_CAUSE_OAUTH_REQUIRED},
      {APPPASS_PROTOCOL_POP3, "-ERR [SYS/TEMP] Application-specific password required",
       APPPASS_CAUSE_APP_PASSWORD_REQUIRED},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_test_message ("%s", cases[i].text);
    g_assert_cmpint (apppass_classify (cases[i].protocol, cases[i].text, -1), ==, cases[i].cause);
    /* A code that decides is never dropped by the plugins' pre-filter. */
    if (cases[i].cause != APPPASS_CAUSE_NOT_AUTH)
      g_assert_true (apppass_prefilter_line (cases[i].text, strlen (cases[i].text)));
  }
}

/* Words about credentials near a word of failure, in any order and wording. */
static void
test_refusal_in_other_words (void)
{
  const char *refusals[] = {
      "A1 NO Wrong username or password",
      "A1 NO Password mismatch",
      "A1 NO Authentication rejected",
      "A1 NO Your password was not accepted",
      "A1 NO Failed to authenticate you",
      "A1 NO Login denied for this user",
      "A1 NO Invalid LOGIN",
      "A1 NO Credentials are not valid",
      "A1 NO Bad password",
  };
  const char *others[] = {
      "A1 OK LOGIN completed",
      "NO SELECT Unsafe Login. Please contact kefu@188.com for help",
      "A1 NO Mailbox does not exist",
      "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\nA1 NO [TRYCREATE] failed",
      "A1 NO Login completed, but the folder you asked for is wrong and far away",
      "A3 BAD User is authenticated but not connected.",
      "* BAD [AUTHENTICATE] unexpected",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++) {
    g_test_message ("%s", refusals[i]);
    g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_IMAP, refusals[i], -1), ==,
                     APPPASS_CAUSE_CREDENTIALS_REJECTED);
    /* The pre-filter lets each through, so the plugins see it. */
    g_assert_true (apppass_prefilter_line (refusals[i], strlen (refusals[i])));
  }
  /* Outside IMAP's status position "bad" is a word of failure again. */
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_SMTP, "Bad password", -1), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_POP3, "Bad credentials", -1), ==,
                   APPPASS_CAUSE_CREDENTIALS_REJECTED);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++) {
    g_test_message ("%s", others[i]);
    g_assert_cmpint (apppass_classify (APPPASS_PROTOCOL_IMAP, others[i], -1), ==,
                     APPPASS_CAUSE_NOT_AUTH);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  db = apppass_provider_db_new (NULL);
  g_test_add_func ("/diagnosis/table", test_table);
  g_test_add_func ("/diagnosis/table-covers", test_table_covers);
  g_test_add_func ("/diagnosis/gmail-alert", test_gmail_alert);
  g_test_add_func ("/diagnosis/honest-variant", test_honest_variant);
  g_test_add_func ("/diagnosis/precedence", test_precedence);
  g_test_add_func ("/diagnosis/pop3-err", test_pop3_err);
  g_test_add_func ("/diagnosis/shapes-of-text", test_shapes_of_text);
  g_test_add_func ("/diagnosis/huge-text", test_huge_text);
  g_test_add_func ("/diagnosis/phishing-url-ignored", test_phishing_url_ignored);
  g_test_add_func ("/diagnosis/actions-by-provider", test_actions_by_provider);
  g_test_add_func ("/diagnosis/unknown-provider-named", test_unknown_provider_named);
  g_test_add_func ("/diagnosis/refused-context", test_refused_context);
  g_test_add_func ("/diagnosis/codes-first", test_codes_first);
  g_test_add_func ("/diagnosis/refusal-in-other-words", test_refusal_in_other_words);
  status = g_test_run ();
  apppass_provider_db_free (db);
  return status;
}
