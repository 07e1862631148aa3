/* apppass — the terminal command: providers, diagnose, normalize
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-cli.h"

#include <stdio.h>
#include <string.h>

#include "apppass-diagnosis.h"
#include "apppass-display.h"
#include "apppass-file.h"
#include "apppass-intl.h"
#include "apppass-password.h"
#include "apppass-provider.h"

/* A server answer longer than this is cut: the diagnosis reads less anyway. */
#define DIAGNOSE_STDIN_LIMIT (1024 * 1024)
/* Far above any password: a longer paste is refused without reading it all. */
#define NORMALIZE_STDIN_LIMIT (64 * 1024)

/* ---- providers ---------------------------------------------------------- */

static char **
all_hosts (const ApppassProvider *provider)
{
  GPtrArray *hosts = g_ptr_array_new ();

  for (guint p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    const char *const *list = apppass_provider_get_hosts (provider, (ApppassProtocol)p);

    for (guint i = 0; list && list[i]; i++) {
      if (!g_ptr_array_find_with_equal_func (hosts, list[i], g_str_equal, NULL))
        g_ptr_array_add (hosts, (gpointer)list[i]);
    }
  }
  g_ptr_array_add (hosts, NULL);
  return (char **)g_ptr_array_free (hosts, FALSE);
}

static void
json_servers (CliJson *json, const ApppassProvider *provider)
{
  json->need_comma = TRUE;
  g_string_append (json->out, ",\"servers\":{");
  json->need_comma = FALSE;
  for (guint p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    const char *host;
    guint16 port;
    ApppassSecurity security;
    g_autofree char *value = NULL;

    if (!apppass_provider_get_server (provider, (ApppassProtocol)p, &host, &port, &security))
      continue;
    value = g_strdup_printf ("%s:%u:%s", host, port, apppass_security_to_string (security));
    cli_json_string (json, apppass_protocol_to_string ((ApppassProtocol)p), value);
  }
  cli_json_end_object (json);
}

typedef struct {
  const ApppassProvider *provider; /* the base or one of its variants */
  ApppassPage page;
} Override;

/* Pages a provider file moved away from a built-in provider's own domain,
 * the variants' too: a file in providers.d can send the user's browser
 * anywhere. */
static GArray *
find_overrides (const ApppassProvider *base)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (Override));
  const GPtrArray *variants = apppass_provider_get_variants (base);

  for (guint v = 0; v <= variants->len; v++) {
    const ApppassProvider *p = v == 0 ? base : g_ptr_array_index (variants, v - 1);

    for (guint i = 0; i < APPPASS_N_PAGES; i++) {
      Override o = {p, (ApppassPage)i};

      if (apppass_provider_get_page_override (p, (ApppassPage)i))
        g_array_append_val (found, o);
    }
  }
  return found;
}

static void
json_overrides (CliJson *json, const ApppassProvider *provider)
{
  g_autoptr (GArray) found = find_overrides (provider);

  cli_json_begin_array (json, "overrides");
  for (guint i = 0; i < found->len; i++) {
    const Override *o = &g_array_index (found, Override, i);
    g_autofree char *file =
        apppass_file_display_name (apppass_provider_get_page_override (o->provider, o->page));

    cli_json_begin_object (json);
    cli_json_string (json, "page", apppass_page_json_key (o->page));
    cli_json_string (json, "url", apppass_provider_get_page (o->provider, o->page));
    cli_json_string (json, "file", file);
    cli_json_string (json, "variant", apppass_provider_get_variant (o->provider));
    cli_json_end_object (json);
  }
  cli_json_end_array (json);
}

static void
text_overrides (GString *out, const ApppassProvider *provider)
{
  g_autoptr (GArray) found = find_overrides (provider);

  for (guint i = 0; i < found->len; i++) {
    const Override *o = &g_array_index (found, Override, i);
    g_autofree char *file =
        apppass_file_display_name (apppass_provider_get_page_override (o->provider, o->page));
    g_autofree char *url =
        apppass_display_text (apppass_provider_get_page (o->provider, o->page), -1);

    g_string_append_printf (out,
                            _ ("  ! overridden by %s: %s is %s, not on the domain of the "
                               "built-in page\n"),
                            file, apppass_page_json_key (o->page), url);
  }
}

static void
json_policies (CliJson *json, const ApppassProvider *provider)
{
  const char *admin[APPPASS_N_PROTOCOLS + 1] = {NULL};
  guint n_admin = 0;

  cli_json_begin_object_at (json, "policies");
  for (guint p = 0; p < APPPASS_N_PROTOCOLS; p++) {
    ApppassPolicy policy = apppass_provider_get_policy_for (provider, (ApppassProtocol)p);

    cli_json_string (json, apppass_protocol_to_string ((ApppassProtocol)p),
                     apppass_policy_to_string (policy));
    if (apppass_provider_admin_decides (provider, (ApppassProtocol)p))
      admin[n_admin++] = apppass_protocol_to_string ((ApppassProtocol)p);
  }
  cli_json_end_object (json);
  cli_json_strv (json, "admin_decides", admin);
}

/* A variant: its match keys and what it changes (pages, policies, servers). */
static void
json_variant (CliJson *json, const ApppassProvider *base, const ApppassProvider *variant)
{
  cli_json_begin_object (json);
  cli_json_string (json, "name", apppass_provider_get_variant (variant));
  cli_json_strv (json, "domains", apppass_provider_get_variant_domains (variant));
  cli_json_strv (json, "hosts", apppass_provider_get_variant_hosts (variant));
  cli_json_bool (json, "host_only", apppass_provider_variant_is_host_only (variant));
  cli_json_string (json, "policy",
                   apppass_policy_to_string (apppass_provider_get_policy (variant)));
  json_policies (json, variant);
  for (guint i = 0; i < APPPASS_N_PAGES; i++) {
    const char *page = apppass_provider_get_page (variant, (ApppassPage)i);

    if (g_strcmp0 (page, apppass_provider_get_page (base, (ApppassPage)i)) != 0)
      cli_json_string (json, apppass_page_json_key ((ApppassPage)i), page);
  }
  json_servers (json, variant);
  cli_json_end_object (json);
}

static void
json_provider (CliJson *json, const ApppassProvider *provider)
{
  g_autofree char **hosts = all_hosts (provider);
  g_auto (GStrv) steps = apppass_provider_get_steps (provider);
  g_autofree char *hint = apppass_provider_get_password_hint (provider);

  cli_json_begin_object (json);
  cli_json_string (json, "id", apppass_provider_get_id (provider));
  cli_json_string (json, "name", apppass_provider_get_name (provider));
  cli_json_strv (json, "domains", apppass_provider_get_domains (provider));
  cli_json_strv (json, "hosts", (const char *const *)hosts);
  cli_json_string (json, "policy",
                   apppass_policy_to_string (apppass_provider_get_policy (provider)));
  for (guint i = 0; i < APPPASS_N_PAGES; i++)
    cli_json_string (json, apppass_page_json_key ((ApppassPage)i),
                     apppass_provider_get_page (provider, (ApppassPage)i));
  json_servers (json, provider);
  json_overrides (json, provider);
  cli_json_string (json, "password_hint", hint);
  cli_json_strv (json, "steps", (const char *const *)steps);
  json_policies (json, provider);
  cli_json_begin_array (json, "variants");
  for (guint i = 0; i < apppass_provider_get_variants (provider)->len; i++)
    json_variant (json, provider, g_ptr_array_index (apppass_provider_get_variants (provider), i));
  cli_json_end_array (json);
  cli_json_end_object (json);
}

/* The policy words are docs/design.md's fixed vocabulary; the header says what they are. */
static void
print_providers_header (GString *out)
{
  /* TRANSLATORS: column headers of `apppass providers`: the id, the app-password policy
     (the words under it stay English), the provider's name */
  g_string_append_printf (out, "%-14s %-12s %s\n", _ ("ID"), _ ("POLICY"), _ ("NAME"));
}

int
cli_providers (int argc, char **argv)
{
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {{"json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print JSON"), NULL},
                            {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("— list the known providers"));
  const GPtrArray *list;
  CliJson json = {g_string_new (NULL), FALSE};

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return EXIT_USAGE;
  list = apppass_provider_db_list (apppass_provider_db_get_default ());
  if (as_json)
    cli_json_begin_array (&json, NULL);
  else
    print_providers_header (json.out);
  for (guint i = 0; i < list->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (list, i);

    if (as_json)
      json_provider (&json, p);
    else {
      g_string_append_printf (json.out, "%-14s %-12s %s\n", apppass_provider_get_id (p),
                              apppass_policy_to_string (apppass_provider_get_policy (p)),
                              apppass_provider_get_name (p));
      text_overrides (json.out, p);
    }
  }
  if (as_json) {
    cli_json_end_array (&json);
    g_string_append_c (json.out, '\n');
  }
  fputs (json.out->str, stdout);
  g_string_free (json.out, TRUE);
  return EXIT_DONE;
}

/* ---- diagnose ----------------------------------------------------------- */

static void
print_diagnosis_json (const ApppassDiagnosis *d)
{
  CliJson json = {g_string_new (NULL), FALSE};

  cli_json_begin_object (&json);
  cli_json_string (&json, "cause", apppass_cause_to_string (d->cause));
  cli_json_string (&json, "action", apppass_action_to_string (d->action));
  cli_json_string (&json, "provider", d->provider ? apppass_provider_get_id (d->provider) : NULL);
  cli_json_string (&json, "provider_name",
                   d->provider ? apppass_provider_get_name (d->provider) : NULL);
  cli_json_string (&json, "url", d->url);
  cli_json_string (&json, "explanation", cli_explanation (d));
  cli_json_end_object (&json);
  printf ("%s\n", json.out->str);
  g_string_free (json.out, TRUE);
}

static void
print_diagnosis_text (const ApppassDiagnosis *d, ApppassProtocol protocol)
{
  printf ("%s\n\n", cli_explanation (d));
  if (d->action == APPPASS_ACTION_OAUTH && d->provider)
    cli_print_oauth_help (d->provider, protocol);
  /* TRANSLATORS: the labels are followed by docs/design.md's fixed words */
  printf (_ ("Cause:    %s\n"), apppass_cause_to_string (d->cause));
  printf (_ ("Action:   %s\n"), apppass_action_to_string (d->action));
  if (d->provider)
    printf (_ ("Provider: %s (%s)\n"), apppass_provider_get_name (d->provider),
            apppass_provider_get_id (d->provider));
  if (d->url)
    printf (_ ("Page:     %s\n"), d->url);
}

int
cli_diagnose (int argc, char **argv)
{
  g_autofree char *protocol_word = NULL, *host = NULL, *user = NULL;
  gboolean as_json = FALSE, refused = FALSE, too_long;
  GOptionEntry entries[] = {
      {"protocol", 0, 0, G_OPTION_ARG_STRING, &protocol_word, N_ ("imap, pop3 or smtp"), "P"},
      {"host", 0, 0, G_OPTION_ARG_STRING, &host, N_ ("The server’s host name"), N_ ("HOST")},
      {"user", 0, 0, G_OPTION_ARG_STRING, &user, N_ ("The account’s address"), N_ ("ADDRESS")},
      {"refused", 0, 0, G_OPTION_ARG_NONE, &refused,
       N_ ("The login is known to have been refused: unfamiliar words mean a rejected password"),
       NULL},
      {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print JSON"), NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr (GOptionContext) context =
      g_option_context_new (_ ("— explain a failed login; the server’s answer on standard input"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) text = NULL;
  g_autoptr (ApppassDiagnosis) d = NULL;
  ApppassProtocol protocol;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return EXIT_USAGE;
  if (protocol_word == NULL || host == NULL) {
    cli_error (_ ("diagnose needs --protocol and --host."));
    return EXIT_USAGE;
  }
  if (!apppass_protocol_from_string (protocol_word, &protocol, &error)) {
    cli_error ("%s", error->message);
    return EXIT_USAGE;
  }
  text = cli_read_stdin (DIAGNOSE_STDIN_LIMIT, &too_long, &error);
  if (text == NULL) {
    cli_error ("%s", error->message);
    return EXIT_FAILURE_OTHER;
  }
  d = apppass_diagnose_in_context (apppass_provider_db_get_default (), protocol, host, user,
                                   g_bytes_get_data (text, NULL), (gssize)g_bytes_get_size (text),
                                   refused ? APPPASS_CONTEXT_REFUSED : APPPASS_CONTEXT_NONE);
  if (as_json)
    print_diagnosis_json (d);
  else
    print_diagnosis_text (d, protocol);
  return EXIT_DONE;
}

/* ---- normalize ---------------------------------------------------------- */

int
cli_normalize (int argc, char **argv)
{
  g_autofree char *provider_id = NULL;
  gboolean too_long;
  GOptionEntry entries[] = {
      {"provider", 0, 0, G_OPTION_ARG_STRING, &provider_id,
       N_ ("Warn when the password does not have this provider’s usual shape"), "ID"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr (GOptionContext) context =
      g_option_context_new (_ ("— remove the spaces from a pasted password on standard input"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) text = NULL;
  const ApppassProvider *provider = NULL;
  char *password;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse (context, &argc, &argv))
    return EXIT_USAGE;
  if (provider_id) {
    provider = apppass_provider_db_lookup (apppass_provider_db_get_default (), provider_id);
    if (provider == NULL) {
      cli_error (_ ("unknown provider “%s”; “apppass providers” lists them."), provider_id);
      return EXIT_USAGE;
    }
  }
  text = cli_read_stdin (NORMALIZE_STDIN_LIMIT, &too_long, &error);
  if (text == NULL) {
    cli_error ("%s", error->message);
    return EXIT_FAILURE_OTHER;
  }
  if (too_long) {
    cli_error (_ ("The pasted text is far too long for a password. Copy only the password and "
                  "paste it again."));
    return EXIT_USAGE;
  }
  password = apppass_password_normalize (g_bytes_get_data (text, NULL),
                                         (gssize)g_bytes_get_size (text), &error);
  if (password == NULL) {
    cli_error ("%s", error->message);
    return EXIT_USAGE;
  }
  cli_warn_shape (provider, password);
  printf ("%s\n", password);
  fflush (stdout);
  apppass_password_free (password);
  return EXIT_DONE;
}
