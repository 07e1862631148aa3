/* apppass tests — a mail client adapter that keeps everything in memory
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-test-client.h"

#include "apppass-password.h"

static void test_client_iface_init (ApppassClientInterface *iface);

G_DEFINE_TYPE_WITH_CODE (TestClient, test_client, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (APPPASS_TYPE_CLIENT, test_client_iface_init))

static char *
account_key (const char *id, ApppassProtocol protocol)
{
  return g_strdup_printf ("%s/%s", id, apppass_protocol_to_string (protocol));
}

static const char *
get_name (ApppassClient *client)
{
  (void)client;
  return "Test Mail";
}

static ApppassAccount *
describe_account (ApppassClient *client, const char *id, ApppassProtocol protocol)
{
  g_autofree char *key = account_key (id, protocol);
  ApppassAccount *account = g_hash_table_lookup (TEST_CLIENT (client)->accounts, key);

  return account ? apppass_account_copy (account) : NULL;
}

static void
store_password (ApppassClient *client, const ApppassAccount *account, const char *password,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  TestClient *self = TEST_CLIENT (client);
  g_autoptr (GTask) task = g_task_new (client, cancellable, callback, user_data);

  if (self->store_fails) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             "the password store is read-only");
    return;
  }
  g_hash_table_replace (self->stored, account_key (account->id, account->protocol),
                        g_strdup (password));
  g_task_return_boolean (task, TRUE);
}

static gboolean
store_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  (void)client;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_password (ApppassClient *client, const ApppassAccount *account, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (client, cancellable, callback, user_data);
  const char *stored =
      test_client_get_stored (TEST_CLIENT (client), account->id, account->protocol);

  g_task_return_pointer (task, g_strdup (stored), (GDestroyNotify)apppass_password_free);
}

static char *
lookup_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  (void)client;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
retry_login (ApppassClient *client, const ApppassAccount *account)
{
  g_ptr_array_add (TEST_CLIENT (client)->retried, g_strdup (account->id));
}

static gboolean
open_uri (ApppassClient *client, const char *uri, GError **error)
{
  (void)error;
  g_ptr_array_add (TEST_CLIENT (client)->opened, g_strdup (uri));
  return TRUE;
}

static GtkWindow *
get_parent_window (ApppassClient *client)
{
  return GTK_WINDOW (TEST_CLIENT (client)->window);
}

static char *
get_setting (ApppassClient *client, const char *id, const char *key)
{
  g_autofree char *full = g_strdup_printf ("%s/%s", id, key);

  return g_strdup (g_hash_table_lookup (TEST_CLIENT (client)->settings, full));
}

static void
set_setting (ApppassClient *client, const char *id, const char *key, const char *value)
{
  char *full = g_strdup_printf ("%s/%s", id, key);

  if (value)
    g_hash_table_replace (TEST_CLIENT (client)->settings, full, g_strdup (value));
  else
    g_hash_table_remove (TEST_CLIENT (client)->settings, full);
}

static char *
get_oauth_help (ApppassClient *client, const ApppassAccount *account)
{
  (void)account;
  if (!TEST_CLIENT (client)->oauth)
    return NULL;
  return g_strdup ("In Test Mail, open Accounts, choose this account and set Authentication to "
                   "OAuth 2.0.");
}

static gboolean
can_switch_to_oauth (ApppassClient *client, const ApppassAccount *account)
{
  (void)account;
  return TEST_CLIENT (client)->oauth;
}

static gboolean
switch_to_oauth (ApppassClient *client, const ApppassAccount *account, GError **error)
{
  (void)error;
  g_ptr_array_add (TEST_CLIENT (client)->switched, g_strdup (account->id));
  return TRUE;
}

static gboolean
can_undo_oauth_switch (ApppassClient *client, const char *id)
{
  GPtrArray *switched = TEST_CLIENT (client)->switched;

  for (guint i = 0; i < switched->len; i++)
    if (g_strcmp0 (g_ptr_array_index (switched, i), id) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
undo_oauth_switch (ApppassClient *client, const char *id, GError **error)
{
  GPtrArray *switched = TEST_CLIENT (client)->switched;

  for (guint i = 0; i < switched->len; i++)
    if (g_strcmp0 (g_ptr_array_index (switched, i), id) == 0) {
      g_ptr_array_remove_index (switched, i);
      return TRUE;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not switched");
  return FALSE;
}

static void
test_client_iface_init (ApppassClientInterface *iface)
{
  iface->get_name = get_name;
  iface->describe_account = describe_account;
  iface->store_password = store_password;
  iface->store_password_finish = store_password_finish;
  iface->lookup_password = lookup_password;
  iface->lookup_password_finish = lookup_password_finish;
  iface->retry_login = retry_login;
  iface->open_uri = open_uri;
  iface->get_parent_window = get_parent_window;
  iface->get_setting = get_setting;
  iface->set_setting = set_setting;
  iface->get_oauth_help = get_oauth_help;
  iface->can_switch_to_oauth = can_switch_to_oauth;
  iface->switch_to_oauth = switch_to_oauth;
  iface->can_undo_oauth_switch = can_undo_oauth_switch;
  iface->undo_oauth_switch = undo_oauth_switch;
}

TestClient *
test_client_new (void)
{
  TestClient *self = g_object_new (TEST_TYPE_CLIENT, NULL);

  self->window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_window_set_title (GTK_WINDOW (self->window), "Test Mail");
  gtk_window_set_default_size (GTK_WINDOW (self->window), 640, 480);
  return self;
}

void
test_client_add_account (TestClient *self, const ApppassAccount *account)
{
  g_hash_table_replace (self->accounts, account_key (account->id, account->protocol),
                        apppass_account_copy (account));
}

const char *
test_client_get_stored (TestClient *self, const char *id, ApppassProtocol protocol)
{
  g_autofree char *key = account_key (id, protocol);

  return g_hash_table_lookup (self->stored, key);
}

static void
test_client_finalize (GObject *object)
{
  TestClient *self = TEST_CLIENT (object);

  g_hash_table_unref (self->accounts);
  g_hash_table_unref (self->settings);
  g_hash_table_unref (self->stored);
  g_ptr_array_unref (self->opened);
  g_ptr_array_unref (self->retried);
  g_ptr_array_unref (self->switched);
  if (self->window)
    gtk_widget_destroy (self->window);
  G_OBJECT_CLASS (test_client_parent_class)->finalize (object);
}

static void
test_client_class_init (TestClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_client_finalize;
}

static void
test_client_init (TestClient *self)
{
  self->accounts =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)apppass_account_free);
  self->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)apppass_password_free);
  self->opened = g_ptr_array_new_with_free_func (g_free);
  self->retried = g_ptr_array_new_with_free_func (g_free);
  self->switched = g_ptr_array_new_with_free_func (g_free);
}
