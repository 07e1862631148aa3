/* apppass — our page in each account's preferences
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-flow.h"

G_BEGIN_DECLS

#define APPPASS_TYPE_ACCOUNT_PAGE (apppass_account_page_get_type ())
G_DECLARE_FINAL_TYPE (ApppassAccountPage, apppass_account_page, APPPASS, ACCOUNT_PAGE, GtkBox)

/* The page for account @account_id; @protocol is the side its buttons check
 * (the receiving side, as a rule). */
GtkWidget *apppass_account_page_new (ApppassFlow *flow, const char *account_id,
                                     ApppassProtocol protocol);

/* Writes the page's settings through the client: when the client saves the account. */
void apppass_account_page_commit (ApppassAccountPage *page);

G_END_DECLS
