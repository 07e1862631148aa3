/* apppass — prove a password by logging in, the way the mail client will
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GIO opens the connection (DNS, proxy, TLS with system trust, host-name
 * check and SNI); libetpan speaks the protocol over it through the driver in
 * apppass-stream.c. The password is written only after the connection is
 * trusted: no TLS, no STARTTLS, no password, unless the account says "none". */
#include "apppass-login.h"

#include <string.h>

#include "apppass-display.h"
#include "apppass-error.h"
#include "apppass-intl.h"
#include "apppass-password.h"
#include "apppass-deadline.h"
#include "apppass-stream.h"
#include "apppass-trust.h"
#include "apppass-wipe.h"

typedef struct {
  ApppassProtocol protocol;
  char *host;
  guint16 port;
  ApppassSecurity security;
  char *user;
  char *password;
  GList *anchors; /* GTlsCertificate: the account's, one or more */
  GProxyResolver *proxy_resolver;
  guint timeout_ms;
  ApppassDeadline *deadline;
  GCancellable *cancel; /* the deadline's */
  GTlsCertificateFlags tls_errors;
  ApppassLoginResult *result;
} Check;

/* ---- outcomes ----------------------------------------------------------- */

static void
set_failed (Check *c, int code, char *message)
{
  ApppassLoginResult *r = c->result;

  r->outcome = APPPASS_LOGIN_FAILED;
  g_clear_error (&r->error);
  r->error = g_error_new_literal (APPPASS_ERROR, code, message);
  g_free (message);
}

static void
set_cancelled (Check *c)
{
  c->result->outcome = APPPASS_LOGIN_FAILED;
  g_clear_error (&c->result->error);
  c->result->error = apppass_error_new_cancelled ();
}

/* Takes @server_text. */
static void
set_rejected (Check *c, char *server_text)
{
  ApppassLoginResult *r = c->result;
  g_autofree char *shown = NULL;

  r->outcome = APPPASS_LOGIN_REJECTED;
  r->server_text = g_utf8_make_valid (server_text, -1);
  g_free (server_text);
  /* The server refused this login: words of its we do not know still mean that. */
  r->diagnosis =
      apppass_diagnose_in_context (apppass_provider_db_get_default (), c->protocol, c->host,
                                   c->user, r->server_text, -1, APPPASS_CONTEXT_REFUSED);
  shown = apppass_display_text (r->server_text, -1);
  r->error = g_error_new (APPPASS_ERROR, APPPASS_ERROR_REJECTED,
                          _ ("The server rejected the password: %s"), shown);
}

static char *
describe_tls_errors (Check *c)
{
  GTlsCertificateFlags f = c->tls_errors;

  if (f & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup_printf (_ ("The server’s certificate is not for “%s”, so the password was not "
                               "sent. Check the server name in the account settings."),
                            c->host);
  if (f & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup_printf (_ ("The certificate of %s has expired, so the password was not sent."),
                            c->host);
  if (f & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup_printf (_ ("The certificate of %s is not valid yet (check the computer’s "
                               "clock), so the password was not sent."),
                            c->host);
  if (f & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup_printf (_ ("The certificate of %s has been revoked, so the password was not "
                               "sent."),
                            c->host);
  return g_strdup_printf (_ ("The certificate of %s is not trusted, so the password was not "
                             "sent. If your mail program accepted this certificate, apppass can "
                             "be given the same one."),
                          c->host);
}

/* Turns a GIO error into a message for people; the password was not sent. */
static void
set_io_failed (Check *c, const GError *error)
{
  if (apppass_deadline_expired (c->deadline))
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s did not answer within %u seconds."), c->host,
                                 (c->timeout_ms + 999) / 1000));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_cancelled (c);
  else if (error->domain == G_RESOLVER_ERROR)
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("The server “%s” was not found. Check the server name and "
                                    "the internet connection."),
                                 c->host));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s refused the connection on port %u. Check the port and "
                                    "the security setting."),
                                 c->host, c->port));
  else if (error->domain == G_IO_ERROR && error->code >= G_IO_ERROR_PROXY_FAILED &&
           error->code <= G_IO_ERROR_PROXY_NOT_ALLOWED)
    set_failed (
        c, APPPASS_ERROR_NOT_SENT,
        g_strdup_printf (_ ("The proxy did not connect to %s: %s"), c->host, error->message));
  else if (error->domain == G_TLS_ERROR && c->tls_errors != 0)
    set_failed (c, APPPASS_ERROR_NOT_SENT, describe_tls_errors (c));
  else if (error->domain == G_TLS_ERROR)
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("A secure connection to %s could not be made (%s), so the "
                                    "password was not sent."),
                                 c->host, error->message));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s closed the connection during the login."), c->host));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s sent far more than a login needs; the check was "
                                    "stopped."),
                                 c->host));
  else
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("The connection to %s failed: %s"), c->host, error->message));
}

/* A libetpan call failed without a server answer: find out why from the stream. */
static void
set_stream_failed (Check *c, mailstream_low *low, gboolean parse_error)
{
  const GError *error = low ? apppass_stream_low_get_error (low) : NULL;

  if (error != NULL || apppass_deadline_expired (c->deadline))
    set_io_failed (c, error ? error : &(GError){G_IO_ERROR, G_IO_ERROR_TIMED_OUT, (char *)""});
  else if (parse_error && !(low && apppass_stream_low_at_eof (low)))
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("The answer of %s could not be understood; it may not be a "
                                    "mail server of this kind."),
                                 c->host));
  else
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s closed the connection during the login."), c->host));
}

static void
set_no_starttls (Check *c)
{
  set_failed (c, APPPASS_ERROR_NOT_SENT,
              g_strdup_printf (_ ("%s does not offer STARTTLS, so the password was not sent over "
                                  "an unencrypted connection."),
                               c->host));
}

/* Offered, asked for, and answered with an error: not the same as never
 * offered (a man in the middle may strip the offer or refuse the command). */
static void
set_starttls_refused (Check *c)
{
  set_failed (c, APPPASS_ERROR_NOT_SENT,
              g_strdup_printf (_ ("%s refused STARTTLS, so the password was not sent over an "
                                  "unencrypted connection."),
                               c->host));
}

/* STARTTLS was refused, or the server hung up on it. */
static void
set_starttls_failed (Check *c, mailstream *stream, gboolean offered)
{
  mailstream_low *low = mailstream_get_low (stream);

  if (apppass_stream_low_at_eof (low) || apppass_stream_low_get_error (low))
    set_stream_failed (c, low, FALSE);
  else if (offered)
    set_starttls_refused (c);
  else
    set_no_starttls (c);
}

/* ---- connecting --------------------------------------------------------- */

/* Only for the message: the account's certificate, if any, was already tried
 * (see apppass_tls_client_new()). */
static gboolean
remember_certificate_errors (GTlsConnection *conn, GTlsCertificate *peer,
                             GTlsCertificateFlags errors, gpointer data)
{
  Check *c = data;

  (void)conn, (void)peer;
  c->tls_errors = errors;
  return FALSE;
}

/* NULL for the versions that are good enough. A list of the good ones, not
 * of the bad: a version the backend cannot name is not known to be safe. */
static const char *
tls_version_name (GTlsProtocolVersion version)
{
  switch (version) {
  case G_TLS_PROTOCOL_VERSION_TLS_1_2:
  case G_TLS_PROTOCOL_VERSION_TLS_1_3:
  case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
    return NULL;
  case G_TLS_PROTOCOL_VERSION_SSL_3_0:
    return "SSL 3.0";
  case G_TLS_PROTOCOL_VERSION_TLS_1_0:
    return "TLS 1.0";
  case G_TLS_PROTOCOL_VERSION_TLS_1_1:
    return "TLS 1.1";
  case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
    return "DTLS 1.0";
  case G_TLS_PROTOCOL_VERSION_UNKNOWN:
  default:
    return "unknown";
  }
}

/* GnuTLS here still agrees to TLS 1.0 and 1.1 when the server offers nothing
 * newer, and GIO has no setting against it: the version is checked after the
 * handshake, before a word of the login is written. */
static gboolean
tls_version_acceptable (Check *c, GTlsConnection *tls)
{
  const char *old = tls_version_name (g_tls_connection_get_protocol_version (tls));

  if (old == NULL)
    return TRUE;
  set_failed (c, APPPASS_ERROR_NOT_SENT,
              g_strdup_printf (_ ("%s offered only an old version of TLS (%s), which is no longer "
                                  "safe, so the password was not sent. TLS 1.2 or newer is "
                                  "needed."),
                               c->host, old));
  return FALSE;
}

static GIOStream *
start_tls (Check *c, GIOStream *base)
{
  g_autoptr (GSocketConnectable) identity = g_network_address_new (c->host, c->port);
  g_autoptr (GError) error = NULL;
  GIOStream *tls = apppass_tls_client_new (base, identity, c->anchors, &error);

  if (tls == NULL) {
    set_io_failed (c, error);
    return NULL;
  }
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (remember_certificate_errors), c);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), c->cancel, &error)) {
    set_io_failed (c, error);
    g_object_unref (tls);
    return NULL;
  }
  if (!tls_version_acceptable (c, G_TLS_CONNECTION (tls))) {
    g_io_stream_close (tls, NULL, NULL);
    g_object_unref (tls);
    return NULL;
  }
  return tls;
}

static GIOStream *
open_connection (Check *c)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) tcp = NULL;

  if (c->proxy_resolver)
    g_socket_client_set_proxy_resolver (client, c->proxy_resolver);
  else if (apppass_host_is_loopback (c->host) || g_settings_schema_source_get_default () == NULL)
    /* A loopback server is on this machine: a proxy elsewhere would reach
     * its own loopback instead, one here adds nothing, and merely asking the
     * desktop loads its proxy modules (a tenth of the check's own CPU time).
     * The desktop's proxy settings live in GSettings; where no schema is
     * installed at all, asking for them would abort the process. */
    g_socket_client_set_enable_proxy (client, FALSE);
  tcp = g_socket_client_connect_to_host (client, c->host, c->port, c->cancel, &error);
  if (tcp == NULL) {
    set_io_failed (c, error);
    return NULL;
  }
  if (c->security == APPPASS_SECURITY_TLS)
    return start_tls (c, G_IO_STREAM (tcp));
  return G_IO_STREAM (g_steal_pointer (&tcp));
}

/* After a STARTTLS reply: the same socket, now under TLS, for libetpan. */
static gboolean
upgrade_stream (Check *c, mailstream *stream)
{
  mailstream_low *old = mailstream_get_low (stream);
  g_autoptr (GIOStream) tls = NULL;

  /* Bytes after the STARTTLS reply were sent in plain text: an injection. */
  if (stream->read_buffer_len != 0) {
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s sent data it should not have after STARTTLS; the "
                                    "password was not sent."),
                                 c->host));
    return FALSE;
  }
  tls = start_tls (c, apppass_stream_low_get_io (old));
  if (tls == NULL)
    return FALSE;
  mailstream_set_low (stream, apppass_stream_low_new (tls, c->cancel));
  mailstream_low_free (old);
  return TRUE;
}

/* ---- commands that carry the password -------------------------------------- */

/* A command holding the password, built in one buffer sized up front (a
 * growing buffer leaves copies behind in freed memory), written past
 * libetpan's buffers (see apppass_stream_write_secret()) and wiped. */
typedef struct {
  char *data;
  gsize length, size;
} Secret;

static void
secret_init (Secret *s, const Check *c)
{
  /* Room for the user and password quoted, in literals or in base64, twice. */
  s->size = 128 + 4 * (strlen (c->user ? c->user : "") + strlen (c->password));
  s->data = g_malloc (s->size);
  s->length = 0;
}

static void
secret_add (Secret *s, const void *bytes, gsize length)
{
  g_assert (s->length + length <= s->size);
  memcpy (s->data + s->length, bytes, length);
  s->length += length;
}

static void
secret_add_str (Secret *s, const char *text)
{
  secret_add (s, text, strlen (text));
}

/* SASL PLAIN's "\0user\0password", in base64. */
static void
secret_add_plain (Secret *s, const Check *c)
{
  gsize user = strlen (c->user ? c->user : ""), password = strlen (c->password);
  gsize raw_length = 2 + user + password;
  char *raw = g_malloc (raw_length);
  int state = 0, save = 0;

  g_assert (s->length + (raw_length / 3 + 2) * 4 <= s->size);
  raw[0] = '\0';
  memcpy (raw + 1, c->user ? c->user : "", user);
  raw[1 + user] = '\0';
  memcpy (raw + 2 + user, c->password, password);
  s->length +=
      g_base64_encode_step ((guchar *)raw, raw_length, FALSE, s->data + s->length, &state, &save);
  s->length += g_base64_encode_close (FALSE, s->data + s->length, &state, &save);
  apppass_wipe_free (raw, raw_length);
  apppass_wipe (&save, sizeof save);
}

static void
secret_add_base64 (Secret *s, const char *text)
{
  gsize length = strlen (text);
  int state = 0, save = 0;

  g_assert (s->length + (length / 3 + 2) * 4 <= s->size);
  s->length += g_base64_encode_step ((const guchar *)text, length, FALSE, s->data + s->length,
                                     &state, &save);
  s->length += g_base64_encode_close (FALSE, s->data + s->length, &state, &save);
  apppass_wipe (&save, sizeof save);
}

static gboolean
secret_send (Secret *s, mailstream *stream)
{
  gboolean sent = apppass_stream_write_secret (stream, s->data, s->length);

  apppass_wipe (s->data, s->length);
  s->length = 0;
  return sent;
}

static void
secret_clear (Secret *s)
{
  apppass_wipe_free (s->data, s->size);
}

/* ---- IMAP --------------------------------------------------------------- */

static gboolean
imap_refresh_capabilities (mailimap *imap)
{
  struct mailimap_capability_data *caps = NULL;

  /* On OK, libetpan 1.9.4 copies the capabilities it knows, and crashes when
   * the server never listed any (found by tests/fuzz/fuzz-login-reply.c):
   * an empty list to copy, which a listing replaces. */
  if (imap->imap_connection_info == NULL)
    imap->imap_connection_info = mailimap_connection_info_new ();
  if (imap->imap_connection_info->imap_capability == NULL)
    imap->imap_connection_info->imap_capability = mailimap_capability_data_new (clist_new ());
  if (mailimap_capability (imap, &caps) != MAILIMAP_NO_ERROR)
    return FALSE;
  mailimap_capability_data_free (caps);
  return TRUE;
}

static gboolean
imap_secure (Check *c, mailimap *imap)
{
  if (c->security != APPPASS_SECURITY_STARTTLS)
    return TRUE;
  if (!imap_refresh_capabilities (imap)) {
    set_stream_failed (c, mailstream_get_low (imap->imap_stream), FALSE);
    return FALSE;
  }
  if (!mailimap_has_extension (imap, "STARTTLS")) {
    set_no_starttls (c);
    return FALSE;
  }
  if (mailimap_starttls (imap) != MAILIMAP_NO_ERROR) {
    set_starttls_failed (c, imap->imap_stream, TRUE);
    return FALSE;
  }
  return upgrade_stream (c, imap->imap_stream);
}

/* The server's answer as it was sent, near enough for the diagnosis: the
 * [ALERT] line, then the tagged reply with its code. */
static char *
imap_server_text (mailimap *imap)
{
  struct mailimap_response_info *info = imap->imap_response_info;
  GString *text = g_string_new (NULL);

  if (info && info->rsp_alert)
    g_string_append_printf (text, "* NO [ALERT] %s\r\n", info->rsp_alert);
  g_string_append (text, "NO ");
  if (info && info->rsp_atom)
    g_string_append_printf (text, "[%s] ", info->rsp_atom);
  g_string_append (text, imap->imap_response ? imap->imap_response : "");
  return g_string_free (text, FALSE);
}

static void
imap_forget_last_answer (mailimap *imap)
{
  struct mailimap_response_info *info = imap->imap_response_info;

  imap->imap_response = NULL;
  if (info) {
    g_clear_pointer (&info->rsp_alert, free);
    g_clear_pointer (&info->rsp_atom, free);
  }
}

/* The tagged answer to the login: OK, or the server's refusal (kept in
 * @imap for imap_server_text()). @line_read: its first line is read already. */
static int
imap_login_answer (mailimap *imap, gboolean line_read)
{
  struct mailimap_response *response = NULL;
  int r, state;

  if (!line_read && mailimap_read_line (imap) == NULL)
    return MAILIMAP_ERROR_STREAM;
  r = mailimap_parse_response (imap, &response);
  if (r != MAILIMAP_NO_ERROR)
    return r;
  state = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
  mailimap_response_free (response);
  if (state != MAILIMAP_RESP_COND_STATE_OK)
    return MAILIMAP_ERROR_LOGIN;
  imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
  return MAILIMAP_NO_ERROR;
}

/* After a synchronizing literal's "{N}" or a bare AUTHENTICATE: TRUE on the
 * server's "+"; otherwise its answer is in the buffer, or the stream failed. */
static gboolean
imap_continued (mailimap *imap, gboolean *answered)
{
  if (mailimap_read_line (imap) == NULL)
    return FALSE;
  *answered = imap->imap_stream_buffer->str[0] != '+';
  return !*answered;
}

/* RFC 3501: a quoted string carries 7-bit text without CR, LF or NUL; a
 * password or user with any other byte (UTF-8, say) goes as a literal. */
static gboolean
imap_quotable (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p; p++) {
    if (*p >= 0x80 || *p == '\r' || *p == '\n')
      return FALSE;
  }
  return TRUE;
}

/* Adds @text to the command as a string; a synchronizing literal sends what
 * comes before it and waits for the server's "+" (FALSE if it never came). */
static gboolean
imap_add_string (mailimap *imap, Secret *s, const char *text, gboolean *answered)
{
  gboolean nonsync = mailimap_has_extension (imap, "LITERAL+");
  char count[32];

  if (imap_quotable (text)) {
    secret_add (s, "\"", 1);
    for (const char *p = text; *p; p++) {
      if (*p == '"' || *p == '\\')
        secret_add (s, "\\", 1);
      secret_add (s, p, 1);
    }
    secret_add (s, "\"", 1);
    return TRUE;
  }
  g_snprintf (count, sizeof count, "{%zu%s}\r\n", strlen (text), nonsync ? "+" : "");
  secret_add_str (s, count);
  if (!nonsync && !(secret_send (s, imap->imap_stream) && imap_continued (imap, answered)))
    return FALSE;
  secret_add_str (s, text);
  return TRUE;
}

/* Sends the rest of the login command in @s where nothing failed so far
 * (@sent), wipes it and reads the tagged answer. A server may answer before
 * the command was whole (@answered): that answer is the verdict. */
static int
imap_end_login (mailimap *imap, Secret *s, gboolean sent, gboolean answered)
{
  sent = sent && secret_send (s, imap->imap_stream);
  secret_clear (s);
  if (!sent && !answered)
    return MAILIMAP_ERROR_STREAM;
  return imap_login_answer (imap, !sent);
}

static int
imap_login (Check *c, mailimap *imap)
{
  gboolean answered = FALSE, sent;
  Secret s;

  if (mailimap_send_current_tag (imap) != MAILIMAP_NO_ERROR)
    return MAILIMAP_ERROR_STREAM;
  secret_init (&s, c);
  secret_add_str (&s, "LOGIN ");
  sent = imap_add_string (imap, &s, c->user ? c->user : "", &answered);
  if (sent)
    secret_add_str (&s, " ");
  sent = sent && imap_add_string (imap, &s, c->password, &answered);
  if (sent)
    secret_add_str (&s, "\r\n");
  return imap_end_login (imap, &s, sent, answered);
}

/* Where LOGIN is disabled; in one line where the server takes SASL-IR. */
static int
imap_authenticate_plain (Check *c, mailimap *imap)
{
  gboolean answered = FALSE, sent;
  Secret s;

  if (mailimap_send_current_tag (imap) != MAILIMAP_NO_ERROR)
    return MAILIMAP_ERROR_STREAM;
  secret_init (&s, c);
  secret_add_str (&s, "AUTHENTICATE PLAIN");
  if (mailimap_has_extension (imap, "SASL-IR")) {
    secret_add_str (&s, " ");
    sent = TRUE;
  } else {
    secret_add_str (&s, "\r\n");
    sent = secret_send (&s, imap->imap_stream) && imap_continued (imap, &answered);
  }
  if (sent) {
    secret_add_plain (&s, c);
    secret_add_str (&s, "\r\n");
  }
  return imap_end_login (imap, &s, sent, answered);
}

static int
imap_send_password (Check *c, mailimap *imap)
{
  mailstream_low *low = mailstream_get_low (imap->imap_stream);

  /* Whether LOGIN is allowed is in the capabilities, which also change after
   * STARTTLS. A server gone meanwhile gets no password. */
  if (!imap_refresh_capabilities (imap) &&
      (apppass_stream_low_at_eof (low) || apppass_stream_low_get_error (low)))
    return MAILIMAP_ERROR_STREAM;
  imap_forget_last_answer (imap);
  c->result->password_sent = TRUE;
  if (mailimap_has_extension (imap, "LOGINDISABLED"))
    return imap_authenticate_plain (c, imap);
  return imap_login (c, imap);
}

static void
imap_check (Check *c, GIOStream *io)
{
  mailimap *imap = mailimap_new (0, NULL);
  mailstream *stream = apppass_stream_new (apppass_stream_low_new (io, c->cancel));
  int r = mailimap_connect (imap, stream);

  if (r == MAILIMAP_NO_ERROR_AUTHENTICATED) {
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s logged in without asking for a password, so there is "
                                    "nothing to check."),
                                 c->host));
  } else if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
    set_stream_failed (c, mailstream_get_low (stream), r == MAILIMAP_ERROR_PARSE);
  } else if (imap_secure (c, imap)) {
    r = imap_send_password (c, imap);
    if (r == MAILIMAP_NO_ERROR)
      c->result->outcome = APPPASS_LOGIN_ACCEPTED;
    else if (imap->imap_response != NULL && r != MAILIMAP_ERROR_PARSE && r != MAILIMAP_ERROR_STREAM)
      set_rejected (c, imap_server_text (imap));
    else
      set_stream_failed (c, mailstream_get_low (imap->imap_stream), r == MAILIMAP_ERROR_PARSE);
  }
  if (c->result->outcome == APPPASS_LOGIN_ACCEPTED)
    mailimap_logout (imap);
  else if (imap->imap_stream)
    apppass_stream_low_shut (mailstream_get_low (imap->imap_stream));
  mailimap_free (imap);
}

/* ---- POP3 --------------------------------------------------------------- */

/* Asked only once STLS failed, to say why: a server without CAPA never
 * offered it. Not mailpop3_capa(): at the end of the stream libetpan reads
 * empty lines for ever, and its CAPA list grows until memory runs out
 * (found by tests/fuzz/fuzz-login-reply.c). */
static gboolean
pop3_offers_stls (mailpop3 *pop3)
{
  mailstream *stream = pop3->pop3_stream;
  mailstream_low *low = mailstream_get_low (stream);
  gboolean found = FALSE;
  const char *line;

  if (mailstream_write (stream, "CAPA\r\n", 6) == -1 || mailstream_flush (stream) == -1)
    return FALSE;
  line = mailstream_read_line_remove_eol (stream, pop3->pop3_stream_buffer);
  if (line == NULL || !g_str_has_prefix (line, "+OK"))
    return FALSE;
  while ((line = mailstream_read_line_remove_eol (stream, pop3->pop3_stream_buffer)) != NULL &&
         !apppass_stream_low_at_eof (low) && strcmp (line, ".") != 0)
    found |= g_ascii_strncasecmp (line, "STLS", 4) == 0 && (line[4] == '\0' || line[4] == ' ');
  return found;
}

static gboolean
pop3_secure (Check *c, mailpop3 *pop3)
{
  if (c->security != APPPASS_SECURITY_STARTTLS)
    return TRUE;
  if (mailpop3_stls (pop3) != MAILPOP3_NO_ERROR) {
    set_starttls_failed (c, pop3->pop3_stream, pop3_offers_stls (pop3));
    return FALSE;
  }
  return upgrade_stream (c, pop3->pop3_stream);
}

/* As mailpop3_pass(), which leaves the PASS line in a buffer on its stack
 * and in libetpan's write buffer. */
static int
pop3_pass (Check *c, mailpop3 *pop3)
{
  Secret s;
  gboolean sent;
  const char *line;

  secret_init (&s, c);
  secret_add_str (&s, "PASS ");
  secret_add_str (&s, c->password);
  secret_add_str (&s, "\r\n");
  sent = secret_send (&s, pop3->pop3_stream);
  secret_clear (&s);
  pop3->pop3_response = NULL;
  line =
      sent ? mailstream_read_line_remove_eol (pop3->pop3_stream, pop3->pop3_stream_buffer) : NULL;
  if (line == NULL)
    return MAILPOP3_ERROR_STREAM;
  if (g_str_has_prefix (line, "+OK"))
    return MAILPOP3_NO_ERROR;
  if (!g_str_has_prefix (line, "-ERR"))
    return MAILPOP3_ERROR_BAD_PASSWORD;
  line += strlen ("-ERR");
  mmap_string_assign (pop3->pop3_response_buffer, *line == ' ' ? line + 1 : line);
  pop3->pop3_response = pop3->pop3_response_buffer->str;
  return MAILPOP3_ERROR_BAD_PASSWORD;
}

static void
pop3_check (Check *c, GIOStream *io)
{
  mailpop3 *pop3 = mailpop3_new (0, NULL);
  mailstream *stream = apppass_stream_new (apppass_stream_low_new (io, c->cancel));
  int r = mailpop3_connect (pop3, stream);

  if (r != MAILPOP3_NO_ERROR) {
    set_stream_failed (c, mailstream_get_low (stream), pop3->pop3_response != NULL);
  } else if (pop3_secure (c, pop3)) {
    pop3->pop3_response = NULL;
    /* USER first: a server gone at USER never gets PASS. */
    r = mailpop3_user (pop3, c->user);
    if (r == MAILPOP3_NO_ERROR) {
      c->result->password_sent = TRUE;
      r = pop3_pass (c, pop3);
    }
    if (r == MAILPOP3_NO_ERROR)
      c->result->outcome = APPPASS_LOGIN_ACCEPTED;
    /* libetpan reads a closed connection, or a line that is not "+OK" or
     * "-ERR", as an empty -ERR: that is no answer a person could use. */
    else if ((r == MAILPOP3_ERROR_BAD_USER || r == MAILPOP3_ERROR_BAD_PASSWORD) &&
             pop3->pop3_response != NULL && *pop3->pop3_response != '\0')
      set_rejected (c, g_strconcat ("-ERR ", pop3->pop3_response, NULL));
    else
      set_stream_failed (c, mailstream_get_low (pop3->pop3_stream), TRUE);
  }
  if (c->result->outcome == APPPASS_LOGIN_ACCEPTED)
    mailpop3_quit (pop3);
  else if (pop3->pop3_stream)
    apppass_stream_low_shut (mailstream_get_low (pop3->pop3_stream));
  mailpop3_free (pop3);
}

/* ---- SMTP --------------------------------------------------------------- */

/* libetpan joins the reply lines and strips their codes; put the code back on
 * each line, so that "534-5.7.9 …" reads as the server sent it. */
static char *
smtp_server_text (mailsmtp *smtp)
{
  g_auto (GStrv) lines = g_strsplit (smtp->response ? smtp->response : "", "\n", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++) {
    if (*lines[i] == '\0' && lines[i + 1] == NULL)
      break;
    g_string_append_printf (text, "%d %s\r\n", smtp->response_code, lines[i]);
  }
  return g_string_free (text, FALSE);
}

static gboolean
smtp_secure (Check *c, mailsmtp *smtp)
{
  if (c->security != APPPASS_SECURITY_STARTTLS)
    return TRUE;
  if (mailesmtp_starttls (smtp) != MAILSMTP_NO_ERROR) {
    set_starttls_failed (c, smtp->stream, (smtp->esmtp & MAILSMTP_ESMTP_STARTTLS) != 0);
    return FALSE;
  }
  if (!upgrade_stream (c, smtp->stream))
    return FALSE;
  if (mailesmtp_ehlo (smtp) != MAILSMTP_NO_ERROR) {
    set_stream_failed (c, mailstream_get_low (smtp->stream), FALSE);
    return FALSE;
  }
  return TRUE;
}

static const char *
smtp_mechanism (mailsmtp *smtp)
{
  if (smtp->auth & MAILSMTP_AUTH_PLAIN)
    return "PLAIN";
  if (smtp->auth & MAILSMTP_AUTH_LOGIN)
    return "LOGIN";
  return NULL;
}

/* Exported by libetpan 1.9.4, though not in its headers: reads a reply,
 * setting response and response_code (0 when the stream failed). */
int mailsmtp_read_response (mailsmtp *session);

/* Sends @s and reads the reply; the code a step must get for the next. */
static int
smtp_step (mailsmtp *smtp, Secret *s, int expected)
{
  if (!secret_send (s, smtp->stream))
    return MAILSMTP_ERROR_STREAM;
  if (mailsmtp_read_response (smtp) == 0)
    return MAILSMTP_ERROR_STREAM;
  return smtp->response_code == expected ? MAILSMTP_NO_ERROR : MAILSMTP_ERROR_AUTH_LOGIN;
}

/* mailesmtp_auth_sasl() goes through Cyrus SASL, whose buffers keep the
 * password after it is done: AUTH PLAIN (RFC 4954, with the initial
 * response) and AUTH LOGIN are simple enough to send ourselves. */
static int
smtp_auth_plain (Check *c, mailsmtp *smtp)
{
  Secret s;
  int r;

  secret_init (&s, c);
  secret_add_str (&s, "AUTH PLAIN ");
  secret_add_plain (&s, c);
  secret_add_str (&s, "\r\n");
  r = smtp_step (smtp, &s, 235);
  secret_clear (&s);
  return r;
}

static int
smtp_auth_login (Check *c, mailsmtp *smtp)
{
  Secret s;
  int r;

  secret_init (&s, c);
  secret_add_str (&s, "AUTH LOGIN\r\n");
  r = smtp_step (smtp, &s, 334);
  if (r == MAILSMTP_NO_ERROR) {
    secret_add_base64 (&s, c->user ? c->user : "");
    secret_add_str (&s, "\r\n");
    r = smtp_step (smtp, &s, 334);
  }
  if (r == MAILSMTP_NO_ERROR) {
    secret_add_base64 (&s, c->password);
    secret_add_str (&s, "\r\n");
    r = smtp_step (smtp, &s, 235);
  }
  secret_clear (&s);
  return r;
}

static void
smtp_authenticate (Check *c, mailsmtp *smtp)
{
  const char *mechanism = smtp_mechanism (smtp);
  int r;

  if (mechanism == NULL) {
    set_failed (c, APPPASS_ERROR_NOT_SENT,
                g_strdup_printf (_ ("%s offers no password login (AUTH PLAIN or LOGIN) on this "
                                    "connection, so the password was not sent."),
                                 c->host));
    return;
  }
  smtp->response_code = 0;
  c->result->password_sent = TRUE;
  r = g_str_equal (mechanism, "PLAIN") ? smtp_auth_plain (c, smtp) : smtp_auth_login (c, smtp);
  if (r == MAILSMTP_NO_ERROR)
    c->result->outcome = APPPASS_LOGIN_ACCEPTED;
  else if (smtp->response_code != 0)
    set_rejected (c, smtp_server_text (smtp));
  else
    set_stream_failed (c, mailstream_get_low (smtp->stream), FALSE);
}

static void
smtp_check (Check *c, GIOStream *io)
{
  mailsmtp *smtp = mailsmtp_new (0, NULL);
  mailstream *stream = apppass_stream_new (apppass_stream_low_new (io, c->cancel));
  int r = mailsmtp_connect (smtp, stream);

  if (r != MAILSMTP_NO_ERROR) {
    /* libetpan has closed the stream, and the driver's error with it. */
    set_stream_failed (c, NULL, r == MAILSMTP_ERROR_UNEXPECTED_CODE);
  } else if (mailesmtp_ehlo (smtp) != MAILSMTP_NO_ERROR) {
    set_stream_failed (c, mailstream_get_low (smtp->stream), FALSE);
  } else if (smtp_secure (c, smtp)) {
    smtp_authenticate (c, smtp);
  }
  if (c->result->outcome == APPPASS_LOGIN_ACCEPTED)
    mailsmtp_quit (smtp);
  else if (smtp->stream)
    apppass_stream_low_shut (mailstream_get_low (smtp->stream));
  mailsmtp_free (smtp);
}

/* ---- the check ---------------------------------------------------------- */

static void
check_free (Check *c)
{
  g_free (c->host);
  g_free (c->user);
  apppass_password_free (c->password);
  g_list_free_full (c->anchors, g_object_unref);
  g_clear_object (&c->proxy_resolver);
  g_free (c);
}

/* "host:port" (as `--host h:p` gives it) is what GIO would connect to: the
 * port in it wins, and every message, the certificate's name, the diagnosis
 * and the proxy's question use the host and port really used. */
char *
apppass_login_options_get_server (const ApppassLoginOptions *options, guint16 *port)
{
  g_autoptr (GSocketConnectable) address = NULL;

  *port = options->port ? options->port
                        : apppass_protocol_default_port (options->protocol, options->security);
  address = g_network_address_parse (options->host, *port, NULL);
  if (address == NULL)
    return g_strdup (options->host);
  *port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  return g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (address)));
}

static Check *
check_new (const ApppassLoginOptions *options, const char *password)
{
  Check *c = g_new0 (Check, 1);

  c->protocol = options->protocol;
  c->security = options->security;
  c->host = apppass_login_options_get_server (options, &c->port);
  c->user = g_strdup (options->user);
  c->password = g_strdup (password);
  c->proxy_resolver = options->proxy_resolver ? g_object_ref (options->proxy_resolver) : NULL;
  c->timeout_ms = options->timeout_ms ? options->timeout_ms : APPPASS_LOGIN_DEFAULT_TIMEOUT_MS;
  c->result = g_new0 (ApppassLoginResult, 1);
  c->result->outcome = APPPASS_LOGIN_FAILED;
  return c;
}

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END   "-----END CERTIFICATE-----"

/* Every certificate in @pem is an anchor of its own (a CA file often holds a
 * chain or several CAs); g_tls_certificate_new_from_pem() would take the
 * first alone, with the others as its issuers. One that cannot be read (cut
 * short, say) fails the whole file, as a file without any does. */
static gboolean
load_anchors (Check *c, const char *pem)
{
  g_autoptr (GError) error = NULL;
  const char *rest = pem, *begin;

  if (pem == NULL)
    return TRUE;
  while ((begin = strstr (rest, PEM_BEGIN)) != NULL) {
    const char *end = strstr (begin, PEM_END);
    GTlsCertificate *anchor = g_tls_certificate_new_from_pem (
        begin, end ? (gssize)(end + strlen (PEM_END) - begin) : -1, &error);

    if (anchor == NULL)
      break;
    c->anchors = g_list_append (c->anchors, anchor);
    if (end == NULL)
      break;
    rest = end + strlen (PEM_END);
  }
  if (c->anchors == NULL && error == NULL)
    g_clear_object (&(GTlsCertificate *){g_tls_certificate_new_from_pem (pem, -1, &error)});
  if (error == NULL)
    return TRUE;
  set_failed (
      c, APPPASS_ERROR_NOT_SENT,
      g_strdup_printf (_ ("The trusted certificate could not be read: %s"), error->message));
  return FALSE;
}

/* @given: a connection the caller opened (see apppass_login_check_over_stream_sync), or NULL. */
static void
run_check (Check *c, const char *trusted_pem, GIOStream *given, GCancellable *cancellable)
{
  g_autoptr (GIOStream) io = NULL;

  if (!load_anchors (c, trusted_pem))
    return;
  c->deadline = apppass_deadline_new (cancellable, c->timeout_ms);
  c->cancel = apppass_deadline_get_cancellable (c->deadline);
  if (given == NULL)
    io = open_connection (c);
  else if (c->security == APPPASS_SECURITY_TLS)
    io = start_tls (c, given);
  else
    io = g_object_ref (given);
  if (io != NULL) {
    if (c->protocol == APPPASS_PROTOCOL_IMAP)
      imap_check (c, io);
    else if (c->protocol == APPPASS_PROTOCOL_POP3)
      pop3_check (c, io);
    else
      smtp_check (c, io);
  }
  g_clear_pointer (&c->deadline, apppass_deadline_free);
}

ApppassLoginResult *
apppass_login_check_over_stream_sync (const ApppassLoginOptions *options, const char *password,
                                      GIOStream *io, GCancellable *cancellable)
{
  Check *c;
  ApppassLoginResult *result;

  g_return_val_if_fail (options != NULL && options->host != NULL && password != NULL, NULL);
  apppass_intl_init ();
  c = check_new (options, password);
  run_check (c, options->trusted_pem, io, cancellable);
  result = g_steal_pointer (&c->result);
  check_free (c);
  return result;
}

ApppassLoginResult *
apppass_login_check_sync (const ApppassLoginOptions *options, const char *password,
                          GCancellable *cancellable)
{
  return apppass_login_check_over_stream_sync (options, password, NULL, cancellable);
}

typedef struct {
  Check *check;
  char *trusted_pem;
} Job;

static void
job_free (Job *job)
{
  if (job->check)
    apppass_login_result_free (job->check->result);
  if (job->check)
    check_free (job->check);
  g_free (job->trusted_pem);
  g_free (job);
}

static void
check_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;

  (void)source;
  run_check (job->check, job->trusted_pem, NULL, cancellable);
  g_task_return_pointer (task, g_steal_pointer (&job->check->result),
                         (GDestroyNotify)apppass_login_result_free);
}

void
apppass_login_check (const ApppassLoginOptions *options, const char *password,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (options != NULL && options->host != NULL && password != NULL);
  apppass_intl_init ();
  job->check = check_new (options, password);
  job->trusted_pem = g_strdup (options->trusted_pem);
  g_task_set_source_tag (task, apppass_login_check);
  /* The result says "cancelled" itself; the task must still return it. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  g_task_run_in_thread (task, check_thread);
}

ApppassLoginResult *
apppass_login_check_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

void
apppass_login_result_free (ApppassLoginResult *result)
{
  if (result == NULL)
    return;
  g_free (result->server_text);
  apppass_diagnosis_free (result->diagnosis);
  g_clear_error (&result->error);
  g_free (result);
}
