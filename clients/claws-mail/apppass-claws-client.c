/* apppass for Claws Mail — the adapter behind the shared plugin
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-claws.h"

#include <string.h>

#include "apppass-file.h"
#include "apppass-password.h"
#include "inc.h"
#include "mainwindow.h"
#include "passwordstore.h"
#include "prefs_common.h"
#include "toolbar.h"
#include "utils.h"

struct _ApppassClawsClient {
  GObject parent;
};

static void apppass_claws_client_iface_init (ApppassClientInterface *iface);

G_DEFINE_TYPE_WITH_CODE (ApppassClawsClient, apppass_claws_client, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (APPPASS_TYPE_CLIENT,
                                                apppass_claws_client_iface_init))

/* Our settings live in the account's "privacy prefs" slot, saved in accountrc. */
#define SETTINGS_ID "apppass"

char *
apppass_claws_account_key (const PrefsAccount *account)
{
  return g_strdup_printf ("%d", account->account_id);
}

PrefsAccount *
apppass_claws_account_from_key (const char *key)
{
  gint64 id;

  if (!g_ascii_string_to_signed (key, 10, 0, G_MAXINT, &id, NULL))
    return NULL;
  return account_find_from_id ((gint)id);
}

static const char *
get_name (ApppassClient *client)
{
  (void)client;
  return "Claws Mail";
}

static ApppassSecurity
security_of (SSLType type)
{
  if (type == SSL_TUNNEL)
    return APPPASS_SECURITY_TLS;
  if (type == SSL_STARTTLS)
    return APPPASS_SECURITY_STARTTLS;
  return APPPASS_SECURITY_NONE;
}

/* The certificate the user accepted in Claws for host:port, as PEM. */
static char *
accepted_certificate (const char *host, guint16 port)
{
  g_autofree char *name = g_strdup_printf ("%s.%u.cert", host, port);
  g_autofree char *path = g_build_filename (get_rc_dir (), "certs", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;
  char *pem = NULL;
  gsize length;

  /* Claws' own folder, but a FIFO or a device put there must not freeze
   * the mail client's window. */
  data = apppass_file_read_regular (path, APPPASS_FILE_MAX_CA, &length, NULL);
  if (data == NULL)
    return NULL;
  if (g_str_has_prefix (data, "-----BEGIN"))
    return g_steal_pointer (&data);
  der = g_byte_array_new ();
  g_byte_array_append (der, (guint8 *)data, (guint)length);
  cert = g_initable_new (g_tls_backend_get_certificate_type (g_tls_backend_get_default ()), NULL,
                         NULL, "certificate", der, NULL);
  if (cert)
    g_object_get (cert, "certificate-pem", &pem, NULL);
  return pem;
}

static GProxyResolver *
proxy_of (const PrefsAccount *account)
{
  const ProxyInfo *info = &account->proxy_info;
  g_autofree char *uri = NULL;

  if (!account->use_proxy)
    return NULL;
  if (account->use_default_proxy)
    info = &prefs_common_get_prefs ()->proxy_info;
  if (info->proxy_host == NULL || *info->proxy_host == '\0')
    return NULL;
  uri = g_strdup_printf ("%s://%s:%u", info->proxy_type == PROXY_SOCKS4 ? "socks4" : "socks5",
                         info->proxy_host, info->proxy_port);
  return g_simple_proxy_resolver_new (uri, NULL);
}

static void
describe_receive (const PrefsAccount *ac, ApppassAccount *a)
{
  SSLType ssl = ac->protocol == A_POP3 ? ac->ssl_pop : ac->ssl_imap;

  a->protocol = ac->protocol == A_POP3 ? APPPASS_PROTOCOL_POP3 : APPPASS_PROTOCOL_IMAP;
  a->host = g_strdup (ac->recv_server);
  a->security = security_of (ssl);
  if (ac->protocol == A_POP3)
    a->port = ac->set_popport ? ac->popport : (ssl == SSL_TUNNEL ? 995 : 110);
  else
    a->port = ac->set_imapport ? ac->imapport : (ssl == SSL_TUNNEL ? 993 : 143);
  a->user = g_strdup (ac->userid);
}

static void
describe_send (const PrefsAccount *ac, ApppassAccount *a)
{
  a->protocol = APPPASS_PROTOCOL_SMTP;
  a->host = g_strdup (ac->smtp_server);
  a->security = security_of (ac->ssl_smtp);
  a->port = ac->set_smtpport ? ac->smtpport : (ac->ssl_smtp == SSL_TUNNEL ? 465 : 25);
  a->user = g_strdup (ac->smtp_userid && *ac->smtp_userid ? ac->smtp_userid : ac->userid);
}

static ApppassAccount *
describe_live (const char *id, ApppassProtocol protocol)
{
  PrefsAccount *ac = apppass_claws_account_from_key (id);
  ApppassAccount *a;

  if (ac == NULL || (protocol != APPPASS_PROTOCOL_SMTP && ac->recv_server == NULL) ||
      (protocol == APPPASS_PROTOCOL_SMTP && ac->smtp_server == NULL))
    return NULL;
  a = g_new0 (ApppassAccount, 1);
  a->id = g_strdup (id);
  a->display_name = g_strdup (ac->account_name);
  a->address = g_strdup (ac->address);
  if (protocol == APPPASS_PROTOCOL_SMTP)
    describe_send (ac, a);
  else
    describe_receive (ac, a);
  a->proxy_resolver = proxy_of (ac);
  if (a->security != APPPASS_SECURITY_NONE)
    a->trusted_pem = accepted_certificate (a->host, a->port);
  a->remember_password = TRUE;
  return a;
}

/* The account whose preferences window is open. Claws edits a shallow copy
 * of the account there, and "Apply" frees the strings that the live account
 * still points to until "OK" copies the edited one back: reading the live
 * account then reads freed memory (a server named "" or garbage). So while
 * the window is open the account is described as it was when it opened,
 * which is also what Claws itself uses until "OK". */
typedef struct {
  int account_id;
  GtkWindow *window;
  ApppassAccount *sides[APPPASS_N_PROTOCOLS];
  GSList *stored; /* StoredWhileOpen */
} OpenPrefs;

/* A password apppass stored while the window was open, and what the store
 * held before: the Basic and Send pages write their (older) password entry
 * back on Apply and OK. */
typedef struct {
  const char *slot;
  char *password;
  char *before;
} StoredWhileOpen;

static OpenPrefs open_prefs;

static void
stored_free (StoredWhileOpen *s)
{
  apppass_password_free (s->password);
  apppass_password_free (s->before);
  g_free (s);
}

static ApppassAccount *
describe_account (ApppassClient *client, const char *id, ApppassProtocol protocol)
{
  PrefsAccount *ac = apppass_claws_account_from_key (id);

  (void)client;
  if (ac && open_prefs.window && ac->account_id == open_prefs.account_id)
    return open_prefs.sides[protocol] ? apppass_account_copy (open_prefs.sides[protocol]) : NULL;
  return describe_live (id, protocol);
}

void
apppass_claws_client_prefs_opened (const PrefsAccount *account, GtkWindow *window)
{
  g_autofree char *key = apppass_claws_account_key (account);

  apppass_claws_client_prefs_closed ();
  if (apppass_claws_account_from_key (key) != account)
    return; /* a new account, not in Claws' list yet */
  for (int p = 0; p < APPPASS_N_PROTOCOLS; p++)
    open_prefs.sides[p] = describe_live (key, (ApppassProtocol)p);
  open_prefs.account_id = account->account_id;
  open_prefs.window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&open_prefs.window);
}

/* After Claws' own pages saved (ours comes last): where one wrote its older
 * password over the one apppass checked and stored, that one is put back; a
 * password the user typed there since is theirs and stays. */
void
apppass_claws_client_prefs_saved (void)
{
  gboolean changed = FALSE;

  for (GSList *l = open_prefs.stored; l; l = l->next) {
    StoredWhileOpen *s = l->data;
    char *now;

    if (s->password == NULL)
      continue;
    now = passwd_store_get_account (open_prefs.account_id, s->slot);
    if (g_strcmp0 (now ? now : "", s->before ? s->before : "") == 0)
      changed |= passwd_store_set_account (open_prefs.account_id, s->slot, s->password, FALSE);
    else if (g_strcmp0 (now, s->password) != 0)
      g_clear_pointer (&s->password, apppass_password_free);
    apppass_password_free (now);
  }
  if (changed)
    passwd_store_write_config ();
}

void
apppass_claws_client_prefs_closed (void)
{
  if (open_prefs.window)
    g_object_remove_weak_pointer (G_OBJECT (open_prefs.window), (gpointer *)&open_prefs.window);
  for (int p = 0; p < APPPASS_N_PROTOCOLS; p++)
    g_clear_pointer (&open_prefs.sides[p], apppass_account_free);
  g_slist_free_full (g_steal_pointer (&open_prefs.stored), (GDestroyNotify)stored_free);
  open_prefs.window = NULL;
  open_prefs.account_id = 0;
}

static void
remember_stored (const PrefsAccount *ac, const char *slot, const char *password, char *before)
{
  StoredWhileOpen *s;

  if (open_prefs.window == NULL || ac->account_id != open_prefs.account_id) {
    apppass_password_free (before);
    return;
  }
  s = g_new0 (StoredWhileOpen, 1);
  s->slot = slot;
  s->password = g_strdup (password);
  s->before = before;
  open_prefs.stored = g_slist_prepend (open_prefs.stored, s);
}

/* SMTP logs in with the receiving login where its own user is empty or the same. */
static gboolean
send_shares_login (const PrefsAccount *ac)
{
  return ac->use_smtp_auth && (ac->smtp_userid == NULL || *ac->smtp_userid == '\0' ||
                               g_strcmp0 (ac->smtp_userid, ac->userid) == 0);
}

static gboolean
store_slot (const PrefsAccount *ac, const char *slot, const char *password)
{
  char *before = passwd_store_get_account (ac->account_id, slot);

  if (!passwd_store_set_account (ac->account_id, slot, password, FALSE)) {
    apppass_password_free (before);
    return FALSE;
  }
  remember_stored (ac, slot, password, before);
  return TRUE;
}

static gboolean
store_now (const ApppassAccount *a, const char *password, GError **error)
{
  PrefsAccount *ac = apppass_claws_account_from_key (a->id);
  gboolean ok;

  if (ac == NULL) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _ ("The account no longer exists."));
    return FALSE;
  }
  if (a->protocol == APPPASS_PROTOCOL_SMTP && !send_shares_login (ac))
    ok = store_slot (ac, PWS_ACCOUNT_SEND, password);
  else {
    ok = store_slot (ac, PWS_ACCOUNT_RECV, password);
    if (ok && ac->use_smtp_auth && ac->smtp_userid && *ac->smtp_userid &&
        g_strcmp0 (ac->smtp_userid, ac->userid) == 0)
      ok = store_slot (ac, PWS_ACCOUNT_SEND, password);
  }
  if (!ok) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _ ("Claws Mail’s password store refused it (is the primary passphrase "
                            "entered?)."));
    return FALSE;
  }
  g_clear_pointer (&ac->session_passwd, apppass_password_free);
  passwd_store_write_config ();
  return TRUE;
}

static void
store_password (ApppassClient *client, const ApppassAccount *account, const char *password,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (client, cancellable, callback, user_data);
  GError *error = NULL;

  /* Claws' store is main-thread only; it may ask for the primary passphrase. */
  if (store_now (account, password, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
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
  PrefsAccount *ac = apppass_claws_account_from_key (account->id);
  const char *slot = account->protocol == APPPASS_PROTOCOL_SMTP && ac && !send_shares_login (ac)
                         ? PWS_ACCOUNT_SEND
                         : PWS_ACCOUNT_RECV;
  char *password = ac ? passwd_store_get_account (ac->account_id, slot) : NULL;

  if (password == NULL && ac && ac->session_passwd)
    password = g_strdup (ac->session_passwd);
  g_task_return_pointer (task, password, (GDestroyNotify)apppass_password_free);
}

static char *
lookup_password_finish (ApppassClient *client, GAsyncResult *result, GError **error)
{
  (void)client;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Pending retries, removed when the plugin unloads. */
static GSList *retries;

static gboolean
retry_now (gpointer data)
{
  PrefsAccount *ac = account_find_from_id (GPOINTER_TO_INT (data) >> 1);

  /* "Edit accounts" and the account's preferences lock Claws' mail check
   * while open, which would drop the retry: it waits for them to close. */
  if (ac && inc_lock_count > 0)
    return G_SOURCE_CONTINUE;
  retries = g_slist_remove (retries, GUINT_TO_POINTER (g_source_get_id (g_main_current_source ())));

  if (ac == NULL || mainwindow_get_mainwindow () == NULL)
    return G_SOURCE_REMOVE;
  if (GPOINTER_TO_INT (data) & 1)
    send_queue_cb (mainwindow_get_mainwindow (), 0, NULL);
  else
    inc_account_mail (mainwindow_get_mainwindow (), ac);
  return G_SOURCE_REMOVE;
}

/* Claws refuses to reconnect while time(NULL) is within two seconds of its
 * last failed login: wait long enough for any rounding. */
#define RETRY_DELAY_S 4

static void
retry_login (ApppassClient *client, const ApppassAccount *account)
{
  PrefsAccount *ac = apppass_claws_account_from_key (account->id);
  int send = account->protocol == APPPASS_PROTOCOL_SMTP;

  (void)client;
  if (ac)
    retries = g_slist_prepend (
        retries, GUINT_TO_POINTER (g_timeout_add_seconds (
                     RETRY_DELAY_S, retry_now, GINT_TO_POINTER (ac->account_id << 1 | send))));
}

void
apppass_claws_client_cancel_retries (void)
{
  for (GSList *l = retries; l; l = l->next)
    g_source_remove (GPOINTER_TO_UINT (l->data));
  g_clear_pointer (&retries, g_slist_free);
}

static gboolean
open_uri_claws (ApppassClient *client, const char *uri, GError **error)
{
  (void)client;
  if (open_uri (uri, prefs_common_get_uri_cmd ()) != 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _ ("the browser command in Claws Mail’s preferences failed"));
    return FALSE;
  }
  return TRUE;
}

static GtkWindow *
get_parent_window (ApppassClient *client)
{
  MainWindow *main = mainwindow_get_mainwindow ();

  (void)client;
  if (open_prefs.window)
    return open_prefs.window;
  return main ? GTK_WINDOW (main->window) : NULL;
}

/* The settings are one line of "key=value" pairs separated by tabs; keys and
 * values are plain words and numbers of our own. */
static GHashTable *
read_settings (PrefsAccount *ac)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *line = prefs_account_get_privacy_prefs (ac, SETTINGS_ID);
  g_auto (GStrv) pairs = g_strsplit (line ? line : "", "\t", -1);

  for (guint i = 0; pairs[i]; i++) {
    char *eq = strchr (pairs[i], '=');

    if (eq)
      g_hash_table_replace (table, g_strndup (pairs[i], eq - pairs[i]), g_strdup (eq + 1));
  }
  return table;
}

static char *
get_setting (ApppassClient *client, const char *id, const char *key)
{
  PrefsAccount *ac = apppass_claws_account_from_key (id);
  g_autoptr (GHashTable) table = NULL;

  (void)client;
  if (ac == NULL)
    return NULL;
  table = read_settings (ac);
  return g_strdup (g_hash_table_lookup (table, key));
}

static void
set_setting (ApppassClient *client, const char *id, const char *key, const char *value)
{
  PrefsAccount *ac = apppass_claws_account_from_key (id);
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GString) line = g_string_new (NULL);
  GHashTableIter iter;
  gpointer k, v;

  (void)client;
  if (ac == NULL || (value && (strchr (value, '\t') || strchr (value, '\n'))))
    return;
  table = read_settings (ac);
  if (value)
    g_hash_table_replace (table, g_strdup (key), g_strdup (value));
  else
    g_hash_table_remove (table, key);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &k, &v))
    g_string_append_printf (line, "%s%s=%s", line->len ? "\t" : "", (char *)k, (char *)v);
  prefs_account_set_privacy_prefs (ac, SETTINGS_ID, line->str);
}

static void
apppass_claws_client_iface_init (ApppassClientInterface *iface)
{
  iface->get_name = get_name;
  iface->describe_account = describe_account;
  iface->store_password = store_password;
  iface->store_password_finish = store_password_finish;
  iface->lookup_password = lookup_password;
  iface->lookup_password_finish = lookup_password_finish;
  iface->retry_login = retry_login;
  iface->open_uri = open_uri_claws;
  iface->get_parent_window = get_parent_window;
  iface->get_setting = get_setting;
  iface->set_setting = set_setting;
  iface->get_oauth_help = apppass_claws_oauth_get_help;
  iface->can_switch_to_oauth = apppass_claws_oauth_can_switch;
  iface->switch_to_oauth = apppass_claws_oauth_switch;
  iface->oauth_needs_client_id = apppass_claws_oauth_needs_client_id;
}

ApppassClawsClient *
apppass_claws_client_new (void)
{
  return g_object_new (APPPASS_CLAWS_TYPE_CLIENT, NULL);
}

static void
apppass_claws_client_class_init (ApppassClawsClientClass *klass)
{
  (void)klass;
}

static void
apppass_claws_client_init (ApppassClawsClient *self)
{
  (void)self;
}
