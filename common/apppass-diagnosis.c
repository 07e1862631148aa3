/* apppass — what a failed login's server answer means
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-diagnosis.h"

#include <string.h>

#include "apppass-intl.h"

static const char *const cause_words[] = {
    "app-password-required", "oauth-required", "web-login-required", "access-disabled", "temporary",
    "credentials-rejected",  "not-auth"};
static const char *const action_words[] = {"app-password", "oauth", "web-login", "enable-access",
                                           "none"};

/* Phrases are casefolded (g_utf8_casefold) and looked for anywhere in the
 * casefolded answer. Providers word the same cause in many ways: these cover
 * the real answers of tests/data/server-answers.ini and their near variants. */
static const char *const app_password_phrases[] = {"application-specific password",
                                                   "application specific password",
                                                   "app-specific password",
                                                   "app specific password",
                                                   "app password",
                                                   "app-password",
                                                   "apppassword",
                                                   "application password",
                                                   "aplication password",
                                                   "password for apps",
                                                   "applications password",
                                                   "authorization code",
                                                   "authorized code",
                                                   "authorisation code",
                                                   "authorization password",
                                                   "invalidsecondfactor",
                                                   "授权码",
                                                   "专用密码",
                                                   "客户端授权",
                                                   "пароль приложения",
                                                   "пароль для приложени",
                                                   "паролем приложения",
                                                   "пароли приложений",
                                                   "parol prilozheniya",
                                                   "parol' prilozheniya",
                                                   NULL};

static const char *const oauth_phrases[] = {"basic authentication is disabled",
                                            "basic auth is disabled",
                                            "basic authentication is not supported",
                                            "basic auth is not supported",
                                            "basicauthblocked",
                                            "5.7.30",
                                            "use oauth",
                                            "oauth is required",
                                            "oauth2 is required",
                                            "requires oauth",
                                            "modern authentication",
                                            NULL};

static const char *const web_login_phrases[] = {
    "[webalert",  "webalert",   "via your web browser", "via your browser",   "in a web browser",
    "534-5.7.14", "534 5.7.14", "webloginrequired",     "web login required", "verify your account",
    NULL};

static const char *const access_phrases[] = {"not enabled for imap",
                                             "not enabled for pop",
                                             "not enabled for smtp",
                                             "imap access is disabled",
                                             "pop access is disabled",
                                             "pop3 access is disabled",
                                             "imap is disabled",
                                             "pop3 is disabled",
                                             "pop is disabled",
                                             "imap disabled",
                                             "pop3 disabled",
                                             "imap access disabled",
                                             "imap is not enabled",
                                             "pop3 is not enabled",
                                             "smtpclientauthentication is disabled",
                                             "smtp auth is disabled",
                                             "yet to enable imap",
                                             "yet to enable pop",
                                             "enable imap",
                                             "enable pop",
                                             "user has no permission",
                                             NULL};

static const char *const temporary_phrases[] = {
    "too many", "try again later", "try later", "temporarily", "temporary", "[unavailable]",
    "[inuse]", "[in-use]", "[sys/temp]", "[limit]", "server busy", "service unavailable",
    "rate limit", "throttl",
    /* Dovecot's [UNAVAILABLE], whose code Claws Mail does not log */
    "number of connections", NULL};

/* Mostly what says_refused() cannot see: codes written as words, users the
 * server does not know, other scripts; and the commonest answer of all, even
 * glued to other text. "Wrong password", "login failed" and their like are
 * found there. */
static const char *const rejected_phrases[] = {"authenticationfailed",
                                               "invalid credentials",
                                               "login error",
                                               "invalid user",
                                               "unknown user",
                                               "no such user",
                                               "[auth]",
                                               "5.7.8",
                                               "密码错误",
                                               "登录失败",
                                               "认证失败",
                                               "验证失败",
                                               "неверный логин",
                                               "неверный пароль",
                                               "неправильный",
                                               "ошибка авторизации",
                                               "nevernyj",
                                               "neverniy",
                                               NULL};

static const char *const *const cause_phrases[] = {
    app_password_phrases, oauth_phrases, web_login_phrases, access_phrases, temporary_phrases,
    rejected_phrases,     NULL};

const char *
apppass_cause_to_string (ApppassCause cause)
{
  g_return_val_if_fail (cause <= APPPASS_CAUSE_NOT_AUTH, NULL);
  return cause_words[cause];
}

const char *
apppass_action_to_string (ApppassAction action)
{
  g_return_val_if_fail (action <= APPPASS_ACTION_NONE, NULL);
  return action_words[action];
}

const char *const *
apppass_cause_phrases (ApppassCause cause)
{
  g_return_val_if_fail (cause <= APPPASS_CAUSE_NOT_AUTH, NULL);
  return cause_phrases[cause];
}

/* ---- classification ----------------------------------------------------- */

static gboolean
contains_any (const char *folded, const char *const *phrases)
{
  for (guint i = 0; phrases && phrases[i]; i++) {
    if (strstr (folded, phrases[i]) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* The reply code at the start of an SMTP line ("535 ", "454-"), or 0. */
static int
smtp_code (const char *line)
{
  if (!g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]))
    return 0;
  if (line[3] != ' ' && line[3] != '-' && line[3] != '\0' && line[3] != '\r')
    return 0;
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* ---- what the codes say ------------------------------------------------- */

/* Reply codes and response codes are the protocol's own verdict, chosen by
 * the server's software rather than written for people; they hold whatever
 * words follow them. */
typedef enum {
  CODES_SAY_NOTHING,
  CODES_SAY_REJECTED,
  CODES_SAY_TEMPORARY,
} CodeVerdict;

/* IMAP response codes (RFC 5530) and POP3 extended response codes (RFC 2449,
 * RFC 3206), casefolded, as they stand after "[". */
static const char *const rejected_codes[] = {"authenticationfailed", "authorizationfailed", "auth",
                                             NULL};
static const char *const temporary_codes[] = {"unavailable", "inuse",       "in-use", "limit",
                                              "sys/temp",    "login-delay", NULL};

static gboolean
word_in (const char *word, gsize length, const char *const *words)
{
  for (guint i = 0; words[i]; i++) {
    if (strlen (words[i]) == length && strncmp (word, words[i], length) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Every "[CODE" of an IMAP or POP3 line. */
static CodeVerdict
bracket_codes (const char *line)
{
  CodeVerdict verdict = CODES_SAY_NOTHING;

  for (const char *p = strchr (line, '['); p; p = strchr (p + 1, '[')) {
    gsize length = strcspn (p + 1, "] \r");

    if (word_in (p + 1, length, temporary_codes))
      return CODES_SAY_TEMPORARY;
    if (word_in (p + 1, length, rejected_codes))
      verdict = CODES_SAY_REJECTED;
  }
  return verdict;
}

/* An SMTP enhanced status code ("5.7.8", RFC 3463) at @p, or NULL. */
static const char *
enhanced_code (const char *p)
{
  if ((p[0] != '4' && p[0] != '5') || p[1] != '.' || !g_ascii_isdigit (p[2]))
    return NULL;
  return p;
}

/* An SMTP line: 4xx replies are transient (RFC 5321), and so is 4.7.x, the
 * enhanced code of a refused AUTH (RFC 3463) where a client dropped the reply
 * code; 535 and 5.7.8 say "authentication credentials invalid" (RFC 4954). */
static CodeVerdict
smtp_codes (const char *line)
{
  int code = smtp_code (line);
  const char *rest = code && line[3] ? line + 4 : line + (code ? 3 : 0);
  const char *enhanced;

  while (*rest == ' ')
    rest++;
  enhanced = enhanced_code (rest);

  if ((code >= 400 && code < 500) || (enhanced && g_str_has_prefix (enhanced, "4.7.")))
    return CODES_SAY_TEMPORARY;
  if (code == 535 || (enhanced && g_str_has_prefix (enhanced, "5.7.8")))
    return CODES_SAY_REJECTED;
  return CODES_SAY_NOTHING;
}

/* A temporary code anywhere wins over a rejection elsewhere: the server was
 * busy, and a busy server refuses every password. */
static CodeVerdict
codes_say (ApppassProtocol protocol, char **lines)
{
  CodeVerdict verdict = CODES_SAY_NOTHING;

  for (guint i = 0; lines[i]; i++) {
    CodeVerdict line =
        protocol == APPPASS_PROTOCOL_SMTP ? smtp_codes (lines[i]) : bracket_codes (lines[i]);

    if (line == CODES_SAY_TEMPORARY)
      return line;
    if (line == CODES_SAY_REJECTED)
      verdict = line;
  }
  return verdict;
}

/* ---- what the words say ------------------------------------------------- */

/* A word about credentials and a word of failure close together in one line:
 * "Authentication failed, sorry", "wrong username or password", "password
 * not accepted". Each credential stem is a pre-filter keyword, so a line that
 * fits always reaches the diagnosis. */
#define PAIR_DISTANCE 4

static const char *const credential_stems[] = {"passw", "credential", "login",
                                               "logon", "authent",    NULL};
static const char *const failure_stems[] = {"fail",         "invalid",  "incorrect", "wrong",
                                            "bad",          "reject",   "denied",    "refused",
                                            "unsuccessful", "mismatch", "unknown",   NULL};

typedef enum {
  WORD_OTHER,
  WORD_CREDENTIAL,
  WORD_FAILURE,
} WordKind;

static gboolean
has_stem (const char *word, gsize length, const char *const *stems)
{
  for (guint i = 0; stems[i]; i++) {
    gsize n = strlen (stems[i]);

    if (length >= n && strncmp (word, stems[i], n) == 0)
      return TRUE;
  }
  return FALSE;
}

static WordKind
word_kind (const char *word, gsize length, gboolean after_not)
{
  if (has_stem (word, length, credential_stems) || (length == 4 && strncmp (word, "auth", 4) == 0))
    return WORD_CREDENTIAL;
  if (has_stem (word, length, failure_stems) ||
      (after_not && has_stem (word, length, (const char *const[]){"accept", "valid", NULL})))
    return WORD_FAILURE;
  return WORD_OTHER;
}

/* An IMAP reply's status word: "A3 BAD …" (after its tag) or "* BAD …". */
static gboolean
is_imap_status (ApppassProtocol protocol, const char *line, int index)
{
  return protocol == APPPASS_PROTOCOL_IMAP && (index == 1 || (index == 0 && line[0] == '*'));
}

static gboolean
says_refused (ApppassProtocol protocol, const char *line)
{
  int last[3] = {-1000, -1000, -1000}; /* the index of each kind's last word */
  gboolean after_not = FALSE;
  int index = 0;

  for (const char *p = line; *p;) {
    gsize length = 0;
    WordKind kind;

    while (*p && !g_ascii_isalnum (*p))
      p++;
    while (g_ascii_isalnum (p[length]))
      length++;
    if (length == 0)
      break;
    /* An IMAP reply's status ("A3 BAD …") is not one of its words; elsewhere
     * "Bad password" is. */
    kind = length == 3 && strncmp (p, "bad", 3) == 0 && is_imap_status (protocol, line, index)
               ? WORD_OTHER
               : word_kind (p, length, after_not);
    after_not = length == 3 && strncmp (p, "not", 3) == 0;
    if (kind != WORD_OTHER) {
      last[kind] = index;
      if (last[WORD_CREDENTIAL] >= 0 && last[WORD_FAILURE] >= 0 &&
          ABS (last[WORD_CREDENTIAL] - last[WORD_FAILURE]) <= PAIR_DISTANCE)
        return TRUE;
    }
    p += length;
    index++;
  }
  return FALSE;
}

static gboolean
words_say_refused (ApppassProtocol protocol, const char *folded, char **lines)
{
  if (contains_any (folded, rejected_phrases))
    return TRUE;
  for (guint i = 0; lines[i]; i++) {
    /* POP3 answers a refused USER, PASS or AUTH with -ERR, whatever it says. */
    if (protocol == APPPASS_PROTOCOL_POP3 && g_str_has_prefix (lines[i], "-err"))
      return TRUE;
    if (says_refused (protocol, lines[i]))
      return TRUE;
  }
  return FALSE;
}

/* A casefolded, valid UTF-8 copy of at most APPPASS_DIAGNOSIS_MAX_TEXT bytes. */
static char *
fold_text (const char *text, gssize length)
{
  g_autofree char *copy = NULL;
  g_autofree char *valid = NULL;

  if (text == NULL)
    return g_strdup ("");
  if (length < 0)
    length = (gssize)strlen (text);
  if (length > APPPASS_DIAGNOSIS_MAX_TEXT)
    length = APPPASS_DIAGNOSIS_MAX_TEXT;
  /* A NUL from a hostile server must not hide the text after it. */
  copy = g_malloc ((gsize)length + 1);
  memcpy (copy, text, (gsize)length);
  copy[length] = '\0';
  for (gssize i = 0; i < length; i++) {
    if (copy[i] == '\0')
      copy[i] = ' ';
  }
  /* Chinese providers answer in GBK (QQ's "请使用授权码登录"); read it as such
   * where it is not UTF-8 and decodes cleanly. */
  if (!g_utf8_validate_len (copy, (gsize)length, NULL))
    valid = g_convert (copy, length, "UTF-8", "GB18030", NULL, NULL, NULL);
  if (valid == NULL)
    valid = g_utf8_make_valid (copy, length);
  return g_utf8_casefold (valid, -1);
}

/* The order, and why:
 * 1. Words that name a cause (an app password, OAuth, a web sign-in, access
 *    switched off), in docs/design.md's "first wins" order: the server said why.
 * 2. Codes: a temporary one (SMTP 4xx, [UNAVAILABLE], [SYS/TEMP]) before a
 *    rejection (SMTP 535, [AUTHENTICATIONFAILED], POP3 [AUTH]). A code is the
 *    protocol's verdict, so "535 5.7.0 Too many bad auth attempts" (Yahoo's
 *    answer to a wrong password) is a refusal of the password, and the words
 *    only say how often it happened.
 * 3. Words of a temporary problem ("too many", "try again later") where no
 *    code decided: Gmail's "NO [ALERT] Too many simultaneous connections".
 * 4. Words or shapes of a refusal: "invalid credentials", POP3's -ERR.
 * 5. What the client knows: a login it saw refused is a refusal, in whatever
 *    words; otherwise the answer is not about logging in. */
ApppassCause
apppass_classify_in_context (ApppassProtocol protocol, const char *text, gssize length,
                             ApppassContext context)
{
  g_autofree char *folded = fold_text (text, length);
  g_auto (GStrv) lines = NULL;
  CodeVerdict codes;

  for (guint c = 0; c < APPPASS_CAUSE_TEMPORARY; c++) {
    if (contains_any (folded, cause_phrases[c]))
      return (ApppassCause)c;
  }
  lines = g_strsplit (folded, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    g_strchug (lines[i]);
  codes = codes_say (protocol, lines);
  if (codes == CODES_SAY_TEMPORARY)
    return APPPASS_CAUSE_TEMPORARY;
  if (codes == CODES_SAY_REJECTED)
    return APPPASS_CAUSE_CREDENTIALS_REJECTED;
  if (contains_any (folded, temporary_phrases))
    return APPPASS_CAUSE_TEMPORARY;
  if (words_say_refused (protocol, folded, lines) || (context & APPPASS_CONTEXT_REFUSED))
    return APPPASS_CAUSE_CREDENTIALS_REJECTED;
  return APPPASS_CAUSE_NOT_AUTH;
}

ApppassCause
apppass_classify (ApppassProtocol protocol, const char *text, gssize length)
{
  return apppass_classify_in_context (protocol, text, length, APPPASS_CONTEXT_NONE);
}

static ApppassAction
action_for_policy (ApppassCause cause, const ApppassProvider *provider, ApppassPolicy policy)
{
  switch (cause) {
  case APPPASS_CAUSE_APP_PASSWORD_REQUIRED:
    return APPPASS_ACTION_APP_PASSWORD;
  case APPPASS_CAUSE_OAUTH_REQUIRED:
    return APPPASS_ACTION_OAUTH;
  case APPPASS_CAUSE_WEB_LOGIN_REQUIRED:
    return APPPASS_ACTION_WEB_LOGIN;
  case APPPASS_CAUSE_ACCESS_DISABLED:
    return APPPASS_ACTION_ENABLE_ACCESS;
  case APPPASS_CAUSE_CREDENTIALS_REJECTED:
    if (provider == NULL)
      return APPPASS_ACTION_NONE;
    if (policy == APPPASS_POLICY_OAUTH_ONLY)
      return APPPASS_ACTION_OAUTH;
    if (apppass_policy_has_app_passwords (policy))
      return APPPASS_ACTION_APP_PASSWORD;
    return APPPASS_ACTION_NONE;
  case APPPASS_CAUSE_TEMPORARY:
  case APPPASS_CAUSE_NOT_AUTH:
  default:
    return APPPASS_ACTION_NONE;
  }
}

ApppassAction
apppass_action_for (ApppassCause cause, const ApppassProvider *provider)
{
  return action_for_policy (
      cause, provider, provider ? apppass_provider_get_policy (provider) : APPPASS_POLICY_NONE);
}

ApppassAction
apppass_action_for_protocol (ApppassCause cause, const ApppassProvider *provider,
                             ApppassProtocol protocol)
{
  return action_for_policy (cause, provider,
                            provider ? apppass_provider_get_policy_for (provider, protocol)
                                     : APPPASS_POLICY_NONE);
}

static const char *
action_url (ApppassAction action, const ApppassProvider *provider)
{
  static const int pages[] = {APPPASS_PAGE_APP_PASSWORD, APPPASS_PAGE_OAUTH, APPPASS_PAGE_WEB_LOGIN,
                              APPPASS_PAGE_ACCESS, -1};

  if (provider == NULL || pages[action] < 0)
    return NULL;
  return apppass_provider_get_page (provider, (ApppassPage)pages[action]);
}

/* ---- explanations ------------------------------------------------------- */

static char *
explain_app_password_named (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *name = provider ? apppass_provider_get_name (provider) : NULL;

  if (name == NULL)
    return g_strdup (_ ("The server needs an app password. Two-step verification is probably on "
                        "for this account, and a mail program cannot ask for the second step, so "
                        "the server refuses the normal password. Create an app password in your "
                        "mail provider’s account settings and use it instead."));
  switch (apppass_provider_get_policy_for (provider, protocol)) {
  case APPPASS_POLICY_ALWAYS:
    return g_strdup_printf (_ ("%s needs an app password for every mail program: it refuses the "
                               "normal account password there. Create an app password on the "
                               "provider’s page and use it instead."),
                            name);
  case APPPASS_POLICY_USER_CHOSEN:
    return g_strdup_printf (_ ("%s needs a separate mail password for mail programs: it refuses "
                               "the normal account password there. Set a mail password in the "
                               "provider’s settings and use it instead."),
                            name);
  default:
    return g_strdup_printf (_ ("%s needs an app password. Two-step verification is on for this "
                               "account, and a mail program cannot ask for the second step, so "
                               "the server refuses the normal password. Create an app password "
                               "on the provider’s page and use it instead."),
                            name);
  }
}

/* The honest variant: the server only said "rejected". */
static char *
explain_app_password_rejected (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *name = apppass_provider_get_name (provider);

  switch (apppass_provider_get_policy_for (provider, protocol)) {
  case APPPASS_POLICY_ALWAYS:
    return g_strdup_printf (_ ("%s refused the password. It accepts only app passwords from mail "
                               "programs, not the normal account password; if this already was "
                               "an app password, it may simply be mistyped. A new one is checked "
                               "before anything is saved."),
                            name);
  case APPPASS_POLICY_USER_CHOSEN:
    return g_strdup_printf (_ ("%s refused the password. It needs a separate mail password for "
                               "mail programs, not the normal account password; if this already "
                               "was that password, it may simply be mistyped. A new one is "
                               "checked before anything is saved."),
                            name);
  default:
    return g_strdup_printf (_ ("%s refused the password. If two-step verification is on for this "
                               "account, a mail program needs an app password instead of the "
                               "normal password; otherwise the password may simply be wrong. A "
                               "new one is checked before anything is saved."),
                            name);
  }
}

static char *
explain_oauth (const ApppassProvider *provider)
{
  if (provider == NULL)
    return g_strdup (_ ("The server no longer accepts passwords from mail programs: it needs "
                        "OAuth 2.0 sign-in. Switch this account to OAuth 2.0 in your mail "
                        "program’s account settings."));
  return g_strdup_printf (_ ("%s no longer accepts passwords from mail programs for this account: "
                             "it needs OAuth 2.0 sign-in, and an app password will not help. "
                             "Switch this account to OAuth 2.0 in your mail program’s account "
                             "settings."),
                          apppass_provider_get_name (provider));
}

static char *
explain_web_login (const ApppassProvider *provider)
{
  if (provider == NULL)
    return g_strdup (_ ("The server blocked this sign-in until you confirm it in a web browser. "
                        "Sign in on your mail provider’s website, then try again."));
  return g_strdup_printf (_ ("%s blocked this sign-in until you confirm it in a web browser. Sign "
                             "in on the provider’s page, confirm that it was you, then try "
                             "again."),
                          apppass_provider_get_name (provider));
}

static char *
explain_access (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *proto = apppass_protocol_display_name (protocol);

  if (provider == NULL)
    return g_strdup_printf (_ ("%s access is switched off for this account. Switch it on in your "
                               "mail provider’s settings, then try again."),
                            proto);
  return g_strdup_printf (_ ("%s access is switched off for this account. Switch it on in the "
                             "settings of %s, then try again."),
                          proto, apppass_provider_get_name (provider));
}

static char *
explain_none (ApppassCause cause, const ApppassProvider *provider)
{
  if (cause == APPPASS_CAUSE_TEMPORARY)
    return g_strdup (_ ("The server is busy or limits connections at the moment. This is not a "
                        "password problem; your mail program will try again."));
  if (cause == APPPASS_CAUSE_NOT_AUTH)
    return g_strdup (_ ("This is not a login failure; apppass has nothing to add."));
  if (provider == NULL)
    return g_strdup (_ ("The server refused the user name or password. This looks like an "
                        "ordinary wrong password: your mail program’s own password prompt is the "
                        "place to correct it."));
  return g_strdup_printf (_ ("%s refused the user name or password. This looks like an ordinary "
                             "wrong password: your mail program’s own password prompt is the "
                             "place to correct it."),
                          apppass_provider_get_name (provider));
}

/* What holds for @protocol, where the provider's protocols differ. */
static char *
explain_protocol_policy (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *proto = apppass_protocol_display_name (protocol);
  const char *name = apppass_provider_get_name (provider);

  switch (apppass_provider_get_policy_for (provider, protocol)) {
  case APPPASS_POLICY_ALWAYS:
    return g_strdup_printf (_ ("For %s, %s accepts only app passwords from mail programs."), proto,
                            name);
  case APPPASS_POLICY_TWO_STEP:
    return g_strdup_printf (_ ("For %s, %s accepts an app password from mail programs when "
                               "two-step verification is on."),
                            proto, name);
  case APPPASS_POLICY_USER_CHOSEN:
    return g_strdup_printf (_ ("For %s, %s accepts a separate mail password that you choose."),
                            proto, name);
  case APPPASS_POLICY_OAUTH_ONLY:
    return g_strdup_printf (_ ("For %s, %s accepts no passwords from mail programs, only OAuth "
                               "2.0 sign-in."),
                            proto, name);
  case APPPASS_POLICY_NONE:
  default:
    return g_strdup_printf (_ ("For %s, %s has no app passwords."), proto, name);
  }
}

/* The date its [Sources] gives for the policy of @protocol, or NULL. */
static char *
policy_date (const ApppassProvider *provider, ApppassProtocol protocol)
{
  static const char *const keys[] = {"ImapPolicy", "Pop3Policy", "SmtpPolicy"};
  g_autofree char *source = apppass_provider_get_source (provider, keys[protocol]);
  g_autoptr (GDate) date = g_date_new ();

  if (source == NULL)
    source = apppass_provider_get_source (provider, "Policy");
  if (source == NULL || strlen (source) < 10 || (source[10] != ' ' && source[10] != '\0'))
    return NULL;
  source[10] = '\0';
  g_date_set_parse (date, source);
  return g_date_valid (date) ? g_strdup (source) : NULL;
}

static char *
explain_admin (const ApppassProvider *provider, ApppassProtocol protocol)
{
  const char *proto = apppass_protocol_display_name (protocol);
  const char *name = apppass_provider_get_name (provider);
  g_autofree char *date = policy_date (provider, protocol);

  if (date)
    return g_strdup_printf (_ ("As of %s, your organisation’s administrator decides what %s "
                               "allows over %s for this account (passwords, app passwords, "
                               "access): if it is still refused, ask them."),
                            date, name, proto);
  return g_strdup_printf (_ ("Your organisation’s administrator decides what %s allows over %s "
                             "for this account (passwords, app passwords, access): if it is still "
                             "refused, ask them."),
                          name, proto);
}

/* The account's own facts after the explanation: the rule of its protocol,
 * who decides, and what is not known, so the advice claims no more than that. */
static void
add_account_facts (GString *text, const ApppassDiagnosis *d, ApppassProtocol protocol)
{
  g_autofree char *unknown = NULL;

  if (d->provider == NULL || d->action == APPPASS_ACTION_NONE)
    return;
  if (d->action == APPPASS_ACTION_APP_PASSWORD &&
      apppass_provider_policy_differs_by_protocol (d->provider)) {
    g_autofree char *sentence = explain_protocol_policy (d->provider, protocol);

    g_string_append_printf (text, " %s", sentence);
  }
  if (apppass_provider_admin_decides (d->provider, protocol)) {
    g_autofree char *sentence = explain_admin (d->provider, protocol);
    g_autofree char *note = apppass_provider_get_admin_note (d->provider);

    g_string_append_printf (text, " %s", sentence);
    if (note && *note)
      g_string_append_printf (text, " %s", note);
  }
  unknown = apppass_provider_get_unknown (d->provider);
  if (unknown && *unknown)
    g_string_append_printf (text, " %s", unknown);
}

static char *
explain_action (const ApppassDiagnosis *d, ApppassProtocol protocol)
{
  switch (d->action) {
  case APPPASS_ACTION_APP_PASSWORD:
    return d->server_named_cause ? explain_app_password_named (d->provider, protocol)
                                 : explain_app_password_rejected (d->provider, protocol);
  case APPPASS_ACTION_OAUTH:
    return explain_oauth (d->provider);
  case APPPASS_ACTION_WEB_LOGIN:
    return explain_web_login (d->provider);
  case APPPASS_ACTION_ENABLE_ACCESS:
    return explain_access (d->provider, protocol);
  case APPPASS_ACTION_NONE:
  default:
    return explain_none (d->cause, d->provider);
  }
}

char *
apppass_diagnosis_explain (const ApppassDiagnosis *d, ApppassProtocol protocol)
{
  GString *text = g_string_new (NULL);
  g_autofree char *first = explain_action (d, protocol);

  g_string_append (text, first);
  add_account_facts (text, d, protocol);
  return g_string_free (text, FALSE);
}

ApppassDiagnosis *
apppass_diagnose_in_context (const ApppassProviderDb *db, ApppassProtocol protocol,
                             const char *host, const char *user, const char *text, gssize length,
                             ApppassContext context)
{
  return apppass_diagnosis_new (protocol, apppass_provider_db_identify (db, protocol, host, user),
                                apppass_classify_in_context (protocol, text, length, context));
}

ApppassDiagnosis *
apppass_diagnose (const ApppassProviderDb *db, ApppassProtocol protocol, const char *host,
                  const char *user, const char *text, gssize length)
{
  return apppass_diagnose_in_context (db, protocol, host, user, text, length, APPPASS_CONTEXT_NONE);
}

ApppassDiagnosis *
apppass_diagnosis_new (ApppassProtocol protocol, const ApppassProvider *provider,
                       ApppassCause cause)
{
  ApppassDiagnosis *d = g_new0 (ApppassDiagnosis, 1);

  apppass_intl_init ();
  d->cause = cause;
  d->provider = provider;
  d->action = apppass_action_for_protocol (d->cause, d->provider, protocol);
  d->url = action_url (d->action, d->provider);
  d->server_named_cause = d->cause == APPPASS_CAUSE_APP_PASSWORD_REQUIRED;
  d->explanation = apppass_diagnosis_explain (d, protocol);
  return d;
}

void
apppass_diagnosis_free (ApppassDiagnosis *diagnosis)
{
  if (diagnosis == NULL)
    return;
  g_free (diagnosis->explanation);
  g_free (diagnosis);
}
