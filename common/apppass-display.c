/* apppass — a server's words, made safe to show
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A server's words are shown, never obeyed: whatever a terminal or a toolkit
 * would act on (ECMA-48 escape and control sequences, bidi overrides) goes,
 * and what is left is bounded so that it cannot push anything off screen. */
#include "apppass-display.h"

#include <string.h>

#define ESC    0x1B
#define BEL    0x07
#define CAN    0x18
#define SUB    0x1A
#define C1_DCS 0x90
#define C1_SOS 0x98
#define C1_CSI 0x9B
#define C1_ST  0x9C
#define C1_OSC 0x9D
#define C1_PM  0x9E
#define C1_APC 0x9F

typedef enum {
  PLAIN,
  ESCAPE,       /* after ESC */
  INTERMEDIATE, /* ESC, then bytes 0x20–0x2F, until a final byte */
  CONTROL,      /* CSI parameters and intermediates, until a final byte */
  STRING,       /* OSC, DCS, SOS, PM, APC: until BEL or ST */
  STRING_ESCAPE /* an ESC inside a string: ST, or a new sequence */
} State;

typedef struct {
  GString *out;
  guint max;      /* characters allowed in out */
  guint chars;    /* characters in out */
  guint word;     /* characters since the last space */
  gboolean space; /* white space seen since the last character */
  gboolean cut;   /* out is full */
  State state;
} Display;

/* The next character; invalid UTF-8 is one U+FFFD per byte. */
static gunichar
next_char (const char **p, const char *end)
{
  gunichar c;

  /* GLib calls a NUL invalid; here it is one more control character. */
  if (*(const guchar *)*p < 0x80)
    return *(const guchar *)(*p)++;
  c = g_utf8_get_char_validated (*p, end - *p);
  if (c == (gunichar)-1 || c == (gunichar)-2) {
    (*p)++;
    return 0xFFFD;
  }
  *p = g_utf8_next_char (*p);
  return c;
}

static gboolean
is_blank (gunichar c)
{
  return c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0x85 ||
         g_unichar_isspace (c);
}

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

static guint
last_word_length (const GString *out)
{
  const char *p = out->str + out->len;
  guint n = 0;

  for (; p > out->str && p[-1] != ' '; n++)
    p = g_utf8_find_prev_char (out->str, p);
  return n;
}

/* Room for one more character: the last ones give way to "…" when not, and
 * "…" lengthens no word beyond the bound. */
static gboolean
make_room (Display *d, guint needed)
{
  if (d->chars + needed <= d->max)
    return TRUE;
  while (d->chars > d->max - 1 || (d->out->len && d->out->str[d->out->len - 1] == ' ') ||
         last_word_length (d->out) >= APPPASS_DISPLAY_MAX_WORD) {
    const char *last = g_utf8_find_prev_char (d->out->str, d->out->str + d->out->len);

    g_string_truncate (d->out, last - d->out->str);
    d->chars--;
  }
  g_string_append (d->out, "…");
  d->cut = TRUE;
  return FALSE;
}

static void
emit (Display *d, gunichar c)
{
  gboolean gap = d->space && d->out->len > 0;
  gboolean wrap = !gap && d->word >= APPPASS_DISPLAY_MAX_WORD;

  d->space = FALSE;
  if (!make_room (d, 1 + (gap || wrap)))
    return;
  if (gap || wrap) {
    g_string_append_c (d->out, ' ');
    d->chars++;
    d->word = 0;
  }
  g_string_append_unichar (d->out, c);
  d->chars++;
  d->word++;
}

static void
plain (Display *d, gunichar c)
{
  if (c > ' ' && c < 0x7F)
    emit (d, c); /* most of any answer, without the Unicode tables */
  else if (c == ESC)
    d->state = ESCAPE;
  else if (c == C1_CSI)
    d->state = CONTROL;
  else if (c == C1_OSC || c == C1_DCS || c == C1_SOS || c == C1_PM || c == C1_APC)
    d->state = STRING;
  else if (is_blank (c))
    d->space = TRUE;
  else if (!is_control (c) && g_unichar_type (c) != G_UNICODE_FORMAT)
    emit (d, c);
}

/* TRUE when @c was part of the sequence; FALSE when it ended the sequence
 * without belonging to it, and is to be read again as text. */
static gboolean
in_sequence (Display *d, gunichar c)
{
  switch (d->state) {
  case ESCAPE:
    d->state = c == '['                                                   ? CONTROL
               : c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_' ? STRING
               : c >= 0x20 && c <= 0x2F                                   ? INTERMEDIATE
                                                                          : PLAIN;
    return c >= 0x20 && c <= 0x7E;
  case INTERMEDIATE:
  case CONTROL: {
    gboolean csi = d->state == CONTROL;

    if (c >= 0x20 && c <= (csi ? 0x3Fu : 0x2Fu))
      return TRUE;
    d->state = PLAIN;
    return c >= (csi ? 0x40u : 0x30u) && c <= 0x7E;
  }
  case STRING:
    if (c == ESC)
      d->state = STRING_ESCAPE;
    else if (c == BEL || c == C1_ST)
      d->state = PLAIN;
    return TRUE;
  case STRING_ESCAPE:
    if (c == '\\') {
      d->state = PLAIN;
      return TRUE;
    }
    /* A terminal starts a new sequence at an ESC, even inside a string. */
    d->state = ESCAPE;
    return in_sequence (d, c);
  case PLAIN:
  default:
    return FALSE;
  }
}

char *
apppass_display_text (const char *text, gssize length)
{
  return apppass_display_text_max (text, length, APPPASS_DISPLAY_MAX_CHARS);
}

char *
apppass_display_text_max (const char *text, gssize length, guint max_chars)
{
  Display d = {g_string_new (NULL), MAX (max_chars, 1), 0, 0, FALSE, FALSE, PLAIN};
  const char *p = text ? text : "", *end;

  end = p + (length < 0 || text == NULL ? (gssize)strlen (p) : length);
  while (p < end && !d.cut) {
    gunichar c = next_char (&p, end);

    /* CAN and SUB end any sequence, as on a terminal. */
    if (d.state != PLAIN && (c == CAN || c == SUB))
      d.state = PLAIN;
    else if (d.state == PLAIN || !in_sequence (&d, c))
      plain (&d, c);
  }
  return g_string_free (d.out, FALSE);
}
