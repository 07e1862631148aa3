/* apppass for Evolution — one step to Evolution's own OAuth 2.0 sign-in, and back
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-oauth.h"

#include "apppass-evolution-client.h"
#include "apppass-evolution-source.h"
#include "apppass-evolution-wait.h"
#include "apppass-intl.h"

#include <string.h>

#include <mail/e-mail-config-notebook.h>

#include "apppass-provider.h"

/* In the account's [App Password] group: "uid=method;…" for every source the
 * switch changed, so that Undo gives each its own method back. */
#define PREVIOUS_KEY "oauth-previous"

static ESourceRegistry *
registry (void)
{
  return e_shell_get_registry (e_shell_get_default ());
}

static const char *
backend_of (ApppassProtocol protocol)
{
  switch (protocol) {
  case APPPASS_PROTOCOL_IMAP:
    return "imapx";
  case APPPASS_PROTOCOL_POP3:
    return "pop";
  default:
    return "smtp";
  }
}

static const ApppassProvider *
provider_of (const ApppassAccount *account)
{
  return apppass_provider_db_identify (apppass_provider_db_get_default (), account->protocol,
                                       account->host,
                                       account->address ? account->address : account->user);
}

static EOAuth2Service *
guess (EOAuth2Services *services, ApppassProtocol protocol, const char *host)
{
  if (host == NULL || strpbrk (host, "*?"))
    return NULL;
  return e_oauth2_services_guess (services, backend_of (protocol), host);
}

/* Evolution knows its services by their servers' names; an account on another
 * host (a test server, a proxy's name) is known by its provider's own servers. */
static EOAuth2Service *
guess_for_provider (EOAuth2Services *services, const ApppassProvider *provider)
{
  for (ApppassProtocol p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    const char *const *hosts = apppass_provider_get_hosts (provider, p);
    const char *server = NULL;
    EOAuth2Service *service = NULL;

    for (guint i = 0; hosts && hosts[i] && !service; i++)
      service = guess (services, p, hosts[i]);
    if (!service && apppass_provider_get_server (provider, p, &server, NULL, NULL))
      service = guess (services, p, server);
    if (service)
      return service;
  }
  return NULL;
}

/* This Evolution's OAuth 2.0 service for @account, asked from
 * evolution-data-server; NULL where it has none, or none with a client ID. */
static EOAuth2Service *
find_service (const ApppassAccount *account)
{
  EOAuth2Services *services = e_source_registry_get_oauth2_services (registry ());
  g_autoptr (ESource) source = e_source_registry_ref_source (registry (), account->id);
  const ApppassProvider *provider = provider_of (account);
  EOAuth2Service *service;
  const char *client_id;

  if (services == NULL || source == NULL || provider == NULL)
    return NULL;
  service = guess (services, account->protocol, account->host);
  if (service == NULL)
    service = guess_for_provider (services, provider);
  if (service == NULL)
    return NULL;
  client_id = e_oauth2_service_get_client_id (service, source);
  if (client_id == NULL || *client_id == '\0') {
    g_object_unref (service);
    return NULL;
  }
  return service;
}

/* The sources whose method decides how the account signs in: the account,
 * its transport and the collection it belongs to. */
static GPtrArray *
ref_sources (ApppassEvolutionClient *client, const char *account_id)
{
  GPtrArray *sources = g_ptr_array_new_with_free_func (g_object_unref);
  ESource *account =
      apppass_evolution_client_ref_side_source (client, account_id, APPPASS_N_PROTOCOLS);
  ESource *transport =
      apppass_evolution_client_ref_side_source (client, account_id, APPPASS_PROTOCOL_SMTP);
  const char *parent = account ? e_source_get_parent (account) : NULL;
  ESource *collection =
      parent && *parent ? e_source_registry_ref_source (registry (), parent) : NULL;

  if (account)
    g_ptr_array_add (sources, account);
  if (transport)
    g_ptr_array_add (sources, transport);
  if (collection && e_source_has_extension (collection, E_SOURCE_EXTENSION_COLLECTION))
    g_ptr_array_add (sources, collection);
  else
    g_clear_object (&collection);
  for (guint i = sources->len; i-- > 0;)
    if (!e_source_has_extension (g_ptr_array_index (sources, i), E_SOURCE_EXTENSION_AUTHENTICATION))
      g_ptr_array_remove_index (sources, i);
  return sources;
}

static ESourceAuthentication *
auth_of (ESource *source)
{
  return e_source_get_extension (source, E_SOURCE_EXTENSION_AUTHENTICATION);
}

char *
apppass_evolution_oauth_get_name (ApppassClient *client, const ApppassAccount *account)
{
  g_autoptr (EOAuth2Service) service = find_service (account);
  const ApppassProvider *provider = provider_of (account);

  (void)client;
  if (service == NULL)
    return NULL;
  return g_strdup (provider ? apppass_provider_get_name (provider)
                            : e_oauth2_service_get_display_name (service));
}

gboolean
apppass_evolution_oauth_can_switch (ApppassClient *client, const ApppassAccount *account)
{
  g_autoptr (EOAuth2Service) service = NULL;

  if (apppass_evolution_client_is_online_account (APPPASS_EVOLUTION_CLIENT (client), account->id,
                                                  account->protocol))
    return FALSE;
  service = find_service (account);
  return service != NULL;
}

char *
apppass_evolution_oauth_get_help (ApppassClient *client, const ApppassAccount *account)
{
  if (apppass_evolution_client_is_online_account (APPPASS_EVOLUTION_CLIENT (client), account->id,
                                                  account->protocol))
    return g_strdup (_ ("This account comes from Online Accounts: remove it in Settings → Online "
                        "Accounts and add it again there under the provider’s own name, which "
                        "signs in with OAuth 2.0."));
  if (apppass_evolution_oauth_can_switch (client, account))
    return g_strdup (_ ("Evolution has this provider’s sign-in built in: after the switch it "
                        "opens the provider’s sign-in page in a window of its own and keeps the "
                        "tokens. Your stored password is kept, in case you switch back."));
  return g_strdup (_ ("This Evolution has no OAuth 2.0 sign-in for this account’s servers. Add "
                      "the account in Settings → Online Accounts, or, for Microsoft 365, as an "
                      "“Exchange Web Services” account with “OAuth2 (Office365)” "
                      "authentication (package evolution-ews): in Evolution, File → New → Mail "
                      "Account."));
}

/* Writes every source; on a failure the ones already written get @previous back. */
static gboolean
write_all (GPtrArray *sources, char **previous, GError **error)
{
  for (guint i = 0; i < sources->len; i++) {
    if (e_source_write_sync (g_ptr_array_index (sources, i), NULL, error))
      continue;
    for (guint j = 0; j < sources->len; j++) {
      ESource *source = g_ptr_array_index (sources, j);

      e_source_authentication_set_method (auth_of (source), previous[j]);
      if (j < i)
        e_source_write_sync (source, NULL, NULL);
    }
    return FALSE;
  }
  return TRUE;
}

/* The account whose sign-in Evolution's prompter shows, and its adapter. */
typedef struct {
  ApppassClient *client;
  ApppassAccount *account;
} SignIn;

static void
on_prompted (GObject *prompter, GAsyncResult *result, gpointer data)
{
  SignIn *sign_in = data;
  ESource *source = NULL;
  ENamedParameters *credentials = NULL;

  if (e_credentials_prompter_prompt_finish (E_CREDENTIALS_PROMPTER (prompter), result, &source,
                                            &credentials, NULL) &&
      credentials)
    apppass_client_retry_login (sign_in->client, sign_in->account);
  apppass_evolution_credentials_free (credentials);
  g_clear_object (&source);
  g_object_unref (sign_in->client);
  apppass_account_free (sign_in->account);
  g_free (sign_in);
}

/* Evolution's OAuth 2.0 prompter shows the provider's page and keeps the tokens. */
static void
start_sign_in (ApppassEvolutionClient *client, ESource *account_source,
               const ApppassAccount *account)
{
  ECredentialsPrompter *prompter = e_shell_get_credentials_prompter (e_shell_get_default ());
  g_autoptr (ESource) source = apppass_evolution_client_ref_credentials_source (
      client, account->id, apppass_evolution_client_receiving_protocol (account_source));
  SignIn *sign_in = g_new0 (SignIn, 1);

  if (source == NULL)
    source = g_object_ref (account_source);
  sign_in->client = g_object_ref (APPPASS_CLIENT (client));
  sign_in->account = apppass_account_copy (account);
  e_credentials_prompter_prompt (prompter, source, NULL, E_CREDENTIALS_PROMPTER_PROMPT_FLAG_NONE,
                                 on_prompted, sign_in);
}

gboolean
apppass_evolution_oauth_switch (ApppassClient *client, const ApppassAccount *account,
                                GError **error)
{
  g_autoptr (EOAuth2Service) service = find_service (account);
  g_autoptr (GPtrArray) sources = ref_sources (APPPASS_EVOLUTION_CLIENT (client), account->id);
  g_autoptr (GString) record = g_string_new (NULL);
  g_auto (GStrv) previous = g_new0 (char *, sources->len + 1);
  ESource *account_source;

  if (service == NULL || sources->len == 0 ||
      apppass_evolution_client_is_online_account (APPPASS_EVOLUTION_CLIENT (client), account->id,
                                                  account->protocol)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _ ("Evolution has no OAuth 2.0 sign-in for this account"));
    return FALSE;
  }
  account_source = g_ptr_array_index (sources, 0);
  for (guint i = 0; i < sources->len; i++) {
    ESource *source = g_ptr_array_index (sources, i);

    previous[i] = e_source_authentication_dup_method (auth_of (source));
    g_string_append_printf (record, "%s=%s;", e_source_get_uid (source),
                            previous[i] ? previous[i] : "");
    e_source_authentication_set_method (auth_of (source), e_oauth2_service_get_name (service));
  }
  apppass_evolution_settings_set (account_source, PREVIOUS_KEY, record->str);
  if (!write_all (sources, previous, error)) {
    apppass_evolution_settings_set (account_source, PREVIOUS_KEY, NULL);
    return FALSE;
  }
  /* Evolution's logins still waiting for a password give up now: the
   * password prompt is over, and its place in Evolution's queue of prompts
   * is the sign-in's. */
  apppass_evolution_wait_ended (account->id);
  start_sign_in (APPPASS_EVOLUTION_CLIENT (client), account_source, account);
  return TRUE;
}

/* Account editors open now: account UID -> GWeakRef to its EMailConfigNotebook. */
static GHashTable *editors;

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

void
apppass_evolution_oauth_editor_opened (const char *account_id, GObject *notebook)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  if (editors == NULL)
    editors =
        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)weak_ref_free);
  g_weak_ref_init (ref, notebook);
  g_hash_table_replace (editors, g_strdup (account_id), ref);
}

static EMailConfigNotebook *
ref_editor (const char *account_id)
{
  GWeakRef *ref = editors ? g_hash_table_lookup (editors, account_id) : NULL;

  return ref ? g_weak_ref_get (ref) : NULL;
}

static char *
dup_previous (ESource *account)
{
  g_autofree char *record = apppass_evolution_settings_dup (account, PREVIOUS_KEY);

  return record && *record ? g_steal_pointer (&record) : NULL;
}

static ESource *
ref_account (ApppassClient *client, const char *account_id)
{
  g_autoptr (GObject) editor = (GObject *)ref_editor (account_id);

  if (editor)
    return g_object_ref (
        e_mail_config_notebook_get_account_source (E_MAIL_CONFIG_NOTEBOOK (editor)));
  return apppass_evolution_client_ref_side_source (APPPASS_EVOLUTION_CLIENT (client), account_id,
                                                   APPPASS_N_PROTOCOLS);
}

gboolean
apppass_evolution_oauth_can_undo (ApppassClient *client, const char *account_id)
{
  g_autoptr (ESource) account = ref_account (client, account_id);
  g_autofree char *record = account ? dup_previous (account) : NULL;
  g_autofree char *method = NULL;

  if (record == NULL || !e_source_has_extension (account, E_SOURCE_EXTENSION_AUTHENTICATION))
    return FALSE;
  /* Changed by hand since: the record no longer describes the account. */
  method = e_source_authentication_dup_method (auth_of (account));
  return e_oauth2_services_is_oauth2_alias (e_source_registry_get_oauth2_services (registry ()),
                                            method);
}

/* The editor's pages show, and write back at OK, the Camel settings of a
 * source: the method goes there too. */
static void
set_copy_method (ESource *copy, const char *method)
{
  const char *kinds[] = {E_SOURCE_EXTENSION_MAIL_ACCOUNT, E_SOURCE_EXTENSION_MAIL_TRANSPORT};

  e_source_authentication_set_method (auth_of (copy), method);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
    const char *backend;
    const char *name;

    if (!e_source_has_extension (copy, kinds[k]))
      continue;
    backend = e_source_backend_get_backend_name (e_source_get_extension (copy, kinds[k]));
    name = backend ? e_source_camel_get_extension_name (backend) : NULL;
    if (name && e_source_has_extension (copy, name)) {
      CamelSettings *settings = e_source_camel_get_settings (e_source_get_extension (copy, name));

      if (CAMEL_IS_NETWORK_SETTINGS (settings))
        camel_network_settings_set_auth_mechanism (CAMEL_NETWORK_SETTINGS (settings), method);
    }
  }
}

/* In the account editor the change goes into its copies of the sources,
 * which show it in Evolution's own fields and are written by its OK. */
/* Undos waiting for the editor's OK: account UID -> "uid=method;…". */
static GHashTable *pending;

static void
apply_entries (ESource *const *copies, guint n, char **entries)
{
  for (guint i = 0; entries[i]; i++) {
    char *eq = strchr (entries[i], '=');
    gsize len = eq ? (gsize)(eq - entries[i]) : 0;

    for (guint c = 0; eq && c < n; c++) {
      const char *uid = copies[c] ? e_source_get_uid (copies[c]) : NULL;

      if (uid && strncmp (uid, entries[i], len) == 0 && uid[len] == '\0' &&
          e_source_has_extension (copies[c], E_SOURCE_EXTENSION_AUTHENTICATION))
        set_copy_method (copies[c], *(eq + 1) ? eq + 1 : NULL);
    }
  }
}

/* Evolution's sending page writes its own choice of method when the editor
 * commits: the undo is applied again after it, to the sources it writes. */
void
apppass_evolution_oauth_editor_commit (const char *account_id, GQueue *sources)
{
  g_autofree char *record = NULL;
  g_auto (GStrv) entries = NULL;
  g_autoptr (GPtrArray) copies = g_ptr_array_new ();

  if (pending == NULL ||
      !g_hash_table_steal_extended (pending, account_id, NULL, (gpointer *)&record))
    return;
  entries = g_strsplit (record, ";", -1);
  for (GList *l = g_queue_peek_head_link (sources); l; l = l->next)
    if (E_IS_SOURCE (l->data))
      g_ptr_array_add (copies, l->data);
  apply_entries ((ESource *const *)copies->pdata, copies->len, entries);
}

static void
undo_in_editor (EMailConfigNotebook *editor, const char *account_id, const char *record,
                char **entries)
{
  ESource *copies[] = {e_mail_config_notebook_get_account_source (editor),
                       e_mail_config_notebook_get_transport_source (editor),
                       e_mail_config_notebook_get_collection_source (editor)};

  apply_entries (copies, G_N_ELEMENTS (copies), entries);
  apppass_evolution_settings_set (copies[0], PREVIOUS_KEY, NULL);
  if (pending == NULL)
    pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (pending, g_strdup (account_id), g_strdup (record));
}

gboolean
apppass_evolution_oauth_undo (ApppassClient *client, const char *account_id, GError **error)
{
  g_autoptr (GObject) editor = (GObject *)ref_editor (account_id);
  g_autoptr (ESource) account = ref_account (client, account_id);
  g_autofree char *record = account ? dup_previous (account) : NULL;
  g_auto (GStrv) entries = NULL;

  if (record == NULL || !apppass_evolution_oauth_can_undo (client, account_id)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _ ("apppass did not switch this account to OAuth 2.0"));
    return FALSE;
  }
  entries = g_strsplit (record, ";", -1);
  if (editor) {
    undo_in_editor (E_MAIL_CONFIG_NOTEBOOK (editor), account_id, record, entries);
    return TRUE;
  }
  for (guint i = 0; entries[i]; i++) {
    char *eq = strchr (entries[i], '=');
    g_autoptr (ESource) source = NULL;

    if (eq == NULL)
      continue;
    *eq = '\0';
    source = e_source_registry_ref_source (registry (), entries[i]);
    if (source && e_source_has_extension (source, E_SOURCE_EXTENSION_AUTHENTICATION))
      e_source_authentication_set_method (auth_of (source), *(eq + 1) ? eq + 1 : NULL);
    if (source && g_strcmp0 (e_source_get_uid (source), account_id) != 0 &&
        !e_source_write_sync (source, NULL, error))
      return FALSE;
  }
  apppass_evolution_settings_set (account, PREVIOUS_KEY, NULL);
  return e_source_write_sync (account, NULL, error);
}
