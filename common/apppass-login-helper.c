/* apppass-login-helper — the plugins' login check, in a process of its own
 * (see apppass-login-process.h). Reads one request on standard input,
 * writes the result to standard output.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <locale.h>

#include "apppass-login-process.h"

int
main (void)
{
  g_autoptr (GInputStream) in = g_unix_input_stream_new (0, FALSE);
  g_autoptr (GOutputStream) out = g_unix_output_stream_new (1, FALSE);

  apppass_protect_process ();
  setlocale (LC_ALL, "");
  return apppass_login_helper_main (in, out);
}
