/* apppass — which server certificates a login check trusts
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GIO's TLS, with the certificate a user already accepted in the mail client
 * (or gave the command with --ca-file) trusted besides the system's store. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * apppass_tls_client_new:
 * @base: the connection to wrap
 * @identity: the server's name, checked against its certificate
 * @anchors: (nullable) (element-type GTlsCertificate): certificates the
 *   account accepted (a CA file may hold several; each counts)
 *
 * A TLS client connection over @base, not yet handshaken. Without @anchors it
 * trusts what GIO's default database (the system's store) verifies. With
 * @anchors it trusts the server's certificate when it is one of them, or when
 * one of them signed it for @identity, and otherwise what the system's store
 * verifies: the same trust, but the store (parsed twice by glib-networking,
 * most of a check's time) is read only when no anchor fits.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
GIOStream *apppass_tls_client_new (GIOStream *base, GSocketConnectable *identity, GList *anchors,
                                   GError **error);

G_END_DECLS
