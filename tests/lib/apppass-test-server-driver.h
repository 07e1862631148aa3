/* apppass tests — driving the project's test mail server
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The password every scenario accepts, and its wrong twin. */
#define TEST_GOOD_PASSWORD "abcdefghijklmnop"
#define TEST_BAD_PASSWORD  "wrongpassword123"

/* Test certificates made once per test program by tests/server/make-certs.sh. */
const char *test_certs_dir (void);
char *test_cert_path (const char *name);
char *test_cert_pem (const char *name);

typedef struct {
  GSubprocess *process;
  char *dir;
  char *record_path;
  GKeyFile *ports;
} TestServer;

/**
 * test_server_start:
 * @scenario: a scenario file's text (see tests/server/scenarios/)
 * @cert: a certificate name from make-certs.sh ("server", "wrong-host",
 *   "expired", "self-signed")
 */
TestServer *test_server_start (const char *scenario, const char *cert);
/* As test_server_start(), the server's TLS limited to GnuTLS priority string
 * @priority (such as "NORMAL:-VERS-ALL:+VERS-TLS1.0"), or not with %NULL. */
TestServer *test_server_start_with_priority (const char *scenario, const char *cert,
                                             const char *priority);
/* A scenario file from tests/server/scenarios/, by name ("gmail"). */
char *test_scenario (const char *name);
guint16 test_server_port (TestServer *server, const char *service);
/* The login events of the record, in order: "imap:matched", "smtp:unmatched", … */
char **test_server_logins (TestServer *server);
char *test_server_record (TestServer *server);
void test_server_stop (TestServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_stop)

G_END_DECLS
