/* apppass — what libetpan must never read
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Server replies that libetpan 1.9.4 cannot take, found by
 * tests/fuzz/fuzz-login-reply.c:
 *  - a TAB in an SMTP server's AUTH line sends the EHLO parser into an
 *    endless loop that no deadline can stop;
 *  - an IMAP [ALERT] or [PARSE] code with nothing after it makes the parser
 *    copy text that is not there, and crash.
 * The guard reads every TAB as a space, and the ']' of such a code with only
 * blanks after it on its line as a space: the line then reads as plain text.
 * Nothing a login needs is changed. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define APPPASS_TYPE_GUARD_STREAM (apppass_guard_stream_get_type ())
G_DECLARE_FINAL_TYPE (ApppassGuardStream, apppass_guard_stream, APPPASS, GUARD_STREAM,
                      GFilterInputStream)

/* Reads @base through the guard; closing or dropping the guard leaves @base open. */
GInputStream *apppass_guard_stream_new (GInputStream *base);

G_END_DECLS
