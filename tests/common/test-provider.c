/* apppass tests — the provider database
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apppass-diagnosis.h"
#include "apppass-protocol.h"
#include "apppass-provider.h"

/* docs/design.md's fixed ids (section "Vocabulary"), and the domains each provider's pages may live
 * on. Kept here, not read from the data, so a wrong URL in a provider file fails. */
static const struct {
  const char *id;
  const char *domains;
} expected[] = {
    {"google", "google.com"},
    {"outlook", "microsoft.com live.com outlook.com"},
    {"microsoft365", "microsoft.com office.com microsoft365.com"},
    {"yahoo", "yahoo.com"},
    {"aol", "aol.com"},
    {"icloud", "apple.com icloud.com"},
    {"fastmail", "fastmail.com fastmail.help"},
    {"zoho", "zoho.com zoho.eu zoho.in zoho.com.au zoho.jp zohocloud.ca zoho.sa"},
    {"gmx", "gmx.net gmx.com gmx.de"},
    {"webde", "web.de"},
    {"mailcom", "mail.com"},
    {"yandex", "yandex.com yandex.ru"},
    {"mailru", "mail.ru"},
    {"qq", "qq.com"},
    {"netease", "163.com 126.com"},
    {"naver", "naver.com"},
    {"daum", "daum.net kakao.com"},
    {"seznam", "seznam.cz"},
    {"mailboxorg", "mailbox.org"},
    {"posteo", "posteo.de"},
    {"tonline", "t-online.de telekom.de"},
    {"proton", "proton.me"},
    {"ionos", "ionos.com ionos.de"},
    {"comcast", "xfinity.com comcast.net"},
    {"kakao", "kakao.com"},
};

static ApppassProviderDb *
builtin_db (void)
{
  return apppass_provider_db_new (NULL);
}

/* Every .ini in the source folder is built in, whatever its name: adding a
 * provider is adding a file, so the count comes from the folder, not a list. */
static guint
builtin_count (void)
{
  g_autoptr (GDir) dir = g_dir_open (APPPASS_TEST_PROVIDERS_DIR, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, ".ini");
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (expected));
  return n;
}

static void
test_all_ids_present (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    const ApppassProvider *p = apppass_provider_db_lookup (db, expected[i].id);

    g_test_message ("provider %s", expected[i].id);
    g_assert_nonnull (p);
    g_assert_cmpstr (apppass_provider_get_id (p), ==, expected[i].id);
    g_assert_cmpstr (apppass_provider_get_name (p), !=, "");
  }
  g_assert_cmpuint (apppass_provider_db_list (db)->len, ==, builtin_count ());
  g_assert_cmpuint (apppass_provider_db_get_warnings (db)->len, ==, 0);
}

static gboolean
host_on_domains (const char *host, const char *domains)
{
  g_auto (GStrv) list = g_strsplit (domains, " ", -1);

  for (guint i = 0; list[i]; i++) {
    g_autofree char *suffix = g_strconcat (".", list[i], NULL);

    if (g_strcmp0 (host, list[i]) == 0 || g_str_has_suffix (host, suffix))
      return TRUE;
  }
  return FALSE;
}

static void
assert_pages_on_domains (const ApppassProvider *p, const char *domains)
{
  for (guint page = 0; page < APPPASS_N_PAGES; page++) {
    const char *url = apppass_provider_get_page (p, (ApppassPage)page);
    g_autoptr (GUri) uri = NULL;

    if (url == NULL)
      continue;
    g_test_message ("%s: %s", apppass_provider_get_id (p), url);
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    g_assert_nonnull (uri);
    g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
    g_assert_true (host_on_domains (g_uri_get_host (uri), domains));
  }
}

static void
test_urls_on_own_domain (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    const ApppassProvider *base = apppass_provider_db_lookup (db, expected[i].id);
    const GPtrArray *variants = apppass_provider_get_variants (base);

    /* The base first, then each variant's pages. */
    for (guint v = 0; v <= variants->len; v++)
      assert_pages_on_domains (v == 0 ? base : g_ptr_array_index (variants, v - 1),
                               expected[i].domains);
  }
}

static void
test_app_password_pages (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *google = apppass_provider_db_lookup (db, "google");

  g_assert_cmpstr (apppass_provider_get_page (google, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://myaccount.google.com/apppasswords");
  /* Every provider whose policy has app passwords says where to make one. */
  for (guint i = 0; i < apppass_provider_db_list (db)->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (apppass_provider_db_list (db), i);

    if (apppass_provider_get_policy (p) == APPPASS_POLICY_ALWAYS ||
        apppass_provider_get_policy (p) == APPPASS_POLICY_TWO_STEP) {
      g_test_message ("%s", apppass_provider_get_id (p));
      g_assert_nonnull (
          apppass_provider_get_page (p, APPPASS_PAGE_APP_PASSWORD)
              ? apppass_provider_get_page (p, APPPASS_PAGE_APP_PASSWORD)
              : (strcmp (apppass_provider_get_id (p), "proton") == 0 ? "bridge" : NULL));
    }
  }
}

static char **
steps_in (const ApppassProvider *p, const char *language)
{
  const char *old = g_getenv ("LANGUAGE");
  g_autofree char *saved = g_strdup (old);
  char **steps;

  g_setenv ("LANGUAGE", language, TRUE);
  steps = apppass_provider_get_steps (p);
  if (saved)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  return steps;
}

static void
test_steps_translated (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  for (guint i = 0; i < apppass_provider_db_list (db)->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (apppass_provider_db_list (db), i);
    g_auto (GStrv) en = steps_in (p, "C");
    g_auto (GStrv) nl = steps_in (p, "nl");
    g_auto (GStrv) lv = steps_in (p, "lv");

    g_test_message ("%s", apppass_provider_get_id (p));
    g_assert_cmpuint (g_strv_length (en), >=, 2);
    g_assert_cmpuint (g_strv_length (nl), ==, g_strv_length (en));
    g_assert_cmpuint (g_strv_length (lv), ==, g_strv_length (en));
    for (guint s = 0; en[s]; s++) {
      g_assert_cmpstr (nl[s], !=, en[s]);
      g_assert_cmpstr (lv[s], !=, en[s]);
      g_assert_cmpstr (nl[s], !=, lv[s]);
      g_assert_true (g_utf8_validate (lv[s], -1, NULL));
    }
  }
}

static void
assert_identify (const char *host, const char *user, const char *expected_id)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *p = apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, host, user);

  g_test_message ("%s / %s", host ? host : "(none)", user ? user : "(none)");
  g_assert_cmpstr (p ? apppass_provider_get_id (p) : NULL, ==, expected_id);
}

static void
test_identify (void)
{
  /* The host decides first: Google Workspace on a custom domain is google. */
  assert_identify ("imap.gmail.com", "ann@example.com", "google");
  assert_identify ("IMAP.GMAIL.COM.", NULL, "google");
  assert_identify ("smtp.gmail.com", "ann@gmail.com", "google");
  assert_identify ("mail.example.org", "bob@yahoo.com", "yahoo");
  assert_identify ("mail.example.org", "bob@example.org", NULL);
  assert_identify (NULL, "dan@163.com", "netease");
  assert_identify ("imap.zoho.eu", NULL, "zoho");
  assert_identify ("imappro.zoho.in", NULL, "zoho");
  /* Shared Microsoft hosts: the domain decides, microsoft365 without one. */
  assert_identify ("outlook.office365.com", "ann@outlook.com", "outlook");
  assert_identify ("outlook.office365.com", "ann@hotmail.com", "outlook");
  assert_identify ("outlook.office365.com", "cat@contoso.com", "microsoft365");
  assert_identify ("outlook.office365.com", NULL, "microsoft365");
  assert_identify ("smtp.office365.com", "ann@live.com", "outlook");
  /* Loopback never names a provider by itself: Proton Bridge lives there. */
  assert_identify ("127.0.0.1", "ann@proton.me", "proton");
  assert_identify ("127.0.0.1", "ann@gmail.com", "google");
  assert_identify ("127.0.0.1", NULL, NULL);
  assert_identify ("::1", "x@example.org", NULL);
  assert_identify ("localhost", "ann", NULL);
}

static void
test_shape (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *google = apppass_provider_db_lookup (db, "google");
  const ApppassProvider *icloud = apppass_provider_db_lookup (db, "icloud");
  g_autofree char *hint = apppass_provider_get_password_hint (google);

  g_assert_true (apppass_provider_password_has_usual_shape (google, "abcdefghijklmnop"));
  g_assert_false (apppass_provider_password_has_usual_shape (google, "abcdefghijklmno"));
  g_assert_false (apppass_provider_password_has_usual_shape (google, "MyOldPassword1"));
  g_assert_true (apppass_provider_password_has_usual_shape (icloud, "abcd-efgh-ijkl-mnop"));
  g_assert_nonnull (hint);
}

/* ---- files an administrator writes ------------------------------------- */

static char *
write_file (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static const char corp_file[] = "[Provider]\n"
                                "Id=examplecorp\n"
                                "Name=Example Corp Mail\n"
                                "Domains=corp.example;\n"
                                "ImapHosts=mail.corp.example;\n"
                                "Policy=two-step\n"
                                "AppPasswordUrl=https://sso.corp.example/app-passwords\n"
                                "Steps=Open the page.;Copy the password.;\n"
                                "Steps[nl]=Open de pagina.;Kopieer het wachtwoord.;\n";

static void
test_xdg_dirs (void)
{
  g_autofree char *system_dir =
      g_build_filename (g_get_system_config_dirs ()[0], "apppass", "providers.d", NULL);
  g_autofree char *user_dir =
      g_build_filename (g_get_user_config_dir (), "apppass", "providers.d", NULL);
  g_autofree char *a = write_file (system_dir, "corp.ini", corp_file);
  g_autofree char *b = write_file (system_dir, "google.ini",
                                   "[Provider]\nId=google\nAppPasswordUrl=https://sys.example/\n");
  /* The user's folder is read last and wins over the system's. */
  g_autofree char *c = write_file (
      user_dir, "google.ini",
      "[Provider]\nId=google\nAppPasswordUrl=https://myaccount.google.com/apppasswords?hl=nl\n");
  g_autoptr (ApppassProviderDb) db = apppass_provider_db_new_default ();
  const ApppassProvider *corp = apppass_provider_db_lookup (db, "examplecorp");
  const ApppassProvider *google = apppass_provider_db_lookup (db, "google");

  g_assert_nonnull (corp);
  g_assert_cmpstr (apppass_provider_get_page (corp, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://sso.corp.example/app-passwords");
  g_assert_true (
      apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, "mail.corp.example", NULL) == corp);
  g_assert_cmpstr (apppass_provider_get_page (google, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://myaccount.google.com/apppasswords?hl=nl");
  /* An override changes only the keys it sets. */
  g_assert_cmpstr (apppass_provider_get_name (google), ==, "Google");
  g_assert_cmpstr (apppass_provider_get_page (google, APPPASS_PAGE_TWO_STEP), ==,
                   "https://myaccount.google.com/signinoptions/two-step-verification");
  g_assert_cmpuint (apppass_provider_db_list (db)->len, ==, builtin_count () + 1);
  g_unlink (a);
  g_unlink (b);
  g_unlink (c);
}

typedef struct {
  const char *name;
  const char *text;
  const char *where; /* expected in the warning: "file:line" */
} BrokenFile;

/* In the order the loader reads them: sorted by name. */
static const BrokenFile broken[] = {
    {"badid.ini", "[Provider]\nId=Bad Id\nName=X\nPolicy=none\n", "badid.ini:2"},
    {"binary.ini", "[Provider]\nId=bad8\nName=\xff\xfe\nPolicy=none\n", "binary.ini:3"},
    {"empty.ini", "", "empty.ini"},
    {"http.ini", "[Provider]\nId=bad3\nName=X\nPolicy=none\nAppPasswordUrl=http://x.example/\n",
     "http.ini:5"},
    {"nogroup.ini", "Id=bad7\n", "nogroup.ini"},
    {"noname.ini", "[Provider]\nId=bad4\nPolicy=none\n", "noname.ini"},
    {"policy.ini", "[Provider]\nId=bad2\nName=X\n\n# comment\nPolicy=sometimes\n", "policy.ini:6"},
    {"regex.ini", "[Provider]\nId=bad6\nName=X\nPolicy=none\nPasswordPattern=([a-z\n",
     "regex.ini:5"},
    {"server.ini", "[Provider]\nId=bad5\nName=X\nPolicy=none\nImapServer=imap.x:99999:tls\n",
     "server.ini:5"},
    {"syntax.ini", "[Provider]\nId=bad1\nthis line is not a key\nName=X\nPolicy=none\n",
     "syntax.ini:3"},
    /* A broken override must not break the built-in provider. */
    {"zz-google.ini", "[Provider]\nId=google\nPolicy=whenever\n", "zz-google.ini:3"},
};

/* Server lines end up in the lines `apppass setup` prints for mbsync,
 * msmtp and neomutt: a host that could end a line or a quoted string, or run
 * a command in neomutt's backticks, is refused with the file. */
static void
test_server_host_words (void)
{
  static const char *const bad[] = {
      "ImapServer=imap.example.net\\nPassCmd \"sh\":993:tls\n",
      "ImapServer=imap.`id`.example.net:993:tls\n",
      "SmtpServer=smtp.example.net\"x:465:tls\n",
      "Pop3Server=$(id).example.net:995:tls\n",
      "ImapServer=:993:tls\n",
  };
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *text =
        g_strdup_printf ("[Provider]\nId=hosts%u\nName=H\nPolicy=always\n%s", i, bad[i]);
    g_autoptr (GError) error = NULL;

    g_test_message ("%s", bad[i]);
    g_assert_false (apppass_provider_db_add_data (db, text, strlen (text), "h.ini", &error));
    g_assert_nonnull (error);
  }
  g_assert_true (apppass_host_is_valid ("imap.example.net"));
  g_assert_true (apppass_host_is_valid ("::1"));
  g_assert_false (apppass_host_is_valid ("a b"));
}

/* Hosts and addresses come from mail clients' files: bytes that are not
 * UTF-8 identify nothing and crash nothing. */
static void
test_identify_invalid_utf8 (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  g_assert_null (apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, "a\xf0", NULL));
  g_assert_null (apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, "imap.\xff\xfe.example",
                                               "ann@\xf0\x9f"));
  g_assert_null (
      apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, NULL, "ann@gm\xe1il.com"));
}

static void
test_broken_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("apppass-providers-XXXXXX", &error);
  const char *dirs[] = {dir, NULL};
  g_autoptr (ApppassProviderDb) db = NULL;
  const GPtrArray *warnings;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
    g_autofree char *path = write_file (dir, broken[i].name, broken[i].text);
    g_autofree char *pattern = g_strdup_printf ("*%s*", broken[i].where);

    g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, pattern);
  }
  /* A good file among the broken ones is read all the same. */
  g_free (write_file (dir, "corp.ini", corp_file));
  db = apppass_provider_db_new (dirs);
  g_test_assert_expected_messages ();
  warnings = apppass_provider_db_get_warnings (db);
  g_assert_cmpuint (warnings->len, ==, G_N_ELEMENTS (broken));
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
    g_test_message ("%s", (const char *)g_ptr_array_index (warnings, i));
  }
  /* The built-in providers are all still there, google unchanged. */
  g_assert_cmpuint (apppass_provider_db_list (db)->len, ==, builtin_count () + 1);
  g_assert_cmpint (apppass_provider_get_policy (apppass_provider_db_lookup (db, "google")), ==,
                   APPPASS_POLICY_TWO_STEP);
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
    g_autofree char *path = g_build_filename (dir, broken[i].name, NULL);
    g_unlink (path);
  }
  {
    g_autofree char *path = g_build_filename (dir, "corp.ini", NULL);
    g_unlink (path);
  }
  g_rmdir (dir);
}

static void
test_unknown_key_warns (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  g_autoptr (GError) error = NULL;
  const char text[] = "[Provider]\nId=newer\nName=Newer\nPolicy=none\nFutureKey=1\n";

  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*future.ini:5: unknown key FutureKey*");
  g_assert_true (apppass_provider_db_add_data (db, text, strlen (text), "future.ini", &error));
  g_test_assert_expected_messages ();
  g_assert_nonnull (apppass_provider_db_lookup (db, "newer"));
}

/* ---- facts kept from sources -------------------------------------------- */

#define RESOURCE_PATH "/org/apppass/providers/"

/* The built-in files as compiled in, read here without the loader. */
static GPtrArray *
builtin_files (void)
{
  g_auto (GStrv) names =
      g_resources_enumerate_children (RESOURCE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify)g_key_file_unref);

  g_assert_nonnull (names);
  for (guint i = 0; names[i]; i++) {
    g_autofree char *path = g_strconcat (RESOURCE_PATH, names[i], NULL);
    g_autoptr (GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    GKeyFile *file = g_key_file_new ();
    g_autoptr (GError) error = NULL;

    g_assert_nonnull (bytes);
    g_key_file_load_from_bytes (file, bytes, G_KEY_FILE_KEEP_TRANSLATIONS, &error);
    g_assert_no_error (error);
    g_ptr_array_add (files, file);
  }
  g_assert_cmpuint (files->len, >=, G_N_ELEMENTS (expected));
  return files;
}

/* "YYYY-MM-DD https://…" with a real date, or "unknown: reason". */
static gboolean
source_is_valid (const char *value)
{
  g_autoptr (GRegex) dated =
      g_regex_new ("^([0-9]{4})-([0-9]{2})-([0-9]{2}) https://[^ /]+\\.[^ ]+", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;

  if (value == NULL)
    return FALSE;
  if (g_str_has_prefix (value, "unknown: ") && strlen (value) > strlen ("unknown: ") + 3)
    return TRUE;
  if (!g_regex_match (dated, value, 0, &match))
    return FALSE;
  {
    g_autofree char *y = g_match_info_fetch (match, 1);
    g_autofree char *m = g_match_info_fetch (match, 2);
    g_autofree char *d = g_match_info_fetch (match, 3);

    return g_date_valid_dmy ((GDateDay)atoi (d), (GDateMonth)atoi (m), (GDateYear)atoi (y));
  }
}

static const char *const fact_keys[] = {"Policy",         "ImapPolicy", "Pop3Policy", "SmtpPolicy",
                                        "AppPasswordUrl", "TwoStepUrl", "AccessUrl",  "WebLoginUrl",
                                        "OAuthUrl",       NULL};

/* Appends to @missing each fact of @group without a valid [Sources] entry. */
static void
check_group_sources (GKeyFile *file, const char *group, const char *prefix, GString *missing)
{
  g_autofree char *id = g_key_file_get_string (file, "Provider", "Id", NULL);

  for (guint k = 0; fact_keys[k]; k++) {
    g_autofree char *value = g_key_file_get_string (file, group, fact_keys[k], NULL);
    g_autofree char *source_key = NULL;
    g_autofree char *source = NULL;

    if (value == NULL || *g_strstrip (value) == '\0')
      continue;
    source_key = g_strconcat (prefix, fact_keys[k], NULL);
    source = g_key_file_get_string (file, "Sources", source_key, NULL);
    if (!source_is_valid (source))
      g_string_append_printf (missing, "%s: [Sources] %s%s%s\n", id, source_key,
                              source ? " is not dated with an https address: " : " is missing",
                              source ? source : "");
  }
}

static void
test_sources (void)
{
  g_autoptr (GPtrArray) files = builtin_files ();
  g_autoptr (GString) missing = g_string_new (NULL);

  for (guint i = 0; i < files->len; i++) {
    GKeyFile *file = g_ptr_array_index (files, i);
    g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);

    check_group_sources (file, "Provider", "", missing);
    for (guint g = 0; groups[g]; g++) {
      g_autofree char *prefix = NULL;

      if (!g_str_has_prefix (groups[g], "Variant "))
        continue;
      prefix = g_strdup_printf ("Variant.%s.", groups[g] + strlen ("Variant "));
      check_group_sources (file, groups[g], prefix, missing);
    }
  }
  /* Every fact at once, so the list says what is left to source. */
  g_assert_cmpstr (missing->str, ==, "");
}

static void
test_source_format (void)
{
  g_assert_true (source_is_valid ("2026-11-30 https://support.google.com/accounts/answer/185833"));
  g_assert_true (
      source_is_valid ("2026-11-30 https://github.com/thunderbird/autoconfig (c6ad796)"));
  g_assert_true (source_is_valid ("unknown: no source names this page"));
  g_assert_false (source_is_valid (NULL));
  g_assert_false (source_is_valid ("https://support.google.com/"));
  g_assert_false (source_is_valid ("2026-11-30 http://support.google.com/"));
  g_assert_false (source_is_valid ("2026-02-30 https://support.google.com/"));
  g_assert_false (source_is_valid ("30.11.2026 https://support.google.com/"));
  g_assert_false (source_is_valid ("unknown:"));
}

/* The terminal has no buttons, and the dialog has its own: steps name none. */
static void
test_steps_name_no_button (void)
{
  static const char *const words[] = {"button", "knop", "pog", NULL};
  g_autoptr (GPtrArray) files = builtin_files ();
  g_autoptr (GString) found = g_string_new (NULL);

  for (guint i = 0; i < files->len; i++) {
    GKeyFile *file = g_ptr_array_index (files, i);
    g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);
    g_autofree char *id = g_key_file_get_string (file, "Provider", "Id", NULL);

    for (guint g = 0; groups[g]; g++) {
      g_auto (GStrv) keys = g_key_file_get_keys (file, groups[g], NULL, NULL);

      for (guint k = 0; keys && keys[k]; k++) {
        g_autofree char *value = g_key_file_get_value (file, groups[g], keys[k], NULL);
        g_autofree char *folded = g_utf8_casefold (value, -1);

        if (!g_str_has_prefix (keys[k], "Steps"))
          continue;
        for (guint w = 0; words[w]; w++) {
          if (strstr (folded, words[w]))
            g_string_append_printf (found, "%s [%s] %s: “%s”\n", id, groups[g], keys[k], words[w]);
        }
      }
    }
  }
  g_assert_cmpstr (found->str, ==, "");
}

/* ---- variants ------------------------------------------------------------ */

static const ApppassProvider *
identify_in (ApppassProviderDb *db, ApppassProtocol protocol, const char *host, const char *user)
{
  const ApppassProvider *p = apppass_provider_db_identify (db, protocol, host, user);

  g_test_message ("%s / %s: %s %s", host ? host : "(none)", user ? user : "(none)",
                  p ? apppass_provider_get_id (p) : "(none)",
                  p && apppass_provider_get_variant (p) ? apppass_provider_get_variant (p) : "");
  return p;
}

static void
assert_server (const ApppassProvider *p, ApppassProtocol protocol, const char *want)
{
  const char *host = NULL;

  g_assert_true (apppass_provider_get_server (p, protocol, &host, NULL, NULL));
  g_assert_cmpstr (host, ==, want);
}

static void
test_variant_zoho_region (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *by_domain =
      identify_in (db, APPPASS_PROTOCOL_IMAP, NULL, "ann@zohomail.eu");
  const ApppassProvider *by_host =
      identify_in (db, APPPASS_PROTOCOL_SMTP, "smtp.zoho.eu", "ann@company.example");
  const ApppassProvider *us =
      identify_in (db, APPPASS_PROTOCOL_IMAP, "imap.zoho.com", "a@zoho.com");

  g_assert_cmpstr (apppass_provider_get_id (by_domain), ==, "zoho");
  g_assert_cmpstr (apppass_provider_get_variant (by_domain), ==, "eu");
  g_assert_cmpstr (apppass_provider_get_page (by_domain, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://accounts.zoho.eu/home#security/app_password");
  assert_server (by_domain, APPPASS_PROTOCOL_IMAP, "imap.zoho.eu");
  /* A custom domain on the EU servers: the host names the region. */
  g_assert_true (by_host == by_domain);
  /* The variant overrides only what it sets. */
  g_assert_cmpstr (apppass_provider_get_name (by_domain), ==, "Zoho Mail");
  g_assert_cmpint (apppass_provider_get_policy (by_domain), ==, APPPASS_POLICY_TWO_STEP);
  g_assert_null (apppass_provider_get_variant (us));
  g_assert_true (us == apppass_provider_db_lookup (db, "zoho"));
  g_assert_cmpstr (apppass_provider_get_page (us, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://accounts.zoho.com/home#security/app_password");
  /* A provider the user chose follows the account's region too. */
  g_assert_true (apppass_provider_resolve (us, NULL, "ann@zoho.eu") == by_domain);
  g_assert_true (apppass_provider_resolve (by_domain, "imap.zoho.com", "ann@zoho.com") == us);
}

static void
test_variant_gmx_family (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *com = identify_in (db, APPPASS_PROTOCOL_SMTP, NULL, "bob@gmx.com");
  const ApppassProvider *uk = identify_in (db, APPPASS_PROTOCOL_SMTP, NULL, "bob@gmx.co.uk");
  const ApppassProvider *de = identify_in (db, APPPASS_PROTOCOL_SMTP, NULL, "bob@gmx.de");

  g_assert_cmpstr (apppass_provider_get_variant (com), ==, "com");
  g_assert_true (uk == com);
  assert_server (com, APPPASS_PROTOCOL_IMAP, "imap.gmx.com");
  assert_server (com, APPPASS_PROTOCOL_SMTP, "mail.gmx.com");
  g_assert_null (apppass_provider_get_variant (de));
  assert_server (de, APPPASS_PROTOCOL_IMAP, "imap.gmx.net");
  assert_server (de, APPPASS_PROTOCOL_SMTP, "mail.gmx.net");
}

static void
test_variant_google_workspace (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *ws =
      identify_in (db, APPPASS_PROTOCOL_IMAP, "imap.gmail.com", "ann@company.example");
  const ApppassProvider *gmail =
      identify_in (db, APPPASS_PROTOCOL_IMAP, "imap.gmail.com", "ann@gmail.com");
  const ApppassProvider *no_address =
      identify_in (db, APPPASS_PROTOCOL_IMAP, "imap.gmail.com", NULL);
  g_autoptr (ApppassDiagnosis) d = NULL;
  g_autofree char *note = NULL;
  g_autofree char *unknown = NULL;

  g_assert_cmpstr (apppass_provider_get_id (ws), ==, "google");
  g_assert_cmpstr (apppass_provider_get_variant (ws), ==, "workspace");
  g_assert_true (apppass_provider_admin_decides (ws, APPPASS_PROTOCOL_IMAP));
  g_assert_true (apppass_provider_admin_decides (ws, APPPASS_PROTOCOL_SMTP));
  /* Consumer Gmail has nothing to switch on for IMAP, Workspace users cannot: no page. */
  g_assert_null (apppass_provider_get_page (ws, APPPASS_PAGE_ACCESS));
  g_assert_null (apppass_provider_get_variant (gmail));
  g_assert_false (apppass_provider_admin_decides (gmail, APPPASS_PROTOCOL_IMAP));
  g_assert_null (apppass_provider_get_variant (no_address));
  /* A gmail.com address on a loopback host (a test server) is consumer Gmail. */
  g_assert_null (apppass_provider_get_variant (
      identify_in (db, APPPASS_PROTOCOL_IMAP, "127.0.0.1", "ann@gmail.com")));

  d = apppass_diagnosis_new (APPPASS_PROTOCOL_IMAP, ws, APPPASS_CAUSE_CREDENTIALS_REJECTED);
  note = apppass_provider_get_admin_note (ws);
  unknown = apppass_provider_get_unknown (ws);
  g_test_message ("%s", d->explanation);
  g_assert_cmpint (d->action, ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_nonnull (note);
  g_assert_nonnull (unknown);
  g_assert_nonnull (strstr (d->explanation, "administrator decides"));
  g_assert_nonnull (strstr (d->explanation, note));
  g_assert_nonnull (strstr (d->explanation, unknown));
  g_assert_cmpint (apppass_provider_get_variants (apppass_provider_db_lookup (db, "google"))->len,
                   ==, 1);
}

static void
test_microsoft365_per_protocol (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const ApppassProvider *m365 =
      identify_in (db, APPPASS_PROTOCOL_SMTP, "smtp.office365.com", "cat@contoso.com");
  g_autoptr (ApppassDiagnosis) imap =
      apppass_diagnose (db, APPPASS_PROTOCOL_IMAP, "outlook.office365.com", "cat@contoso.com",
                        "a1 NO LOGIN failed.\r\n", -1);
  g_autoptr (ApppassDiagnosis) smtp =
      apppass_diagnose (db, APPPASS_PROTOCOL_SMTP, "smtp.office365.com", "cat@contoso.com",
                        "535 5.7.3 Authentication unsuccessful\r\n", -1);
  g_autofree char *note = apppass_provider_get_admin_note (m365);
  g_auto (GStrv) smtp_steps = apppass_provider_get_steps_for (m365, APPPASS_PROTOCOL_SMTP);
  g_auto (GStrv) imap_steps = apppass_provider_get_steps_for (m365, APPPASS_PROTOCOL_IMAP);
  g_autofree char *joined = g_strjoinv (" ", smtp_steps);

  g_assert_cmpstr (apppass_provider_get_id (m365), ==, "microsoft365");
  g_assert_cmpint (apppass_provider_get_policy_for (m365, APPPASS_PROTOCOL_IMAP), ==,
                   APPPASS_POLICY_OAUTH_ONLY);
  g_assert_cmpint (apppass_provider_get_policy_for (m365, APPPASS_PROTOCOL_POP3), ==,
                   APPPASS_POLICY_OAUTH_ONLY);
  g_assert_cmpint (apppass_provider_get_policy_for (m365, APPPASS_PROTOCOL_SMTP), ==,
                   APPPASS_POLICY_TWO_STEP);
  g_assert_true (apppass_provider_admin_decides (m365, APPPASS_PROTOCOL_SMTP));
  g_assert_false (apppass_provider_admin_decides (m365, APPPASS_PROTOCOL_IMAP));

  g_test_message ("IMAP: %s", imap->explanation);
  g_assert_cmpint (imap->cause, ==, APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (imap->action, ==, APPPASS_ACTION_OAUTH);
  g_assert_null (strstr (imap->explanation, note));

  g_test_message ("SMTP: %s", smtp->explanation);
  g_assert_cmpint (smtp->cause, ==, APPPASS_CAUSE_CREDENTIALS_REJECTED);
  g_assert_cmpint (smtp->action, ==, APPPASS_ACTION_APP_PASSWORD);
  g_assert_nonnull (strstr (smtp->explanation, "For SMTP"));
  g_assert_nonnull (strstr (smtp->explanation, "administrator decides"));
  /* The date the policy was checked, from [Sources]. */
  g_assert_nonnull (strstr (smtp->explanation, "As of 20"));
  g_assert_nonnull (strstr (smtp->explanation, note));
  /* The file's steps say Microsoft takes no passwords: true for IMAP only. */
  g_assert_cmpstr (smtp_steps[0], !=, imap_steps[0]);
  g_assert_null (strstr (joined, "OAuth"));
}

/* A provider file of an administrator's, with every kind of variant. */
static const char variants_file[] = "[Provider]\n"
                                    "Id=examplenet\n"
                                    "Name=Example Net\n"
                                    "Domains=example.net;\n"
                                    "ImapHosts=imap.example.net;imap.*.example.net;\n"
                                    "Policy=always\n"
                                    "AppPasswordUrl=https://example.net/apps\n"
                                    "Steps=Base step one.;Base step two.;\n"
                                    "Steps[nl]=Basisstap een.;Basisstap twee.;\n"
                                    "\n"
                                    "[Variant north]\n"
                                    "Domains=north.example;\n"
                                    "AppPasswordUrl=https://north.example.net/apps\n"
                                    "Steps=North step one.;North step two.;\n"
                                    "\n"
                                    "[Variant south]\n"
                                    "Hosts=imap.south.example.net;\n"
                                    "AppPasswordUrl=https://south.example.net/apps\n"
                                    "\n"
                                    "[Variant org]\n"
                                    "HostOnly=true\n"
                                    "Policy=two-step\n"
                                    "AdminDecides=imap;\n"
                                    "Unknown=Whether the organisation allows this is not known.\n"
                                    "\n"
                                    "[Sources]\n"
                                    "Policy=2026-11-30 https://example.net/help\n";

/* The built-in providers and examplenet with its variants. */
static ApppassProviderDb *
variants_db (void)
{
  ApppassProviderDb *db = builtin_db ();
  g_autoptr (GError) error = NULL;

  g_assert_true (apppass_provider_db_add_data (db, variants_file, strlen (variants_file),
                                               "examplenet.ini", &error));
  g_assert_no_error (error);
  return db;
}

static const char *
variant_of (ApppassProviderDb *db, const char *host, const char *user)
{
  const ApppassProvider *p = identify_in (db, APPPASS_PROTOCOL_IMAP, host, user);

  g_assert_nonnull (p);
  g_assert_cmpstr (apppass_provider_get_id (p), ==, "examplenet");
  return apppass_provider_get_variant (p);
}

static void
test_variant_precedence (void)
{
  g_autoptr (ApppassProviderDb) db = variants_db ();
  const ApppassProvider *north;
  g_auto (GStrv) nl_steps = NULL;

  /* Domains beats Hosts beats HostOnly. */
  g_assert_cmpstr (variant_of (db, "imap.south.example.net", "a@north.example"), ==, "north");
  g_assert_cmpstr (variant_of (db, "imap.south.example.net", "a@firm.example"), ==, "south");
  g_assert_cmpstr (variant_of (db, "imap.example.net", "a@firm.example"), ==, "org");
  /* A variant's own domain and host name the provider with no other hint. */
  g_assert_cmpstr (variant_of (db, NULL, "a@north.example"), ==, "north");
  g_assert_cmpstr (variant_of (db, "imap.south.example.net", NULL), ==, "south");
  /* The provider's own domain is the base, on its own host or none. */
  g_assert_null (variant_of (db, "imap.example.net", "a@example.net"));
  g_assert_null (variant_of (db, NULL, "a@example.net"));
  /* HostOnly needs the host: a domain alone never makes an organisation. */
  g_assert_null (variant_of (db, "imap.example.net", NULL));

  north = apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, NULL, "a@north.example");
  g_assert_cmpstr (apppass_provider_get_page (north, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://north.example.net/apps");
  /* A variant's new steps do not keep the base's translations of the old ones. */
  g_setenv ("LANGUAGE", "nl", TRUE);
  nl_steps = apppass_provider_get_steps (north);
  g_unsetenv ("LANGUAGE");
  g_assert_cmpstr (nl_steps[0], ==, "North step one.");
  g_assert_cmpuint (apppass_provider_get_variants (north)->len, ==, 3);
}

static void
test_unknown_in_explanation (void)
{
  g_autoptr (ApppassProviderDb) db = variants_db ();
  const ApppassProvider *org;
  g_autoptr (ApppassDiagnosis) d = NULL;

  org = apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, "imap.example.net",
                                      "a@firm.example");
  d = apppass_diagnosis_new (APPPASS_PROTOCOL_IMAP, org, APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_test_message ("%s", d->explanation);
  g_assert_nonnull (strstr (d->explanation, "Whether the organisation allows this is not known."));
  g_assert_nonnull (strstr (d->explanation, "administrator decides"));
  /* No [Sources] date for this policy's check … but Policy= has one. */
  g_assert_nonnull (strstr (d->explanation, "As of 2026-11-30"));
  /* Not the base provider's account: nothing of the variant is said there. */
  g_clear_pointer (&d, apppass_diagnosis_free);
  d = apppass_diagnosis_new (APPPASS_PROTOCOL_IMAP, apppass_provider_db_lookup (db, "examplenet"),
                             APPPASS_CAUSE_APP_PASSWORD_REQUIRED);
  g_assert_null (strstr (d->explanation, "not known"));
  g_assert_null (strstr (d->explanation, "administrator"));
}

static void
test_generic_steps_per_policy (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  const char chosen[] = "[Provider]\nId=chosen\nName=Chosen Mail\nPolicy=user-chosen\n";
  const char generated[] = "[Provider]\nId=generated\nName=Gen Mail\nPolicy=always\n";
  g_auto (GStrv) c = NULL;
  g_auto (GStrv) g = NULL;
  g_autofree char *cj = NULL;
  g_autofree char *gj = NULL;

  g_setenv ("LANGUAGE", "C", TRUE);
  g_assert_true (apppass_provider_db_add_data (db, chosen, strlen (chosen), "c.ini", NULL));
  g_assert_true (apppass_provider_db_add_data (db, generated, strlen (generated), "g.ini", NULL));
  c = apppass_provider_get_steps (apppass_provider_db_lookup (db, "chosen"));
  g = apppass_provider_get_steps (apppass_provider_db_lookup (db, "generated"));
  cj = g_strjoinv (" ", c);
  gj = g_strjoinv (" ", g);
  g_test_message ("user-chosen: %s", cj);
  g_test_message ("always: %s", gj);
  g_assert_cmpuint (g_strv_length (c), >=, 2);
  /* The user picks a mail password: nothing is created or copied. */
  g_assert_nonnull (strstr (cj, "Choose"));
  g_assert_null (strstr (cj, "app password"));
  g_assert_null (strstr (cj, "Copy"));
  g_assert_nonnull (strstr (gj, "app password"));
  g_assert_null (strstr (cj, "button"));
  g_assert_null (strstr (gj, "button"));
  g_unsetenv ("LANGUAGE");
}

static void
test_variant_files (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  g_autoptr (GError) error = NULL;
  /* An administrator's file changes one key of a built-in variant. */
  const char override[] = "[Provider]\nId=zoho\n\n[Variant eu]\n"
                          "AppPasswordUrl=https://accounts.zoho.eu/home#security/app_passwords\n";
  const char noname[] = "[Provider]\nId=bad9\nName=X\nPolicy=none\n\n[Variant Bad Name]\n"
                        "HostOnly=true\n";
  const char nomatch[] = "[Provider]\nId=bad10\nName=X\nPolicy=none\n\n[Variant eu]\n"
                         "Policy=always\n";
  const char badpolicy[] = "[Provider]\nId=bad11\nName=X\nPolicy=none\n\n[Variant eu]\n"
                           "HostOnly=true\nSmtpPolicy=maybe\n";
  const char badadmin[] = "[Provider]\nId=bad12\nName=X\nPolicy=none\nAdminDecides=imap;web;\n";
  const char newer[] = "[Provider]\nId=newer\nName=Newer\nPolicy=none\n\n[Variant x]\n"
                       "HostOnly=true\nFutureKey=1\n\n[Future]\nA=1\n";
  const ApppassProvider *eu;

  g_assert_true (apppass_provider_db_add_data (db, override, strlen (override), "o.ini", &error));
  g_assert_no_error (error);
  eu = apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, NULL, "ann@zoho.eu");
  g_assert_cmpstr (apppass_provider_get_page (eu, APPPASS_PAGE_APP_PASSWORD), ==,
                   "https://accounts.zoho.eu/home#security/app_passwords");
  assert_server (eu, APPPASS_PROTOCOL_IMAP, "imap.zoho.eu");

  g_assert_false (apppass_provider_db_add_data (db, noname, strlen (noname), "n.ini", &error));
  g_assert_nonnull (strstr (error->message, "n.ini:6"));
  g_clear_error (&error);
  g_assert_false (apppass_provider_db_add_data (db, nomatch, strlen (nomatch), "m.ini", &error));
  g_assert_nonnull (strstr (error->message, "m.ini:6"));
  g_clear_error (&error);
  g_assert_false (
      apppass_provider_db_add_data (db, badpolicy, strlen (badpolicy), "p.ini", &error));
  g_assert_nonnull (strstr (error->message, "p.ini:8"));
  g_clear_error (&error);
  g_assert_false (apppass_provider_db_add_data (db, badadmin, strlen (badadmin), "a.ini", &error));
  g_assert_nonnull (strstr (error->message, "a.ini:5"));
  g_clear_error (&error);
  g_assert_null (apppass_provider_db_lookup (db, "bad9"));

  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*f.ini:8: unknown key FutureKey*");
  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*f.ini: unknown group [Future]*");
  g_assert_true (apppass_provider_db_add_data (db, newer, strlen (newer), "f.ini", &error));
  g_test_assert_expected_messages ();
}

/* ---- files that are not files, loaded as the plugin loads them ---------- */

typedef struct {
  const char *dir;
  ApppassProviderDb *db;
  gboolean done;
  GMutex lock;
  GCond cond;
} Load;

static gpointer
load_thread (gpointer data)
{
  Load *load = data;
  const char *dirs[] = {load->dir, NULL};
  ApppassProviderDb *db = apppass_provider_db_new (dirs);

  g_mutex_lock (&load->lock);
  load->db = db;
  load->done = TRUE;
  g_cond_signal (&load->cond);
  g_mutex_unlock (&load->lock);
  return NULL;
}

/* A FIFO, a device and a folder named *.ini, and a file past the bound: the
 * load ends (a hang fails after 10 s instead of blocking), skips them with a
 * message naming each, and keeps the good file and the built-in providers. */
static void
test_not_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("apppass-providers-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "c-fifo.ini", NULL);
  g_autofree char *zero = g_build_filename (dir, "d-zero.ini", NULL);
  g_autofree char *folder = g_build_filename (dir, "b-folder.ini", NULL);
  g_autofree char *padding = g_strnfill (256 * 1024, '#');
  g_autofree char *big_text =
      g_strdup_printf ("%s\n[Provider]\nId=big\nName=Big\nPolicy=none\n", padding);
  g_autofree char *big = write_file (dir, "a-big.ini", big_text);
  g_autofree char *good = write_file (dir, "e-good.ini", corp_file);
  Load load = {dir, NULL, FALSE, {0}, {0}};
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GThread *thread;

  g_assert_no_error (error);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*a-big.ini” is too large*");
  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*b-folder.ini” is a folder*");
  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*c-fifo.ini” is a named pipe*");
  g_test_expect_message ("apppass", G_LOG_LEVEL_WARNING, "*d-zero.ini” is a device*");
  thread = g_thread_new ("load", load_thread, &load);
  g_mutex_lock (&load.lock);
  while (!load.done && g_cond_wait_until (&load.cond, &load.lock, deadline))
    ;
  g_mutex_unlock (&load.lock);
  g_assert_true (load.done);
  g_thread_join (thread);
  g_test_assert_expected_messages ();
  g_assert_nonnull (apppass_provider_db_lookup (load.db, "examplecorp"));
  g_assert_null (apppass_provider_db_lookup (load.db, "big"));
  g_assert_cmpuint (apppass_provider_db_list (load.db)->len, ==, G_N_ELEMENTS (expected) + 1);
  apppass_provider_db_free (load.db);
  g_unlink (fifo);
  g_unlink (zero);
  g_rmdir (folder);
  g_unlink (big);
  g_unlink (good);
  g_rmdir (dir);
}

/* ---- the index answers as trying every provider in id order does ------- */

static void
add_text (ApppassProviderDb *db, const char *text)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (apppass_provider_db_add_data (db, text, strlen (text), "index.ini", &error));
  g_assert_no_error (error);
}

static const char *
identify_id (ApppassProviderDb *db, const char *host, const char *user)
{
  const ApppassProvider *p = apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, host, user);

  return p ? apppass_provider_get_id (p) : NULL;
}

static void
test_index_order (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  add_text (db, "[Provider]\nId=zz-glob\nName=Z\nPolicy=always\n"
                "ImapHosts=*.shared.example\nDomains=*.corp.example\n");
  add_text (db, "[Provider]\nId=mm-exact\nName=M\nPolicy=always\n"
                "ImapHosts=mail.shared.example\nSmtpHosts=mail.shared.example\n"
                "Domains=mm.example;sub.corp.example\n");
  /* Several serve the host: the first in id order, unless the domain decides. */
  g_assert_cmpstr (identify_id (db, "MAIL.Shared.Example.", "ann@other.example"), ==, "mm-exact");
  g_assert_cmpstr (identify_id (db, "mail.shared.example", "ann@zz.corp.example"), ==, "zz-glob");
  g_assert_cmpstr (identify_id (db, "imap.shared.example", "ann@mm.example"), ==, "zz-glob");
  /* By domain: a wildcard that sorts first wins over an exact name. */
  g_assert_cmpstr (identify_id (db, NULL, "ann@sub.corp.example"), ==, "mm-exact");
  add_text (db, "[Provider]\nId=aa-glob\nName=A\nPolicy=always\nDomains=sub.*.example\n"
                "ImapHosts=mail.shared.*\n");
  /* The database changed after the index was built: the answers follow. */
  g_assert_cmpstr (identify_id (db, NULL, "ann@sub.corp.example"), ==, "aa-glob");
  g_assert_cmpstr (identify_id (db, "mail.shared.example", "ann@other.example"), ==, "aa-glob");
  g_assert_cmpstr (identify_id (db, "mail.shared.example", "ann@mm.example"), ==, "mm-exact");
  g_assert_cmpstr (identify_id (db, "imap.gmail.com", NULL), ==, "google");
  g_assert_null (identify_id (db, "127.0.0.1", "ann@nowhere.example"));
}

/* Claws Mail ships no OAuth 2.0 client ID: its users need the page where
 * one is registered, for each provider whose OAuth Claws can use. */
static void
test_oauth_client_pages (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();
  static const struct {
    const char *id, *url;
  } pages[] = {
      {"outlook", "https://learn.microsoft.com/entra/identity-platform/quickstart-register-app"},
      {"microsoft365",
       "https://learn.microsoft.com/entra/identity-platform/quickstart-register-app"},
      {"google", "https://developers.google.com/identity/protocols/oauth2"},
      {"yahoo", "https://developer.yahoo.com/oauth2/guide/openid_connect/getting_started.html"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++) {
    const ApppassProvider *p = apppass_provider_db_lookup (db, pages[i].id);
    g_autofree char *source = apppass_provider_get_source (p, "OAuthClientUrl");

    g_test_message ("%s", pages[i].id);
    g_assert_cmpstr (apppass_provider_get_page (p, APPPASS_PAGE_OAUTH_CLIENT), ==, pages[i].url);
    g_assert_true (g_str_has_prefix (source, "2026-"));
  }
  g_assert_null (apppass_provider_get_page (apppass_provider_db_lookup (db, "gmx"),
                                            APPPASS_PAGE_OAUTH_CLIENT));
  g_assert_cmpstr (apppass_page_json_key (APPPASS_PAGE_OAUTH_CLIENT), ==, "oauth_client_url");
  g_assert_cmpuint (apppass_provider_db_get_warnings (db)->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/provider/all-ids", test_all_ids_present);
  g_test_add_func ("/provider/urls-on-own-domain", test_urls_on_own_domain);
  g_test_add_func ("/provider/app-password-pages", test_app_password_pages);
  g_test_add_func ("/provider/steps-translated", test_steps_translated);
  g_test_add_func ("/provider/identify", test_identify);
  g_test_add_func ("/provider/shape", test_shape);
  g_test_add_func ("/provider/xdg-dirs", test_xdg_dirs);
  g_test_add_func ("/provider/broken-files", test_broken_files);
  g_test_add_func ("/provider/server-host-words", test_server_host_words);
  g_test_add_func ("/provider/identify-invalid-utf8", test_identify_invalid_utf8);
  g_test_add_func ("/provider/unknown-key", test_unknown_key_warns);
  g_test_add_func ("/provider/not-files", test_not_files);
  g_test_add_func ("/provider/index-order", test_index_order);
  g_test_add_func ("/provider/source-format", test_source_format);
  g_test_add_func ("/provider/variant-zoho-region", test_variant_zoho_region);
  g_test_add_func ("/provider/variant-gmx-family", test_variant_gmx_family);
  g_test_add_func ("/provider/variant-google-workspace", test_variant_google_workspace);
  g_test_add_func ("/provider/variant-precedence", test_variant_precedence);
  g_test_add_func ("/provider/variant-files", test_variant_files);
  g_test_add_func ("/provider/microsoft365-per-protocol", test_microsoft365_per_protocol);
  g_test_add_func ("/provider/unknown-in-explanation", test_unknown_in_explanation);
  g_test_add_func ("/provider/generic-steps-per-policy", test_generic_steps_per_policy);
  /* Last: these check the data of every built-in file. */
  g_test_add_func ("/provider/sources", test_sources);
  g_test_add_func ("/provider/steps-name-no-button", test_steps_name_no_button);
  g_test_add_func ("/provider/oauth-client-pages", test_oauth_client_pages);
  return g_test_run ();
}
