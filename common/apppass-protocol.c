/* apppass — mail protocols and connection security
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-protocol.h"

#include <gio/gio.h>
#include <string.h>

#include "apppass-error.h"
#include "apppass-intl.h"

static const char *const protocol_words[] = {"imap", "pop3", "smtp"};
static const char *const protocol_names[] = {"IMAP", "POP3", "SMTP"};
static const char *const security_words[] = {"tls", "starttls", "none"};

const char *
apppass_protocol_to_string (ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, NULL);
  return protocol_words[protocol];
}

const char *
apppass_protocol_display_name (ApppassProtocol protocol)
{
  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, NULL);
  return protocol_names[protocol];
}

/* @unknown is the error's format, with one %s for @text. */
static int
word_index (const char *const *words, guint n_words, const char *text, const char *unknown,
            GError **error)
{
  for (guint i = 0; text && i < n_words; i++) {
    if (g_ascii_strcasecmp (words[i], text) == 0)
      return (int)i;
  }
  g_set_error (error, APPPASS_ERROR, APPPASS_ERROR_INVALID_ARGUMENT, unknown, text ? text : "");
  return -1;
}

gboolean
apppass_protocol_from_string (const char *text, ApppassProtocol *protocol, GError **error)
{
  int i = word_index (protocol_words, G_N_ELEMENTS (protocol_words), text,
                      _ ("Unknown protocol “%s”: use imap, pop3 or smtp."), error);

  if (i >= 0)
    *protocol = (ApppassProtocol)i;
  return i >= 0;
}

const char *
apppass_security_to_string (ApppassSecurity security)
{
  g_return_val_if_fail (security <= APPPASS_SECURITY_NONE, NULL);
  return security_words[security];
}

gboolean
apppass_security_from_string (const char *text, ApppassSecurity *security, GError **error)
{
  int i = word_index (security_words, G_N_ELEMENTS (security_words), text,
                      _ ("Unknown security “%s”: use tls, starttls or none."), error);

  if (i >= 0)
    *security = (ApppassSecurity)i;
  return i >= 0;
}

guint16
apppass_protocol_default_port (ApppassProtocol protocol, ApppassSecurity security)
{
  static const guint16 tls_ports[] = {993, 995, 465};
  static const guint16 plain_ports[] = {143, 110, 587};

  g_return_val_if_fail (protocol <= APPPASS_PROTOCOL_SMTP, 0);
  return security == APPPASS_SECURITY_TLS ? tls_ports[protocol] : plain_ports[protocol];
}

gboolean
apppass_host_is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_str_has_suffix (host, ".localhost"))
    return TRUE;
  /* "[::1]" is how URLs and some clients write an IPv6 host. */
  len = strlen (host);
  if (host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  address = g_inet_address_new_from_string (bare ? bare : host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
apppass_host_is_valid (const char *host)
{
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (strlen (host) > 253 || host[0] == '.' || host[0] == '-' || strstr (host, "..") != NULL)
    return FALSE;
  for (const char *c = host; *c; c++) {
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  }
  return TRUE;
}
