/* apppass for Evolution — the extension that adds our page to each mail
 * account's editor
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-page-adder.h"

#include "apppass-evolution-client.h"
#include "apppass-evolution-extension.h"
#include "apppass-evolution-oauth.h"
#include "apppass-evolution-page.h"

#include <mail/e-mail-config-notebook.h>
#include <mail/e-mail-config-page.h>

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
  ApppassEvolutionClient *client = apppass_evolution_extension_get_client (e_shell_get_default ());
  ApppassProtocol protocol;

  G_OBJECT_CLASS (apppass_evolution_page_adder_parent_class)->constructed (object);
  if (client == NULL || account == NULL ||
      !e_source_has_extension (account, E_SOURCE_EXTENSION_MAIL_ACCOUNT))
    return;
  protocol = apppass_evolution_client_receiving_protocol (account);
  if (protocol == APPPASS_N_PROTOCOLS)
    return;
  apppass_evolution_oauth_editor_opened (e_source_get_uid (account), G_OBJECT (notebook));
  e_mail_config_notebook_add_page (
      notebook, E_MAIL_CONFIG_PAGE (apppass_evolution_page_new (client, account, protocol)));
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
apppass_evolution_page_adder_type_register (GTypeModule *module)
{
  apppass_evolution_page_adder_register_type (module);
}
