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
  g_assert_cmpuint (json_array_get_length (array), ==, 24);
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
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/cli/diagnose-gmail-json", test_diagnose_gmail_json);
  g_test_add_func ("/cli/diagnose-unknown-json-nulls", test_diagnose_unknown_json_nulls);
  g_test_add_func ("/cli/diagnose-text", test_diagnose_text);
  g_test_add_func ("/cli/diagnose-translated", test_diagnose_translated);
  g_test_add_func ("/cli/diagnose-huge-and-binary", test_diagnose_huge_and_binary);
  g_test_add_func ("/cli/normalize-google", test_normalize_google);
  g_test_add_func ("/cli/normalize-shape-warning", test_normalize_shape_warning);
  g_test_add_func ("/cli/normalize-refusals", test_normalize_refusals);
  g_test_add_func ("/cli/normalize-unknown-provider", test_normalize_unknown_provider);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/help-version", test_help_version);
  g_test_add_func ("/cli/providers-json", test_providers_json);
  g_test_add_func ("/cli/providers-text", test_providers_text);
  return g_test_run ();
}
