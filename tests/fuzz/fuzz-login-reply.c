/* apppass fuzzing — the login check against whatever a server may say.
 *
 * The first byte picks the protocol (IMAP, POP3, SMTP), the security (none or
 * STARTTLS) and how many bytes each read may return; the rest is everything
 * the server sends, then end of file. The check runs for real
 * (apppass_login_check_over_stream_sync) over a connection in memory that
 * writes down what the client sent, and after how much of the server's side.
 * It must always end with a result, and:
 *   - accepted has no error and sent the password; rejected and failed have
 *     a clear error (UTF-8, not empty), rejected with the server's text and
 *     its diagnosis;
 *   - the password (plain, or in any base64 form of AUTH PLAIN or LOGIN)
 *     leaves only after the server's whole greeting was read, and only when
 *     that greeting was a welcome;
 *   - "password not sent" is never a lie;
 *   - over STARTTLS the password never goes out at all: no server in memory
 *     can finish a TLS handshake, so the connection is never trusted.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apppass-error.h"
#include "apppass-login.h"

#define PASSWORD "Fz9pQ7xK2mW4vB8n"
#define USER     "ann@gmail.com"

int LLVMFuzzerTestOneInput (const unsigned char *data, size_t size);

/* ---- the server's side: a pollable input stream that gives at most
 * `chunk` bytes a read, and notes how much the client had written by then -- */

typedef struct {
  GInputStream parent;
  const guint8 *data;
  gsize size, pos, chunk;
  GMemoryOutputStream *written; /* the client's side, to note its length */
  GArray *reads;                /* ReadMark, one per read */
} ServerStream;

typedef GInputStreamClass ServerStreamClass;

typedef struct {
  gsize written; /* what the client had sent before this read */
  gsize pos;     /* how much of the server's side was read after it */
} ReadMark;

static void server_stream_pollable_init (GPollableInputStreamInterface *iface);
GType server_stream_get_type (void);
G_DEFINE_TYPE_WITH_CODE (ServerStream, server_stream, G_TYPE_INPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                server_stream_pollable_init))

static gssize
server_stream_read_nonblocking (GPollableInputStream *stream, void *buffer, gsize count,
                                GError **error)
{
  ServerStream *s = (ServerStream *)stream;
  gsize n = MIN (MIN (count, s->chunk), s->size - s->pos);
  ReadMark mark;

  (void)error;
  memcpy (buffer, s->data + s->pos, n);
  s->pos += n;
  mark.written = g_memory_output_stream_get_data_size (s->written);
  mark.pos = s->pos;
  g_array_append_val (s->reads, mark);
  return (gssize)n;
}

static gssize
server_stream_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
                    GError **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  return server_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer, count, error);
}

static gboolean
server_stream_is_readable (GPollableInputStream *stream)
{
  (void)stream;
  return TRUE;
}

static GSource *
server_stream_create_source (GPollableInputStream *stream, GCancellable *cancellable)
{
  g_autoptr (GSource) ready = g_timeout_source_new (0);

  return g_pollable_source_new_full (stream, ready, cancellable);
}

static void
server_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->is_readable = server_stream_is_readable;
  iface->read_nonblocking = server_stream_read_nonblocking;
  iface->create_source = server_stream_create_source;
}

static void
server_stream_finalize (GObject *object)
{
  ServerStream *s = (ServerStream *)object;

  g_array_unref (s->reads);
  g_object_unref (s->written);
  G_OBJECT_CLASS (server_stream_parent_class)->finalize (object);
}

static void
server_stream_class_init (ServerStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = server_stream_finalize;
  klass->read_fn = server_stream_read;
}

static void
server_stream_init (ServerStream *s)
{
  s->reads = g_array_new (FALSE, FALSE, sizeof (ReadMark));
}

/* ---- what the client sent --------------------------------------------------- */

/* The password as it may go out: plain (IMAP LOGIN, POP3 PASS), and base64
 * for AUTH LOGIN and AUTH PLAIN (with and without an authorization id). */
static char **
password_forms (void)
{
  static const char plain_bare[] = "\0" USER "\0" PASSWORD;
  static const char plain_authz[] = USER "\0" USER "\0" PASSWORD;
  char **forms = g_new0 (char *, 5);

  forms[0] = g_strdup (PASSWORD);
  forms[1] = g_base64_encode ((const guchar *)PASSWORD, strlen (PASSWORD));
  forms[2] = g_base64_encode ((const guchar *)plain_bare, sizeof plain_bare - 1);
  forms[3] = g_base64_encode ((const guchar *)plain_authz, sizeof plain_authz - 1);
  return forms;
}

/* Where the password first went out, or -1. */
static gssize
first_password (const char *sent, gsize length)
{
  static char **forms;
  gssize first = -1;

  if (length == 0)
    return -1;
  if (forms == NULL)
    forms = password_forms ();
  for (guint i = 0; forms[i]; i++) {
    const char *hit = g_strstr_len (sent, (gssize)length, forms[i]);

    if (hit && (first < 0 || hit - sent < first))
      first = hit - sent;
  }
  return first;
}

/* How much of the server's side the client had read when it wrote byte @at. */
static gsize
read_before (ServerStream *server, gsize at)
{
  gsize pos = 0;

  for (guint i = 0; i < server->reads->len; i++) {
    ReadMark *mark = &g_array_index (server->reads, ReadMark, i);

    if (mark->written <= at)
      pos = MAX (pos, mark->pos);
  }
  return pos;
}

/* A welcome, the whole of its first line read: "+OK"; "*", blanks, "OK"; or
 * (SMTP) a line whose number, as strtol() reads it, is 220; after blanks. */
static gboolean
greeted (ApppassProtocol protocol, const guint8 *server, gsize read)
{
  const guint8 *end = memchr (server, '\n', read);
  g_autofree char *line = end ? g_strndup ((const char *)server, (gsize)(end - server)) : NULL;
  const char *p = line;

  if (line == NULL)
    return FALSE;
  /* libetpan skips leading blanks (a TAB reaches it as a space) */
  while (*p == ' ' || *p == '\t')
    p++;
  if (protocol == APPPASS_PROTOCOL_SMTP)
    return strtol (p, NULL, 10) == 220;
  if (protocol == APPPASS_PROTOCOL_POP3)
    return g_ascii_strncasecmp (p, "+OK", 3) == 0;
  if (*p++ != '*')
    return FALSE;
  while (*p == ' ' || *p == '\t')
    p++;
  return g_ascii_strncasecmp (p, "OK", 2) == 0;
}

/* ---- the invariants ------------------------------------------------------- */

static void
fail (const char *what, const ApppassLoginResult *r)
{
  fprintf (stderr, "fuzz-login-reply: %s (outcome %d, sent %d, error: %s)\n", what, r->outcome,
           r->password_sent, r->error ? r->error->message : "none");
  abort ();
}

static void
check_result (const ApppassLoginResult *r)
{
  if (r->outcome == APPPASS_LOGIN_ACCEPTED) {
    if (r->error != NULL || !r->password_sent)
      fail ("accepted with an error, or without the password", r);
    return;
  }
  if (r->error == NULL || r->error->domain != APPPASS_ERROR || r->error->message[0] == '\0' ||
      !g_utf8_validate (r->error->message, -1, NULL))
    fail ("no clear error", r);
  /* (A POP3 server may refuse at USER, before the password.) */
  if (r->outcome == APPPASS_LOGIN_REJECTED &&
      (r->error->code != APPPASS_ERROR_REJECTED || r->server_text == NULL ||
       !g_utf8_validate (r->server_text, -1, NULL) || r->diagnosis == NULL))
    fail ("a rejection without the server's text", r);
  if (r->outcome == APPPASS_LOGIN_FAILED && r->error->code != APPPASS_ERROR_NOT_SENT)
    fail ("a failure that is neither \"not sent\" nor a rejection", r);
}

static void
check_password_path (ApppassProtocol protocol, ApppassSecurity security, ServerStream *server,
                     GMemoryOutputStream *client, const ApppassLoginResult *r)
{
  const char *sent = g_memory_output_stream_get_data (client);
  gsize length = g_memory_output_stream_get_data_size (client);
  gssize at = first_password (sent, length);

  if (security == APPPASS_SECURITY_STARTTLS && (r->password_sent || at >= 0))
    fail ("the password left on a connection that was never trusted", r);
  if (at < 0)
    return;
  if (!r->password_sent)
    fail ("the password went out, yet the result says it was not sent", r);
  if (!greeted (protocol, server->data, read_before (server, (gsize)at)))
    fail ("the password went out before a welcome was read", r);
}

int
LLVMFuzzerTestOneInput (const unsigned char *data, size_t size)
{
  static const gsize chunks[] = {1, 3, 64, 4096};
  ApppassProtocol protocol;
  ApppassSecurity security;
  g_autoptr (GOutputStream) client = NULL;
  g_autoptr (GIOStream) io = NULL;
  ServerStream *server;
  ApppassLoginResult *r;

  if (size < 1)
    return 0;
  protocol = data[0] % APPPASS_N_PROTOCOLS;
  security = data[0] / 3 % 2 ? APPPASS_SECURITY_STARTTLS : APPPASS_SECURITY_NONE;
  client = g_memory_output_stream_new_resizable ();
  server = g_object_new (server_stream_get_type (), NULL);
  server->data = data + 1;
  server->size = size - 1;
  server->chunk = chunks[data[0] / 6 % G_N_ELEMENTS (chunks)];
  server->written = G_MEMORY_OUTPUT_STREAM (g_object_ref (client));
  io = g_simple_io_stream_new (G_INPUT_STREAM (server), client);
  {
    /* A deadline far beyond libFuzzer's -timeout: a hang is reported as one. */
    ApppassLoginOptions options = {protocol, "127.0.0.1", 0, security, USER, NULL, NULL, 600000};

    r = apppass_login_check_over_stream_sync (&options, PASSWORD, io, NULL);
  }
  if (r == NULL)
    abort ();
  if (g_getenv ("APPPASS_FUZZ_VERBOSE"))
    fprintf (stderr, "outcome %d, sent %d: %s\n", r->outcome, r->password_sent,
             r->error ? r->error->message : "accepted");
  check_result (r);
  check_password_path (protocol, security, server, G_MEMORY_OUTPUT_STREAM (client), r);
  apppass_login_result_free (r);
  g_object_unref (server);
  return 0;
}
