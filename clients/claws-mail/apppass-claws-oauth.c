/* apppass for Claws Mail — the way to Claws' own OAuth 2.0, which needs a client ID
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Claws Mail signs in with OAuth 2.0 (Google, Outlook, Exchange, Yahoo) but
 * ships no client IDs: the user registers an application with the provider
 * and enters its ID on the account's OAuth2 page. apppass cannot do that for
 * them; it opens the account's preferences on that page with the methods
 * already set, in Claws' own fields, so that OK applies them and Cancel
 * changes nothing. */

#include "apppass-claws.h"

#include "apppass-provider.h"
#include "common/smtp.h"
#include "imap.h"

/* Claws' Oauth2Service (oauth2.h, which only declares it where Claws' own
 * build defines USE_OAUTH2): the order of its OAuth2 page's list. */
enum {
  APPPASS_CLAWS_OAUTH2_GOOGLE = 1,
  APPPASS_CLAWS_OAUTH2_OUTLOOK = 2,
  APPPASS_CLAWS_OAUTH2_EXCHANGE = 3,
  APPPASS_CLAWS_OAUTH2_YAHOO = 4,
};

static const struct {
  const char *provider;
  int service;
} services[] = {
    {"google", APPPASS_CLAWS_OAUTH2_GOOGLE},
    {"outlook", APPPASS_CLAWS_OAUTH2_OUTLOOK},
    {"microsoft365", APPPASS_CLAWS_OAUTH2_EXCHANGE},
    {"yahoo", APPPASS_CLAWS_OAUTH2_YAHOO},
};

/* The fields of the account that the preset changes. */
typedef struct {
  int imap_auth_type;
  POPAuthType pop_auth_type;
  gboolean use_pop_auth;
  gboolean use_smtp_auth;
  SMTPAuthType smtp_auth_type;
  int oauth2_provider;
} AuthFields;

static const ApppassProvider *
provider_of (const ApppassAccount *account)
{
  return apppass_provider_db_identify (apppass_provider_db_get_default (), account->protocol,
                                       account->host,
                                       account->address ? account->address : account->user);
}

static int
service_of (const ApppassAccount *account)
{
  const ApppassProvider *provider = provider_of (account);

  for (guint i = 0; provider && i < G_N_ELEMENTS (services); i++)
    if (g_strcmp0 (apppass_provider_get_id (provider), services[i].provider) == 0)
      return services[i].service;
  return 0;
}

static AuthFields
fields_of (const PrefsAccount *ac)
{
  AuthFields f = {ac->imap_auth_type, ac->pop_auth_type,  ac->use_pop_auth,
                  ac->use_smtp_auth,  ac->smtp_auth_type, ac->oauth2_provider};

  return f;
}

static void
set_fields (PrefsAccount *ac, const AuthFields *f)
{
  ac->imap_auth_type = f->imap_auth_type;
  ac->pop_auth_type = f->pop_auth_type;
  ac->use_pop_auth = f->use_pop_auth;
  ac->use_smtp_auth = f->use_smtp_auth;
  ac->smtp_auth_type = f->smtp_auth_type;
  ac->oauth2_provider = f->oauth2_provider;
}

static gboolean
uses_oauth2 (const PrefsAccount *ac)
{
  gboolean receive = ac->protocol == A_POP3
                         ? ac->use_pop_auth && ac->pop_auth_type == POPAUTH_OAUTH2
                         : ac->imap_auth_type == IMAP_AUTH_OAUTH2;

  return receive && ac->use_smtp_auth && ac->smtp_auth_type == SMTPAUTH_OAUTH2;
}

gboolean
apppass_claws_oauth_can_switch (ApppassClient *client, const ApppassAccount *account)
{
  PrefsAccount *ac = apppass_claws_account_from_key (account->id);

  (void)client;
  return ac && (ac->protocol == A_IMAP4 || ac->protocol == A_POP3) && service_of (account) != 0;
}

gboolean
apppass_claws_oauth_needs_client_id (ApppassClient *client)
{
  (void)client;
  return TRUE;
}

char *
apppass_claws_oauth_get_help (ApppassClient *client, const ApppassAccount *account)
{
  const ApppassProvider *provider = provider_of (account);
  const char *name = provider ? apppass_provider_get_name (provider) : _ ("the provider");

  if (!apppass_claws_oauth_can_switch (client, account))
    return g_strdup (_ ("Claws Mail signs in with OAuth 2.0 to Google, Microsoft and Yahoo only. "
                        "For this account, ask the provider which sign-in mail programs can "
                        "use."));
  return g_strdup_printf (
      _ ("Claws Mail can sign in with OAuth 2.0, but it comes without the “client ID” that %s "
         "asks of every program that signs in this way. You get one by registering an "
         "application with %s (free of charge; %s may ask you to create a developer account "
         "first), and then enter its client ID, and where %s gives one its client secret, on this "
         "account’s OAuth2 page. The OAuth2 settings open with OAuth2 already chosen for "
         "receiving and sending; nothing changes until you press OK."),
      name, name, name, name);
}

typedef struct {
  PrefsAccount *ac;
  AuthFields saved;
  gboolean shown;
} Preset;

static GtkTreeView *
find_tree_view (GtkWidget *widget)
{
  GList *children;
  GtkTreeView *found = NULL;

  if (GTK_IS_TREE_VIEW (widget))
    return GTK_TREE_VIEW (widget);
  if (!GTK_IS_CONTAINER (widget))
    return NULL;
  children = gtk_container_get_children (GTK_CONTAINER (widget));
  for (GList *l = children; l && !found; l = l->next)
    found = find_tree_view (l->data);
  g_list_free (children);
  return found;
}

static gboolean
select_row (GtkTreeView *view, const char *title)
{
  GtkTreeModel *model = gtk_tree_view_get_model (view);
  GtkTreeIter parent, child;

  for (gboolean p = gtk_tree_model_get_iter_first (model, &parent); p;
       p = gtk_tree_model_iter_next (model, &parent))
    for (gboolean c = gtk_tree_model_iter_children (model, &child, &parent); c;
         c = gtk_tree_model_iter_next (model, &child)) {
      g_autofree char *name = NULL;
      g_autoptr (GtkTreePath) path = NULL;

      gtk_tree_model_get (model, &child, 0, &name, -1);
      if (g_strcmp0 (name, title) != 0)
        continue;
      path = gtk_tree_model_get_path (model, &child);
      gtk_tree_view_expand_to_path (view, path);
      gtk_tree_view_set_cursor (view, path, NULL, FALSE);
      return TRUE;
    }
  return FALSE;
}

/* The preferences window is built, its fields read from the account: the
 * account gets its own values back at once, and the window shows its OAuth2
 * page. */
static gboolean
show_oauth2_page (gpointer data)
{
  Preset *preset = data;
  GList *windows = gtk_window_list_toplevels ();
  const char *title = g_dgettext ("claws-mail", "OAuth2");

  set_fields (preset->ac, &preset->saved);
  for (GList *l = windows; l && !preset->shown; l = l->next) {
    GtkTreeView *view = gtk_widget_get_visible (l->data) ? find_tree_view (l->data) : NULL;

    preset->shown = view && select_row (view, title);
  }
  g_list_free (windows);
  return G_SOURCE_REMOVE;
}

gboolean
apppass_claws_oauth_switch (ApppassClient *client, const ApppassAccount *account, GError **error)
{
  PrefsAccount *ac = apppass_claws_account_from_key (account->id);
  Preset preset = {ac, {0}, FALSE};
  AuthFields oauth;
  guint idle;

  if (!apppass_claws_oauth_can_switch (client, account)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _ ("Claws Mail has no OAuth 2.0 sign-in for this provider"));
    return FALSE;
  }
  preset.saved = fields_of (ac);
  oauth = preset.saved;
  oauth.oauth2_provider = service_of (account);
  if (ac->protocol == A_POP3) {
    oauth.use_pop_auth = TRUE;
    oauth.pop_auth_type = POPAUTH_OAUTH2;
  } else {
    oauth.imap_auth_type = IMAP_AUTH_OAUTH2;
  }
  oauth.use_smtp_auth = TRUE;
  oauth.smtp_auth_type = SMTPAUTH_OAUTH2;
  /* The window reads the account when it is built; the idle runs in its
   * main loop before anything else can use the account. */
  set_fields (ac, &oauth);
  idle = g_idle_add_full (G_PRIORITY_HIGH, show_oauth2_page, &preset, NULL);
  account_open (ac, FALSE);
  if (g_main_context_find_source_by_id (NULL, idle)) {
    /* Claws did not open it (writing windows are open, accountrc is read-only). */
    g_source_remove (idle);
    set_fields (ac, &preset.saved);
  }
  if (uses_oauth2 (ac))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("cancelled"));
  return FALSE;
}
