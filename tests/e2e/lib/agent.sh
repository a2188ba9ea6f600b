# Shared helpers for the daemon's e2e tests (sourced; not a test itself:
# the CMake glob runs tests/e2e/*.sh only).
#   BIN=$1 SRC=$2; source "$SRC/tests/e2e/lib/agent.sh"
#   start_agent [flags...]   -> $PORT, $PID, $LOG, $TMP; waits for `started`
# The agent reads the VM fixture tree and keeps its lock and data in $TMP.
set -u
FIX="$SRC/tests/fixtures/vm"
TMP=$(mktemp -d /tmp/edgestat-e2e.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { kill -9 "$p"; wait "$p"; } 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# Under CI=true as root a system test (EDGESTAT_SYSTEM_TEST=1) must not
# skip (tests/lib/common.sh says why).
skip() {
  if [ "${EDGESTAT_SYSTEM_TEST:-0}" = 1 ] && [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
    echo "FAIL: a system test would be skipped under CI=true as root: $*"
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}
fail() { echo "FAIL: $*"; [ -n "${LOG:-}" ] && [ -f "$LOG" ] && { echo "--- agent log"; tail -20 "$LOG"; }; exit 1; }
pass() { echo "ok - $*"; }

command -v curl >/dev/null || skip "curl not installed"
command -v python3 >/dev/null || skip "python3 not installed"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_agent [extra flags]: runs $AGENT_BIN (default $BIN) in the
# background on a free loopback port with its runtime dir in $TMP.
start_agent() {
  PORT=$(free_port)
  LOG="$TMP/agent-$PORT.log"
  RUNDIR=${RUNDIR:-$TMP/run-$PORT}
  mkdir -p "$TMP/data"
  "${AGENT_BIN:-$BIN}" run --web.listen-address="127.0.0.1:$PORT" \
    --path.procfs="$FIX/proc" --path.sysfs="$FIX/sys" --path.rootfs="$FIX/root" \
    --agent.runtime-dir="$RUNDIR" --agent.data-dir="$TMP/data" "$@" 2>"$LOG" &
  PID=$!
  PIDS+=("$PID")
  unset RUNDIR
  for _ in $(seq 100); do
    grep -q '"msg":"started"' "$LOG" 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || fail "agent exited before started: $(cat "$LOG")"
    sleep 0.05
  done
  fail "agent did not start"
}

URL() { echo "http://127.0.0.1:$PORT$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# wait_exit PID SECONDS -> exit status of PID (fails on timeout)
wait_exit() {
  local pid=$1 t=$2
  for _ in $(seq $((t * 20))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
    sleep 0.05
  done
  fail "pid $pid still running after ${t}s"
}

# raw HOST-less request bytes to the agent; prints the whole answer.
raw() {
  python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(65536)
    if not b: break
    out += b
sys.stdout.write(out.decode("latin-1"))
PY
}
