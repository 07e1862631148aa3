/* apppass tests — a mail server on loopback that answers like a provider
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IMAP4rev1, POP3 and SMTP submission, each in plain text with STARTTLS and
 * with implicit TLS, on ports the kernel chooses. A scenario file says which
 * password it accepts (as a SHA-256, never the password) and what it answers
 * otherwise, word for word as the provider does, or how it misbehaves. Every
 * login attempt is appended to a record (protocol, user, matched or not,
 * TLS or not), never the password itself.
 *
 *   apppass-test-server --scenario FILE --record FILE --cert PEM --key PEM
 *                       --ports-file FILE [--spool DIR]
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define IDLE_TIMEOUT_S 60
#define HUGE_LINE      (1024 * 1024)

typedef enum {
  IMAP,
  POP3,
  SMTP
} Protocol;

static const char *const protocol_names[] = {"imap", "pop3", "smtp"};

typedef struct {
  GKeyFile *scenario;
  GTlsCertificate *cert;
  FILE *record;
  GMutex record_lock;
  char *spool;
  guint message_count;
  int backend_port[2]; /* IMAP, POP3: a Dovecot holding the mailbox */
  char *backend_user;
  char *backend_password;
} Server;

static Server server;

typedef struct {
  Protocol protocol;
  gboolean implicit_tls;
} Listener;

/* One client connection, served in its own thread. */
typedef struct {
  Protocol protocol;
  GIOStream *base;
  GIOStream *io; /* base, or TLS over it */
  GDataInputStream *in;
  gboolean tls;
  gboolean authenticated;
  char *user;
  char *rest;         /* what follows an IMAP literal */
  GIOStream *backend; /* the mailbox, once logged in */
} Conn;

/* ---- scenario ------------------------------------------------------------ */

static char *
setting (Protocol p, const char *key, const char *fallback)
{
  char *value = g_key_file_get_string (server.scenario, protocol_names[p], key, NULL);

  return value ? value : g_strdup (fallback);
}

static gboolean
mode_is (Protocol p, const char *mode)
{
  g_autofree char *value = setting (p, "mode", "none");

  return g_strcmp0 (value, mode) == 0;
}

static gboolean
password_matches (const char *password)
{
  g_autofree char *expected =
      g_key_file_get_string (server.scenario, "scenario", "password-sha256", NULL);
  g_autofree char *actual = g_compute_checksum_for_string (G_CHECKSUM_SHA256, password, -1);

  return expected != NULL && g_ascii_strcasecmp (expected, actual) == 0;
}

/* ---- record -------------------------------------------------------------- */

static char *
json_string (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const guchar *p = (const guchar *)(text ? text : ""); *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf (out, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf (out, "\\u%04x", *p);
    else
      g_string_append_c (out, (char)*p);
  }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static void record (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
record (const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_mutex_lock (&server.record_lock);
  fprintf (server.record, "%s\n", line);
  fflush (server.record);
  g_mutex_unlock (&server.record_lock);
}

static void
record_login (Conn *c, const char *mechanism, const char *user, gboolean matched)
{
  g_autofree char *u = json_string (user);

  /* at_us: CLOCK_MONOTONIC, comparable with other processes' (the dialog benchmark) */
  record ("{\"event\":\"login\",\"protocol\":\"%s\",\"mechanism\":\"%s\",\"user\":%s,"
          "\"tls\":%s,\"matched\":%s,\"at_us\":%" G_GINT64_FORMAT "}",
          protocol_names[c->protocol], mechanism, u, c->tls ? "true" : "false",
          matched ? "true" : "false", g_get_monotonic_time ());
}

/* ---- I/O ----------------------------------------------------------------- */

static void
wipe_free (char *secret)
{
  if (secret)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static gboolean
send_raw (Conn *c, const char *data, gsize length)
{
  GOutputStream *out = g_io_stream_get_output_stream (c->io);

  if (mode_is (c->protocol, "slow")) {
    for (gsize i = 0; i < length; i++) {
      if (!g_output_stream_write_all (out, data + i, 1, NULL, NULL, NULL))
        return FALSE;
      g_usleep (100 * 1000);
    }
    return TRUE;
  }
  return g_output_stream_write_all (out, data, length, NULL, NULL, NULL);
}

static gboolean send_line (Conn *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
send_line (Conn *c, const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;
  g_autofree char *full = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  full = g_strconcat (line, "\r\n", NULL);
  return send_raw (c, full, strlen (full));
}

/* "{x1b}" becomes the byte 0x1b: hostile scenarios send bytes that a key
 * file cannot hold (ESC, a lone 0x9b), and the file stays readable. */
static void
expand_bytes (GString *line)
{
  for (gsize i = 0; i + 5 <= line->len; i++) {
    if (line->str[i] == '{' && line->str[i + 1] == 'x' && g_ascii_isxdigit (line->str[i + 2]) &&
        g_ascii_isxdigit (line->str[i + 3]) && line->str[i + 4] == '}') {
      char byte = (char)(g_ascii_xdigit_value (line->str[i + 2]) * 16 +
                         g_ascii_xdigit_value (line->str[i + 3]));

      g_string_erase (line, (gssize)i, 5);
      g_string_insert_len (line, (gssize)i, &byte, 1);
    }
  }
}

/* A scenario's multi-line answer, {tag} and {xHH} replaced, each line ended by CRLF. */
static gboolean
send_scenario_text (Conn *c, const char *text, const char *tag)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    g_autoptr (GString) line = g_string_new (g_strchomp (lines[i]));

    if (line->len == 0 && lines[i + 1] == NULL)
      break;
    g_string_replace (line, "{tag}", tag ? tag : "", 0);
    expand_bytes (line);
    g_string_append (line, "\r\n");
    if (!send_raw (c, line->str, line->len))
      return FALSE;
  }
  return TRUE;
}

static void
reset_reader (Conn *c)
{
  g_clear_object (&c->in);
  c->in = g_data_input_stream_new (g_io_stream_get_input_stream (c->io));
  /* Dropping the reader at STARTTLS must not close the socket under it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (c->in), FALSE);
  g_data_input_stream_set_newline_type (c->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (c->in), 4096);
}

static char *
read_line (Conn *c)
{
  return g_data_input_stream_read_line (c->in, NULL, NULL, NULL);
}

static gboolean
start_tls (Conn *c)
{
  g_autoptr (GError) error = NULL;
  GIOStream *tls = g_tls_server_connection_new (c->base, server.cert, &error);

  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error)) {
    g_clear_object (&tls);
    return FALSE;
  }
  c->io = tls;
  c->tls = TRUE;
  reset_reader (c);
  return TRUE;
}

/* STARTTLS: @ready and the handshake where the scenario lets it happen, else
 * @refusal; IMAP's answers start with the command's @tag. */
static gboolean
answer_starttls (Conn *c, const char *tag, const char *refusal, const char *ready)
{
  const char *sep = tag ? " " : "";

  if (c->tls || mode_is (c->protocol, "strip-starttls") || mode_is (c->protocol, "refuse-starttls"))
    return send_line (c, "%s%s%s", tag ? tag : "", sep, refusal);
  send_line (c, "%s%s%s", tag ? tag : "", sep, ready);
  return start_tls (c);
}

/* Misbehaviour in place of the answer to a login; TRUE when it took over. */
static gboolean
misbehave_at_login (Conn *c)
{
  if (mode_is (c->protocol, "close-mid-login"))
    return TRUE;
  if (mode_is (c->protocol, "huge-line")) {
    g_autofree char *line = g_malloc (HUGE_LINE);

    memset (line, 'A', HUGE_LINE);
    send_raw (c, line, HUGE_LINE);
    send_raw (c, "\r\n", 2);
    return TRUE;
  }
  if (mode_is (c->protocol, "half-reply") || mode_is (c->protocol, "half-reply-close")) {
    static const char *const halves[] = {"* NO [ALERT] Application-specific pass",
                                         "-ERR [AUTH] Application-specific pass",
                                         "534-5.7.9 Application-specific pass"};
    char byte;

    /* A reply that stops halfway, then silence until the client gives up, or a hang-up. */
    send_raw (c, halves[c->protocol], strlen (halves[c->protocol]));
    while (mode_is (c->protocol, "half-reply") &&
           g_input_stream_read (G_INPUT_STREAM (c->in), &byte, 1, NULL, NULL) > 0)
      ;
    return TRUE;
  }
  if (mode_is (c->protocol, "endless")) {
    while (send_line (c, c->protocol == SMTP ? "250-And then some more." : "* OK more"))
      ;
    return TRUE;
  }
  return FALSE;
}

static void
send_reject (Conn *c, const char *tag, const char *fallback)
{
  g_autofree char *text = setting (c->protocol, "reject", fallback);

  if (mode_is (c->protocol, "non-utf8")) {
    if (c->protocol == IMAP)
      send_line (c, "%s NO \xff\xfe Mot de passe incorrect \xe9\xe8", tag);
    else
      send_line (c, "%s \xff\xfe Mot de passe incorrect \xe9\xe8",
                 c->protocol == POP3 ? "-ERR" : "535");
    return;
  }
  send_scenario_text (c, text, tag);
}

/* Checks a password sent by the client; answers on success only. */
static gboolean
check_login (Conn *c, const char *mechanism, const char *user, const char *password)
{
  gboolean matched = password_matches (password);

  record_login (c, mechanism, user, matched);
  if (matched) {
    c->authenticated = TRUE;
    g_free (c->user);
    c->user = g_strdup (user);
  }
  return matched;
}

/* "\0user\0password" (or "authz\0user\0password") from AUTH PLAIN's base64. */
static gboolean
decode_plain (const char *b64, char **user, char **password)
{
  gsize length = 0;
  g_autofree guchar *raw = g_base64_decode (b64, &length);
  const char *first, *second;

  if (raw == NULL || length == 0)
    return FALSE;
  raw = g_realloc (raw, length + 1);
  raw[length] = '\0';
  first = memchr (raw, '\0', length);
  if (first == NULL)
    return FALSE;
  second = memchr (first + 1, '\0', length - (gsize)(first + 1 - (const char *)raw));
  if (second == NULL)
    return FALSE;
  *user = g_strndup (first + 1, second - first - 1);
  *password = g_strndup (second + 1, length - (gsize)(second + 1 - (const char *)raw));
  memset (raw, 0, length);
  return TRUE;
}

static char *
decode_b64_text (const char *b64)
{
  gsize length = 0;
  g_autofree guchar *raw = g_base64_decode (b64, &length);

  return raw ? g_strndup ((const char *)raw, length) : g_strdup ("");
}

/* ---- the mailbox: a loopback Dovecot behind an accepted login ------------ */

static gboolean
backend_expect (GDataInputStream *in, const char *ok_prefix)
{
  for (;;) {
    g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

    if (line == NULL)
      return FALSE;
    if (g_str_has_prefix (line, ok_prefix))
      return TRUE;
    if (g_str_has_prefix (line, "x NO") || g_str_has_prefix (line, "x BAD") ||
        g_str_has_prefix (line, "-ERR"))
      return FALSE;
  }
}

/* Logs in to the backend with its own password; NULL when there is none. */
static GIOStream *
backend_login (Protocol p)
{
  int port = server.backend_port[p];
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  GOutputStream *out;
  g_autofree char *command = NULL;
  gboolean ok;

  if (port <= 0 || server.backend_password == NULL)
    return NULL;
  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16)port, NULL, NULL);
  if (conn == NULL)
    return NULL;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  /* One byte at a time: what follows the login reply must stay in the socket for the relay. */
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 1);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (p == IMAP)
    command =
        g_strdup_printf ("x LOGIN \"%s\" \"%s\"\r\n", server.backend_user, server.backend_password);
  else
    command =
        g_strdup_printf ("USER %s\r\nPASS %s\r\n", server.backend_user, server.backend_password);
  ok = backend_expect (in, p == IMAP ? "* OK" : "+OK") &&
       g_output_stream_write_all (out, command, strlen (command), NULL, NULL, NULL) &&
       (p == IMAP ? backend_expect (in, "x OK")
                  : backend_expect (in, "+OK") && backend_expect (in, "+OK"));
  memset (command, 0, strlen (command));
  return ok ? G_IO_STREAM (g_steal_pointer (&conn)) : NULL;
}

static void
relay_done (GObject *source, GAsyncResult *result, gpointer loop)
{
  g_io_stream_splice_finish (result, NULL);
  (void)source;
  g_main_loop_quit (loop);
}

/* Hands the client to the backend, byte for byte, until either side closes. */
static void
relay (Conn *c, GIOStream *backend)
{
  GMainContext *context = g_main_context_new ();
  GMainLoop *loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  g_io_stream_splice_async (c->io, backend, G_IO_STREAM_SPLICE_NONE, G_PRIORITY_DEFAULT, NULL,
                            relay_done, loop);
  g_main_loop_run (loop);
  g_main_context_pop_thread_default (context);
  g_main_loop_unref (loop);
  g_main_context_unref (context);
  record ("{\"event\":\"relay-closed\",\"protocol\":\"%s\"}", protocol_names[c->protocol]);
}

/* Greets, then answers command lines until the client or a command ends it. */
static void
run_session (Conn *c, const char *default_greeting,
             gboolean (*command) (Conn *c, const char *line, gpointer data), gpointer data)
{
  g_autofree char *greeting = setting (c->protocol, "greeting", default_greeting);
  char *line;

  send_scenario_text (c, greeting, NULL);
  while ((line = read_line (c)) != NULL) {
    gboolean more = command (c, line, data);

    /* Command lines may carry the password: wipe them before freeing. */
    wipe_free (line);
    if (!more)
      break;
  }
}

/* ---- IMAP ---------------------------------------------------------------- */

/* One IMAP string: atom, "quoted" or {N}/{N+} literal; advances *p. */
static char *
imap_string (Conn *c, const char **p)
{
  const char *s = *p;
  GString *out = g_string_new (NULL);

  while (*s == ' ')
    s++;
  if (*s == '"') {
    gboolean eight_bit = FALSE;

    for (s++; *s && *s != '"'; s++) {
      if (*s == '\\' && s[1])
        s++;
      eight_bit |= (guchar)*s >= 0x80;
      g_string_append_c (out, *s);
    }
    if (*s == '"')
      s++;
    /* RFC 3501: a quoted string is 7-bit; 8-bit text must come as a literal. */
    if (eight_bit) {
      memset (out->str, 0, out->len);
      g_string_free (out, TRUE);
      return NULL;
    }
  } else if (*s == '{') {
    guint64 n = g_ascii_strtoull (s + 1, NULL, 10);
    g_autofree char *data = g_malloc0 (n + 1);
    gsize got = 0;

    if (strstr (s, "+}") == NULL)
      send_line (c, "+ go ahead");
    if (n > 8192 || !g_input_stream_read_all (G_INPUT_STREAM (c->in), data, n, &got, NULL, NULL)) {
      g_string_free (out, TRUE);
      return NULL;
    }
    g_string_append_len (out, data, (gssize)got);
    memset (data, 0, n);
    /* The rest of the command follows the literal's bytes, up to CRLF. */
    wipe_free (c->rest);
    c->rest = read_line (c);
    *p = c->rest ? c->rest : "";
    return g_string_free (out, FALSE);
  } else {
    while (*s && *s != ' ')
      g_string_append_c (out, *s++);
  }
  *p = s;
  return g_string_free (out, FALSE);
}

static char *
imap_capabilities (Conn *c)
{
  g_autofree char *caps = setting (IMAP, "capability", "IMAP4rev1 AUTH=PLAIN SASL-IR ID");
  gboolean login_disabled =
      g_key_file_get_boolean (server.scenario, "imap", "login-disabled", NULL);
  GString *out = g_string_new (caps);

  if (!c->tls && !mode_is (IMAP, "strip-starttls"))
    g_string_append (out, " STARTTLS");
  /* login-disabled: LOGIN is refused on every connection, AUTHENTICATE PLAIN only. */
  if (login_disabled)
    g_string_append (out, " LOGINDISABLED");
  return g_string_free (out, FALSE);
}

static void
imap_login_result (Conn *c, const char *tag, gboolean matched)
{
  if (matched)
    c->backend = backend_login (IMAP);
  if (matched)
    send_line (c, "%s OK [CAPABILITY IMAP4rev1%s] Logged in", tag,
               c->backend ? " IDLE UIDPLUS NAMESPACE CHILDREN MOVE" : "");
  else
    send_reject (c, tag, "{tag} NO [AUTHENTICATIONFAILED] Authentication failed.");
}

static void
imap_login (Conn *c, const char *tag, const char *args)
{
  const char *p = args;
  g_autofree char *user = imap_string (c, &p);
  char *password = user ? imap_string (c, &p) : NULL;

  if (misbehave_at_login (c)) {
    wipe_free (password);
    return;
  }
  if (password == NULL) {
    send_line (c, "%s BAD missing arguments", tag);
    return;
  }
  imap_login_result (c, tag, check_login (c, "LOGIN", user, password));
  wipe_free (password);
}

static void
imap_authenticate (Conn *c, const char *tag, const char *args)
{
  g_auto (GStrv) words = g_strsplit (args, " ", 2);
  g_autofree char *response = NULL;
  g_autofree char *user = NULL;
  char *password = NULL;

  if (g_ascii_strcasecmp (words[0] ? words[0] : "", "PLAIN") != 0) {
    send_line (c, "%s NO unsupported mechanism", tag);
    return;
  }
  if (words[1]) {
    response = g_strdup (words[1]);
  } else {
    send_line (c, "+ ");
    response = read_line (c);
  }
  if (misbehave_at_login (c))
    return;
  if (response == NULL || !decode_plain (response, &user, &password)) {
    send_line (c, "%s BAD invalid response", tag);
    return;
  }
  imap_login_result (c, tag, check_login (c, "AUTHENTICATE PLAIN", user, password));
  wipe_free (password);
}

static gboolean
imap_command (Conn *c, const char *line, gpointer data)
{
  g_auto (GStrv) parts = g_strsplit (line, " ", 3);
  const char *tag = parts[0] ? parts[0] : "*";
  g_autofree char *verb = g_ascii_strup (parts[0] && parts[1] ? parts[1] : "", -1);
  const char *args = parts[0] && parts[1] && parts[2] ? parts[2] : "";

  (void)data;

  if (strcmp (verb, "CAPABILITY") == 0) {
    g_autofree char *caps = imap_capabilities (c);

    send_line (c, "* CAPABILITY %s", caps);
    send_line (c, "%s OK CAPABILITY completed", tag);
  } else if (strcmp (verb, "STARTTLS") == 0) {
    return answer_starttls (c, tag, "BAD STARTTLS not available", "OK Begin TLS negotiation now");
  } else if (strcmp (verb, "LOGIN") == 0 || strcmp (verb, "AUTHENTICATE") == 0) {
    if (verb[0] == 'L' && g_key_file_get_boolean (server.scenario, "imap", "login-disabled", NULL))
      return send_line (c, "%s NO [PRIVACYREQUIRED] LOGIN is disabled here", tag);
    if (verb[0] == 'L')
      imap_login (c, tag, args);
    else
      imap_authenticate (c, tag, args);
    if (mode_is (IMAP, "close-mid-login") || mode_is (IMAP, "huge-line") ||
        mode_is (IMAP, "endless") || mode_is (IMAP, "half-reply") ||
        mode_is (IMAP, "half-reply-close"))
      return FALSE;
    if (c->authenticated && c->backend) {
      relay (c, c->backend);
      return FALSE;
    }
  } else if (strcmp (verb, "LOGOUT") == 0) {
    send_line (c, "* BYE Logging out");
    send_line (c, "%s OK LOGOUT completed", tag);
    return FALSE;
  } else if (strcmp (verb, "NOOP") == 0 || strcmp (verb, "ID") == 0) {
    send_line (c, "%s OK %s completed", tag, verb);
  } else {
    send_line (c, "%s BAD %s is not served here", tag, verb);
  }
  return TRUE;
}

/* ---- POP3 ---------------------------------------------------------------- */

static gboolean
pop3_command (Conn *c, const char *line, gpointer data)
{
  g_auto (GStrv) parts = g_strsplit (line, " ", 2);
  g_autofree char *verb = g_ascii_strup (parts[0] ? parts[0] : "", -1);
  const char *arg = parts[0] && parts[1] ? parts[1] : "";

  (void)data;

  if (strcmp (verb, "CAPA") == 0) {
    send_line (c, "+OK Capability list follows");
    if (!c->tls && !mode_is (POP3, "strip-starttls"))
      send_line (c, "STLS");
    send_line (c, "USER");
    send_line (c, "SASL PLAIN");
    send_line (c, ".");
  } else if (strcmp (verb, "STLS") == 0) {
    return answer_starttls (c, NULL, "-ERR STLS not available", "+OK Begin TLS negotiation");
  } else if (strcmp (verb, "USER") == 0) {
    g_free (c->user);
    c->user = g_strdup (arg);
    send_line (c, "+OK send PASS");
  } else if (strcmp (verb, "PASS") == 0 || strcmp (verb, "AUTH") == 0) {
    g_autofree char *user = NULL;
    char *password = NULL;
    gboolean ok;

    if (misbehave_at_login (c))
      return FALSE;
    if (strcmp (verb, "PASS") == 0) {
      user = g_strdup (c->user);
      password = g_strdup (arg);
    } else {
      g_autofree char *response = NULL;

      if (g_ascii_strncasecmp (arg, "PLAIN", 5) != 0)
        return send_line (c, "-ERR only PLAIN is served here");
      if (arg[5] == ' ')
        response = g_strdup (arg + 6);
      else if (send_line (c, "+ "))
        response = read_line (c);
      if (response == NULL || !decode_plain (response, &user, &password))
        return send_line (c, "-ERR invalid response");
    }
    ok = check_login (c, verb[0] == 'P' ? "PASS" : "AUTH PLAIN", user, password);
    wipe_free (password);
    if (ok && (c->backend = backend_login (POP3)) != NULL) {
      send_line (c, "+OK Logged in.");
      relay (c, c->backend);
      return FALSE;
    }
    if (ok)
      send_line (c, "+OK Logged in.");
    else
      send_reject (c, NULL, "-ERR [AUTH] Authentication failed.");
  } else if (strcmp (verb, "STAT") == 0 && c->authenticated) {
    send_line (c, "+OK 0 0");
  } else if (strcmp (verb, "QUIT") == 0) {
    send_line (c, "+OK Bye");
    return FALSE;
  } else if (strcmp (verb, "NOOP") == 0) {
    send_line (c, "+OK");
  } else {
    send_line (c, "-ERR %s is not served here", verb);
  }
  return TRUE;
}

/* ---- SMTP ---------------------------------------------------------------- */

static void
smtp_ehlo (Conn *c)
{
  gboolean plain_auth = g_key_file_get_boolean (server.scenario, "smtp", "plain-auth", NULL);

  send_line (c, "250-apppass test server");
  if (!c->tls && !mode_is (SMTP, "strip-starttls"))
    send_line (c, "250-STARTTLS");
  if (c->tls || plain_auth) {
    g_autofree char *mechanisms = setting (SMTP, "mechanisms", "PLAIN LOGIN");

    send_line (c, "250-AUTH %s", mechanisms);
  }
  send_line (c, "250 ENHANCEDSTATUSCODES");
}

static void
smtp_auth_result (Conn *c, gboolean ok)
{
  if (ok)
    send_line (c, "235 2.7.0 Accepted");
  else
    send_reject (c, NULL, "535 5.7.8 Authentication failed");
}

static void
smtp_auth (Conn *c, const char *arg)
{
  g_auto (GStrv) words = g_strsplit (arg, " ", 2);
  g_autofree char *user = NULL;
  char *password = NULL;
  g_autofree char *response = NULL;

  if (g_ascii_strcasecmp (words[0] ? words[0] : "", "PLAIN") == 0) {
    if (words[1])
      response = g_strdup (words[1]);
    else if (send_line (c, "334 "))
      response = read_line (c);
    if (misbehave_at_login (c))
      return;
    if (response == NULL || !decode_plain (response, &user, &password)) {
      send_line (c, "501 5.5.2 invalid response");
      return;
    }
    smtp_auth_result (c, check_login (c, "AUTH PLAIN", user, password));
  } else if (g_ascii_strcasecmp (words[0] ? words[0] : "", "LOGIN") == 0) {
    g_autofree char *b64_user = NULL;
    char *b64_password = NULL;

    if (words[1])
      b64_user = g_strdup (words[1]);
    else if (send_line (c, "334 VXNlcm5hbWU6"))
      b64_user = read_line (c);
    if (b64_user == NULL || !send_line (c, "334 UGFzc3dvcmQ6") ||
        (b64_password = read_line (c)) == NULL)
      return;
    if (misbehave_at_login (c)) {
      wipe_free (b64_password);
      return;
    }
    user = decode_b64_text (b64_user);
    password = decode_b64_text (b64_password);
    wipe_free (b64_password);
    smtp_auth_result (c, check_login (c, "AUTH LOGIN", user, password));
  } else {
    send_line (c, "504 5.5.4 mechanism not supported");
  }
  wipe_free (password);
}

static void
smtp_data (Conn *c, const char *from, GPtrArray *rcpts)
{
  GString *message = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *f = json_string (from);
  char *line;
  guint n;

  send_line (c, "354 Go ahead");
  while ((line = read_line (c)) != NULL && strcmp (line, ".") != 0) {
    /* Dot-stuffing: a leading ".." stands for ".". */
    g_string_append (message, line[0] == '.' ? line + 1 : line);
    g_string_append (message, "\r\n");
    g_free (line);
  }
  g_free (line);
  g_mutex_lock (&server.record_lock);
  n = ++server.message_count;
  g_mutex_unlock (&server.record_lock);
  if (server.spool) {
    g_autofree char *name = g_strdup_printf ("%03u.eml", n);
    g_autofree char *dir = g_build_filename (server.spool, "sent", NULL);

    g_mkdir_with_parents (dir, 0700);
    path = g_build_filename (dir, name, NULL);
    g_file_set_contents (path, message->str, (gssize)message->len, NULL);
  }
  record ("{\"event\":\"message\",\"protocol\":\"smtp\",\"from\":%s,\"rcpt\":%u,\"bytes\":%u}", f,
          rcpts->len, (guint)message->len);
  g_string_free (message, TRUE);
  send_line (c, "250 2.0.0 Queued");
}

static gboolean
smtp_command (Conn *c, const char *line, char **from, GPtrArray *rcpts)
{
  g_auto (GStrv) parts = g_strsplit (line, " ", 2);
  g_autofree char *verb = g_ascii_strup (parts[0] ? parts[0] : "", -1);
  const char *arg = parts[0] && parts[1] ? parts[1] : "";

  if (strcmp (verb, "EHLO") == 0 || strcmp (verb, "HELO") == 0) {
    smtp_ehlo (c);
  } else if (strcmp (verb, "STARTTLS") == 0) {
    return answer_starttls (c, NULL, "502 5.5.1 STARTTLS not available",
                            "220 2.0.0 Ready to start TLS");
  } else if (strcmp (verb, "AUTH") == 0) {
    smtp_auth (c, arg);
    if (mode_is (SMTP, "close-mid-login") || mode_is (SMTP, "huge-line") ||
        mode_is (SMTP, "endless") || mode_is (SMTP, "half-reply") ||
        mode_is (SMTP, "half-reply-close"))
      return FALSE;
  } else if (strcmp (verb, "MAIL") == 0) {
    if (!c->authenticated)
      return send_line (c, "530 5.7.0 Authentication required");
    g_free (*from);
    *from = g_strdup (arg);
    send_line (c, "250 2.1.0 OK");
  } else if (strcmp (verb, "RCPT") == 0) {
    g_ptr_array_add (rcpts, g_strdup (arg));
    send_line (c, "250 2.1.5 OK");
  } else if (strcmp (verb, "DATA") == 0 && *from && rcpts->len > 0) {
    smtp_data (c, *from, rcpts);
  } else if (strcmp (verb, "RSET") == 0 || strcmp (verb, "NOOP") == 0) {
    send_line (c, "250 2.0.0 OK");
  } else if (strcmp (verb, "QUIT") == 0) {
    send_line (c, "221 2.0.0 Bye");
    return FALSE;
  } else {
    send_line (c, "502 5.5.2 %s is not served here", verb);
  }
  return TRUE;
}

typedef struct {
  char *from;
  GPtrArray *rcpts;
} Envelope;

static gboolean
smtp_line (Conn *c, const char *line, gpointer data)
{
  Envelope *e = data;

  return smtp_command (c, line, &e->from, e->rcpts);
}

static void
smtp_session (Conn *c)
{
  Envelope e = {NULL, g_ptr_array_new_with_free_func (g_free)};

  run_session (c, "220 apppass test server ESMTP", smtp_line, &e);
  g_free (e.from);
  g_ptr_array_unref (e.rcpts);
}

/* ---- connections --------------------------------------------------------- */

static gboolean
serve (GThreadedSocketService *service, GSocketConnection *connection, GObject *source,
       gpointer data)
{
  const Listener *l = data;
  Conn c = {
      .protocol = l->protocol, .base = G_IO_STREAM (connection), .io = G_IO_STREAM (connection)};
  GSocket *socket = g_socket_connection_get_socket (connection);
  GInetSocketAddress *local =
      G_INET_SOCKET_ADDRESS (g_socket_connection_get_local_address (connection, NULL));

  (void)service, (void)source;
  g_socket_set_timeout (socket, IDLE_TIMEOUT_S);
  record ("{\"event\":\"connect\",\"protocol\":\"%s\",\"tls\":%s,\"port\":%u}",
          protocol_names[l->protocol], l->implicit_tls ? "true" : "false",
          local ? g_inet_socket_address_get_port (local) : 0);
  g_clear_object (&local);
  reset_reader (&c);
  if (mode_is (l->protocol, "silent")) {
    char byte;

    /* Accept the connection and say nothing until the client gives up. */
    while (g_input_stream_read (G_INPUT_STREAM (c.in), &byte, 1, NULL, NULL) > 0)
      ;
    goto done;
  }
  if (l->implicit_tls && !start_tls (&c))
    goto done;
  if (mode_is (l->protocol, "close-after-greeting")) {
    g_autofree char *greeting = setting (l->protocol, "greeting",
                                         l->protocol == IMAP   ? "* OK ready"
                                         : l->protocol == POP3 ? "+OK ready"
                                                               : "220 ready");

    send_scenario_text (&c, greeting, NULL);
    goto done;
  }
  if (l->protocol == IMAP)
    run_session (&c, "* OK IMAP4rev1 apppass test server", imap_command, NULL);
  else if (l->protocol == POP3)
    run_session (&c, "+OK apppass test server ready", pop3_command, NULL);
  else
    smtp_session (&c);
done:
  g_io_stream_close (c.io, NULL, NULL);
  if (c.io != c.base)
    g_object_unref (c.io);
  g_clear_object (&c.in);
  g_free (c.user);
  wipe_free (c.rest);
  if (c.backend) {
    g_io_stream_close (c.backend, NULL, NULL);
    g_object_unref (c.backend);
  }
  return TRUE;
}

static guint16
listen_on (Listener *l)
{
  GSocketService *service = g_threaded_socket_service_new (64);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error))
    g_error ("cannot listen: %s", error->message);
  g_signal_connect (service, "run", G_CALLBACK (serve), l);
  g_socket_service_start (service);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
write_ports (const char *path, Listener *listeners, const char *const *names, guint n)
{
  GString *text = g_string_new ("[ports]\n");
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s=%u\n", names[i], listen_on (&listeners[i]));
  /* Written whole, then renamed: a reader never sees half a file. */
  if (!g_file_set_contents (tmp, text->str, -1, &error) || g_rename (tmp, path) != 0)
    g_error ("cannot write the ports file: %s", error ? error->message : g_strerror (errno));
  g_string_free (text, TRUE);
}

int
main (int argc, char **argv)
{
  g_autofree char *scenario = NULL, *record_path = NULL, *cert = NULL, *key = NULL;
  g_autofree char *ports = NULL, *backend_password_file = NULL;
  GOptionEntry entries[] = {
      {"scenario", 0, 0, G_OPTION_ARG_FILENAME, &scenario, "Scenario file", "FILE"},
      {"record", 0, 0, G_OPTION_ARG_FILENAME, &record_path, "Record of logins", "FILE"},
      {"cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "Certificate (PEM)", "PEM"},
      {"key", 0, 0, G_OPTION_ARG_FILENAME, &key, "Private key (PEM)", "PEM"},
      {"ports-file", 0, 0, G_OPTION_ARG_FILENAME, &ports, "Where to write the ports", "FILE"},
      {"spool", 0, 0, G_OPTION_ARG_FILENAME, &server.spool, "Where sent messages go", "DIR"},
      {"backend-imap", 0, 0, G_OPTION_ARG_INT, &server.backend_port[IMAP],
       "A Dovecot IMAP port that holds the mailbox", "PORT"},
      {"backend-pop3", 0, 0, G_OPTION_ARG_INT, &server.backend_port[POP3],
       "A Dovecot POP3 port that holds the mailbox", "PORT"},
      {"backend-user", 0, 0, G_OPTION_ARG_STRING, &server.backend_user, "Its user", "USER"},
      {"backend-password-file", 0, 0, G_OPTION_ARG_FILENAME, &backend_password_file,
       "A file holding its password", "FILE"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  static Listener listeners[] = {{IMAP, FALSE}, {IMAP, TRUE},  {POP3, FALSE},
                                 {POP3, TRUE},  {SMTP, FALSE}, {SMTP, TRUE}};
  static const char *const names[] = {"imap", "imaps", "pop3", "pop3s", "smtp", "smtps"};
  g_autoptr (GOptionContext) context = g_option_context_new ("— apppass's test mail server");
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  /* A test that crashes or is killed must not leave its server behind. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () == 1)
    return 1;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !scenario || !record_path ||
      !cert || !key || !ports) {
    g_printerr ("usage: %s --scenario FILE --record FILE --cert PEM --key PEM --ports-file FILE\n",
                argv[0]);
    return 2;
  }
  server.scenario = g_key_file_new ();
  if (!g_key_file_load_from_file (server.scenario, scenario, G_KEY_FILE_NONE, &error))
    g_error ("scenario: %s", error->message);
  server.cert = g_tls_certificate_new_from_files (cert, key, &error);
  if (server.cert == NULL)
    g_error ("certificate: %s", error->message);
  server.record = fopen (record_path, "a");
  if (server.record == NULL)
    g_error ("record: %s", g_strerror (errno));
  g_mutex_init (&server.record_lock);
  if (backend_password_file) {
    if (!g_file_get_contents (backend_password_file, &server.backend_password, NULL, &error))
      g_error ("backend password: %s", error->message);
    g_strstrip (server.backend_password);
  }
  write_ports (ports, listeners, names, G_N_ELEMENTS (names));
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  g_main_loop_run (loop);
  fclose (server.record);
  return 0;
}
