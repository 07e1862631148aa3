/* apppass — the terminal command: the no-echo prompt for a pasted password
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-cli.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "apppass-password.h"
#include "apppass-wipe.h"

/* The most the prompt keeps. The rule allows 256 bytes once spaces and
 * invisible characters are gone; a paste may carry many of those. */
#define PASTE_LIMIT 4096
/* A terminal delivers a paste in bursts a few milliseconds apart; a person
 * types the next line far more slowly. */
#define PASTE_QUIET_MS 100
/* What is discarded past the limit, at most, before the rest is flushed. */
#define PASTE_DRAIN_LIMIT (1024 * 1024)

/* For the signal handlers: what to restore and what to wipe. */
static struct termios prompt_saved, prompt_quiet;
static volatile sig_atomic_t prompt_has_saved;
static char *volatile prompt_buffer;
static const char *volatile prompt_text;

static const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction prompt_old_actions[G_N_ELEMENTS (prompt_signals)];
static struct sigaction prompt_old_stop_action;

/* Shells such as dash do not give the terminal its echo back when a command
 * is killed, so the prompt does it before it dies; the signal is then raised
 * again with its default action so the parent sees how the command ended.
 * Only async-signal-safe calls here. */
static void
on_fatal_signal (int sig)
{
  sigset_t set;

  if (prompt_buffer != NULL)
    apppass_wipe (prompt_buffer, PASTE_LIMIT + 1);
  if (prompt_has_saved)
    tcsetattr (STDIN_FILENO, TCSANOW, &prompt_saved);
  if (write (STDERR_FILENO, "\n", 1) < 0) {
    /* nothing to do: the line break is only cosmetic */
  }
  signal (sig, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, sig);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  raise (sig);
}

static void on_stop_signal (int sig);

static void
catch_stop (struct sigaction *old)
{
  struct sigaction action = {0};

  action.sa_handler = on_stop_signal;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction (SIGTSTP, &action, old);
}

/* Ctrl-Z: the shell gets its terminal as it was while the command is
 * stopped (dash again restores nothing), and the prompt gets its quiet
 * terminal back when it is continued. */
static void
on_stop_signal (int sig)
{
  int saved_errno = errno;
  sigset_t set;

  if (prompt_has_saved)
    tcsetattr (STDIN_FILENO, TCSANOW, &prompt_saved);
  signal (sig, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, sig);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  raise (sig);
  /* Continued. */
  sigprocmask (SIG_BLOCK, &set, NULL);
  catch_stop (NULL);
  if (prompt_has_saved)
    tcsetattr (STDIN_FILENO, TCSANOW, &prompt_quiet);
  /* The shell has written over it; the user must see what is awaited. */
  if (prompt_text != NULL && write (STDERR_FILENO, prompt_text, strlen (prompt_text)) < 0) {
    /* nothing to do: the prompt is only a reminder */
  }
  errno = saved_errno;
}

static void
catch_signals (void)
{
  struct sigaction action = {0};

  action.sa_handler = on_fatal_signal;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (prompt_signals); i++)
    sigaddset (&action.sa_mask, prompt_signals[i]);
  action.sa_flags = SA_RESTART;
  for (guint i = 0; i < G_N_ELEMENTS (prompt_signals); i++)
    sigaction (prompt_signals[i], &action, &prompt_old_actions[i]);
  catch_stop (&prompt_old_stop_action);
}

static void
release_signals (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (prompt_signals); i++)
    sigaction (prompt_signals[i], &prompt_old_actions[i], NULL);
  sigaction (SIGTSTP, &prompt_old_stop_action, NULL);
}

typedef struct {
  char *text;
  gsize len;
  gboolean too_long;
  gboolean ended; /* end of file or end-of-file key */
  cc_t erase, kill, eof;
} Paste;

static void
erase_char (Paste *paste)
{
  while (paste->len > 0) {
    guchar c = (guchar)paste->text[--paste->len];

    paste->text[paste->len] = '\0';
    if ((c & 0xC0) != 0x80)
      break;
  }
}

static gboolean
is_key (cc_t key, char c)
{
  return key != _POSIX_VDISABLE && key == (cc_t)c;
}

/* With canonical mode off the kernel no longer edits the line, so the few
 * keys a person uses while typing a password are done here. */
static void
take_byte (Paste *paste, char c)
{
  if (c == '\r')
    c = '\n';
  if (is_key (paste->erase, c) || c == '\b') {
    erase_char (paste);
  } else if (is_key (paste->kill, c)) {
    apppass_wipe (paste->text, paste->len);
    paste->len = 0;
  } else if (is_key (paste->eof, c)) {
    paste->ended = TRUE;
  } else if (paste->len < PASTE_LIMIT) {
    paste->text[paste->len++] = c;
  } else {
    paste->too_long = TRUE;
  }
}

static gboolean
read_byte (char *c)
{
  ssize_t n;

  do
    n = read (STDIN_FILENO, c, 1);
  while (n < 0 && errno == EINTR);
  return n == 1;
}

static gboolean
input_within (int ms)
{
  struct pollfd fd = {STDIN_FILENO, POLLIN, 0};
  int n;

  do
    n = poll (&fd, 1, ms);
  while (n < 0 && errno == EINTR);
  return n > 0 && (fd.revents & POLLIN);
}

/* The first line as it is typed or pasted; then whatever keeps arriving
 * without a pause, which is the rest of a paste. */
static void
read_paste (Paste *paste)
{
  gsize drained = 0;
  char c = 0;

  while (!paste->ended && !(paste->len > 0 && paste->text[paste->len - 1] == '\n')) {
    if (!read_byte (&c))
      return;
    take_byte (paste, c);
  }
  while (!paste->ended && drained < PASTE_DRAIN_LIMIT && input_within (PASTE_QUIET_MS)) {
    if (!read_byte (&c))
      break;
    take_byte (paste, c);
    drained++;
  }
  apppass_wipe (&c, 1);
}

char *
cli_prompt_read_paste (const char *prompt, gsize *length, gboolean *too_long)
{
  Paste paste = {0};

  paste.erase = paste.kill = paste.eof = _POSIX_VDISABLE;
  paste.text = g_malloc0 (PASTE_LIMIT + 1);
  prompt_buffer = paste.text;
  prompt_text = prompt;
  if (tcgetattr (STDIN_FILENO, &prompt_saved) == 0) {
    prompt_quiet = prompt_saved;
    prompt_quiet.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
    prompt_quiet.c_cc[VMIN] = 1;
    prompt_quiet.c_cc[VTIME] = 0;
    prompt_has_saved = 1;
    catch_signals ();
    paste.erase = prompt_saved.c_cc[VERASE];
    paste.kill = prompt_saved.c_cc[VKILL];
    paste.eof = prompt_saved.c_cc[VEOF];
    /* Echo goes off before the prompt shows and without flushing input, so
     * a quick paste is neither shown nor lost. */
    tcsetattr (STDIN_FILENO, TCSADRAIN, &prompt_quiet);
  }
  fputs (prompt, stderr);
  fflush (stderr);
  read_paste (&paste);
  if (prompt_has_saved) {
    /* Whatever came after the pause is not ours, but it must not reach the
     * shell either: it may be the rest of a password. */
    tcflush (STDIN_FILENO, TCIFLUSH);
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &prompt_saved);
    release_signals ();
    prompt_has_saved = 0;
  }
  prompt_buffer = NULL;
  prompt_text = NULL;
  fputc ('\n', stderr);
  *length = paste.len;
  *too_long = paste.too_long;
  return paste.text;
}

/* Without a known shape, a line stands for a whole password from 12
 * characters on: app passwords are 16 or more, and a page that wraps a
 * grouped one leaves about half on each line, which must be joined. */
#define WHOLE_PASSWORD_MIN_CHARS 12

static gboolean
looks_whole (const ApppassProvider *provider, const char *line)
{
  /* No real shape matches an empty password, so this asks whether the
   * provider has one. */
  if (provider != NULL && !apppass_provider_password_has_usual_shape (provider, ""))
    return apppass_provider_password_has_usual_shape (provider, line);
  return g_utf8_strlen (line, -1) >= WHOLE_PASSWORD_MIN_CHARS;
}

gboolean
cli_paste_has_two_passwords (const ApppassProvider *provider, const char *text, gsize length)
{
  g_autofree char *copy = g_strndup (text, length);
  char **lines = g_strsplit_set (copy, "\r\n", -1);
  guint whole = 0;

  apppass_wipe (copy, length);
  for (guint i = 0; lines[i]; i++) {
    char *line = apppass_password_normalize (lines[i], -1, NULL);

    if (line != NULL && looks_whole (provider, line))
      whole++;
    apppass_password_free (line);
    apppass_wipe (lines[i], strlen (lines[i]));
  }
  g_strfreev (lines);
  return whole >= 2;
}
