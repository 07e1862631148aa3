/* apppass tests — the password rule
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "apppass-error.h"
#include "apppass-password.h"
#include "apppass-wipe.h"

/* docs/design.md's list ("Password rule"), written out again here so the test does not trust the
 * code. */
static const gunichar removed[] = {
    0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002,
    0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
    0x3000, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,
    /* bidi controls: web pages put them around text */
    0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069};

/* Refused, not removed: nobody types them and dropping one could change what was meant. */
static gboolean
is_refused_format (gunichar c)
{
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
         g_unichar_type (c) == G_UNICODE_FORMAT;
}

static gboolean
in_removed_list (gunichar c)
{
  for (guint i = 0; i < G_N_ELEMENTS (removed); i++) {
    if (removed[i] == c)
      return TRUE;
  }
  return FALSE;
}

static char *
normalize_ok (const char *text, gssize length)
{
  g_autoptr (GError) error = NULL;
  char *out = apppass_password_normalize (text, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static void
test_google_groups (void)
{
  g_autofree char *out = normalize_ok ("abcd efgh ijkl mnop", -1);

  g_assert_cmpstr (out, ==, "abcdefghijklmnop");
}

/* Each listed code point, alone, between groups, at the ends. */
static void
test_each_removed_char (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (removed); i++) {
    char utf8[8] = {0};
    g_autofree char *text = NULL;
    g_autofree char *out = NULL;

    g_unichar_to_utf8 (removed[i], utf8);
    text = g_strconcat (utf8, "abcd", utf8, "efgh", utf8, utf8, "ijkl", utf8, NULL);
    out = normalize_ok (text, -1);
    g_assert_cmpstr (out, ==, "abcdefghijkl");
    g_assert_true (apppass_password_is_removed_char (removed[i]));
  }
}

/* GLib's g_unichar_isspace() misses these two; the rule must not. */
static void
test_isspace_gaps (void)
{
  g_autofree char *vt = normalize_ok ("ab\vcd", -1);
  g_autofree char *nel = normalize_ok ("ab\xc2\x85"
                                       "cd",
                                       -1);

  g_assert_false (g_unichar_isspace (0x0085) && g_unichar_isspace (0x000B));
  g_assert_cmpstr (vt, ==, "abcd");
  g_assert_cmpstr (nel, ==, "abcd");
}

/* Every code point: removed exactly when listed, refused exactly when a control or another
 * format character or a variation selector, else kept. */
static void
test_every_code_point (void)
{
  for (gunichar c = 1; c <= 0x10FFFF; c++) {
    char text[16] = "a";
    g_autoptr (GError) error = NULL;
    g_autofree char *out = NULL;
    int n;

    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    n = g_unichar_to_utf8 (c, text + 1);
    text[1 + n] = 'b';
    out = apppass_password_normalize (text, 2 + n, &error);
    if (in_removed_list (c)) {
      g_assert_cmpstr (out, ==, "ab");
    } else if (g_unichar_type (c) == G_UNICODE_CONTROL || is_refused_format (c)) {
      g_assert_error (error, APPPASS_ERROR, APPPASS_ERROR_CONTROL_CHARACTER);
    } else {
      g_assert_no_error (error);
      g_assert_cmpmem (out, strlen (out), text, (gsize)(2 + n));
    }
  }
}

static void
test_kept_as_is (void)
{
  const char *kept[] = {"AbCd-EfGh-IjKl-MnOp", "abcd-efgh-ijkl-mnop", "proton_bridge_Pw-1",
                        "pässwörd€", "Pass\xe2\x80\x94word" /* U+2014, a dash */};

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++) {
    g_autofree char *out = normalize_ok (kept[i], -1);

    g_assert_cmpstr (out, ==, kept[i]);
  }
}

static void
assert_refused (const char *text, gssize length, int code)
{
  g_autoptr (GError) error = NULL;
  char *out = apppass_password_normalize (text, length, &error);

  g_assert_null (out);
  g_assert_error (error, APPPASS_ERROR, code);
  /* The message says what to do and never repeats the text. */
  g_assert_nonnull (strstr (error->message, "paste"));
  g_assert_null (strstr (error->message, "secretword"));
}

static void
test_refusals (void)
{
  char long_text[300];

  assert_refused ("secretword\xff\xfe", -1, APPPASS_ERROR_INVALID_TEXT);
  assert_refused ("secretword\xc3", -1, APPPASS_ERROR_INVALID_TEXT);
  assert_refused ("secret\0word", 11, APPPASS_ERROR_CONTROL_CHARACTER);
  assert_refused ("secretword\x01", -1, APPPASS_ERROR_CONTROL_CHARACTER);
  assert_refused ("secretword\x7f", -1, APPPASS_ERROR_CONTROL_CHARACTER);
  assert_refused ("secretword\xc2\x9b", -1, APPPASS_ERROR_CONTROL_CHARACTER);
  assert_refused ("secretword\x1b[0m", -1, APPPASS_ERROR_CONTROL_CHARACTER);
  assert_refused ("", 0, APPPASS_ERROR_EMPTY);
  assert_refused (" \t\r\n\xe2\x80\x8b\xef\xbb\xbf ", -1, APPPASS_ERROR_EMPTY);
  memset (long_text, 'a', sizeof long_text);
  assert_refused (long_text, APPPASS_PASSWORD_MAX_BYTES + 1, APPPASS_ERROR_TOO_LONG);
}

/* The three: U+202E and U+200E are bidi controls a web page adds (removed);
 * U+FE0F is a variation selector (refused, named). */
static void
test_bidi_removed (void)
{
  g_autofree char *rlo = normalize_ok ("\xe2\x80\xae"
                                       "abcd efgh\xe2\x80\xac",
                                       -1);
  g_autofree char *lrm = normalize_ok ("abcd\xe2\x80\x8e efgh\xe2\x80\x8f", -1);
  g_autofree char *isolate = normalize_ok ("\xe2\x81\xa6"
                                           "abcd\xe2\x81\xa9\xd8\x9c",
                                           -1);

  g_assert_cmpstr (rlo, ==, "abcdefgh");
  g_assert_cmpstr (lrm, ==, "abcdefgh");
  g_assert_cmpstr (isolate, ==, "abcd");
}

static void
assert_refused_naming (const char *text, const char *code_point)
{
  g_autoptr (GError) error = NULL;
  char *out = apppass_password_normalize (text, -1, &error);

  g_assert_null (out);
  g_assert_error (error, APPPASS_ERROR, APPPASS_ERROR_CONTROL_CHARACTER);
  g_assert_nonnull (strstr (error->message, code_point));
  g_assert_nonnull (strstr (error->message, "paste"));
}

static void
test_format_refused (void)
{
  assert_refused_naming ("abcd\xef\xb8\x8f"
                         "efgh",
                         "U+FE0F"); /* variation selector-16 */
  assert_refused_naming ("abcd\xef\xb8\x80"
                         "efgh",
                         "U+FE00");                          /* variation selector-1 */
  assert_refused_naming ("abcd\xf3\xa0\x84\x80", "U+E0100"); /* variation selector-17 */
  assert_refused_naming ("ab\xc2\xad"
                         "cd",
                         "U+00AD"); /* soft hyphen, Cf */
  assert_refused_naming ("ab\xe2\x81\xa3"
                         "cd",
                         "U+2063"); /* invisible separator, Cf */
  assert_refused_naming ("ab\xf3\xa0\x80\x81"
                         "cd",
                         "U+E0001"); /* language tag, Cf */
}

static void
test_length_limit (void)
{
  char text[APPPASS_PASSWORD_MAX_BYTES + 40];
  g_autofree char *out = NULL;

  /* Spaces do not count: 256 letters with spaces between are accepted. */
  memset (text, 'a', sizeof text);
  for (guint i = 0; i < 40; i++)
    text[i * 6] = ' ';
  out = normalize_ok (text, sizeof text);
  g_assert_cmpuint (strlen (out), ==, APPPASS_PASSWORD_MAX_BYTES);
}

/* The one wipe every password buffer goes through: exactly the bytes asked. */
static void
test_wipe (void)
{
  char buffer[] = "abcdefgh";

  apppass_wipe (buffer + 2, 4);
  g_assert_cmpmem (buffer, sizeof buffer, "ab\0\0\0\0gh", 9);
  apppass_wipe (buffer, 0);
  g_assert_cmpint (buffer[0], ==, 'a');
  apppass_wipe_free (NULL, 8);
  apppass_wipe_free (g_strdup ("secret"), 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/password/google-groups", test_google_groups);
  g_test_add_func ("/password/wipe", test_wipe);
  g_test_add_func ("/password/each-removed-char", test_each_removed_char);
  g_test_add_func ("/password/isspace-gaps", test_isspace_gaps);
  g_test_add_func ("/password/every-code-point", test_every_code_point);
  g_test_add_func ("/password/kept-as-is", test_kept_as_is);
  g_test_add_func ("/password/refusals", test_refusals);
  g_test_add_func ("/password/length-limit", test_length_limit);
  g_test_add_func ("/password/bidi-removed", test_bidi_removed);
  g_test_add_func ("/password/format-refused", test_format_refused);
  return g_test_run ();
}
