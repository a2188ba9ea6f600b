# A mount whose server never answers: a real FUSE mount whose daemon never
# replies (statfs on it blocks in the kernel until the connection dies). The
# agent waits at most --collector.filesystem.mount-timeout once, reports the
# mount with node_filesystem_device_error 1 while still reporting /, serves
# later scrapes without waiting again, and collects the mount again (an
# error now: the connection is gone) once the stuck call returns.
BIN=$1 SRC=$2
source "$SRC/tests/e2e/lib/agent.sh"

[ "$(id -u)" = 0 ] || skip "needs root to mount a FUSE filesystem"
[ -c /dev/fuse ] || skip "no /dev/fuse (FUSE not available in this kernel or container)"
grep -qw fuse /proc/filesystems || skip "kernel has no fuse filesystem"

MNT="$TMP/hung"
mkdir -p "$MNT"
# Holds /dev/fuse open and never reads it: the kernel's INIT request is never
# answered, so every statfs on the mount waits.
python3 - "$MNT" >"$TMP/fuse.out" 2>&1 <<'PY' &
import ctypes, os, sys, time
fd = os.open("/dev/fuse", os.O_RDWR)
libc = ctypes.CDLL(None, use_errno=True)
opts = f"fd={fd},rootmode=40000,user_id=0,group_id=0".encode()
if libc.mount(b"edgestat-hang", sys.argv[1].encode(), b"fuse.edgestat-hang", 0, opts) != 0:
    print("mount:", os.strerror(ctypes.get_errno()), flush=True)
    sys.exit(1)
print("mounted", flush=True)
time.sleep(600)
PY
HOLDER=$!
# Killing the holder aborts the FUSE connection, which frees anything stuck.
trap 'kill -9 $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null; umount -l "$MNT" 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do grep -q . "$TMP/fuse.out" && break; sleep 0.1; done
grep -q mounted "$TMP/fuse.out" || skip "cannot mount FUSE here: $(cat "$TMP/fuse.out")"

scrape() {  # prints the seconds the scrape took; the body goes to $TMP/m
  curl -s -o "$TMP/m" -w '%{time_total}' --max-time 30 "$(URL /metrics)"
}
# node_exporter 1.12's labels: device_error carries why statfs failed.
series() { grep -F "node_filesystem_$1{device=\"edgestat-hang\",device_error=\"$2\",fstype=\"fuse.edgestat-hang\",mountpoint=\"$MNT\"}" "$TMP/m"; }
TIMEOUT="mountpoint timeout"

start_agent --path.procfs=/proc --path.rootfs=/ --collector.disable-defaults --collector.filesystem \
  --collector.filesystem.mount-timeout=1s --collect.scrape-max-age=0s

t=$(scrape)
[ "$(series device_error "$TIMEOUT")" = "node_filesystem_device_error{device=\"edgestat-hang\",device_error=\"$TIMEOUT\",fstype=\"fuse.edgestat-hang\",mountpoint=\"$MNT\"} 1" ] ||
  fail "hung mount not reported with device_error 1: $(grep -F "$MNT" "$TMP/m")"
series size_bytes "$TIMEOUT" && fail "hung mount has a size"
grep -q '^node_filesystem_size_bytes{.*mountpoint="/"}' "$TMP/m" || fail "/ not reported beside the hung mount"
grep -q '"msg":"statfs did not return in time; network and FUSE mounts report device_error until it does"' "$LOG" ||
  fail "timeout not logged"
pass "hung mount: device_error 1, / still reported (scrape ${t}s)"

t=$(scrape)
python3 -c "import sys; sys.exit(0 if float('$t') < 0.9 else 1)" || fail "second scrape waited again (${t}s)"
[ "$(grep -c 'statfs did not return in time' "$LOG")" = 1 ] || fail "timeout logged more than once"
series device_error "$TIMEOUT" | grep -q ' 1$' || fail "hung mount not device_error on the second scrape"
curl -s --max-time 2 "$(URL /health/live)" >/dev/null || fail "/health/live does not answer while the mount hangs"
pass "while the worker is stuck, scrapes do not wait (${t}s)"

# The daemon goes away: the kernel aborts the connection, the stuck statfs
# returns ENOTCONN, and the next scrape asks again.
kill -9 "$HOLDER"
wait "$HOLDER" 2>/dev/null
for _ in $(seq 50); do
  scrape >/dev/null
  grep -q '"msg":"statfs answers again; network and FUSE mounts are collected again"' "$LOG" && break
  sleep 0.1
done
grep -q '"msg":"statfs answers again' "$LOG" || fail "recovery not logged"
series device_error "transport endpoint is not connected" | grep -q ' 1$' || fail "dead FUSE mount (ENOTCONN) not device_error 1"
kill -TERM "$PID"
wait_exit "$PID" 10 || fail "agent exit status after the hang"
pass "after the stuck call returns the mount is collected again; clean exit"
