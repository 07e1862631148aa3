/* apppass — storing a proven password in the desktop keyring (Secret Service)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "apppass-protocol.h"

G_BEGIN_DECLS

/* Attributes protocol, server, user (strings) and port (integer), so that
 * `secret-tool lookup protocol imap server imap.gmail.com user me@gmail.com`
 * finds what apppass stored. */
const SecretSchema *apppass_keyring_get_schema (void);

/**
 * apppass_keyring_store:
 *
 * Stores @password in the default collection, replacing an item with the
 * same attributes. apppass stores only proven passwords and never deletes
 * one. Errors: %APPPASS_ERROR_KEYRING_UNAVAILABLE (no Secret Service),
 * %APPPASS_ERROR_KEYRING_LOCKED (locked; no unlock prompt is raised, since
 * nobody may be there to answer it), %APPPASS_ERROR_KEYRING_FAILED.
 */
void apppass_keyring_store (ApppassProtocol protocol, const char *server, guint16 port,
                            const char *user, const char *password, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean apppass_keyring_store_finish (GAsyncResult *result, GError **error);
gboolean apppass_keyring_store_sync (ApppassProtocol protocol, const char *server, guint16 port,
                                     const char *user, const char *password,
                                     GCancellable *cancellable, GError **error);

/**
 * apppass_keyring_lookup:
 *
 * Finds the password stored for @protocol, @server and @user (any port).
 * The finish and sync functions return it (free with
 * apppass_password_free()), or %NULL without an error when nothing is
 * stored, or %NULL with one of the errors of apppass_keyring_store().
 */
void apppass_keyring_lookup (ApppassProtocol protocol, const char *server, const char *user,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
char *apppass_keyring_lookup_finish (GAsyncResult *result, GError **error);
char *apppass_keyring_lookup_sync (ApppassProtocol protocol, const char *server, const char *user,
                                   GCancellable *cancellable, GError **error);

G_END_DECLS
