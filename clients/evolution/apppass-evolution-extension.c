/* apppass for Evolution — apppass's part of Evolution's shell
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Evolution makes one of these for its EShell, as it does for every
 * extension of the shell a module registers. It owns the module's adapter
 * (and through it the flow and its dialogs) for the shell's lifetime; the
 * prompter, the session's hooks and the account editor's page find it
 * through the shell. */

#include "apppass-evolution-extension.h"

typedef struct {
  EExtension parent;
  ApppassEvolutionClient *client;
} ApppassEvolutionExtension;

typedef struct {
  EExtensionClass parent_class;
} ApppassEvolutionExtensionClass;

G_DEFINE_DYNAMIC_TYPE (ApppassEvolutionExtension, apppass_evolution_extension, E_TYPE_EXTENSION)

static void
on_prepare_for_quit (EShell *shell, EActivity *activity, ApppassEvolutionClient *client)
{
  (void)shell;
  (void)activity;
  apppass_evolution_client_quit (client);
}

static void
apppass_evolution_extension_constructed (GObject *object)
{
  ApppassEvolutionExtension *self = (ApppassEvolutionExtension *)object;
  EShell *shell = E_SHELL (e_extension_get_extensible (E_EXTENSION (object)));

  G_OBJECT_CLASS (apppass_evolution_extension_parent_class)->constructed (object);
  self->client = apppass_evolution_client_new (shell);
  g_signal_connect_object (shell, "prepare-for-quit", G_CALLBACK (on_prepare_for_quit),
                           self->client, 0);
}

static void
apppass_evolution_extension_dispose (GObject *object)
{
  ApppassEvolutionExtension *self = (ApppassEvolutionExtension *)object;

  if (self->client) {
    apppass_evolution_client_quit (self->client);
    g_object_run_dispose (G_OBJECT (self->client));
    g_clear_object (&self->client);
  }
  G_OBJECT_CLASS (apppass_evolution_extension_parent_class)->dispose (object);
}

static void
apppass_evolution_extension_class_init (ApppassEvolutionExtensionClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = apppass_evolution_extension_constructed;
  G_OBJECT_CLASS (klass)->dispose = apppass_evolution_extension_dispose;
  E_EXTENSION_CLASS (klass)->extensible_type = E_TYPE_SHELL;
}

static void
apppass_evolution_extension_class_finalize (ApppassEvolutionExtensionClass *klass)
{
  (void)klass;
}

static void
apppass_evolution_extension_init (ApppassEvolutionExtension *self)
{
  (void)self;
}

void
apppass_evolution_extension_type_register (GTypeModule *module)
{
  apppass_evolution_extension_register_type (module);
}

/* Also from Camel's threads: the shell's extensions are made once, when the
 * shell is, and only read here. */
ApppassEvolutionClient *
apppass_evolution_extension_get_client (EShell *shell)
{
  GList *found = shell ? e_extensible_list_extensions (E_EXTENSIBLE (shell),
                                                       apppass_evolution_extension_get_type ())
                       : NULL;
  ApppassEvolutionClient *client =
      found ? ((ApppassEvolutionExtension *)found->data)->client : NULL;

  g_list_free (found);
  return client;
}
