/* apppass for Evolution — our page in the account editor
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution.h"

#include <mail/e-mail-config-notebook.h>
#include <mail/e-mail-config-page.h>

#include "apppass-account-page.h"

/* After Evolution's own pages, before its Security page. */
#define EVO_PAGE_SORT_ORDER 590

typedef struct {
  GtkScrolledWindow parent;
  ESource *account;
  GtkWidget *inner;
} EvoPage;

typedef struct {
  GtkScrolledWindowClass parent_class;
} EvoPageClass;

static void evo_page_iface_init (EMailConfigPageInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (EvoPage, evo_page, GTK_TYPE_SCROLLED_WINDOW, 0,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (E_TYPE_MAIL_CONFIG_PAGE,
                                                               evo_page_iface_init))

/* The editor writes its account source after this: our settings go into it. */
static void
evo_page_commit_changes (EMailConfigPage *page, GQueue *source_queue)
{
  EvoPage *self = (EvoPage *)page;

  evo_oauth_editor_commit (e_source_get_uid (self->account), source_queue);
  evo_client_set_editing_source (evo_client_get (), self->account);
  apppass_account_page_commit (APPPASS_ACCOUNT_PAGE (self->inner));
  evo_client_set_editing_source (evo_client_get (), NULL);
}

static void
evo_page_iface_init (EMailConfigPageInterface *iface)
{
  iface->title = _ ("App password");
  iface->sort_order = EVO_PAGE_SORT_ORDER;
  iface->commit_changes = evo_page_commit_changes;
}

static void
evo_page_dispose (GObject *object)
{
  g_clear_object (&((EvoPage *)object)->account);
  G_OBJECT_CLASS (evo_page_parent_class)->dispose (object);
}

static void
evo_page_class_init (EvoPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = evo_page_dispose;
}

static void
evo_page_class_finalize (EvoPageClass *klass)
{
  (void)klass;
}

static void
evo_page_init (EvoPage *self)
{
  (void)self;
}

static GtkWidget *
evo_page_new (ESource *account, ApppassProtocol protocol)
{
  EvoPage *self = g_object_new (evo_page_get_type (), "hscrollbar-policy", GTK_POLICY_NEVER, NULL);

  self->account = g_object_ref (account);
  self->inner = apppass_account_page_new (evo_flow_get (), e_source_get_uid (account), protocol);
  gtk_container_set_border_width (GTK_CONTAINER (self->inner), 12);
  gtk_container_add (GTK_CONTAINER (self), self->inner);
  gtk_widget_show_all (GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

/* The extension that adds the page to each mail account's editor. */
typedef struct {
  EExtension parent;
} EvoPageAdder;

typedef struct {
  EExtensionClass parent_class;
} EvoPageAdderClass;

G_DEFINE_DYNAMIC_TYPE (EvoPageAdder, evo_page_adder, E_TYPE_EXTENSION)

static void
evo_page_adder_constructed (GObject *object)
{
  EMailConfigNotebook *notebook =
      E_MAIL_CONFIG_NOTEBOOK (e_extension_get_extensible (E_EXTENSION (object)));
  ESource *account = e_mail_config_notebook_get_account_source (notebook);
  ApppassProtocol protocol;

  G_OBJECT_CLASS (evo_page_adder_parent_class)->constructed (object);
  if (account == NULL || !e_source_has_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT))
    return;
  protocol = evo_client_receiving_protocol (account);
  if (protocol == APPPASS_N_PROTOCOLS)
    return;
  evo_oauth_editor_opened (e_source_get_uid (account), G_OBJECT (notebook));
  e_mail_config_notebook_add_page (notebook, E_MAIL_CONFIG_PAGE (evo_page_new (account, protocol)));
}

static void
evo_page_adder_class_init (EvoPageAdderClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = evo_page_adder_constructed;
  E_EXTENSION_CLASS (klass)->extensible_type = E_TYPE_MAIL_CONFIG_NOTEBOOK;
}

static void
evo_page_adder_class_finalize (EvoPageAdderClass *klass)
{
  (void)klass;
}

static void
evo_page_adder_init (EvoPageAdder *self)
{
  (void)self;
}

void
evo_page_types_register (GTypeModule *module)
{
  evo_page_register_type (module);
  evo_page_adder_register_type (module);
}
