/* apppass tests — shared helpers
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static void
answer_free (TestAnswer *a)
{
  g_free (a->group);
  g_free (a->provider);
  g_free (a->host);
  g_free (a->user);
  g_free (a->source);
  g_free (a->text);
  g_free (a);
}

static int
word_index (const char *(*to_string) (int), int n, const char *word)
{
  for (int i = 0; i < n; i++) {
    if (g_strcmp0 (to_string (i), word) == 0)
      return i;
  }
  g_error ("unknown word “%s” in the answer table", word);
  return -1;
}

static const char *
cause_word (int i)
{
  return apppass_cause_to_string ((ApppassCause)i);
}

static const char *
action_word (int i)
{
  return apppass_action_to_string ((ApppassAction)i);
}

static char *
required (GKeyFile *keys, const char *group, const char *key)
{
  g_autoptr (GError) error = NULL;
  char *value = g_key_file_get_string (keys, group, key, &error);

  g_assert_no_error (error);
  return value;
}

static TestAnswer *
answer_from_group (GKeyFile *keys, const char *group)
{
  TestAnswer *a = g_new0 (TestAnswer, 1);
  g_autofree char *protocol = required (keys, group, "protocol");
  g_autofree char *cause = required (keys, group, "cause");
  g_autofree char *action = required (keys, group, "action");

  a->group = g_strdup (group);
  a->provider = required (keys, group, "provider");
  if (*a->provider == '\0')
    g_clear_pointer (&a->provider, g_free);
  g_assert_true (apppass_protocol_from_string (protocol, &a->protocol, NULL));
  a->host = required (keys, group, "host");
  a->user = required (keys, group, "user");
  a->cause = (ApppassCause)word_index (cause_word, APPPASS_N_CAUSES, cause);
  a->action = (ApppassAction)word_index (action_word, APPPASS_ACTION_NONE + 1, action);
  a->source = required (keys, group, "source");
  /* Answers that are not UTF-8 are written with C escapes. */
  if (g_key_file_has_key (keys, group, "text-c", NULL)) {
    g_autofree char *escaped = g_key_file_get_value (keys, group, "text-c", NULL);

    a->text = g_strcompress (escaped);
  } else {
    a->text = required (keys, group, "text");
  }
  return a;
}

GPtrArray *
test_answers_load (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "server-answers.ini", NULL);
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) groups = NULL;
  GPtrArray *answers = g_ptr_array_new_with_free_func ((GDestroyNotify)answer_free);

  g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (keys, NULL);
  for (guint i = 0; groups[i]; i++)
    g_ptr_array_add (answers, answer_from_group (keys, groups[i]));
  return answers;
}

static char **
make_env (const char *const *overrides)
{
  char **env = g_get_environ ();

  /* English unless a test asks for another language. */
  env = g_environ_unsetenv (env, "LANGUAGE");
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; overrides && overrides[i]; i++) {
    const char *eq = strchr (overrides[i], '=');

    if (eq) {
      g_autofree char *name = g_strndup (overrides[i], eq - overrides[i]);

      env = g_environ_setenv (env, name, eq + 1, TRUE);
    } else {
      env = g_environ_unsetenv (env, overrides[i]);
    }
  }
  return env;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  return size ? g_strndup (data, size) : g_strdup ("");
}

TestRun *
test_run_cli (const char *const *argv, GBytes *input, const char *const *env_overrides)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                 G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GBytes) out = NULL, err = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = make_env (env_overrides);
  const char *cli = g_getenv ("APPPASS_CLI");
  TestRun *run = g_new0 (TestRun, 1);

  g_assert_nonnull (cli);
  g_subprocess_launcher_set_environ (launcher, env);
  g_ptr_array_add (args, (gpointer)cli);
  for (guint i = 0; argv && argv[i]; i++)
    g_ptr_array_add (args, (gpointer)argv[i]);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *)args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  run->out = bytes_to_string (out);
  run->err = bytes_to_string (err);
  return run;
}

void
test_run_free (TestRun *run)
{
  if (run == NULL)
    return;
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

static char *locale_dir;

static void
remove_locale_dir (void)
{
  const char *langs[] = {"nl", "lv"};

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++) {
    g_autofree char *mo =
        g_build_filename (locale_dir, langs[i], "LC_MESSAGES", "apppass.mo", NULL);
    g_autofree char *messages = g_path_get_dirname (mo);
    g_autofree char *lang = g_path_get_dirname (messages);

    g_unlink (mo);
    g_rmdir (messages);
    g_rmdir (lang);
  }
  g_rmdir (locale_dir);
}

static void
install_catalogue (const char *lang, const char *env_name)
{
  g_autofree char *dir = g_build_filename (locale_dir, lang, "LC_MESSAGES", NULL);
  g_autofree char *mo = g_build_filename (dir, "apppass.mo", NULL);
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (g_getenv (env_name));
  g_file_get_contents (g_getenv (env_name), &data, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (mo, data, (gssize)length, &error);
  g_assert_no_error (error);
}

const char *
test_locale_dir (void)
{
  if (locale_dir == NULL) {
    g_autoptr (GError) error = NULL;

    locale_dir = g_dir_make_tmp ("apppass-locale-XXXXXX", &error);
    g_assert_no_error (error);
    install_catalogue ("nl", "APPPASS_TEST_NL_GMO");
    install_catalogue ("lv", "APPPASS_TEST_LV_GMO");
    atexit (remove_locale_dir);
  }
  return locale_dir;
}

void
test_assert_display_safe (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    g_assert_false (g_unichar_iscntrl (c));
    g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_FORMAT);
    g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_LINE_SEPARATOR);
    g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_PARAGRAPH_SEPARATOR);
  }
}
