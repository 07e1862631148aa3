/* apppass for Evolution — our settings, an [App Password] group in the
 * account's .source file
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-source.h"

/* The flow's keys (apppass-settings.c); each is a string property, so that
 * the .source file reads "SnoozeMinutes=60" and an admin can edit it. */
static const char *const keys[] = {
    "enabled",       "snooze-minutes", "snoozed-until",  "provider", "last-cause",
    "last-protocol", "last-time",      "oauth-previous", NULL,
};
#define N_KEYS (G_N_ELEMENTS (keys) - 1)

typedef struct {
  ESourceExtension parent;
  char *values[N_KEYS];
} ApppassEvolutionSettings;

typedef struct {
  ESourceExtensionClass parent_class;
} ApppassEvolutionSettingsClass;

G_DEFINE_DYNAMIC_TYPE (ApppassEvolutionSettings, apppass_evolution_settings,
                       E_TYPE_SOURCE_EXTENSION)

static void
apppass_evolution_settings_set_property (GObject *object, guint id, const GValue *value,
                                         GParamSpec *pspec)
{
  ApppassEvolutionSettings *self = (ApppassEvolutionSettings *)object;
  ESourceExtension *ext = E_SOURCE_EXTENSION (object);

  (void)pspec;
  e_source_extension_property_lock (ext);
  g_free (self->values[id - 1]);
  self->values[id - 1] = g_value_dup_string (value);
  e_source_extension_property_unlock (ext);
}

static void
apppass_evolution_settings_get_property (GObject *object, guint id, GValue *value,
                                         GParamSpec *pspec)
{
  ApppassEvolutionSettings *self = (ApppassEvolutionSettings *)object;
  ESourceExtension *ext = E_SOURCE_EXTENSION (object);

  (void)pspec;
  e_source_extension_property_lock (ext);
  g_value_set_string (value, self->values[id - 1]);
  e_source_extension_property_unlock (ext);
}

static void
apppass_evolution_settings_finalize (GObject *object)
{
  ApppassEvolutionSettings *self = (ApppassEvolutionSettings *)object;

  for (guint i = 0; i < N_KEYS; i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (apppass_evolution_settings_parent_class)->finalize (object);
}

static void
apppass_evolution_settings_class_init (ApppassEvolutionSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = apppass_evolution_settings_set_property;
  object_class->get_property = apppass_evolution_settings_get_property;
  object_class->finalize = apppass_evolution_settings_finalize;
  E_SOURCE_EXTENSION_CLASS (klass)->name = APPPASS_EVOLUTION_SOURCE_EXTENSION_APPPASS;
  for (guint i = 0; i < N_KEYS; i++)
    g_object_class_install_property (
        object_class, i + 1,
        g_param_spec_string (keys[i], keys[i], NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS |
                                 E_SOURCE_PARAM_SETTING));
}

static void
apppass_evolution_settings_class_finalize (ApppassEvolutionSettingsClass *klass)
{
  (void)klass;
}

static void
apppass_evolution_settings_init (ApppassEvolutionSettings *self)
{
  (void)self;
}

void
apppass_evolution_settings_type_register (GTypeModule *module)
{
  apppass_evolution_settings_register_type (module);
}

static gboolean
is_key (const char *key)
{
  return g_strv_contains ((const char *const *)keys, key);
}

char *
apppass_evolution_settings_dup (ESource *source, const char *key)
{
  char *value = NULL;

  if (!is_key (key) || !e_source_has_extension (source, APPPASS_EVOLUTION_SOURCE_EXTENSION_APPPASS))
    return NULL;
  g_object_get (e_source_get_extension (source, APPPASS_EVOLUTION_SOURCE_EXTENSION_APPPASS), key,
                &value, NULL);
  return value;
}

void
apppass_evolution_settings_set (ESource *source, const char *key, const char *value)
{
  if (!is_key (key))
    return;
  g_object_set (e_source_get_extension (source, APPPASS_EVOLUTION_SOURCE_EXTENSION_APPPASS), key,
                value, NULL);
}
