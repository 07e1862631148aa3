/* apppass benchmark — making a server's words safe to show, against GLib's
 * g_utf8_make_valid() over the same bytes (what the old code paid anyway)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints the median nanoseconds per call for a real rejection, a hostile one
 * and a 1 MiB stream of escape sequences (the worst case: all of it is read,
 * nothing is shown), with the ratio to the baseline. Figures only. */
#include <stdio.h>
#include <string.h>

#include "apppass-display.h"

#define ROUNDS 9

typedef struct {
  const char *name;
  char *text;
  guint calls;
} Input;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Median over ROUNDS of nanoseconds per call. */
static double
median_ns (const Input *in, gboolean display)
{
  double ns[ROUNDS];

  for (guint r = 0; r < ROUNDS; r++) {
    gint64 start = g_get_monotonic_time ();

    for (guint i = 0; i < in->calls; i++)
      g_free (display ? apppass_display_text (in->text, -1) : g_utf8_make_valid (in->text, -1));
    ns[r] = (g_get_monotonic_time () - start) * 1000.0 / in->calls;
  }
  qsort (ns, ROUNDS, sizeof ns[0], compare_doubles);
  return ns[ROUNDS / 2];
}

static char *
escape_stream (gsize size)
{
  GString *s = g_string_sized_new (size + 32);

  while (s->len < size)
    g_string_append (s, "\x1b[1;31m\x1b]2;TITLE\x07\xc2\x9b"
                        "2J\xe2\x80\xae");
  return g_string_free (s, FALSE);
}

int
main (void)
{
  Input inputs[] = {
      {"Gmail's IMAP rejection (190 bytes)",
       g_strdup ("* NO [ALERT] Application-specific password required: "
                 "https://support.google.com/accounts/answer/185833 (Failure)\r\n"
                 "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"),
       20000},
      {"hostile title + 5,000-char word", NULL, 2000},
      {"1 MiB of escape sequences", escape_stream (1 << 20), 5},
  };
  char *word = g_strnfill (5000, 'W');

  inputs[1].text = g_strconcat ("NO Login failed\x1b]2;TITLE\x07\x1b[2J\x1b[HFAKE-OK ", word, NULL);
  g_free (word);
  printf ("%-34s %14s %14s %7s\n", "input", "display ns", "make_valid ns", "ratio");
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++) {
    double display = median_ns (&inputs[i], TRUE), baseline = median_ns (&inputs[i], FALSE);

    printf ("%-34s %14.0f %14.0f %7.2f\n", inputs[i].name, display, baseline, display / baseline);
    g_free (inputs[i].text);
  }
  return 0;
}
