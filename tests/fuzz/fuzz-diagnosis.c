/* apppass fuzzing — the diagnosis of a server's answer, and the pre-filter's
 * promise: it never turns away a line the plugins could act on (any cause but
 * not-auth and temporary, whose action is always none), and its vector paths
 * agree with the scalar one.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>

#include "apppass-diagnosis.h"
#include "apppass-prefilter.h"

int LLVMFuzzerTestOneInput (const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput (const unsigned char *data, size_t size)
{
  static const char *const hosts[] = {"imap.gmail.com", "127.0.0.1", "outlook.office365.com", NULL};
  ApppassProtocol protocol;
  const char *text;
  ApppassDiagnosis *d;
  gboolean pass;

  if (size < 1)
    return 0;
  protocol = data[0] % APPPASS_N_PROTOCOLS;
  text = (const char *)data + 1;
  size--;
  d = apppass_diagnose (apppass_provider_db_get_default (), protocol, hosts[data[0] / 3 % 4],
                        "ann@gmail.com", text, (gssize)size);
  if (d->explanation == NULL || !g_utf8_validate (d->explanation, -1, NULL))
    abort ();
  pass = apppass_prefilter_line (text, size);
  if (pass != apppass_prefilter_line_scalar (text, size) ||
      pass != apppass_prefilter_line_ssse3 (text, size))
    abort ();
  if (!pass && d->cause != APPPASS_CAUSE_NOT_AUTH && d->cause != APPPASS_CAUSE_TEMPORARY &&
      size <= APPPASS_DIAGNOSIS_MAX_TEXT)
    abort ();
  apppass_diagnosis_free (d);
  return 0;
}
