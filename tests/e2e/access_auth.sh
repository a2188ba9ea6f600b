# Basic auth (PBKDF2 hash from `edgestat hash-password`, password on stdin),
# Bearer tokens, an ingest-only token, public /health/live, trusted hosts,
# WWW-Authenticate on 401, and an access log that never holds a secret.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"
PW='c0rrect horse:battery'
HASH=$(printf '%s\n' "$PW" | "$BIN" hash-password --user=prom) || fail "hash-password failed"
case "$HASH" in 'prom:$pbkdf2-sha256$20000$'*) ;; *) fail "unexpected hash line: $HASH" ;; esac
"$BIN" hash-password "$PW" >/dev/null 2>&1 && fail "hash-password took a password from argv"
TOKEN=read-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
INGEST=ingest-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$TMP/edgestat.conf" <<CONF
[auth]
users = $HASH
tokens = $TOKEN
ingest_tokens = $INGEST
[access]
trusted_hosts = localhost, 127.0.0.1
log = true
CONF
start_agent --config.file="$TMP/edgestat.conf"

[ "$(code "$(URL /health/live)")" = 200 ] || fail "/health/live needs credentials"
h=$(curl -s -D - -o /dev/null "$(URL /metrics)")
echo "$h" | grep -q '^HTTP/1.1 401' || fail "/metrics without credentials: $(echo "$h" | head -1)"
echo "$h" | grep -q '^WWW-Authenticate: Basic realm="edgestat", charset="UTF-8"' || fail "no Basic challenge"
echo "$h" | grep -q '^WWW-Authenticate: Bearer realm="edgestat"' || fail "no Bearer challenge"
[ "$(code "$(URL /api/v1/snapshot)")" = 401 ] || fail "/api/v1/snapshot open"
[ "$(code -u "prom:$PW" "$(URL /metrics)")" = 200 ] || fail "right password refused"
# Each check that runs PBKDF2 from its own address: on a loaded machine one
# check can take 100 ms, and three in a row from one address would spend
# its password-check budget (auth_budget.hpp) and get 429 instead.
c=$(code --interface 127.0.0.2 -u "prom:wrong" "$(URL /metrics)"); [ "$c" = 401 ] || fail "wrong password: $c"
c=$(code --interface 127.0.0.3 -u "nobody:$PW" "$(URL /metrics)"); [ "$c" = 401 ] || fail "unknown user: $c"
[ "$(code -H "Authorization: Bearer $TOKEN" "$(URL /api/v1/snapshot)")" = 200 ] || fail "token refused"
[ "$(code -H "Authorization: Bearer $INGEST" "$(URL /metrics)")" = 401 ] || fail "ingest token read /metrics"
[ "$(code -H "Authorization: Bearer nope-nope-nope-nope" "$(URL /metrics)")" = 401 ] || fail "bad token accepted"
# GET and POST of the ingest path are authorised separately: the ingest
# token posts but cannot read the aggregates back.
OP='{"operation_type":"auth","operation_name":"e2e","duration_ms":3}'
[ "$(code -H "Authorization: Bearer $INGEST" "$(URL /api/v1/operations)")" = 401 ] || fail "ingest token read /api/v1/operations"
[ "$(code -I -H "Authorization: Bearer $INGEST" "$(URL /api/v1/operations)")" = 401 ] || fail "ingest token HEAD /api/v1/operations"
[ "$(code -H "Authorization: Bearer $INGEST" -H 'Content-Type: application/json' --data "$OP" "$(URL /api/v1/operations)")" = 202 ] || fail "ingest token cannot post"
[ "$(code -H "Authorization: Bearer $TOKEN" "$(URL /api/v1/operations)")" = 200 ] || fail "read token cannot read /api/v1/operations"
pass "401 + WWW-Authenticate without credentials; Basic and Bearer accepted; ingest token posts but cannot read"

# Timing: an unknown user costs what a wrong password costs (PBKDF2 either way).
# Every sample from its own address: a loaded machine can make a few PBKDF2
# runs in a row spend one client's password-check budget (auth_budget.hpp),
# and a fast 429 would then pass for a cheap check. Only 401s are timed.
series() {  # series USER:PASS NET -> the median of five samples from NET.1-5
  local i r all=""
  for i in 1 2 3 4 5; do
    r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --interface "$2.$i" -u "$1" "$(URL /metrics)")
    [ "${r%% *}" = 401 ] || { echo "FAIL: timing sample $1 from $2.$i: HTTP ${r%% *}" >&2; return 1; }
    all="$all${r#* }"$'\n'
  done
  printf '%s' "$all" | sort -n | sed -n 3p
}
tw=$(series "prom:wrong" 127.0.1) || exit 1
tu=$(series "nobody:wrong" 127.0.2) || exit 1
echo "median: wrong password $tw s, unknown user $tu s"
python3 -c "w,u=$tw,$tu; assert 0.4 < u/w < 2.5, (w,u)" || fail "unknown user timing differs: $tu vs $tw"

# Trusted hosts (DNS rebinding): another Host gets 400, even on public paths.
[ "$(code -H 'Host: evil.example' "$(URL /health/live)")" = 400 ] || fail "untrusted Host served"
[ "$(code -H 'Host: localhost:9100' "$(URL /health/live)")" = 200 ] || fail "trusted Host refused"
pass "Host outside trusted_hosts: 400"

# The access log: one JSON line per request, no password, hash or token.
sleep 0.2
grep -q '"msg":"access".*"path":"/metrics","status":401' "$LOG" || fail "no access line for a 401"
grep -q '"msg":"access".*"status":200.*"user":"prom"' "$LOG" || fail "no access line with the user"
b64=$(printf 'prom:%s' "$PW" | base64)
for secret in "$PW" "$b64" "$TOKEN" "$INGEST" "wrong" "pbkdf2"; do
  grep -qF -- "$secret" "$LOG" && fail "the log holds a secret: $secret"
done
lines=$(grep -c '"msg":"access"' "$LOG")
python3 -c '
import json,sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j["msg"] == "access":
        assert set(j) >= {"id","peer","method","path","status","bytes","duration_s"}, j' "$LOG" || fail "access lines are not complete JSON"
pass "access log: $lines JSON lines, no credentials"

# check-config refuses a plaintext password and names the user only.
out=$("$BIN" check-config --auth.users='bob:hunter2' 2>&1) && fail "plaintext password accepted"
echo "$out" | grep -q 'users entry for "bob"' || fail "bad user entry not reported: $out"
echo "$out" | grep -q hunter2 && fail "check-config echoed the password"
pass "a plaintext password is a config error that does not echo it"
