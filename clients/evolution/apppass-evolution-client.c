/* apppass for Evolution — the adapter behind the shared plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-client.h"

#include "apppass-evolution-oauth.h"
#include "apppass-evolution-source.h"
#include "apppass-evolution-trust.h"
#include "apppass-evolution-wait.h"
#include "apppass-intl.h"

#include <string.h>

#include <mail/e-mail-backend.h>
#include <mail/mail-send-recv.h>

#include "apppass-password.h"

struct _ApppassEvolutionClient {
  GObject parent;

  EShell *shell;
  ApppassFlow *flow; /* made on first use: it starts loading the provider files */
  gboolean quitting;
  ESource *editing;
  GHashTable *to_write; /* UIDs of sources with unwritten settings */
  GHashTable *retrying; /* "uid:protocol" of logins a stored password let go on */
};

static void apppass_evolution_client_iface_init (ApppassClientInterface *iface);

G_DEFINE_TYPE_WITH_CODE (ApppassEvolutionClient, apppass_evolution_client, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (APPPASS_TYPE_CLIENT,
                                                apppass_evolution_client_iface_init))

static ESourceRegistry *
registry_of (ApppassEvolutionClient *self)
{
  return e_shell_get_registry (self->shell);
}

static ESourceCredentialsProvider *
provider_of (ApppassEvolutionClient *self)
{
  return e_credentials_prompter_get_provider (e_shell_get_credentials_prompter (self->shell));
}

ApppassProtocol
apppass_evolution_client_receiving_protocol (ESource *account)
{
  ESourceBackend *ext = e_source_get_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT);
  const char *backend = e_source_backend_get_backend_name (ext);

  if (g_strcmp0 (backend, "imapx") == 0)
    return APPPASS_PROTOCOL_IMAP;
  if (g_strcmp0 (backend, "pop") == 0)
    return APPPASS_PROTOCOL_POP3;
  return APPPASS_N_PROTOCOLS;
}

/* The transport source @account sends with, through its identity. */
static ESource *
ref_transport (ApppassEvolutionClient *self, ESource *account)
{
  ESourceMailAccount *ext = e_source_get_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT);
  g_autofree char *identity_uid = e_source_mail_account_dup_identity_uid (ext);
  g_autoptr (ESource) identity = NULL;
  g_autofree char *transport_uid = NULL;

  if (identity_uid)
    identity = e_source_registry_ref_source (registry_of (self), identity_uid);
  if (identity == NULL || !e_source_has_extension (identity, E_SOURCE_EXTENSION_MAIL_SUBMISSION))
    return NULL;
  transport_uid = e_source_mail_submission_dup_transport_uid (
      e_source_get_extension (identity, E_SOURCE_EXTENSION_MAIL_SUBMISSION));
  return transport_uid ? e_source_registry_ref_source (registry_of (self), transport_uid) : NULL;
}

static ESource *
ref_account_with_transport (ApppassEvolutionClient *self, const char *transport_uid)
{
  GList *accounts =
      e_source_registry_list_sources (registry_of (self), E_SOURCE_EXTENSION_MAIL_ACCOUNT);
  ESource *found = NULL;

  for (GList *l = accounts; l && !found; l = l->next) {
    g_autoptr (ESource) transport = ref_transport (self, l->data);

    if (transport && g_strcmp0 (e_source_get_uid (transport), transport_uid) == 0)
      found = g_object_ref (l->data);
  }
  g_list_free_full (accounts, g_object_unref);
  return found;
}

gboolean
apppass_evolution_client_find_account (ApppassEvolutionClient *self, const char *uid,
                                       char **account_id, ApppassProtocol *protocol)
{
  g_autoptr (ESource) source = e_source_registry_ref_source (registry_of (self), uid);
  g_autoptr (ESource) account = NULL;

  if (source == NULL)
    return FALSE;
  if (e_source_has_extension (source, E_SOURCE_EXTENSION_MAIL_ACCOUNT)) {
    *protocol = apppass_evolution_client_receiving_protocol (source);
    account = g_object_ref (source);
  } else if (e_source_has_extension (source, E_SOURCE_EXTENSION_MAIL_TRANSPORT)) {
    *protocol = APPPASS_PROTOCOL_SMTP;
    account = ref_account_with_transport (self, uid);
  }
  if (account == NULL || *protocol == APPPASS_N_PROTOCOLS)
    return FALSE;
  *account_id = g_strdup (e_source_get_uid (account));
  return TRUE;
}

/* The source that logs in for @protocol: the account, or its transport. */
static ESource *
ref_side (ApppassEvolutionClient *self, const char *account_id, ApppassProtocol protocol)
{
  g_autoptr (ESource) account = e_source_registry_ref_source (registry_of (self), account_id);

  if (account == NULL || !e_source_has_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT))
    return NULL;
  if (protocol == APPPASS_PROTOCOL_SMTP)
    return ref_transport (self, account);
  return apppass_evolution_client_receiving_protocol (account) == protocol
             ? g_steal_pointer (&account)
             : NULL;
}

ESource *
apppass_evolution_client_ref_side_source (ApppassEvolutionClient *self, const char *account_id,
                                          ApppassProtocol protocol)
{
  ESource *account;

  if (protocol != APPPASS_N_PROTOCOLS)
    return ref_side (self, account_id, protocol);
  account = e_source_registry_ref_source (registry_of (self), account_id);
  if (account && !e_source_has_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT))
    g_clear_object (&account);
  return account;
}

ESource *
apppass_evolution_client_ref_credentials_source (ApppassEvolutionClient *self,
                                                 const char *account_id, ApppassProtocol protocol)
{
  g_autoptr (ESource) side = ref_side (self, account_id, protocol);
  ESource *cred;

  if (side == NULL)
    return NULL;
  cred = e_source_credentials_provider_ref_credentials_source (provider_of (self), side);
  return cred ? cred : g_steal_pointer (&side);
}

/* ENamedParameters keeps "name:value" strings and frees them unwiped; the
 * value returned points into its string, so the password is wiped there. */
void
apppass_evolution_credentials_free (ENamedParameters *credentials)
{
  const char *password =
      credentials ? e_named_parameters_get (credentials, E_SOURCE_CREDENTIAL_PASSWORD) : NULL;

  if (password)
    explicit_bzero ((char *)password, strlen (password));
  e_named_parameters_free (credentials);
}

static const char *
get_name (ApppassClient *client)
{
  (void)client;
  return "Evolution";
}

static ApppassSecurity
security_of (ESource *side)
{
  g_autofree char *method = NULL;

  if (!e_source_has_extension (side, E_SOURCE_EXTENSION_SECURITY))
    return APPPASS_SECURITY_NONE;
  method =
      e_source_security_dup_method (e_source_get_extension (side, E_SOURCE_EXTENSION_SECURITY));
  if (g_strcmp0 (method, "ssl-on-alternate-port") == 0)
    return APPPASS_SECURITY_TLS;
  if (g_strcmp0 (method, "starttls-on-standard-port") == 0)
    return APPPASS_SECURITY_STARTTLS;
  return APPPASS_SECURITY_NONE;
}

static guint16
default_port (ApppassProtocol protocol, ApppassSecurity security)
{
  gboolean tls = security == APPPASS_SECURITY_TLS;

  switch (protocol) {
  case APPPASS_PROTOCOL_IMAP:
    return tls ? 993 : 143;
  case APPPASS_PROTOCOL_POP3:
    return tls ? 995 : 110;
  default:
    return tls ? 465 : 25;
  }
}

static char *
address_of (ApppassEvolutionClient *self, ESource *account)
{
  ESourceMailAccount *ext = e_source_get_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT);
  g_autofree char *identity_uid = e_source_mail_account_dup_identity_uid (ext);
  g_autoptr (ESource) identity = NULL;

  if (identity_uid)
    identity = e_source_registry_ref_source (registry_of (self), identity_uid);
  if (identity == NULL || !e_source_has_extension (identity, E_SOURCE_EXTENSION_MAIL_IDENTITY))
    return NULL;
  return e_source_mail_identity_dup_address (
      e_source_get_extension (identity, E_SOURCE_EXTENSION_MAIL_IDENTITY));
}

/* ESource is a GProxyResolver where it carries proxy settings. */
static GProxyResolver *
proxy_of (ApppassEvolutionClient *self, ESourceAuthentication *auth)
{
  g_autofree char *uid = e_source_authentication_dup_proxy_uid (auth);
  ESource *proxy = uid ? e_source_registry_ref_source (registry_of (self), uid) : NULL;

  if (proxy && !e_source_has_extension (proxy, E_SOURCE_EXTENSION_PROXY))
    g_clear_object (&proxy);
  return proxy ? G_PROXY_RESOLVER (proxy) : NULL;
}

static ApppassAccount *
describe_account (ApppassClient *client, const char *id, ApppassProtocol protocol)
{
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (client);
  g_autoptr (ESource) side = ref_side (self, id, protocol);
  g_autoptr (ESource) account = e_source_registry_ref_source (registry_of (self), id);
  g_autoptr (ESource) cred = apppass_evolution_client_ref_credentials_source (self, id, protocol);
  ESourceAuthentication *auth;
  ApppassAccount *a;

  if (side == NULL || !e_source_has_extension (side, E_SOURCE_EXTENSION_AUTHENTICATION))
    return NULL;
  auth = e_source_get_extension (side, E_SOURCE_EXTENSION_AUTHENTICATION);
  a = g_new0 (ApppassAccount, 1);
  a->id = g_strdup (id);
  a->display_name = e_source_dup_display_name (account);
  a->address = address_of (self, account);
  a->protocol = protocol;
  a->host = e_source_authentication_dup_host (auth);
  a->security = security_of (side);
  a->port = e_source_authentication_get_port (auth);
  if (a->port == 0)
    a->port = default_port (protocol, a->security);
  a->user = e_source_authentication_dup_user (auth);
  a->proxy_resolver = proxy_of (self, auth);
  a->trusted_pem = apppass_evolution_trust_dup_accepted (a->host, a->port);
  a->remember_password = !e_source_has_extension (cred, E_SOURCE_EXTENSION_AUTHENTICATION) ||
                         e_source_authentication_get_remember_password (
                             e_source_get_extension (cred, E_SOURCE_EXTENSION_AUTHENTICATION));
  return a;
}

/* Accounts of GNOME Online Accounts keep their password there: Evolution's
 * credentials provider cannot store one for them. */
static gboolean
is_online_account (ESource *cred)
{
  return e_source_has_extension (cred, E_SOURCE_EXTENSION_GOA) ||
         e_source_has_extension (cred, E_SOURCE_EXTENSION_UOA);
}

/* The account's side, or the collection it belongs to, came from there. */
gboolean
apppass_evolution_client_is_online_account (ApppassEvolutionClient *self, const char *account_id,
                                            ApppassProtocol protocol)
{
  g_autoptr (ESource) source = ref_side (self, account_id, protocol);

  while (source && !is_online_account (source)) {
    const char *parent = e_source_get_parent (source);
    ESource *up =
        parent && *parent ? e_source_registry_ref_source (registry_of (self), parent) : NULL;

    g_object_unref (source);
    source = up;
  }
  return source != NULL;
}

typedef struct {
  char *account_id;
  ApppassProtocol protocol;
  ENamedParameters *credentials;
} Store;

static void
store_free (Store *s)
{
  g_free (s->account_id);
  apppass_evolution_credentials_free (s->credentials);
  g_free (s);
}

static char *
side_key (const char *account_id, ApppassProtocol protocol)
{
  return g_strdup_printf ("%s:%d", account_id, protocol);
}

static void
on_stored (GObject *provider, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  ApppassEvolutionClient *self = g_task_get_source_object (task);
  Store *s = g_task_get_task_data (task);
  GError *error = NULL;

  if (!e_source_credentials_provider_store_finish (E_SOURCE_CREDENTIALS_PROVIDER (provider), result,
                                                   &error)) {
    g_task_return_error (task, error);
    return;
  }
  /* A login of Evolution's waiting for this answer goes on with it now;
   * retry_login then has nothing left to do for that side. */
  if (apppass_evolution_wait_saved (
          s->account_id, s->protocol,
          e_named_parameters_get (s->credentials, E_SOURCE_CREDENTIAL_PASSWORD)) > 0)
    g_hash_table_add (self->retrying, side_key (s->account_id, s->protocol));
  g_task_return_boolean (task, TRUE);
}

static void
store_password (ApppassClient *client, const ApppassAccount *account, const char *password,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (client);
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autoptr (ESource) cred =
      apppass_evolution_client_ref_credentials_source (self, account->id, account->protocol);
  Store *s;

  if (cred == NULL ||
      apppass_evolution_client_is_online_account (self, account->id, account->protocol)) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s",
                             cred ? _ ("this account’s password is kept by Online Accounts")
                                  : _ ("the account no longer exists"));
    g_object_unref (task);
    return;
  }
  s = g_new0 (Store, 1);
  s->account_id = g_strdup (account->id);
  s->protocol = account->protocol;
  s->credentials = e_named_parameters_new ();
  e_named_parameters_set (s->credentials, E_SOURCE_CREDENTIAL_PASSWORD, password);
  g_task_set_task_data (task, s, (GDestroyNotify)store_free);
  e_source_credentials_provider_store (provider_of (self), cred, s->credentials,
                                       account->remember_password, cancellable, on_stored, task);
}

static gboolean
store_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  (void)client;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject *provider, GAsyncResult *result, gpointer data)
{
  g_autoptr (GTask) task = data;
  ENamedParameters *credentials = NULL;
  GError *error = NULL;

  if (!e_source_credentials_provider_lookup_finish (E_SOURCE_CREDENTIALS_PROVIDER (provider),
                                                    result, &credentials, &error)) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_pointer (
      task, g_strdup (e_named_parameters_get (credentials, E_SOURCE_CREDENTIAL_PASSWORD)),
      (GDestroyNotify)apppass_password_free);
  apppass_evolution_credentials_free (credentials);
}

static void
lookup_password (ApppassClient *client, const ApppassAccount *account, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (client);
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autoptr (ESource) cred =
      apppass_evolution_client_ref_credentials_source (self, account->id, account->protocol);

  if (cred == NULL) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                             _ ("the account no longer exists"));
    g_object_unref (task);
    return;
  }
  e_source_credentials_provider_lookup (provider_of (self), cred, cancellable, on_looked_up, task);
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
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (client);
  g_autofree char *key = side_key (account->id, account->protocol);
  EShellBackend *backend = e_shell_get_backend_by_name (self->shell, "mail");
  EMailSession *session;
  CamelService *service;

  if (g_hash_table_remove (self->retrying, key) || backend == NULL)
    return;
  session = e_mail_backend_get_session (E_MAIL_BACKEND (backend));
  if (account->protocol == APPPASS_PROTOCOL_SMTP) {
    mail_send_immediately (session);
    return;
  }
  service = camel_session_ref_service (CAMEL_SESSION (session), account->id);
  if (service)
    mail_receive_service (service);
  g_clear_object (&service);
}

static GtkWindow *
get_parent_window (ApppassClient *client)
{
  return gtk_application_get_active_window (
      GTK_APPLICATION (APPPASS_EVOLUTION_CLIENT (client)->shell));
}

static gboolean
open_uri (ApppassClient *client, const char *uri, GError **error)
{
  return gtk_show_uri_on_window (get_parent_window (client), uri, GDK_CURRENT_TIME, error);
}

void
apppass_evolution_client_set_editing_source (ApppassEvolutionClient *self, ESource *source)
{
  g_set_object (&self->editing, source);
}

static ESource *
ref_settings_source (ApppassEvolutionClient *self, const char *id)
{
  if (self->editing && g_strcmp0 (e_source_get_uid (self->editing), id) == 0)
    return g_object_ref (self->editing);
  return e_source_registry_ref_source (registry_of (self), id);
}

static char *
get_setting (ApppassClient *client, const char *id, const char *key)
{
  g_autoptr (ESource) source = ref_settings_source (APPPASS_EVOLUTION_CLIENT (client), id);

  return source ? apppass_evolution_settings_dup (source, key) : NULL;
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  (void)data;
  if (!e_source_write_finish (E_SOURCE (source), result, &error))
    g_warning ("apppass: the settings of “%s” were not saved: %s",
               e_source_get_display_name (E_SOURCE (source)), error->message);
}

/* The flow saves several settings at once: one write of the file for all. */
static gboolean
write_settings (gpointer data)
{
  ApppassEvolutionClient *self = data;
  GHashTableIter iter;
  gpointer uid;

  g_hash_table_iter_init (&iter, self->to_write);
  while (g_hash_table_iter_next (&iter, &uid, NULL)) {
    g_autoptr (ESource) source = e_source_registry_ref_source (registry_of (self), uid);

    if (source && e_source_get_writable (source))
      e_source_write (source, NULL, on_written, NULL);
    g_hash_table_iter_remove (&iter);
  }
  return G_SOURCE_REMOVE;
}

static void
set_setting (ApppassClient *client, const char *id, const char *key, const char *value)
{
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (client);
  g_autoptr (ESource) source = ref_settings_source (self, id);

  if (source == NULL)
    return;
  apppass_evolution_settings_set (source, key, value);
  if (source == self->editing)
    return; /* the account editor writes it */
  if (g_hash_table_size (self->to_write) == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, write_settings, g_object_ref (self), g_object_unref);
  g_hash_table_add (self->to_write, g_strdup (id));
}

static void
apppass_evolution_client_iface_init (ApppassClientInterface *iface)
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
  iface->get_oauth_help = apppass_evolution_oauth_get_help;
  iface->get_oauth_name = apppass_evolution_oauth_get_name;
  iface->can_switch_to_oauth = apppass_evolution_oauth_can_switch;
  iface->switch_to_oauth = apppass_evolution_oauth_switch;
  iface->can_undo_oauth_switch = apppass_evolution_oauth_can_undo;
  iface->undo_oauth_switch = apppass_evolution_oauth_undo;
}

static void
apppass_evolution_client_dispose (GObject *object)
{
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (object);

  g_clear_object (&self->editing);
  /* The flow holds its client: disposing the client lets both go. */
  g_clear_object (&self->flow);
  G_OBJECT_CLASS (apppass_evolution_client_parent_class)->dispose (object);
}

static void
apppass_evolution_client_finalize (GObject *object)
{
  ApppassEvolutionClient *self = APPPASS_EVOLUTION_CLIENT (object);

  g_hash_table_unref (self->to_write);
  g_hash_table_unref (self->retrying);
  G_OBJECT_CLASS (apppass_evolution_client_parent_class)->finalize (object);
}

static void
apppass_evolution_client_class_init (ApppassEvolutionClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = apppass_evolution_client_dispose;
  G_OBJECT_CLASS (klass)->finalize = apppass_evolution_client_finalize;
}

static void
apppass_evolution_client_init (ApppassEvolutionClient *self)
{
  self->to_write = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->retrying = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

ApppassEvolutionClient *
apppass_evolution_client_new (EShell *shell)
{
  ApppassEvolutionClient *self = g_object_new (APPPASS_EVOLUTION_TYPE_CLIENT, NULL);

  self->shell = shell; /* the shell outlives every window and module */
  return self;
}

ApppassFlow *
apppass_evolution_client_get_flow (ApppassEvolutionClient *self)
{
  if (self->flow == NULL) {
    self->flow = apppass_flow_new (APPPASS_CLIENT (self));
    apppass_evolution_wait_watch (self->flow);
  }
  return self->flow;
}

/* Evolution waits for its logins before it quits, and a login may be
 * waiting for our dialog: quitting answers it ("not now") and closes it. */
void
apppass_evolution_client_quit (ApppassEvolutionClient *self)
{
  self->quitting = TRUE;
  apppass_evolution_wait_end_all ();
  if (self->flow)
    apppass_flow_close_all (self->flow);
}

gboolean
apppass_evolution_client_is_quitting (ApppassEvolutionClient *self)
{
  return self->quitting;
}
