/* apppass tests — the keyring, against a real gnome-keyring
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside tests/lib/keyring-session.sh: a private D-Bus session with an
 * unlocked gnome-keyring in throwaway folders. */
#include <string.h>

#include "apppass-error.h"
#include "apppass-keyring.h"
#include "apppass-password.h"

#define SERVER "imap.example.org"
#define USER   "ann@example.org"

static char *
lookup (ApppassProtocol protocol, const char *server, const char *user, GError **error)
{
  return apppass_keyring_lookup_sync (protocol, server, user, NULL, error);
}

static void
store_ok (ApppassProtocol protocol, const char *server, guint16 port, const char *password)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (apppass_keyring_store_sync (protocol, server, port, USER, password, NULL, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  char *found;

  store_ok (APPPASS_PROTOCOL_IMAP, SERVER, 993, "first-password");
  found = lookup (APPPASS_PROTOCOL_IMAP, SERVER, USER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "first-password");
  apppass_password_free (found);
  /* The same account again replaces it: one item, the new password. */
  store_ok (APPPASS_PROTOCOL_IMAP, SERVER, 993, "second-password");
  found = lookup (APPPASS_PROTOCOL_IMAP, SERVER, USER, &error);
  g_assert_cmpstr (found, ==, "second-password");
  apppass_password_free (found);
}

static void
test_nothing_stored (void)
{
  g_autoptr (GError) error = NULL;
  char *found = lookup (APPPASS_PROTOCOL_POP3, "pop.nowhere.example", USER, &error);

  g_assert_null (found);
  g_assert_no_error (error);
}

static void
test_protocols_apart (void)
{
  g_autoptr (GError) error = NULL;
  char *imap, *smtp;

  store_ok (APPPASS_PROTOCOL_IMAP, "mail.apart.example", 993, "imap-secret");
  store_ok (APPPASS_PROTOCOL_SMTP, "mail.apart.example", 465, "smtp-secret");
  imap = lookup (APPPASS_PROTOCOL_IMAP, "MAIL.APART.EXAMPLE", USER, &error);
  smtp = lookup (APPPASS_PROTOCOL_SMTP, "mail.apart.example", USER, &error);
  g_assert_cmpstr (imap, ==, "imap-secret");
  g_assert_cmpstr (smtp, ==, "smtp-secret");
  apppass_password_free (imap);
  apppass_password_free (smtp);
}

/* mbsync's PassCmd and msmtp's passwordeval may use secret-tool directly. */
static void
test_secret_tool_finds_it (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr (GSubprocess) p = NULL;

  store_ok (APPPASS_PROTOCOL_IMAP, "imap.tool.example", 993, "tool-secret");
  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "secret-tool", "lookup", "protocol",
                        "imap", "server", "imap.tool.example", "user", USER, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "tool-secret");
}

typedef struct {
  GMainLoop *loop;
  gboolean stored;
  char *found;
  GError *error;
} Wait;

static void
on_stored (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  (void)source;
  w->stored = apppass_keyring_store_finish (result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
on_found (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *w = data;

  (void)source;
  w->found = apppass_keyring_lookup_finish (result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
test_async (void)
{
  Wait w = {g_main_loop_new (NULL, FALSE), FALSE, NULL, NULL};

  apppass_keyring_store (APPPASS_PROTOCOL_SMTP, "smtp.async.example", 587, USER, "async-secret",
                         NULL, on_stored, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.stored);
  apppass_keyring_lookup (APPPASS_PROTOCOL_SMTP, "smtp.async.example", USER, NULL, on_found, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpstr (w.found, ==, "async-secret");
  apppass_password_free (w.found);
  g_main_loop_unref (w.loop);
}

/* A locked keyring reads as "locked", never as "nothing stored", and keeps what it holds. */
static void
test_locked (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *locked = NULL, *items;
  char *found;

  store_ok (APPPASS_PROTOCOL_IMAP, "imap.locked.example", 993, "kept-secret");
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (
      secret_service_lock_sync (service, &(GList){collection, NULL, NULL}, NULL, &locked, &error),
      ==, 1);
  g_assert_no_error (error);
  g_list_free_full (locked, g_object_unref);

  found = lookup (APPPASS_PROTOCOL_IMAP, "imap.locked.example", USER, &error);
  g_assert_null (found);
  g_assert_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  g_assert_false (apppass_keyring_store_sync (APPPASS_PROTOCOL_IMAP, "imap.locked.example", 993,
                                              USER, "new-secret", NULL, &error));
  g_assert_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  /* Still there, unchanged: listed (locked) by a search that does not unlock. */
  g_hash_table_insert (attributes, "server", "imap.locked.example");
  items = secret_service_search_sync (service, apppass_keyring_get_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_assert_true (secret_item_get_locked (items->data));
  g_list_free_full (items, g_object_unref);
}

/* Cancelled is GLib's cancellation, as everywhere in apppass, and changes nothing. */
static void
test_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *found = NULL;

  store_ok (APPPASS_PROTOCOL_IMAP, "imap.cancel.example", 993, "old-secret");
  g_cancellable_cancel (cancellable);
  g_assert_false (apppass_keyring_store_sync (APPPASS_PROTOCOL_IMAP, "imap.cancel.example", 993,
                                              USER, "new-secret", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (apppass_keyring_lookup_sync (APPPASS_PROTOCOL_IMAP, "imap.cancel.example", USER,
                                              cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  found = lookup (APPPASS_PROTOCOL_IMAP, "imap.cancel.example", USER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "old-secret");
}

static void
test_unavailable_child (void)
{
  g_autoptr (GError) error = NULL;
  char *found = lookup (APPPASS_PROTOCOL_IMAP, SERVER, USER, &error);

  g_assert_null (found);
  g_assert_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_false (
      apppass_keyring_store_sync (APPPASS_PROTOCOL_IMAP, SERVER, 993, USER, "x", NULL, &error));
  g_assert_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "keyring"));
}

/* No session bus at all: a clear "no keyring", at once. */
static void
test_unavailable (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/apppass-bus", TRUE);
  g_test_trap_subprocess ("/keyring/unavailable/subprocess", 20 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", saved, TRUE);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/keyring/round-trip", test_round_trip);
  g_test_add_func ("/keyring/nothing-stored", test_nothing_stored);
  g_test_add_func ("/keyring/protocols-apart", test_protocols_apart);
  g_test_add_func ("/keyring/secret-tool-finds-it", test_secret_tool_finds_it);
  g_test_add_func ("/keyring/async", test_async);
  g_test_add_func ("/keyring/cancelled", test_cancelled);
  g_test_add_func ("/keyring/unavailable", test_unavailable);
  g_test_add_func ("/keyring/unavailable/subprocess", test_unavailable_child);
  /* Last: it locks the keyring for good. */
  g_test_add_func ("/keyring/locked", test_locked);
  return g_test_run ();
}
