/* apppass — a server's words, made safe to show
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most characters apppass_display_text() returns, "…" included. */
#define APPPASS_DISPLAY_MAX_CHARS 1000
/* A word longer than this is broken with a space, so that it can wrap. */
#define APPPASS_DISPLAY_MAX_WORD 60

/**
 * apppass_display_text:
 * @text: (nullable): what a server (or anything else not ours) said
 * @length: its length in bytes, or -1 if nul-terminated
 *
 * The one place where text from outside becomes text apppass shows, on a
 * terminal, in a label, in JSON or in a log line. Invalid UTF-8 becomes
 * U+FFFD; escape and control sequences of every kind (CSI, OSC, DCS, SOS,
 * PM, APC, two-byte ESC sequences, in their 7-bit and C1 forms) are removed
 * whole; the remaining C0 and C1 controls and every format character
 * (Unicode category Cf, which holds the bidi controls) are removed; line
 * breaks and other white space become one space. The result is one line of
 * at most %APPPASS_DISPLAY_MAX_CHARS characters (cut with "…") whose words
 * are at most %APPPASS_DISPLAY_MAX_WORD characters long.
 *
 * Returns: (transfer full): valid UTF-8, never %NULL
 */
char *apppass_display_text (const char *text, gssize length);

/* As apppass_display_text(), at most @max_chars characters (at least 1). */
char *apppass_display_text_max (const char *text, gssize length, guint max_chars);

G_END_DECLS
