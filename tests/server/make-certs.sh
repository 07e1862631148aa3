#!/usr/bin/env bash
# Test certificates, made at test time: a test CA and what it signs.
#   make-certs.sh OUTDIR
# ca.pem          the test CA (ca-key.pem)
# server.pem      for localhost and 127.0.0.1, signed by the CA
# wrong-host.pem  signed by the CA, for wrong.example only
# expired.pem     signed by the CA, valid only in the past
# self-signed.pem for localhost and 127.0.0.1, signed by itself
# other-ca.pem    a second CA that signs nothing here
set -euo pipefail
out=${1:?usage: make-certs.sh OUTDIR}
mkdir -p "$out"
cd "$out"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() {  # name subject
  key "$1-key.pem"
  openssl req -x509 -new -key "$1-key.pem" -subj "/CN=$2" -days 30 -out "$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
leaf() {  # name san [days-from days-to]
  local name=$1 san=$2
  key "$name-key.pem"
  openssl req -new -key "$name-key.pem" -subj "/CN=apppass test $name" -out "$name.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" > "$name.ext"
  if [ $# -ge 4 ]; then
    # A validity in the past needs the x509 -not_before/-not_after of OpenSSL 3.
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile "$name.ext" -out "$name.pem" -days 1 2>/dev/null
    openssl ca -batch -config <(printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s\nnew_certs_dir=.\nserial=%s\npolicy=p\ndefault_md=sha256\ncopy_extensions=copy\n[p]\ncommonName=supplied\n' "$PWD/index.txt" "$PWD/serial") \
      -cert ca.pem -keyfile ca-key.pem -in "$name.csr" -out "$name.pem" -notext \
      -startdate "$3" -enddate "$4" -extfile "$name.ext" >/dev/null 2>&1
  else
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile "$name.ext" -out "$name.pem" -days 30 2>/dev/null
  fi
  rm -f "$name.csr" "$name.ext"
}
ca ca "apppass test CA"
ca other-ca "apppass other CA"
leaf server "DNS:localhost,IP:127.0.0.1"
leaf wrong-host "DNS:wrong.example"
: > index.txt
printf '1000\n' > serial
leaf expired "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200201000000Z
key self-signed-key.pem
openssl req -x509 -new -key self-signed-key.pem -subj "/CN=localhost" -days 30 \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out self-signed.pem 2>/dev/null
rm -f index.txt* serial* ca.srl ./*.old 1000.pem 1001.pem 2>/dev/null || true
