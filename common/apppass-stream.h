/* apppass — libetpan streams over GIO, so that TLS is GIO's
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libetpan, as Debian builds it, checks neither the certificate nor the host
 * name and sends no SNI. apppass therefore opens every connection with GIO
 * (system trust, host-name check, SNI, proxies, cancellation) and hands
 * libetpan a stream driver that reads and writes through it. */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

G_BEGIN_DECLS

/* More than any login exchange needs; a server that sends more is hostile. */
#define APPPASS_STREAM_MAX_BYTES (4 * 1024 * 1024)

/**
 * apppass_stream_low_new:
 * @io: the connection (plain or TLS); a reference is taken
 * @cancellable: cancels every read and write; it also carries the deadline
 *
 * Returns: (transfer full): a libetpan low-level stream; libetpan frees it
 */
mailstream_low *apppass_stream_low_new (GIOStream *io, GCancellable *cancellable);

/* The connection under @low, and the first I/O error it met (or NULL). */
GIOStream *apppass_stream_low_get_io (mailstream_low *low);
const GError *apppass_stream_low_get_error (mailstream_low *low);

/* TRUE once the server closed its side. */
gboolean apppass_stream_low_at_eof (mailstream_low *low);

/* Makes every further read and write fail at once: after an error, libetpan's
 * LOGOUT and QUIT must not wait on a dead server. */
void apppass_stream_low_shut (mailstream_low *low);

/* A buffered libetpan stream over @low that logs nothing: a process-wide
 * libetpan logger (Claws Mail sets one) must never see the password. */
mailstream *apppass_stream_new (mailstream_low *low);

/* Writes @data straight to the connection under @stream, after what libetpan
 * has buffered: a password never enters libetpan's write buffer, which is
 * freed without being wiped. The caller wipes @data. */
gboolean apppass_stream_write_secret (mailstream *stream, const void *data, gsize length);

G_END_DECLS
