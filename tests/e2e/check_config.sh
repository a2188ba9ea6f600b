# check-config finds what start-up finds, and names file:line: broken
# config files (a key that is not the certificate's, a missing certificate,
# a CIDR, a port, ring_slots, a certificate without its key, a value that is
# not UTF-8, a push target's client key, a retention budget smaller than a
# batch) each make `edgestat check-config
# FILE` exit 1 with the file and line in the message; the good file exits 0;
# and `edgestat run` refuses the bad pair too, for the same reason.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
source "$SRC/tests/e2e/lib/tls.sh"
PKI=$TMP/pki
make_pki "$PKI"

# expect_bad NAME PATTERN: check-config on $TMP/NAME.conf must exit 1 and
# print PATTERN (a grep -F string naming file:line).
expect_bad() {
  local conf=$TMP/$1.conf out rc
  out=$("$BIN" check-config "$conf" 2>&1)
  rc=$?
  [ "$rc" = 1 ] || fail "$1: check-config exited $rc, want 1: $out"
  echo "$out" | grep -qF -- "$2" || fail "$1: no '$2' in: $out"
  pass "$1: exit 1, '$2'"
}

good=$TMP/good.conf
cat >"$good" <<CONF
[tls]
listen_address = 127.0.0.1:9443
cert_file = $PKI/server.pem
key_file = $PKI/server.key
CONF
out=$("$BIN" check-config "$good" 2>&1) || fail "good config refused: $out"
[ "$out" = "$good: OK" ] || fail "good config: unexpected output: $out"
pass "good config: exit 0"

sed "s|$PKI/server.key|$PKI/client.key|" "$good" >"$TMP/mismatch.conf"
expect_bad mismatch "$TMP/mismatch.conf:4: [tls] key_file: private key $PKI/client.key does not match the certificate in $PKI/server.pem"

sed "s|$PKI/server.pem|$PKI/gone.pem|" "$good" >"$TMP/missing.conf"
expect_bad missing "$TMP/missing.conf:3: [tls] cert_file \"$PKI/gone.pem\": No such file or directory"

printf '[tls]\nlisten_address = 127.0.0.1:9443\ncert_file = %s\n' "$PKI/server.pem" >"$TMP/nokey.conf"
expect_bad nokey "$TMP/nokey.conf:3: [tls] listen_address is set: cert_file and key_file are required"

printf '# LAN only\n[access]\nallow = 192.168.1.0/33\n' >"$TMP/cidr.conf"
expect_bad cidr "$TMP/cidr.conf:3: [access] allow \"192.168.1.0/33\""

printf '[web]\nlisten_address = 127.0.0.1:70000\n' >"$TMP/port.conf"
expect_bad port "$TMP/port.conf:2: [web] listen_address \"127.0.0.1:70000\""

printf '[store]\n\nring_slots = 1000\n' >"$TMP/ring.conf"
expect_bad ring "$TMP/ring.conf:3: [store] ring_slots = 1000: must be a power of two"

printf '[agent]\ndata_dir = /var/lib/\xe9dge\n' >"$TMP/latin1.conf"
expect_bad latin1 "$TMP/latin1.conf:2: [agent] data_dir: value is not valid UTF-8"

printf '[store]\nmax_bytes = 1MiB\n' >"$TMP/retention.conf"
expect_bad retention "$TMP/retention.conf:2: [store] max_bytes = 1048576 is smaller than one batch file"

cat >"$TMP/push.conf" <<CONF
[export.otlp.main]
url = https://localhost:4318/v1/metrics
tls_ca_file = $PKI/ca.pem
tls_cert_file = $PKI/client.pem
tls_key_file = $PKI/other-client.key
CONF
expect_bad push "$TMP/push.conf:5: [export.otlp.main] tls_key_file: private key $PKI/other-client.key does not match"

# Every problem at once, each with its own line.
cat "$TMP/mismatch.conf" >"$TMP/all.conf"
printf '[access]\nallow = 10.0.0.0/40\n[store]\nring_slots = 3\n' >>"$TMP/all.conf"
out=$("$BIN" check-config "$TMP/all.conf" 2>&1) && fail "all: accepted"
for want in "all.conf:4: [tls] key_file" "all.conf:6: [access] allow" "all.conf:8: [store] ring_slots"; do
  echo "$out" | grep -qF "$want" || fail "all: no '$want' in: $out"
done
pass "several problems: each named with its line"

# Start-up refuses the same pair for the same reason (one truth).
port=$(free_port)
out=$(timeout 20 "$BIN" run --config.file="$TMP/mismatch.conf" --web.listen-address="127.0.0.1:$port" \
  --tls.listen-address="127.0.0.1:$(free_port)" --agent.runtime-dir="$TMP/run" --agent.data-dir="$TMP/data" \
  --path.procfs="$FIX/proc" --path.sysfs="$FIX/sys" --path.rootfs="$FIX/root" 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "run with a mismatched key exited $rc: $out"
echo "$out" | grep -qF "does not match the certificate" || fail "run: no mismatch reason: $out"
echo "$out" | grep -qF "mismatch.conf:4" || fail "run: the log does not say where key_file was set: $out"
pass "run refuses the mismatched pair, naming mismatch.conf:4"
