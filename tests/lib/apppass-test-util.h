/* apppass tests — shared helpers
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "apppass-diagnosis.h"

G_BEGIN_DECLS

/* One row of tests/data/server-answers.ini. */
typedef struct {
  char *group;
  char *provider; /* NULL for an unknown server */
  ApppassProtocol protocol;
  char *host;
  char *user;
  ApppassCause cause;
  ApppassAction action;
  char *source;
  char *text;
} TestAnswer;

/* All rows, in file order; asserts that the table parses. */
GPtrArray *test_answers_load (void);

/* The outcome of running the apppass command. */
typedef struct {
  int status; /* exit code */
  char *out;
  char *err;
} TestRun;

/* Runs $APPPASS_CLI with @argv (NULL-terminated, without the program),
 * @input on standard input, and @env_overrides ("NAME=value", or "NAME" to
 * unset) added to the test's environment. */
TestRun *test_run_cli (const char *const *argv, GBytes *input, const char *const *env_overrides);
void test_run_free (TestRun *run);

/* A folder holding nl and lv catalogues from the build tree, laid out as
 * APPPASS_LOCALEDIR expects; removed at exit. */
const char *test_locale_dir (void);

/* Asserts that @text is UTF-8 holding nothing a terminal or a label would act
 * on: no control or format character, no line or paragraph separator. */
void test_assert_display_safe (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestRun, test_run_free)

G_END_DECLS
