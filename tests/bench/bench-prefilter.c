/* apppass benchmark — the pre-filter against a regular expression of the same keywords
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints nanoseconds per line for both over a synthetic Claws Mail log of one
 * million lines, in one run, and their ratio; also the cost of a full
 * diagnosis of one failure line. Figures only: nothing here is asserted. */
#include <stdio.h>
#include <string.h>

#include "apppass-diagnosis.h"
#include "apppass-prefilter.h"

#define N_LINES 1000000
#define ROUNDS  5

/* Lines in the shape Claws Mail logs them, server text after the "< " marker. */
static const char *const templates[] = {
    "* %u FETCH (UID %u FLAGS (\\Seen) RFC822.SIZE %u INTERNALDATE \"21-Nov-2026 10:11:12 +0000\")",
    "%05u UID FETCH %u (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (From To Subject Date)])",
    "%05u OK Success",
    "* %u EXISTS",
    "* OK [UIDVALIDITY %u] UIDs valid.",
    "%05u OK [READ-WRITE] Inbox selected. (Success)",
    "250-smtp.example.org at your service, [192.0.2.%u]",
    "250 2.0.0 OK  %u x%u.mail.example.org - gsmtp",
    "+OK %u %u",
    "Account 'Work': Connecting to IMAP server: imap.example.org:993...",
    "Fetching message %u of %u from INBOX...",
    "* LIST (\\HasNoChildren) \"/\" \"Archive/%u\"",
    "IMAP connection is %u-bit TLS protected",
    "%05u NOOP",
};

/* One in ten thousand lines is a failure. */
static const char *const failures[] = {
    "* NO [ALERT] Application-specific password required: "
    "https://support.google.com/accounts/answer/185833 (Failure)",
    "534-5.7.9 Application-specific password required. For more information, go to",
    "Invalid credentials (Failure)",
};

static char **
make_log (void)
{
  char **lines = g_new0 (char *, N_LINES + 1);
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < N_LINES; i++) {
    guint a = g_rand_int_range (rand, 1, 99999), b = g_rand_int_range (rand, 1, 99999);

    if (i % 10000 == 5000)
      lines[i] = g_strdup (failures[(i / 10000) % G_N_ELEMENTS (failures)]);
    else
      lines[i] = g_strdup_printf (templates[g_rand_int_range (rand, 0, G_N_ELEMENTS (templates))],
                                  a, b, a ^ b);
  }
  g_rand_free (rand);
  return lines;
}

static GRegex *
make_regex (void)
{
  const char *const *keywords = apppass_prefilter_keywords ();
  GString *pattern = g_string_new ("^[45][0-9][0-9](?:[ \\r-]|$)");
  g_autoptr (GError) error = NULL;
  GRegex *regex;

  for (guint i = 0; keywords[i]; i++) {
    g_autofree char *escaped = g_regex_escape_string (keywords[i], -1);

    g_string_append_printf (pattern, "|%s", escaped);
  }
  regex = g_regex_new (pattern->str, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
  g_assert_no_error (error);
  g_string_free (pattern, TRUE);
  return regex;
}

/* One pass over the log, in nanoseconds per line. */
static double
pass_prefilter (char **lines, const gsize *lengths, guint *hits)
{
  gint64 start = g_get_monotonic_time ();

  *hits = 0;
  for (guint i = 0; i < N_LINES; i++)
    *hits += apppass_prefilter_line (lines[i], lengths[i]);
  return (g_get_monotonic_time () - start) * 1000.0 / N_LINES;
}

static double
pass_regex (GRegex *regex, char **lines, const gsize *lengths, guint *hits)
{
  gint64 start = g_get_monotonic_time ();

  *hits = 0;
  for (guint i = 0; i < N_LINES; i++)
    *hits += g_regex_match_full (regex, lines[i], (gssize)lengths[i], 0, 0, NULL, NULL);
  return (g_get_monotonic_time () - start) * 1000.0 / N_LINES;
}

static double
time_diagnosis (void)
{
  g_autoptr (ApppassProviderDb) db = apppass_provider_db_new (NULL);
  const guint n = 20000;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++) {
    ApppassDiagnosis *d = apppass_diagnose (db, APPPASS_PROTOCOL_IMAP, "imap.gmail.com",
                                            "ann@gmail.com", failures[0], -1);
    apppass_diagnosis_free (d);
  }
  return (g_get_monotonic_time () - start) * 1000.0 / n;
}

int
main (void)
{
  char **lines = make_log ();
  gsize *lengths = g_new (gsize, N_LINES);
  g_autoptr (GRegex) regex = make_regex ();
  guint fast_hits, regex_hits;
  double fast, slow;
  gsize bytes = 0;

  for (guint i = 0; i < N_LINES; i++)
    bytes += lengths[i] = strlen (lines[i]);
  /* Interleaved, best of each: a busy machine slows both alike. */
  fast = slow = G_MAXDOUBLE;
  for (guint r = 0; r < ROUNDS; r++) {
    fast = MIN (fast, pass_prefilter (lines, lengths, &fast_hits));
    slow = MIN (slow, pass_regex (regex, lines, lengths, &regex_hits));
  }
  printf ("log: %u lines, %.1f bytes per line\n", N_LINES, (double)bytes / N_LINES);
  printf ("prefilter: %.2f ns/line (%u lines let through)\n", fast, fast_hits);
  printf ("GRegex (same keywords, CASELESS|OPTIMIZE): %.2f ns/line (%u lines matched)\n", slow,
          regex_hits);
  printf ("prefilter is %.1f times faster than the GRegex baseline\n", slow / fast);
  printf ("diagnosis of one failure line: %.0f ns\n", time_diagnosis ());
  g_free (lengths);
  g_strfreev (lines);
  return 0;
}
