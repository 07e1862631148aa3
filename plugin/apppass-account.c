/* apppass — one mail account's side as the shared plugin sees it
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-account.h"

ApppassAccount *
apppass_account_copy (const ApppassAccount *account)
{
  ApppassAccount *copy = g_new0 (ApppassAccount, 1);

  *copy = *account;
  copy->id = g_strdup (account->id);
  copy->display_name = g_strdup (account->display_name);
  copy->address = g_strdup (account->address);
  copy->host = g_strdup (account->host);
  copy->user = g_strdup (account->user);
  copy->trusted_pem = g_strdup (account->trusted_pem);
  if (account->proxy_resolver)
    g_object_ref (account->proxy_resolver);
  return copy;
}

ApppassLoginOptions
apppass_account_login_options (const ApppassAccount *account)
{
  ApppassLoginOptions options = {
      .protocol = account->protocol,
      .host = account->host,
      .port = account->port,
      .security = account->security,
      .user = account->user,
      .trusted_pem = account->trusted_pem,
      .proxy_resolver = account->proxy_resolver,
  };

  return options;
}

void
apppass_account_free (ApppassAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->id);
  g_free (account->display_name);
  g_free (account->address);
  g_free (account->host);
  g_free (account->user);
  g_free (account->trusted_pem);
  g_clear_object (&account->proxy_resolver);
  g_free (account);
}
