/* apppass tests — the pre-filter
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "apppass-diagnosis.h"
#include "apppass-prefilter.h"
#include "apppass-test-util.h"

static gboolean
both_pass (const char *text, gsize length)
{
  gboolean fast = apppass_prefilter_line (text, length);

  g_assert_cmpint (fast, ==, apppass_prefilter_line_scalar (text, length));
  g_assert_cmpint (fast, ==, apppass_prefilter_line_ssse3 (text, length));
  return fast;
}

/* Every row that is a login failure gets through, as a whole and line by line. */
static void
test_table_rows_pass (void)
{
  g_autoptr (GPtrArray) answers = test_answers_load ();

  for (guint i = 0; i < answers->len; i++) {
    TestAnswer *a = g_ptr_array_index (answers, i);

    if (a->cause == APPPASS_CAUSE_NOT_AUTH)
      continue;
    g_test_message ("%s", a->group);
    g_assert_true (both_pass (a->text, strlen (a->text)));
  }
}

/* Each phrase the diagnosis knows would be let through, alone and in any case. */
static void
test_phrases_pass (void)
{
  for (guint c = 0; c < APPPASS_CAUSE_NOT_AUTH; c++) {
    const char *const *phrases = apppass_cause_phrases ((ApppassCause)c);

    for (guint i = 0; phrases[i]; i++) {
      g_autofree char *upper = g_utf8_strup (phrases[i], -1);

      g_test_message ("%s", phrases[i]);
      g_assert_true (both_pass (phrases[i], strlen (phrases[i])));
      g_assert_true (both_pass (upper, strlen (upper)));
    }
  }
}

static void
test_ordinary_lines_stopped (void)
{
  const char *lines[] = {
      "* 17 FETCH (UID 2934 FLAGS (\\Seen) RFC822.SIZE 23412)",
      "00012 UID FETCH 2934 (BODY.PEEK[HEADER.FIELDS (From To Subject Date)])",
      "Fetching message list from Inbox...",
      "00013 OK Success",
      "250-smtp.example.org at your service, [192.0.2.1]",
      "Account 'Work': Connecting to IMAP server: imap.example.org:993...",
      "+OK 3 messages (2830 octets)",
      "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++) {
    g_test_message ("%s", lines[i]);
    g_assert_false (both_pass (lines[i], strlen (lines[i])));
  }
}

static gboolean
has_non_ascii (const char *text)
{
  for (; *text; text++)
    if ((guchar)*text & 0x80)
      return TRUE;
  return FALSE;
}

/* Non-ASCII text passes whatever its case: the keywords cannot list them all. */
static void
test_non_ascii (void)
{
  const char *line = "Ошибка: парОль приложения неВерен";
  const char *later = "250 ok\r\n  535 x";

  g_assert_true (both_pass (line, strlen (line)));
  /* and an SMTP failure code that opens a later line, after blanks */
  g_assert_true (both_pass (later, strlen (later)));
}

/* Keywords at every offset, near the end of blocks, cut short by the length. */
static void
test_positions (void)
{
  const char *const *keywords = apppass_prefilter_keywords ();

  for (guint k = 0; keywords[k]; k++) {
    gsize klen = strlen (keywords[k]);

    for (gsize offset = 0; offset < 40; offset++) {
      char line[128];

      memset (line, 'x', sizeof line);
      memcpy (line + offset, keywords[k], klen);
      g_assert_true (both_pass (line, offset + klen));
      /* One byte short: the rest lies beyond the length and must not count
       * (a line with non-ASCII text always passes, so ASCII keywords only). */
      if (!has_non_ascii (keywords[k]))
        g_assert_false (both_pass (line, offset + klen - 1));
    }
  }
}

static void
test_random_agreement (void)
{
  const char *const *keywords = apppass_prefilter_keywords ();
  GRand *rand = g_rand_new_with_seed (20261123);

  for (guint n = 0; n < 200000; n++) {
    char line[160];
    gsize length = (gsize)g_rand_int_range (rand, 0, sizeof line);

    for (gsize i = 0; i < length; i++)
      line[i] = (char)g_rand_int_range (rand, 0, 256);
    if (length > 10 && g_rand_boolean (rand)) {
      const char *k = keywords[g_rand_int_range (rand, 0, (int)g_strv_length ((char **)keywords))];
      gsize at = (gsize)g_rand_int_range (rand, 0, (int)length);

      memcpy (line + at, k, MIN (strlen (k), length - at));
    }
    both_pass (line, length);
  }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prefilter/table-rows-pass", test_table_rows_pass);
  g_test_add_func ("/prefilter/phrases-pass", test_phrases_pass);
  g_test_add_func ("/prefilter/ordinary-lines-stopped", test_ordinary_lines_stopped);
  g_test_add_func ("/prefilter/positions", test_positions);
  g_test_add_func ("/prefilter/non-ascii", test_non_ascii);
  g_test_add_func ("/prefilter/random-agreement", test_random_agreement);
  return g_test_run ();
}
