/* apppass for Claws Mail — our page in each account's preferences
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-claws.h"

#include "apppass-account-page.h"
#include "apppass-intl.h"
#include "prefswindow.h"

typedef struct {
  PrefsPage page;
  GtkWidget *widget;
} ApppassClawsPage;

static ApppassClawsPage apppass_claws_page;
static ApppassFlow *page_flow;
static char *page_path[3];

static void
create_widget (PrefsPage *page, GtkWindow *window, gpointer data)
{
  ApppassClawsPage *self = (ApppassClawsPage *)page;
  PrefsAccount *account = data;
  g_autofree char *key = apppass_claws_account_key (account);
  ApppassProtocol protocol =
      account->protocol == A_POP3 ? APPPASS_PROTOCOL_POP3 : APPPASS_PROTOCOL_IMAP;

  apppass_claws_client_prefs_opened (account, window);
  if (account->protocol != A_POP3 && account->protocol != A_IMAP4)
    protocol = APPPASS_PROTOCOL_SMTP;
  self->widget = apppass_account_page_new (page_flow, key, protocol);
  gtk_widget_show_all (self->widget);
  page->widget = self->widget;
}

static void
destroy_widget (PrefsPage *page)
{
  ApppassClawsPage *self = (ApppassClawsPage *)page;

  g_clear_pointer (&self->widget, gtk_widget_destroy);
  apppass_claws_client_prefs_closed ();
}

static void
save_page (PrefsPage *page)
{
  ApppassClawsPage *self = (ApppassClawsPage *)page;

  if (self->widget)
    apppass_account_page_commit (APPPASS_ACCOUNT_PAGE (self->widget));
  apppass_claws_client_prefs_saved ();
}

static gboolean
can_close (PrefsPage *page)
{
  (void)page;
  return TRUE;
}

void
apppass_claws_page_register (ApppassFlow *flow)
{
  page_flow = flow;
  page_path[0] = (char *)_ ("App password");
  page_path[1] = NULL;
  apppass_claws_page.page.path = page_path;
  apppass_claws_page.page.create_widget = create_widget;
  apppass_claws_page.page.destroy_widget = destroy_widget;
  apppass_claws_page.page.save_page = save_page;
  apppass_claws_page.page.can_close = can_close;
  apppass_claws_page.page.weight = 25.0;
  prefs_account_register_page ((PrefsPage *)&apppass_claws_page);
}

void
apppass_claws_page_unregister (void)
{
  prefs_account_unregister_page ((PrefsPage *)&apppass_claws_page);
  page_flow = NULL;
}
