/* apppass — the login check in a process of its own
 *
 * Inside a mail client, libetpan's logging globals belong to the client:
 * Claws Mail sets them, and any libetpan session in its process would have
 * its traffic, password included, written to Claws' log. The plugins
 * therefore check a login in a helper process (apppass-login-helper) with
 * globals of its own; a crash there cannot take the mail client down either.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-login.h"

G_BEGIN_DECLS

/**
 * apppass_login_check_isolated:
 *
 * As apppass_login_check(), run by the helper: the password travels on the
 * helper's standard input only. @options->proxy_resolver is asked here for the
 * server's proxy and the helper uses that one. The helper is
 * APPPASS_LOGIN_HELPER (the installed one), or the program named by the
 * environment variable APPPASS_LOGIN_HELPER (for tests in the build tree).
 * Cancelling ends the helper; so does the check outliving its timeout by
 * 10 seconds (a frozen helper), with a failure.
 */
void apppass_login_check_isolated (const ApppassLoginOptions *options, const char *password,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
ApppassLoginResult *apppass_login_check_isolated_finish (GAsyncResult *result);

/**
 * apppass_protect_process:
 *
 * For a process that will hold a password (the helper, the `apppass`
 * command): no core file is written if it crashes, and no other process of
 * the same user may attach to it or read its memory (/proc/PID/mem). The
 * programs it starts are not affected.
 */
void apppass_protect_process (void);

/* The helper's side: reads one request from @in, checks, writes the result to
 * @out. Returns the exit status. */
int apppass_login_helper_main (GInputStream *in, GOutputStream *out);

G_END_DECLS
