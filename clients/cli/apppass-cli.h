/* apppass — the terminal command: shared pieces
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "apppass-diagnosis.h"
#include "apppass-provider.h"

G_BEGIN_DECLS

/* The exit codes of docs/design.md ("Command-line contract") */
enum {
  EXIT_DONE = 0,
  EXIT_FAILURE_OTHER = 1, /* lookup: nothing stored */
  EXIT_USAGE = 2,
  EXIT_REJECTED = 3,
  EXIT_NOT_SENT = 4,
};

/* Reads standard input, at most @limit bytes; *@too_long tells if there was more. */
GBytes *cli_read_stdin (gsize limit, gboolean *too_long, GError **error);

/* Parses a verb's options; on a usage error prints it and returns FALSE. */
gboolean cli_parse (GOptionContext *context, int *argc, char ***argv);

/* A warning when a password does not have the provider's usual shape. */
void cli_warn_shape (const ApppassProvider *provider, const char *password);

/* "apppass: " + message on stderr. */
void cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Reads a password typed or pasted at the terminal on standard input, with
 * echo off: the first line and the rest of a paste of several lines, nothing
 * left for the shell. The bytes are to be wiped and freed by the caller;
 * *@too_long when more came than the prompt keeps. */
char *cli_prompt_read_paste (const char *prompt, gsize *length, gboolean *too_long);

/* TRUE when a paste of several lines holds more than one whole password. */
gboolean cli_paste_has_two_passwords (const ApppassProvider *provider, const char *text,
                                      gsize length);

/* A server of `setup`: given by the user (origin NULL) or by a provider file. */
typedef struct {
  ApppassProtocol protocol;
  char *host;
  guint16 port;
  ApppassSecurity security;
  char *origin;
} CliServer;

/* The name an account's lines use in every tool: the address, lowercase, "-" for the rest. */
char *cli_account_name (const char *address);
/* Lines for mbsync, msmtp and neomutt; @in or @out may be NULL. */
void cli_print_tool_setups (const char *address, const CliServer *in, const CliServer *out,
                            const char *ca_file);
gboolean cli_protocol_is_oauth_only (const ApppassProvider *provider, ApppassProtocol protocol);
/* What works for mbsync, msmtp and neomutt where the provider takes OAuth 2.0 only. */
void cli_print_oauth_tools (const ApppassProvider *provider);
/* The same after `diagnose` for @protocol, with Microsoft 365's SMTP exception. */
void cli_print_oauth_help (const ApppassProvider *provider, ApppassProtocol protocol);
/* The diagnosis's explanation in a terminal's words. */
const char *cli_explanation (const ApppassDiagnosis *d);

int cli_providers (int argc, char **argv);
int cli_diagnose (int argc, char **argv);
int cli_normalize (int argc, char **argv);
int cli_verify (int argc, char **argv);
int cli_setup (int argc, char **argv);
int cli_lookup (int argc, char **argv);

/* A JSON writer just large enough for apppass's objects. */
typedef struct {
  GString *out;
  gboolean need_comma;
} CliJson;

void cli_json_begin_object (CliJson *json);
void cli_json_end_object (CliJson *json);
void cli_json_begin_array (CliJson *json, const char *key);
void cli_json_end_array (CliJson *json);
void cli_json_string (CliJson *json, const char *key, const char *value);
void cli_json_strv (CliJson *json, const char *key, const char *const *values);
void cli_json_bool (CliJson *json, const char *key, gboolean value);
/* An object as the value of @key in the object being written. */
void cli_json_begin_object_at (CliJson *json, const char *key);

G_END_DECLS
