/* apppass for Evolution — our page in the account editor
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-page.h"

#include "apppass-evolution-oauth.h"
#include "apppass-intl.h"

#include <mail/e-mail-config-notebook.h>
#include <mail/e-mail-config-page.h>

#include "apppass-account-page.h"

/* After Evolution's own pages, before its Security page. */
#define APPPASS_EVOLUTION_PAGE_SORT_ORDER 590

typedef struct {
  GtkScrolledWindow parent;
  ApppassEvolutionClient *client;
  ESource *account;
  GtkWidget *inner;
} ApppassEvolutionPage;

typedef struct {
  GtkScrolledWindowClass parent_class;
} ApppassEvolutionPageClass;

static void apppass_evolution_page_iface_init (EMailConfigPageInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (ApppassEvolutionPage, apppass_evolution_page,
                                GTK_TYPE_SCROLLED_WINDOW, 0,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (E_TYPE_MAIL_CONFIG_PAGE,
                                                               apppass_evolution_page_iface_init))

/* The editor writes its account source after this: our settings go into it. */
static void
apppass_evolution_page_commit_changes (EMailConfigPage *page, GQueue *source_queue)
{
  ApppassEvolutionPage *self = (ApppassEvolutionPage *)page;

  apppass_evolution_oauth_editor_commit (e_source_get_uid (self->account), source_queue);
  apppass_evolution_client_set_editing_source (self->client, self->account);
  apppass_account_page_commit (APPPASS_ACCOUNT_PAGE (self->inner));
  apppass_evolution_client_set_editing_source (self->client, NULL);
}

static void
apppass_evolution_page_iface_init (EMailConfigPageInterface *iface)
{
  iface->title = _ ("App password");
  iface->sort_order = APPPASS_EVOLUTION_PAGE_SORT_ORDER;
  iface->commit_changes = apppass_evolution_page_commit_changes;
}

static void
apppass_evolution_page_dispose (GObject *object)
{
  g_clear_object (&((ApppassEvolutionPage *)object)->account);
  g_clear_object (&((ApppassEvolutionPage *)object)->client);
  G_OBJECT_CLASS (apppass_evolution_page_parent_class)->dispose (object);
}

static void
apppass_evolution_page_class_init (ApppassEvolutionPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = apppass_evolution_page_dispose;
}

static void
apppass_evolution_page_class_finalize (ApppassEvolutionPageClass *klass)
{
  (void)klass;
}

static void
apppass_evolution_page_init (ApppassEvolutionPage *self)
{
  (void)self;
}

GtkWidget *
apppass_evolution_page_new (ApppassEvolutionClient *client, ESource *account,
                            ApppassProtocol protocol)
{
  ApppassEvolutionPage *self = g_object_new (apppass_evolution_page_get_type (),
                                             "hscrollbar-policy", GTK_POLICY_NEVER, NULL);

  self->client = g_object_ref (client);
  self->account = g_object_ref (account);
  self->inner = apppass_account_page_new (apppass_evolution_client_get_flow (client),
                                          e_source_get_uid (account), protocol);
  gtk_container_set_border_width (GTK_CONTAINER (self->inner), 12);
  gtk_container_add (GTK_CONTAINER (self), self->inner);
  gtk_widget_show_all (GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

void
apppass_evolution_page_type_register (GTypeModule *module)
{
  apppass_evolution_page_register_type (module);
}
