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

/* ---- trust -------------------------------------------------------------- */

/* Knows one certificate, the account's, and asks the system's store only when
 * that one does not fit. Not a glib-networking database, so the connection
 * checks the server through verify_chain() and builds its GnuTLS credentials
 * without reading the store. */
#define APPPASS_TYPE_ANCHOR_DATABASE (apppass_anchor_database_get_type ())
G_DECLARE_FINAL_TYPE (ApppassAnchorDatabase, apppass_anchor_database, APPPASS, ANCHOR_DATABASE,
                      GTlsDatabase)

struct _ApppassAnchorDatabase {
  GTlsDatabase parent_instance;
  GList *anchors; /* GTlsCertificate */
};

G_DEFINE_TYPE (ApppassAnchorDatabase, apppass_anchor_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
anchor_database_verify_chain (GTlsDatabase *database, GTlsCertificate *chain, const char *purpose,
                              GSocketConnectable *identity, GTlsInteraction *interaction,
                              GTlsDatabaseVerifyFlags flags, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (GTlsDatabase) system = NULL;

  /* A certificate the user accepted in the mail client, or one it signed for this host. */
  for (GList *l = APPPASS_ANCHOR_DATABASE (database)->anchors; l; l = l->next) {
    if (g_tls_certificate_is_same (chain, l->data) ||
        g_tls_certificate_verify (chain, identity, l->data) == 0)
      return 0;
  }
  system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  if (system == NULL)
    return G_TLS_CERTIFICATE_UNKNOWN_CA;
  return g_tls_database_verify_chain (system, chain, purpose, identity, interaction, flags,
                                      cancellable, error);
}

static void
apppass_anchor_database_finalize (GObject *object)
{
  g_list_free_full (APPPASS_ANCHOR_DATABASE (object)->anchors, g_object_unref);
  G_OBJECT_CLASS (apppass_anchor_database_parent_class)->finalize (object);
}

static void
apppass_anchor_database_class_init (ApppassAnchorDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = apppass_anchor_database_finalize;
  G_TLS_DATABASE_CLASS (klass)->verify_chain = anchor_database_verify_chain;
}

static void
apppass_anchor_database_init (ApppassAnchorDatabase *self)
{
  (void)self;
}

GIOStream *
apppass_tls_client_new (GIOStream *base, GSocketConnectable *identity, GList *anchors,
                        GError **error)
{
  g_autoptr (ApppassAnchorDatabase) database = NULL;

  if (anchors == NULL)
    return g_tls_client_connection_new (base, identity, error);
  database = g_object_new (APPPASS_TYPE_ANCHOR_DATABASE, NULL);
  database->anchors = g_list_copy_deep (anchors, (GCopyFunc)(void (*) (void))g_object_ref, NULL);
  /* Given at construction: the connection builds its credentials from the
   * database it has then, the system's if none was given. */
  return g_initable_new (g_tls_backend_get_client_connection_type (g_tls_backend_get_default ()),
                         NULL, error, "base-io-stream", base, "server-identity", identity,
                         "database", database, NULL);
}

/* ---- the deadline ------------------------------------------------------- */

struct _ApppassDeadline {
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  GThread *timer;
  GMutex lock;
  GCond stop;
  gboolean stopping;
  gboolean expired;
  gint64 end_time;
};

static gpointer
timer_thread (gpointer data)
{
  ApppassDeadline *deadline = data;

  g_mutex_lock (&deadline->lock);
  while (!deadline->stopping) {
    if (!g_cond_wait_until (&deadline->stop, &deadline->lock, deadline->end_time)) {
      deadline->expired = !deadline->stopping;
      break;
    }
  }
  g_mutex_unlock (&deadline->lock);
  if (deadline->expired)
    g_cancellable_cancel (deadline->cancellable);
  return NULL;
}

static void
parent_cancelled (GCancellable *parent, gpointer data)
{
  (void)parent;
  g_cancellable_cancel (data);
}

ApppassDeadline *
apppass_deadline_new (GCancellable *parent, guint timeout_ms)
{
  ApppassDeadline *deadline = g_new0 (ApppassDeadline, 1);

  deadline->cancellable = g_cancellable_new ();
  g_mutex_init (&deadline->lock);
  g_cond_init (&deadline->stop);
  deadline->end_time = g_get_monotonic_time () + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
  if (parent) {
    deadline->parent = g_object_ref (parent);
    deadline->parent_handler =
        g_cancellable_connect (parent, G_CALLBACK (parent_cancelled), deadline->cancellable, NULL);
  }
  deadline->timer = g_thread_new ("apppass-deadline", timer_thread, deadline);
  return deadline;
}

GCancellable *
apppass_deadline_get_cancellable (ApppassDeadline *deadline)
{
  return deadline->cancellable;
}

gboolean
apppass_deadline_expired (ApppassDeadline *deadline)
{
  gboolean expired;

  g_mutex_lock (&deadline->lock);
  expired = deadline->expired;
  g_mutex_unlock (&deadline->lock);
  return expired;
}

void
apppass_deadline_free (ApppassDeadline *deadline)
{
  if (deadline == NULL)
    return;
  g_mutex_lock (&deadline->lock);
  deadline->stopping = TRUE;
  g_cond_signal (&deadline->stop);
  g_mutex_unlock (&deadline->lock);
  g_thread_join (deadline->timer);
  if (deadline->parent) {
    g_cancellable_disconnect (deadline->parent, deadline->parent_handler);
    g_object_unref (deadline->parent);
  }
  g_object_unref (deadline->cancellable);
  g_mutex_clear (&deadline->lock);
  g_cond_clear (&deadline->stop);
  g_free (deadline);
}
