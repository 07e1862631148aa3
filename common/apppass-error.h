/* apppass — errors shared by the common library
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define APPPASS_ERROR (apppass_error_quark ())

/**
 * ApppassError:
 * @APPPASS_ERROR_INVALID_TEXT: the input is not valid UTF-8
 * @APPPASS_ERROR_CONTROL_CHARACTER: the input holds a control character, a variation
 *   selector or a format character that is not removed
 * @APPPASS_ERROR_EMPTY: nothing is left after removing spaces
 * @APPPASS_ERROR_TOO_LONG: the input is longer than allowed
 * @APPPASS_ERROR_PROVIDER_FILE: a provider file is broken
 * @APPPASS_ERROR_UNKNOWN_PROVIDER: no provider with that id
 * @APPPASS_ERROR_INVALID_ARGUMENT: a value that is not one of the allowed words
 * @APPPASS_ERROR_KEYRING_UNAVAILABLE: no Secret Service (no session bus, no keyring daemon)
 * @APPPASS_ERROR_KEYRING_LOCKED: the keyring is locked and was not unlocked
 * @APPPASS_ERROR_KEYRING_FAILED: the keyring refused or failed the operation
 * @APPPASS_ERROR_REJECTED: the server rejected the password
 * @APPPASS_ERROR_NOT_SENT: the password was not sent: DNS, refused, timeout,
 *   untrusted TLS, STARTTLS missing, proxy
 *
 * Error codes in the %APPPASS_ERROR domain. Messages are translated and say
 * what to do; they never contain a password. A cancelled operation, whichever
 * layer it is in, reports GLib's own %G_IO_ERROR_CANCELLED instead, so callers
 * test one domain and code with g_error_matches().
 */
typedef enum {
  APPPASS_ERROR_INVALID_TEXT,
  APPPASS_ERROR_CONTROL_CHARACTER,
  APPPASS_ERROR_EMPTY,
  APPPASS_ERROR_TOO_LONG,
  APPPASS_ERROR_PROVIDER_FILE,
  APPPASS_ERROR_UNKNOWN_PROVIDER,
  APPPASS_ERROR_INVALID_ARGUMENT,
  APPPASS_ERROR_KEYRING_UNAVAILABLE,
  APPPASS_ERROR_KEYRING_LOCKED,
  APPPASS_ERROR_KEYRING_FAILED,
  APPPASS_ERROR_REJECTED,
  APPPASS_ERROR_NOT_SENT,
} ApppassError;

GQuark apppass_error_quark (void);

GError *apppass_error_new_cancelled (void);

G_END_DECLS
