/* apppass — the note under the password field
 *
 * Why it exists: a paste that lost a character or took one too many is the
 * commonest reason a good app password is refused, so the field says at once
 * what the password rule made of the paste (its length, spaces removed, a
 * shape unusual for the provider) before anything is sent to a server.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-provider.h"

G_BEGIN_DECLS

/**
 * apppass_note_for_paste:
 * @provider: (nullable): whose app password it should be
 * @text: what is in the field
 * @valid: (out): whether the password rule takes @text
 *
 * Returns: (transfer full): the note; "" for an empty field
 */
char *apppass_note_for_paste (const ApppassProvider *provider, const char *text, gboolean *valid);

G_END_DECLS
