/* apppass for Claws Mail — failed logins, read from the lines Claws logs
 *
 * Claws has no hook for a failed login. It logs the server's replies
 * ("IMAP< …", "POP< -ERR …", "ESMTP< 534-…") and its own verdicts ("IMAP
 * error on HOST: LOGIN error"), and asks the password-get hook before every
 * login. This file turns those into "account X's login failed with text T".
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-claws.h"

#include <string.h>

#include "apppass-prefilter.h"
#include "hooks.h"
#include "log.h"

/* Server lines kept per protocol until a verdict names the login they belong to. */
#define KEEP_LINES 8
#define KEEP_USEC  (30 * G_USEC_PER_SEC)

typedef struct {
  GQueue lines; /* char*, newest last */
  gint64 last;
  int current_account; /* the account that connected most recently */
  char *pop_command;   /* POP3: the last command word sent */
  gboolean in_auth;    /* SMTP: the last command sent belongs to AUTH */
} Watch;

static ApppassFlow *watch_flow;
/* Microseconds our code held the main loop per logged line, kept only when
 * APPPASS_TIMINGS names a file for the figures (the load test). */
static GArray *timings;
static Watch watches[APPPASS_N_PROTOCOLS];
static gulong log_hook, password_hook;

/* ---- matching Claws' (translated) formats --------------------------------- */

/* Matches @line against a printf format with %s and %d only; fills @fields
 * (which the caller frees) with what they stood for. */
static gboolean
match_format (const char *format, const char *line, char **fields, int n_fields)
{
  int n = 0;

  while (*format) {
    if (format[0] == '%' && (format[1] == 's' || format[1] == 'd')) {
      const char *next = format + 2;
      gsize lit = strcspn (next, "%");
      g_autofree char *literal = g_strndup (next, lit);
      const char *stop;

      if (lit == 0 && *next)
        return FALSE;
      stop = lit ? strstr (line, literal) : line + strlen (line);
      if (stop == NULL || n >= n_fields)
        return FALSE;
      fields[n++] = g_strndup (line, stop - line);
      line = stop;
      format = next;
      continue;
    }
    if (*format != *line)
      return FALSE;
    format++;
    line++;
  }
  return TRUE;
}

static gboolean
match (const char *english, const char *line, char **fields, int n_fields)
{
  const char *translated = g_dgettext ("claws-mail", english);

  for (int i = 0; i < n_fields; i++)
    fields[i] = NULL;
  if (match_format (translated, line, fields, n_fields))
    return TRUE;
  for (int i = 0; i < n_fields; i++)
    g_clear_pointer (&fields[i], g_free);
  return translated != english && match_format (english, line, fields, n_fields);
}

/* ---- accounts --------------------------------------------------------------- */

static PrefsAccount *
account_by_name (const char *name)
{
  for (GList *l = account_get_list (); l; l = l->next) {
    PrefsAccount *ac = l->data;

    if (g_strcmp0 (ac->account_name, name) == 0)
      return ac;
  }
  return NULL;
}

static gboolean
serves (const PrefsAccount *ac, ApppassProtocol protocol, const char *host)
{
  if (protocol == APPPASS_PROTOCOL_SMTP)
    return g_ascii_strcasecmp (ac->smtp_server ? ac->smtp_server : "", host) == 0;
  if ((protocol == APPPASS_PROTOCOL_IMAP) != (ac->protocol == A_IMAP4))
    return FALSE;
  return g_ascii_strcasecmp (ac->recv_server ? ac->recv_server : "", host) == 0;
}

/* The account whose login on @host just failed: the one that connected last,
 * if it uses @host; else the only account that does. */
static PrefsAccount *
account_for (ApppassProtocol protocol, const char *host)
{
  PrefsAccount *current = account_find_from_id (watches[protocol].current_account);
  PrefsAccount *only = NULL;

  if (current && (host == NULL || serves (current, protocol, host)))
    return current;
  for (GList *l = account_get_list (); l && host; l = l->next) {
    if (!serves (l->data, protocol, host))
      continue;
    if (only)
      return NULL;
    only = l->data;
  }
  return only;
}

/* ---- the server's words ----------------------------------------------------- */

static void
keep_line (ApppassProtocol protocol, const char *text)
{
  Watch *w = &watches[protocol];
  gint64 now = g_get_monotonic_time ();

  if (now - w->last > KEEP_USEC)
    g_queue_clear_full (&w->lines, g_free);
  w->last = now;
  g_queue_push_tail (&w->lines, g_strdup (text));
  while (w->lines.length > KEEP_LINES)
    g_free (g_queue_pop_head (&w->lines));
}

static char *
take_lines (ApppassProtocol protocol)
{
  Watch *w = &watches[protocol];
  GString *text = g_string_new (NULL);
  char *line;

  while ((line = g_queue_pop_head (&w->lines))) {
    g_string_append (text, line);
    g_string_append (text, "\r\n");
    g_free (line);
  }
  return g_string_free (text, FALSE);
}

/* @context: APPPASS_CONTEXT_REFUSED where Claws' own verdict or the protocol
 * says the login was refused, so that words we do not know still count. */
static void
login_failed (ApppassProtocol protocol, const char *host, const char *text, ApppassContext context)
{
  PrefsAccount *ac = account_for (protocol, host);
  g_autofree char *key = NULL;

  if (ac == NULL)
    return;
  key = apppass_claws_account_key (ac);
  if (!apppass_flow_login_failed_in_context (watch_flow, key, protocol, text, context))
    return;
  if (protocol == APPPASS_PROTOCOL_SMTP)
    apppass_claws_send_error_suppress ();
  else
    apppass_claws_prompt_suppress (ac);
}

/* ---- one line --------------------------------------------------------------- */

static gboolean
on_connecting (const char *line)
{
  static const char *const formats[] = {
      "Account '%s': Connecting to IMAP server: %s:%d...",
      "Account '%s': Connecting to POP3 server: %s:%d...",
      "Account '%s': Connecting to SMTP server: %s:%d...",
  };

  for (int p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    char *fields[3];
    PrefsAccount *ac;

    if (!match (formats[p], line, fields, 3))
      continue;
    ac = account_by_name (fields[0]);
    if (ac)
      watches[p].current_account = ac->account_id;
    g_queue_clear_full (&watches[p].lines, g_free);
    for (int i = 0; i < 3; i++)
      g_free (fields[i]);
    return TRUE;
  }
  return FALSE;
}

static void
on_imap (const char *line)
{
  char *fields[1];
  g_autofree char *tail = NULL;

  if (g_str_has_prefix (line, "IMAP< ")) {
    if (apppass_prefilter_line (line + 6, strlen (line + 6)))
      keep_line (APPPASS_PROTOCOL_IMAP, line + 6);
    return;
  }
  tail = g_strconcat (g_dgettext ("claws-mail", "IMAP error on %s:"), " ",
                      g_dgettext ("claws-mail", "LOGIN error"), NULL);
  if (match_format (tail, line, fields, 1) ||
      match_format ("IMAP error on %s: LOGIN error", line, fields, 1)) {
    g_autofree char *host = fields[0];
    g_autofree char *text = take_lines (APPPASS_PROTOCOL_IMAP);

    login_failed (APPPASS_PROTOCOL_IMAP, host, text, APPPASS_CONTEXT_REFUSED);
  }
}

static void
on_pop3 (const char *line)
{
  Watch *w = &watches[APPPASS_PROTOCOL_POP3];

  if (g_str_has_prefix (line, "POP> ")) {
    g_free (w->pop_command);
    w->pop_command = g_strndup (line + 5, strcspn (line + 5, " "));
    return;
  }
  if (!g_str_has_prefix (line, "POP< -ERR"))
    return;
  if (w->pop_command && (g_ascii_strcasecmp (w->pop_command, "PASS") == 0 ||
                         g_ascii_strcasecmp (w->pop_command, "USER") == 0 ||
                         g_ascii_strcasecmp (w->pop_command, "APOP") == 0 ||
                         g_ascii_strcasecmp (w->pop_command, "AUTH") == 0))
    login_failed (APPPASS_PROTOCOL_POP3, NULL, line + 5, APPPASS_CONTEXT_REFUSED);
}

/* Claws logs what it sends during EHLO and AUTH as "ESMTP> …", hiding the
 * secrets ("[AUTH PLAIN]", "[USERID]", "[PASSWORD]"). */
static void
on_smtp_command (const char *command)
{
  Watch *w = &watches[APPPASS_PROTOCOL_SMTP];

  if (g_str_has_prefix (command, "AUTH ") || g_str_has_prefix (command, "[AUTH "))
    w->in_auth = TRUE;
  else if (g_str_has_prefix (command, "EHLO") || g_str_has_prefix (command, "HELO") ||
           g_str_has_prefix (command, "STARTTLS") || g_str_has_prefix (command, "MAIL ") ||
           g_str_has_prefix (command, "QUIT"))
    w->in_auth = FALSE;
}

/* SMTP replies come a line at a time: "534-…" lines, then "534 …" last. A
 * 5xx to AUTH is a refused login whatever it says; other 5xx replies count
 * only for their words. */
static void
on_smtp (const char *line)
{
  gboolean to_auth = g_str_has_prefix (line, "ESMTP< ") && watches[APPPASS_PROTOCOL_SMTP].in_auth;
  const char *reply = g_str_has_prefix (line, "ESMTP< ")  ? line + 7
                      : g_str_has_prefix (line, "SMTP< ") ? line + 6
                                                          : NULL;
  g_autofree char *text = NULL;

  if (g_str_has_prefix (line, "ESMTP> ")) {
    on_smtp_command (line + 7);
    return;
  }
  if (reply == NULL || strlen (reply) < 4 || reply[0] != '5' || !g_ascii_isdigit (reply[1]) ||
      !g_ascii_isdigit (reply[2]))
    return;
  keep_line (APPPASS_PROTOCOL_SMTP, reply);
  if (reply[3] != ' ')
    return;
  text = take_lines (APPPASS_PROTOCOL_SMTP);
  if (to_auth)
    login_failed (APPPASS_PROTOCOL_SMTP, NULL, text, APPPASS_CONTEXT_REFUSED);
  else if (apppass_prefilter_line (text, strlen (text)))
    login_failed (APPPASS_PROTOCOL_SMTP, NULL, text, APPPASS_CONTEXT_NONE);
}

static void
on_line (const char *line)
{
  if (g_str_has_prefix (line, "IMAP"))
    on_imap (line);
  else if (g_str_has_prefix (line, "POP"))
    on_pop3 (line);
  else if (g_str_has_prefix (line, "ESMTP") || g_str_has_prefix (line, "SMTP< "))
    on_smtp (line);
  else if (strchr (line, '\''))
    on_connecting (line);
}

static gboolean
on_log (gpointer source, gpointer data)
{
  LogText *log = source;
  g_autofree char *line = NULL;
  gsize length;

  (void)data;
  if (log == NULL || log->text == NULL || log->instance != LOG_PROTOCOL)
    return FALSE;
  line = g_strdup (log->text);
  length = strlen (line);
  while (length && (line[length - 1] == '\n' || line[length - 1] == '\r'))
    line[--length] = '\0';
  /* log_print() keeps its time stamp in the text: "[2026-11-24 08:00:00] " */
  if (line[0] == '[' && length >= LOG_TIME_LEN && line[LOG_TIME_LEN - 2] == ']')
    on_line (line + LOG_TIME_LEN);
  else
    on_line (line);
  return FALSE;
}

static gboolean
on_log_timed (gpointer source, gpointer data)
{
  gint64 start = g_get_monotonic_time ();
  gint64 spent;

  on_log (source, data);
  spent = g_get_monotonic_time () - start;
  g_array_append_val (timings, spent);
  return FALSE;
}

/* Before every login, Claws asks this hook for a password: that tells which
 * account is logging in on which server. */
static gboolean
on_password_get (gpointer source, gpointer data)
{
  PasswordRequest *req = source;
  ApppassProtocol protocol;

  (void)data;
  if (req == NULL || req->protocol == NULL ||
      !apppass_protocol_from_string (
          g_ascii_strcasecmp (req->protocol, "pop") == 0 ? "pop3" : req->protocol, &protocol, NULL))
    return FALSE;
  for (GList *l = account_get_list (); l; l = l->next) {
    PrefsAccount *ac = l->data;
    const char *user = protocol == APPPASS_PROTOCOL_SMTP && ac->smtp_userid && *ac->smtp_userid
                           ? ac->smtp_userid
                           : ac->userid;

    if (serves (ac, protocol, req->server ? req->server : "") && g_strcmp0 (user, req->user) == 0)
      watches[protocol].current_account = ac->account_id;
  }
  return FALSE;
}

void
apppass_claws_log_watch_start (ApppassFlow *flow)
{
  watch_flow = flow;
  for (int p = 0; p < APPPASS_N_PROTOCOLS; p++)
    g_queue_init (&watches[p].lines);
  if (g_getenv ("APPPASS_TIMINGS"))
    timings = g_array_new (FALSE, FALSE, sizeof (gint64));
  log_hook = hooks_register_hook (LOG_APPEND_TEXT_HOOKLIST, timings ? on_log_timed : on_log, NULL);
  password_hook = hooks_register_hook (PASSWORD_GET_HOOKLIST, on_password_get, NULL);
}

static int
compare_times (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

static void
write_timings (void)
{
  g_autofree char *text = NULL;

  if (timings == NULL || timings->len == 0)
    return;
  g_array_sort (timings, compare_times);
  text = g_strdup_printf ("events=%u\nmax_us=%" G_GINT64_FORMAT "\np99_us=%" G_GINT64_FORMAT
                          "\nmedian_us=%" G_GINT64_FORMAT "\n",
                          timings->len, g_array_index (timings, gint64, timings->len - 1),
                          g_array_index (timings, gint64, timings->len * 99 / 100),
                          g_array_index (timings, gint64, timings->len / 2));
  g_file_set_contents (g_getenv ("APPPASS_TIMINGS"), text, -1, NULL);
}

void
apppass_claws_log_watch_stop (void)
{
  write_timings ();
  g_clear_pointer (&timings, g_array_unref);
  if (log_hook)
    hooks_unregister_hook (LOG_APPEND_TEXT_HOOKLIST, log_hook);
  if (password_hook)
    hooks_unregister_hook (PASSWORD_GET_HOOKLIST, password_hook);
  log_hook = password_hook = 0;
  for (int p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    g_queue_clear_full (&watches[p].lines, g_free);
    g_clear_pointer (&watches[p].pop_command, g_free);
  }
  watch_flow = NULL;
}
