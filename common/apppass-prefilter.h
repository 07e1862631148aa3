/* apppass — "could this line be a login failure?", fast
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * apppass_prefilter_line:
 * @text: one line a mail client logged (or a whole server answer)
 * @length: its length in bytes
 *
 * The plugins see every line their client logs. This says, without
 * allocating, whether @text may be a login failure and deserves
 * apppass_classify(): it may answer %TRUE for lines that are not (the
 * diagnosis decides; every line with non-ASCII text passes), but never
 * %FALSE for a line that names a cause (any cause but not-auth): in a login
 * the client saw refused, a dropped "too many connections" would turn a busy
 * server into a rejected password. Thread-safe.
 */
gboolean apppass_prefilter_line (const char *text, gsize length);

/* The same answer without the vector code, and with the 16-byte one only, for tests. */
gboolean apppass_prefilter_line_scalar (const char *text, gsize length);
gboolean apppass_prefilter_line_ssse3 (const char *text, gsize length);

/* The keywords it looks for (ASCII case-insensitively), NULL-terminated; the
 * benchmark builds its regular-expression baseline from the same list. */
const char *const *apppass_prefilter_keywords (void);

G_END_DECLS
