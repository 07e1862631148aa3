/* apppass fuzzing — the diagnosis of a server's answer, with and without the
 * knowledge that the login was refused, and the pre-filter's promise: it never
 * turns away a line that names a cause (any but not-auth: in a refused login a
 * lost "temporary" would become a rejection), and its vector paths agree with
 * the scalar one.
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
  d = apppass_diagnose_in_context (apppass_provider_db_get_default (), protocol,
                                   hosts[data[0] / 3 % 4], "ann@gmail.com", text, (gssize)size,
                                   data[0] & 0x80 ? APPPASS_CONTEXT_REFUSED : APPPASS_CONTEXT_NONE);
  if (d->explanation == NULL || !g_utf8_validate (d->explanation, -1, NULL))
    abort ();
  pass = apppass_prefilter_line (text, size);
  if (pass != apppass_prefilter_line_scalar (text, size) ||
      pass != apppass_prefilter_line_ssse3 (text, size))
    abort ();
  if (!pass && size <= APPPASS_DIAGNOSIS_MAX_TEXT &&
      apppass_classify (protocol, text, (gssize)size) != APPPASS_CAUSE_NOT_AUTH)
    abort ();
  apppass_diagnosis_free (d);
  return 0;
}
