/* apppass for Evolution — our settings, an [App Password] group in the
 * account's .source file
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution.h"

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
} EvoSettings;

typedef struct {
  ESourceExtensionClass parent_class;
} EvoSettingsClass;

G_DEFINE_DYNAMIC_TYPE (EvoSettings, evo_settings, E_TYPE_SOURCE_EXTENSION)

static void
evo_settings_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  EvoSettings *self = (EvoSettings *)object;
  ESourceExtension *ext = E_SOURCE_EXTENSION (object);

  (void)pspec;
  e_source_extension_property_lock (ext);
  g_free (self->values[id - 1]);
  self->values[id - 1] = g_value_dup_string (value);
  e_source_extension_property_unlock (ext);
}

static void
evo_settings_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  EvoSettings *self = (EvoSettings *)object;
  ESourceExtension *ext = E_SOURCE_EXTENSION (object);

  (void)pspec;
  e_source_extension_property_lock (ext);
  g_value_set_string (value, self->values[id - 1]);
  e_source_extension_property_unlock (ext);
}

static void
evo_settings_finalize (GObject *object)
{
  EvoSettings *self = (EvoSettings *)object;

  for (guint i = 0; i < N_KEYS; i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (evo_settings_parent_class)->finalize (object);
}

static void
evo_settings_class_init (EvoSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = evo_settings_set_property;
  object_class->get_property = evo_settings_get_property;
  object_class->finalize = evo_settings_finalize;
  E_SOURCE_EXTENSION_CLASS (klass)->name = EVO_SOURCE_EXTENSION_APPPASS;
  for (guint i = 0; i < N_KEYS; i++)
    g_object_class_install_property (
        object_class, i + 1,
        g_param_spec_string (keys[i], keys[i], NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS |
                                 E_SOURCE_PARAM_SETTING));
}

static void
evo_settings_class_finalize (EvoSettingsClass *klass)
{
  (void)klass;
}

static void
evo_settings_init (EvoSettings *self)
{
  (void)self;
}

void
evo_settings_type_register (GTypeModule *module)
{
  evo_settings_register_type (module);
}

static gboolean
is_key (const char *key)
{
  return g_strv_contains ((const char *const *)keys, key);
}

char *
evo_settings_dup (ESource *source, const char *key)
{
  char *value = NULL;

  if (!is_key (key) || !e_source_has_extension (source, EVO_SOURCE_EXTENSION_APPPASS))
    return NULL;
  g_object_get (e_source_get_extension (source, EVO_SOURCE_EXTENSION_APPPASS), key, &value, NULL);
  return value;
}

void
evo_settings_set (ESource *source, const char *key, const char *value)
{
  if (!is_key (key))
    return;
  g_object_set (e_source_get_extension (source, EVO_SOURCE_EXTENSION_APPPASS), key, value, NULL);
}
