/* apppass tests — a mail client adapter that keeps everything in memory
 * SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "apppass-client.h"

G_BEGIN_DECLS

#define TEST_TYPE_CLIENT (test_client_get_type ())
G_DECLARE_FINAL_TYPE (TestClient, test_client, TEST, CLIENT, GObject)

/* What the adapter did, for the tests to read. The stored passwords stay in
 * this process: tests compare them, never print them. */
struct _TestClient {
  GObject parent;

  GHashTable *accounts; /* "id/protocol" -> ApppassAccount */
  GHashTable *settings; /* "id/key" -> value */
  GHashTable *stored;   /* "id/protocol" -> password */
  GPtrArray *opened;    /* URIs */
  GPtrArray *retried;   /* account ids */
  GPtrArray *switched;  /* account ids switched to OAuth 2.0 */
  gboolean store_fails;
  gboolean oauth;
  GtkWidget *window;
};

TestClient *test_client_new (void);
void test_client_add_account (TestClient *client, const ApppassAccount *account);
const char *test_client_get_stored (TestClient *client, const char *id, ApppassProtocol protocol);

G_END_DECLS
