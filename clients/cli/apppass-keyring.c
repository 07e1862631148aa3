/* apppass — storing a proven password in the desktop keyring (Secret Service)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-keyring.h"

#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-password.h"

const SecretSchema *
apppass_keyring_get_schema (void)
{
  static const SecretSchema schema = {"org.apppass.Password",
                                      SECRET_SCHEMA_NONE,
                                      {
                                          {"protocol", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                          {"server", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                          {"port", SECRET_SCHEMA_ATTRIBUTE_INTEGER},
                                          {"user", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                          {NULL, 0},
                                      },
                                      0,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL};

  return &schema;
}

/* A cancelled call is reported as GLib's cancellation, as everywhere in
 * apppass, not as a keyring that is missing or failed. */
static gboolean
propagate_cancelled (GError **error, const GError *cause)
{
  if (!g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_propagate_error (error, g_error_copy (cause));
  return TRUE;
}

static void
set_unavailable (GError **error, const GError *cause)
{
  if (propagate_cancelled (error, cause))
    return;
  g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_UNAVAILABLE,
               _ ("No keyring is running in this desktop session (%s). Start the desktop’s "
                  "keyring, for example GNOME Keyring, and try again."),
               cause ? cause->message : _ ("no default keyring"));
}

static void
set_locked (GError **error)
{
  g_set_error_literal (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_LOCKED,
                       _ ("The keyring is locked. Unlock it (for example with the Passwords "
                          "and Keys application, or by logging in again) and try again."));
}

/* The service and the default collection, or an error that says which is missing. */
static SecretCollection *
default_collection (GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (SecretService) service =
      secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local);
  SecretCollection *collection;

  if (service == NULL) {
    set_unavailable (error, local);
    return NULL;
  }
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, cancellable, &local);
  if (collection == NULL)
    set_unavailable (error, local);
  return collection;
}

static GHashTable *
attributes_for (ApppassProtocol protocol, const char *server, gint port, const char *user)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, "protocol", g_strdup (apppass_protocol_to_string (protocol)));
  g_hash_table_insert (attributes, "server", g_ascii_strdown (server, -1));
  g_hash_table_insert (attributes, "user", g_strdup (user));
  if (port >= 0)
    g_hash_table_insert (attributes, "port", g_strdup_printf ("%d", port));
  return attributes;
}

gboolean
apppass_keyring_store_sync (ApppassProtocol protocol, const char *server, guint16 port,
                            const char *user, const char *password, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (server != NULL && user != NULL && password != NULL, FALSE);
  apppass_intl_init ();
  collection = default_collection (cancellable, error);
  if (collection == NULL)
    return FALSE;
  /* Storing into a locked collection raises an unlock prompt; there may be
   * nobody to answer it, so say "locked" instead. */
  if (secret_collection_get_locked (collection)) {
    set_locked (error);
    return FALSE;
  }
  attributes = attributes_for (protocol, server, port, user);
  label = g_strdup_printf (_ ("Mail password for %s on %s (%s)"), user, server,
                           apppass_protocol_display_name (protocol));
  if (!secret_password_storev_sync (apppass_keyring_get_schema (), attributes,
                                    SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                                    &local)) {
    if (!propagate_cancelled (error, local))
      g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_FAILED,
                   _ ("The keyring did not store the password: %s"), local->message);
    return FALSE;
  }
  return TRUE;
}

/* The secret of the first unlocked item, or NULL. */
static char *
first_secret (GList *items, GCancellable *cancellable, gboolean *all_locked)
{
  *all_locked = items != NULL;
  for (GList *l = items; l; l = l->next) {
    SecretItem *item = l->data;
    g_autoptr (SecretValue) value = NULL;

    if (secret_item_get_locked (item))
      continue;
    *all_locked = FALSE;
    if (!secret_item_load_secret_sync (item, cancellable, NULL))
      continue;
    value = secret_item_get_secret (item);
    if (value && secret_value_get_text (value))
      return g_strdup (secret_value_get_text (value));
  }
  return NULL;
}

char *
apppass_keyring_lookup_sync (ApppassProtocol protocol, const char *server, const char *user,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autoptr (GError) local = NULL;
  GList *items;
  gboolean all_locked, found_any;
  char *password;

  g_return_val_if_fail (server != NULL && user != NULL, NULL);
  apppass_intl_init ();
  collection = default_collection (cancellable, error);
  if (collection == NULL)
    return NULL;
  attributes = attributes_for (protocol, server, -1, user);
  /* Locked items are listed too (SECRET_SEARCH_ALL without UNLOCK): a locked
   * keyring must read as "locked", not as "nothing stored". */
  items = secret_service_search_sync (secret_collection_get_service (collection),
                                      apppass_keyring_get_schema (), attributes, SECRET_SEARCH_ALL,
                                      cancellable, &local);
  if (local != NULL) {
    if (!propagate_cancelled (error, local))
      g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_KEYRING_FAILED,
                   _ ("The keyring could not be searched: %s"), local->message);
    return NULL;
  }
  found_any = items != NULL;
  password = first_secret (items, cancellable, &all_locked);
  g_list_free_full (items, g_object_unref);
  /* An item whose secret was not loaded because of a Cancel is not "nothing stored". */
  if (password == NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (password == NULL && (all_locked || (!found_any && secret_collection_get_locked (collection))))
    set_locked (error);
  return password;
}

/* ---- async pairs: the sync calls in a worker thread ---------------------- */

typedef struct {
  ApppassProtocol protocol;
  char *server;
  guint16 port;
  char *user;
  char *password;
} Request;

static void
request_free (Request *request)
{
  g_free (request->server);
  g_free (request->user);
  apppass_password_free (request->password);
  g_free (request);
}

static GTask *
task_new (gpointer tag, ApppassProtocol protocol, const char *server, guint16 port,
          const char *user, const char *password, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  request->protocol = protocol;
  request->server = g_strdup (server);
  request->port = port;
  request->user = g_strdup (user);
  request->password = g_strdup (password);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, request, (GDestroyNotify)request_free);
  return task;
}

static void
store_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Request *r = data;
  GError *error = NULL;

  (void)source;
  if (apppass_keyring_store_sync (r->protocol, r->server, r->port, r->user, r->password,
                                  cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
apppass_keyring_store (ApppassProtocol protocol, const char *server, guint16 port, const char *user,
                       const char *password, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = task_new (apppass_keyring_store, protocol, server, port, user, password,
                                     cancellable, callback, user_data);

  g_task_run_in_thread (task, store_thread);
}

gboolean
apppass_keyring_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Request *r = data;
  GError *error = NULL;
  char *password =
      apppass_keyring_lookup_sync (r->protocol, r->server, r->user, cancellable, &error);

  (void)source;
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify)apppass_password_free);
}

void
apppass_keyring_lookup (ApppassProtocol protocol, const char *server, const char *user,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = task_new (apppass_keyring_lookup, protocol, server, 0, user, NULL,
                                     cancellable, callback, user_data);

  g_task_run_in_thread (task, lookup_thread);
}

char *
apppass_keyring_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
