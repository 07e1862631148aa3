/* apppass for Claws Mail — the plugin's entry: it only wires the parts
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-claws.h"

#include <dlfcn.h>
#include <gmodule.h>

#include "apppass-intl.h"
#include "apppass-providers-resource.h"
#include "plugin.h"
#include "version.h"

static ApppassClawsClient *client;
static ApppassFlow *flow;

/* Claws unloads a plugin with dlclose(); our GTypes and any callback still
 * queued in the main loop must outlive that, so the module stays mapped. */
static void
stay_resident (void)
{
  Dl_info info;
  GModule *self;

  if (dladdr ((void *)stay_resident, &info) == 0 || info.dli_fname == NULL)
    return;
  self = g_module_open (info.dli_fname, G_MODULE_BIND_LOCAL);
  if (self)
    g_module_make_resident (self);
}

gint
plugin_init (gchar **error)
{
  apppass_intl_init ();
  if (!check_plugin_version (MAKE_NUMERIC_VERSION (4, 0, 0, 0), VERSION_NUMERIC, "apppass", error))
    return -1;
  /* The provider database registers itself from a constructor; naming it
   * here also keeps it in the module, which takes only what is called. */
  if (apppass_providers_get_resource () == NULL) {
    *error = g_strdup ("apppass: the provider database is missing");
    return -1;
  }
  stay_resident ();
  client = apppass_claws_client_new ();
  flow = apppass_flow_new (APPPASS_CLIENT (client));
  apppass_claws_log_watch_start (flow);
  apppass_claws_page_register (flow);
  return 0;
}

gboolean
plugin_done (void)
{
  apppass_claws_page_unregister ();
  apppass_claws_log_watch_stop ();
  apppass_claws_prompt_stop ();
  apppass_claws_client_cancel_retries ();
  if (flow)
    apppass_flow_close_all (flow);
  g_clear_object (&flow);
  g_clear_object (&client);
  return TRUE;
}

const gchar *
plugin_name (void)
{
  return "apppass";
}

const gchar *
plugin_desc (void)
{
  return _ ("When a mail account stops working because the provider now wants an app "
            "password, apppass explains why, opens the provider’s page, checks the pasted "
            "password by logging in and saves it.");
}

const gchar *
plugin_type (void)
{
  return "GTK3";
}

const gchar *
plugin_licence (void)
{
  return "GPL3+";
}

const gchar *
plugin_version (void)
{
  return APPPASS_VERSION;
}

struct PluginFeature *
plugin_provides (void)
{
  static struct PluginFeature features[] = {{PLUGIN_UTILITY, N_ ("App passwords")},
                                            {PLUGIN_NOTHING, NULL}};

  return features;
}
