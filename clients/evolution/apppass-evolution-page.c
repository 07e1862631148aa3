/* apppass for Evolution — our page in the account editor
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution.h"

#include <mail/e-mail-config-notebook.h>
#include <mail/e-mail-config-page.h>

#include "apppass-account-page.h"

/* After Evolution's own pages, before its Security page. */
#define APPPASS_EVOLUTION_PAGE_SORT_ORDER 590

typedef struct {
  GtkScrolledWindow parent;
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
  apppass_evolution_client_set_editing_source (apppass_evolution_client_get (), self->account);
  apppass_account_page_commit (APPPASS_ACCOUNT_PAGE (self->inner));
  apppass_evolution_client_set_editing_source (apppass_evolution_client_get (), NULL);
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

static GtkWidget *
apppass_evolution_page_new (ESource *account, ApppassProtocol protocol)
{
  ApppassEvolutionPage *self = g_object_new (apppass_evolution_page_get_type (),
                                             "hscrollbar-policy", GTK_POLICY_NEVER, NULL);

  self->account = g_object_ref (account);
  self->inner = apppass_account_page_new (apppass_evolution_flow_get (), e_source_get_uid (account),
                                          protocol);
  gtk_container_set_border_width (GTK_CONTAINER (self->inner), 12);
  gtk_container_add (GTK_CONTAINER (self), self->inner);
  gtk_widget_show_all (GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

/* The extension that adds the page to each mail account's editor. */
typedef struct {
  EExtension parent;
} ApppassEvolutionPageAdder;

typedef struct {
  EExtensionClass parent_class;
} ApppassEvolutionPageAdderClass;

G_DEFINE_DYNAMIC_TYPE (ApppassEvolutionPageAdder, apppass_evolution_page_adder, E_TYPE_EXTENSION)

static void
apppass_evolution_page_adder_constructed (GObject *object)
{
  EMailConfigNotebook *notebook =
      E_MAIL_CONFIG_NOTEBOOK (e_extension_get_extensible (E_EXTENSION (object)));
  ESource *account = e_mail_config_notebook_get_account_source (notebook);
  ApppassProtocol protocol;

  G_OBJECT_CLASS (apppass_evolution_page_adder_parent_class)->constructed (object);
  if (account == NULL || !e_source_has_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT))
    return;
  protocol = apppass_evolution_client_receiving_protocol (account);
  if (protocol == APPPASS_N_PROTOCOLS)
    return;
  apppass_evolution_oauth_editor_opened (e_source_get_uid (account), G_OBJECT (notebook));
  e_mail_config_notebook_add_page (
      notebook, E_MAIL_CONFIG_PAGE (apppass_evolution_page_new (account, protocol)));
}

static void
apppass_evolution_page_adder_class_init (ApppassEvolutionPageAdderClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = apppass_evolution_page_adder_constructed;
  E_EXTENSION_CLASS (klass)->extensible_type = E_TYPE_MAIL_CONFIG_NOTEBOOK;
}

static void
apppass_evolution_page_adder_class_finalize (ApppassEvolutionPageAdderClass *klass)
{
  (void)klass;
}

static void
apppass_evolution_page_adder_init (ApppassEvolutionPageAdder *self)
{
  (void)self;
}

void
apppass_evolution_page_types_register (GTypeModule *module)
{
  apppass_evolution_page_register_type (module);
  apppass_evolution_page_adder_register_type (module);
}
