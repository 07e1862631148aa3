/* apppass for Evolution — the module's entry: it only registers and wires
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution.h"

#include <gmodule.h>

/* The GTypeModule that registered our types: Evolution may load the module
 * again, or find a second copy (its own folder and EDS_EXTRA_PREFIXES). */
static GTypeModule *owner;
static ApppassEvolutionClient *client;
static ApppassFlow *flow;
static gboolean quitting;

gboolean
apppass_evolution_quitting (void)
{
  return quitting;
}

/* Made on first use, which may be in one of Camel's threads (an alert). */
ApppassEvolutionClient *
apppass_evolution_client_get (void)
{
  if (g_once_init_enter (&client))
    g_once_init_leave (&client, apppass_evolution_client_new (e_shell_get_default ()));
  return client;
}

/* Evolution waits for its logins before it quits, and a login may be
 * waiting for our dialog: quitting answers it ("not now") and closes it. */
static void
on_prepare_for_quit (EShell *shell, EActivity *activity, gpointer data)
{
  (void)shell;
  (void)activity;
  (void)data;
  quitting = TRUE;
  apppass_evolution_wait_end_all ();
  if (flow)
    apppass_flow_close_all (flow);
}

ApppassFlow *
apppass_evolution_flow_get (void)
{
  if (flow == NULL) {
    flow = apppass_flow_new (APPPASS_CLIENT (apppass_evolution_client_get ()));
    apppass_evolution_wait_watch (flow);
    g_signal_connect (e_shell_get_default (), "prepare-for-quit", G_CALLBACK (on_prepare_for_quit),
                      NULL);
  }
  return flow;
}

G_MODULE_EXPORT void e_module_load (GTypeModule *module);
G_MODULE_EXPORT void e_module_unload (GTypeModule *module);

/* Two copies of the module (a packaged one and a local build) have statics
 * of their own: a quark, which GLib keeps for the process, tells the second. */
#define LOADED_MARK "apppass-evolution-module-loaded"

G_MODULE_EXPORT void
e_module_load (GTypeModule *module)
{
  if (owner != NULL && owner != module)
    return;
  if (owner == NULL && g_quark_try_string (LOADED_MARK) != 0)
    return;
  g_quark_from_string (LOADED_MARK);
  apppass_evolution_settings_type_register (module);
  apppass_evolution_prompter_type_register (module);
  apppass_evolution_page_types_register (module);
  if (owner == NULL) {
    owner = module;
    apppass_intl_init ();
    apppass_evolution_session_hook_install ();
    /* The session's vtable points here now: the module is never unloaded. */
    g_type_module_use (module);
  }
}

G_MODULE_EXPORT void
e_module_unload (GTypeModule *module)
{
  if (module != owner)
    return;
  apppass_evolution_session_hook_remove ();
  apppass_evolution_wait_end_all ();
  if (flow)
    apppass_flow_close_all (flow);
  g_clear_object (&flow);
  g_clear_object (&client);
}
