/* apppass tests — the apppass command, end to end
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <json-glib/json-glib.h>
#include <string.h>

#include "apppass-test-util.h"

#define GMAIL_ALERT                                                                                \
  "* NO [ALERT] Application-specific password required: "                                          \
  "https://support.google.com/accounts/answer/185833 (Failure)\r\n"                                \
  "A0002 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"

static TestRun *
run (const char *const *argv, const char *input, const char *const *env)
{
  g_autoptr (GBytes) bytes = g_bytes_new (input ? input : "", input ? strlen (input) : 0);

  return test_run_cli (argv, bytes, env);
}

/* English, and no desktop: a page is printed, not opened. */
static const char *const no_desktop[] = {"LANGUAGE=C", "DISPLAY", "WAYLAND_DISPLAY", NULL};

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_diagnose_gmail_json (void)
{
  const char *argv[] = {"diagnose",       "--protocol", "imap", "--host",
                        "imap.gmail.com", "--json",     NULL};
  g_autoptr (TestRun) r = run (argv, GMAIL_ALERT, NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  node = parse_json (r->out);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "cause"), ==, "app-password-required");
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "app-password");
  g_assert_cmpstr (json_object_get_string_member (o, "provider"), ==, "google");
  g_assert_cmpstr (json_object_get_string_member (o, "provider_name"), ==, "Google");
  g_assert_cmpstr (json_object_get_string_member (o, "url"), ==,
                   "https://myaccount.google.com/apppasswords");
  g_assert_nonnull (strstr (json_object_get_string_member (o, "explanation"), "Google"));
  g_assert_cmpuint (json_object_get_size (o), ==, 6);
}

static void
test_diagnose_unknown_json_nulls (void)
{
  const char *argv[] = {"diagnose", "--protocol",    "smtp",   "--host", "mail.example.org",
                        "--user",   "x@example.org", "--json", NULL};
  g_autoptr (TestRun) r = run (argv, "535 5.7.8 Authentication failed\r\n", NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  g_assert_cmpint (r->status, ==, 0);
  node = parse_json (r->out);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "cause"), ==, "credentials-rejected");
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "none");
  g_assert_true (json_object_get_null_member (o, "provider"));
  g_assert_true (json_object_get_null_member (o, "provider_name"));
  g_assert_true (json_object_get_null_member (o, "url"));
}

/* --refused: the caller saw the login refused, so words the diagnosis does
 * not know mean a rejected password, judged by Fastmail's policy. */
static void
test_diagnose_refused (void)
{
  const char *known[] = {"diagnose", "--protocol",       "imap",      "--host", "imap.fastmail.com",
                         "--user",   "eve@fastmail.com", "--refused", "--json", NULL};
  const char *words_only[] = {
      "diagnose", "--protocol",       "imap",   "--host", "imap.fastmail.com",
      "--user",   "eve@fastmail.com", "--json", NULL};
  const char *text = "A1 NO Sorry, that did not match our records\r\n";
  g_autoptr (TestRun) r = run (known, text, NULL);
  g_autoptr (TestRun) w = run (words_only, text, NULL);
  g_autoptr (JsonNode) node = NULL, plain = NULL;
  JsonObject *o;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  node = parse_json (r->out);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "cause"), ==, "credentials-rejected");
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "app-password");
  g_assert_cmpstr (json_object_get_string_member (o, "provider"), ==, "fastmail");
  g_assert_cmpstr (json_object_get_string_member (o, "url"), ==,
                   "https://www.fastmail.com/help/clients/apppassword.html");
  g_assert_cmpint (w->status, ==, 0);
  plain = parse_json (w->out);
  o = json_node_get_object (plain);
  g_assert_cmpstr (json_object_get_string_member (o, "cause"), ==, "not-auth");
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "none");
}

static void
test_diagnose_text (void)
{
  const char *argv[] = {"diagnose", "--protocol", "imap", "--host", "imap.gmail.com", NULL};
  g_autoptr (TestRun) r = run (argv, GMAIL_ALERT, NULL);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "app-password"));
  g_assert_nonnull (strstr (r->out, "https://myaccount.google.com/apppasswords"));
}

static const char *
explanation_in (const char *const *env, char **out)
{
  const char *argv[] = {"diagnose",       "--protocol", "imap", "--host",
                        "imap.gmail.com", "--json",     NULL};
  g_autoptr (TestRun) r = run (argv, GMAIL_ALERT, env);
  g_autoptr (JsonNode) node = NULL;

  g_assert_cmpint (r->status, ==, 0);
  node = parse_json (r->out);
  *out = g_strdup (json_object_get_string_member (json_node_get_object (node), "explanation"));
  return *out;
}

/* The explanation follows LANG / LC_MESSAGES / LANGUAGE, from the real catalogues. */
static void
test_diagnose_translated (void)
{
  g_autofree char *dir = g_strconcat ("APPPASS_LOCALEDIR=", test_locale_dir (), NULL);
  const char *en_env[] = {dir, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG=C.UTF-8", NULL};
  const char *nl_env[] = {dir, "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG=nl_NL.UTF-8", NULL};
  const char *lv_env[] = {dir, "LANGUAGE", "LC_ALL", "LANG=C.UTF-8", "LC_MESSAGES=lv_LV.UTF-8",
                          NULL};
  /* LANGUAGE over the locale's own language, not over C.UTF-8: glibc 2.41
   * (Debian 13) ignores LANGUAGE there as it does under C; 2.36 did not. */
  const char *nl_language[] = {dir,           "LC_ALL", "LC_MESSAGES", "LANG=lv_LV.UTF-8",
                               "LANGUAGE=nl", NULL};
  g_autofree char *en = NULL, *nl = NULL, *lv = NULL, *nl2 = NULL;

  explanation_in (en_env, &en);
  explanation_in (nl_env, &nl);
  explanation_in (lv_env, &lv);
  explanation_in (nl_language, &nl2);
  g_test_message ("en: %s\nnl: %s\nlv: %s", en, nl, lv);
  g_assert_nonnull (strstr (en, "app password"));
  g_assert_nonnull (strstr (nl, "app-wachtwoord"));
  g_assert_nonnull (strstr (lv, "lietotnes parol"));
  g_assert_cmpstr (nl2, ==, nl);
}

static void
test_normalize_google (void)
{
  const char *argv[] = {"normalize", "--provider", "google", NULL};
  g_autoptr (TestRun) r = run (argv, "abcd efgh ijkl mnop", NULL);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "abcdefghijklmnop\n");
  g_assert_cmpstr (r->err, ==, "");
}

static void
test_normalize_shape_warning (void)
{
  const char *argv[] = {"normalize", "--provider", "google", NULL};
  g_autoptr (TestRun) r = run (argv, "MyOld Password1\n", NULL);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->out, ==, "MyOldPassword1\n");
  g_assert_nonnull (strstr (r->err, "warning"));
  g_assert_nonnull (strstr (r->err, "16 letters"));
  g_assert_null (strstr (r->err, "MyOld"));
}

static void
assert_refused (const char *const *argv, GBytes *input, const char *needle)
{
  g_autoptr (TestRun) r = test_run_cli (argv, input, NULL);

  g_assert_cmpint (r->status, ==, 2);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_nonnull (strstr (r->err, needle));
  g_assert_null (strstr (r->err, "secretword"));
}

static void
test_normalize_refusals (void)
{
  const char *argv[] = {"normalize", NULL};
  g_autoptr (GBytes) bad_utf8 = g_bytes_new_static ("secretword\xff\n", 12);
  g_autoptr (GBytes) control = g_bytes_new_static ("secret\x01word", 11);
  g_autoptr (GBytes) empty = g_bytes_new_static (" \n", 2);
  gsize huge_size = 10 * 1024 * 1024;
  g_autoptr (GBytes) huge = g_bytes_new_take (g_malloc0 (huge_size), huge_size);
  g_autofree char *long_text = g_strnfill (300, 'a');
  g_autoptr (GBytes) too_long = g_bytes_new (long_text, 300);

  assert_refused (argv, bad_utf8, "UTF-8");
  assert_refused (argv, control, "control character");
  assert_refused (argv, empty, "empty");
  assert_refused (argv, huge, "too long");
  assert_refused (argv, too_long, "too long");
}

static void
test_normalize_unknown_provider (void)
{
  const char *argv[] = {"normalize", "--provider", "nosuch", NULL};
  g_autoptr (TestRun) r = run (argv, "abc", NULL);

  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, "apppass providers"));
}

static void
test_diagnose_huge_and_binary (void)
{
  const char *argv[] = {"diagnose",      "--protocol", "pop3", "--host",
                        "pop.gmail.com", "--json",     NULL};
  gsize size = 10 * 1024 * 1024;
  guint8 *data = g_malloc (size);
  g_autoptr (GBytes) input = NULL;
  g_autoptr (TestRun) r = NULL;
  g_autoptr (JsonNode) node = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8)(i * 7919 % 251);
  memcpy (data, "-ERR [AUTH] \xff\xfe Username and password not accepted.\r\n", 46);
  input = g_bytes_new_take (data, size);
  r = test_run_cli (argv, input, NULL);
  g_assert_cmpint (r->status, ==, 0);
  node = parse_json (r->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "cause"), ==,
                   "credentials-rejected");
}

static void
test_usage_errors (void)
{
  const char *no_host[] = {"diagnose", "--protocol", "imap", NULL};
  const char *bad_protocol[] = {"diagnose", "--protocol", "nntp", "--host", "x", NULL};
  const char *bad_verb[] = {"frobnicate", NULL};
  const char *bad_option[] = {"providers", "--no-such-option", NULL};
  const char *none[] = {NULL};
  const char *const *cases[] = {no_host, bad_protocol, bad_verb, bad_option, none};

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (TestRun) r = run (cases[i], "", NULL);

    g_assert_cmpint (r->status, ==, 2);
    g_assert_cmpstr (r->err, !=, "");
  }
}

static void
test_help_version (void)
{
  const char *help[] = {"--help", NULL};
  const char *version[] = {"--version", NULL};
  const char *verb_help[] = {"diagnose", "--help", NULL};
  g_autoptr (TestRun) h = run (help, NULL, NULL);
  g_autoptr (TestRun) v = run (version, NULL, NULL);
  g_autoptr (TestRun) vh = run (verb_help, NULL, NULL);

  g_assert_cmpint (h->status, ==, 0);
  g_assert_nonnull (strstr (h->out, "apppass normalize"));
  g_assert_cmpint (v->status, ==, 0);
  g_assert_true (g_str_has_prefix (v->out, "apppass "));
  g_assert_cmpint (vh->status, ==, 0);
  g_assert_nonnull (strstr (vh->out, "--protocol"));
}

/* --help of verify and setup says what a --ca-file holding the server's own
 * certificate means, in each language. */
static void
test_help_ca_file_pin (void)
{
  g_autofree char *dir = g_strconcat ("APPPASS_LOCALEDIR=", test_locale_dir (), NULL);
  const char *en_env[] = {dir, "LANGUAGE", "LC_MESSAGES", "LANG", "LC_ALL=C.UTF-8", NULL};
  const char *nl_env[] = {dir, "LANGUAGE", "LC_MESSAGES", "LANG", "LC_ALL=nl_NL.UTF-8", NULL};
  const char *lv_env[] = {dir, "LANGUAGE", "LC_MESSAGES", "LANG", "LC_ALL=lv_LV.UTF-8", NULL};
  const char *const *envs[] = {en_env, nl_env, lv_env};
  const char *says[] = {"dates, host name and algorithm are not checked", "niet gecontroleerd",
                        "netiek pārbaudīti"};
  const char *verbs[] = {"verify", "setup"};

  for (guint v = 0; v < G_N_ELEMENTS (verbs); v++) {
    for (guint l = 0; l < G_N_ELEMENTS (envs); l++) {
      const char *argv[] = {verbs[v], "--help", NULL};
      g_autoptr (TestRun) r = run (argv, NULL, envs[l]);

      g_assert_cmpint (r->status, ==, 0);
      g_assert_nonnull (strstr (r->out, "--ca-file:"));
      g_assert_nonnull (strstr (r->out, says[l]));
    }
  }
}

static void
test_providers_json (void)
{
  const char *argv[] = {"providers", "--json", NULL};
  const char *keys[] = {
      "id",           "name",       "domains",       "hosts",    "policy", "app_password_url",
      "two_step_url", "access_url", "web_login_url", "oauth_url"};
  g_autoptr (TestRun) r = run (argv, NULL, NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonArray *array;
  gboolean saw_google = FALSE;

  g_assert_cmpint (r->status, ==, 0);
  node = parse_json (r->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 25);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonObject *o = json_array_get_object_element (array, i);

    for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
      g_assert_true (json_object_has_member (o, keys[k]));
    if (g_strcmp0 (json_object_get_string_member (o, "id"), "google") == 0) {
      saw_google = TRUE;
      g_assert_cmpstr (json_object_get_string_member (o, "policy"), ==, "two-step");
      g_assert_cmpstr (json_object_get_string_member (o, "app_password_url"), ==,
                       "https://myaccount.google.com/apppasswords");
    }
  }
  g_assert_true (saw_google);
}

static void
test_providers_text (void)
{
  const char *argv[] = {"providers", NULL};
  g_autoptr (TestRun) r = run (argv, NULL, NULL);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "google"));
  g_assert_nonnull (strstr (r->out, "microsoft365"));
  /* The policy words get a header saying what they are. */
  g_assert_true (g_str_has_prefix (r->out, "ID "));
  g_assert_nonnull (strstr (strtok (r->out, "\n"), "POLICY"));
}

static JsonObject *
find_provider (JsonArray *array, const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonObject *o = json_array_get_object_element (array, i);

    if (g_strcmp0 (json_object_get_string_member (o, "id"), id) == 0)
      return o;
  }
  g_assert_not_reached ();
}

/* The extensions of providers --json: policies per protocol, admin_decides, variants. */
static void
test_providers_json_variants (void)
{
  const char *argv[] = {"providers", "--json", NULL};
  g_autoptr (TestRun) r = run (argv, NULL, NULL);
  g_autoptr (JsonNode) node = NULL;
  JsonArray *array;
  JsonObject *m365, *zoho, *eu, *policies;
  JsonArray *variants;

  g_assert_cmpint (r->status, ==, 0);
  node = parse_json (r->out);
  array = json_node_get_array (node);
  m365 = find_provider (array, "microsoft365");
  policies = json_object_get_object_member (m365, "policies");
  g_assert_cmpstr (json_object_get_string_member (policies, "imap"), ==, "oauth-only");
  g_assert_cmpstr (json_object_get_string_member (policies, "smtp"), ==, "two-step");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m365, "admin_decides")),
                    ==, 1);
  g_assert_cmpstr (
      json_array_get_string_element (json_object_get_array_member (m365, "admin_decides"), 0), ==,
      "smtp");
  zoho = find_provider (array, "zoho");
  variants = json_object_get_array_member (zoho, "variants");
  g_assert_cmpuint (json_array_get_length (variants), >=, 1);
  eu = json_array_get_object_element (variants, 0);
  g_assert_cmpstr (json_object_get_string_member (eu, "name"), ==, "eu");
  g_assert_false (json_object_get_boolean_member (eu, "host_only"));
  g_assert_cmpstr (json_object_get_string_member (eu, "app_password_url"), ==,
                   "https://accounts.zoho.eu/home#security/app_password");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (eu, "servers"), "imap"), ==,
      "imap.zoho.eu:993:tls");
  /* Only what the variant changes: its name is the base's. */
  g_assert_false (json_object_has_member (eu, "id"));
}

/* The terminal prints the page's address and steps that name no button. */
static void
test_setup_intro_region (void)
{
  const char *argv[] = {"setup", "ann@zohomail.eu", NULL};
  g_autoptr (TestRun) r = run (argv, "", no_desktop);

  g_assert_cmpint (r->status, ==, 2); /* nothing pasted */
  g_assert_nonnull (strstr (r->out, "https://accounts.zoho.eu/home#security/app_password"));
  g_assert_null (strstr (r->out, "accounts.zoho.com"));
  g_assert_null (strstr (r->out, "button"));
  g_assert_nonnull (strstr (r->out, "  1. "));
}

/* An OAuth-only provider: what works in the terminal, before any password
 * is read (exit 4, not the empty paste's 2), and no claim that an app
 * password is needed. */
static void
test_setup_oauth_only (void)
{
  const char *argv[] = {"setup", "cat@outlook.com", NULL};
  g_autoptr (TestRun) r = run (argv, "", no_desktop);
  const char *says[] = {
      "OAuth 2.0",        "neomutt", "imap_oauth_refresh_command", "mutt_oauth2.py", "msmtp",
      "auth oauthbearer", "mbsync",  "libsasl2-modules-kdexoauth2"};

  g_assert_cmpint (r->status, ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (says); i++)
    g_assert_nonnull (strstr (r->out, says[i]));
  g_assert_null (strstr (r->out, "needs an app password"));
  g_assert_null (strstr (r->err, "pasted"));
}

/* Microsoft 365: OAuth for IMAP, and SMTP's app password where the tenant allows it. */
static void
test_setup_m365_both (void)
{
  const char *argv[] = {"setup", "ann@contoso.onmicrosoft.com", NULL};
  g_autoptr (TestRun) r = run (argv, "", no_desktop);

  g_assert_cmpint (r->status, ==, 2); /* asked for SMTP's password; nothing pasted */
  g_assert_nonnull (strstr (r->out, "(IMAP), not even app passwords"));
  g_assert_nonnull (strstr (r->out, "mbsync"));
  g_assert_nonnull (strstr (r->out, "For SMTP a password or app password may still work"));
}

static void
test_diagnose_oauth_tools (void)
{
  const char *outlook[] = {"diagnose", "--protocol",      "imap", "--host", "outlook.office365.com",
                           "--user",   "cat@outlook.com", NULL};
  const char *m365[] = {"diagnose", "--protocol",      "smtp", "--host", "smtp.office365.com",
                        "--user",   "ann@contoso.com", NULL};
  const char *env[] = {"LANGUAGE=C", NULL};
  g_autoptr (TestRun) o = run (outlook, "a1 NO AUTHENTICATE failed.\r\n", env);
  g_autoptr (TestRun) m = run (
      m365, "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.\r\n", env);

  g_assert_cmpint (o->status, ==, 0);
  g_assert_nonnull (strstr (o->out, "Action:   oauth"));
  g_assert_nonnull (strstr (o->out, "neomutt"));
  g_assert_nonnull (strstr (o->out, "libsasl2-modules-kdexoauth2"));
  g_assert_null (strstr (o->out, "For sending (SMTP)"));
  g_assert_cmpint (m->status, ==, 0);
  g_assert_nonnull (strstr (m->out, "msmtp"));
  g_assert_nonnull (strstr (m->out, "For sending (SMTP), Microsoft 365 may still take"));
}

/* Nothing is known of an unknown provider: no empty name, no claim. */
static void
test_setup_unknown_provider (void)
{
  const char *argv[] = {"setup",  "ann@example.org",
                        "--imap", "mail.example.org:993:tls",
                        "--smtp", "mail.example.org:587:starttls",
                        NULL};
  g_autoptr (TestRun) r = run (argv, "", no_desktop);

  g_assert_cmpint (r->status, ==, 2);
  g_assert_true (g_str_has_prefix (r->out, "ann@example.org\n\n"));
  g_assert_null (strstr (r->out, " — "));
  g_assert_null (strstr (r->out, "needs an app password"));
  g_assert_nonnull (strstr (r->out, "does not know this mail provider"));
}

static void
test_setup_server_words (void)
{
  const char *unknown[] = {"setup", "ann@example.org", NULL};
  const char *bad_security[] = {"setup", "ann@example.org", "--imap", "mail.example.org:993:tsl",
                                NULL};
  const char *bad_port[] = {"setup", "ann@example.org", "--imap", "mail.example.org:99999", NULL};
  const char *env[] = {"LANGUAGE=C", NULL};
  g_autoptr (TestRun) u = run (unknown, "", env);
  g_autoptr (TestRun) s = run (bad_security, "", env);
  g_autoptr (TestRun) p = run (bad_port, "", env);

  g_assert_cmpint (u->status, ==, 2);
  g_assert_nonnull (strstr (u->err, "The mail servers of ann@example.org are not known"));
  g_assert_null (strstr (u->err, "apppass: apppass"));
  g_assert_cmpint (s->status, ==, 2);
  g_assert_nonnull (strstr (s->err, "HOST:PORT:SECURITY"));
  g_assert_cmpint (p->status, ==, 2);
}

/* A protocol or security word the command does not know is named back, with
 * the words it does know. */
static void
test_verify_unknown_words (void)
{
  const char *protocol[] = {"verify",    "--protocol", "imap4", "--host",
                            "127.0.0.1", "--user",     "a@b",   NULL};
  const char *security[] = {"verify", "--protocol", "imap",   "--security", "tsl",
                            "--host", "127.0.0.1",  "--user", "a@b",        NULL};
  const char *env[] = {"LANGUAGE=C", NULL};
  g_autoptr (TestRun) p = run (protocol, "x\n", env);
  g_autoptr (TestRun) s = run (security, "x\n", env);

  g_assert_cmpint (p->status, ==, 2);
  g_assert_cmpstr (p->err, ==, "apppass: Unknown protocol “imap4”: use imap, pop3 or smtp.\n");
  g_assert_cmpint (s->status, ==, 2);
  g_assert_cmpstr (s->err, ==, "apppass: Unknown security “tsl”: use tls, starttls or none.\n");
}

/* "[V6]:PORT:SECURITY" is one server: it is tried (loopback, nothing listens there). */
static void
test_setup_server_ipv6 (void)
{
  const char *argv[] = {"setup",  "ann@example.org",  "--imap", "[::1]:1:tls",
                        "--smtp", "[::1]:1:starttls", NULL};
  g_autoptr (TestRun) r = run (argv, "abcdefghijklmnop\n", no_desktop);

  g_assert_cmpint (r->status, ==, 4);
  g_assert_nonnull (strstr (r->out, "Checking IMAP at ::1…"));
  g_assert_nonnull (strstr (r->err, "Nothing was stored"));

  /* A bare IPv6 address is all host. */
  {
    const char *bare[] = {"setup", "ann@example.org", "--imap", "::1", "--smtp", "::1", NULL};
    g_autoptr (TestRun) b = run (bare, "abcdefghijklmnop\n", no_desktop);

    g_assert_cmpint (b->status, ==, 4);
    g_assert_nonnull (strstr (b->out, "Checking IMAP at ::1…"));
  }
}

/* A host is printed into mbsync's, msmtp's and neomutt's lines: one that
 * could end a line or run a command there is a usage error, before any
 * password is asked. */
static void
test_setup_server_host_refused (void)
{
  const char *argv[] = {"setup",  "ann@example.org",  "--imap", "imap.`id`.example.org:993:tls",
                        "--smtp", "smtp.example.org", NULL};
  g_autoptr (TestRun) r = run (argv, "abcdefghijklmnop\n", no_desktop);

  g_assert_cmpint (r->status, ==, 2);
  g_assert_null (strstr (r->out, "Checking"));
}

/* The quiet case in a terminal: no mail program's prompt to point at. */
static void
test_diagnose_terminal_words (void)
{
  const char *argv[] = {"diagnose", "--protocol", "imap", "--host", "imap.example.org", NULL};
  const char *json[] = {"diagnose",         "--protocol", "imap", "--host",
                        "imap.example.org", "--json",     NULL};
  const char *env[] = {"LANGUAGE=C", NULL};
  const char *text = "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n";
  g_autoptr (TestRun) r = run (argv, text, env);
  g_autoptr (TestRun) j = run (json, text, env);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "Action:   none"));
  g_assert_null (strstr (r->out, "password prompt"));
  g_assert_nonnull (strstr (r->out, "apppass verify"));
  g_assert_null (strstr (j->out, "password prompt"));
}

/* Each verb's --help names the verb in its usage line. */
static void
test_help_usage_names_verb (void)
{
  const char *verbs[] = {"providers", "diagnose", "normalize", "verify", "setup", "lookup"};
  const char *env[] = {"LANGUAGE=C", NULL};

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++) {
    const char *argv[] = {verbs[i], "--help", NULL};
    g_autoptr (TestRun) r = run (argv, NULL, env);
    g_autofree char *usage = g_strdup_printf ("apppass %s [OPTION", verbs[i]);

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, usage));
  }
}

/* --help's placeholders in the words of the usage summary, per language. */
static void
test_help_placeholders_translated (void)
{
  g_autofree char *dir = g_strconcat ("APPPASS_LOCALEDIR=", test_locale_dir (), NULL);
  const char *nl_env[] = {dir, "LANGUAGE", "LC_MESSAGES", "LANG", "LC_ALL=nl_NL.UTF-8", NULL};
  const char *lv_env[] = {dir, "LANGUAGE", "LC_MESSAGES", "LANG", "LC_ALL=lv_LV.UTF-8", NULL};
  const char *setup[] = {"setup", "--help", NULL};
  const char *verify[] = {"verify", "--help", NULL};
  const char *usage[] = {"--help", NULL};
  g_autoptr (TestRun) nl_setup = run (setup, NULL, nl_env);
  g_autoptr (TestRun) nl_verify = run (verify, NULL, nl_env);
  g_autoptr (TestRun) nl_usage = run (usage, NULL, nl_env);
  g_autoptr (TestRun) lv_setup = run (setup, NULL, lv_env);
  g_autoptr (TestRun) lv_verify = run (verify, NULL, lv_env);
  g_autoptr (TestRun) lv_usage = run (usage, NULL, lv_env);

  g_assert_nonnull (strstr (nl_setup->out, "--imap=HOST[:POORT[:BEVEILIGING]]"));
  g_assert_nonnull (strstr (nl_usage->out, "--imap HOST[:POORT[:BEVEILIGING]]"));
  g_assert_nonnull (strstr (nl_verify->out, "--user=GEBRUIKER"));
  g_assert_null (strstr (nl_setup->out, "PORT]"));
  g_assert_nonnull (strstr (lv_setup->out, "--imap=SERVERIS[:PORTS[:DROŠĪBA]]"));
  g_assert_nonnull (strstr (lv_usage->out, "--imap SERVERIS[:PORTS[:DROŠĪBA]]"));
  g_assert_nonnull (strstr (lv_verify->out, "--user=LIETOTĀJS"));
  g_assert_nonnull (strstr (lv_verify->out, "--host=SERVERIS"));
}

/* A desktop whose browser cannot be started: plain words, not GIO's. */
static void
test_setup_browser_fails (void)
{
  const char *argv[] = {"setup", "ann@gmail.com", NULL};
  const char *env[] = {"LANGUAGE=C",
                       "DISPLAY=:99",
                       "WAYLAND_DISPLAY",
                       "DBUS_SESSION_BUS_ADDRESS",
                       "XDG_DATA_DIRS=/nonexistent",
                       "XDG_DATA_HOME=/nonexistent",
                       NULL};
  g_autoptr (TestRun) r = run (argv, "", env);

  g_assert_nonnull (strstr (r->out, "https://myaccount.google.com/apppasswords"));
  g_assert_nonnull (strstr (r->out, "No web browser could be opened"));
  g_assert_null (strstr (r->out, "Error"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/cli/diagnose-gmail-json", test_diagnose_gmail_json);
  g_test_add_func ("/cli/diagnose-unknown-json-nulls", test_diagnose_unknown_json_nulls);
  g_test_add_func ("/cli/diagnose-refused", test_diagnose_refused);
  g_test_add_func ("/cli/diagnose-text", test_diagnose_text);
  g_test_add_func ("/cli/diagnose-translated", test_diagnose_translated);
  g_test_add_func ("/cli/diagnose-huge-and-binary", test_diagnose_huge_and_binary);
  g_test_add_func ("/cli/normalize-google", test_normalize_google);
  g_test_add_func ("/cli/normalize-shape-warning", test_normalize_shape_warning);
  g_test_add_func ("/cli/normalize-refusals", test_normalize_refusals);
  g_test_add_func ("/cli/normalize-unknown-provider", test_normalize_unknown_provider);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/help-version", test_help_version);
  g_test_add_func ("/cli/help-ca-file-pin", test_help_ca_file_pin);
  g_test_add_func ("/cli/providers-json", test_providers_json);
  g_test_add_func ("/cli/providers-text", test_providers_text);
  g_test_add_func ("/cli/providers-json-variants", test_providers_json_variants);
  g_test_add_func ("/cli/setup-intro-region", test_setup_intro_region);
  g_test_add_func ("/cli/setup-oauth-only", test_setup_oauth_only);
  g_test_add_func ("/cli/setup-m365-both", test_setup_m365_both);
  g_test_add_func ("/cli/diagnose-oauth-tools", test_diagnose_oauth_tools);
  g_test_add_func ("/cli/setup-unknown-provider", test_setup_unknown_provider);
  g_test_add_func ("/cli/setup-server-words", test_setup_server_words);
  g_test_add_func ("/cli/verify-unknown-words", test_verify_unknown_words);
  g_test_add_func ("/cli/setup-server-ipv6", test_setup_server_ipv6);
  g_test_add_func ("/cli/setup-server-host-refused", test_setup_server_host_refused);
  g_test_add_func ("/cli/diagnose-terminal-words", test_diagnose_terminal_words);
  g_test_add_func ("/cli/help-usage-names-verb", test_help_usage_names_verb);
  g_test_add_func ("/cli/help-placeholders-translated", test_help_placeholders_translated);
  g_test_add_func ("/cli/setup-browser-fails", test_setup_browser_fails);
  return g_test_run ();
}
