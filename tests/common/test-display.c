/* apppass tests — a server's words, made safe to show
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "apppass-display.h"
#include "apppass-test-util.h"

typedef struct {
  const char *name;
  const char *text;
  gssize length;
  const char *shown;
} Case;

/* One row per class of what a hostile or broken server may send. */
static const Case cases[] = {
    {"plain text stays", "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", -1,
     "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"},
    {"non-ASCII stays", "登录失败，请使用授权码 — é", -1, "登录失败，请使用授权码 — é"},
    {"NULL is empty", NULL, -1, ""},
    {"CRLF between lines", "* NO [ALERT] a\r\nx NO b\r\n", -1, "* NO [ALERT] a x NO b"},
    {"bare CR", "Login failed\rAccepted", -1, "Login failed Accepted"},
    {"white space collapses", " \t a \v\f  b\t ", -1, "a b"},
    {"U+2028, U+2029, NBSP, NEL",
     "a\u2028b\u2029c\u00a0d\xc2\x85"
     "e",
     -1, "a b c d e"},
    {"invalid UTF-8",
     "a\xff\xfe"
     "b",
     -1, "a\ufffd\ufffdb"},
    {"overlong UTF-8",
     "a\xc0\xaf"
     "b",
     -1, "a\ufffd\ufffdb"},
    {"raw 0x9b byte",
     "a\x9b"
     "2Jb",
     -1, "a\ufffd2Jb"},
    {"truncated UTF-8 at the end", "a\xe6\x8e", -1, "a\ufffd\ufffd"},
    {"BEL, BS, NUL inside",
     "a\x07"
     "b\x08"
     "c\0d",
     7, "abcd"},
    {"DEL",
     "a\x7f"
     "b",
     -1, "ab"},
    {"CSI clear", "a\x1b[2J\x1b[Hb", -1, "ab"},
    {"CSI colours", "\x1b[1;31mred\x1b[0m", -1, "red"},
    {"CSI private", "a\x1b[?1049hb", -1, "ab"},
    {"CSI cancelled by CAN",
     "a\x1b[12\x18"
     "b",
     -1, "ab"},
    {"CSI cut by a control", "a\x1b[1\nb", -1, "a b"},
    {"OSC title, BEL", "Login failed\x1b]2;TITLE\x07 now", -1, "Login failed now"},
    {"OSC title, ST", "a\x1b]0;TITLE\x1b\\b", -1, "ab"},
    {"OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\Click\x1b]8;;\x1b\\ here", -1,
     "Click here"},
    {"OSC unterminated", "a\x1b]2;rest of it", -1, "a"},
    {"DCS", "a\x1bPq#0;2;0;0;0#0~~\x1b\\b", -1, "ab"},
    {"DCS ignores BEL-less text", "a\x1bP1$r\x1b[2J\x1b\\b", -1, "ab"},
    {"SOS", "a\x1bXstring\x1b\\b", -1, "ab"},
    {"PM", "a\x1b^private\x1b\\b", -1, "ab"},
    {"APC", "a\x1b_app\x1b\\b", -1, "ab"},
    {"ESC in a string starts a new sequence", "a\x1b]2;x\x1b[2Jb", -1, "ab"},
    {"two-byte ESC c (reset)",
     "a\x1b"
     "cb",
     -1, "ab"},
    {"two-byte ESC 7 / ESC 8",
     "a\x1b"
     "7b\x1b"
     "8",
     -1, "ab"},
    {"nF ESC ( B and ESC # 8", "a\x1b(Bb\x1b#8", -1, "ab"},
    {"ESC at the end", "a\x1b", -1, "a"},
    {"ESC ESC", "a\x1b\x1b[2Jb", -1, "ab"},
    {"ESC before non-ASCII",
     "a\x1b"
     "éb",
     -1, "aéb"},
    {"C1 CSI U+009B",
     "a\xc2\x9b"
     "2J\xc2\x9b"
     "1;31mb",
     -1, "ab"},
    {"C1 OSC U+009D to C1 ST",
     "a\xc2\x9d"
     "0;TITLE\xc2\x9c"
     "b",
     -1, "ab"},
    {"C1 OSC U+009D to BEL",
     "a\xc2\x9d"
     "8;;https://x/\x07"
     "b",
     -1, "ab"},
    {"C1 DCS U+0090",
     "a\xc2\x90"
     "q#0\xc2\x9c"
     "b",
     -1, "ab"},
    {"C1 SOS, PM, APC",
     "a\xc2\x98"
     "x\xc2\x9c"
     "\xc2\x9e"
     "y\xc2\x9c"
     "\xc2\x9f"
     "z\xc2\x9c"
     "b",
     -1, "ab"},
    {"other C1",
     "a\xc2\x80"
     "\xc2\x8e"
     "\xc2\x96"
     "b",
     -1, "ab"},
    {"bidi U+202E", "Login \u202edeliaf\u202c ok", -1, "Login deliaf ok"},
    {"bidi marks and isolates",
     "a\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069b", -1, "ab"},
    {"other format characters", "a\u200b\u200d\u2060\ufeff\u00ad\U000e0041b", -1, "ab"},
    {"a long word is broken",
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", -1,
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx xxxxxxxxx"},
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *shown = apppass_display_text (cases[i].text, cases[i].length);

    if (g_strcmp0 (shown, cases[i].shown) != 0)
      g_test_message ("%s: got “%s”", cases[i].name, shown);
    g_assert_cmpstr (shown, ==, cases[i].shown);
  }
}

static glong
longest_word (const char *text)
{
  glong longest = 0, word = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    word = *p == ' ' ? 0 : word + 1;
    longest = MAX (longest, word);
  }
  return longest;
}

/* Nothing a terminal or a label would act on, and within the bounds. */
static void
assert_safe (const char *shown)
{
  test_assert_display_safe (shown);
  g_assert_cmpint (g_utf8_strlen (shown, -1), <=, APPPASS_DISPLAY_MAX_CHARS);
  g_assert_cmpint (longest_word (shown), <=, APPPASS_DISPLAY_MAX_WORD);
}

static void
test_total_length (void)
{
  GString *text = g_string_new ("Login failed");
  g_autofree char *shown = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append (text, " the server goes on");
  shown = apppass_display_text (text->str, -1);
  assert_safe (shown);
  g_assert_cmpint (g_utf8_strlen (shown, -1), ==, APPPASS_DISPLAY_MAX_CHARS);
  g_assert_true (g_str_has_prefix (shown, "Login failed the server goes on"));
  g_assert_true (g_str_has_suffix (shown, "…"));
  g_assert_false (g_str_has_suffix (shown, " …"));
  g_string_free (text, TRUE);
}

/* A text exactly as long as allowed is not cut. */
static void
test_exact_length (void)
{
  GString *text = g_string_new (NULL);
  g_autofree char *shown = NULL;

  for (guint i = 0; i < APPPASS_DISPLAY_MAX_CHARS; i++)
    g_string_append (text, i % 10 == 4 ? " " : "é");
  shown = apppass_display_text (text->str, -1);
  g_assert_cmpint (g_utf8_strlen (shown, -1), ==, APPPASS_DISPLAY_MAX_CHARS);
  g_assert_null (strstr (shown, "…"));
}

static void
test_huge_word (void)
{
  char *word = g_strnfill (5000, 'W');
  g_autofree char *text = g_strconcat ("NO Login failed ", word, " end", NULL);
  g_autofree char *shown = apppass_display_text (text, -1);

  assert_safe (shown);
  g_assert_true (g_str_has_prefix (shown, "NO Login failed WWWW"));
  g_assert_true (g_str_has_suffix (shown, "…"));
  g_free (word);
}

/* A shorter bound, for a dialog: cut at a word's end where one is near. */
static void
test_shorter_bound (void)
{
  g_autofree char *shown =
      apppass_display_text_max ("Login failed: \x1b[2Jtry again later", -1, 20);
  g_autofree char *one = apppass_display_text_max ("Login failed", -1, 1);

  g_assert_cmpstr (shown, ==, "Login failed: try a…");
  g_assert_cmpstr (one, ==, "…");
}

/* Cut right after a word of the longest length: "…" still fits the bound. */
static void
test_cut_after_long_word (void)
{
  g_autofree char *word = g_strnfill (200, 'W');
  g_autofree char *shown = apppass_display_text_max (word, -1, APPPASS_DISPLAY_MAX_WORD + 1);

  g_assert_cmpint (g_utf8_strlen (shown, -1), ==, APPPASS_DISPLAY_MAX_WORD);
  g_assert_true (g_str_has_suffix (shown, "W…"));
}

/* Random bytes, weighted towards the ones that start sequences. */
static void
test_random_bytes (void)
{
  static const guchar interesting[] = {0x1b, '[',  ']',  'P',  '\\', 0x07, 0x9b, 0xc2, 0x9c,
                                       0x9d, 0xe2, 0x80, 0x8e, 0xae, 0x0d, 0x0a, ' ',  'a'};

  for (int round = 0; round < 2000; round++) {
    guchar bytes[256];
    gsize length = (gsize)g_test_rand_int_range (0, sizeof bytes);
    g_autofree char *shown = NULL;

    for (gsize i = 0; i < length; i++)
      bytes[i] = g_test_rand_bit () ? interesting[g_test_rand_int_range (0, sizeof interesting)]
                                    : (guchar)g_test_rand_int_range (0, 256);
    shown = apppass_display_text ((const char *)bytes, (gssize)length);
    assert_safe (shown);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/display/table", test_table);
  g_test_add_func ("/display/total-length", test_total_length);
  g_test_add_func ("/display/exact-length", test_exact_length);
  g_test_add_func ("/display/huge-word", test_huge_word);
  g_test_add_func ("/display/shorter-bound", test_shorter_bound);
  g_test_add_func ("/display/cut-after-long-word", test_cut_after_long_word);
  g_test_add_func ("/display/random-bytes", test_random_bytes);
  return g_test_run ();
}
