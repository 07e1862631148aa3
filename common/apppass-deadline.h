/* apppass — one time limit for every step of a login check
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ApppassDeadline:
 *
 * A cancellable that is cancelled when @parent is, or when @timeout_ms has
 * passed; DNS, connect, handshake and every read and write end there.
 */
typedef struct _ApppassDeadline ApppassDeadline;

ApppassDeadline *apppass_deadline_new (GCancellable *parent, guint timeout_ms);
GCancellable *apppass_deadline_get_cancellable (ApppassDeadline *deadline);
/* TRUE when the time ran out (as opposed to the caller cancelling). */
gboolean apppass_deadline_expired (ApppassDeadline *deadline);
void apppass_deadline_free (ApppassDeadline *deadline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassDeadline, apppass_deadline_free)

G_END_DECLS
