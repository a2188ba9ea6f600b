# TLS helpers for the e2e tests (sourced after lib/agent.sh; not a test).
#   make_pki DIR   -> DIR/{ca,other-ca}.pem, server.{pem,key} (localhost,
#                     127.0.0.1), client.{pem,key} (CN=prometheus, from ca),
#                     other-client.{pem,key} (from other-ca),
#                     expired.{pem,key} (notAfter before now), soon.{pem,key}
#                     (expires in 7 days), server2.{pem,key} (a second good pair)
# Certificates are made at test time with openssl (EC P-256, fast).
command -v openssl >/dev/null || skip "openssl not installed"

_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
_ca() {  # dir name cn
  _key "$1/$2.key"
  openssl req -x509 -new -key "$1/$2.key" -subj "/CN=$3" -days 30 -out "$1/$2.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
_leaf() {  # dir name ca cn days ext
  _key "$1/$2.key"
  openssl req -new -key "$1/$2.key" -subj "/CN=$4" -out "$1/$2.csr" 2>/dev/null
  printf '%s\n' "$6" >"$1/$2.ext"
  # -days -1 makes notAfter a day before notBefore: an expired certificate
  # without faketime or openssl 3.4's -not_after.
  openssl x509 -req -in "$1/$2.csr" -CA "$1/$3.pem" -CAkey "$1/$3.key" -CAcreateserial -days "$5" \
    -extfile "$1/$2.ext" -out "$1/$2.pem" 2>/dev/null
  rm -f "$1/$2.csr" "$1/$2.ext"
}
make_pki() {
  local d=$1 srv="subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth" cli="subjectAltName=DNS:prometheus.lan
extendedKeyUsage=clientAuth"
  mkdir -p "$d"
  _ca "$d" ca "edgestat e2e CA"
  _ca "$d" other-ca "another CA"
  _leaf "$d" server ca localhost 30 "$srv"
  _leaf "$d" server2 ca localhost 20 "$srv"
  _leaf "$d" expired ca localhost -1 "$srv"
  _leaf "$d" soon ca localhost 7 "$srv"
  _leaf "$d" client ca prometheus 30 "$cli"
  _leaf "$d" other-client other-ca prometheus 30 "$cli"
  [ -s "$d/expired.pem" ] && [ -s "$d/client.pem" ] || fail "openssl could not make the test certificates"
}

# start_tls_agent PKI [flags...] -> $PORT (plain), $TPORT (https), $PID, $LOG
start_tls_agent() {
  local pki=$1
  shift
  TPORT=$(free_port)
  start_agent --tls.listen-address="127.0.0.1:$TPORT" --tls.cert-file="$pki/server.pem" \
    --tls.key-file="$pki/server.key" "$@"
}
TURL() { echo "https://localhost:$TPORT$1"; }
# curl over TLS trusting the e2e CA, resolving localhost to 127.0.0.1.
tcurl() { curl -sS --max-time 10 --cacert "$PKI/ca.pem" --resolve "localhost:$TPORT:127.0.0.1" "$@"; }
tcode() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$PKI/ca.pem" --resolve "localhost:$TPORT:127.0.0.1" "$@"; }
metric() {  # metric NAME_WITH_LABELS -> value from the plain /metrics
  curl -s --max-time 5 "$(URL /metrics)" | awk -v m="$1" '$1 == m { print $2 }'
}
