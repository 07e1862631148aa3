/* apppass for Evolution — a server certificate the user accepted in Evolution
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "apppass-evolution-trust.h"

#include <camel/camel.h>
#include <string.h>

#include "apppass-file.h"

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

/* The certificate file Camel's camel_cert_load_cert_file() reads, read
 * without waiting: a FIFO or a device put there must not freeze Evolution. */
static GBytes *
load_cert_file (const CamelCert *cert)
{
  g_autofree char *path = NULL;
  char *data;
  gsize length = 0;

  if (cert->fingerprint == NULL || strchr (cert->fingerprint, '/') != NULL)
    return NULL;
  path = g_build_filename (g_get_user_data_dir (), "camel_certs", cert->fingerprint, NULL);
  data = apppass_file_read_regular (path, APPPASS_FILE_MAX_CA, &length, NULL);
  return data ? g_bytes_new_take (data, length) : NULL;
}

/* Camel keeps what the user accepted by host name (for every port), with
 * the certificate itself in a file named after its fingerprint. */
char *
apppass_evolution_trust_dup_accepted (const char *host, guint16 port)
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

    g_autoptr (GBytes) der = is_accepted (cert, host) ? load_cert_file (cert) : NULL;

    if (der)
      pem = pem_of (der);
  }
  g_slist_free_full (certs, (GDestroyNotify)camel_cert_unref);
  return pem;
}
