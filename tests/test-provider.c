/* apppass tests — the provider database
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apppass-provider.h"

/* design.md's ids, and the domains each provider's pages may live on. Kept
 * here, not read from the data, so a wrong URL in a provider file fails. */
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
    {"zoho", "zoho.com zoho.eu"},
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
};

static ApppassProviderDb *
builtin_db (void)
{
  return apppass_provider_db_new (NULL);
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
  g_assert_cmpuint (apppass_provider_db_list (db)->len, ==, G_N_ELEMENTS (expected));
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
test_urls_on_own_domain (void)
{
  g_autoptr (ApppassProviderDb) db = builtin_db ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
    const ApppassProvider *p = apppass_provider_db_lookup (db, expected[i].id);

    for (guint page = 0; page < APPPASS_N_PAGES; page++) {
      const char *url = apppass_provider_get_page (p, (ApppassPage)page);
      g_autoptr (GUri) uri = NULL;

      if (url == NULL)
        continue;
      g_test_message ("%s: %s", expected[i].id, url);
      uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      g_assert_nonnull (uri);
      g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
      g_assert_true (host_on_domains (g_uri_get_host (uri), expected[i].domains));
    }
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
  g_assert_cmpuint (apppass_provider_db_list (db)->len, ==, G_N_ELEMENTS (expected) + 1);
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
  g_assert_cmpuint (apppass_provider_db_list (db)->len, ==, G_N_ELEMENTS (expected) + 1);
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
  g_test_add_func ("/provider/unknown-key", test_unknown_key_warns);
  g_test_add_func ("/provider/not-files", test_not_files);
  g_test_add_func ("/provider/index-order", test_index_order);
  return g_test_run ();
}
