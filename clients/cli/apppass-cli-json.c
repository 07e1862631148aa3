/* apppass — the terminal command: a small JSON writer
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-cli.h"

static void
append_escaped (GString *out, const char *value)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *)value; *p; p++) {
    switch (*p) {
    case '"':
      g_string_append (out, "\\\"");
      break;
    case '\\':
      g_string_append (out, "\\\\");
      break;
    case '\n':
      g_string_append (out, "\\n");
      break;
    default:
      if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char)*p);
    }
  }
  g_string_append_c (out, '"');
}

/* The separator and, inside an object, the key. */
static void
begin_value (CliJson *json, const char *key)
{
  if (json->need_comma)
    g_string_append_c (json->out, ',');
  if (key) {
    append_escaped (json->out, key);
    g_string_append_c (json->out, ':');
  }
  json->need_comma = TRUE;
}

static void
open_container (CliJson *json, const char *key, char bracket)
{
  begin_value (json, key);
  g_string_append_c (json->out, bracket);
  json->need_comma = FALSE;
}

static void
close_container (CliJson *json, char bracket)
{
  g_string_append_c (json->out, bracket);
  json->need_comma = TRUE;
}

void
cli_json_begin_object (CliJson *json)
{
  open_container (json, NULL, '{');
}

void
cli_json_end_object (CliJson *json)
{
  close_container (json, '}');
}

void
cli_json_begin_array (CliJson *json, const char *key)
{
  open_container (json, key, '[');
}

void
cli_json_end_array (CliJson *json)
{
  close_container (json, ']');
}

void
cli_json_string (CliJson *json, const char *key, const char *value)
{
  begin_value (json, key);
  if (value)
    append_escaped (json->out, value);
  else
    g_string_append (json->out, "null");
}

void
cli_json_strv (CliJson *json, const char *key, const char *const *values)
{
  cli_json_begin_array (json, key);
  for (guint i = 0; values && values[i]; i++)
    cli_json_string (json, NULL, values[i]);
  cli_json_end_array (json);
}

void
cli_json_bool (CliJson *json, const char *key, gboolean value)
{
  begin_value (json, key);
  g_string_append (json->out, value ? "true" : "false");
}

void
cli_json_begin_object_at (CliJson *json, const char *key)
{
  open_container (json, key, '{');
}
