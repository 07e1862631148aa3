/* apppass fuzzing — the provider file loader (administrators write these
 * files): a broken file is refused or read, never a crash, and the built-in
 * providers stay.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>

#include "apppass-diagnosis.h"
#include "apppass-provider.h"

int LLVMFuzzerTestOneInput (const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput (const unsigned char *data, size_t size)
{
  ApppassProviderDb *db = apppass_provider_db_new (NULL);
  const GPtrArray *list;
  GError *error = NULL;

  if (!apppass_provider_db_add_data (db, (const char *)data, size, "fuzz.ini", &error))
    g_clear_error (&error);
  if (apppass_provider_db_lookup (db, "google") == NULL)
    abort ();
  list = apppass_provider_db_list (db);
  for (guint i = 0; i < list->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (list, i);
    char **steps = apppass_provider_get_steps (p);

    g_strfreev (steps);
    g_free (apppass_provider_get_password_hint (p));
    apppass_provider_password_has_usual_shape (p, "abcdefghijklmnop");
    /* Every variant, and the explanation built from its per-protocol facts. */
    for (guint v = 0; v < apppass_provider_get_variants (p)->len; v++) {
      const ApppassProvider *variant = g_ptr_array_index (apppass_provider_get_variants (p), v);
      ApppassDiagnosis *d = apppass_diagnosis_new (APPPASS_PROTOCOL_SMTP, variant,
                                                   APPPASS_CAUSE_CREDENTIALS_REJECTED);

      g_strfreev (apppass_provider_get_steps_for (variant, APPPASS_PROTOCOL_SMTP));
      apppass_diagnosis_free (d);
    }
  }
  apppass_provider_db_identify (db, APPPASS_PROTOCOL_IMAP, "imap.example.org", "a@example.org");
  apppass_provider_db_identify (db, APPPASS_PROTOCOL_SMTP, "imap.gmail.com", "a@example.org");
  apppass_provider_db_free (db);
  return 0;
}
