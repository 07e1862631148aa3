/* apppass — which server certificates a login check trusts
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "apppass-trust.h"

/* Knows one certificate, the account's, and asks the system's store only when
 * that one does not fit. Not a glib-networking database, so the connection
 * checks the server through verify_chain() and builds its GnuTLS credentials
 * without reading the store. */
#define APPPASS_TYPE_ANCHOR_DATABASE (apppass_anchor_database_get_type ())
G_DECLARE_FINAL_TYPE (ApppassAnchorDatabase, apppass_anchor_database, APPPASS, ANCHOR_DATABASE,
                      GTlsDatabase)

struct _ApppassAnchorDatabase {
  GTlsDatabase parent_instance;
  GList *anchors; /* GTlsCertificate */
};

G_DEFINE_TYPE (ApppassAnchorDatabase, apppass_anchor_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
anchor_database_verify_chain (GTlsDatabase *database, GTlsCertificate *chain, const char *purpose,
                              GSocketConnectable *identity, GTlsInteraction *interaction,
                              GTlsDatabaseVerifyFlags flags, GCancellable *cancellable,
                              GError **error)
{
  g_autoptr (GTlsDatabase) system = NULL;

  /* A certificate the user accepted in the mail client, or one it signed for this host. */
  for (GList *l = APPPASS_ANCHOR_DATABASE (database)->anchors; l; l = l->next) {
    if (g_tls_certificate_is_same (chain, l->data) ||
        g_tls_certificate_verify (chain, identity, l->data) == 0)
      return 0;
  }
  system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  if (system == NULL)
    return G_TLS_CERTIFICATE_UNKNOWN_CA;
  return g_tls_database_verify_chain (system, chain, purpose, identity, interaction, flags,
                                      cancellable, error);
}

static void
apppass_anchor_database_finalize (GObject *object)
{
  g_list_free_full (APPPASS_ANCHOR_DATABASE (object)->anchors, g_object_unref);
  G_OBJECT_CLASS (apppass_anchor_database_parent_class)->finalize (object);
}

static void
apppass_anchor_database_class_init (ApppassAnchorDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = apppass_anchor_database_finalize;
  G_TLS_DATABASE_CLASS (klass)->verify_chain = anchor_database_verify_chain;
}

static void
apppass_anchor_database_init (ApppassAnchorDatabase *self)
{
  (void)self;
}

GIOStream *
apppass_tls_client_new (GIOStream *base, GSocketConnectable *identity, GList *anchors,
                        GError **error)
{
  g_autoptr (ApppassAnchorDatabase) database = NULL;

  if (anchors == NULL)
    return g_tls_client_connection_new (base, identity, error);
  database = g_object_new (APPPASS_TYPE_ANCHOR_DATABASE, NULL);
  database->anchors = g_list_copy_deep (anchors, (GCopyFunc)(void (*) (void))g_object_ref, NULL);
  /* Given at construction: the connection builds its credentials from the
   * database it has then, the system's if none was given. */
  return g_initable_new (g_tls_backend_get_client_connection_type (g_tls_backend_get_default ()),
                         NULL, error, "base-io-stream", base, "server-identity", identity,
                         "database", database, NULL);
}
