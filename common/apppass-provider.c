/* apppass — the provider database
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-provider.h"

#include <gio/gio.h>
#include <string.h>

#include "apppass-error.h"
#include "apppass-file.h"
#include "apppass-intl.h"

#define GROUP          "Provider"
#define SOURCES_GROUP  "Sources"
#define VARIANT_PREFIX "Variant "
#define RESOURCE_PATH  "/org/apppass/providers/"

struct _ApppassProvider {
  char *id;
  char *name;
  ApppassPolicy policy;
  gboolean prefer_on_shared_host;
  char **domains;
  char **hosts[APPPASS_N_PROTOCOLS];
  char *server_host[APPPASS_N_PROTOCOLS];
  guint16 server_port[APPPASS_N_PROTOCOLS];
  ApppassSecurity server_security[APPPASS_N_PROTOCOLS];
  char *pages[APPPASS_N_PAGES];
  GRegex *pattern;
  /* Policy= where the file names no policy for the protocol. */
  ApppassPolicy protocol_policy[APPPASS_N_PROTOCOLS];
  gboolean admin_decides[APPPASS_N_PROTOCOLS];
  /* A variant's name and what it matches; NULL and FALSE for a base provider. */
  char *variant;
  const ApppassProvider *base;
  char **match_domains;
  char **match_hosts;
  gboolean host_only;
  /* A base provider's variants, resolved once at load time, in file order. */
  GPtrArray *variants;
  /* Kept whole: translated keys are read in the caller's language, and
   * override files are merged into it key by key. */
  GKeyFile *keys;
  /* The file that set each server, for messages about it. */
  char *server_origin[APPPASS_N_PROTOCOLS];
  /* The file that moved a built-in provider's page to another domain. */
  char *page_override[APPPASS_N_PAGES];
};

typedef struct _ProviderIndex ProviderIndex;

struct _ApppassProviderDb {
  GPtrArray *providers; /* sorted by id */
  GPtrArray *warnings;
  /* id → the domains the built-in provider's pages live on (GStrv) */
  GHashTable *builtin_domains;
  /* Built on the first identification after a change; the lock lets
   * threads identify at once. */
  GMutex index_lock;
  ProviderIndex *index;
};

static const char *const policy_words[] = {"always", "two-step", "user-chosen", "oauth-only",
                                           "none"};
static const char *const page_keys[] = {"AppPasswordUrl", "TwoStepUrl", "AccessUrl",
                                        "WebLoginUrl",    "OAuthUrl",   "OAuthClientUrl"};
static const char *const page_json_keys[] = {"app_password_url", "two_step_url",
                                             "access_url",       "web_login_url",
                                             "oauth_url",        "oauth_client_url"};
static const char *const host_keys[] = {"ImapHosts", "Pop3Hosts", "SmtpHosts"};
static const char *const server_keys[] = {"ImapServer", "Pop3Server", "SmtpServer"};
static const char *const protocol_policy_keys[] = {"ImapPolicy", "Pop3Policy", "SmtpPolicy"};
/* In a [Variant …] group these say which accounts it is for; they override nothing. */
static const char *const variant_match_keys[] = {"Domains", "Hosts", "HostOnly", NULL};
static const char *const known_keys[] = {"Id",
                                         "Name",
                                         "Domains",
                                         "ImapHosts",
                                         "Pop3Hosts",
                                         "SmtpHosts",
                                         "ImapServer",
                                         "Pop3Server",
                                         "SmtpServer",
                                         "Policy",
                                         "AppPasswordUrl",
                                         "TwoStepUrl",
                                         "AccessUrl",
                                         "WebLoginUrl",
                                         "OAuthUrl",
                                         "OAuthClientUrl",
                                         "PasswordPattern",
                                         "PasswordHint",
                                         "Steps",
                                         "PreferOnSharedHost",
                                         "ImapPolicy",
                                         "Pop3Policy",
                                         "SmtpPolicy",
                                         "AdminDecides",
                                         "AdminNote",
                                         "Unknown",
                                         NULL};

const char *
apppass_policy_to_string (ApppassPolicy policy)
{
  g_return_val_if_fail (policy <= APPPASS_POLICY_NONE, NULL);
  return policy_words[policy];
}

gboolean
apppass_policy_has_app_passwords (ApppassPolicy policy)
{
  return policy == APPPASS_POLICY_ALWAYS || policy == APPPASS_POLICY_TWO_STEP ||
         policy == APPPASS_POLICY_USER_CHOSEN;
}

const char *
apppass_page_json_key (ApppassPage page)
{
  g_return_val_if_fail (page < APPPASS_N_PAGES, NULL);
  return page_json_keys[page];
}

/* ---- one provider ------------------------------------------------------ */

static void
provider_free (ApppassProvider *provider)
{
  if (provider == NULL)
    return;
  g_free (provider->id);
  g_free (provider->name);
  g_strfreev (provider->domains);
  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
    g_strfreev (provider->hosts[i]);
    g_free (provider->server_host[i]);
    g_free (provider->server_origin[i]);
  }
  for (guint i = 0; i < APPPASS_N_PAGES; i++) {
    g_free (provider->pages[i]);
    g_free (provider->page_override[i]);
  }
  g_clear_pointer (&provider->pattern, g_regex_unref);
  g_clear_pointer (&provider->keys, g_key_file_unref);
  g_free (provider->variant);
  g_strfreev (provider->match_domains);
  g_strfreev (provider->match_hosts);
  g_clear_pointer (&provider->variants, g_ptr_array_unref);
  g_free (provider);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassProvider, provider_free)

const char *
apppass_provider_get_id (const ApppassProvider *provider)
{
  return provider->id;
}

const char *
apppass_provider_get_name (const ApppassProvider *provider)
{
  return provider->name;
}

ApppassPolicy
apppass_provider_get_policy (const ApppassProvider *provider)
{
  return provider->policy;
}

ApppassPolicy
apppass_provider_get_policy_for (const ApppassProvider *provider, ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, provider->policy);
  return provider->protocol_policy[protocol];
}

gboolean
apppass_provider_policy_differs_by_protocol (const ApppassProvider *provider)
{
  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
    if (provider->protocol_policy[i] != provider->policy)
      return TRUE;
  }
  return FALSE;
}

gboolean
apppass_provider_admin_decides (const ApppassProvider *provider, ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, FALSE);
  return provider->admin_decides[protocol];
}

char *
apppass_provider_get_admin_note (const ApppassProvider *provider)
{
  return g_key_file_get_locale_string (provider->keys, GROUP, "AdminNote", NULL, NULL);
}

char *
apppass_provider_get_unknown (const ApppassProvider *provider)
{
  return g_key_file_get_locale_string (provider->keys, GROUP, "Unknown", NULL, NULL);
}

char *
apppass_provider_get_source (const ApppassProvider *provider, const char *key)
{
  char *source = NULL;

  if (provider->variant) {
    g_autofree char *own = g_strdup_printf ("Variant.%s.%s", provider->variant, key);

    source = g_key_file_get_string (provider->keys, SOURCES_GROUP, own, NULL);
  }
  return source ? source : g_key_file_get_string (provider->keys, SOURCES_GROUP, key, NULL);
}

const char *
apppass_provider_get_variant (const ApppassProvider *provider)
{
  return provider->variant;
}

const GPtrArray *
apppass_provider_get_variants (const ApppassProvider *provider)
{
  return provider->base ? provider->base->variants : provider->variants;
}

const char *const *
apppass_provider_get_variant_domains (const ApppassProvider *provider)
{
  return (const char *const *)provider->match_domains;
}

const char *const *
apppass_provider_get_variant_hosts (const ApppassProvider *provider)
{
  return (const char *const *)provider->match_hosts;
}

gboolean
apppass_provider_variant_is_host_only (const ApppassProvider *provider)
{
  return provider->host_only;
}

const char *
apppass_provider_get_page (const ApppassProvider *provider, ApppassPage page)
{
  g_return_val_if_fail (page < APPPASS_N_PAGES, NULL);
  return provider->pages[page];
}

const char *const *
apppass_provider_get_domains (const ApppassProvider *provider)
{
  return (const char *const *)provider->domains;
}

const char *const *
apppass_provider_get_hosts (const ApppassProvider *provider, ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, NULL);
  return (const char *const *)provider->hosts[protocol];
}

gboolean
apppass_provider_get_server (const ApppassProvider *provider, ApppassProtocol protocol,
                             const char **host, guint16 *port, ApppassSecurity *security)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, FALSE);
  if (provider->server_host[protocol] == NULL)
    return FALSE;
  if (host)
    *host = provider->server_host[protocol];
  if (port)
    *port = provider->server_port[protocol];
  if (security)
    *security = provider->server_security[protocol];
  return TRUE;
}

/* For a file without Steps, and for a protocol whose policy is not the
 * file's: the file's steps were written for its own policy. */
static char **
generic_steps (const ApppassProvider *provider, ApppassPolicy policy)
{
  GPtrArray *steps = g_ptr_array_new ();
  const char *name = provider->name;

  switch (policy) {
  case APPPASS_POLICY_ALWAYS:
  case APPPASS_POLICY_TWO_STEP:
    g_ptr_array_add (steps,
                     g_strdup_printf (_ ("Sign in at %s and open its app password page."), name));
    g_ptr_array_add (steps, g_strdup (_ ("Create a new app password and name it, for example "
                                         "“Mail”.")));
    g_ptr_array_add (steps, g_strdup (_ ("Copy the password that is shown and paste it here.")));
    break;
  case APPPASS_POLICY_USER_CHOSEN:
    g_ptr_array_add (steps, g_strdup_printf (_ ("Sign in at %s and open its settings for the mail "
                                                "password (the password for mail programs)."),
                                             name));
    g_ptr_array_add (steps, g_strdup (_ ("Choose a password of your own for mail programs and "
                                         "save it there.")));
    g_ptr_array_add (steps, g_strdup (_ ("Type the same password here.")));
    break;
  case APPPASS_POLICY_OAUTH_ONLY:
    g_ptr_array_add (steps, g_strdup (_ ("Open this account’s settings in your mail program.")));
    g_ptr_array_add (steps, g_strdup_printf (_ ("Change the authentication method to OAuth 2.0 "
                                                "and sign in to %s in the browser window that "
                                                "opens."),
                                             name));
    break;
  case APPPASS_POLICY_NONE:
  default:
    break;
  }
  g_ptr_array_add (steps, NULL);
  return (char **)g_ptr_array_free (steps, FALSE);
}

const char *
apppass_provider_get_server_origin (const ApppassProvider *provider, ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, NULL);
  return provider->server_origin[protocol];
}

const char *
apppass_provider_get_page_override (const ApppassProvider *provider, ApppassPage page)
{
  g_return_val_if_fail (page < APPPASS_N_PAGES, NULL);
  return provider->page_override[page];
}

char **
apppass_provider_get_steps (const ApppassProvider *provider)
{
  char **steps =
      g_key_file_get_locale_string_list (provider->keys, GROUP, "Steps", NULL, NULL, NULL);

  return steps ? steps : generic_steps (provider, provider->policy);
}

char **
apppass_provider_get_steps_for (const ApppassProvider *provider, ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, NULL);
  if (provider->protocol_policy[protocol] != provider->policy)
    return generic_steps (provider, provider->protocol_policy[protocol]);
  return apppass_provider_get_steps (provider);
}

char *
apppass_provider_get_password_hint (const ApppassProvider *provider)
{
  return g_key_file_get_locale_string (provider->keys, GROUP, "PasswordHint", NULL, NULL);
}

gboolean
apppass_provider_password_has_usual_shape (const ApppassProvider *provider, const char *password)
{
  return provider->pattern == NULL || g_regex_match (provider->pattern, password, 0, NULL);
}

/* ---- reading a provider file -------------------------------------------- */

/* The 1-based line where @key is set in @group, or 0; GKeyFile keeps no line numbers. */
static guint
key_line_in (const char *data, gsize length, const char *group, const char *key)
{
  g_autofree char *copy = g_strndup (data, length);
  g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);
  gsize key_len = strlen (key);
  g_autofree char *current = NULL;

  for (guint i = 0; lines[i]; i++) {
    const char *line = lines[i];

    while (*line == ' ' || *line == '\t')
      line++;
    if (*line == '[') {
      g_free (current);
      current = g_strndup (line + 1, strcspn (line + 1, "]"));
      continue;
    }
    if (g_strcmp0 (current, group) == 0 && strncmp (line, key, key_len) == 0) {
      const char *rest = line + key_len;

      while (*rest == ' ' || *rest == '\t')
        rest++;
      if (*rest == '=')
        return i + 1;
    }
  }
  return 0;
}

static guint
key_line (const char *data, gsize length, const char *key)
{
  return key_line_in (data, length, GROUP, key);
}

static gboolean
line_is_valid (const char *line)
{
  const char *eq;

  while (*line == ' ' || *line == '\t')
    line++;
  if (*line == '\0' || *line == '#' || *line == '\r')
    return TRUE;
  if (*line == '[')
    return strchr (line, ']') != NULL;
  eq = strchr (line, '=');
  return eq != NULL && eq != line;
}

/* The 1-based line of the first line GKeyFile cannot read, or 0. */
static guint
bad_syntax_line (const char *data, gsize length)
{
  g_autofree char *copy = g_strndup (data, length);
  g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i]; i++) {
    if (!g_utf8_validate (lines[i], -1, NULL) || !line_is_valid (lines[i]))
      return i + 1;
  }
  return 0;
}

static gboolean
file_error (GError **error, const char *origin, guint line, const char *message)
{
  if (line > 0)
    g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_PROVIDER_FILE, "%s:%u: %s", origin, line,
                 message);
  else
    g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_PROVIDER_FILE, "%s: %s", origin, message);
  return FALSE;
}

typedef struct {
  const char *data; /* the file being read, for line numbers */
  gsize length;
  const char *origin;
  const char *group; /* where the keys being read were set: a variant's group, or NULL */
} Source;

static gboolean
key_error (const Source *src, GError **error, const char *key, const char *message)
{
  guint line = src->group ? key_line_in (src->data, src->length, src->group, key) : 0;

  if (line == 0)
    line = key_line (src->data, src->length, key);
  return file_error (error, src->origin, line, message);
}

static gboolean
policy_from_word (const char *word, ApppassPolicy *policy)
{
  for (guint i = 0; word && i < G_N_ELEMENTS (policy_words); i++) {
    if (strcmp (word, policy_words[i]) == 0) {
      *policy = (ApppassPolicy)i;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
parse_policy (ApppassProvider *p, const Source *src, GError **error)
{
  g_autofree char *word = g_key_file_get_string (p->keys, GROUP, "Policy", NULL);

  if (policy_from_word (word, &p->policy))
    return TRUE;
  return key_error (src, error, "Policy",
                    word ? "Policy must be always, two-step, user-chosen, oauth-only or none"
                         : "the key Policy is missing");
}

/* ImapPolicy, Pop3Policy, SmtpPolicy: where a protocol differs from Policy. */
static gboolean
parse_protocol_policies (ApppassProvider *p, const Source *src, GError **error)
{
  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
    g_autofree char *word = g_key_file_get_string (p->keys, GROUP, protocol_policy_keys[i], NULL);

    p->protocol_policy[i] = p->policy;
    if (word == NULL || *g_strstrip (word) == '\0')
      continue;
    if (!policy_from_word (word, &p->protocol_policy[i]))
      return key_error (src, error, protocol_policy_keys[i],
                        "a policy must be always, two-step, user-chosen, oauth-only or none");
  }
  return TRUE;
}

static gboolean
url_is_https (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static gboolean
parse_pages (ApppassProvider *p, const Source *src, GError **error)
{
  for (guint i = 0; i < APPPASS_N_PAGES; i++) {
    g_autofree char *url = g_key_file_get_string (p->keys, GROUP, page_keys[i], NULL);

    if (url == NULL || *url == '\0')
      continue;
    if (!url_is_https (url))
      return key_error (src, error, page_keys[i], "a page must be an https:// address");
    p->pages[i] = g_steal_pointer (&url);
  }
  return TRUE;
}

static char **
get_lower_list_in (GKeyFile *keys, const char *group, const char *key)
{
  g_auto (GStrv) list = g_key_file_get_string_list (keys, group, key, NULL, NULL);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; list && list[i]; i++) {
    g_strstrip (list[i]);
    if (*list[i])
      g_ptr_array_add (out, g_ascii_strdown (list[i], -1));
  }
  g_ptr_array_add (out, NULL);
  return (char **)g_ptr_array_free (out, FALSE);
}

static char **
get_lower_list (GKeyFile *keys, const char *key)
{
  return get_lower_list_in (keys, GROUP, key);
}

/* AdminDecides: the protocols where an organisation's administrator decides. */
static gboolean
parse_admin_decides (ApppassProvider *p, const Source *src, GError **error)
{
  g_auto (GStrv) words = get_lower_list (p->keys, "AdminDecides");

  for (guint i = 0; words[i]; i++) {
    ApppassProtocol protocol;

    if (!apppass_protocol_from_string (words[i], &protocol, NULL))
      return key_error (src, error, "AdminDecides", "AdminDecides lists imap, pop3 or smtp");
    p->admin_decides[protocol] = TRUE;
  }
  return TRUE;
}

static gboolean
parse_server (ApppassProvider *p, ApppassProtocol protocol, const Source *src, GError **error)
{
  g_autofree char *value = g_key_file_get_string (p->keys, GROUP, server_keys[protocol], NULL);
  g_auto (GStrv) parts = NULL;
  guint64 port = 0;
  ApppassSecurity security;

  if (value == NULL || *value == '\0')
    return TRUE;
  parts = g_strsplit (g_strstrip (value), ":", -1);
  if (g_strv_length (parts) != 3 || !apppass_host_is_valid (parts[0]) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 65535, &port, NULL) ||
      !apppass_security_from_string (parts[2], &security, NULL))
    return key_error (src, error, server_keys[protocol],
                      "a server must be written host:port:tls|starttls|none");
  p->server_host[protocol] = g_ascii_strdown (parts[0], -1);
  p->server_port[protocol] = (guint16)port;
  p->server_security[protocol] = security;
  return TRUE;
}

static gboolean
parse_pattern (ApppassProvider *p, const Source *src, GError **error)
{
  g_autofree char *pattern = g_key_file_get_string (p->keys, GROUP, "PasswordPattern", NULL);

  if (pattern == NULL || *pattern == '\0')
    return TRUE;
  p->pattern = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);
  if (p->pattern == NULL)
    return key_error (src, error, "PasswordPattern", "PasswordPattern is not a valid pattern");
  return TRUE;
}

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *c = id; *c; c++) {
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '-')
      return FALSE;
  }
  return TRUE;
}

/* Builds a provider from @keys (taken), variants left out; @src is the file
 * that was read last. */
static ApppassProvider *
provider_build (GKeyFile *keys, const Source *src, GError **error)
{
  g_autoptr (ApppassProvider) p = g_new0 (ApppassProvider, 1);

  p->keys = keys;
  p->id = g_key_file_get_string (keys, GROUP, "Id", NULL);
  if (!id_is_valid (p->id)) {
    key_error (src, error, "Id", "Id must be lowercase letters, digits and '-'");
    return NULL;
  }
  p->name = g_key_file_get_locale_string (keys, GROUP, "Name", NULL, NULL);
  if (p->name == NULL || *p->name == '\0') {
    key_error (src, error, "Name", "the key Name is missing or not UTF-8 text");
    return NULL;
  }
  p->prefer_on_shared_host = g_key_file_get_boolean (keys, GROUP, "PreferOnSharedHost", NULL);
  p->domains = get_lower_list (keys, "Domains");
  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
    p->hosts[i] = get_lower_list (keys, host_keys[i]);
    if (!parse_server (p, (ApppassProtocol)i, src, error))
      return NULL;
  }
  if (!parse_policy (p, src, error) || !parse_protocol_policies (p, src, error) ||
      !parse_admin_decides (p, src, error) || !parse_pages (p, src, error) ||
      !parse_pattern (p, src, error))
    return NULL;
  return g_steal_pointer (&p);
}

static GKeyFile *
copy_keys (GKeyFile *keys)
{
  g_autofree char *text = g_key_file_to_data (keys, NULL, NULL);
  GKeyFile *copy = g_key_file_new ();

  g_key_file_load_from_data (copy, text, (gsize)-1, G_KEY_FILE_KEEP_TRANSLATIONS, NULL);
  return copy;
}

/* Removes @key's translations (Steps[nl], …) from @group. */
static void
drop_translations (GKeyFile *keys, const char *group, const char *key)
{
  g_auto (GStrv) names = g_key_file_get_keys (keys, group, NULL, NULL);
  g_autofree char *prefix = g_strconcat (key, "[", NULL);

  for (guint i = 0; names && names[i]; i++) {
    if (g_str_has_prefix (names[i], prefix))
      g_key_file_remove_key (keys, group, names[i], NULL);
  }
}

/* Sets every key of @from's @from_group, except @skip, over @to's
 * @to_group. A text set anew loses the old translations: they said the old thing. */
static void
overlay_group (GKeyFile *to, const char *to_group, GKeyFile *from, const char *from_group,
               const char *const *skip)
{
  g_auto (GStrv) names = g_key_file_get_keys (from, from_group, NULL, NULL);

  for (guint i = 0; names && names[i]; i++) {
    if (strchr (names[i], '[') == NULL && !(skip && g_strv_contains (skip, names[i])))
      drop_translations (to, to_group, names[i]);
  }
  for (guint i = 0; names && names[i]; i++) {
    g_autofree char *base = g_strndup (names[i], strcspn (names[i], "["));
    g_autofree char *value = NULL;

    if (skip && g_strv_contains (skip, base))
      continue;
    value = g_key_file_get_value (from, from_group, names[i], NULL);
    g_key_file_set_value (to, to_group, names[i], value);
  }
}

static gboolean
variant_error (const Source *src, GError **error, const char *group, const char *message)
{
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  g_autofree char *copy = g_strndup (src->data, src->length);
  const char *at = strstr (copy, header);
  guint line = 0;

  for (const char *c = copy; at && c <= at; c++)
    line += c == copy || c[-1] == '\n';
  return file_error (error, src->origin, line, message);
}

/* The provider as seen by the accounts that @group (a [Variant name]) matches. */
static ApppassProvider *
variant_from_group (const ApppassProvider *base, const char *group, const Source *src,
                    GError **error)
{
  const char *name = group + strlen (VARIANT_PREFIX);
  Source own = {src->data, src->length, src->origin, group};
  GKeyFile *merged;
  ApppassProvider *v;

  if (!id_is_valid (name)) {
    variant_error (src, error, group, "a variant's name must be lowercase letters, digits and '-'");
    return NULL;
  }
  merged = copy_keys (base->keys);
  overlay_group (merged, GROUP, base->keys, group, variant_match_keys);
  v = provider_build (merged, &own, error);
  if (v == NULL)
    return NULL;
  v->variant = g_strdup (name);
  v->base = base;
  v->match_domains = get_lower_list_in (base->keys, group, "Domains");
  v->match_hosts = get_lower_list_in (base->keys, group, "Hosts");
  v->host_only = g_key_file_get_boolean (base->keys, group, "HostOnly", NULL);
  if (v->match_domains[0] == NULL && v->match_hosts[0] == NULL && !v->host_only) {
    provider_free (v);
    variant_error (src, error, group, "a variant needs Domains, Hosts or HostOnly=true");
    return NULL;
  }
  return v;
}

static gboolean
build_variants (ApppassProvider *p, const Source *src, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (p->keys, NULL);

  p->variants = g_ptr_array_new_with_free_func ((GDestroyNotify)provider_free);
  for (guint i = 0; groups[i]; i++) {
    ApppassProvider *v;

    if (!g_str_has_prefix (groups[i], VARIANT_PREFIX))
      continue;
    v = variant_from_group (p, groups[i], src, error);
    if (v == NULL)
      return FALSE;
    g_ptr_array_add (p->variants, v);
  }
  return TRUE;
}

/* Builds a provider and its variants from @keys (taken). */
static ApppassProvider *
provider_from_keys (GKeyFile *keys, const Source *src, GError **error)
{
  g_autoptr (ApppassProvider) p = provider_build (keys, src, error);

  if (p == NULL || !build_variants (p, src, error))
    return NULL;
  return g_steal_pointer (&p);
}

/* ---- the database ------------------------------------------------------- */

static void index_invalidate (ApppassProviderDb *db);

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  const ApppassProvider *pa = *(const ApppassProvider *const *)a;
  const ApppassProvider *pb = *(const ApppassProvider *const *)b;

  return strcmp (pa->id, pb->id);
}

/* Where @id is in the sorted list, or where it would go (*@found FALSE). */
static guint
find_position (const ApppassProviderDb *db, const char *id, gboolean *found)
{
  guint low = 0, high = db->providers->len;

  while (low < high) {
    guint mid = low + (high - low) / 2;
    int order = strcmp (((const ApppassProvider *)g_ptr_array_index (db->providers, mid))->id, id);

    if (order == 0) {
      *found = TRUE;
      return mid;
    }
    if (order < 0)
      low = mid + 1;
    else
      high = mid;
  }
  *found = FALSE;
  return low;
}

static guint
find_index (const ApppassProviderDb *db, const char *id)
{
  gboolean found;
  guint position = find_position (db, id, &found);

  return found ? position : G_MAXUINT;
}

static void
warn (ApppassProviderDb *db, char *message)
{
  g_warning ("%s", message);
  g_ptr_array_add (db->warnings, message);
}

static void
warn_unknown_keys_in (ApppassProviderDb *db, GKeyFile *file, const char *group, const Source *src)
{
  g_auto (GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);
  gboolean variant = g_str_has_prefix (group, VARIANT_PREFIX);

  for (guint i = 0; keys && keys[i]; i++) {
    g_autofree char *base = g_strndup (keys[i], strcspn (keys[i], "["));

    if (!g_strv_contains (known_keys, base) &&
        !(variant && g_strv_contains (variant_match_keys, base)))
      warn (db, g_strdup_printf ("%s:%u: unknown key %s ignored", src->origin,
                                 key_line_in (src->data, src->length, group, keys[i]), keys[i]));
  }
}

/* Unknown keys and groups only warn: files written for a newer apppass still load. */
static void
warn_unknown_keys (ApppassProviderDb *db, GKeyFile *file, const Source *src)
{
  g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);

  for (guint i = 0; groups[i]; i++) {
    if (strcmp (groups[i], GROUP) == 0 || g_str_has_prefix (groups[i], VARIANT_PREFIX))
      warn_unknown_keys_in (db, file, groups[i], src);
    else if (strcmp (groups[i], SOURCES_GROUP) != 0)
      warn (db, g_strdup_printf ("%s: unknown group [%s] ignored", src->origin, groups[i]));
  }
}

/* A copy of @base with every key of every group of @overlay set over it. */
static GKeyFile *
merge_keys (GKeyFile *base, GKeyFile *overlay)
{
  g_auto (GStrv) groups = g_key_file_get_groups (overlay, NULL);
  GKeyFile *merged = copy_keys (base);

  for (guint i = 0; groups[i]; i++)
    overlay_group (merged, groups[i], overlay, groups[i], NULL);
  return merged;
}

static GKeyFile *
load_keys (const Source *src, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_data (file, src->data, src->length, G_KEY_FILE_KEEP_TRANSLATIONS,
                                  &local)) {
    file_error (error, src->origin, bad_syntax_line (src->data, src->length), local->message);
    return NULL;
  }
  if (!g_key_file_has_group (file, GROUP)) {
    file_error (error, src->origin, 0, "the group [" GROUP "] is missing");
    return NULL;
  }
  return g_steal_pointer (&file);
}

/* TRUE when @host is one of @domains or below one of them. */
static gboolean
host_in_domains (const char *host, const char *const *domains)
{
  gsize host_len = strlen (host);

  for (guint i = 0; domains && domains[i]; i++) {
    gsize len = strlen (domains[i]);

    if (g_ascii_strcasecmp (host, domains[i]) == 0 ||
        (host_len > len && host[host_len - len - 1] == '.' &&
         g_ascii_strcasecmp (host + host_len - len, domains[i]) == 0))
      return TRUE;
  }
  return FALSE;
}

static char *
url_host (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri ? g_ascii_strdown (g_uri_get_host (uri), -1) : NULL;
}

/* A built-in provider's own domains: its mail domains, and every page's
 * host with and without its first label (myaccount.google.com gives
 * google.com). */
static void
add_own_domains (GPtrArray *out, char *const *domains, char *const *pages)
{
  for (guint i = 0; domains && domains[i]; i++)
    g_ptr_array_add (out, g_strdup (domains[i]));
  for (guint i = 0; i < APPPASS_N_PAGES; i++) {
    char *host = pages[i] ? url_host (pages[i]) : NULL;
    const char *dot = host ? strchr (host, '.') : NULL;

    if (host == NULL)
      continue;
    if (dot && strchr (dot + 1, '.'))
      g_ptr_array_add (out, g_strdup (dot + 1));
    g_ptr_array_add (out, host);
  }
}

/* A built-in provider's own domains: its mail domains and its pages', its
 * variants' included (Zoho's data centres have pages on zoho.eu, zoho.in…). */
static char **
own_domains (const ApppassProvider *p)
{
  GPtrArray *out = g_ptr_array_new ();

  add_own_domains (out, p->domains, p->pages);
  for (guint i = 0; i < p->variants->len; i++) {
    ApppassProvider *v = g_ptr_array_index (p->variants, i);

    add_own_domains (out, v->match_domains, v->pages);
  }
  g_ptr_array_add (out, NULL);
  return (char **)g_ptr_array_free (out, FALSE);
}

static gboolean
page_leaves_builtin (ApppassProviderDb *db, const ApppassProvider *p, ApppassPage page)
{
  const char *const *domains = g_hash_table_lookup (db->builtin_domains, p->id);
  g_autofree char *host = NULL;

  if (domains == NULL || p->pages[page] == NULL)
    return FALSE;
  host = url_host (p->pages[page]);
  return host == NULL || !host_in_domains (host, domains);
}

static const ApppassProvider *
variant_named (const ApppassProvider *p, const char *name)
{
  for (guint i = 0; p && i < p->variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (p->variants, i);

    if (g_strcmp0 (v->variant, name) == 0)
      return v;
  }
  return NULL;
}

/* A variant's servers come from its own group or else from its provider's:
 * either way a file named them, so `setup` can tell where plain text came
 * from whichever the account resolves to. */
static void
note_variant_origins (ApppassProviderDb *db, ApppassProvider *p, const ApppassProvider *old,
                      GKeyFile *file, const char *origin)
{
  for (guint j = 0; j < p->variants->len; j++) {
    ApppassProvider *v = g_ptr_array_index (p->variants, j);
    const ApppassProvider *old_v = variant_named (old, v->variant);
    g_autofree char *group = g_strconcat (VARIANT_PREFIX, v->variant, NULL);

    for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
      const char *from = p->server_origin[i];

      if (g_key_file_has_key (file, group, server_keys[i], NULL))
        from = origin;
      else if (g_key_file_has_key (p->keys, group, server_keys[i], NULL) && old_v)
        from = old_v->server_origin[i];
      v->server_origin[i] = g_strdup (from);
    }
    /* A page the variant takes from its provider is marked there, once. */
    for (guint i = 0; i < APPPASS_N_PAGES; i++) {
      const char *from = NULL;

      if (g_key_file_has_key (file, group, page_keys[i], NULL))
        from = page_leaves_builtin (db, v, (ApppassPage)i) ? origin : NULL;
      else if (g_key_file_has_key (p->keys, group, page_keys[i], NULL))
        from = old_v ? old_v->page_override[i] : NULL;
      v->page_override[i] = g_strdup (from);
    }
  }
}

/* Which file set the servers and moved pages of @p; @old is the provider
 * @file was merged into, if any. */
static void
note_origins (ApppassProviderDb *db, ApppassProvider *p, const ApppassProvider *old, GKeyFile *file,
              const char *origin)
{
  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
    if (g_key_file_has_key (file, GROUP, server_keys[i], NULL))
      p->server_origin[i] = g_strdup (origin);
    else if (old)
      p->server_origin[i] = g_strdup (old->server_origin[i]);
  }
  for (guint i = 0; i < APPPASS_N_PAGES; i++) {
    if (g_key_file_has_key (file, GROUP, page_keys[i], NULL))
      p->page_override[i] = page_leaves_builtin (db, p, (ApppassPage)i) ? g_strdup (origin) : NULL;
    else if (old)
      p->page_override[i] = g_strdup (old->page_override[i]);
  }
  note_variant_origins (db, p, old, file, origin);
}

gboolean
apppass_provider_db_add_data (ApppassProviderDb *db, const char *data, gsize length,
                              const char *origin, GError **error)
{
  Source src = {data, length, origin, NULL};
  g_autoptr (GKeyFile) file = load_keys (&src, error);
  g_autofree char *id = NULL;
  GKeyFile *merged;
  ApppassProvider *provider;
  guint index;

  if (file == NULL)
    return FALSE;
  id = g_key_file_get_string (file, GROUP, "Id", NULL);
  if (!id_is_valid (id))
    return key_error (&src, error, "Id", "Id must be lowercase letters, digits and '-'");
  warn_unknown_keys (db, file, &src);
  index = find_index (db, id);
  if (index == G_MAXUINT)
    merged = g_key_file_ref (file);
  else
    merged = merge_keys (((ApppassProvider *)g_ptr_array_index (db->providers, index))->keys, file);
  provider = provider_from_keys (merged, &src, error);
  if (provider == NULL)
    return FALSE;
  note_origins (db, provider, index == G_MAXUINT ? NULL : g_ptr_array_index (db->providers, index),
                file, origin);
  index_invalidate (db);
  if (index == G_MAXUINT) {
    gboolean found;

    /* In place: sorting after every file made loading many files quadratic. */
    g_ptr_array_insert (db->providers, (gint)find_position (db, provider->id, &found), provider);
  } else {
    provider_free (g_ptr_array_index (db->providers, index));
    g_ptr_array_index (db->providers, index) = provider;
  }
  return TRUE;
}

static void
add_or_warn (ApppassProviderDb *db, const char *data, gsize length, const char *origin)
{
  g_autoptr (GError) error = NULL;

  if (!apppass_provider_db_add_data (db, data, length, origin, &error))
    warn (db, g_strdup_printf ("%s (file skipped)", error->message));
}

static void
load_builtin (ApppassProviderDb *db)
{
  g_auto (GStrv) names =
      g_resources_enumerate_children (RESOURCE_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  for (guint i = 0; names && names[i]; i++) {
    g_autofree char *path = g_strconcat (RESOURCE_PATH, names[i], NULL);
    g_autoptr (GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    gsize size = 0;
    const char *data;

    if (bytes == NULL || !g_str_has_suffix (names[i], ".ini"))
      continue;
    data = g_bytes_get_data (bytes, &size);
    add_or_warn (db, data, size, path);
  }
  for (guint i = 0; i < db->providers->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (db->providers, i);

    g_hash_table_insert (db->builtin_domains, g_strdup (p->id), own_domains (p));
  }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
load_dir (ApppassProviderDb *db, const char *dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL) {
    if (g_str_has_suffix (name, ".ini"))
      g_ptr_array_add (names, g_strdup (name));
  }
  /* A stable order, so "later wins" means something within one folder too. */
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
    gsize length = 0;
    g_autoptr (GError) error = NULL;
    g_autofree char *data =
        apppass_file_read_regular (path, APPPASS_FILE_MAX_PROVIDER, &length, &error);

    if (data == NULL)
      warn (db, g_strdup_printf ("%s (file skipped)", error->message));
    else
      add_or_warn (db, data, length, path);
  }
}

ApppassProviderDb *
apppass_provider_db_new (const char *const *dirs)
{
  ApppassProviderDb *db = g_new0 (ApppassProviderDb, 1);

  apppass_intl_init ();
  db->providers = g_ptr_array_new_with_free_func ((GDestroyNotify)provider_free);
  db->warnings = g_ptr_array_new_with_free_func (g_free);
  db->builtin_domains =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
  g_mutex_init (&db->index_lock);
  load_builtin (db);
  for (guint i = 0; dirs && dirs[i]; i++)
    load_dir (db, dirs[i]);
  return db;
}

ApppassProviderDb *
apppass_provider_db_new_default (void)
{
  const char *const *system_dirs = g_get_system_config_dirs ();
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length ((char **)system_dirs);

  /* XDG_CONFIG_DIRS lists the most important folder first; it must be read last. */
  for (guint i = n; i > 0; i--)
    g_ptr_array_add (dirs, g_build_filename (system_dirs[i - 1], "apppass", "providers.d", NULL));
  g_ptr_array_add (dirs,
                   g_build_filename (g_get_user_config_dir (), "apppass", "providers.d", NULL));
  g_ptr_array_add (dirs, NULL);
  return apppass_provider_db_new ((const char *const *)dirs->pdata);
}

ApppassProviderDb *
apppass_provider_db_get_default (void)
{
  static ApppassProviderDb *db = NULL;

  if (g_once_init_enter (&db))
    g_once_init_leave (&db, apppass_provider_db_new_default ());
  return db;
}

static gpointer
preload_thread (gpointer data)
{
  (void)data;
  apppass_provider_db_get_default ();
  return NULL;
}

void
apppass_provider_db_preload_default (void)
{
  static gsize started = 0;

  if (g_once_init_enter (&started)) {
    g_thread_unref (g_thread_new ("apppass-providers", preload_thread, NULL));
    g_once_init_leave (&started, 1);
  }
}

void
apppass_provider_db_free (ApppassProviderDb *db)
{
  if (db == NULL)
    return;
  index_invalidate (db);
  g_mutex_clear (&db->index_lock);
  g_ptr_array_unref (db->providers);
  g_ptr_array_unref (db->warnings);
  g_hash_table_unref (db->builtin_domains);
  g_free (db);
}

const GPtrArray *
apppass_provider_db_list (const ApppassProviderDb *db)
{
  return db->providers;
}

const GPtrArray *
apppass_provider_db_get_warnings (const ApppassProviderDb *db)
{
  return db->warnings;
}

const ApppassProvider *
apppass_provider_db_lookup (const ApppassProviderDb *db, const char *id)
{
  guint index = id ? find_index (db, id) : G_MAXUINT;

  return index == G_MAXUINT ? NULL : g_ptr_array_index (db->providers, index);
}

/* ---- identifying the provider of an account ----------------------------- */

static gboolean
matches_any (const char *const *patterns, const char *text)
{
  for (guint i = 0; patterns && patterns[i]; i++) {
    if (g_pattern_match_simple (patterns[i], text))
      return TRUE;
  }
  return FALSE;
}

/* A variant's Hosts and Domains belong to its provider too. */
static gboolean
serves_host (const ApppassProvider *p, const char *host)
{
  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++) {
    if (matches_any ((const char *const *)p->hosts[i], host))
      return TRUE;
  }
  for (guint i = 0; p->variants && i < p->variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (p->variants, i);

    if (matches_any ((const char *const *)v->match_hosts, host))
      return TRUE;
  }
  return FALSE;
}

static gboolean
serves_domain (const ApppassProvider *p, const char *domain)
{
  if (domain == NULL)
    return FALSE;
  if (matches_any ((const char *const *)p->domains, domain))
    return TRUE;
  for (guint i = 0; p->variants && i < p->variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (p->variants, i);

    if (matches_any ((const char *const *)v->match_domains, domain))
      return TRUE;
  }
  return FALSE;
}

/* @base's variant for an account, or @base: a Domains match first, then a
 * Hosts match, then HostOnly when @base was recognised by @host (nullable,
 * clean) although @domain (nullable) is not one of its own. */
static const ApppassProvider *
resolve_variant (const ApppassProvider *base, const char *host, const char *domain)
{
  const GPtrArray *variants = base->variants;

  for (guint i = 0; domain && i < variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (variants, i);

    if (matches_any ((const char *const *)v->match_domains, domain))
      return v;
  }
  for (guint i = 0; host && i < variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (variants, i);

    if (matches_any ((const char *const *)v->match_hosts, host))
      return v;
  }
  if (host == NULL || domain == NULL || !serves_host (base, host) ||
      matches_any ((const char *const *)base->domains, domain))
    return base;
  for (guint i = 0; i < variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (variants, i);

    if (v->host_only)
      return v;
  }
  return base;
}

/* Lowercase, without a trailing dot or IPv6 brackets. */
static char *
clean_host (const char *host)
{
  char *clean = g_ascii_strdown (host, -1);
  gsize len = strlen (clean);

  if (len > 0 && clean[len - 1] == '.')
    clean[len - 1] = '\0';
  return clean;
}

/* Names come from mail clients' configuration files: bytes that are not
 * UTF-8 name no provider (GLib's string reversal and patterns assume UTF-8). */
static char *
address_domain (const char *user)
{
  const char *at = user && g_utf8_validate (user, -1, NULL) ? strrchr (user, '@') : NULL;

  return at && at[1] ? clean_host (at + 1) : NULL;
}

static const ApppassProvider *
choose_on_shared_host (GPtrArray *candidates, const char *domain)
{
  for (guint i = 0; i < candidates->len; i++) {
    if (serves_domain (g_ptr_array_index (candidates, i), domain))
      return g_ptr_array_index (candidates, i);
  }
  for (guint i = 0; i < candidates->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (candidates, i);

    if (p->prefer_on_shared_host)
      return p;
  }
  return g_ptr_array_index (candidates, 0);
}

/* ---- the index ----------------------------------------------------------- *
 * Identification must stay fast with thousands of provider files: exact
 * names go into hash tables, and only providers with a wildcard pattern are
 * tried one by one. The answers are those of trying every provider in id
 * order, which is the rule. */

typedef struct {
  GPatternSpec *spec;
  ApppassProvider *provider;
} Glob;

struct _ProviderIndex {
  GHashTable *hosts;       /* exact host → GPtrArray of providers, in id order */
  GArray *host_globs;      /* Glob of every wildcard host, providers in id order */
  GHashTable *domains;     /* exact domain → its first provider in id order */
  GPtrArray *domain_globs; /* providers with a wildcard domain, in id order */
};

static gboolean
is_glob (const char *pattern)
{
  return strpbrk (pattern, "*?") != NULL;
}

static void
glob_clear (Glob *glob)
{
  g_pattern_spec_free (glob->spec);
}

static void
index_free (ProviderIndex *index)
{
  g_hash_table_unref (index->hosts);
  g_array_unref (index->host_globs);
  g_hash_table_unref (index->domains);
  g_ptr_array_unref (index->domain_globs);
  g_free (index);
}

static void
index_invalidate (ApppassProviderDb *db)
{
  g_mutex_lock (&db->index_lock);
  g_clear_pointer (&db->index, index_free);
  g_mutex_unlock (&db->index_lock);
}

/* Adds @p once under @host: a provider may list a host for several protocols. */
static void
index_add_host (ProviderIndex *index, const char *host, ApppassProvider *p)
{
  GPtrArray *list = g_hash_table_lookup (index->hosts, host);

  if (list == NULL) {
    list = g_ptr_array_new ();
    g_hash_table_insert (index->hosts, (gpointer)host, list);
  }
  if (list->len == 0 || g_ptr_array_index (list, list->len - 1) != p)
    g_ptr_array_add (list, p);
}

static void
index_add_hosts (ProviderIndex *index, char **hosts, ApppassProvider *p)
{
  for (guint j = 0; hosts && hosts[j]; j++) {
    Glob glob = {NULL, p};

    if (!is_glob (hosts[j])) {
      index_add_host (index, hosts[j], p);
      continue;
    }
    /* Compiled once here: g_pattern_match_simple() compiles on every call. */
    glob.spec = g_pattern_spec_new (hosts[j]);
    g_array_append_val (index->host_globs, glob);
  }
}

/* TRUE when @domains holds a pattern, which the index keeps in a list. */
static gboolean
index_add_domains (ProviderIndex *index, char **domains, ApppassProvider *p)
{
  gboolean glob = FALSE;

  for (guint j = 0; domains && domains[j]; j++) {
    if (is_glob (domains[j]))
      glob = TRUE;
    else if (!g_hash_table_contains (index->domains, domains[j]))
      g_hash_table_insert (index->domains, domains[j], p);
  }
  return glob;
}

/* A variant's Domains and Hosts count as its provider's own: identify finds
 * the provider, then resolve_variant() picks the variant. */
static void
index_add (ProviderIndex *index, ApppassProvider *p)
{
  gboolean domain_glob = FALSE;

  for (guint i = 0; i < APPPASS_N_PROTOCOLS; i++)
    index_add_hosts (index, p->hosts[i], p);
  domain_glob = index_add_domains (index, p->domains, p);
  for (guint i = 0; i < p->variants->len; i++) {
    const ApppassProvider *v = g_ptr_array_index (p->variants, i);

    index_add_hosts (index, v->match_hosts, p);
    domain_glob |= index_add_domains (index, v->match_domains, p);
  }
  if (domain_glob)
    g_ptr_array_add (index->domain_globs, p);
}

static ProviderIndex *
index_new (const ApppassProviderDb *db)
{
  ProviderIndex *index = g_new0 (ProviderIndex, 1);

  index->hosts =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  index->host_globs = g_array_new (FALSE, FALSE, sizeof (Glob));
  g_array_set_clear_func (index->host_globs, (GDestroyNotify)glob_clear);
  index->domains = g_hash_table_new (g_str_hash, g_str_equal);
  index->domain_globs = g_ptr_array_new ();
  for (guint i = 0; i < db->providers->len; i++)
    index_add (index, g_ptr_array_index (db->providers, i));
  return index;
}

/* The index, built if the database changed; call with index_lock held. */
static ProviderIndex *
index_get (const ApppassProviderDb *db)
{
  ApppassProviderDb *mutable_db = (ApppassProviderDb *)db;

  if (mutable_db->index == NULL)
    mutable_db->index = index_new (db);
  return mutable_db->index;
}

/* Every provider serving @host, in id order, into @candidates. */
static void
index_find_by_host (ProviderIndex *index, const char *host, GPtrArray *candidates)
{
  GPtrArray *exact = g_hash_table_lookup (index->hosts, host);

  gsize length = strlen (host);
  g_autofree char *reversed = g_utf8_strreverse (host, -1);
  guint n_exact = exact ? exact->len : 0;

  if (exact)
    g_ptr_array_extend (candidates, exact, NULL, NULL);
  for (guint i = 0; i < index->host_globs->len; i++) {
    const Glob *glob = &g_array_index (index->host_globs, Glob, i);

    if (candidates->len > n_exact &&
        g_ptr_array_index (candidates, candidates->len - 1) == glob->provider)
      continue;
    if (g_pattern_spec_match (glob->spec, length, host, reversed) &&
        (exact == NULL || !g_ptr_array_find (exact, glob->provider, NULL)))
      g_ptr_array_add (candidates, glob->provider);
  }
  if (n_exact > 0 && candidates->len > n_exact)
    g_ptr_array_sort (candidates, compare_ids);
}

/* The first provider in id order serving @domain. */
static const ApppassProvider *
index_find_by_domain (ProviderIndex *index, const char *domain)
{
  const ApppassProvider *best = domain ? g_hash_table_lookup (index->domains, domain) : NULL;

  for (guint i = 0; domain && i < index->domain_globs->len; i++) {
    const ApppassProvider *p = g_ptr_array_index (index->domain_globs, i);

    if (best && strcmp (p->id, best->id) >= 0)
      break;
    if (serves_domain (p, domain))
      return p;
  }
  return best;
}

/* The loopback-free, clean host, or NULL: a loopback host names no provider. */
static char *
identifying_host (const char *host)
{
  if (host == NULL || *host == '\0' || !g_utf8_validate (host, -1, NULL) ||
      apppass_host_is_loopback (host))
    return NULL;
  return clean_host (host);
}

const ApppassProvider *
apppass_provider_resolve (const ApppassProvider *provider, const char *host, const char *user)
{
  g_autofree char *domain = address_domain (user);
  g_autofree char *clean = identifying_host (host);

  if (provider == NULL)
    return NULL;
  return resolve_variant (provider->base ? provider->base : provider, clean, domain);
}

const ApppassProvider *
apppass_provider_db_identify (const ApppassProviderDb *db, ApppassProtocol protocol,
                              const char *host, const char *user)
{
  g_autofree char *domain = address_domain (user);
  g_autofree char *clean = identifying_host (host);
  g_autoptr (GPtrArray) candidates = g_ptr_array_new ();
  ApppassProviderDb *mutable_db = (ApppassProviderDb *)db;
  const ApppassProvider *base;

  (void)protocol; /* a host names its provider whatever the protocol */
  g_mutex_lock (&mutable_db->index_lock);
  if (clean)
    index_find_by_host (index_get (db), clean, candidates);
  if (candidates->len > 0)
    base = choose_on_shared_host (candidates, domain);
  else
    base = index_find_by_domain (index_get (db), domain);
  g_mutex_unlock (&mutable_db->index_lock);
  return base ? resolve_variant (base, clean, domain) : NULL;
}
