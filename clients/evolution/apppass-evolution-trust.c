/* apppass for Evolution — a server certificate the user accepted in Evolution
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution.h"

#include <camel/camel.h>

static gboolean
is_accepted (const CamelCert *cert, const char *host)
{
  return g_strcmp0 (cert->hostname, host) == 0 &&
         (cert->trust == CAMEL_CERT_TRUST_FULLY || cert->trust == CAMEL_CERT_TRUST_ULTIMATE ||
          cert->trust == CAMEL_CERT_TRUST_TEMPORARY);
}

static char *
pem_of (GBytes *der)
{
  g_autoptr (GByteArray) bytes = g_bytes_unref_to_array (g_bytes_ref (der));
  g_autoptr (GTlsCertificate) cert =
      g_initable_new (g_tls_backend_get_certificate_type (g_tls_backend_get_default ()), NULL, NULL,
                      "certificate", bytes, NULL);
  char *pem = NULL;

  if (cert)
    g_object_get (cert, "certificate-pem", &pem, NULL);
  return pem;
}

/* Camel keeps what the user accepted by host name (for every port), with
 * the certificate itself in a file named after its fingerprint. */
char *
evo_trust_dup_accepted (const char *host, guint16 port)
{
  CamelCertDB *db = camel_certdb_get_default ();
  GSList *certs;
  char *pem = NULL;

  (void)port;
  if (db == NULL || host == NULL)
    return NULL;
  certs = camel_certdb_list_certs (db);
  for (GSList *l = certs; l && !pem; l = l->next) {
    CamelCert *cert = l->data;

    if (is_accepted (cert, host) && camel_cert_load_cert_file (cert, NULL))
      pem = pem_of (cert->rawcert);
  }
  g_slist_free_full (certs, (GDestroyNotify)camel_cert_unref);
  return pem;
}
