/* apppass — errors shared by the common library
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define APPPASS_ERROR (apppass_error_quark ())

/**
 * ApppassError:
 * @APPPASS_ERROR_INVALID_TEXT: the input is not valid UTF-8
 * @APPPASS_ERROR_CONTROL_CHARACTER: the input holds a control character
 * @APPPASS_ERROR_EMPTY: nothing is left after removing spaces
 * @APPPASS_ERROR_TOO_LONG: the input is longer than allowed
 * @APPPASS_ERROR_PROVIDER_FILE: a provider file is broken
 * @APPPASS_ERROR_UNKNOWN_PROVIDER: no provider with that id
 * @APPPASS_ERROR_INVALID_ARGUMENT: a value that is not one of the allowed words
 *
 * Error codes in the %APPPASS_ERROR domain. Messages are translated and say
 * what to do; they never contain a password.
 */
typedef enum {
  APPPASS_ERROR_INVALID_TEXT,
  APPPASS_ERROR_CONTROL_CHARACTER,
  APPPASS_ERROR_EMPTY,
  APPPASS_ERROR_TOO_LONG,
  APPPASS_ERROR_PROVIDER_FILE,
  APPPASS_ERROR_UNKNOWN_PROVIDER,
  APPPASS_ERROR_INVALID_ARGUMENT,
} ApppassError;

GQuark apppass_error_quark (void);

G_END_DECLS
