/* apppass — libetpan streams over GIO, so that TLS is GIO's
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-stream.h"

#include <stdlib.h>

#include "apppass-guard.h"

typedef struct {
  GIOStream *io;
  GInputStream *in; /* io's, through the guard */
  GCancellable *cancellable;
  GError *error;
  gsize bytes_read;
  gboolean shut;
  gboolean eof;
} StreamData;

static StreamData *
data_of (mailstream_low *low)
{
  return low->data;
}

static void
remember_error (StreamData *d, GError *error)
{
  if (d->error == NULL)
    d->error = error;
  else
    g_error_free (error);
}

static ssize_t
stream_read (mailstream_low *low, void *buffer, size_t count)
{
  StreamData *d = data_of (low);
  GError *error = NULL;
  gssize n;

  if (d->shut)
    return -1;
  if (d->bytes_read >= APPPASS_STREAM_MAX_BYTES) {
    remember_error (d, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                            "the server sent far more than a login needs"));
    return -1;
  }
  n = g_input_stream_read (d->in, buffer, count, d->cancellable, &error);
  if (n < 0) {
    remember_error (d, error);
    return -1;
  }
  d->bytes_read += (gsize)n;
  d->eof |= n == 0;
  return n;
}

static ssize_t
stream_write (mailstream_low *low, const void *buffer, size_t count)
{
  StreamData *d = data_of (low);
  GError *error = NULL;
  gssize n;

  if (d->shut)
    return -1;
  n = g_output_stream_write (g_io_stream_get_output_stream (d->io), buffer, count, d->cancellable,
                             &error);
  if (n < 0) {
    remember_error (d, error);
    return -1;
  }
  return n;
}

static int
stream_close (mailstream_low *low)
{
  StreamData *d = data_of (low);

  d->shut = TRUE;
  g_io_stream_close (d->io, d->cancellable, NULL);
  return 0;
}

static int
stream_get_fd (mailstream_low *low)
{
  GIOStream *io = data_of (low)->io;

  /* libetpan asks only for IDLE; there is none during a login check. */
  if (G_IS_SOCKET_CONNECTION (io))
    return g_socket_get_fd (g_socket_connection_get_socket (G_SOCKET_CONNECTION (io)));
  return -1;
}

/* Frees the driver's state, never the connection: STARTTLS swaps drivers over
 * the same socket. */
static void
stream_free (mailstream_low *low)
{
  StreamData *d = data_of (low);

  g_object_unref (d->in);
  g_object_unref (d->io);
  g_clear_object (&d->cancellable);
  g_clear_error (&d->error);
  g_free (d);
  free (low);
}

static void
stream_cancel (mailstream_low *low)
{
  StreamData *d = data_of (low);

  d->shut = TRUE;
  if (d->cancellable)
    g_cancellable_cancel (d->cancellable);
}

static struct mailstream_cancel *
stream_get_cancel (mailstream_low *low)
{
  (void)low;
  return NULL;
}

static mailstream_low_driver gio_driver = {
    .mailstream_read = stream_read,
    .mailstream_write = stream_write,
    .mailstream_close = stream_close,
    .mailstream_get_fd = stream_get_fd,
    .mailstream_free = stream_free,
    .mailstream_cancel = stream_cancel,
    .mailstream_get_cancel = stream_get_cancel,
};

mailstream_low *
apppass_stream_low_new (GIOStream *io, GCancellable *cancellable)
{
  StreamData *d = g_new0 (StreamData, 1);
  mailstream_low *low;

  d->io = g_object_ref (io);
  d->in = apppass_guard_stream_new (g_io_stream_get_input_stream (io));
  d->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  low = mailstream_low_new (d, &gio_driver);
  if (low == NULL)
    g_error ("out of memory");
  return low;
}

GIOStream *
apppass_stream_low_get_io (mailstream_low *low)
{
  return data_of (low)->io;
}

const GError *
apppass_stream_low_get_error (mailstream_low *low)
{
  return data_of (low)->error;
}

gboolean
apppass_stream_low_at_eof (mailstream_low *low)
{
  return data_of (low)->eof;
}

void
apppass_stream_low_shut (mailstream_low *low)
{
  data_of (low)->shut = TRUE;
}

static void
discard_log (mailstream *stream, int log_type, const char *text, size_t size, void *context)
{
  (void)stream, (void)log_type, (void)text, (void)size, (void)context;
}

mailstream *
apppass_stream_new (mailstream_low *low)
{
  mailstream *stream = mailstream_new (low, 8192);

  if (stream == NULL)
    g_error ("out of memory");
  mailstream_set_logger (stream, discard_log, NULL);
  return stream;
}

gboolean
apppass_stream_write_secret (mailstream *stream, const void *data, gsize length)
{
  StreamData *d;
  GError *error = NULL;

  if (mailstream_flush (stream) == -1)
    return FALSE;
  d = data_of (mailstream_get_low (stream));
  if (d->shut)
    return FALSE;
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (d->io), data, length, NULL,
                                  d->cancellable, &error)) {
    remember_error (d, error);
    return FALSE;
  }
  return TRUE;
}
