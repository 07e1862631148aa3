/* apppass — the provider database
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "apppass-protocol.h"

G_BEGIN_DECLS

/**
 * ApppassPolicy:
 * @APPPASS_POLICY_ALWAYS: every mail program needs an app password
 * @APPPASS_POLICY_TWO_STEP: an app password is needed when two-step verification is on
 * @APPPASS_POLICY_USER_CHOSEN: a separate mail password the user sets
 * @APPPASS_POLICY_OAUTH_ONLY: passwords are not accepted, only OAuth 2.0
 * @APPPASS_POLICY_NONE: the provider has no app passwords
 */
typedef enum {
  APPPASS_POLICY_ALWAYS,
  APPPASS_POLICY_TWO_STEP,
  APPPASS_POLICY_USER_CHOSEN,
  APPPASS_POLICY_OAUTH_ONLY,
  APPPASS_POLICY_NONE,
} ApppassPolicy;

/* The provider's pages, in the order of `providers --json` in docs/design.md ("Command-line
 * contract"). */
typedef enum {
  APPPASS_PAGE_APP_PASSWORD,
  APPPASS_PAGE_TWO_STEP,
  APPPASS_PAGE_ACCESS,
  APPPASS_PAGE_WEB_LOGIN,
  APPPASS_PAGE_OAUTH,
  APPPASS_PAGE_OAUTH_CLIENT,
} ApppassPage;

/* APPPASS_PAGE_OAUTH_CLIENT (OAuthClientUrl=): where a developer registers an
 * OAuth 2.0 application with the provider, for mail clients that ship no
 * client ID of their own (Claws Mail). */
#define APPPASS_N_PAGES 6

typedef struct _ApppassProvider ApppassProvider;
typedef struct _ApppassProviderDb ApppassProviderDb;

const char *apppass_policy_to_string (ApppassPolicy policy);
/* TRUE where a rejected password may mean "use an app password". */
gboolean apppass_policy_has_app_passwords (ApppassPolicy policy);

/* "app_password_url", "two_step_url", …: the JSON key of a page. */
const char *apppass_page_json_key (ApppassPage page);

const char *apppass_provider_get_id (const ApppassProvider *provider);
const char *apppass_provider_get_name (const ApppassProvider *provider);
/* Policy=: the policy of the protocols the file does not name. */
ApppassPolicy apppass_provider_get_policy (const ApppassProvider *provider);
/* ImapPolicy=, Pop3Policy=, SmtpPolicy=, or Policy= where the protocol has none. */
ApppassPolicy apppass_provider_get_policy_for (const ApppassProvider *provider,
                                               ApppassProtocol protocol);
gboolean apppass_provider_policy_differs_by_protocol (const ApppassProvider *provider);
/* AdminDecides=: an organisation's administrator decides for @protocol. */
gboolean apppass_provider_admin_decides (const ApppassProvider *provider, ApppassProtocol protocol);
/* AdminNote= and Unknown=, in the language of the locale; NULL where not set. */
char *apppass_provider_get_admin_note (const ApppassProvider *provider);
char *apppass_provider_get_unknown (const ApppassProvider *provider);
/* The [Sources] entry of a fact key ("Policy", "AppPasswordUrl"; a variant's
 * own "Variant.<name>.<key>" first): "YYYY-MM-DD https://…" or "unknown: …". */
char *apppass_provider_get_source (const ApppassProvider *provider, const char *key);
/* The [Variant <name>] this provider object is, or NULL for the base provider. */
const char *apppass_provider_get_variant (const ApppassProvider *provider);
/* The variants of the provider's file (element type const ApppassProvider*). */
const GPtrArray *apppass_provider_get_variants (const ApppassProvider *provider);
/* A variant's match keys: Domains=, Hosts=, HostOnly=. */
const char *const *apppass_provider_get_variant_domains (const ApppassProvider *provider);
const char *const *apppass_provider_get_variant_hosts (const ApppassProvider *provider);
gboolean apppass_provider_variant_is_host_only (const ApppassProvider *provider);
/* NULL where the provider has no such page. */
const char *apppass_provider_get_page (const ApppassProvider *provider, ApppassPage page);
const char *const *apppass_provider_get_domains (const ApppassProvider *provider);
const char *const *apppass_provider_get_hosts (const ApppassProvider *provider,
                                               ApppassProtocol protocol);
/* The server `apppass setup` uses by default; FALSE where there is none. */
gboolean apppass_provider_get_server (const ApppassProvider *provider, ApppassProtocol protocol,
                                      const char **host, guint16 *port, ApppassSecurity *security);
/* The provider file that set @protocol's server ("/org/apppass/providers/…"
 * for a built-in one); NULL where there is no server. */
const char *apppass_provider_get_server_origin (const ApppassProvider *provider,
                                                ApppassProtocol protocol);
/* The file that set @page of a built-in provider to an address on another
 * domain than the built-in page's; NULL where the page is the provider's own. */
const char *apppass_provider_get_page_override (const ApppassProvider *provider, ApppassPage page);
/* In the language of the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); generic
 * steps for the policy where the file has none. */
char **apppass_provider_get_steps (const ApppassProvider *provider);
/* The steps for @protocol: generic ones for its policy where that is not Policy=. */
char **apppass_provider_get_steps_for (const ApppassProvider *provider, ApppassProtocol protocol);
char *apppass_provider_get_password_hint (const ApppassProvider *provider);
/* TRUE when the provider knows no shape or @password has it. */
gboolean apppass_provider_password_has_usual_shape (const ApppassProvider *provider,
                                                    const char *password);

/**
 * apppass_provider_db_new:
 * @dirs: (nullable): folders whose `*.ini` files are read after the built-in
 *   providers, in this order (later wins)
 *
 * A broken file is skipped with a warning naming the file and line; it never
 * hides the built-in providers.
 */
ApppassProviderDb *apppass_provider_db_new (const char *const *dirs);
/* Built-in providers, then $XDG_CONFIG_DIRS/apppass/providers.d (lowest
 * priority first), then $XDG_CONFIG_HOME/apppass/providers.d. */
ApppassProviderDb *apppass_provider_db_new_default (void);
/* A process-wide database made by apppass_provider_db_new_default() on first use. */
ApppassProviderDb *apppass_provider_db_get_default (void);
/* Loads the default database in a thread of its own, once: a mail client
 * calls it at start so that its first dialog does not wait on the disk. */
void apppass_provider_db_preload_default (void);
void apppass_provider_db_free (ApppassProviderDb *db);

/* Reads one provider file's text; @origin names it in messages. */
gboolean apppass_provider_db_add_data (ApppassProviderDb *db, const char *data, gsize length,
                                       const char *origin, GError **error);

/* Sorted by id; element type const ApppassProvider*. */
const GPtrArray *apppass_provider_db_list (const ApppassProviderDb *db);
const ApppassProvider *apppass_provider_db_lookup (const ApppassProviderDb *db, const char *id);
/* Warnings about skipped files and keys, oldest first. */
const GPtrArray *apppass_provider_db_get_warnings (const ApppassProviderDb *db);

/**
 * apppass_provider_db_identify:
 * @host: (nullable): the server host the account uses
 * @user: (nullable): the login name, usually the address
 *
 * The host decides first, then the address's domain (docs/design.md, "Vocabulary"). Where
 * providers share a host, the domain decides, then PreferOnSharedHost. A
 * loopback host never names a provider by itself. A variant's Domains and
 * Hosts count as its provider's.
 *
 * Returns: (nullable): the provider, resolved to the variant the account
 *   matches (see apppass_provider_resolve()), or %NULL when unknown
 */
const ApppassProvider *apppass_provider_db_identify (const ApppassProviderDb *db,
                                                     ApppassProtocol protocol, const char *host,
                                                     const char *user);

/**
 * apppass_provider_resolve:
 * @provider: (nullable): a provider or one of its variants
 * @host: (nullable): the server host the account uses
 * @user: (nullable): the login name, usually the address
 *
 * The variant of @provider for this account: the first whose Domains has the
 * address's domain, else the first whose Hosts has @host, else, when @host is
 * one of the provider's own and the domain is not, the first HostOnly one.
 *
 * Returns: (nullable): the variant, or the base provider when none matches
 */
const ApppassProvider *apppass_provider_resolve (const ApppassProvider *provider, const char *host,
                                                 const char *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApppassProviderDb, apppass_provider_db_free)

G_END_DECLS
