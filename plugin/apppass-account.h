/* apppass — one mail account's side as the shared plugin sees it: plain data,
 * no toolkit, so code that never shows a window can hold one.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "apppass-login.h"
#include "apppass-protocol.h"

G_BEGIN_DECLS

/**
 * ApppassAccount:
 * @id: the adapter's own key for the account (Claws' account_id, an ESource UID)
 * @display_name: the account's name as the client shows it
 * @address: (nullable): the account's mail address
 * @protocol: the side that logs in: IMAP or POP3 to receive, SMTP to send
 * @host, @port, @security, @user: that side's server settings
 * @proxy_resolver: (nullable): the account's proxy; %NULL for the desktop's
 * @trusted_pem: (nullable): a server certificate the user already accepted in the client
 * @remember_password: whether the user lets the client keep this password
 *   across sessions; where not, a stored password lasts for the session only
 */
typedef struct {
  char *id;
  char *display_name;
  char *address;
  ApppassProtocol protocol;
  char *host;
  guint16 port;
  ApppassSecurity security;
  char *user;
  GProxyResolver *proxy_resolver;
  char *trusted_pem;
  gboolean remember_password;
} ApppassAccount;

ApppassAccount *apppass_account_copy (const ApppassAccount *account);
/* The login check's options for @account's server; they point into @account. */
ApppassLoginOptions apppass_account_login_options (const ApppassAccount *account);
void apppass_account_free (ApppassAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassAccount, apppass_account_free)

G_END_DECLS
