/* apppass — mail protocols and connection security
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  APPPASS_PROTOCOL_IMAP,
  APPPASS_PROTOCOL_POP3,
  APPPASS_PROTOCOL_SMTP,
} ApppassProtocol;

#define APPPASS_N_PROTOCOLS 3

typedef enum {
  APPPASS_SECURITY_TLS,
  APPPASS_SECURITY_STARTTLS,
  APPPASS_SECURITY_NONE,
} ApppassSecurity;

/* The words of docs/design.md ("Vocabulary"): "imap", "pop3", "smtp"; "tls", "starttls", "none". */
const char *apppass_protocol_to_string (ApppassProtocol protocol);
gboolean apppass_protocol_from_string (const char *text, ApppassProtocol *protocol, GError **error);
/* "IMAP", "POP3", "SMTP": the name shown to people. */
const char *apppass_protocol_display_name (ApppassProtocol protocol);

const char *apppass_security_to_string (ApppassSecurity security);
gboolean apppass_security_from_string (const char *text, ApppassSecurity *security, GError **error);

/* 993/995/465 for TLS, 143/110/587 otherwise. */
guint16 apppass_protocol_default_port (ApppassProtocol protocol, ApppassSecurity security);

/* TRUE for 127.0.0.0/8, ::1 and "localhost": such a host never names a provider. */
gboolean apppass_host_is_loopback (const char *host);
/* A host name of letters, digits, '-', '_' and dots, or an IP address:
 * nothing that could end a line or a quoted string where it is printed. */
gboolean apppass_host_is_valid (const char *host);

G_END_DECLS
