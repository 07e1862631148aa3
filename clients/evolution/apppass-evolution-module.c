/* apppass for Evolution — the module's entry: it registers our types and
 * installs the mail session's hooks, nothing else
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-module.h"

#include "apppass-evolution-extension.h"
#include "apppass-evolution-page.h"
#include "apppass-evolution-page-adder.h"
#include "apppass-evolution-prompter.h"
#include "apppass-evolution-session.h"
#include "apppass-evolution-source.h"
#include "apppass-intl.h"

/* The GTypeModule that registered our types: Evolution may load the module
 * again, or find a second copy (its own folder and EDS_EXTRA_PREFIXES). */
static GTypeModule *owner;

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
  apppass_evolution_page_type_register (module);
  apppass_evolution_page_adder_type_register (module);
  apppass_evolution_extension_type_register (module);
  if (owner == NULL) {
    owner = module;
    apppass_intl_init ();
    apppass_evolution_session_hook_install ();
    /* The session's vtable points here now: the module is never unloaded. */
    g_type_module_use (module);
  }
}

/* The shell's extension ends the logins still waiting and closes the
 * dialogs when the shell goes. */
G_MODULE_EXPORT void
e_module_unload (GTypeModule *module)
{
  if (module != owner)
    return;
  apppass_evolution_session_hook_remove ();
}
